"""The HPO annotation file (``phenotype.hpoa``): disease names and modes of inheritance, loaded once per run.

The validation session loads it when ``annotations`` is set (config key, API keyword, ``Options.annotations``)
and hands it to the rules through the engine options (``ctx.options["annotations"]``): rules never open files.
One parser for the format: disease names (the table converter's labels) and the inheritance rows (aspect
``I``) are read in one pass.
"""

from __future__ import annotations

import functools
import gzip
import marshal
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
class HpoAnnotations:
    """What phenotk reads of ``phenotype.hpoa``: disease names, modes of inheritance, the file's version and name.

    The one parser of the format: the table converter fills disease labels from :attr:`names`, the
    ``genotype-inheritance`` rule reads :meth:`of`.
    """

    names: dict[str, str] = field(default_factory=dict)
    modes: dict[str, frozenset[str]] = field(default_factory=dict)
    version: str = ""
    source: str = ""
    prefixes: frozenset[str] = frozenset()  # the catalogues it lists (OMIM, ORPHA, DECIPHER)

    def label(self, curie: str) -> str | None:
        """The disease name the file gives ``curie``, or None."""
        return self.names.get(curie)

    def of(self, disease_id: str) -> frozenset[str]:
        """The modes of inheritance of ``disease_id`` (empty when the file has none)."""
        return self.modes.get(disease_id, frozenset())


#: older names of the one record (the inheritance view and the table converter's disease names)
InheritanceAnnotations = HpoAnnotations
DiseaseAnnotations = HpoAnnotations


def load_annotations(path: str | Path) -> HpoAnnotations:
    """Read ``phenotype.hpoa`` (plain or ``.gz``) once per file version; ``InputError`` naming the file.

    What a parse yields is cached on disk by the file's sha256 (``<cache>/ontology/annotations/``, as the HPO
    index): parsing the 270,000 rows takes ~0.25 s, reading the cached tables a few milliseconds.
    """
    p = Path(path)
    try:
        stat = p.stat()
    except OSError as exc:
        raise InputError(f"cannot read the HPO annotation file: {exc.strerror or exc}", path=str(p)) from None
    return _load(str(p), stat.st_mtime_ns, stat.st_size)


load_inheritance = load_annotations

#: version of the cached form below; bump it when :class:`HpoAnnotations` or the parse changes
_CACHE_FORMAT = 2  # 2: rows must name a disease and an HP: id; legacy phenotype_annotation.tab read


@functools.lru_cache(maxsize=2)
def _load(path: str, _mtime: int, _size: int) -> HpoAnnotations:
    from . import cache
    from .load import _sha256

    where: Path | None = None
    data = None
    try:
        where = cache.ontology_cache_dir() / "annotations" / f"{_sha256(Path(path))}.v{_CACHE_FORMAT}"
        body = cache.unsealed(where.read_bytes())
        data = marshal.loads(body) if body is not None else None
    except (OSError, ValueError, EOFError, TypeError):
        pass
    if isinstance(data, tuple) and len(data) == 4:
        names, modes, version, prefixes = data
        return HpoAnnotations(names, {k: frozenset(v) for k, v in modes.items()}, version, Path(path).name,
                              frozenset(prefixes))  # fmt: skip
    parsed = _parse(path)
    modes_out = {k: tuple(sorted(v)) for k, v in parsed.modes.items()}
    body = marshal.dumps((parsed.names, modes_out, parsed.version, tuple(sorted(parsed.prefixes))))
    if where is not None:
        cache.write_blob(where, cache.sealed(body))
    return parsed


_DISEASE = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*:\S+\Z")
_OMIM_TITLE = re.compile(r"^[#%+*^]?\d{6} ")  # ``#101600 PFEIFFER SYNDROME;;ACROCEPHALO…`` (legacy DB_Name)


def _row(cols: list[str]) -> tuple[str, str, str, str, str] | None:
    """(disease id, name, qualifier, HPO id, aspect) of one annotation row, in either layout; None otherwise.

    ``phenotype.hpoa`` (2019 on): ``database_id disease_name qualifier hpo_id … aspect``; the legacy
    ``phenotype_annotation.tab``: ``DB DB_Object_ID DB_Name Qualifier HPO_ID … Aspect`` (the id in two columns,
    the name an OMIM title). Any other table (a list of HPO ids, a TSV export) has no such rows.
    """
    n = len(cols)
    aspect = cols[10] if n > 10 else ""
    if n >= 4 and cols[3].startswith("HP:") and _DISEASE.match(cols[0]):
        return cols[0], cols[1], cols[2], cols[3], aspect
    if n >= 5 and cols[4].startswith("HP:") and cols[0].isalpha() and cols[1] and ":" not in cols[1]:
        name = _OMIM_TITLE.sub("", cols[2]).split(";;", 1)[0].strip()
        return f"{cols[0]}:{cols[1]}", name, cols[3], cols[4], aspect
    return None


def _open_text(path: str) -> Any:
    """The file as text, gunzipped when its bytes are gzip (whatever its name)."""
    with open(path, "rb") as fh:
        gz = fh.read(2) == b"\x1f\x8b"
    return gzip.open(path, "rt", encoding="utf-8-sig") if gz else open(path, encoding="utf-8-sig")


def _parse(path: str) -> HpoAnnotations:
    names: dict[str, str] = {}
    modes: dict[str, set[str]] = {}
    version = ""
    try:
        with _open_text(path) as fh:
            for line in fh:
                if line.startswith("#"):
                    if line.startswith("#version:"):
                        version = line.split(":", 1)[1].strip()
                    continue
                row = _row(line.rstrip("\r\n").split("\t"))
                if row is None:
                    continue
                disease, name, qualifier, hpo, aspect = row
                names.setdefault(disease, name)
                if aspect == "I" and qualifier != "NOT":
                    modes.setdefault(disease, set()).add(hpo)
    except (OSError, UnicodeDecodeError, EOFError) as exc:
        raise InputError(f"cannot read the HPO annotation file: {exc}", path=path) from None
    if not names:
        raise InputError("not an HPO annotation file (phenotype.hpoa): no disease rows", path=path)
    prefixes = frozenset(k.partition(":")[0] for k in names)
    return HpoAnnotations(names, {k: frozenset(v) for k, v in modes.items()}, version, Path(path).name, prefixes)
