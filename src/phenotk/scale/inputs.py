"""Listing a run's input files (on the client) and reading one (on a worker): local paths or fsspec URLs.

Local paths are listed exactly as ``phenotk validate`` lists them (files, directories, globs, zip archives),
so a file's position (``file_seq``) is its place in the single-process run. ``s3://``, ``gs://``, ``file://``
… URLs and URL globs go through fsspec (install the backend, e.g. ``s3fs``, for remote stores).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from typing import Any

from phenotk.errors import InputError

#: (path shown in findings, file name, file position, URL to read through fsspec or None, bytes/error/None)
FileItem = tuple[str, str, int, "str | None", Any]


def is_url(p: str) -> bool:
    """True for ``scheme://…``."""
    return "://" in p


def list_inputs(paths: Sequence[str | os.PathLike[str]]) -> list[FileItem]:
    """Every input file, in the order ``phenotk validate`` reads them (its position is the file's ``file_seq``)."""
    return list(iter_inputs(paths))


def iter_inputs(paths: Sequence[str | os.PathLike[str]]) -> Iterator[FileItem]:
    """:func:`list_inputs`, one file at a time (a client can submit partitions before the listing ends)."""
    seq = 0
    for raw in paths:
        p = os.fspath(raw)
        if is_url(p) and not p.startswith("file://"):
            found = _list_url(p, seq)
        else:
            local = p[len("file://") :] if p.startswith("file://") else p
            found = _list_local(local, seq)
        for item in found:
            yield item
            seq += 1


def _list_local(p: str, start: int) -> Iterator[FileItem]:
    from phenotk.io.readers import iter_sources

    seq = start
    for src in iter_sources([p]):
        if isinstance(src, InputError):
            yield (src.path or p, os.path.basename(src.path or p), seq, None, src)
        elif src.regular:  # the walk saw a regular file: no second stat here
            yield (src.path, src.name, seq, None, None)  # the worker reads it
        else:  # a zip member or stdin: its bytes travel with the task
            try:
                data: Any = src.opener()
            except (InputError, OSError) as exc:
                data = exc
            yield (src.path, src.name, seq, None, data)
        seq += 1


def _list_url(url: str, start: int) -> Iterator[FileItem]:
    import fsspec

    from phenotk.io.sniff import format_from_extension

    fs, _, found = fsspec.get_fs_token_paths(url)
    files: list[str] = []
    for p in sorted(found):
        if fs.isdir(p):
            files.extend(f for f in sorted(fs.find(p)) if format_from_extension(f.rsplit("/", 1)[-1]) is not None)
        else:
            files.append(p)
    if not files:
        err = InputError("no file matches this URL", path=url, kind="missing")
        yield (url, url.rsplit("/", 1)[-1], start, None, err)
        return
    for k, f in enumerate(files):
        full = fs.unstrip_protocol(f)
        yield (full, f.rsplit("/", 1)[-1], start + k, full, None)


def read_item(item: FileItem) -> Any:
    """The bytes of a listed input (or the error met reading it), under the current ``[tool.phenotk.limits]``."""
    path, _name, _seq, url, data = item
    if data is not None:
        return data
    try:
        if url is None:  # the single-process reader itself: same errors, same limits
            from phenotk.io.readers import read_file

            return read_file(path)
        import fsspec

        with fsspec.open(url, "rb") as fh:
            size = getattr(fh, "size", None)
            _limited(size, path)  # before reading it, when the store says its size
            return _limited_data(fh.read(), path)
    except (InputError, OSError) as exc:
        return exc


def _limited(size: int | None, path: str) -> None:
    """The single-process reader's error for a file over the run's ``limits.document-bytes``."""
    from phenotk.limits import current

    limits = current()
    if size is not None and size > limits.document_bytes:
        raise limits.exceeded("document-bytes", f"file is {size} bytes", path=path)


def _limited_data(data: bytes, path: str) -> bytes:
    _limited(len(data), path)
    return data


__all__ = ["FileItem", "is_url", "iter_inputs", "list_inputs", "read_item"]
