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
_WORD = re.compile(r"[^\s_\-.:/#,;()]+")

#: what a text must contain for a pattern to match in it at all, tested before the pattern runs (most free
#: text is a title or a short note that none of them can match). Each hint is a part every match of its
#: pattern contains, with the pattern's own flags, so the two agree on case folding and on what ``\d`` is.
_HINTS: dict[str, re.Pattern[str]] = {
    "URL": re.compile(r"://|www\.", re.IGNORECASE),
    "record number": re.compile(r"MRN|NHS|medical record|hospital n|patient n", re.IGNORECASE),
}
#: the same hints for ASCII text, as substrings of its lower-case form (case-insensitive matching of ASCII
#: text against ASCII letters is plain ASCII case folding; a searched lower-case string is faster than an
#: IGNORECASE regex, which cannot skip ahead to a literal)
_ASCII_HINTS: dict[str, tuple[str, ...]] = {
    "URL": ("://", "www."),
    "record number": ("mrn", "nhs", "medical record", "hospital n", "patient n"),
}
#: the patterns of PATTERNS whose every match contains the character "@"
_AT = frozenset({"e-mail address"})
#: the patterns of PATTERNS whose every match holds two consecutive digits (phone numbers have 3+3, long
#: numbers 7, each date form a 4-digit year or a 2-digit year at the end), with a narrower hint of each:
#: a phone number's ``\d{3,4}[ .-]\d{3,5}`` core, a long number's 7 digits, a date's ``2019-``/``12/03``
#: separator between digits or its 4-digit year
_DIGITS: dict[str, re.Pattern[str]] = {
    "phone number": re.compile(r"\d{3}[ .-]\d{3}"),
    "long number": re.compile(r"\d{7}"),
    "date": re.compile(r"\d[-/.]\d|\d{4}"),
}
_TWO_DIGITS = re.compile(r"\d\d")


def tokens(text: str) -> list[str]:
    """The parts of an id or text between the usual separators (space, ``_ - . : / #`` …), non-empty."""
    return [t for t in _SPLIT.split(text) if t]


#: ``tokens`` of the ids searched for (a document's ids are searched for in each of its texts); bounded
_NEEDLES: dict[str, tuple[str, ...]] = {}


def _needle(ident: str) -> tuple[str, ...]:
    want = _NEEDLES.get(ident)
    if want is None:
        if len(_NEEDLES) >= 4096:
            _NEEDLES.clear()
        want = _NEEDLES[ident] = tuple(tokens(ident))
    return want


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
    want = _needle(needle)
    if not want:
        return []
    for w in want:  # each wanted token is a substring of the haystack, or it cannot hold them as tokens
        if w not in haystack:
            return []
    first, n = want[0], len(want)
    matches = list(_WORD.finditer(haystack))
    words = [m.group() for m in matches]
    out = []
    for i in range(len(words) - n + 1):
        if words[i] == first and (n == 1 or tuple(words[i : i + n]) == want):
            out.append((matches[i].start(), matches[i + n - 1].end()))
    return out


def scan_text(text: str, ids: Iterable[str] = ()) -> Iterator[tuple[str, str]]:
    """(kind, matched text) for every identifier-like part of ``text``; ``ids`` are the record's own ids."""
    digits: bool | None = None
    lower = text.lower() if text.isascii() else None
    for kind, pattern in PATTERNS.items():
        # a pattern runs only on a text holding its hint: same matches, a fraction of the time
        if kind in _DIGITS:
            if digits is None:
                digits = _TWO_DIGITS.search(text) is not None
            if not digits or _DIGITS[kind].search(text) is None:
                continue
        elif kind in _AT:
            if "@" not in text:
                continue
        elif lower is not None and kind in _ASCII_HINTS:
            if not any(h in lower for h in _ASCII_HINTS[kind]):
                continue
        elif kind in _HINTS and _HINTS[kind].search(text) is None:
            continue
        for m in pattern.finditer(text):
            yield kind, m.group(0)
    for ident in ids:
        if distinctive(ident) and embedded_spans(text, ident):
            yield "the record's own id", ident
