"""What "identical on mapped fields" means for the table round trips, written independently of the converter.

Compared: packet id; subject id, sex, date of birth, time at last encounter, vital status; phenotypic features as a
set of (id, label, excluded, onset); diseases (id, label, onset, excluded) in order; variants as a set of (primary
HGVS text — hgvs.c, else hgvs.g, else any HGVS — or the label of a structural variant, gene symbol, HGNC id, allelic
state id, ACMG class); external references (id, description, url). Strings compare after stripping surrounding
whitespace (the readers strip cells; the store has a few ids and labels with trailing blanks).
"""

from __future__ import annotations

from typing import Any

from google.protobuf.json_format import MessageToDict

_ORDER = ("hgvs.c", "hgvs.g", "hgvs", "hgvs.n", "hgvs.m", "hgvs.r", "hgvs.p")


def _strip(obj: Any) -> Any:
    if isinstance(obj, str):
        return obj.strip()
    if isinstance(obj, dict):
        return {k: _strip(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_strip(v) for v in obj]
    return obj


def _time(msg: Any, name: str) -> Any:
    return _strip(MessageToDict(getattr(msg, name))) if msg.HasField(name) else None


def mapped_view(p: Any) -> tuple:
    s = p.subject
    feats = sorted(
        (f.type.id, f.type.label.strip(), f.excluded, repr(_time(f, "onset"))) for f in p.phenotypic_features
    )
    diseases = [(d.term.id, d.term.label.strip(), repr(_time(d, "onset")), d.excluded) for d in p.diseases]
    variants = []
    for interp in p.interpretations:
        for gi in interp.diagnosis.genomic_interpretations:
            vi = gi.variant_interpretation
            vd = vi.variation_descriptor
            exprs = {e.syntax: e.value for e in vd.expressions}
            text = next((exprs[k] for k in _ORDER if k in exprs), vd.label)
            variants.append((text.strip(), vd.gene_context.symbol, vd.gene_context.value_id, vd.allelic_state.id,
                             vi.acmg_pathogenicity_classification))
    refs = [(r.id, r.description.strip(), r.reference) for r in p.meta_data.external_references]
    return (
        p.id,
        s.id.strip(),
        s.sex,
        s.date_of_birth.ToJsonString() if s.HasField("date_of_birth") else None,
        repr(_time(s, "time_at_last_encounter")),
        s.vital_status.status if s.HasField("vital_status") else None,
        feats,
        diseases,
        sorted(variants),
        refs,
    )


def packets_by_id(result: Any) -> dict[str, dict[str, Any]]:
    """Packet id → the packet's JSON form without ``metaData`` (what a sheet test compares)."""
    out = {}
    for p in result.packets:
        d = MessageToDict(p)
        d.pop("metaData")
        out[p.id] = d
    return out
