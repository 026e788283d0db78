"""The ``v1`` converter reader: Phenopacket v1 / pre-1.0 documents → v2 (``phenotk convert --from v1``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

from phenotk.conversion.base import Converted, ConvertOptions, FormatReader
from phenotk.errors import InputError, UsageError
from phenotk.io import load_tree
from phenotk.io.sniff import detect_version
from phenotk.issue import Severity

from .options import UpgradeOptions
from .upgrade import upgrade

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def upgrade_options(extra: dict[str, str]) -> UpgradeOptions:
    """Upgrade choices from converter options (``-O variants_to_interpretations=true -O disease=OMIM:…``)."""
    flag = extra.get("variants_to_interpretations", "false").lower()
    if flag not in _TRUE | _FALSE:
        raise UsageError(f"variants_to_interpretations takes true or false, not {flag!r}")
    return UpgradeOptions(
        variants_to_interpretations=flag in _TRUE,
        disease=extra.get("disease") or None,
        progress_status=extra.get("status", "SOLVED"),
        interpretation_status=extra.get("interpretation_status", "CAUSATIVE"),
    )


class V1Reader(FormatReader):
    """Phenopacket schema v1 (1.0.x and release candidates) and pre-1.0 (HpoCaseAnnotator) documents."""

    name: ClassVar[str] = "v1"
    description: ClassVar[str] = "Phenopacket v1 / pre-1.0 JSON or YAML (upgraded to v2)"
    extensions: ClassVar[tuple[str, ...]] = (".json", ".yaml", ".yml")

    def sniff(self, path: Path, head: bytes) -> bool:
        """True for JSON/YAML objects that :func:`~phenotk.io.sniff.detect_version` does not call v2."""
        if not path.name.lower().endswith(self.extensions):
            return False
        try:
            tree = load_tree(path)
        except InputError:
            return False
        return isinstance(tree, dict) and bool(tree) and detect_version(tree) != "2"

    def read(self, path: Path, options: ConvertOptions) -> Iterator[Converted]:
        """Upgrade one file; raises InputError (with the reason) when it cannot be upgraded."""
        message, issues = upgrade(path, upgrade_options(options.extra))
        if options.strict:  # --strict: whatever could not be carried is an error
            for issue in issues:
                if issue.severity is Severity.WARNING:
                    issue.severity = Severity.ERROR
        yield Converted(message=message, source=str(path), issues=issues, name=path.stem)
