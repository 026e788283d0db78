"""HPO root and branch ids: the one place they are written (rules, converters and summaries import them).

The sub-ontology roots below ``All`` (HP:0000001) split HPO into *Phenotypic abnormality* (the features of a
patient) and the modifier branches (onset, severity, frequency, inheritance …) that qualify a feature or a
disease. :data:`HPO_ROOTS` names each one; :meth:`phenotk.ontology.OntologyIndex.branch_of` answers the
deepest of them a term lies under.
"""

from __future__ import annotations

#: the root of HPO (``All``)
ALL = "HP:0000001"
#: *Phenotypic abnormality*: what ``phenotypicFeatures[].type`` must lie under
PHENOTYPIC_ABNORMALITY = "HP:0000118"
#: *Mode of inheritance*
MODE_OF_INHERITANCE = "HP:0000005"
#: *Clinical modifier* (with its children severity, laterality, clinical course …)
CLINICAL_MODIFIER = "HP:0012823"
#: *Severity* (under Clinical modifier)
SEVERITY = "HP:0012824"
#: *Laterality* (under Clinical modifier)
LATERALITY = "HP:0012831"
#: *Clinical course*
CLINICAL_COURSE = "HP:0031797"
#: *Onset* (under Clinical course)
ONSET = "HP:0003674"
#: *Temporal pattern*
TEMPORAL_PATTERN = "HP:0011008"
#: *Pace of progression*
PACE_OF_PROGRESSION = "HP:0003679"
#: *Frequency*
FREQUENCY = "HP:0040279"
#: *Past medical history*
PAST_MEDICAL_HISTORY = "HP:0032443"
#: *Blood group*
BLOOD_GROUP = "HP:0032223"
#: *Phenotypic feature of a biospecimen*
BIOSPECIMEN_PHENOTYPIC_FEATURE = "HP:0020228"

#: Roots of the HPO sub-ontologies, by name. ``OntologyIndex.branch_of`` answers the deepest one a term is under.
HPO_ROOTS: dict[str, str] = {
    "phenotypic_abnormality": PHENOTYPIC_ABNORMALITY,
    "clinical_modifier": CLINICAL_MODIFIER,
    "severity": SEVERITY,
    "laterality": LATERALITY,
    "clinical_course": CLINICAL_COURSE,
    "onset": ONSET,
    "temporal_pattern": TEMPORAL_PATTERN,
    "pace_of_progression": PACE_OF_PROGRESSION,
    "mode_of_inheritance": MODE_OF_INHERITANCE,
    "frequency": FREQUENCY,
    "past_medical_history": PAST_MEDICAL_HISTORY,
    "blood_group": BLOOD_GROUP,
    "biospecimen_phenotypic_feature": BIOSPECIMEN_PHENOTYPIC_FEATURE,
}

__all__ = [
    "ALL",
    "BIOSPECIMEN_PHENOTYPIC_FEATURE",
    "BLOOD_GROUP",
    "CLINICAL_COURSE",
    "CLINICAL_MODIFIER",
    "FREQUENCY",
    "HPO_ROOTS",
    "LATERALITY",
    "MODE_OF_INHERITANCE",
    "ONSET",
    "PACE_OF_PROGRESSION",
    "PAST_MEDICAL_HISTORY",
    "PHENOTYPIC_ABNORMALITY",
    "SEVERITY",
    "TEMPORAL_PATTERN",
]
