"""What the readiness rules read from a phenopacket: features, files, genomic interpretations (raw JSON)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from phenotk.validation.rule import Node, Token, field_key

#: ``scheme:`` of an RFC 3986 URI (``file:``, ``https:``, ``s3:``, ``gs:`` …); a Windows drive ``C:`` is not one
SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]+:")
VCF_NAME = re.compile(r"\.vcf(?:\.b?gz)?\Z", re.I)
Path = tuple[Token, ...]


def analysed(node: Node) -> bool:
    """True for the phenopacket a tool analyses: a top-level one, a family's proband, a cohort member."""
    return node.field != "relatives"


_ABSENT = object()


def get(d: Any, name: str) -> Any:
    """Field of a raw JSON object by JSON name (snake_case key found too); None for anything else."""
    if not isinstance(d, dict):
        return None
    value = d.get(name, _ABSENT)  # hot: four profiles ask each packet about every feature
    if value is not _ABSENT:
        return value
    k = field_key(d, name)  # the snake_case spelling, or absent
    return d[k] if k else None


def key(d: Any, name: str) -> str:
    """The key a raw object uses for a field (the JSON name when absent)."""
    return (field_key(d, name) if isinstance(d, dict) else None) or name


def non_hpo_features(pp: dict[str, Any], state: dict[str, Any] | None = None) -> list[tuple[int, dict[str, Any], str]]:
    """(index, feature, type id) of the observed features whose ``type.id`` is a string not starting ``HP:``."""
    return _features(pp, state)[2]


def observed_features(pp: dict[str, Any], state: dict[str, Any] | None = None) -> list[tuple[int, dict[str, Any]]]:
    """(index, feature) of the features not ``excluded``.

    With ``state`` (``ctx.state``) the list is made once per packet for all the profiles that ask.
    """
    return _features(pp, state)[1]


_Features = tuple[Any, list[tuple[int, dict[str, Any]]], list[tuple[int, dict[str, Any], str]]]


def _features(pp: dict[str, Any], state: dict[str, Any] | None) -> _Features:
    """(pp, observed features, non-HPO observed features) in one pass, kept in ``state`` for the other profiles."""
    if state is not None:
        hit = state.get("rdy:features")
        if hit is not None and hit[0] is pp:
            return hit  # type: ignore[no-any-return]
    observed: list[tuple[int, dict[str, Any]]] = []
    non_hpo: list[tuple[int, dict[str, Any], str]] = []
    feats = get(pp, "phenotypicFeatures")
    if isinstance(feats, list):
        # ``excluded``, ``type`` and ``id`` are one-word JSON names: the snake_case key is the same, so a plain
        # ``dict.get`` is what :func:`get` does for them (hot: about 20 features a packet)
        for i, f in enumerate(feats):
            if not isinstance(f, dict) or f.get("excluded"):
                continue
            observed.append((i, f))
            t = f.get("type")
            if isinstance(t, dict):
                tid = t.get("id")
                if isinstance(tid, str) and not tid.startswith("HP:"):
                    non_hpo.append((i, f, tid))
    out = (pp, observed, non_hpo)
    if state is not None:
        state["rdy:features"] = out
    return out


def files(node: Node) -> list[tuple[Path, dict[str, Any]]]:
    """(relative path, file) of the phenopacket's ``files`` and, for a family's proband, the family's files."""
    out: list[tuple[Path, dict[str, Any]]] = []
    own = get(node.value, "files")
    if isinstance(own, list):
        k = key(node.value, "files")
        out.extend(((k, i), f) for i, f in enumerate(own) if isinstance(f, dict))
    return out


def family_files(node: Node) -> list[dict[str, Any]]:
    """Files of the enclosing family (a proband's VCF is often listed there), without paths."""
    fam = node.parent
    if fam is None or fam.type != "Family":
        return []
    fs = get(fam.value, "files")
    return [f for f in fs if isinstance(f, dict)] if isinstance(fs, list) else []


def attributes(f: dict[str, Any]) -> dict[str, Any]:
    """``fileAttributes`` of a file (an empty dict when absent)."""
    a = get(f, "fileAttributes")
    return a if isinstance(a, dict) else {}


def is_vcf(f: dict[str, Any], *, exact: str | None = None) -> bool:
    """A VCF file: ``fileAttributes.fileFormat`` says VCF (exactly ``exact`` when given), or the URI ends .vcf(.gz)."""
    fmt = attributes(f).get("fileFormat")
    if isinstance(fmt, str):
        return fmt == exact if exact else fmt.strip().lower() == "vcf"
    uri = get(f, "uri")
    return exact is None and isinstance(uri, str) and VCF_NAME.search(uri) is not None


def genomic_interpretations(pp: dict[str, Any]) -> Iterator[tuple[Path, dict[str, Any]]]:
    """(relative path, genomic interpretation) of every interpretation's diagnosis."""
    interps = get(pp, "interpretations")
    if not isinstance(interps, list):
        return
    ik = key(pp, "interpretations")
    for i, it in enumerate(interps):
        diag = get(it, "diagnosis")
        gis = get(diag, "genomicInterpretations")
        if not isinstance(gis, list):
            continue
        for j, gi in enumerate(gis):
            if isinstance(gi, dict):
                yield (ik, i, key(it, "diagnosis"), key(diag, "genomicInterpretations"), j), gi


def descriptor(gi: dict[str, Any]) -> tuple[Path, dict[str, Any]] | None:
    """(path relative to the genomic interpretation, variation descriptor) or None (a gene call)."""
    vi = get(gi, "variantInterpretation")
    vd = get(vi, "variationDescriptor")
    if not isinstance(vd, dict):
        return None
    return (key(gi, "variantInterpretation"), key(vi, "variationDescriptor")), vd


def subject_id(pp: dict[str, Any]) -> str | None:
    """``subject.id`` when it is a non-empty string."""
    sid = get(get(pp, "subject"), "id")
    return sid if isinstance(sid, str) and sid else None


def sex(pp: dict[str, Any]) -> Any:
    """``subject.sex`` as written (None when absent)."""
    return get(get(pp, "subject"), "sex")
