"""Agreement of converted curation tables with phenopacket-store (used by tests and ``benchmarks/templates.py``).

Packets are matched to store packets by gene folder + PMID + subject id. For each pair, :func:`compare_pair`
lists the differing mapped fields (:mod:`phenotk.convert.template.compare`) and a known cause when one applies:

* ``store-lacks-hgvs.p`` — the store packet lacks a protein expression the table has (built before the table
  gained ``pHgvs`` values);
* ``re-curated`` (Excel only) — for a differing HPO term (or the disease id) the sheet and the current cohort
  JSON row of the same individual disagree: the table was re-curated after the sheet, and the store's packet
  follows the current table.
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

from phenotk.convert.base import ConvertOptions
from phenotk.convert.template.cohort_json import PhetoolsJsonReader
from phenotk.convert.template.compare import differences, explain, mapped_fields
from phenotk.convert.template.xlsx import PyphetoolsXlsxReader, sniff_template_file
from phenotk.errors import InputError

StoreKey = tuple[str, str, str]
XLSX_FIELDS = ("observed", "excluded", "sex", "diseases")


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
    identical: int = 0
    explained: Counter[str] = field(default_factory=Counter)
    fields: Counter[str] = field(default_factory=Counter)  # unexplained differences per field
    rules: Counter[str] = field(default_factory=Counter)  # conversion findings per rule
    errors: list[str] = field(default_factory=list)  # InputError per unreadable table
    lines: list[str] = field(default_factory=list)  # every difference, for the artifact file
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        """Share of matched individuals identical on the mapped fields."""
        return self.identical / self.matched if self.matched else 0.0

    @property
    def explained_rate(self) -> float:
        """Share identical or different only for a known cause."""
        return (self.identical + sum(self.explained.values())) / self.matched if self.matched else 0.0

    def summary(self, name: str) -> str:
        """One paragraph for stdout."""
        return (
            f"{name}: {self.files} tables, {self.packets} packets, {self.matched} matched to the store, "
            f"{self.identical} identical ({self.rate:.2%}); with known causes {self.explained_rate:.2%} "
            f"{dict(self.explained)}; unexplained differences by field {dict(self.fields)}; "
            f"unreadable tables {len(self.errors)}; {self.seconds:.1f} s"
        )


def _json_status(json_rows: dict[StoreKey, dict[str, str]], key: StoreKey) -> dict[str, str] | None:
    return json_rows.get(key)


def compare_json_corpus(
    tables: Iterable[Path], store: dict[StoreKey, Phenopacket], options: ConvertOptions
) -> Agreement:
    """Convert every cohort JSON and compare each packet with its store counterpart."""
    result = Agreement()
    reader = PhetoolsJsonReader()
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
            a, b = mapped_fields(packet), mapped_fields(expected)
            diff = differences(a, b)
            if not diff:
                result.identical += 1
                continue
            cause = explain(a, b)
            if cause:
                result.explained[cause] += 1
            else:
                result.fields.update(d.split(":", 1)[0] for d in diff)
            result.lines.append(f"{path.name} {packet.id} [{cause or 'unexplained'}]: " + " | ".join(diff))
    result.seconds = time.perf_counter() - start
    return result


def current_statuses(json_tables: Iterable[Path]) -> dict[StoreKey, dict[str, str]]:
    """(gene, PMID, individual) → {HPO id: observed|excluded, ``#diseases``, ``#sex``} from the current tables."""
    out: dict[StoreKey, dict[str, str]] = {}
    for path in json_tables:
        data = orjson.loads(path.read_bytes())
        ids = [h.get("hpoId", "") for h in data.get("hpoHeaders", [])]
        for row in data.get("rows", []):
            ind = row.get("individualData", {})
            statuses = {}
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


def compare_xlsx_corpus(
    tables: Iterable[Path],
    store: dict[StoreKey, Phenopacket],
    options: ConvertOptions,
    current: dict[StoreKey, dict[str, str]] | None = None,
    templates_root: Path | None = None,
) -> Agreement:
    """Convert every Excel template (``options`` should ask for ``clean=pyphetools``) and compare with the store.

    Identity is judged on observed and excluded HPO sets, sex and disease ids (the sheet has no VCF data).
    """
    result = Agreement()
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
            a = {k: v for k, v in mapped_fields(packet, variants=False).items() if k in XLSX_FIELDS}
            b = {k: v for k, v in mapped_fields(expected, variants=False).items() if k in XLSX_FIELDS}
            diff = differences(a, b)
            if not diff:
                result.identical += 1
                continue
            raw = {f.type.id: ("excluded" if f.excluded else "observed") for f in packet.phenotypic_features}
            for i in item.issues:
                if i.rule == "map-redundant-term" and "status" in i.context:
                    raw.setdefault(i.context["value"], i.context["status"])
            cause = _recurated(a, b, raw, (current or {}).get(key))
            if cause:
                result.explained[cause] += 1
            else:
                result.fields.update(d.split(":", 1)[0] for d in diff)
            result.lines.append(f"{path.name} {packet.id} [{cause or 'unexplained'}]: " + " | ".join(diff))
    result.seconds = time.perf_counter() - start
    return result


def _recurated(a: dict[str, Any], b: dict[str, Any], sheet: dict[str, str], now: dict[str, str] | None) -> str:
    """``re-curated`` when the sheet and the current table disagree on a differing term's raw status."""
    if now is None:
        return ""
    if a["diseases"] != b["diseases"] and ",".join(a["diseases"]) != now.get("#diseases"):
        return "re-curated"
    if a["sex"] != b["sex"] or a["diseases"] != b["diseases"]:
        return ""
    differing = (a["observed"] ^ b["observed"]) | (a["excluded"] ^ b["excluded"])
    if any(sheet.get(term) != now.get(term) for term in differing):
        return "re-curated"
    return ""
