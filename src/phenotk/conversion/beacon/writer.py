"""The ``beacon`` writer: phenopackets (and the members of Families and Cohorts) → Beacon v2 individuals."""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, ClassVar

from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message
from phenopackets import Cohort, Family, Phenopacket

from phenotk.conversion.base import ConvertOptions, FormatWriter
from phenotk.errors import UsageError
from phenotk.io import atomic_write, to_dict
from phenotk.io.sourcemap import join
from phenotk.issue import Issue, Severity

from . import findings as F
from .outbound import to_beacon


def _packets(message: Message) -> Iterator[tuple[Phenopacket, str]]:
    if isinstance(message, Phenopacket):
        yield message, ""
    elif isinstance(message, Family):
        yield message.proband, "/proband"
        for i, r in enumerate(message.relatives):
            yield r, join("/relatives", i)
    elif isinstance(message, Cohort):
        for i, m in enumerate(message.members):
            yield m, join("/members", i)


def _non_finite(msg: Message, ptr: str) -> Iterator[tuple[str, float]]:
    """(pointer, value) for every infinite or NaN double of ``msg`` (protobuf JSON allows ``"Infinity"``)."""
    floats = (FieldDescriptor.CPPTYPE_DOUBLE, FieldDescriptor.CPPTYPE_FLOAT)
    for fd, value in msg.ListFields():
        here = join(ptr, fd.json_name)
        if fd.message_type is not None and not fd.message_type.GetOptions().map_entry:
            if fd.is_repeated:
                for i, item in enumerate(value):
                    yield from _non_finite(item, join(here, i))
            else:
                yield from _non_finite(value, here)
        elif fd.cpp_type in floats and not fd.is_repeated and not math.isfinite(value):
            yield here, value


def _json_number(value: float) -> str:
    """The protobuf JSON string of a non-finite number."""
    return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")


def _json_safe(tree: Any) -> Any:
    """``tree`` with every non-finite float replaced by its protobuf JSON string (JSON has no such number)."""
    if isinstance(tree, float) and not math.isfinite(tree):
        return _json_number(tree)
    if isinstance(tree, dict):
        return {k: _json_safe(v) for k, v in tree.items()}
    if isinstance(tree, list):
        return [_json_safe(v) for v in tree]
    return tree


def _split(message: Family | Cohort) -> Issue:
    """The finding for a Family or Cohort written as individuals: the record's parts not written, with values."""
    record = type(message)()
    record.CopyFrom(message)
    for name in ("proband", "relatives", "members"):
        if name in record.DESCRIPTOR.fields_by_name:
            record.ClearField(name)
    lost = []
    if isinstance(record, Family):
        if record.pedigree.persons:
            n = len(record.pedigree.persons)
            lost.append(f"pedigree ({n} person{'' if n == 1 else 's'})")
        if record.consanguinous_parents:
            lost.append("consanguinousParents")
    elif record.description:
        lost.append("description")
    if record.files:
        lost.append(f"files ({len(record.files)})")
    if record.HasField("meta_data"):
        lost.append("metaData")
    kind = type(message).__name__
    what = f": {', '.join(lost)} (values kept in this finding)" if lost else " (it holds nothing but its id)"
    return F.ELEMENT_SPLIT(
        f"{kind} {message.id!r}: each member became one individual; the {kind.lower()} record is not written{what}",
        value=to_dict(record) if lost else None,
    )


class BeaconWriter(FormatWriter):
    """Beacon v2 individuals: a JSON array in one file, or one ``<id>.json`` per individual in a directory.

    ``-o individuals.json`` gives the array; ``-o DIR`` (an existing directory or a name without a suffix) the
    files.
    """

    name: ClassVar[str] = "beacon"
    description: ClassVar[str] = "Beacon v2 individuals (JSON array, or one file per individual in a directory)"
    extensions: ClassVar[tuple[str, ...]] = ()
    single_file: ClassVar[bool] = True
    default_extension: ClassVar[str] = ".json"

    def write(
        self, messages: Iterable[Message], output: Path, options: ConvertOptions, *, force: bool = False
    ) -> list[Issue]:
        """Write the individuals; findings name what Beacon could only keep in ``info.phenopacket``."""
        issues: list[Issue] = []
        docs: list[dict[str, Any]] = []
        flag = options.extra.get("info", "true").strip().lower()
        if flag not in ("true", "false", "1", "0", "yes", "no"):
            raise UsageError(f"-O info= takes true or false (keep unmapped phenopacket parts), not {flag!r}")
        keep_info = flag in ("true", "1", "yes")
        for message in messages:
            if isinstance(message, (Family, Cohort)):
                issues.append(_split(message))
            for packet, prefix in _packets(message):
                doc, found = to_beacon(packet, keep_info=keep_info)
                for ptr, number in _non_finite(packet, ""):
                    name = _json_number(number)
                    found.append(
                        F.INVALID_VALUE(
                            f"{ptr.rsplit('/', 1)[-1]} is {name}, which JSON has no number for; written as the "
                            f"string {name!r} (its protobuf JSON form), which the Beacon schema does not accept",
                            pointer=ptr,
                            value=name,
                        )
                    )
                    doc = _json_safe(doc)
                for issue in found:
                    issue.pointer = prefix + issue.pointer
                    issue.context.setdefault("individual", doc["id"])
                    if options.strict:
                        issue.severity = Severity.ERROR
                issues.extend(found)
                docs.append(doc)
        out = str(output)
        # a directory: one file per individual (an existing directory, a trailing slash, or a name without suffix)
        if out.endswith(("/", os.sep)) or os.path.isdir(out) or (not Path(out).suffix and not Path(out).exists()):
            used: set[str] = set()
            for doc in docs:
                stem = "".join(c if c.isalnum() or c in "._-" else "_" for c in doc["id"]) or "individual"
                name, n = stem, 2
                while name in used:
                    name, n = f"{stem}_{n}", n + 1
                used.add(name)
                payload = (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
                atomic_write(Path(out) / f"{name}.json", payload, force=force)
        else:
            payload = (json.dumps(docs, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
            atomic_write(output, payload, force=force)
        return issues
