"""The identifier scan shared by the privacy rules and ``phenotk deidentify`` (which imports it from here).

Kept in the validation layer because rules may not import the sharing package (it sits above them); the
patterns are deliberately conservative: a finding means "a person should look", not "this is an identifier".
One scan for both: :func:`pattern_finds` (every pattern, text as a reader sees it: :func:`plain`) and
:func:`has_id` (a record's own id in a text), so that ``validate --profile sharing`` reports what ``deidentify``
would.
"""

from __future__ import annotations

import re
import unicodedata
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

#: identifier patterns found besides :data:`PATTERNS` (first written for ``phenotk deidentify``); all need a digit.
#: An extra match inside a match of :data:`PATTERNS` of the same kind is not reported again.
EXTRA_PATTERNS: dict[str, re.Pattern[str]] = {
    "social security number": re.compile(r"(?<![\w-])\d{3}-\d{2}-\d{4}(?![\w-])"),
    "IP address": re.compile(r"(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?![\w.])"),
    "date": re.compile(
        r"(?<!\d)(?:1[89]|20)\d\d-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?!\d)"  # also inside ids: P1_2019-03-12
        r"|\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.? \d{1,2}(?:st|nd|rd|th),? \d{4}\b"
        r"|\b\d{1,2}(?:st|nd|rd|th) (?:of )?"
        r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?,? \d{4}\b",
        re.IGNORECASE,
    ),
    "phone number": re.compile(r"(?<![\w+])\+\d{1,3}(?:[ .-]\d{1,4}){3,6}(?![\w.-])"),
    # a UK postcode (SW1A 1AA) or a US ZIP+4 code (90210-1234): geography smaller than a state
    "postcode": re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]? \d[ABD-HJLNP-UW-Z]{2}\b|(?<![\w-])\d{5}-\d{4}(?![\w-])"),
}
#: every pattern scanned: key → (the kind named in messages, its pattern); :data:`PATTERNS` under their kinds,
#: then :data:`EXTRA_PATTERNS` under ``+kind`` (two patterns may name one kind)
_SCANS: dict[str, tuple[str, re.Pattern[str]]] = {
    **{kind: (kind, pattern) for kind, pattern in PATTERNS.items()},
    **{"+" + kind: (kind, pattern) for kind, pattern in EXTRA_PATTERNS.items()},
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
_ASCII_HINTS: dict[str, tuple[int, tuple[Any, ...]]] = {  # key → (0 text, 1 lower-case, 2 zeroed, 3 probe; parts)
    "e-mail address": (0, ("@",)),
    "URL": (1, ("://", "www.")),
    "phone number": (2, (b"000 000", b"000-000")),
    "record number": (1, ("mrn", "nhs", "medical record", "hospital n", "patient n")),
    "long number": (2, (b"0000000",)),
    "date": (2, (b"0-0", b"0000")),
    "+social security number": (3, ("000-00-0000",)),
    "+IP address": (3, ("0-0-0", "0-00-0", "0-000-0")),  # its second octet between dots
    "+date": (3, ("0000-00-0", "0st", "0nd", "0rd", "0th")),
    "+phone number": (3, ("+0",)),
    "+postcode": (3, ("00000-0000",)),  # and a UK postcode's inward code: :data:`_UK_INWARD`
}
_HINTS: dict[str, re.Pattern[str]] = {
    "e-mail address": re.compile("@"),
    "URL": re.compile(r"://|www\.", re.IGNORECASE),
    "phone number": re.compile(r"\d{3}[ .-]\d{3}"),
    "record number": re.compile(r"MRN|NHS|medical record|hospital n|patient n", re.IGNORECASE),
    "long number": re.compile(r"\d{7}"),
    "date": re.compile(r"\d[-/.]\d|\d{4}"),
    "+social security number": re.compile(r"\d{3}-\d{2}-\d{4}"),
    "+IP address": re.compile(r"\d\.\d"),
    "+date": re.compile(r"\d{4}"),
    "+phone number": re.compile(r"\+\d"),
    "+postcode": re.compile(r" \d|\d{5}-\d{4}"),
}
#: byte tables (``bytes.translate`` of ASCII text costs a few instructions a character, ``str.translate`` ~200)
_ZEROS = bytes.maketrans(b"123456789/.", b"000000000--")
_SEPARATOR_BYTES = bytes.maketrans(b"_-.:/#,;()", b"          ")
#: the three forms of :data:`_ASCII_HINTS` in one (lower-case, digits written 0, ``/`` and ``.`` written ``-``),
#: the fourth form itself: each form's translation leaves alone what the others change, so a part of a form is,
#: so translated, a part of this one (:func:`_any_hint`)
_PROBE = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ123456789/.", b"abcdefghijklmnopqrstuvwxyz000000000--")


#: format characters (zero-width spaces and joiners, bidi marks): invisible, so a value may hide a match in them
_INVISIBLE = dict.fromkeys(
    c for c in (*range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2060, 0x2065), 0x00AD, 0xFEFF)
)


def plain(text: str) -> str:
    """``text`` as a reader sees it: NFKC (fullwidth and other look-alike forms folded), invisible marks removed."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFKC", text.translate(_INVISIBLE))


def _any_hint(probe: str) -> bool:
    """True when the :data:`_PROBE` form of a text holds some part of :data:`_ASCII_HINTS`, so translated.

    ``://`` is ``:--`` and ``www.`` ``www-`` there; the digit parts all hold ``0-0``, ``0000``, ``000 000``,
    ``+0`` (an international phone number) or an ordinal
    (``3rd``: an ordinal date also holds its year,
    ``0000``, but the part alone must pass too).
    Constant ``in`` tests on a ``str`` (``in`` on bytes first tries the needle as an int and clears the error:
    ~5x dearer), unrolled (a regex searching for them all costs more than all of them).
    """
    return (
        (
            "0" in probe
            and (
                "0-0" in probe
                or "0000" in probe
                or "000 000" in probe
                or "+0" in probe
                or "0st" in probe
                or "0nd" in probe
                or "0rd" in probe
                or "0th" in probe
            )
        )
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
    """The keys of :data:`_SCANS` whose hint ``text`` holds (in their order); a key without a hint too."""
    if not text.isascii():
        return [key for key in _SCANS if key not in _HINTS or _HINTS[key].search(text) is not None]
    raw = text.encode()  # (UTF-8 of ASCII text: its ASCII bytes, by a faster codec path)
    probe = raw.translate(_PROBE).decode()
    uk = False  # (a UK postcode's inward code: no part of a form; its regex runs on text with " 0" in the probe)
    if _ALL_HINTED and not _any_hint(probe):
        if " 0" not in probe or _UK_INWARD.search(text) is None:
            return []  # most text: it holds no part (the loop below would find none)
        uk = True
    zeroed = raw.translate(_ZEROS)
    parts = _BASE_PARTS if b"000" in zeroed or b"0-0" in zeroed else _TEXT_PARTS
    forms = (text, text.lower(), zeroed)
    held = [kind for form, part, kind in parts if part in forms[form]]  # hot: one ``in`` per part
    if "0" in probe and _any_extra_hint(probe):  # the extra patterns' parts: few texts hold one
        held += [kind for part, kind in _PROBE_PARTS if part in probe]
    if uk or (" 0" in probe and _UK_INWARD.search(text) is not None):
        held.append("+postcode")  # (the last key: ``held`` stays in the order of the keys)
    if _ALL_HINTED:  # ``held`` is in the order of the keys (the parts are), a key once per part it holds
        return list(dict.fromkeys(held)) if held else []
    return [key for key in _SCANS if key in held or key not in _ASCII_HINTS]


def _any_extra_hint(probe: str) -> bool:
    """True when the probe form holds a part of the extra patterns' hints (:data:`_PROBE_PARTS`).

    Each part holds one of these (``0-0-0`` holds ``-0-``; ``000-00-0000``, ``0-00-0`` and ``0000-00-0`` hold
    ``-00-``), so a text without any holds no part. Unrolled constant ``in`` tests: ~3x cheaper than a loop
    over the parts.
    """
    return (
        "-00-" in probe
        or "-0-" in probe
        or "-000-" in probe
        or "+0" in probe
        or "00000-0000" in probe
        or "0th" in probe
        or "0st" in probe
        or "0nd" in probe
        or "0rd" in probe
    )


#: the ASCII hints flattened: (form, part, kind)
_ASCII_PARTS = tuple((form, part, kind) for kind, (form, parts) in _ASCII_HINTS.items() for part in parts)
_ALL_HINTED = all(key in _ASCII_HINTS for key in _SCANS)
#: the parts of :data:`PATTERNS`' hints (forms 0–2); of the text and lower-case forms alone (all there is of them
#: to look for in a text without ``000`` or ``0-0``); of the extra patterns' hints (the probe form: (part, key))
_BASE_PARTS = tuple(p for p in _ASCII_PARTS if p[0] < 3)
_TEXT_PARTS = tuple(p for p in _ASCII_PARTS if p[0] < 2)
_PROBE_PARTS = tuple((part, kind) for form, part, kind in _ASCII_PARTS if form == 3)


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


def holds(haystack: str, want: Sequence[str], padded: str | None = None, ident: str | None = None) -> bool:
    """:func:`embedded` with the needle already split: ``(want, padded)`` is :func:`searched` of the needle.

    For a rule that searches the same id in several strings of a document (one look-up of the id, not one per
    string). ``want`` may also be just the needle's :func:`tokens` (``padded`` None): the padded form is then
    made only for a haystack that holds every token as a substring (few do). With ``ident`` (the id ``want``
    was split from) it answers :func:`has_id`: the id as written between non-alphanumerics counts too.
    """
    for w in want:  # each wanted token is a substring of the haystack (and so is the id), or neither way finds it
        if w not in haystack:
            return False
    if want:
        if padded is None:
            padded = _pad(want)
        # :func:`tokens`, inline for ASCII text (hot: a call per packet id)
        words = (
            haystack.encode().translate(_SEPARATOR_BYTES).decode().split() if haystack.isascii() else tokens(haystack)
        )
        # no token holds whitespace: consecutive tokens are a space-delimited part of the joined tokens
        if padded in words if len(want) == 1 else padded in f" {' '.join(words)} ":
            return True
    return ident is not None and ident in haystack and next(_bounded(haystack, ident), None) is not None


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
#: what every UK postcode holds (its inward code after the space): " 0" is in many notes ("exon 14"), this in few
_UK_INWARD = re.compile(r" \d[ABD-HJLNP-UW-Z]{2}\b")
#: extra key → a regex that matches wherever its pattern does, cheaper (the pattern itself where none is): tried
#: before the matches are collected. A UK postcode's hint, " 0", is in many notes ("exon 14"); its inward code
#: is a space, a digit and two capitals (a literal first: the regex engine skips to each space)
_QUICK: dict[str, re.Pattern[str]] = {
    **{key: pattern for key, (_, pattern) in _SCANS.items() if key[0] == "+"},
    "+postcode": re.compile(r" \d[ABD-HJLNP-UW-Z]{2}\b|\d{5}-\d{4}"),
}
#: :data:`_SCANS` key → its place (the order finds are reported in); keys from this place on are extra patterns
_ORDER = {key: i for i, key in enumerate(_SCANS)}
_FIRST_EXTRA = len(PATTERNS)


def pattern_finds(text: str) -> tuple[tuple[str, str], ...]:
    """(kind, matched text) of every match of :data:`PATTERNS` and :data:`EXTRA_PATTERNS` in ``text`` (memoised).

    In pattern order, each place once: an extra pattern's match inside a match of the same kind is left out
    (``2019-03-12`` is one date). A pattern runs only on a text holding its hint (:func:`_candidates`): the same
    matches, less time. A text longer than :data:`_WINDOW` is scanned in overlapping windows (:func:`_windows`).
    ``text`` is searched as it is: callers give it :func:`plain`.
    """
    found = _FINDS.get(text)
    if found is None:
        if len(text) <= _WINDOW:
            keys = _candidates(text)
            if not keys or keys[-1][0] != "+":  # no extra pattern to run (nearly always): nothing to drop
                found = tuple((kind, m.group(0)) for kind in keys for m in PATTERNS[kind].finditer(text))
            elif not any(_QUICK[key].search(text) for key in keys if key[0] == "+"):  # (most of the others)
                found = tuple((k, m.group(0)) for k in keys if k[0] != "+" for m in PATTERNS[k].finditer(text))
            else:
                found = tuple((f[3], f[4]) for f in _inner_dropped(_piece_finds(text, 0, keys)))
        else:
            merged = {f[:3]: f for start, piece in _windows(text) for f in _piece_finds(piece, start, None)}
            found = tuple((f[3], f[4]) for f in _inner_dropped(sorted(merged.values())))
        if len(text) <= _MEMO_LENGTH:
            if len(_FINDS) >= _MEMO_SIZE:
                _FINDS.clear()
            _FINDS[text] = found
    return found


def _piece_finds(piece: str, offset: int, keys: list[str] | None) -> list[tuple[int, int, int, str, str]]:
    """(pattern place, start, end, kind, match) of each pattern whose hint ``piece`` holds; spans from ``offset``.

    ``keys`` are the :func:`_candidates` of ``piece`` when the caller has them.
    """
    return [
        (_ORDER[key], offset + m.start(), offset + m.end(), _SCANS[key][0], m.group(0))
        for key in (_candidates(piece) if keys is None else keys)
        for m in _SCANS[key][1].finditer(piece)
    ]


def _inner_dropped(found: list[tuple[int, int, int, str, str]]) -> list[tuple[int, int, int, str, str]]:
    """``found`` without the extra patterns' matches that lie inside an earlier match of the same kind."""
    if not any(f[0] >= _FIRST_EXTRA for f in found):
        return found  # (nearly always)
    out: list[tuple[int, int, int, str, str]] = []
    for f in found:
        _, start, end, kind, _ = f
        if f[0] < _FIRST_EXTRA or not any(g[3] == kind and g[1] <= start and end <= g[2] for g in out):
            out.append(f)
    return out


#: longest text scanned in one piece; a longer one is scanned in overlapping windows of this size
_WINDOW = 1024


def _windows(text: str) -> Iterator[tuple[int, str]]:
    """(start, piece) of ``text`` in pieces that together hold every match up to ``_WINDOW // 2 - 64`` characters.

    A pattern can take time quadratic in the length of one run of its characters (the e-mail pattern on
    ``aaaa…a@!`` before its lookbehind: 1.3 s for 20,000 characters, hours for a few megabytes); windows keep
    the scan linear. Each window starts half a window after the one before, moved to just after a space and
    ending at one when there is one near (so that a match is not cut into a shorter false one).
    """
    step, slack = _WINDOW // 2, 64
    start = 0
    while True:
        end = start + _WINDOW
        if end >= len(text):
            yield start, text[start:]
            return
        cut = text.rfind(" ", end - slack, end)
        yield start, text[start : cut if cut > start else end]
        nxt = start + step
        space = text.find(" ", nxt, nxt + slack)
        start = space + 1 if space >= 0 else nxt


def _bounded(text: str, ident: str) -> Iterator[tuple[int, int]]:
    """Spans of ``ident`` in ``text`` with no letter or digit right before or after it."""
    start, n = text.find(ident), len(ident)
    while start >= 0:
        end = start + n
        if (start == 0 or not text[start - 1].isalnum()) and (end == len(text) or not text[end].isalnum()):
            yield start, end
        start = text.find(ident, start + 1)


def id_spans(text: str, ident: str) -> list[tuple[int, int]]:
    """Where the id ``ident`` occurs in ``text`` (sorted, not overlapping spans).

    As whole tokens (:func:`embedded_spans`: ``Patient_4`` holds ``Patient 4``) or written as it is between any
    two non-alphanumeric characters (``SAMPLE=MRN123;``, ``<MRN123>``, ``MRN123|blood``; ``P14`` does not hold
    ``P1``).
    """
    if ident not in text and not embedded_spans(text, ident):
        return []
    spans = set(embedded_spans(text, ident))
    spans.update(_bounded(text, ident))
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans, key=lambda s: (s[0], -s[1])):
        if not out or start >= out[-1][1]:
            out.append((start, end))
    return out


def has_id(text: str, ident: str) -> bool:
    """True when :func:`id_spans` finds ``ident`` in ``text`` (without the spans).

    A rule that has the id's :func:`tokens` calls ``holds(text, tokens, None, ident)`` (the same answer, the id
    split once per document).
    """
    return holds(text, _needle(ident), None, ident)


def scan_text(text: str, ids: Iterable[str] = ()) -> Iterator[tuple[str, str]]:
    """(kind, matched text) for every identifier-like part of ``text``; ``ids`` are the record's own ids.

    The definition of what the privacy rules and ``phenotk deidentify`` report in a text: :func:`plain` text,
    :func:`pattern_finds` and the distinctive own ids it holds (:func:`has_id`).
    """
    text = plain(text)
    yield from pattern_finds(text)
    for ident in ids:
        ident = plain(ident)
        if distinctive(ident) and has_id(text, ident):
            yield "the record's own id", ident
