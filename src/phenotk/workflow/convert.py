"""The library conversion pipeline: ``phenotk.convert(inputs, ...) -> Conversion``.

One path for every face (CLI ``convert`` and ``upgrade``, notebooks, the web page): inputs are expanded
(files, directories, globs, ``-``), each file is probed once and handed to the converter that claims it (or read
as a Phenopacket serialisation), packets made from external formats are validated with the same settings
``phenotk validate`` would use (config file, profile, select/ignore, severities), and every finding — from the
converters, the validator and the writer — goes into one :class:`~phenotk.issue.Report` that any reporter renders.
"""

from __future__ import annotations

import functools
import itertools
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from google.protobuf.message import Message

from phenotk._heap import settled
from phenotk._procs import capped_jobs
from phenotk.conversion import registry
from phenotk.conversion.base import Converted, ConvertOptions, FormatReader, FormatWriter, unread_options
from phenotk.conversion.findings import CONVERT_DEFAULT_STATED, CONVERT_NOT_CARRIED, CONVERT_SKIPPED_FILE
from phenotk.errors import InputError, OutputExistsError, UsageError
from phenotk.io import Document, Element, Format, atomic_write, dumps, iter_documents, note_input, to_dict
from phenotk.io.leftout import pb_unknown
from phenotk.io.sniff import format_from_extension
from phenotk.io.writers import NewDirectory
from phenotk.issue import Issue, Report, Result, Severity
from phenotk.limits import set_limits
from phenotk.validation.config import Options
from phenotk.validation.engine import Notes, RunLog
from phenotk.validation.rules.values.required_default import REQUIRED_SCALARS
from phenotk.workflow.session import NO_HPO_HINT, Session, settings

#: ``--from`` / ``--to`` names that mean a Phenopacket serialisation rather than a converter.
PHENOPACKET_FORMATS = frozenset({"json", "yaml", "pb", "jsonl", "phenopacket"})
#: Writers that always write exactly one file (beacon, fhir … also accept a directory).
FILE_ONLY_WRITERS = frozenset({"csv", "tsv", "xlsx", "phetools-json", "pyphetools-xlsx", "ped"})
_GLOB_CHARS = "*?["


@dataclass
class _Made(Converted):
    """A packet item finished where it was made (a worker of ``--jobs``).

    Checked, its default fields stated and its bytes written for the output format: the parent only records
    and writes it.
    """

    checked: tuple[Result, Notes] | None = None  # the validation result and the run hooks' notes of the packet
    payload: bytes | None = field(default=None, repr=False)  # serialised as ``payload_fmt``
    payload_fmt: Format | None = None

    # Sent back from a worker as plain values (:func:`_made_from_wire`): the message as its protobuf bytes, parsed
    # only when something reads ``message`` (the command line never does: it writes the payload), the findings
    # as tuples — a third of the cost of pickling the objects.

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        message = self.message
        assert message is not None
        checked = None
        if self.checked is not None:
            result, notes = self.checked
            checked = (result.path, result.element, result.id, _pack(result.issues), notes)
        wire = (type(message), message.SerializeToString(), Element.of(message).value, getattr(message, "id", None),
                self.source, _pack(self.issues), self.name, self.stated_defaults, checked, self.payload,
                self.payload_fmt)
        return _made_from_wire, (wire,)

    def __getattr__(self, name: str) -> Any:
        """``message`` of an item sent back by a worker: parsed from its bytes on first use."""
        wire = self.__dict__.get("_wire_message") if name == "message" else None
        if wire is None:
            raise AttributeError(name)
        cls, data = wire
        message = cls.FromString(data)
        self.__dict__["message"] = message
        del self.__dict__["_wire_message"]
        return message


def _made_from_wire(wire: tuple[Any, ...]) -> _Made:
    cls, data, element, ident, source, issues, name, stated, checked, payload, payload_fmt = wire
    made = _Made.__new__(_Made)
    if checked is not None:
        path, result_element, result_id, result_issues, notes = checked
        checked = (Result(path, result_element, result_id, _unpack(result_issues)), notes)
    made.__dict__.update(
        _wire_message=(cls, data), element=element, ident=ident, source=source, issues=_unpack(issues), name=name,
        stated_defaults=stated, tree=None, checked=checked, payload=payload, payload_fmt=payload_fmt,
    )
    return made


_SEVERITIES = {s.value: s for s in Severity}


def _pack(issues: list[Issue]) -> list[Any]:
    """Findings as tuples of their fields (pickled three times faster than the objects; exact round trip)."""
    return [
        (i.code, i.rule, i.severity.value, i.message, i.pointer, i.line, i.column, i.fix, i.context)
        if type(i) is Issue and isinstance(i.severity, Severity) else i
        for i in issues
    ]


def _unpack(packed: list[Any]) -> list[Issue]:
    return [Issue(x[0], x[1], _SEVERITIES[x[2]], *x[3:]) if type(x) is tuple else x for x in packed]


def _present(item: Converted) -> bool:
    """``item.message is not None``, without parsing the bytes a worker sent (see :class:`_Made`)."""
    return "_wire_message" in item.__dict__ or item.message is not None


def _unreadable(exc: InputError) -> Issue:
    """The ``input-unreadable`` finding (the validation catalog's IO001) for an input no reader could use."""
    return Issue("IO001", "input-unreadable", Severity.ERROR, exc.message, line=exc.line, column=exc.column)


@dataclass
class Conversion:
    """What :func:`convert` made: the documents (streamed once, or collected) and one report of every finding.

    Iterate it to stream :class:`~phenotk.conversion.base.Converted` items (findings are added to
    :attr:`report` as items pass); :meth:`messages` collects the protobuf messages; :meth:`write` writes them.
    Inputs that could not be read are in :attr:`errors` (and in the report as ``input-unreadable``).
    """

    report: Report
    errors: list[InputError] = field(default_factory=list)
    written: int = 0
    on_error: Callable[[InputError], None] | None = None
    _items: Iterator[Converted] | None = None
    _done: list[Converted] | None = None
    _streamed_to: str | None = None
    _options: ConvertOptions | None = None  # what convert() was given: write() uses its layout by default
    _reading: _Reading | None = None

    def __iter__(self) -> Iterator[Converted]:
        if self._done is not None:
            yield from self._done
            return
        if self._items is None:
            return
        done: list[Converted] = []
        for item in self._items:
            done.append(item)
            yield item
        self._done = done
        self._items = None

    def items(self) -> list[Converted]:
        """Every converted item (the stream is consumed once and kept)."""
        return list(self)

    def messages(self) -> list[Message]:
        """The Phenopacket / Family / Cohort messages made (inputs that failed are left out)."""
        if self._streamed_to is not None:
            raise UsageError(
                f"the documents were written to {self._streamed_to} as they streamed and not kept; "
                "call messages() before write(..., keep=False)"
            )
        return [i.message for i in self if i.message is not None]

    def stream(self) -> Iterator[Converted]:
        """Each converted item once, as it is made, none kept: memory stays flat however big the input.

        Iterating the conversion itself keeps every item (for :meth:`messages`, or a second pass); this does not,
        so a 300,000-row sheet can be converted item by item. :attr:`report` fills as the items pass; after the
        stream :meth:`messages` and :meth:`write` have nothing left to give.
        """
        return self._drain()

    def _drain(self) -> Iterator[Converted]:
        """The stream once, nothing kept (``write(keep=False)``: memory stays flat however many documents)."""
        if self._items is None:
            yield from self._done or ()
            return
        items, self._items = self._items, None
        yield from items

    @property
    def ok(self) -> bool:
        """True when no input was unreadable and no finding is an error."""
        return not self.errors and self.report.ok

    def exit_code(self, fail_on: Severity | None = Severity.ERROR) -> int:
        """GUIDE §2 exit code: 2 when an input was unreadable or an output refused, else 1/0 by ``fail_on``."""
        if self.errors:
            return 2
        return 1 if self.report.fails(fail_on) else 0

    def _refused(self, exc: InputError) -> None:
        self.errors.append(exc)
        if self.on_error is not None:
            self.on_error(exc)

    def write(
        self,
        output: str | os.PathLike[str],
        *,
        to: str | None = None,
        force: bool = False,
        options: ConvertOptions | None = None,
        keep_format: bool = False,
        keep: bool = True,
    ) -> int:
        """Write the documents to ``output`` (a file, or a directory ending in ``/`` or existing); count written.

        ``to``: a Phenopacket serialisation (json, yaml, pb, jsonl) or a converter's writer (fhir, csv, xlsx,
        beacon, ped, phetools-json, pyphetools-xlsx); by default chosen from ``output``'s extension.
        ``keep_format``: for a directory output without ``to``, keep each input's JSON/YAML serialisation.
        ``keep=False``: the output (a directory, or one JSONL file) is written while the documents stream and none
        is kept in memory
        (the command line does this; :meth:`messages` is then unavailable). Writer findings (what the target
        cannot hold) join :attr:`report`.
        """
        out = os.fspath(output)
        writer = choose_writer(out, to)
        if writer is not None:
            items = [i for i in self if i.message is not None]
            issues = writer.write(
                [i.message for i in items if i.message is not None],
                Path(out),
                options or self._options or ConvertOptions(),
                force=force,
            )
            if issues:
                self.report.results.extend(_by_input(items, list(issues), out))
            self.written = len(items)
            return self.written
        stream: Iterable[Converted] = self
        if not keep:
            stream, self._streamed_to = self._drain(), out
        if self._reading is not None and not keep_format:  # packets made in workers come serialised for it
            self._reading.payload_fmt = _output_format(out, to)[1]
        made = (i for i in stream if _present(i))
        self.written = _write_phenopackets(made, out, to, force, self._refused, keep_format)
        return self.written


def choose_writer(output: str, to: str | None) -> FormatWriter | None:
    """The converter writer for ``to`` (or for ``output``'s extension); None for Phenopacket serialisations."""
    writer: FormatWriter | None = None
    if to and to not in PHENOPACKET_FORMATS:
        writer = registry.writer(to)
    elif to is None:
        writer = registry.writer_for_output(output)
    if writer is not None and writer.name in FILE_ONLY_WRITERS and output.endswith(("/", os.sep)):
        example = output + "cohort" + (writer.extensions[0] if writer.extensions else "")
        raise UsageError(f"--to {writer.name} writes one file, not a directory; give a file name: {example}")
    return writer


# ----------------------------------------------------------------------------------------------- reading


def expand(inputs: Iterable[str | os.PathLike[str]]) -> Iterator[tuple[str, bool] | InputError]:
    """(path, found in a directory walk) for every file named, matched by a glob or found under a directory.

    ``-`` is passed through. Hidden names (starting with ``.``) and symlinked directories are not entered,
    as in ``phenotk validate``; a glob matching nothing and a missing path are errors.
    """
    for raw in inputs:
        path = os.fspath(raw)
        if path == "-":
            yield path, False
        elif os.path.isdir(path):
            yield from _walk(path)
        elif os.path.isfile(path):
            yield path, False
        elif os.path.exists(path):  # reading a FIFO or a device could block forever
            yield InputError("not a regular file (a device, FIFO or socket)", path=path)
        elif any(ch in path for ch in _GLOB_CHARS):
            import glob

            matches = sorted(glob.glob(path, recursive=True))
            if not matches:
                yield InputError("no file matches this pattern", path=path, kind="missing")
            yield from expand(matches)
        else:
            yield InputError("no such file or directory", path=path, kind="missing")


def _by_input(items: list[Converted], issues: list[Issue], out: str) -> list[Result]:
    """Writer findings under the input each is about (its packet id in the context), the rest under ``out``.

    A writer's pointers point into the packet it was given; under the output file alone a finding of one of 40
    inputs did not say which.
    """
    source: dict[str, str] = {}
    for item in items:
        ident = getattr(item.message, "id", None)
        if isinstance(ident, str) and ident:
            source.setdefault(ident, item.source)
    grouped: dict[tuple[str, str | None], list[Issue]] = {}
    for issue in issues:
        ident = issue.context.get("id") if issue.context else None
        where = source.get(ident) if isinstance(ident, str) else None
        key = (where, ident) if where is not None else (out, None)
        grouped.setdefault(key, []).append(issue)
    return [Result(path=path, id=ident, issues=found) for (path, ident), found in grouped.items()]


def _walk(folder: str) -> Iterator[tuple[str, bool] | InputError]:
    """The files under ``folder`` (``os.walk`` order, hidden names left out), never leaving one out unsaid.

    A symlinked folder (not entered) and a folder that cannot be listed are ``InputError``s, as in ``phenotk
    validate``'s walk.
    """
    from phenotk.io.readers import LINKED_FOLDER

    found = False
    unlisted: list[OSError] = []
    for root, dirs, files in os.walk(folder, onerror=unlisted.append):
        while unlisted:
            exc = unlisted.pop()
            found = True
            yield InputError(f"cannot list this folder: {exc.strerror or exc}; its files were not read",
                             path=exc.filename or root)
        kept = []
        for d in sorted(dirs):
            if d.startswith("."):
                continue
            if os.path.islink(os.path.join(root, d)):
                yield InputError(LINKED_FOLDER, path=os.path.join(root, d), kind="link")
            else:
                kept.append(d)
        dirs[:] = kept
        for name in sorted(files):
            if not name.startswith("."):
                found = True
                yield os.path.join(root, name), True
    for exc in unlisted:  # the last folder walked, or the folder itself
        found = True
        yield InputError(f"cannot list this folder: {exc.strerror or exc}; its files were not read",
                         path=exc.filename or folder)
    if not found:
        yield InputError("no input files in this directory", path=folder, kind="missing")


def _is_phenopacket_file(path: str) -> bool:
    return path.lower().endswith(".zip") or format_from_extension(path) is not None


@dataclass
class _Reading:
    """Reads the expanded inputs: one probe per file, a converter or the Phenopacket readers."""

    from_: str | None
    element: Element | None
    options: ConvertOptions
    report: Report
    errors: list[InputError]
    on_error: Callable[[InputError], None] | None = None
    prepare: Callable[[], None] | None = None  # called before the first external-format reader runs
    #: where a reader that can (``parallel``) makes its packets (``--jobs``), and what is done to each there
    mapper: Any = None
    post: Callable[[Converted], Converted] | None = None
    #: the format the packets will be written in, when known before they are made (see :class:`_Made`)
    payload_fmt: Format | None = None

    def __post_init__(self) -> None:
        self.forced: FormatReader | None = (
            registry.reader(self.from_) if self.from_ and self.from_ not in PHENOPACKET_FORMATS else None
        )
        self.fmt = Format(self.from_) if self.from_ in ("json", "yaml", "pb", "jsonl") else None
        self.attempted = 0  # files read (or tried) for the current input argument

    def _attempt(self, path: str) -> None:
        self.attempted += 1
        if path != "-":
            note_input(path)  # an output of this run may never replace it (phenotk.io.guard_inputs)

    def fail(self, exc: InputError, path: str | None = None) -> None:
        if path and not exc.path:
            exc.path = path
        self.errors.append(exc)
        self.report.results.append(Result(path=exc.path or path or "<input>", issues=[_unreadable(exc)]))
        if self.on_error is not None:
            self.on_error(exc)

    def items(self, inputs: Iterable[str | os.PathLike[str]]) -> Iterator[tuple[Converted, bool]]:
        """(item, made by an external-format reader) for every input document."""
        for raw in inputs:
            self.attempted = 0
            for entry in expand([raw]):
                if isinstance(entry, InputError) and entry.kind == "link":  # said, but nothing is wrong
                    said = Issue("IO001", "input-unreadable", Severity.WARNING, entry.message, context={"kind": "link"})
                    self.report.results.append(Result(path=entry.path or os.fspath(raw), issues=[said]))
                    continue
                if isinstance(entry, InputError):
                    self.fail(entry)
                    continue
                path, walked = entry
                yield from self._file(path, walked)
            if self.attempted == 0 and os.path.isdir(raw):  # a folder named, but nothing in it could be read
                what = f"no {self.forced.name} input files" if self.forced is not None else "no file phenotk reads"
                self.fail(InputError(f"{what} in this directory", path=os.fspath(raw), kind="missing"))

    def _file(self, path: str, walked: bool) -> Iterator[tuple[Converted, bool]]:
        reader = self.forced
        if reader is not None and walked and reader.extensions and not path.lower().endswith(reader.extensions):
            return  # a forced reader in a folder reads only its own kind of file
        if reader is None and self.fmt is None and path != "-":
            reader = registry.sniff_reader(Path(path))
        if reader is None:
            if walked and self.fmt is None and not _is_phenopacket_file(path):
                self.report.results.append(
                    Result(path=path, issues=[CONVERT_SKIPPED_FILE("no converter recognises this file; not read")])
                )
                return
            if self.options.mapping is not None and not walked and self.fmt is None:
                # the mapping was meant for this file, which is a phenopacket: passing it through would ignore the
                # mapping without a word (a sheet or a REDCap export is what a mapping reads)
                raise UsageError(
                    f"{path}: --mapping reads sheets and REDCap exports; this file is read as a Phenopacket "
                    "serialisation, which the mapping does not apply to (convert it without --mapping, or give "
                    "--from table/redcap if it is a sheet or an export)"
                )
            self._attempt(path)
            yield from self._phenopackets(path)
            return
        self._attempt(path)
        if self.prepare is not None:
            self.prepare()
        try:
            if self.mapper is not None and getattr(reader, "parallel", False):
                items = reader.read(Path(path), self.options, mapper=self.mapper, post=self.post)  # type: ignore[call-arg]
            else:
                items = reader.read(Path(path), self.options)
            for item in items:
                yield item, True
        except InputError as exc:
            self.fail(exc, path)
        except UsageError as exc:  # e.g. a sheet without --mapping: fatal when named, skipped in a folder
            if not walked:
                raise
            message = exc.message.removeprefix(f"{path}: ")
            skipped = CONVERT_SKIPPED_FILE(f"not converted: {message}", severity=Severity.WARNING)
            self.report.results.append(Result(path=path, issues=[skipped]))

    def _phenopackets(self, path: str) -> Iterator[tuple[Converted, bool]]:
        for doc in iter_documents([path], fmt=self.fmt, element=self.element):
            if isinstance(doc, InputError):
                self.fail(doc, path)
                continue
            item = doc.pointer_prefix  # an item of a top-level JSON array: "/N"
            if doc.message is None:
                where = f"item {item} of the JSON array: " if item else ""
                self.fail(InputError(f"{where}cannot build a {doc.element.value}: {doc.parse_error}", path=doc.path))
                continue
            issues = []
            lost = doc.left_out()
            if lost:  # unknown fields, unknown enum names: protobuf has no place for them
                severity = Severity.ERROR if self.options.strict else None
                issues.extend(_not_carried(doc, lost, item, severity))
            if doc.format is Format.PB and self.payload_fmt in _TREE_FORMATS:
                unknown = pb_unknown(doc.message)
                if unknown is not None:  # kept by protobuf, written back to .pb only
                    issues.append(CONVERT_NOT_CARRIED(
                        f"not carried: the protobuf {unknown} this schema does not know (kept only in .pb output)",
                        severity=Severity.ERROR if self.options.strict else None, pointer=item,
                    ))  # fmt: skip
            # items of one array are named by their ids (as JSON Lines records are), not file_2, file_3 …
            yield Converted(doc.message, doc.path, issues, name=(doc.id or None) if item else None), False


#: convert-not-carried findings named one by one per document; the rest are counted in one more finding
NOT_CARRIED_NAMED = 50


def _not_carried(doc: Document, lost: str, item: str, severity: Severity | None) -> list[Issue]:
    """One convert-not-carried finding per member the message leaves out, at its pointer.

    ``lost`` is the strict parser's message, which names only the first; it is used as it is when the walk
    finds no member (another kind of loss).
    """
    from phenotk.io.leftout import left_out

    members = list(left_out(doc.data, doc.element.message_class.DESCRIPTOR))
    if not members:
        first = lost.split("\n", 1)[0].split(" Available Fields", 1)[0]
        return [CONVERT_NOT_CARRIED(f"not carried: {first.rstrip('.')}", severity=severity, pointer=item)]
    out = [
        CONVERT_NOT_CARRIED(f"not carried: {what}", severity=severity, pointer=f"{item}{ptr}")
        for ptr, what in members[:NOT_CARRIED_NAMED]
    ]
    if len(members) > NOT_CARRIED_NAMED:
        more = len(members) - NOT_CARRIED_NAMED
        out.append(CONVERT_NOT_CARRIED(f"not carried: {more} more unknown field(s) or enum value(s)",
                                       severity=severity, pointer=item))  # fmt: skip
    return out


# ---------------------------------------------------------------------------------------------- validation



class _Run:
    """The run's session, built on first need: only inputs in external formats need HPO or validation."""

    def __init__(self, settings: Options, hpo: Any, options: ConvertOptions, report: Report, validating: bool) -> None:
        self._settings = settings
        self._hpo = hpo
        self._options = options
        self._report = report
        self._validating = validating
        self._prepared = False

    @cached_property
    def session(self) -> Session:
        """One session: the options, HPO and engine ``phenotk validate`` would build for the same settings."""
        return Session(self._settings, hpo=self._hpo, want_hpo=True)

    def prepare(self) -> None:
        """Before the first external reader: give converters the run's HPO, note a missing one once."""
        if self._prepared:
            return
        self._prepared = True
        session = self.session
        self._options.ontology = session.hpo
        self._report.hpo_version = session.hpo_version
        self._report.notes.extend(session.notes)
        if self._validating and session.hpo is None and not session.options.no_hpo:
            self._report.notes.append("HPO checks of converted packets skipped: no HPO could be loaded; " + NO_HPO_HINT)

    def check(self, item: Converted) -> Result:
        """One converted message's findings now (its cross-document notes kept for :meth:`finish`).

        The message's JSON tree is made once, here, and kept on the item for the writer (``item.tree``).
        """
        return self.check_into(item, self._log)

    def check_into(self, item: Converted, log: RunLog) -> Result:
        """:meth:`check`, the run hooks' notes going to ``log``."""
        self.prepare()
        assert item.message is not None
        if item.tree is None:
            item.tree = to_dict(item.message)
        doc = Document(path=item.source, format=Format.JSON, element=Element.of(item.message), data=item.tree,
                       message=item.message)
        return self.session.engine.check_document(doc, log)

    def check_apart(self, item: Converted) -> tuple[Result, Notes]:
        """:meth:`check` with the run hooks' notes returned, not logged (in a worker; see :meth:`adopt`)."""
        log = RunLog()
        result = self.check_into(item, log)
        return result, (log.entries[0][1] if log.entries else ())

    def adopt(self, result: Result, notes: Notes) -> None:
        """Log a result :meth:`check_apart` made elsewhere, as :meth:`check` would have (input order kept)."""
        self._log.add(result, notes)

    def finish(self) -> list[Result]:
        """Results that gained findings from the cross-document rules (``id-duplicate`` …) at the end of the run."""
        if "session" not in self.__dict__:  # nothing was validated
            return []
        engine = self.session.engine
        self._report.notes.extend(n for n in engine.notes if n not in self._report.notes)
        before = {id(r): bool(r.issues) for r, _ in self._log.entries}
        engine.end_run(self._log)
        return [r for r, _ in self._log.entries if r.issues and not before[id(r)]]

    @cached_property
    def _log(self) -> RunLog:
        return RunLog()


# -------------------------------------------------------------------------------------------------- API


def convert(
    inputs: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    output: str | os.PathLike[str] | None = None,
    to: str | None = None,
    from_: str | None = None,
    element: str | None = None,
    mapping: str | os.PathLike[str] | None = None,
    hpo: Any = None,
    annotations: str | os.PathLike[str] | None = None,
    config: str | os.PathLike[str] | bool | None = False,
    profile: str | None = None,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    severity: Mapping[str, str] | None = None,
    validate: bool = True,
    layout: str = "wide",
    strict: bool = False,
    options: Mapping[str, str] | None = None,
    created_by: str = "phenotk",
    created: str | None = None,
    force: bool = False,
    keep_format: bool = False,
    on_error: Callable[[InputError], None] | None = None,
    jobs: int = 1,
) -> Conversion:
    """Convert inputs between Phenopacket serialisations and external formats; return a :class:`Conversion`.

    ``inputs``: files, directories (walked; each file probed once and read by the converter that claims it —
    sheets, curation templates, FHIR, REDCap, PED, Beacon, v1 — or as a Phenopacket), globs, ``-``.
    ``from_`` forces the input (``json|yaml|pb|jsonl`` or a converter name); ``mapping`` is the YAML mapping
    for sheets/REDCap; ``annotations`` a ``phenotype.hpoa`` file for disease labels. ``hpo``: an ontology
    index, a file path, ``False`` for none, or None to find one as ``phenotk validate`` does (env
    ``PHENOTK_HPO`` → config ``hpo =`` → cached release → download). Packets made from external formats are
    validated (``validate=False`` skips it) with one session built from ``config`` (a file; ``True`` = find
    ``phenotk.toml`` / ``pyproject.toml`` upwards), ``profile``, ``select``, ``ignore`` and ``severity``,
    exactly as :func:`phenotk.validate` applies them. With ``output`` the documents are written (``to`` picks
    the format, else the extension does) and the result is returned after writing; without it they stream on
    iteration. ``jobs``: worker processes (forked) that make, validate and serialise a sheet's packets (``0``:
    one per CPU, at most 4, for sheets of 2,000 packets or more, on Linux); the documents and findings are those
    of ``jobs=1``, in the same order. A server or a program with threads keeps the default, 1.

    >>> conv = convert("examples/", validate=False)
    >>> len(conv.messages()) > 0, conv.report.summary["errors"]
    (True, 0)
    """
    if layout not in ("wide", "long"):
        raise UsageError(f"layout must be wide or long, not {layout!r}")
    if jobs < 0:
        raise UsageError(f"jobs must be 0 (automatic) or more, not {jobs}")
    if from_ is not None and from_ not in PHENOPACKET_FORMATS:
        registry.reader(from_)  # unknown name → UsageError with a suggestion, before any input is read
    paths = [inputs] if isinstance(inputs, (str, os.PathLike)) else list(inputs)
    # options first (a bad config file is a usage error before any input is read), the session on first need
    settings_ = settings(
        config, profile=profile, select=_listed(select), ignore=_listed(ignore), severity=dict(severity or {})
    )
    set_limits(settings_.limits)  # [tool.phenotk.limits] of the config, for every reader of this run
    opts = ConvertOptions(
        mapping=_path(mapping),
        layout=layout,
        strict=strict,
        created_by=created_by,
        created=created,
        extra=dict(options or {}),
        annotations=_path(annotations or settings_.annotations),  # --annotations, else the config file's key
    )
    report = Report()
    unread = unread_options(opts.extra)
    if unread:  # was ignored without a word: `-O delimeter=;` read the sheet with the sniffed delimiter
        report.notes.append(f"-O {', '.join(unread)}: no reader or writer takes this option; it is ignored")
    run = _Run(settings_, hpo, opts, report, validate)
    conversion = Conversion(report=report, on_error=on_error, _options=opts)
    reading = _Reading(
        from_, Element(element) if element else None, opts, report, conversion.errors, on_error, run.prepare
    )
    if jobs != 1:
        from phenotk.conversion.table.parallel import ForkMapper

        reading.mapper = ForkMapper(capped_jobs(jobs))
        reading.post = _Finish(run if validate else None, reading)
    conversion._reading = reading
    conversion._items = _stream(reading.items(paths), report, run if validate else None, reading)
    if output is not None:
        conversion.write(output, to=to, force=force, options=opts, keep_format=keep_format)
    return conversion


def _listed(values: Iterable[str] | None) -> list[str] | None:
    return list(values) if values is not None else None


def _path(value: str | os.PathLike[str] | None) -> Path | None:
    return Path(value) if value else None


#: output formats written from the JSON tree (PB is written from the message)
_TREE_FORMATS = frozenset({Format.JSON, Format.JSONL, Format.YAML})


#: REQUIRED scalars whose default is a value (``false``, ``0``), not an "unknown" enum name: stating one that the
#: input did not state is reported (``convert-default-stated``)
_VALUE_DEFAULTS = {
    json_name: default
    for fields in REQUIRED_SCALARS.values()
    for json_name, default in fields
    if default in ("0", "false")
}


def _state_defaults(item: Converted, tree: bool) -> None:
    """Add the REQUIRED fields at their default to ``item.stated_defaults`` (``tree``: make the JSON tree first).

    A number or yes/no field among them that the reader did not state itself gets a ``convert-default-stated``
    finding: ``"consanguinousParents": false`` from a PED file is a value the input never gave.
    """
    assert item.message is not None
    if tree and item.tree is None:
        item.tree = to_dict(item.message)
    found = required_defaults(item.message) if item.tree is None else tree_defaults(item.tree, item.message)
    for pointer in found:
        name = pointer.rsplit("/", 1)[-1]
        if name in _VALUE_DEFAULTS and pointer not in item.stated_defaults:
            item.issues.append(
                CONVERT_DEFAULT_STATED(
                    f"{name} written as {_VALUE_DEFAULTS[name]} (REQUIRED by the Phenopacket schema); the input does "
                    "not state it: correct it if it is known",
                    pointer=pointer,
                )
            )
    item.stated_defaults = (*item.stated_defaults, *found)


def _stream(
    items: Iterator[tuple[Converted, bool]], report: Report, run: _Run | None, reading: _Reading
) -> Iterator[Converted]:
    """Items as they come, each with its conversion findings and (external ones) its validation findings.

    Packets are validated one by one as they pass — memory stays flat — by the run's engine, which keeps what
    the cross-document rules need (``id-duplicate`` …); those findings join the report at the end, as
    ``phenotk validate`` over the written files would give them. The heap the run keeps (the report's findings,
    ontologies) is frozen while it streams (:mod:`phenotk._heap`).
    """
    for item, external in settled(items):
        if not isinstance(item, _Made) and item.message is not None and external:
            _state_defaults(item, run is not None or reading.payload_fmt in _TREE_FORMATS)  # may add findings
        if item.issues:
            if "_wire_message" in item.__dict__:  # sent by a worker: its element and id came along
                element, ident = item.__dict__["element"], item.__dict__["ident"]
            else:
                element = Element.of(item.message).value if item.message is not None else None
                ident = getattr(item.message, "id", None)
            report.results.append(Result(path=item.source, element=element, id=ident, issues=item.issues))
        if isinstance(item, _Made):  # finished where it was made (below, in _Finish): only recorded here
            if item.checked is not None and run is not None:
                result, notes = item.checked
                run.adopt(result, notes)
                if result.issues:
                    report.results.append(result)
                item.checked = None
        else:
            if item.message is not None and external and run is not None:
                result = run.check(item)
                if result.issues:
                    report.results.append(result)
        yield item
        item.tree = None  # the consumer has written it (or not): kept items hold their message, not a second copy
    if run is not None:
        report.results.extend(run.finish())


@dataclass
class _Finish:
    """What :func:`_stream` does to an external packet, done where the packet is made (``--jobs``).

    Its default fields stated, validated (the run hooks' notes kept for the parent's end of run) and serialised
    in the output format when it is known: a worker sends back bytes and findings, the parent records and writes.
    """

    run: _Run | None
    reading: _Reading

    def __call__(self, item: Converted) -> Converted:
        if item.message is None:
            return item
        made = _Made(item.message, item.source, item.issues, item.name, item.stated_defaults)
        fmt = self.reading.payload_fmt
        _state_defaults(made, self.run is not None or fmt in _TREE_FORMATS)
        if self.run is not None:
            made.checked = self.run.check_apart(made)
        if fmt is not None:
            made.payload, made.payload_fmt = _serialise(made, fmt), fmt
        made.tree = None  # not sent back: the payload holds what the writer needs
        return made


# ---------------------------------------------------------------------------------------------- writing


#: longest file-name stem derived from an id (bytes of UTF-8); file systems allow 255 bytes for the whole name
_MAX_STEM_BYTES = 120


#: a character a file-name stem does not keep: ``\w`` is ``str.isalnum()`` plus ``_`` (one C pass per name)
_UNSAFE = re.compile(r"[^\w.\-]")


def _safe_stem(text: str) -> str:
    """A file-name stem from an id or name: safe characters only, at most 120 UTF-8 bytes.

    A longer one keeps its start and gets a stable hash of the whole text (``File name too long`` before).
    """
    stem = _UNSAFE.sub("_", text).strip("._") or "document"
    if len(stem.encode("utf-8")) <= _MAX_STEM_BYTES:
        return stem
    import hashlib

    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    head = stem.encode("utf-8")[: _MAX_STEM_BYTES - 13].decode("utf-8", "ignore")
    return f"{head}_{digest}"


def _unique(name: str, used: set[str], ext: str) -> str:
    candidate, n = name + ext, 2
    while candidate in used:
        candidate = f"{name}_{n}{ext}"
        n += 1
    used.add(candidate)
    return candidate


def _stem_for(item: Converted) -> str:
    if item.name:
        return _safe_stem(item.name)
    src = item.source.split("!")[-1]
    if "#L" in src or src.startswith("<"):
        ident = getattr(item.message, "id", "") if item.message is not None else ""
        return _safe_stem(ident or Path(src.split("#L")[0]).stem)
    return _safe_stem(Path(src).stem)


def _serialise(item: Converted, fmt: Format) -> bytes:
    """One document's bytes; JSON/YAML also carry the fields the input stated with their default value."""
    if isinstance(item, _Made) and item.payload is not None and item.payload_fmt is fmt:
        payload, item.payload = item.payload, None  # written once; a kept item does not hold its bytes twice
        return payload
    assert item.message is not None
    if fmt is Format.PB:
        return dumps(item.message, fmt)
    tree = item.tree if item.tree is not None else to_dict(item.message)
    if item.stated_defaults:
        tree = dict(tree)  # the validated tree stays as validation saw it: only the changed paths are copied
        copies = {id(tree)}  # containers copied already (two defaults in one object copy its path once)
        for pointer in item.stated_defaults:
            _set_default(tree, item.message, pointer, copies)
    return dumps(tree, fmt)


def required_defaults(message: Message, prefix: str = "") -> list[str]:
    """Pointers of the REQUIRED scalar fields (``required-default``) that hold their proto3 default.

    proto3 JSON leaves a default out, and a written file without e.g. ``acmgPathogenicityClassification`` is
    what the reference validator rejects; converted packets are written with these fields stated.
    """
    out: list[str] = []
    desc = message.DESCRIPTOR
    for json_name, _ in REQUIRED_SCALARS.get(desc.name, ()):
        fd = desc.fields_by_camelcase_name.get(json_name)
        if fd is not None and getattr(message, fd.name) == fd.default_value:
            out.append(f"{prefix}/{json_name}")
    leads = _leads_to_required(desc)
    if not leads:
        return out
    for fd, value in message.ListFields():
        if fd.name not in leads:
            continue  # scalars, maps, Timestamp/Struct, OntologyClass …: nothing REQUIRED inside
        if isinstance(value, Message):
            out.extend(required_defaults(value, f"{prefix}/{fd.json_name}"))
        else:  # a repeated message field
            for i, item in enumerate(value):
                out.extend(required_defaults(item, f"{prefix}/{fd.json_name}/{i}"))
    return out


def tree_defaults(tree: dict[str, Any], message: Message) -> list[str]:
    """:func:`required_defaults` read from the message's JSON tree (``to_dict``), by dictionary look-ups.

    The same pointers in the same order: proto3 JSON leaves out exactly the fields at their default.
    """
    out: list[str] = []
    _tree_walk(tree, message.DESCRIPTOR, "", out)
    return out


def _tree_walk(node: dict[str, Any], desc: Any, prefix: str, out: list[str]) -> None:
    required, children = _tree_plan(desc)
    for name in required:
        if name not in node:
            out.append(f"{prefix}/{name}")
    for name, child, repeated, leaf in children:
        value = node.get(name)
        if value is None:
            continue
        if leaf is not None:  # REQUIRED scalars and no message field leading to one: checked here, no call
            if repeated:
                for i, item in enumerate(value):
                    for field in leaf:
                        if field not in item:
                            out.append(f"{prefix}/{name}/{i}/{field}")
            else:
                for field in leaf:
                    if field not in value:
                        out.append(f"{prefix}/{name}/{field}")
        elif repeated:
            for i, item in enumerate(value):
                _tree_walk(item, child, f"{prefix}/{name}/{i}", out)
        else:
            _tree_walk(value, child, f"{prefix}/{name}", out)


@functools.cache
def _tree_plan(desc: Any) -> tuple[tuple[str, ...], tuple[tuple[str, Any, bool, tuple[str, ...] | None], ...]]:
    """(JSON names of ``desc``'s REQUIRED scalars, its message fields that lead to one).

    A field as (JSON name, type, repeated, the type's REQUIRED scalars when it has no field leading to more —
    else None), in field-number order: the order ``ListFields`` gives :func:`required_defaults`.
    """
    leads = _leads_to_required(desc)
    children = tuple(
        (fd.json_name, fd.message_type, fd.is_repeated, _tree_leaf(fd.message_type))
        for fd in sorted(desc.fields, key=lambda f: f.number)
        if fd.name in leads
    )
    return _required_names(desc), children


def _required_names(desc: Any) -> tuple[str, ...]:
    return tuple(
        json_name for json_name, _ in REQUIRED_SCALARS.get(desc.name, ()) if json_name in desc.fields_by_camelcase_name
    )


def _tree_leaf(desc: Any) -> tuple[str, ...] | None:
    """``desc``'s REQUIRED scalars when no message field of it leads to more (its walk is one loop), else None."""
    return None if _leads_to_required(desc) else _required_names(desc)


@functools.cache
def _leads_to_required(desc: Any) -> frozenset[str]:
    """Names of ``desc``'s message fields whose type holds, at some depth, a REQUIRED scalar (static, cached)."""
    return frozenset(fd.name for fd in desc.fields if fd.message_type is not None and _holds_required(fd.message_type))


@functools.cache
def _holds_required(desc: Any, _seen: frozenset[str] = frozenset()) -> bool:
    if desc.GetOptions().map_entry or desc.full_name.startswith("google.protobuf.") or desc.full_name in _seen:
        return False
    if desc.name in REQUIRED_SCALARS:
        return True
    seen = _seen | {desc.full_name}
    return any(fd.message_type is not None and _holds_required(fd.message_type, seen) for fd in desc.fields)


def _set_default(tree: dict[str, Any], message: Message, pointer: str, copies: set[int] | None = None) -> None:
    """Write the default (an enum's 0 name, 0, false, "") of the field at ``pointer`` into ``tree``.

    The containers on the way are copied (``tree`` itself is the caller's copy), so a tree shared with the
    validator is never changed; ``copies``: ids of the containers this caller copied already (not again).
    """
    copied = copies if copies is not None else set()
    steps, fields, last = _pointer_steps(pointer)
    node: Any = tree
    for key in steps:
        if type(key) is int:  # an item of a repeated field: it exists in both the message and its JSON tree
            i = key
            child = node[i]
            if id(child) not in copied:
                node[i] = child = dict(child)
                copied.add(id(child))
            node = child
            continue
        child = node.get(key)
        if child is None or id(child) not in copied:
            child = {} if child is None else list(child) if isinstance(child, list) else dict(child)
            node[key] = child
            copied.add(id(child))
        node = child
    if last in node:
        return
    found = _default_at(message.DESCRIPTOR, fields, last)
    if found is not _NO_FIELD:
        node[last] = found


@functools.lru_cache(maxsize=4096)  # a sheet's packets repeat the same few pointers
def _pointer_steps(pointer: str) -> tuple[tuple[str | int, ...], tuple[str, ...], str]:
    """A default's pointer split once: (the keys to its parent — item numbers as int —, the field names, the field)."""
    *parents, last = pointer.strip("/").split("/")
    return tuple(int(k) if k.isdigit() else k for k in parents), tuple(k for k in parents if not k.isdigit()), last


_NO_FIELD = object()


@functools.lru_cache(maxsize=1024)
def _default_at(desc: Any, path: tuple[str, ...], last: str) -> Any:
    """The JSON default (an enum's 0 name, 0, false, "") of field ``last`` of the message type at ``path``."""
    for key in path:
        desc = _camel_fields(desc)[key].message_type
    fd = _camel_fields(desc).get(last)
    if fd is None:
        return _NO_FIELD
    if fd.enum_type is not None:
        return fd.enum_type.values_by_number[0].name
    if fd.type == fd.TYPE_BOOL:
        return False
    if fd.type == fd.TYPE_STRING:
        return ""
    return 0


@functools.cache
def _camel_fields(desc: Any) -> Any:
    return desc.fields_by_camelcase_name


def _is_dir_output(output: str) -> bool:
    return output.endswith(("/", os.sep)) or os.path.isdir(output)


def _output_format(output: str, to: str | None) -> tuple[Format | None, Format | None]:
    """(the format ``to`` fixes, the format of the output's documents): JSON for a directory, else by extension."""
    fixed = Format(to) if to not in (None, "phenopacket") else None
    return fixed, fixed or (Format.JSON if _is_dir_output(output) else format_from_extension(output))


def _write_phenopackets(
    stream: Iterable[Converted],
    output: str,
    to: str | None,
    force: bool,
    refused: Callable[[InputError], None],
    keep_format: bool,
) -> int:
    out_is_dir = _is_dir_output(output)
    fixed, fmt = _output_format(output, to)
    if fmt is None:
        raise UsageError(f"cannot tell the output format from {output!r}; add --to json|yaml|pb|jsonl or a converter")
    if out_is_dir:
        used: set[str] = set()

        def named() -> Iterator[tuple[str, bytes]]:
            for item in stream:
                item_fmt = fmt
                if keep_format and fixed is None and format_from_extension(item.source) is Format.YAML:
                    item_fmt = Format.YAML
                yield _unique(_stem_for(item), used, item_fmt.extension), _serialise(item, item_fmt)

        if NewDirectory.fresh(output):  # a new directory: staged beside it, renamed into place once at the end
            with NewDirectory(output) as new:
                for name, data in named():
                    new.write(name, data)
            return new.count
        written = 0
        for name, data in named():  # an existing directory: each file replaced atomically (--force)
            try:
                atomic_write(Path(output) / name, data, force=force)
            except OutputExistsError as exc:
                refused(InputError(exc.message, path=exc.path))
                continue
            written += 1
        return written
    items = iter(stream)
    head = list(itertools.islice(items, 2))
    many = len(head) > 1
    if many and fmt is Format.PB:
        count = len(head) + sum(1 for _ in items)
        raise UsageError(
            f"{count} documents cannot go into one pb file (a protobuf file holds one message); give a directory "
            "(ending in /) or a .jsonl, .json (an array) or .yaml (a stream) output"
        )
    if not head:
        return 0
    written = 0

    def chunks() -> Iterator[bytes]:  # the documents as they stream, none kept
        nonlocal written
        for item in itertools.chain(head, items):
            if _present(item):
                data = _serialise(item, fmt)
                if many and fmt is Format.JSON:  # several documents: one JSON array, items indented
                    data = (b"[\n" if not written else b",\n") + _indented(data.rstrip(b"\n"))
                elif many and fmt is Format.YAML:  # several documents: one YAML stream
                    data = b"---\n" + data
                written += 1
                yield data
        if many and fmt is Format.JSON:
            yield b"\n]\n" if written else b"[]\n"

    atomic_write(output, chunks(), force=force)
    return written


def _indented(text: bytes) -> bytes:
    """JSON text with every line indented by two spaces (a string holds no raw newline: only layout moves)."""
    return b"  " + text.replace(b"\n", b"\n  ")


__all__ = ["Conversion", "choose_writer", "convert", "expand"]
