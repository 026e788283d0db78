"""``phenotk mapping init|check|explain``: write, validate and explain spreadsheet mappings."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from phenotk._text import printable
from phenotk.errors import InputError, UsageError

from ._common import usage_warning

mapping_app = typer.Typer(
    name="mapping",
    help="Spreadsheet mappings (YAML): start one from a sheet, check it, explain it.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)

SheetOpt = Annotated[str | None, typer.Option("--sheet", help="XLSX sheet name or 1-based index.")]
HpoOpt = Annotated[Path | None, typer.Option("--hpo", help="HPO file (obo/json/owl) for term labels.")]


def _ontology(hpo: Path | None) -> Any:
    """The HPO index from --hpo, else the usual resolution without downloading; None when there is none."""
    try:
        from phenotk.ontology import load_ontology, try_resolve_hpo
    except ImportError:  # pragma: no cover - ontology layer not installed
        return None
    if hpo is not None:
        return load_ontology(hpo, prefix="HP")
    try:
        return try_resolve_hpo(None, download=False)
    except Exception:  # no HPO configured: labels cannot be looked up, ids still work
        return None


#: sheets with several worksheets, where --sheet chooses one
WORKBOOKS = (".xlsx", ".xlsm", ".xls", ".ods")


def _sheet_applies(sheet: str | None, table: Path | None) -> None:
    """``--sheet`` on a CSV/TSV was ignored without a word (it names a worksheet of a workbook)."""
    if sheet is not None and table is not None and table.suffix.lower() not in WORKBOOKS:
        usage_warning(f"--sheet {sheet} names a worksheet of a workbook ({', '.join(WORKBOOKS)}); "
                      f"{table} is a text sheet: --sheet is ignored")  # fmt: skip


def _sheet_arg(sheet: str | None) -> str | int | None:
    return int(sheet) if sheet is not None and sheet.isdigit() else sheet


def init_command(
    table: Annotated[Path, typer.Argument(help="A CSV, TSV or XLSX sheet.")],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write the mapping here (default stdout).")
    ] = None,
    sheet: SheetOpt = None,
    header_row: Annotated[
        int | None,
        typer.Option(
            "--header-row", min=1, help="1-based row of the header (default: found: title and group rows skipped)."
        ),
    ] = None,
    hpo: HpoOpt = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing output.")] = False,
) -> None:
    """Write a starter mapping: data sheet and header row found, columns placed, HPO near misses suggested.

    Header words are recognised in English, German, French, Spanish, Italian and Dutch; HPO columns by label,
    synonym or id (case, plural and British spelling aside); suggestions are comments until you confirm them.
    """
    from phenotk.conversion.table.starter import init_mapping
    from phenotk.io import atomic_write

    from ._common import note_inputs

    note_inputs(table, hpo)  # mapping init s.csv -o s.csv --force replaced the sheet with its mapping
    _sheet_applies(sheet, table)
    onto = _ontology(hpo)
    start = init_mapping(table, ontology=onto, sheet=_sheet_arg(sheet), header_row=header_row)
    if start.transposed and header_row is None:
        # the mapping would read the field names as patients: converting with it made patients "Sex" and "Age"
        names = ", ".join(repr(t) for t in start.transposed[:5])
        raise UsageError(
            f"the sheet looks transposed — one patient per column, field names down column A ({names}, …); "
            "phenotk reads one patient per row: transpose it (copy, Paste Special → Transpose) and run mapping init "
            "again, or name the header row with --header-row N if it is not transposed; no mapping written",
            path=str(table))
    if output is None or str(output) == "-":  # -o - is stdout (it wrote a file named "-")
        typer.echo(start.text, nl=False)
    else:
        atomic_write(output, start.text.encode("utf-8"), force=force)
        typer.echo(printable(f"wrote {output}"), err=True)
    if onto is None:
        typer.echo("note: no HPO available (--hpo FILE): only HP:… headers were recognised as terms", err=True)
    _redcap_hint(table)
    for line in start.messages():
        typer.echo(printable(line), err=True)


def _redcap_hint(table: Path) -> None:
    """A REDCap export given to ``mapping init``: say what reads it better than a starter sheet mapping."""
    from phenotk.conversion import registry

    try:
        reader = registry.sniff_reader(table)
    except Exception:  # a file the sniffers cannot open was reported by init itself
        return
    if reader is not None and reader.name == "redcap":
        typer.echo(
            "note: this looks like a REDCap export (record_id, redcap_* or <form>_complete columns): a shipped "
            "mapping reads it with its data dictionary (--mapping redcap-rarelink, redcap-erker or "
            "redcap-convert-pheno), or add a 'redcap:' section to this one (mappings/README.md, REDCap); "
            "<form>_complete columns are form statuses, not phenotypes",
            err=True,
        )


def check_command(
    mapping: Annotated[Path, typer.Argument(help="A mapping YAML file.")],
    table: Annotated[Path | None, typer.Argument(help="Optionally a sheet to convert as a dry run.")] = None,
    hpo: HpoOpt = None,
    strict: Annotated[bool, typer.Option("--strict", help="Conversion findings count as errors.")] = False,
) -> None:
    """Validate a mapping against the schema (every problem, with line:col); with a sheet, also dry-run it.

    Exit 0 when valid (and, with a sheet, no error findings), 1 otherwise.
    """
    from phenotk.mapping.model import check_mapping, comment_hints, load_mapping, parse_mapping

    text = _mapping_text(mapping)
    _, _, errors = check_mapping(text, str(mapping))
    for e in errors:
        loc = f"{mapping}:{e.line}:{e.column}" if e.line else str(mapping)
        typer.echo(printable(f"{loc}: {e.message}"))
    for h in comment_hints(text):
        typer.echo(printable(f"{mapping}:{h.line}:{h.column}: hint: {h.message}"))
    if errors:
        typer.echo(printable(f"{len(errors)} problem(s) in {mapping}"), err=True)
        raise typer.Exit(1)
    typer.echo(printable(f"{mapping}: valid mapping"), err=True)
    if table is None:
        return
    from phenotk.conversion.table.api import read_sheet

    onto = _ontology(hpo)
    if onto is None:
        typer.echo("note: no HPO available (--hpo FILE): label headers and free text cannot be looked up", err=True)
    loaded = parse_mapping(text, "<stdin>") if str(mapping) == "-" else load_mapping(mapping)
    if "redcap" in loaded.data:  # a REDCap mapping dry-runs on an export (CSV or JSON), as `phenotk convert` reads it
        if str(mapping) == "-":
            raise UsageError("a REDCap mapping is dry-run from a file (its dictionary path is relative to it); "
                             "save it and name the file")  # fmt: skip
        _check_redcap(mapping, table, onto, strict)
        return
    result = read_sheet(table, loaded, ontology=onto, strict=strict)
    shown = [*result.all_issues, *result.tail]
    _dry_run_result(table, shown, result.all_issues, len(result.packets), ("row", "column"))


def _mapping_text(mapping: Path) -> str:
    """The text of ``mapping check``'s mapping: a file, ``-`` (stdin) or a built-in name (as ``explain`` takes)."""
    import sys

    from phenotk.mapping.model import presets

    if str(mapping) == "-":
        return sys.stdin.read().removeprefix("\ufeff")
    if not mapping.exists() and str(mapping) in presets():
        from importlib import resources

        folder = resources.files("phenotk.mapping").joinpath("presets")
        return folder.joinpath(f"{mapping}.yaml").read_text(encoding="utf-8")
    if mapping.exists() and not mapping.is_file():  # a directory, or a FIFO that would block forever
        raise InputError("not a regular file (a mapping YAML file is expected)", path=str(mapping))
    try:
        return mapping.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        hint = f" (built-in mappings: {', '.join(presets())})"
        raise InputError("mapping file not found" + hint, path=str(mapping), kind="missing") from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=str(mapping)) from None
    except UnicodeDecodeError as exc:
        msg = f"not UTF-8: byte 0x{exc.object[exc.start]:02x} at offset {exc.start}; save the mapping as UTF-8"
        raise InputError(msg, path=str(mapping)) from None


def _dry_run_result(source: Path, shown: list[Any], counted: list[Any], packets: int, keys: tuple[str, ...]) -> None:
    """Print a dry run's findings (``keys`` of their context as the place), the totals; exit 1 on an error."""
    for issue in shown:
        ctx = issue.context
        where = ", ".join(f"{k} {ctx[k]}" for k in keys if k in ctx)
        line = f"{source}: {issue.severity.value} {issue.rule}: {issue.message}" + (f" [{where}]" if where else "")
        typer.echo(printable(line))
    typer.echo(f"{packets} packet(s), {len(shown)} finding(s)", err=True)
    if any(i.severity.value == "error" for i in counted):
        raise typer.Exit(1)


def _check_redcap(mapping: Path, export: Path, onto: Any, strict: bool) -> None:
    """``mapping check`` of a REDCap mapping: the export converted as a dry run, its findings printed."""
    from phenotk.workflow.convert import convert

    conv = convert(export, from_="redcap", mapping=mapping, hpo=onto if onto is not None else False, validate=False,
                   strict=strict)  # fmt: skip
    packets = len(conv.messages())
    issues = conv.report.issues
    _dry_run_result(export, issues, issues, packets, ("record", "field", "row", "column"))


def explain_command(
    mapping: Annotated[str, typer.Argument(help="A mapping YAML file or a built-in name (generic-wide …).")],
    table: Annotated[Path | None, typer.Argument(help="Optionally a sheet: say what happens to each column.")] = None,
    sheet: SheetOpt = None,
    hpo: HpoOpt = None,
) -> None:
    """Print what the mapping reads for each Phenopacket field (and, with a sheet, the fate of every column)."""
    from phenotk.conversion.table.sheets import read_table
    from phenotk.conversion.table.starter import explain
    from phenotk.mapping.model import load_mapping

    _sheet_applies(sheet, table)
    m = load_mapping(mapping)
    for h in m.hints:
        typer.echo(printable(f"{mapping}:{h.line}:{h.column}: hint: {h.message}"), err=True)
    data = None
    if table is not None:
        data = read_table(
            table,
            sheet=_sheet_arg(sheet) if sheet else m.sheet,
            header_row=m.header_row,
            skip_rows=m.skip_rows,
            delimiter=m.delimiter,
            encoding=m.encoding,
            max_xlsx_bytes=m.max_xlsx_bytes,
        )
    for line in explain(m, data, _ontology(hpo) if data is not None else None):
        typer.echo(printable(line))


def schema_command() -> None:
    """Print the mapping JSON Schema."""
    import json

    from phenotk.mapping.model import mapping_schema

    typer.echo(json.dumps(mapping_schema(), indent=2))


def register(app: typer.Typer) -> None:
    """Add ``phenotk mapping …`` to the app."""
    mapping_app.command("init")(init_command)
    mapping_app.command("check")(check_command)
    mapping_app.command("explain")(explain_command)
    mapping_app.command("schema")(schema_command)
    app.add_typer(mapping_app, name="mapping")
