"""``load_ontology``: file → cached :class:`OntologyIndex` (pronto only on a cache miss)."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

from phenotk.errors import InputError

from . import cache
from .build import build_payload, obographs_consider, owl_english_labels, parse_with_pronto
from .index import OntologyIndex

#: sha256 of files hashed in this process, by (path, device, inode, size, mtime_ns, ctime_ns): no re-hashing.
_SHA: dict[tuple[str, int, int, int, int, int], str] = {}
#: Indexes loaded in this process, by (source sha256, cache file).
_MEMO: dict[tuple[str, str], OntologyIndex] = {}


def _sha256(p: Path) -> str:
    """sha256 of the file, hashed once per (path, device, inode, size, mtime, ctime) — in this process and on disk.

    Like git's "racily clean" rule, a file modified less than 2 s before hashing is not memoised: a later edit
    within the same timestamp tick could otherwise keep size and mtime. The on-disk memo
    (:func:`~phenotk.ontology.cache.read_sha_memo`) spares a new process re-hashing an unchanged HPO file.
    """
    st = p.stat()
    key = (str(p.resolve()), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    sha = _SHA.get(key)
    if sha is not None:
        return sha
    settled = time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) > 2_000_000_000
    sha = cache.read_sha_memo(key) if settled else None
    if sha is None:
        sha = cache.file_sha256(p)
        if settled:
            cache.write_sha_memo(key, sha)
    if settled:
        _SHA[key] = sha
    return sha


def missing_file_phrase(path: Path, what: str) -> str:
    """Why ``path`` is no ``what``: ``HPO file not found``, ``a directory, not an HPO file``, …."""
    article = "an" if what[:1].lower() in "aeiouh" else "a"
    if re.match(r"(https?|ftp|file):/", str(path)) and not path.exists():  # Path() made https:// https:/
        fetch = "with `phenotk ontology fetch --url URL`, or give a path" if what == "HPO file" else "and give its path"
        return f"a URL, not {article} {what}: download it {fetch}"
    if not path.exists():
        if path.is_symlink():
            return f"a broken symbolic link (to {os.readlink(path)}), not {article} {what}"
        return f"{what} not found"
    kind = "a directory" if path.is_dir() else "not a regular file"
    return f"{kind}, not {article} {what}"


def load_ontology(path: str | Path, *, use_cache: bool = True, prefix: str | None = None) -> OntologyIndex:
    """Load an ontology (``.obo``, OBO Graphs ``.json``, ``.owl``; gzip accepted) as an :class:`OntologyIndex`.

    The file is hashed (once per process while its size and mtime stay the same); an index cached under that
    hash (see :mod:`phenotk.ontology.cache`) is loaded without pronto. Otherwise pronto parses the file, the
    index is built and cached. A corrupt or stale cache file is ignored and rewritten. Raises
    :class:`~phenotk.errors.InputError` when the file is missing or unparseable, and — when ``prefix`` is given
    (``HP`` for HPO, ``MONDO`` for ``--ontology MONDO=FILE``) — when the file's terms carry another prefix: a
    MONDO file loaded as HPO would otherwise answer every ``HP:`` id as malformed and check nothing.
    """
    idx = _load(path, use_cache=use_cache)
    if prefix is not None and idx.prefix != prefix:
        raise InputError(wrong_prefix(idx, prefix), path=str(path))
    return idx


def wrong_prefix(idx: OntologyIndex, prefix: str) -> str:
    """Why ``idx`` is not the ``prefix`` ontology: ``not an HPO file: it holds TOY: terms of toy 2024-01-01``."""
    release = " ".join(x for x in (idx.ontology, idx.version) if x)
    held = f"it holds {idx.prefix}: terms" if idx.prefix else "it holds no PREFIX:number terms"
    if not len(idx):
        held = "it holds no terms"
    what = "an HPO file" if prefix == "HP" else f"the {prefix} ontology"
    return f"not {what}: {held}{f' of {release}' if release else ''}"


def _load(path: str | Path, *, use_cache: bool) -> OntologyIndex:
    p = Path(path).expanduser()
    if not p.is_file():
        raise InputError(missing_file_phrase(p, "ontology file"), path=str(path), kind="missing")
    try:
        sha = _sha256(p)
    except OSError as exc:
        raise InputError(f"cannot read ontology file: {exc.strerror or exc}", path=str(path)) from exc
    if use_cache:
        key = (sha, str(cache.index_path(sha)))
        hit = _MEMO.get(key)
        if hit is not None:
            hit.source = str(p)
            return hit
        idx = cache.read_cached(sha)
        if idx is not None:
            idx.source = str(p)
            _MEMO[key] = idx
            return idx
    ont = parse_with_pronto(p)
    payload = build_payload(
        ont, source=str(p), sha256=sha, extra_consider=obographs_consider(p), labels_by_id=owl_english_labels(p)
    )
    idx = OntologyIndex(payload)
    if use_cache:
        cache.write_cached(idx)
        _MEMO[(sha, str(cache.index_path(sha)))] = idx
    return idx


def index_from_pronto(ont: object, *, source: str | Path = "<pronto>", sha256: str = "") -> OntologyIndex:
    """Build an index from an already parsed ``pronto.Ontology`` (not cached); ``source`` is its file, if any."""
    is_file = Path(source).is_file()
    extra = obographs_consider(source) if is_file else {}
    labels = owl_english_labels(source) if is_file else {}
    payload = build_payload(ont, source=str(source), sha256=sha256, extra_consider=extra, labels_by_id=labels)  # type: ignore[arg-type]
    return OntologyIndex(payload)
