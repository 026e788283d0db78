"""``metaData`` of converted packets: resources for the prefixes a packet uses, and its references.

Resource versions are never invented: a version is the one the mapping states (``metadata.resource_versions``),
for HP the loaded HPO release, for the disease catalogues the HPO annotation file lists (OMIM, ORPHA, DECIPHER)
the ``#version`` of that file when one was given; otherwise it is left empty (the validator then reports it).
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from phenopackets import ExternalReference, MetaData, Phenopacket

from phenotk.issue import Issue
from phenotk.model.metadata import resource

from .values import _distinct, identity, read_value

if TYPE_CHECKING:  # pragma: no cover
    from .build import PacketRows, _Builder

_PMID = re.compile(r"(?:pmid\s*[:_]?\s*)?(\d{1,9})\Z", re.I)
_ORDER = ["HP", "GENO", "SO", "OMIM", "MONDO", "ORPHA", "HGNC"]


def _ref_id(text: str) -> str:
    m = _PMID.match(text.strip())
    return f"PMID:{m.group(1)}" if m else text.strip()


def reference_block(b: _Builder, group: PacketRows, issues: list[Issue]) -> list[ExternalReference]:
    """The reference blocks of one packet's rows (PMIDs normalised to ``PMID:n``; each once)."""
    out: list[ExternalReference] = []
    seen: set[str] = set()
    for block in b.references:
        for number, rec in _distinct(group.rows, block):
            raw = block["id"].raw(rec)
            if not raw:
                b.orphans(issues, number, rec, [block[k] for k in ("description", "reference") if k in block],
                          "reference id")
                continue
            ref_id = read_value(b, block["id"], raw, _ref_id, issues, number, "reference id", "a reference id")
            if ref_id is None or ref_id in seen:
                continue
            seen.add(ref_id)
            ref = ExternalReference(id=ref_id)
            for key in ("description", "reference"):
                if key in block and block[key].raw(rec):
                    text = read_value(b, block[key], block[key].raw(rec), identity, issues, number, key, "a text")
                    setattr(ref, key, text or "")
            out.append(ref)
    return out


def prefixes_of(packet: Phenopacket) -> tuple[str, ...]:
    """The CURIE prefixes a packet uses, in the store's resource order."""
    prefixes: set[str] = set()
    if packet.phenotypic_features:
        prefixes.add("HP")
    for d in packet.diseases:
        prefixes.add(d.term.id.split(":")[0].upper())
        if d.onset.HasField("ontology_class"):
            prefixes.add("HP")
    for i in packet.interpretations:
        for gi in i.diagnosis.genomic_interpretations:
            vd = gi.variant_interpretation.variation_descriptor
            if vd.allelic_state.id:
                prefixes.add("GENO")
            if vd.gene_context.value_id:
                prefixes.add(vd.gene_context.value_id.split(":")[0].upper())
    if packet.subject.time_at_last_encounter.HasField("ontology_class"):
        prefixes.add("HP")
    return _ordered(frozenset(prefixes))


@functools.lru_cache(maxsize=256)  # a sheet's packets use a handful of prefix sets
def _ordered(prefixes: frozenset[str]) -> tuple[str, ...]:
    return tuple(sorted(prefixes, key=lambda x: (_ORDER.index(x) if x in _ORDER else 99, x)))


def metadata(
    b: _Builder, packet: Phenopacket, refs: list[ExternalReference], into: MetaData | None = None
) -> MetaData:
    """The packet's metaData (one template per prefix set, copied) — into ``into`` when given (no second copy)."""
    key = prefixes_of(packet)
    template = b.metadata_cache.get(key)
    if template is None:
        template = MetaData(created_by=b.m.created_by or b.opts.created_by, phenopacket_schema_version="2.0.2")
        template.created.CopyFrom(b.created)
        for p in key:
            version = b.m.resource_versions.get(p, "")
            if p == "HP" and not version:
                version = b.resolver.version
            elif not version and b.annotations is not None and p in b.annotations.prefixes:
                version = b.annotations.version  # the disease names came from this annotation release
            res = resource(p, version)
            res.version = version  # the stated version or none: no built-in default release is invented
            template.resources.append(res)
        b.metadata_cache[key] = template
    md = MetaData() if into is None else into
    md.CopyFrom(template)
    md.external_references.extend(refs)
    return md


#: one packet's gaps: (resource prefixes without a version, interpretations without a disease, its first row,
#: gene symbols without an HGNC id); None when it lacks nothing
GapNote = tuple[frozenset[str], int, int | None, frozenset[str]] | None


class Gaps:
    """What the sheet's packets lack that no cell states (one ``map-incomplete-packets`` finding at the end)."""

    def __init__(self) -> None:
        self.unversioned: set[str] = set()  # prefixes of resources without a version
        self.unversioned_packets = 0
        self.no_disease: list[int] = []  # first rows of packets with variants but no disease
        self.no_disease_packets = 0
        self.no_gene_id: set[str] = set()  # gene symbols without an HGNC id

    def note(self, packet: Phenopacket, row: int | None) -> None:
        """Record one built packet's gaps (``row``: its first sheet row)."""
        self.add(Gaps.of(packet, row))

    @staticmethod
    def of(packet: Phenopacket, row: int | None) -> GapNote:
        """What one packet lacks, as :meth:`add` takes it (small and picklable: made where the packet is)."""
        missing = frozenset(r.namespace_prefix for r in packet.meta_data.resources if not r.version)
        no_disease = 0
        genes: set[str] = set()
        for interp in packet.interpretations:
            if not interp.diagnosis.disease.id:
                no_disease += 1
            for gi in interp.diagnosis.genomic_interpretations:
                gene = gi.variant_interpretation.variation_descriptor.gene_context
                if gene.symbol and not gene.value_id:
                    genes.add(gene.symbol)
        if not missing and not no_disease and not genes:
            return None
        return missing, no_disease, row, frozenset(genes)

    def add(self, note: GapNote) -> None:
        """Record one packet's :meth:`of` (in sheet order: the first rows without a disease are named)."""
        if note is None:
            return
        missing, no_disease, row, genes = note
        if missing:
            self.unversioned_packets += 1
            self.unversioned |= missing
        self.no_disease_packets += no_disease
        for _ in range(no_disease):
            if len(self.no_disease) < 3 and row is not None:
                self.no_disease.append(row)
        self.no_gene_id |= genes

    def findings(self, sheet: str) -> list[Issue]:
        """The finding (none when every packet is complete)."""
        from .findings import MAP_INCOMPLETE_PACKETS

        parts: list[str] = []
        if self.unversioned:
            prefixes = sorted(self.unversioned, key=lambda p: (_ORDER.index(p) if p in _ORDER else 99, p))
            example = ", ".join(f'{p}: "<release>"' for p in prefixes)
            parts.append(
                f"{self.unversioned_packets} packet(s) name {', '.join(prefixes)} in metaData.resources without "
                f"a version (no cell or mapping states the release): add metadata: {{resource_versions: "
                f"{{{example}}}}} to the mapping"
            )
        if self.no_disease_packets:
            parts.append(
                f"{self.no_disease_packets} packet(s) have variants but no disease (rows {_rows(self.no_disease)}"
                "): a variant is carried inside a diagnosis, whose disease is REQUIRED; map a disease column "
                "(diseases: {id: …})"
            )
        if self.no_gene_id:
            genes = sorted(self.no_gene_id)
            shown = ", ".join(genes[:5]) + (f" and {len(genes) - 5} more" if len(genes) > 5 else "")
            parts.append(
                f"gene symbol(s) {shown} have no HGNC id (geneContext.valueId is REQUIRED): map a column of "
                "HGNC:… ids as variants: {hgnc_id: …}"
            )
        if not parts:
            return []
        return [
            MAP_INCOMPLETE_PACKETS(
                "; ".join(parts), sheet=sheet, prefixes=sorted(self.unversioned), genes=sorted(self.no_gene_id)
            )
        ]


def _rows(rows: list[int]) -> str:
    return ", ".join(map(str, rows)) + (" …" if len(rows) >= 3 else "")
