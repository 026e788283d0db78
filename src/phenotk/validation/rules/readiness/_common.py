"""What the readiness rules read from a phenopacket: features, files, genomic interpretations (raw JSON)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import repeat
from operator import itemgetter
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
    if not isinstance(d, dict) or name in d:  # hot: the JSON name is the usual spelling
        return name
    return field_key(d, name) or name


class Packet:
    """What the four profiles read of one analysed phenopacket, worked out once for all of them (:func:`packet`).

    The subject's key, id and sex are read on construction; the non-HPO features, the variants and the files
    on first use (a run with one ``--profile`` does not pay for what only the others read).
    """

    __slots__ = (
        "_files",
        "_non_hpo",
        "_variants",
        "features_key",
        "no_sex",
        "observed",
        "pp",
        "sex",
        "sid",
        "subject",
        "subject_key",
    )

    def __init__(self, node: Node) -> None:
        pp = node[0]
        self.pp = pp
        subject = get(pp, "subject")
        self.subject = subject
        self.subject_key = key(pp, "subject")
        sid = get(subject, "id")
        #: ``subject.id`` when it is a non-empty string
        self.sid: str | None = sid if isinstance(sid, str) and sid else None
        #: ``subject.sex`` as written (None when absent)
        self.sex = sex = get(subject, "sex")
        #: True when the sex is absent, empty or UNKNOWN_SEX
        self.no_sex = not sex or sex == "UNKNOWN_SEX"
        self.features_key = key(pp, "phenotypicFeatures")
        #: True when at least one feature is not ``excluded``
        self.observed = _observed(pp)
        self._non_hpo: list[tuple[int, dict[str, Any], str]] | None = None
        self._variants: list[tuple[Path, dict[str, Any]]] | None = None
        self._files: list[tuple[Path, dict[str, Any]]] | None = None

    def non_hpo(self) -> list[tuple[int, dict[str, Any], str]]:
        """(index, feature, type id) of the observed features whose ``type.id`` is a string not starting ``HP:``."""
        out = self._non_hpo
        if out is None:
            out = self._non_hpo = _non_hpo(self.pp)
        return out

    def variants(self) -> list[tuple[Path, dict[str, Any]]]:
        """(relative path, variation descriptor) of every genomic interpretation that has one."""
        out = self._variants
        if out is None:
            out = self._variants = []
            for path, gi in genomic_interpretations(self.pp):
                found = descriptor(gi)
                if found is not None:
                    out.append(((*path, *found[0]), found[1]))
        return out

    def files(self, node: Node) -> list[tuple[Path, dict[str, Any]]]:
        """:func:`files` of the packet's node."""
        out = self._files
        if out is None:
            out = self._files = files(node)
        return out


def packet(node: Node, state: dict[str, Any]) -> Packet:
    """The :class:`Packet` of a phenopacket node, made once per packet for all the profiles (kept in ``state``)."""
    hit: Packet | None = state.get("rdy:packet")
    if hit is not None and hit.pp is node[0]:
        return hit
    p = state["rdy:packet"] = Packet(node)
    return p


def _observed(pp: dict[str, Any]) -> bool:
    feats = get(pp, "phenotypicFeatures")
    if isinstance(feats, list):
        for f in feats:  # usually the first one: no list is made
            # ``excluded`` is a one-word JSON name: the snake_case key is the same, so ``dict.get`` is ``get``
            if isinstance(f, dict) and not f.get("excluded"):
                return True
    return False


_TYPE, _ID = itemgetter("type"), itemgetter("id")


def _non_hpo(pp: dict[str, Any]) -> list[tuple[int, dict[str, Any], str]]:
    feats = get(pp, "phenotypicFeatures")
    if not isinstance(feats, list):
        return []
    try:  # the usual packet, at C speed: every feature's type.id is a string starting HP: (observed or not)
        if all(map(str.startswith, map(_ID, map(_TYPE, feats)), repeat("HP:"))):
            return []
    except (KeyError, TypeError):  # a feature without type.id, or not shaped so: look at each one
        pass
    # ``excluded``, ``type`` and ``id`` are one-word JSON names: ``dict.get`` is what :func:`get` does for them
    return [
        (i, f, tid)
        for i, f in enumerate(feats)
        if isinstance(f, dict)
        and not f.get("excluded")
        and isinstance(t := f.get("type"), dict)
        and isinstance(tid := t.get("id"), str)
        and not tid.startswith("HP:")
    ]


def files(node: Node) -> list[tuple[Path, dict[str, Any]]]:
    """(relative path, file) of the phenopacket's ``files`` and, for a family's proband, the family's files."""
    out: list[tuple[Path, dict[str, Any]]] = []
    own = get(node.value, "files")
    if isinstance(own, list) and own:
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


def incomplete_vcf(vcf: dict[str, Any]) -> bool:
    """True when a ``vcfRecord``'s ``chrom``, ``pos``, ``ref`` or ``alt`` is absent or empty."""
    for k in ("chrom", "pos", "ref", "alt"):  # one-word JSON names: the snake_case key is the same
        v = vcf.get(k)
        if v is None or v == "":
            return True
    return False


def subject_id(pp: dict[str, Any]) -> str | None:
    """``subject.id`` when it is a non-empty string."""
    sid = get(get(pp, "subject"), "id")
    return sid if isinstance(sid, str) and sid else None


def sex(pp: dict[str, Any]) -> Any:
    """``subject.sex`` as written (None when absent)."""
    return get(get(pp, "subject"), "sex")
