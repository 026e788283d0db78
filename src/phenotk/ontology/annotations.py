"""Disease → mode of inheritance from the HPO annotation file (``phenotype.hpoa``), loaded once per run.

The validation session loads it when ``annotations`` is set (config key, API keyword, ``Options.annotations``)
and hands it to the rules through the engine options (``ctx.options["annotations"]``): rules never open files.
Only the inheritance rows (aspect ``I``) are kept — a few thousand small entries, cheap to pickle for
worker processes.
"""

from __future__ import annotations

import functools
import gzip
from dataclasses import dataclass, field
from pathlib import Path

from phenotk.errors import InputError

#: modes of inheritance by HPO id
AUTOSOMAL_DOMINANT = "HP:0000006"
AUTOSOMAL_RECESSIVE = "HP:0000007"
X_LINKED = "HP:0001417"
X_LINKED_RECESSIVE = "HP:0001419"
X_LINKED_DOMINANT = "HP:0001423"
MODE_LABELS = {
    AUTOSOMAL_DOMINANT: "autosomal dominant",
    AUTOSOMAL_RECESSIVE: "autosomal recessive",
    X_LINKED: "X-linked",
    X_LINKED_RECESSIVE: "X-linked recessive",
    X_LINKED_DOMINANT: "X-linked dominant",
}


@dataclass(frozen=True)
class InheritanceAnnotations:
    """Disease id → its modes of inheritance (HPO ids), with the annotation file's version and name."""

    modes: dict[str, frozenset[str]] = field(default_factory=dict)
    version: str = ""
    source: str = ""

    def of(self, disease_id: str) -> frozenset[str]:
        """The modes of inheritance of ``disease_id`` (empty when the file has none)."""
        return self.modes.get(disease_id, frozenset())


def load_inheritance(path: str | Path) -> InheritanceAnnotations:
    """Read the inheritance rows of ``phenotype.hpoa`` (plain or ``.gz``); ``InputError`` naming the file."""
    p = Path(path)
    try:
        stat = p.stat()
    except OSError as exc:
        raise InputError(f"cannot read the HPO annotation file: {exc.strerror or exc}", path=str(p)) from None
    return _load(str(p), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=2)
def _load(path: str, _mtime: int, _size: int) -> InheritanceAnnotations:
    modes: dict[str, set[str]] = {}
    version = ""
    rows = 0
    opener = gzip.open if path.endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8") as fh:  # type: ignore[operator]
            for line in fh:
                if line.startswith("#"):
                    if line.startswith("#version:"):
                        version = line.split(":", 1)[1].strip()
                    continue
                cols = line.rstrip("\n").split("\t")
                if len(cols) < 11 or cols[0] == "database_id":
                    continue
                rows += 1
                if cols[10] == "I" and cols[2] != "NOT":
                    modes.setdefault(cols[0], set()).add(cols[3])
    except (OSError, UnicodeDecodeError, EOFError) as exc:
        raise InputError(f"cannot read the HPO annotation file: {exc}", path=path) from None
    if rows == 0:
        raise InputError("not an HPO annotation file (phenotype.hpoa): no disease rows", path=path)
    return InheritanceAnnotations({k: frozenset(v) for k, v in modes.items()}, version, Path(path).name)
