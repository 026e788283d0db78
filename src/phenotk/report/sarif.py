"""``sarif`` reporter: SARIF 2.1.0 for code-scanning UIs (GitHub, GitLab, VS Code SARIF viewer).

Mapping of the one record shape:

- ``tool.driver.rules``: one descriptor per rule that has findings; ``id`` is the rule code, ``name``
  the kebab-case rule name, descriptions and help from :class:`RuleInfo` when given.
- each finding → a ``result``: ``ruleId`` (code), ``level`` (``error``/``warning``/``note``), message,
  a physical location (relative URI with ``uriBaseId`` ``%SRCROOT%``; ``region`` from line:col when
  known) and a logical location whose ``fullyQualifiedName`` is the JSON pointer.
- URIs are relative to the base folder (``--base-dir``; default: the root of the git repository the
  working directory is in, else the working directory), which ``originalUriBaseIds`` names as
  ``%SRCROOT%`` — code-scanning UIs map such URIs onto the repository. Inputs outside the base folder
  keep an absolute ``file://`` URI (a ``../`` path cannot be mapped either).
- a document inside a file — a JSON Lines line or YAML document (report path ``a.jsonl#L3``), a zip member
  (``b.zip!inner/p.json``) — points at the file (``a.jsonl``, ``b.zip``): code scanning can place only files of
  the repository. Lines of a JSONL or YAML document are the file's own and keep their region; a zip member's
  are not lines of the archive and have none. ``properties.path`` then names the document (the report path).
- ``properties`` of a result carry ``pointer``, ``rule``, ``element``, ``documentId``, spreadsheet
  ``context`` and the JSON Patch ``fix``. SARIF ``fixes`` are not emitted: they describe byte-range
  text replacements, and a JSON Patch on a pointer has no faithful byte range without re-serialising.
- the HPO release is ``runs[0].properties.hpoVersion``; run notes are tool execution notifications.

:class:`Stream` writes the same bytes finding by finding as results arrive (:mod:`phenotk.report.stream`).
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from phenotk.issue import Issue, Report, Result, Severity
from phenotk.report._common import (
    RenderOptions,
    RuleRef,
    StreamRun,
    clean_doc,
    dumps_json,
    indent_json,
    is_unreadable,
    rules_used,
)

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/phenotk/phenotk"
SRCROOT = "%SRCROOT%"

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def render(report: Report, options: RenderOptions) -> str:
    """The SARIF log as indented JSON (one run)."""
    return dumps_json(to_sarif(report, options)) + "\n"


def to_sarif(report: Report, options: RenderOptions | None = None) -> dict[str, Any]:
    """The SARIF log as a dict (``render`` serialises it)."""
    options = options or RenderOptions()
    refs = rules_used(report, options)
    index = {ref.code: i for i, ref in enumerate(refs)}
    cwd = Path.cwd()
    base = Path(options.base_dir).resolve() if options.base_dir else default_base_dir(cwd)
    locations: dict[str, _Where] = {}  # one artifactLocation per path (shared, not recomputed)
    for r in report.results:
        if r.path not in locations:
            locations[r.path] = _where(r.path, base, cwd)
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": report.tool,
                "version": report.version,
                "semanticVersion": report.version,
                "informationUri": INFORMATION_URI,
                "rules": [_descriptor(ref) for ref in refs],
            }
        },
        "invocations": [_invocation(report)],
        "originalUriBaseIds": {SRCROOT: {"uri": base_uri(base)}},
        "columnKind": "unicodeCodePoints",
        "results": [_result(r, i, index[i.code], locations[r.path]) for r, i in report.iter_issues()],
        "properties": {"hpoVersion": report.hpo_version, "summary": report.summary},
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


class Stream:
    """The SARIF log in pieces: one item per finding (a ``result``), the run around them.

    A finding's ``ruleIndex`` (its code's place among the run's rules) is known only at the end: the piece
    holds :data:`_INDEX_MARK` there, replaced when the log is put together.
    """

    separator = ",\n"

    def __init__(self, options: RenderOptions) -> None:
        self.options = options
        self.cwd = Path.cwd()
        self.base = Path(options.base_dir).resolve() if options.base_dir else default_base_dir(self.cwd)
        self._path: str | None = None
        self._artifact: _Where = ({}, True, False)
        self._index: dict[str, int] = {}

    def issue(self, result: Result, issue: Issue) -> str:
        """The finding's ``result`` object, indented as in ``runs[0].results``, ``ruleIndex`` to fill in."""
        if result.path != self._path:  # a file's documents come together: one location per path
            self._path, self._artifact = result.path, _where(result.path, self.base, self.cwd)
        return indent_json(dumps_json(_result(result, issue, _INDEX_MARK, self._artifact)), 8)

    def items(self, result: Result, issues: list[tuple[str, str]]) -> list[str]:
        """The document's findings with their ``ruleIndex``."""
        index = self._index
        return [frag.replace(_INDEX_TEXT, f'"ruleIndex": {index[code]}', 1) for code, frag in issues]

    def head(self, run: StreamRun) -> str:
        """The log up to the first result (rules, invocation, base URI)."""
        self._index = {ref.code: i for i, ref in enumerate(run.refs)}
        return self._split(run)[0]

    def tail(self, run: StreamRun) -> str:
        """The log after the last result (run properties)."""
        return self._split(run)[1]

    def _split(self, run: StreamRun) -> tuple[str, str]:
        log: dict[str, Any] = {
            "$schema": SCHEMA_URI,
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {
                        "driver": {
                            "name": run.tool,
                            "version": run.version,
                            "semanticVersion": run.version,
                            "informationUri": INFORMATION_URI,
                            "rules": [_descriptor(ref) for ref in run.refs],
                        }
                    },
                    "invocations": [_invocation_of(run.notes)],
                    "originalUriBaseIds": {SRCROOT: {"uri": base_uri(self.base)}},
                    "columnKind": "unicodeCodePoints",
                    "results": [],
                    "properties": {"hpoVersion": run.hpo_version, "summary": run.summary},
                }
            ],
        }
        text = dumps_json(log) + "\n"
        # the first '"results": []' is the key: a string value holding that text would show its quotes escaped
        head, rest = text.split(_RESULTS_EMPTY, 1)
        if not run.items:
            return head + _RESULTS_EMPTY + rest, ""
        return head + '"results": [\n', "\n      ]" + rest


#: placeholder ``ruleIndex`` of a streamed finding (the second key of a result: its first occurrence)
_INDEX_MARK = -1
_INDEX_TEXT = f'"ruleIndex": {_INDEX_MARK}'
_RESULTS_EMPTY = '"results": []'


def _descriptor(ref: RuleRef) -> dict[str, Any]:
    out: dict[str, Any] = {"id": ref.code, "name": ref.name}
    info = ref.info
    if info is None:
        return out
    if info.summary:
        out["shortDescription"] = {"text": info.summary}
    doc = clean_doc(info.doc)
    if doc:
        first = doc.split("\n\n", 1)[0].strip()
        out["fullDescription"] = {"text": " ".join(first.split())}
        out["help"] = {"text": doc, "markdown": doc}
    out["defaultConfiguration"] = {"level": _LEVEL[info.severity]}
    if info.group:
        out["properties"] = {"tags": [info.group], "group": info.group}
    return out


def _invocation(report: Report) -> dict[str, Any]:
    return _invocation_of(report.notes)


def _invocation_of(notes: list[str]) -> dict[str, Any]:
    inv: dict[str, Any] = {"executionSuccessful": True}
    if notes:
        inv["toolExecutionNotifications"] = [{"message": {"text": n}, "level": "note"} for n in notes]
    return inv


#: a report path's artifactLocation, whether a finding's line and column are positions in that artifact, and
#: whether the path names a document inside the artifact (a JSONL line, a zip member)
_Where = tuple[dict[str, Any], bool, bool]

#: ``a.jsonl#L3``, ``a.yaml#L10``: a document of a JSON Lines or multi-document YAML file (io.readers names them so)
_LINE_DOCUMENT = re.compile(r"(?i)(\.(?:jsonl|ndjson|ya?ml))#L[1-9][0-9]*\Z")
#: ``b.zip!inner/p.json``: a member of a zip archive
_ZIP_MEMBER = re.compile(r"(?i)(?<=\.zip)!")


def artifact_path(path: str) -> tuple[str, bool]:
    """The file a report path is in, and whether a finding's line and column are positions in that file.

    ``a.jsonl#L3`` → ``("a.jsonl", True)`` (lines of a JSONL or YAML document are the file's);
    ``b.zip!inner/p.json`` → ``("b.zip", False)``; any other path is its own file.
    """
    path = _LINE_DOCUMENT.sub(r"\1", path, count=1)
    member = _ZIP_MEMBER.search(path)
    if member is not None:
        return path[: member.start()], False
    return path, True


def _where(path: str, base: Path, cwd: Path) -> _Where:
    file, positions = artifact_path(path)
    return artifact_location(file, base, cwd=cwd), positions, file != path


def _result(result: Result, issue: Issue, rule_index: int, where: _Where) -> dict[str, Any]:
    artifact, positions, inside = where
    loc: dict[str, Any] = {"physicalLocation": {"artifactLocation": artifact}}
    if positions and issue.line is not None and issue.line >= 1:
        region: dict[str, int] = {"startLine": issue.line}
        if issue.column is not None and issue.column >= 1:
            region["startColumn"] = issue.column
        loc["physicalLocation"]["region"] = region
    if issue.pointer:
        name = issue.pointer.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")
        loc["logicalLocations"] = [{"name": name, "fullyQualifiedName": issue.pointer}]
    props: dict[str, Any] = {"rule": issue.rule, "pointer": issue.pointer}
    if inside:
        props["path"] = result.path
    if result.element:
        props["element"] = result.element
    if result.id:
        props["documentId"] = result.id
    if issue.context:
        props["context"] = issue.context
    if issue.fix is not None:
        props["fix"] = issue.fix.to_dict()
    key = f"{issue.code}\0{result.path}\0{result.id}\0{issue.pointer}"
    if is_unreadable(issue):  # items of one unreadable file share all of that: their place tells them apart
        key += f"\0{issue.line}\0{issue.column}"  # (not the message: an OS error's wording varies with --jobs)
    fingerprint = hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()
    return {
        "ruleId": issue.code,
        "ruleIndex": rule_index,
        "level": _LEVEL[issue.severity],
        "message": {"text": issue.message},
        "locations": [loc],
        "partialFingerprints": {"phenotkFinding/v1": fingerprint[:32]},
        "properties": props,
    }


def default_base_dir(cwd: Path | None = None) -> Path:
    """The root of the git repository ``cwd`` (default: the working directory) is in, else ``cwd`` itself."""
    here = (cwd or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / ".git").exists():  # a directory, or a file in worktrees and submodules
            return folder
    return here


def base_uri(base: Path) -> str:
    """``file:///…/`` URI of the base folder (ends with ``/``, as SARIF requires of a base)."""
    uri = base.resolve().as_uri()
    return uri if uri.endswith("/") else uri + "/"


def artifact_location(path: str, base: Path | None = None, *, cwd: Path | None = None) -> dict[str, Any]:
    """SARIF ``artifactLocation`` of a report path.

    Paths (relative ones are taken from ``cwd``, default the working directory) under ``base`` (default
    ``cwd``) become percent-encoded URIs relative to ``%SRCROOT%``; paths outside it absolute ``file://``
    URIs; pseudo-paths like ``<stdin>`` their percent-encoded name (``%3Cstdin%3E``, no file of the repository:
    code scanning needs a URI to take the result) and a description.
    """
    if not path or (path.startswith("<") and path.endswith(">")):
        # GitHub code scanning refuses a result whose location has no URI ("expected artifact location"): a
        # relative URI that names no file of the repository (``%3Cstdin%3E``), with the pseudo-path described
        text = path or "<unnamed input>"
        return {"uri": _quote(text), "uriBaseId": SRCROOT, "description": {"text": text}}
    here = cwd or Path.cwd()
    root = base or here
    p = Path(path)
    if not p.is_absolute():
        if root == here and ".." not in p.parts:  # the common case: no file-system calls
            posix = PurePosixPath(path.replace(os.sep, "/")).as_posix()
            return {"uri": _quote(posix), "uriBaseId": SRCROOT}
        p = here / p
    p = Path(os.path.normpath(p))
    try:
        rel = p.relative_to(root)
    except ValueError:
        try:
            rel = p.resolve().relative_to(root.resolve())  # symlinked folders (macOS /tmp, …)
        except ValueError:
            return {"uri": p.as_uri()}
    return {"uri": _quote(rel.as_posix()), "uriBaseId": SRCROOT}


def _quote(posix_path: str) -> str:
    # ':' is encoded so a relative path like "a:b.json" cannot read as a URI scheme. A byte of the file name that
    # was not UTF-8 (a lone surrogate from os.fsdecode) is percent-encoded as that byte: the URI names the file.
    return quote(posix_path.encode("utf-8", "surrogateescape"), safe="/")
