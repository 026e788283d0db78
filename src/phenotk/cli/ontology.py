"""``phenotk ontology info | fetch | lookup``: which HPO release phenotk uses, download it, look terms up."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

import typer

from phenotk.ontology import (
    PINNED_RELEASE,
    IdStatus,
    OntologyIndex,
    fetch_release,
    load_ontology,
    ontology_cache_dir,
    resolve_hpo,
)

from ._common import echo_json

ontology_app = typer.Typer(
    name="ontology",
    help="HPO (or any OBO ontology): release in use, download, term lookup.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)

_CURIE = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*:\S+$")

HpoOpt = Annotated[
    Path | None,
    typer.Option(
        "--hpo",
        "--ontology",
        help="Ontology file (.obo, .json, .owl; .gz accepted; any OBO ontology). "
        "Default: $PHENOTK_HPO, [tool.phenotk] hpo, the cached release.",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


class _Progress:
    """A rich progress bar on stderr, started on the first chunk."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar: Any = None
        self.task: Any = None

    def __call__(self, done: int, total: int | None) -> None:
        if self.bar is None:
            from rich.console import Console
            from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn

            self.bar = Progress(
                "{task.description}", BarColumn(), DownloadColumn(), TransferSpeedColumn(), console=Console(stderr=True)
            )
            self.bar.start()
            self.task = self.bar.add_task(self.label, total=total)
        self.bar.update(self.task, completed=done, total=total)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _resolve(hpo: Path | None, *, download: bool) -> OntologyIndex:
    progress = _Progress(f"HPO {PINNED_RELEASE}")
    try:
        # any OBO ontology (``--ontology mondo.obo``): ``info`` and ``lookup`` describe what they are given
        return resolve_hpo(hpo, download=None if download else False, progress=progress, prefix=None)
    finally:
        progress.close()


def describe(idx: OntologyIndex) -> dict[str, Any]:
    """What ``phenotk ontology info`` prints."""
    return {
        "ontology": idx.ontology,
        "prefix": idx.prefix,
        "release": idx.version,
        "data_version": idx.data_version,
        "source": idx.source,
        "found_by": idx.origin,
        "sha256": idx.source_sha256,
        "cache": idx.cache_path,
        # why not cached (a read-only cache folder): every run parses the file again, seconds instead of ms
        "cache_problem": f"{idx.cache_problem}; set PHENOTK_CACHE_DIR" if idx.cache_problem else None,
        "loaded_from_cache": idx.loaded_from_cache,
        **idx.stats(),
        "roots": idx.roots,
    }


@ontology_app.command("info")
def info_command(hpo: HpoOpt = None, json_: JsonOpt = False) -> None:
    """Show the HPO release phenotk uses: release, counts, source file, how it was found, cache path.

    Never downloads; exit 2 with instructions when no HPO is available.
    """
    idx = _resolve(hpo, download=False)
    data = describe(idx)
    if json_:
        echo_json(data)
        return
    for key, value in data.items():
        if key == "roots":
            value = ", ".join(f"{k}={v}" for k, v in value.items()) or "-"
        typer.echo(f"{key + ':':<19} {value}")


@ontology_app.command("fetch")
def fetch_command(
    release: Annotated[str, typer.Option("--release", help="Release date, e.g. 2025-05-06.")] = PINNED_RELEASE,
    url: Annotated[str | None, typer.Option("--url", help="Download from this URL (file:// works).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Download again even if cached.")] = False,
) -> None:
    """Download an HPO release (hp.json) into the cache and use it from now on when no --hpo is given."""
    progress = _Progress(f"HPO {release}")
    try:
        path = fetch_release(release, url=url, progress=progress, force=force)
    finally:
        progress.close()
    idx = load_ontology(path)
    typer.echo(f"HPO {idx.version}: {path} ({idx.stats()['current']} current terms; cache {ontology_cache_dir()})")


def _term(idx: OntologyIndex, curie: str) -> dict[str, Any]:
    status = idx.id_status(curie)
    out: dict[str, Any] = {"query": curie, "status": status.value, "release": idx.version}
    if status in (IdStatus.newer, IdStatus.unknown, IdStatus.malformed):
        return out
    primary = idx.primary_id(curie)
    assert primary is not None
    out.update(
        id=primary,
        label=idx.label(curie),
        synonyms=idx.synonym_types(curie),
        parents=[f"{p} {idx.label(p)}" for p in idx.parents(curie)],
        branch=idx.branch_of(curie),
    )
    if status is IdStatus.obsolete:
        out.update(replacement=idx.replacement(curie), suggestions=idx.suggestions(curie))
    return out


@ontology_app.command("lookup")
def lookup_command(
    query: Annotated[str, typer.Argument(help="A term id (HP:0001250) or an exact label/synonym (case-insensitive).")],
    hpo: HpoOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Show a term by id, or the terms whose label or synonym is exactly QUERY. Exit 1 when nothing matches."""
    idx = _resolve(hpo, download=True)
    q = query.strip()
    prefix, sep, local = q.partition(":")
    if sep and prefix.casefold() == idx.prefix.casefold():
        q = f"{idx.prefix}:{local}"
    if _CURIE.match(q) and (q.split(":", 1)[0] == idx.prefix or idx.contains(q)):
        rows = [_term(idx, q)]
        found = rows[0]["status"] not in ("newer", "unknown", "malformed")
    else:
        rows = [_term(idx, c) for c in idx.lookup(q)]
        found = bool(rows)
    if json_:
        echo_json(rows)
    else:
        _print_text(idx, q, rows)
    if not found:
        raise typer.Exit(1)


def _print_text(idx: OntologyIndex, query: str, rows: list[dict[str, Any]]) -> None:
    release = f"{idx.ontology or idx.prefix} {idx.version}"
    for r in rows:
        status = r["status"]
        if status == "newer":
            name = "HPO" if idx.prefix == "HP" else idx.prefix
            newer = f"probably a newer term (update {name}?)"
            typer.echo(f"{query}: not in {release}, but above its allocated ids: {newer}")
            continue
        if status == "unknown":
            typer.echo(f"{query}: not in {release}")
            continue
        if status == "malformed":
            form = "0" * idx.id_width if idx.id_width else "digits"
            typer.echo(f"{query}: not a {idx.prefix} id ({idx.prefix}:{form} form)")
            continue
        head = f"{r['id']}  {r['label']}"
        if status == "alt_id":
            head += f"   ({r['query']} is an alternative id of {r['id']})"
        typer.echo(head)
        if status == "obsolete":
            rep = r.get("replacement")
            typer.echo(f"  obsolete; replaced by {rep} {idx.label(rep)}" if rep else "  obsolete; no safe replacement")
            if r.get("suggestions"):
                typer.echo(f"  consider: {', '.join(r['suggestions'])}")
        for text, scope in r["synonyms"]:
            typer.echo(f"  synonym ({scope.lower()}): {text}")
        for p in r["parents"]:
            typer.echo(f"  is_a: {p}")
        if r["branch"]:
            typer.echo(f"  branch: {r['branch']}")
    if not rows:
        typer.echo(f"no term of {release} has the label or synonym {query!r}", err=True)


def register(app: typer.Typer) -> None:
    """Add ``phenotk ontology`` to the app."""
    app.add_typer(ontology_app, name="ontology")
