"""Rule discovery: every module under :mod:`phenotk.validation.rules` (any depth) is imported once.

Adding a rule is adding a module; nothing else needs to be listed anywhere.
"""

from __future__ import annotations

import difflib
import functools
import importlib
import pkgutil

from phenotk.errors import UsageError
from phenotk.issue import RuleInfo
from phenotk.validation.rule import Rule

_PACKAGE = "phenotk.validation.rules"


@functools.lru_cache(maxsize=1)
def rule_classes() -> tuple[type[Rule], ...]:
    """All rule classes, sorted by code."""
    root = importlib.import_module(_PACKAGE)
    found: dict[str, type[Rule]] = {}
    names: dict[str, str] = {}
    for mod_info in pkgutil.walk_packages(root.__path__, prefix=_PACKAGE + "."):
        module = importlib.import_module(mod_info.name)
        group = mod_info.name[len(_PACKAGE) + 1 :].split(".")[0] if mod_info.ispkg else _group_of(mod_info.name)
        for obj in vars(module).values():
            if (
                isinstance(obj, type)
                and issubclass(obj, Rule)
                and obj is not Rule
                and obj.__module__ == module.__name__
                and obj.code
            ):
                if obj.code in found and found[obj.code] is not obj:
                    other = found[obj.code].__module__
                    raise RuntimeError(f"two rules share code {obj.code}: {other}, {obj.__module__}")
                if obj.name in names and names[obj.name] != obj.code:
                    raise RuntimeError(f"two rules share name {obj.name}")
                obj.group = group
                found[obj.code] = obj
                names[obj.name] = obj.code
    return tuple(sorted(found.values(), key=lambda r: r.code))


def _group_of(module_name: str) -> str:
    rel = module_name[len(_PACKAGE) + 1 :].split(".")
    return rel[0] if len(rel) > 1 else ""


def rules_by_name() -> dict[str, type[Rule]]:
    """Rule classes keyed by name."""
    return {r.name: r for r in rule_classes()}


def rule_infos() -> dict[str, RuleInfo]:
    """``RuleInfo`` of every rule keyed by name (what reporters take)."""
    return {r.name: r.info() for r in rule_classes()}


def resolve(key: str) -> type[Rule]:
    """A rule by code (case-insensitive) or name; ``UsageError`` with a suggestion otherwise."""
    k = key.strip()
    for r in rule_classes():
        if r.name == k.lower() or r.code.upper() == k.upper():
            return r
    choices = [r.name for r in rule_classes()] + [r.code for r in rule_classes()]
    close = difflib.get_close_matches(k, choices, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else "; `phenotk rules` lists them"
    raise UsageError(f"unknown rule {key!r}{hint}")


def resolve_selector(key: str) -> list[type[Rule]]:
    """Rules matched by a code, a name, a group name (``time``) or a code prefix (``TIM``)."""
    k = key.strip()
    groups = {r.group for r in rule_classes()}
    if k.lower() in groups:
        return [r for r in rule_classes() if r.group == k.lower()]
    by_prefix = [r for r in rule_classes() if r.code.upper().startswith(k.upper()) and k[:1].isalpha() and k.isalpha()]
    if by_prefix:
        return by_prefix
    return [resolve(k)]
