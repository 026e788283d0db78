"""The state of one FHIR read: resources by reference, the phenopackets being assembled, and their findings.

The resource readers (``read_patient``, ``read_phenotype``, ``read_genomics``, ``read_documents``) are plain
functions over a :class:`Walk`; this module holds what they share: reference resolution, the packet a resource
belongs to, the FHIR-tree helpers and the finding helpers that report what is not carried.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from phenotk.conversion.base import Converted, ConvertOptions
from phenotk.conversion.fhir import findings as F
from phenotk.conversion.fhir import terms as T
from phenotk.conversion.fhir import timeel
from phenotk.issue import FindingType, Issue, Severity

#: Resource elements never reported as not carried (ids, profiles, generated narrative).
SILENT = {"resourceType", "id", "meta", "text"}

#: An extension handler: reads one extension into the packet, raises on a value it cannot read.
ExtHandler = Callable[[dict[str, Any]], Any]


def d(value: Any) -> dict[str, Any]:
    """``value`` when it is a JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    """A FHIR repeating element as a list (absent → empty, single → one item)."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def codings(cc: Any) -> list[dict[str, Any]]:
    """The codings of a CodeableConcept."""
    if not isinstance(cc, dict):
        return []
    return [c for c in as_list(cc.get("coding")) if isinstance(c, dict)]


def keys(cc: Any) -> set[tuple[str, str]]:
    """(prefix or system, code) pairs of a CodeableConcept."""
    out = set()
    for c in codings(cc):
        code = c.get("code")
        if not isinstance(code, str):
            continue
        system = str(c.get("system") or "").rstrip("/").lower()
        out.add((T.SYSTEM_PREFIX.get(system, system), code))
    return out


def codes(cc: Any) -> set[str]:
    """The bare codes of a CodeableConcept."""
    return {c for _, c in keys(cc)}


def notes(value: Any) -> list[str]:
    """The texts of an ``Annotation[]`` (``note``)."""
    return [str(n["text"]) for n in as_list(value) if isinstance(n, dict) and n.get("text")]


def _oc(cd: dict[str, Any]) -> dict[str, str] | None:
    curie = T.curie_of(cd)
    if not curie:
        return None
    out = {"id": curie}
    label = cd.get("display")
    if isinstance(label, str) and label:
        out["label"] = label
    return out


def first_oc(cc: Any, prefer: tuple[str, ...] = ()) -> tuple[dict[str, str] | None, list[dict[str, Any]]]:
    """The ontology class of a CodeableConcept (preferred prefixes first) and the codings left over."""
    cds = codings(cc)
    ranked: list[tuple[int, int, dict[str, str]]] = []
    for i, cd in enumerate(cds):
        oc = _oc(cd)
        if oc:
            prefix = oc["id"].split(":", 1)[0].upper()
            rank = prefer.index(prefix) if prefix in prefer else len(prefer)
            ranked.append((rank, i, oc))
    if not ranked:
        return None, cds
    ranked.sort(key=lambda t: (t[0], t[1]))
    best_i = ranked[0][1]
    oc = ranked[0][2]
    if "label" not in oc and isinstance(cc, dict) and isinstance(cc.get("text"), str) and cc["text"]:
        oc["label"] = cc["text"]
    return oc, [cd for i, cd in enumerate(cds) if i != best_i]


def oc_strict(cc: Any) -> dict[str, str]:
    """The ontology class of a CodeableConcept; ``ValueError`` when it has no usable coding."""
    oc, _ = first_oc(cc)
    if oc is None:
        raise ValueError("no code")
    return oc


def ref_key(ref: Any) -> str | None:
    """The reference string of a Reference (or of a plain string)."""
    if isinstance(ref, dict):
        ref = ref.get("reference")
    return ref if isinstance(ref, str) and ref else None


def unattached(res: Res, ref_name: str = "subject") -> str:
    """Why a resource about a patient has no phenopacket to go to (the reason of its finding)."""
    key = ref_key(res.data.get(ref_name))
    if key and key.startswith("#"):
        return f"its {ref_name} {key!r} is a contained resource, and contained resources are not read"
    return "no Patient to attach it to"


def time_into(target: dict[str, Any], name: str) -> ExtHandler:
    """Extension handler: its ``value[x]`` as a phenopacket time element at ``target[name]``.

    A value already there (``onsetAge`` and an onset extension, two onset extensions) is kept and the extension is
    reported as not carried, never overwritten silently.
    """

    def apply(ext: dict[str, Any]) -> None:
        val = timeel.choice(ext, "value")
        te = timeel.from_fhir(*val) if val else None
        if te is None or name in target:
            raise ValueError
        target[name] = te

    return apply


def setter(
    target: dict[str, Any], name: str, value_key: str, convert: Callable[[Any], Any] = lambda v: v
) -> ExtHandler:
    """Extension handler: ``target[name] = convert(ext[value_key])``."""

    def apply(ext: dict[str, Any]) -> None:
        target[name] = convert(ext[value_key])

    return apply


@dataclass
class Res:
    """One resource of the input with where it is."""

    data: dict[str, Any]
    pointer: str
    full_url: str | None = None

    @property
    def type(self) -> str:
        """The resourceType."""
        return str(self.data.get("resourceType", ""))

    @property
    def label(self) -> str:
        """``Type/id`` (or the type alone) for messages."""
        rid = self.data.get("id")
        return f"{self.type}/{rid}" if rid else self.type


@dataclass
class Packet:
    """A phenopacket being assembled (camelCase JSON) for one Patient."""

    key: str
    data: dict[str, Any] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    versions: dict[str, str] = field(default_factory=dict)
    has_meta: bool = False
    source: str = ""

    @property
    def subject_id(self) -> str:
        """The subject id assembled so far."""
        return str(self.data.get("subject", {}).get("id", ""))

    def append(self, key: str, item: dict[str, Any]) -> None:
        """Append ``item`` to the repeated field ``key``."""
        self.data.setdefault(key, []).append(item)

    def count(self, key: str) -> int:
        """Items of the repeated field ``key`` so far."""
        return len(self.data.get(key, []))


class Walk:
    """One read of a FHIR tree: indexes its resources, keeps the packets and the findings not tied to one."""

    def __init__(self, tree: dict[str, Any], source: str, options: ConvertOptions) -> None:
        self.tree = tree
        self.source = source
        self.options = options
        self.sev = options.severity(Severity.WARNING)
        self.resources: list[Res] = []
        self.by_ref: dict[str, Res] = {}
        self.loose: list[Issue] = []
        self.packets: dict[str, Packet] = {}
        self.patient_of: dict[int, str] = {}  # id(Res of Patient) → packet key
        self.used: set[int] = set()  # id(Res) of resources consumed through another (variants, implications)
        self.extra: list[Converted] = []
        self.phenotk_made = False  # a Bundle phenotk wrote: no guessing of values it would have written
        self.assumed: set[str] = set()  # pointers of resources attached to the only Patient (reported once)

    # ------------------------------------------------------------------ findings
    def issue(
        self,
        ft: FindingType,
        message: str,
        pointer: str,
        sev: Severity | None = None,
        pk: Packet | None = None,
        **context: Any,
    ) -> None:
        """Record a finding on the packet ``pk`` (or on the input when None)."""
        item = ft(message, pointer=pointer, severity=sev or self.sev, **context)
        (pk.issues if pk else self.loose).append(item)

    def unmapped_element(self, res: Res, key: str, pk: Packet | None, why: str = "") -> None:
        """``res``'s element at ``key`` (a pointer suffix) is not carried."""
        path = res.type + "".join(f"[{p}]" if p.isdigit() else f".{p}" for p in key.split("/"))
        self.issue(
            F.UNMAPPED_ELEMENT,
            f"{path} ({res.label}) is not carried into the phenopacket{': ' + why if why else ''}",
            f"{res.pointer}/{key}",
            pk=pk,
            fhir_path=path,
        )

    def unmapped_resource(self, res: Res, pk: Packet | None, why: str = "") -> None:
        """The whole resource is not carried."""
        self.issue(
            F.UNMAPPED_RESOURCE,
            f"{res.label} is not carried into the phenopacket{': ' + why if why else ''}",
            res.pointer,
            pk=pk,
            fhir_path=res.type,
        )

    def leftovers(self, res: Res, consumed: set[str], pk: Packet | None) -> None:
        """A finding for every top-level element of ``res`` not in ``consumed``.

        ``_x`` (a primitive's id and extensions) goes with ``x``; alone (``_recordedDate`` holding only a
        cqf-relativeDateTime extension, as NCPI writes dates relative to birth) it is the value, and reported.
        """
        for key in res.data:
            if key in consumed or key in SILENT:
                continue
            if not key.startswith("_"):
                self.unmapped_element(res, key, pk)
            elif key[1:] not in res.data and key[1:] not in consumed:
                self.unmapped_element(res, key, pk, "a value given only by its extensions")

    def extensions(self, res: Res, known: dict[str, ExtHandler], pk: Packet | None, key: str = "extension") -> None:
        """Apply the handler of each known extension url; a finding for the others and for unreadable values."""
        for i, ext in enumerate(as_list(res.data.get(key))):
            url = ext.get("url") if isinstance(ext, dict) else None
            if isinstance(url, str) and url in known:
                try:
                    known[url](ext)
                    continue
                except (KeyError, TypeError, ValueError, AttributeError):
                    pass
            path = f"{res.type}.{key}[{i}]"
            self.issue(
                F.UNMAPPED_ELEMENT,
                f"{path} ({res.label}) with url {url!r} is not carried into the phenopacket",
                f"{res.pointer}/{key}/{i}",
                pk=pk,
                fhir_path=path,
            )

    def note_versions(self, pk: Packet, cc: Any) -> None:
        """Remember ``Coding.version`` per CURIE prefix (for metaData.resources)."""
        for cd in codings(cc):
            curie = T.curie_of(cd)
            if curie and isinstance(cd.get("version"), str):
                pk.versions.setdefault(curie.split(":", 1)[0], cd["version"])

    # ------------------------------------------------------------------ indexing
    def collect(self) -> None:
        """Index the resources of the tree (a Bundle's entries, or the tree itself) by every way to refer to them."""
        if self.tree.get("resourceType") == "Bundle":
            for i, entry in enumerate(as_list(self.tree.get("entry"))):
                if not isinstance(entry, dict) or not isinstance(entry.get("resource"), dict):
                    self.issue(F.UNMAPPED_ELEMENT, f"Bundle.entry[{i}] has no resource", f"/entry/{i}")
                    continue
                full = entry.get("fullUrl") if isinstance(entry.get("fullUrl"), str) else None
                self.resources.append(Res(entry["resource"], f"/entry/{i}/resource", full))
        else:
            self.resources.append(Res(self.tree, ""))
        for res in self.resources:
            rid = res.data.get("id")
            if res.full_url:
                self.by_ref[res.full_url] = res
            if isinstance(rid, str):
                self.by_ref.setdefault(f"{res.type}/{rid}", res)
                self.by_ref.setdefault(f"urn:uuid:{rid}", res)
                self.by_ref.setdefault(rid, res)

    def resolve(self, ref: Any) -> Res | None:
        """The resource a Reference points at, when it is in the input (contained resources are not followed)."""
        key = ref_key(ref)
        if key is None:
            return None
        hit = self.by_ref.get(key)
        if hit is None and "/" in key:
            parts = key.rstrip("/").split("/")
            if len(parts) >= 2:
                hit = self.by_ref.get(f"{parts[-2]}/{parts[-1]}")
        return hit

    def packet_for(self, res: Res, ref_name: str = "subject") -> Packet | None:
        """The packet of the Patient a resource is about (created for a referenced but absent Patient)."""
        ref = res.data.get(ref_name)
        target = self.resolve(ref)
        if target is not None and target.type == "Patient":
            return self.packets.get(self.patient_of.get(id(target), ""))
        key = ref_key(ref)
        if key and (key.startswith("Patient/") or "/Patient/" in key or key.startswith("urn:uuid:")):
            return self._absent_patient(res, ref_name, key)
        if key is None and len(self.packets) == 1:
            pk = next(iter(self.packets.values()))
            if res.pointer not in self.assumed and not self.phenotk_made:  # phenotk's bundles: one packet each
                self.assumed.add(res.pointer)
                self.issue(F.ASSUMED_SUBJECT, f"{res.label} has no {ref_name}; attached to the input's only "
                           f"Patient ({pk.subject_id})", res.pointer or "/", sev=Severity.INFO, pk=pk)
            return pk
        return None

    def _absent_patient(self, res: Res, ref_name: str, key: str) -> Packet:
        pid = key.rstrip("/").split("/")[-1].split(":")[-1]
        pk_key = f"ref:{key}"
        if pk_key not in self.packets:
            pk = Packet(pk_key, {"id": pid, "subject": {"id": pid}}, source=f"{self.source}#{key}")
            self.packets[pk_key] = pk
            self.issue(
                F.MISSING_PATIENT,
                f"{key} is referenced but not in the input; its phenopacket only has the subject id",
                f"{res.pointer}/{ref_name}",
                sev=Severity.INFO,
                pk=pk,
            )
        return self.packets[pk_key]

    def patients(self) -> list[str]:
        """Keys of the packets made from Patient resources (not from references alone)."""
        return [k for k in self.packets if not k.startswith("ref:")]

    def attached(self, res: Res) -> Packet | None:
        """The packet of ``res``'s subject; a finding (and None) when there is no Patient to attach it to."""
        pk = self.packet_for(res)
        if pk is None:
            self.unmapped_resource(res, None, unattached(res))
        return pk
