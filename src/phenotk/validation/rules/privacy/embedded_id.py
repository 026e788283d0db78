"""PRV005 privacy-embedded-id."""

from __future__ import annotations

from phenotk.issue import Severity
from phenotk.validation.rule import Context, Node, Rule, Violation
from phenotk.validation.rules.privacy._scan import distinctive, holds, tokens

#: (list field, the field of its items holding an id-like string); one-word JSON names, so the snake_case
#: spelling of each is the same key
_LISTS = (("biosamples", "id"), ("interpretations", "id"), ("files", "uri"))


class PrivacyEmbeddedId(Rule):
    """The subject id is part of another id or a file name (opt-in privacy rule, profile ``sharing``).

    What it checks
    --------------
    In each phenopacket, the packet id, biosample ids, interpretation ids and file URIs must not contain the
    subject id as whole tokens (``PMID_123_Patient_4`` contains ``Patient 4``) or as written between any two
    non-alphanumerics (``SAMPLE=P4;``, ``P4|blood``: where ``phenotk deidentify`` rewrites it too). Subject ids
    shorter than three characters and numbers of fewer than four digits are not searched for (they occur
    everywhere).

    Why
    ---
    Pseudonymising ``subject.id`` alone is not enough when the same id survives in the packet id or a file name.
    ``phenotk deidentify`` rewrites every such id.

    Anti-pattern
    ------------
    ``{"id": "PMID_123_Patient_4", "subject": {"id": "Patient 4"}}``

    Fixed
    -----
    ``{"id": "ptk-D2WQ7…", "subject": {"id": "ptk-K4M9…"}}``
    """

    code = "PRV005"
    name = "privacy-embedded-id"
    severity = Severity.WARNING
    targets = ("Phenopacket",)
    default_enabled = False

    def check(self, node: Node, ctx: Context) -> list[Violation]:
        """Search the other ids of the packet for the subject id.

        One pass over the id-like strings (the packet id, then the :data:`_LISTS` fields in order): the subject
        id is split once (:func:`~phenotk.validation.rules.privacy._scan.tokens`) and each string tested with
        :func:`~phenotk.validation.rules.privacy._scan.holds` (what ``has_id(value, sid)`` answers).
        """
        packet = node[0]  # node.value (tuple access)
        if not isinstance(packet, dict):
            return []
        subject = packet.get("subject")
        sid = subject.get("id") if isinstance(subject, dict) else None
        if not isinstance(sid, str) or not distinctive(sid):
            return []
        want = tokens(sid)  # split here: a subject id is rarely met again in another document (no memo)
        out: list[Violation] = []
        value = packet.get("id")
        if isinstance(value, str) and value != sid and holds(value, want, None, sid):
            out.append(Violation(_message(value, sid), ("id",)))
        for key, field in _LISTS:
            items = packet.get(key)
            if isinstance(items, list):
                for i, item in enumerate(items):
                    if isinstance(item, dict):
                        value = item.get(field)
                        if isinstance(value, str) and value != sid and holds(value, want, None, sid):
                            out.append(Violation(_message(value, sid), (key, i, field)))
        return out


def _message(value: str, sid: str) -> str:
    return f"{value!r} contains the subject id {sid!r}; use ids that do not embed it"
