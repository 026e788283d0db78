"""One validation session per run: options → ontologies → engine, built once, used by every face.

``phenotk validate``, ``phenotk fix``, ``phenotk summarize``, the conversion pipeline and the Python API
(:func:`validate`, :func:`fix`, exported as ``phenotk.validate`` / ``phenotk.fix``) all start here:

1. **Options**: the config file (``--config FILE``, or ``phenotk.toml`` / ``pyproject.toml`` found upwards,
   or none) with CLI flags / API keywords merged over it into one declared, validated
   :class:`~phenotk.validation.config.Options` (unknown keys, rules, profiles → ``UsageError`` with a
   suggestion, at start-up).
2. **Ontologies**, each loaded once. HPO in the GUIDE §2 order: ``--hpo FILE`` / ``hpo=`` → env
   ``PHENOTK_HPO`` → config ``hpo =`` → cached release → download of the pinned release. ``--no-hpo`` /
   ``hpo=False`` is a quiet opt-out. When HPO checks are wanted but no HPO can be loaded, the session says
   so (:attr:`Session.hpo_warning`, one line for stderr, and a report note); when HPO is *required*
   (``--profile strict``, ``--require-hpo`` / ``require-hpo = true``) it raises
   :class:`~phenotk.ontology.HpoNotAvailable` (exit 2).
3. **Engine**: :func:`~phenotk.validation.config.engine_config` runs once; the engine is built once, on
   first use, and never changed afterwards.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from phenotk.errors import InputError
from phenotk.issue import Report, Result, Severity
from phenotk.limits import set_limits
from phenotk.validation.config import Options, engine_config, fail_on_severity, find_config, load_config, merge

if TYPE_CHECKING:  # pragma: no cover
    from google.protobuf.message import Message

    from phenotk.fixes.run import AppliedFix, FileFix
    from phenotk.io import Document, Element
    from phenotk.validation.api import Source
    from phenotk.validation.engine import Engine, EngineConfig

#: what a missing HPO is called in the one stderr line and the report note
NO_HPO_HINT = "give --hpo FILE (or env PHENOTK_HPO), or --no-hpo to skip the HPO checks on purpose"


def settings(config: str | os.PathLike[str] | bool | None = None, **overrides: Any) -> Options:
    """The run's :class:`Options`: a config file with ``overrides`` merged over it.

    ``config``: a file, ``True`` to find ``phenotk.toml``/``pyproject.toml`` upwards, ``False``/``None`` for none;
    ``overrides``: CLI flags or API keywords (None = not given).
    """
    base = Options()
    if config is True:
        found = find_config()
        base = load_config(found) if found else base
    elif config:
        base = load_config(config)
    return merge(base, **overrides)


class Session:
    """Options, ontologies and one engine for a run; :meth:`validate`, :meth:`fix_paths` and friends use them.

    ``hpo``: an explicit HPO — an ontology index, a file path (``--hpo``), ``False`` (no HPO) or None (the
    resolution order: env, config, cache, download). ``ontologies``: already loaded indexes of other
    ontologies by prefix (``options.ontology_files`` names files, loaded here). ``want_hpo``: load HPO even
    when no enabled rule needs it (``summarize`` labels terms with it); then a missing HPO is quiet.
    ``download``: whether the pinned release may be downloaded (None = unless env ``PHENOTK_OFFLINE=1``).
    """

    def __init__(
        self,
        options: Options | None = None,
        *,
        hpo: Any = None,
        ontologies: Mapping[str, Any] | None = None,
        want_hpo: bool = False,
        download: bool | None = None,
        progress: Callable[[int, int | None], None] | None = None,
    ) -> None:
        opts = options if options is not None else Options()
        if hpo is False:
            opts = merge(opts, no_hpo=True)
        self.options = opts
        set_limits(opts.limits)  # the readers of this run check its [tool.phenotk.limits]
        #: run-level notes for the report (HPO skipped …), before the engine's own
        self.notes: list[str] = []
        #: one line for stderr when HPO checks were wanted but no HPO could be loaded (else None)
        self.hpo_warning: str | None = None
        self.fail_on: Severity | None = fail_on_severity(opts.fail_on)
        self.ontologies: dict[str, Any] = dict(ontologies or {})
        if opts.ontology_files:
            for prefix, path in opts.ontology_files.items():
                idx = _other_ontology(prefix, path)
                self.ontologies[idx.prefix or prefix] = idx
        self.config: EngineConfig = engine_config(opts, ontologies=self.ontologies or None)
        self.hpo: Any = None
        if opts.no_hpo:
            self.notes.append("HPO checks skipped: --no-hpo")
        elif want_hpo or any(r.requires_hpo for r in self.config.rules):
            self.hpo = self._resolve_hpo(hpo, quiet=want_hpo, download=download, progress=progress)
            problem = getattr(self.hpo, "cache_problem", None)
            if problem:  # a read-only cache folder: every run parses HPO again (4-8 s) and nothing said why
                self.notes.append(f"HPO index not cached ({problem}): each run parses HPO again; "
                                  "set PHENOTK_CACHE_DIR to a writable folder")

    # ------------------------------------------------------------------ construction

    @classmethod
    def from_settings(
        cls,
        *,
        config: str | os.PathLike[str] | bool | None = None,
        hpo: Any = None,
        ontologies: Mapping[str, Any] | None = None,
        want_hpo: bool = False,
        **overrides: Any,
    ) -> Session:
        """A session from a config file (see :func:`settings`) and overrides (CLI flags, API keywords)."""
        return cls(settings(config, **overrides), hpo=hpo, ontologies=ontologies, want_hpo=want_hpo)

    def _resolve_hpo(
        self,
        explicit: Any,
        *,
        quiet: bool,
        download: bool | None,
        progress: Callable[[int, int | None], None] | None,
    ) -> Any:
        """The HPO index per GUIDE §2, or None (with a note, a warning line, or HpoNotAvailable when required)."""
        from phenotk.ontology import HpoNotAvailable, resolve_hpo
        from phenotk.ontology.resolve import releases_dir

        if explicit is not None and not isinstance(explicit, (str, os.PathLike)):
            return explicit  # an index the caller loaded
        opts = self.options
        try:
            if explicit is not None and os.fspath(explicit) != "":
                return resolve_hpo(os.fspath(explicit))
            if os.environ.get("PHENOTK_HPO"):
                return resolve_hpo(None)  # the env variable
            if opts.hpo:
                return _config_hpo(opts.hpo, opts.source)
            # cache, then download: ``cwd`` is the release folder, which holds no config file, so a config in
            # the working directory that this run did not load cannot slip in here
            return resolve_hpo(None, cwd=releases_dir(), download=download, progress=progress)
        except HpoNotAvailable as exc:
            reason = exc.message
        except OSError as exc:  # download failed half-way (offline)
            reason = f"could not obtain HPO ({exc})"
        if quiet:
            return None
        why = "--profile strict" if opts.profile == "strict" and not opts.require_hpo else "require-hpo"
        if opts.hpo_required:
            raise HpoNotAvailable(f"HPO is required ({why}) but none could be loaded; {NO_HPO_HINT}")
        self.notes.append(f"HPO checks skipped: {reason}")
        self.hpo_warning = f"warning: HPO checks skipped: no HPO could be loaded; {NO_HPO_HINT}"
        return None

    # ------------------------------------------------------------------ what the session holds

    @cached_property
    def engine(self) -> Engine:
        """The run's engine (built on first use, once)."""
        from phenotk.validation.engine import Engine

        return Engine(self.config, hpo=self.hpo)

    @property
    def hpo_version(self) -> str | None:
        """Release of the loaded HPO (None without one)."""
        version = getattr(self.hpo, "version", None) if self.hpo is not None else None
        return str(version) if version else None

    @property
    def hpo_path(self) -> str | None:
        """File the HPO index was loaded from (worker processes load it again from there)."""
        source = getattr(self.hpo, "source", None) if self.hpo is not None else None
        return os.fspath(source) if source else None

    def versions(self) -> dict[str, str]:
        """Prefix → release of every loaded ontology (what ``fix`` completes missing resource entries with)."""
        from phenotk.fixes.run import loaded_versions

        return loaded_versions(self.hpo, self.ontologies)

    # ------------------------------------------------------------------ validation

    def _finish(self, report: Report) -> Report:
        report.notes[:0] = self.notes
        return report

    def validate(
        self,
        sources: Source | Sequence[Source],
        *,
        jobs: int = 1,
        progress: Callable[[int], None] | None = None,
        stdin: Any = None,
        on_result: Callable[[Result], None] | None = None,
    ) -> Report:
        """Validate paths (files, directories, globs, zips, ``-``) or in-memory sources; one report.

        ``on_result``: called with each document's result of a run over paths as it arrives (the CLI renders
        the text report's documents with it while worker processes go on).
        """
        from phenotk.validation.api import all_paths, as_list, documents_of
        from phenotk.validation.runner import check_engine, run_engine

        items = as_list(sources)
        if all_paths(items):
            paths = [os.fspath(s) for s in items]  # type: ignore[arg-type]
            report = run_engine(
                self.engine, paths, hpo_path=self.hpo_path, jobs=jobs, progress=progress, stdin=stdin,
                on_result=on_result,
            )  # fmt: skip
        else:
            report = check_engine(self.engine, documents_of(items))
        return self._finish(report)

    def validate_documents(self, docs: Iterable[Document | InputError]) -> Report:
        """Validate documents already read (and read errors, reported as ``input-unreadable``)."""
        from phenotk.validation.runner import check_engine

        return self._finish(check_engine(self.engine, docs))

    def validate_message(self, message: Message, *, path: str, element: Element | None = None) -> Result:
        """Findings of one protobuf message (e.g. a converted packet): pointers into its JSON form, no line/column."""
        from phenotk.validation.api import message_document

        return self.engine.check_document(message_document(message, path=path, element=element))

    # ------------------------------------------------------------------ fixes

    def fix_paths(
        self,
        paths: Iterable[str | os.PathLike[str]],
        *,
        unsafe: bool = False,
        rules: Collection[str] | None = None,
        stdin: Any = None,
    ) -> Iterator[tuple[str, FileFix]]:
        """``(input argument, FileFix)`` per file: findings, fixes applied, re-validation (``phenotk fix``)."""
        from phenotk.fixes.run import fix_paths

        return fix_paths(paths, self.engine, unsafe=unsafe, rules=rules, versions=self.versions(), stdin=stdin)

    def fix(
        self,
        packet: Message | dict[str, Any] | str | os.PathLike[str],
        *,
        unsafe: bool = False,
        rules: Collection[str] | None = None,
    ) -> tuple[Any, list[AppliedFix]]:
        """Fix one message, JSON tree or file (not written); see :func:`fix`."""
        from phenotk.fixes.run import fix_object

        return fix_object(packet, self.engine, unsafe=unsafe, rules=rules, versions=self.versions())


def _config_hpo(path: str, source: str | None) -> Any:
    """The HPO file named by a config file (missing → InputError naming the config file)."""
    from phenotk.ontology import load_ontology

    if not Path(path).is_file():
        from phenotk.ontology.resolve import missing_file_phrase

        what = missing_file_phrase(Path(path), "HPO file")
        raise InputError(f"{what} (from config {source or ''})".rstrip(), path=path, kind="missing")
    try:
        idx = load_ontology(path, prefix="HP")  # a toy or MONDO file named as HPO is refused, not "HPO 2020-01-01"
    except InputError as exc:
        raise InputError(f"{exc.message} (from config {source or ''})".rstrip(), path=path) from None
    idx.origin = f"config:{source}" if source else "config"
    return idx


def _other_ontology(prefix: str, path: str) -> Any:
    """``--ontology PREFIX=FILE``: the file's terms must carry ``PREFIX`` (its case aside: ``mondo=`` is MONDO).

    ``--ontology OMIM=hp.json`` or ``MONDO=toy.obo`` checked nothing: no id of the run carries the file's prefix.
    """
    from phenotk.ontology import load_ontology
    from phenotk.ontology.load import wrong_prefix

    idx = load_ontology(path)
    if (idx.prefix or "").upper() != prefix.upper():
        raise InputError(f"--ontology {prefix}=: {wrong_prefix(idx, prefix)}", path=path)
    return idx


# ---------------------------------------------------------------------- the public functions


def validate(
    source: Source | Sequence[Source],
    *,
    profile: str | None = None,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    severity: dict[str, str] | None = None,
    require: Iterable[str] | None = None,
    hpo: Any = None,
    fail_fast: bool = False,
    config: str | os.PathLike[str] | bool | None = False,
    jobs: int = 1,
    skip_foreign: bool = False,
) -> Report:
    """Validate Phenopackets, Families or Cohorts and return a :class:`~phenotk.issue.Report`.

    ``source``: a path (file, directory, glob, zip), a list of them, a dict (JSON tree), a protobuf
    message, a :class:`~phenotk.io.Document` or bytes. Unreadable inputs become ``input-unreadable``
    findings, never exceptions. ``hpo``: an ontology index, a path to an HPO file, ``False`` for none, or
    None to find one as ``phenotk validate`` does (env ``PHENOTK_HPO``, config, cached release, download);
    without one HPO rules are skipped (see ``report.notes``) — unless the profile is ``strict`` or the config
    says ``require-hpo``, which raise :class:`~phenotk.ontology.HpoNotAvailable`. ``config``: a config file
    path, ``True`` to look for ``phenotk.toml``/``pyproject.toml`` from the working directory, ``False``
    (default) for none. ``skip_foreign``: leave out inputs that are no Phenopacket, Family or Cohort (a
    ``package.json`` …) with one note, as ``--skip-foreign`` does.

    >>> report = validate({"id": "p1", "subject": {"id": "s1", "sex": "male"}}, hpo=False)
    >>> report.ok, sorted({i.rule for i in report.issues})
    (False, ['recommended-missing', 'schema-enum', 'schema-required'])
    """
    session = Session.from_settings(
        config=config,
        hpo=hpo,
        profile=profile,
        select=list(select) if select is not None else None,
        ignore=list(ignore) if ignore is not None else None,
        severity=severity,
        require=list(require) if require is not None else None,
        fail_fast=fail_fast or None,
        skip_foreign=skip_foreign or None,
    )
    return session.validate(source, jobs=jobs)


def fix(
    packet: Message | dict[str, Any] | str | os.PathLike[str],
    *,
    hpo: Any = None,
    unsafe: bool = False,
    rules: Collection[str] | None = None,
    ontologies: Mapping[str, Any] | None = None,
    config: str | os.PathLike[str] | bool | None = False,
    profile: str | None = None,
) -> tuple[Any, list[AppliedFix]]:
    """Validate ``packet``, apply the safe fixes and return ``(fixed_packet, applied_fixes)``.

    ``packet``: a Phenopacket/Family/Cohort message (a fixed copy of the same class is returned), a JSON
    tree (a fixed dict is returned) or a file path (the fixed message is returned; the file is not
    written — use ``phenotk fix --in-place`` for that). ``hpo``: an ontology index, a path to an HPO file,
    ``False`` for none, or None to find one as ``phenotk fix`` does; without one only non-HPO fixes apply.
    ``unsafe``: also apply suggestions that have a single choice. ``rules``: only fixes of these rule
    names/codes. ``ontologies``: extra indexes by prefix. ``config`` / ``profile``: as in :func:`validate`.
    Missing ``metaData.resources`` entries are added with the loaded ontologies' versions.

    >>> fixed, applied = fix({"id": "p1", "subject": {"id": "s1", "sex": "Female"}}, hpo=False)
    >>> fixed["subject"]["sex"], [a.issue.rule for a in applied]
    ('FEMALE', ['schema-enum'])
    """
    if rules:
        from phenotk.validation.registry import resolve

        for name in rules:
            resolve(name)  # unknown rule → UsageError with a suggestion
    session = Session.from_settings(config=config, hpo=hpo, ontologies=ontologies, profile=profile)
    return session.fix(packet, unsafe=unsafe, rules=rules)


__all__ = ["NO_HPO_HINT", "Session", "fix", "settings", "validate"]
