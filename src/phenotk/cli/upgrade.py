"""``phenotk upgrade``: Phenopacket v1 and pre-1.0 documents → v2 — ``convert --from v1`` under its old name."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from phenotk.conversion.v1 import INTERPRETATION_STATUSES, PROGRESS_STATUSES
from phenotk.errors import UsageError
from phenotk.io.sniff import format_from_extension
from phenotk.issue import Severity

from ._common import needs
from ._findings import check_report_target
from .convert import finish


def upgrade_command(
    inputs: Annotated[list[str], typer.Argument(help="v1 files, directories, globs or .zip archives.")],
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
    from phenotk.workflow.convert import convert

    if status not in PROGRESS_STATUSES:
        raise UsageError(f"--status must be one of {', '.join(PROGRESS_STATUSES)}, not {status!r}")
    if interpretation_status not in INTERPRETATION_STATUSES:
        raise UsageError(
            f"--interpretation-status must be one of {', '.join(INTERPRETATION_STATUSES)}, "
            f"not {interpretation_status!r}"
        )
    if "-" in inputs:  # the v1 reader opens paths: '-' was "-: no such file" though the help promised stdin
        raise UsageError("upgrade reads files, not stdin (-): save the v1 document to a file and name it")
    if output == "-":  # it used to make a directory named "-"
        raise UsageError("-o -: upgrade writes files, not stdout; name a directory (v2/) or a .json/.yaml file")
    needs("--disease", disease, "--variants-to-interpretations", variants_to_interpretations)
    if to and to not in ("json", "yaml"):
        raise UsageError(f"--to must be json or yaml, not {to!r}")
    side_format = "json" if report_path is not None and str(report_path) == "-" else None  # --report - : stdout
    check_report_target(report_path, side_format, force)
    # `upgrade` is `convert --from v1` with the v1 choices as converter options; outputs keep each input's
    # serialisation (YAML stays YAML) unless --to says otherwise, and the packets are not re-validated.
    extra = {
        "variants_to_interpretations": "true" if variants_to_interpretations else "false",
        "status": status,
        "interpretation_status": interpretation_status,
    }
    if disease:
        extra["disease"] = disease
    conversion = convert(
        inputs,
        from_="v1",
        validate=False,
        options=extra,
        on_error=lambda exc: typer.echo(str(exc), err=True),
    )
    out_is_dir = output.endswith(("/", os.sep)) or os.path.isdir(output) or format_from_extension(output) is None
    target = output if not out_is_dir or output.endswith(("/", os.sep)) else output + os.sep
    written = conversion.write(target, to=to, force=force, keep_format=True, keep=False)
    finish(conversion.report, conversion.errors, report_path, side_format, not verbose, Severity.ERROR, force)
    refused = len(conversion.errors)
    summary = f"upgraded {written} document(s) into {output}"
    typer.echo(summary + (f"; {refused} input(s) not upgraded" if refused else ""), err=True)
    raise typer.Exit(conversion.exit_code(Severity.ERROR))


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("upgrade")(upgrade_command)
