"""Writers for JSON, YAML, protobuf binary and JSONL, with atomic replacement of the target."""

from __future__ import annotations

import contextlib
import contextvars
import errno
import functools
import json
import os
import re
import signal
import stat
import tempfile
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from google.protobuf.message import Message

from phenotk.errors import OutputExistsError, UsageError
from phenotk.io.document import Format
from phenotk.io.sniff import format_from_extension


def to_dict(message: Message) -> dict[str, Any]:
    """CamelCase JSON tree of a message (the form the Phenopacket JSON schema and the store use).

    Exactly ``json_format.MessageToDict``, made by :func:`phenotk.io.jsontree.message_to_dict` (cached plans).
    """
    from phenotk.io.jsontree import message_to_dict

    return message_to_dict(message)  # type: ignore[no-any-return]


@functools.cache
def _dumper() -> Any:
    """Block-style YAML; multi-line strings as literal blocks (C emitter when available); built on first use."""
    import yaml

    base: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    dumper: Any = type("_Dumper", (base,), {})
    dumper.add_representer(str, _str_presenter)
    return dumper


def _str_presenter(dumper: Any, value: str) -> Any:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def dumps(message: Message | dict[str, Any], fmt: Format | str = Format.JSON) -> bytes:
    """Serialise one message (or its JSON tree, for JSON/YAML/JSONL)."""
    fmt = Format(fmt)
    if fmt is Format.PB:
        if not isinstance(message, Message):
            raise UsageError("protobuf binary output needs a message, not a dict")
        return message.SerializeToString(deterministic=True)
    tree = message if isinstance(message, dict) else to_dict(message)
    if fmt is Format.YAML:
        import yaml

        return yaml.dump(tree, Dumper=_dumper(), sort_keys=False, allow_unicode=True, width=100).encode("utf-8")
    if fmt is Format.JSONL:
        return json_line(tree)
    return json_indented(tree)


#: a float token of compact JSON: first, or after ``:``, ``,`` or ``[``, and ended by ``,``, ``}``, ``]`` or the end
#: (a token always is). Text inside a string may match too (the stdlib then writes it, which is never wrong), but
#: not a time such as ``"…T10:24:05.552836Z"``: without the end rule every packet with a ``created`` timestamp
#: fell back to the stdlib
_FLOAT_COMPACT = re.compile(rb'(?:^|[:,\[])-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?(?=[,}\]]|\Z)')
#: outside strings, a digit before ``.``/``e``/``E`` is a float token (``true``/``false`` have no digit)
_DIGIT_FRACTION = re.compile(rb"[0-9][.eE]")


def _has_float(out: bytes, token: re.Pattern[bytes]) -> bool:
    """True when orjson's JSON text ``out`` may hold a float token (then the stdlib's spelling is used).

    The text between quotes is dropped first (``bytes.split``, C speed) and the rest — punctuation, numbers,
    literals — searched for a digit before ``.``/``e``: ~3 µs a packet where ``token`` scanned every byte (~35 µs,
    more than orjson itself). An escaped quote breaks the quote parity: ``token`` decides then.
    """
    if b'\\"' in out:
        return token.search(out) is not None
    return _DIGIT_FRACTION.search(b"".join(out.split(b'"')[0::2])) is not None


def _orjson(tree: Any, option: int) -> bytes | None:
    """The text orjson writes for ``tree``, or None where it could differ from the stdlib's (:func:`json_indented`)."""
    import orjson

    try:
        out: bytes = orjson.dumps(
            tree,
            option=option | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME
            | orjson.OPT_PASSTHROUGH_SUBCLASS,
        )
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return None
    if b"null" in out:  # a None — or a NaN/Infinity float, which orjson writes as null and Python as NaN
        return None
    return out


def json_line(tree: Any) -> bytes:
    """``json.dumps(tree, ensure_ascii=False, separators=(",", ":"))`` and a newline, as UTF-8 — made by orjson.

    One JSON Lines record, byte for byte what the stdlib writes (the same guards as :func:`json_indented`).
    """
    out = _orjson(tree, 0)
    if out is None or _has_float(out, _FLOAT_COMPACT):
        return (json.dumps(tree, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
    return out + b"\n"


#: a float token of indented JSON (an object's value after ``": ``, or an array item alone on its line, with a
#: fraction or an exponent): strings hold no raw newline and their quotes are escaped, so every float of the
#: text is found (a string may match too: then the stdlib writes it, which is never wrong)
_FLOAT = re.compile(rb'(?:": |\n +)-?[0-9]+[.eE]')


def json_indented(tree: Any) -> bytes:
    """``json.dumps(tree, ensure_ascii=False, indent=2)`` and a newline, as UTF-8, byte for byte — made by orjson.

    The stdlib's indenting encoder is pure Python (a third of a converted packet's cost); orjson writes the same
    text for JSON trees of strings, integers, booleans and nulls (a protobuf message's JSON: int64 are strings).
    Where the two could differ — any float (NaN: orjson writes null), non-string keys, integers past 64 bits,
    lone surrogates, objects JSON does not know — the stdlib writes it (a null too: it may have been a NaN).
    """
    import orjson

    out = _orjson(tree, orjson.OPT_INDENT_2)
    if out is None or _has_float(out, _FLOAT):
        # a float (Python writes 1e-05, orjson 0.00001): the stdlib's spelling
        return (json.dumps(tree, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    return out + b"\n"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


#: (device, inode) of the files a guarded run has read; outputs never replace them (see :func:`guard_inputs`)
_INPUTS: contextvars.ContextVar[set[tuple[int, int]] | None] = contextvars.ContextVar("phenotk_inputs", default=None)
#: absolute path → (device, inode, size, mtime, ctime) of each file a guarded run read through a path: an
#: in-place write compares it with the file on disk just before its rename (concurrent modification check)
_READ_STATE: contextvars.ContextVar[dict[str, tuple[int, int, int, int, int]] | None] = contextvars.ContextVar(
    "phenotk_read_state", default=None
)


@contextlib.contextmanager
def guard_inputs() -> Iterator[None]:
    """Within this block no output replaces a file the run has read, even with ``force``.

    The command line runs every command inside it, so ``convert s.csv -o s.csv --force`` or
    ``validate p.json -o p.json --force`` cannot destroy their input; ``phenotk fix --in-place`` writes with
    ``allow_input=True``. The Python API is not guarded (a notebook may read a file and rewrite it on purpose).
    """
    token = _INPUTS.set(set())
    state = _READ_STATE.set({})
    try:
        yield
    finally:
        _READ_STATE.reset(state)
        _INPUTS.reset(token)


def note_input(path: str | os.PathLike[str]) -> None:
    """Remember ``path`` as an input of the guarded run (no-op outside :func:`guard_inputs`)."""
    if _INPUTS.get() is None:
        return
    try:
        note_stat(os.stat(path))
    except OSError:
        pass


def note_stat(st: os.stat_result, path: str | None = None) -> None:
    """Like :func:`note_input` for a file already open (its ``fstat``); ``path`` as it was opened."""
    seen = _INPUTS.get()
    if seen is not None:
        seen.add((st.st_dev, st.st_ino))
        states = _READ_STATE.get()
        if path is not None and states is not None:
            states[os.path.abspath(path)] = _signature(st)


def _signature(st: os.stat_result) -> tuple[int, int, int, int, int]:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _check_unchanged(path: str | os.PathLike[str]) -> None:
    """Raise ``UsageError`` when the input at ``path`` changed on disk since this run read it.

    Another program (or a second ``phenotk fix -i``) wrote it meanwhile: replacing it now would silently lose
    that write, so the file is left as it is.
    """
    states = _READ_STATE.get()
    if not states:
        return
    before = states.get(os.path.abspath(path))
    if before is None:
        return
    try:
        now = _signature(os.stat(path))
    except OSError:
        now = None
    if now != before:
        raise UsageError(
            "the file changed on disk while phenotk was working on it (another program or run wrote it); "
            "left unchanged: run again",
            path=os.fspath(path),
        )


def atomic_write(
    path: str | os.PathLike[str], data: bytes | Iterable[bytes], *, force: bool = False, allow_input: bool = False
) -> Path:
    """Write ``data`` (bytes, or chunks of bytes written as they come) to ``path`` via a temp file and a rename.

    Refuses to replace an existing file unless ``force``, and never replaces an input of a guarded run (see
    :func:`guard_inputs`) unless ``allow_input``; never leaves a half-written target. Replacing a file keeps
    what the rename would lose: its permission bits and owner; a symlink stays a link (its target is
    written); a file with other hard links is rewritten in place, so every link sees the new text.
    """
    target = Path(path)
    old = _existing(target, force=force, allow_input=allow_input)
    if old is not None and _written_through(old):  # /dev/null, /dev/stdout, a pipe: there is no file to replace
        return _write_through(target, data)
    named = target  # the path as given: the read state of an input is keyed by it
    if old is not None and stat.S_ISREG(old.st_mode):
        if target.is_symlink():
            target = Path(os.path.realpath(target))
        if old.st_nlink > 1:
            if allow_input:
                _check_unchanged(named)
            return _rewrite_in_place(target, data)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:  # a parent that is a file, a read-only or virtual file system, …
        raise _cannot_write(exc, target) from None
    try:
        with _terminate_as_exit():  # SIGTERM/SIGHUP mid-write: the except below removes the temp file
            if old is not None and stat.S_ISREG(old.st_mode):
                os.fchmod(fd, stat.S_IMODE(old.st_mode))  # a private (0600) file stays private
                _keep_owner(fd, old)
            else:  # mkstemp makes the file 0600; give it the mode a normal open() would (0666 minus umask)
                os.fchmod(fd, 0o666 & ~_umask())
            with os.fdopen(fd, "wb") as fh:
                _write_all(fh, data)
                fh.flush()
                if old is not None:  # replacing a file: its old bytes must survive a crash until the new are
                    os.fsync(fh.fileno())  # on disk. A new file loses nothing (10 ms each: 200,000 = 33 min)
            if allow_input and old is not None:
                _check_unchanged(named)  # as late as possible: just before the rename
            os.replace(tmp, target)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if isinstance(exc, OSError):  # e.g. the target is a directory, or the disk is full
            raise _cannot_write(exc, target) from None
        raise
    return target


class NewDirectory:
    """A directory that does not exist yet, written all at once (``with NewDirectory(path) as d: d.write(…)``).

    Files go into a hidden staging directory beside it (``.NAME.<random>.tmp``), renamed to ``path`` when the
    block ends without error: one rename for the whole output instead of a temporary file, a mode change and a
    rename per file. An error, Ctrl-C, SIGTERM or SIGHUP inside the block removes the staging directory, so the
    output is complete or absent, never partial; nothing written, nothing created. Files get the mode a plain
    ``open`` gives (0666 minus the umask), the directory that of ``mkdir`` (0777 minus the umask). Only for a
    ``path`` that does not exist (:meth:`fresh`); an existing directory is written file by file with
    :func:`atomic_write`.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.count = 0
        self._staging: str | None = None

    @staticmethod
    def fresh(path: str | os.PathLike[str]) -> bool:
        """True when nothing (not even a dangling link) is at ``path``: :class:`NewDirectory` may make it."""
        return not os.path.lexists(Path(path))

    def __enter__(self) -> NewDirectory:
        target = self.path
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._staging = tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        except OSError as exc:
            raise _cannot_write(exc, target) from None
        self._signals = _terminate_as_exit()
        self._signals.__enter__()
        return self

    def write(self, name: str, data: bytes) -> None:
        """Write one new file ``name`` (a plain name, unique within the directory)."""
        assert self._staging is not None, "write() outside the with block"
        try:
            fd = os.open(os.path.join(self._staging, name), os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_CLOEXEC, 0o666)
            try:  # plain write calls: a file object per file cost a buffer, an fstat and its own close logic
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
            finally:
                os.close(fd)
        except OSError as exc:  # e.g. the disk is full
            raise _cannot_write(exc, self.path / name) from None
        self.count += 1

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: Any) -> None:
        staging, self._staging = self._staging, None
        try:
            if kind is None and self.count:
                assert staging is not None
                self._publish(staging)
                staging = None
        finally:
            try:
                if staging is not None:
                    import shutil

                    shutil.rmtree(staging, ignore_errors=True)
            finally:
                self._signals.__exit__(None, None, None)

    def _publish(self, staging: str) -> None:
        target = self.path
        try:
            os.chmod(staging, 0o777 & ~_umask())
            if os.path.lexists(target):  # made by someone else while this run wrote: theirs stays
                raise OutputExistsError("output appeared while phenotk was writing it; nothing written: run again "
                                        "(with --force to write into it)", path=str(target))
            os.rename(staging, target)
        except OSError as exc:
            raise _cannot_write(exc, target) from None


_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def _cannot_write(exc: OSError, target: str | os.PathLike[str]) -> UsageError:
    """The one-line error for an output that could not be written; names a file standing where a folder must be.

    ``mkdir -p out/sub`` over a file ``out`` fails with "File exists" (or "Not a directory") for the path below
    it, which reads as if the output itself existed.
    """
    if exc.errno in (errno.EEXIST, errno.ENOTDIR):
        for parent in Path(target).parents:
            if os.path.lexists(parent) and not parent.is_dir():
                return UsageError(f"cannot write output: {parent} is a file, not a folder", path=str(target))
    return UsageError(f"cannot write output: {exc.strerror or exc}", path=str(target))


class _Terminated(SystemExit):
    """SIGTERM or SIGHUP arrived while a temporary file existed (exit status 128 + signal, like the default)."""


@contextlib.contextmanager
def _terminate_as_exit() -> Iterator[None]:
    """Turn SIGTERM/SIGHUP into an exception while the block runs, so ``finally``/``except`` clean up.

    SIGINT already raises ``KeyboardInterrupt``. Only the main thread may set handlers; elsewhere (a server
    worker thread) the block runs unchanged.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: Any) -> None:
        raise _Terminated(128 + signum)

    previous = {}
    for name in ("SIGTERM", "SIGHUP"):
        sig = getattr(signal, name, None)
        if sig is None:
            continue
        try:
            current = signal.getsignal(sig)
            if current in (signal.SIG_IGN,):
                continue  # the user (nohup) asked to ignore it
            previous[sig] = current
            signal.signal(sig, handler)
        except (ValueError, OSError):
            continue
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def _written_through(st: os.stat_result) -> bool:
    """A character device or a FIFO: opened and written, never replaced, no ``--force`` needed.

    Renaming a temp file over ``/dev/null`` would replace the device with a regular file (as root: for the
    whole system).
    """
    return stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode)


def _write_through(target: Path, data: bytes | Iterable[bytes]) -> Path:
    try:
        with open(target, "wb") as fh:
            _write_all(fh, data)
    except OSError as exc:
        raise _cannot_write(exc, target) from None
    return target


def _existing(target: Path, *, force: bool, allow_input: bool) -> os.stat_result | None:
    """The stat of what ``target`` names (None when new), after the device, overwrite and input checks."""
    try:
        old = os.stat(target)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise _cannot_write(exc, target) from None
    if _written_through(old):
        return old
    if stat.S_ISBLK(old.st_mode) or stat.S_ISSOCK(old.st_mode):
        raise UsageError("cannot write output: a block device or socket, not a file", path=str(target))
    if not force:
        raise OutputExistsError("output exists; use --force to overwrite", path=str(target))
    if not allow_input and (old.st_dev, old.st_ino) in (_INPUTS.get() or ()):
        raise UsageError("this output is also an input of the run; phenotk never overwrites its inputs: "
                         "choose another output", path=str(target))
    return old


def _keep_owner(fd: int, old: os.stat_result) -> None:
    """Give the new file the old file's owner and group where allowed (root may; others keep their own)."""
    if (old.st_uid, old.st_gid) == (os.geteuid(), os.getegid()):
        return
    try:
        os.fchown(fd, old.st_uid, old.st_gid)
    except OSError:
        try:  # an unprivileged user can still keep the group when they belong to it
            os.fchown(fd, -1, old.st_gid)
        except OSError:
            pass


def _write_all(fh: Any, data: bytes | Iterable[bytes]) -> None:
    if isinstance(data, (bytes, bytearray, memoryview)):
        fh.write(data)
    else:
        for chunk in data:
            fh.write(chunk)


def _rewrite_in_place(target: Path, data: bytes | Iterable[bytes]) -> Path:
    """A hard-linked file: write the new bytes into the same inode (a rename would split the links)."""
    try:
        with open(target, "r+b") as fh:
            _write_all(fh, data)
            fh.truncate()
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        raise _cannot_write(exc, target) from None
    return target


def write(
    messages: Message | Iterable[Message],
    path: str | os.PathLike[str],
    *,
    fmt: Format | str | None = None,
    force: bool = False,
) -> Path:
    """Write one message (JSON/YAML/PB) or many (JSONL) to ``path`` atomically.

    The format comes from ``fmt`` or the extension (``.json``, ``.yaml``/``.yml``, ``.pb``, ``.jsonl``).
    """
    resolved = Format(fmt) if fmt else format_from_extension(str(path))
    if resolved is None:
        raise UsageError(f"cannot tell the output format from {path!s}; pass fmt= (json, yaml, pb, jsonl)")
    if isinstance(messages, Message):
        batch: list[Message] = [messages]
    else:
        batch = list(messages)
    if resolved is Format.JSONL:
        payload = b"".join(dumps(m, Format.JSONL) for m in batch)
    else:
        if len(batch) != 1:
            raise UsageError(f"{resolved.value} holds one document; write {len(batch)} to a directory or .jsonl")
        payload = dumps(batch[0], resolved)
    return atomic_write(path, payload, force=force)
