"""``phenotk fix``: apply the safe fixes validation proposes, keeping each file's layout, and re-validate."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from phenotk.cli._common import exclusive, not_stdout, note_inputs, ontology_specs, split_values
from phenotk.errors import PhenotkError, UsageError

if TYPE_CHECKING:  # pragma: no cover
    from phenotk.fixes.run import FileFix
    from phenotk.issue import Issue, Severity


def _where(path: str, issue: Issue) -> str:
    loc = path
    if issue.line is not None:
        loc += f":{issue.line}"
        if issue.column is not None:
            loc += f":{issue.column}"
    return loc


def _diff(result: FileFix) -> str:
    if result.format is not None and result.format.value == "pb":
        return f"Binary file {result.path} would change\n"
    from phenotk.fixes.diff import diff_text

    # difflib's own diff compares every line with every other where lines repeat: minutes for an array of packets
    return diff_text(result.original.decode("utf-8"), result.new.decode("utf-8"), result.path)


def _report_file(result: FileFix, threshold: Severity | None) -> int:
    """Print what happened to one file (stderr); number of remaining findings at or above the threshold."""
    if result.applied:
        rules: dict[str, int] = {}
        for a in result.applied:
            rules[a.issue.rule] = rules.get(a.issue.rule, 0) + 1
        shown = ", ".join(f"{r} ×{n}" if n > 1 else r for r, n in rules.items())
        typer.echo(f"{result.path}: fixed {len(result.applied)} ({shown})", err=True)
    for na in result.not_applied:
        typer.echo(f"{_where(result.path, na.issue)}: fix not applied [{na.issue.rule}]: {na.reason}", err=True)
    for note in result.notes:
        typer.echo(f"note: {note}", err=True)
    remaining = 0
    for res in result.after:
        for issue in res.issues:
            if threshold is not None and issue.severity.rank >= threshold.rank:
                remaining += 1
                typer.echo(
                    f"{_where(res.path, issue)}: {issue.severity.value}: {issue.message} [{issue.rule}]", err=True
                )
    return remaining


def fix_command(
    paths: Annotated[list[str], typer.Argument(help="Files, directories, globs, .zip archives or - (stdin).")],
    in_place: Annotated[bool, typer.Option("--in-place", "-i", help="Rewrite the input files (atomically).")] = False,
    out_dir: Annotated[
        str | None, typer.Option("--output-dir", "-o", help="Write fixed files into this directory.")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print a unified diff; write nothing.")] = False,
    rule: Annotated[
        list[str] | None, typer.Option("--rule", help="Only fixes of these rules (names or codes; repeatable).")
    ] = None,
    unsafe: Annotated[bool, typer.Option("--unsafe", help="Also apply suggestions that have a single choice.")] = False,
    hpo: Annotated[str | None, typer.Option("--hpo", help="HPO file (obo, json, owl; gz accepted).")] = None,
    no_hpo: Annotated[bool, typer.Option("--no-hpo", help="No HPO: structural fixes only.")] = False,
    ontology: Annotated[
        list[str] | None,
        typer.Option("--ontology", help="Another ontology to check ids/labels against: PREFIX=FILE (repeatable)."),
    ] = None,
    organ_systems: Annotated[
        str | None, typer.Option("--organ-systems", help="Required organ systems (HPO ids, comma-separated).")
    ] = None,
    fail_on: Annotated[
        str | None, typer.Option("--fail-on", help="Exit 1 if findings remain at or above: error | warning | never.")
    ] = None,
    config: Annotated[str | None, typer.Option("--config", help="Config file (default: found upwards).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing files in --output-dir.")] = False,
) -> None:
    """Apply safe fixes (obsolete ids, stale labels, redundant terms, enum case …) keeping each file's layout.

    Exactly one of --in-place, --output-dir or --dry-run (stdin alone writes the fixed document to stdout).
    After fixing, every file is validated again. Exit 0 when nothing at or above --fail-on remains, 1 when
    something does, 2 on unreadable input or wrong usage.
    """
    exclusive(("--hpo", hpo), ("--no-hpo", no_hpo))
    not_stdout("--output-dir", out_dir, "fixed files go into a directory (stdin alone is fixed to stdout)")
    if in_place and "-" in paths:  # it said nothing when stdin needed no fix, and refused only when it did
        raise UsageError("--in-place cannot rewrite stdin (-); without options stdin alone is fixed to stdout")
    stdin_only = paths == ["-"]
    modes = sum([in_place, out_dir is not None, dry_run])
    if modes > 1:
        raise UsageError("choose one of --in-place, --output-dir and --dry-run")
    if modes == 0 and not stdin_only:
        raise UsageError("say where fixes go: --in-place, --output-dir DIR, or --dry-run to see the diff")
    from phenotk.fixes.run import output_path, write_fixed
    from phenotk.validation.registry import resolve
    from phenotk.workflow.session import Session

    rules = split_values(rule) or []
    for r in rules:
        resolve(r)  # unknown rule → UsageError with a suggestion
    systems = split_values([organ_systems] if organ_systems else None)
    session = Session.from_settings(
        config=config or True,
        hpo=False if no_hpo else hpo,
        fail_on=fail_on,
        ontology_files=ontology_specs(ontology),
        organ_systems=systems or None,
    )
    if systems and session.hpo is None:
        raise UsageError("--organ-systems needs HPO (--hpo FILE)")
    note_inputs(session.options.source, session.hpo_path, *(ontology_specs(ontology) or {}).values())
    if session.hpo_warning:
        typer.echo(session.hpo_warning, err=True)
    for note in [*session.notes, *session.engine.notes]:
        typer.echo(f"note: {note}", err=True)
    threshold = session.fail_on
    index = session.hpo

    files = changed = fixed = remaining = unreadable = unwritten = 0
    for arg, result in session.fix_paths(paths, unsafe=unsafe, rules=rules or None):
        files += 1
        if result.error is not None:
            unreadable += 1
            typer.echo(str(result.error), err=True)
            continue
        remaining += _report_file(result, threshold)
        fixed += len(result.applied)
        changed += result.changed
        if dry_run:
            if result.changed:
                typer.echo(_diff(result), nl=False)
        elif stdin_only and not in_place and out_dir is None:
            typer.echo(result.new.decode("utf-8", errors="replace"), nl=False)
        elif in_place or out_dir is not None:
            try:  # a file that cannot be written is said and counted; the other files are still fixed
                if in_place and result.changed:
                    target = result.writable_path
                    if target is None:
                        raise UsageError(f"{result.path}: cannot rewrite in place (zip member or stdin); use -o DIR")
                    write_fixed(result, target, force=True, in_place=True)
                elif not in_place and out_dir is not None:
                    write_fixed(result, output_path(arg, result.path, out_dir), force=force)
            except PhenotkError as exc:
                unwritten += 1
                typer.echo(str(exc), err=True)
    release = f"HPO {index.version}" if index is not None else "no HPO"
    verb = "would change" if dry_run else "changed"
    typer.echo(
        f"{fixed} fix(es) applied; {verb} {changed} of {files} file(s) ({release}); "
        f"{remaining} finding(s) at or above {session.options.fail_on} remain"
        + (f"; {unreadable} file(s) unreadable (not fixed)" if unreadable else "")
        + (f"; {unwritten} file(s) could not be written" if unwritten else ""),
        err=True,
    )
    if unreadable or unwritten:
        raise typer.Exit(2)
    raise typer.Exit(1 if remaining else 0)


def register(app: typer.Typer) -> None:
    """Add ``fix`` to the app."""
    app.command("fix")(fix_command)


__all__ = ["fix_command", "register"]
