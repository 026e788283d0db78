"""Pre-1.0 Phenopackets (HpoCaseAnnotator 0.2 / 0.3 exports) → v1 trees.

Two layouts are known:

* **0.3** — a v1 Phenopacket with ``phenotypes`` instead of ``phenotypicFeatures``, ``genotype`` instead of
  ``zygosity`` on variants and a ``background`` string on variants.
* **0.2** — a family in one document: ``subject`` (the proband) and ``individuals[]`` (relatives), each with
  ``phenotypes[]`` and an ontology-class ``sex`` (PATO); a ``pedigree``; variants with flat coordinates and
  ``sampleGenotypes`` (sample id → zygosity) instead of one zygosity.
* **0.1** — one ``subject`` holding its own ``phenotypes[]`` (or ``phenotypicFeatures[]``), no ``individuals``:
  the schema documentation's 0.1 Java example (PATO sex, ``ageAtCollection``, flat variants with
  ``sampleGenotypes``) and LIRICAL's documented input. It becomes one Phenopacket.

Everything else is refused with a reason. The result is a v1 tree that the v1 upgrader parses strictly.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from phenotk.errors import InputError
from phenotk.io.sourcemap import join
from phenotk.issue import Issue

from . import findings as F

_PATO_SEX = {
    "PATO:0000383": "FEMALE",
    "PATO:0000384": "MALE",
    "PATO:0001340": "OTHER_SEX",  # hermaphrodite
}
_SEX_WORDS = {"female": "FEMALE", "male": "MALE", "unknown": "UNKNOWN_SEX", "other": "OTHER_SEX"}


@dataclass
class Pre1Result:
    """A v1 tree made from a pre-1.0 document, the findings about it and where moved parts came from."""

    tree: dict[str, Any]
    layout: str  # "0.1" | "0.2" | "0.3"
    issues: list[Issue] = field(default_factory=list)
    #: pointer prefix in ``tree`` → pointer prefix in the input (for moved sub-trees)
    moves: dict[str, str] = field(default_factory=dict)


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _sex(value: Any, pointer: str, issues: list[Issue]) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        sid, label = value.get("id"), str(value.get("label", "")).lower()
        mapped = _PATO_SEX.get(str(sid)) or _SEX_WORDS.get(label)
        if mapped:
            issues.append(F.PRE1_LEGACY_FIELD(f"pre-1.0 sex {sid} ({label}) became the enum {mapped}", pointer=pointer))
            return mapped
        issues.append(
            F.FIELD_NOT_CARRIED(
                f"pre-1.0 sex {sid!r} ({label}) has no Sex enum value; dropped", pointer=pointer, value=value
            )
        )
    return None


def _features(items: Any, pointer: str, issues: list[Issue], key: str = "phenotypes") -> list[Any]:
    out = list(items) if isinstance(items, list) else []
    if out:
        where = "'phenotypes'" if key == "phenotypes" else "subject's 'phenotypicFeatures'"
        issues.append(
            F.PRE1_LEGACY_FIELD(f"pre-1.0 {where} ({len(out)}) became 'phenotypicFeatures'", pointer=pointer)
        )
    return out


def subject_features(tree: dict[str, Any]) -> bool:
    """True when the subject holds its own feature list (pre-1.0 0.1 / 0.2 layouts), which v1 and v2 never do."""
    subject = tree.get("subject")
    return isinstance(subject, dict) and any(isinstance(subject.get(k), list)
                                             for k in ("phenotypes", "phenotypicFeatures"))


def _individual_packet(
    ind: dict[str, Any], pointer: str, issues: list[Issue], moves: dict[str, str], target: str
) -> dict[str, Any]:
    """A v1 Phenopacket tree for one pre-1.0 (0.2) individual (subject or member of ``individuals``)."""
    subject: dict[str, Any] = {}
    packet: dict[str, Any] = {"subject": subject}
    for key, value in ind.items():
        ptr = join(pointer, key)
        if key in ("phenotypes", "phenotypicFeatures"):
            feats = _features(value, ptr, issues, key)
            if feats:
                packet["phenotypicFeatures"] = feats
                moves[join(target, "phenotypicFeatures")] = ptr
        elif key == "sex":
            sex = _sex(value, ptr, issues)
            if sex:
                subject["sex"] = sex
        elif key in ("id", "alternateIds", "dateOfBirth", "ageAtCollection", "karyotypicSex", "taxonomy"):
            subject[key] = value
        elif _empty(value):
            continue
        else:
            issues.append(
                F.FIELD_NOT_CARRIED(
                    f"pre-1.0 individual field '{key}' has no Phenopacket v2 counterpart; dropped",
                    pointer=ptr,
                    value=value,
                )
            )
    if isinstance(ind.get("id"), str):
        packet["id"] = ind["id"]
    moves[join(target, "subject")] = pointer
    return packet


def _flat_variant(
    var: dict[str, Any],
    pointer: str,
    issues: list[Issue],
    packets: dict[str, tuple[dict[str, Any], str]],
    moves: dict[str, str],
) -> None:
    """Distribute a 0.2 variant (``sampleGenotypes``) as v1 variants onto the packets of its samples."""
    hgvs = var.get("hgvs")
    if not isinstance(hgvs, str) or not hgvs:
        issues.append(
            F.FIELD_NOT_CARRIED(
                "pre-1.0 variant without an HGVS expression cannot be upgraded; dropped", pointer=pointer, value=var
            )
        )
        return
    coords = [k for k in ("sequence", "position", "deletion", "insertion", "coordinateSystem") if k in var]
    if coords:
        issues.append(
            F.PRE1_LEGACY_FIELD(
                f"pre-1.0 variant coordinates ({', '.join(coords)}) are represented by its HGVS expression {hgvs}",
                pointer=pointer,
            )
        )
    assembly = var.get("genomeAssembly")
    if isinstance(assembly, str) and assembly not in ("", "UNKNOWN"):
        issues.append(
            F.FIELD_NOT_CARRIED(
                f"pre-1.0 variant genomeAssembly {assembly!r} has no place next to an HGVS expression; dropped",
                pointer=join(pointer, "genomeAssembly"),
            )
        )
    genotypes = var.get("sampleGenotypes")
    if not isinstance(genotypes, dict) or not genotypes:
        issues.append(
            F.FIELD_NOT_CARRIED(
                f"pre-1.0 variant {hgvs} has no sampleGenotypes, so no individual to attach it to; dropped",
                pointer=pointer,
            )
        )
        return
    for sample, zygosity in genotypes.items():
        found = packets.get(sample)
        if found is None:
            issues.append(
                F.FIELD_NOT_CARRIED(
                    f"genotype of {hgvs} for sample {sample!r}, which is not an individual of this document; dropped",
                    pointer=join(pointer, "sampleGenotypes", sample),
                    value=zygosity,
                )
            )
            continue
        packet, target = found
        v1: dict[str, Any] = {"hgvsAllele": {"hgvs": hgvs}}
        if isinstance(zygosity, dict):
            v1["zygosity"] = zygosity
        variants = packet.setdefault("variants", [])
        moves[join(target, "variants", len(variants))] = join(pointer, "sampleGenotypes", sample)
        variants.append(v1)


def normalise_pre1(tree: dict[str, Any], path: str = "<input>") -> Pre1Result:
    """Turn a pre-1.0 tree into a v1 Phenopacket (0.3) or Family (0.2) tree; InputError if unrecognised."""
    tree = copy.deepcopy(tree)
    issues: list[Issue] = []
    moves: dict[str, str] = {}
    if isinstance(tree.get("individuals"), list):
        return _family_02(tree, path, issues, moves)
    if subject_features(tree):
        return _single_01(tree, issues, moves)
    if isinstance(tree.get("phenotypes"), list):
        out = dict(tree)
        feats = _features(out.pop("phenotypes"), "/phenotypes", issues)
        if feats:
            out["phenotypicFeatures"] = feats
            moves["/phenotypicFeatures"] = "/phenotypes"
        variants = out.get("variants")
        if isinstance(variants, list):
            for i, var in enumerate(variants):
                if not isinstance(var, dict):
                    continue
                ptr = join("/variants", i)
                if "genotype" in var:
                    var["zygosity"] = var.pop("genotype")
                    issues.append(
                        F.PRE1_LEGACY_FIELD(
                            "pre-1.0 variant 'genotype' became 'zygosity'", pointer=join(ptr, "genotype")
                        )
                    )
                background = var.pop("background", None)
                if not _empty(background):
                    issues.append(
                        F.FIELD_NOT_CARRIED(
                            f"pre-1.0 variant 'background' {background!r} has no v2 counterpart; dropped",
                            pointer=join(ptr, "background"),
                        )
                    )
        return Pre1Result(out, "0.3", issues, moves)
    raise InputError(
        "pre-1.0 Phenopacket layout not recognised (expected HpoCaseAnnotator 0.2 'individuals' or "
        "'subject.phenotypes' lists, or a 0.3 'phenotypes' list); it cannot be upgraded",
        path=path,
        line=1,
        column=1,
        kind="v1",
    )


def _variants(tree: dict[str, Any], issues: list[Issue]) -> list[tuple[int, dict[str, Any]]]:
    """(index, variant) for the objects of a pre-1.0 ``variants`` list; a finding for anything else."""
    value = tree.get("variants")
    if _empty(value):
        return []
    if not isinstance(value, list):
        issues.append(F.INVALID_VALUE("pre-1.0 'variants' should be a list; dropped", pointer="/variants", value=value))
        return []
    out = []
    for i, var in enumerate(value):
        if isinstance(var, dict):
            out.append((i, var))
        else:
            issues.append(
                F.INVALID_VALUE("a pre-1.0 variant that is not an object; dropped", pointer=join("/variants", i),
                                value=var)
            )
    return out


def _single_01(tree: dict[str, Any], issues: list[Issue], moves: dict[str, str]) -> Pre1Result:
    """One subject with its own features (0.1): one v1 Phenopacket; flat variants go to that subject."""
    packet = _individual_packet(tree["subject"], "/subject", issues, moves, "")
    moves.pop("", None)
    moves["/subject"] = "/subject"
    target = {str(tree["subject"].get("id")): (packet, "")}
    for i, var in _variants(tree, issues):
        if "sampleGenotypes" in var:
            _flat_variant(var, join("/variants", i), issues, target, moves)
        else:
            packet.setdefault("variants", []).append(var)
            moves[join("/variants", len(packet["variants"]) - 1)] = join("/variants", i)
    for key, value in tree.items():
        if key not in ("subject", "variants") and not _empty(value):
            packet[key] = value
    issues.insert(0, F.PRE1_LEGACY_FIELD("pre-1.0 (0.1) layout: the subject's own features became the packet's"))
    return Pre1Result(packet, "0.1", issues, moves)


def _family_02(tree: dict[str, Any], path: str, issues: list[Issue], moves: dict[str, str]) -> Pre1Result:
    subject = tree.get("subject")
    if not isinstance(subject, dict):
        raise InputError(
            "pre-1.0 (0.2) document without a 'subject' object: there is no proband to upgrade",
            path=path,
            line=1,
            column=1,
            kind="v1",
        )
    proband = _individual_packet(subject, "/subject", issues, moves, "/proband")
    packets = {str(subject.get("id")): (proband, "/proband")}
    relatives: list[dict[str, Any]] = []
    for i, ind in enumerate(tree.get("individuals") or []):
        ptr = join("/individuals", i)
        if not isinstance(ind, dict):
            issues.append(F.INVALID_VALUE("an individual that is not an object; dropped", pointer=ptr))
            continue
        target = join("/relatives", len(relatives))
        packet = _individual_packet(ind, ptr, issues, moves, target)
        relatives.append(packet)
        packets[str(ind.get("id"))] = (packet, target)
    for key in ("genes", "diseases", "biosamples"):
        if not _empty(tree.get(key)):
            proband[key] = tree[key]
            moves[join("/proband", key)] = "/" + key
    for i, var in _variants(tree, issues):
        _flat_variant(var, join("/variants", i), issues, packets, moves)
    family: dict[str, Any] = {"proband": proband}
    if relatives:
        family["relatives"] = relatives
    for key in ("id", "pedigree", "htsFiles", "metaData"):
        if key in tree:
            family[key] = tree[key]
    known = {"id", "subject", "individuals", "genes", "diseases", "biosamples", "variants", "pedigree", "htsFiles"}
    for key, value in tree.items():
        if key not in known and key != "metaData" and not _empty(value):
            issues.append(
                F.UNKNOWN_FIELD(f"pre-1.0 field '{key}' is not known; dropped", pointer="/" + key, value=value)
            )
    issues.insert(
        0,
        F.PRE1_LEGACY_FIELD(
            f"pre-1.0 (HpoCaseAnnotator 0.2) family layout: subject became the proband, "
            f"{len(relatives)} 'individuals' became relatives"
        ),
    )
    return Pre1Result(family, "0.2", issues, moves)
