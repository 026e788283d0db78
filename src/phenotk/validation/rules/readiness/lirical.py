"""RDY002 lirical-readiness."""

from __future__ import annotations

from collections.abc import Iterator

from phenotk.issue import Severity
from phenotk.validation.rule import Context, Node, Rule, Violation
from phenotk.validation.rules.readiness import _common as C
from phenotk.validation.rules.readiness.exomiser import _features, vcf_file


class LiricalReadiness(Rule):
    """Profile ``lirical``: what LIRICAL's phenopacket importer reads from a v2 phenopacket.

    What it checks
    --------------
    Switched on by ``--profile lirical``, for each analysed phenopacket:

    * at least one **observed** HPO feature (**error**; excluded ones are used as negated terms);
    * ``subject.id`` (**warning**: the sample id of the report);
    * a file that looks like a VCF (URI ending ``.vcf``/``.vcf.gz``) but has no ``fileAttributes.fileFormat``
      of ``vcf`` is not found by LIRICAL (**warning**);
    * the VCF's ``uri`` must be a ``file:`` URI (**error**: LIRICAL turns it into a path with
      ``Path.of(URI.create(uri))``, which refuses a bare path or another scheme) and
      ``fileAttributes.genomeAssembly`` must be GRCh37/hg19 or GRCh38/hg38 (**error**);
    * ``subject.timeAtLastEncounter`` is an ``age`` or ``gestationalAge`` (**warning** otherwise: LIRICAL
      ignores age ranges, ontology classes, timestamps and intervals);
    * ``subject.sex`` (**warning**: read as unknown).

    Source: LIRICAL ``lirical-io/src/main/java/org/monarchinitiative/lirical/io/analysis/PhenopacketV2Importer.java``
    (TheJacksonLaboratory/LIRICAL): present/negated terms from ``phenotypicFeatures``, the first file whose
    ``fileFormat`` attribute equals ``vcf`` (case-insensitive), its ``genomeAssembly`` attribute, disease ids
    from the diagnosis or ``diseases``, the age from ``timeAtLastEncounter``.

    Why
    ---
    LIRICAL computes likelihood ratios from the HPO terms and, with a VCF, from genotypes; a packet it
    cannot read those from runs without error and ranks nothing useful.

    Anti-pattern
    ------------
    ``"files": [{"uri": "P1.vcf.gz"}]`` and ``"timeAtLastEncounter": {"ontologyClass": {"id": "HP:0003577"}}``

    Fixed
    -----
    ``"files": [{"uri": "file:///data/P1.vcf.gz", "fileAttributes": {"fileFormat": "vcf", "genomeAssembly":
    "hg38"}}]`` and ``"timeAtLastEncounter": {"age": {"iso8601duration": "P3Y"}}``
    """

    code = "RDY002"
    name = "lirical-readiness"
    severity = Severity.ERROR
    default_enabled = False
    targets = ("Phenopacket",)

    def check(self, node: Node, ctx: Context) -> Iterator[Violation]:
        """LIRICAL's requirements of one analysed phenopacket."""
        if not C.analysed(node):
            return
        p = C.packet(node, ctx.state)
        yield from _features(self, p, "LIRICAL")
        sid = p.sid
        sk = p.subject_key
        if sid is None:
            yield self.violation("lirical: no subject.id (the sample id)", sk, "id", severity=Severity.WARNING)
        if p.no_sex:
            yield self.violation(
                "lirical: subject.sex is not set; read as unknown", sk, "sex", severity=Severity.WARNING
            )
        tle = C.get(p.subject, "timeAtLastEncounter")
        if isinstance(tle, dict) and tle and not (C.get(tle, "age") or C.get(tle, "gestationalAge")):
            yield self.violation(
                "lirical: timeAtLastEncounter is not an age or gestational age; LIRICAL ignores it",
                sk,
                C.key(p.subject, "timeAtLastEncounter"),
                severity=Severity.WARNING,
            )
        for path, f in p.files(node):
            fmt = C.attributes(f).get("fileFormat")
            if not C.is_vcf(f):
                continue
            if not isinstance(fmt, str):
                yield self.violation(
                    "lirical: this VCF has no fileAttributes.fileFormat 'vcf'; LIRICAL will not find it",
                    *path,
                    severity=Severity.WARNING,
                )
                continue
            uri = C.get(f, "uri")
            if isinstance(uri, str) and C.SCHEME.match(uri) and not uri.lower().startswith("file:"):
                yield self.violation(
                    f"lirical: VCF uri {uri!r} is not a file: URI; LIRICAL reads local files only",
                    *path,
                    C.key(f, "uri"),
                )
            yield from vcf_file(self, "lirical", path, f, sid)
