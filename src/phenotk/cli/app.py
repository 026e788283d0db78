"""The ``phenotk`` typer application: lazy command registration and the single error boundary.

Start-up is part of the interface (a pre-commit hook or an editor runs ``phenotk validate one.json``): a
command module is imported only when that command runs (``phenotk --help`` imports them all to list them),
and option values of the common kinds (str, int, bool, enums, paths, lists of them) are converted here
instead of by typer's pydantic adapters, so no command pays for importing pydantic.
"""

from __future__ import annotations

import enum
import gc
import importlib
import os
import sys
import types
import typing
from pathlib import Path
from typing import TYPE_CHECKING, Any

from phenotk._version import __version__
from phenotk.errors import PhenotkError

if TYPE_CHECKING:  # pragma: no cover
    import typer

#: command name → module that defines ``register(app)``. Add a line when you add a command.
COMMANDS: dict[str, str] = {
    "convert": "phenotk.cli.convert",
    "info": "phenotk.cli.info",
    "summarize": "phenotk.cli.summarize",
    "validate": "phenotk.cli.validate",
    "rules": "phenotk.cli.rules",
    "explain": "phenotk.cli.rules",
    "ontology": "phenotk.cli.ontology",
    "upgrade": "phenotk.cli.upgrade",
    "fix": "phenotk.cli.fix",
    "mapping": "phenotk.cli.mapping",
    "deidentify": "phenotk.cli.deidentify",
    "serve": "phenotk.cli.serve",
}
#: the command modules, in listing order
COMMAND_MODULES = list(dict.fromkeys(COMMANDS.values()))


def __getattr__(name: str) -> Any:
    """``app`` (the typer application) is built on first access: ``phenotk --version`` never imports typer."""
    if name == "app":
        return _app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _app() -> typer.Typer:
    built = globals().get("app")
    if built is None:
        built = globals()["app"] = _build_app()
    return built  # type: ignore[no-any-return]


def _build_app() -> typer.Typer:
    import typer
    from typer.core import TyperGroup

    class LazyGroup(TyperGroup):
        """The root group: builds a command from its module on first use (``list_commands`` names them all)."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            _plain_params(self)

        def list_commands(self, ctx: Any) -> list[str]:
            """Every command name, in the order of :data:`COMMANDS`."""
            return list(COMMANDS)

        def get_command(self, ctx: Any, cmd_name: str) -> Any:
            """The click command for ``cmd_name``, importing its module the first time."""
            if cmd_name not in self.commands and cmd_name in COMMANDS:
                self._load(COMMANDS[cmd_name])
            return self.commands.get(cmd_name)

        def resolve_command(self, ctx: Any, args: list[str]) -> Any:
            """As typer's, but an unknown name first loads every command (for the did-you-mean suggestion)."""
            if args and args[0] not in COMMANDS:
                for module in COMMAND_MODULES:
                    self._load(module)
            return super().resolve_command(ctx, args)

        def _load(self, module: str) -> None:
            holder = typer.Typer(add_completion=False, rich_markup_mode=None, pretty_exceptions_enable=False)
            importlib.import_module(module).register(holder)
            group = typer.main.get_group(holder)
            for name, cmd in group.commands.items():
                if name not in self.commands:
                    _plain_params(cmd)
                    self.add_command(cmd, name)

    app = typer.Typer(
        name="phenotk",
        help="Validate, fix and convert GA4GH Phenopackets.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        cls=LazyGroup,
    )

    def version_callback(value: bool) -> None:
        if value:
            typer.echo(f"phenotk {__version__}")
            raise typer.Exit()

    @app.callback()
    def _root(
        version: bool = typer.Option(
            False, "--version", callback=version_callback, is_eager=True, help="Print the version."
        ),
    ) -> None:
        """Validate, fix and convert GA4GH Phenopackets."""

    return app


# ---------------------------------------------------------------------- option values without pydantic


#: (command, parameter) whose empty value means something: an empty pseudonym prefix, an empty
#: metaData.createdBy, ``serve --hpo ""`` (serve has no --no-hpo). Every other text or path option or argument
#: refuses "": ``--hpo ""`` from an unset shell variable must not silently mean "no HPO", nor ``-o ""`` the
#: current directory, nor ``--select ""`` every rule
EMPTY_ALLOWED = frozenset({("deidentify", "prefix"), ("convert", "created_by"), ("serve", "hpo")})


class _PlainValue:
    """Converts an option value of a simple type (what typer's pydantic adapter would do for it)."""

    def __init__(self, convert: Any, *, text: bool = False) -> None:
        self.convert = convert
        self.text = text  # a str or Path value: empty (or blank) is refused unless EMPTY_ALLOWED names it

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        """Convert as typer's runtime parameters do: None stays None (``()`` for multi-value), else convert."""
        multi = param.multiple or param.nargs == -1
        if value is None:
            return () if multi else None
        try:
            if multi:
                if isinstance(value, str):
                    raise ValueError("Value must be an iterable.")
                return [self.convert(self._given(v, param), param) for v in value]
            return self.convert(self._given(value, param), param)
        except ValueError as exc:
            import typer

            raise typer.BadParameter(str(exc), ctx=ctx, param=param) from None


    def _given(self, value: Any, param: Any) -> Any:
        if self.text and isinstance(value, str) and not value.strip():
            leave = ", or leave the option out" if getattr(param, "param_type_name", "") == "option" else ""
            raise ValueError(f"empty value; give one{leave}")
        return value


def _leaf_converter(annotation: Any, info: Any) -> Any:
    """A function (value, param) → value for ``annotation``, or None when typer should do it."""
    if annotation is str:
        return lambda v, p: v if isinstance(v, str) else str(v)
    if annotation is bool:
        return lambda v, p: v if isinstance(v, bool) else _bool(v)
    if annotation is int and not getattr(info, "clamp", False):
        return lambda v, p: _int(v, info)
    if annotation is Path and not any(
        getattr(info, k, None) for k in ("exists", "resolve_path", "writable", "readable_only", "path_type")
    ):
        return lambda v, p: v if isinstance(v, Path) else Path(v)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        members = list(annotation)
        sensitive = getattr(info, "case_sensitive", True)
        return lambda v, p: _choice(v, members, sensitive)
    return None


def _bool(value: Any) -> bool:
    text = str(value).strip().lower()
    if text in ("1", "true", "t", "yes", "y", "on"):
        return True
    if text in ("0", "false", "f", "no", "n", "off"):
        return False
    raise ValueError(f"{value!r} is not a valid boolean.")


def _int(value: Any, info: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError(f"{value!r} is not a valid integer.")
    try:
        number = int(value)
    except ValueError:
        raise ValueError("Input should be a valid integer, unable to parse string as an integer") from None
    low, high = getattr(info, "min", None), getattr(info, "max", None)
    if low is not None and number < low:
        raise ValueError(f"Input should be greater than or equal to {low}")
    if high is not None and number > high:
        raise ValueError(f"Input should be less than or equal to {high}")
    return number


def _choice(value: Any, members: list[Any], sensitive: bool) -> Any:
    if isinstance(value, enum.Enum) and value in members:
        return value
    text = str(value)
    for m in members:
        if m.value == text or (not sensitive and str(m.value).casefold() == text.casefold()):
            return m
    shown = ", ".join(repr(m.value) for m in members)
    raise ValueError(f"{text!r} is not one of {shown}.")


def _plain_params(cmd: Any) -> None:
    """Give each parameter of ``cmd`` (and of its subcommands, and its --help) a plain converter where possible."""
    for sub in getattr(cmd, "commands", {}).values():
        _plain_params(sub)
    for param in getattr(cmd, "params", ()):
        _plain_param(param, (getattr(cmd, "name", None), param.name) not in EMPTY_ALLOWED)
    original = getattr(cmd, "get_help_option", None)
    if original is not None:

        def get_help_option(ctx: Any) -> Any:
            option = original(ctx)
            if option is not None:
                _plain_param(option)
            return option

        cmd.get_help_option = get_help_option
    if not hasattr(cmd, "commands") and hasattr(cmd, "parse_args"):  # a command, not a group
        parse = cmd.parse_args

        def parse_args(ctx: Any, args: list[str]) -> Any:
            _refuse_repeats(cmd, args)
            _stdin_once(cmd, args)
            return parse(ctx, args)

        cmd.parse_args = parse_args


def _stdin_once(cmd: Any, args: list[str]) -> None:
    """``-`` (stdin) named twice among the inputs: the second read an empty stream ("empty file")."""
    from phenotk.errors import UsageError

    valued = {opt for param in getattr(cmd, "params", ()) if getattr(param, "param_type_name", "") == "option"
              and not getattr(param, "is_flag", False) for opt in (*param.opts, *param.secondary_opts)}
    dashes, i, positional = 0, 0, False
    while i < len(args):
        arg = args[i]
        if not positional and arg == "--":
            positional = True
        elif not positional and arg in valued:
            i += 1  # its value (which may be '-': stdout)
        elif arg == "-":
            dashes += 1
        i += 1
    if dashes > 1:
        raise UsageError("- (stdin) is named more than once; standard input can be read once")


def _refuse_repeats(cmd: Any, args: list[str]) -> None:
    """Say so when a single-valued option is given twice with different values: click keeps the last one silently.

    ``--hpo a.obo --hpo b.obo``, ``--fail-on error --fail-on never``, ``--validate --no-validate``. The same value
    twice, and repeatable options (``--select``, ``-o`` of validate), are fine.
    """
    single: dict[str, Any] = {}  # option string → its parameter (options that take one value, and flags)
    for param in getattr(cmd, "params", ()):
        if getattr(param, "param_type_name", "") != "option" or param.multiple or param.nargs != 1:
            continue
        for opt in (*param.opts, *param.secondary_opts):
            single[opt] = param
    given: dict[str, list[tuple[str, str]]] = {}  # parameter name → (option string, value) in order
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            break
        name, sep, value = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if name not in single and arg.startswith("-") and not arg.startswith("--") and arg[:2] in single:
            name, sep, value = arg[:2], "=", arg[2:]  # -ofile
        param = single.get(name)
        if param is not None:
            if param.is_flag:
                value = name
            elif not sep:
                i += 1
                value = args[i] if i < len(args) else ""
            given.setdefault(param.name, []).append((name, value))
        i += 1
    from phenotk.cli._common import usage_warning

    for uses in given.values():
        if len({v for _, v in uses}) > 1:  # the last one counts, as it always did (scripts add flags to hooks)
            if all(o == v for o, v in uses):  # a flag and its negation: --validate --no-validate
                flags = list(dict.fromkeys(o for o, _ in uses))
                usage_warning(f"{' and '.join(flags)} contradict each other; the last one ({uses[-1][0]}) is used")
                continue
            shown = ", ".join(f"{o} {v}" for o, v in uses)
            usage_warning(f"{uses[0][0]} given more than once with different values ({shown}); the last one "
                          f"({uses[-1][0]} {uses[-1][1]}) is used")


def _plain_param(param: Any, refuse_empty: bool = True) -> None:
    desc = getattr(param, "type_descriptor", None)
    if desc is None or getattr(param, "_runtime_param", "missing") is not None:
        return  # not a typer parameter of this typer version, or already set
    info = desc.parameter_info
    if getattr(info, "parser", None) is not None or desc.file_annotation is not None:
        return
    annotation = desc.annotation
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        annotation = rest[0] if len(rest) == 1 else None
    if typing.get_origin(annotation) is list:
        (annotation,) = typing.get_args(annotation) or (None,)
    convert = _leaf_converter(annotation, info)
    if convert is not None:
        param._runtime_param = _PlainValue(convert, text=refuse_empty and annotation in (str, Path))


# ---------------------------------------------------------------------- entry point


def error(message: str) -> None:
    """Print one line to stderr (used for per-file problems that do not stop the run); control characters escaped."""
    from phenotk._text import printable

    print(printable(message), file=sys.stderr, flush=True)


#: ``gc.set_threshold`` of a command process (Python's default is (700, 10, 10)): half the collector's time of a
#: one-file ``validate`` (~10 ms) and ~0.3 s of the whole store with every rule, for at most a few MB of
#: cyclic garbage waiting a little longer
GC_THRESHOLD = (50_000, 20, 20)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: runs the app, turns phenotk errors into ``path:line:col: msg`` + exit 2.

    Called without ``argv`` (the ``phenotk`` script, ``python -m phenotk``) it ends the process without the
    interpreter's teardown once output is flushed: freeing the HPO index and every module costs ~0.05 s, a fifth
    of a one-file run. Called with ``argv`` (tests, other Python code) it raises ``SystemExit`` as usual.

    A command process also collects cyclic garbage less often (:data:`GC_THRESHOLD`): a run allocates many
    short-lived containers (parsed trees, walk nodes) next to long-lived ones (module objects, the HPO index,
    annotations) that every older-generation collection traverses again, and its garbage has almost no cycles.
    """
    if argv is None:
        gc.set_threshold(*GC_THRESHOLD)
    try:
        _run(argv)
    except SystemExit as exc:
        if argv is not None:
            raise
        _exit_now(exc.code)
    if argv is None:
        _exit_now(0)


def _run(argv: list[str] | None) -> None:
    if (sys.argv[1:] if argv is None else argv) == ["--version"]:  # the one answer that needs no CLI machinery
        print(f"phenotk {__version__}", flush=True)
        sys.exit(0)
    try:
        from phenotk.io.writers import guard_inputs

        with guard_inputs():  # no output of a command replaces a file the command read (even with --force)
            code = _invoke(argv)
        sys.exit(code)
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


def _invoke(argv: list[str] | None) -> int:
    """Run the app; click's own usage errors become one ``error: …`` line and exit 2 (GUIDE §2), not three."""
    from typer.exceptions import Abort, TyperException  # typer's click exceptions derive from TyperException

    try:
        code = _app()(args=argv, prog_name="phenotk", standalone_mode=False)
    except TyperException as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # ``phenotk mapping``: the help text is the answer
            exc.show()  # type: ignore[attr-defined]
            return exc.exit_code
        raise PhenotkError(usage_line(exc, sys.argv[1:] if argv is None else argv)) from None
    except Abort:
        error("aborted")
        return 1
    return code if isinstance(code, int) else 0  # an ``Exit(n)`` comes back as n; a finished command as None


def usage_line(exc: Any, argv: list[str]) -> str:
    """A click usage error as one line: the message, a hint for a file name read as an option, where help is."""
    from phenotk._text import printable

    message = " ".join(exc.format_message().split())
    if type(exc).__name__ == "NoSuchOption":  # ``phenotk validate -notes.json``: a file name that starts with -
        named = [a for a in argv if a.startswith("-") and a != "-" and "=" not in a and os.path.isfile(a)]
        if named:
            message += f"; {named[0]!r} is a file: write ./{named[0]} or put file names after --"
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        message += f" (see '{ctx.command_path} --help')"
    return printable(message)


def _exit_now(code: object) -> None:
    """Flush stdout/stderr and end the process with ``code`` (as ``sys.exit`` would map it), skipping teardown."""
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # sys.exit("message"): printed, status 1
        error(str(code))
        status = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, OSError, ValueError):
            pass
    os._exit(status)


if __name__ == "__main__":  # pragma: no cover
    main()
