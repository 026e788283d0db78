"""Phenopackets / Families → FHIR R4 Bundles (JSON or XML), with a finding for every field not carried.

The Bundle itself is built by :mod:`phenotk.conversion.fhir.bundle`; the fields it carries are listed in
:mod:`phenotk.conversion.fhir.coverage` (docs/fhir-mapping.md is the table).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from google.protobuf.message import Message

from phenotk.conversion.base import ConvertOptions, FormatWriter
from phenotk.conversion.fhir import findings as F
from phenotk.conversion.fhir.bundle import family_to_bundle, fhir_id, packet_to_bundle
from phenotk.conversion.fhir.coverage import uncovered
from phenotk.conversion.fhir.model import validate_fhir
from phenotk.conversion.fhir.terms import coding
from phenotk.errors import UsageError
from phenotk.issue import Issue, Severity

__all__ = ["FhirWriter", "bundle_bytes", "family_to_bundle", "packet_to_bundle", "to_fhir", "writer_issues"]


def to_fhir(
    packet: Message, *, bundle_type: str = "collection", created: str | None = None, validate: bool = False
) -> dict[str, Any]:
    """FHIR R4 Bundle (JSON dict) for one Phenopacket or Family. ``validate=True`` also builds it with fhir.resources.

    A Family becomes one Bundle holding every member's resources plus a FamilyMemberHistory per relative.
    """
    from phenopackets import Family

    if isinstance(packet, Family):
        bundle = family_to_bundle(packet, bundle_type=bundle_type, created=created)
    else:
        bundle = packet_to_bundle(packet, bundle_type=bundle_type, created=created)
    if validate:
        problems = validate_fhir(bundle, severity=Severity.ERROR)
        if problems:
            raise ValueError("; ".join(i.message for i in problems))
    return bundle


def _spaced_ids(message: Message, ptr: str = "") -> Iterator[tuple[str, str]]:
    """(pointer, value) of ontology-class ids and gene ids with surrounding whitespace (a walk over set fields)."""
    name = message.DESCRIPTOR.name
    if name == "OntologyClass":
        value = getattr(message, "id", "")
        if value != value.strip():
            yield f"{ptr}/id", value
        return
    if name == "GeneDescriptor":
        value = getattr(message, "value_id", "")
        if value != value.strip():
            yield f"{ptr}/valueId", value
    for field, value in message.ListFields():
        if field.message_type is None:
            continue
        sub = f"{ptr}/{field.json_name}"
        if isinstance(value, Message):
            yield from _spaced_ids(value, sub)
        elif not hasattr(value, "items"):  # repeated messages (maps are skipped)
            for k, item in enumerate(value):
                yield from _spaced_ids(item, f"{sub}/{k}")


def _systemless_ids(message: Message, fallback: dict[str, str], ptr: str = "") -> Iterator[tuple[str, str]]:
    """(pointer, value) of ontology-class and gene ids written as a Coding without ``system``.

    Such an id has no prefix phenotk knows and none declared in metaData.resources: a FHIR consumer cannot tell
    which code system its code belongs to.
    """
    name = message.DESCRIPTOR.name
    if name in ("OntologyClass", "GeneDescriptor"):
        field = "id" if name == "OntologyClass" else "value_id"
        value = getattr(message, field, "")
        # genes are written without the packet's metaData URLs (bundle_genomics), so no fallback for them
        if value.strip() and "system" not in coding(value, "", fallback if name == "OntologyClass" else None):
            yield f"{ptr}/{'id' if field == 'id' else 'valueId'}", value
        if name == "OntologyClass":
            return
    for fd, value in message.ListFields():
        if fd.message_type is None:
            continue
        sub = f"{ptr}/{fd.json_name}"
        if isinstance(value, Message):
            yield from _systemless_ids(value, fallback, sub)
        elif not hasattr(value, "items"):
            for k, item in enumerate(value):
                yield from _systemless_ids(item, fallback, f"{sub}/{k}")


def _fallback(message: Message) -> dict[str, str]:
    """The metaData resource URL per prefix that the bundle writer uses for prefixes it does not know."""
    packet: Any = message
    members = [packet, packet.proband, *packet.relatives] if message.DESCRIPTOR.name == "Family" else [packet]
    return {r.namespace_prefix: r.url for m in members for r in m.meta_data.resources if r.namespace_prefix and r.url}


def writer_issues(packet: Message, severity: Severity) -> list[Issue]:
    """Findings for every field of a Phenopacket or Family that the FHIR mapping does not carry."""
    from phenopackets import Family

    def one(path: str, ptr: str, message: str = "") -> Issue:
        text = message or f"{path} has no place in the FHIR mapping (docs/fhir-mapping.md) and is not written"
        return F.UNMAPPED_FIELD(text, pointer=ptr, severity=severity, id=getattr(packet, "id", ""))

    spaced = [
        one(ptr, ptr, f"{ptr} is {value!r}: FHIR codes cannot carry surrounding whitespace, written trimmed")
        for ptr, value in _spaced_ids(packet)
    ]
    if not isinstance(packet, Family):
        out = [one(path, ptr) for path, ptr in uncovered(packet)]
        return spaced + out + _no_system(packet, out, one)
    out = [one(f"proband.{path}", f"/proband{ptr}") for path, ptr in uncovered(packet.proband)]
    for i, rel in enumerate(packet.relatives):
        out += [one(f"relatives.{path}", f"/relatives/{i}{ptr}") for path, ptr in uncovered(rel)]
    out += spaced
    for field, _ in packet.ListFields():
        if field.name == "pedigree":
            out.append(
                one(
                    "pedigree",
                    "/pedigree",
                    "pedigree is carried only as FamilyMemberHistory relationships "
                    "to the proband (parents, children, siblings); affected status and other links are lost",
                )
            )
        elif field.name not in ("id", "proband", "relatives"):
            out.append(one(field.name, f"/{field.json_name}"))
    return out + _no_system(packet, out, one)


def _no_system(packet: Message, unwritten: list[Issue], one: Any) -> list[Issue]:
    """A finding per id written as a Coding without system, outside the fields already reported as not written."""
    skip = [i.pointer for i in unwritten if i.pointer]
    return [
        one(
            ptr,
            ptr,
            f"{ptr} is {value!r}: no code system is known for it (no CURIE prefix phenotk knows, none in "
            "metaData.resources), so its FHIR Coding has a code but no system; FHIR consumers cannot interpret it",
        )
        for ptr, value in _systemless_ids(packet, _fallback(packet))
        if not any(ptr == p or ptr.startswith(p + "/") for p in skip)
    ]


def bundle_bytes(bundle: dict[str, Any], fmt: str = "json") -> bytes:
    """Serialise a bundle: FHIR JSON (indented), or FHIR XML through the fhir.resources R4B model (needs lxml)."""
    if fmt == "xml":
        from fhir.resources.R4B.bundle import Bundle

        try:
            out = Bundle.model_validate(bundle).model_dump_xml(pretty_print=True)
        except ImportError:
            raise UsageError(
                "writing FHIR XML needs the lxml package (pip install lxml); FHIR JSON needs nothing more"
            ) from None
        return _restore_fractions(out if isinstance(out, bytes) else str(out).encode(), bundle)
    return json.dumps(bundle, indent=2, ensure_ascii=False).encode() + b"\n"


_LONG_FRACTION = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6})\d+(Z|[+-]\d\d:\d\d)$")


def _restore_fractions(xml: bytes, bundle: dict[str, Any]) -> bytes:
    """Put back the digits fhir.resources cuts from a dateTime/instant (Python datetimes keep microseconds).

    Store packets' metaData.created has nanoseconds ('2024-03-05T13:15:24.676137924Z'); the XML said
    '…24.676137+00:00' while the JSON bundle kept the value as given.
    """
    found: dict[str, set[str]] = {}

    def walk(x: Any) -> None:
        if isinstance(x, dict):
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)
        elif isinstance(x, str):
            m = _LONG_FRACTION.match(x)
            if m:
                cut = m.group(1) + ("+00:00" if m.group(2) == "Z" else m.group(2))
                found.setdefault(cut, set()).add(x)

    walk(bundle)
    for cut, originals in found.items():
        if len(originals) == 1:  # two values cut to the same text cannot be told apart: left as written
            xml = xml.replace(f'value="{cut}"'.encode(), f'value="{next(iter(originals))}"'.encode())
    return xml


class FhirWriter(FormatWriter):
    """``--to fhir``: one FHIR R4 Bundle per phenopacket or family.

    Options: ``-O bundle-type=transaction`` (default collection), ``-O format=xml`` (default json; also chosen by
    an ``.xml`` output file).
    """

    name = "fhir"
    description = "FHIR R4 Bundle per phenopacket (Phenomics Exchange + Genomics Reporting IG shapes)"
    extensions = (".fhir.json", ".fhir.xml")
    single_file = False
    default_extension = ".json"

    def write(
        self, messages: Iterable[Message], output: Path, options: ConvertOptions, *, force: bool = False
    ) -> list[Issue]:
        """Write one bundle per packet: into ``output`` as a directory, or as the file ``output`` (``.json``).

        A ``.json`` output takes exactly one packet; a directory gets ``<packet id>.json`` files.
        """
        from phenopackets import Family, Phenopacket

        from phenotk.io import atomic_write

        bundle_type = options.extra.get("bundle-type", "collection")
        if bundle_type not in ("collection", "transaction"):
            raise UsageError(f"bundle-type {bundle_type!r} is not supported; use collection or transaction")
        fmt = options.extra.get("format") or ("xml" if str(output).lower().endswith(".xml") else "json")
        if fmt not in ("json", "xml"):
            raise UsageError(f"format {fmt!r} is not supported; use json or xml")
        ext = f".{fmt}"
        packets = list(messages)
        issues: list[Issue] = []
        as_file = str(output).lower().endswith((".json", ".xml")) and not output.is_dir()
        if as_file and len(packets) > 1:
            raise UsageError(f"{len(packets)} phenopackets cannot go into one bundle file; give a directory")
        used: set[str] = set()
        for packet in packets:
            if not isinstance(packet, (Phenopacket, Family)):
                issues.append(
                    F.UNSUPPORTED_ELEMENT(
                        f"{type(packet).__name__} is not written to FHIR (Phenopackets and Families only)",
                        severity=options.severity(Severity.ERROR),
                    )
                )
                continue
            issues += writer_issues(packet, options.severity())
            bundle = to_fhir(packet, bundle_type=bundle_type, created=options.created)
            payload = bundle_bytes(bundle, fmt)
            if as_file:
                atomic_write(output, payload, force=force)
                continue
            stem = fhir_id(packet.id or getattr(packet, "subject", packet).id or "phenopacket")
            name, n = f"{stem}{ext}", 2
            while name in used:
                name, n = f"{stem}_{n}{ext}", n + 1
            used.add(name)
            atomic_write(output / name, payload, force=force)
        return issues
