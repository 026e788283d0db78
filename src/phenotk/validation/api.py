"""``phenotk.validate(obj_or_path, ...)``: the Python entry point of validation."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import Any

from google.protobuf import json_format
from google.protobuf.message import Message

from phenotk.errors import InputError
from phenotk.io import Document, Element, iter_documents
from phenotk.io.readers import document_from_tree
from phenotk.issue import Report
from phenotk.validation.config import Options, engine_config, find_config, load_config, merge
from phenotk.validation.runner import check_documents, load_hpo, run

Source = str | os.PathLike[str] | dict[str, Any] | Message | Document | bytes


def validate(
    source: Source | Sequence[Source],
    *,
    profile: str | None = None,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    severity: dict[str, str] | None = None,
    require: Iterable[str] | None = None,
    hpo: Any = None,
    fail_fast: bool = False,
    config: str | os.PathLike[str] | bool | None = False,
    jobs: int = 1,
) -> Report:
    """Validate Phenopackets, Families or Cohorts and return a :class:`~phenotk.issue.Report`.

    ``source``: a path (file, directory, glob, zip), a list of them, a dict (JSON tree), a protobuf
    message, a :class:`~phenotk.io.Document` or bytes. Unreadable inputs become ``input-unreadable``
    findings, never exceptions. ``hpo``: an ontology index, or a path to an HPO file; HPO rules are
    skipped (see ``report.notes``) without one. ``config``: a config file path, ``True`` to look for
    ``phenotk.toml``/``pyproject.toml`` from the working directory, ``False`` (default) for none.

    >>> report = validate({"id": "p1", "subject": {"id": "s1", "sex": "male"}})
    >>> report.ok, sorted({i.rule for i in report.issues})
    (False, ['recommended-missing', 'schema-enum', 'schema-required'])
    """
    base = Options()
    if config is True:
        found = find_config()
        base = load_config(found) if found else base
    elif config:
        base = load_config(config)  # type: ignore[arg-type]
    opts = merge(
        base,
        profile=profile,
        select=list(select) if select is not None else None,
        ignore=list(ignore) if ignore is not None else None,
        severity=severity,
        require=list(require) if require is not None else None,
        fail_fast=fail_fast or None,
    )
    cfg = engine_config(opts)
    hpo_path = None
    if isinstance(hpo, (str, os.PathLike)):
        hpo_path = os.fspath(hpo)
        hpo = load_hpo(hpo_path)
    elif hpo is None and opts.hpo:
        hpo_path = opts.hpo
        hpo = load_hpo(hpo_path)
    items = source if isinstance(source, (list, tuple)) else [source]
    if all(isinstance(s, (str, os.PathLike)) for s in items):
        return run([os.fspath(s) for s in items], cfg, hpo=hpo, hpo_path=hpo_path, jobs=jobs)  # type: ignore[arg-type]
    return check_documents(_documents(items), cfg, hpo=hpo)




def _documents(items: Iterable[Any]) -> Iterable[Document | InputError]:
    for s in items:
        if isinstance(s, Document):
            yield s
        elif isinstance(s, Message):
            el = Element.of(s)
            data = json_format.MessageToDict(s)
            yield Document(path="<message>", format=_json_fmt(), element=el, data=data, message=s)
        elif isinstance(s, dict):
            try:
                yield document_from_tree(s)
            except InputError as exc:
                yield exc
        elif isinstance(s, bytes):
            from phenotk.io import parse_bytes

            yield from parse_bytes(s, "<bytes>")
        else:
            yield from iter_documents([s])


def _json_fmt() -> Any:
    from phenotk.io import Format

    return Format.JSON
