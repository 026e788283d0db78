"""Choices of the v1 → v2 upgrade (:class:`UpgradeOptions`) and the values they take."""

from __future__ import annotations

from dataclasses import dataclass

from phenopackets import GenomicInterpretation, Interpretation

from phenotk.errors import UsageError

#: Schema version written into upgraded documents (the version of the bundled ``phenopackets`` classes).
V2_SCHEMA_VERSION = "2.0.2"

PROGRESS_STATUSES = tuple(v.name for v in Interpretation.ProgressStatus.DESCRIPTOR.values)
INTERPRETATION_STATUSES = tuple(v.name for v in GenomicInterpretation.InterpretationStatus.DESCRIPTOR.values)


@dataclass
class UpgradeOptions:
    """Choices the v1 → v2 upgrade cannot make from the data alone."""

    #: Turn v1 ``genes``/``variants`` into a v2 interpretation (needs a disease).
    variants_to_interpretations: bool = False
    #: Disease id for that interpretation when a packet has several diseases (or none).
    disease: str | None = None
    #: ``Interpretation.progressStatus`` of the created interpretation.
    progress_status: str = "SOLVED"
    #: ``GenomicInterpretation.interpretationStatus`` of each gene/variant in it.
    interpretation_status: str = "CAUSATIVE"

    def __post_init__(self) -> None:
        self.progress_status = self.progress_status.upper()
        self.interpretation_status = self.interpretation_status.upper()
        if self.progress_status not in PROGRESS_STATUSES:
            raise UsageError(
                f"unknown progress status {self.progress_status!r}; use one of {', '.join(PROGRESS_STATUSES)}"
            )
        if self.interpretation_status not in INTERPRETATION_STATUSES:
            raise UsageError(
                f"unknown interpretation status {self.interpretation_status!r}; "
                f"use one of {', '.join(INTERPRETATION_STATUSES)}"
            )
