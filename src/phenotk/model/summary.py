"""Counts of what a Phenopacket, Family or Cohort holds."""

from __future__ import annotations

from typing import Any

from google.protobuf.message import Message
from phenopackets import Cohort, Family, Phenopacket


def _packet_counts(p: Phenopacket) -> dict[str, int]:
    return {
        "phenotypic_features": len(p.phenotypic_features),
        "excluded_features": sum(1 for f in p.phenotypic_features if f.excluded),
        "diseases": len(p.diseases),
        "interpretations": len(p.interpretations),
        "biosamples": len(p.biosamples),
        "measurements": len(p.measurements),
        "medical_actions": len(p.medical_actions),
        "files": len(p.files),
    }


def counts(message: Message) -> dict[str, Any]:
    """Per-element counts; for families and cohorts also the number of member packets."""
    if isinstance(message, Phenopacket):
        return _packet_counts(message)
    if isinstance(message, Family):
        members = [message.proband, *message.relatives]
        out: dict[str, Any] = {"relatives": len(message.relatives), "pedigree_persons": len(message.pedigree.persons)}
    elif isinstance(message, Cohort):
        members = list(message.members)
        out = {"members": len(members)}
    else:
        raise TypeError(type(message).__name__)
    total: dict[str, int] = {}
    for m in members:
        for k, v in _packet_counts(m).items():
            total[k] = total.get(k, 0) + v
    out.update(total)
    return out
