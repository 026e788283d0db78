"""Apply the fixes validation rules emit (JSON Patch operations) to documents, keeping their layout.

The Python entry point is ``phenotk.fix`` (:func:`phenotk.workflow.session.fix`), the command ``phenotk fix``;
both start from a :class:`~phenotk.workflow.session.Session`. The text-preserving machinery lives in
:mod:`phenotk.fixes.apply` (``apply_to_text``, ``apply_to_document``); :mod:`phenotk.fixes.run` validates,
chooses fixes and re-validates per file with the session's engine.
"""

from __future__ import annotations

from phenotk.fixes.apply import FixOutcome, apply_to_document, apply_to_text
from phenotk.fixes.patch import PatchError, apply_to_tree
from phenotk.fixes.run import AppliedFix, FileFix, fix_bytes, fix_object

__all__ = [
    "AppliedFix",
    "FileFix",
    "FixOutcome",
    "PatchError",
    "apply_to_document",
    "apply_to_text",
    "apply_to_tree",
    "fix_bytes",
    "fix_object",
]
