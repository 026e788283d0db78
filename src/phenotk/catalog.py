"""The one finding catalog: every kind of finding any phenotk command can emit.

Validation rules (one module each under :mod:`phenotk.validation.rules`) and converter findings (a ``FINDINGS``
tuple of :class:`~phenotk.issue.FindingType` in each ``conversion/<format>/findings.py``, plus the pipeline's
own) are gathered here, checked for one code ↔ one name, and served to ``phenotk rules --all``,
``phenotk explain`` and every reporter (SARIF rule help, HTML links).
"""

from __future__ import annotations

import difflib
import functools
import importlib
import inspect

from phenotk.errors import UsageError
from phenotk.issue import FindingType, RuleInfo

#: Modules that declare converter findings (a module-level ``FINDINGS`` tuple). Add one line per format.
FINDING_MODULES: tuple[str, ...] = (
    "phenotk.conversion.findings",
    "phenotk.conversion.table.findings",
    "phenotk.conversion.redcap.findings",
    "phenotk.conversion.template.findings",
    "phenotk.conversion.fhir.findings",
    "phenotk.conversion.v1.findings",
    "phenotk.conversion.ped.findings",
    "phenotk.conversion.beacon.findings",
    "phenotk.sharing.findings",
)


@functools.lru_cache(maxsize=1)
def entries() -> tuple[FindingType, ...]:
    """Every catalogued finding type (validation rules first, then converters), sorted by code.

    Raises ``RuntimeError`` when a code or a name is declared twice with different partners: that is a bug
    in phenotk, caught by the test suite.
    """
    from phenotk.validation.registry import rule_classes

    out: list[FindingType] = [
        FindingType(
            r.code, r.name, r.severity, r.summary(), inspect.cleandoc(r.__doc__ or ""), r.group or "validation"
        )
        for r in rule_classes()
    ]
    for module_name in FINDING_MODULES:
        module = importlib.import_module(module_name)
        out.extend(module.FINDINGS)
    by_code: dict[str, FindingType] = {}
    by_name: dict[str, FindingType] = {}
    for ft in out:
        for code in (ft.code, *ft.aliases):
            other = by_code.get(code)
            if other is not None and other.name != ft.name:
                raise RuntimeError(f"finding code {code} declared twice: {other.name}, {ft.name}")
            by_code[code] = ft
        other = by_name.get(ft.name)
        if other is not None and other.code != ft.code:
            raise RuntimeError(f"finding name {ft.name} has two codes: {other.code}, {ft.code}")
        by_name[ft.name] = ft
    return tuple(sorted({ft.code: ft for ft in out}.values(), key=lambda f: f.code))


@functools.lru_cache(maxsize=1)
def _index() -> dict[str, FindingType]:
    idx: dict[str, FindingType] = {}
    for ft in entries():
        idx[ft.code.upper()] = ft
        idx[ft.name] = ft
        for alias in ft.aliases:
            idx[alias.upper()] = ft
    return idx


def get(key: str) -> FindingType | None:
    """The finding type with this code (any case), retired alias code, or name; None when unknown."""
    k = key.strip()
    return _index().get(k.upper()) or _index().get(k.lower())


def resolve(key: str) -> FindingType:
    """Like :func:`get`, but a ``UsageError`` with a did-you-mean suggestion for an unknown key."""
    found = get(key)
    if found is not None:
        return found
    choices = [ft.name for ft in entries()] + [ft.code for ft in entries()]
    close = difflib.get_close_matches(key.strip(), choices, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else "; `phenotk rules --all` lists them"
    raise UsageError(f"unknown rule or finding {key!r}{hint}")


def rule_infos() -> dict[str, RuleInfo]:
    """``RuleInfo`` of every catalogued finding keyed by name (what reporters take)."""
    return {ft.name: ft.info() for ft in entries()}


def is_catalogued(code: str, name: str) -> bool:
    """True when ``code`` and ``name`` are one catalogued pair (or ``code`` is a retired alias of ``name``)."""
    ft = get(code)
    return ft is not None and ft.name == name
