"""The curation row shared by both template formats, and its mapping to and from a store-style Phenopacket.

Both the phetools cohort JSON and the pyphetools Excel template describe one individual per row: who (PMID,
title, individual id), when (onset, last encounter, deceased), sex, disease ids, a status per HPO column, and
alleles. Readers parse their format into :class:`CurationRow`; :func:`row_to_packet` builds the phenopacket the
way phenopacket-store's builders did; :func:`packet_to_row` is the inverse used by the writers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from google.protobuf.message import Message
from phenopackets import (
    Diagnosis,
    Disease,
    Interpretation,
    OntologyClass,
    Phenopacket,
    PhenotypicFeature,
    Sex,
    TimeElement,
    VariationDescriptor,
    VitalStatus,
)

from phenotk.conversion.base import ConvertOptions
from phenotk.conversion.template.findings import LOSSY_EXPORT, issue
from phenotk.conversion.template.timecells import cell_time, parse_cell_time, parse_cell_time_cut
from phenotk.issue import Issue
from phenotk.model.ids import stable_token, store_packet_id
from phenotk.model.metadata import store_metadata
from phenotk.model.variants import causative_interpretation

SEX_CODES = {"M": Sex.MALE, "F": Sex.FEMALE, "O": Sex.OTHER_SEX, "U": Sex.UNKNOWN_SEX}
SEX_NAMES = {v: k for k, v in SEX_CODES.items()}

OBSERVED, EXCLUDED, NA = "observed", "excluded", "na"


#: An HPO id in another spelling: case, ``_`` or a blank for the colon (``hp:0001250``, ``HP_0001250``).
_HPO_ID_SPELLED = re.compile(r"hp\s*[:_ ]?\s*(\d{7})\Z", re.IGNORECASE)


def respelled_hpo_id(text: str) -> str | None:
    """``HP:nnnnnnn`` for an HPO id written in another spelling (``hp:0001250``, ``HP_0001250``), else None.

    None also for an id already written ``HP:nnnnnnn``.
    """
    m = _HPO_ID_SPELLED.match(text)
    read = f"HP:{m[1]}" if m else None
    return read if read != text else None


@dataclass
class HpoCell:
    """One HPO column of one row: status observed / excluded / na, plus an onset for observed terms."""

    hpo_id: str
    label: str
    status: str
    onset: TimeElement | None = None


@dataclass
class CurationRow:
    """One individual of a curation table, independent of the table format."""

    pmid: str
    title: str
    individual_id: str
    comment: str = ""
    age_of_onset: TimeElement | None = None
    age_at_last_encounter: TimeElement | None = None
    deceased: str = "na"  # yes | no | na
    sex: str = "U"  # M | F | O | U
    disease_ids: list[str] = field(default_factory=list)
    hpo: list[HpoCell] = field(default_factory=list)
    #: (variant descriptor without allelic state set yet is not allowed: descriptors are complete)
    variants: list[VariationDescriptor] = field(default_factory=list)

    @property
    def packet_id(self) -> str:
        """The store's packet id, ``PMID_<pmid>_<individual>``."""
        return store_packet_id(self.pmid, self.individual_id)


def row_to_packet(
    row: CurationRow,
    disease_labels: dict[str, str],
    *,
    hpo_version: str,
    created: str | None,
    created_by: str,
) -> Phenopacket:
    """Build the store-style phenopacket of one row (features in column order, ``na`` columns left out)."""
    pid = row.packet_id
    packet = Phenopacket(id=pid)
    subject = packet.subject
    subject.id = row.individual_id
    if row.age_at_last_encounter is not None:
        subject.time_at_last_encounter.CopyFrom(row.age_at_last_encounter)
    if row.deceased == "yes":
        subject.vital_status.status = VitalStatus.Status.DECEASED
    subject.sex = SEX_CODES.get(row.sex, Sex.UNKNOWN_SEX)
    for cell in row.hpo:
        if cell.status == NA:
            continue
        feature = PhenotypicFeature(type=OntologyClass(id=cell.hpo_id, label=cell.label))
        if cell.status == EXCLUDED:
            feature.excluded = True
        elif cell.onset is not None:
            feature.onset.CopyFrom(cell.onset)
        packet.phenotypic_features.append(feature)
    for disease_id in row.disease_ids:
        term = OntologyClass(id=disease_id, label=disease_labels.get(disease_id, ""))
        interpretation = Interpretation(
            id=stable_token(f"{pid}|{disease_id}"),
            progress_status=Interpretation.ProgressStatus.SOLVED,
            diagnosis=Diagnosis(disease=term),
        )
        for descriptor in row.variants:
            interpretation.diagnosis.genomic_interpretations.append(
                causative_interpretation(row.individual_id, descriptor)
            )
        packet.interpretations.append(interpretation)
        disease = Disease(term=term)
        if row.age_of_onset is not None:
            disease.onset.CopyFrom(row.age_of_onset)
        packet.diseases.append(disease)
    prefixes = {d.split(":", 1)[0] for d in row.disease_ids if ":" in d}
    packet.meta_data.CopyFrom(
        store_metadata(
            created=created,
            created_by=created_by,
            hpo_version=hpo_version,
            pmid=row.pmid,
            title=row.title,
            extra_prefixes=sorted(prefixes),
        )
    )
    return packet


def packet_to_row(packet: Phenopacket) -> CurationRow:
    """The curation row a store-style phenopacket came from (HPO cells in feature order, variants in order)."""
    pmid, title = "", ""
    for ref in packet.meta_data.external_references:
        if ref.id.upper().startswith("PMID"):
            pmid, title = ref.id, ref.description
            break
    subject = packet.subject
    row = CurationRow(pmid=pmid, title=title, individual_id=subject.id or packet.id)
    if subject.HasField("time_at_last_encounter"):
        row.age_at_last_encounter = subject.time_at_last_encounter
    if subject.HasField("vital_status"):
        row.deceased = "yes" if subject.vital_status.status == VitalStatus.Status.DECEASED else "no"
    row.sex = SEX_NAMES.get(subject.sex, "U")
    for feature in packet.phenotypic_features:
        status = EXCLUDED if feature.excluded else OBSERVED
        onset = feature.onset if feature.HasField("onset") and not feature.excluded else None
        row.hpo.append(HpoCell(feature.type.id, feature.type.label, status, onset))
    for disease in packet.diseases:
        row.disease_ids.append(disease.term.id)
        if row.age_of_onset is None and disease.HasField("onset"):
            row.age_of_onset = disease.onset
    seen: set[str] = set()
    for interpretation in packet.interpretations:
        if interpretation.diagnosis.disease.id and interpretation.diagnosis.disease.id not in row.disease_ids:
            row.disease_ids.append(interpretation.diagnosis.disease.id)
        for gi in interpretation.diagnosis.genomic_interpretations:
            if gi.WhichOneof("call") != "variant_interpretation":
                continue
            vd = gi.variant_interpretation.variation_descriptor
            if vd.id in seen:
                continue
            seen.add(vd.id)
            row.variants.append(vd)
    return row


def time_text(element: TimeElement | None) -> str:
    """A time element as a template cell (``P5Y``, ``G32w4d``, ``Congenital onset``), ``na`` when absent."""
    return cell_time(element)


def parse_time(text: str) -> TimeElement | None:
    """Template cell → time element (None for ``na``/empty or unparseable; callers report the latter)."""
    return parse_cell_time(text)


def parse_time_cut(text: str) -> tuple[TimeElement | None, str]:
    """:func:`parse_time` and the fraction of a decimal age cut to completed units (callers report it)."""
    return parse_cell_time_cut(text)


def packets_only(messages: Iterable[Message], options: ConvertOptions) -> tuple[list[Phenopacket], list[Issue]]:
    """The phenopackets among ``messages`` (families and cohorts give their members); others are findings."""
    packets: list[Phenopacket] = []
    issues: list[Issue] = []
    for m in messages:
        if isinstance(m, Phenopacket):
            packets.append(m)
        elif hasattr(m, "proband") or hasattr(m, "members"):
            members = [m.proband, *m.relatives] if hasattr(m, "proband") else list(m.members)  # type: ignore[attr-defined]
            packets.extend(members)
        else:
            message = f"{type(m).__name__} is not a phenopacket; skipped"
            issues.append(issue(LOSSY_EXPORT, message, options, value=None))
    return packets, issues
