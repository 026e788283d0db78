"""RDY002 lirical-readiness."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from phenotk.issue import Severity
from phenotk.validation.rule import Context, Node, Rule, Violation
from phenotk.validation.rules.readiness import _common as C
from phenotk.validation.rules.readiness.exomiser import _features, vcf_file

#: the findings whose message and path never vary (:func:`~phenotk.validation.rules.readiness._common.fixed`)
_NO_ID = C.fixed("lirical: no subject.id (the sample id)", "subject", "id", severity=Severity.WARNING)
_NO_SEX = C.fixed("lirical: subject.sex is not set; read as unknown", "subject", "sex", severity=Severity.WARNING)


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
      ``Path.of(URI.create(uri))``, which refuses a bare path or another scheme, and — on Linux and macOS — a
      ``file://host/…`` authority such as ``file://data/x.vcf.gz``, an opaque ``file:x.vcf``, a query or
      fragment, or an unescaped blank) and
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

    def check(self, node: Node, ctx: Context) -> list[Violation] | tuple[()]:
        """LIRICAL's requirements of one analysed phenopacket."""
        p = C.packet(node, ctx)
        if p is None:
            return ()
        out = _features(self, p, ctx, "LIRICAL")
        sid = p.sid
        if sid is None:
            out.append(C.on_subject(_NO_ID, p))
        if p.no_sex:
            out.append(C.on_subject(_NO_SEX, p))
        subject = p.subject
        if isinstance(subject, dict):
            tk = "timeAtLastEncounter" if "timeAtLastEncounter" in subject else "time_at_last_encounter"
            tle = subject.get(tk)
            if isinstance(tle, dict) and tle and not (C.get(tle, "age") or C.get(tle, "gestationalAge")):
                out.append(
                    self.violation(
                        "lirical: timeAtLastEncounter is not an age or gestational age; LIRICAL ignores it",
                        "subject",
                        tk,
                        severity=Severity.WARNING,
                    )
                )
        for path, f in p.vcfs():
            out.extend(self._vcf(path, f, sid))
        return out

    def _vcf(self, path: C.Path, f: dict[str, Any], sid: str | None) -> Iterator[Violation]:
        """What LIRICAL needs of a file that looks like a VCF."""
        if not isinstance(C.attributes(f).get("fileFormat"), str):
            yield self.violation(
                "lirical: this VCF has no fileAttributes.fileFormat 'vcf'; LIRICAL will not find it",
                *path,
                severity=Severity.WARNING,
            )
            return
        uri = C.get(f, "uri")
        if isinstance(uri, str) and C.SCHEME.match(uri):
            local = uri[:5].lower() == "file:"
            why = _path_of_refuses(uri) if local else "is not a file: URI; LIRICAL reads local files only"
            if why is not None:
                yield self.violation(f"lirical: VCF uri {uri!r} {why}", *path, C.key(f, "uri"))
        yield from vcf_file(self, "lirical", path, f, sid)


#: what java.net.URI refuses unescaped in a path (RFC 2396: blanks, controls and these punctuation marks)
_URI_ILLEGAL = re.compile(r'[\x00-\x20\x7f"<>\\^`{|}]|%(?![0-9A-Fa-f]{2})')


def _path_of_refuses(uri: str) -> str | None:
    """Why ``Path.of(URI.create(uri))`` (LIRICAL's VCF path, on Linux and macOS) throws for a ``file:`` URI, or None.

    ``URI.create`` refuses blanks and other unescaped characters; ``Path.of`` a URI with an authority
    (``file://data/x.vcf``: host ``data``), an opaque one (``file:x.vcf``), a query or a fragment.
    """
    bad = _URI_ILLEGAL.search(uri)
    if bad is not None:
        return f"holds {bad.group()!r}, which a URI cannot hold unescaped (write a blank as %20)"
    rest = uri[5:]
    if not rest.startswith("/"):
        return "has no path (an opaque URI): write file:///absolute/path/to/file.vcf.gz"
    host = rest[2:].split("/", 1)[0] if rest.startswith("//") else ""
    if host and host.lower() != "localhost":  # file://localhost/x is file:///x (RFC 8089): not judged here
        return (
            f"has an authority ({host!r}: file://{host}/… names a host, not a folder); LIRICAL's Path.of refuses "
            "it: write file:///absolute/path (three slashes)"
        )
    if "?" in rest or "#" in rest:
        return "has a query or fragment (? or #), which LIRICAL's Path.of refuses"
    return None
