"""A minimal OpenDocument spreadsheet writer for tests (no LibreOffice on the CI machine): mimetype first and
stored, content.xml with one table per sheet. Cells: str, int/float, ("date", "YYYY-MM-DD"), ("span", text, n)
for a cell merged over n columns, None for an empty cell."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
       'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
       'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
       'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"')
#: a table style that hides its sheet (what LibreOffice writes for Sheet > Hide Sheet)
_HIDDEN_STYLE = ('<office:automatic-styles><style:style style:name="ta_hidden" style:family="table">'
                 '<style:table-properties table:display="false"/></style:style></office:automatic-styles>')


def _cell(v: Any) -> str:
    if v is None:
        return "<table:table-cell/>"
    if isinstance(v, (int, float)):
        return f'<table:table-cell office:value-type="float" office:value="{v}"><text:p>{v}</text:p></table:table-cell>'
    if isinstance(v, tuple) and v[0] == "date":
        return (f'<table:table-cell office:value-type="date" office:date-value="{v[1]}"><text:p>{v[1]}</text:p>'
                "</table:table-cell>")
    if isinstance(v, tuple) and v[0] == "span":
        return (f'<table:table-cell table:number-columns-spanned="{v[2]}" office:value-type="string">'
                f"<text:p>{escape(v[1])}</text:p></table:table-cell>" + "<table:covered-table-cell/>" * (v[2] - 1))
    return f'<table:table-cell office:value-type="string"><text:p>{escape(str(v))}</text:p></table:table-cell>'


def write_ods(path: Path, sheets: dict[str, list[list[Any]]], hidden: frozenset[str] = frozenset()) -> Path:
    """Write ``sheets`` (name → rows) as an .ods file at ``path``; the sheets named in ``hidden`` are hidden."""
    tables = "".join(
        f"<table:table table:name={quoteattr(name)}"
        + (' table:style-name="ta_hidden">' if name in hidden else ">")
        + "".join("<table:table-row>" + "".join(map(_cell, row)) + "</table:table-row>" for row in rows)
        + "</table:table>"
        for name, rows in sheets.items()
    )
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_NS} office:version="1.2">'
               f"{_HIDDEN_STYLE if hidden else ''}<office:body><office:spreadsheet>{tables}</office:spreadsheet>"
               "</office:body></office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                "</manifest:manifest>")
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")  # stored
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return path
