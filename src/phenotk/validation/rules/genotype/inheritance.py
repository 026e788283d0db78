"""GEN001 genotype-inheritance."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from phenotk.issue import Severity
from phenotk.ontology.annotations import (
    AUTOSOMAL_DOMINANT,
    AUTOSOMAL_RECESSIVE,
    MODE_LABELS,
    X_LINKED,
    X_LINKED_DOMINANT,
    X_LINKED_RECESSIVE,
)
from phenotk.validation.rule import Context, Node, Rule, Token, Violation
from phenotk.validation.rules.hpo._common import feature_list
from phenotk.validation.rules.readiness import _common as C

#: allelic state (GENO id or label) → kind
_STATES = {
    "GENO:0000135": "het",
    "heterozygous": "het",
    "GENO:0000458": "het",
    "simple heterozygous": "het",
    "GENO:0000402": "comphet",
    "compound heterozygous": "comphet",
    "GENO:0000136": "hom",
    "homozygous": "hom",
    "GENO:0000134": "hemi",
    "hemizygous": "hemi",
    "GENO:0000604": "hemi",
    "hemizygous X-linked": "hemi",
    "GENO:0000605": "hemi",
    "hemizygous Y-linked": "hemi",
}
#: the same map, looked up with whatever the document holds (a missing id is None)
_KINDS: dict[Any, str] = _STATES
_X_MODES = frozenset({X_LINKED, X_LINKED_RECESSIVE, X_LINKED_DOMINANT})
_CHECKED = frozenset({AUTOSOMAL_DOMINANT, AUTOSOMAL_RECESSIVE, *_X_MODES})
_MODE_IDS = frozenset(MODE_LABELS)
_DROPPED_STATUS = frozenset({"REJECTED", "CANDIDATE"})


@dataclass(frozen=True)
class _Call:
    path: tuple[Token, ...]  # to the variation descriptor's allelicState (relative to the phenopacket)
    kind: str
    name: str  # the variant, for the message


class GenotypeInheritance(Rule):
    """The genotype does not fit the diagnosed disease's mode of inheritance.

    What it checks
    --------------
    For each interpretation whose ``diagnosis.disease`` has a known mode of inheritance — from the HPO
    annotation file (``annotations = "phenotype.hpoa"`` in the config, ``annotations=`` in the API; the
    session loads it once) or stated in the packet as an observed feature under *Mode of inheritance*
    (``HP:0000007`` autosomal recessive, ``HP:0000006`` autosomal dominant, ``HP:0001417``/``HP:0001419``/
    ``HP:0001423`` X-linked) — the allelic states of its causative/contributory variants are compared with it:

    * autosomal recessive with a single heterozygous variant (one allele where two are expected);
    * autosomal dominant with only homozygous calls;
    * X-linked with a hemizygous call in a ``FEMALE`` subject, or a heterozygous call in a ``MALE`` one.

    Switched on when an annotation file is given (or by ``--select genotype-inheritance`` for packets that
    state their mode). A **warning** with the evidence (disease, modes and their source, the calls, the sex):
    a second variant may have been missed by the sequencing, or the disease may have several modes. A disease
    that also has another mode (digenic, mitochondrial, somatic mosaicism, …) or fits any of its modes is not reported;
    ``REJECTED`` and ``CANDIDATE`` interpretations are not counted.

    Why
    ---
    A genotype that cannot explain the disease is a frequent curation slip (het written for hom, the second
    allele left out) and misleads genotype–phenotype statistics such as GPSEA's allele-count groups
    (LIRICAL #597, gpsea #261).

    Anti-pattern
    ------------
    Diagnosis ``OMIM:201910`` (autosomal recessive) with one variant, ``"allelicState": {"id": "GENO:0000135",
    "label": "heterozygous"}``.

    Fixed
    -----
    Both variants of the compound heterozygous genotype listed, or ``"allelicState": {"id": "GENO:0000136",
    "label": "homozygous"}`` when that is what the report says.
    """

    code = "GEN001"
    name = "genotype-inheritance"
    severity = Severity.WARNING
    targets = ("Phenopacket",)
    #: switched on by an annotation file (``annotations``), or by ``select`` for modes stated in the packet
    default_enabled = False

    def check(self, node: Node, ctx: Context) -> list[Violation] | tuple[()]:
        """Compare each diagnosis's genotype with its disease's modes of inheritance."""
        # a list, not a generator, and ``()`` for the usual packet: this runs once per phenopacket. The modes
        # are looked up before the calls (no finding without checkable modes); a call's path and variant name
        # are made only for the finding (most genotypes fit)
        pp = node[0]  # node.value (tuple access: hot path); ``interpretations``, ``diagnosis``, ``disease``, ``id``
        interps = pp.get("interpretations")  # and ``subject``, ``sex``: one-word JSON names, one key in both spellings
        if not isinstance(interps, list) or not interps:
            return ()
        annotations = ctx.options.get("annotations")
        stated: frozenset[str] | None = None  # read from the features only when a diagnosis has calls
        if annotations is None:  # the default run: only modes stated in the packet (a short loop over features)
            stated = _stated_modes(node, ctx)
            if not stated:
                return ()
        out: list[Violation] | tuple[()] = ()
        for i, it in enumerate(interps):
            diag = it.get("diagnosis") if isinstance(it, dict) else None
            if not isinstance(diag, dict):
                continue
            disease = diag.get("disease")
            did = disease.get("id") if isinstance(disease, dict) else None
            if not isinstance(did, str):
                continue
            modes = annotations.of(did) if annotations is not None else None
            if modes:
                if not modes <= _CHECKED:
                    continue  # a mode this rule does not judge: no finding whatever the calls
                calls = _calls(diag)
                if not calls:
                    continue
                source = annotations.source or "phenotype.hpoa"  # type: ignore[union-attr]
            else:
                calls = _calls(diag)
                if not calls:
                    continue
                stated = _stated_modes(node, ctx) if stated is None else stated
                modes, source = stated, "the packet"
            if not modes or not modes <= _CHECKED:
                continue
            subject = pp.get("subject")
            sex = subject.get("sex") if isinstance(subject, dict) else None
            problem = _misfit(modes, calls, sex)
            if problem is None:
                continue
            path = ("interpretations", i, "diagnosis")
            found = self._finding(str(did), modes, source, [_call(path, diag, c) for c in calls], problem, sex)
            out = [*out, found]
        return out

    def _finding(
        self, did: str, modes: frozenset[str], source: str, calls: list[_Call], problem: _Misfit, sex: Any
    ) -> Violation:
        """The warning for ``calls`` that fit none of ``modes`` (``problem``: the raw call to point at, what)."""
        index, what = problem
        where = calls[index]
        names = ", ".join(MODE_LABELS[m] for m in sorted(modes))
        shown = "; ".join(f"{c.name} {c.kind}" for c in calls)
        return self.violation(
            f"{did} is {names} (from {source}) but {what}: {shown}" + (f"; subject sex {sex}" if sex else ""),
            *where.path,
            context={"disease": did, "modes": sorted(modes), "source": source},
        )


def _stated_modes(node: Node, ctx: Context) -> frozenset[str]:
    """The modes of inheritance stated as observed features of the packet."""
    pp = node[0]
    feats = pp.get("phenotypicFeatures") or pp.get("phenotypic_features")
    if not isinstance(feats, list):
        return frozenset()
    if ctx.hpo is not None:  # the HPO rules' list of every feature's type.id (shared through ctx.state)
        facts = feature_list(node, ctx)
        if facts.items is feats:
            try:
                if _MODE_IDS.isdisjoint(facts.ids):  # most packets state no mode: one C-level test
                    return frozenset()
            except TypeError:  # an unhashable id: the loop below
                pass
    modes = set()
    for f in feats:
        t = f.get("type") if isinstance(f, dict) else None
        tid = t.get("id") if isinstance(t, dict) else None
        if type(tid) is str and tid in MODE_LABELS and not f.get("excluded"):
            modes.add(tid)
    return frozenset(modes)


#: a call as the checks see it: (index of the genomic interpretation, the interpretation, its descriptor, kind)
_Raw = tuple[int, dict[str, Any], dict[str, Any], str]
#: (index into the calls of the one to point at, what does not fit)
_Misfit = tuple[int, str]


def _calls(diag: dict[str, Any]) -> list[_Raw]:
    """The diagnosis's counted calls with a known allelic state, in order (no path or name made yet).

    Each field is read under its camelCase key, else its snake_case one (what ``C.get`` does), inline: this
    runs for every diagnosis.
    """
    gis = diag["genomicInterpretations"] if "genomicInterpretations" in diag else diag.get("genomic_interpretations")
    if not isinstance(gis, list):
        return []
    out: list[_Raw] = []
    for j, gi in enumerate(gis):
        if not isinstance(gi, dict):
            continue
        status = gi["interpretationStatus"] if "interpretationStatus" in gi else gi.get("interpretation_status")
        if type(status) is str and status in _DROPPED_STATUS:  # an object or list there is no status (no crash)
            continue
        vi = gi["variantInterpretation"] if "variantInterpretation" in gi else gi.get("variant_interpretation")
        if not isinstance(vi, dict):
            continue  # a gene call
        vd = vi["variationDescriptor"] if "variationDescriptor" in vi else vi.get("variation_descriptor")
        if not isinstance(vd, dict):
            continue  # a gene call
        state = vd["allelicState"] if "allelicState" in vd else vd.get("allelic_state")
        if not isinstance(state, dict):
            continue  # no allelic state: no kind
        # ``id`` and ``label``: one-word fields, the snake_case key is the same
        sid, slabel = state.get("id"), state.get("label")
        kind = (_KINDS.get(sid) if type(sid) is str else None) or (_KINDS.get(slabel) if type(slabel) is str else None)
        if kind is None:
            continue
        out.append((j, gi, vd, kind))
    return out


def _call(path: tuple[Token, ...], diag: dict[str, Any], raw: _Raw) -> _Call:
    """The call with its path (``path``: to the diagnosis, relative to the phenopacket) and the variant's name."""
    j, gi, vd, kind = raw
    inner = C.descriptor(gi)
    full = (
        *path,
        C.key(diag, "genomicInterpretations"),
        j,
        *(inner[0] if inner is not None else ()),
        C.key(vd, "allelicState"),
    )
    return _Call(full, kind, _name(vd))


def _name(vd: dict[str, Any]) -> str:
    exprs = C.get(vd, "expressions")
    if isinstance(exprs, list):
        for e in exprs:
            if C.get(e, "syntax") == "hgvs.c" and isinstance(C.get(e, "value"), str):
                return str(C.get(e, "value"))
    label = C.get(vd, "label") or C.get(vd, "id")
    return str(label) if label else "variant"


#: (modes, the calls' kinds, the sex when FEMALE or MALE) → :func:`_misfit`'s answer. The keys repeat across a
#: run (a few modes, genotypes and sexes: ~60 distinct keys for the whole store), so it pays in a cold run
_MISFITS: dict[tuple[frozenset[str], tuple[str, ...], str | None], _Misfit | None] = {}
_MISFITS_MAX = 10_000
_UNKNOWN: Any = object()


def _misfit(modes: frozenset[str], calls: list[_Raw], sex: Any) -> _Misfit | None:
    """(index of the call to point at, what does not fit) when the calls fit none of ``modes``; None when one fits.

    Only ``sex == "FEMALE"`` and ``sex == "MALE"`` matter (:func:`_against`): the memo key holds that, not the
    value as written (which may be an object or a list).
    """
    kinds = [c[3] for c in calls]
    who = "FEMALE" if sex == "FEMALE" else ("MALE" if sex == "MALE" else None)
    key = (modes, tuple(kinds), who)
    got = _MISFITS.get(key, _UNKNOWN)
    if got is _UNKNOWN:
        got = _misfit_of(modes, kinds, who)
        if len(_MISFITS) < _MISFITS_MAX:
            _MISFITS[key] = got
    return got  # type: ignore[no-any-return]


def _misfit_of(modes: frozenset[str], kinds: list[str], sex: str | None) -> _Misfit | None:
    """:func:`_misfit` worked out: each mode's :func:`_against`, in a fixed order."""
    reasons: list[_Misfit] = []
    for mode in sorted(modes):  # a fixed order: which misfit is reported must not depend on the hash seed
        bad = _against(mode, kinds, sex)
        if bad is None:
            return None
        reasons.append(bad)
    return reasons[0] if reasons else None


def _against(mode: str, kinds: list[str], sex: Any) -> _Misfit | None:
    """What in the calls' ``kinds`` does not fit ``mode`` (None when they fit)."""
    if mode == AUTOSOMAL_RECESSIVE:
        if kinds == ["het"]:
            return 0, "the genotype is a single heterozygous variant (two alleles expected)"
        return None
    if mode == AUTOSOMAL_DOMINANT:
        if kinds.count("hom") == len(kinds):  # every call homozygous
            return 0, "every call is homozygous (one allele suffices)"
        return None
    if sex == "FEMALE":
        hemi = [n for n, k in enumerate(kinds) if k == "hemi"]
        if hemi:
            return hemi[0], "a woman cannot be hemizygous for an X-linked variant"
    if sex == "MALE":
        het = [n for n, k in enumerate(kinds) if k in ("het", "comphet")]
        if het:
            return het[0], "a man has one X: a heterozygous X-linked call is unexpected"
    return None
