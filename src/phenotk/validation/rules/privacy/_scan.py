"""Identifier patterns shared by the privacy rules and ``phenotk deidentify`` (which imports them from here).

Kept in the validation layer because rules may not import the sharing package (it sits above them); the
patterns are deliberately conservative: a finding means "a person should look", not "this is an identifier".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

#: what an identifier-like match is called in messages → its pattern
PATTERNS: dict[str, re.Pattern[str]] = {
    "e-mail address": re.compile(r"[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"),
    "URL": re.compile(r"\b(?:https?|ftp)://[^\s\"'<>]+|\bwww\.[A-Za-z0-9-]+\.[^\s\"'<>]+", re.IGNORECASE),
    "phone number": re.compile(
        r"(?<![\w.:/>+-])(?:\+\d{1,3}[ .-]?)?(?:\(\d{2,5}\)[ .-]?|\d{2,5}[ .-])\d{3,4}[ .-]\d{3,5}(?![\w.:/-])"
    ),
    "record number": re.compile(
        r"\b(?:MRN|medical record(?: number)?|hospital (?:no|number)|patient (?:no|number)|NHS(?: number)?)"
        r"\b\.?\s*[:#]?\s*[A-Z0-9-]{4,}",
        re.IGNORECASE,
    ),
    "long number": re.compile(r"(?<![\w.:>+/-])[A-Z]{0,3}\d{7,12}(?![\w.:/-])"),
    "date": re.compile(
        r"\b(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.]\d{1,2}[/.](?:\d{4}|\d{2}))\b"
        r"|\b\d{1,2}\.? (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.? \d{4}\b"
        r"|\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.? \d{1,2},? \d{4}\b"
    ),
}

#: a subject id shaped like a hospital / medical record number: optional letter prefix, 6 or more digits
HOSPITAL_NUMBER = re.compile(r"^(?:MRN|PID|[A-Z]{1,3})?[ _-]?\d{6,}$", re.IGNORECASE)

_SPLIT = re.compile(r"[\s_\-.:/#,;()]+")


def tokens(text: str) -> list[str]:
    """The parts of an id or text between the usual separators (space, ``_ - . : / #`` …), non-empty."""
    return [t for t in _SPLIT.split(text) if t]


def distinctive(ident: str) -> bool:
    """True for an id that can be searched for inside other text without matching everywhere.

    Short numbers (``1``, ``100``) and one- or two-character ids are not: they occur in HGVS positions,
    ontology ids and counts. Such ids are still pseudonymised wherever they are ids; only the search for
    them *inside other strings* skips them.
    """
    ident = ident.strip()
    if len(ident) < 3:
        return False
    return not (ident.isdigit() and len(ident) < 4)


def embedded_spans(haystack: str, needle: str) -> list[tuple[int, int]]:
    """Where ``needle``'s tokens occur as whole, consecutive tokens of ``haystack`` (character spans).

    ``embedded_spans("PMID_1_Patient_4", "Patient 4")`` finds ``Patient_4``; ``"P14"`` does not contain
    ``"P1"``. Case-sensitive, as ids are.
    """
    want = tokens(needle)
    if not want or want[0] not in haystack:
        return []
    parts = [(m.start(), m.end()) for m in re.finditer(r"[^\s_\-.:/#,;()]+", haystack)]
    words = [haystack[s:e] for s, e in parts]
    n = len(want)
    out = []
    for i in range(len(words) - n + 1):
        if words[i : i + n] == want:
            out.append((parts[i][0], parts[i + n - 1][1]))
    return out


def scan_text(text: str, ids: Iterable[str] = ()) -> Iterator[tuple[str, str]]:
    """(kind, matched text) for every identifier-like part of ``text``; ``ids`` are the record's own ids."""
    for kind, pattern in PATTERNS.items():
        for m in pattern.finditer(text):
            yield kind, m.group(0)
    for ident in ids:
        if distinctive(ident) and embedded_spans(text, ident):
            yield "the record's own id", ident
