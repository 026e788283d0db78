"""phetools cohort JSON (``<GENE>_<ACRONYM>_individuals.json``) ↔ phenopackets.

Reader: every row becomes a store-style phenopacket (:func:`cohort_to_packets`). Writer: the phenopackets of
one cohort become one cohort JSON (:func:`packets_to_cohort`): HPO headers in first-seen order, variants
keyed the way phetools keys them, diseases and genes collected from the packets.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson
from google.protobuf.message import Message
from phenopackets import Phenopacket, VariationDescriptor

from phenotk.conversion.base import Converted, ConvertOptions, FormatReader, FormatWriter
from phenotk.conversion.template.issues import issue
from phenotk.conversion.template.rows import (
    EXCLUDED,
    NA,
    OBSERVED,
    CurationRow,
    HpoCell,
    packet_to_row,
    parse_time,
    row_to_packet,
    time_text,
)
from phenotk.errors import InputError
from phenotk.io.sourcemap import join
from phenotk.io.writers import atomic_write
from phenotk.issue import Issue, Severity
from phenotk.model.variants import (
    ALLELIC_STATES,
    SV_TYPE_BY_SO,
    allele_count,
    allelic_state,
    expression,
    genomic_variant_key,
    hgvs_descriptor,
    hgvs_variant_key,
    structural_descriptor,
    sv_variant_key,
)

_TYPES = {"Observed": OBSERVED, "Excluded": EXCLUDED, "Na": NA}
_ROW_KEYS = ("individualData", "diseaseIdList", "alleleCountMap", "hpoData")
_INDIVIDUAL_KEYS = ("pmid", "title", "individualId", "comment", "ageOfOnset", "ageAtLastEncounter", "deceased", "sex")
_MAPPED_TOP = (
    "cohortType",
    "diseaseList",
    "hpoHeaders",
    "rows",
    "hgvsVariants",
    "structuralVariants",
    "intergenicVariants",
    "hpoVersion",
)
_NOT_CARRIED_TOP = ("phetoolsSchemaVersion", "cohortAcronym", "curationHistory")
MAX_JSON_BYTES = 256 * 1024 * 1024
_ORCID = re.compile(r"\d{4}-\d{4}-\d{4}-\d{3}[\dX]\Z")


def sniff_cohort_json(head: bytes) -> bool:
    """True for a JSON object whose first bytes carry the cohort JSON keys."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return text.startswith(b"{") and (b'"cohortType"' in head or b'"hpoHeaders"' in head)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _descriptor(
    key: str, catalogues: dict[str, dict[str, Any]], count: int, sex: str
) -> tuple[VariationDescriptor | None, str]:
    """Build the descriptor of allele ``key``; second value is the catalogue it came from ('' = unknown).

    Allelic state: 2 alleles → homozygous; 1 allele → heterozygous, or hemizygous on chromosome X unless the
    individual is female (``sex`` ``F``): the rule of the store's current builder (every store packet created
    since its first heterozygous X variant in a female follows it; older packets call every single X allele
    hemizygous — see :mod:`phenotk.conversion.template.compare`).
    """
    v = catalogues["hgvsVariants"].get(key)
    if v is not None:
        return (
            hgvs_descriptor(
                variant_id=key,
                state=allelic_state(count, _text(v.get("chr")), sex),
                hgnc_id=_text(v.get("hgncId")),
                symbol=_text(v.get("symbol")),
                transcript=_text(v.get("transcript")),
                c_hgvs=_text(v.get("hgvs")),
                g_hgvs=_text(v.get("gHgvs")),
                p_hgvs=_text(v.get("pHgvs")),
                assembly=_text(v.get("assembly")),
                chrom=_text(v.get("chr")),
                pos=int(v.get("position") or 0),
                ref=_text(v.get("refAllele")),
                alt=_text(v.get("altAllele")),
            ),
            "hgvsVariants",
        )
    v = catalogues["intergenicVariants"].get(key)
    if v is not None:
        return (
            hgvs_descriptor(
                variant_id=key,
                state=allelic_state(count, _text(v.get("chr")), sex),
                hgnc_id=_text(v.get("hgncId")),
                symbol=_text(v.get("symbol")),
                g_hgvs=_text(v.get("gHgvs")),
                assembly=_text(v.get("assembly")),
                chrom=_text(v.get("chr")),
                pos=int(v.get("position") or 0),
                ref=_text(v.get("refAllele")),
                alt=_text(v.get("altAllele")),
            ),
            "intergenicVariants",
        )
    v = catalogues["structuralVariants"].get(key)
    if v is not None:
        return (
            structural_descriptor(
                variant_id=key,
                label=str(v.get("label") or ""),
                sv_type=_text(v.get("svType")) or "SV",
                state=allelic_state(count, _text(v.get("chromosome")), sex),
                hgnc_id=_text(v.get("hgncId")),
                symbol=_text(v.get("geneSymbol")),
            ),
            "structuralVariants",
        )
    return None, ""


def _is_position(value: Any) -> bool:
    """True for what a variant's ``position`` may hold: nothing, or a value ``int()`` reads."""
    if not value:
        return True
    try:
        int(value)
    except (TypeError, ValueError, OverflowError):
        return False
    return True


def cohort_to_packets(data: Any, source: str, options: ConvertOptions) -> Iterator[Converted]:
    """Convert a parsed cohort JSON tree into one :class:`Converted` per row (file findings on the first)."""
    if not isinstance(data, dict):
        raise InputError("not a phetools cohort JSON: the document is not an object", path=source)
    for key in ("hpoHeaders", "rows"):
        if not isinstance(data.get(key), list):
            raise InputError(f"not a phetools cohort JSON: /{key} is missing or not a list", path=source)
    file_issues: list[Issue] = []
    not_carried = [key for key in data if key in _NOT_CARRIED_TOP]
    for d in data.get("diseaseList") or []:
        if isinstance(d, dict) and d.get("modeOfInheritanceList") and "modeOfInheritanceList" not in not_carried:
            not_carried.append("modeOfInheritanceList")
    if not_carried:
        file_issues.append(
            issue(
                "map-not-carried",
                f"cohort bookkeeping {', '.join(not_carried)} has no place in a phenopacket; not carried",
                options,
                default=Severity.INFO,
                escalate=False,
                column=",".join(not_carried),
            )
        )
    for key in data:
        if key not in _MAPPED_TOP and key not in _NOT_CARRIED_TOP:
            file_issues.append(
                issue(
                    "map-unmapped-column",
                    f"unknown cohort field {key!r} is not mapped",
                    options,
                    pointer=join("", key),
                    column=key,
                )
            )
    if data.get("cohortType", "mendelian") != "mendelian":
        file_issues.append(
            issue(
                "map-bad-cell",
                f"cohortType {data.get('cohortType')!r} is not supported (only 'mendelian'); rows read as mendelian",
                options,
                pointer="/cohortType",
                column="cohortType",
                value=data.get("cohortType"),
                reason="unsupported cohort type",
            )
        )
    labels: dict[str, str] = {}
    for d in data.get("diseaseList") or []:
        if isinstance(d, dict) and d.get("diseaseId"):
            labels[str(d["diseaseId"])] = _text(d.get("diseaseLabel"))
    headers: list[tuple[str, str]] = []
    ontology = options.ontology
    for c, h in enumerate(data["hpoHeaders"]):
        hpo_id, label = (_text(h.get("hpoId")), _text(h.get("hpoLabel"))) if isinstance(h, dict) else ("", "")
        headers.append((hpo_id, label))
        if ontology is not None and ontology.primary_id(hpo_id) is None:
            file_issues.append(
                issue(
                    "map-unknown-term",
                    f"{hpo_id} ({label}) is not in HPO release {getattr(ontology, 'version', '?')}; "
                    "kept as written (it may be newer)",
                    options,
                    default=Severity.INFO,
                    escalate=False,
                    pointer=f"/hpoHeaders/{c}/hpoId",
                    column=hpo_id,
                    value=hpo_id,
                )
            )
    catalogues: dict[str, dict[str, Any]] = {}
    for k in ("hgvsVariants", "structuralVariants", "intergenicVariants"):
        raw_catalogue = data.get(k)
        catalogue: dict[str, Any] = raw_catalogue if isinstance(raw_catalogue, dict) else {}
        catalogues[k] = {key: v for key, v in catalogue.items() if isinstance(v, dict)}
        for key, v in catalogue.items():
            if not isinstance(v, dict):  # a variant entry must be an object; rows naming it report the gap
                file_issues.append(
                    issue(
                        "map-bad-cell",
                        f"{k} entry {key!r} is a {type(v).__name__}, not an object; the variant is not read",
                        options,
                        pointer=f"/{k}/{key}",
                        value=_text(v)[:80],
                    )
                )
            elif not _is_position(v.get("position")):
                file_issues.append(
                    issue(
                        "map-bad-cell",
                        f"{k} entry {key!r} has position {v.get('position')!r}, not an integer; read as 0",
                        options,
                        pointer=f"/{k}/{key}/position",
                        value=_text(v.get("position"))[:80],
                    )
                )
                catalogues[k][key] = {**v, "position": 0}
    hpo_version = _text(data.get("hpoVersion"))
    created_by = options.created_by
    history = data.get("curationHistory")
    if created_by == ConvertOptions.created_by and isinstance(history, list) and history:
        # the store's builder signs packets with the first curator's ORCID (true for every store packet)
        first = history[0]
        if isinstance(first, dict) and first.get("orcid"):
            created_by = _text(first["orcid"])
    seen_ids: dict[str, int] = {}
    for r, raw in enumerate(data["rows"]):
        issues = file_issues if r == 0 else []
        row_ptr = f"/rows/{r}"
        where = f"{source}#{row_ptr}"
        if not isinstance(raw, dict) or not isinstance(raw.get("individualData"), dict):
            issues.append(
                issue("map-bad-cell", "row has no individualData object; skipped", options, pointer=row_ptr, row=r)
            )
            yield Converted(None, where, issues)
            continue
        row, row_issues = _parse_row(raw, r, headers, catalogues, options)
        issues = [*issues, *row_issues]
        pid = row.packet_id
        if pid in seen_ids:
            issues.append(
                issue(
                    "map-duplicate-individual",
                    f"rows {seen_ids[pid]} and {r} both make packet id {pid!r}",
                    options,
                    pointer=row_ptr,
                    row=r,
                    value=row.individual_id,
                )
            )
        seen_ids.setdefault(pid, r)
        packet = row_to_packet(row, labels, hpo_version=hpo_version, created=options.created, created_by=created_by)
        yield Converted(packet, where, issues, name=pid)


def _parse_row(
    raw: dict[str, Any],
    r: int,
    headers: list[tuple[str, str]],
    catalogues: dict[str, dict[str, Any]],
    options: ConvertOptions,
) -> tuple[CurationRow, list[Issue]]:
    issues: list[Issue] = []
    ptr = f"/rows/{r}"
    ind = raw["individualData"]

    def bad(pointer: str, column: str, value: Any, reason: str) -> None:
        issues.append(
            issue(
                "map-bad-cell",
                f"row {r} {column}: {value!r} {reason}",
                options,
                pointer=pointer,
                row=r,
                column=column,
                value=value,
                reason=reason,
            )
        )

    for key in raw:
        if key not in _ROW_KEYS:
            issues.append(
                issue("map-unmapped-column", f"row field {key!r} is not mapped", options, pointer=join(ptr, key), row=r)
            )
    for key in ind:
        if key not in _INDIVIDUAL_KEYS:
            issues.append(
                issue(
                    "map-unmapped-column",
                    f"individualData field {key!r} is not mapped",
                    options,
                    pointer=join(ptr, "individualData", key),
                    row=r,
                    column=key,
                )
            )
    # the individual id is kept verbatim (the store keeps stray blanks in subject ids); the packet id is id-safe
    individual = ind.get("individualId")
    row = CurationRow(
        pmid=_text(ind.get("pmid")),
        title=_text(ind.get("title")),
        individual_id="" if individual is None else str(individual),
    )
    if not row.individual_id.strip():
        bad(join(ptr, "individualData", "individualId"), "individualId", ind.get("individualId"), "is empty")
    comment = _text(ind.get("comment"))
    if comment and comment.lower() != "na":
        row.comment = comment
        issues.append(
            issue(
                "map-unmapped-value",
                f"row {r} comment {comment[:60]!r} has no place in a phenopacket; not carried",
                options,
                default=Severity.INFO,
                pointer=join(ptr, "individualData", "comment"),
                row=r,
                column="comment",
                value=comment,
            )
        )
    for key, attr in (("ageOfOnset", "age_of_onset"), ("ageAtLastEncounter", "age_at_last_encounter")):
        text = _text(ind.get(key))
        element = parse_time(text)
        if element is None and text and text.lower() != "na":
            bad(join(ptr, "individualData", key), key, text, "is not an ISO 8601 age, gestational age or onset label")
        setattr(row, attr, element)
    deceased = _text(ind.get("deceased")).lower() or "na"
    if deceased not in ("yes", "no", "na"):
        bad(join(ptr, "individualData", "deceased"), "deceased", deceased, "is not yes / no / na")
        deceased = "na"
    row.deceased = deceased
    sex = _text(ind.get("sex")).upper() or "U"
    if sex not in ("M", "F", "O", "U"):
        bad(join(ptr, "individualData", "sex"), "sex", ind.get("sex"), "is not M / F / O / U")
        sex = "U"
    row.sex = sex
    disease_ids = raw.get("diseaseIdList") or []
    if not isinstance(disease_ids, list):
        bad(join(ptr, "diseaseIdList"), "diseaseIdList", disease_ids, "is not a list of disease ids")
        disease_ids = []
    row.disease_ids = [_text(d) for d in disease_ids if _text(d)]
    hpo_data = raw.get("hpoData") or []
    if not isinstance(hpo_data, list):
        bad(join(ptr, "hpoData"), "hpoData", hpo_data, "is not a list of HPO cells")
        hpo_data = []
    if len(hpo_data) != len(headers):
        bad(join(ptr, "hpoData"), "hpoData", len(hpo_data), f"cells for {len(headers)} HPO headers")
    for c, cell in enumerate(hpo_data[: len(headers)]):
        hpo_id, label = headers[c]
        kind = cell.get("type") if isinstance(cell, dict) else None
        cptr = join(ptr, "hpoData", str(c))
        if kind == "OnsetAge":
            text = _text(cell.get("data"))
            onset = parse_time(text)
            if onset is None:
                bad(cptr, hpo_id, text, "is not an onset age or label; term kept as observed without onset")
            row.hpo.append(HpoCell(hpo_id, label, OBSERVED, onset))
        elif isinstance(kind, str) and kind in _TYPES:
            row.hpo.append(HpoCell(hpo_id, label, _TYPES[kind]))
        else:
            bad(cptr, hpo_id, kind, "is not Observed / Excluded / Na / OnsetAge; read as na")
            row.hpo.append(HpoCell(hpo_id, label, NA))
    acm = raw.get("alleleCountMap") or {}
    for key, count in acm.items() if isinstance(acm, dict) else ():
        kptr = join(ptr, "alleleCountMap", key)
        if count not in (1, 2):
            bad(kptr, "alleleCountMap", count, "is not an allele count of 1 or 2; read as 1")
            count = 1
        descriptor, _ = _descriptor(key, catalogues, int(count), sex)
        if descriptor is None:
            issues.append(
                issue(
                    "map-unknown-variant",
                    f"row {r} allele {key!r} is in none of hgvsVariants / structuralVariants / intergenicVariants",
                    options,
                    pointer=kptr,
                    row=r,
                    column="alleleCountMap",
                    value=key,
                    reason="unknown variant key",
                )
            )
            continue
        row.variants.append(descriptor)
    return row, issues


class PhetoolsJsonReader(FormatReader):
    """phetools cohort JSON (``*_individuals.json``) → one store-style phenopacket per row.

    Selected with ``--from phetools-json``; content sniffing is done by the ``template`` reader.
    """

    name = "phetools-json"
    description = "phetools / phenopacket-store cohort JSON curation table (*_individuals.json)"
    extensions = (".json",)

    def read(self, path: Path, options: ConvertOptions) -> Iterator[Converted]:
        """Convert one cohort JSON file."""
        try:
            if path.stat().st_size > MAX_JSON_BYTES:
                raise InputError(f"file larger than {MAX_JSON_BYTES} bytes; refusing to read", path=str(path))
            data = orjson.loads(path.read_bytes())
        except orjson.JSONDecodeError as exc:
            raise InputError(f"invalid JSON: {exc}", path=str(path)) from None
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror}", path=str(path)) from None
        yield from cohort_to_packets(data, str(path), options)


# --------------------------------------------------------------------------------------------------- writer


def _variant_entry(vd: VariationDescriptor) -> tuple[str, dict[str, Any]]:
    """(catalogue, entry) for one descriptor, in phetools' field order."""
    gene = vd.gene_context
    if vd.HasField("structural_type"):
        sv_type = SV_TYPE_BY_SO.get(vd.structural_type.id, "SV")
        key = vd.id or sv_variant_key(gene.symbol, sv_type, vd.label)
        return "structuralVariants", {
            "label": vd.label,
            "geneSymbol": gene.symbol,
            "transcript": "",
            "hgncId": gene.value_id,
            "svType": sv_type,
            "chromosome": "",
            "variantKey": key,
        }
    c = expression(vd, "hgvs.c")
    g = expression(vd, "hgvs.g")
    vcf = vd.vcf_record
    if c:
        transcript, _, hgvs = c.partition(":") if ":" in c else ("", "", c)
        key = vd.id or hgvs_variant_key(hgvs, gene.symbol, transcript)
        entry: dict[str, Any] = {
            "assembly": vcf.genome_assembly or "hg38",
            "chr": vcf.chrom,
            "position": int(vcf.pos),
            "refAllele": vcf.ref,
            "altAllele": vcf.alt,
            "symbol": gene.symbol,
            "hgncId": gene.value_id,
            "hgvs": hgvs,
            "transcript": transcript,
            "gHgvs": g,
        }
        p = expression(vd, "hgvs.p")
        if p:
            entry["pHgvs"] = p
        entry["variantKey"] = key
        return "hgvsVariants", entry
    key = vd.id or genomic_variant_key(g)
    return "intergenicVariants", {
        "assembly": vcf.genome_assembly or "hg38",
        "chr": vcf.chrom,
        "position": int(vcf.pos),
        "refAllele": vcf.ref,
        "altAllele": vcf.alt,
        "symbol": gene.symbol,
        "hgncId": gene.value_id,
        "gHgvs": g,
        "geneHgvs": "",
        "variantKey": key,
    }


def packets_to_cohort(packets: Iterable[Phenopacket], options: ConvertOptions) -> tuple[dict[str, Any], list[Issue]]:
    """Phenopackets of one cohort → (cohort JSON tree, findings for what the table cannot hold)."""
    issues: list[Issue] = []
    headers: dict[str, str] = {}
    diseases: dict[str, str] = {}
    genes: dict[tuple[str, str], str] = {}
    catalogues: dict[str, dict[str, Any]] = {"hgvsVariants": {}, "structuralVariants": {}, "intergenicVariants": {}}
    rows: list[tuple[CurationRow, dict[str, int]]] = []
    hpo_version = ""
    curators: list[dict[str, str]] = []
    for packet in packets:
        orcid = packet.meta_data.created_by.removeprefix("ORCID:")
        if _ORCID.match(orcid) and all(c["orcid"] != orcid for c in curators):
            curators.append({"orcid": orcid, "date": packet.meta_data.created.ToJsonString()[:10]})
        row = packet_to_row(packet)
        for res in packet.meta_data.resources:
            if res.namespace_prefix == "HP" and res.version:
                hpo_version = hpo_version or res.version
        for cell in row.hpo:
            headers.setdefault(cell.hpo_id, cell.label)
        for d in packet.diseases:
            diseases.setdefault(d.term.id, d.term.label)
        counts: dict[str, int] = {}
        for vd in row.variants:
            catalogue, entry = _variant_entry(vd)
            catalogues[catalogue].setdefault(entry["variantKey"], entry)
            counts[entry["variantKey"]] = allele_count(vd.allelic_state)
            if vd.allelic_state.id and vd.allelic_state.id not in ALLELIC_STATES.values():
                issues.append(
                    issue(
                        "map-lossy-export",
                        f"{packet.id}: allelic state {vd.allelic_state.id} is exported as an allele count of 1",
                        options,
                        column="alleleCountMap",
                        value=vd.allelic_state.id,
                    )
                )
            symbol = str(entry.get("symbol") or entry.get("geneSymbol") or "")
            if symbol:
                genes.setdefault((str(entry.get("hgncId", "")), symbol), str(entry.get("transcript", "")))
        issues.extend(_lossy(packet, options))
        rows.append((row, counts))
    header_ids = list(headers)
    out_rows = []
    for row, counts in rows:
        by_id = {cell.hpo_id: cell for cell in row.hpo}
        hpo_data: list[dict[str, str]] = []
        for hpo_id in header_ids:
            found = by_id.get(hpo_id)
            if found is None:
                hpo_data.append({"type": "Na"})
            elif found.status == EXCLUDED:
                hpo_data.append({"type": "Excluded"})
            elif found.onset is not None:
                hpo_data.append({"type": "OnsetAge", "data": time_text(found.onset)})
            else:
                hpo_data.append({"type": "Observed"})
        out_rows.append(
            {
                "individualData": {
                    "pmid": row.pmid,
                    "title": row.title,
                    "individualId": row.individual_id,
                    "comment": "na",
                    "ageOfOnset": time_text(row.age_of_onset),
                    "ageAtLastEncounter": time_text(row.age_at_last_encounter),
                    "deceased": row.deceased,
                    "sex": row.sex,
                },
                "diseaseIdList": row.disease_ids,
                "alleleCountMap": counts,
                "hpoData": hpo_data,
            }
        )
    gene_list = [{"hgncId": h, "geneSymbol": s, "transcript": t} for (h, s), t in genes.items()]
    tree: dict[str, Any] = {
        "cohortType": "mendelian",
        "diseaseList": [
            {"diseaseId": d, "diseaseLabel": label, "modeOfInheritanceList": [], "geneTranscriptList": gene_list}
            for d, label in diseases.items()
        ],
        "hpoHeaders": [{"hpoLabel": label, "hpoId": hpo_id} for hpo_id, label in headers.items()],
        "rows": out_rows,
        "hgvsVariants": catalogues["hgvsVariants"],
        "structuralVariants": catalogues["structuralVariants"],
        "intergenicVariants": catalogues["intergenicVariants"],
        "phetoolsSchemaVersion": "0.2",
        "hpoVersion": hpo_version,
        "cohortAcronym": options.extra.get("acronym", ""),
        "curationHistory": curators,
    }
    return tree, issues


def _lossy(packet: Phenopacket, options: ConvertOptions) -> list[Issue]:
    """Findings for packet content the curation table has no column for."""
    lost = []
    for name in ("biosamples", "measurements", "medical_actions", "files"):
        if len(getattr(packet, name)):
            lost.append(name)
    for f in packet.phenotypic_features:
        if len(f.modifiers) or f.HasField("severity") or f.HasField("resolution") or len(f.evidence) or f.description:
            lost.append("phenotypicFeatures modifiers/severity/evidence/description")
            break
    if packet.subject.date_of_birth.seconds or len(packet.subject.alternate_ids) or packet.subject.karyotypic_sex:
        lost.append("subject dateOfBirth/alternateIds/karyotypicSex")
    return [
        issue(
            "map-lossy-export",
            f"{packet.id}: {what} cannot be written to a curation table; not exported",
            options,
            column=what,
        )
        for what in lost
    ]


class PhetoolsJsonWriter(FormatWriter):
    """Phenopackets of one cohort → one phetools cohort JSON file."""

    name = "phetools-json"
    description = "phetools / phenopacket-store cohort JSON curation table"
    extensions = ("_individuals.json",)
    single_file = True
    default_extension = ".json"

    def write(
        self, messages: Iterable[Message], output: Path, options: ConvertOptions, *, force: bool = False
    ) -> list[Issue]:
        """Write all packets into ``output`` (a ``.json`` file; a directory gets ``cohort_individuals.json``)."""
        packets, issues = _packets_only(messages, options)
        tree, more = packets_to_cohort(packets, options)
        target = output / "cohort_individuals.json" if output.is_dir() else output
        atomic_write(target, orjson.dumps(tree, option=orjson.OPT_INDENT_2) + b"\n", force=force)
        return issues + more


def _packets_only(messages: Iterable[Message], options: ConvertOptions) -> tuple[list[Phenopacket], list[Issue]]:
    packets, issues = [], []
    for m in messages:
        if isinstance(m, Phenopacket):
            packets.append(m)
        elif hasattr(m, "proband") or hasattr(m, "members"):
            members = [m.proband, *m.relatives] if hasattr(m, "proband") else list(m.members)  # type: ignore[attr-defined]
            packets.extend(members)
        else:
            issues.append(
                issue("map-lossy-export", f"{type(m).__name__} is not a phenopacket; skipped", options, value=None)
            )
    return packets, issues
