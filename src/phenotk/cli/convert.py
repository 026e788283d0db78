"""``phenotk convert``: between Phenopacket serialisations (JSON, YAML, protobuf binary, JSONL)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from phenotk.errors import InputError, OutputExistsError, UsageError
from phenotk.io import Document, Format, atomic_write, dumps
from phenotk.io.sniff import format_from_extension

from ._common import ElementOpt, FormatOpt, documents


def _target_name(doc: Document, used: set[str], fmt: Format) -> str:
    base = Path(doc.path.split("!")[-1].split("#L")[0]).stem
    if doc.format is Format.JSONL or not base or base == "stdin":
        base = doc.id or base or "document"
    name = "".join(c if c.isalnum() or c in "._-" else "_" for c in base) + fmt.extension
    stem, n = name[: -len(fmt.extension)], 2
    while name in used:
        name = f"{stem}_{n}{fmt.extension}"
        n += 1
    used.add(name)
    return name


def convert_command(
    inputs: Annotated[list[str], typer.Argument(help="Files, directories, globs, .zip archives or - for stdin.")],
    output: Annotated[
        str, typer.Option("-o", "--output", help="Output file (one document or .jsonl) or directory (ends with /).")
    ],
    to: Annotated[FormatOpt | None, typer.Option("--to", help="Output format (default: from -o extension).")] = None,
    from_: Annotated[FormatOpt | None, typer.Option("--from", help="Force the input format.")] = None,
    element: Annotated[ElementOpt | None, typer.Option("--element", help="Force the element type.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing outputs.")] = False,
) -> None:
    """Convert Phenopackets, Families and Cohorts between JSON, YAML, protobuf binary and JSONL."""
    errors: list[InputError] = []
    out_is_dir = output.endswith(("/", os.sep)) or os.path.isdir(output)
    fmt = Format(to.value) if to else (None if out_is_dir else format_from_extension(output))
    if fmt is None and out_is_dir:
        fmt = Format.JSON
    if fmt is None:
        raise UsageError(f"cannot tell the output format from {output!r}; add --to json|yaml|pb|jsonl")
    written = 0
    if out_is_dir:
        used: set[str] = set()
        for doc in documents(inputs, from_, element, errors):
            if doc.message is None:
                typer.echo(f"{doc.path}: cannot convert: {doc.parse_error}", err=True)
                errors.append(InputError(str(doc.parse_error), path=doc.path))
                continue
            target = Path(output) / _target_name(doc, used, fmt)
            try:
                atomic_write(target, dumps(doc.message, fmt), force=force)
            except OutputExistsError as exc:
                typer.echo(str(exc), err=True)
                errors.append(InputError(exc.message, path=exc.path))
                continue
            written += 1
    else:
        messages = []
        for doc in documents(inputs, from_, element, errors):
            if doc.message is None:
                typer.echo(f"{doc.path}: cannot convert: {doc.parse_error}", err=True)
                errors.append(InputError(str(doc.parse_error), path=doc.path))
                continue
            messages.append(doc.message)
        if len(messages) > 1 and fmt is not Format.JSONL:
            raise UsageError(
                f"{len(messages)} documents cannot go into one {fmt.value} file; give a directory (ending in /) "
                "or a .jsonl output"
            )
        if messages:
            payload = b"".join(dumps(m, fmt) for m in messages)
            atomic_write(output, payload, force=force)
            written = len(messages)
    typer.echo(f"wrote {written} document(s) to {output}", err=True)
    if errors:
        raise typer.Exit(2)


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("convert")(convert_command)
