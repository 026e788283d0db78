"""Streaming readers: paths (files, directories, globs, zip archives, ``-``) → documents.

Every input error is yielded as an :class:`~phenotk.errors.InputError` in the stream instead of
being raised, so one bad file never stops a run; :func:`read` raises for single-file use.
"""

from __future__ import annotations

import codecs
import errno
import functools
import glob
import io
import json
import os
import re
import sys
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from operator import attrgetter
from pathlib import Path
from stat import S_ISDIR, S_ISREG
from typing import Any, NamedTuple

import orjson
from google.protobuf.message import DecodeError, Message

from phenotk.errors import InputError
from phenotk.io.document import Document, Element, Format
from phenotk.io.sniff import KNOWN_EXTENSIONS, element_of, format_from_extension, has_element_key, sniff_format
from phenotk.io.writers import note_stat
from phenotk.limits import DEFAULT as DEFAULT_LIMITS
from phenotk.limits import current as current_limits

#: Defaults of ``limits.document-bytes`` (one input, one uncompressed zip member) and ``limits.zip-ratio``; the
#: readers check :func:`phenotk.limits.current` (``[tool.phenotk.limits]``), these names stay for importers.
MAX_DOCUMENT_BYTES = DEFAULT_LIMITS.document_bytes
MAX_ZIP_RATIO = DEFAULT_LIMITS.zip_ratio

PathLike = str | os.PathLike[str]

_NAME = attrgetter("name")
#: paths are split at "/" only (``os.path.basename`` is ``posixpath.basename``)
_POSIX = os.sep == "/" and os.altsep is None


@functools.cache
def _yaml_loader() -> type:
    """The YAML loader (built on first use: a JSON-only run never imports PyYAML, ~10 ms of start-up)."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    # keep timestamps and dates as strings: protobuf JSON wants RFC 3339 text, not datetime objects
    loader: Any = type("PhenotkYamlLoader", (base,), {})
    loader.yaml_implicit_resolvers = {
        key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for key, resolvers in base.yaml_implicit_resolvers.items()
    }
    return loader


def __getattr__(name: str) -> Any:
    """``YAML_LOADER`` (the loader class) is built on first access."""
    if name == "YAML_LOADER":
        return _yaml_loader()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class Source(NamedTuple):
    """One readable input: a display path and a way to get its bytes.

    A named tuple (immutable, built at C speed: a run lists one per file) rather than a frozen dataclass.
    """

    path: str
    opener: Callable[[], bytes]
    name: str  # file name used for extension hints
    #: a regular file on disk, as the walk saw it (a worker process may read it by path without a new stat)
    regular: bool = False


# ---------------------------------------------------------------- path expansion


def iter_sources(paths: Iterable[PathLike], *, stdin: Any = None) -> Iterator[Source | InputError]:
    """Expand files, directories (recursive), globs, ``.zip`` archives and ``-`` lazily."""
    for raw in paths:
        p = os.fspath(raw)
        if p == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            yield Source("<stdin>", stream.read, "stdin")
            continue
        # one stat answers os.path.isdir, isfile and exists (they would stat up to three times per path)
        stat_error: OSError | None = None
        try:
            mode: int | None = os.stat(p).st_mode
        except OSError as exc:
            mode, stat_error = None, exc
        except ValueError:
            mode = None
        if mode is not None and S_ISDIR(mode):
            yield from _walk_dir(p)
        elif mode is not None and S_ISREG(mode):
            if p.lower().endswith(".zip"):
                yield from _walk_zip(p)
            else:
                name = p[p.rfind("/") + 1 :] if _POSIX else os.path.basename(p)  # posixpath.basename, inline
                yield Source(p, _file_opener(p), name, regular=True)
        elif mode is not None and not any(ch in p for ch in "*?["):
            yield InputError("not a regular file (a device, FIFO or socket)", path=p)
        elif any(ch in p for ch in "*?["):
            matches = sorted(_glob(p))
            if not matches:
                yield InputError("no file matches this pattern", path=p, kind="missing")
            for m in matches:
                yield from iter_sources([m], stdin=stdin)
        else:
            yield InputError(_missing(p, stat_error), path=p, kind="missing")


def _missing(p: str, exc: OSError | None) -> str:
    """Why a path given on the command line cannot be opened: missing, a broken link or a loop of links."""
    if exc is not None and exc.errno == errno.ELOOP:
        return "a loop of symbolic links (too many levels of symbolic links)"
    if exc is not None and exc.errno not in (errno.ENOENT, errno.ENOTDIR):
        return f"cannot read: {exc.strerror or exc}"  # EACCES on a parent directory, ENAMETOOLONG …
    if os.path.islink(p):
        try:
            target = os.readlink(p)
        except OSError:  # pragma: no cover - removed meanwhile
            target = "?"
        return f"a broken symbolic link: its target {target!r} does not exist"
    return "no such file or directory"


def file_source(path: str, name: str) -> Source:
    """The source of a regular file a walk already found (no new stat: its opener still checks what it opens)."""
    return Source(path, _file_opener(path), name, regular=True)


#: O_NONBLOCK: opening a FIFO that no one writes returns at once instead of blocking the run forever
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


def _file_opener(p: str) -> Callable[[], bytes]:
    return functools.partial(read_file, p)


def read_file(p: str) -> bytes:
    """The bytes of the regular file ``p`` (what a walk's :class:`Source` opener returns).

    Raises ``OSError`` as ``open`` would (``IsADirectoryError`` for a directory) and ``InputError`` for a FIFO,
    device or socket (swapped in after the walk saw a file: never read) or a file over ``limits.document-bytes``.
    File descriptor calls, not a file object: one open, one ``fstat`` and reads until the end of the file.
    """
    fd = os.open(p, _READ_FLAGS)
    try:
        st = os.fstat(fd)
        mode = st.st_mode
        if not S_ISREG(mode):
            if S_ISDIR(mode):
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), p)
            raise InputError("not a regular file (a device, FIFO or socket); skipped", path=p)
        note_stat(st, p)
        size = st.st_size
        limits = current_limits()
        if size > limits.document_bytes:
            raise limits.exceeded("document-bytes", f"file is {size} bytes", path=p)
        data = os.read(fd, size + 1)  # one read holds the file; the next one confirms its end
        if not data:
            return data
        parts = [data]
        while data:  # a file that grew since the fstat: read on to its end, like FileIO.readall
            data = os.read(fd, max(size, 1 << 16))
            parts.append(data)
        return parts[0] if len(parts) == 2 else b"".join(parts)
    finally:
        os.close(fd)


#: the message for a symlinked folder met in a walk (not entered); ``phenotk convert``'s walk says the same
LINKED_FOLDER = "a symbolic link to a folder: not entered (name the folder itself to check its files)"


def _walk_dir(root: str) -> Iterator[Source | InputError]:
    """Files under ``root`` in ``os.walk`` order, without its per-entry generator and per-directory ``islink``.

    Same rules as ``os.walk(root)`` filtered by name: a directory's files (sorted) before its subdirectories
    (sorted, depth-first); names starting with ``.`` skipped. Nothing is left out without a word: a symlinked
    directory is not entered (cycles, the same files twice) and is an ``InputError`` of kind ``link`` (a
    warning: :data:`LINKED_FOLDER`), and a directory that cannot be listed an ``InputError`` (its files were
    not read).
    """
    found = False
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=_NAME)  # sorting all entries sorts the files and the subdirectories
        except OSError as exc:
            found = True  # this error says why, not "no Phenopacket files"
            yield InputError(f"cannot list this folder: {exc.strerror or exc}; its files were not read", path=folder)
            continue
        subdirs = []
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                try:
                    link = entry.is_symlink()
                except OSError:
                    link = False
                if not link:
                    subdirs.append(entry.path)
                else:
                    yield InputError(LINKED_FOLDER, path=entry.path, kind="link")
                continue
            if name.lower().endswith(".zip"):
                found = True
                yield from _walk_zip(entry.path)
            elif format_from_extension(name) is not None:
                found = True
                full = entry.path
                try:
                    regular = entry.is_file()  # follows a symlink; False for a FIFO, device or socket
                except OSError:
                    regular = True  # let the opener report why it cannot be read
                if regular or not os.path.lexists(full) or _is_broken_link(full):
                    yield Source(full, _file_opener(full), name, regular=regular)
                else:
                    yield InputError("not a regular file (a device, FIFO or socket); skipped", path=full)
        stack.extend(reversed(subdirs))  # popped in name order: depth-first like os.walk
    if not found:
        exts = ", ".join(sorted(KNOWN_EXTENSIONS))
        yield InputError(f"no Phenopacket files ({exts}) in this directory", path=root, kind="missing")


def _is_broken_link(path: str) -> bool:
    return os.path.islink(path) and not os.path.exists(path)


def _glob(pattern: str) -> list[str]:
    """``glob.glob(pattern, recursive=True)`` without following symlinked directories under ``**``.

    The stdlib enters symlinked directories while expanding ``**``, so a link to a parent directory makes it
    loop until the path is too long (two such links: exponential). Here ``**`` walks real directories only —
    a symlinked directory is matched like a file but not entered, the rule :func:`_walk_dir` follows.
    """
    parts = pattern.split("/")
    if "**" not in parts:
        return glob.glob(pattern)
    first = parts.index("**")
    head = "/".join(parts[:first])
    if pattern.startswith("/") and not head:
        head = "/"
    roots = (glob.glob(head) if glob.has_magic(head) else [head]) if head else [""]
    rx = re.compile(_glob_regex(parts[first + 1 :]))
    out: list[str] = []
    for root in roots:
        top = root or "."
        if not os.path.isdir(top):
            continue
        for dirpath, dirnames, filenames in os.walk(top):  # followlinks=False: symlinked dirs are not entered
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            rel = os.path.relpath(dirpath, top).replace(os.sep, "/")
            prefix = "" if rel == "." else rel + "/"
            if prefix and rx.fullmatch(rel):
                out.append(_joined(root, rel))
            for name in [*dirnames, *filenames]:
                if name.startswith(".") or (name in dirnames and not os.path.islink(os.path.join(dirpath, name))):
                    continue  # hidden, or a real directory (matched when the walk enters it)
                if rx.fullmatch(prefix + name):
                    out.append(_joined(root, prefix + name))
    return out


def _joined(root: str, rel: str) -> str:
    if not root:
        return rel
    return root + rel if root.endswith("/") else f"{root}/{rel}"


def _glob_regex(parts: list[str]) -> str:
    """Regex for a path below a ``**`` root: ``**`` spans any number of directories, ``*``/``?`` one name."""
    if not parts or parts == [""]:
        return "[^/]+(?:/[^/]+)*"
    body = "(?:[^/]+/)*"
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if part == "**":
            body += "(?:[^/]+/)*" if not last else "(?:[^/]+(?:/[^/]+)*)?"
        else:
            body += _glob_part(part) + ("" if last else "/")
    return body


def _glob_part(part: str) -> str:
    """One path component of a glob pattern as a regex that never crosses a ``/``."""
    out, i = [], 0
    while i < len(part):
        ch = part[i]
        if ch == "*":
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "[" and "]" in part[i + 2 :]:
            end = part.index("]", i + 2)
            inner = part[i + 1 : end]
            inner = "^" + inner[1:] if inner.startswith("!") else inner
            out.append("[" + inner.replace("\\", "\\\\") + "]")
            i = end
        else:
            out.append(re.escape(ch))
        i += 1
    return "".join(out)


def _constant(data: bytes) -> Callable[[], bytes]:
    return lambda: data


def _hidden_member(name: str) -> bool:
    """A zip member under a folder or with a name starting with ``.``, or under ``__MACOSX/``."""
    parts = name.replace("\\", "/").split("/")
    return any(p.startswith(".") and p not in (".", "..") for p in parts) or parts[0] == "__MACOSX"


def _walk_zip(archive: str) -> Iterator[Source | InputError]:
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as exc:
        yield InputError(f"not a readable zip archive ({exc})", path=archive)
        return
    with zf:
        # hidden members are left out as a folder walk leaves out hidden files: Finder's __MACOSX/._x.json
        # resource forks (one "binary data" error per file of every zip made on a Mac), .DS_Store, .git/…
        infos = [i for i in zf.infolist()
                 if not i.is_dir() and format_from_extension(i.filename) and not _hidden_member(i.filename)]
        if not infos:
            yield InputError("no Phenopacket files in this zip archive", path=archive, kind="missing")
        limits = current_limits()
        if len(infos) > limits.zip_members:
            yield limits.exceeded("zip-members", f"the archive has {len(infos)} Phenopacket members", path=archive)
            return
        for info in sorted(infos, key=lambda i: i.filename):
            display = f"{archive}!{info.filename}"
            if info.file_size > limits.document_bytes:
                yield limits.exceeded(
                    "document-bytes", f"zip member is {info.file_size} bytes uncompressed (zip bomb?)", path=display
                )
                continue
            if info.compress_size and info.file_size / info.compress_size > limits.zip_ratio and info.file_size > 10**7:
                yield limits.exceeded(
                    "zip-ratio", f"zip member expands {info.file_size // info.compress_size}x (zip bomb?)", path=display
                )
                continue
            try:
                data = zf.read(info)
            except (
                zipfile.BadZipFile,
                NotImplementedError,
                RuntimeError,
                EOFError,
                OSError,
                ValueError,
                zlib.error,
            ) as exc:  # encrypted, compression method 93/99, bad CRC, sizes that lie
                reason = " ".join(str(exc).split())[:200] or type(exc).__name__
                yield InputError(f"cannot read this zip member: {reason}", path=display)
                continue  # one bad member is one error: the rest of the archive is read
            yield Source(display, _constant(data), os.path.basename(info.filename))


# ---------------------------------------------------------------- parsing


def _decode(raw: bytes, path: str, fmt: Format | None = None) -> str:
    """UTF-8 text of ``raw``; a leading UTF-8 BOM is dropped (YAML allows it, RFC 8259 lets a JSON reader ignore it)."""
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError("file is UTF-16; save it as UTF-8", path=path, line=1, column=1)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        raise InputError(
            f"not UTF-8: byte 0x{raw[exc.start]:02x} cannot be decoded; save the file as UTF-8",
            path=path,
            line=line,
            column=col,
        ) from None


def _load_json(text: str, path: str, line_offset: int = 0) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        pass
    # orjson's positions are byte-based; ask the stdlib parser for an exact line:col message
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except _NotJson as exc:  # NaN, Infinity: the stdlib reads them, orjson and RFC 8259 do not
        line, col = _where(text, _constant_token(text), line_offset)
        raise InputError(
            f"invalid JSON: {exc.token} is not a JSON value (protobuf JSON writes a float's {exc.token} as the "
            f'string "{exc.token}")',
            path=path,
            line=line,
            column=col,
        ) from None
    except json.JSONDecodeError as exc:
        line, col, msg = exc.lineno + line_offset, exc.colno, exc.msg
        at = text[exc.pos : exc.pos + 2]
        before = text[: exc.pos].rstrip()
        if at[:1] in ("}", "]") and before.endswith(","):  # the parser stops at the bracket, the comma is the error
            comma = len(before) - 1
            line = text.count("\n", 0, comma) + 1 + line_offset
            col = comma - (text.rfind("\n", 0, comma) + 1) + 1
            msg = f"a comma before the closing {at[:1]!r} (JSON allows no trailing comma)"
        elif at in ("//", "/*"):
            msg = "a comment (JSON has no comments)"
        raise InputError(f"invalid JSON: {msg}", path=path, line=line, column=col) from None
    except RecursionError:
        raise InputError("JSON nested too deeply to read (deeper than Python's parser goes; no Phenopacket nests so "
                         "deep)", path=path, line=1 + line_offset, column=1) from None
    except ValueError:  # an integer past Python's digit limit (sys.get_int_max_str_digits)
        line, col = _where(text, _LONG_INT.search(text), line_offset)
        raise InputError(
            f"invalid JSON: a number with more than {sys.get_int_max_str_digits() or 4300} digits",
            path=path,
            line=line,
            column=col,
        ) from None
    _check_surrogates(text, path, line_offset)
    return data


#: an escaped UTF-16 surrogate (``\\ud800``); only one that is not half of a pair is invalid
_SURROGATE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_PAIR = re.compile(r"\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}")
_LONG_INT = re.compile(r"-?\d{4000,}")
#: a string (skipped) or a bare NaN / Infinity / -Infinity outside strings
_CONSTANT = re.compile(r'"(?:[^"\\]|\\.)*"|(-?Infinity|NaN)')


class _NotJson(ValueError):
    """A token Python's json module accepts and JSON does not (``NaN``, ``Infinity``, ``-Infinity``)."""

    def __init__(self, token: str) -> None:
        super().__init__(token)
        self.token = token


def _no_constant(token: str) -> Any:
    raise _NotJson(token)


def _constant_token(text: str) -> re.Match[str] | None:
    """The first bare ``NaN``/``Infinity`` outside strings (for its line and column)."""
    for m in _CONSTANT.finditer(text):
        if m.group(1) is not None:
            return m
    return None


def _where(text: str, match: re.Match[str] | None, line_offset: int = 0) -> tuple[int, int]:
    if match is None:
        return 1 + line_offset, 1
    start = match.start()
    return text.count("\n", 0, start) + 1 + line_offset, start - (text.rfind("\n", 0, start) + 1) + 1


def _check_surrogates(text: str, path: str, line_offset: int = 0) -> None:
    r"""Refuse a JSON string escape that is half a UTF-16 surrogate pair (``"\ud800"``): it is no character."""
    if "\\u" not in text:
        return
    for m in _SURROGATE.finditer(text):
        pair = _PAIR.match(text, m.start())
        if pair is not None:
            continue
        before = _PAIR.search(text, max(0, m.start() - 6), m.end())
        if before is not None and before.end() == m.end():
            continue  # the low half of a pair
        line, col = _where(text, m, line_offset)
        raise InputError(
            f"invalid JSON: {m.group()} is half of a UTF-16 surrogate pair, not a character",
            path=path,
            line=line,
            column=col,
        )


#: Default of ``limits.yaml-expanded-nodes``: most nodes a YAML tree may expand to through aliases (``*name``).
MAX_YAML_EXPANDED_NODES = DEFAULT_LIMITS.yaml_expanded_nodes


def check_yaml_aliases(data: Any, path: str, text: str) -> None:
    """Refuse YAML trees that aliases made recursive or huge (``a: &x [*x]``, "billion laughs").

    PyYAML shares aliased objects, so such trees load fast but hang or exhaust memory in anything that walks
    them. Raises ``InputError``. Only runs when the text uses both anchors and aliases.
    """
    if "&" not in text or "*" not in text:
        return
    sizes: dict[int, int] = {}
    active: set[int] = set()
    limits = current_limits()
    most = limits.yaml_expanded_nodes

    def size(node: Any) -> int:
        if not isinstance(node, (dict, list)):
            return 1
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active:
            raise InputError("YAML alias refers to itself (recursive structure)", path=path)
        active.add(key)
        children = node.values() if isinstance(node, dict) else node
        total = 1 + sum(size(c) for c in children)
        active.discard(key)
        if total > most:
            raise limits.exceeded(
                "yaml-expanded-nodes", f"YAML aliases expand to over {most:,} values (alias bomb?)", path=path
            )
        sizes[key] = total
        return total

    try:
        size(data)
    except RecursionError:
        raise InputError("invalid YAML: nested too deeply", path=path) from None


#: Default of ``limits.yaml-depth``: libyaml's C composer overflows the stack (segfault) somewhere past 20,000.
MAX_YAML_DEPTH = DEFAULT_LIMITS.yaml_depth


def check_yaml_depth(text: str, path: str) -> None:
    """Refuse YAML nested deeper than ``limits.yaml-depth`` before libyaml sees it (cheap unless suspicious)."""
    limits = current_limits()
    deepest = limits.yaml_depth
    too_deep = limits.exceeded("yaml-depth", f"invalid YAML: nested more than {deepest} levels deep", path=path)
    if re.search(r"^[ \t-]{" + str(2 * deepest) + ",}", text, re.M):
        raise too_deep
    if text.count("[") + text.count("{") <= deepest:
        return
    depth = 0
    for m in re.finditer(r"[][{}]", text):
        depth += 1 if m.group() in "[{" else -1
        if depth > deepest:
            raise too_deep


def _load_yaml(text: str, path: str) -> Any:
    check_yaml_depth(text, path)
    import yaml

    try:
        data = yaml.load(text, Loader=_yaml_loader())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise InputError(f"invalid YAML: {exc.problem or exc}", path=path, line=line, column=col) from None
    except yaml.YAMLError as exc:
        raise InputError("invalid YAML: " + " ".join(str(exc).split()), path=path) from None
    except RecursionError:
        raise InputError("invalid YAML: nested too deeply", path=path, line=1, column=1) from None
    except ValueError:  # an integer past Python's digit limit
        line, col = _where(text, _LONG_INT.search(text))
        raise InputError("invalid YAML: a number with too many digits", path=path, line=line, column=col) from None
    check_yaml_aliases(data, path, text)
    check_yaml_values(data, path, text)
    return data


def check_yaml_values(data: Any, path: str, text: str) -> None:
    """Refuse what YAML can hold but a JSON tree cannot: non-string keys and strings with lone surrogates.

    Keys like ``1:``, ``null:``, ``true:`` are an ``InputError`` naming the pointer (and the line when found).
    """
    stack: list[tuple[Any, str]] = [(data, "")]
    seen: set[int] = set()
    while stack:
        node, pointer = stack.pop()
        if isinstance(node, dict):
            if id(node) in seen:
                continue
            seen.add(id(node))
            for key, value in node.items():
                if not isinstance(key, str):
                    shown = "null" if key is None else str(key).lower() if isinstance(key, bool) else repr(key)
                    where = _yaml_key_line(text, key)
                    raise InputError(
                        f'YAML key {shown[:80]} at {pointer or "/"} is not a string; quote it ("{shown[:80]}":)',
                        path=path,
                        line=where,
                        column=1 if where else None,
                        # a top level with no Phenopacket/Family/Cohort key (a GitHub workflow's ``on:``) is some
                        # other YAML file, not a broken phenopacket: skip-foreign leaves it out
                        kind="foreign" if node is data and not has_element_key(node) else "unreadable",
                    )
                stack.append((value, f"{pointer}/{key.replace('~', '~0').replace('/', '~1')}"))
                _check_str(key, path, pointer)
        elif isinstance(node, list):
            if id(node) in seen:
                continue
            seen.add(id(node))
            stack.extend((v, f"{pointer}/{i}") for i, v in enumerate(node))
        elif isinstance(node, str):
            _check_str(node, path, pointer)


def _check_str(value: str, path: str, pointer: str) -> None:
    if value.isascii():
        return
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(
            f"invalid YAML: the string at {pointer or '/'} holds half of a UTF-16 surrogate pair, not a character",
            path=path,
        ) from None


def _yaml_key_line(text: str, key: Any) -> int | None:
    word = (
        "(?:null|Null|NULL|~)"
        if key is None
        else re.escape(str(key))
        if not isinstance(key, bool)
        else ("(?:true|True|TRUE|yes|on)" if key else "(?:false|False|FALSE|no|off)")
    )
    m = re.search(r"^[ \t-]*" + word + r"[ \t]*:", text, re.M)
    return text.count("\n", 0, m.start()) + 1 if m else None


def document_from_tree(
    data: Any,
    *,
    path: str = "<object>",
    fmt: Format = Format.JSON,
    element: Element | None = None,
    text: str | None = None,
    line_offset: int = 0,
    pointer_prefix: str = "",
) -> Document:
    """Build a :class:`Document` from a parsed JSON/YAML tree (raises ``InputError`` if it is not one)."""
    el = element_of(data, path, element)
    return Document(
        path=path, format=fmt, element=el, data=data, text=text, line_offset=line_offset, pointer_prefix=pointer_prefix
    )


def object_document(data: Any, *, path: str = "<object>", element: Element | None = None) -> Document:
    """:func:`document_from_tree` for a Python object handed to the API: its keys must be strings, as JSON's are.

    ``phenotk.validate({"id": "p", 1: "x"})`` ended in an internal error inside a rule (a key compared as text);
    a file cannot hold such a key (JSON), nor can YAML after :func:`check_yaml_values`.
    """
    stack: list[tuple[Any, str]] = [(data, "")]
    seen: set[int] = set()
    while stack:
        node, pointer = stack.pop()
        if id(node) in seen:
            continue
        if isinstance(node, dict):
            seen.add(id(node))
            for key, value in node.items():
                if not isinstance(key, str):
                    raise InputError(f"key {key!r:.80} at {pointer or '/'} is not a string (JSON object keys are "
                                     "strings)", path=path)
                if isinstance(value, (dict, list)):
                    stack.append((value, f"{pointer}/{key.replace('~', '~0').replace('/', '~1')}"))
        elif isinstance(node, list):
            seen.add(id(node))
            stack.extend((v, f"{pointer}/{i}") for i, v in enumerate(node) if isinstance(v, (dict, list)))
    return document_from_tree(data, path=path, element=element)


def _named_pb(fmt: Format | None, name: str) -> bool:
    """True when the format is protobuf: given, or by the file's extension."""
    return (fmt or format_from_extension(name)) is Format.PB


def _empty_pb(path: str, forced: Element | None) -> Document:
    """The empty message of ``forced`` (a Phenopacket when nothing says which): what protobuf reads from 0 bytes."""
    el = forced or Element.PHENOPACKET
    return Document(path=path, format=Format.PB, element=el, data={}, message=el.message_class())


def _parse_pb(raw: bytes, path: str, forced: Element | None) -> Document:
    from google.protobuf.unknown_fields import UnknownFieldSet

    best: tuple[int, Element, Message] | None = None
    for el in [forced] if forced else list(Element):
        msg = el.message_class()
        try:
            msg.ParseFromString(raw)
        except (DecodeError, RuntimeError, ValueError):
            continue
        meta = msg.meta_data  # type: ignore[attr-defined]
        score = 0
        if meta.phenopacket_schema_version.startswith("2"):
            score += 2
        if meta.created_by or len(meta.resources):
            score += 1
        if len(UnknownFieldSet(msg)):
            score -= 3
        if best is None or score > best[0]:
            best = (score, el, msg)
    if best is None or (best[0] < 0 and forced is None):
        raise InputError("binary data that is not a Phenopacket, Family or Cohort protobuf message", path=path)
    _, el, msg = best
    if msg.ByteSize() == 0:  # only default values (``id: ""``): the empty message, as the 0-byte file
        return _empty_pb(path, forced)
    from google.protobuf import json_format  # only protobuf input needs it (its import is ~10 % of a start)

    data = json_format.MessageToDict(msg)
    return Document(path=path, format=Format.PB, element=el, data=data, message=msg)


def parse_bytes(
    raw: bytes,
    path: str,
    *,
    name: str | None = None,
    fmt: Format | None = None,
    element: Element | None = None,
) -> Iterator[Document | InputError]:
    """Parse one input's bytes into documents (several for JSONL); errors are yielded, not raised."""
    try:
        if fmt is None and _plain_json(raw, name or path):
            fast = _fast_json(raw, path, element)
            if fast is not None:
                yield fast
                return
        if not raw and _named_pb(fmt, name or path):
            # protobuf writes a message with every field at its default as zero bytes: read it back as that
            # (empty) message, as protobuf does; the validator then names the missing REQUIRED fields
            yield _empty_pb(path, element)
            return
        if not raw or (raw[:1].isspace() and not raw.strip() and not _named_pb(fmt, name or path)):
            # strip (a copy) only when it may matter; in a .pb file blanks are bytes (0x0a … 0x20 start fields)
            raise InputError("empty file", path=path, line=1, column=1)
        if fmt is None:
            _refuse_other_formats(name or path, path)
        if fmt is not Format.PB and _utf16_or_32(raw, name or path):
            raise InputError(
                "UTF-16/UTF-32 text, not UTF-8 (as Windows 'Unicode' export writes it); save the file as UTF-8",
                path=path,
                line=1,
                column=1,
            )
        if fmt is None:  # a leading "{" decides alone (sniff_format reads no further): no copy of a 4 KiB head
            first = raw[:1]
            fmt = sniff_format(first if first == b"{" else raw[:4096], name or path)
        if fmt is Format.JSON:
            fast = _fast_json(raw, path, element)
            if fast is not None:
                yield fast
                return
        if fmt is Format.PB:
            yield _parse_pb(raw, path, element)
            return
        text = _decode(raw, path, fmt)
        docs = _text_documents(text, path, fmt, element)
        yield from _marked_bom(docs) if raw.startswith(codecs.BOM_UTF8) else docs
    except InputError as exc:
        yield exc


#: a YAML document marker line: ``---`` (start) or ``...`` (end), alone or followed by a blank
_YAML_MARKER = re.compile(r"^(?:---|\.\.\.)(?:[ \t]|$)", re.M)


def _yaml_stream(text: str) -> list[tuple[int, str]]:
    """The documents of a YAML stream: (index of the first line, text), only those with content.

    A ``---`` line starts a document (it stays in it: ``--- {id: P1}`` holds content); a ``...`` line ends one.
    Lines of directives (``%YAML``), comments and blanks before a document go with it.
    """
    out: list[tuple[int, str]] = []
    lines = text.splitlines(keepends=True)
    start, has_content = 0, False

    def close(end: int) -> None:
        nonlocal start, has_content
        if has_content:
            out.append((start, "".join(lines[start:end])))
            start, has_content = end, False

    for i, line in enumerate(lines):
        if line.startswith("---") and _YAML_MARKER.match(line):
            close(i)
            rest = line[3:].strip()
            has_content = bool(rest) and not rest.startswith("#")
            continue
        if line.startswith("...") and _YAML_MARKER.match(line):
            close(i + 1)
            continue
        stripped = line.strip()
        if stripped and not stripped.startswith(("#", "%")):
            has_content = True
    close(len(lines))
    return out


def _yaml_documents(
    chunks: list[tuple[int, str]], path: str, element: Element | None
) -> Iterator[Document | InputError]:
    """One document per chunk, named ``path#L<first line>``; its text padded so lines are those of the file."""
    for start, chunk in chunks:
        text = "\n" * start + chunk
        try:
            data = _load_yaml(text, path)
            yield document_from_tree(data, path=f"{path}#L{start + 1}", fmt=Format.YAML, element=element, text=text)
        except InputError as exc:
            exc.path = path
            if exc.line == 1 and exc.column == 1 and start:  # about the whole document: name its first line
                exc.line = start + 1
            yield exc


#: file name endings of inputs other commands read: what to say when one is given as a Phenopacket
_OTHER_FORMATS = (
    (
        (".csv", ".tsv", ".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"),
        "a spreadsheet, not a Phenopacket; convert it with a mapping: `phenotk mapping init FILE -o m.yaml`, then "
        "`phenotk convert FILE -m m.yaml -o out/`",
    ),
    ((".ped", ".fam"), "a PED pedigree, not a Phenopacket; convert it: `phenotk convert FILE --from ped -o out/`"),
    ((".xml",), "XML, not a Phenopacket (FHIR XML?); convert it: `phenotk convert FILE --from fhir -o out/`"),
)


def _refuse_other_formats(name: str, path: str) -> None:
    lower = name.lower()
    for endings, message in _OTHER_FORMATS:
        if lower.endswith(endings):
            raise InputError(message, path=path, line=1, column=1, kind="foreign")


_WIDE_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_TEXT_SUFFIXES = (".json", ".jsonl", ".ndjson", ".yaml", ".yml")


def _utf16_or_32(raw: bytes, name: str) -> bool:
    """A byte order mark of UTF-16/32, or a text file name whose first characters are ASCII in UTF-16."""
    if raw.startswith(_WIDE_BOMS):
        return True
    return (
        len(raw) >= 4
        and name.lower().endswith(_TEXT_SUFFIXES)
        and ((raw[1] == 0 and raw[3] == 0 and raw[0] != 0) or (raw[0] == 0 and raw[2] == 0 and raw[1] != 0))
    )


def _text_documents(text: str, path: str, fmt: Format, element: Element | None) -> Iterator[Document | InputError]:
    """The documents of a decoded JSON, JSON Lines or YAML text (raises ``InputError`` for what is not one)."""
    if fmt is Format.JSONL:
        yield from _parse_jsonl(text, path, element)
        return
    if fmt is Format.YAML and _YAML_MARKER.search(text):
        chunks = _yaml_stream(text)
        if len(chunks) > 1:  # a stream of several documents (``---``): one document each, as JSON Lines records
            yield from _yaml_documents(chunks, path, element)
            return
    data = _load_yaml(text, path) if fmt is Format.YAML else _load_json(text, path)
    if fmt is Format.JSON and isinstance(data, list):
        yield from _json_array(text, data, path, element)
        return
    yield document_from_tree(data, path=path, fmt=fmt, element=element, text=text)


def _marked_bom(items: Iterator[Document | InputError]) -> Iterator[Document | InputError]:
    """``items`` with the first document marked as read from a file that starts with a UTF-8 byte order mark."""
    marked = False
    for item in items:
        if not marked and isinstance(item, Document):
            item.bom = marked = True
        yield item


def _json_array(text: str, items: list[Any], path: str, element: Element | None) -> Iterator[Document | InputError]:
    """A top-level JSON array (what Convert-Pheno and other converters write): one document per item.

    Item ``N`` is a document of the file ``path`` with ``pointer_prefix`` ``/N``: its findings name the file
    and pointers ``/N/…``. It holds the item's own text, preceded by as many blanks as the item's first line
    has characters before it, with ``line_offset`` the lines before it: line:column come out as in the file.
    """
    if not items:
        yield InputError("empty JSON array: no Phenopacket, Family or Cohort in it", path=path, line=1, column=1)
        return
    decoder = json.JSONDecoder()
    pos = text.index("[") + 1
    line, counted = 0, 0  # lines before ``counted``: counted on from the previous item (linear in the file)
    for n, item in enumerate(items):
        while text[pos] in " \t\r\n,":
            pos += 1
        _, end = decoder.raw_decode(text, pos)
        start = text.rfind("\n", 0, pos) + 1
        line += text.count("\n", counted, start)
        counted = start
        if not isinstance(item, dict):
            msg = f"item /{n} of the JSON array is not an object (a Phenopacket, Family or Cohort)"
            yield InputError(msg, path=path, line=line + 1, column=pos - start + 1)
        else:
            try:
                yield document_from_tree(
                    item,
                    path=path,
                    fmt=Format.JSON,
                    element=element,
                    text=" " * (pos - start) + text[pos:end],
                    line_offset=line,
                    pointer_prefix=f"/{n}",
                )
            except InputError as exc:
                exc.message = f"item /{n} of the JSON array: {exc.message}"
                exc.line, exc.column = line + 1, pos - start + 1
                yield exc
        pos = end


def _plain_json(raw: bytes, name: str) -> bool:
    """True when the checks of :func:`parse_bytes` before the parse pass and the format is JSON.

    That is: ``raw`` starts with ``{`` not followed by a NUL byte (not empty, no byte order mark, not UTF-16
    text) and ``name`` ends with ``.json`` (no other format's file name; ``{`` in a ``.json`` file sniffs as JSON).
    """
    return raw[:1] == b"{" and raw[1:2] != b"\x00" and name[-5:].lower() == ".json"


def _fast_json(raw: bytes, path: str, element: Element | None) -> Document | None:
    """The common case, cheaply: a UTF-8 JSON object parsed from bytes, text decoded only if needed later.

    None when the input is anything else (BOM, bad UTF-8, syntax error, not an object): the full path then
    produces the precise ``path:line:col`` message.
    """
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(data, dict):
        return None
    el = element_of(data, path, element)
    return Document(path=path, format=Format.JSON, element=el, data=data, raw=raw)


def _parse_jsonl(text: str, path: str, element: Element | None) -> Iterator[Document | InputError]:
    seen = False
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        seen = True
        display = f"{path}#L{lineno}"
        try:
            data = _load_json(line, path, line_offset=lineno - 1)
            yield document_from_tree(
                data, path=display, fmt=Format.JSONL, element=element, text=line, line_offset=lineno - 1
            )
        except InputError as exc:
            if exc.line is None or (exc.line == 1 and lineno > 1):  # about the line's whole object: its line
                exc.line = lineno
            exc.path = path
            yield exc
    if not seen:
        yield InputError("empty file", path=path, line=1, column=1)


def iter_documents(
    paths: Iterable[PathLike],
    *,
    fmt: Format | None = None,
    element: Element | None = None,
    stdin: Any = None,
) -> Iterator[Document | InputError]:
    """Stream every document under ``paths``; one file's bytes are held at a time."""
    return documents_of_sources(iter_sources(paths, stdin=stdin), fmt=fmt, element=element)


def documents_of_sources(
    sources: Iterable[Source | InputError], *, fmt: Format | None = None, element: Element | None = None
) -> Iterator[Document | InputError]:
    """The documents of sources :func:`iter_sources` listed (read and parsed one at a time)."""
    for src in sources:
        if isinstance(src, InputError):
            yield src
            continue
        path = src.path
        try:
            raw = src.opener()
        except InputError as exc:
            yield exc
            continue
        except OSError as exc:
            yield InputError(f"cannot read: {exc.strerror or exc}", path=path)
            continue
        if fmt is None and _plain_json(raw, src.name):  # the common case without a generator of its own
            try:
                doc = _fast_json(raw, path, element)
            except InputError as exc:
                yield exc
                continue
            if doc is not None:
                yield doc
                continue
        yield from parse_bytes(raw, path, name=src.name, fmt=fmt, element=element)


def read_document(
    source: PathLike | bytes | dict[str, Any],
    *,
    fmt: Format | None = None,
    element: Element | None = None,
) -> Document:
    """Read exactly one document from a path, bytes or dict; raise ``InputError`` on failure."""
    if isinstance(source, dict):
        return object_document(source, element=element)
    if isinstance(source, bytes):
        items = list(parse_bytes(source, "<bytes>", fmt=fmt, element=element))
    else:
        items = list(iter_documents([source], fmt=fmt, element=element))
    for item in items:
        if isinstance(item, InputError):
            raise item
    if len(items) != 1:
        raise InputError(f"expected one document, found {len(items)}", path=str(source)[:200])
    doc = items[0]
    assert isinstance(doc, Document)
    return doc


def read(
    source: PathLike | bytes | dict[str, Any] | Message,
    *,
    fmt: Format | str | None = None,
    element: Element | str | None = None,
) -> Message:
    """Read one Phenopacket, Family or Cohort (JSON, YAML, protobuf binary; path, bytes or dict).

    Unknown fields are ignored here (use :func:`phenotk.validation` to hear about them); a tree that
    cannot become a message at all raises :class:`~phenotk.errors.InputError`.
    """
    if isinstance(source, Message):
        return source
    doc = read_document(
        source,
        fmt=Format(fmt) if isinstance(fmt, str) else fmt,
        element=Element(element) if isinstance(element, str) else element,
    )
    if doc.message is None:
        raise InputError(f"cannot build a {doc.element.value}: {doc.parse_error}", path=doc.path)
    return doc.message


def iter_messages(paths: Iterable[PathLike], **kwargs: Any) -> Iterator[Message]:
    """Messages only (raises on the first unreadable input) — for scripts that want fail-fast."""
    for item in iter_documents(paths, **kwargs):
        if isinstance(item, InputError):
            raise item
        if item.message is None:
            raise InputError(f"cannot build a {item.element.value}: {item.parse_error}", path=item.path)
        yield item.message


def text_stream(data: bytes) -> io.BytesIO:
    """Bytes as a binary stream (used for ``stdin=`` in tests)."""
    return io.BytesIO(data)


def is_known_file(path: Path) -> bool:
    """True for file names phenotk reads when walking a directory."""
    return format_from_extension(path.name) is not None


def load_tree(source: PathLike | bytes, *, fmt: Format | None = None, name: str | None = None) -> Any:
    """Parse a JSON or YAML file (or bytes) into a plain tree with phenotk's error reporting.

    Unlike :func:`read_document` nothing is checked about the content (v1 documents, FHIR resources,
    mapping files … all load). Raises ``InputError`` with line:column for syntax and encoding errors.
    """
    if isinstance(source, bytes):
        raw, path = source, name or "<bytes>"
    else:
        path = os.fspath(source)
        if not os.path.isfile(path):
            raise InputError("no such file", path=path, kind="missing")
        with open(path, "rb") as fh:
            raw = fh.read()
    if not raw.strip():
        raise InputError("empty file", path=path, line=1, column=1)
    fmt = fmt or sniff_format(raw[:4096], name or path)
    text = _decode(raw, path, fmt)
    if fmt is Format.YAML:
        return _load_yaml(text, path)
    if fmt in (Format.JSON, Format.JSONL):
        return _load_json(text, path)
    raise InputError("expected JSON or YAML text", path=path)
