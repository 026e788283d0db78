"""A cohort of Phenopackets read from files, with pandas views and Jupyter display."""

from __future__ import annotations

import html
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from google.protobuf.message import Message
from phenopackets import Cohort, Family, Phenopacket

from phenotk.errors import InputError
from phenotk.io import iter_documents

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from phenotk.analysis.summary import CohortSummary
    from phenotk.ontology import OntologyIndex


def packets_of(message: Message) -> list[Phenopacket]:
    """The Phenopackets inside a Phenopacket, Family (proband + relatives) or Cohort (members)."""
    if isinstance(message, Phenopacket):
        return [message]
    if isinstance(message, Family):
        out = [message.proband] if message.HasField("proband") else []
        return out + list(message.relatives)
    if isinstance(message, Cohort):
        return list(message.members)
    raise TypeError(f"not a Phenopacket, Family or Cohort: {type(message).__name__}")


@dataclass
class CohortView:
    """Phenopackets gathered from one or more inputs (families and cohorts are flattened to their packets).

    ``errors`` holds the inputs that could not be read (they are skipped, never silently: check it).
    """

    packets: list[Phenopacket]
    sources: list[str] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    hpo: OntologyIndex | None = None

    def __len__(self) -> int:
        return len(self.packets)

    def __iter__(self) -> Iterator[Phenopacket]:
        return iter(self.packets)

    def summary(self, *, top: int = 20) -> CohortSummary:
        """Counts, sex, ages, diseases, HPO term frequencies and the organ-system roll-up."""
        from phenotk.analysis.summary import summarize

        return summarize(self.packets, hpo=self.hpo, top=top)

    def to_dataframe(self, layout: str = "wide") -> pd.DataFrame:
        """One row per packet (``wide``) or per phenotypic feature (``long``); see ``phenotk.to_dataframe``."""
        from phenotk.conversion.table.api import to_dataframe

        return to_dataframe(self.packets, layout=layout)

    def _repr_html_(self) -> str:
        s = self.summary(top=10)
        err = f", {len(self.errors)} unreadable input(s)" if self.errors else ""
        head = f"<p><b>Cohort</b>: {len(self)} phenopackets{html.escape(err)}</p>"
        return head + s._repr_html_()

    def __repr__(self) -> str:
        return f"CohortView({len(self)} phenopackets, {len(self.errors)} unreadable)"


def read_cohort(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    hpo: OntologyIndex | str | os.PathLike[str] | None = None,
) -> CohortView:
    """Read every Phenopacket, Family and Cohort under ``paths`` into one :class:`CohortView`.

    ``hpo`` (an index or a path to hp.json/hp.obo) enables labels and the organ-system roll-up.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    packets: list[Phenopacket] = []
    sources: list[str] = []
    errors: list[InputError] = []
    for item in iter_documents(list(paths)):
        if isinstance(item, InputError):
            errors.append(item)
            continue
        if item.message is None:
            errors.append(InputError(f"cannot build a {item.element.value}: {item.parse_error}", path=item.path))
            continue
        for p in packets_of(item.message):
            packets.append(p)
            sources.append(item.path)
    index = hpo
    if hpo is not None and not hasattr(hpo, "is_descendant_of"):
        from phenotk.ontology import load_ontology

        index = load_ontology(os.fspath(hpo))  # type: ignore[arg-type]
    return CohortView(packets, sources, errors, index)  # type: ignore[arg-type]


def render_packet_card(packet: Phenopacket) -> str:
    """A compact HTML card for one phenopacket (subject, features, diseases, variants)."""
    esc = html.escape
    s = packet.subject
    sex = s.sex and type(s).DESCRIPTOR.fields_by_name["sex"].enum_type.values_by_number[s.sex].name
    age = s.time_at_last_encounter.age.iso8601duration if s.HasField("time_at_last_encounter") else ""
    obs = [f.type for f in packet.phenotypic_features if not f.excluded]
    exc = [f.type for f in packet.phenotypic_features if f.excluded]
    diseases = [d.term for d in packet.diseases] + [
        i.diagnosis.disease for i in packet.interpretations if i.diagnosis.HasField("disease")
    ]
    variants = []
    for i in packet.interpretations:
        for gi in i.diagnosis.genomic_interpretations:
            vd = gi.variant_interpretation.variation_descriptor
            expr = next((e.value for e in vd.expressions), vd.id)
            if expr:
                variants.append(f"{vd.gene_context.symbol} {expr}".strip())

    def terms(items: list[Any], colour: str) -> str:
        return "".join(
            f'<span title="{esc(t.id)}" style="display:inline-block;margin:1px 3px;padding:0 4px;'
            f'border-radius:3px;background:{colour}">{esc(t.label or t.id)}</span>'
            for t in items
        )

    rows = [
        ("Subject", f"{esc(s.id)} · {esc(sex or 'sex unknown')}" + (f" · last seen at {esc(age)}" if age else "")),
        (f"Observed ({len(obs)})", terms(obs, "#e3f1e3")),
        (f"Excluded ({len(exc)})", terms(exc, "#f6e3e3")),
        ("Diseases", ", ".join(f"{esc(d.label)} ({esc(d.id)})" for d in diseases) or "—"),
        ("Variants", ", ".join(esc(v) for v in variants) or "—"),
    ]
    body = "".join(f"<tr><th style='text-align:left;padding-right:8px'>{k}</th><td>{v}</td></tr>" for k, v in rows)
    return (
        f"<div style='border:1px solid #ccc;border-radius:6px;padding:6px;max-width:900px'>"
        f"<b>{esc(packet.id)}</b><table>{body}</table></div>"
    )


class PacketCard:
    """Wraps a phenopacket so Jupyter shows it as a compact card (``phenotk.show(packet)``)."""

    def __init__(self, packet: Phenopacket) -> None:
        self.packet = packet

    def _repr_html_(self) -> str:
        return render_packet_card(self.packet)

    def __repr__(self) -> str:
        return f"<Phenopacket {self.packet.id}: {len(self.packet.phenotypic_features)} features>"


def show(obj: Any) -> Any:
    """Something Jupyter renders richly: a packet card, or the object itself when it already has a repr."""
    if isinstance(obj, Phenopacket):
        return PacketCard(obj)
    return obj
