"""``phenotk convert``: between Phenopacket serialisations and, through the converter registry, external formats.

Inputs are sniffed per file: a registered reader (FHIR, tables, templates, v1, PED, Beacon …) claims the files it
recognises, everything else is read as Phenopacket JSON/YAML/protobuf/JSONL. Output goes to a registered writer
when ``--to NAME`` names one (or ``-o`` has its extension, e.g. ``.xlsx``), else to Phenopacket files.
Conversion findings (values that could not be carried) are reported on stderr, or to ``--report FILE``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from phenotk.errors import InputError, UsageError
from phenotk.issue import Report, Severity

from ._common import ElementOpt, exclusive, needs, note_inputs
from ._findings import check_report_target, print_findings, split_list, write_side_report


def _parse_options(pairs: list[str]) -> dict[str, str]:
    extra: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"-O/--option takes KEY=VALUE, got {pair!r}")
        extra[key.strip()] = value.strip()
    return extra


def convert_command(
    inputs: Annotated[list[str], typer.Argument(help="Files, directories, globs, .zip archives or - for stdin.")],
    output: Annotated[
        str,
        typer.Option("-o", "--output", help="Output file, or a directory (ends with / or exists) for many documents."),
    ],
    to: Annotated[
        str | None,
        typer.Option("--to", help="Output: json, yaml, pb, jsonl, or a converter (fhir, csv, xlsx, beacon, ped, …)."),
    ] = None,
    from_: Annotated[
        str | None, typer.Option("--from", help="Force the input: json, yaml, pb, jsonl, or a converter name.")
    ] = None,
    element: Annotated[ElementOpt | None, typer.Option("--element", help="Force the element type.")] = None,
    mapping: Annotated[
        Path | None,
        typer.Option("--mapping", "-m", help="YAML mapping for spreadsheets/REDCap: a file, or a built-in name "
                     "(generic-wide, generic-long, free-text, redcap-rarelink, redcap-erker, redcap-convert-pheno …)."),
    ] = None,
    layout: Annotated[str, typer.Option("--layout", help="Table layout: wide or long.")] = "wide",
    strict: Annotated[bool, typer.Option("--strict", help="Conversion findings count as errors.")] = False,
    option: Annotated[list[str] | None, typer.Option("-O", "--option", help="Converter option KEY=VALUE.")] = None,
    hpo: Annotated[Path | None, typer.Option("--hpo", help="HPO file (obo/json/owl) for label and id lookups.")] = None,
    no_hpo: Annotated[
        bool, typer.Option("--no-hpo", help="Load no HPO: no label/id lookups, no HPO checks of converted packets.")
    ] = False,
    created_by: Annotated[str, typer.Option("--created-by", help="metaData.createdBy of new packets.")] = "phenotk",
    created: Annotated[
        str | None, typer.Option("--created", help="metaData.created (RFC 3339) for reproducible output.")
    ] = None,
    report_path: Annotated[
        Path | None,
        typer.Option(
            "--report",
            help="Write conversion + validation findings here; the format follows the extension (.json .jsonl "
            ".sarif .xml/.junit .csv .html .txt) unless --report-format is given.",
        ),
    ] = None,
    report_format: Annotated[
        str | None,
        typer.Option("--report-format", help="Format of --report: json, jsonl, sarif, junit, csv, html, text."),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Do not print info findings on stderr.")] = False,
    annotations: Annotated[
        Path | None,
        typer.Option("--annotations", help="HPO annotation file (phenotype.hpoa, gz accepted) for disease labels."),
    ] = None,
    config: Annotated[
        str | None,
        typer.Option("--config", help="Config file for validating converted packets (default: found upwards)."),
    ] = None,
    profile: Annotated[
        str | None, typer.Option("--profile", "-p", help="Validation profile for converted packets.")
    ] = None,
    select: Annotated[list[str] | None, typer.Option("--select", help="Only these validation rules.")] = None,
    ignore: Annotated[list[str] | None, typer.Option("--ignore", help="Skip these rules or finding codes.")] = None,
    validate: Annotated[
        bool, typer.Option("--validate/--no-validate", help="Validate packets made from external formats.")
    ] = True,
    fail_on: Annotated[
        str, typer.Option("--fail-on", help="Exit 1 on findings at or above: error | warning | never.")
    ] = "error",
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing outputs.")] = False,
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs", "-j", min=0,
            help="Worker processes that make, validate and write a sheet's packets (0: one per CPU, at most 4, "
            "for sheets of 2,000 packets or more, on Linux). Same output and findings as --jobs 1.",
        ),
    ] = 0,
) -> None:
    """Convert Phenopackets between JSON/YAML/protobuf/JSONL, and to/from external formats."""
    from phenotk._procs import jobs_note
    from phenotk.workflow.convert import convert

    threshold = _fail_on(fail_on)
    _check_usage(output, created, hpo=hpo, no_hpo=no_hpo, report=(report_path, report_format), validate=validate,
                 validation=(("--profile", profile), ("--select", select), ("--ignore", ignore)))  # fmt: skip
    note = jobs_note(jobs)
    if note:
        typer.echo(note, err=True)
    check_report_target(report_path, report_format, force)
    note_inputs(_config_file(config), hpo, annotations)  # the mapping: load_mapping notes it
    conversion = convert(
        inputs,
        from_=from_,
        element=element.value if element else None,
        mapping=mapping,
        hpo=False if no_hpo else hpo,
        annotations=annotations,
        config=config if config else True,
        profile=profile,
        select=split_list(select),
        ignore=split_list(ignore),
        validate=validate,
        layout=layout,
        strict=strict,
        options=_parse_options(option or []),
        created_by=created_by,
        created=created,
        on_error=lambda exc: typer.echo(str(exc), err=True),
        jobs=jobs,
    )
    conversion.write(output, to=to, force=force, options=None, keep=False)  # streamed: memory stays flat
    finish(conversion.report, conversion.errors, report_path, report_format, quiet, threshold, force)
    if os.path.exists(output):
        typer.echo(f"wrote {conversion.written} document(s) to {output}", err=True)
    elif conversion.written:  # e.g. a PED writer given no pedigree: its findings say why
        typer.echo(f"nothing written: the writer made no file of the {conversion.written} converted document(s) "
                   f"(see its findings); {output} not created", err=True)
    else:
        typer.echo(f"nothing written: no document could be converted; {output} not created", err=True)
    raise typer.Exit(conversion.exit_code(threshold))


def _check_usage(
    output: str,
    created: str | None,
    *,
    hpo: Path | None,
    no_hpo: bool,
    report: tuple[Path | None, str | None],
    validate: bool,
    validation: tuple[tuple[str, object], ...],
) -> None:
    """Options that contradict each other or would be silently ignored: one usage error before any work."""
    if output == "-":  # it used to write a file named "-"
        raise UsageError("-o -: convert writes files, not stdout; name a file (out.json) or a directory (out/)")
    exclusive(("--hpo", hpo), ("--no-hpo", no_hpo))
    needs("--report-format", report[1], "--report FILE", report[0] is not None)
    for option, value in validation:
        needs(option, value, "validation (drop --no-validate)", validate)
    if created is not None:
        from google.protobuf.timestamp_pb2 import Timestamp

        try:
            Timestamp().FromJsonString(created)
        except ValueError:
            raise UsageError(
                f"--created {created!r} is not an RFC 3339 time; write e.g. 2024-05-01T00:00:00Z"
            ) from None


def _config_file(config: str | None) -> str | None:
    """The config file the run reads: ``--config``, else the one found upwards (None without one)."""
    if config:
        return config
    from phenotk.validation.config import find_config

    found = find_config()
    return str(found) if found else None


def _fail_on(value: str) -> Severity | None:
    if value not in ("error", "warning", "info", "never"):
        raise UsageError(f"--fail-on must be error, warning, info or never, not {value!r}")
    return None if value == "never" else Severity(value)


def finish(
    report: Report,
    errors: list[InputError],
    report_path: Path | None,
    report_format: str | None,
    quiet: bool,
    threshold: Severity | None,
    force: bool,
) -> None:
    """Print the findings on stderr and write ``--report`` (shared by ``convert`` and ``upgrade``)."""
    print_findings(report, quiet=quiet)
    for note in report.notes:
        typer.echo(f"note: {note}", err=True)
    if report_path is not None:
        write_side_report(report, report_path, report_format, fail_on=threshold, force=force)


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("convert")(convert_command)
