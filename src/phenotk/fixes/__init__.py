"""Apply the fixes validation rules emit (JSON Patch operations) to documents, keeping their layout.

:func:`fix` is the Python entry point (exported as ``phenotk.fixes``); ``phenotk fix`` the command.
The text-preserving machinery lives in :mod:`phenotk.fixes.apply` (``apply_to_text``,
``apply_to_document``); :mod:`phenotk.fixes.run` validates, chooses fixes and re-validates per file.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping
from typing import Any

from google.protobuf import json_format
from google.protobuf.message import Message

from phenotk.errors import InputError
from phenotk.fixes.apply import FixOutcome, apply_to_document, apply_to_text
from phenotk.fixes.patch import PatchError, apply_to_tree
from phenotk.fixes.run import AppliedFix, FileFix, build_engine, fix_bytes, fix_tree, loaded_versions


def fix(
    packet: Message | dict[str, Any] | str | os.PathLike[str],
    *,
    hpo: Any = None,
    unsafe: bool = False,
    rules: Collection[str] | None = None,
    ontologies: Mapping[str, Any] | None = None,
) -> tuple[Any, list[AppliedFix]]:
    """Validate ``packet``, apply the safe fixes and return ``(fixed_packet, applied_fixes)``.

    ``packet``: a Phenopacket/Family/Cohort message (a fixed copy of the same class is returned), a JSON
    tree (a fixed dict is returned) or a file path (the fixed message is returned; the file is not
    written — use ``phenotk fix --in-place`` for that). ``hpo``: an ontology index or a path to an HPO
    file; without one only non-HPO fixes apply. ``unsafe``: also apply suggestions that have a single
    choice. ``rules``: only fixes of these rule names/codes. ``ontologies``: extra indexes by prefix.
    Missing ``metaData.resources`` entries are added with the loaded ontologies' versions.

    >>> fixed, applied = fix({"id": "p1", "subject": {"id": "s1", "sex": "Female"}})
    >>> fixed["subject"]["sex"], [a.issue.rule for a in applied]
    ('FEMALE', ['schema-enum'])
    """
    if isinstance(hpo, (str, os.PathLike)):
        from phenotk.ontology import load_ontology

        hpo = load_ontology(os.fspath(hpo))
    engine = build_engine(hpo=hpo, ontologies=ontologies)
    versions = loaded_versions(hpo, ontologies)
    if isinstance(packet, Message):
        tree, applied, _ = fix_tree(
            json_format.MessageToDict(packet), engine, unsafe=unsafe, rules=rules, versions=versions
        )
        return json_format.ParseDict(tree, type(packet)(), ignore_unknown_fields=True), applied
    if isinstance(packet, dict):
        tree, applied, _ = fix_tree(packet, engine, unsafe=unsafe, rules=rules, versions=versions)
        return tree, applied
    from phenotk.io import read

    path = os.fspath(packet)
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except FileNotFoundError:
        raise InputError("no such file or directory", path=path, kind="missing") from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=path) from None
    result = fix_bytes(raw, path, engine, name=os.path.basename(path), unsafe=unsafe, rules=rules, versions=versions)
    if result.error is not None:
        raise result.error
    return read(result.new, fmt=result.format), result.applied


__all__ = [
    "AppliedFix",
    "FileFix",
    "FixOutcome",
    "PatchError",
    "apply_to_document",
    "apply_to_text",
    "apply_to_tree",
    "fix",
    "fix_bytes",
]
