"""One rule for every mapped value: the ``values:`` map (then ``lookup:``) first, the field's parser on the rest.

A value map entry may give the final value (``M: MALE``), a text the field's parser reads (``toddler: P2Y``,
``dup: OMIM:614959``) or null ("no value"). A cell the maps do not list goes to the parser as it is. What the
parser cannot read is a ``map-bad-cell`` finding naming the cell text (and what the map made of it).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from phenopackets import OntologyClass, TimeElement

from phenotk.issue import Issue
from phenotk.mapping.model import DEFAULT_VOCABULARY, MISSING, ValueSpec, Vocabulary
from phenotk.mapping.timeparse import ParsedTime, parse_time
from phenotk.ontology.hpo_roots import ONSET

from .findings import finding
from .terms import HP_IN_TEXT

if TYPE_CHECKING:  # pragma: no cover
    from .build import _Builder

T = TypeVar("T")

#: A parser's answer for "the cell says there is no value" (``n/a`` as a sex): not carried, not a finding.
NO_VALUE: Any = object()


def read_value(
    b: _Builder,
    spec: ValueSpec,
    raw: str,
    parse: Callable[[str], T | None],
    issues: list[Issue],
    row: int,
    what: str,
    expected: str,
) -> T | None:
    """``raw`` through the spec's maps, then ``parse``; None (and a bad-cell finding when unreadable) if no value.

    ``expected`` completes the message "… is not {expected}".
    """
    mapped = spec.translate(raw)
    if mapped is None:
        return None
    text = raw if mapped is MISSING else str(mapped)
    out = parse(text)
    if out is NO_VALUE:
        return None
    if out is None:
        via = "" if mapped is MISSING or text == raw else f" (mapped to {text!r})"
        b.bad(issues, row, spec.column, raw, f"not {expected}",
              f"{what} {raw!r}{via} is not {expected}; correct it"
              + (f" or add it to the values of {spec.pointer}" if spec.pointer else ""))
    return out


def _distinct(
    rows: list[tuple[int, dict[str, str]]], block: dict[str, ValueSpec]
) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows whose cells in the block's columns differ from every earlier row (long sheets repeat them)."""
    if len(rows) == 1:
        yield rows[0]
        return
    cols = [c for spec in block.values() for c in spec.columns()]
    seen: set[tuple[str | None, ...]] = set()
    for number, rec in rows:
        key = tuple(map(rec.get, cols))
        if key not in seen:
            seen.add(key)
            yield number, rec


def identity(text: str) -> str | None:
    """Text fields (labels, descriptions, ids): any text is the value."""
    return text.strip() or NO_VALUE


def enum_parser(builtin: Mapping[str, str | None], allowed: tuple[str, ...]) -> Callable[[str], str | None]:
    """Sex / vital status words: the built-in words, then the enum names themselves."""

    def parse(text: str) -> str | None:
        key = text.strip().lower()
        if key in builtin:
            value = builtin[key]
            return NO_VALUE if value is None else value
        return text.strip().upper() if text.strip().upper() in allowed else None

    return parse


#: a short word written with abbreviation dots: "n.a.", "n.d.", "N.A.", "neg.", "pos."
_DOTTED = re.compile(r"(?:[^\W\d_]{1,4}\.)+[^\W\d_]{0,4}\Z")


def vocab_status(vocab: Vocabulary, text: str) -> str | None:
    """The vocabulary's status of ``text``, also for a word written with abbreviation dots (``n.a.`` = ``na``)."""
    status = vocab.status(text)
    if status is None and _DOTTED.match(text.strip()):
        status = vocab.status(text.strip().replace(".", ""))
    return status


def status_parser(vocab: Vocabulary) -> Callable[[str], str | None]:
    """Observed / excluded / unknown words → the status."""

    def parse(text: str) -> str | None:
        return vocab_status(vocab, text)

    return parse


#: ``25/12/2015``, ``12-25-2015``: day and month in an order the cell itself may not tell
_SLASH_DATE = re.compile(r"(\d{1,2})([/-])(\d{1,2})\2(\d{4})\Z")
#: English month names and abbreviations (``3 Feb 2015``, ``February 3, 2015``, ``03-Feb-2015``)
_MONTHS = {m: i for i, names in enumerate(
    (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
     ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
     ("dec", "december")), start=1) for m in names}
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})\.?[ -]([A-Za-z]+)\.?,?[ -](\d{4})\Z")
_MONTH_DAY_YEAR = re.compile(r"([A-Za-z]+)\.? (\d{1,2}),? (\d{4})\Z")
DATE_EXPECTED = ("a date (YYYY-MM-DD, DD.MM.YYYY, 25/12/2015, 3 Feb 2015; a date such as 03/02/2015 needs "
                 "date_order: day-first or month-first on this value)")


@functools.lru_cache(maxsize=4096)  # a sheet repeats its dates; datetimes are immutable
def parse_date(raw: str, order: str | None = None) -> dt.datetime | None:
    """A date cell → UTC datetime, or None.

    YYYY-MM-DD (with optional time), DD.MM.YYYY, YYYY/MM/DD; ``25/12/2015`` / ``12/25/2015`` (the number over 12
    is the day); ``03/02/2015`` only with ``order`` ``day-first`` or ``month-first`` (never guessed); English
    month names (``3 Feb 2015``, ``February 3, 2015``, ``03-Feb-2015``). Two-digit years are not read.
    """
    s = raw.strip()
    for fmt in ("%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%SZ", "%d.%m.%Y", "%Y/%m/%d", "%Y-%m-%d %H:%M:%S"):
        try:
            value = dt.datetime.strptime(s, fmt)
        except ValueError:
            continue
        return value.replace(tzinfo=dt.timezone.utc)
    parts: tuple[int, int, int] | None = None  # (year, month, day)
    if m := _SLASH_DATE.match(s):
        a, b, year = int(m.group(1)), int(m.group(3)), int(m.group(4))
        if a > 12 >= b or (a <= 12 and b <= 12 and order == "day-first"):
            parts = (year, b, a)
        elif b > 12 >= a or (a <= 12 and b <= 12 and order == "month-first"):
            parts = (year, a, b)
    elif (m := _DAY_MONTH_YEAR.match(s)) and m.group(2).lower() in _MONTHS:
        parts = (int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1)))
    elif (m := _MONTH_DAY_YEAR.match(s)) and m.group(1).lower() in _MONTHS:
        parts = (int(m.group(3)), _MONTHS[m.group(1).lower()], int(m.group(2)))
    if parts is None:
        return None
    try:
        return dt.datetime(*parts, tzinfo=dt.timezone.utc)
    except ValueError:  # 31 February
        return None


#: words that record no date or age ("unknown", "n/a", "?", "k.A.", "-"): no value and no finding — the cell says
#: nothing is known, it is not a date that failed to read (each was a map-bad-cell "… is not a date")
_NO_TIME = frozenset(DEFAULT_VOCABULARY["unknown"]) | {"-", "--", "—", "–", "/", "not known", "nicht bekannt"}


def _records_no_time(text: str) -> bool:
    key = " ".join(text.split()).casefold()
    return key in _NO_TIME or key.rstrip(".") in _NO_TIME or (
        _DOTTED.match(key) is not None and key.replace(".", "") in _NO_TIME)


def date_parser(spec: ValueSpec) -> Callable[[str], dt.datetime | None]:
    """:func:`parse_date` with the value's ``date_order``; a not-recorded word is no value."""
    order = spec.date_order
    read = parse_date if order is None else functools.partial(parse_date, order=order)

    def parse(text: str) -> dt.datetime | None:
        return NO_VALUE if _records_no_time(text) else read(text)

    return parse


def time_parser(b: _Builder, spec: ValueSpec) -> Callable[[str], TimeElement | None]:
    """Ages, gestational ages and onset labels (``3y 2m``, ``33+2``, ``Childhood onset (HP:0011463)``)."""

    def parse(text: str) -> TimeElement | None:
        parsed = _parse_time(text, spec.unit)
        if parsed is not None:
            return parsed.to_time_element()
        if _records_no_time(text):
            return NO_VALUE  # type: ignore[no-any-return]
        m = HP_IN_TEXT.match(text.strip())
        if m and _is_onset(b, m.group(2)):
            curie = m.group(2).upper().replace("_", ":")
            label = b.resolver.label(curie) or m.group(1)
            return TimeElement(ontology_class=OntologyClass(id=curie, label=label))
        when = parse_date(text, spec.date_order)  # "date of onset: 2018-04-01" → a timestamp
        if when is not None:
            te = TimeElement()
            te.timestamp.FromDatetime(when)
            return te
        return None

    return parse


@functools.lru_cache(maxsize=8192)  # a sheet repeats its ages; ParsedTime is frozen (each use makes its message)
def _parse_time(text: str, unit: Any) -> Any:
    return exact_time(text, unit)[0]


@functools.lru_cache(maxsize=8192)
def exact_time(text: str, unit: str | None = None) -> tuple[ParsedTime | None, str]:
    """:func:`~phenotk.mapping.timeparse.parse_time` and what it cut of a decimal age (``""`` when exact).

    The rule lives in the shared parser (every reader, templates too): a decimal age is carried down to the next
    unit only while it stays whole (``1.5 years`` = ``P1Y6M``); the rest is cut to completed units (``7.5 months``
    → ``P7M``, second item ``"0.5 month"``) for a finding. None when the text is no time at all.
    """
    parsed = parse_time(text, unit=unit)
    return parsed, parsed.cut if parsed is not None else ""


def report_cut(b: _Builder, issues: list[Issue], row: int, column: str | None, raw: str, text: str,
               unit: str | None, what: str) -> None:
    """A ``map-not-carried`` finding when the age ``text`` (the cell ``raw``) lost a fraction (see exact_time)."""
    parsed, cut = exact_time(text, unit)
    if cut and parsed is not None:
        issues.append(finding(
            "map-not-carried", f"{what} {raw!r} is carried as {parsed.iso} in completed units: {cut} not carried "
            f"(a fraction of a month or day has no exact ISO 8601 age; write it in the smaller unit, e.g. "
            f"'7 months 2 weeks', to keep it)", b.sev, sheet=b.sheet.name, row=row, column=column, value=raw,
            reason="fraction of an age not carried"))


TIME_EXPECTED = "an age (P3Y2M, 3y 2m, 3 years), gestational age (33+2), onset label or date (2018-04-01)"


def read_time(b: _Builder, spec: ValueSpec, raw: str, issues: list[Issue], row: int, what: str) -> TimeElement | None:
    """An age / onset cell (maps first, then the age parser); a cut fraction (``7.5 months``) is reported."""
    te = read_value(b, spec, raw, time_parser(b, spec), issues, row, what, TIME_EXPECTED)
    if te is not None and te.WhichOneof("element") == "age":
        mapped = spec.translate(raw)
        report_cut(b, issues, row, spec.column, raw, raw if mapped is MISSING else str(mapped), spec.unit, what)
    return te


def _is_onset(b: _Builder, curie: str) -> bool:
    """An explicit ``label (HP:…)`` onset outside the built-in table: accepted unless the HPO says otherwise."""
    onto = b.resolver.ontology
    if onto is None or not hasattr(onto, "is_descendant_of"):
        return True
    try:
        return bool(onto.is_descendant_of(curie.upper().replace("_", ":"), ONSET))
    except (KeyError, ValueError):
        return False
