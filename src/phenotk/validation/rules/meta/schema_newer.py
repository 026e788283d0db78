"""META004 meta-schema-newer."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from phenotk.issue import Severity
from phenotk.validation.rule import Context, Node, Rule, Violation

_VERSION = re.compile(r"(\d+)(?:\.(\d+))?(?:\.(\d+))?\Z")  # \Z: "$" would pass a final newline


def version_tuple(value: str) -> tuple[int, int, int] | None:
    """``"2.0.2"`` → (2, 0, 2), ``"2"`` → (2, 0, 0); None for anything else than 1–3 dot-separated numbers."""
    m = _VERSION.match(value)
    if m is None:
        return None
    major, minor, patch = (int(g) if g else 0 for g in m.groups())
    return major, minor, patch


@functools.lru_cache(maxsize=1)
def installed_schema() -> tuple[str, tuple[int, int, int]]:
    """(distribution version, schema version) of the installed ``phenopackets`` package (``2.0.2.post5`` → 2.0.2)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        dist = version("phenopackets")
    except PackageNotFoundError:  # pragma: no cover - a dependency of phenotk
        dist = "2.0.2"
    parsed = version_tuple(".".join(dist.split(".")[:3]).split("post")[0].rstrip("."))
    return dist, parsed or (2, 0, 2)


class MetaSchemaNewer(Rule):
    """The document declares a Phenopacket schema version newer than the one phenotk reads it with.

    What it checks
    --------------
    ``metaData.phenopacketSchemaVersion`` is compared with the schema of the installed ``phenopackets`` package
    (2.0.2 today): a well-formed 2.x version above it (``2.0.3``, ``2.1``) gets this info finding. phenotk
    then checks the document against the older schema, so a field added since is reported as
    ``schema-unknown-field`` — the note says why. Versions that are not 2.x or not a version at all are
    ``meta-schema-version``'s; 1.x documents are read as v1 (``input-unreadable`` names ``phenotk convert
    --from v1``).

    The installed package ships the 2.0.2 descriptors only (no per-release field history), and the schema's
    changelog lists changes from 1.0 to 2.0 only, so no rule is switched on or off by a 2.0.x patch version:
    2, 2.0, 2.0.0, 2.0.1 and 2.0.2 are read alike.

    Why
    ---
    A curator whose file uses a newer schema must learn that an "unknown field" may be new rather than a typo,
    and that upgrading the ``phenopackets`` package (and phenotk) would check it properly.

    Anti-pattern
    ------------
    ``"phenopacketSchemaVersion": "2.1"`` checked with a phenotk that reads 2.0.2.

    Fixed
    -----
    Check the file with a phenotk whose ``phenopackets`` package reads 2.1, or declare the version it follows.
    """

    code = "META004"
    name = "meta-schema-newer"
    severity = Severity.INFO
    targets = ("MetaData",)

    def check(self, node: Node, ctx: Context) -> Iterable[Violation]:
        """A declared 2.x version above the installed schema's (``()`` for the released spellings)."""
        meta = node[0]
        value = meta.get("phenopacketSchemaVersion")
        if type(value) is str and value in _READ:  # an object or list there is the schema rules' finding
            return ()
        key = node.key("phenopacketSchemaVersion")
        value = meta[key] if key is not None else None
        if not isinstance(value, str) or not value.startswith("2") or value in _READ:
            return ()
        declared = version_tuple(value)
        dist, schema = installed_schema()
        if declared is None or declared[0] != 2 or declared <= schema:
            return ()
        shown = ".".join(map(str, schema))
        return [
            self.violation(
                f"phenopacketSchemaVersion {value!r} is newer than the schema phenotk reads ({shown}, phenopackets "
                f"{dist}): fields added since are reported as unknown fields; upgrade phenopackets to check them",
                key,  # type: ignore[arg-type]
                context={"declared": value, "installed": shown},
            )
        ]


#: the spellings of the installed v2 line (no look-up of the package for them: almost every document)
_READ = frozenset({"2", "2.0", "2.0.0", "2.0.1", "2.0.2"})
