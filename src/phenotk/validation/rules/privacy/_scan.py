"""Identifier patterns shared by the privacy rules and ``phenotk deidentify`` (which imports them from here).

Kept in the validation layer because rules may not import the sharing package (it sits above them); the
patterns are deliberately conservative: a finding means "a person should look", not "this is an identifier".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

#: what an identifier-like match is called in messages → its pattern
PATTERNS: dict[str, re.Pattern[str]] = {
    # a match starts where a run of local-part characters starts (the lookbehind): without it a long run with no
    # domain after its "@" was searched again from each of its characters (60,000 characters: 10 s)
    "e-mail address": re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"),
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

_WORD = re.compile(r"[^\s_\-.:/#,;()]+")
#: the separators of ids besides whitespace, each turned into a space so that ``str.split()`` splits on them
#: (``str.split()`` and the regex ``\s`` agree on what whitespace is: ``str.isspace``)
_SEPARATORS = str.maketrans(dict.fromkeys("_-.:/#,;()", " "))

#: What a text must contain for a pattern to match in it at all, tested before the pattern runs (most free
#: text is a title or a short note that none of them can match). Each hint is a part of every match of its
#: pattern (a hint may hold where the pattern does not: the pattern then runs and finds nothing). Pure-ASCII
#: text (nearly all) is tested with substrings: "@"; the lower-case form for the two case-insensitive patterns
#: (ASCII text against ASCII letters folds as plain ASCII); and the text with every digit written 0 and the
#: separators ``-``, ``/`` and ``.`` written ``-`` (:data:`_ZEROS`) for the digit patterns (``\d`` is ``[0-9]``
#: in ASCII text): a phone number's ``\d{3,4}[ .-]\d{3,5}`` core, a long number's 7 digits, a date's
#: ``2019-``/``12/03``/``1.2.`` separator between digits or its 4-digit year. The digit hints all hold ``000``
#: or ``0-0``: a text with neither (most) is not searched for them one by one. Other text is tested with
#: regexes of the same flags as the patterns.
_ASCII_HINTS: dict[str, tuple[int, tuple[Any, ...]]] = {  # kind → (0 text, 1 lower-case, 2 zeroed; parts)
    "e-mail address": (0, ("@",)),
    "URL": (1, ("://", "www.")),
    "phone number": (2, (b"000 000", b"000-000")),
    "record number": (1, ("mrn", "nhs", "medical record", "hospital n", "patient n")),
    "long number": (2, (b"0000000",)),
    "date": (2, (b"0-0", b"0000")),
}
_HINTS: dict[str, re.Pattern[str]] = {
    "e-mail address": re.compile("@"),
    "URL": re.compile(r"://|www\.", re.IGNORECASE),
    "phone number": re.compile(r"\d{3}[ .-]\d{3}"),
    "record number": re.compile(r"MRN|NHS|medical record|hospital n|patient n", re.IGNORECASE),
    "long number": re.compile(r"\d{7}"),
    "date": re.compile(r"\d[-/.]\d|\d{4}"),
}
#: byte tables (``bytes.translate`` of ASCII text costs a few instructions a character, ``str.translate`` ~200)
_ZEROS = bytes.maketrans(b"123456789/.", b"000000000--")
_SEPARATOR_BYTES = bytes.maketrans(b"_-.:/#,;()", b"          ")
#: the three forms of :data:`_ASCII_HINTS` in one (lower-case, digits written 0, ``/`` and ``.`` written ``-``):
#: each form's translation leaves alone what the others change, so a part of a form is, so translated, a part of
#: this one (:func:`_any_hint`)
_PROBE = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ123456789/.", b"abcdefghijklmnopqrstuvwxyz000000000--")


def _any_hint(probe: str) -> bool:
    """True when the :data:`_PROBE` form of a text holds some part of :data:`_ASCII_HINTS`, so translated.

    ``://`` is ``:--`` and ``www.`` ``www-`` there; the digit parts all hold ``000 000``, ``0-0`` or ``0000``.
    Constant ``in`` tests on a ``str`` (``in`` on bytes first tries the needle as an int and clears the error:
    ~5x dearer), unrolled (a regex searching for them all costs more than all of them).
    """
    return (
        ("0" in probe and ("0-0" in probe or "0000" in probe or "000 000" in probe))
        or "@" in probe
        or ":--" in probe
        or "www-" in probe
        or "mrn" in probe
        or "nhs" in probe
        or "medical record" in probe
        or "hospital n" in probe
        or "patient n" in probe
    )


def _candidates(text: str) -> list[str]:
    """The kinds of :data:`PATTERNS` whose hint ``text`` holds (in their order); a kind without a hint too."""
    if not text.isascii():
        return [kind for kind in PATTERNS if kind not in _HINTS or _HINTS[kind].search(text) is not None]
    raw = text.encode()  # (UTF-8 of ASCII text: its ASCII bytes, by a faster codec path)
    if _ALL_HINTED and not _any_hint(raw.translate(_PROBE).decode()):
        return []  # most text: it holds no part (the loop below would find none)
    zeroed = raw.translate(_ZEROS)
    parts = _ASCII_PARTS if b"000" in zeroed or b"0-0" in zeroed else _TEXT_PARTS
    forms = (text, text.lower(), zeroed)
    held = [kind for form, part, kind in parts if part in forms[form]]  # hot: one ``in`` per part
    if not held and _ALL_HINTED:
        return []  # most text
    return [kind for kind in PATTERNS if kind in held or kind not in _ASCII_HINTS]


#: the ASCII hints flattened: (form, part, kind)
_ASCII_PARTS = tuple((form, part, kind) for kind, (form, parts) in _ASCII_HINTS.items() for part in parts)
_ALL_HINTED = all(kind in _ASCII_HINTS for kind in PATTERNS)
#: the parts of the text and lower-case forms (all there is to look for in a text without ``000`` or ``0-0``)
_TEXT_PARTS = tuple(p for p in _ASCII_PARTS if p[0] != 2)


def tokens(text: str) -> list[str]:
    """The parts of an id or text between the usual separators (space, ``_ - . : / #`` …), non-empty."""
    if text.isascii():
        return text.encode().translate(_SEPARATOR_BYTES).decode().split()
    return text.translate(_SEPARATORS).split()


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


def embedded(haystack: str, needle: str) -> bool:
    """True when ``needle``'s tokens occur as whole, consecutive tokens of ``haystack``.

    ``bool(embedded_spans(haystack, needle))`` without the spans: the tokens of the haystack come from
    :func:`tokens` (C-level splits, the same words as ``embedded_spans``'s word pattern).
    """
    found = _PADDED.get(needle)
    if found is None:
        found = _padded(needle)
    return holds(haystack, *found)


def holds(haystack: str, want: Sequence[str], padded: str | None = None) -> bool:
    """:func:`embedded` with the needle already split: ``(want, padded)`` is :func:`searched` of the needle.

    For a rule that searches the same id in several strings of a document (one look-up of the id, not one per
    string). ``want`` may also be just the needle's :func:`tokens` (``padded`` None): the padded form is then
    made only for a haystack that holds every token as a substring (few do).
    """
    for w in want:  # each wanted token is a substring of the haystack, or it cannot hold them as tokens
        if w not in haystack:
            return False
    if not want:
        return False
    if padded is None:
        padded = _pad(want)
    # :func:`tokens`, inline for ASCII text (hot: a call per packet id)
    words = haystack.encode().translate(_SEPARATOR_BYTES).decode().split() if haystack.isascii() else tokens(haystack)
    if len(want) == 1:
        return padded in words
    # no token holds whitespace: consecutive tokens are a space-delimited part of the joined tokens
    return padded in f" {' '.join(words)} "


#: ids searched for by :func:`embedded` → (their ``tokens``, the tokens joined by spaces with a space either
#: side, or the one token); bounded
_PADDED: dict[str, tuple[tuple[str, ...], str]] = {}


def searched(ident: str) -> tuple[tuple[str, ...], str]:
    """The id as :func:`holds` searches for it: (its :func:`tokens`, the tokens space-joined and padded)."""
    found = _PADDED.get(ident)
    return found if found is not None else _padded(ident)


def _padded(ident: str) -> tuple[tuple[str, ...], str]:
    if len(_PADDED) >= 4096:
        _PADDED.clear()
    want = _needle(ident)
    found = _PADDED[ident] = (want, _pad(want))
    return found


def _pad(want: Sequence[str]) -> str:
    """The split id as :func:`holds` looks for it among a text's tokens.

    Several tokens: space-joined with a space either side (looked for in the joined tokens); one: itself.
    """
    return f" {' '.join(want)} " if len(want) > 1 else "".join(want)


#: :func:`pattern_finds` of the texts seen before (free text repeats across documents: the same paper titles,
#: notes and labels); bounded, and only for texts up to :data:`_MEMO_LENGTH` characters
_FINDS: dict[str, tuple[tuple[str, str], ...]] = {}
_MEMO_SIZE = 50_000
_MEMO_LENGTH = 2_000


def pattern_finds(text: str) -> tuple[tuple[str, str], ...]:
    """(kind, matched text) of every match of :data:`PATTERNS` in ``text``, in pattern order (memoised).

    A pattern runs only on a text holding its hint (:func:`_candidates`): the same matches, less time.
    """
    found = _FINDS.get(text)
    if found is None:
        found = tuple((kind, m.group(0)) for kind in _candidates(text) for m in PATTERNS[kind].finditer(text))
        if len(text) <= _MEMO_LENGTH:
            if len(_FINDS) >= _MEMO_SIZE:
                _FINDS.clear()
            _FINDS[text] = found
    return found


def scan_text(text: str, ids: Iterable[str] = ()) -> Iterator[tuple[str, str]]:
    """(kind, matched text) for every identifier-like part of ``text``; ``ids`` are the record's own ids."""
    yield from pattern_finds(text)
    for ident in ids:
        if distinctive(ident) and embedded(text, ident):
            yield "the record's own id", ident
