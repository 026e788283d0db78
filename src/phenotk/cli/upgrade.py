"""``phenotk upgrade``: Phenopacket v1 and pre-1.0 documents → v2, one output file per input document."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from phenotk.conversion.v1 import INTERPRETATION_STATUSES, PROGRESS_STATUSES, UpgradeOptions, upgrade
from phenotk.errors import InputError, OutputExistsError, UsageError
from phenotk.io import Format, atomic_write, dumps
from phenotk.io.readers import iter_sources
from phenotk.io.sniff import format_from_extension
from phenotk.issue import Issue, Report, Result, Severity


def _stem(name: str) -> str:
    stem = Path(name).stem or "document"
    return "".join(c if c.isalnum() or c in "._-" else "_" for c in stem)


def upgrade_command(
    inputs: Annotated[list[str], typer.Argument(help="v1 files, directories, globs, .zip archives or - for stdin.")],
    output: Annotated[
        str, typer.Option("-o", "--output", help="Output directory (one v2 file per input), or a .json/.yaml file.")
    ],
    variants_to_interpretations: Annotated[
        bool,
        typer.Option(
            "--variants-to-interpretations",
            help="Turn v1 genes/variants into a v2 interpretation of the packet's disease (else they are reported "
            "as not carried).",
        ),
    ] = False,
    disease: Annotated[
        str | None, typer.Option("--disease", help="Disease id of that interpretation when a packet has several.")
    ] = None,
    status: Annotated[
        str, typer.Option("--status", help=f"progressStatus of it: {', '.join(PROGRESS_STATUSES)}.")
    ] = "SOLVED",
    interpretation_status: Annotated[
        str,
        typer.Option(
            "--interpretation-status", help=f"Status of each gene/variant: {', '.join(INTERPRETATION_STATUSES)}."
        ),
    ] = "CAUSATIVE",
    to: Annotated[str | None, typer.Option("--to", help="json or yaml (default: as the input).")] = None,
    report_path: Annotated[Path | None, typer.Option("--report", help="Write all findings (JSON) here.")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Also print info findings.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing outputs.")] = False,
) -> None:
    """Upgrade Phenopacket v1 (and pre-1.0 HpoCaseAnnotator) documents to v2.

    Every v1 value without a v2 home is reported. Exit 0 when all inputs were upgraded, 1 when a finding is an
    error, 2 when an input could not be read or upgraded (the reason is printed).
    """
    options = UpgradeOptions(
        variants_to_interpretations=variants_to_interpretations,
        disease=disease,
        progress_status=status,
        interpretation_status=interpretation_status,
    )
    fixed = Format(to) if to in ("json", "yaml") else None
    if to and fixed is None:
        raise UsageError(f"--to must be json or yaml, not {to!r}")
    report = Report()
    refused = 0
    written = 0
    used: set[str] = set()
    out_format = format_from_extension(output)
    single = out_format in (Format.JSON, Format.YAML) and not Path(output).is_dir()  # -o new.json: one document
    for src in iter_sources(inputs):
        if isinstance(src, InputError):
            typer.echo(str(src), err=True)
            report.results.append(Result(path=src.path or "<input>", issues=[_unreadable(src)]))
            refused += 1
            continue
        try:
            message, issues = upgrade(src.opener(), options, path=src.path)
        except InputError as exc:
            exc.path = exc.path or src.path
            typer.echo(str(exc), err=True)
            report.results.append(Result(path=src.path, issues=[_unreadable(exc)]))
            refused += 1
            continue
        if single:
            if written:
                raise UsageError(f"several documents cannot go into one file {output!r}; give a directory")
            fmt, target = fixed or out_format or Format.JSON, Path(output)
        else:
            fmt = fixed or (Format.YAML if format_from_extension(src.name) is Format.YAML else Format.JSON)
            name = _stem(src.name) + fmt.extension
            n = 2
            while name in used:
                name = f"{_stem(src.name)}_{n}{fmt.extension}"
                n += 1
            used.add(name)
            target = Path(output) / name
        try:
            atomic_write(target, dumps(message, fmt), force=force)
        except OutputExistsError as exc:
            typer.echo(str(exc), err=True)
            refused += 1
            continue
        written += 1
        element = type(message).__name__.lower()
        report.results.append(Result(path=src.path, element=element, id=getattr(message, "id", None), issues=issues))
        for issue in issues:
            if issue.severity is Severity.INFO and not verbose:
                continue
            where = ":".join(str(x) for x in (src.path, issue.line, issue.column) if x is not None)
            typer.echo(f"{where}: {issue.severity.value} {issue.rule}: {issue.message}", err=True)
    if report_path is not None:
        atomic_write(report_path, (json.dumps(report.to_dict(), indent=2) + "\n").encode(), force=True)
    summary = f"upgraded {written} document(s) into {output}"
    typer.echo(summary + (f"; {refused} input(s) not upgraded" if refused else ""), err=True)
    if refused:
        raise typer.Exit(2)
    if report.fails(Severity.ERROR):
        raise typer.Exit(1)


def _unreadable(exc: InputError) -> Issue:
    return Issue(
        code="IO001",
        rule="input-unreadable",
        severity=Severity.ERROR,
        message=exc.message,
        line=exc.line,
        column=exc.column,
    )


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("upgrade")(upgrade_command)
