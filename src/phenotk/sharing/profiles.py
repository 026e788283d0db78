"""The three de-identification profiles: what each removes, keeps and transforms.

``safe-harbor`` follows the HIPAA Safe Harbor list as far as a Phenopacket can (docs/sharing.md maps all 18
identifiers); ``pseudonymised`` keeps more for linkage by the data holder; ``research`` keeps exact intervals
including the date of birth (shifted) and publication links. Every profile pseudonymises ids, drops
``alternateIds`` and free text, and moves every remaining timestamp by the subject's secret offset.
"""

from __future__ import annotations

from dataclasses import dataclass

from phenotk.errors import UsageError


@dataclass(frozen=True)
class Profile:
    """One profile's choices (used by the de-identifier) and its one-line descriptions (used by the docs)."""

    name: str
    summary: str
    #: dateOfBirth: "remove" | "year" (of the shifted date) | "shift"
    date_of_birth: str
    #: time elements with a timestamp become ages (in days) when the subject has a date of birth
    timestamps_to_ages: bool
    #: ages of 90 years and more become P90Y
    cap_ages: bool
    #: metaData.externalReferences and evidence references: "remove" | "keep-id" (description removed)
    references: str
    #: files: "remove" | "pseudonymise" (URI and sample ids in the file become pseudonyms)
    files: str
    #: metaData.submittedBy and updates[].updatedBy (people who handled the record): kept or removed
    keep_submitters: bool
    removes: tuple[str, ...]
    keeps: tuple[str, ...]
    transforms: tuple[str, ...]


_ALWAYS_REMOVED = (
    "subject.alternateIds",
    "free text: descriptions, interpretation summaries, update comments, external-reference descriptions",
    "fields that are not in the Phenopacket schema (reported: they could hold anything)",
)
_ALWAYS_TRANSFORMED = (
    "ids of packets, subjects, biosamples, interpretations, families, pedigree persons and cohorts → keyed "
    "pseudonyms (references between them still resolve)",
    "subject ids embedded in variant ids and labels → the same pseudonyms",
    "metaData.created and update timestamps → moved back by the subject's secret offset",
)

PROFILES: dict[str, Profile] = {
    "safe-harbor": Profile(
        name="safe-harbor",
        summary="HIPAA Safe Harbor as far as a Phenopacket goes: no dates of birth, ages over 89 grouped, no "
        "publication links, no files.",
        date_of_birth="remove",
        timestamps_to_ages=True,
        cap_ages=True,
        references="remove",
        files="remove",
        keep_submitters=False,
        removes=(
            *_ALWAYS_REMOVED,
            "subject.dateOfBirth (after turning the subject's timestamps into ages)",
            "metaData.externalReferences and evidence references (a PMID points to the published case)",
            "files (URIs, sample ids inside the files)",
            "metaData.submittedBy, updates[].updatedBy",
        ),
        keeps=(
            "sex, karyotypic sex, vital status",
            "phenotypic features, diseases, measurements, treatments (ontology terms and values)",
            "genomic interpretations and variants",
            "metaData.createdBy and resources",
        ),
        transforms=(
            *_ALWAYS_TRANSFORMED,
            "time elements with a timestamp → exact ages in days when a date of birth is known; other timestamps "
            "→ shifted",
            "ages of 90 years or more → P90Y",
        ),
    ),
    "pseudonymised": Profile(
        name="pseudonymised",
        summary="Keyed pseudonyms and shifted dates; the year of birth (shifted) and publication ids kept.",
        date_of_birth="year",
        timestamps_to_ages=False,
        cap_ages=False,
        references="keep-id",
        files="pseudonymise",
        keep_submitters=True,
        removes=(*_ALWAYS_REMOVED,),
        keeps=(
            "everything safe-harbor keeps",
            "external reference ids and URLs (PMIDs), without their descriptions",
            "exact ages, also of 90 and over",
            "metaData.submittedBy, updates[].updatedBy",
        ),
        transforms=(
            *_ALWAYS_TRANSFORMED,
            "every timestamp → moved back by the subject's secret offset (intervals exact)",
            "subject.dateOfBirth → 1 January of the year of the shifted date of birth",
            "file URIs and sample ids in files → pseudonyms",
        ),
    ),
    "research": Profile(
        name="research",
        summary="Like pseudonymised, but the date of birth is shifted with the other dates (every interval exact).",
        date_of_birth="shift",
        timestamps_to_ages=False,
        cap_ages=False,
        references="keep-id",
        files="pseudonymise",
        keep_submitters=True,
        removes=(*_ALWAYS_REMOVED,),
        keeps=("everything pseudonymised keeps",),
        transforms=(
            *_ALWAYS_TRANSFORMED,
            "every timestamp, the date of birth included → moved back by the subject's secret offset",
            "file URIs and sample ids in files → pseudonyms",
        ),
    ),
}


def get(name: str) -> Profile:
    """The profile called ``name``; UsageError naming the choices otherwise."""
    try:
        return PROFILES[name]
    except KeyError:
        raise UsageError(f"unknown de-identification profile {name!r}; use {', '.join(PROFILES)}") from None
