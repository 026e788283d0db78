"""RDY001 exomiser-readiness."""

from __future__ import annotations

from collections.abc import Iterator

from phenotk.issue import Severity
from phenotk.validation.rule import Context, Node, Rule, Violation
from phenotk.validation.rules.readiness import _common as C
from phenotk.validation.rules.variant._common import build_of


class ExomiserReadiness(Rule):
    """Profile ``exomiser``: what Exomiser needs of a phenopacket given with ``--sample``.

    What it checks
    --------------
    Switched on by ``--profile exomiser``; checks the phenopacket Exomiser analyses (a top-level one, a
    family's proband, each cohort member):

    * at least one **observed** phenotypic feature (**error**), each an ``HP:`` term (**warning** otherwise);
    * ``subject.id`` (**error**): the proband's sample name in the VCF;
    * a VCF in ``files`` (or the family's ``files``) (**warning**: it can be given with ``--vcf`` instead),
      whose ``uri`` is scheme-qualified, e.g. ``file:///data/P1.vcf.gz`` (**error** otherwise) and whose
      ``fileAttributes.genomeAssembly`` is stated (**warning**: Exomiser then assumes GRCh37/hg19) and a known
      build (**error** otherwise); when ``individualToFileIdentifiers`` is given it maps the subject id;
    * ``subject.sex`` (**warning**): X-linked modes of inheritance are scored by sex.

    Sources: Exomiser documentation, *Input Files and Options*
    (https://exomiser.readthedocs.io/en/latest/input_files_and_options.html: the sample is a phenopacket;
    the VCF comes from the phenopacket or ``--vcf``; "Exomiser will assume that the vcf file was called
    using the default assembly (GRCh37 / hg19)" unless ``--assembly`` says otherwise) and the Exomiser README
    (https://github.com/exomiser/Exomiser: "Starting from a VCF file and a set of phenotypes encoded using the
    Human Phenotype Ontology").

    Why
    ---
    A packet without observed HPO terms gives Exomiser nothing to prioritise by; a VCF without its build is
    silently read on GRCh37 coordinates; a bare path is not a URI.

    Anti-pattern
    ------------
    ``"files": [{"uri": "/data/P1.vcf.gz", "fileAttributes": {"fileFormat": "VCF"}}]``

    Fixed
    -----
    ``"files": [{"uri": "file:///data/P1.vcf.gz", "fileAttributes": {"fileFormat": "VCF", "genomeAssembly":
    "GRCh38"}, "individualToFileIdentifiers": {"P1": "P1"}}]``
    """

    code = "RDY001"
    name = "exomiser-readiness"
    severity = Severity.ERROR
    default_enabled = False
    targets = ("Phenopacket",)

    def check(self, node: Node, ctx: Context) -> list[Violation] | tuple[()]:
        """Exomiser's requirements of one analysed phenopacket."""
        p = C.packet(node, ctx)
        if p is None:
            return ()
        out = _features(self, p, ctx, "Exomiser")
        sid = p.sid
        if sid is None:
            out.append(C.on_subject(_NO_ID, p))
        if p.no_sex:
            out.append(C.on_subject(_NO_SEX, p))
        vcfs = p.vcfs()
        # a proband's VCF may be listed in its family's files (node.parent: a top-level packet has none)
        if not vcfs and not (node[3] is not None and any(C.is_vcf(f) for f in C.family_files(node))):
            out.append(_NO_VCF)
        for path, f in vcfs:
            out.extend(vcf_file(self, "exomiser", path, f, sid, default_build="GRCh37 (hg19)"))
        return out


#: the findings whose message and path never vary (:func:`~phenotk.validation.rules.readiness._common.fixed`)
_NO_ID = C.fixed("exomiser: no subject.id (the proband's sample name in the VCF)", "subject", "id")
_NO_SEX = C.fixed(
    "exomiser: subject.sex is not set; X-linked inheritance is scored by sex",
    "subject",
    "sex",
    severity=Severity.WARNING,
)
_NO_VCF = C.fixed(
    "exomiser: no VCF in files; give it with --vcf (and --assembly) on the command line",
    "files",  # a one-word JSON name: the key in both spellings
    severity=Severity.WARNING,
)


def _features(rule: Rule, p: C.Packet, ctx: Context, tool: str) -> list[Violation]:
    """No observed feature (error) and each observed feature that is not an HPO term (warning)."""
    fk = p.features_key
    out = []
    if not p.observed:
        out.append(
            rule.violation(
                f"{tool.lower()}: no observed phenotypic feature; {tool} ranks by the patient's HPO terms", fk
            )
        )
    for i, _f, tid in p.non_hpo(ctx):
        out.append(
            rule.violation(
                f"{tool.lower()}: feature {tid!r} is not an HPO term; {tool} ignores it",
                fk,
                i,
                "type",  # a one-word JSON name: the key in both spellings
                "id",
                severity=Severity.WARNING,
            )
        )
    return out


def vcf_file(
    rule: Rule,
    tool: str,
    path: C.Path,
    f: dict,
    sid: str | None,
    *,
    default_build: str | None = None,  # type: ignore[type-arg]
) -> Iterator[Violation]:
    """URI scheme, genome assembly and sample mapping of one VCF file entry."""
    uri = C.get(f, "uri")
    if isinstance(uri, str) and uri and not C.SCHEME.match(uri):
        fixed = "file://" + ("" if uri[:1] == "/" else "/") + uri
        yield rule.violation(
            f"{tool}: VCF uri {uri!r} has no scheme; write it as a URI, e.g. {fixed}",
            *path,
            C.key(f, "uri"),
        )
    attrs = C.attributes(f)
    assembly = attrs.get("genomeAssembly")
    ak = (*path, C.key(f, "fileAttributes"))
    if not assembly:
        msg = f"{tool}: VCF has no fileAttributes.genomeAssembly"
        if default_build:
            msg += f"; it is read as {default_build}"
        yield rule.violation(msg, *ak, severity=Severity.WARNING if default_build else None)
    elif build_of(assembly) not in ("GRCh37", "GRCh38"):
        yield rule.violation(
            f"{tool}: genome assembly {assembly!r} is not GRCh37/hg19 or GRCh38/hg38", *ak, "genomeAssembly"
        )
    ids = C.get(f, "individualToFileIdentifiers")
    if isinstance(ids, dict) and ids and sid is not None and sid not in ids:
        yield rule.violation(
            f"{tool}: individualToFileIdentifiers does not map the subject {sid!r} to a VCF sample",
            *path,
            C.key(f, "individualToFileIdentifiers"),
            severity=Severity.WARNING,
        )
