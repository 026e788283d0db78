"""The ``beacon`` reader: Beacon v2 individuals (single, list, or inside a Beacon response) → phenopackets."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

from phenotk.conversion.base import Converted, ConvertOptions, FormatReader
from phenotk.errors import InputError
from phenotk.io import Format, load_tree
from phenotk.io.sniff import sniff_format
from phenotk.io.sourcemap import SourceMap, join
from phenotk.issue import Issue

from . import findings as F
from .inbound import from_beacon
from .vocab import INDIVIDUAL_KEYS

_SNIFF = re.compile(
    rb'(?m)"(featureType|diseaseCode|resultSets|geographicOrigin|ethnicity|interventionsOrProcedures|measures'
    rb'|biosampleStatus|sampleOriginType|variantInternalId|caseLevelData)"\s*:'
    rb'|"sex"\s*:\s*\{'
    rb"|^[ \t-]*(featureType|diseaseCode|resultSets|geographicOrigin|ethnicity|interventionsOrProcedures"
    rb"|biosampleStatus|sampleOriginType|variantInternalId|caseLevelData):"
)

#: Keys that mark other Beacon (or phenopacket) documents: (keys, what it is).
_OTHER_KINDS: tuple[tuple[frozenset[str], str], ...] = (
    (frozenset({"subject", "metaData"}), "a Phenopacket (read it without --from beacon)"),
    (frozenset({"proband"}), "a Phenopacket Family"),
    (frozenset({"members", "numSubjects"}), "a Beacon pedigree, not an individual"),
    (
        frozenset({"biosampleStatus", "sampleOriginType", "collectionMoment", "sampleOriginDetail"}),
        "a Beacon biosample, not an individual",
    ),
    (frozenset({"variantInternalId", "variation", "caseLevelData"}), "a Beacon genomic variation, not an individual"),
    (frozenset({"runDate", "libraryStrategy", "platformModel"}), "a Beacon run, not an individual"),
    (frozenset({"analysisDate", "pipelineName", "aligner"}), "a Beacon analysis, not an individual"),
    (frozenset({"collectionEvents", "cohortType", "cohortDesign"}), "a Beacon cohort, not an individual"),
    (frozenset({"resourceType"}), "a FHIR resource"),
)


def _what_else(obj: dict[str, Any]) -> str | None:
    for keys, what in _OTHER_KINDS:
        if len(keys & obj.keys()) >= (2 if len(keys) > 2 else 1) or (keys <= obj.keys()):
            return what
    return None


def individuals(tree: Any, path: str) -> Iterator[tuple[str, Any]]:
    """(pointer, item) for every individual in a single document, a list or a Beacon response envelope."""
    if isinstance(tree, dict):
        if isinstance(tree.get("response"), dict):
            yield from _result_sets(tree["response"], "/response", path)
            return
        if "resultSets" in tree or ("results" in tree and isinstance(tree.get("results"), list)):
            yield from _result_sets(tree, "", path)
            return
        yield "", tree
        return
    if isinstance(tree, list):
        if tree and all(isinstance(x, dict) and isinstance(x.get("results"), list) for x in tree):
            for i, rs in enumerate(tree):
                for j, item in enumerate(rs["results"]):
                    yield join("", i, "results", j), item
            return
        for i, item in enumerate(tree):
            yield join("", i), item
        return
    raise InputError(
        f"expected a Beacon individual, a list of them or a Beacon response, found {type(tree).__name__}",
        path=path,
        line=1,
        column=1,
    )


def _result_sets(obj: dict[str, Any], ptr: str, path: str) -> Iterator[tuple[str, Any]]:
    sets = obj.get("resultSets")
    if isinstance(sets, list):
        for i, rs in enumerate(sets):
            results = rs.get("results") if isinstance(rs, dict) else None
            for j, item in enumerate(results if isinstance(results, list) else []):
                yield join(ptr, "resultSets", i, "results", j), item
        return
    if isinstance(obj.get("results"), list):
        for j, item in enumerate(obj["results"]):
            yield join(ptr, "results", j), item
        return
    raise InputError(
        "a Beacon response without resultSets[].results[] or results[]: no individuals in it",
        path=path,
        line=1,
        column=1,
    )


class BeaconReader(FormatReader):
    """Beacon v2 ``individuals`` documents (BFF): one object, a JSON array, or a Beacon response."""

    name: ClassVar[str] = "beacon"
    description: ClassVar[str] = "Beacon v2 individuals (single, list, or response envelope)"
    extensions: ClassVar[tuple[str, ...]] = (".json", ".yaml", ".yml")

    def sniff(self, path: Path, head: bytes) -> bool:
        """Beacon individual keys (``featureType``, ``diseaseCode``, NCIT ``sex`` objects, ``resultSets`` …)."""
        return path.name.lower().endswith(self.extensions) and _SNIFF.search(head) is not None

    def read(self, path: Path, options: ConvertOptions) -> Iterator[Converted]:
        """One phenopacket per individual; items that are not individuals get a finding and are skipped."""
        display = str(path)
        try:
            raw = Path(path).read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror or exc}", path=display) from None
        fmt = sniff_format(raw[:4096], display)
        text = raw.decode("utf-8", errors="replace")
        stream_note: Issue | None = None
        try:
            tree = load_tree(raw, name=display)
        except InputError as exc:
            tree = _json_stream(text) if fmt is Format.JSON and "Extra data" in exc.message else None
            if tree is None:
                raise
            stream_note = F.JSON_STREAM(
                f"{len(tree)} JSON documents one after another (not one JSON value); read each as an individual"
            )
        smap: SourceMap | None = None

        def locate(issues: list[Issue]) -> list[Issue]:
            nonlocal smap
            if smap is None:
                smap = SourceMap.from_yaml(text) if fmt is Format.YAML else SourceMap.from_json(text)
            for issue in issues:
                issue.line, issue.column = smap.locate(issue.pointer)
            return issues

        usable = 0
        skipped: list[Converted] = []
        for ptr, item in individuals(tree, display):
            source = display + (f"#{ptr}" if ptr else "")
            problem = None
            if not isinstance(item, dict):
                problem = f"expected a Beacon individual object, found {type(item).__name__}"
            else:
                other = _what_else(item)
                if other is not None:
                    problem = f"this is {other}"
                elif not (INDIVIDUAL_KEYS & item.keys()) or "id" not in item:
                    keys = ", ".join(sorted(item)[:6])
                    problem = f"not a Beacon individual (needs 'id' and 'sex'; has {keys or 'no keys'})"
            if problem is not None:
                if not ptr:
                    raise InputError(problem, path=display, line=1, column=1)
                issue = F.WRONG_DOCUMENT(problem + "; skipped", pointer=ptr)
                skipped.append(Converted(message=None, source=source, issues=locate([issue])))
                continue
            packet, issues = from_beacon(
                item, ptr, created=options.created, created_by=options.created_by, severity=options.severity()
            )
            if stream_note is not None and not usable:
                issues.insert(0, stream_note)
            usable += 1
            yield Converted(message=packet, source=source, issues=locate(issues), name=packet.id or None)
        if not usable:
            if skipped:
                first = skipped[0].issues[0]
                raise InputError(
                    f"no Beacon individual in this document ({first.message})",
                    path=display,
                    line=first.line,
                    column=first.column,
                )
            raise InputError(
                "no Beacon individual in this document (empty list or result set)", path=display, line=1, column=1
            )
        yield from skipped


def _json_stream(text: str) -> list[Any] | None:
    """Values of concatenated JSON documents (as EGA's phenopackets-to-BFF writes families), None if not that."""
    decoder = json.JSONDecoder()
    items: list[Any] = []
    i, n = 0, len(text)
    while i < n:
        while i < n and text[i] in " \t\r\n,":
            i += 1
        if i >= n:
            break
        try:
            value, i = decoder.raw_decode(text, i)
        except json.JSONDecodeError:
            return None
        if isinstance(value, list):
            items.extend(value)
        else:
            items.append(value)
    return items if len(items) > 1 else None
