"""Streamed reports: JSON, JSONL, SARIF and CSV written document by document as results arrive.

``phenotk validate -f json|jsonl|sarif|csv`` (and ``--jobs N``) runs through :func:`stream_reports`: each
document's result is rendered into each report's pieces the moment it arrives (from this process or a
worker) and spooled to an anonymous temporary file; nothing of it stays in memory. Memory holds, per
document, only what the cross-document rules need at the end of the run (a stub and its run-hook notes,
tens of bytes), never the findings.

The bytes are those of the in-memory reporters (:func:`phenotk.report.render`), because a report is only
put together once the run is over:

* the cross-document findings (``id-duplicate``, ``hpo-release-older``) go *first* in the findings of
  documents written long before the run ended — they are rendered at the end and put in front of that
  document's spooled pieces;
* JSON and SARIF say the summary, the notes and the rules before the results — the head is written last
  of all, then the spooled documents are copied behind it into the output (atomically, like every phenotk
  output).

Each reporter module provides a ``Stream`` class (``issue``, ``items``, ``head``, ``tail``, ``separator``);
this module only drives them.
"""

from __future__ import annotations

import importlib
import os
import pickle
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any, Protocol

from phenotk.issue import Issue, Result, RuleInfo, Severity
from phenotk.report import REPORTERS, Output, ReportFormat
from phenotk.report._common import (
    SEVERITY_ORDER,
    RenderOptions,
    RuleRef,
    StreamRun,
    hidden_phrase,
    is_unreadable,
    utf8,
    utf8_text,
)
from phenotk.validation.engine import Engine, RunLog

if TYPE_CHECKING:  # pragma: no cover
    from phenotk.validation.engine import Notes
    from phenotk.validation.runner import ProgressFn
    from phenotk.workflow.session import Session

#: formats written as results arrive (text, HTML and JUnit render a whole report)
STREAM_FORMATS = frozenset({ReportFormat.json, ReportFormat.jsonl, ReportFormat.sarif, ReportFormat.csv})

#: documents per spooled batch
_BATCH = 256

#: bytes gathered before one write to the output
_CHUNK = 1 << 20


class StreamFormat(Protocol):
    """What a reporter's ``Stream`` class provides."""

    separator: str

    def issue(self, result: Result, issue: Issue) -> str:
        """The finding's piece (rendered as it arrives)."""
        ...  # pragma: no cover

    def items(self, result: Result, issues: list[tuple[str, str]]) -> list[str]:
        """The document's items from its findings' ``(code, piece)`` (at the end, in order)."""
        ...  # pragma: no cover

    def head(self, run: StreamRun) -> str:
        """What comes before the first item."""
        ...  # pragma: no cover

    def tail(self, run: StreamRun) -> str:
        """What comes after the last item."""
        ...  # pragma: no cover


def streamable(outputs: Sequence[Output]) -> bool:
    """True when every report of the run can be streamed."""
    return all(out.fmt in STREAM_FORMATS for out in outputs)


class _Stub:
    """A document as the end of the run sees it: its place in the run, its path, the findings it gets."""

    __slots__ = ("_issues", "index", "path")

    def __init__(self, index: int, path: str) -> None:
        self.index = index
        self.path = path
        self._issues: list[Issue] | None = None

    @property
    def issues(self) -> list[Issue]:
        if self._issues is None:
            self._issues = []
        return self._issues


class StubLog(RunLog):
    """A :class:`RunLog` keeping a :class:`_Stub` of each document instead of its result.

    ``n`` is the number of documents seen before the one being added (the caller counts them).
    """

    __slots__ = ("n",)

    def __init__(self, engine: Engine | None = None) -> None:
        super().__init__(engine)
        self.n = 0

    def add(self, result: Result, notes: Notes) -> None:
        """Keep the document's notes with a stub of it (fed to the engine's run hooks, see :class:`RunLog`)."""
        if notes:
            super().add(_Stub(self.n, result.path), notes)  # type: ignore[arg-type]  # what end_run reads

    def extras(self) -> dict[int, list[Issue]]:
        """Document index → the findings :meth:`Engine.end_run` gave it."""
        out: dict[int, list[Issue]] = {}
        for stub, _notes in self.entries:
            found = stub._issues  # type: ignore[attr-defined]
            if found:
                out[stub.index] = found  # type: ignore[attr-defined]
        return out


@dataclass
class Totals:
    """What the exit code needs of a streamed run (every finding, whatever a report shows)."""

    files: int = 0
    unreadable: bool = False
    worst: int = -1

    def add(self, issues: Sequence[Issue]) -> None:
        """Count the findings of a document."""
        for i in issues:
            rank = i.severity.rank
            if rank > self.worst:
                self.worst = rank
            if not self.unreadable and is_unreadable(i):
                self.unreadable = True

    def exit_code(self, fail_on: Severity | None) -> int:
        """GUIDE §2: 2 when an input was unreadable; else 1 when a finding is at or above ``fail_on``; else 0."""
        if self.unreadable:
            return 2
        return 1 if fail_on is not None and self.worst >= fail_on.rank else 0


class _Writer:
    """One report of the run: its format's pieces spooled per document, put together at the end."""

    def __init__(self, out: Output, options: RenderOptions) -> None:
        module = importlib.import_module(REPORTERS[out.fmt])
        self.out = out
        self.options = options
        self.fmt: StreamFormat = module.Stream(options)
        self.per_document = out.fmt is ReportFormat.json  # JSON: one item per document; others: per finding
        self.spool: IO[bytes] = tempfile.TemporaryFile(prefix="phenotk-report-")  # noqa: SIM115  # closed by finish
        self.batch: list[tuple[str, str | None, str | None, list[tuple[str, str]]]] = []
        self.counts = dict.fromkeys(SEVERITY_ORDER, 0)
        self.rules: dict[str, tuple[Issue, int]] = {}
        self.hidden = 0
        self.files = 0

    def _shown(self, issues: list[Issue]) -> list[Issue]:
        if self.options.show is None:
            return issues
        shown = [i for i in issues if self.options.shows(i)]
        self.hidden += len(issues) - len(shown)
        return shown

    def _count(self, issues: list[Issue]) -> None:
        counts, rules = self.counts, self.rules
        for i in issues:
            counts[i.severity] += 1
            first, n = rules.get(i.code, (i, 0))
            rules[i.code] = (first, n + 1)

    def add(self, result: Result) -> None:
        """Render a document's findings and spool them."""
        issues = self._shown(result.issues)
        self._count(issues)
        self.files += 1
        fmt = self.fmt
        self.batch.append((result.path, result.element, result.id, [(i.code, fmt.issue(result, i)) for i in issues]))
        if len(self.batch) >= _BATCH:
            self._flush()

    def _flush(self) -> None:
        if self.batch:
            pickle.dump(self.batch, self.spool, protocol=pickle.HIGHEST_PROTOCOL)
            self.batch = []

    def finish(self, extras: Mapping[int, list[Issue]], *, notes: list[str], hpo_version: str | None) -> None:
        """Count the end-of-run findings, then write the report (file or stdout)."""
        self._flush()
        shown_extras = {k: self._shown(v) for k, v in extras.items()}
        for issues in shown_extras.values():
            self._count(issues)
        run = self._run(notes, hpo_version)
        chunks = self._chunks(run, shown_extras)
        try:
            if self.out.path is None:
                for text in chunks:
                    sys.stdout.write(utf8_text(text))
                sys.stdout.flush()
                return
            from phenotk.errors import UsageError
            from phenotk.io import atomic_write

            try:
                atomic_write(self.out.path, (utf8(t) for t in chunks), force=True)  # checked before
            except OSError as exc:
                raise UsageError(f"cannot write the report: {exc.strerror or exc}", path=self.out.path) from None
        finally:
            self.spool.close()

    def _run(self, notes: list[str], hpo_version: str | None) -> StreamRun:
        from phenotk._version import __version__

        notes = list(notes)
        if self.hidden and self.options.show is not None:
            notes.append(f"{hidden_phrase(self.hidden, self.options.show)} (--show {self.options.show.value})")
        c = self.counts
        summary = {"files": self.files, "errors": c[Severity.ERROR], "warnings": c[Severity.WARNING],
                   "info": c[Severity.INFO]}  # fmt: skip
        refs = [
            RuleRef(code=code, name=first.rule, info=self.options.rule_info(first), count=n)
            for code, (first, n) in sorted(self.rules.items())
        ]
        items = self.files if self.per_document else sum(c.values())
        return StreamRun("phenotk", __version__, hpo_version, notes, summary, refs, items)

    def _records(self) -> Iterator[tuple[str, str | None, str | None, list[tuple[str, str]]]]:
        self.spool.seek(0)
        while True:
            try:
                batch = pickle.load(self.spool)
            except EOFError:
                return
            yield from batch

    def _chunks(self, run: StreamRun, extras: Mapping[int, list[Issue]]) -> Iterator[str]:
        fmt = self.fmt
        sep = fmt.separator
        buf: list[str] = [fmt.head(run)]
        size = 0
        first = True
        for k, (path, element, ident, issues) in enumerate(self._records()):
            result = Result(path, element, ident)
            more = extras.get(k)
            if more:  # the run hooks' findings go first (as Engine.end_run puts them)
                issues = [(i.code, fmt.issue(result, i)) for i in more] + issues
            for item in fmt.items(result, issues):
                if not first:
                    buf.append(sep)
                first = False
                buf.append(item)
                size += len(item)
            if size >= _CHUNK:
                yield "".join(buf)
                buf, size = [], 0
        buf.append(fmt.tail(run))
        yield "".join(buf)


def check_outputs(outputs: Sequence[Output], *, force: bool) -> None:
    """Before the run: every output file can be written (new, or ``force``; never a directory)."""
    from phenotk.errors import OutputExistsError, UsageError

    for out in outputs:
        if out.path is None:
            continue
        if os.path.isdir(out.path):
            raise UsageError("the report output is a directory; name a file", path=out.path)
        if not force and os.path.isfile(out.path):
            raise OutputExistsError("output exists; use --force to overwrite", path=out.path)


def stream_reports(
    session: Session,
    paths: Sequence[str],
    outputs: Sequence[Output],
    *,
    jobs: int = 1,
    progress: ProgressFn | None = None,
    rules: Mapping[str, RuleInfo] | None = None,
    force: bool = False,
    show: Mapping[ReportFormat, Severity] | None = None,
    base_dir: str | os.PathLike[str] | None = None,
    stdin: Any = None,
) -> Totals:
    """Validate ``paths`` with the session's engine and write every report of ``outputs`` as results arrive.

    The reports equal :func:`phenotk.report.write_reports` of ``session.validate(paths)`` byte for byte
    (``outputs`` must be :func:`streamable`). Returns the totals the exit code is computed from.
    """
    from phenotk.validation.runner import iter_run

    check_outputs(outputs, force=force)
    writers = [
        _Writer(
            out,
            RenderOptions.make(
                rules=rules,
                show=(show or {}).get(out.fmt),
                base_dir=None if base_dir is None else os.fspath(base_dir),
            ),
        )
        for out in outputs
    ]
    engine = session.engine
    totals = Totals()
    log = StubLog(engine)
    try:
        for res in iter_run(engine, paths, log, hpo_path=session.hpo_path, jobs=jobs, progress=progress, stdin=stdin):
            totals.add(res.issues)
            for w in writers:
                w.add(res)
            log.n += 1
        totals.files = log.n
        engine.end_run(log)
        extras = log.extras()
        run_notes = log.notes
        del log
        for more in extras.values():
            totals.add(more)
        notes = [*session.notes, *engine.notes, *run_notes]
        version = _hpo_version(engine.hpo)
        for w in writers:
            w.finish(extras, notes=notes, hpo_version=version)
    finally:
        for w in writers:
            w.spool.close()
    return totals


def _hpo_version(hpo: Any) -> str | None:
    if hpo is None:
        return None
    v = getattr(hpo, "version", None)
    v = v() if callable(v) else v
    return str(v) if v else None


__all__ = ["STREAM_FORMATS", "StreamFormat", "StubLog", "Totals", "check_outputs", "stream_reports", "streamable"]
