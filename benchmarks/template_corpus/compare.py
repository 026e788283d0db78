"""Compare phenopackets on the fields curation templates map (used by tests and ``benchmarks/templates.py``).

Evaluation code, not part of the library: it lives under ``benchmarks/`` and imports phenotk like any user.

:func:`mapped_fields` reduces a packet to observed / excluded HPO sets, feature onsets, sex, age at last
encounter, vital status, disease ids and variants (HGVS expressions, VCF record, allelic state);
:func:`differences` lists, field by field, where two packets disagree.

The pyphetools clean-up the Excel comparison relies on is part of the library
(:func:`phenotk.conversion.template.clean.remove_redundant`, ``-O clean=pyphetools``). Of the 4,479 excluded
sheet terms below another excluded term of the same row, the store dropped 4,434 and kept 45 (four templates:
CARD9, SPTSSA, TBX5, TGFBR2). The 45 are exactly the terms the current cohort JSON row still marks excluded;
neither the store packet's metadata (created, createdBy, HPO version, schema version) nor the workbook's dates
separate them from the 4,434, so the clean-up keeps the majority rule and the comparison labels them
``table-keeps-redundant``.

**Builder eras.** phenopacket-store's packets were written by successive versions of its builder, and two
conventions changed on a date that the store itself shows (:func:`builder_eras` derives both from the packets):

* ``hgvs.p`` — no packet created before the first packet that carries an ``hgvs.p`` expression has one
  (2025-10-07T14:51Z in the shared store); every later packet carries it whenever the table has ``pHgvs``.
* female single X allele — packets created before the first packet giving a female a *heterozygous* variant on
  chromosome X (2026-06-09 by VCF record; structural variants carry no chromosome) call every single X allele
  hemizygous; later packets call it heterozygous in females, as the converter does.

:func:`era_normalised` lets a comparison judge an old packet by the convention of its era: ``hgvs.p`` is dropped
from both sides for a packet from before the protein era that carries none, and a female's heterozygous variant
equals the store's hemizygous copy of it for a packet from before the female-X era. The converter's output never
changes for this: ``hgvs.p`` and the heterozygous state are correct data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp
from phenopackets import Phenopacket, Sex, TimeElement, VitalStatus

from phenotk.conversion.template.timecells import cell_time


def _time(element: TimeElement) -> str:
    return cell_time(element)


def mapped_fields(packet: Phenopacket, *, variants: bool = True) -> dict[str, Any]:
    """The template-mapped content of a packet, as comparable plain values."""
    observed = {f.type.id for f in packet.phenotypic_features if not f.excluded}
    excluded = {f.type.id for f in packet.phenotypic_features if f.excluded}
    onsets = {f.type.id: _time(f.onset) for f in packet.phenotypic_features if f.HasField("onset")}
    subject = packet.subject
    out: dict[str, Any] = {
        "observed": observed,
        "excluded": excluded,
        "onsets": onsets,
        "sex": int(subject.sex),
        "age_at_last_encounter": _time(subject.time_at_last_encounter)
        if subject.HasField("time_at_last_encounter")
        else "",
        "deceased": subject.HasField("vital_status") and subject.vital_status.status == VitalStatus.Status.DECEASED,
        "diseases": sorted(d.term.id for d in packet.diseases),
        "disease_onsets": sorted(_time(d.onset) for d in packet.diseases if d.HasField("onset")),
    }
    if variants:
        found = set()
        for interpretation in packet.interpretations:
            for gi in interpretation.diagnosis.genomic_interpretations:
                vd = gi.variant_interpretation.variation_descriptor
                vcf = vd.vcf_record
                found.add(
                    (
                        tuple(sorted((e.syntax, e.value) for e in vd.expressions)),
                        (vcf.genome_assembly, vcf.chrom, int(vcf.pos), vcf.ref, vcf.alt)
                        if vd.HasField("vcf_record")
                        else (),
                        vd.structural_type.id,
                        vd.label if vd.HasField("structural_type") else "",
                        vd.allelic_state.id,
                    )
                )
        out["variants"] = found
    return out


def differences(produced: dict[str, Any], expected: dict[str, Any]) -> list[str]:
    """One line per mapped field that differs (``field: produced-only … / expected-only …``)."""
    out = []
    for key in expected:
        a, b = produced.get(key), expected[key]
        if a == b:
            continue
        if isinstance(a, dict) and isinstance(b, dict):
            ka, kb = set(a.items()), set(b.items())
            out.append(f"{key}: produced-only {sorted(ka - kb)} expected-only {sorted(kb - ka)}")
        elif isinstance(a, set) and isinstance(b, set):
            ka, kb = a, b
            out.append(f"{key}: produced-only {sorted(ka - kb)} expected-only {sorted(kb - ka)}")
        else:
            out.append(f"{key}: produced {a!r} expected {b!r}")
    return out


HETEROZYGOUS = "GENO:0000135"
HEMIZYGOUS = "GENO:0000134"
_X = {"x", "chrx", "23"}
_BLANKS = re.compile(r"\s+")
#: Era causes: a packet built before its builder wrote the convention the converter follows.
ERA_PROTEIN = "builder-before-hgvs.p"
ERA_FEMALE_X = "builder-before-female-X-heterozygous"


def _stamp(packet: Phenopacket) -> tuple[int, int]:
    return (packet.meta_data.created.seconds, packet.meta_data.created.nanos)


def _descriptors(packet: Phenopacket) -> Iterable[Any]:
    for interpretation in packet.interpretations:
        for gi in interpretation.diagnosis.genomic_interpretations:
            yield gi.variant_interpretation.variation_descriptor


@dataclass(frozen=True)
class BuilderEras:
    """When the store's builder began writing a convention: ``created`` of the first packet showing it.

    ``None`` means no packet shows it (then every packet is from before). Times are ``(seconds, nanos)``.
    """

    protein_since: tuple[int, int] | None = None
    female_x_heterozygous_since: tuple[int, int] | None = None

    def describe(self) -> str:
        """The two boundaries as RFC 3339 text, for summaries."""

        def text(t: tuple[int, int] | None) -> str:
            if t is None:
                return "never"
            return Timestamp(seconds=t[0], nanos=t[1]).ToJsonString()

        return (
            f"first hgvs.p {text(self.protein_since)}, "
            f"first heterozygous X variant in a female {text(self.female_x_heterozygous_since)}"
        )


def builder_eras(packets: Iterable[Phenopacket]) -> BuilderEras:
    """Derive the builder eras from the store's own packets (see the module docstring)."""
    protein: tuple[int, int] | None = None
    female_x: tuple[int, int] | None = None
    for packet in packets:
        created = _stamp(packet)
        for vd in _descriptors(packet):
            if any(e.syntax == "hgvs.p" for e in vd.expressions) and (protein is None or created < protein):
                protein = created
            if (
                packet.subject.sex == Sex.FEMALE
                and vd.allelic_state.id == HETEROZYGOUS
                and vd.vcf_record.chrom.lower() in _X
                and (female_x is None or created < female_x)
            ):
                female_x = created
    return BuilderEras(protein, female_x)


def _before(created: tuple[int, int], since: tuple[int, int] | None) -> bool:
    return since is None or created < since


def _has_protein(fields: dict[str, Any]) -> bool:
    return any(e[0] == "hgvs.p" for v in fields.get("variants", ()) for e in v[0])


def era_normalised(
    produced: dict[str, Any], expected: dict[str, Any], store_packet: Phenopacket, eras: BuilderEras
) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """Both field sets judged by the conventions of the store packet's builder era, and the era causes applied.

    A cause is listed only when it changed something (the pair differed on that convention).
    """
    created = _stamp(store_packet)
    causes = []
    a, b = produced, expected
    if _before(created, eras.protein_since) and not _has_protein(b) and _has_protein(a):
        a, b = _without_protein(a), _without_protein(b)
        causes.append(ERA_PROTEIN)
    if (
        _before(created, eras.female_x_heterozygous_since)
        and a.get("sex") == b.get("sex") == Sex.FEMALE
        and "variants" in a
    ):
        hemizygous = {v[:-1] for v in b["variants"] if v[-1] == HEMIZYGOUS}
        swapped = {
            (*v[:-1], HEMIZYGOUS) if v[-1] == HETEROZYGOUS and v[:-1] in hemizygous else v for v in a["variants"]
        }
        if swapped != a["variants"]:
            a = {**a, "variants": swapped}
            causes.append(ERA_FEMALE_X)
    return a, b, causes


def _without_protein(fields: dict[str, Any]) -> dict[str, Any]:
    out = dict(fields)
    out["variants"] = {(tuple(e for e in v[0] if e[0] != "hgvs.p"), *v[1:]) for v in fields.get("variants", ())}
    return out


def _without_blanks(fields: dict[str, Any]) -> dict[str, Any]:
    out = dict(fields)
    out["variants"] = {
        (tuple((k, _BLANKS.sub("", value)) for k, value in v[0]), *v[1:]) for v in fields.get("variants", ())
    }
    return out


def variant_cause(produced: dict[str, Any], expected: dict[str, Any]) -> str:
    """A label for a pair that differs only in variants, or ``""``.

    * ``store-hgvs-whitespace`` — equal once blanks are removed from expressions: the store copied a blank
      from the table into an HGVS expression (``NM_004782.4: c.487dup``); the converter trims it (HGVS has
      no blanks).
    * ``store-lacks-table-variant`` — the store packet has a strict subset of the row's variants.
    * ``allelic-state-differs`` — same variants, different allelic state.
    """
    if any(produced.get(k) != expected.get(k) for k in expected if k != "variants"):
        return ""
    a, b = produced.get("variants", set()), expected.get("variants", set())
    if _without_blanks(produced)["variants"] == _without_blanks(expected)["variants"]:
        return "store-hgvs-whitespace"
    if b < a:
        return "store-lacks-table-variant"
    if {v[:-1] for v in a} == {v[:-1] for v in b} and len(a) == len(b):
        return "allelic-state-differs"
    return ""
