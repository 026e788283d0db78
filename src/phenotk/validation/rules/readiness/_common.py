"""What the readiness rules read from a phenopacket: features, files, genomic interpretations (raw JSON).

A field with a one-word JSON name (``subject``, ``id``, ``sex``, ``files``, ``diseases``, ``interpretations``,
``diagnosis``, ``uri`` …) has the same snake_case key, so a plain ``dict.get`` reads it whatever the spelling of
the document; only the multi-word names (``phenotypicFeatures``, ``variationDescriptor`` …) are looked up in both
spellings (:func:`get`, :func:`key` or ``camel in d``). The hot paths below read fields so, without a helper call
per field.
"""

from __future__ import annotations

import re
from operator import itemgetter
from typing import Any

from phenotk.issue import Severity
from phenotk.validation.rule import Context, Node, Token, Violation, field_key
from phenotk.validation.rules.hpo._common import feature_list

#: ``scheme:`` of an RFC 3986 URI (``file:``, ``https:``, ``s3:``, ``gs:`` …); a Windows drive ``C:`` is not one
SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]+:")
VCF_NAME = re.compile(r"\.vcf(?:\.b?gz)?\Z", re.I)
Path = tuple[Token, ...]


def fixed(message: str, *path: Token, severity: Severity | None = None) -> Violation:
    """A finding whose message and path never vary (``subject.sex`` not set, no VCF …), made once at import.

    The engine only reads a violation (it copies its message, path and severity into the located finding),
    so one object serves every packet: most packets of a collection have the same few of these findings.
    """
    return Violation(message, path, None, severity, None)


def on_subject(v: Violation, p: Packet) -> Violation:
    """``v`` (a finding at ``subject/<field>``) when the packet has a subject object, else the same at ``subject``.

    A packet without a subject has no ``/subject/id`` to point at: the finding names the missing object.
    """
    if isinstance(p.subject, dict):
        return v
    return Violation(v.message, v.path[:1], v.fix, v.severity, v.context)


def analysed(node: Node) -> bool:
    """True for the phenopacket a tool analyses: a top-level one, a family's proband, a cohort member."""
    return node[4] != "relatives"  # node.field (tuple access: hot path)


_ABSENT = object()


def get(d: Any, name: str) -> Any:
    """Field of a raw JSON object by JSON name (snake_case key found too); None for anything else."""
    if not isinstance(d, dict):
        return None
    value = d.get(name, _ABSENT)
    if value is not _ABSENT:
        return value
    k = field_key(d, name)  # the snake_case spelling, or absent
    return d[k] if k else None


def key(d: Any, name: str) -> str:
    """The key a raw object uses for a field (the JSON name when absent)."""
    if not isinstance(d, dict) or name in d:  # the JSON name is the usual spelling
        return name
    return field_key(d, name) or name


#: every ``type.id`` already seen to be a string starting ``HP:`` (a per-process memo: the store repeats terms)
_HP_IDS: set[str] = set()
_HP_IDS_MAX = 50_000
_TYPE, _ID = itemgetter("type"), itemgetter("id")

#: one variant as the profiles read it: (path relative to the phenopacket, variation descriptor, its ``vcfRecord``
#: when that is an object else None, True when that record has a non-empty chrom, pos, ref and alt)
Variant = tuple[Path, dict[str, Any], dict[str, Any] | None, bool]


class Packet:
    """What the four profiles read of one analysed phenopacket, worked out once for all of them (:func:`packet`).

    The subject's id and sex and whether a feature is observed are read on construction; the non-HPO
    features, the variants and the files on first use (a run with one ``--profile`` does not pay for what
    only the others read).
    """

    __slots__ = (
        "_files",
        "_non_hpo",
        "_variants",
        "_vcfs",
        "features",
        "features_key",
        "no_sex",
        "node",
        "observed",
        "pp",
        "sex",
        "sid",
        "subject",
    )

    #: the key of ``subject`` (a one-word JSON name: the same in both spellings)
    subject_key = "subject"

    def __init__(self, node: Node) -> None:
        self.node = node
        pp = node[0]  # node.value: a Phenopacket node holds an object
        self.pp = pp
        #: ``subject`` as written (None when absent)
        self.subject = subject = pp.get("subject")
        if isinstance(subject, dict):
            sid, sex = subject.get("id"), subject.get("sex")
        else:
            sid = sex = None
        #: ``subject.id`` when it is a non-empty string
        self.sid: str | None = sid if isinstance(sid, str) and sid else None
        #: ``subject.sex`` as written (None when absent)
        self.sex = sex
        #: True when the sex is absent, empty or UNKNOWN_SEX
        self.no_sex = not sex or sex == "UNKNOWN_SEX"
        if "phenotypicFeatures" in pp:
            fk = "phenotypicFeatures"
        else:
            fk = "phenotypic_features" if "phenotypic_features" in pp else "phenotypicFeatures"
        #: the key of the feature list (the JSON name when absent)
        self.features_key = fk
        #: the feature list as written (None when absent)
        self.features = feats = pp.get(fk)
        #: True when at least one feature is not ``excluded``
        self.observed = False
        if isinstance(feats, list):
            for f in feats:  # usually the first one
                # ``excluded`` is a one-word JSON name: the snake_case key is the same
                if isinstance(f, dict) and not f.get("excluded"):
                    self.observed = True
                    break
        self._non_hpo: list[tuple[int, dict[str, Any], str]] | None = None
        self._variants: list[Variant] | None = None
        self._files: list[tuple[Path, dict[str, Any]]] | None = None
        self._vcfs: list[tuple[Path, dict[str, Any]]] | None = None

    def non_hpo(self, ctx: Context) -> list[tuple[int, dict[str, Any], str]]:
        """(index, feature, type id) of the observed features whose ``type.id`` is a string not starting ``HP:``.

        With HPO loaded the HPO rules list every feature's ``type.id`` anyway (``feature_list``, kept in
        ``ctx.state``): that list is read instead of a second one (without HPO it holds no ids).
        """
        out = self._non_hpo
        if out is None:
            feats = self.features
            ids = None
            if ctx.hpo is not None and isinstance(feats, list):
                facts = feature_list(self.node, ctx)
                if facts.items is feats:
                    ids = facts.ids
            out = self._non_hpo = _non_hpo(feats, ids)
        return out

    def variants(self) -> list[Variant]:
        """The :data:`Variant` of every genomic interpretation that has a variation descriptor."""
        out = self._variants
        if out is None:
            out = self._variants = _variants(self.pp)
        return out

    def files(self) -> list[tuple[Path, dict[str, Any]]]:
        """(relative path, file) of the phenopacket's ``files``."""
        out = self._files
        if out is None:
            own = self.pp.get("files")  # a one-word JSON name
            out = self._files = (
                [(("files", i), f) for i, f in enumerate(own) if isinstance(f, dict)] if isinstance(own, list) else []
            )
        return out

    def vcfs(self) -> list[tuple[Path, dict[str, Any]]]:
        """(relative path, file) of the phenopacket's ``files`` that are VCFs (:func:`is_vcf`), in order."""
        out = self._vcfs
        if out is None:
            files = self.files()
            out = self._vcfs = [(path, f) for path, f in files if is_vcf(f)] if files else []
        return out


def packet(node: Node, ctx: Context) -> Packet | None:
    """The :class:`Packet` of an analysed phenopacket node (None for a family's relative), made once per packet.

    The four profiles ask in a row about the same node: the last answer is kept in ``ctx.state`` and matched
    by identity.
    """
    state = ctx.state
    hit: Packet | None = state.get("rdy:packet")
    if hit is not None and hit.node is node:  # the second, third and fourth profile: asked first
        return hit
    if node[4] == "relatives":  # not analysed (node.field, tuple access: hot path); never kept
        return None
    p = state["rdy:packet"] = Packet(node)
    return p


def _non_hpo(feats: Any, ids: list[Any] | None) -> list[tuple[int, dict[str, Any], str]]:
    """(index, feature, type id) of the observed features of ``feats`` whose ``type.id`` does not start ``HP:``.

    ``ids`` are the features' ``type.id`` values when already listed (None: read here). The usual packet —
    every id a string starting ``HP:``, excluded or not — is answered by one C-level set test against the ids
    seen so before.
    """
    if not isinstance(feats, list) or not feats:
        return []
    if ids is None:
        try:
            ids = list(map(_ID, map(_TYPE, feats)))
        except (KeyError, TypeError):  # a feature without type.id, or not shaped so: the loop below
            ids = None
    if ids is not None:
        try:
            if _HP_IDS.issuperset(ids):
                return []
            # a packet with an id not seen yet: every id an ``HP:`` string is still the usual case, told at C
            # level (:func:`_all_hp`; str.join raises TypeError for an id that is no string)
            if _all_hp(ids):
                if len(_HP_IDS) < _HP_IDS_MAX:
                    _HP_IDS.update(ids)
                return []
        except TypeError:  # an unhashable id (an object, a list) or one that is no string: the loop below
            pass
    out: list[tuple[int, dict[str, Any], str]] = []
    memo = _HP_IDS
    for i, f in enumerate(feats):
        # ``excluded``, ``type`` and ``id`` are one-word JSON names: ``dict.get`` is what :func:`get` does for them
        if not isinstance(f, dict) or not isinstance(t := f.get("type"), dict):
            continue
        tid = t.get("id")
        if not isinstance(tid, str):
            continue
        if tid.startswith("HP:"):
            if len(memo) < _HP_IDS_MAX:
                memo.add(tid)
        elif not f.get("excluded"):
            out.append((i, f, tid))
    return out


def _all_hp(ids: list[Any]) -> bool:
    """True when every id of a non-empty list is a string starting ``HP:`` (TypeError for one that is no string).

    False also for a list with an id holding a NUL (no store id does): the caller then takes its item loop.

    The ids joined by NUL: when the text holds exactly ``len(ids) - 1`` NULs (no id holds one) and as many
    ``NUL HP:``, every id after the first starts ``HP:``; the first is tested by its first three characters.
    Two C-level counts: ``map(str.startswith, ...)`` costs ~2.5k instructions an id (its argument parsing).
    """
    joined = "\0".join(ids)
    n = len(ids) - 1
    return joined[:3] == "HP:" and joined.count("\0") == n and joined.count("\0HP:") == n


def _variants(pp: dict[str, Any]) -> list[Variant]:
    """The :data:`Variant` of every genomic interpretation that has a variation descriptor."""
    interps = pp.get("interpretations")  # one-word JSON names: ``interpretations``, ``diagnosis``
    if not isinstance(interps, list):
        return []
    out: list[Variant] = []
    for i, it in enumerate(interps):
        diag = it.get("diagnosis") if isinstance(it, dict) else None
        if not isinstance(diag, dict):
            continue
        gk = "genomicInterpretations" if "genomicInterpretations" in diag else "genomic_interpretations"
        gis = diag.get(gk)
        if not isinstance(gis, list):
            continue
        for j, gi in enumerate(gis):
            inner = descriptor(gi) if isinstance(gi, dict) else None
            if inner is None:
                continue  # not an object, or a gene call
            (vk, dk), vd = inner
            vcf = vd["vcfRecord"] if "vcfRecord" in vd else vd.get("vcf_record")
            if not isinstance(vcf, dict):
                vcf = None
            path = ("interpretations", i, "diagnosis", gk, j, vk, dk)
            out.append((path, vd, vcf, vcf is not None and not incomplete_vcf(vcf)))
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


def descriptor(gi: dict[str, Any]) -> tuple[tuple[str, str], dict[str, Any]] | None:
    """((keys below the genomic interpretation), variation descriptor) or None (a gene call)."""
    vk = "variantInterpretation" if "variantInterpretation" in gi else "variant_interpretation"
    vi = gi.get(vk)
    if not isinstance(vi, dict):
        return None
    dk = "variationDescriptor" if "variationDescriptor" in vi else "variation_descriptor"
    vd = vi.get(dk)
    return ((vk, dk), vd) if isinstance(vd, dict) else None


def incomplete_vcf(vcf: dict[str, Any]) -> bool:
    """True when a ``vcfRecord``'s ``chrom``, ``pos``, ``ref`` or ``alt`` is absent or empty."""
    # one-word JSON names: the snake_case key is the same
    chrom, pos, ref, alt = vcf.get("chrom"), vcf.get("pos"), vcf.get("ref"), vcf.get("alt")
    if chrom and pos and ref and alt:  # the usual record: four non-empty values
        return False
    return any(v is None or v == "" for v in (chrom, pos, ref, alt))  # ``pos: 0`` is there
