"""``phenotk info``: what a file holds (element, schema version, id, counts)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from phenotk._text import printable
from phenotk.errors import InputError
from phenotk.io import Document
from phenotk.model.summary import counts

from ._common import ElementOpt, FormatOpt, documents, echo_json


def describe(doc: Document) -> dict[str, Any]:
    """A small dict describing one document."""
    meta = doc.data.get("metaData") or doc.data.get("meta_data") or {}
    version = meta.get("phenopacketSchemaVersion") if isinstance(meta, dict) else None
    out: dict[str, Any] = {
        "path": doc.path,
        "format": doc.format.value,
        "element": doc.element.value,
        "schema_version": version,
        "id": doc.id,
    }
    if doc.message is not None:
        out.update(counts(doc.message))
    else:
        out["parse_error"] = doc.parse_error
    return out


def info_command(
    paths: Annotated[list[str], typer.Argument(help="Files, directories, globs, .zip or -.")],
    json_: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
    from_: Annotated[FormatOpt | None, typer.Option("--from", help="Force the input format.")] = None,
    element: Annotated[ElementOpt | None, typer.Option("--element", help="Force the element type.")] = None,
) -> None:
    """Show element, schema version, id and counts of each document."""
    errors: list[InputError] = []
    rows = [describe(d) for d in documents(paths, from_, element, errors)]
    if json_:
        echo_json(rows)
    else:
        for r in rows:
            extras = ", ".join(f"{k}={v}" for k, v in r.items() if k not in ("path", "format", "element", "id"))
            typer.echo(printable(f"{r['path']}: {r['element']} ({r['format']}) id={r['id']} {extras}"))
    if errors:
        raise typer.Exit(2)


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("info")(info_command)
