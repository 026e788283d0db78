"""PRV003 privacy-identifier-in-text."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from phenotk.issue import Severity
from phenotk.validation.rule import Context, Node, Rule, Violation
from phenotk.validation.rules.privacy._scan import distinctive, holds, pattern_finds, plain, tokens

#: message type → its free-text fields (text a curator typed, not an ontology label or a code)
TEXT_FIELDS: dict[str, tuple[str, ...]] = {
    "PhenotypicFeature": ("description",),
    "Measurement": ("description",),
    "Biosample": ("description",),
    "ExternalReference": ("description",),
    "Interpretation": ("summary",),
    "VariationDescriptor": ("description", "label"),
    "GeneDescriptor": ("description",),
    "Extension": ("value",),
    "Update": ("comment",),
    "Cohort": ("description",),
    "Text": ("definition",),
}


def _snake(name: str) -> str | None:
    """The snake_case spelling of a camelCase JSON name (None for a one-word name: the same)."""
    return "".join("_" + c.lower() if c.isupper() else c for c in name) if name != name.lower() else None


#: message type → (JSON name, snake_case name or None when it is the same) of its free-text fields
_FIELDS: dict[str, tuple[tuple[str, str | None], ...]] = {
    t: tuple((n, _snake(n)) for n in names) for t, names in TEXT_FIELDS.items()
}
#: message type → every key its text fields may be written under (JSON names, then snake_case ones)
_KEYS: dict[str, tuple[str, ...]] = {
    t: tuple(n for name, snake in f for n in (name, snake) if n is not None) for t, f in _FIELDS.items()
}
#: the text field most types have, and the only one of most of them (phenotypic features: most nodes)
_SHARED = "description"
#: the types with a text key other than :data:`_SHARED`: every node of theirs takes the per-key test
_OTHER_TYPES: frozenset[str] = frozenset(t for t, keys in _KEYS.items() if keys != (_SHARED,))


#: the message types whose ids are a text's "own ids": the enclosing element of the text
_ELEMENTS = frozenset({"Phenopacket", "Family", "Cohort"})


#: ``ctx.state`` key of the own ids of the document's last element asked about
_STATE = "privacy:own-ids"


def _own_ids(node: Node, state: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """The packet id and subject id of the enclosing phenopacket (a family's own id; a cohort's members' ids).

    Only the :func:`~phenotk.validation.rules.privacy._scan.distinctive` ones: the others are not searched
    for in text. Each id (in :func:`~phenotk.validation.rules.privacy._scan.plain` form) comes with its
    :func:`~phenotk.validation.rules.privacy._scan.tokens`, so that the text is tested with
    :func:`~phenotk.validation.rules.privacy._scan.holds` (what ``has_id(text, id)`` answers) without
    splitting the id per text. Kept in ``state`` for the element (the texts of a document share it; the ids
    of a packet are rarely met again in another document: no memo across documents).
    Tuple access (node[0] is node.value, node[1] node.type, node[3] node.parent): no property call per step up.
    """
    n: Node | None = node
    while n is not None and n[1] not in _ELEMENTS:
        n = n[3]
    element = n[0] if n is not None else None
    if not isinstance(element, dict):
        return []
    hit = state.get(_STATE)
    if hit is not None and hit[0] is element:
        return hit[1]  # type: ignore[no-any-return]
    out: list[tuple[str, list[str]]] = []
    if n is not None and n[1] == "Cohort":
        # a cohort's own id names a data set, not a person ("example-cohort" in "An example cohort"): its
        # texts are searched for the ids of its members, the people it holds
        members = element.get("members")
        for member in members if isinstance(members, list) else ():
            if isinstance(member, dict):
                _add_ids(member, out)
    else:
        _add_ids(element, out)
    state[_STATE] = (element, out)
    return out


def _add_ids(element: dict[str, Any], out: list[tuple[str, list[str]]]) -> None:
    """Add the element's id and its subject's id (the distinctive ones, each with its tokens) to ``out``."""
    subject = element.get("subject")
    for ident in (element.get("id"), subject.get("id") if isinstance(subject, dict) else None):
        if isinstance(ident, str):
            ident = ident if ident.isascii() else plain(ident)
            if distinctive(ident):
                out.append((ident, tokens(ident)))


class PrivacyIdentifierInText(Rule):
    """Free text holds something that looks like an identifier (opt-in privacy rule, profile ``sharing``).

    What it checks
    --------------
    Descriptions, summaries, update comments, variant labels and extension values are scanned for e-mail
    addresses, URLs, phone numbers (also international ones: ``+44 20 7946 0958``), record numbers
    (``MRN: 123456``, long digit runs), calendar dates (``12/03/2019``, ``March 3rd, 2019``, ``P1_2019-03-12``),
    social security numbers, IP addresses, postcodes (UK, US ZIP+4) and the record's own packet or subject id,
    as whole tokens or between any non-alphanumerics (``SAMPLE=P1;``; in a cohort's description: the ids of its
    members — a cohort's own id names a data set, not a person). The text is read as a reader sees it:
    fullwidth forms folded, zero-width characters removed. ``phenotk deidentify`` runs the same scan
    (:mod:`phenotk.validation.rules.privacy._scan`) on what it keeps.

    Why
    ---
    Free text is where identifiers hide: "seen by Dr X on 12/03/2019, MRN 0048151". Removing ids from the
    structured fields is wasted if a note repeats them. ``phenotk deidentify`` removes free text and reports
    what remains.

    Anti-pattern
    ------------
    ``"description": "Patient 4 (MRN 00481516) seen on 2019-03-12"``

    Fixed
    -----
    ``"description": "seizures resolved on valproate"`` or no description
    """

    code = "PRV003"
    name = "privacy-identifier-in-text"
    severity = Severity.ERROR
    targets = tuple(TEXT_FIELDS)
    default_enabled = False

    batch = True  # one call per document over the nodes of these types, most of them without free text

    def check(self, node: Node, ctx: Context) -> list[Violation]:
        """Scan the node's free-text fields."""
        out: list[Violation] = []
        ids: list[tuple[str, list[str]]] | None = None
        fields = node[0]  # node.value
        for name, snake in _FIELDS.get(node[1], ()):
            key: str | None = name
            value: Any = fields.get(name)
            if value is None:
                if snake is None:  # a one-word JSON name: no other spelling to look for
                    continue
                key = node.key(name)  # the snake_case spelling, or absent
                value = fields.get(key) if key else None
            if key is None or not isinstance(value, str) or not value.strip():
                continue
            if ids is None:
                ids = _own_ids(node, ctx.state)
            # what ``scan_text(value, ids)`` yields, with the patterns' finds memoised per text
            if not value.isascii():  # (nearly all text is: :func:`plain` returns it as it is)
                value = plain(value)
            for kind, found in pattern_finds(value):
                out.append(self.violation(f"{kind} {found!r} in free text; remove it before sharing", key))
            for ident, want in ids:
                if holds(value, want, None, ident):
                    out.append(
                        self.violation(f"the record's own id {ident!r} in free text; remove it before sharing", key)
                    )
        return out

    def check_batch(self, nodes: list[Node], ctx: Context) -> Iterator[tuple[Node, Violation]]:
        """:meth:`check` of each node with a value under a spelling of one of its type's text fields.

        Hot: every phenotypic feature is here, most without a description. One list comprehension picks the
        nodes to look at: those with a ``description`` key and those of the few types with another text
        field (node[0] is node.value, node[1] node.type: tuple access); they are then tested key by key. A
        node left out has no value under any spelling: :meth:`check` would find nothing in it.
        """
        keys_of = _KEYS
        check = self.check
        others = _OTHER_TYPES
        for node in [n for n in nodes if _SHARED in n[0] or n[1] in others]:
            value = node[0]
            for k in keys_of[node[1]]:
                if value.get(k) is not None:
                    for v in check(node, ctx):
                        yield node, v
                    break
