"""``phenotk rules`` (list the validation rules) and ``phenotk explain CODE|NAME`` (a rule's documentation)."""

from __future__ import annotations

import inspect
from typing import Annotated, Any

import typer

from phenotk.validation.registry import resolve, rule_classes

from ._common import echo_json


def rules_command(
    json_: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """List every validation rule: code, name, default severity, group, whether it runs by default."""
    rows: list[dict[str, Any]] = [
        {
            "code": r.code,
            "name": r.name,
            "severity": r.severity.value,
            "group": r.group,
            "default": r.default_enabled,
            "requires_hpo": r.requires_hpo,
            "targets": list(r.targets),
            "summary": r.summary(),
        }
        for r in rule_classes()
    ]
    if json_:
        echo_json(rows)
        return
    width = max(len(r["name"]) for r in rows)
    for r in rows:
        flags = "" if r["default"] else " (opt-in)"
        if r["requires_hpo"]:
            flags += " [HPO]"
        typer.echo(f"{r['code']:<8} {r['name']:<{width}}  {r['severity']:<7} {r['summary']}{flags}")


def explain_command(
    rule: Annotated[str, typer.Argument(help="Rule code (SCH001) or name (schema-unknown-field).")],
) -> None:
    """Print a rule's documentation: what it checks, why, an anti-pattern and the fixed form."""
    cls = resolve(rule)
    typer.echo(f"{cls.code} {cls.name} (default severity: {cls.severity.value}, group: {cls.group})")
    typer.echo("")
    typer.echo(inspect.cleandoc(cls.__doc__ or ""))


def register(app: typer.Typer) -> None:
    """Add ``rules`` and ``explain`` to the app."""
    app.command("rules")(rules_command)
    app.command("explain")(explain_command)
