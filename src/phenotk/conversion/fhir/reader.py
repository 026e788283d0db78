"""FHIR R4 (JSON tree) → Phenopackets: one packet per Patient, a finding for everything not carried.

Tolerant by design: resources are read from the raw JSON tree (so a resource the FHIR model rejects is still
read), known variants of code-system URIs and of presence/absence encodings are accepted, and every resource or
element that has no place in a phenopacket becomes an ``fhir-unmapped-resource`` / ``fhir-unmapped-element``
finding whose pointer is the element's JSON pointer in the input and whose message names its FHIR path.

This module walks the Bundle and assembles the packets; each resource kind is read by its own module
(``read_patient``, ``read_phenotype``, ``read_genomics``, ``read_documents``) over the shared
:class:`~phenotk.conversion.fhir.walk.Walk`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from google.protobuf import json_format
from google.protobuf.message import Message

from phenotk.conversion.base import Converted, ConvertOptions, FormatReader
from phenotk.conversion.fhir import findings as F
from phenotk.conversion.fhir import read_documents, read_genomics, read_patient, read_phenotype
from phenotk.conversion.fhir import terms as T
from phenotk.conversion.fhir.model import validate_fhir
from phenotk.conversion.fhir.source import load_fhir
from phenotk.conversion.fhir.walk import Packet, Res, Walk
from phenotk.issue import Severity

__all__ = ["FhirReader", "from_fhir", "read_fhir", "read_tree"]

#: Reader of each resource type a phenopacket has a place for; every other type is one finding.
HANDLERS: dict[str, Callable[[Walk, Res], None]] = {
    "Observation": read_phenotype.observation,
    "Condition": read_phenotype.condition,
    "DiagnosticReport": read_genomics.report,
    "Provenance": read_documents.provenance,
    "DocumentReference": read_documents.document_reference,
    "Specimen": read_patient.specimen,
    "FamilyMemberHistory": read_patient.family_member_history,
}


def read_tree(tree: dict[str, Any], source: str, options: ConvertOptions | None = None) -> list[Converted]:
    """Phenopackets (one per Patient) with findings, from a FHIR resource or Bundle JSON tree."""
    w = Walk(tree, source, options or ConvertOptions())
    w.collect()
    is_bundle = tree.get("resourceType") == "Bundle"
    ident = tree.get("identifier") if is_bundle else None
    w.phenotk_made = isinstance(ident, dict) and ident.get("system") in (T.ID_PHENOPACKET, T.ID_FAMILY)
    for res in w.resources:
        if res.type == "Patient":
            read_patient.patient(w, res)
    if isinstance(ident, dict) and ident.get("system") == T.ID_PHENOPACKET and len(w.packets) == 1:
        bundle_id = ident.get("value")
        if bundle_id:
            next(iter(w.packets.values())).data["id"] = bundle_id
    # reports first, so variant/implication observations they use are not read twice
    for res in sorted(w.resources, key=lambda r: 0 if r.type == "DiagnosticReport" else 1):
        if res.type == "Patient" or id(res) in w.used:
            continue
        handler = HANDLERS.get(res.type)
        if handler is None:
            w.unmapped_resource(res, w.packet_for(res) if "subject" in res.data else None)
        else:
            handler(w, res)
    return _finish(w)


def _finish(w: Walk) -> list[Converted]:
    """The packets as messages (a finding when the values read do not form one), then embedded packets."""
    from phenopackets import Phenopacket

    out: list[Converted] = []
    for pk in w.packets.values():
        _fill_labels(w, pk)
        if not pk.has_meta:
            pk.data["metaData"] = _default_meta(w, pk)
        msg: Any = Phenopacket()
        try:
            json_format.ParseDict(pk.data, msg)
        except json_format.ParseError as exc:
            pk.issues.append(
                F.BAD_VALUE(f"values read from FHIR do not form a valid phenopacket: {exc}", severity=Severity.ERROR)
            )
            msg = None
        out.append(Converted(msg, pk.source or w.source, pk.issues, name=str(pk.data.get("id") or "")))
    out += w.extra
    if not out:
        kinds = ", ".join(sorted({r.type for r in w.resources})) or "nothing"
        w.loose.insert(
            0, F.NO_PATIENT(f"no Patient (or resource about a patient) to make a phenopacket from; found {kinds}")
        )
        out.append(Converted(None, w.source, w.loose))
    else:
        out[0].issues[:0] = w.loose
    return out


def _unlabelled(x: Any, found: list[dict[str, Any]]) -> None:
    """The ontology classes (``{id}`` dicts with a CURIE id and no or an empty label) in a packet's JSON."""
    if isinstance(x, dict):
        v = x.get("id")
        if isinstance(v, str) and ":" in v and set(x) <= {"id", "label"} and not x.get("label"):
            found.append(x)
            return
        for y in x.values():
            _unlabelled(y, found)
    elif isinstance(x, list):
        for y in x:
            _unlabelled(y, found)


def _displayless(x: Any, ptr: str, found: dict[str, str]) -> None:
    """CURIE → pointer of the first Coding in the input with that code and no display."""
    if isinstance(x, dict):
        if "code" in x and not x.get("display") and ("system" in x or isinstance(x.get("code"), str)):
            curie = T.curie_of(x)
            if curie:
                found.setdefault(curie, ptr)
        for k, y in x.items():
            _displayless(y, f"{ptr}/{str(k).replace('~', '~0').replace('/', '~1')}", found)
    elif isinstance(x, list):
        for i, y in enumerate(x):
            _displayless(y, f"{ptr}/{i}", found)


def _fill_labels(w: Walk, pk: Packet) -> None:
    """Label the packet's terms read without one (a coding with no display, no text) from the loaded ontology.

    HP terms take ``options.ontology``, other prefixes ``options.ontologies[prefix]``; the label is that release's
    current label of the id, with one ``fhir-label-from-ontology`` finding per id. Without an ontology for the
    prefix (or when the release lacks the id) the label stays empty, as before.
    """
    if w.options.ontology is None and not w.options.ontologies:
        return
    found: list[dict[str, Any]] = []
    _unlabelled({k: v for k, v in pk.data.items() if k != "metaData"}, found)
    reported: set[str] = set()
    for oc in found:
        curie = oc["id"]
        prefix = curie.split(":", 1)[0]
        onto = w.options.ontology if prefix.upper() == "HP" else w.options.ontologies.get(prefix)
        label = onto.label(curie) if onto is not None else None
        if not label:
            continue
        oc["label"] = label
        if curie in reported:
            continue
        reported.add(curie)
        where = w.__dict__.get("_displayless")
        if where is None:
            where = w.__dict__["_displayless"] = {}
            _displayless(w.tree, "", where)
        name = "HPO" if prefix.upper() == "HP" else prefix
        release = getattr(onto, "version", None) or "of unknown version"
        w.issue(
            F.LABEL_FROM_ONTOLOGY,
            f"{curie} has no display in the input; label {label!r} taken from {name} release {release}",
            where.get(curie, ""),
            sev=Severity.INFO,
            pk=pk,
            term=curie,
            label=label,
            release=release,
        )


def _prefixes(x: Any, found: set[str]) -> None:
    """CURIE prefixes of the ontology classes and gene ids (``valueId``, e.g. HGNC) in a packet's JSON."""
    if isinstance(x, dict):
        v = x.get("id")
        if isinstance(v, str) and ":" in v and ("label" in x or len(x) == 1):
            found.add(v.split(":", 1)[0])
        gene = x.get("valueId")
        if isinstance(gene, str) and ":" in gene:
            found.add(gene.split(":", 1)[0])
        for y in x.values():
            _prefixes(y, found)
    elif isinstance(x, list):
        for y in x:
            _prefixes(y, found)


def _default_meta(w: Walk, pk: Packet) -> dict[str, Any]:
    """The metaData of a packet without a phenotk Provenance: one resource per CURIE prefix used."""
    created = w.options.created or datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    prefixes: set[str] = set()
    _prefixes({k: v for k, v in pk.data.items() if k != "subject"}, prefixes)
    resources = []
    for p in sorted(prefixes):
        rid, name, url, iri = T.RESOURCES.get(p, (p.lower(), p, T.system_for(p) or "", ""))
        resources.append(
            {
                "id": rid,
                "name": name,
                "namespacePrefix": p,
                "url": url,
                "version": pk.versions.get(p, "unknown"),
                "iriPrefix": iri,
            }
        )
    return {
        "created": created,
        "createdBy": w.options.created_by,
        "resources": resources,
        "phenopacketSchemaVersion": "2.0",
    }


def read_fhir(
    source: str | os.PathLike[str] | bytes | dict[str, Any],
    options: ConvertOptions | None = None,
    *,
    validate: bool = True,
    name: str | None = None,
) -> list[Converted]:
    """Convert a FHIR resource or Bundle (JSON or XML) into :class:`Converted` phenopackets with findings."""
    label = name or (os.fspath(source) if isinstance(source, (str, os.PathLike)) else "<fhir>")
    tree = load_fhir(source, label)
    options = options or ConvertOptions()
    items = read_tree(tree, label, options)
    if validate:
        problems = validate_fhir(tree, severity=options.severity(Severity.WARNING))
        if problems and items:
            items[0].issues[:0] = problems
    return items


def from_fhir(
    source: str | os.PathLike[str] | bytes | dict[str, Any],
    options: ConvertOptions | None = None,
    *,
    hpo: Any = None,
) -> list[Message]:
    """Phenopackets (one per FHIR Patient) from a FHIR Bundle/resource: path, JSON/XML bytes or dict.

    ``hpo`` (an ontology index, or a path to hp.json / hp.obo) labels HPO codings that have no ``display``.
    Findings are dropped here; use :func:`read_fhir` (or ``phenotk convert``) to get them.
    """
    if hpo is not None:
        if not hasattr(hpo, "label"):
            from phenotk.ontology import load_ontology

            hpo = load_ontology(os.fspath(hpo), prefix="HP")
        options = replace(options or ConvertOptions(), ontology=hpo)
    return [c.message for c in read_fhir(source, options, validate=False) if c.message is not None]


class FhirReader(FormatReader):
    """``--from fhir``: FHIR R4 Bundle or resource (JSON or XML) → one phenopacket per Patient."""

    name = "fhir"
    description = "FHIR R4 Bundle/resource (JSON or XML) → one phenopacket per Patient"
    extensions = (".json", ".xml")

    def sniff(self, path: Path, head: bytes) -> bool:
        """JSON with a top-level ``resourceType``, or XML in the FHIR namespace."""
        text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
        if text.startswith(b"<"):
            return b'xmlns="http://hl7.org/fhir"' in text or b"xmlns='http://hl7.org/fhir'" in text
        if text.startswith(b"{"):
            return b'"resourceType"' in text[:4096]
        return False

    def read(self, path: Path, options: ConvertOptions) -> Iterator[Converted]:
        """Convert one FHIR file; ``InputError`` when it is not FHIR JSON/XML."""
        yield from read_fhir(path, options)
