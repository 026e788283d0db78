"""Finding the HPO to use (GUIDE §2) and downloading the pinned release.

Order: explicit path (``--hpo``) → env ``PHENOTK_HPO`` → config (``[tool.phenotk] hpo = …`` in
``pyproject.toml``, or ``hpo = …`` / ``[tool.phenotk] hpo = …`` in ``phenotk.toml``, in the working directory or above)
→ a release in the cache (the one last fetched, else the pinned one) → download of the pinned release.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from phenotk.errors import InputError, PhenotkError, UsageError

from .cache import file_sha256, ontology_cache_dir, sweep_temporaries
from .index import OntologyIndex
from .load import load_ontology, missing_file_phrase, wrong_prefix

#: The HPO release phenotk downloads when nothing else is configured.
PINNED_RELEASE = "2025-05-06"
#: Where releases are downloaded from (``{release}`` is the date); override with env ``PHENOTK_HPO_URL``.
RELEASE_URL = "https://github.com/obophenotype/human-phenotype-ontology/releases/download/v{release}/hp.json"


@dataclass(frozen=True)
class ReleaseInfo:
    """Known size and sha256 of a release file (checked after download)."""

    size: int
    sha256: str


#: Releases whose bytes phenotk knows (taken from the 2025-05-06 ``hp.json`` in the team's shared data).
KNOWN_RELEASES: dict[str, ReleaseInfo] = {
    "2025-05-06": ReleaseInfo(21_538_866, "10766771eaec15f78d3d2e7807698fe5cf9d0e6f08ef9998c28e88883837d6a7"),
}

_MIN_RELEASE_BYTES = 1_000_000
ProgressFn = Callable[[int, "int | None"], None]
Opener = Callable[..., Any]


class HpoNotAvailable(PhenotkError):
    """No HPO file was given, configured or cached, and none could be downloaded.

    Callers that can work without HPO (``validate`` skips HPO checks) catch this; its message tells the user
    exactly how to point phenotk at a file.
    """

    def __str__(self) -> str:
        return self.message


def how_to_point_at_hpo() -> str:
    """The one-paragraph advice given whenever HPO is not available."""
    return (
        "point phenotk at an HPO file (hp.json, hp.obo or hp.owl, .gz accepted) with --hpo PATH, "
        'or env PHENOTK_HPO=PATH, or `hpo = "PATH"` under [tool.phenotk] in pyproject.toml '
        "(or in phenotk.toml) in the working directory or above; or run `phenotk ontology fetch` while online "
        f"to cache HPO {PINNED_RELEASE}"
    )


@dataclass(frozen=True)
class HpoSource:
    """A located HPO file and how it was found (``--hpo``, ``PHENOTK_HPO``, ``config:<file>``, ``cache``)."""

    path: Path
    origin: str


def releases_dir() -> Path:
    """``<cache>/ontology/releases``: downloaded release files and the ``current`` pointer."""
    return ontology_cache_dir() / "releases"


def release_path(release: str) -> Path:
    """Cache path of a downloaded HPO release."""
    return releases_dir() / f"hp-{release}.json"


def _read_toml(path: Path) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib

    try:
        with open(path, "rb") as fh:
            raw = fh.read()
        return tomllib.loads(raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8"))  # Notepad's byte-order mark
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"invalid TOML: {exc}", path=str(path)) from exc
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=str(path)) from exc


def _names_phenotk(path: Path) -> bool:
    """A pyproject.toml that TOML cannot read but that has a ``[tool.phenotk`` table header (or ``tool.phenotk``)."""
    try:
        with open(path, "rb") as fh:
            text = fh.read(1 << 20)
    except OSError:
        return False
    for enc in ("utf-16",) if text[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8",):
        return "tool.phenotk" in text.decode(enc, errors="replace").replace(" ", "")
    return False


def nearest_config(start: Path) -> Path | None:
    """The config file a run started in ``start`` reads (``phenotk validate``'s ``find_config`` calls this).

    The nearest ``phenotk.toml``, or ``pyproject.toml`` with a ``[tool.phenotk]`` table, from ``start`` upwards;
    an unreadable or broken ``pyproject.toml`` (another project's) is passed over.
    """
    here = start.resolve()
    for d in (here, *here.parents):
        cand = d / "phenotk.toml"
        if cand.is_file():
            return cand
        pp = d / "pyproject.toml"
        if pp.is_file():
            try:
                data = _read_toml(pp)
            except (InputError, ValueError, RecursionError):  # not UTF-8 (a ValueError), nested too deeply
                if _names_phenotk(pp):  # ours but broken: loading it says where (its settings were lost silently)
                    return pp
                continue
            if isinstance(data.get("tool"), dict) and "phenotk" in data["tool"]:
                return pp
    return None


def config_hpo(cwd: str | Path | None = None) -> HpoSource | None:
    """The ``hpo`` setting of the config file: ``phenotk.toml`` or ``pyproject.toml`` ``[tool.phenotk]``.

    ``cwd=None``: the config ``phenotk validate`` reads, found from the working directory upwards (so
    ``phenotk ontology info`` in a sub-folder names the HPO that ``validate`` there uses); ``cwd`` given: that
    folder only (``phenotk.toml`` wins over ``pyproject.toml``). Relative paths are taken relative to the config
    file.
    """
    if cwd is None:
        try:
            here = Path.cwd()
        except OSError:  # the working directory was deleted: no config file can be there
            return None
        nearest = nearest_config(here)
        candidates = [nearest] if nearest is not None else []
    else:
        candidates = [Path(cwd) / name for name in ("phenotk.toml", "pyproject.toml")]
    for cfg in candidates:
        if not cfg.is_file():
            continue
        data = _read_toml(cfg)
        section = data.get("tool", {}).get("phenotk", {}) if isinstance(data.get("tool"), dict) else {}
        value = section.get("hpo") if isinstance(section, dict) else None
        if value is None and cfg.name == "phenotk.toml":
            value = data.get("hpo")
        if value is None:
            continue
        if not isinstance(value, str) or not value.strip():
            raise InputError("`hpo` must be a path string", path=str(cfg))
        p = Path(value).expanduser()
        return HpoSource(p if p.is_absolute() else cfg.parent / p, f"config:{cfg}")
    return None


def _cached_releases() -> list[Path]:
    """Release files in the cache, in the order they are tried: the one last fetched, then the pinned one."""
    d = releases_dir()
    try:
        name = (d / "current").read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        name = ""
    found = [d / name] if name and "/" not in name and "\\" not in name and (d / name).is_file() else []
    pinned = release_path(PINNED_RELEASE)
    if pinned.is_file() and pinned not in found:
        found.append(pinned)
    return found


def cached_release() -> HpoSource | None:
    """The HPO release in the cache: the one ``phenotk ontology fetch`` stored last, else the pinned one."""
    found = _cached_releases()
    return HpoSource(found[0], "cache") if found else None


def find_hpo(path: str | Path | None = None, *, cwd: str | Path | None = None) -> HpoSource | None:
    """The HPO file the resolution order picks, without downloading (None when nothing is found)."""
    if path is not None and str(path) != "":
        return HpoSource(Path(path).expanduser(), "--hpo")
    env = os.environ.get("PHENOTK_HPO")
    if env:
        return HpoSource(Path(env).expanduser(), "PHENOTK_HPO")
    return config_hpo(cwd) or cached_release()


def _downloads_allowed() -> bool:
    return os.environ.get("PHENOTK_OFFLINE", "").lower() not in ("1", "true", "yes")


def resolve_hpo(
    path: str | Path | None = None,
    *,
    download: bool | None = None,
    progress: ProgressFn | None = None,
    cwd: str | Path | None = None,
    prefix: str | None = "HP",
) -> OntologyIndex:
    """The HPO index per GUIDE §2: ``path`` → ``PHENOTK_HPO`` → config → cached release → download.

    ``download=None`` downloads the pinned release unless env ``PHENOTK_OFFLINE=1``. A path given explicitly
    (argument, env, config) that is missing or unparseable raises :class:`InputError` naming it, and so does a
    file whose terms are not ``prefix`` ones (a MONDO or toy ontology given as HPO; ``prefix=None`` accepts any
    ontology, as ``phenotk ontology info`` does); when nothing is found and nothing can be downloaded, raises
    :class:`HpoNotAvailable` with instructions.
    """
    src = find_hpo(path, cwd=cwd)
    damaged: list[str] = []
    if src is not None and src.origin == "cache":
        for candidate in _cached_releases():
            cached = _load_cached_release(candidate, damaged)
            if cached is not None:
                return cached
        src = None  # damaged cached releases were removed: fall through to the download
    if src is not None:
        if not src.path.is_file():
            where = {"--hpo": "--hpo", "PHENOTK_HPO": "env PHENOTK_HPO"}.get(src.origin, src.origin)
            raise InputError(f"{missing_file_phrase(src.path, 'HPO file')} (from {where})", path=str(src.path),
                             kind="missing")  # fmt: skip
        idx = load_ontology(src.path)
        if prefix is not None and idx.prefix != prefix:
            where = {"--hpo": "--hpo", "PHENOTK_HPO": "env PHENOTK_HPO"}.get(src.origin, src.origin)
            raise InputError(f"{wrong_prefix(idx, prefix)} (from {where})", path=str(src.path))
        idx.origin = src.origin
        return idx
    if download is None:
        download = _downloads_allowed()
    if not download:
        found = "; ".join(damaged) if damaged else "no HPO ontology found"
        raise HpoNotAvailable(f"{found}; {how_to_point_at_hpo()}")
    target = fetch_release(PINNED_RELEASE, progress=progress)
    idx = load_ontology(target)
    idx.origin = "download"
    return idx


def _release_of(path: Path) -> str | None:
    name = path.name
    return name[3:-5] if name.startswith("hp-") and name.endswith(".json") else None


def _load_cached_release(path: Path, damaged: list[str]) -> OntologyIndex | None:
    """A release file from the cache, or None (the reason appended to ``damaged``).

    A file that fails to parse or its known checksum is deleted; one that cannot be read (another user's cache,
    a permission problem) is kept.
    """
    known = KNOWN_RELEASES.get(_release_of(path) or "")
    if not os.access(path, os.R_OK):
        damaged.append(f"cached HPO release {path} cannot be read (permission denied)")
        return None
    try:
        idx: OntologyIndex | None = load_ontology(path)
        problem = None
    except InputError as exc:
        idx, problem = None, exc.message
    if idx is not None and known is not None and idx.source_sha256 != known.sha256:
        problem = f"sha256 {idx.source_sha256} is not the known {known.sha256}"
        idx = None
    if idx is None:
        try:
            path.unlink(missing_ok=True)
            gone = "removed"
        except OSError as exc:
            gone = f"not removed: {exc.strerror or exc}"
        damaged.append(f"cached HPO release {path} was damaged ({problem}) and {gone}")
        return None
    idx.origin = "cache"
    return idx


def try_resolve_hpo(path: str | Path | None = None, **kwargs: Any) -> OntologyIndex | None:
    """Like :func:`resolve_hpo` but returns None instead of raising :class:`HpoNotAvailable`."""
    try:
        return resolve_hpo(path, **kwargs)
    except HpoNotAvailable:
        return None


def _stream(resp: IO[bytes], out: IO[bytes], total: int | None, progress: ProgressFn | None) -> tuple[int, str]:
    h = hashlib.sha256()
    done = 0
    while chunk := resp.read(1 << 16):
        out.write(chunk)
        h.update(chunk)
        done += len(chunk)
        if progress is not None:
            progress(done, total)
    return done, h.hexdigest()


def fetch_release(
    release: str | None = None,
    *,
    url: str | None = None,
    progress: ProgressFn | None = None,
    opener: Opener | None = None,
    force: bool = False,
    timeout: float = 60.0,
) -> Path:
    """Download an HPO release (``hp.json``) into the cache and make it the cached release; returns its path.

    Checks: bytes received equal Content-Length; size and sha256 equal the known values for releases in
    :data:`KNOWN_RELEASES`; otherwise at least 1 MB. Then the file is parsed (the index gets cached) and its
    data-version must name ``release``. An already cached file is reused unless ``force``. Failures raise
    :class:`HpoNotAvailable` (network) or leave nothing behind.
    """
    release = release or PINNED_RELEASE
    if re.fullmatch(r"v\d{4}-\d{2}-\d{2}", release):  # the tag name on GitHub (v2025-05-06)
        release = release[1:]
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", release):  # also keeps the name inside the releases folder
        raise UsageError(f"an HPO release is a date (YYYY-MM-DD, e.g. {PINNED_RELEASE}), not {release!r}")
    dest = release_path(release)
    known = KNOWN_RELEASES.get(release)
    try:
        cached = dest.is_file() and not force and (known is None or file_sha256(dest) == known.sha256)
        if cached and known is None:  # no checksum to trust: a release that no longer parses is fetched again
            load_ontology(dest)
    except (OSError, InputError):
        cached = False  # unreadable or damaged: downloaded again over it
    if cached:
        _set_current(dest)
        return dest
    url = url or os.environ.get("PHENOTK_HPO_URL") or RELEASE_URL.format(release=release)
    import urllib.error  # here, not at the top: urllib.request costs ~20 ms at start-up (ssl, http.client)
    import urllib.request

    opener = opener or urllib.request.urlopen
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        sweep_temporaries(dest.parent, ".download-")
        fd, tmp_name = tempfile.mkstemp(dir=dest.parent, prefix=".download-", suffix=".json")
    except OSError as exc:
        raise HpoNotAvailable(
            f"cannot write the HPO cache folder {dest.parent} ({exc.strerror or exc}): set env PHENOTK_CACHE_DIR "
            f"to a writable folder, or {how_to_point_at_hpo()}"
        ) from exc
    tmp = Path(tmp_name)
    try:
        try:
            with os.fdopen(fd, "wb") as out, opener(url, timeout=timeout) as resp:
                length = resp.headers.get("Content-Length") if getattr(resp, "headers", None) else None
                total = int(length) if length and str(length).isdigit() else (known.size if known else None)
                size, digest = _stream(resp, out, total, progress)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", None) or exc
            msg = f"cannot download HPO {release} from {url} ({reason}); {how_to_point_at_hpo()}"
            raise HpoNotAvailable(msg) from exc
        if length and str(length).isdigit() and size != int(length):
            problem: str | None = f"download truncated: {size} of {length} bytes"
        else:
            unpacked = _gunzip_in_place(tmp)  # a release served gzipped (hp.json.gz): checked as its content
            if isinstance(unpacked, str):
                problem = unpacked
            else:
                if unpacked is not None:
                    size, digest = unpacked
                problem = _content_problem(size, digest, known)
        if problem:
            raise HpoNotAvailable(f"HPO {release} from {url}: {problem}; {how_to_point_at_hpo()}")
        try:
            idx = load_ontology(tmp)
        except InputError as exc:
            raise HpoNotAvailable(f"HPO {release} from {url} is not a readable ontology ({exc.message})") from exc
        if idx.prefix != "HP" or (idx.version and idx.version != release):
            raise HpoNotAvailable(
                f"file from {url} is {idx.prefix} release {idx.version}, not HPO {release}; {how_to_point_at_hpo()}"
            )
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    _set_current(dest)
    return dest


def _content_problem(size: int, digest: str, known: ReleaseInfo | None) -> str | None:
    """Why a downloaded release (``size`` bytes, sha256 ``digest``) is not the release it should be, or None."""
    if known is not None and (size != known.size or digest != known.sha256):
        return f"checksum mismatch: got {size} bytes sha256 {digest}, expected {known.size} bytes {known.sha256}"
    if known is None and size < _MIN_RELEASE_BYTES:
        return f"download too small to be an HPO release ({size} bytes)"
    return None


def _gunzip_in_place(path: Path) -> tuple[int, str] | str | None:
    """Replace a gzip file by its content: (size, sha256) of the content, a problem, or None if not gzip."""
    import gzip
    import shutil
    import zlib

    with open(path, "rb") as fh:
        if fh.read(2) != b"\x1f\x8b":
            return None
    plain = path.with_name(path.name + ".plain")
    try:
        with gzip.open(path, "rb") as src, open(plain, "wb") as out:
            shutil.copyfileobj(src, out, 1 << 20)
        os.replace(plain, path)
    except (OSError, EOFError, zlib.error) as exc:
        return f"damaged gzip download ({exc})"
    finally:
        plain.unlink(missing_ok=True)
    return path.stat().st_size, file_sha256(path)


def _set_current(path: Path) -> None:
    try:
        (path.parent / "current").write_text(path.name + "\n", encoding="utf-8")
    except OSError:
        pass
