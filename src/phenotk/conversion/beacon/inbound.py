"""Beacon v2 ``individuals`` entry → Phenopacket v2: :func:`from_beacon` (the field map is in the package doc).

Beacon fields without a phenopacket home (``ethnicity``, ``geographicOrigin``, ``exposures``, ``pedigrees``,
disease ``familyHistory``/``severity``/``notes`` …) become findings whose ``context.value`` holds the value, so
``--report FILE`` keeps them. What a phenotk (or Convert-Pheno) writer kept in ``info.phenopacket`` is read back.
"""

from __future__ import annotations

import copy
from datetime import datetime, timezone
from typing import Any

from google.protobuf import json_format
from google.protobuf.timestamp_pb2 import Timestamp
from phenopackets import Individual, MedicalAction, MetaData, Phenopacket, Resource

from phenotk.io.sourcemap import join
from phenotk.issue import Issue, Severity
from phenotk.model.metadata import RESOURCES as STORE_RESOURCES
from phenotk.model.metadata import resource as store_resource

from . import findings as F
from .elements import ElementParser
from .vocab import KARYOTYPES, RESOURCES, SCHEMA_VERSION

_HANDLED = {
    "id",
    "sex",
    "karyotypicSex",
    "phenotypicFeatures",
    "diseases",
    "measures",
    "interventionsOrProcedures",
    "treatments",
    "info",
    "$schema",
    "indexDisease",
    "externalReferences",
}
_NO_HOME = {
    "ethnicity": "ethnicity",
    "geographicOrigin": "geographicOrigin",
    "exposures": "exposures",
    "pedigrees": "pedigrees",
}


def from_beacon(
    tree: dict[str, Any],
    pointer: str = "",
    *,
    created: str | None = None,
    created_by: str = "phenotk",
    severity: Severity = Severity.WARNING,
) -> tuple[Phenopacket, list[Issue]]:
    """A phenopacket for one Beacon v2 individual, and findings for what phenopackets cannot hold."""
    r = ElementParser(pointer, severity)
    packet = Phenopacket()
    ident = tree.get("id")
    if not isinstance(ident, str) or not ident:
        r.bad("expected a non-empty individual id", join(pointer, "id"), ident)
        ident = ""
    packet.id = ident
    packet.subject.id = ident
    if "sex" in tree:
        packet.subject.sex = r.sex(tree["sex"], join(pointer, "sex"))  # type: ignore[assignment]
    else:
        r.note(
            F.SEX_MISSING,
            "the Beacon individual has no sex (required by the schema); UNKNOWN_SEX",
            join(pointer, "sex"),
            severity=Severity.INFO,
        )
    ks = tree.get("karyotypicSex")
    if ks is not None:
        folded = ks.strip().upper() if isinstance(ks, str) else None
        if ks in KARYOTYPES:
            packet.subject.karyotypic_sex = KARYOTYPES.index(ks)  # type: ignore[assignment]
        elif folded in KARYOTYPES:
            packet.subject.karyotypic_sex = KARYOTYPES.index(folded)  # type: ignore[assignment]
            r.note(F.INVALID_VALUE, f"karyotypicSex {ks!r} read as {folded}", join(pointer, "karyotypicSex"),
                   severity=Severity.INFO, value=ks)
        else:
            r.bad(f"expected a karyotypic sex ({', '.join(KARYOTYPES)})", join(pointer, "karyotypicSex"), ks)
    _elements(tree, pointer, r, packet)
    _actions(tree, pointer, r, packet)
    _unhandled(tree, pointer, r)
    meta, incomplete = _metadata(r.prefixes, created, created_by)
    packet.meta_data.CopyFrom(meta)
    _external_references(tree, pointer, r, packet)
    info = tree.get("info")
    restored = _restore(packet, info, join(pointer, "info"), r) if info is not None else set()
    if incomplete and "meta_data" not in restored:
        r.note(
            F.RESOURCE_UNKNOWN,
            f"metaData.resources for {', '.join(incomplete)} lack a version, URL or IRI prefix (a Beacon document "
            "does not name ontology releases); complete them",
            join(pointer, "id"),
            severity=Severity.INFO,
        )
    return packet, r.issues


def _items(tree: dict[str, Any], key: str, pointer: str, r: ElementParser) -> list[Any]:
    """The list under ``key`` (empty when absent; a finding when it is not a list)."""
    items = tree.get(key)
    if items is None:
        return []
    if not isinstance(items, list):
        r.bad(f"expected a list of {key}", join(pointer, key), items)
        return []
    return items


def _elements(tree: dict[str, Any], pointer: str, r: ElementParser, packet: Phenopacket) -> None:
    """Phenotypic features, diseases and measures."""
    for key, reader, target in (
        ("phenotypicFeatures", r.feature, packet.phenotypic_features),
        ("diseases", r.disease, packet.diseases),
        ("measures", r.measure, packet.measurements),
    ):
        for i, item in enumerate(_items(tree, key, pointer, r)):
            made = reader(item, join(pointer, key, i))  # type: ignore[operator]
            if made is not None:
                target.append(made)
    index = tree.get("indexDisease")  # Beacon+ (Progenetix): the individual's index disease, a disease object
    if index not in (None, {}, ""):
        ptr = join(pointer, "indexDisease")
        made = r.disease(index, ptr)
        if made is not None:
            r.note(F.LEGACY_FIELD, "Beacon+ 'indexDisease' read as a disease", ptr, severity=Severity.INFO)
            if made not in packet.diseases:
                packet.diseases.append(made)


def _external_references(tree: dict[str, Any], pointer: str, r: ElementParser, packet: Phenopacket) -> None:
    """Beacon+ ``externalReferences`` (publications, e.g. ``{"id": "PMID:22824167"}``) → metaData.externalReferences."""
    for i, ref in enumerate(_items(tree, "externalReferences", pointer, r)):
        ptr = join(pointer, "externalReferences", i)
        if not isinstance(ref, dict) or not isinstance(ref.get("id"), str) or not ref["id"]:
            r.bad("expected an external reference {id, reference, description}", ptr, ref)
            continue
        ext = packet.meta_data.external_references.add(id=ref["id"])
        for key in ("reference", "description"):
            if isinstance(ref.get(key), str):
                setattr(ext, key, ref[key])
        r.rest(ref, {"id", "reference", "description"}, ptr, "externalReference")


def _actions(tree: dict[str, Any], pointer: str, r: ElementParser, packet: Phenopacket) -> None:
    """Procedures, then treatments, as medical actions."""
    for i, item in enumerate(_items(tree, "interventionsOrProcedures", pointer, r)):
        pr = r.procedure(item, join(pointer, "interventionsOrProcedures", i))
        if pr:
            packet.medical_actions.append(MedicalAction(procedure=pr))
    for i, item in enumerate(_items(tree, "treatments", pointer, r)):
        tr = r.treatment(item, join(pointer, "treatments", i))
        if tr:
            packet.medical_actions.append(MedicalAction(treatment=tr))


def _unhandled(tree: dict[str, Any], pointer: str, r: ElementParser) -> None:
    """A finding for every other non-empty key of the individual."""
    for key, value in tree.items():
        if key in _HANDLED or value in (None, "", [], {}):
            continue
        if key in _NO_HOME:
            r.not_carried(key, join(pointer, key), value)
        elif key == "_id":
            r.note(
                F.DATABASE_ID,
                "database-internal '_id' not carried",
                join(pointer, key),
                severity=Severity.INFO,
                value=value,
            )
        else:
            r.not_carried(f"individual.{key}", join(pointer, key), value)


def _metadata(prefixes: set[str], created: str | None, created_by: str) -> tuple[MetaData, list[str]]:
    """MetaData for a packet made from a Beacon individual, and the prefixes whose resource entry is incomplete.

    Entries come from the project's resource table (:mod:`phenotk.model.metadata`: the store's names, URLs and
    IRI prefixes — not its default releases), then from this module's table (name, URL, IRI prefix), else a
    minimal entry. No entry gets a version: a Beacon document does not say which release it used.
    """
    ts = Timestamp()
    if created:
        ts.FromJsonString(created)
    else:
        ts.FromDatetime(datetime.now(timezone.utc).replace(microsecond=0))
    meta = MetaData(created=ts, created_by=created_by, phenopacket_schema_version=SCHEMA_VERSION)
    incomplete = []
    for prefix in sorted(prefixes):
        if prefix.upper() in STORE_RESOURCES:
            res = store_resource(prefix)
            res.version = ""  # the store builder's default release, which the Beacon document did not name
        elif prefix in RESOURCES:
            rid, name, url, iri = RESOURCES[prefix]
            res = Resource(id=rid, name=name, url=url, iri_prefix=iri, namespace_prefix=prefix)
        else:
            res = store_resource(prefix)
        if not (res.version and res.url and res.iri_prefix):
            incomplete.append(prefix)
        meta.resources.append(res)
    return meta, incomplete


def _restore(packet: Phenopacket, info: Any, ptr: str, r: ElementParser) -> set[str]:
    """Take back what a phenotk (or Convert-Pheno) writer kept in ``info.phenopacket``; the fields restored."""
    if not isinstance(info, dict):
        r.not_carried("info", ptr, info)
        return set()
    kept = info.get("phenopacket")
    for key, value in info.items():
        if key != "phenopacket" and value not in (None, "", [], {}):
            r.not_carried(f"info.{key}", join(ptr, key), value)
    if kept is None:
        return set()
    if not isinstance(kept, dict):
        r.bad("expected info.phenopacket to be an object", join(ptr, "phenopacket"), kept)
        return set()
    kept = copy.deepcopy(kept)
    subject = kept.pop("subject", None)
    restored = Phenopacket()
    try:
        json_format.ParseDict(kept, restored, ignore_unknown_fields=True)
        if isinstance(subject, dict):
            extra = Individual()
            json_format.ParseDict(subject, extra, ignore_unknown_fields=True)
            for fd, value in extra.ListFields():
                if fd.name not in ("id", "sex", "karyotypic_sex"):
                    if fd.is_repeated:
                        getattr(packet.subject, fd.name).extend(value)
                    elif fd.message_type is not None:
                        getattr(packet.subject, fd.name).CopyFrom(value)
                    else:
                        setattr(packet.subject, fd.name, value)
    except (json_format.ParseError, ValueError, TypeError, OverflowError, RecursionError) as exc:
        r.bad(f"info.phenopacket is not a phenopacket fragment ({exc})", join(ptr, "phenopacket"), "…")
        return set()
    for fd, value in restored.ListFields():
        if fd.name == "id":
            packet.id = value
        elif fd.name == "meta_data":
            packet.meta_data.CopyFrom(value)
        elif fd.is_repeated:
            target = getattr(packet, fd.name)
            del target[:]  # info holds the complete list when a mapped list lost parts
            target.extend(value)
        else:
            getattr(packet, fd.name).CopyFrom(value)
    names = sorted(fd.json_name for fd, _ in restored.ListFields()) + (["subject"] if subject else [])
    r.note(
        F.INFO_RESTORED,
        f"restored {', '.join(names)} from info.phenopacket",
        join(ptr, "phenopacket"),
        severity=Severity.INFO,
    )
    return {fd.name for fd, _ in restored.ListFields()}
