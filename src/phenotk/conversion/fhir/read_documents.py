"""Resources about the record rather than the patient: Provenance → metaData, DocumentReference → embedded packets."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from phenotk.conversion.base import Converted
from phenotk.conversion.fhir import findings as F
from phenotk.conversion.fhir import terms as T
from phenotk.conversion.fhir import timeel
from phenotk.conversion.fhir.walk import Packet, Res, Walk, as_list, codes, setter
from phenotk.issue import Issue, Severity

#: Keys one of which a decoded attachment must have to be taken for a phenopacket.
_PACKET_KEYS = {"subject", "phenotypicFeatures", "phenotypic_features", "metaData", "meta_data"}


# ---------------------------------------------------------------------- Provenance → metaData
def provenance(w: Walk, res: Res) -> None:
    """The metaData of the packet of the Patient it targets (or of the only Patient)."""
    data = res.data
    pk = _target_packet(w, res)
    if pk is None:
        w.unmapped_resource(res, None, "cannot tell which Patient it is about")
        return
    meta: dict[str, Any] = {}
    if isinstance(data.get("occurredDateTime"), str):
        meta["created"] = timeel._date_time(data["occurredDateTime"])
    _agents(data, meta)
    resources, refs = _entities(w, res, pk)
    if resources:
        meta["resources"] = resources
    if refs:
        meta["externalReferences"] = refs
    w.extensions(res, {T.EXT_SCHEMA_VERSION: setter(meta, "phenopacketSchemaVersion", "valueString")}, pk)
    pk.data["metaData"] = meta
    pk.has_meta = True
    w.leftovers(res, {"target", "occurredDateTime", "recorded", "agent", "entity", "extension"}, pk)


def _target_packet(w: Walk, res: Res) -> Packet | None:
    targets = [w.resolve(t) for t in as_list(res.data.get("target"))]
    pks = {w.patient_of[id(t)] for t in targets if t is not None and t.type == "Patient"}
    if len(pks) == 1:
        return w.packets.get(next(iter(pks)))
    patients = w.patients()
    return w.packets[patients[0]] if len(patients) == 1 else None


def _agents(data: dict[str, Any], meta: dict[str, Any]) -> None:
    """Set createdBy (author) and submittedBy (enterer) from the agents' display names."""
    for agent in as_list(data.get("agent")):
        if not isinstance(agent, dict):
            continue
        role = codes(agent.get("type"))
        who = agent["who"].get("display") if isinstance(agent.get("who"), dict) else None
        if "author" in role and who:
            meta["createdBy"] = who
        elif "enterer" in role and who:
            meta["submittedBy"] = who


def _entities(w: Walk, res: Res, pk: Packet) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """metaData.resources (entities with the resource extension) and externalReferences (other entities)."""
    resources: list[dict[str, Any]] = []
    refs: list[dict[str, Any]] = []
    for i, ent in enumerate(as_list(res.data.get("entity"))):
        if not isinstance(ent, dict):
            continue
        rext = [e for e in as_list(ent.get("extension")) if isinstance(e, dict) and e.get("url") == T.EXT_RESOURCE]
        what = ent.get("what") if isinstance(ent.get("what"), dict) else {}
        if rext:
            parts = {
                str(s.get("url")): s.get("valueString")
                for s in as_list(rext[0].get("extension"))
                if isinstance(s, dict)
            }
            resources.append({k: v for k, v in parts.items() if k and v})
        elif what:
            refs.append(_external_reference(what))
        else:
            w.unmapped_element(res, f"entity/{i}", pk)
    return resources, refs


def _external_reference(what: dict[str, Any]) -> dict[str, Any]:
    ref: dict[str, Any] = {}
    ident = what.get("identifier")
    if isinstance(ident, dict) and ident.get("value"):
        ref["id"] = ident["value"]
    ext = [x for x in as_list(what.get("extension")) if isinstance(x, dict) and x.get("url") == T.EXT_EXTERNAL_REF]
    value = (ext[0].get("valueUri") or ext[0].get("valueString")) if ext else None
    if isinstance(value, str):
        ref["reference"] = value
    elif isinstance(what.get("reference"), str):  # others' Provenance, and phenotk bundles before the extension
        ref["reference"] = what["reference"]
    if what.get("display"):
        ref["description"] = what["display"]
    return ref


# ---------------------------------------------------------------------- DocumentReference
def document_reference(w: Walk, res: Res) -> None:
    """Each attachment that is a base64 phenopacket becomes that phenopacket, as is."""
    found = False
    for i, content in enumerate(as_list(res.data.get("content"))):
        att = content.get("attachment") if isinstance(content, dict) else None
        if not isinstance(att, dict) or not isinstance(att.get("data"), str):
            continue
        ptr = f"{res.pointer}/content/{i}/attachment/data"
        try:
            tree = json.loads(base64.b64decode(att["data"], validate=False))
        except (binascii.Error, ValueError, UnicodeDecodeError):
            continue
        except RecursionError:
            found = True
            issue = F.EMBEDDED_PHENOPACKET(
                "embedded JSON attachment is nested too deeply to read; not carried",
                pointer=ptr,
                severity=Severity.ERROR,
            )
            w.extra.append(Converted(None, f"{w.source}#{res.label}.content[{i}]", [issue]))
            continue
        if not isinstance(tree, dict) or not (_PACKET_KEYS & tree.keys()):
            continue
        found = True
        embedded(w, tree, ptr, f"{w.source}#{res.label}.content[{i}]")
    if not found:
        w.unmapped_resource(
            res,
            w.packet_for(res) if "subject" in res.data else None,
            "no embedded phenopacket in its attachments",
        )


def embedded(w: Walk, tree: dict[str, Any], ptr: str, source: str) -> None:
    """Read an embedded phenopacket (JSON tree) as its own result."""
    from phenotk.errors import InputError
    from phenotk.io.readers import document_from_tree

    issues: list[Issue] = [
        F.EMBEDDED_PHENOPACKET(
            "DocumentReference carries a base64 phenopacket; read as is", pointer=ptr, severity=Severity.INFO
        )
    ]
    try:
        doc = document_from_tree(tree, path=source)
    except InputError as exc:
        issues.append(F.EMBEDDED_PHENOPACKET(exc.message, pointer=ptr, severity=Severity.ERROR))
        w.extra.append(Converted(None, source, issues))
        return
    strict = doc.strict_error()
    if strict:
        issues.append(
            F.UNMAPPED_ELEMENT(
                f"embedded phenopacket has fields Phenopackets v2 does not know, not carried: {_one_line(strict)}",
                pointer=ptr,
                severity=w.sev,
            )
        )
    if doc.message is None:
        issues.append(
            F.EMBEDDED_PHENOPACKET(
                f"embedded phenopacket cannot be parsed: {_one_line(doc.parse_error or '')}",
                pointer=ptr,
                severity=Severity.ERROR,
            )
        )
    w.extra.append(Converted(doc.message, source, issues, name=doc.id))


def _one_line(text: str) -> str:
    """Protobuf's parse messages span lines (``… Available Fields(except extensions): …``): one line of them."""
    return " ".join(text.split("\n", 1)[0].split(" Available Fields", 1)[0].split())
