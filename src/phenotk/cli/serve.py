"""``phenotk serve``: the local web page for curators (needs the ``serve`` extra; see docs/serve.md)."""

from __future__ import annotations

from typing import Annotated

import typer


def serve_command(
    port: Annotated[int, typer.Option("--port", help="Port to listen on (0 = any free port).", min=0, max=65535)]
    = 8765,
    hpo: Annotated[str | None, typer.Option("--hpo", help="HPO file (obo/json/owl) for checks and autocomplete.")]
    = None,
    no_browser: Annotated[bool, typer.Option("--no-browser", help="Print the address; do not open a browser.")]
    = False,
    host: Annotated[str, typer.Option("--host", help="Address to listen on (default loopback only).")]
    = "127.0.0.1",
    allow_remote: Annotated[bool, typer.Option(
        "--allow-remote", help="Allow a --host other than loopback (other machines can then reach the page).")]
    = False,
    max_upload_mb: Annotated[int, typer.Option("--max-upload-mb", min=1, help="Largest file accepted (MB).")]
    = 50,
    max_files: Annotated[int, typer.Option("--max-files", min=1, help="Most files one session holds.")] = 50,
    idle_minutes: Annotated[int, typer.Option(
        "--idle-minutes", min=1, help="Remove a session's files after this long unused.")] = 120,
    max_sessions: Annotated[int | None, typer.Option(
        "--max-sessions", min=1, help="Live sessions at most (default 32, or env PHENOTK_SERVE_MAX_SESSIONS).")]
    = None,
    max_total_mb: Annotated[int | None, typer.Option(
        "--max-total-mb", min=1,
        help="Uploads all sessions hold at most, in MB (default 2048, or env PHENOTK_SERVE_MAX_TOTAL_MB).")]
    = None,
) -> None:
    """Open a local web page: drop sheets and phenopackets, map columns, see findings, fix, download.

    Listens on 127.0.0.1 only and prints an address with a random token (every request needs it). Uploads live
    in a temporary directory that is removed when you stop the server (Ctrl+C) and after idle time.
    """
    from phenotk.serve import INSTALL_HINT, missing_modules

    if missing_modules():
        typer.echo(INSTALL_HINT, err=True)
        raise typer.Exit(2)
    from phenotk.serve.server import serve
    from phenotk.serve.workspace import Limits

    caps: dict[str, int] = {}
    if max_sessions is not None:
        caps["max_sessions"] = max_sessions
    if max_total_mb is not None:
        caps["max_total_bytes"] = max_total_mb * 1024 * 1024
    limits = Limits(max_file_bytes=max_upload_mb * 1024 * 1024, max_files=max_files,
                    max_request_bytes=max(max_upload_mb * 4, 200) * 1024 * 1024, idle_seconds=idle_minutes * 60.0,
                    **caps)  # fmt: skip
    serve(host=host, port=port, hpo=hpo, open_browser=not no_browser, allow_remote=allow_remote, limits=limits)


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("serve")(serve_command)
