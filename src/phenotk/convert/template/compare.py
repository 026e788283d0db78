"""Compare phenopackets on the fields curation templates map (used by tests and ``benchmarks/templates.py``).

:func:`mapped_fields` reduces a packet to observed / excluded HPO sets, feature onsets, sex, age at last
encounter, vital status, disease ids and variants (HGVS expressions, VCF record, allelic state);
:func:`differences` lists, field by field, where two packets disagree.

:func:`remove_redundant` reproduces the clean-up pyphetools applied when it built the store's packets from
Excel templates: an observed term is dropped when one of its descendants is also
observed; an excluded term is dropped when one of its ancestors is also excluded (excluding the ancestor
already excludes it); and an excluded term is dropped when it or one of its descendants is observed (a
conflict pyphetools resolved in favour of the observation). Measured on the 457 store templates, this is the
direction that reproduces the store's packets.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from phenopackets import Phenopacket, TimeElement, VitalStatus

from phenotk.convert.template.timecells import cell_time


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


def remove_redundant(
    features: list[tuple[str, bool, str]],
    ancestors: Callable[[str], frozenset[str] | set[str]],
    *,
    by_onset: bool = False,
) -> list[tuple[str, bool, str]]:
    """Pyphetools' clean-up of ``(hpo_id, excluded, onset)`` triples; ``ancestors(id)`` gives an id's ancestors.

    Order is kept; ids the ontology does not know are kept (``ancestors`` should answer an empty set for them).
    ``by_onset`` compares terms only within the same onset (an older pyphetools behaviour); the store's packets
    agree better with the whole-row comparison (measured with ``benchmarks/templates.py``: about 3 points more
    rows identical on the shared HPO release).
    """
    groups: dict[str, list[tuple[str, bool, str]]] = defaultdict(list)
    for f in features:
        groups[f[2] if by_onset else ""].append(f)
    drop: set[tuple[str, bool, str]] = set()
    for group in groups.values():
        observed = set(f[0] for f in group if not f[1])
        excluded = set(f[0] for f in group if f[1])
        # an observed term that is an ancestor of another observed term says nothing new
        implied: set[str] = set()
        for o in observed:
            implied |= ancestors(o)
        for f in group:
            # observed ancestor of an observed term: redundant; excluded below an excluded ancestor: implied;
            # excluded ancestor (or copy) of an observed term: a conflict resolved for the observation
            if f[1]:
                redundant = bool(ancestors(f[0]) & excluded) or f[0] in implied or f[0] in observed
            else:
                redundant = f[0] in implied
            if redundant:
                drop.add(f)
    seen: set[tuple[str, bool, str]] = set()
    out = []
    for f in features:
        if f in drop or f in seen:
            continue
        seen.add(f)
        out.append(f)
    return out


def _without_protein(fields: dict[str, Any]) -> dict[str, Any]:
    out = dict(fields)
    out["variants"] = {(tuple(e for e in v[0] if e[0] != "hgvs.p"), *v[1:]) for v in fields.get("variants", ())}
    return out


def explain(produced: dict[str, Any], expected: dict[str, Any]) -> str:
    """A known cause for a difference, or ``""`` when none applies.

    ``store-lacks-hgvs.p``: the only difference is an ``hgvs.p`` expression the table has and the store packet
    lacks (the packet was built before the table gained its ``pHgvs`` column values).
    """
    if differences(produced, expected) and not differences(_without_protein(produced), _without_protein(expected)):
        return "store-lacks-hgvs.p"
    return ""
