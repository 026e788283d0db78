"""Per-session workspaces: a temporary directory each, upload checks, idle clean-up.

Every file the page receives or makes lives under one workspace directory inside the server's own temporary
root (``inputs/``, ``packets/``, ``fixed/``); nothing is written anywhere else. Upload names are refused —
not rewritten — when they hold a path (``../x``, ``/etc/x``, ``a/b``), a control character or a leading dot.
Archives (XLSX, zip) are opened and measured before anything reads them: the members' uncompressed total
and compression ratio are checked (zip and XLSX bombs) with the existing readers' checks.
"""

from __future__ import annotations

import os
import secrets
import shutil
import threading
import time
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from phenotk.errors import InputError, UsageError

#: file kinds the page knows (what the drop zone shows next to each file)
MAPPING_SUFFIXES = (".yaml", ".yml")


class ServeError(Exception):
    """A request the page refuses: an HTTP status and a one-line message (never a traceback)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _env_int(name: str, default: int, scale: int = 1) -> int:
    """A positive whole number from the environment variable ``name`` (times ``scale``), else ``default``."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise UsageError(f"environment variable {name}={raw!r} is not a whole number of at least 1")
    return int(raw) * scale


#: live sessions at most (one per browser tab); environment PHENOTK_SERVE_MAX_SESSIONS
DEFAULT_MAX_SESSIONS = 32
#: bytes of uploads all sessions together hold at most; environment PHENOTK_SERVE_MAX_TOTAL_MB (in MB)
DEFAULT_MAX_TOTAL_BYTES = 2048 * 1024 * 1024
#: an empty session (no file) younger than this is never evicted: its tab is about to upload
EMPTY_GRACE_SECONDS = 60.0


@dataclass(frozen=True)
class Limits:
    """Upload and session limits (``phenotk serve --max-upload-mb …``; the server-wide caps from the environment)."""

    max_file_bytes: int = 50 * 1024 * 1024
    max_files: int = 50  #: files in one workspace
    max_request_bytes: int = 200 * 1024 * 1024
    max_unpacked_bytes: int = 100 * 1024 * 1024  #: uncompressed total of one XLSX / zip upload
    max_ratio: int = 200  #: compression ratio of a member above which (and > 10 MB) it is refused
    idle_seconds: float = 2 * 3600.0  #: a workspace unused this long is removed
    #: live workspaces at most: without a cap any client could make sessions until the disk was full
    max_sessions: int = field(default_factory=lambda: _env_int("PHENOTK_SERVE_MAX_SESSIONS", DEFAULT_MAX_SESSIONS))
    #: uploaded bytes all workspaces together hold at most
    max_total_bytes: int = field(default_factory=lambda: _env_int(
        "PHENOTK_SERVE_MAX_TOTAL_MB", DEFAULT_MAX_TOTAL_BYTES, 1024 * 1024))
    #: a workspace unused this long may be evicted (oldest first) to make room when a cap is reached
    evict_idle_seconds: float = 600.0


#: characters no Windows file name may hold
WINDOWS_FORBIDDEN = '<>:"|?*'
#: device names Windows reserves, with any extension (``nul.csv`` is the null device)
WINDOWS_DEVICES = frozenset({"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
                             *(f"{d}{n}" for d in ("COM", "LPT") for n in [*"123456789", "¹", "²", "³"])})


def check_name(name: str) -> str:
    """The upload name if it is a plain file name; :class:`ServeError` 400 for paths and odd names."""
    if not name or name in (".", ".."):
        raise ServeError(400, "refused: an upload needs a file name")
    if any("\ud800" <= c <= "\udfff" for c in name):  # half a UTF-16 pair, as JSON can escape it: no file name
        raise ServeError(400, f"refused: {name!r} is not valid Unicode (a lone surrogate); rename the file")
    if len(name.encode("utf-8")) > 200:  # said shortly: the whole name came back in the message (3,000 chars)
        raise ServeError(400, f"refused: the file name {name[:40]!r}… is too long ({len(name.encode('utf-8'))} "
                              "bytes, at most 200); rename the file")
    if "/" in name or "\\" in name or name.startswith((".", "~")) or os.path.isabs(name) or ":" in name[:3]:
        raise ServeError(400, f"refused: {name!r} is not a plain file name (no folders, no '..', no absolute path)")
    if any(unicodedata.category(c) in ("Cc", "Cf") for c in name):
        raise ServeError(400, f"refused: {name!r} has a control character (a tab, a line break, an invisible "
                              "format character); rename the file")
    bad = sorted(set(name) & set(WINDOWS_FORBIDDEN))
    if bad or name.endswith((".", " ")) or name.split(".")[0].strip().upper() in WINDOWS_DEVICES:
        # the session folder is on the curator's disk: on Windows these names fail to save (an OSError, a 500)
        # or name a device (NUL, COM1) or another file (a trailing dot is dropped)
        why = f"the characters {' '.join(bad)}" if bad else "a name Windows reserves or changes"
        raise ServeError(400, f"refused: {name!r} has {why}; rename the file")
    return name


def same_file_name(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` name one file on a Windows or macOS disk.

    Both are case-insensitive; macOS is also insensitive to Unicode normalisation ('Café' typed as one code point
    or as e + a combining accent).
    """
    return unicodedata.normalize("NFC", a).casefold() == unicodedata.normalize("NFC", b).casefold()


def _zip_members(path: Path, name: str) -> list[zipfile.ZipInfo]:
    try:
        with zipfile.ZipFile(path) as zf:
            return zf.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise ServeError(400, f"{name}: not a readable zip archive ({exc})") from None


def check_archive(path: Path, limits: Limits, name: str | None = None) -> None:
    """Refuse an XLSX or zip upload whose members expand too far (zip bombs); ServeError 400 / 413.

    ``name``: the upload's name (its extension says what the file is; ``path`` may be a temporary name).
    """
    name = name or path.name
    lower = name.lower()
    if lower.endswith((".xlsx", ".xlsm", ".ods", ".xlsb")):
        from phenotk.conversion.table.sheets import check_xlsx

        kind = "XLSX" if lower.endswith((".xlsx", ".xlsm")) else lower.rsplit(".", 1)[1].upper()
        try:
            check_xlsx(path, limits.max_unpacked_bytes, kind)
        except InputError as exc:
            raise ServeError(400, f"{name}: {exc.message}") from None
    elif lower.endswith(".zip"):
        total = 0
        for info in _zip_members(path, name):
            total += info.file_size
            too_dense = info.compress_size and info.file_size / info.compress_size > limits.max_ratio
            if too_dense and info.file_size > 10 * 1024 * 1024:
                raise ServeError(400, f"{name}: member {info.filename!r} expands "
                                      f"{info.file_size // max(info.compress_size, 1)}x (zip bomb?); refused")
            member = info.filename.replace("\\", "/")  # a Windows tool's separator is a separator too
            if ".." in Path(member).parts or member.startswith("/") or ":" in member.split("/")[0]:
                raise ServeError(400, f"{name}: member {info.filename!r} has a path outside the archive")
        if total > limits.max_unpacked_bytes:
            raise ServeError(413, f"{name}: {total} bytes uncompressed, over the limit of "
                                  f"{limits.max_unpacked_bytes}; refused")


@dataclass
class Workspace:
    """One curator session: its directory, uploads, the mapping per sheet, the last run."""

    id: str
    root: Path
    last_used: float = field(default_factory=time.monotonic)
    lock: threading.RLock = field(default_factory=threading.RLock)
    #: upload name → sniffed kind (``sheet``, ``template``, ``phenopacket``, ``mapping`` …)
    kinds: dict[str, str] = field(default_factory=dict)
    #: sheet upload name → mapping YAML text (the assistant's; files without one are converted as sniffed)
    mappings: dict[str, str] = field(default_factory=dict)
    #: sheet upload name → the assistant's extras (header, suggestions, ``mapping init`` messages)
    assist: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: the last conversion (see :mod:`phenotk.serve.runs`)
    run: Any = None
    #: bytes of the uploads held (counted against the server-wide cap by ``owner``)
    held: int = 0
    #: the store that counts this workspace's bytes (None: not counted, e.g. a workspace made by hand)
    owner: Any = None
    #: how far the running conversion got (read without the lock by ``GET …/progress``; replaced, never changed)
    progress: dict[str, Any] = field(default_factory=dict)
    #: the directory prefixes :meth:`display` removes (worked out on first use)
    _prefixes: Any = field(default=None, repr=False)

    @property
    def inputs(self) -> Path:
        """Uploaded files."""
        return self.root / "inputs"

    @property
    def packets(self) -> Path:
        """Packets made by the last conversion (fixed in place on request)."""
        return self.root / "packets"

    @property
    def fixed(self) -> Path:
        """Fixed copies of uploaded phenopackets."""
        return self.root / "fixed"

    def touch(self) -> None:
        """Mark the workspace as used now (idle clean-up counts from here)."""
        self.last_used = time.monotonic()

    def path_of(self, name: str) -> Path:
        """The stored upload ``name`` (ServeError 404 when there is none)."""
        check_name(name)
        if name not in self.kinds:
            raise ServeError(404, f"no uploaded file named {name!r}")
        return self.inputs / name

    def inside(self, path: Path) -> Path:
        """``path`` resolved, if it lies in this workspace (a guard for every write)."""
        resolved = path.resolve()
        if not resolved.is_relative_to(self.root.resolve()):
            raise ServeError(400, "refused: path outside the session directory")
        if not self.root.is_dir():  # removed (idle, or the server stopping) while a request was still running
            raise ServeError(404, "no such session (it was removed); reload the page")
        return resolved

    def display(self, text: str) -> str:
        """``text`` with this workspace's directories removed from paths (what the page and reports show)."""
        if not isinstance(self._prefixes, tuple):  # resolved once: a realpath per finding took 13 of 30 s
            bases = (self.inputs, self.packets, self.fixed, self.root / "mappings", self.root)
            self._prefixes = tuple(dict.fromkeys(str(b) + os.sep for base in bases for b in (base, base.resolve())))
        if os.sep not in text:  # most messages name no path at all
            return text
        for prefix in self._prefixes:
            text = text.replace(prefix, "")
        return text

    def save_upload(self, name: str, data: bytes, limits: Limits) -> Path:
        """Store one upload after the checks (name, size, count, archives); returns its path."""
        check_name(name)
        if len(data) > limits.max_file_bytes:
            raise ServeError(413, f"{name}: {len(data)} bytes, over the upload limit of {limits.max_file_bytes}")
        with self.lock:
            twin = next((k for k in self.kinds if k != name and same_file_name(k, name)), None)
            if twin is not None:  # one file on Windows and macOS disks: the later upload would replace the other
                raise ServeError(409, f"refused: {name!r} differs from the uploaded {twin!r} only in upper/lower "
                                      "case or in how an accent is encoded; remove that one first or rename this one")
            if name not in self.kinds and len(self.kinds) >= limits.max_files:
                raise ServeError(413, f"{name}: this session already holds {limits.max_files} files (the limit)")
            target = self.inside(self.inputs / name)
            before = target.stat().st_size if name in self.kinds and target.exists() else 0
            if self.owner is not None:
                self.owner.reserve(self, name, len(data) - before)
            self.inputs.mkdir(exist_ok=True)  # never parents=True: a removed session folder is not made again
            partial = self.inside(self.inputs / f".{secrets.token_hex(6)}.part")
            try:
                partial.write_bytes(data)
                check_archive(partial, limits, name)
            except BaseException:
                partial.unlink(missing_ok=True)
                if self.owner is not None:
                    self.owner.reserve(self, name, before - len(data))  # give the room back
                raise
            os.replace(partial, target)
            # counted at once, under the lock: the caller sniffs the kind later, and until then concurrent uploads
            # saw the old count (80 parallel uploads stored 61 files in a session limited to 50)
            self.kinds[name] = self.kinds.get(name, "unknown")
            if name in self.mappings:
                # the same sheet again (a typo corrected): its mapping is kept — dropping it threw away every choice
                # made in the assistant; the header is read again from the new file when the assistant opens
                old = self.assist.get(name) or {}
                self.assist[name] = {"origin": old.get("origin"), "suggestions": {}, "messages": [], "header": None}
            self.run = None
            return target

    def remove(self, name: str) -> None:
        """Delete one upload (and the mapping made for it)."""
        with self.lock:
            path = self.path_of(name)
            size = path.stat().st_size if path.exists() else 0
            path.unlink(missing_ok=True)
            if self.owner is not None:
                self.owner.reserve(self, name, -size)
            self.kinds.pop(name, None)
            self.mappings.pop(name, None)
            self.assist.pop(name, None)
            self.run = None


class WorkspaceStore:
    """The server's workspaces under one temporary root, removed when idle and when the server stops."""

    def __init__(self, root: Path, limits: Limits) -> None:
        self.root = root
        self.limits = limits
        self._items: dict[str, Workspace] = {}
        self._lock = threading.Lock()
        self.closed = False

    def create(self) -> Workspace:
        """A new, empty workspace with its own directory (the oldest safely evictable one goes at the cap)."""
        self.sweep()
        ident = secrets.token_urlsafe(12)
        ws = Workspace(ident, self.root / ident, owner=self)
        gone: list[Workspace] = []
        try:
            with self._lock:
                if self.closed:  # a request that came in while the server stops must not make the root again
                    raise ServeError(503, "the server is stopping")
                if len(self._items) >= self.limits.max_sessions:
                    gone = self._evict(lambda: len(self._items) < self.limits.max_sessions, keep=None)
                    if len(self._items) >= self.limits.max_sessions:
                        raise ServeError(503, f"the page already has {len(self._items)} open sessions, the "
                                              f"server's limit; close browser tabs of this page you no longer "
                                              f"need, or try again once one has been unused for "
                                              f"{_minutes(self.limits.evict_idle_seconds)}")
                ws.root.mkdir()
                self._items[ident] = ws
        finally:
            self._drop(gone)
        return ws

    def total(self) -> int:
        """Bytes of uploads all workspaces hold."""
        with self._lock:
            return sum(w.held for w in self._items.values())

    def reserve(self, ws: Workspace, name: str, delta: int) -> None:
        """Count ``delta`` more bytes for ``ws`` (negative: freed); at the cap, evict idle workspaces or refuse."""
        gone: list[Workspace] = []
        try:
            with self._lock:
                if delta > 0:
                    cap = self.limits.max_total_bytes

                    def fits() -> bool:
                        return sum(w.held for w in self._items.values()) + delta <= cap

                    if not fits():
                        gone = self._evict(fits, keep=ws)
                    if not fits():
                        used = sum(w.held for w in self._items.values())
                        raise ServeError(503, f"{name}: not stored: the open sessions already hold {_mb(used)} of "
                                              f"uploads and this file would pass the server's limit of {_mb(cap)}; "
                                              "remove files you no longer need (or close other tabs of this page) "
                                              "and upload it again")
                ws.held = max(0, ws.held + delta)
        finally:
            self._drop(gone)

    def _evict(self, enough: Any, keep: Workspace | None) -> list[Workspace]:
        """Take workspaces out, oldest use first, until ``enough()``; only safe ones. Called under ``_lock``.

        Safe: unused for ``evict_idle_seconds`` (or empty and older than a minute: its tab never uploaded), and
        no request running in it (its lock is free). Their locks stay held until :meth:`_drop` removes them.
        """
        now = time.monotonic()
        taken: list[Workspace] = []
        for w in sorted(self._items.values(), key=lambda w: w.last_used):
            if enough():
                break
            idle = now - w.last_used
            unused = idle >= self.limits.evict_idle_seconds or (not w.kinds and idle >= EMPTY_GRACE_SECONDS)
            if w is keep or not unused:
                continue
            if not w.lock.acquire(blocking=False):  # a request is working in it
                continue
            self._items.pop(w.id, None)
            taken.append(w)
        return taken

    def _drop(self, gone: list[Workspace]) -> None:
        for w in gone:
            try:
                shutil.rmtree(w.root, ignore_errors=True)
            finally:
                w.lock.release()

    def get(self, ident: str) -> Workspace:
        """The workspace ``ident`` (ServeError 404 when unknown or removed)."""
        with self._lock:
            ws = self._items.get(ident)
        if ws is None:
            raise ServeError(404, "no such session (it may have been removed after idle time); reload the page")
        ws.touch()
        return ws

    def sweep(self, now: float | None = None) -> list[str]:
        """Remove workspaces idle longer than the limit; their ids."""
        now = time.monotonic() if now is None else now
        with self._lock:
            old = [k for k, ws in self._items.items() if now - ws.last_used > self.limits.idle_seconds]
            gone = [self._items.pop(k) for k in old]
        for ws in gone:
            shutil.rmtree(ws.root, ignore_errors=True)
        return old

    def close(self) -> None:
        """Remove every workspace and the root."""
        with self._lock:
            self.closed = True
            self._items.clear()
        shutil.rmtree(self.root, ignore_errors=True)


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):,.0f} MB" if n >= 1024 * 1024 else f"{n:,} bytes"


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:g} minutes" if seconds >= 60 else f"{seconds:g} seconds"
