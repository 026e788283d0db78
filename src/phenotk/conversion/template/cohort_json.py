"""phetools cohort JSON (``<GENE>_<ACRONYM>_individuals.json``) → phenopackets.

The writer is in :mod:`.cohort_json_writer`.
Every row becomes a store-style phenopacket (:func:`cohort_to_packets`). Every value is read with its JSON type
checked: a value of the wrong type (an object where text belongs, a number where a list belongs…) is a
``map-bad-cell`` finding naming its JSON pointer, and the value is not read — never a crash, never a guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
from phenopackets import TimeElement

from phenotk.conversion.base import Converted, ConvertOptions, FormatReader
from phenotk.conversion.template.cohort_json_writer import PhetoolsJsonWriter, packets_to_cohort
from phenotk.conversion.template.findings import (
    DUPLICATE_INDIVIDUAL,
    MAP_BAD_CELL,
    MAP_NOT_CARRIED,
    MAP_UNKNOWN_TERM,
    MAP_UNMAPPED_COLUMN,
    UNKNOWN_VARIANT,
    UNMAPPED_VALUE,
    issue,
)
from phenotk.conversion.template.rows import (
    EXCLUDED,
    NA,
    OBSERVED,
    CurationRow,
    HpoCell,
    parse_time_cut,
    respelled_hpo_id,
    row_to_packet,
)
from phenotk.conversion.template.sniff import sniff_cohort_json
from phenotk.conversion.template.timecells import cut_message
from phenotk.errors import InputError
from phenotk.io.sourcemap import join
from phenotk.issue import Issue, Severity
from phenotk.limits import DEFAULT as DEFAULT_LIMITS
from phenotk.limits import current as current_limits
from phenotk.model.variants import allelic_state, hgvs_descriptor, structural_descriptor

__all__ = [
    "PhetoolsJsonReader",
    "PhetoolsJsonWriter",  # the writer lives in .cohort_json_writer; named here for the registry
    "cohort_to_packets",
    "packets_to_cohort",
    "sniff_cohort_json",
]

_TYPES = {"Observed": OBSERVED, "Excluded": EXCLUDED, "Na": NA}
_HPO_ID = re.compile(r"HP:\d{7}\Z")
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
_CATALOGUES = ("hgvsVariants", "structuralVariants", "intergenicVariants")
#: Text fields of a catalogue entry; ``label`` is kept verbatim (not stripped), as the store's packets have it.
_ENTRY_TEXT = (
    "chr", "hgncId", "symbol", "transcript", "hgvs", "gHgvs", "pHgvs", "assembly", "refAllele", "altAllele",
    "svType", "chromosome", "geneSymbol",
)
MAX_JSON_BYTES = DEFAULT_LIMITS.cohort_json_bytes  # default of limits.cohort-json-bytes
_MAX_POSITION = 2**64 - 1  # a VCF position is an unsigned 64-bit integer


def _kind(value: Any) -> str:
    """The JSON type of a parsed value, for messages."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "text"
    return "a number" if isinstance(value, (int, float)) else "null"


def _shown(value: Any) -> str:
    """A short text form of a bad value for the finding's context."""
    return str(value)[:80]


class _Typed:
    """Reads values of one cohort JSON with their JSON type checked; a wrong type is a ``map-bad-cell`` finding."""

    def __init__(self, options: ConvertOptions) -> None:
        self.options = options

    def bad(self, issues: list[Issue], pointer: str, value: Any, reason: str, **ctx: Any) -> None:
        """A ``map-bad-cell`` finding at ``pointer``."""
        issues.append(
            issue(
                MAP_BAD_CELL,
                f"{pointer}: {_shown(value)!r} {reason}",
                self.options,
                pointer=pointer,
                value=_shown(value),
                reason=reason,
                **ctx,
            )
        )

    def text(self, issues: list[Issue], obj: dict[str, Any], key: str, pointer: str, *, strip: bool = True,
             **ctx: Any) -> str:
        """``obj[key]`` as text: a string or a number; missing/null is ``""``; another type is a finding."""
        value = obj.get(key)
        if value is None:
            return ""
        if isinstance(value, str) or (isinstance(value, (int, float)) and not isinstance(value, bool)):
            return str(value).strip() if strip else str(value)
        self.bad(issues, join(pointer, key), value, f"is {_kind(value)}, not text; not read", **ctx)
        return ""

    def listed(self, issues: list[Issue], value: Any, pointer: str, what: str, **ctx: Any) -> list[Any]:
        """``value`` when it is a list; missing/null is ``[]``; another type is a finding (and ``[]``)."""
        if value is None:
            return []
        if isinstance(value, list):
            return value
        self.bad(issues, pointer, value, f"is {_kind(value)}, not a list of {what}; not read", **ctx)
        return []

    def mapped(self, issues: list[Issue], value: Any, pointer: str, what: str, **ctx: Any) -> dict[str, Any]:
        """``value`` when it is an object; missing/null is ``{}``; another type is a finding (and ``{}``)."""
        if value is None:
            return {}
        if isinstance(value, dict):
            return value
        self.bad(issues, pointer, value, f"is {_kind(value)}, not an object of {what}; not read", **ctx)
        return {}


def _position(value: Any) -> int | None:
    """A variant position: nothing (0), an integer (or integral number / digit text) in VCF range; else None."""
    if value is None or value == "" or value == 0:
        return 0
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int) and 0 <= value <= _MAX_POSITION:
        return value
    return None


class _Cohort:
    """The file-level content of one cohort JSON: headers, disease labels, variant catalogues, provenance."""

    def __init__(self, data: dict[str, Any], options: ConvertOptions) -> None:
        self.typed = _Typed(options)
        self.options = options
        self.issues: list[Issue] = []
        self._keys(data)
        self.labels = self._diseases(data)
        self.headers = self._headers(data["hpoHeaders"])
        self.catalogues = {k: self._catalogue(data.get(k), k) for k in _CATALOGUES}
        self.hpo_version = self.typed.text(self.issues, data, "hpoVersion", "")
        self.created_by = self._created_by(data)

    def _keys(self, data: dict[str, Any]) -> None:
        """Findings for top-level keys: bookkeeping not carried, unknown keys, an unsupported cohort type."""
        options = self.options
        not_carried = [key for key in data if key in _NOT_CARRIED_TOP]
        diseases = data.get("diseaseList")
        for d in diseases if isinstance(diseases, list) else ():
            if isinstance(d, dict) and d.get("modeOfInheritanceList") and "modeOfInheritanceList" not in not_carried:
                not_carried.append("modeOfInheritanceList")
        if not_carried:
            message = f"cohort bookkeeping {', '.join(not_carried)} has no place in a phenopacket; not carried"
            self.issues.append(issue(MAP_NOT_CARRIED, message, options, escalate=False, column=",".join(not_carried)))
        for key in data:
            if key not in _MAPPED_TOP and key not in _NOT_CARRIED_TOP:
                message = f"unknown cohort field {key!r} is not mapped"
                self.issues.append(issue(MAP_UNMAPPED_COLUMN, message, options, pointer=join("", key), column=key))
        cohort_type = data.get("cohortType", "mendelian")
        if cohort_type != "mendelian":
            self.issues.append(
                issue(
                    MAP_BAD_CELL,
                    f"cohortType {cohort_type!r} is not supported (only 'mendelian'); rows read as mendelian",
                    options,
                    pointer="/cohortType",
                    column="cohortType",
                    value=_shown(cohort_type),
                    reason="unsupported cohort type",
                )
            )

    def _diseases(self, data: dict[str, Any]) -> dict[str, str]:
        """Disease id → label from ``diseaseList``."""
        labels: dict[str, str] = {}
        typed, issues = self.typed, self.issues
        for i, d in enumerate(typed.listed(issues, data.get("diseaseList"), "/diseaseList", "diseases")):
            ptr = f"/diseaseList/{i}"
            if not isinstance(d, dict):
                typed.bad(issues, ptr, d, f"is {_kind(d)}, not a disease object; not read")
                continue
            disease_id = typed.text(issues, d, "diseaseId", ptr)
            if disease_id:
                labels[disease_id] = typed.text(issues, d, "diseaseLabel", ptr)
        return labels

    def _headers(self, raw_headers: list[Any]) -> list[tuple[str, str]]:
        """(HPO id, label) per column; a column without an id is a finding and its cells are not read."""
        typed, issues = self.typed, self.issues
        ontology = self.options.ontology
        headers: list[tuple[str, str]] = []
        for c, h in enumerate(raw_headers):
            ptr = f"/hpoHeaders/{c}"
            if not isinstance(h, dict):
                typed.bad(issues, ptr, h, f"is {_kind(h)}, not an HPO header object; the column is not read")
                headers.append(("", ""))
                continue
            hpo_id, label = typed.text(issues, h, "hpoId", ptr), typed.text(issues, h, "hpoLabel", ptr)
            if not hpo_id:
                typed.bad(issues, join(ptr, "hpoId"), h.get("hpoId"), "is no HPO id; the column is not read")
            elif respelled_hpo_id(hpo_id):
                read = respelled_hpo_id(hpo_id) or hpo_id
                typed.bad(issues, join(ptr, "hpoId"), hpo_id, f"is not written HP:nnnnnnn; read as {read}")
                hpo_id = read
            elif not _HPO_ID.match(hpo_id):
                typed.bad(issues, join(ptr, "hpoId"), hpo_id, "is not an HPO id (HP:nnnnnnn); kept as written")
            headers.append((hpo_id, label))
            if hpo_id and ontology is not None and ontology.primary_id(hpo_id) is None:
                issues.append(
                    issue(
                        MAP_UNKNOWN_TERM,
                        f"{hpo_id} ({label}) is not in HPO release {getattr(ontology, 'version', '?')}; "
                        "kept as written (it may be newer)",
                        self.options,
                        default=Severity.INFO,
                        escalate=False,
                        pointer=f"{ptr}/hpoId",
                        column=hpo_id,
                        value=hpo_id,
                    )
                )
        return headers

    def _catalogue(self, raw: Any, name: str) -> dict[str, dict[str, Any]]:
        """Variant key → entry with its text fields and position type-checked (bad entries are findings)."""
        typed, issues = self.typed, self.issues
        out: dict[str, dict[str, Any]] = {}
        for key, v in typed.mapped(issues, raw, f"/{name}", "variants").items():
            ptr = join(f"/{name}", key)
            if not isinstance(v, dict):  # a variant entry must be an object; rows naming it report the gap
                message = f"{name} entry {key!r} is a {type(v).__name__}, not an object; the variant is not read"
                issues.append(issue(MAP_BAD_CELL, message, self.options, pointer=ptr, value=_shown(v).strip()))
                continue
            entry: dict[str, Any] = {f: typed.text(issues, v, f, ptr) for f in _ENTRY_TEXT}
            entry["label"] = typed.text(issues, v, "label", ptr, strip=False)
            position = _position(v.get("position"))
            if position is None:
                issues.append(
                    issue(
                        MAP_BAD_CELL,
                        f"{name} entry {key!r} has position {v.get('position')!r}, not an integer; read as 0",
                        self.options,
                        pointer=f"{ptr}/position",
                        value=_shown(v.get("position")).strip(),
                    )
                )
            entry["position"] = position or 0
            out[key] = entry
        return out

    def _created_by(self, data: dict[str, Any]) -> str:
        """The first curator's ORCID (the store's builder signs packets with it), unless ``created_by`` was set."""
        created_by = self.options.created_by
        if created_by != ConvertOptions.created_by:
            return created_by
        history = self.typed.listed(self.issues, data.get("curationHistory"), "/curationHistory", "curators")
        if history and isinstance(history[0], dict):
            orcid = self.typed.text(self.issues, history[0], "orcid", "/curationHistory/0")
            if orcid:
                return orcid
        return created_by

    def descriptor(self, key: str, count: int, sex: str) -> Any:
        """The descriptor of allele ``key`` (None when no catalogue defines it).

        Allelic state: 2 alleles → homozygous; 1 allele → heterozygous, or hemizygous on chromosome X unless the
        individual is female (``sex`` ``F``): the rule of the store's current builder (every store packet created
        since its first heterozygous X variant in a female follows it; older packets call every single X allele
        hemizygous — ``benchmarks/template_corpus`` compares by builder era).
        """
        v = self.catalogues["hgvsVariants"].get(key)
        if v is not None:
            return hgvs_descriptor(
                variant_id=key, state=allelic_state(count, v["chr"], sex), hgnc_id=v["hgncId"], symbol=v["symbol"],
                transcript=v["transcript"], c_hgvs=v["hgvs"], g_hgvs=v["gHgvs"], p_hgvs=v["pHgvs"],
                assembly=v["assembly"], chrom=v["chr"], pos=v["position"], ref=v["refAllele"], alt=v["altAllele"],
            )
        v = self.catalogues["intergenicVariants"].get(key)
        if v is not None:
            return hgvs_descriptor(
                variant_id=key, state=allelic_state(count, v["chr"], sex), hgnc_id=v["hgncId"], symbol=v["symbol"],
                g_hgvs=v["gHgvs"], assembly=v["assembly"], chrom=v["chr"], pos=v["position"], ref=v["refAllele"],
                alt=v["altAllele"],
            )
        v = self.catalogues["structuralVariants"].get(key)
        if v is not None:
            return structural_descriptor(
                variant_id=key, label=v["label"], sv_type=v["svType"] or "SV",
                state=allelic_state(count, v["chromosome"], sex), hgnc_id=v["hgncId"], symbol=v["geneSymbol"],
            )
        return None


def cohort_to_packets(data: Any, source: str, options: ConvertOptions) -> Iterator[Converted]:
    """Convert a parsed cohort JSON tree into one :class:`Converted` per row (file findings on the first)."""
    if not isinstance(data, dict):
        raise InputError("not a phetools cohort JSON: the document is not an object", path=source)
    for key in ("hpoHeaders", "rows"):
        if not isinstance(data.get(key), list):
            raise InputError(f"not a phetools cohort JSON: /{key} is missing or not a list", path=source)
    cohort = _Cohort(data, options)
    seen_ids: dict[str, int] = {}
    for r, raw in enumerate(data["rows"]):
        issues = cohort.issues if r == 0 else []
        row_ptr = f"/rows/{r}"
        where = f"{source}#{row_ptr}"
        if not isinstance(raw, dict) or not isinstance(raw.get("individualData"), dict):
            message = "row has no individualData object; skipped"
            issues.append(issue(MAP_BAD_CELL, message, options, pointer=row_ptr, row=r))
            yield Converted(None, where, issues)
            continue
        row, row_issues = _parse_row(raw, r, cohort)
        issues = [*issues, *row_issues]
        pid = row.packet_id
        if pid in seen_ids:
            message = f"rows {seen_ids[pid]} and {r} both make packet id {pid!r}"
            ctx: dict[str, Any] = {"row": r, "value": row.individual_id}
            issues.append(issue(DUPLICATE_INDIVIDUAL, message, options, pointer=row_ptr, **ctx))
        seen_ids.setdefault(pid, r)
        packet = row_to_packet(
            row, cohort.labels, hpo_version=cohort.hpo_version, created=options.created, created_by=cohort.created_by
        )
        yield Converted(packet, where, issues, name=pid)


class _Row:
    """Parsing state of one row: its pointer, its findings, typed access."""

    def __init__(self, r: int, cohort: _Cohort) -> None:
        self.r, self.cohort, self.options = r, cohort, cohort.options
        self.ptr = f"/rows/{r}"
        self.ind_ptr = join(self.ptr, "individualData")
        self.issues: list[Issue] = []

    def bad(self, pointer: str, column: str, value: Any, reason: str) -> None:
        self.issues.append(
            issue(
                MAP_BAD_CELL,
                f"row {self.r} {column}: {value!r} {reason}",
                self.options,
                pointer=pointer,
                row=self.r,
                column=column,
                value=value,
                reason=reason,
            )
        )

    def cut(self, pointer: str, column: str, text: str, element: TimeElement | None, cut: str) -> None:
        """A ``map-not-carried`` finding for an age whose decimal fraction was cut (``7.5 months`` → P7M)."""
        if cut and element is not None:
            self.issues.append(issue(
                MAP_NOT_CARRIED, f"row {self.r} {column}: {cut_message(text, element, cut)}", self.options,
                pointer=pointer, row=self.r, column=column, value=text, reason="fraction of an age not carried"))

    def text(self, obj: dict[str, Any], key: str, pointer: str, *, strip: bool = True) -> str:
        return self.cohort.typed.text(self.issues, obj, key, pointer, strip=strip, row=self.r, column=key)

    def listed(self, value: Any, key: str, what: str) -> list[Any]:
        return self.cohort.typed.listed(self.issues, value, join(self.ptr, key), what, row=self.r, column=key)


def _parse_row(raw: dict[str, Any], r: int, cohort: _Cohort) -> tuple[CurationRow, list[Issue]]:
    """One row of ``rows`` as a :class:`CurationRow`, with its findings."""
    p = _Row(r, cohort)
    ind = raw["individualData"]
    for key in raw:
        if key not in _ROW_KEYS:
            message = f"row field {key!r} is not mapped"
            p.issues.append(issue(MAP_UNMAPPED_COLUMN, message, p.options, pointer=join(p.ptr, key), row=r))
    for key in ind:
        if key not in _INDIVIDUAL_KEYS:
            p.issues.append(
                issue(
                    MAP_UNMAPPED_COLUMN,
                    f"individualData field {key!r} is not mapped",
                    p.options,
                    pointer=join(p.ind_ptr, key),
                    row=r,
                    column=key,
                )
            )
    # the individual id is kept verbatim (the store keeps stray blanks in subject ids); the packet id is id-safe
    row = CurationRow(
        pmid=p.text(ind, "pmid", p.ind_ptr),
        title=p.text(ind, "title", p.ind_ptr),
        individual_id=p.text(ind, "individualId", p.ind_ptr, strip=False),
    )
    if not row.individual_id.strip():
        p.bad(join(p.ind_ptr, "individualId"), "individualId", ind.get("individualId"), "is empty")
    _person(p, ind, row)
    row.disease_ids = _disease_ids(p, raw)
    _hpo_cells(p, raw, row)
    _alleles(p, raw, row)
    return row, p.issues


def _person(p: _Row, ind: dict[str, Any], row: CurationRow) -> None:
    """Comment, ages, vital status and sex of one row."""
    comment = p.text(ind, "comment", p.ind_ptr)
    if comment and comment.lower() != "na":
        row.comment = comment
        p.issues.append(
            issue(
                UNMAPPED_VALUE,
                f"row {p.r} comment {comment[:60]!r} has no place in a phenopacket; not carried",
                p.options,
                pointer=join(p.ind_ptr, "comment"),
                row=p.r,
                column="comment",
                value=comment,
            )
        )
    for key, attr in (("ageOfOnset", "age_of_onset"), ("ageAtLastEncounter", "age_at_last_encounter")):
        text = p.text(ind, key, p.ind_ptr)
        element, cut = parse_time_cut(text)
        p.cut(join(p.ind_ptr, key), key, text, element, cut)
        if element is None and text and text.lower() != "na":
            p.bad(join(p.ind_ptr, key), key, text, "is not an ISO 8601 age, gestational age or onset label")
        setattr(row, attr, element)
    deceased = p.text(ind, "deceased", p.ind_ptr).lower() or "na"
    if deceased not in ("yes", "no", "na"):
        p.bad(join(p.ind_ptr, "deceased"), "deceased", deceased, "is not yes / no / na")
        deceased = "na"
    row.deceased = deceased
    sex = p.text(ind, "sex", p.ind_ptr).upper() or "U"
    if sex not in ("M", "F", "O", "U"):
        p.bad(join(p.ind_ptr, "sex"), "sex", ind.get("sex"), "is not M / F / O / U")
        sex = "U"
    row.sex = sex


def _disease_ids(p: _Row, raw: dict[str, Any]) -> list[str]:
    out = []
    ptr = join(p.ptr, "diseaseIdList")
    for i, d in enumerate(p.listed(raw.get("diseaseIdList"), "diseaseIdList", "disease ids")):
        if isinstance(d, str) or (isinstance(d, (int, float)) and not isinstance(d, bool)):
            if str(d).strip():
                out.append(str(d).strip())
        elif d is not None:
            p.bad(f"{ptr}/{i}", "diseaseIdList", _shown(d), f"is {_kind(d)}, not a disease id; not read")
    return out


def _hpo_cells(p: _Row, raw: dict[str, Any], row: CurationRow) -> None:
    headers = p.cohort.headers
    hpo_data = p.listed(raw.get("hpoData"), "hpoData", "HPO cells")
    if len(hpo_data) != len(headers):
        p.bad(join(p.ptr, "hpoData"), "hpoData", len(hpo_data), f"cells for {len(headers)} HPO headers")
    for c, cell in enumerate(hpo_data[: len(headers)]):
        hpo_id, label = headers[c]
        if not hpo_id:
            continue  # the header without an id was reported once for the file
        kind = cell.get("type") if isinstance(cell, dict) else None
        cptr = join(p.ptr, "hpoData", str(c))
        if kind == "OnsetAge":
            text = p.cohort.typed.text(p.issues, cell, "data", cptr, row=p.r, column=hpo_id)
            onset, cut = parse_time_cut(text)
            p.cut(join(cptr, "data"), hpo_id, text, onset, cut)
            if onset is None:
                p.bad(cptr, hpo_id, text, "is not an onset age or label; term kept as observed without onset")
            row.hpo.append(HpoCell(hpo_id, label, OBSERVED, onset))
        elif isinstance(kind, str) and kind in _TYPES:
            row.hpo.append(HpoCell(hpo_id, label, _TYPES[kind]))
        else:
            p.bad(join(cptr, "type") if isinstance(cell, dict) else cptr, hpo_id,
                  _shown(kind) if isinstance(kind, (dict, list)) else kind,
                  "is not Observed / Excluded / Na / OnsetAge; read as na")
            row.hpo.append(HpoCell(hpo_id, label, NA))


def _alleles(p: _Row, raw: dict[str, Any], row: CurationRow) -> None:
    ptr = join(p.ptr, "alleleCountMap")
    acm = p.cohort.typed.mapped(p.issues, raw.get("alleleCountMap"), ptr, "allele counts", row=p.r)
    for key, count in acm.items():
        kptr = join(ptr, key)
        if isinstance(count, bool) or count not in (1, 2):
            p.bad(kptr, "alleleCountMap", _shown(count) if isinstance(count, (dict, list)) else count,
                  "is not an allele count of 1 or 2; read as 1")
            count = 1
        descriptor = p.cohort.descriptor(key, int(count), row.sex)
        if descriptor is None:
            p.issues.append(
                issue(
                    UNKNOWN_VARIANT,
                    f"row {p.r} allele {key!r} is in none of hgvsVariants / structuralVariants / intergenicVariants",
                    p.options,
                    pointer=kptr,
                    row=p.r,
                    column="alleleCountMap",
                    value=key,
                    reason="unknown variant key",
                )
            )
            continue
        row.variants.append(descriptor)


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
            limits = current_limits()
            if path.stat().st_size > limits.cohort_json_bytes:
                raise limits.exceeded("cohort-json-bytes", f"file larger than {limits.cohort_json_bytes} bytes; "
                                      "refusing to read", path=str(path))
            data = orjson.loads(path.read_bytes())
        except orjson.JSONDecodeError as exc:
            raise InputError(f"invalid JSON: {exc.msg}", path=str(path), line=exc.lineno, column=exc.colno) from None
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror}", path=str(path)) from None
        yield from cohort_to_packets(data, str(path), options)
