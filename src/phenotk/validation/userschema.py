"""User JSON Schemas (``--require SCHEMA.json``): validators that never reach the network and never hang.

Two dangers of running a schema someone else wrote:

* **Network.** jsonschema fetches an unknown ``$ref`` (``https://…``) with ``urllib`` by default. Here references
  resolve locally only: inside the schema itself (``#/$defs/…``, an embedded ``$id``), the metaschemas jsonschema
  ships, or a file beside the schema (a relative ``$ref``, confined to the schema's folder, regular file, size
  capped). A remote reference is refused when the schema is loaded, with the reference named.
* **Catastrophic backtracking.** ``"pattern": "^(a+)+$"`` takes exponential time in Python's ``re`` on a
  41-character id. Neither ``regex`` (with its ``timeout=``) nor ``google-re2`` (linear time) is a dependency, and
  a running ``re`` match cannot be interrupted in its own thread (it holds the interpreter until it returns), so
  a pattern whose structure allows exponential backtracking — a repeat around another repeat, an alternation or
  a back-reference — is matched in a helper process with a time limit (:data:`PATTERN_TIMEOUT` seconds); a
  value that exceeds it is a finding, not a hang. Every other pattern runs in ``re`` directly.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from phenotk.errors import UsageError

#: seconds one guarded ``pattern`` match may take
PATTERN_TIMEOUT = 1.0
#: largest schema file read through a relative ``$ref``
MAX_REF_BYTES = 16 * 1024 * 1024

try:  # Python 3.11+: the parser moved to re._parser
    from re import _parser as _sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_parse as _sre_parse  # type: ignore[no-redef]

_REPEATS = {_sre_parse.MAX_REPEAT, _sre_parse.MIN_REPEAT, getattr(_sre_parse, "POSSESSIVE_REPEAT", None)}


def _children(av: Any) -> Iterator[Any]:
    if isinstance(av, _sre_parse.SubPattern):
        yield av
    elif isinstance(av, (list, tuple)):
        for item in av:
            yield from _children(item)


def _ambiguous(sub: Any) -> bool:
    """True when ``sub`` holds a repeat, an alternation or a back-reference (ways to match one text twice)."""
    for op, av in sub:
        if (op in _REPEATS and av[1] > 1) or op in (_sre_parse.BRANCH, _sre_parse.GROUPREF,
                                                    _sre_parse.GROUPREF_EXISTS):
            return True
        if any(_ambiguous(child) for child in _children(av)):
            return True
    return False


def _prone(sub: Any) -> bool:
    for op, av in sub:
        if op in (_sre_parse.GROUPREF, _sre_parse.GROUPREF_EXISTS):
            return True
        if op in _REPEATS and av[1] > 1 and _ambiguous(av[2]):
            return True
        if any(_prone(child) for child in _children(av)):
            return True
    return False


def may_backtrack(pattern: str) -> bool:
    """True when ``pattern`` may take exponential time in ``re`` (nested or alternating repeats, back-references)."""
    try:
        return _prone(_sre_parse.parse(pattern))
    except (re.error, RecursionError, OverflowError):
        return False  # jsonschema reports the bad pattern itself


def _search(pattern: str, text: str) -> bool:
    return re.search(pattern, text) is not None


class PatternGuard:
    """Runs risky ``re.search`` calls in one helper process, killed and restarted when a call exceeds the limit."""

    def __init__(self, timeout: float = PATTERN_TIMEOUT) -> None:
        self.timeout = timeout
        self._pool: ProcessPoolExecutor | None = None
        self._risky: dict[str, bool] = {}

    def search(self, pattern: str, text: str) -> bool | None:
        """``re.search(pattern, text)`` found something; None when it ran past the time limit."""
        risky = self._risky.get(pattern)
        if risky is None:
            risky = self._risky[pattern] = may_backtrack(pattern)
        if not risky:
            return re.search(pattern, text) is not None
        if self._pool is None:
            import multiprocessing

            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        future = self._pool.submit(_search, pattern, text)
        try:
            return future.result(timeout=self.timeout)
        except FutureTimeout:
            self.close()
            return None

    def close(self) -> None:
        """Stop the helper process (killing a match still running)."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        for proc in list(getattr(pool, "_processes", {}).values()):
            proc.kill()
        pool.shutdown(wait=False, cancel_futures=True)


_GUARD = PatternGuard()


def _timeout_error(pattern: str) -> Any:
    from jsonschema.exceptions import ValidationError

    return ValidationError(
        f"pattern {pattern[:80]!r} ran over {_GUARD.timeout:g} s on this value and was stopped (catastrophic "
        "backtracking); rewrite the pattern without nested repeats"
    )


def _pattern(validator: Any, patrn: str, instance: Any, schema: Any) -> Iterator[Any]:
    from jsonschema.exceptions import ValidationError

    if not validator.is_type(instance, "string"):
        return
    found = _GUARD.search(patrn, instance)
    if found is None:
        yield _timeout_error(patrn)
    elif not found:
        yield ValidationError(f"{instance!r} does not match {patrn!r}")


def _pattern_properties(validator: Any, properties: dict[str, Any], instance: Any, schema: Any) -> Iterator[Any]:
    if not validator.is_type(instance, "object"):
        return
    for patrn, subschema in properties.items():
        for key, value in instance.items():
            found = _GUARD.search(patrn, key)
            if found is None:
                yield _timeout_error(patrn)
                return
            if found:
                yield from validator.descend(value, subschema, path=key, schema_path=patrn)


# ---------------------------------------------------------------- references


def _refuse_remote(uri: str) -> Any:
    raise UsageError(f"the schema refers to {uri!r}; phenotk does not fetch schemas from the network")


def _local_retriever(folder: str) -> Any:
    """``retrieve`` for a referencing Registry: files under ``folder`` only; anything remote is refused."""
    from referencing import Resource
    from referencing.jsonschema import DRAFT202012

    root = os.path.join(os.path.realpath(folder), "")

    def retrieve(uri: str) -> Any:
        parts = urlsplit(uri)
        if parts.scheme not in ("", "file") or parts.netloc not in ("", "localhost"):
            _refuse_remote(uri)
        path = unquote(parts.path)
        full = os.path.realpath(path if os.path.isabs(path) else os.path.join(folder, path))
        if not full.startswith(root):
            raise UsageError(f"the schema refers to {uri!r}, outside the schema's folder; not read")
        try:
            fd = os.open(full, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        except OSError as exc:
            raise UsageError(f"cannot read the schema {uri!r}: {exc.strerror or exc}") from None
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_REF_BYTES:
                raise UsageError(f"the schema {uri!r} is not a regular file under {MAX_REF_BYTES} bytes")
            try:
                contents = json.loads(fh.read())
            except (ValueError, RecursionError) as exc:
                raise UsageError(f"the schema {uri!r} is not JSON: {exc}") from None
        return Resource.from_contents(contents, default_specification=DRAFT202012)

    return retrieve


def _ids(node: Any, base: str, out: set[str], depth: int = 0) -> None:
    """Every base URI a schema defines (``$id``), joined with its parents."""
    if depth > 500:
        return
    if isinstance(node, dict):
        ident = node.get("$id") or node.get("id")
        if isinstance(ident, str):
            base = urljoin(base, ident)
            out.add(urldefrag(base)[0])
        for value in node.values():
            _ids(value, base, out, depth + 1)
    elif isinstance(node, list):
        for value in node:
            _ids(value, base, out, depth + 1)


def _refs(node: Any, base: str, depth: int = 0) -> Iterator[str]:
    if depth > 500:
        return
    if isinstance(node, dict):
        ident = node.get("$id") or node.get("id")
        if isinstance(ident, str):
            base = urljoin(base, ident)
        for key in ("$ref", "$dynamicRef", "$recursiveRef"):
            if isinstance(node.get(key), str):
                yield urljoin(base, node[key])
        for value in node.values():
            yield from _refs(value, base, depth + 1)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value, base, depth + 1)


def check_references(schema: dict[str, Any], path: str) -> None:
    """Refuse, when the schema is loaded, a ``$ref`` that would need the network or a file that is not there.

    Raises ``UsageError`` naming the schema file and the reference. A relative reference is read here once
    (beside the schema, confined to its folder), so validation itself never meets an unresolvable one.
    """
    from jsonschema.validators import SPECIFICATIONS

    retrieve = _local_retriever(os.path.dirname(os.path.abspath(path)))

    local: set[str] = {""}
    _ids(schema, "", local)
    for ref in _refs(schema, ""):
        doc = urldefrag(ref)[0]
        if doc in local:
            continue
        try:
            SPECIFICATIONS.get_or_retrieve(doc)
            continue  # a metaschema jsonschema ships (draft 2020-12, 2019-09, 7, …)
        except Exception:  # referencing raises its own hierarchy; any failure means "not shipped"
            pass
        scheme = urlsplit(doc).scheme
        if scheme not in ("", "file"):
            raise UsageError(
                f"the schema refers to {doc!r}; phenotk does not fetch schemas from the network (save it next to "
                "this schema and refer to it by file name)",
                path=path,
            )
        try:
            retrieve(doc)
        except UsageError as exc:
            exc.path = path
            raise


def validator_for(schema: dict[str, Any], folder: str | None = None) -> Any:
    """A jsonschema validator for a user schema: local references only, guarded regular expressions."""
    import jsonschema
    from jsonschema.validators import SPECIFICATIONS
    from referencing import Registry

    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    safe = jsonschema.validators.extend(cls, {"pattern": _pattern, "patternProperties": _pattern_properties})
    if folder is None:
        ident = schema.get("$id")
        parts = urlsplit(ident) if isinstance(ident, str) else None
        folder = os.path.dirname(unquote(parts.path)) if parts and parts.scheme == "file" else os.getcwd()
    registry: Any = SPECIFICATIONS.combine(Registry(retrieve=_local_retriever(folder)))  # type: ignore[call-arg]
    return safe(schema, registry=registry)
