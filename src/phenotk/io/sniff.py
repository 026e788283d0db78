"""Decide, per document, its format (content first, extension second) and its element and version."""

from __future__ import annotations

import functools
import re
from typing import Any

from phenotk.errors import InputError
from phenotk.io.document import Element, Format

_EXT = {
    ".json": Format.JSON,
    ".yaml": Format.YAML,
    ".yml": Format.YAML,
    ".pb": Format.PB,
    ".binpb": Format.PB,
    ".bin": Format.PB,
    ".jsonl": Format.JSONL,
    ".ndjson": Format.JSONL,
}
#: Extensions picked up when walking a directory.
KNOWN_EXTENSIONS = frozenset(_EXT)

# v1-only top-level keys and per-feature keys (v2 dropped them)
_V1_TOP = {"genes", "variants", "htsFiles", "hts_files"}
_PRE1_TOP = {"phenotypes", "individuals"}
#: top-level keys that make a document anything but a plain v2 Phenopacket (v1/pre-1, a v1 wrapper, a Family or
#: Cohort): a document declaring 2.x with none of them is a v2 Phenopacket
_NOT_PLAIN_V2_TOP = frozenset(
    {*_PRE1_TOP, *_V1_TOP, "phenopacket", "family", "proband", "relatives", "pedigree", "members"}
)


def format_from_extension(name: str) -> Format | None:
    """Format implied by a file name, if any (``.gz`` is not stripped: compressed input is not read)."""
    lower = name.lower()
    # every known extension is one dot and dot-free letters, so a name ends with one exactly when its part from
    # the last dot is that extension (no dot: the last character, never an extension) — one dict probe per name
    return _EXT.get(lower[lower.rfind(".") :])


def sniff_format(head: bytes, name: str) -> Format:
    """Format of a file from its first bytes, falling back on the extension.

    Text that starts with ``{`` is JSON (or JSONL when a second top-level object starts on a later
    line); other UTF-8 text is YAML; anything that is not text is protobuf binary.
    """
    first = head.lstrip()[:1]  # lstrip returns ``head`` itself (no copy) when it starts with no blank
    if first in (b"{", b"["):
        by_ext = format_from_extension(name)
        if by_ext is Format.YAML:  # JSON-style documents apart by '---' are YAML (JSON is YAML): the name wins
            return Format.YAML
        if first == b"[":
            return Format.JSON  # a top-level array of documents
        return Format.JSONL if by_ext is Format.JSONL else Format.JSON
    by_ext = format_from_extension(name)
    if _looks_binary(head):
        if by_ext in (Format.YAML, Format.JSON, Format.JSONL) and _text_but_not_utf8(head):
            return by_ext  # a .yaml with a Windows-1252 byte: the text reader names its line and column
        return Format.PB
    if by_ext in (Format.JSON, Format.JSONL):
        return by_ext  # e.g. junk text in a .json file: JSON parser reports line:col
    return Format.YAML if by_ext in (None, Format.YAML) else by_ext


#: the major number of a declared ``phenopacketSchemaVersion`` (``"2.0.2"``, ``" 02.0"``, ``"v1.0"``)
_MAJOR = re.compile(r"\s*[vV]?0*(\d{1,3})(?!\d)")


def _text_but_not_utf8(head: bytes) -> bool:
    """Text in an 8-bit encoding (no NUL, as few control bytes as UTF-8 text has): not a protobuf message."""
    return b"\x00" not in head and _few_controls(head)


def _few_controls(head: bytes) -> bool:
    """No more control bytes (other than tab and line ends) than text has."""
    return sum(1 for b in head if b < 9 or 13 < b < 32) <= max(2, len(head) // 50)


def _looks_binary(head: bytes) -> bool:
    if not head:
        return False
    if b"\x00" in head:
        return True
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # a multi-byte character cut at the end of the sample is still text
        return exc.start < len(head) - 4
    return not _few_controls(head)


#: top-level keys of a Beacon v2 individual that no Phenopacket, Family or Cohort has and nobody types by mistake
_BEACON_KEYS = frozenset({"ethnicity", "geographicOrigin", "interventionsOrProcedures", "karyotypicSex"})
#: Beacon keys that could also be a slip for a Phenopacket field (``measures`` for ``measurements``): two needed
_BEACON_MAYBE = frozenset({"measures", "exposures", "treatments", "pedigrees", "info"})


def _foreign(data: dict[str, Any]) -> tuple[str, str] | None:
    """(what it is, the ``--from`` format) for a FHIR resource or a Beacon individual read as a Phenopacket."""
    kind = data.get("resourceType")
    if isinstance(kind, str) and kind:
        return f"a FHIR {kind[:40]} resource", "fhir"
    sex = data.get("sex")
    beacon_sex = isinstance(sex, dict) and str(sex.get("id", "")).startswith("NCIT:")
    if beacon_sex or not _BEACON_KEYS.isdisjoint(data) or len(_BEACON_MAYBE.intersection(data)) >= 2:
        return "a Beacon v2 individual", "beacon"
    return None


#: Biosample fields of v1 that v2 dropped (a document without a declared version that has one is v1)
_V1_BIOSAMPLE = frozenset(
    {"individual_age_at_collection", "individualAgeAtCollection", "is_control_sample", "isControlSample"}
)

#: top-level keys of HpoCaseAnnotator's own case model (its v2 JSON), which also has v1's ``variants``
_HCA_KEYS = frozenset({"studyMetadata", "biocurator"})  # each beside "publication" (v2 model; v1 model)

#: what a top-level value that is no object is called in the error (YAML reads ``# only a comment`` as None)
_KINDS = {
    list: "an array",
    type(None): "nothing (null, or a YAML document with no content)",
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "a boolean",
}


def element_of(data: Any, path: str, forced: Element | None = None) -> Element:
    """Element of a parsed JSON/YAML tree; raises ``InputError`` for v1 and non-phenopacket documents."""
    if type(data) is dict:  # the common case first (it runs for every document read): a Phenopacket declaring 2.x
        meta = data.get("metaData")
        declared = meta.get("phenopacketSchemaVersion") if type(meta) is dict else None
        if type(declared) is str and declared[:1] == "2" and _NOT_PLAIN_V2_TOP.isdisjoint(data):
            # what detect_version and the checks below answer for it, without their dozen look-ups
            return Element.PHENOPACKET if forced is None else forced
    if not isinstance(data, dict):
        kind = _KINDS.get(type(data), type(data).__name__)
        raise InputError(
            f"expected a Phenopacket, Family or Cohort object at the top level, found {kind}",
            path=path,
            line=1,
            column=1,
        )
    part = _bare_part(data)  # before the Beacon test: karyotypicSex is a field of both
    if part is not None:
        where = " (what goes under a phenopacket's 'subject')" if part == "Individual" else ""
        raise InputError(
            f"a Phenopacket {part}{where} on its own, not a Phenopacket, Family or Cohort; put it in the "
            "document it belongs to",
            path=path,
            line=1,
            column=1,
            kind="foreign",
        )
    foreign = _foreign(data)
    if foreign is not None:
        raise InputError(
            f"{foreign[0]}, not a Phenopacket, Family or Cohort; convert it: `phenotk convert FILE --from "
            f"{foreign[1]} -o out/`",
            path=path,
            line=1,
            column=1,
            kind="foreign",
        )
    if "publication" in data and not _HCA_KEYS.isdisjoint(data) and "metaData" not in data:  # v1's "variants"
        raise InputError(
            "an HpoCaseAnnotator case model (publication, variants …), not a Phenopacket; "
            "export the case from HpoCaseAnnotator as a phenopacket",
            path=path,
            line=1,
            column=1,
            kind="foreign",
        )
    version = detect_version(data)
    if version != "2":
        what = "pre-1.0" if version == "pre-1" else "v1"
        raise InputError(
            f"this is a Phenopacket {what} document; convert it with `phenotk upgrade`",
            path=path,
            line=1,
            column=1,
            kind="v1",
        )
    if forced is not None:
        return forced
    if "members" in data:
        return Element.COHORT
    if "proband" in data or "relatives" in data or "pedigree" in data:
        return Element.FAMILY
    if not data:
        raise InputError("empty document: no Phenopacket fields", path=path, line=1, column=1)
    if _element_keys().isdisjoint(data):
        raise InputError(_not_an_element(data), path=path, line=1, column=1, kind="foreign")
    return Element.PHENOPACKET


#: messages found on their own in other projects' example folders, in the order they are tried
_PARTS = (
    "Individual",
    "Pedigree",
    "GenomicInterpretation",
    "Interpretation",
    "Biosample",
    "PhenotypicFeature",
    "Disease",
    "Measurement",
    "MedicalAction",
    "Evidence",
    "MetaData",
)


@functools.cache
def _part_keys() -> tuple[tuple[str, frozenset[str]], ...]:
    """(message name, its field names as JSON and proto names) for each of :data:`_PARTS`."""
    from phenopackets.schema.v2 import phenopackets_pb2

    out = []
    for name in _PARTS:
        desc = phenopackets_pb2.DESCRIPTOR.message_types_by_name.get(name) or _core_message(name)
        out.append((name, frozenset(n for f in desc.fields for n in (f.name, f.json_name))))
    return tuple(out)


def _core_message(name: str) -> Any:
    from google.protobuf import descriptor_pool

    return descriptor_pool.Default().FindMessageTypeByName(f"org.phenopackets.schema.v2.core.{name}")


def _bare_part(data: dict[Any, Any]) -> str | None:
    """The phenopacket part(s) an object can be on its own (schemablocks' individual.json, gpsea's interpretations).

    Its keys are all fields of that message, and one at least is no field of a Phenopacket, Family or Cohort.
    """
    if not data or not all(type(k) is str for k in data) or _element_keys().issuperset(data):
        return None
    names = [name for name, keys in _part_keys() if keys.issuperset(data)]
    return " or ".join(names) if names else None


def has_element_key(data: dict[Any, Any]) -> bool:
    """True when some top-level key of ``data`` (as text) is a field of a Phenopacket, Family or Cohort."""
    return not _element_keys().isdisjoint(str(k) for k in data)


@functools.cache
def _element_keys() -> frozenset[str]:
    """Every top-level field name of a Phenopacket, Family or Cohort, as JSON and as proto names."""
    names: set[str] = set()
    for el in Element:
        for f in el.message_class.DESCRIPTOR.fields:
            names.update((f.name, f.json_name))
    return frozenset(names)


def _not_an_element(data: dict[Any, Any]) -> str:
    """Why a JSON object none of whose keys is a Phenopacket, Family or Cohort field is none of them."""
    keys = [str(k)[:40] for k in list(data)[:4]]
    shown = ", ".join(keys) + (" …" if len(data) > 4 else "")
    if "phetoolsSchemaVersion" in data or ("hpoHeaders" in data and "rows" in data):
        what = "a pyphetools/PhenoBoard cohort template"
    else:
        what = "an object"
    return (
        f"{what}, not a Phenopacket, Family or Cohort: none of its top-level keys ({shown}) is a field of one"
    )


def detect_version(data: dict[str, Any]) -> str:
    """``"2"``, ``"1"`` or ``"pre-1"`` for a Phenopacket/Family/Cohort tree (by content, not by claims).

    A declared ``metaData.phenopacketSchemaVersion`` of 1.x marks v1; so do v1-only fields
    (``genes``, ``variants``, ``htsFiles``, ``negated``/``classOfOnset`` on features). Families and
    cohorts are judged by their members too. The per-feature scan is skipped for a document that declares
    2.x (it runs for every document read): such a document with v1 feature fields is a v2 document with
    unknown fields, which the validator reports.
    """
    if _PRE1_TOP & data.keys():
        return "pre-1"
    meta = data.get("metaData", data.get("meta_data"))
    declared_v2 = False
    if isinstance(meta, dict):
        declared = meta.get("phenopacketSchemaVersion", meta.get("phenopacket_schema_version"))
        major = _MAJOR.match(declared) if isinstance(declared, str) else None
        if major is not None:  # "1.0", "0.1" (pre-releases of v1), "02.0" and "v2" read by their number
            if int(major.group(1)) in (0, 1):
                return "1"
            declared_v2 = int(major.group(1)) == 2
    if _V1_TOP & data.keys():
        return "1"
    subject = None if declared_v2 else data.get("subject")
    if isinstance(subject, dict) and (
        isinstance(subject.get("phenotypes"), list) or isinstance(subject.get("phenotypicFeatures"), list)
    ):
        return "pre-1"  # the 0.1 layout (the schema documentation's example, LIRICAL's input): the subject's own list
    for key in ("phenotypicFeatures", "phenotypic_features"):
        feats = None if declared_v2 else data.get(key)
        if isinstance(feats, list):
            for f in feats:  # membership tests, no set building: this runs for every document read
                if isinstance(f, dict) and ("negated" in f or "classOfOnset" in f or "class_of_onset" in f):
                    return "1"
    for key in ("biosamples",):
        samples = None if declared_v2 else data.get(key)
        if isinstance(samples, list):
            for b in samples:  # v1-only Biosample fields (v2: timeOfCollection; no control flag)
                if isinstance(b, dict) and not _V1_BIOSAMPLE.isdisjoint(b):
                    return "1"
    if "phenopacket" in data and isinstance(data.get("phenopacket"), dict):
        return "1"  # v1 Interpretation wrapper
    if "family" in data and isinstance(data.get("family"), dict):
        return "1"
    for key in ("proband",):
        sub = data.get(key)
        if isinstance(sub, dict) and detect_version(sub) != "2":
            return "1"
    for key in ("members", "relatives"):
        subs = data.get(key)
        if isinstance(subs, list):
            for sub in subs:
                if isinstance(sub, dict) and detect_version(sub) != "2":
                    return "1"
    return "2"
