"""The de-identifier: one walk over a document's JSON tree, guided by the protobuf schema and a profile.

Each dict is visited with its protobuf message type, so every key is known to be an id, a timestamp, free text
or something else — no guessing from key names, and a key the schema does not know is removed and reported.
The input tree is not modified; a new tree is built.
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from google.protobuf.descriptor import Descriptor, FieldDescriptor

from phenotk.io import Element
from phenotk.io.sourcemap import escape
from phenotk.issue import Issue
from phenotk.sharing import findings as F
from phenotk.sharing import time as T
from phenotk.sharing.profiles import Profile
from phenotk.sharing.pseudonyms import Keyring
from phenotk.sharing.risk import Record, record_of
from phenotk.sharing.text import FREE_TEXT, REWRITTEN, SCANNED, STRUCTURED, URL_VALUED, distinctive, plain, scan

#: (message type, JSON field) of ids: pseudonymised; references between them resolve because one id always
#: maps to one pseudonym
ID_FIELDS: frozenset[tuple[str, str]] = frozenset(
    {
        ("Phenopacket", "id"),
        ("Individual", "id"),
        ("Biosample", "id"),
        ("Biosample", "individualId"),
        ("Biosample", "derivedFromId"),
        ("Interpretation", "id"),
        ("GenomicInterpretation", "subjectOrBiosampleId"),
        ("Family", "id"),
        ("Person", "familyId"),
        ("Person", "individualId"),
        ("Person", "paternalId"),
        ("Person", "maternalId"),
        ("Cohort", "id"),
    }
)
_FILES = frozenset({("Phenopacket", "files"), ("Biosample", "files"), ("Family", "files"), ("Cohort", "files")})
_REFERENCES = frozenset({("MetaData", "externalReferences"), ("Evidence", "reference")})
_SUBMITTERS = frozenset({("MetaData", "submittedBy"), ("Update", "updatedBy")})

SCALAR, MESSAGE, MAP, TIMESTAMP = 0, 1, 2, 3
#: actions whose values are handled after the walk, when every id of the document is known: "scan" (ids
#: rewritten, then scanned), "rewrite" (ids rewritten), "check" (scanned as it is), "check-url" (scanned, a
#: URL is no finding)
_DEFERRED = frozenset({"scan", "rewrite", "check", "check-url"})
_URL = frozenset({"URL"})


@dataclass(frozen=True, slots=True)
class _Field:
    json: str
    kind: int
    repeated: bool
    child: Descriptor | None
    action: str
    #: an enum's value names and numbers (None for other fields): anything else is no value of the field
    values: frozenset[str | int] | None = None


def _action(msg: str, name: str, kind: int, profile: Profile, text: bool = False) -> str:
    """What the walk does with a field: its (message, field) key, value kind, the profile; ``text``: a string."""
    key = (msg, name)
    if key in ID_FIELDS:
        return "id"
    if key == ("Individual", "alternateIds") or key in FREE_TEXT:
        return "drop"
    if key in _REFERENCES and profile.references == "remove":
        return "drop"
    if key in _FILES and profile.files == "remove":
        return "drop"
    if key in _SUBMITTERS and not profile.keep_submitters:
        return "drop"
    if key == ("File", "uri"):
        return "uri"
    if key == ("Age", "iso8601duration") and profile.cap_ages:
        return "age"
    if key in SCANNED:
        return "scan"
    if key in REWRITTEN:  # id-like, but what a curator writes there can still hold a date or a number
        return "scan"
    if kind == TIMESTAMP:
        return "dob" if key == ("Individual", "dateOfBirth") else "ts"
    if kind == MAP:
        return "ids-map" if key == ("File", "individualToFileIdentifiers") else "attributes"
    if text and key not in STRUCTURED:  # every other kept string: scanned as it is
        return "check-url" if key in URL_VALUED else "check"
    return "keep"


@functools.cache
def _table(desc: Descriptor, profile: Profile) -> dict[str, _Field]:
    out: dict[str, _Field] = {}
    for f in desc.fields:
        child = f.message_type if f.type == FieldDescriptor.TYPE_MESSAGE else None
        if child is None:
            kind = SCALAR
        elif child.GetOptions().map_entry:
            kind = MAP
        elif child.full_name == "google.protobuf.Timestamp":
            kind = TIMESTAMP
        elif child.full_name.startswith("google.protobuf."):
            kind = SCALAR  # other well-known types: JSON scalars or structs, kept as written
        else:
            kind = MESSAGE
        text = f.type == FieldDescriptor.TYPE_STRING
        values: frozenset[str | int] | None = None
        enum = f.enum_type if f.type == FieldDescriptor.TYPE_ENUM else None
        if enum is not None:
            values = frozenset([*(v.name for v in enum.values), *(v.number for v in enum.values)])
        elif f.type == FieldDescriptor.TYPE_BOOL:
            values = _BOOL
        elif f.type in _NUMERIC:
            values = _NUMBER
        action = _action(desc.name, f.json_name, kind, profile, text)
        entry = _Field(f.json_name, kind, f.is_repeated, child, action, values)
        out[f.json_name] = entry
        out.setdefault(f.name, entry)
    return out


#: markers in :attr:`_Field.values` for a bool field and a number field (protobuf JSON: a number or its string)
_BOOL: frozenset[str | int] = frozenset({"bool"})
_NUMBER: frozenset[str | int] = frozenset({"number"})
_NUMERIC = frozenset(
    {
        FieldDescriptor.TYPE_DOUBLE,
        FieldDescriptor.TYPE_FLOAT,
        FieldDescriptor.TYPE_INT64,
        FieldDescriptor.TYPE_UINT64,
        FieldDescriptor.TYPE_INT32,
        FieldDescriptor.TYPE_FIXED64,
        FieldDescriptor.TYPE_FIXED32,
        FieldDescriptor.TYPE_UINT32,
        FieldDescriptor.TYPE_SFIXED32,
        FieldDescriptor.TYPE_SFIXED64,
        FieldDescriptor.TYPE_SINT32,
        FieldDescriptor.TYPE_SINT64,
    }
)


def _number(v: Any) -> bool:
    if isinstance(v, bool):
        return False
    if isinstance(v, (int, float)):
        return True
    if isinstance(v, str) and len(v) <= 64:
        try:
            float(v)  # "48762884", "1e3", "NaN", "Infinity": numbers as protobuf JSON writes them
        except ValueError:
            return False
        return True
    return False


def _enum_ok(value: Any, values: frozenset[str | int]) -> bool:
    """True for a value of the field's type: an enum name or number, a bool, a number (or a list of them)."""
    items = value if isinstance(value, list) else [value]
    if values is _BOOL:  # "true" as a string, 0 / 1: loose, but no room for text
        return all(isinstance(v, bool) or v in (0, 1) or str(v).lower() in ("true", "false") for v in items)
    if values is _NUMBER:
        return all(_number(v) for v in items)
    return all(not isinstance(v, bool) and isinstance(v, (str, int)) and v in values for v in items)


@dataclass(frozen=True)
class _Subject:
    offset: int
    birth: _dt.datetime | None
    #: the id whose offset this is (a biosample of another individual switches to that individual)
    ident: str = ""


_SUFFIX = re.compile(r"^[A-Za-z0-9]{1,5}$")


def _extension(uri: str) -> str:
    """``.vcf.gz`` of ``file://data/x.vcf.gz`` (only short alphanumeric suffixes: no id rides along)."""
    name = uri.rstrip("/").rsplit("/", 1)[-1]
    parts = name.split(".")[1:]
    keep: list[str] = []
    for part in reversed(parts):
        if not _SUFFIX.match(part) or part.isdigit():
            break
        keep.insert(0, part)
    return "".join("." + p for p in keep[-2:])


class Deidentifier:
    """De-identifies documents with one key and one profile; collects findings per document."""

    def __init__(self, keyring: Keyring, profile: Profile) -> None:
        self.keyring = keyring
        self.profile = profile
        self._issues: list[Issue] = []
        self._ids: set[str] = set()
        self._deferred: list[tuple[Any, Any, str, str]] = []
        self._subject = _Subject(0, None)
        #: the original ids of the last document (for rewriting its file name)
        self.last_ids: set[str] = set()

    # ------------------------------------------------------------------ documents

    def document(self, data: dict[str, Any], element: Element) -> tuple[dict[str, Any], list[Issue], list[Record]]:
        """(de-identified tree, findings, quasi-identifier records) of one document tree."""
        self._issues, self._ids, self._deferred = [], set(), []
        desc: Any = element.message_class.DESCRIPTOR
        if element is Element.FAMILY:
            proband = data.get("proband")
            self._subject = self._subject_of(proband if isinstance(proband, dict) else {}, data)
        elif element is Element.COHORT:
            self._subject = _Subject(self._offset(data.get("id")), None)
        out = self._message(data, desc, "")
        self._finish()
        self.last_ids = self._ids
        return out, self._issues, list(self._records(out, element))

    def _records(self, out: dict[str, Any], element: Element) -> Iterator[Record]:
        if element is Element.PHENOPACKET:
            yield record_of(out, "")
        elif element is Element.FAMILY:
            for pp in [out.get("proband"), *(out.get("relatives") or [])]:
                if isinstance(pp, dict):
                    yield record_of(pp, "")
        else:
            for pp in out.get("members") or []:
                if isinstance(pp, dict):
                    yield record_of(pp, "")

    def _offset(self, ident: Any) -> int:
        return self.keyring.offset_days(ident if isinstance(ident, str) else "")

    def _subject_of(self, packet: dict[str, Any], fallback: dict[str, Any]) -> _Subject:
        subject = packet.get("subject")
        subject = subject if isinstance(subject, dict) else {}
        ident = subject.get("id")
        known = ident if isinstance(ident, str) else ""  # only a subject id tells another individual's sample
        if not isinstance(ident, str) or not ident:
            ident = packet.get("id") if isinstance(packet.get("id"), str) else fallback.get("id")
        birth = T.parse(subject.get("dateOfBirth", subject.get("date_of_birth")))
        return _Subject(self._offset(ident), birth, known)

    # ------------------------------------------------------------------ the walk

    def _message(self, d: dict[str, Any], desc: Descriptor, ptr: str) -> dict[str, Any]:
        name = desc.name
        outer = None
        if name == "Phenopacket":
            outer, self._subject = self._subject, self._subject_of(d, d)
        elif name == "Biosample" and self._other_individual(d.get("individualId")):
            # a relative's sample in the proband's packet: that person's dates, with that person's offset (as in
            # their own file); their birth date is not known here, so no timestamp becomes an age
            ident = str(d["individualId"])
            outer, self._subject = self._subject, _Subject(self._offset(ident), None, ident)
        elif name == "TimeElement" and self._subject.birth is not None and self.profile.timestamps_to_ages:
            d = self._as_age(d)
        table = _table(desc, self.profile)
        out: dict[str, Any] = {}
        for key, value in d.items():
            f = table.get(key)
            p = f"{ptr}/{escape(key)}"
            if f is None:
                self._issues.append(
                    F.UNKNOWN_FIELD(f"{key!r} is not a field of {name}; removed from the output", pointer=p)
                )
                continue
            action = f.action
            if action == "drop":
                continue
            if value is None:
                out[f.json] = None
                continue
            kind = f.kind
            if kind == MESSAGE:
                if f.repeated and isinstance(value, list) and f.child is not None:
                    items = []
                    for i, v in enumerate(value):
                        if isinstance(v, dict):
                            items.append(self._message(v, f.child, f"{p}/{i}"))
                        else:
                            self._wrong(f"{p}/{i}", name, key)
                    out[f.json] = items
                elif isinstance(value, dict) and f.child is not None and not f.repeated:
                    out[f.json] = self._message(value, f.child, p)
                else:
                    self._wrong(p, name, key)  # a wrong type could carry anything: not copied
            elif kind == TIMESTAMP:
                new = self._timestamp(value, action, p)
                if new is not None:
                    out[f.json] = new
            elif kind == MAP:
                if isinstance(value, dict):
                    out[f.json] = self._map(value, action, p)
                else:
                    self._wrong(p, name, key)
            elif action == "keep":
                if (isinstance(value, (dict, list)) and not f.repeated) or (f.repeated and not isinstance(value, list)):
                    self._wrong(p, name, key)
                elif f.values is not None and not _enum_ok(value, f.values):
                    # "sex": "Jane Roe, 555-867-5309" is no enum value and could be anything: not copied
                    what = {id(_BOOL): "true or false", id(_NUMBER): "a number"}.get(id(f.values), "an enum value")
                    self._issues.append(F.UNKNOWN_FIELD(f"{key!r} of {name} is not {what}; removed", pointer=p))
                else:
                    out[f.json] = value
            elif f.repeated and not isinstance(value, list):
                self._wrong(p, name, key)
            else:
                self._scalar(out, f.json, value, action, p, name)
        if outer is not None:
            self._subject = outer
        return out

    def _other_individual(self, ident: Any) -> bool:
        known = self._subject.ident
        return bool(known) and isinstance(ident, (str, int)) and str(ident) not in ("", known)

    def _wrong(self, p: str, msg: str, key: str) -> None:
        self._issues.append(F.UNKNOWN_FIELD(f"{key!r} of {msg} has a value of the wrong type; removed", pointer=p))

    def _scalar(self, out: dict[str, Any], key: str, value: Any, action: str, p: str, msg: str) -> None:
        if isinstance(value, (int, float)) and not isinstance(value, bool) and action == "id":
            value = str(value)  # a numeric id is still an id
        if isinstance(value, list) and action in _DEFERRED:
            out[key] = value
            self._deferred.append((out, key, action, p))
            return
        if not isinstance(value, str):
            self._wrong(p, msg, key)
            return
        if action == "id":
            if value not in ("", "0"):
                self._ids.add(value)
            out[key] = self.keyring.pseudonym(value)
        elif action == "age":
            days = T.age_days(value)
            if days is None:  # cannot tell whether it is 90 or more: not kept
                self._issues.append(
                    F.TIME_UNREADABLE(
                        f"age {value!r} is not an ISO 8601 duration; removed (it could be 90 or older)", pointer=p
                    )
                )
                return
            if days >= T.CAP_DAYS and value != T.AGE_CAP:
                self._issues.append(F.AGE_GENERALISED(f"age {value} written as {T.AGE_CAP} (90 or older)", pointer=p))
                value = T.AGE_CAP
            out[key] = value
        elif action == "uri":
            out[key] = self.keyring.pseudonym(value) + _extension(value)
        else:  # scan / rewrite: after the walk, when every id of the document is known
            out[key] = value
            self._deferred.append((out, key, action, p))

    def _timestamp(self, value: Any, action: str, p: str) -> str | None:
        subject = self._subject
        if action == "dob":
            mode = self.profile.date_of_birth
            if mode == "remove":
                return None
            birth = T.parse(value)
            if birth is None:
                self._issues.append(F.TIME_UNREADABLE(f"date of birth {value!r} is not RFC 3339; removed", pointer=p))
                return None
            shifted = T.shift(value, subject.offset)
            if shifted is None:
                return None
            parsed = T.parse(shifted)
            return T.year_start(parsed) if mode == "year" and parsed is not None else shifted
        new = T.shift(value, subject.offset) if isinstance(value, str) else None
        if new is None:
            self._issues.append(F.TIME_UNREADABLE(f"timestamp {value!r} is not RFC 3339; removed", pointer=p))
        return new

    def _as_age(self, d: dict[str, Any]) -> dict[str, Any]:
        """A time element with a timestamp (or interval) as an age (range) since the subject's birth."""
        birth = self._subject.birth
        assert birth is not None
        if "timestamp" in d:
            when = T.parse(d["timestamp"])
            age = T.age_at(birth, when) if when is not None else None
            return {"age": {"iso8601duration": age}} if age is not None else d
        interval = d.get("interval")
        if isinstance(interval, dict):
            start, end = T.parse(interval.get("start")), T.parse(interval.get("end"))
            a = T.age_at(birth, start) if start is not None else None
            b = T.age_at(birth, end) if end is not None else None
            if a is not None and b is not None:
                return {"ageRange": {"start": {"iso8601duration": a}, "end": {"iso8601duration": b}}}
        return d

    def _map(self, value: dict[str, Any], action: str, p: str) -> Any:
        """A map<string, string>: file-to-individual ids pseudonymised, or file attributes rewritten and scanned.

        A value that is not a string (an object, a number) could hold anything: removed and reported.
        """
        out: dict[str, Any] = {}
        field = "individualToFileIdentifiers" if action == "ids-map" else "fileAttributes"
        for k, v in value.items():
            name = str(k)
            ptr = f"{p}/{escape(name)}"
            if action != "ids-map" and name.lower() in ("description", "comment", "notes"):
                continue  # free text
            if not isinstance(v, str):
                self._wrong(ptr, field, name)
                continue
            if action == "ids-map":  # individual / biosample id → sample id inside the file: both pseudonymised
                out[self.keyring.pseudonym(name)] = self.keyring.pseudonym(v)
                continue
            out[name] = v  # file attributes: the value has ids rewritten, then is scanned, as variant labels
            self._deferred.append((out, name, "scan", ptr))
            self._deferred.append(({"name": name}, "name", "check", ptr))  # the attribute's name is scanned too
        return out

    def _finish(self) -> None:
        """Rewrite embedded ids in kept text, then scan the text-like values for identifiers."""
        ids = self._ids
        searched = list(dict.fromkeys(plain(i) for i in ids if distinctive(i)))
        for holder, key, action, p in self._deferred:
            value = holder[key]
            rewrite = action in ("scan", "rewrite")
            if isinstance(value, list):
                if rewrite:
                    holder[key] = [self.keyring.rewrite_embedded(v, ids) if isinstance(v, str) else v for v in value]
                texts = [(f"{p}/{i}", v) for i, v in enumerate(holder[key]) if isinstance(v, str)]
            elif isinstance(value, str):
                if rewrite:
                    holder[key] = self.keyring.rewrite_embedded(value, ids)
                texts = [(p, holder[key])]
            else:
                continue
            if action == "rewrite":
                continue
            skip = _URL if action == "check-url" else ()
            for pointer, text in texts:
                for kind, found in scan(text, searched, skip):
                    self._issues.append(
                        F.IDENTIFIER_LEFT(f"{kind} {found!r} left in a kept value; review it", pointer=pointer)
                    )
