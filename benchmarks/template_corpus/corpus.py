"""Agreement of converted curation tables with phenopacket-store (used by tests and ``benchmarks/templates.py``).

Evaluation code, not part of the library: it lives under ``benchmarks/`` and imports phenotk like any user.

Packets are matched to store packets by gene folder + PMID + subject id and compared on the mapped fields of
:mod:`template_corpus.compare`. Every number is reported twice or more, never hiding the strict one:

**Cohort JSON** (:func:`compare_json_corpus`)

* *strict* — every mapped field equal;
* *builder era* (the documented comparison) — each store packet judged by the conventions of the builder
  version that wrote it (:func:`~template_corpus.compare.era_normalised`: ``hgvs.p`` compared only for
  packets from the era that writes it; a female's single X allele heterozygous, as the current builder writes
  it, equals the hemizygous state of older packets). The eras are derived from the store's packets.

The rest get a cause derived from the data, per pair:

* ``table-variant-missing`` — the row's ``alleleCountMap`` names a variant key that no catalogue of the table
  holds (the reader reports ``map-unknown-variant``); the store packet, built when the table still had it,
  carries it;
* ``table-dropped-column`` — the store packet carries an HPO term the table has no column for any more: the
  packet was built from an earlier version of the table;
* ``store-hgvs-whitespace`` — the store copied a blank from the table into an HGVS expression; the converter
  trims it;

and two *disagreements* are labelled but have no rule that explains them (the table and the packet simply say
different things; the converter follows the table): ``store-lacks-table-variant`` (the packet has one of the
row's two variants) and ``allelic-state-differs`` (the table counts one allele, the packet says homozygous).

**Excel templates** (:func:`compare_xlsx_corpus`, with the pyphetools clean-up) — identity on observed and
excluded HPO sets, sex and disease ids (the sheet has no VCF data), reported three ways:

* *strict*;
* *sheet-recorded terms* — HPO sets restricted, on both sides, to the terms the sheet records (has a column for,
  or names in the row's Miscellaneous cell): terms the cohort JSON gained after the sheet was frozen cannot be
  expressed by the sheet;
* *rows the current table holds as the sheet does* — identity among the individuals whose current cohort JSON
  row agrees with the sheet on every differing value (the rows not re-curated since the sheet).

Every differing term is classified against the current cohort JSON row of the same individual, which the
store's packet follows (the class counts only when the store agrees with that row): ``sheet-lacks-column``
(the sheet has no column for it; the table added one), ``table-dropped-term`` (the sheet records it; the table
has no column for it any more), ``re-curated`` (sheet and table both have it and disagree; also a disease id or
sex that differs between them), ``table-keeps-redundant`` (sheet, table and store keep a term the pyphetools
clean-up removes: 45 excluded terms below another excluded term, in 4 templates; the table kept them while it
dropped the same kind of term 4,434 times — no store metadata (created, createdBy, HPO version, schema version)
nor workbook date tells them apart, so the clean-up keeps the majority rule). Anything else is ``unexplained``.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from google.protobuf import json_format
from phenopackets import Phenopacket

from phenotk.conversion.base import ConvertOptions
from phenotk.conversion.template.cohort_json import PhetoolsJsonReader
from phenotk.conversion.template.sniff import sniff_template_file
from phenotk.conversion.template.xlsx import PyphetoolsXlsxReader, template_hpo_columns
from phenotk.errors import InputError

from .compare import (
    BuilderEras,
    builder_eras,
    differences,
    era_normalised,
    mapped_fields,
    variant_cause,
)

StoreKey = tuple[str, str, str]
XLSX_FIELDS = ("observed", "excluded", "sex", "diseases")
#: JSON causes established from the data (a builder era or a table/store defect).
JSON_CAUSES = ("table-variant-missing", "table-dropped-column", "store-hgvs-whitespace")
#: JSON differences labelled by what differs, without a rule that explains them.
JSON_DISAGREEMENTS = ("store-lacks-table-variant", "allelic-state-differs")
#: Excel causes: the current cohort JSON (which the store follows) differs from the sheet, or keeps a term.
XLSX_CAUSES = ("sheet-lacks-column", "table-dropped-term", "re-curated", "table-keeps-redundant")
_RECURATION = {"sheet-lacks-column", "table-dropped-term", "re-curated"}
_SEX_CODES = {0: "U", 1: "F", 2: "M", 3: "O"}
STRICT = "strict"
BUILDER_ERA = "builder era"
SHEET_TERMS = "sheet-recorded terms"
NOT_RECURATED = "rows the current table holds as the sheet does"


def _pmid(packet: Phenopacket) -> str:
    return next((r.id for r in packet.meta_data.external_references if r.id.upper().startswith("PMID")), "")


def load_store(store_dir: Path) -> dict[StoreKey, Phenopacket]:
    """Every store packet keyed by (gene folder, PMID, subject id)."""
    out: dict[StoreKey, Phenopacket] = {}
    for f in sorted(store_dir.glob("*/*.json")):
        packet = Phenopacket()
        json_format.ParseDict(orjson.loads(f.read_bytes()), packet, ignore_unknown_fields=True)
        out[(f.parent.name, _pmid(packet), packet.subject.id)] = packet
    return out


@dataclass
class Agreement:
    """Outcome of comparing one corpus of tables with the store."""

    files: int = 0
    packets: int = 0
    matched: int = 0
    identical: int = 0  # strict
    views: dict[str, list[int]] = field(default_factory=dict)  # documented comparison → [identical, of]
    eras: Counter[str] = field(default_factory=Counter)  # strict differences removed by a builder era
    explained: Counter[str] = field(default_factory=Counter)  # remaining differences with a data cause
    disagreements: Counter[str] = field(default_factory=Counter)  # labelled, no rule explains them
    fields: Counter[str] = field(default_factory=Counter)  # unexplained differences per field
    rules: Counter[str] = field(default_factory=Counter)  # conversion findings per rule
    errors: list[str] = field(default_factory=list)  # InputError per unreadable table
    lines: list[str] = field(default_factory=list)  # every difference, for the artifact file
    note: str = ""
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        """Share of matched individuals identical on the mapped fields (strict)."""
        return self.identical / self.matched if self.matched else 0.0

    def view_rate(self, name: str) -> float:
        """Share identical on a documented comparison."""
        hits, of = self.views.get(name, (0, 0))
        return hits / of if of else 0.0

    @property
    def explained_rate(self) -> float:
        """Share identical, or different only for a builder era or a data cause.

        Labelled disagreements and unexplained differences count against it.
        """
        bad = self.unexplained + sum(self.disagreements.values())
        return 1 - bad / self.matched if self.matched else 0.0

    def per_cause(self) -> dict[str, int]:
        """Rows per single cause (a row with two causes counts under both)."""
        out: Counter[str] = Counter()
        for label, n in self.explained.items():
            for cause in label.split("+"):
                out[cause] += n
        return dict(out)

    @property
    def unexplained(self) -> int:
        """Matched individuals whose difference has no cause and no label."""
        return sum(1 for line in self.lines if "[unexplained]" in line)

    def summary(self, name: str) -> str:
        """One paragraph for stdout and the top of the artifact file."""
        views = "; ".join(
            f"{view}: {hits} identical ({hits / of if of else 0:.2%} of {of})"
            for view, (hits, of) in self.views.items()
        )
        return (
            f"{name}: {self.files} tables, {self.packets} packets, {self.matched} matched to the store; "
            f"strict: {self.identical} identical ({self.rate:.2%}); {views}"
            + (f"; builder-era differences {dict(self.eras)}" if self.eras else "")
            + f"; remaining differences with a data cause {dict(self.explained)}"
            + (f" (rows per cause {self.per_cause()})" if any("+" in k for k in self.explained) else "")
            + f"; labelled disagreements without a rule {dict(self.disagreements)}"
            + f"; unexplained {self.unexplained} (by field {dict(self.fields)})"
            + f"; unreadable tables {len(self.errors)}; {self.seconds:.1f} s"
            + (f"\n  {self.note}" if self.note else "")
        )


def _headers(path: Path, cache: dict[Path, set[str]]) -> set[str]:
    if path not in cache:
        data = orjson.loads(path.read_bytes())
        cache[path] = {str(h.get("hpoId", "")) for h in data.get("hpoHeaders", []) if isinstance(h, dict)}
    return cache[path]


def _json_cause(a: dict[str, Any], b: dict[str, Any], rules: set[str], headers: set[str]) -> str:
    """The data cause of a cohort JSON difference that no builder era explains (see the module docstring)."""
    only_variants = all(a.get(k) == b.get(k) for k in b if k != "variants")
    if only_variants and "map-unknown-variant" in rules and b["variants"] - a["variants"]:
        return "table-variant-missing"
    terms = (a["observed"] ^ b["observed"]) | (a["excluded"] ^ b["excluded"]) | set(a["onsets"]) ^ set(b["onsets"])
    if any(t not in headers for t in (b["observed"] | b["excluded"]) & terms):
        return "table-dropped-column"
    return variant_cause(a, b)


def compare_json_corpus(
    tables: Iterable[Path], store: dict[StoreKey, Phenopacket], options: ConvertOptions
) -> Agreement:
    """Convert every cohort JSON and compare each packet with its store counterpart."""
    result = Agreement()
    reader = PhetoolsJsonReader()
    eras: BuilderEras = builder_eras(store.values())
    result.note = f"builder eras derived from the store: {eras.describe()}"
    result.views[BUILDER_ERA] = [0, 0]
    headers: dict[Path, set[str]] = {}
    start = time.perf_counter()
    for path in tables:
        result.files += 1
        try:
            items = list(reader.read(path, options))
        except InputError as exc:
            result.errors.append(str(exc))
            continue
        for item in items:
            result.rules.update(i.rule for i in item.issues)
            if item.message is None:
                continue
            result.packets += 1
            packet = item.message
            assert isinstance(packet, Phenopacket)
            expected = store.get((path.parent.name, _pmid(packet), packet.subject.id))
            if expected is None:
                result.lines.append(f"{path.name} {packet.id}: no store packet")
                continue
            result.matched += 1
            result.views[BUILDER_ERA][1] += 1
            a, b = mapped_fields(packet), mapped_fields(expected)
            diff = differences(a, b)
            if not diff:
                result.identical += 1
                result.views[BUILDER_ERA][0] += 1
                continue
            a2, b2, era = era_normalised(a, b, expected, eras)
            rest = differences(a2, b2)
            if not rest:
                result.views[BUILDER_ERA][0] += 1
                result.eras.update(era)
                label = "+".join(era)
            else:
                label = _json_cause(a2, b2, {i.rule for i in item.issues}, _headers(path, headers))
                if label in JSON_CAUSES:
                    result.explained[label] += 1
                elif label:
                    result.disagreements[label] += 1
                else:
                    label = "unexplained"
                    result.fields.update(d.split(":", 1)[0] for d in rest)
            result.lines.append(f"{path.name} {packet.id} [{label}]: " + " | ".join(diff))
    result.seconds = time.perf_counter() - start
    return result


def current_statuses(json_tables: Iterable[Path]) -> dict[StoreKey, dict[str, str]]:
    """(gene, PMID, individual) → {HPO id: observed|excluded|na for every column, ``#diseases``, ``#sex``}."""
    out: dict[StoreKey, dict[str, str]] = {}
    for path in json_tables:
        data = orjson.loads(path.read_bytes())
        ids = [h.get("hpoId", "") for h in data.get("hpoHeaders", [])]
        for row in data.get("rows", []):
            ind = row.get("individualData", {})
            statuses = dict.fromkeys(ids, "na")
            for hpo_id, cell in zip(ids, row.get("hpoData", []), strict=False):
                kind = cell.get("type")
                if kind in ("Observed", "OnsetAge"):
                    statuses[hpo_id] = "observed"
                elif kind == "Excluded":
                    statuses[hpo_id] = "excluded"
            statuses["#diseases"] = ",".join(sorted(str(d) for d in row.get("diseaseIdList", [])))
            statuses["#sex"] = str(ind.get("sex", ""))
            out[(path.parent.name, str(ind.get("pmid", "")), str(ind.get("individualId", "")))] = statuses
    return out


def _restricted(fields: dict[str, Any], terms: set[str]) -> dict[str, Any]:
    return {**fields, "observed": fields["observed"] & terms, "excluded": fields["excluded"] & terms}


def compare_xlsx_corpus(
    tables: Iterable[Path],
    store: dict[StoreKey, Phenopacket],
    options: ConvertOptions,
    current: dict[StoreKey, dict[str, str]] | None = None,
    templates_root: Path | None = None,
) -> Agreement:
    """Convert every Excel template (``options`` should ask for ``clean=pyphetools``) and compare with the store.

    Identity is judged on observed and excluded HPO sets, sex and disease ids (the sheet has no VCF data).
    ``current`` (from :func:`current_statuses`) classifies each difference; without it every one is unexplained.
    """
    result = Agreement()
    result.views = {SHEET_TERMS: [0, 0], NOT_RECURATED: [0, 0]}
    reader = PyphetoolsXlsxReader()
    start = time.perf_counter()
    for path in tables:
        if not sniff_template_file(path, path.read_bytes()[:8]):
            continue
        result.files += 1
        gene = path.relative_to(templates_root).parts[0] if templates_root else path.parent.name
        try:
            items = list(reader.read(path, options))
        except InputError as exc:
            result.errors.append(str(exc))
            continue
        columns: set[str] | None = None
        for item in items:
            result.rules.update(i.rule for i in item.issues)
            packet = item.message
            if not isinstance(packet, Phenopacket):
                continue
            result.packets += 1
            key = (gene, _pmid(packet), packet.subject.id)
            expected = store.get(key)
            if expected is None:
                continue
            result.matched += 1
            result.views[SHEET_TERMS][1] += 1
            a = {k: v for k, v in mapped_fields(packet, variants=False).items() if k in XLSX_FIELDS}
            b = {k: v for k, v in mapped_fields(expected, variants=False).items() if k in XLSX_FIELDS}
            diff = differences(a, b)
            if not diff:
                result.identical += 1
                result.views[SHEET_TERMS][0] += 1
                result.views[NOT_RECURATED][0] += 1
                result.views[NOT_RECURATED][1] += 1
                continue
            if columns is None:
                columns = template_hpo_columns(path, options)
            raw = {f.type.id: ("excluded" if f.excluded else "observed") for f in packet.phenotypic_features}
            removed = set()
            for i in item.issues:
                if i.rule == "map-redundant-term" and "status" in i.context:
                    raw.setdefault(i.context["value"], i.context["status"])
                    removed.add(i.context["value"])
            recorded = columns | set(raw)
            if not differences(_restricted(a, recorded), _restricted(b, recorded)):
                result.views[SHEET_TERMS][0] += 1
            causes = _xlsx_causes(a, b, raw, removed, recorded, (current or {}).get(key))
            if not causes & _RECURATION:
                result.views[NOT_RECURATED][1] += 1
            label = "+".join(sorted(causes))
            if "unexplained" in causes:
                result.fields.update(d.split(":", 1)[0] for d in diff)
            else:
                result.explained[label] += 1
            result.lines.append(f"{path.name} {packet.id} [{label}]: " + " | ".join(diff))
    result.seconds = time.perf_counter() - start
    return result


def _xlsx_causes(
    a: dict[str, Any], b: dict[str, Any], raw: dict[str, str], removed: set[str], recorded: set[str], now: Any
) -> set[str]:
    """Classify every differing value of one Excel row against the current cohort JSON row (module docstring)."""
    if now is None:
        return {"unexplained"}
    causes = set()
    if a["sex"] != b["sex"]:
        sheet, table, store = _SEX_CODES.get(a["sex"], "U"), now.get("#sex", ""), _SEX_CODES.get(b["sex"], "U")
        causes.add("re-curated" if sheet != table and table == store else "unexplained")
    if a["diseases"] != b["diseases"]:
        sheet, table, store = ",".join(a["diseases"]), now.get("#diseases", ""), ",".join(b["diseases"])
        causes.add("re-curated" if sheet != table and table == store else "unexplained")
    for term in (a["observed"] ^ b["observed"]) | (a["excluded"] ^ b["excluded"]):
        store = "observed" if term in b["observed"] else "excluded" if term in b["excluded"] else "na"
        table = now.get(term)  # None: the table has no column for the term
        if (table or "na") != store:
            causes.add("unexplained")  # the store does not follow the current table here
        elif term not in recorded:
            causes.add("sheet-lacks-column" if table is not None else "unexplained")
        elif table is None:
            causes.add("table-dropped-term")
        elif raw.get(term, "na") != table:
            causes.add("re-curated")
        elif term in removed:
            causes.add("table-keeps-redundant")
        else:
            causes.add("unexplained")
    return causes or {"unexplained"}
