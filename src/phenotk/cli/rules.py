"""``phenotk rules`` (list rules and findings) and ``phenotk explain CODE|NAME`` (one entry's documentation)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from ._common import echo_json


def rules_command(
    json_: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    all_: Annotated[
        bool,
        typer.Option("--all", help="Also list every converter finding (MAP, TPL, RC, FHIR, UPG, BCN, PED, CNV …)."),
    ] = False,
) -> None:
    """List every validation rule (with --all: every catalogued finding): code, name, default severity, summary."""
    from phenotk import catalog
    from phenotk.validation.registry import rule_classes

    rows: list[dict[str, Any]] = [
        {
            "code": r.code,
            "name": r.name,
            "severity": r.severity.value,
            "group": r.group,
            "kind": "validation",
            "default": r.default_enabled,
            "requires_hpo": r.requires_hpo,
            "targets": list(r.targets),
            "summary": r.summary(),
        }
        for r in rule_classes()
    ]
    if all_:
        known = {r["code"] for r in rows}
        rows += [
            {
                "code": ft.code,
                "name": ft.name,
                "severity": ft.severity.value,
                "group": ft.group,
                "kind": "conversion",
                "aliases": list(ft.aliases),
                "summary": ft.summary,
            }
            for ft in catalog.entries()
            if ft.code not in known
        ]
    if json_:
        echo_json(rows)
        return
    width = max(len(r["name"]) for r in rows)
    for r in rows:
        flags = "" if r.get("default", True) else " (opt-in)"
        if r.get("requires_hpo"):
            flags += " [HPO]"
        if r.get("aliases"):
            flags += f" (was {', '.join(r['aliases'])})"
        typer.echo(f"{r['code']:<8} {r['name']:<{width}}  {r['severity']:<7} {r['summary']}{flags}")


def explain_command(
    rule: Annotated[str, typer.Argument(help="Code (SCH001, MAP002, TPL001 …) or name (schema-unknown-field).")],
) -> None:
    """Print the documentation of a validation rule or a converter finding: what, why, an example and the fix."""
    from phenotk import catalog

    entry = catalog.resolve(rule)
    aliases = f", formerly {', '.join(entry.aliases)}" if entry.aliases else ""
    typer.echo(f"{entry.code} {entry.name} (default severity: {entry.severity.value}, group: {entry.group}{aliases})")
    typer.echo("")
    typer.echo(entry.doc or entry.summary)


def register(app: typer.Typer) -> None:
    """Add ``rules`` and ``explain`` to the app."""
    app.command("rules")(rules_command)
    app.command("explain")(explain_command)
