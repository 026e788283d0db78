"""The ``phenotk`` typer application: command registration and the single error boundary."""

from __future__ import annotations

import importlib
import os
import sys
from typing import Annotated

import typer

from phenotk._version import __version__
from phenotk.errors import PhenotkError

app = typer.Typer(
    name="phenotk",
    help="Validate, fix and convert GA4GH Phenopackets.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

#: Modules that each define ``register(app)``. Add a line when you add a command module.
COMMAND_MODULES = [
    "phenotk.cli.convert",
    "phenotk.cli.info",
    "phenotk.cli.summarize",
    "phenotk.cli.validate",
    "phenotk.cli.rules",
    "phenotk.cli.ontology",
    "phenotk.cli.upgrade",
    "phenotk.cli.fix",
    "phenotk.cli.mapping",
]


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"phenotk {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version_callback, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """Validate, fix and convert GA4GH Phenopackets."""


for _mod in COMMAND_MODULES:
    importlib.import_module(_mod).register(app)


def error(message: str) -> None:
    """Print one line to stderr (used for per-file problems that do not stop the run)."""
    typer.echo(message, err=True)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: runs the app, turns phenotk errors into ``path:line:col: msg`` + exit 2."""
    try:
        app(args=argv, prog_name="phenotk", standalone_mode=True)
    except PhenotkError as exc:
        error(str(exc))
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        error("interrupted")
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    except Exception as exc:  # last resort only: bad input must be handled where it is read (GUIDE §2)
        if os.environ.get("PHENOTK_DEBUG") == "1":
            raise
        text = " ".join(str(exc).split())[:300]
        error(f"phenotk: internal error: {type(exc).__name__}: {text} (please report; PHENOTK_DEBUG=1 shows where)")
        sys.exit(3)


if __name__ == "__main__":  # pragma: no cover
    main()
