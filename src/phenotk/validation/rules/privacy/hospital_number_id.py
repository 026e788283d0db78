"""PRV004 privacy-hospital-number-id."""

from __future__ import annotations

from phenotk.issue import Severity
from phenotk.validation.rule import Context, Node, Rule, Violation
from phenotk.validation.rules.privacy._scan import HOSPITAL_NUMBER


class PrivacyHospitalNumberId(Rule):
    """A subject id shaped like a hospital or medical record number (opt-in, profile ``sharing``).

    What it checks
    --------------
    ``Individual.id`` and pedigree ``individualId`` values made of an optional short letter prefix and six or
    more digits (``MRN0012345``, ``12345678``, ``H-004512``), the shape of record numbers in clinical systems.

    Why
    ---
    A medical record number is a Safe Harbor identifier: anyone with access to the hospital system can look
    the person up. Shared data needs an id with no meaning outside the study.

    Anti-pattern
    ------------
    ``"subject": {"id": "MRN00481516"}``

    Fixed
    -----
    ``"subject": {"id": "ptk-4QX7M2KD9ZP3A6TB"}`` (a keyed pseudonym from ``phenotk deidentify``)
    """

    code = "PRV004"
    name = "privacy-hospital-number-id"
    severity = Severity.WARNING
    targets = ("Individual", "Pedigree.Person")
    default_enabled = False

    def check(self, node: Node, ctx: Context) -> list[Violation]:
        """Match the id against the record-number shape."""
        fields = node[0]  # node.value, node[1] node.type (tuple access: a call per subject)
        field = "id" if node[1] == "Individual" else "individualId"
        key = field if field in fields else node.key(field)  # the JSON name, else the snake_case one or None
        value = fields.get(key) if key else None
        if key is None or not isinstance(value, str):
            return []
        text = value.strip()
        # a record number ends in six digits (``\d``, each also ``str.isdigit``): most ids fail that before the regex
        if not text[-6:].isdigit() or not HOSPITAL_NUMBER.match(text):
            return []
        return [self.violation(f"id {value!r} looks like a hospital record number; use a study pseudonym", key)]
