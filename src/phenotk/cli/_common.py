"""Helpers shared by command modules: option enums, input iteration with per-file error lines."""

from __future__ import annotations

import enum
from collections.abc import Iterator
from typing import Any

import typer

from phenotk.errors import InputError
from phenotk.io import Document, Element, Format, iter_documents


class FormatOpt(str, enum.Enum):
    """--from/--to choices for phenopacket serialisations."""

    json = "json"
    yaml = "yaml"
    pb = "pb"
    jsonl = "jsonl"


class ElementOpt(str, enum.Enum):
    """--element choices."""

    phenopacket = "phenopacket"
    family = "family"
    cohort = "cohort"


def documents(
    paths: list[str],
    fmt: FormatOpt | None = None,
    element: ElementOpt | None = None,
    errors: list[InputError] | None = None,
) -> Iterator[Document]:
    """Yield readable documents; print each unreadable input as one line and remember it in ``errors``."""
    for item in iter_documents(
        paths,
        fmt=Format(fmt.value) if fmt else None,
        element=Element(element.value) if element else None,
    ):
        if isinstance(item, InputError):
            typer.echo(str(item), err=True)
            if errors is not None:
                errors.append(item)
            continue
        yield item


def echo_json(obj: Any) -> None:
    """Print a JSON document to stdout."""
    import json

    typer.echo(json.dumps(obj, indent=2, ensure_ascii=False))
