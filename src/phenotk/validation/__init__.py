"""Validation: the engine, the rule contract, the rule registry and the configuration model.

The entry point ``phenotk.validate`` lives one layer up, in :mod:`phenotk.workflow.session`.

Rule authors need :class:`Rule`, :class:`Node`, :class:`Context` and :class:`Violation` (see
:mod:`phenotk.validation.rule`); add a module under :mod:`phenotk.validation.rules` and it is found.
"""

from phenotk.validation.config import Options, engine_config, find_config, load_config
from phenotk.validation.engine import Engine, EngineConfig
from phenotk.validation.registry import resolve, rule_classes, rule_infos
from phenotk.validation.rule import Context, Node, Rule, Violation

__all__ = [
    "Context",
    "Engine",
    "EngineConfig",
    "Node",
    "Options",
    "Rule",
    "Violation",
    "engine_config",
    "find_config",
    "load_config",
    "resolve",
    "rule_classes",
    "rule_infos",
]
