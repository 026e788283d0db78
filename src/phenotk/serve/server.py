"""Starting and stopping the page's server: the token, the temporary root, uvicorn, idle clean-up.

``serve(...)`` runs until interrupted (``phenotk serve``); :class:`BackgroundServer` runs the same app in a
thread on a free port and stops it again (tests, notebooks). Both remove every workspace when they stop.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import secrets
import signal
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from phenotk.errors import UsageError
from phenotk.serve.app import ServeState, create_app
from phenotk.serve.workspace import Limits, WorkspaceStore

#: how often idle workspaces are looked for (seconds)
SWEEP_SECONDS = 60.0


def is_loopback(host: str) -> bool:
    """True for ``127.0.0.1``, ``::1`` and ``localhost``."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def make_state(*, hpo: Any = None, limits: Limits | None = None, host: str = "127.0.0.1",
               token: str | None = None, root: Path | None = None) -> ServeState:
    """The app's state: a random token, a fresh temporary root, the session (HPO found as ``validate`` does)."""
    from phenotk.workflow.session import Session

    session = Session(hpo=hpo, want_hpo=True)
    base = Path(tempfile.mkdtemp(prefix="phenotk-serve-", dir=root))
    lim = limits or Limits()
    return ServeState(token=token or secrets.token_urlsafe(24), store=WorkspaceStore(base, lim), session=session,
                      ontology=session.hpo, limits=lim,
                      hosts=None if host.strip("[]") in ("0.0.0.0", "::", "") else
                      frozenset({"127.0.0.1", "localhost", "::1", host.strip("[]")}))


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY only on sockets that say they are TCP. Without it every
    # response on a kept-alive connection (the page's fetches) waited for the client's delayed ACK: +40 ms each
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        sock.close()
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def url_of(host: str, port: int, token: str) -> str:
    """The address to open (the token as Jupyter puts it)."""
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return f"http://{shown}:{port}/?token={token}"


class _Sweeper(threading.Thread):
    def __init__(self, store: WorkspaceStore, every: float) -> None:
        super().__init__(name="phenotk-serve-sweeper", daemon=True)
        self.store = store
        self.every = every
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.every):
            self.store.sweep()


class BackgroundServer:
    """The app on ``host``:``port`` (0 = a free port) in a thread; ``stop()`` ends it and removes the workspaces."""

    def __init__(self, state: ServeState, host: str = "127.0.0.1", port: int = 0) -> None:
        import uvicorn

        self.state = state
        self.host = host
        self.sock = _bind(host, port)
        self.port = int(self.sock.getsockname()[1])
        config = uvicorn.Config(create_app(state), log_level="warning", lifespan="off", access_log=False)
        self.server = uvicorn.Server(config)
        #: set by the server thread when it has ended. The main thread polls it with ``time.sleep`` rather than
        #: ``Thread.join``/``is_alive``: a stop signal raised inside those (CPython 3.11's ``_wait_for_tstate_lock``)
        #: marks a thread that is still shutting down as stopped — ``stop()`` then closed the socket under uvicorn's
        #: shutdown ("ValueError: Invalid file descriptor: -1") and removed the uploads while it still served
        self.done = False
        self.thread = threading.Thread(target=self._run, daemon=True, name="phenotk-serve")
        self.sweeper = _Sweeper(state.store, SWEEP_SECONDS)

    def _run(self) -> None:
        try:
            self.server.run(sockets=[self.sock])
        finally:
            self.done = True

    @property
    def url(self) -> str:
        """The address with the token."""
        return url_of(self.host, self.port, self.state.token)

    @property
    def base(self) -> str:
        """The address without the token."""
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 20.0) -> BackgroundServer:
        """Start and wait until the server accepts connections."""
        self.thread.start()
        self.sweeper.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if time.monotonic() > deadline or self.done:
                self.stop()
                raise RuntimeError("phenotk serve did not start")
            time.sleep(0.02)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the server and remove every workspace (the temporary root)."""
        self.server.should_exit = True
        self.sweeper.stopped.set()
        if self.thread.ident is not None:  # started
            self.wait(timeout)
        self.sock.close()
        self.state.store.close()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until the server thread has ended (``timeout`` seconds at most); True when it has."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self.done:
            if deadline is not None and time.monotonic() > deadline:
                return False
            time.sleep(0.02)
        return True

    def __enter__(self) -> BackgroundServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _Stopped(KeyboardInterrupt):
    """Raised in the main thread by a stop signal: ends ``serve`` through its clean-up, as Ctrl+C does."""


#: the signals that stop the page (those that exist here); SIGINT only when it is not ignored (``nohup … &``)
STOP_SIGNALS = ("SIGTERM", "SIGHUP", "SIGINT", "SIGBREAK")


class _Signals:
    """Stop signals turned into :class:`_Stopped`, once; held back while the temporary root is being made.

    ``held()``: a signal that arrives inside is raised when the block ends — the root made in the block is then
    known to the caller's clean-up (a SIGTERM 0.3 s into start-up, between ``mkdtemp`` and the clean-up being
    set up, ended the process at once and left the folder behind). After the first signal the others are
    swallowed: a second Ctrl+C or ``kill`` must not cut the clean-up short.
    """

    def __init__(self) -> None:
        self.fired: list[int] = []
        self.holding = False
        self.pending: int | None = None

    def handle(self, signum: int, frame: object) -> None:
        if self.fired or self.pending is not None:
            return
        if self.holding:
            self.pending = signum
            return
        self.fired.append(signum)
        raise _Stopped(signal.Signals(signum).name)

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        self.holding = True
        try:
            yield
        finally:
            self.holding = False
        if self.pending is not None and not self.fired:
            self.fired.append(self.pending)
            raise _Stopped(signal.Signals(self.pending).name)


@contextlib.contextmanager
def _stop_on_signals() -> Iterator[_Signals]:
    """SIGTERM, SIGHUP (terminal closed, logout), SIGINT (Ctrl+C) and Windows' SIGBREAK stop the page alike.

    Without this, ``kill``, closing the terminal or ending the task ended the process at once and left every upload
    (patient data) in the temporary folder. A signal the parent set to be ignored stays ignored: ``nohup`` ignores
    SIGHUP (that is its purpose), and a shell starts a background job (``&``) with SIGINT ignored — such a server
    is stopped with ``kill PID`` (SIGTERM), which cleans up as Ctrl+C does.
    """
    control = _Signals()
    if threading.current_thread() is not threading.main_thread():
        yield control
        return
    previous: dict[int, Any] = {}
    for name in STOP_SIGNALS:
        sig = getattr(signal, name, None)
        if sig is None or signal.getsignal(sig) is signal.SIG_IGN:
            continue
        previous[sig] = signal.signal(sig, control.handle)
    try:
        yield control
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def serve(*, host: str = "127.0.0.1", port: int = 8765, hpo: Any = None, open_browser: bool = True,
          allow_remote: bool = False, limits: Limits | None = None,
          echo: Callable[[str], None] = lambda line: print(line, file=sys.stderr, flush=True)) -> None:
    """Run the page until interrupted; the temporary root is removed on the way out."""
    if not is_loopback(host) and not allow_remote:
        raise UsageError(f"--host {host} would let other machines reach uploaded patient data; "
                         "add --allow-remote to do it anyway (the token still guards every request)")
    with _stop_on_signals() as signals, contextlib.ExitStack() as stack:
        with signals.held():  # the root exists from here: its clean-up is registered before a signal can act
            state = make_state(hpo=hpo, limits=limits, host=host)
            stack.callback(state.store.close)
        server = BackgroundServer(state, host, port)  # the port is taken: the root goes too (the callback)
        if not is_loopback(host):
            echo(f"warning: listening on {host}: anyone who can reach this machine and has the token can upload "
                 "and read files; plain HTTP, no encryption")
        if state.session.hpo is None:
            echo("note: no HPO loaded (give --hpo FILE): HPO checks and term autocomplete are off")
        stack.callback(server.stop)
        server.start()
        echo(f"phenotk serve: HPO {state.session.hpo_version or 'none'}; files stay in {state.store.root} "
             "(removed when you stop)")
        echo(f"open {server.url}")
        echo("press Ctrl+C to stop" if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN else
             "Ctrl+C is ignored in this process (started in the background, e.g. nohup … &): stop it with "
             f"kill {os.getpid()}")
        if open_browser:
            import webbrowser

            threading.Thread(target=webbrowser.open, args=(server.url,), daemon=True).start()
        server.wait()  # a stop signal raises _Stopped in here; the ExitStack stops the server and cleans up
