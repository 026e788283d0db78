"""Where the data is, for ``mapping init``: which worksheet holds the patients, and which row is the header.

Hospital sheets rarely start at A1: a title banner, a line of notes, blank rows and a row of merged group headers
("Clinical features" over several columns) may stand above the real header. Each of the first rows is scored as a
header: distinct text cells (numbers and dates do not count; a merged banner repeated over ten cells counts once),
plus one for each cell that is a known header word or HPO term, minus cells whose text recurs in the same column
below (data, not names). The header is the **first** row scoring at least 3/4 of the best row, so a two-row
header with the group names above picks the lower, fuller row, and data rows below a header never win.

A workbook's sheets are scored the same way, plus a little for each data row; sheets named like read-me, legend,
lookup or code-list sheets, and empty sheets, are taken only when nothing else holds data.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .sheets import SheetPreview

#: Rows looked at for the header.
HEADER_SEARCH_ROWS = 30
_NUMBER = re.compile(r"\s*[-+]?\d+(?:[.,]\d+)?\s*%?\s*\Z")
_DATE = re.compile(r"\s*\d{1,4}[-./]\d{1,2}[-./]\d{1,4}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?\s*\Z")
_AUX_SHEET = re.compile(
    r"(?i)\b(?:read ?me|readme|lisez|leeme|liesmich|legend|legende|leyenda|legenda|lookup|look-up|codes?|"
    r"code ?list|codebook|dictionary|data dictionary|dictionnaire|diccionario|dizionario|woordenboek|instructions?|"
    r"anleitung|hinweise|notice|info|about|help|hilfe|aide|ayuda|aiuto|changelog|version|history|lists?|listen|"
    r"dropdowns?|options|values|valeurs|valores|valori|waarden|settings|config|template|vorlage|hpo terms?)\b"
)


@dataclass(frozen=True)
class HeaderChoice:
    """A header row chosen in one sheet, and why."""

    sheet: str
    sheet_index: int
    row: int  #: 1-based row number of the header
    score: float
    data_rows: int  #: non-blank rows after the header among the rows looked at
    skipped: tuple[int, ...] = ()  #: non-blank rows above the header (titles, notes, group headers)
    auxiliary: bool = False  #: the sheet's name says read-me / legend / lookup


def _label_like(cell: str) -> bool:
    return bool(cell) and len(cell) <= 80 and not _NUMBER.match(cell) and not _DATE.match(cell)


def row_score(cells: list[str], below: list[list[str]], recognise: Callable[[str], bool]) -> float:
    """How much ``cells`` look like a header row above the rows ``below``."""
    texts = [c.strip() for c in cells]
    nonempty = [c for c in texts if c]
    if len(nonempty) < 2:
        return 0.0
    distinct: dict[str, str] = {}
    for c in nonempty:
        if _label_like(c):
            distinct.setdefault(c.casefold(), c)
    recognised = sum(1 for c in distinct.values() if recognise(c))
    numbers = sum(1 for c in nonempty if not _label_like(c))
    repeats = 0
    for j, c in enumerate(texts):
        if c and any(j < len(r) and r[j].strip() == c for r in below):
            repeats += 1
    return len(distinct) + recognised - repeats - 0.5 * numbers


def _is_group_row(cells: list[str], below: list[str]) -> bool:
    """``cells`` names groups (a text repeated over neighbouring cells) and ``below`` names columns under them only.

    The two-row header without merged cells: ``Patient ID | Sex | Clinical features | Clinical features`` over
    ``  |  | Seizures | Hypotonia``.
    """
    texts = [c.strip() for c in cells]
    spans = {j for j, t in enumerate(texts) if t and ((j > 0 and texts[j - 1] == t)
                                                      or (j + 1 < len(texts) and texts[j + 1] == t))}
    under = [j for j, c in enumerate(below) if c.strip()]
    names = [below[j].strip() for j in under]
    return (len(under) >= 2 and set(under) <= spans and len(set(names)) == len(names)
            and all(_label_like(c) for c in names))


def choose_header(preview: SheetPreview, recognise: Callable[[str], bool]) -> HeaderChoice:
    """The header row of one sheet (row 1 of an empty sheet, score 0)."""
    rows = [(n, cells) for n, cells in preview.rows if any(c.strip() for c in cells)]
    scored: list[tuple[int, float, int]] = []  # (row number, score, position in rows)
    for i, (n, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        below = [c for _, c in rows[i + 1 : i + 21]]
        if not below:
            break
        scored.append((n, row_score(cells, below, recognise), i))
    aux = bool(_AUX_SHEET.search(preview.name)) and preview.workbook
    if not scored or max(s for _, s, _ in scored) <= 0:
        first = rows[0][0] if rows else 1
        return HeaderChoice(preview.name, preview.index, first, 0.0, max(len(rows) - 1, 0), (), aux)
    best = max(s for _, s, _ in scored)
    n, score, i = next(t for t in scored if t[1] >= 0.75 * best)
    if i + 1 < len(rows) and _is_group_row(rows[i][1], rows[i + 1][1]):
        i += 1
        n, score = rows[i][0], row_score(rows[i][1], [c for _, c in rows[i + 1 : i + 21]], recognise)
    skipped = tuple(m for m, _ in rows[:i])
    return HeaderChoice(preview.name, preview.index, n, score, len(rows) - i - 1, skipped, aux)


def transposed_labels(preview: SheetPreview, header_row: int, recognise: Callable[[str], bool]) -> list[str]:
    """Field names down column A when the sheet holds one patient per *column* (literature supplements), else [].

    Transposed: at least three cells of column A are known header words or HPO terms, more than a quarter of its
    cells, and more than the chosen header row has.
    """
    rows = [cells for _, cells in preview.rows[:60] if any(c.strip() for c in cells)]
    first = [cells[0].strip() for cells in rows if cells and cells[0].strip()]
    down = [c for c in dict.fromkeys(first) if recognise(c)]
    header = next((cells for n, cells in preview.rows if n == header_row), [])
    across = sum(1 for c in dict.fromkeys(x.strip() for x in header) if c and recognise(c))
    if len(down) >= 3 and len(down) > 0.25 * len(first) and len(down) > across:
        return down
    return []


def choose_sheet(
    previews: list[SheetPreview], recognise: Callable[[str], bool]
) -> tuple[HeaderChoice, list[HeaderChoice]]:
    """(the sheet holding the data with its header row, every sheet's choice in workbook order)."""
    choices = [choose_header(p, recognise) for p in previews]
    hidden = {p.index for p in previews if getattr(p, "hidden", False)}

    def rank(c: HeaderChoice) -> tuple[bool, bool, bool, float]:
        has_data = c.data_rows > 0 and c.score > 0
        # a sheet the workbook hides (old data, a lookup) is never chosen over one it shows
        return (c.sheet_index not in hidden, has_data and not c.auxiliary, has_data,
                c.score + 0.5 * min(c.data_rows, 40))

    best = max(choices, key=rank)  # max keeps the first of equals: workbook order breaks ties
    return best, choices
