"""FHIR R4 ↔ Phenopackets v2, both ways (Phenomics Exchange IG + Genomics Reporting IG shapes).

Public entry points (re-exported by ``phenotk``): :func:`to_fhir` and :func:`from_fhir`. The converter
classes :class:`FhirReader` / :class:`FhirWriter` plug into ``phenotk convert`` through the registry.
FHIR models come from ``fhir.resources.R4B`` (FHIR 4.3, wire-compatible with R4 for every resource used here;
fhir.resources 8 has no plain R4 package). The field-by-field mapping is docs/fhir-mapping.md.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from google.protobuf.message import Message

from phenotk.conversion.base import Converted, ConvertOptions, FormatReader, FormatWriter
from phenotk.conversion.fhir.coverage import uncovered
from phenotk.conversion.fhir.reader import CODE_INVALID, RULES, read_tree
from phenotk.conversion.fhir.writer import family_to_bundle, fhir_id, packet_to_bundle
from phenotk.errors import InputError, UsageError
from phenotk.issue import Issue, Severity

__all__ = ["FhirReader", "FhirWriter", "from_fhir", "load_fhir", "read_fhir", "to_fhir", "validate_fhir"]

#: Resources kept per validation error list in one finding.
_MAX_ERRORS = 5


def _pointer(loc: tuple[Any, ...]) -> str:
    return "".join(f"/{p}" for p in loc if not (isinstance(p, str) and p.startswith(("function-", "model_"))))


def validate_fhir(tree: dict[str, Any], *, severity: Severity = Severity.WARNING) -> list[Issue]:
    """Validate a FHIR JSON tree with the fhir.resources R4B models; one finding per error (at most a few)."""
    from fhir.resources.R4B import get_fhir_model_class
    from pydantic import ValidationError

    rt = tree.get("resourceType")
    try:
        cls = get_fhir_model_class(str(rt))
    except (ValueError, AttributeError, KeyError):
        return [Issue(CODE_INVALID, "fhir-invalid", severity, f"unknown FHIR resourceType {rt!r}", "/resourceType")]
    try:
        cls.model_validate(tree)
    except KeyError as exc:  # fhir.resources fails this way on e.g. an unknown nested resourceType
        msg = f"FHIR R4 model: cannot check this resource ({type(exc).__name__}: {exc}); read tolerantly anyway"
        return [Issue(CODE_INVALID, "fhir-invalid", severity, msg, "")]
    except ValidationError as exc:
        errors = exc.errors()
        out = []
        for err in errors[:_MAX_ERRORS]:
            ptr = _pointer(tuple(err.get("loc", ())))
            out.append(
                Issue(
                    CODE_INVALID,
                    "fhir-invalid",
                    severity,
                    f"FHIR R4 model: {ptr or '/'}: {err.get('msg')}; read tolerantly anyway",
                    ptr,
                )
            )
        if len(errors) > _MAX_ERRORS:
            out.append(
                Issue(
                    CODE_INVALID,
                    "fhir-invalid",
                    severity,
                    f"{len(errors) - _MAX_ERRORS} more FHIR model errors not listed",
                    "",
                )
            )
        return out
    except (ValueError, TypeError) as exc:
        return [Issue(CODE_INVALID, "fhir-invalid", severity, f"FHIR R4 model: {exc}", "")]
    return []


def load_fhir(source: str | os.PathLike[str] | bytes | dict[str, Any], name: str = "<fhir>") -> dict[str, Any]:
    """FHIR JSON tree from a path, bytes (JSON or XML) or an already parsed dict. Raises ``InputError``."""
    if isinstance(source, dict):
        return source
    if isinstance(source, bytes):
        raw = source
    else:
        name = os.fspath(source)
        try:
            raw = Path(name).read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror or exc}", path=name, kind="missing") from None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]  # UTF-8 byte order mark
    head = raw.lstrip()[:1]
    if head == b"<":
        from phenotk.conversion.fhir.xml import xml_to_json

        try:
            return xml_to_json(raw)
        except ValueError as exc:
            raise InputError(str(exc), path=name) from None
    try:
        tree = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        col = getattr(exc, "colno", None)
        raise InputError(f"not JSON or XML: {exc}", path=name, line=line, column=col) from None
    except RecursionError:
        raise InputError("not JSON or XML: nested too deeply", path=name, line=1, column=1) from None
    if not isinstance(tree, dict) or not isinstance(tree.get("resourceType"), str):
        raise InputError('not a FHIR resource: no top-level "resourceType"', path=name, line=1, column=1)
    return tree


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
    source: str | os.PathLike[str] | bytes | dict[str, Any], options: ConvertOptions | None = None
) -> list[Message]:
    """Phenopackets (one per FHIR Patient) from a FHIR Bundle/resource: path, JSON/XML bytes or dict.

    Findings are dropped here; use :func:`read_fhir` (or ``phenotk convert``) to get them.
    """
    return [c.message for c in read_fhir(source, options, validate=False) if c.message is not None]


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


def writer_issues(packet: Message, severity: Severity) -> list[Issue]:
    """Findings for every field of a Phenopacket or Family that the FHIR mapping does not carry."""
    from phenopackets import Family

    def one(path: str, ptr: str, message: str = "") -> Issue:
        text = message or f"{path} has no place in the FHIR mapping (docs/fhir-mapping.md) and is not written"
        return Issue(
            RULES["fhir-unmapped-field"],
            "fhir-unmapped-field",
            severity,
            text,
            ptr,
            context={"id": getattr(packet, "id", "")},
        )

    spaced = [
        one(ptr, ptr, f"{ptr} is {value!r}: FHIR codes cannot carry surrounding whitespace, written trimmed")
        for ptr, value in _spaced_ids(packet)
    ]
    if not isinstance(packet, Family):
        return spaced + [one(path, ptr) for path, ptr in uncovered(packet)]
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
    return out


def bundle_bytes(bundle: dict[str, Any], fmt: str = "json") -> bytes:
    """Serialise a bundle: FHIR JSON (indented), or FHIR XML through the fhir.resources R4B model."""
    if fmt == "xml":
        from fhir.resources.R4B.bundle import Bundle

        out = Bundle.model_validate(bundle).model_dump_xml(pretty_print=True)
        return out if isinstance(out, bytes) else str(out).encode()
    return json.dumps(bundle, indent=2, ensure_ascii=False).encode() + b"\n"


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
                    Issue(
                        RULES["fhir-unsupported-element"],
                        "fhir-unsupported-element",
                        options.severity(Severity.ERROR),
                        f"{type(packet).__name__} is not written to FHIR (Phenopackets and Families only)",
                        "",
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
