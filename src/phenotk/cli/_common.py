"""Helpers shared by command modules: option enums, option parsing, input iteration with per-file error lines.

Imported by command modules at registration, so it imports nothing heavy at module level.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import typer

from phenotk.errors import UsageError

if TYPE_CHECKING:  # pragma: no cover
    from phenotk.errors import InputError
    from phenotk.io import Document


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
    from phenotk.errors import InputError
    from phenotk.io import Element, Format, iter_documents

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


def split_values(values: list[str] | None) -> list[str] | None:
    """Repeatable, comma-separated option values as one list (None when none were given)."""
    if not values:
        return None
    return [v.strip() for item in values for v in item.split(",") if v.strip()] or None


def ontology_specs(specs: list[str] | None) -> dict[str, str] | None:
    """``--ontology MONDO=mondo.obo`` (repeatable) → ``{"MONDO": "mondo.obo"}`` (None when none were given)."""
    out: dict[str, str] = {}
    for spec in specs or []:
        prefix, sep, path = spec.partition("=")
        if not sep or not prefix.strip() or not path.strip():
            raise UsageError(f"--ontology takes PREFIX=FILE (e.g. MONDO=mondo.obo), not {spec!r}")
        out[prefix.strip()] = path.strip()
    return out or None


def usage_warning(message: str) -> None:
    """A command line that earlier releases took without a word and this one still runs as they did, said aloud.

    Options that contradict each other or that the run ignores are public usage: scripts and pre-commit hooks
    may hold them (a hook whose entry has ``--no-hpo`` plus ``args: [--hpo, F]``). They keep working as before,
    with this one line on stderr, instead of becoming a usage error (a later release may refuse them).
    """
    typer.echo(f"warning: {message} (a later release may refuse this)", err=True)


def exclusive(*given: tuple[str, object]) -> None:
    """Options that contradict each other (``("--hpo", hpo), ("--no-hpo", no_hpo)``): a :func:`usage_warning`.

    The last one named wins, as it always did.
    """
    named = [name for name, value in given if value not in (None, False, (), [])]
    if len(named) > 1:
        ignored = " and ".join(named[:-1])
        usage_warning(f"{' and '.join(named)} contradict each other; {named[-1]} wins, {ignored} is ignored")


def needs(option: str, value: object, requirement: str, met: bool) -> None:
    """``option`` given (``value`` set) without what it needs (``--disease`` without …): a :func:`usage_warning`.

    The option is ignored, as it always was.
    """
    if value not in (None, False, (), []) and not met:
        usage_warning(f"{option} needs {requirement}; it is ignored")


def not_stdout(option: str, value: object, what: str) -> None:
    """``-`` given where stdout makes no sense: it used to make a file or folder named ``-``."""
    if value is not None and str(value) == "-":
        raise UsageError(f"{option} -: {what}, not stdout; name one")


def note_inputs(*paths: object) -> None:
    """Files a command reads besides its inputs (config, mapping, HPO, key, schemas, sheet): no output replaces one.

    ``io.writers.guard_inputs`` refuses to overwrite what the run read, even with --force; these side files were
    not registered, so ``deidentify --key-file k --map-out k --force`` destroyed the secret key, and
    ``validate -o phenotk.toml --force`` the config it had just read.
    """
    from phenotk.io.writers import note_input

    for path in paths:
        if isinstance(path, (str, os.PathLike)) and str(path) not in ("", "-"):
            note_input(path)


def echo_json(obj: Any) -> None:
    """Print a JSON document to stdout."""
    import json

    typer.echo(json.dumps(obj, indent=2, ensure_ascii=False))
