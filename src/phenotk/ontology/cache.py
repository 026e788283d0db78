r"""On-disk cache of ontology indexes, keyed by the sha256 of the source file.

File layout (one file per source hash and format, ``<cache>/ontology/index/<sha256>.v<format>.idx``: two phenotk
versions sharing a cache keep one file each instead of rebuilding over each other)::

    8 bytes  magic  b"PHTKONT\0"
    4 bytes  format version (little endian)
    32 bytes sha256 of the payload
    …        payload: marshal of the builtin-only dict built by :mod:`.build`, its ``synonyms`` list marshalled
             once more into bytes (unpacked on first use: most runs never ask for a synonym)

A cache file is used only when magic, format version and payload checksum match, it unmarshals, and the
payload names the same source hash, index format, pronto version and shape; anything else is treated as absent
and rebuilt (stale or corrupt caches are never trusted).

Beside it, written on the first :meth:`~phenotk.ontology.OntologyIndex.lookup` and read only by later ones, the
label/synonym table (``<sha256>.v<format>.lookup<lookup format>``, see :func:`read_lookup`): building it costs
~0.1 s, reading it a few milliseconds, and index loads never touch it.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import struct
import sys
import tempfile
from array import array
from pathlib import Path
from typing import Any

from .build import builder
from .index import FORMAT_VERSION, LookupTable, OntologyIndex

MAGIC = b"PHTKONT\0"
#: Version of the cached lookup table (:func:`read_lookup`); bump it whenever its layout or meaning changes.
LOOKUP_FORMAT = 2
_HEADER = struct.Struct("<8sI32s")
_REQUIRED = (
    *("format", "builder", "source", "source_sha256", "ontology", "data_version", "version", "prefix", "id_width"),
    *("ids", "labels", "synonyms", "obsolete", "replaced_by", "consider", "alt"),
    *("par_ptr", "par_idx", "anc_ptr", "anc_idx", "desc_ptr", "desc_idx", "numbers"),
)


def cache_dir() -> Path:
    """The phenotk cache directory: ``$PHENOTK_CACHE_DIR`` or the platform's user cache dir (platformdirs)."""
    env = os.environ.get("PHENOTK_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    if sys.platform == "linux":  # platformdirs' XDG rule, without importing it (start-up of a one-file run)
        return Path(os.environ.get("XDG_CACHE_HOME", "").strip() or os.path.expanduser("~/.cache")) / "phenotk"
    import platformdirs

    return Path(platformdirs.user_cache_dir("phenotk", appauthor=False))


def ontology_cache_dir() -> Path:
    """``<cache>/ontology``: indexes in ``index/``, downloaded releases in ``releases/``."""
    return cache_dir() / "ontology"


def index_path(sha256: str) -> Path:
    """Where the index of a source file with this hash is cached (in this index format)."""
    return ontology_cache_dir() / "index" / f"{sha256}.v{FORMAT_VERSION}.idx"


def file_sha256(path: str | Path) -> str:
    """Hex sha256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def sha_memo_path(key: tuple[object, ...]) -> Path:
    """Where the sha256 of a file with this stat key (see :func:`read_sha_memo`) is remembered."""
    name = hashlib.sha1(repr(key).encode("utf-8"), usedforsecurity=False).hexdigest()
    return ontology_cache_dir() / "sha256" / name


def read_sha_memo(key: tuple[object, ...]) -> str | None:
    """The remembered sha256 of the file with this stat key, or None.

    ``key`` is (resolved path, device, inode, size, mtime_ns, ctime_ns): any write to the file changes its
    ctime, which no user call can set back, so a hit names the same bytes. Hashing HPO (21 MB) costs ~15 ms,
    a tenth of ``phenotk validate one.json``; this memo turns it into one small read. The memo file repeats the
    key; a file that does not is ignored.
    """
    try:
        text = sha_memo_path(key).read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    sha, _, rest = text.partition("\n")
    if rest.rstrip("\n") != repr(key) or len(sha) != 64 or sha.strip("0123456789abcdef"):
        return None
    return sha


def write_sha_memo(key: tuple[object, ...], sha: str) -> None:
    """Remember ``sha`` for ``key`` (atomically; silently nothing when the cache is not writable)."""
    write_blob(sha_memo_path(key), f"{sha}\n{key!r}\n".encode())


#: A temporary cache or download file untouched this long was left by a killed process (a live one writes on).
STALE_TEMP_SECONDS = 3600


def sweep_temporaries(folder: Path, prefix: str) -> None:
    """Delete ``prefix*`` files in ``folder`` untouched for :data:`STALE_TEMP_SECONDS` (a killed run's leftovers).

    A download killed half-way leaves a ``.download-*`` file (up to 21 MB), a build killed while writing a
    ``.tmp-*`` one; nothing else ever removes them. Files still being written are younger and kept.
    """
    import time

    limit = time.time() - STALE_TEMP_SECONDS
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        try:
            stale = entry.name.startswith(prefix) and entry.is_file(follow_symlinks=False)
            if stale and entry.stat(follow_symlinks=False).st_mtime < limit:
                os.unlink(entry.path)
        except OSError:
            continue


def write_blob(path: Path, data: bytes) -> bool:
    """Write a cache file atomically (temporary file + rename); False when the cache dir is not writable."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        return False
    return True


def sealed(body: bytes) -> bytes:
    """``body`` behind its sha256 (what :func:`unsealed` checks)."""
    return hashlib.sha256(body).digest() + body


def unsealed(blob: bytes) -> bytes | None:
    """The body of a :func:`sealed` blob, or None when it is damaged."""
    body = blob[32:]
    return body if len(blob) >= 32 and hashlib.sha256(body).digest() == blob[:32] else None


def dumps(payload: dict[str, Any]) -> bytes:
    """Serialise an index payload (header + marshal)."""
    if not isinstance(payload["synonyms"], bytes):  # one nested blob, unpacked only when a run asks for synonyms
        payload = {**payload, "synonyms": marshal.dumps(payload["synonyms"])}
    body = marshal.dumps(payload)
    return _HEADER.pack(MAGIC, FORMAT_VERSION, hashlib.sha256(body).digest()) + body


def loads(blob: bytes, *, expect_sha256: str | None = None) -> dict[str, Any] | None:
    """The payload of a cache blob, or None if it is corrupt, stale or from another format version."""
    if len(blob) < _HEADER.size:
        return None
    magic, version, digest = _HEADER.unpack_from(blob)
    if magic != MAGIC or version != FORMAT_VERSION:
        return None
    body = memoryview(blob)[_HEADER.size :]
    if hashlib.sha256(body).digest() != digest:
        return None
    try:
        payload = marshal.loads(body)
    except (ValueError, EOFError, TypeError):
        return None
    if not isinstance(payload, dict) or any(k not in payload for k in _REQUIRED):
        return None
    if payload["format"] != FORMAT_VERSION or payload["builder"] != builder():
        return None
    if expect_sha256 is not None and payload["source_sha256"] != expect_sha256:
        return None
    n = len(payload["ids"])
    syn = payload["synonyms"]  # a packed blob (checked when unpacked) or a list
    if len(payload["labels"]) != n or (not isinstance(syn, bytes) and len(syn) != n):
        return None
    if len(payload["par_ptr"]) != 4 * (n + 1):
        return None
    return payload


def read_cached(sha256: str) -> OntologyIndex | None:
    """The cached index for a source hash, or None (absent, unreadable, corrupt or stale)."""
    path = index_path(sha256)
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    payload = loads(blob, expect_sha256=sha256)
    if payload is None:
        return None
    idx = OntologyIndex(payload)
    idx.cache_path = str(path)
    idx.loaded_from_cache = True
    return idx


def write_cached(idx: OntologyIndex) -> Path | None:
    """Store an index atomically (temporary file + rename); None if the cache dir is not writable."""
    path = index_path(idx.source_sha256)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        sweep_temporaries(path.parent, ".tmp-")  # only on a cache miss: never on the warm path
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".idx")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(dumps(idx.to_payload()))
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        idx.cache_problem = f"cannot write {path.parent}: {exc.strerror or exc}"
        return None
    idx.cache_path = str(path)
    return path


def lookup_path(idx: OntologyIndex) -> Path | None:
    """Where the lookup table of a cached index lives (beside its index file); None for an index not cached."""
    if idx.cache_path is None or not idx.source_sha256:
        return None
    return Path(idx.cache_path).with_suffix(f".lookup{LOOKUP_FORMAT}")


def _lookup_head(idx: OntologyIndex) -> tuple[object, ...]:
    """What a lookup file must name to belong to ``idx``: its own format, the index's source, format and parser."""
    return ("lookup", LOOKUP_FORMAT, FORMAT_VERSION, idx.source_sha256, idx.builder, len(idx))


def read_lookup(idx: OntologyIndex) -> LookupTable | None:
    """The cached lookup table of ``idx``, or None (not cached, unreadable, damaged or another index's).

    The sealed body is a marshalled ``(head, keys, numbers, several)``: ``keys`` the texts naming one term, in
    sorted order, ``numbers`` (``array('I')`` bytes) that term's number for each, ``several`` the texts naming
    more than one (text -> ranked term numbers). Nothing is hashed: the keys are checked to be in order and
    searched by bisection (:class:`~phenotk.ontology.index.LookupTable`).
    """
    path = lookup_path(idx)
    if path is None:
        return None
    try:
        body = unsealed(path.read_bytes())
        if body is None:
            return None
        head, keys, numbers, several = marshal.loads(body)
        nums = array("I")
        nums.frombytes(numbers)
        if type(keys) is not list or keys != sorted(keys):  # keys of other types than str do not compare
            return None
    except (OSError, ValueError, EOFError, TypeError):
        return None
    n = len(idx)
    if head != _lookup_head(idx) or len(keys) != len(nums) or type(several) is not dict:
        return None
    if nums and max(nums) >= n:
        return None
    for terms in several.values():
        if type(terms) is not tuple or not all(type(i) is int and 0 <= i < n for i in terms):
            return None
    if not all(type(k) is str for k in several):
        return None
    return LookupTable(keys, nums, several)


def write_lookup(idx: OntologyIndex, table: LookupTable) -> bool:
    """Store the lookup table of a cached index beside its index file (atomically); False when not stored."""
    path = lookup_path(idx)
    if path is None:
        return False
    body: Any = (_lookup_head(idx), table.keys, table.numbers.tobytes(), table.several)
    return write_blob(path, sealed(marshal.dumps(body)))
