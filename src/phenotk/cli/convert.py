"""``phenotk convert``: between Phenopacket serialisations and, through the converter registry, external formats.

Inputs are sniffed per file: a registered reader (FHIR, tables, templates, v1, PED, Beacon …) claims the files it
recognises, everything else is read as Phenopacket JSON/YAML/protobuf/JSONL. Output goes to a registered writer
when ``--to NAME`` names one (or ``-o`` has its extension, e.g. ``.xlsx``), else to Phenopacket files.
Conversion findings (values that could not be carried) are reported on stderr, or to ``--report FILE``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer

from phenotk.conversion import registry
from phenotk.conversion.base import Converted, ConvertOptions, FormatReader
from phenotk.errors import InputError, OutputExistsError, PhenotkError, UsageError
from phenotk.io import Format, atomic_write, dumps
from phenotk.io.sniff import format_from_extension
from phenotk.issue import Report, Result, Severity

from ._common import ElementOpt, FormatOpt, documents

_PHENOPACKET_FORMATS = {"json", "yaml", "pb", "jsonl", "phenopacket"}
#: Writers that always write exactly one file (beacon, fhir … also accept a directory).
_FILE_ONLY_WRITERS = {"csv", "tsv", "xlsx", "phetools-json", "pyphetools-xlsx", "ped"}


def _safe_stem(text: str) -> str:
    return "".join(c if c.isalnum() or c in "._-" else "_" for c in text).strip("._") or "document"


def _unique(name: str, used: set[str], ext: str) -> str:
    candidate, n = name + ext, 2
    while candidate in used:
        candidate = f"{name}_{n}{ext}"
        n += 1
    used.add(candidate)
    return candidate


def _stem_for(item: Converted) -> str:
    if item.name:
        return _safe_stem(item.name)
    src = item.source.split("!")[-1]
    if "#L" in src or src.startswith("<"):
        ident = getattr(item.message, "id", "") if item.message is not None else ""
        return _safe_stem(ident or Path(src.split("#L")[0]).stem)
    return _safe_stem(Path(src).stem)


def _parse_options(pairs: list[str]) -> dict[str, str]:
    extra: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"-O/--option takes KEY=VALUE, got {pair!r}")
        extra[key.strip()] = value.strip()
    return extra


def _walk(path: str, reader: FormatReader) -> Iterator[Path]:
    if os.path.isdir(path):
        files = [
            p
            for p in sorted(Path(path).rglob("*"))
            if p.is_file() and (not reader.extensions or p.name.lower().endswith(reader.extensions))
        ]
        if not files:
            endings = ", ".join(reader.extensions) or "any"
            raise InputError(f"no {reader.name} input files ({endings}) in this directory", path=path, kind="missing")
        yield from files
    elif os.path.isfile(path):
        yield Path(path)
    elif os.path.exists(path):  # reading a FIFO or a device could block forever
        raise InputError("not a regular file (a device, FIFO or socket)", path=path)
    else:
        raise InputError("no such file or directory", path=path, kind="missing")


def _items(
    inputs: list[str],
    from_: str | None,
    element: ElementOpt | None,
    options: ConvertOptions,
    errors: list[InputError],
) -> Iterator[tuple[Converted, bool]]:
    """(item, made by an external-format reader) for every input document."""
    forced = registry.reader(from_) if from_ and from_ not in _PHENOPACKET_FORMATS else None
    fmt = Format(from_) if from_ in ("json", "yaml", "pb", "jsonl") else None
    for path in inputs:
        reader = forced
        if reader is None and from_ is None and os.path.isfile(path):
            reader = registry.sniff_reader(Path(path))
        if reader is None:
            for doc in documents([path], FormatOpt(fmt.value) if fmt else None, element, errors):
                if doc.message is None:
                    errors.append(InputError(f"cannot build a {doc.element.value}: {doc.parse_error}", path=doc.path))
                    typer.echo(str(errors[-1]), err=True)
                yield Converted(doc.message, doc.path), False
            continue
        try:
            for file in _walk(path, reader):
                try:
                    for item in reader.read(file, options):
                        yield item, True
                except InputError as exc:
                    typer.echo(str(exc), err=True)
                    errors.append(exc)
        except InputError as exc:
            typer.echo(str(exc), err=True)
            errors.append(exc)


def _print_findings(report: Report) -> None:
    for result, issue in report.iter_issues():
        where = issue.pointer or ""
        ctx = issue.context
        if ctx:
            where = ", ".join(f"{k} {ctx[k]}" for k in ("sheet", "row", "column") if k in ctx) or where
        typer.echo(
            f"{result.path}: {issue.severity.value} {issue.rule}: {issue.message}" + (f" [{where}]" if where else ""),
            err=True,
        )


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
        Path | None, typer.Option("--mapping", "-m", help="YAML mapping for spreadsheets/REDCap.")
    ] = None,
    layout: Annotated[str, typer.Option("--layout", help="Table layout: wide or long.")] = "wide",
    strict: Annotated[bool, typer.Option("--strict", help="Conversion findings count as errors.")] = False,
    option: Annotated[list[str] | None, typer.Option("-O", "--option", help="Converter option KEY=VALUE.")] = None,
    hpo: Annotated[Path | None, typer.Option("--hpo", help="HPO file (obo/json/owl) for label and id lookups.")] = None,
    created_by: Annotated[str, typer.Option("--created-by", help="metaData.createdBy of new packets.")] = "phenotk",
    created: Annotated[
        str | None, typer.Option("--created", help="metaData.created (RFC 3339) for reproducible output.")
    ] = None,
    report_path: Annotated[Path | None, typer.Option("--report", help="Write conversion findings (JSON) here.")] = None,
    validate: Annotated[
        bool, typer.Option("--validate/--no-validate", help="Validate packets made from external formats.")
    ] = True,
    fail_on: Annotated[
        str, typer.Option("--fail-on", help="Exit 1 on findings at or above: error | warning | never.")
    ] = "error",
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing outputs.")] = False,
) -> None:
    """Convert Phenopackets between JSON/YAML/protobuf/JSONL, and to/from external formats."""
    if layout not in ("wide", "long"):
        raise UsageError(f"--layout must be wide or long, not {layout!r}")
    options = ConvertOptions(
        mapping=mapping,
        layout=layout,
        strict=strict,
        created_by=created_by,
        created=created,
        extra=_parse_options(option or []),
    )
    options.ontology = _ontology(hpo)
    errors: list[InputError] = []
    report = Report(hpo_version=getattr(options.ontology, "version", None))

    target_writer = None
    if to and to not in _PHENOPACKET_FORMATS:
        target_writer = registry.writer(to)
    elif to is None:
        target_writer = registry.writer_for_output(output)
    if target_writer is not None and target_writer.name in _FILE_ONLY_WRITERS and output.endswith(("/", os.sep)):
        example = output + "cohort" + (target_writer.extensions[0] if target_writer.extensions else "")
        raise UsageError(f"--to {target_writer.name} writes one file, not a directory; give a file name: {example}")

    if fail_on not in ("error", "warning", "never"):
        raise UsageError(f"--fail-on must be error, warning or never, not {fail_on!r}")
    threshold = None if fail_on == "never" else Severity(fail_on)

    items = _items(inputs, from_, element, options, errors)
    messages = []
    converted_from_external: list[Converted] = []
    for item, external in items:
        if item.issues:
            report.results.append(Result(path=item.source, id=getattr(item.message, "id", None), issues=item.issues))
        if item.message is not None:
            messages.append(item)
            if external:
                converted_from_external.append(item)
    if validate and converted_from_external:
        report.results.extend(_validate(converted_from_external, options.ontology))

    written = 0
    if target_writer is not None:
        issues = target_writer.write(
            [i.message for i in messages if i.message is not None], Path(output), options, force=force
        )
        if issues:
            report.results.append(Result(path=output, issues=issues))
        written = len(messages)
    else:
        written = _write_phenopackets(messages, output, to, force, errors)

    _print_findings(report)
    if report_path is not None:
        import json

        atomic_write(report_path, (json.dumps(report.to_dict(), indent=2) + "\n").encode(), force=True)
    typer.echo(f"wrote {written} document(s) to {output}", err=True)
    if errors:
        raise typer.Exit(2)
    if report.fails(threshold):
        raise typer.Exit(1)


def _validate(items: list[Converted], hpo: object | None) -> list[Result]:
    """Validate packets a converter made (GUIDE: converters never validate by hand; the validator judges)."""
    from google.protobuf import json_format

    from phenotk.io import Document, Element
    from phenotk.validation import engine_config
    from phenotk.validation.config import Options
    from phenotk.validation.runner import check_documents

    docs = []
    for item in items:
        assert item.message is not None
        element = Element.of(item.message)
        data = json_format.MessageToDict(item.message)
        docs.append(Document(path=item.source, format=Format.JSON, element=element, data=data, message=item.message))
    checked = check_documents(docs, engine_config(Options()), hpo=hpo)
    return [r for r in checked.results if r.issues]


def _ontology(hpo: Path | None) -> object | None:
    """HPO index for converters that look up labels: --hpo (must load), else what is available locally, else None."""
    from phenotk.ontology import resolve_hpo

    if hpo is not None:
        return resolve_hpo(hpo)
    try:
        return resolve_hpo(download=False)
    except PhenotkError:
        return None


def _write_phenopackets(
    items: list[Converted], output: str, to: str | None, force: bool, errors: list[InputError]
) -> int:
    out_is_dir = output.endswith(("/", os.sep)) or os.path.isdir(output)
    fmt = (
        Format(to)
        if to not in (None, "phenopacket")
        else (Format.JSON if out_is_dir else format_from_extension(output))
    )
    if fmt is None:
        raise UsageError(f"cannot tell the output format from {output!r}; add --to json|yaml|pb|jsonl or a converter")
    if out_is_dir:
        used: set[str] = set()
        written = 0
        for item in items:
            assert item.message is not None
            target = Path(output) / _unique(_stem_for(item), used, fmt.extension)
            try:
                atomic_write(target, dumps(item.message, fmt), force=force)
            except OutputExistsError as exc:
                typer.echo(str(exc), err=True)
                errors.append(InputError(exc.message, path=exc.path))
                continue
            written += 1
        return written
    if len(items) > 1 and fmt is not Format.JSONL:
        raise UsageError(
            f"{len(items)} documents cannot go into one {fmt.value} file; give a directory (ending in /) "
            "or a .jsonl output"
        )
    if items:
        payload = b"".join(dumps(i.message, fmt) for i in items if i.message is not None)
        atomic_write(output, payload, force=force)
    return len(items)


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("convert")(convert_command)
