"""``phenotk deidentify``: pseudonymise, shift dates, remove free text; report what is left and the risk."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from phenotk.errors import UsageError

from ._common import not_stdout, note_inputs


def deidentify_command(
    inputs: Annotated[list[str], typer.Argument(help="Files, directories, globs or .zip archives.")],
    output: Annotated[str, typer.Option("-o", "--output", help="Output directory (layout kept, names pseudonymised).")],
    key_file: Annotated[
        Path | None, typer.Option("--key-file", help="Secret key file (≥16 bytes; same key → same pseudonyms).")
    ] = None,
    random_key: Annotated[
        bool, typer.Option("--random-key", help="Use a fresh key and discard it (pseudonyms cannot be linked later).")
    ] = False,
    profile: Annotated[
        str, typer.Option("--profile", "-p", help="safe-harbor | pseudonymised | research (see docs/sharing.md).")
    ] = "safe-harbor",
    prefix: Annotated[str, typer.Option("--prefix", help="Prefix of every pseudonym.")] = "ptk-",
    privacy_report: Annotated[
        Path | None, typer.Option("--privacy-report", help="Write what was done and the risk report (JSON) here.")
    ] = None,
    min_k: Annotated[
        int | None,
        typer.Option("--min-k", help="Widen age bins until every group has K records; report records still below."),
    ] = None,
    map_out: Annotated[
        Path | None,
        typer.Option("--map-out", help="Write the pseudonym → id map (mode 0600, HMAC-tagged) for the data holder."),
    ] = None,
    fail_on: Annotated[
        str, typer.Option("--fail-on", help="Exit 1 on findings at or above: error | warning | never.")
    ] = "error",
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Also print info findings.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing outputs.")] = False,
) -> None:
    """De-identify Phenopackets, Families and Cohorts for sharing.

    Ids become keyed pseudonyms (HMAC-SHA256 with your secret key), timestamps move back by a secret
    per-subject offset (or become ages), free text is removed, and what is left is scanned for identifiers.
    Exit 0 done, 1 findings at or above --fail-on (an identifier left in kept text is an error), 2 usage error
    or unreadable input.
    """
    from phenotk.sharing import deidentify
    from phenotk.validation.config import fail_on_severity

    from ._findings import print_findings

    threshold = fail_on_severity(fail_on)
    not_stdout("-o/--output", output, "de-identified files keep their layout in a directory")
    not_stdout("--privacy-report", privacy_report, "the privacy report is a JSON file")
    not_stdout("--map-out", map_out, "the pseudonym map is a file (mode 0600)")
    note_inputs(key_file)  # --map-out / --privacy-report never replace the secret key, even with --force
    for path in (privacy_report, map_out):
        if path is not None and path.exists() and not force:
            raise UsageError("output exists; use --force to overwrite", path=str(path))
    result = deidentify(
        inputs,
        output,
        profile=profile,
        key_file=key_file,
        random_key=random_key,
        prefix=prefix,
        min_k=min_k,
        map_out=map_out,
        privacy_report=privacy_report,
        force=force,
    )
    for exc in result.errors:
        typer.echo(str(exc), err=True)
    print_findings(result.report, quiet=not verbose)
    docs = sum(o.documents for o in result.outputs)
    typer.echo(
        f"de-identified {docs} document(s) into {result.written} file(s) under {output} "
        f"(profile {result.profile}, key {result.key_id})",
        err=True,
    )
    if result.risk is not None:
        typer.echo(result.risk.text(), err=True)
    raise typer.Exit(result.exit_code(threshold))


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("deidentify")(deidentify_command)
