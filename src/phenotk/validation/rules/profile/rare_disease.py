"""PRO002 rare-disease-requirements."""

from __future__ import annotations

from typing import Any

from phenotk.issue import Severity
from phenotk.validation.rule import Context, Node, Rule, Violation


class RareDiseaseRequirements(Rule):
    """Profile ``rare-disease``: the minimum a rare-disease phenopacket needs for diagnostics and matching.

    What it checks
    --------------
    Switched on by ``--profile rare-disease``. Each phenopacket has at least one phenotypic feature,
    a ``subject`` with ``sex`` set, a disease (``diseases``) or a diagnosis
    (``interpretations[*].diagnosis.disease``), and the document declares an HPO resource
    (``namespacePrefix`` ``HP``) in ``metaData.resources``.

    Why
    ---
    Phenotype-driven prioritisation (Exomiser, LIRICAL) and cohort analyses need HPO-coded features,
    sex and the diagnosis; a packet without them cannot be used for those purposes.

    Anti-pattern
    ------------
    ``{"id": "P1", "subject": {"id": "I1"}, "metaData": {…}}`` — no features, no sex, no disease.

    Fixed
    -----
    ``{"id": "P1", "subject": {"id": "I1", "sex": "FEMALE"}, "phenotypicFeatures": [{"type": {"id": "HP:0001250",
    "label": "Seizure"}}], "diseases": [{"term": {"id": "OMIM:154700", "label": "Marfan syndrome"}}], …}``
    """

    code = "PRO002"
    name = "rare-disease-requirements"
    severity = Severity.ERROR
    default_enabled = False
    targets = ("Phenopacket",)

    def check(self, node: Node, ctx: Context) -> list[Violation] | tuple[()]:
        """Check one phenopacket against the rare-disease minimum (``()`` when it has it all)."""
        # Node.has/get inlined (camelCase key, then snake_case), a list returned: once per phenopacket
        pp = node[0]  # node.value (tuple access: hot path)
        out: list[Violation] = []
        if not _filled(pp, "phenotypicFeatures", "phenotypic_features"):
            out.append(self.violation("rare-disease profile: no phenotypic feature", "phenotypicFeatures"))
        subject = pp.get("subject")  # one-word fields: the snake_case key is the same
        if not isinstance(subject, dict):
            out.append(self.violation("rare-disease profile: no subject", "subject"))
        elif not (subject.get("sex")):
            out.append(self.violation("rare-disease profile: subject sex is not set", "subject", "sex"))
        if not _filled(pp, "diseases", "diseases") and not _has_diagnosis(pp.get("interpretations")):
            out.append(self.violation("rare-disease profile: no disease and no diagnosis", "diseases"))
        if node[3] is None and not _declares_hp(ctx.data):  # node.parent: a top-level phenopacket
            out.append(
                self.violation(
                    "rare-disease profile: no HPO resource (namespacePrefix 'HP') in metaData.resources", "metaData"
                )
            )
        return out or ()


def _filled(d: dict[str, Any], camel: str, snake: str) -> bool:
    """``Node.has``: the field is present and not null, ``""``, ``[]`` or ``{}``."""
    value = d[camel] if camel in d else d.get(snake)
    return value is not None and value != "" and value != [] and value != {}


def _has_diagnosis(interps: object) -> bool:
    if not isinstance(interps, list):
        return False
    for it in interps:
        diag = it.get("diagnosis") if isinstance(it, dict) else None
        if isinstance(diag, dict) and isinstance(diag.get("disease"), dict):
            return True
    return False


def _declares_hp(data: dict) -> bool:  # type: ignore[type-arg]
    meta = data.get("metaData") or data.get("meta_data")
    res = meta.get("resources") if isinstance(meta, dict) else None
    if not isinstance(res, list):
        return False
    return any(isinstance(r, dict) and (r.get("namespacePrefix") or r.get("namespace_prefix")) == "HP" for r in res)
