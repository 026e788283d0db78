"""CUR001 curie-syntax."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from phenotk.issue import Fix, PatchOp, Severity
from phenotk.validation.helpers import CURIE, ID_SHAPES, PREFIX_ALIASES, plain_curie_prefix
from phenotk.validation.rule import Context, Node, Rule, Violation
from phenotk.validation.rules.syntax._ids import iri_curie, is_iri, written_ids

_FIELD = {"OntologyClass": "id", "GeneDescriptor": "valueId"}


def _repair(value: str) -> str | None:
    """A corrected CURIE for common slips, or None."""
    if is_iri(value):  # the CURIE the IRI names, itself repaired (Orphanet_558 → ORPHA:558)
        named = iri_curie(value)
        if named is None:
            return None
        return _repair(named) or (named if _problem(named, CURIE.match(named)) is None else None)
    v = value.strip()
    if "_" in v and ":" not in v:  # OBO PURL style HP_0001250
        v = v.replace("_", ":", 1)
    if ": " in v:
        v = v.replace(": ", ":", 1)
    if ":" not in v:
        return None
    prefix, local = v.split(":", 1)
    prefix = PREFIX_ALIASES.get(prefix, prefix)
    shape = ID_SHAPES.get(prefix)
    if shape is None:
        upper = prefix.upper()
        if upper in ID_SHAPES:
            prefix, shape = upper, ID_SHAPES[upper]
    local = local.strip()
    if shape is not None and not shape[0].match(local) and local.isdigit() and prefix in ("HP", "MONDO", "GENO", "SO"):
        local = local.zfill(7) if len(local) < 7 else local
    fixed = f"{prefix}:{local}"
    if not CURIE.match(fixed):
        return None
    if shape is not None and not shape[0].match(local):
        return None
    return fixed if fixed != value else None


def _problem(value: str, m: re.Match[str] | None) -> str | None:
    """What is wrong with the id ``value`` (``m``: its match of :data:`CURIE`), None when nothing is."""
    if m is None:
        return "is not a CURIE (PREFIX:local, no spaces)"
    prefix, local = m.group(1), m.group(2)
    if local[:2] == "//" and is_iri(value):  # the regex reads "http" as a prefix
        return "is an IRI, not a CURIE (PREFIX:local)"
    shape = ID_SHAPES.get(prefix)
    if shape is not None and not shape[0].match(local):
        return f"is not a valid {prefix} id ({shape[1]})"
    if prefix in PREFIX_ALIASES:
        return f"uses prefix {prefix!r}; the standard prefix is {PREFIX_ALIASES[prefix]!r}"
    return None


class CurieSyntax(Rule):
    """An ontology class id (or gene id) that is not a well-formed CURIE of its namespace.

    What it checks
    --------------
    ``OntologyClass.id`` and ``GeneDescriptor.valueId`` must be ``PREFIX:local`` without spaces. For
    well-known namespaces the local part is checked too: HP, MONDO, GENO, SO, UBERON, ECO, MAXO
    = 7 digits; OMIM = 6 digits; ORPHA = digits; NCIT = ``C`` + digits; HGNC = digits; LOINC =
    ``code-check``. Aliases (``HPO:``, ``MIM:``, ``Orphanet:``), OBO-style ``HP_0001250``, surrounding
    spaces and missing leading zeros get a suggested fix. An IRI (``http://purl.obolibrary.org/obo/HP_0001250``,
    ``https://identifiers.org/NCIT:C46113``) is an error too, with the CURIE it names as the suggested fix.

    Why
    ---
    A malformed id matches no ontology term: HPO-based tools drop the feature and nobody notices.

    Anti-pattern
    ------------
    ``{"id": "HPO:1250", "label": "Seizure"}``

    Fixed
    -----
    ``{"id": "HP:0001250", "label": "Seizure"}``
    """

    code = "CUR001"
    name = "curie-syntax"
    severity = Severity.ERROR
    targets = ("OntologyClass", "GeneDescriptor")
    batch = True

    def __init__(self) -> None:
        self._good: set[str] = set()  # ids already seen to be fine (ids repeat a lot)

    def check_batch(self, nodes: list[Node], ctx: Context) -> Iterable[tuple[Node, Violation]]:
        """Check every ontology class and gene id of a document (ids seen valid before are skipped).

        The verdict on an id depends on the id alone: the ids not seen valid before (a few per document in a
        real run: HPO terms repeat, a packet's own genes and diseases often do not) are judged one by one, and
        only when one of them is wrong are the nodes looked at (to find where it is written).
        """
        good = self._good
        ids = written_ids(nodes, ctx.state)  # C-level passes, shared with meta-undeclared-prefix
        if ids is not None:
            if ids <= good:
                return ()  # every id of the document was seen valid before (the usual document)
            if all(self._fine(i) for i in ids - good):
                return ()
        return self._batch(nodes, good)

    def _fine(self, value: object) -> bool:
        """True when no node holding ``value`` as its id has a finding (:meth:`_check`'s test of the value)."""
        if not isinstance(value, str) or not value:
            return True  # not checked here: schema-type's, schema-required's
        if plain_curie_prefix(value) is None and _problem(value, CURIE.match(value)) is not None:
            return False
        if len(self._good) < 200_000:
            self._good.add(value)
        return True

    def _batch(self, nodes: list[Node], good: set[str]) -> Iterator[tuple[Node, Violation]]:
        # node[0] is node.value, node[1] node.type (tuple access: hot path)
        try:
            todo = [n for n in nodes if (n[0].get("id") if n[1] == "OntologyClass" else n.get("valueId")) not in good]
        except TypeError:  # an unhashable id (a list or object): check every node the slow way
            todo = nodes
        for node in todo:
            for v in self._check(node):
                yield node, v

    def _check(self, node: Node) -> Iterator[Violation]:
        field = _FIELD[node.type]
        key = node.key(field)
        if key is None:
            return
        value = node.value[key]
        if not isinstance(value, str) or not value:
            return
        m = CURIE.match(value)
        problem = _problem(value, m)
        if problem is None:
            if len(self._good) < 200_000:
                self._good.add(value)
            return
        label = node.value.get("label") if node.type == "OntologyClass" else None
        if m is None and isinstance(label, str) and CURIE.match(label.strip()):
            swap = Fix(
                (PatchOp("replace", "/" + key, label.strip()), PatchOp("replace", "/label", value)),
                safe=False,
                description="swap id and label",
            )
            msg = f"{node.type} id {value!r} is not a CURIE, but its label {label!r} is: id and label look swapped"
            yield self.violation(msg, key, fix=swap)
            return
        fixed = _repair(value)
        fix = self.replace("/" + key, fixed, safe=False, description=f"use {fixed!r}") if fixed else None
        hint = f"; did you mean {fixed!r}?" if fixed else ""
        yield self.violation(f"{node.type} id {value!r} {problem}{hint}", key, fix=fix)
