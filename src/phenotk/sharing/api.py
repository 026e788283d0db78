"""``phenotk.deidentify``: read inputs, de-identify every document, write outputs, assess the risk.

Outputs keep each input's serialisation (JSON, YAML, protobuf binary, JSONL with its documents in order) and
its place under the input directory; file names are pseudonymised like ids (a store file named after its
packet id gets the packet's pseudonym). Writes go through :func:`phenotk.io.atomic_write` and never replace an
existing file without ``force``.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from phenotk._version import __version__
from phenotk.errors import InputError, OutputExistsError, UsageError
from phenotk.io import Document, Element, Format, atomic_write, dumps, parse_bytes
from phenotk.io.readers import iter_sources, object_document
from phenotk.io.writers import json_indented
from phenotk.issue import Issue, Report, Result, Severity
from phenotk.sharing import findings as F
from phenotk.sharing.deid import Deidentifier
from phenotk.sharing.profiles import get as get_profile
from phenotk.sharing.pseudonyms import Keyring, load_key, random_key, write_private
from phenotk.sharing.risk import Record, RiskReport, assess
from phenotk.sharing.text import leftovers

PathLike = str | os.PathLike[str]


@dataclass
class Output:
    """One output file: where it goes (relative to the output directory), its bytes, what it came from."""

    name: str
    data: bytes
    source: str
    format: Format
    documents: int


@dataclass
class Deidentification:
    """The result of :func:`deidentify`: outputs, findings (one Result per document), the risk report."""

    profile: str
    key_id: str
    outputs: list[Output] = field(default_factory=list)
    report: Report = field(default_factory=Report)
    risk: RiskReport | None = None
    errors: list[InputError] = field(default_factory=list)
    written: int = 0
    id_map: dict[str, str] = field(default_factory=dict)
    #: input document path → output file name (relative to the output directory)
    output_of: dict[str, str] = field(default_factory=dict)

    def exit_code(self, fail_on: Severity | None = Severity.ERROR) -> int:
        """0 done, 1 findings at or above ``fail_on``, 2 an input could not be read."""
        if self.errors:
            return 2
        return 1 if self.report.fails(fail_on) else 0

    def privacy_report(self) -> dict[str, Any]:
        """What was done and what is left, for the data holder and an ethics board (no original value in it)."""
        by_code = Counter(i.code for i in self.report.issues)
        return {
            "tool": "phenotk deidentify",
            "version": __version__,
            "profile": self.profile,
            "keyId": self.key_id,
            "files": len(self.outputs),
            "documents": sum(o.documents for o in self.outputs),
            "unreadableInputs": len(self.errors),
            "findings": dict(sorted(by_code.items())),
            "findingsByFile": [
                {
                    "output": self.output_of.get(r.path, ""),
                    "code": i.code,
                    "rule": i.rule,
                    "severity": i.severity.value,
                    "pointer": i.pointer,
                }
                for r, i in self.report.iter_issues()
            ],
            "risk": self.risk.to_dict() if self.risk else None,
        }


def _keyring(key: bytes | str | None, key_file: PathLike | None, use_random: bool, prefix: str) -> Keyring:
    given = [x is not None for x in (key, key_file)].count(True) + int(use_random)
    if given == 0:
        raise UsageError(
            "no key: pass --key-file FILE (the same key gives the same pseudonyms), or --random-key for a "
            "one-off run whose key is discarded"
        )
    if given > 1:
        raise UsageError("give one of a key, a key file or --random-key")
    if key_file is not None:
        secret = load_key(key_file)
    elif key is not None:
        secret = key.encode("utf-8") if isinstance(key, str) else key
    else:
        secret = random_key()
    return Keyring(secret, prefix)


def _plain_folder(part: str) -> bool:
    """True for a folder name that stays inside the output directory (not a root, '..', '.', 'C:')."""
    return part not in ("", ".", "..") and "/" not in part and not (len(part) == 2 and part[1] == ":")


def _target(rel: str, fmt: Format, keyring: Keyring, ids: set[str], used: set[str]) -> tuple[str, tuple[str, ...]]:
    """(output name, the input's folder names) of an input file: folders with its ids rewritten, name a pseudonym."""
    path = PurePosixPath(rel.replace(os.sep, "/").replace("\\", "/"))
    # only plain folder names: a zip member '../../x.json' or '/etc/x.json' (zip slip) stays under the output
    folders = tuple(part for part in path.parent.parts if _plain_folder(part))
    dirs = [keyring.rewrite_embedded(part, ids) for part in folders]
    suffix = path.suffix if path.suffix.lower() in (".json", ".yaml", ".yml", ".pb", ".jsonl", ".bin") else ""
    stem = path.name[: -len(suffix)] if suffix else path.name
    base = "/".join([*dirs, keyring.pseudonym(stem)])
    ext = suffix or fmt.extension
    name, n = base + ext, 2
    while name in used:
        name, n = f"{base}_{n}{ext}", n + 1
    used.add(name)
    return name, folders


def _regroup(
    placed: list[tuple[Output, tuple[str, ...], list[Result], bool]],
    folder_ids: dict[tuple[str, ...], set[str]],
    keyring: Keyring,
    out_dir: Path | None,
    result: Deidentification,
    force: bool,
) -> None:
    """Give every file of one input folder the same output folder, its name rewritten with the ids of all of them.

    A folder is named while its first file is written, with that file's ids only: ``Jane_Roe/a.json`` (subject
    ``Jane Roe``) went to ``ptk-…/`` but ``Jane_Roe/mother.json`` (another subject) to ``Jane_Roe/``, keeping
    the name. At the end of the run each folder name is rewritten with the ids of every document under it, and
    files written under another name are moved there (empty folders left behind are removed).
    """
    named: dict[tuple[str, ...], str] = {}  # input folder → its output name (once per folder, not per file)
    wanted: list[tuple[str, str]] = []  # (base, extension) of each output's final name
    for entry, folders, _, _ in placed:
        leaf = entry.name.rpartition("/")[2]
        dirs = []
        for i, part in enumerate(folders):
            key = folders[: i + 1]
            if key not in named:
                named[key] = keyring.rewrite_embedded(part, folder_ids[key])
            dirs.append(named[key])
        stem, dot, ext = leaf.rpartition(".")
        wanted.append(("/".join([*dirs, stem if dot else leaf]), dot + ext if dot else ""))
    # the outputs that stay where they are keep their names; a moved one never lands on one of them
    final_used = {
        entry.name for (entry, *_), (base, ext) in zip(placed, wanted, strict=True) if base + ext == entry.name
    }
    for (entry, _, results, written), (base, ext) in zip(placed, wanted, strict=True):
        if base + ext != entry.name:
            final, n = base + ext, 2
            while final in final_used:
                final, n = f"{base}_{n}{ext}", n + 1
            final_used.add(final)
            if out_dir is not None and written:
                source, target = out_dir / entry.name, out_dir / final
                moved = False
                try:
                    if target.exists() and not force:
                        raise OutputExistsError("output exists; use --force to overwrite", path=str(target))
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(source, target)
                    moved = True
                except (OutputExistsError, OSError) as exc:
                    message = exc.message if isinstance(exc, OutputExistsError) else f"cannot write output: {exc}"
                    result.errors.append(InputError(message, path=str(target)))
                    source.unlink(missing_ok=True)  # not left under the folder name that holds an id
                    result.written -= 1
                _remove_empty(source.parent, out_dir)
                if not moved:
                    continue
            entry.name = final
            for res in results:
                result.output_of[res.path] = final
        if results:
            results[0].issues.extend(_folder_findings(entry.name))


def _remove_empty(folder: Path, top: Path) -> None:
    """Remove ``folder`` and its parents up to (not including) ``top`` while they are empty."""
    while folder != top and top in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def _folder_findings(name: str) -> list[Issue]:
    """``deid-identifier-left`` for each identifier-like part of a folder name kept in the output path."""
    out = []
    for part in PurePosixPath(name).parent.parts:
        for kind, found in leftovers(part):
            out.append(
                F.IDENTIFIER_LEFT(
                    f"{kind} {found!r} left in the folder name {part!r} of the output path; rename the folder "
                    "(folder names are kept; only ids of the documents in them are rewritten)"
                )
            )
    return out


def _serialise(trees: list[tuple[dict[str, Any], Element]], fmt: Format) -> bytes:
    if fmt is Format.PB:
        from phenotk.io.fastparse import parse_dict

        tree, element = trees[0]
        return dumps(parse_dict(tree, element.message_class), Format.PB)
    if fmt is Format.JSONL:
        return b"".join(dumps(t, Format.JSONL) for t, _ in trees)
    if len(trees) > 1 and fmt is Format.JSON:  # the items of a top-level array: an array again, in order
        return json_indented([t for t, _ in trees])
    if len(trees) > 1 and fmt is Format.YAML:  # the documents of a YAML stream: a stream again, in order
        return b"".join(b"---\n" + dumps(t, Format.YAML) for t, _ in trees)
    return dumps(trees[0][0], fmt)


def _located(doc: Document, issues: list[Issue]) -> list[Issue]:
    if doc.format in (Format.JSON, Format.YAML, Format.JSONL):
        for issue in issues:
            if issue.pointer and issue.line is None:
                issue.line, issue.column = doc.locate(issue.pointer)
    return issues


def _inputs_outside(inputs: list[Any], output: Path, shown: str) -> None:
    """An input file or folder named inside the output directory: a usage error (the run skipped it and wrote nothing).

    (``deidentify p.json -o .``.) The output directory may lie inside an input directory — files found under it
    are never read, so earlier outputs are not de-identified again — but a named file or folder within it would
    also leave identifiable data in the directory meant for release.
    """
    try:
        out = output.resolve()
    except (OSError, RuntimeError):
        return
    for item in inputs:
        if not isinstance(item, (str, os.PathLike)) or os.fspath(item) == "-" or not Path(item).exists():
            continue
        if Path(item).resolve().is_relative_to(out):
            raise UsageError(
                f"lies inside the output directory {shown}: it would be skipped, and identifiable data "
                "would sit next to the release; choose an output directory outside the inputs",
                path=os.fspath(item))  # fmt: skip


def _sources(
    inputs: Iterable[PathLike | dict[str, Any] | Document], skip: Path | None = None
) -> Iterable[tuple[str, list[Any]]]:
    """(relative output name, documents or errors of one input file) for every input (none under ``skip``)."""
    for item in inputs:
        if isinstance(item, Document):
            yield f"{item.id or 'document'}.json", [item]
            continue
        if isinstance(item, dict):
            try:
                doc = object_document(item)
            except InputError as exc:
                yield "", [exc]
                continue
            yield f"{doc.id or 'document'}.json", [doc]
            continue
        arg = os.fspath(item)
        base = arg if os.path.isdir(arg) else None
        for src in iter_sources([arg]):
            if isinstance(src, InputError):
                yield "", [src]
                continue
            if skip is not None and Path(src.path).resolve().is_relative_to(skip):
                continue  # the output directory inside an input directory: never de-identify our own outputs
            try:
                raw = src.opener()
            except InputError as exc:
                yield "", [exc]
                continue
            except OSError as exc:
                yield "", [InputError(f"cannot read: {exc.strerror or exc}", path=src.path)]
                continue
            # a zip member (shown as archive.zip!member) keeps its path inside the archive; a regular file whose
            # own name holds '!' is no member (x!y.json was written as y.json)
            inner = src.path.split("!", 1)[1] if not src.regular and "!" in src.path else None
            rel = inner or (os.path.relpath(src.path, base) if base else src.name)
            yield rel, list(parse_bytes(raw, src.path, name=src.name))


def deidentify(
    inputs: PathLike | dict[str, Any] | Document | Iterable[PathLike | dict[str, Any] | Document],
    output: PathLike | None = None,
    *,
    profile: str = "safe-harbor",
    key: bytes | str | None = None,
    key_file: PathLike | None = None,
    random_key: bool = False,
    prefix: str = "ptk-",
    min_k: int | None = None,
    map_out: PathLike | None = None,
    privacy_report: PathLike | None = None,
    force: bool = False,
    keep_outputs: bool | None = None,
) -> Deidentification:
    """De-identify Phenopackets, Families and Cohorts (files, directories, globs, .zip, trees or Documents).

    ``profile``: ``safe-harbor`` | ``pseudonymised`` | ``research`` (see docs/sharing.md). A secret key is
    required (``key`` bytes, or ``key_file``); ``random_key=True`` uses a fresh key and discards it. With
    ``output`` (a directory) the files are written there; ``keep_outputs`` (default: when there is no
    ``output``) keeps their bytes in :attr:`Deidentification.outputs`. ``min_k`` widens age bins until each
    quasi-identifier group has that many records and reports those it could not (``deid-below-k``); without it
    the risk is reported at k = 5. ``map_out`` writes the pseudonym → id map (mode 0600, HMAC-tagged) and
    needs a key that is kept. Inputs that cannot be read are in ``errors`` (exit code 2), never raised.
    """
    chosen = get_profile(profile)
    if map_out is not None and random_key:
        raise UsageError("--map-out needs a kept key (--key-file): with --random-key nobody could verify the map")
    if min_k is not None and min_k < 1:
        raise UsageError(f"--min-k must be 1 or more, not {min_k}")
    keyring = _keyring(key, key_file, random_key, prefix)
    out_dir = Path(output) if output is not None else None
    if out_dir is not None and out_dir.exists() and not out_dir.is_dir():
        raise UsageError("the output must be a directory (de-identified files keep their layout)", path=str(out_dir))
    if out_dir is not None:
        inside = out_dir.resolve()
        for what, path in (("the id map (--map-out)", map_out), ("the key file", key_file)):
            if path is not None and Path(path).resolve().is_relative_to(inside):
                raise UsageError(
                    f"{what} is inside the output directory and would be released with the data; keep it elsewhere",
                    path=os.fspath(path),
                )
    keep = out_dir is None if keep_outputs is None else keep_outputs
    if isinstance(inputs, (str, os.PathLike, dict, Document)):
        inputs = [inputs]
    if out_dir is not None:
        inputs = list(inputs)
        _inputs_outside(inputs, out_dir, os.fspath(output) if output is not None else str(out_dir))
    deid = Deidentifier(keyring, chosen)
    result = Deidentification(profile=chosen.name, key_id=keyring.key_id)
    records: list[tuple[Record, Result]] = []
    used: set[str] = set()
    #: every output with its input folder names, results and whether it was written; the ids under each folder
    placed: list[tuple[Output, tuple[str, ...], list[Result], bool]] = []
    folder_ids: dict[tuple[str, ...], set[str]] = {}
    for rel, items in _sources(inputs, out_dir.resolve() if out_dir is not None else None):
        bad = [x for x in items if isinstance(x, InputError)]
        if bad:
            result.errors.extend(bad)
            for exc in bad:
                result.report.results.append(Result(path=exc.path or rel, issues=[_unreadable(exc)]))
            continue
        docs: list[Document] = items
        trees: list[tuple[dict[str, Any], Element]] = []
        doc_results: list[Result] = []
        ids: set[str] = set()
        for doc in docs:
            tree, issues, recs = deid.document(doc.data, doc.element)
            ids |= deid.last_ids
            trees.append((tree, doc.element))
            res = Result(path=doc.path, element=doc.element.value, id=tree.get("id"), issues=_located(doc, issues))
            doc_results.append(res)
            records.extend((r, res) for r in recs)
        fmt = docs[0].format
        name, folders = _target(rel, fmt, keyring, ids, used)
        for i in range(len(folders)):
            folder_ids.setdefault(folders[: i + 1], set()).update(ids)
        data = _serialise(trees, fmt)
        for res in doc_results:
            result.output_of[res.path] = name
        result.report.results.extend(doc_results)
        entry = Output(name, data if keep else b"", rel, fmt, len(docs))
        result.outputs.append(entry)
        written = False
        if out_dir is not None:
            try:
                atomic_write(out_dir / name, data, force=force)
                written = True
                result.written += 1
            except OutputExistsError as exc:
                result.errors.append(InputError(exc.message, path=exc.path))
        placed.append((entry, folders, doc_results, written))
    _regroup(placed, folder_ids, keyring, out_dir, result, force)
    result.risk = assess([r for r, _ in records], min_k or 5, generalise=min_k is not None)
    if min_k is not None:
        below = {id(r): k for r, k in result.risk.below}
        for rec, res in records:
            k = below.get(id(rec))
            if k is not None:
                group = " × ".join(p for p in rec.key(result.risk.width) if p)
                res.issues.append(F.BELOW_K(f"group {group} has {k} person(s), fewer than --min-k {min_k}"))
    if map_out is not None:
        write_private(map_out, keyring.map_document(chosen.name), force=force)
    result.id_map = keyring.id_map() if keep else {}
    if privacy_report is not None:
        import json

        atomic_write(
            privacy_report,
            (json.dumps(result.privacy_report(), ensure_ascii=False, indent=2) + "\n").encode("utf-8"),
            force=force,
        )
    return result


def _unreadable(exc: InputError) -> Issue:
    from phenotk.issue import Issue as _Issue

    return _Issue("IO001", "input-unreadable", Severity.ERROR, exc.message, line=exc.line, column=exc.column)
