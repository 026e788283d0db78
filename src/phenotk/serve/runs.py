"""What the page runs in a workspace, through the library: sniffing, ``mapping init``, ``phenotk.convert``, fixes.

Nothing here converts, validates or fixes by itself: sheets with an assistant mapping go through
:func:`phenotk.convert` with that mapping (``from_="table"``), every other upload through :func:`phenotk.convert`
as sniffed (as the CLI does), fixes through the run's :class:`~phenotk.workflow.session.Session`. This module
only stores results in the workspace and shapes them for the page.
"""

from __future__ import annotations

import dataclasses
import io
import json
import shutil
import threading
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from phenotk.errors import InputError, PhenotkError, UsageError
from phenotk.issue import Issue, Report, Result
from phenotk.serve import assistant
from phenotk.serve.workspace import MAPPING_SUFFIXES, ServeError, Workspace

#: one cohort summary at a time (plots). Conversions, checks and fixes do not take it: each builds its own
#: session (engine) over the shared, read-only HPO index — with one lock for all, a 40 MB sheet in one tab held
#: every other tab's "Convert and check" until it was done (21 s for a two-row sheet behind a 4 MB one)
ENGINE_LOCK = threading.Lock()


def own_session(session: Any) -> Any:
    """A session like ``session`` (options, HPO) with an engine of its own: runs in threads share no state."""
    from phenotk.workflow.session import Session

    return Session(session.options, hpo=session.hpo if session.hpo is not None else False, want_hpo=True)
#: uploads that are Phenopacket serialisations already (validated and fixed as files, not converted)
PHENOPACKET_KINDS = frozenset({"phenopacket", "phenopackets (zip)"})
#: packets shown as a live preview
PREVIEW_PACKETS = 3
#: the kind of a REDCap data dictionary upload: read by the export's conversion, not converted itself
REDCAP_DICTIONARY = "REDCap data dictionary"
#: kinds that are inputs of other uploads' conversions, not converted themselves
HELPER_KINDS = frozenset({"mapping", REDCAP_DICTIONARY})


def _looks_like_dictionary(path: Path) -> bool:
    """A REDCap data dictionary (CSV with REDCap's column headers, or the API's JSON metadata export)."""
    import csv

    from phenotk.conversion.redcap.dictionary import COLUMNS

    if not path.name.lower().endswith((".csv", ".tsv", ".txt", ".json")):
        return False
    try:
        with path.open("rb") as fh:
            head = fh.read(8192)
    except OSError:
        return False
    text = head.decode("utf-8-sig", errors="replace")
    if text.lstrip().startswith(("[", "{")):
        return all(f'"{key}"' in text for key in ("field_name", "form_name", "field_type"))
    first = text.splitlines()[0] if text.strip() else ""
    try:
        delimiter = csv.Sniffer().sniff(first, delimiters=",;\t|").delimiter
    except csv.Error:
        return False
    spelled = {" ".join(sp.lower().split()): key for key, spellings in COLUMNS.items() for sp in spellings}
    found = {spelled.get(" ".join(c.strip().strip('"').lower().split())) for c in next(csv.reader([first],
                                                                                               delimiter=delimiter))}
    return {"form_name", "field_type"} <= found  # the field-name header may be damaged ('1' in RareLink's)


def sniff(path: Path) -> str:
    """What an upload is, as ``phenotk convert`` would read it (``mapping`` for a mapping YAML)."""
    name = path.name.lower()
    if name.endswith(MAPPING_SUFFIXES):
        try:
            head = path.read_bytes()[:4096]
        except OSError:
            head = b""
        if b"phenotk_mapping" in head:
            return "mapping"
    if _looks_like_dictionary(path):
        return REDCAP_DICTIONARY
    from phenotk.conversion import registry

    reader = registry.sniff_reader(path)
    if reader is not None:
        return "sheet" if reader.name == "table" else reader.name
    if name.endswith(".zip"):
        return "phenopackets (zip)"
    from phenotk.io.sniff import format_from_extension

    return "phenopacket" if format_from_extension(path.name) is not None else "unknown"


def is_sheet(name: str) -> bool:
    """A CSV/TSV/XLSX/ODS/XLS upload (the assistant can start a mapping for it)."""
    return name.lower().endswith((".csv", ".tsv", ".tab", ".txt", ".xlsx", ".xlsm", ".ods", ".xls", ".xlsb"))


# ------------------------------------------------------------------------------------------- mapping


def start_mapping(ws: Workspace, name: str, ontology: Any) -> dict[str, Any]:
    """``mapping init`` for the upload ``name``: store its YAML and return the assistant's table."""
    from phenotk.conversion.table.starter import init_mapping

    path = ws.path_of(name)
    if not is_sheet(name):
        raise ServeError(400, f"{name}: the mapping assistant reads CSV, TSV and XLSX sheets")
    try:
        start = init_mapping(path, ontology=ontology)
    except InputError as exc:
        raise ServeError(400, ws.display(str(exc))) from None
    except UnicodeDecodeError as exc:
        raise ServeError(400, f"{name}: cannot decode the sheet ({exc.reason}); save it as UTF-8 CSV") from None
    suggestions = {h: [{"id": t.id, "label": t.label, "score": round(float(t.score), 2)} for t in hits]
                   for h, hits in start.placement.suggestions.items()}
    with ws.lock:
        ws.mappings[name] = ws.display(start.text)  # its comments name the sheet: not the session folder
        ws.assist[name] = {"header": list(start.sheet.header), "suggestions": suggestions,
                           "messages": [ws.display(m) for m in start.messages()], "origin": "mapping init"}
        ws.run = None
    return assistant_view(ws, name, ontology)


def assistant_view(ws: Workspace, name: str, ontology: Any) -> dict[str, Any]:
    """The assistant's table for the sheet ``name`` (columns, meanings, YAML)."""
    text = ws.mappings.get(name)
    if text is None:
        raise ServeError(404, f"no mapping for {name!r} yet: start one first")
    info = ws.assist.get(name) or {}
    data = assistant.parse(text)
    if name in ws.assist and info.get("header") is None:  # the sheet was uploaded again: read its header
        info["header"] = _header_of(ws, name, text)
    header = info.get("header") or []
    return {
        "file": name,
        "origin": info.get("origin"),
        "yaml": text,
        "messages": info.get("messages", []),
        "columns": assistant.columns(data, header, ontology, info.get("suggestions")),
        "meanings": assistant.meanings(),
    }


def takes_mapping(ws: Workspace, name: str) -> bool:
    """A sheet (CSV/TSV/XLSX …) or a REDCap export (CSV or JSON): the uploads a mapping is for."""
    return ws.kinds.get(name) == "redcap" or (is_sheet(name) and ws.kinds.get(name) not in HELPER_KINDS)


def set_mapping_text(ws: Workspace, name: str, text: str, ontology: Any, origin: str = "edited YAML"
                     ) -> dict[str, Any]:
    """Use ``text`` (an edited or uploaded mapping YAML) for the sheet or REDCap export ``name``."""
    ws.path_of(name)
    if not takes_mapping(ws, name):
        raise ServeError(400, f"{name}: only sheets and REDCap exports are read with a mapping; this file is read "
                              f"as {ws.kinds.get(name)}")
    try:
        assistant.parse(text)  # refuse an invalid mapping before storing it
    except ServeError as exc:  # "mapping not valid: line 4:3: …" did not say for which file
        what = f"the mapping {origin}" if origin.endswith((".yaml", ".yml")) else "the mapping"
        raise ServeError(exc.status, f"{name}: {what} is not valid{exc.message.removeprefix('mapping not valid')}"
                         ) from None
    with ws.lock:
        if name not in ws.assist:
            ws.assist[name] = {"header": _header_of(ws, name, text), "suggestions": {}, "messages": []}
        ws.assist[name]["origin"] = origin
        ws.mappings[name] = text
        ws.run = None
    return assistant_view(ws, name, ontology)


def _mapping_folders() -> list[Path]:
    """Where shipped mappings live: the package's presets, and ``mappings/`` of a source checkout."""
    from importlib import resources

    import phenotk

    folders = []
    presets = resources.files("phenotk.mapping").joinpath("presets")
    if isinstance(presets, Path) and presets.is_dir():
        folders.append(presets)
    checkout = Path(phenotk.__file__).resolve().parents[2] / "mappings"
    if (checkout / "schema.json").is_file():  # the repository's folder of mappings (see mappings/README.md)
        folders.append(checkout)
    return folders


def shipped_mappings() -> dict[str, dict[str, Any]]:
    """Shipped mappings by name (the file stem): ``path``, ``description``, ``redcap`` (has a ``redcap:`` block)."""
    import yaml

    out: dict[str, dict[str, Any]] = {}
    for folder in _mapping_folders():
        for path in sorted(folder.glob("*.yaml")):
            if path.stem in out:
                continue
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
            except (OSError, UnicodeDecodeError, yaml.YAMLError):
                continue
            if not isinstance(data, dict) or "phenotk_mapping" not in data:
                continue
            out[path.stem] = {"path": path, "description": str(data.get("description") or ""),
                              "redcap": isinstance(data.get("redcap"), dict)}
    return out


def use_mapping(ws: Workspace, name: str, shipped: str | None, upload: str | None, ontology: Any
                ) -> dict[str, Any]:
    """Use a shipped mapping (``redcap-erker``) or an uploaded mapping YAML for the sheet or export ``name``."""
    if (shipped is None) == (upload is None):
        raise ServeError(400, "name one mapping: either 'shipped' (a shipped mapping's name) or 'upload' (an "
                              "uploaded mapping YAML)")
    if shipped is not None:
        known = shipped_mappings()
        if shipped not in known:
            raise ServeError(404, f"no shipped mapping named {shipped!r}; shipped: {', '.join(known) or 'none'}")
        text = known[shipped]["path"].read_text(encoding="utf-8-sig")
        return set_mapping_text(ws, name, text, ontology, origin=shipped)
    assert upload is not None
    path = ws.path_of(upload)
    if ws.kinds.get(upload) != "mapping":
        raise ServeError(400, f"{upload} is not a phenotk mapping YAML (it is read as {ws.kinds.get(upload)}; a "
                              "mapping starts with 'phenotk_mapping: 1')")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ServeError(400, f"{upload}: cannot decode the mapping ({exc.reason}); save it as UTF-8") from None
    return set_mapping_text(ws, name, text, ontology, origin=upload)


def _header_of(ws: Workspace, name: str, text: str) -> list[str]:
    from phenotk.conversion.table.sheets import read_table
    from phenotk.mapping.model import load_mapping

    m = load_mapping(assistant.parse(text))
    try:
        if ws.kinds.get(name) == "redcap":  # a JSON export is no table: its fields are the record keys
            from phenotk.conversion.redcap.convert import RedcapSettings
            from phenotk.conversion.redcap.export import read_export

            record = RedcapSettings.from_mapping(m).record_id
            return list(read_export(ws.path_of(name), delimiter=m.delimiter, encoding=m.encoding,
                                    record_field=record).header)
        sheet = read_table(ws.path_of(name), sheet=m.sheet, header_row=m.header_row)
    except (InputError, UnicodeDecodeError) as exc:
        raise ServeError(400, ws.display(str(exc))) from None
    return list(sheet.header)


def set_column(ws: Workspace, name: str, column: str, meaning: str, term: str | None, ontology: Any
               ) -> dict[str, Any]:
    """Give ``column`` of sheet ``name`` a new meaning in its mapping."""
    text = ws.mappings.get(name)
    if text is None:
        raise ServeError(404, f"no mapping for {name!r} yet: start one first")
    if term is not None and ontology is not None and not ontology.contains(term):
        raise ServeError(400, f"{term!r:.80} is not a term of the loaded HPO")  # repr: one line, whatever was sent
    info = ws.assist.get(name)
    if info is not None and info.get("header") is None:  # the sheet was uploaded again: read its header
        info["header"] = _header_of(ws, name, text)
    header = (info or {}).get("header")
    data = assistant.set_meaning(assistant.parse(text), column, meaning, term, header)
    origin = str((ws.assist.get(name) or {}).get("origin") or "mapping init")
    return set_mapping_text(ws, name, assistant.dump(data), ontology,
                            origin=origin if origin.endswith(", edited") else origin + ", edited")


# ------------------------------------------------------------------------------------------- converting


class Packed:
    """A packet kept as its binary protobuf (a seventh of the message object's memory), read back on demand.

    A run keeps its packets until the next run (downloads, fixes, summary): as message objects a 40 MB sheet's
    293,542 packets held 1.3 GB for the session's life; as bytes about 190 MB.
    """

    __slots__ = ("blob", "id", "kind")

    def __init__(self, message: Any) -> None:
        self.id = str(getattr(message, "id", "") or "")
        self.kind = type(message)
        self.blob = message.SerializeToString()

    def message(self) -> Any:
        """The message, parsed again (exactly the one packed: binary protobuf round-trips)."""
        out = self.kind()
        out.ParseFromString(self.blob)
        return out


def _message(value: Any) -> Any:
    return value.message() if isinstance(value, Packed) else value


@dataclass
class Run:
    """The last conversion of a workspace: one report, the packets written, timings."""

    report: Report
    #: path under ``packets/`` → the packet made (kept in memory; files are written when a fix needs them)
    made: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
    pending: dict[str, Any] = field(default_factory=dict)  #: display path → FileFix (dry run)
    fixed: list[dict[str, Any]] = field(default_factory=list)  #: fixes applied
    uploads: list[Path] = field(default_factory=list)  #: uploaded phenopackets (their fixed copy once fixed)
    checked: int = 0  #: documents in the uploaded phenopackets (and zips) that were read and checked
    #: path under ``packets/`` → JSON bytes (encoded on first need; replaced by the fixed bytes)
    data: dict[str, bytes] = field(default_factory=dict)
    fixed_rels: set[str] = field(default_factory=set)  #: packets whose ``data`` holds fixes
    written: bool = False

    @property
    def count(self) -> int:
        """Packets made from the uploads."""
        return len(self.made)

    def packet_bytes(self, rel: str) -> bytes:
        """The JSON of one packet (with the fixes applied so far)."""
        if rel not in self.data:
            from phenotk.io import Format, dumps

            self.data[rel] = dumps(_message(self.made[rel]), Format.JSON)
        return self.data[rel]

    def files(self, ws: Workspace) -> list[Path]:
        """The packets as files under ``packets/`` (written once, when fixes or the summary need files)."""
        if not self.written:
            for rel in self.made:
                target = ws.inside(ws.packets / rel)
                target.parent.mkdir(exist_ok=True)  # packets/<upload>/: packets/ exists, a removed session does not
                target.write_bytes(self.packet_bytes(rel))  # no fsync per file: a temporary session folder
            self.written = True
        return [ws.packets / rel for rel in self.made]


def convert(ws: Workspace, ontology: Any, session: Any) -> Run:
    """Convert every upload (sheets with their mapping, the rest as sniffed) into ``packets/``; one report."""
    import phenotk

    started = time.perf_counter()
    report = Report(hpo_version=session.hpo_version)
    errors: list[str] = []
    documents = 0
    with ws.lock:
        shutil.rmtree(ws.packets, ignore_errors=True)
        shutil.rmtree(ws.fixed, ignore_errors=True)
        ws.inside(ws.packets).mkdir()
        mapdir = ws.root / "mappings"
        mapdir.mkdir(exist_ok=True)
        names = sorted(n for n, kind in ws.kinds.items() if kind not in HELPER_KINDS)
        if not names:
            raise ServeError(400, "nothing to convert: drop a sheet, template or phenopacket first")
        serialised = [n for n in names if ws.kinds[n] in PHENOPACKET_KINDS]
        made: dict[str, Any] = {}
        for name in names:
            if name in serialised:
                continue  # validated as files below (findings with line numbers; fixes give fixed copies)
            kwargs: dict[str, Any] = {}
            if name in ws.mappings:
                # named as the page's download names it: a finding that quotes the mapping ("the id column
                # 'patient' (mapping s.mapping.yaml:3:7)") named "mappings/s.csv.yaml", a file the curator never saw
                stem = mapping_stem(name)
                twin = any(mapping_stem(other) == stem for other in ws.mappings if other != name)
                mapping = ws.inside(mapdir / ((name if twin else stem) + ".mapping.yaml"))
                mapping.write_text(ws.mappings[name], encoding="utf-8")
                # a REDCap export keeps its reader (checkbox columns, repeating instruments): read as a plain
                # table it gave other packets than `phenotk convert export.csv --mapping m.yaml` (ERKER: 40, not 50)
                reader = "redcap" if ws.kinds.get(name) == "redcap" else "table"
                kwargs = {"mapping": mapping, "from_": reader}
                if reader == "redcap":
                    kwargs.update(_dictionary_option(ws, name, report))
            try:
                conv = phenotk.convert(ws.path_of(name), hpo=ontology if ontology is not None else False, **kwargs)
                made.update(_names(_folder(name), _watched(ws, conv, name, names.index(name), len(names))))
            except PhenotkError as exc:
                message = ws.display(exc.message)
                if isinstance(exc, UsageError) and name not in ws.mappings and ws.kinds.get(name) == "redcap":
                    # the CLI's advice (--mapping mappings/redcap-*.yaml) names no control of this page
                    message = (f"{name}: a REDCap export needs a mapping: choose one in the “Mapping” list next to "
                               "it (a shipped REDCap mapping, or a mapping YAML you dropped here) and press “Use "
                               "mapping”")
                elif isinstance(exc, UsageError) and name not in ws.mappings and is_sheet(name):
                    # the CLI's advice (--mapping M.yaml, `phenotk mapping init`) names no button on this page
                    message = (f"{name}: a sheet needs a mapping: press “Map columns” next to it, or “Use a mapping "
                               "file…” in the mapping assistant")
                errors.append(message)
                report.results.append(Result(path=name, issues=[Issue("IO001", "input-unreadable", _error(), message)]))
                continue
            except UnicodeDecodeError as exc:
                errors.append(f"{name}: cannot decode ({exc.reason}); save it as UTF-8")
                report.results.append(Result(path=name, issues=[Issue(
                    "IO001", "input-unreadable", _error(), f"cannot decode ({exc.reason}); save it as UTF-8")]))
                continue
            shown_results = [_display_result(ws, r) for r in conv.report.results]
            if ws.kinds.get(name) == "unknown" and conv.errors:
                # a README or a PDF dropped by mistake: "README.md:7:21: invalid YAML: …" said what failed, not
                # that the file is none of the kinds the page reads
                shown_results = [_unknown_kind(name, r) for r in shown_results]
                errors.extend(i.message for r in shown_results for i in r.issues if i.rule == "input-unreadable")
            else:
                errors.extend(ws.display(str(e)) for e in conv.errors)
            report.notes.extend(n for n in map(_page_note, map(ws.display, conv.report.notes)) if n not in report.notes)
            report.hpo_version = report.hpo_version or conv.report.hpo_version
            report.results.extend(shown_results)
        if serialised:
            # the whole store as one zip (7,682 packets) takes 7 s: its progress is shown as a sheet's is
            label = serialised[0] if len(serialised) == 1 else f"{len(serialised)} uploaded phenopacket files"
            watch = _Progress(ws, label, len(names) - len(serialised), len(names))
            watch.publish(True, 0)
            checked = own_session(session).validate([str(ws.path_of(n)) for n in serialised],
                                                    on_result=watch.checked)
            watch.publish(False, watch.documents)
            report.notes.extend(n for n in map(_page_note, map(ws.display, checked.notes)) if n not in report.notes)
            for result in checked.results:
                shown = _display_result(ws, result)
                report.results.append(shown)
                unreadable = [i for i in shown.issues if i.rule == "input-unreadable"]
                errors.extend(f"{shown.path}: {i.message}" for i in unreadable)
                documents += not unreadable
        # stored before the lock is let go: a removal, upload or mapping change waiting for it clears the run
        # afterwards; stored after, the run of files that had changed meanwhile was served as current
        run = Run(report=report, made=made, seconds=time.perf_counter() - started, errors=errors,
                  uploads=[ws.path_of(n) for n in serialised], checked=documents)
        ws.run = run
    return run


#: packets between two progress updates of a conversion
PROGRESS_EVERY = 200
#: findings shown while a conversion is still running
FIRST_FINDINGS = 5


class _Progress:
    """What :attr:`Workspace.progress` shows of a running file: packets (or documents), findings, the first five."""

    def __init__(self, ws: Workspace, name: str, position: int, files: int) -> None:
        self.ws, self.name, self.position, self.files = ws, name, position, files
        self.started = time.perf_counter()
        self.first: list[dict[str, Any]] = []
        self.findings = 0
        self.documents = 0

    def add(self, result: Result) -> None:
        """Count one document's result (``Session.validate``'s ``on_result``, or a conversion's report)."""
        self.findings += len(result.issues)
        for issue in result.issues[:FIRST_FINDINGS - len(self.first)]:
            self.first.append({"severity": issue.severity.value, "path": self.ws.display(result.path),
                               "id": result.id, "code": issue.code, "rule": issue.rule,
                               "message": self.ws.display(issue.message), "pointer": issue.pointer})

    def checked(self, result: Result) -> None:
        """``on_result`` of a validation: one document more, published every :data:`PROGRESS_EVERY`."""
        self.add(result)
        self.documents += 1
        if self.documents % PROGRESS_EVERY == 0:
            self.publish(True, self.documents)

    def publish(self, running: bool, packets: int) -> None:
        """Replace the workspace's progress (one assignment: a reader never sees half of it)."""
        self.ws.progress = {"running": running, "file": self.name, "file_number": self.position + 1,
                            "files": self.files, "packets": packets, "findings": self.findings,
                            "first": list(self.first), "seconds": round(time.perf_counter() - self.started, 1)}


#: the library's note when HPO checks are off on purpose (``--no-hpo``, ``hpo=False``)
_NO_HPO_NOTE = "HPO checks skipped: --no-hpo"
#: the page's words for it: runs get ``hpo=False`` because the server has no HPO, not because anyone asked
NO_HPO_PAGE_NOTE = ("HPO checks skipped: phenotk serve has no HPO release loaded (start it with --hpo FILE, or set "
                    "PHENOTK_HPO)")


def _page_note(note: str) -> str:
    """A run note as the page says it: no command-line flag the curator never gave and the page does not have."""
    return NO_HPO_PAGE_NOTE if note == _NO_HPO_NOTE else note


def _watched(ws: Workspace, conv: Any, name: str, position: int, files: int) -> list[Any]:
    """The messages of ``conv``, collected while :attr:`Workspace.progress` says how far it got.

    A 40 MB sheet takes a minute and a half: the page polls the progress (packets so far, findings so far, the
    first findings with their place) instead of showing nothing until the end.
    """
    progress = _Progress(ws, name, position, files)
    messages: list[Any] = []
    results = conv.report.results
    seen = 0

    def publish(running: bool) -> None:
        nonlocal seen
        for result in results[seen:]:
            progress.add(result)
        seen = len(results)
        progress.publish(running, len(messages))

    publish(True)
    for n, item in enumerate(conv, 1):
        if item.message is not None:
            messages.append(Packed(item.message))
            # the Conversion keeps every item it streamed (to iterate again); this run never does, so the item
            # lets go of its message and JSON tree now: they held 2.4 GB at the peak of a 40 MB sheet
            item.message, item.tree = None, None
        if n % PROGRESS_EVERY == 0:
            publish(True)
    publish(False)
    return messages


def _unknown_kind(name: str, result: Result) -> Result:
    """``result`` of an upload no reader claimed, its unreadable-input finding saying so first."""
    issues = []
    for issue in result.issues:
        if issue.rule == "input-unreadable":
            why = ": " + issue.message.removeprefix(f"{name}:").strip()
            if issue.line:
                why = f" at line {issue.line}" + (f", column {issue.column}" if issue.column else "") + why
            issue = dataclasses.replace(issue, message=(
                f"{name}: phenotk cannot tell what this file is (not a sheet, template, phenopacket, FHIR, REDCap, "
                f"PED, Beacon or mapping file by its name and first bytes); read as a phenopacket it fails{why}"))
        issues.append(issue)
    return dataclasses.replace(result, issues=issues)


def _dictionary_option(ws: Workspace, name: str, report: Report) -> dict[str, Any]:
    """The uploaded data dictionary for the REDCap export ``name``, when the CLI's look-up would not find it.

    ``phenotk convert export.csv --mapping m.yaml`` uses the one file next to the export named like a dictionary;
    the page passes the one uploaded dictionary whatever its name (``RareLink DD.csv`` too). With several, none
    is guessed: a note says which to remove.
    """
    from phenotk.conversion.redcap import find_dictionary

    dictionaries = sorted(n for n, kind in ws.kinds.items() if kind == REDCAP_DICTIONARY)
    found = find_dictionary(ws.path_of(name))
    if len(dictionaries) > 1:
        which = (f"it is read with {found.name}, the one named like a dictionary; remove the others if that is wrong"
                 if found is not None else "none is used, so choice codes stay codes; remove the ones that do not "
                 "belong to this export")
        note = f"{name}: {len(dictionaries)} REDCap data dictionaries are uploaded ({', '.join(dictionaries)}); {which}"
        if note not in report.notes:
            report.notes.append(note)
        return {}
    if not dictionaries or found == ws.path_of(dictionaries[0]):
        return {}  # found next to the export, exactly as the CLI finds it (and says so)
    return {"options": {"dictionary": str(ws.path_of(dictionaries[0]))}}


def _names(folder: str, messages: list[Any]) -> dict[str, Any]:
    """``folder/<id>.json`` → message, ids made file-safe and unique."""
    out: dict[str, Any] = {}
    folder = _short(folder, FOLDER_CHARS)
    for message in messages:
        stem = _short(_folder(str(getattr(message, "id", "") or "packet")).strip("._") or "packet", STEM_CHARS)
        name, n = f"{folder}/{stem}.json", 2
        while name in out:
            name, n = f"{folder}/{stem}_{n}.json", n + 1
        out[name] = message
    return out


#: longest folder (upload) and file (packet id) names under packets/: an id is any sheet cell, and a name over
#: 255 bytes could not be written (OSError, a 500 on summary and fixes); Windows paths stop at 260 characters
FOLDER_CHARS = 60
STEM_CHARS = 80


def _short(text: str, limit: int) -> str:
    """``text`` if it has at most ``limit`` characters, else its start and a digest of the whole (unique, stable)."""
    if len(text) <= limit:
        return text
    import hashlib

    return text[:limit - 9] + "_" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


def _error() -> Any:
    from phenotk.issue import Severity

    return Severity.ERROR


def mapping_stem(name: str) -> str:
    """The name of the mapping download of sheet ``name``, without ``.mapping.yaml`` (as the app names it)."""
    return Path(name).stem.replace('"', "_")


def _folder(name: str) -> str:
    return "".join(c if c.isalnum() or c in "._-" else "_" for c in name)


def _display_result(ws: Workspace, result: Result) -> Result:
    """``result`` as the page and the reports show it: no path of the session folder in any text.

    The context too (e.g. hpo-release-older lists the files per release): the downloaded reports are shared, and
    the temporary folder's path names the user on Windows (``C:/Users/<name>/AppData/Local/Temp``).
    """
    issues = [dataclasses.replace(i, message=ws.display(i.message),
                                  context=_display_value(ws, i.context) if i.context else i.context)
              for i in result.issues]
    return dataclasses.replace(result, path=ws.display(result.path), issues=issues)


def _display_value(ws: Workspace, value: Any) -> Any:
    if isinstance(value, str):
        return ws.display(value)
    if isinstance(value, dict):
        return {_display_value(ws, k): _display_value(ws, v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_display_value(ws, v) for v in value)
    return value


def current_run(ws: Workspace) -> Run:
    """The last conversion (ServeError 409 when the uploads or mapping changed since)."""
    if ws.run is None:
        raise ServeError(409, "convert first (the files or the mapping changed since the last run)")
    run: Run = ws.run
    return run


# ------------------------------------------------------------------------------------------- findings


#: findings a response carries at most (the page asks for its 300; ``?limit=`` up to this for scripts)
MAX_FINDINGS = 5000


def findings(ws: Workspace, run: Run, *, offset: int = 0, limit: int | None = None,
             severities: frozenset[str] | None = None, text: str = "") -> tuple[list[dict[str, Any]], int]:
    """The findings from ``offset`` (at most ``limit``) that match, with location and context; and how many match.

    ``severities`` (error, warning, info) and ``text`` (in the file, code, rule, message or id, any case) filter.
    Only the entries returned get their context (the cell and its neighbours, the lines, the packet value): every
    finding with its context made the answer for a 4 MB sheet (28,172 findings) 20 MB and 11 s long.
    """
    from phenotk import catalog

    tables: dict[str, Any] = {}
    packets: dict[str, Any] = {}
    fixed = {(f["id"], f["code"], f["pointer"]) for f in run.fixed}
    needle = text.strip().lower()
    stop = None if limit is None else offset + limit
    out = []
    matching = 0
    try:
        for n, (result, issue) in enumerate(run.report.iter_issues()):
            if severities is not None and issue.severity.value not in severities:
                continue
            if needle and needle not in (f"{result.path} {issue.code} {issue.rule} {issue.message} "
                                         f"{result.id or ''}").lower():
                continue
            matching += 1
            if matching <= offset or (stop is not None and matching > stop):
                continue
            kind = catalog.get(issue.code)
            ctx = {k: v for k, v in (issue.context or {}).items() if isinstance(v, (str, int, float)) and k != "reason"}
            entry = {
                "n": n,
                "file": result.path.split(":row ")[0].split("!")[0],
                "path": result.path,
                "id": result.id,
                "code": issue.code,
                "rule": issue.rule,
                "severity": issue.severity.value,
                "message": issue.message,
                "pointer": issue.pointer,
                "line": issue.line,
                "column": issue.column,
                "cell": ctx,
                "fix": None if issue.fix is None else ("safe" if issue.fix.safe else "suggestion"),
                "summary": kind.summary if kind is not None else "",
                "fixed": (result.id, issue.code, issue.pointer) in fixed,
                "context": _context(ws, run, result, issue, tables, packets),
            }
            out.append(entry)
    finally:
        held = tables.get(".zip")
        if held is not None:
            held[1].close()
    return out, matching


def _context(ws: Workspace, run: Run, result: Result, issue: Issue, tables: dict[str, Any],
             packets: dict[str, Any]) -> dict[str, Any] | None:
    """The offending cell with its neighbours (sheets), the lines around it (JSON/YAML) or the packet value."""
    ctx = issue.context or {}
    name = result.path.split(":row ")[0].split("!")[0]
    if "row" in ctx and name in ws.kinds and isinstance(ctx.get("row"), int):
        return _cell_context(ws, name, int(ctx["row"]), str(ctx.get("column") or ""), tables)
    if issue.line and name in ws.kinds and not is_sheet(name):
        lines = _lines_of(ws, result.path, name, tables)
        if lines is None:
            return None
        lo = max(issue.line - 3, 0)
        return {"kind": "lines", "first": lo + 1, "mark": issue.line,
                "lines": [_clip(line, issue.column if n == issue.line else None)
                          for n, line in enumerate(lines[lo:issue.line + 2], lo + 1)]}
    if issue.pointer and result.id:
        packet = _packet_by_id(run, result.id, packets)
        if packet is not None:
            pointer = issue.pointer
            value = _at_pointer(packet, pointer)
            while value is _MISSING and pointer.count("/") > 1:  # a missing member: show what holds it
                pointer = pointer.rsplit("/", 1)[0]
                value = _at_pointer(packet, pointer)
            if value is not _MISSING:
                return {"kind": "value", "pointer": pointer, "value": json.dumps(value, indent=1)[:600]}
    return None


#: characters of one source line shown around a finding (a minified JSON packet is one long line)
LINE_CHARS = 240


def _lines_of(ws: Workspace, path: str, name: str, cache: dict[str, Any]) -> list[str] | None:
    """The text lines of the upload ``name`` — or of its member, for ``archive.zip!member``.

    A finding in a zip member is located in that member's text: the archive's own bytes are no context. The
    findings of one file come together, so only the last file read is kept (``cache[".lines"]``: no upload name
    starts with a dot): each file is read once per listing, and memory holds one file, not every member.
    """
    member = path.split("!", 1)[1] if "!" in path and name.lower().endswith(".zip") else None
    key = (name, member)
    held = cache.get(".lines")
    if held is not None and held[0] == key:
        return held[1]  # type: ignore[no-any-return]
    lines = None
    try:
        # a zip's members were measured (bombs refused) when it was uploaded
        data = ws.path_of(name).read_bytes() if member is None else _archive(ws, name, cache).read(member)
        lines = data.decode("utf-8", errors="replace").splitlines()
    except (OSError, KeyError, ValueError, RuntimeError, NotImplementedError, zipfile.BadZipFile, ServeError):
        pass  # no context rather than a failed page: the finding itself says what is wrong
    cache[".lines"] = (key, lines)
    return lines


def _archive(ws: Workspace, name: str, cache: dict[str, Any]) -> zipfile.ZipFile:
    """The uploaded zip ``name``, opened once per listing: its directory is read once, not once per finding.

    ``cache[".zip"]`` holds the last one; it is closed when the next is opened and at the end of the listing.
    """
    held = cache.get(".zip")
    if held is not None and held[0] == name:
        return held[1]  # type: ignore[no-any-return]
    if held is not None:
        held[1].close()
        del cache[".zip"]
    archive = zipfile.ZipFile(ws.path_of(name))
    cache[".zip"] = (name, archive)
    return archive


def _clip(line: str, column: int | None) -> str:
    """``line`` cut to :data:`LINE_CHARS` characters, around ``column`` (1-based) when it is given."""
    if len(line) <= LINE_CHARS:
        return line
    start = max(0, min((column or 1) - 1 - LINE_CHARS // 2, len(line) - LINE_CHARS))
    return ("…" if start else "") + line[start:start + LINE_CHARS] + ("…" if start + LINE_CHARS < len(line) else "")


def _cell_context(ws: Workspace, name: str, row: int, column: str, tables: dict[str, Any]) -> dict[str, Any] | None:
    from phenotk.conversion.table.sheets import read_table
    from phenotk.mapping.model import load_mapping

    if name not in tables:
        try:
            text = ws.mappings.get(name)
            m = load_mapping(assistant.parse(text)) if text else None
            tables[name] = read_table(ws.path_of(name), sheet=m.sheet if m else None,
                                      header_row=m.header_row if m else 1)
        except (PhenotkError, ServeError, UnicodeDecodeError, OSError):
            tables[name] = None
    sheet = tables[name]
    if sheet is None:
        return None
    if row not in sheet.row_numbers:
        return None
    index = sheet.row_numbers.index(row)
    cols = [c.strip() for c in column.split(",")]
    at = [sheet.header.index(c) for c in cols if c in sheet.header]
    centre = at[0] if at else 0
    lo, hi = max(centre - 2, 0), min(centre + 3, len(sheet.header))
    return {"kind": "cells", "row": row, "header": sheet.header[lo:hi], "cells": sheet.rows[index][lo:hi],
            "mark": [j - lo for j in at if lo <= j < hi]}


_MISSING = object()


def _at_pointer(doc: Any, pointer: str) -> Any:
    node = doc
    for raw in pointer.split("/")[1:]:
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return _MISSING
    return node


def _packet_by_id(run: Run, ident: str, cache: dict[str, Any]) -> Any:
    """The packet ``ident`` as converted (before any fix: the findings are about it), as a JSON tree, or None.

    Only the packets a listing needs are turned into JSON (all of them, 28,172, were before the first finding).
    """
    from phenotk.io import Format, dumps

    if "ids" not in cache:
        index: dict[str, str] = {}
        for name, packet in run.made.items():
            index.setdefault(str(getattr(packet, "id", "") or ""), name)
        cache["ids"], cache["trees"] = index, {}
    trees: dict[str, Any] = cache["trees"]
    if ident not in trees:
        rel = cache["ids"].get(ident)
        trees[ident] = None if rel is None else json.loads(dumps(_message(run.made[rel]), Format.JSON))
    return trees[ident]


def preview(run: Run, limit: int = PREVIEW_PACKETS) -> list[Any]:
    """The first packets (JSON trees) of the run."""
    return [json.loads(run.packet_bytes(rel)) for rel in list(run.made)[:limit]]


# ------------------------------------------------------------------------------------------- fixes


def _fix_targets(ws: Workspace, run: Run) -> list[Path]:
    """Packets made by the run and uploaded phenopackets (the files a fix may change)."""
    uploaded = [p for p in run.uploads if ws.kinds.get(p.name) == "phenopacket"]  # not zips: members stay put
    return [*run.files(ws), *uploaded]


def plan_fixes(ws: Workspace, run: Run, session: Any) -> list[dict[str, Any]]:
    """Dry run of the safe fixes: per changed file, the fixes and a unified diff (nothing written)."""
    from phenotk.fixes.diff import diff_text  # fast where lines repeat (a JSON array of packets)

    out: list[dict[str, Any]] = []
    with ws.lock:
        targets = _fix_targets(ws, run)
        run.pending = {}
        if not targets:
            return out
        for _, ff in own_session(session).fix_paths([str(p) for p in targets]):
            if not ff.changed:
                continue
            shown = ws.display(ff.path)
            run.pending[shown] = ff
            diff = diff_text(ff.original.decode("utf-8", "replace"), ff.new.decode("utf-8", "replace"), shown, n=2)
            out.append({"file": shown, "diff": diff[:20000], "fixes": [
                {"code": a.issue.code, "rule": a.issue.rule, "message": a.issue.message, "pointer": a.issue.pointer}
                for a in ff.applied]})
    return out


def not_fixed(ws: Workspace, run: Run) -> list[dict[str, Any]]:
    """Uploads whose safe fixes the page does not apply (zip members stay as uploaded), with their counts.

    Their findings read "safe fix available", and without this the plan listed the loose files only.
    """
    zips = {name for name, kind in ws.kinds.items() if kind == "phenopackets (zip)"}
    counts: dict[str, list[int]] = {}
    for result in run.report.results:
        archive = result.path.split("!", 1)[0]
        if archive == result.path or archive not in zips:
            continue
        fixes = sum(1 for i in result.issues if i.fix is not None and i.fix.safe)
        if fixes:
            seen = counts.setdefault(archive, [0, 0])
            seen[0] += 1
            seen[1] += fixes
    return [{"file": name, "documents": docs, "fixes": fixes,
             "why": "files inside a zip are not fixed here: unzip it and drop its files, or run phenotk fix on the zip"}
            for name, (docs, fixes) in sorted(counts.items())]




def apply_fixes(ws: Workspace, run: Run, files: list[str] | None) -> list[dict[str, Any]]:
    """Write the planned fixes of ``files`` (all when None): packets in place, uploads to ``fixed/``."""
    from phenotk.io import atomic_write

    if not run.pending:
        raise ServeError(409, "no fixes planned: look at the fixes first")
    chosen = list(run.pending) if files is None else files
    done = []
    with ws.lock:
        for shown in chosen:
            ff = run.pending.pop(shown, None)
            if ff is None:
                raise ServeError(400, f"no planned fix for {shown!r}")
            source = Path(ff.path)
            if ws.inside(source).is_relative_to(ws.packets.resolve()):
                target = ws.inside(source)
            else:
                ws.fixed.mkdir(exist_ok=True)
                target = ws.inside(ws.fixed / source.name)
                run.uploads = [target if p.name == source.name else p for p in run.uploads]
            atomic_write(target, ff.new, force=True)
            if target.is_relative_to(ws.packets.resolve()):
                rel = target.relative_to(ws.packets.resolve()).as_posix()
                run.data[rel] = ff.new
                run.fixed_rels.add(rel)
            ident = _id_of(ff.new)
            for a in ff.applied:
                entry = {"file": shown, "id": ident, "code": a.issue.code, "rule": a.issue.rule,
                         "pointer": a.issue.pointer, "message": a.issue.message}
                run.fixed.append(entry)
                done.append(entry)
    return done


def _id_of(data: bytes) -> str | None:
    try:
        doc = json.loads(data)
    except ValueError:
        return None
    return str(doc.get("id")) if isinstance(doc, dict) and doc.get("id") is not None else None


# ------------------------------------------------------------------------------------------- downloads


def packets_zip(ws: Workspace, run: Run) -> bytes:
    """The run's packets (with the fixes applied so far), one JSON file each, in a zip."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for rel in run.made:
            zf.writestr(rel, run.packet_bytes(rel))
    return buf.getvalue()


def fixed_zip(ws: Workspace) -> bytes:
    """Fixed copies of uploaded phenopackets."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        if ws.fixed.is_dir():
            for p in sorted(ws.fixed.iterdir()):
                zf.write(p, p.name)
    return buf.getvalue()


def report_text(run: Run, fmt: str) -> str:
    """The run's report in ``fmt`` (html, sarif, json …), with the finding documentation of the catalog."""
    from phenotk import catalog
    from phenotk.report import render

    return render(run.report, fmt, rules=catalog.rule_infos())


def summary(ws: Workspace, run: Run, ontology: Any) -> dict[str, Any]:
    """Cohort summary of the run's packets (the notebooks' numbers and plots, as PNG data URLs)."""
    import base64

    from phenotk.analysis import summarize
    from phenotk.io import iter_documents

    # the run's packets from memory (fixed ones from their fixed JSON), not written out and read back: that took
    # 11.7 of the 15.7 s a 4 MB sheet's summary took (28,172 files)
    messages = [_message(packed) if rel not in run.fixed_rels else _parsed(run.data[rel], rel)
                for rel, packed in run.made.items()]
    messages += [d.message for d in iter_documents([str(p) for p in run.uploads])
                 if not isinstance(d, InputError) and d.message is not None]
    # Families and Cohorts count by their members (summarize flattens them), as phenotk summarize counts them
    messages = [m for m in messages if m is not None and type(m).__name__ in ("Phenopacket", "Family", "Cohort")]
    if not messages:
        return {"packets": 0, "summary": None, "plots": {}}
    s = summarize(messages, hpo=ontology)
    plots: dict[str, str] = {}
    from matplotlib.figure import Figure  # no pyplot: figures made in request threads stay independent

    for key, draw in (("terms", s.plot_terms), ("organ_systems", s.plot_organ_systems), ("onsets", s.plot_onsets)):
        fig = Figure(figsize=(9.5, 5.5))
        try:
            draw(ax=fig.subplots())
        except (ValueError, TypeError, KeyError):
            continue
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=80)
        plots[key] = "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")
    return {"packets": s.packets, "summary": _jsonable(s.to_dict()), "plots": plots}


def _parsed(data: bytes, name: str) -> Any:
    """The packet in the JSON ``data`` (a fixed packet of the run), or None."""
    from phenotk.io import Format, parse_bytes

    for doc in parse_bytes(data, name, fmt=Format.JSON):
        return None if isinstance(doc, InputError) else doc.message
    return None


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))
