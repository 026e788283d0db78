"""The FastAPI application: the page, its static files and the JSON API (``/openapi.json``).

Why FastAPI (over bare Starlette): the page is a client of a JSON API that other tools may call too, and FastAPI
writes that API's OpenAPI document from the route signatures — one description, always true. Its one extra
dependency, pydantic, is already installed with phenotk (fhir.resources). The Swagger/ReDoc pages are turned off:
they load scripts from a CDN.

Safety, in one place (:class:`_Guard`): every request needs the server's token (``X-Phenotk-Token`` header, or
the ``token`` query parameter once, which sets a same-site cookie); requests that change state need the header
itself (a cross-site form cannot set it: CSRF) and a same-origin ``Origin`` when one is sent; the ``Host`` must be
the address the server was started on (DNS rebinding). Errors are one-line JSON messages, never tracebacks.
"""

from __future__ import annotations

import logging
import secrets
import unicodedata
from collections.abc import AsyncGenerator, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import Body, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.types import ASGIApp, Receive, Scope, Send

from phenotk._version import __version__
from phenotk.serve import assistant, runs
from phenotk.serve.workspace import Limits, ServeError, WorkspaceStore

HERE = Path(__file__).resolve().parent
TOKEN_HEADER = "x-phenotk-token"
COOKIE = "phenotk_token"
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'none'; frame-ancestors 'none'; base-uri 'none'")
STATIC = {"app.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8"}
REPORT_FORMATS = {"html": ("text/html; charset=utf-8", ".html"), "sarif": ("application/sarif+json", ".sarif"),
                  "json": ("application/json", ".json"), "csv": ("text/csv; charset=utf-8", ".csv")}
log = logging.getLogger("phenotk.serve")


@dataclass
class ServeState:
    """What the app holds: the token, the workspaces, the HPO index and the validation session."""

    token: str
    store: WorkspaceStore
    session: Any
    ontology: Any = None
    limits: Limits = field(default_factory=Limits)
    #: Host header values accepted (DNS rebinding guard); None = any (listening on every address, --allow-remote)
    hosts: frozenset[str] | None = frozenset({"127.0.0.1", "localhost"})


class _Guard:
    """ASGI middleware: token on every request, CSRF header on state changes, Host check, security headers."""

    def __init__(self, app: ASGIApp, state: ServeState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        head = scope["method"] == "HEAD"
        if head:  # HEAD is GET without the content (RFC 9110 9.3.2); the routes are declared for GET only
            scope = {**scope, "method": "GET"}
            send = _without_body(send)
        send = _with_security_headers(send)  # on every answer, refusals included
        request = Request(scope)
        problem = self._check(request)
        if problem is not None:
            await _refusal(request, *problem)(scope, receive, send)
            return
        upload = request.method == "POST" and request.url.path.endswith("/files")
        limit = self.state.limits.max_request_bytes if upload else self.state.limits.max_file_bytes
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > limit:
            await _json(413, f"request body of {length} bytes is over the limit of {limit}")(scope, receive, send)
            return
        if not upload:  # an upload is counted while it is parsed (_read_form)
            # a JSON body: read it here, counted, then hand it on; a chunked body (no Content-Length)
            # cannot grow past the limit in memory either
            body = bytearray()
            more = True
            while more:
                message = await receive()
                if message["type"] != "http.request":
                    return  # the client went away
                body += message.get("body", b"")
                more = bool(message.get("more_body"))
                if len(body) > limit:
                    await _json(413, f"request body is over the limit of {limit} bytes")(scope, receive, send)
                    return
            receive = _replay(bytes(body), receive)

        started = False

        async def watched(message: MutableMapping[str, Any]) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except Exception:
            # Starlette answers an unexpected error with the 500 of our handler (which logs it), then raises it
            # again: uvicorn logged it a second time and closed the kept-alive connection under the page's next
            # request. Once the 500 is sent, that is the end of it
            if not started:
                raise

    def _check(self, request: Request) -> tuple[int, str] | None:
        host = (request.headers.get("host") or "").rsplit(":", 1)[0].strip("[]")
        if self.state.hosts is not None and host not in self.state.hosts:
            return 403, "forbidden: unexpected Host header"
        token = self.state.token
        header = request.headers.get(TOKEN_HEADER, "")
        given = header or request.query_params.get("token", "") or request.cookies.get(COOKIE, "")
        if not secrets.compare_digest(given.encode(), token.encode()):
            return 403, "forbidden: open the address with the token that `phenotk serve` printed"
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            if not secrets.compare_digest(header.encode(), token.encode()):
                return 403, f"forbidden: changes need the {TOKEN_HEADER} header (CSRF protection)"
            origin = request.headers.get("origin")
            if origin and origin.split("://", 1)[-1] != request.headers.get("host"):
                return 403, "forbidden: cross-origin request"
        return None


def _with_security_headers(send: Send) -> Send:
    """``send`` adding the page's security headers (CSP, nosniff, no referrer, no caching, no framing)."""

    async def with_headers(message: MutableMapping[str, Any]) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            headers += [(b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
                        (b"referrer-policy", b"no-referrer"), (b"cache-control", b"no-store"),
                        (b"x-frame-options", b"DENY")]
            message = {**message, "headers": headers}
        await send(message)

    return with_headers


def _refusal(request: Request, status: int, message: str) -> Response:
    """The guard's refusal: JSON for the API; for a browser opening the page, a short HTML page saying what to do.

    A bookmarked address without the token (or one of an earlier run: the token changes at every start) showed
    the browser a raw JSON line.
    """
    if request.url.path == "/" and request.method == "GET" and "text/html" in request.headers.get("accept", ""):
        from html import escape

        return HTMLResponse(
            '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>phenotk serve: address without its '
            f'token</title></head><body><h1>phenotk serve</h1><p>{escape(message)}.</p><p>The address with the token '
            "is printed where <code>phenotk serve</code> was started (a new token at every start); open that address, "
            "or start <code>phenotk serve</code> again.</p></body></html>", status_code=status)
    return _json(status, message)


def _without_body(send: Send) -> Send:
    """``send`` for a HEAD request: the headers as for GET, no content."""

    async def headers_only(message: MutableMapping[str, Any]) -> None:
        if message["type"] == "http.response.body":
            message = {**message, "body": b""}
        await send(message)

    return headers_only


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that gives ``body`` once, then waits on the real one (for the disconnect)."""
    sent = False

    async def replay() -> MutableMapping[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


class SafeJSONResponse(JSONResponse):
    """JSON whose strings may hold half a UTF-16 pair.

    JSON lets a request escape one (backslash-u d800), and a refusal that echoed it could not be encoded: a 500, a
    traceback in the log, the kept-alive connection reset under the page's next request.
    """

    def render(self, content: Any) -> bytes:
        """Starlette's rendering; an unpaired surrogate is written as its JSON escape (backslash-u dXXX)."""
        import json

        return json.dumps(content, ensure_ascii=False, allow_nan=False, indent=None,
                          separators=(",", ":")).encode("utf-8", "backslashreplace")


def _json(status: int, message: str) -> JSONResponse:
    return SafeJSONResponse({"error": message}, status_code=status)


class ColumnChange(BaseModel):
    """A new meaning for one column of a sheet's mapping."""

    column: str
    meaning: str
    term: str | None = None


class MappingText(BaseModel):
    """A whole mapping YAML (edited by hand or uploaded)."""

    yaml: str


class MappingChoice(BaseModel):
    """A shipped mapping (by name, see ``GET /api/mappings``) or an uploaded mapping YAML (by file name)."""

    shipped: str | None = None
    upload: str | None = None


class FixChoice(BaseModel):
    """Files whose planned fixes to apply (all when omitted)."""

    files: list[str] | None = None


async def _read_form(request: Request, limits: Limits) -> Any:
    """Parse a multipart upload in memory (no spill to the system temp dir), size and count checked."""
    if "content-type" not in request.headers:  # Starlette's parser met it with a KeyError (a 500)
        raise ServeError(415, "upload refused: send the files as multipart/form-data (field 'files')")
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > limits.max_request_bytes:
        raise ServeError(413, f"upload of {length} bytes is over the limit of {limits.max_request_bytes}")

    async def stream() -> AsyncGenerator[bytes, None]:
        seen = 0
        async for chunk in request.stream():
            seen += len(chunk)
            if seen > limits.max_request_bytes:
                raise ServeError(413, f"upload is over the limit of {limits.max_request_bytes} bytes")
            yield chunk

    parser = MultiPartParser(request.headers, stream(), max_files=limits.max_files, max_fields=20)
    parser.spool_max_size = limits.max_request_bytes + 1  # keep parts in memory: nothing lands in /tmp
    try:
        return await parser.parse()
    except MultiPartException as exc:
        if "many files" in str(exc).lower():  # Starlette: "Too many files. Maximum number of files is 50."
            raise ServeError(413, f"upload refused: more than {limits.max_files} files at once, and a session holds at "
                                  f"most {limits.max_files}; drop phenopackets as one .zip file (it counts as one), "
                                  "or start phenotk serve with a higher --max-files") from None
        raise ServeError(413 if "many" in str(exc).lower() else 400, f"upload refused: {exc}") from None


def create_app(state: ServeState) -> FastAPI:
    """The web application over ``state`` (see :func:`phenotk.serve.server.make_state`)."""
    app = FastAPI(title="phenotk serve", version=__version__, docs_url=None, redoc_url=None,
                  default_response_class=SafeJSONResponse,
                  description="The JSON API of the phenotk curator page. Every request needs the server's token "
                              f"(header {TOKEN_HEADER}).")
    app.state.serve = state

    @app.exception_handler(ServeError)
    async def _serve_error(request: Request, exc: ServeError) -> JSONResponse:
        return _json(exc.status, exc.message)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        # unknown paths (404), wrong methods (405), unparsable bodies (400): the one error shape of the API
        text = exc.detail if isinstance(exc.detail, str) and exc.detail else "request refused"
        return SafeJSONResponse({"error": f"{text.lower()}: {request.method} {request.url.path}"[:300]},
                            status_code=exc.status_code, headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _bad_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        return _json(422, f"bad request: {where}: {first.get('msg', 'invalid')}")

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> JSONResponse:
        log.exception("internal error on %s", request.url.path)
        return _json(500, f"internal error ({type(exc).__name__}); the server log has the details")

    # ------------------------------------------------------------------------------------- page

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def page(request: Request) -> HTMLResponse:
        from jinja2 import Environment, FileSystemLoader, select_autoescape

        env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]))
        html = env.get_template("index.html").render(
            token=state.token, version=__version__, hpo_version=state.session.hpo_version or "none loaded",
            limits=state.limits)
        response = HTMLResponse(html)
        response.set_cookie(COOKIE, state.token, httponly=True, samesite="strict", path="/")
        return response

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> Response:
        if name not in STATIC:
            raise ServeError(404, "not found")
        return Response((HERE / "static" / name).read_bytes(), media_type=STATIC[name])

    # ------------------------------------------------------------------------------------- API

    @app.get("/api/info")
    def info() -> dict[str, Any]:
        """Server version, HPO release, upload limits, the meaning menu of the mapping assistant."""
        lim = state.limits
        return {"version": __version__, "hpo_version": state.session.hpo_version,
                "limits": {"max_file_bytes": lim.max_file_bytes, "max_files": lim.max_files,
                           "max_sessions": lim.max_sessions, "max_total_bytes": lim.max_total_bytes},
                "meanings": assistant.meanings()}

    @app.post("/api/workspaces", status_code=201)
    def new_workspace() -> dict[str, str]:
        """A new session workspace (its own temporary directory)."""
        return {"id": state.store.create().id}

    @app.get("/api/workspaces/{ws_id}")
    def workspace(ws_id: str) -> dict[str, Any]:
        """The files of a workspace, their kinds, which sheets have a mapping, whether a run exists."""
        ws = state.store.get(ws_id)
        return {"id": ws.id, "files": _files(ws), "converted": ws.run is not None}

    @app.post("/api/workspaces/{ws_id}/files")
    async def upload(ws_id: str, request: Request) -> dict[str, Any]:
        """Upload files (multipart, field ``files``): sheets, templates, phenopackets, FHIR, REDCap, PED, mappings."""
        ws = state.store.get(ws_id)
        form = await _read_form(request, state.limits)
        uploads = [v for _, v in form.multi_items() if not isinstance(v, str)]
        if not uploads:
            raise ServeError(400, "no file in the upload (multipart field 'files')")
        _refuse_twins([up.filename or "" for up in uploads])
        saved: list[dict[str, Any]] = []
        for up in uploads:
            data = await up.read()
            name = up.filename or ""
            before = ws.kinds.get(name)
            try:
                path = await run_in_threadpool(ws.save_upload, name, data, state.limits)
            except ServeError as exc:
                if saved:  # the files before it stay: say so, or the curator thinks none was stored
                    names = ", ".join(s["name"] for s in saved[:3]) + (" …" if len(saved) > 3 else "")
                    raise ServeError(exc.status, f"{exc.message}; the {len(saved)} file(s) before it in this upload "
                                                 f"were stored ({names}), the rest were not") from None
                raise
            kind = await run_in_threadpool(runs.sniff, path)
            with ws.lock:
                ws.kinds[name] = kind
                if kind != before:  # read as something else now: the mapping was for another file
                    ws.mappings.pop(name, None)
                    ws.assist.pop(name, None)
            entry: dict[str, Any] = {"name": name, "kind": kind, "size": len(data)}
            if name in ws.mappings:
                entry["mapping_kept"] = True  # the same sheet uploaded again keeps the mapping made for it
            saved.append(entry)
        await form.close()
        return {"saved": saved, "files": _files(ws), "converted": ws.run is not None}

    @app.delete("/api/workspaces/{ws_id}/files/{name}")
    def delete_file(ws_id: str, name: str) -> dict[str, Any]:
        """Remove an upload."""
        ws = state.store.get(ws_id)
        ws.remove(name)
        return {"files": _files(ws), "converted": ws.run is not None}

    @app.post("/api/workspaces/{ws_id}/mapping/{name}/init")
    def mapping_init(ws_id: str, name: str) -> dict[str, Any]:
        """Start a mapping for the sheet ``name`` (``mapping init``): the assistant's column table and YAML."""
        return runs.start_mapping(state.store.get(ws_id), name, state.ontology)

    @app.get("/api/workspaces/{ws_id}/mapping/{name}")
    def mapping_view(ws_id: str, name: str) -> dict[str, Any]:
        """The assistant's table for the sheet ``name``."""
        return runs.assistant_view(state.store.get(ws_id), name, state.ontology)

    @app.put("/api/workspaces/{ws_id}/mapping/{name}")
    def mapping_put(ws_id: str, name: str, body: MappingText) -> dict[str, Any]:
        """Replace the mapping YAML of the sheet ``name`` (hand-edited or an uploaded one); checked first."""
        return runs.set_mapping_text(state.store.get(ws_id), name, body.yaml, state.ontology)

    @app.post("/api/workspaces/{ws_id}/mapping/{name}/use")
    def mapping_use(ws_id: str, name: str, choice: MappingChoice) -> dict[str, Any]:
        """Read the sheet or REDCap export ``name`` with a shipped mapping or an uploaded mapping YAML."""
        return runs.use_mapping(state.store.get(ws_id), name, choice.shipped, choice.upload, state.ontology)

    @app.get("/api/mappings")
    def shipped_mappings() -> dict[str, Any]:
        """The shipped mappings (``mappings/``): name, description, whether it reads REDCap exports."""
        return {"mappings": [{"name": k, "description": v["description"], "redcap": v["redcap"]}
                             for k, v in runs.shipped_mappings().items()]}

    @app.post("/api/workspaces/{ws_id}/mapping/{name}/column")
    def mapping_column(ws_id: str, name: str, change: ColumnChange) -> dict[str, Any]:
        """Give one column a new meaning (a field, an HPO term with ``term``, free text, ignore)."""
        ws = state.store.get(ws_id)
        return runs.set_column(ws, name, change.column, change.meaning, change.term, state.ontology)

    @app.get("/api/workspaces/{ws_id}/mapping/{name}/yaml")
    def mapping_download(ws_id: str, name: str) -> Response:
        """The mapping YAML of the sheet ``name`` as a download."""
        view = runs.assistant_view(state.store.get(ws_id), name, state.ontology)
        return _download(view["yaml"].encode("utf-8"), "application/yaml", runs.mapping_stem(name) + ".mapping.yaml")

    @app.post("/api/workspaces/{ws_id}/convert")
    def convert(ws_id: str, limit: int = 1000) -> JSONResponse:
        """Convert every upload (sheets with their mapping); the first ``limit`` findings, a preview, timing."""
        ws = state.store.get(ws_id)
        run = runs.convert(ws, state.ontology, state.session)
        return SafeJSONResponse(_run_view(ws, run, limit=limit))

    @app.get("/api/workspaces/{ws_id}/progress")
    def progress(ws_id: str) -> dict[str, Any]:
        """How far the running conversion got: file, packets and findings so far, the first findings."""
        return state.store.get(ws_id).progress or {"running": False}

    @app.get("/api/workspaces/{ws_id}/findings")
    def findings(ws_id: str, offset: int = 0, limit: int = 1000, severity: str = "", q: str = "") -> JSONResponse:
        """The findings of the last run from ``offset`` (at most ``limit``, up to 5,000) that match the filters.

        Each with its location, context and fix availability; ``severity`` (comma-separated) and ``q`` (text)
        filter; ``findings_matching`` counts the matches, ``findings_total`` every finding of the run.
        """
        ws = state.store.get(ws_id)
        return SafeJSONResponse(_run_view(ws, runs.current_run(ws), offset=offset, limit=limit, severity=severity,
                                          q=q))

    @app.get("/api/findings/{code}")
    def finding_doc(code: str) -> dict[str, Any]:
        """A finding type's documentation page (catalog: code or name)."""
        from phenotk import catalog

        kind = catalog.get(code)
        if kind is None:
            raise ServeError(404, f"no finding type {code!r} in the catalog")
        return {"code": kind.code, "name": kind.name, "severity": kind.severity.value, "summary": kind.summary,
                "doc": kind.doc}

    @app.post("/api/workspaces/{ws_id}/fixes/plan")
    def fixes_plan(ws_id: str) -> dict[str, Any]:
        """The safe fixes for the run's packets and uploaded phenopackets, with diffs (nothing written).

        ``not_fixed``: uploads whose safe fixes are not applied here (zips: their members stay as uploaded).
        """
        ws = state.store.get(ws_id)
        run = runs.current_run(ws)
        return {"files": runs.plan_fixes(ws, run, state.session), "not_fixed": runs.not_fixed(ws, run)}

    @app.post("/api/workspaces/{ws_id}/fixes/apply")
    def fixes_apply(ws_id: str, choice: FixChoice = Body(default_factory=FixChoice)) -> dict[str, Any]:
        """Apply the planned fixes (to the packets in the session; uploads get fixed copies)."""
        ws = state.store.get(ws_id)
        run = runs.current_run(ws)
        applied = runs.apply_fixes(ws, run, choice.files)
        return {"applied": applied, **_run_view(ws, run)}

    @app.get("/api/workspaces/{ws_id}/summary")
    def summary(ws_id: str) -> dict[str, Any]:
        """Cohort summary of the run's packets: counts, top terms, organ systems, plots (PNG data URLs)."""
        ws = state.store.get(ws_id)
        run = runs.current_run(ws)
        with runs.ENGINE_LOCK:
            return runs.summary(ws, run, state.ontology)

    @app.get("/api/workspaces/{ws_id}/download/packets.zip")
    def download_packets(ws_id: str) -> Response:
        """The packets (JSON, fixes applied so far) in a zip."""
        ws = state.store.get(ws_id)
        return _download(runs.packets_zip(ws, runs.current_run(ws)), "application/zip", "packets.zip")

    @app.get("/api/workspaces/{ws_id}/download/fixed.zip")
    def download_fixed(ws_id: str) -> Response:
        """Fixed copies of uploaded phenopackets, in a zip."""
        ws = state.store.get(ws_id)
        runs.current_run(ws)
        return _download(runs.fixed_zip(ws), "application/zip", "fixed.zip")

    @app.get("/api/workspaces/{ws_id}/download/report.{fmt}")
    def download_report(ws_id: str, fmt: str) -> Response:
        """The run's report as ``html``, ``sarif``, ``json`` or ``csv``."""
        if fmt not in REPORT_FORMATS:
            raise ServeError(404, f"report formats: {', '.join(REPORT_FORMATS)}")
        ws = state.store.get(ws_id)
        media, ext = REPORT_FORMATS[fmt]
        text = runs.report_text(runs.current_run(ws), fmt)
        return _download(text.encode("utf-8"), media, "phenotk-report" + ext)

    @app.get("/api/hpo/search")
    def hpo_search(q: str = "", limit: int = 15) -> dict[str, Any]:
        """HPO terms whose label, synonym or id contains ``q`` (autocomplete)."""
        return {"terms": assistant.search_terms(state.ontology, q, max(1, min(limit, 50)))}

    return _wrap(app, state)


def _wrap(app: FastAPI, state: ServeState) -> Any:
    guarded = _Guard(app, state)
    guarded.fastapi = app  # type: ignore[attr-defined]
    return guarded


def _refuse_twins(names: list[str]) -> None:
    """409 when one upload holds two files of one name (or of names one on Windows and macOS disks).

    Two folders' ``patients.csv`` dropped together: the second replaced the first and the answer listed both.
    """
    seen: dict[str, str] = {}
    for name in names:
        twin = seen.setdefault(unicodedata.normalize("NFC", name).casefold(), name)
        if twin is not name and name:
            same = f"two files named {name!r}" if twin == name else \
                f"two files named {twin!r} and {name!r} (one file on Windows or macOS disks)"
            raise ServeError(409, f"upload refused: {same} in one upload; one would replace the other. Rename one "
                                  "and upload them again (nothing of this upload was stored)")


def _files(ws: Any) -> list[dict[str, Any]]:
    out = []
    for name, kind in sorted(ws.kinds.items()):
        path = ws.inputs / name
        out.append({"name": name, "kind": kind, "size": path.stat().st_size if path.exists() else 0,
                     "sheet": runs.is_sheet(name) and kind != "redcap" and kind not in runs.HELPER_KINDS,
                     "redcap": kind == "redcap", "takes_mapping": runs.takes_mapping(ws, name),
                     "mapped": name in ws.mappings,
                     "mapping_from": (ws.assist.get(name) or {}).get("origin") if name in ws.mappings else None})
    return out


def _run_view(ws: Any, run: Any, *, offset: int = 0, limit: int = 1000, severity: str = "",
              q: str = "") -> dict[str, Any]:
    limit = max(0, min(limit, runs.MAX_FINDINGS))
    severities = frozenset(s.strip() for s in severity.split(",") if s.strip()) if severity else None
    shown, matching = runs.findings(ws, run, offset=max(0, offset), limit=limit, severities=severities, text=q)
    total = run.report.summary
    return {
        "seconds": round(run.seconds, 3),
        "packets": run.count,
        "checked": run.checked,
        "summary": run.report.summary,
        "hpo_version": run.report.hpo_version,
        "notes": [ws.display(n) for n in run.report.notes],
        "errors": run.errors,
        "findings": shown,
        "findings_total": total["errors"] + total["warnings"] + total["info"],
        "findings_matching": matching,
        "offset": max(0, offset),
        "preview": runs.preview(run),
        "fixed": run.fixed,
        #: fixed copies of uploaded phenopackets so far (what fixed.zip holds; the page's link waits for one)
        "fixed_copies": sum(1 for p in ws.fixed.iterdir() if p.is_file()) if ws.fixed.is_dir() else 0,
    }


def _download(data: bytes, media: str, filename: str) -> Response:
    """``data`` as a file download named ``filename``.

    Headers are Latin-1: a sheet named in Greek, Cyrillic or Chinese made the header unencodable (a 500). The plain
    ``filename`` is an ASCII stand-in; browsers use the exact name from ``filename*`` (RFC 6266 / 5987).
    """
    from urllib.parse import quote

    safe = "".join(c if (c.isascii() and c.isalnum()) or c in "._-" else "_" for c in filename)
    exact = quote(filename.replace("/", "_").replace("\\", "_"), safe="")
    return Response(data, media_type=media, headers={
        "content-disposition": f"attachment; filename=\"{safe}\"; filename*=UTF-8''{exact}"})


