"""``phenotk summarize``: cohort counts, sex, ages, diseases, HPO term frequencies, organ-system roll-up."""

from __future__ import annotations

import enum
import json
from pathlib import Path
from typing import Annotated

import typer

from phenotk.errors import PhenotkError


class SummaryFormat(str, enum.Enum):
    """Output formats of ``phenotk summarize``."""

    text = "text"
    json = "json"
    html = "html"


def summarize_command(
    paths: Annotated[list[str], typer.Argument(help="Files, directories, globs, .zip archives or -.")],
    fmt: Annotated[SummaryFormat, typer.Option("--format", "-f", help="text, json or html.")] = SummaryFormat.text,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write here instead of stdout.")] = None,
    top: Annotated[int, typer.Option("--top", help="Terms and diseases to list, in every format.", min=1)] = 20,
    hpo: Annotated[str | None, typer.Option("--hpo", help="HPO file for labels and the organ-system roll-up.")] = None,
    no_hpo: Annotated[bool, typer.Option("--no-hpo", help="Do not load HPO (no organ-system roll-up).")] = False,
    force: Annotated[bool, typer.Option("--force", help="Overwrite --output.")] = False,
) -> None:
    """Summarise a cohort of Phenopackets (families and cohorts are flattened to their packets)."""
    from phenotk.analysis import read_cohort
    from phenotk.workflow.session import Session

    # HPO in the order every command uses; an explicit --hpo must load (errors are exit 2), else it is optional
    session = Session.from_settings(config=True, hpo=False if no_hpo else hpo, want_hpo=True)
    cohort = read_cohort(paths, hpo=session.hpo)
    for err in cohort.errors:
        typer.echo(str(err), err=True)
    summary = cohort.summary(top=top)
    if fmt is SummaryFormat.json:
        text = json.dumps(summary.to_dict(), indent=2, ensure_ascii=False) + "\n"
    elif fmt is SummaryFormat.html:
        text = summary.to_html()
    else:
        text = summary.to_text() + "\n"
    if output is None:
        typer.echo(text, nl=False)
    else:
        from phenotk.io import atomic_write

        atomic_write(output, text.encode("utf-8"), force=force)
        typer.echo(f"wrote {output}", err=True)
    if cohort.errors:
        raise typer.Exit(2)
    if not len(cohort):
        raise PhenotkError("no phenopackets found")


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("summarize")(summarize_command)
