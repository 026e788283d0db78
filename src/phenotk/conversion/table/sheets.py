"""Tables in: CSV/TSV, XLSX and pandas DataFrames, all turned into one :class:`Sheet` of strings.

CSV/TSV: encoding and delimiter sniffed. XLSX: sheet and header-row choice, merged cells, size-checked (zip bombs).
Every row keeps its spreadsheet row number for findings.
"""

from __future__ import annotations

import bisect
import codecs
import csv
import datetime as dt
import io
import itertools
import marshal
import re
import tempfile
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from phenotk.errors import InputError
from phenotk.limits import DEFAULT as DEFAULT_LIMITS
from phenotk.limits import current as current_limits
from phenotk.mapping.model import INVISIBLE

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

XLSX_EXTENSIONS = (".xlsx", ".xlsm")
TEXT_EXTENSIONS = (".csv", ".tsv", ".tab", ".txt")
_DELIMITERS = (",", ";", "\t", "|")
#: Characters that make a spreadsheet treat a cell as a formula (OWASP CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
#: invisible characters (soft hyphen, zero-width space, …) are dropped from every cell: they mean nothing there
_INVISIBLE = INVISIBLE


def visible(cells: list[str]) -> list[str]:
    """``cells`` without invisible format characters, accents composed (NFC).

    ``é`` written as e + combining accent (macOS, some web forms) is the ``é`` of a mapping or a word list: the
    header ``Épilepsie`` was not the mapping's column, ``féminin`` no sex. The same list when nothing changes
    (one C check a row; ASCII rows at once).
    """
    joined = "".join(cells)
    if joined.isascii() or (_INVISIBLE.search(joined) is None and unicodedata.is_normalized("NFC", joined)):
        return cells
    return [unicodedata.normalize("NFC", _INVISIBLE.sub("", c)) for c in cells]


#: Default of ``limits.zip-ratio``: XLSX members over 10 MB expanding more than this are refused (zip bombs).
MAX_COMPRESSION_RATIO = DEFAULT_LIMITS.zip_ratio


@dataclass
class Sheet:
    """A table of strings: ``header`` names, ``rows`` (same length as header), spreadsheet row numbers (1-based)."""

    name: str
    header: list[str]
    rows: list[list[str]]
    row_numbers: list[int]
    path: str = "<table>"
    #: (row number, column label, value) of non-empty cells outside any named column.
    stray_cells: list[tuple[int, str, str]] = field(default_factory=list)
    #: header names that occurred more than once (renamed ``name (2)``, …).
    duplicate_headers: list[str] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None
    #: XLSX: (how many, the first few references) of formula cells saved without a computed value (read as empty)
    uncached_formulas: tuple[int, list[str]] = (0, [])
    #: XLSX: data rows (spreadsheet numbers) hidden in the workbook, and hidden columns (1-based) — read as the others
    hidden_rows: list[int] = field(default_factory=list)
    hidden_columns: list[int] = field(default_factory=list)
    #: CSV/TSV read as UTF-8 with Windows-1252 parts: the rows (record numbers) that held such bytes
    mixed_rows: list[int] = field(default_factory=list)
    #: XLSX: a word about a hidden worksheet (the one read, or the hidden first one passed over)
    sheet_note: str | None = None

    def records(self) -> Iterable[tuple[int, dict[str, str]]]:
        """(row number, {header: cell}) per row."""
        header = self.header
        for n, row in zip(self.row_numbers, self.rows, strict=False):
            yield n, dict(zip(header, row, strict=False))

    def scan(self) -> Iterator[tuple[int, list[str]]]:
        """(row number, cells) of every data row (the first pass of a streaming conversion)."""
        return zip(self.row_numbers, self.rows, strict=False)

    def replay(self) -> Iterator[tuple[int, list[str]]]:
        """The same rows again (a :class:`StreamSheet` re-reads them; here they are in memory)."""
        return zip(self.row_numbers, self.rows, strict=False)


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def unneutralise(cell: str) -> str:
    """Undo the formula-injection guard of our writers: drop one ``'`` before ``'*[=+-@]`` (``'=x`` → ``=x``)."""
    if cell[:1] == "'" and cell.lstrip("'")[:1] in FORMULA_PREFIXES and len(cell.lstrip("'")) > 0:
        return cell[1:]
    return cell


def neutralise(cell: str) -> str:
    """Prefix ``'`` to a cell a spreadsheet would run as a formula (also to ``'=…`` so reading it back is exact)."""
    if cell and cell.lstrip("'")[:1] in FORMULA_PREFIXES and cell.lstrip("'"):
        return "'" + cell
    return cell


#: UTF-32 byte-order marks (little-endian, big-endian)
_UTF32_BOMS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")
#: byte-order marks of text whose bytes hold NULs (UTF-16, UTF-32): such a file is not taken for binary data
_TEXT_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")

#: a UTF-8 encoded character of two to four bytes: in a file that is not all UTF-8, the sign of mixed encodings
#: (a UTF-8 export with lines pasted from a Windows program); text in Windows-1252 alone hardly ever holds one
_UTF8_MULTI = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
#: codec error handler: the bytes UTF-8 cannot read, read as Windows-1252 (its five unused bytes as Latin-1)
MIXED = "phenotk-utf8-cp1252"
#: the codec name a sheet reports when it was read so
MIXED_CODEC = "utf-8 + cp1252"


def _cp1252_bytes(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    bad = exc.object[exc.start:exc.end]
    return "".join(bytes([c]).decode("cp1252", errors="ignore") or chr(c) for c in bad), exc.end


codecs.register_error(MIXED, _cp1252_bytes)

#: letters of European languages: the encoding that decodes more of a file's bytes into them is the file's
_EURO_LETTERS = "äöüÄÖÜßéèêëàâáãåçñíìîïóòôõøúùûÿœæÉÈÊÀÂÁÇÑÍÓÔÚÅØÆ"
_IN_WORD = re.compile(rf"(?<=[^\W\d_])[{_EURO_LETTERS}](?=[^\W\d_])")


def _utf16_without_bom(head: bytes) -> str | None:
    """``utf-16-le`` / ``utf-16-be`` for UTF-16 text written without its byte order mark, else None.

    Every other byte of its ASCII characters is zero (some exports write it so); otherwise a NUL byte still means
    binary data.
    """
    sample = head[:4096]
    if len(sample) < 4:
        return None
    sample = sample[: len(sample) // 2 * 2]
    even, odd = sample[0::2], sample[1::2]
    for zeros, other, codec in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if zeros.count(0) >= 0.9 * len(zeros) and other.count(0) == 0:
            try:
                sample.decode(codec)
            except UnicodeDecodeError:
                return None
            return codec
    return None


#: legacy encodings of non-Latin scripts a sheet that is not UTF-8 may be in, tried in this order: (codec, script,
#: the letters that must make up nearly all its non-ASCII characters, and the share of them it needs). Japanese is
#: told by its kana (Korean or Chinese bytes read as Shift-JIS give kanji only); Korean comes before Chinese (GBK
#: reads Korean bytes as hanzi), and Chinese GB2312 read as EUC-KR gives only part Hangul. Greek, Hebrew and Arabic
#: 8-bit files read as Cyrillic letters too: they get the finding that names the guess.
_OTHER_SCRIPTS: tuple[tuple[str, str, tuple[tuple[int, int], ...], float], ...] = (
    ("cp932", "Japanese", ((0x3040, 0x30FF),), 0.1),
    ("euc_kr", "Korean", ((0xAC00, 0xD7AF), (0x3130, 0x318F)), 0.9),
    ("gb18030", "Chinese", ((0x4E00, 0x9FFF), (0x3000, 0x303F), (0xFF00, 0xFFEF)), 0.9),
    ("cp1251", "Cyrillic", ((0x0400, 0x04FF),), 0.9),
)
#: codec → script, for the finding that names a guessed encoding
GUESSED_SCRIPTS = {codec: script for codec, script, _, _ in _OTHER_SCRIPTS}
_HIGH_RUNS = re.compile(rb"[\x80-\xff]+")


def _other_script(sample: bytes) -> str | None:
    """The codec of a sheet written in a non-Latin script in a legacy encoding (Shift-JIS, GBK, Windows-1251 …).

    Windows-1252 (the fallback) reads any byte, so a Russian sheet became 'Ïîë' for 'Пол' without a word. Latin
    text in an 8-bit encoding has its accented letters one by one among ASCII ones ('Krampfanfälle'); these
    scripts have runs of non-ASCII bytes. When most non-ASCII bytes stand in runs of three or more, the first codec of
    :data:`_OTHER_SCRIPTS` under which the text is made of that script's letters is chosen; None when none is
    (the sheet is then read as before).
    """
    runs = _HIGH_RUNS.findall(sample)
    long = [len(r) for r in runs if len(r) >= 3]
    if len(long) < 2 or sum(long) < 0.5 * sum(len(r) for r in runs):  # (short words: 'да', 'ж')
        return None
    for codec, _script, ranges, needed in _OTHER_SCRIPTS:
        text = None
        for cut in range(4):  # a multi-byte character cut at the end of the sample
            try:
                text = sample[: len(sample) - cut].decode(codec)
                break
            except UnicodeDecodeError:
                continue
        if text is None:
            continue
        high = [ord(c) for c in text if ord(c) > 0x7F]
        share = sum(1 for c in high if any(lo <= c <= hi for lo, hi in ranges)) / max(1, len(high))
        if share >= needed:
            return codec
    return None


def _mac_roman(data: bytes) -> bool:
    """Whether text that is not UTF-8 reads as Mac Roman rather than Windows-1252.

    Excel for Mac's "CSV (Macintosh)": ä is byte 0x8A there, Š in Windows-1252 — 'männlich' was read as
    'mŠnnlich', the id 'Pé3' as 'PŽ3'.
    """
    if not any(b >= 0x80 for b in data):
        return False
    return _in_words(data.decode("mac_roman")) > _in_words(data.decode("cp1252", errors="replace"))


def _in_words(text: str) -> int:
    """How many European letters stand inside words (a letter on both sides): 'männlich', not '– 2' or '„x“'."""
    return len(_IN_WORD.findall(text))


def decode(data: bytes, encoding: str | None, path: str) -> tuple[str, str]:
    """(text, encoding used): the given encoding, else UTF-8 (BOM or not), UTF-32/UTF-16 with a BOM, cp1252, Latin-1."""
    if encoding:
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as exc:
            raise InputError(f"cannot decode as {encoding}: {exc}", path=path) from None
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:  # UTF-8 said by its BOM: bytes it cannot read were pasted in Windows-1252
            return data[3:].decode("utf-8", errors=MIXED), MIXED_CODEC
    if data.startswith(_UTF32_BOMS):  # before UTF-16: the UTF-32-LE mark starts with the UTF-16-LE one
        try:
            return data.decode("utf-32"), "utf-32"
        except UnicodeDecodeError as exc:
            raise InputError(f"starts with a UTF-32 byte-order mark but is not UTF-32: {exc.reason} at byte "
                             f"{exc.start}; save the sheet as UTF-8 CSV", path=path) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise InputError(f"starts with a UTF-16 byte-order mark but is not UTF-16: {exc.reason} at byte "
                             f"{exc.start}; save the sheet as UTF-8 CSV", path=path) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    other = _other_script(data[:_HEAD_BYTES])
    if other is not None:
        try:
            return data.decode(other), other
        except UnicodeDecodeError:
            pass
    if _UTF8_MULTI.search(data):  # UTF-8 with lines pasted in Windows-1252: each part read as it was written
        return data.decode("utf-8", errors=MIXED), MIXED_CODEC
    if _mac_roman(data[:_HEAD_BYTES]):
        return data.decode("mac_roman"), "mac_roman"
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


_SEP_LINE = re.compile(r"\A\ufeff?sep=([^\r\n])\r?\n", re.I)


def excel_sep_line(text: str) -> str | None:
    """The delimiter an Excel ``sep=;`` first line declares, or None when the text has no such line."""
    m = _SEP_LINE.match(text)
    return m.group(1) if m else None


def sniff_delimiter(text: str, extension: str = "") -> str:
    """The delimiter: TAB for .tsv/.tab, else the candidate found most consistently in the first lines."""
    if extension in (".tsv", ".tab"):
        return "\t"
    lines = [ln for ln in text[:65536].splitlines()[:30] if ln.strip()]
    best, best_score = ",", (-1, -1)
    for cand in _DELIMITERS:
        try:
            counts = [len(r) - 1 for r in csv.reader(lines, delimiter=cand)]
        except csv.Error:
            continue
        if not counts or max(counts) == 0:
            continue
        modal = max(set(counts), key=counts.count)
        score = (counts.count(modal) if modal > 0 else 0, modal)
        if score > best_score:
            best, best_score = cand, score
    return best


def _header_of(raw_rows: Iterator[tuple[int, list[str]]], header_row: int, path: str) -> list[str]:
    """Consume the rows up to the header row (or the first non-blank row after it); its cells, trailing blanks cut."""
    return _header_cells(raw_rows, header_row, path)[0]


def _header_cells(raw_rows: Iterator[tuple[int, list[str]]], header_row: int, path: str) -> tuple[list[str], int]:
    """:func:`_header_of` and the number of cells the header row had before its trailing blanks were cut."""
    for number, cells in raw_rows:
        if number < header_row:
            continue
        if not any(c.strip() for c in cells):
            continue  # a blank header row: the first non-blank row after it heads the sheet
        header = [c.strip() for c in cells]
        while header and not header[-1]:
            header.pop()
        limits = current_limits()
        if len(header) > limits.sheet_columns:
            raise limits.exceeded("sheet-columns", f"row {number}: the header has {len(header)} columns", path=path)
        return header, len(cells)
    raise InputError(f"no header row (expected at row {header_row})", path=path)


#: data rows a text table's first pass looks at for a header one cell short (:func:`_row_names`)
ROW_NAMES_WINDOW = 1000


def _row_names(header: list[str], raw_width: int, ahead: list[tuple[int, list[str]]], skip: frozenset[int]
               ) -> str | None:
    """``"numbers"`` / ``"shifted?"`` when every data row has one cell more than a header that names all of its own.

    R's ``write.table`` / ``write.csv(row.names = TRUE)`` write the row names as a first column without a header
    cell: read as they stand, every value lands under the next column's name (ids under ``Sex`` …).
    ``"numbers"``: the first cells are the row numbers 1, 2, 3 … — that column is the row names. ``"shifted?"``:
    some other first column, or a last column without a name; the caller reports it. None: another shape.
    """
    if not header or raw_width != len(header) or not header[0]:
        return None
    rows = [cells for number, cells in ahead if number not in skip and "".join(cells).strip()]
    if len(rows) < 2 or any(len(cells) != len(header) + 1 for cells in rows):
        return None
    if not any(cells[-1].strip() for cells in rows):
        return None  # a trailing delimiter on every data row: nothing past the header
    if all(cells[0].strip() == str(k) for k, cells in enumerate(rows, 1)):
        return "numbers"
    return "shifted?"


def _named_header(header: list[str]) -> tuple[list[str], list[str]]:
    """Empty headers named ``column X``, repeated ones ``name (2)``; (header, the names that repeated)."""
    header = list(header)
    seen: dict[str, int] = {}
    dups: list[str] = []
    for j, h in enumerate(header):
        if not h:
            header[j] = h = f"column {column_letter(j)}"
        if h in seen:
            seen[h] += 1
            dups.append(h)
            header[j] = f"{h} ({seen[h]})"
        else:
            seen[h] = 1
    return header, dups


def _data_rows(
    raw_rows: Iterator[tuple[int, list[str]]],
    width: int,
    skip_rows: frozenset[int],
    stray: list[tuple[int, str, str]] | None,
    path: str,
) -> Iterator[tuple[int, list[str]]]:
    """Data rows after the header: blank and skipped rows dropped, cells padded / cut to ``width``.

    Non-empty cells past the header go to ``stray`` (when given) as (row number, column letter, value). More
    rows than ``limits.sheet-rows`` or a row longer than ``limits.sheet-columns`` is an :class:`InputError`.
    """
    limits = current_limits()
    most_rows, most_columns = limits.sheet_rows, limits.sheet_columns
    count = 0
    for number, cells in raw_rows:
        if number in skip_rows:
            continue
        if not "".join(cells).strip():  # (one C join, not a generator over the cells)
            continue  # blank row
        count += 1
        if count > most_rows:
            raise limits.exceeded("sheet-rows", f"row {number}: the sheet has more than {most_rows} data rows",
                                  path=path)
        if len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        elif len(cells) > width:
            if len(cells) > most_columns:
                raise limits.exceeded("sheet-columns", f"row {number} has {len(cells)} cells", path=path)
            if stray is not None:
                for j in range(width, len(cells)):
                    if cells[j].strip():
                        stray.append((number, column_letter(j), cells[j]))
            cells = cells[:width]
        yield number, cells


def _build(
    name: str,
    path: str,
    raw_rows: Iterable[tuple[int, list[str]]],
    header_row: int,
    skip_rows: frozenset[int],
) -> Sheet:
    it = iter(raw_rows)
    header = _header_of(it, header_row, path)
    stray: list[tuple[int, str, str]] = []
    numbers: list[int] = []
    rows: list[list[str]] = []
    for number, cells in _data_rows(it, len(header), skip_rows, stray, path):
        numbers.append(number)
        rows.append(cells)
    named, dups = _named_header(header)
    return Sheet(name, named, rows, numbers, path, stray, dups)


class StreamSheet:
    """A sheet whose rows are read when iterated, not kept: the header now, the rows on each pass.

    Same face as :class:`Sheet` for the converter (``name``, ``header``, ``path``, ``duplicate_headers``,
    ``stray_cells``, :meth:`scan`, :meth:`replay`, :meth:`records`). :meth:`scan` is the first pass (it collects
    the stray cells); :meth:`replay` reads the rows again — from the file (CSV/TSV), or from a temporary spill
    file the scan wrote (XLSX: the workbook is parsed once). Memory stays flat however many rows.
    """

    def __init__(
        self,
        name: str,
        path: str,
        open_rows: Callable[[], Iterator[tuple[int, list[str]]]],
        *,
        header_row: int = 1,
        skip_rows: frozenset[int] = frozenset(),
        spill: bool = False,
        encoding: str | None = None,
        delimiter: str | None = None,
        row_names: bool = False,
    ) -> None:
        self.name, self.path = name, path
        self._open, self._header_row, self._skip, self._spill = open_rows, header_row, skip_rows, spill
        it = open_rows()
        note = None
        try:
            raw, raw_width = _header_cells(it, header_row, path)
            if row_names:  # a text table: look ahead for R's row names without a header cell
                ahead = list(itertools.islice(it, ROW_NAMES_WINDOW))
                it = itertools.chain(ahead, it)
                shape = _row_names(raw, raw_width, ahead, skip_rows)
                if shape == "numbers":
                    raw = ["row number", *raw]
                    note = (f"the header row has {len(raw) - 1} cells but every data row {len(raw)}, the first "
                            "the row number 1, 2, 3 … (R's write.table writes row names so): the header was read "
                            "as naming the columns after it (write the file with row.names = FALSE to drop them)")
                elif shape == "shifted?":
                    note = (f"the header row has {len(raw)} cells but every data row {len(raw) + 1}: if the "
                            "first column is row names without a header cell, every value was read under the "
                            "wrong column — add the missing header cell (the last column's values are not read)")
        except BaseException:
            _close(it)
            raise
        self._pending: Iterator[tuple[int, list[str]]] | None = it  # the first pass goes on from the header
        self._width = len(raw)
        self.header, self.duplicate_headers = _named_header(raw)
        self.stray_cells: list[tuple[int, str, str]] = []
        self.encoding, self.delimiter = encoding, delimiter
        self.uncached_formulas: tuple[int, list[str]] = (0, [])
        #: XLSX/ODS: every row hidden in the workbook (from its XML); :attr:`hidden_rows` keeps the data rows of them
        self.hidden_marks: frozenset[int] | RowRanges = frozenset()
        self.hidden_rows: list[int] = []
        self.hidden_columns: list[int] = []
        #: CSV/TSV read as UTF-8 with Windows-1252 parts: the rows (record numbers) that held such bytes
        self.mixed_rows: list[int] = []
        #: a word about the sheet as a whole: a hidden worksheet (the one read, or the hidden first one passed
        #: over), a text table's header one cell short (:func:`_row_names`)
        self.sheet_note: str | None = note
        self._spilled: Any = None

    def _rows(self, stray: list[tuple[int, str, str]] | None) -> Iterator[tuple[int, list[str]]]:
        it, self._pending = self._pending, None
        try:
            if it is None:
                it = self._open()
                _header_of(it, self._header_row, self.path)
            yield from _data_rows(it, self._width, self._skip, stray, self.path)
        finally:
            _close(it)

    def scan(self) -> Iterator[tuple[int, list[str]]]:
        """First pass over the data rows; collects :attr:`stray_cells` (and spills the rows of a workbook)."""
        self.stray_cells = []
        self.hidden_rows = []
        hidden, shown = self.hidden_marks, self.hidden_rows
        if not self._spill:
            for number, cells in self._rows(self.stray_cells):
                if hidden and number in hidden:
                    shown.append(number)
                yield number, cells
            return
        spill = tempfile.TemporaryFile()  # noqa: SIM115 - lives until replay() has read it back
        dump = marshal.dump
        try:
            for number, cells in self._rows(self.stray_cells):
                dump((number, cells), spill)
                if hidden and number in hidden:
                    shown.append(number)
                yield number, cells
        except BaseException:
            spill.close()
            raise
        if self._spilled is not None:
            self._spilled.close()
        self._spilled = spill

    def replay(self) -> Iterator[tuple[int, list[str]]]:
        """The data rows again, in the same order (after :meth:`scan`)."""
        spill = self._spilled
        if spill is None:
            yield from self._rows(None)
            return
        self._spilled = None
        load = marshal.load
        try:
            spill.seek(0)
            while True:
                try:
                    number, cells = load(spill)
                except EOFError:
                    return
                yield number, cells
        finally:
            spill.close()

    def records(self) -> Iterator[tuple[int, dict[str, str]]]:
        """(row number, {header: cell}) per row (one pass)."""
        header = self.header
        for n, row in self._rows(None):
            yield n, dict(zip(header, row, strict=False))

    def materialize(self) -> Sheet:
        """The whole sheet in memory."""
        numbers: list[int] = []
        rows: list[list[str]] = []
        for number, cells in self.scan():
            numbers.append(number)
            rows.append(cells)
        self.close()
        sheet = Sheet(self.name, self.header, rows, numbers, self.path, self.stray_cells, self.duplicate_headers)
        sheet.encoding, sheet.delimiter = self.encoding, self.delimiter
        sheet.uncached_formulas = self.uncached_formulas
        sheet.hidden_rows, sheet.hidden_columns = list(self.hidden_rows), list(self.hidden_columns)
        sheet.mixed_rows = list(self.mixed_rows)
        sheet.sheet_note = self.sheet_note
        return sheet

    def close(self) -> None:
        """Close the reader of an unread first pass and the spill file (if a scan made one no replay used)."""
        if self._pending is not None:
            _close(self._pending)
            self._pending = None
        if self._spilled is not None:
            self._spilled.close()
            self._spilled = None


def _close(it: Iterator[Any] | None) -> None:
    close = getattr(it, "close", None)
    if close is not None:
        close()


_HEAD_BYTES = 262_144  # enough bytes for the 65,536 characters the delimiter sniffer looks at


def _choose_encoding(path: Path, head: bytes, encoding: str | None) -> tuple[str, str]:
    """(codec, errors) for reading a text table: the given one, a BOM's, else UTF-8 → cp1252 → Latin-1.

    The same choice :func:`decode` makes on the whole text, made by decoding the file chunk by chunk.
    """
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError as exc:
            raise InputError(f"cannot decode as {encoding}: {exc}", path=str(path)) from None
        return encoding, "strict"
    if head.startswith(b"\xef\xbb\xbf"):  # UTF-8 said by its BOM: a byte it cannot read was pasted in cp1252
        return "utf-8-sig", "strict" if _decodes(path, "utf-8-sig") else MIXED
    if head.startswith(_UTF32_BOMS):
        return "utf-32", "strict"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16", "strict"
    if _decodes(path, "utf-8"):
        return "utf-8", "strict"
    other = _other_script(head)
    if other is not None and _decodes(path, other):
        return other, "strict"
    if _has_utf8(path):
        return "utf-8", MIXED
    if _mac_roman(head):
        return "mac_roman", "strict"
    if _decodes(path, "cp1252"):
        return "cp1252", "strict"
    return "latin-1", "strict"


def _has_utf8(path: Path) -> bool:
    """Whether the file holds a UTF-8 encoded character (read in chunks; a character cut by a chunk is missed)."""
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            if _UTF8_MULTI.search(chunk):
                return True
    return False


def _decodes(path: Path, codec: str) -> bool:
    dec = codecs.getincrementaldecoder(codec)()
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                dec.decode(chunk)
            dec.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _decode_error(exc: UnicodeDecodeError, codec: str, given: str | None) -> str:
    if given:
        return f"cannot decode as {given}: {exc}"
    return (f"starts with a UTF-16 byte-order mark but is not UTF-16: {exc.reason}; save the sheet as UTF-8 CSV"
            if codec == "utf-16" else f"cannot decode as {codec}: {exc}")


#: a JSON text: an object, or an array of objects / arrays / strings (a CSV never starts so)
_JSON_START = re.compile(r'\{\s*(?:"|\}|\Z)|\[\s*(?:[\[{"]|\]\s*\Z)')
_PHENOPACKET_KEY = re.compile(r'"(?:phenotypicFeatures|phenotypic_features|metaData|meta_data)"\s*:')
#: a YAML mapping key at the start of a line (``subject:``, ``id: P1``)
_YAML_KEY = re.compile(r"[A-Za-z_][\w.-]*:(?:[ \t]|\Z)")


def structured_kind(text: str, suffix: str = "") -> str | None:
    """What a text is when it is a JSON or YAML document rather than a sheet (``"a phenopacket (JSON)"``), else None.

    A sheet reader would read such a text as a one-column CSV whose header is ``{`` and write packets no one
    stated; the readers refuse it with this description instead.
    """
    s = text.lstrip("\ufeff \t\r\n")
    if not s:
        return None
    if _JSON_START.match(s):
        if _PHENOPACKET_KEY.search(s, 0, 65_536):
            return "a phenopacket (JSON)"
        return "a JSON document"
    lines = [line for line in s.splitlines()[:20] if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        return None
    head = lines[0]
    if (suffix.lower() in (".yaml", ".yml") or head.startswith(("---", "%YAML"))
            or (_YAML_KEY.match(head) and not any(c in head for c in ",;\t|")
                and all(line[:1] in (" ", "-") or _YAML_KEY.match(line) for line in lines[1:]))):
        packet = any(line.startswith(("phenotypicFeatures:", "phenotypic_features:", "metaData:", "meta_data:"))
                     for line in s.splitlines()[:2000])
        return "a phenopacket (YAML)" if packet else "a YAML document"
    return None


def refuse_structured(text: str, path: str | Path) -> None:
    """``InputError`` naming the file and what it is when ``text`` is a JSON / YAML document, not a sheet."""
    kind = structured_kind(text, Path(path).suffix)
    if kind is None:
        return
    hint = ("validate it with 'phenotk validate', or convert it without --mapping" if kind.startswith("a phenopacket")
            else "sheets are CSV/TSV/XLSX/ODS tables (a REDCap JSON export is read by "
                 "'phenotk convert --from redcap EXPORT.json --mapping M.yaml')")
    raise InputError(f"is {kind}, not a sheet (CSV/TSV/XLSX); it is not read as one: {hint}", path=str(path))


def open_text_table(
    path: str | Path,
    *,
    delimiter: str | None = None,
    encoding: str | None = None,
    header_row: int = 1,
    skip_rows: frozenset[int] = frozenset(),
) -> StreamSheet:
    """A CSV/TSV file as a :class:`StreamSheet` (encoding and delimiter sniffed unless given; rows streamed)."""
    p = Path(path)
    try:
        with open(p, "rb") as fh:
            head = fh.read(_HEAD_BYTES)
            whole = len(head) < _HEAD_BYTES
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=str(p), kind="missing") from None
    utf16 = None if encoding else _utf16_without_bom(head)
    if b"\x00" in head[:4096] and not head.startswith(_TEXT_BOMS) and utf16 is None:
        raise InputError("binary data, not a CSV/TSV text table", path=str(p))
    codec, errors = (utf16, "strict") if utf16 else _choose_encoding(p, head, encoding)
    try:
        head_text = codecs.getincrementaldecoder(codec)(errors).decode(head, final=whole)
    except UnicodeDecodeError as exc:
        raise InputError(_decode_error(exc, codec, encoding), path=str(p)) from None
    refuse_structured(head_text, p)
    sep_line = excel_sep_line(head_text)
    delim = delimiter or sep_line or sniff_delimiter(head_text, p.suffix.lower())

    mixed: list[int] = []  # rows holding bytes read as Windows-1252 in a UTF-8 file (errors == MIXED)

    def rows() -> Iterator[tuple[int, list[str]]]:
        mixed.clear()
        try:
            with open(p, encoding=codec, errors=errors, newline="") as fh:
                if sep_line:  # Excel's "sep=;" line: not a row (Excel shows the header as row 1)
                    fh.readline()
                lines: Iterable[str] = fh
                if errors == MIXED:
                    lines, marked = _marking_lines(_file_lines(p), bool(sep_line))
                for i, r in csv_records(lines, delim):
                    if errors == MIXED and marked:
                        marked.clear()
                        mixed.append(i)
                    if "'" in "".join(r):  # a cell may start with a quote (one C search; most rows have none)
                        for c in r:
                            if c[:1] == "'":
                                r = [unneutralise(c) if c[:1] == "'" else c for c in r]
                                break
                    yield i, r
        except csv.Error as exc:
            raise InputError(f"malformed CSV: {exc}", path=str(p)) from None
        except UnicodeDecodeError as exc:
            raise InputError(_decode_error(exc, codec, encoding), path=str(p)) from None
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror or exc}", path=str(p)) from None

    out = StreamSheet(p.name, str(p), rows, header_row=header_row, skip_rows=skip_rows,
                      encoding=MIXED_CODEC if errors == MIXED else codec, delimiter=delim, row_names=True)
    out.mixed_rows = mixed
    return out


def _marking_lines(raw_lines: Iterable[bytes], skip_first: bool) -> tuple[Iterator[str], list[bool]]:
    """Lines each read as UTF-8, or else with their bad bytes as Windows-1252; and flags marking those lines.

    ``raw_lines``: the file's lines as bytes, BOM removed. The flag list gets an entry whenever a line needed
    Windows-1252; the caller clears it after each record (csv reads no line ahead). Line ends (LF, CRLF, CR)
    are kept as written, as a text file opened with ``newline=""`` gives them to csv.
    """
    marked: list[bool] = []

    def lines() -> Iterator[str]:
        parts = (part for line in raw_lines for part in line.splitlines(keepends=True))
        if skip_first:
            next(parts, None)
        for raw in parts:
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError:
                marked.append(True)
                yield raw.decode("utf-8", errors=MIXED)

    return lines(), marked


def _file_lines(p: Path) -> Iterator[bytes]:
    """The file's lines as bytes, a UTF-8 BOM removed."""
    with open(p, "rb") as fh:
        first = fh.readline()
        yield first[3:] if first.startswith(b"\xef\xbb\xbf") else first
        yield from fh


class _CsvError(csv.Error):
    """A malformed CSV record, with the file line where the record starts."""


def csv_records(lines: Iterable[str], delim: str) -> Iterator[tuple[int, list[str]]]:
    """(record number, cells) of CSV text, read leniently as spreadsheet programs do — except a quote never closed.

    A quote opened and never closed swallows every later row into one cell (``"P1,yes`` made the patient
    ``P1,yes`` + line break + ``P2,no…`` and P2 was lost without a word): that raises :class:`csv.Error` naming
    the line where the record starts. Other quote slips (``"a "b" c"``, common in exports of rich text)
    stay read as before.
    """
    ended = False  # the reader asked for a line after the last one: a record ran into the end of the file

    def feed() -> Iterator[str]:
        nonlocal ended
        yield from lines
        ended = True

    reader = csv.reader(feed(), delimiter=delim)
    start = 1
    number = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # "field larger than field limit (131072)": where
            if isinstance(exc, _CsvError):
                raise
            raise _CsvError(f"line {reader.line_num}: {exc}") from None
        number += 1
        if ended:  # only a quoted cell still open reads past the last line and is then cut there
            raise _CsvError(f"line {start}: a quoted cell is not closed (it runs to the end of the file)")
        start = reader.line_num + 1
        yield number, visible(row)


def read_text_table(
    path: str | Path,
    *,
    delimiter: str | None = None,
    encoding: str | None = None,
    header_row: int = 1,
    skip_rows: frozenset[int] = frozenset(),
    data: bytes | None = None,
) -> Sheet:
    """Read CSV/TSV text (encoding and delimiter sniffed unless given; ``data``: the file's bytes, in memory)."""
    p = str(path)
    if data is None:
        return open_text_table(path, delimiter=delimiter, encoding=encoding, header_row=header_row,
                               skip_rows=skip_rows).materialize()
    utf16 = None if encoding else _utf16_without_bom(data)
    if b"\x00" in data[:4096] and not data.startswith(_TEXT_BOMS) and utf16 is None:
        raise InputError("binary data, not a CSV/TSV text table", path=p)
    text, used = decode(data, encoding or utf16, p)
    refuse_structured(text, p)
    sep_line = excel_sep_line(text)
    if sep_line:  # Excel's "sep=;" line: not a row
        text = text.split("\n", 1)[1] if "\n" in text else ""
    delim = delimiter or sep_line or sniff_delimiter(text, Path(p).suffix.lower())
    mixed: list[int] = []
    source: Iterable[str] = io.StringIO(text, newline="")
    marked: list[bool] = []
    if used == MIXED_CODEC:  # read line by line to name the rows in Windows-1252
        body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
        source, marked = _marking_lines(body.splitlines(keepends=True), bool(sep_line))
    try:
        raw = []
        for i, r in csv_records(source, delim):
            if marked:
                marked.clear()
                mixed.append(i)
            raw.append((i, [unneutralise(c) if c[:1] == "'" else c for c in r] if "'" in "".join(r) else r))
    except csv.Error as exc:
        raise InputError(f"malformed CSV: {exc}", path=p) from None
    sheet = _build(Path(p).name, p, raw, header_row, skip_rows)
    sheet.encoding, sheet.delimiter, sheet.mixed_rows = used, delim, mixed
    return sheet


def cell_text(value: Any) -> str:
    """A spreadsheet value as text: dates as ISO 8601, whole floats without ``.0``, None as ''."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def check_xlsx(path: str | Path, max_bytes: int, kind: str = "XLSX") -> None:
    """Refuse files that are not XLSX zips, or whose uncompressed size or ratio betrays a zip bomb.

    ``kind`` ``ODS`` / ``XLSB``: the same size checks for the other zipped workbooks (their parts are named
    otherwise, and python-calamine reads them).
    """
    p = str(path)
    try:
        with zipfile.ZipFile(path) as zf:
            total = 0
            limits = current_limits()
            for info in zf.infolist():
                total += info.file_size
                if info.compress_size and info.file_size / info.compress_size > limits.zip_ratio and (
                    info.file_size > 10 * 1024 * 1024
                ):
                    raise limits.exceeded(
                        "zip-ratio",
                        f"refusing {kind}: member {info.filename} expands {info.file_size // info.compress_size}x "
                        "(zip bomb?)",
                        path=p,
                    )
            if total > max_bytes:
                raise InputError(
                    f"refusing {kind}: {total} bytes uncompressed exceeds the limit of {max_bytes} "
                    "(input.max_xlsx_bytes)",
                    path=p,
                )
            if kind != "XLSX":
                return
            if "xl/workbook.xml" not in zf.namelist():
                raise InputError("not an XLSX workbook (no xl/workbook.xml)", path=p)
            _check_relationships(zf, p)
    except zipfile.BadZipFile:
        raise InputError(f"not an {kind} file (not a zip archive)", path=p) from None
    except (NotImplementedError, RuntimeError, EOFError, OSError, ValueError, zlib.error) as exc:  # zip versions …
        raise InputError(f"cannot read {kind}: {' '.join(str(exc).split())[:200] or type(exc).__name__}",
                         path=p) from None


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")
_TARGET = re.compile(rb'\bTarget="([^"]*)"')
#: Default of ``limits.merged-ranges``: most merged ranges in one worksheet (reading stays linear in the cells
#: read whatever the ranges cover; this bounds the list of ranges).
MAX_MERGED_RANGES = DEFAULT_LIMITS.merged_ranges


def _check_relationships(zf: zipfile.ZipFile, path: str) -> None:
    """Refuse a workbook whose sheet relationships point outside the package (``../../etc/passwd``) or nowhere."""
    import posixpath

    try:
        rels = zf.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return  # openpyxl reports it
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError, OSError, ValueError, zlib.error) as exc:
        raise InputError(f"cannot read XLSX member xl/_rels/workbook.xml.rels: {exc}", path=path) from None
    names = set(zf.namelist())
    for m in _RELATIONSHIP.finditer(rels):
        tag = m.group()
        if b'TargetMode="External"' in tag:
            continue
        t = _TARGET.search(tag)
        if t is None:
            continue
        target = t.group(1).decode("utf-8", "replace")
        full = posixpath.normpath(target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target))
        if full.startswith("..") or (target.startswith("/") and ".." in target.split("/")):
            raise InputError(f"XLSX relationship target {target!r} (xl/_rels/workbook.xml.rels) points outside "
                             "the workbook package", path=path)
        if b"/worksheet" in tag and full not in names:
            raise InputError(f"XLSX worksheet {full!r} named in xl/_rels/workbook.xml.rels is missing from the "
                             "package", path=path)


def _member_matches(path: str | Path, member: str, pattern: re.Pattern[bytes]) -> Iterator[re.Match[bytes]]:
    """Every match of ``pattern`` in one zip member, read in 1 MiB chunks.

    A 200,000-row sheet's XML is never held in memory. A match cut by a chunk boundary is found in the next
    chunk; none is yielded twice.
    """
    tail = b""
    with zipfile.ZipFile(path) as zf, zf.open(member.lstrip("/")) as fh:
        while True:
            chunk = fh.read(1 << 20)
            data = tail + chunk
            end = 0
            for m in pattern.finditer(data):
                yield m
                end = m.end()
            if not chunk:
                return
            tail = data[max(end, len(data) - 512):]  # starts after the last match


def _merged_ranges(path: str | Path, member: str, most: int | None = None) -> list[tuple[int, int, int, int]]:
    """(min_col, min_row, max_col, max_row) of every merged range, read from the worksheet XML.

    Past ``most`` ranges the scan stops (the caller refuses the sheet).
    """
    from openpyxl.utils import range_boundaries

    out = []
    for m in _member_matches(path, member, _MERGE):
        c1, r1, c2, r2 = range_boundaries(m.group(1).decode("ascii"))
        if None not in (c1, r1, c2, r2):
            out.append((int(c1), int(r1), int(c2), int(r2)))  # type: ignore[arg-type]
        if most is not None and len(out) > most:
            break
    return out


#: a cell holding a formula and no saved value: ``<c r="B3" …><f>B2</f></c>`` (or ``<f …/>``, ``<v/>``)
_UNCACHED = re.compile(rb'<c r="([A-Z]{1,3}[0-9]{1,7})"[^>]*>(?:<f[^>]*/>|<f[^>]*>[^<]*</f>)(?:<v/>|<v></v>)?</c>')


def _uncached_formulas(path: str | Path, member: str, keep: int = 5) -> tuple[int, list[str]]:
    """(count, first ``keep`` references) of formula cells without a saved value, from the worksheet XML.

    openpyxl reads such a cell as empty (files written by scripts, or saved without recalculation, hold the
    formula only); a converter must say so rather than lose what the formula would show.
    """
    count = 0
    first: list[str] = []
    for m in _member_matches(path, member, _UNCACHED):
        count += 1
        if len(first) < keep:
            first.append(m.group(1).decode("ascii"))
    return count, first


#: a row or column the workbook hides: ``<row r="5" … hidden="1">``, ``<col min="7" max="8" … hidden="1"/>``
_HIDDEN = re.compile(rb'<(row|col)\s[^>]*?\bhidden="(?:1|true)"[^>]*>')
_ATTR = re.compile(rb'\b(r|min|max)="([0-9]{1,7})"')


def _hidden(path: str | Path, member: str) -> tuple[frozenset[int], list[int]]:
    """(hidden row numbers, hidden column numbers) of a worksheet, from its XML (1-based).

    openpyxl's read-only mode does not say; a row hidden (by hand, a filter or a collapsed group) is read as the
    others, so the converter names them: a curator may have hidden the patients meant to be left out.
    """
    rows: set[int] = set()
    columns: list[int] = []
    for m in _member_matches(path, member, _HIDDEN):
        attrs = {k: int(v) for k, v in _ATTR.findall(m.group(0))}
        if m.group(1) == b"row" and b"r" in attrs:
            rows.add(attrs[b"r"])
        elif m.group(1) == b"col" and b"min" in attrs:
            columns.extend(range(attrs[b"min"], min(attrs.get(b"max", attrs[b"min"]), 16384) + 1))
    return frozenset(rows), columns


def _xlsx_source(path: str | Path) -> Any:
    """What openpyxl opens: the path, or the file's bytes for a workbook under another name.

    ``export.csv`` that is an XLSX: openpyxl refuses a path by its extension ("does not support .csv file format").
    """
    if Path(path).suffix.lower() in (".xlsx", ".xlsm", ".xltx", ".xltm"):
        return path
    return io.BytesIO(Path(path).read_bytes())  # the size was checked (check_xlsx)


def _open_workbook(path: str | Path, max_bytes: int) -> Any:
    """The workbook, read-only, values not formulas (size-checked first)."""
    import openpyxl

    check_xlsx(path, max_bytes)
    try:
        wb = openpyxl.load_workbook(_xlsx_source(path), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on corrupt files
        raise InputError(f"cannot open XLSX: {' '.join(str(exc).split())[:200]}", path=str(path)) from None
    if not wb.worksheets:
        wb.close()
        raise InputError("XLSX workbook has no readable worksheet", path=str(path))
    return wb


def _is_hidden(ws: Any) -> bool:
    return getattr(ws, "sheet_state", "visible") not in ("visible", None)


def _worksheet(wb: Any, sheet: str | int | None, path: str) -> Any:
    """The worksheet named / numbered ``sheet`` (1-based; None = the first the workbook shows)."""
    if sheet is None:
        return next((ws for ws in wb.worksheets if not _is_hidden(ws)), wb.worksheets[0])
    if isinstance(sheet, int):
        if not 1 <= sheet <= len(wb.worksheets):
            raise InputError(f"sheet {sheet} does not exist (workbook has {len(wb.worksheets)})", path=path)
        return wb.worksheets[sheet - 1]
    if sheet not in wb.sheetnames:
        raise InputError(f"no sheet named {sheet!r} (sheets: {', '.join(wb.sheetnames)})", path=path)
    return wb[sheet]


def _worksheet_rows(path: str | Path, ws: Any, max_row: int | None = None) -> Iterable[tuple[int, list[str]]]:
    """(row number, cell texts) of a worksheet; a merged range gives its top-left value to every cell it covers.

    Linear in the cells read, whatever the ranges cover: a range is applied row by row while the sweep is inside
    it (``A3:XFD1048576`` costs what the rows that exist cost, not 17 billion cells). A failure of the XLSX
    reader (shared-string index out of range, text in a numeric cell, broken XML) is an ``InputError`` naming
    the file, sheet and row.
    """
    member = getattr(ws, "_worksheet_path", None)
    title = getattr(ws, "title", "?")
    try:
        most = current_limits().merged_ranges
        ranges = list(_merged_ranges(path, member, most)) if member else []
    except (KeyError, zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError, OSError, ValueError,
            zlib.error) as exc:
        raise InputError(f"cannot read XLSX sheet {title!r}: {' '.join(str(exc).split())[:200]}",
                         path=str(path)) from None
    limits = current_limits()
    if len(ranges) > limits.merged_ranges:
        raise limits.exceeded("merged-ranges", f"XLSX sheet {title!r} has over {limits.merged_ranges} merged ranges",
                              path=str(path))
    fill = _MergedFill(ranges)
    padded = _padded_formats(getattr(ws, "parent", None))
    rows = iter(ws.iter_rows(min_row=1, min_col=1, max_row=max_row, values_only=not padded))
    r = 0
    while True:
        try:
            values = next(rows, None)
            if values is None:
                return
            if padded:
                values = [_padded(c, padded) for c in values]
            cells = visible([unneutralise(cell_text(v)) for v in values])
        except InputError:
            raise
        except Exception as exc:  # openpyxl/XML/zip failures while streaming the sheet
            text = " ".join(str(exc).split())[:200] or type(exc).__name__
            raise InputError(f"cannot read XLSX sheet {title!r}, row {r + 1}: {type(exc).__name__}: {text}",
                             path=str(path)) from None
        r += 1
        if ranges:
            fill(r, cells)
        yield r, cells


#: a number format that pads whole numbers with zeros, with literal text around them: ``00000`` (a patient
#: number 123 shown as 00123), ``"P"000`` (7 shown as P007), ``\F-0000``
_PADDED = re.compile(r'((?:"[^"]*"|\\.)*)(0{2,})((?:"[^"]*"|\\.)*)\Z')


def _padded_formats(wb: Any) -> dict[str, tuple[str, int, str]]:
    """The workbook's zero-padding number formats: format → (text before, digits, text after)."""
    out: dict[str, tuple[str, int, str]] = {}
    for fmt in getattr(wb, "_number_formats", None) or []:
        m = _PADDED.match(fmt) if isinstance(fmt, str) else None
        if m:
            def literal(part: str) -> str:
                return re.sub(r'"([^"]*)"|\\(.)', lambda x: x.group(1) if x.group(1) is not None else x.group(2), part)
            out[fmt] = (literal(m.group(1)), len(m.group(2)), literal(m.group(3)))
    return out


def _padded(cell: Any, padded: dict[str, tuple[str, int, str]]) -> Any:
    """A cell's value as the sheet shows it when its format pads a whole number (``00123``), else its value.

    Without this a patient number typed as 00123 and kept visible by a ``00000`` format was the id ``123``: not
    the id the sheet shows, and not the id the hospital's other files use.
    """
    value = getattr(cell, "value", None)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        return value
    if isinstance(value, float) and not value.is_integer():
        return value
    fmt = padded.get(getattr(cell, "number_format", ""))
    if fmt is None:
        return value
    before, width, after = fmt
    return f"{before}{str(int(value)).zfill(width)}{after}"


class _MergedFill:
    """Merged ranges ``(c1, r1, c2, r2)`` (1-based, inclusive): each range's top-left value in all its cells.

    Rows come in order. Linear in the cells read, whatever the ranges cover: a range is applied row by row
    while the sweep is inside it (``A3:XFD1048576`` costs what the rows that exist cost, not 17 billion cells).
    """

    def __init__(self, ranges: Iterable[tuple[int, int, int, int]]) -> None:
        self._ranges = sorted(ranges, key=lambda rg: rg[1])
        self._pending = 0  # ranges[pending:] start below the current row
        self._active: list[tuple[int, int, int, int]] = []
        self._anchors: dict[tuple[int, int], str] = {}

    def __call__(self, r: int, cells: list[str]) -> None:
        ranges, active = self._ranges, self._active
        while self._pending < len(ranges) and ranges[self._pending][1] <= r:
            active.append(ranges[self._pending])
            self._pending += 1
        if active:
            active = self._active = [rg for rg in active if rg[3] >= r]
        for c1, r1, _c2, _r2 in active:
            if r == r1 and c1 <= len(cells):
                self._anchors[(r1, c1)] = cells[c1 - 1]
        if active and any(cells):  # a blank row stays blank even inside a merged range
            width = len(cells)
            for c1, r1, c2, _r2 in active:
                value = self._anchors.get((r1, c1), "")
                for c in range(c1, min(c2, width) + 1):
                    if (r, c) != (r1, c1) and not cells[c - 1]:
                        cells[c - 1] = value


def read_xlsx(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    header_row: int = 1,
    skip_rows: frozenset[int] = frozenset(),
    max_bytes: int = 256 * 1024 * 1024,
) -> Sheet:
    """Read one worksheet (streaming); merged ranges take the top-left value in every cell they cover."""
    return open_xlsx(path, sheet=sheet, header_row=header_row, skip_rows=skip_rows, max_bytes=max_bytes).materialize()


def open_xlsx(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    header_row: int = 1,
    skip_rows: frozenset[int] = frozenset(),
    max_bytes: int = 256 * 1024 * 1024,
) -> StreamSheet:
    """One worksheet as a :class:`StreamSheet` (read-only workbook; the first pass spills its rows)."""
    p = str(path)
    wb = _open_workbook(path, max_bytes)
    try:
        ws = _worksheet(wb, sheet, p)
    except BaseException:
        wb.close()
        raise
    title, index = ws.title, wb.worksheets.index(ws)
    opened = [wb]  # the workbook opened to find the sheet serves the first pass

    def rows() -> Iterator[tuple[int, list[str]]]:
        import openpyxl

        if opened:
            book = opened.pop()
        else:
            try:
                book = openpyxl.load_workbook(_xlsx_source(path), read_only=True, data_only=True)
            except Exception as exc:  # openpyxl raises many kinds on corrupt files
                raise InputError(f"cannot open XLSX: {' '.join(str(exc).split())[:200]}", path=p) from None
        try:
            yield from _worksheet_rows(path, book.worksheets[index])
        finally:
            book.close()

    out = StreamSheet(title, p, rows, header_row=header_row, skip_rows=skip_rows, spill=True)
    out.sheet_note = _hidden_sheet_note([w.title for w in wb.worksheets], [_is_hidden(w) for w in wb.worksheets],
                                        index, sheet)
    member = getattr(ws, "_worksheet_path", None)
    if member:
        try:
            out.uncached_formulas = _uncached_formulas(path, member)
            out.hidden_marks, out.hidden_columns = _hidden(path, member)
        except (KeyError, zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError, zlib.error):
            pass  # the rows' reader reports a damaged member
    return out


#: Workbooks read through python-calamine (Rust): OpenDocument (LibreOffice) and Excel 97-2003 / binary Excel.
CALAMINE_EXTENSIONS = (".ods", ".xls", ".xlsb")
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Compound File header of .xls
_ODS_MIMETYPE = b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet"  # first, stored member of an .ods


def calamine_kind(path: str | Path) -> str | None:
    """``ODS``, ``XLS`` or ``XLSB`` when the file is such a workbook (by its first bytes, else extension)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(96)
    except OSError:
        return None
    return workbook_kind(head, Path(path).suffix)


def workbook_kind(head: bytes, suffix: str) -> str | None:
    """:func:`calamine_kind` of a file's first 96 bytes (or more) and its extension."""
    if head.startswith(_OLE2):
        return "XLS"
    if head.startswith(b"PK\x03\x04") and head[30:].startswith(_ODS_MIMETYPE):
        return "ODS"
    suffix = suffix.lower()
    if suffix in CALAMINE_EXTENSIONS and (head.startswith(b"PK\x03\x04") or suffix == ".xls"):
        return suffix[1:].upper()
    return None


def _calamine_book(path: Path, kind: str, max_bytes: int) -> Any:
    """The workbook opened by python-calamine (size-checked first); a damaged file is an ``InputError``."""
    import python_calamine

    if kind == "XLS":
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(f"refusing XLS: {size} bytes exceeds the limit of {max_bytes} (input.max_xlsx_bytes)",
                             path=str(path))
    else:
        check_xlsx(path, max_bytes, kind)
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # calamine's errors, and its Rust panics (a BaseException) on damaged files
        raise InputError(f"cannot open {kind}: {' '.join(str(exc).split())[:200] or type(exc).__name__}",
                         path=str(path)) from None
    if not book.sheet_names:
        raise InputError(f"{kind} workbook has no readable worksheet", path=str(path))
    return book


def _calamine_hidden(book: Any) -> list[bool]:
    """Per worksheet, whether the workbook hides it (ODS ``table:display="false"``, XLS hidden / very hidden)."""
    try:
        return [str(getattr(m, "visible", "")).rsplit(".", 1)[-1].lower() != "visible" for m in book.sheets_metadata]
    except Exception:  # an older python-calamine, or metadata it cannot read: every sheet counts as shown
        return [False] * len(book.sheet_names)


def _calamine_sheet_index(names: list[str], sheet: str | int | None, path: str, hidden: list[bool] | None = None
                          ) -> int:
    """0-based index of the worksheet named / numbered ``sheet`` (1-based; None = the first the workbook shows)."""
    if sheet is None:
        return next((i for i, h in enumerate(hidden or []) if not h), 0)
    if isinstance(sheet, int):
        if not 1 <= sheet <= len(names):
            raise InputError(f"sheet {sheet} does not exist (workbook has {len(names)})", path=path)
        return sheet - 1
    if sheet not in names:
        raise InputError(f"no sheet named {sheet!r} (sheets: {', '.join(names)})", path=path)
    return names.index(sheet)


def _calamine_rows(book: Any, index: int, kind: str, path: str, max_row: int | None = None
                   ) -> Iterator[tuple[int, list[str]]]:
    """(row number, cell texts) of one worksheet, merged ranges filled as in an XLSX; errors located."""
    title = book.sheet_names[index]
    try:
        ws = book.get_sheet_by_index(index)
        ranges = list(getattr(ws, "merged_cell_ranges", None) or [])
        # calamine starts at the first used cell: keep spreadsheet row numbers and column positions
        first, lead = (ws.start[0], ws.start[1]) if ws.start else (0, 0)
        rows = ws.iter_rows()
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:
        raise InputError(f"cannot read {kind} sheet {title!r}: {' '.join(str(exc).split())[:200]}", path=path) from None
    limits = current_limits()
    if len(ranges) > limits.merged_ranges:
        raise limits.exceeded("merged-ranges", f"{kind} sheet {title!r} has over {limits.merged_ranges} merged ranges",
                              path=path)
    # ((row, col), (row, col)) 0-based, inclusive → (c1, r1, c2, r2) 1-based, as the XLSX reader's ranges
    fill = _MergedFill((c1 + 1, r1 + 1, c2 + 1, r2 + 1) for (r1, c1), (r2, c2) in ranges) if ranges else None
    r = first
    for values in rows:
        r += 1
        if max_row is not None and r > max_row:
            return
        if r > limits.sheet_rows + 1:
            raise limits.exceeded("sheet-rows", f"{kind} sheet {title!r} has over {limits.sheet_rows} rows", path=path)
        cells = visible([*([""] * lead), *(unneutralise(cell_text(v)) for v in values)])
        if fill is not None:
            fill(r, cells)
        yield r, cells


_Read = tuple[list[str], list[tuple[int, list[tuple[int, list[str]]]]], list[bool]]


def _calamine_read(path: Path, kind: str, max_bytes: int, sheet: str | int | None, max_row: int | None,
                   every: bool) -> _Read:
    """(sheet names, [(sheet index, its rows)], hidden flags) of the workbook: ``sheet`` alone, or ``every`` sheet."""
    book = _calamine_book(path, kind, max_bytes)
    names = list(book.sheet_names)
    hidden = _calamine_hidden(book)
    wanted = range(len(names)) if every else [_calamine_sheet_index(names, sheet, str(path), hidden)]
    return names, [(i, list(_calamine_rows(book, i, kind, str(path), max_row))) for i in wanted], hidden


#: seconds a workbook may take in the reader's child process
CALAMINE_SECONDS = 300


def _read_isolated(path: Path, kind: str, max_bytes: int, sheet: str | int | None, max_row: int | None = None,
                   *, every: bool = False) -> _Read:
    """:func:`_calamine_read` in a forked child process on Linux, whose address space is bounded.

    calamine is Rust: a hostile .xls can make it panic or ask for hundreds of gigabytes, and an allocation failure
    aborts the whole process — every other file of the run with it. In a child, that is one located input error.
    Elsewhere (no ``fork``; macOS forks are unsafe with threads) the file is read in this process.
    """
    import os
    import sys

    if not sys.platform.startswith("linux"):
        return _calamine_read(path, kind, max_bytes, sheet, max_row, every)
    import faulthandler  # every import here, before the fork: the child must not need the import lock
    import pickle
    import select
    import signal

    import python_calamine  # noqa: F401

    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child (its coverage is not collected)
        status = 0
        try:
            os.close(r)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 2)  # a Rust panic prints its message and backtrace there: the parent reports instead
            faulthandler.disable()  # (pytest, PYTHONFAULTHANDLER) would print the abort on another descriptor
            _bound_memory(max(2 * max_bytes, 1 << 30))
            try:
                result: Any = ("ok", _calamine_read(path, kind, max_bytes, sheet, max_row, every))
            except InputError as exc:
                result = ("input", exc)
            with os.fdopen(w, "wb") as fh:
                pickle.dump(result, fh, protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException:
            status = 1
        finally:
            os._exit(status)
    os.close(w)
    chunks: list[bytes] = []
    try:
        with os.fdopen(r, "rb") as fh:
            while True:
                ready, _, _ = select.select([fh], [], [], CALAMINE_SECONDS)
                if not ready:
                    os.kill(pid, signal.SIGKILL)
                    raise InputError(f"cannot read {kind}: the reader took over {CALAMINE_SECONDS} s", path=str(path))
                chunk = os.read(fh.fileno(), 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
    finally:
        _, status = os.waitpid(pid, 0)
    data = b"".join(chunks)
    if not data:
        how = f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else f"exit {os.WEXITSTATUS(status)}"
        raise InputError(f"cannot read {kind}: the reader failed on this file ({how}; damaged or hostile workbook)",
                         path=str(path))
    tag, value = pickle.loads(data)  # our own child's output
    if tag == "input":
        raise value
    return value  # type: ignore[no-any-return]


def _hidden_sheet_note(names: list[str], hidden: list[bool], index: int, sheet: str | int | None) -> str | None:
    """A word about a hidden worksheet: the one read (named by ``input.sheet``), or hidden ones passed over."""
    if hidden[index]:
        return (f"sheet {names[index]!r} is hidden in the workbook (input.sheet names it): its rows were read; "
                "check it holds the patients meant")
    before = [n for n, h in zip(names[:index], hidden[:index], strict=True) if h]
    if sheet is None and before:
        return (f"the workbook's first sheet {before[0]!r} is hidden: read {names[index]!r}, the first sheet it "
                "shows (set input.sheet to read another)")
    return None


def _bound_memory(extra: int) -> None:
    """Cap this process's address space at its current size plus ``extra`` bytes (Linux)."""
    import resource

    try:
        with open("/proc/self/statm") as fh:
            pages = int(fh.read().split()[0])
        size = pages * resource.getpagesize() + extra
        resource.setrlimit(resource.RLIMIT_AS, (size, size))
    except (OSError, ValueError):
        pass


def open_calamine(
    path: str | Path,
    kind: str,
    *,
    sheet: str | int | None = None,
    header_row: int = 1,
    skip_rows: frozenset[int] = frozenset(),
    max_bytes: int = 256 * 1024 * 1024,
) -> StreamSheet:
    """One worksheet of an ODS/XLS/XLSB workbook as a :class:`StreamSheet` (read once, in a child process)."""
    p = Path(path)
    names, [(index, rows)], hidden = _read_isolated(p, kind, max_bytes, sheet)

    def replay() -> Iterator[tuple[int, list[str]]]:
        return iter(rows)

    out = StreamSheet(names[index], str(p), replay, header_row=header_row, skip_rows=skip_rows)
    out.sheet_note = _hidden_sheet_note(names, hidden, index, sheet)
    if kind == "ODS":
        try:
            out.hidden_marks, out.hidden_columns = _ods_hidden(p, names[index])
        except (KeyError, zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError, zlib.error):
            pass  # calamine read the rows; a part it did not need is no reason to stop
    return out


class RowRanges:
    """Row numbers as inclusive ranges (an ODS row style repeated over a million empty rows stays two numbers)."""

    def __init__(self, ranges: list[tuple[int, int]]) -> None:
        self._ranges = sorted(ranges)
        self._starts = [a for a, _ in self._ranges]

    def __contains__(self, number: object) -> bool:
        if not isinstance(number, int):
            return False
        i = bisect.bisect_right(self._starts, number) - 1
        return i >= 0 and self._ranges[i][0] <= number <= self._ranges[i][1]

    def __bool__(self) -> bool:
        return bool(self._ranges)


#: an ODS table, row or column start tag (``<table:table-row table:visibility="collapsed" …>``)
_ODS_TAG = re.compile(rb"<table:table(-row|-column)?(?=[\s>/])([^>]*)>")
_ODS_NAME = re.compile(rb'table:name="([^"]*)"')
_ODS_HIDDEN = re.compile(rb'table:visibility="(?:collapsed|filter)"')
_ODS_REPEAT = re.compile(rb'table:number-(?:rows|columns)-repeated="([0-9]{1,9})"')


def _ods_hidden(path: Path, sheet: str) -> tuple[RowRanges, list[int]]:
    """(hidden rows, hidden columns ≤ 16384) of one table of an ODS file, from content.xml, read in chunks.

    Rows and columns hidden by hand (``collapsed``) or by a filter (``filter``); repeated rows are counted.
    """
    from xml.sax.saxutils import unescape

    rows: list[tuple[int, int]] = []
    columns: list[int] = []
    inside = False
    r = c = 0
    for m in _member_matches(path, "content.xml", _ODS_TAG):
        kind, attrs = m.group(1), m.group(2)
        if kind is None:  # a table starts
            if inside:
                break
            name = _ODS_NAME.search(attrs)
            inside = name is not None and unescape(name.group(1).decode("utf-8", "replace"),
                                                   {"&quot;": '"', "&apos;": "'"}) == sheet
            continue
        if not inside:
            continue
        rep = _ODS_REPEAT.search(attrs)
        n = int(rep.group(1)) if rep else 1
        if kind == b"-row":
            if _ODS_HIDDEN.search(attrs):
                rows.append((r + 1, r + n))
            r += n
        else:
            if _ODS_HIDDEN.search(attrs):
                columns.extend(range(c + 1, min(c + n, 16384) + 1))
            c += n
    return RowRanges(rows), columns


@dataclass
class SheetPreview:
    """The first rows of one sheet, unparsed: what ``mapping init`` looks at to find the data and its header."""

    name: str  #: worksheet title, or the file name of a CSV/TSV
    index: int  #: 1-based position in the workbook (1 for CSV/TSV)
    rows: list[tuple[int, list[str]]]  #: (row number, cell texts), merged cells filled, blank rows kept
    workbook: bool  #: True for an XLSX worksheet
    sheet_count: int = 1  #: worksheets in the workbook
    hidden: bool = False  #: the workbook hides the sheet (XLSX, ODS, XLS): never chosen over a visible one


def preview_table(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    max_rows: int = 60,
    delimiter: str | None = None,
    encoding: str | None = None,
    max_xlsx_bytes: int = 256 * 1024 * 1024,
) -> list[SheetPreview]:
    """The first ``max_rows`` rows of every worksheet (or only ``sheet``), or of a CSV/TSV file."""
    p = _regular_file(path)
    kind = calamine_kind(p)
    if kind is not None:
        names, read, hidden = _read_isolated(p, kind, max_xlsx_bytes, sheet, max_rows, every=sheet is None)
        return [SheetPreview(names[i], i + 1, rows, True, len(names), hidden[i]) for i, rows in read]
    if _is_xlsx(p):
        wb = _open_workbook(p, max_xlsx_bytes)
        try:
            sheets = [_worksheet(wb, sheet, str(p))] if sheet is not None else list(wb.worksheets)
            count = len(wb.worksheets)
            return [
                SheetPreview(ws.title, wb.worksheets.index(ws) + 1, list(_worksheet_rows(p, ws, max_rows)), True,
                             count, _is_hidden(ws))
                for ws in sheets
            ]
        finally:
            wb.close()
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=str(p)) from None
    utf16 = None if encoding else _utf16_without_bom(data)
    if b"\x00" in data[:4096] and not data.startswith(_TEXT_BOMS) and utf16 is None:
        raise InputError("binary data, not a CSV/TSV text table", path=str(p))
    text, _ = decode(data, encoding or utf16, str(p))
    refuse_structured(text, p)
    sep_line = excel_sep_line(text)
    if sep_line:  # Excel's "sep=;" line: not a row
        text = text.split("\n", 1)[1] if "\n" in text else ""
    delim = delimiter or sep_line or sniff_delimiter(text, p.suffix.lower())
    rows: list[tuple[int, list[str]]] = []
    try:
        for i, r in csv_records(io.StringIO(text, newline=""), delim):
            if i > max_rows:
                break
            rows.append((i, [unneutralise(c) if c[:1] == "'" else c for c in r]))
    except csv.Error as exc:
        raise InputError(f"malformed CSV: {exc}", path=str(p)) from None
    return [SheetPreview(p.name, 1, rows, False)]


def _regular_file(path: str | Path) -> Path:
    p = Path(path)
    if not p.exists():
        raise InputError("no such file", path=str(path), kind="missing")
    if not p.is_file():  # a directory, or a FIFO/device that could block forever
        raise InputError("not a regular file (a CSV/TSV/XLSX sheet is expected)", path=str(path))
    return p


def _is_xlsx(p: Path) -> bool:
    with open(p, "rb") as fh:
        head = fh.read(4)
    return p.suffix.lower() in XLSX_EXTENSIONS or head.startswith(b"PK\x03\x04")


def read_table(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    header_row: int = 1,
    skip_rows: frozenset[int] = frozenset(),
    delimiter: str | None = None,
    encoding: str | None = None,
    max_xlsx_bytes: int = 256 * 1024 * 1024,
) -> Sheet:
    """Read a CSV/TSV/TXT, XLSX, ODS or XLS table by content and extension, in memory."""
    return open_table(path, sheet=sheet, header_row=header_row, skip_rows=skip_rows, delimiter=delimiter,
                      encoding=encoding, max_xlsx_bytes=max_xlsx_bytes).materialize()


def open_table(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    header_row: int = 1,
    skip_rows: frozenset[int] = frozenset(),
    delimiter: str | None = None,
    encoding: str | None = None,
    max_xlsx_bytes: int = 256 * 1024 * 1024,
) -> StreamSheet:
    """A CSV/TSV/TXT, XLSX, ODS or XLS(B) table as a :class:`StreamSheet`: the header now, the rows when iterated."""
    p = _regular_file(path)
    kind = calamine_kind(p)
    if kind is not None:
        return open_calamine(p, kind, sheet=sheet, header_row=header_row, skip_rows=skip_rows,
                             max_bytes=max_xlsx_bytes)
    if _is_xlsx(p):
        return open_xlsx(p, sheet=sheet, header_row=header_row, skip_rows=skip_rows, max_bytes=max_xlsx_bytes)
    return open_text_table(p, delimiter=delimiter, encoding=encoding, header_row=header_row, skip_rows=skip_rows)


def sheet_from_dataframe(df: pd.DataFrame, name: str = "DataFrame") -> Sheet:
    """A DataFrame as a :class:`Sheet`; row numbers are spreadsheet-style (header = row 1, first row = 2)."""
    import pandas as pd

    def text(value: Any) -> str:
        if value is None or (not isinstance(value, (list, tuple, dict)) and pd.isna(value)):
            return ""
        if isinstance(value, pd.Timestamp):
            value = value.to_pydatetime()
        return unicodedata.normalize("NFC", _INVISIBLE.sub("", cell_text(value)))

    header = [unicodedata.normalize("NFC", _INVISIBLE.sub("", str(c))).strip() for c in df.columns]
    columns = [[text(v) for v in df.iloc[:, j].tolist()] for j in range(df.shape[1])]
    raw = [(1, header)] + [(i + 2, [col[i] for col in columns]) for i in range(len(df))]
    return _build(name, f"<{name}>", raw, 1, frozenset())
