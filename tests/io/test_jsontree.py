"""``io.jsontree.message_to_dict`` returns exactly ``json_format.MessageToDict``, types included (issue 19)."""

from __future__ import annotations

import json
from pathlib import Path

from google.protobuf import json_format
from google.protobuf.timestamp_pb2 import Timestamp
from phenopackets import Phenopacket, Quantity

from phenotk.io import iter_documents
from phenotk.io.jsontree import message_to_dict


def _same(message: object) -> None:
    expected = json_format.MessageToDict(message)  # type: ignore[arg-type]
    got = message_to_dict(message)  # type: ignore[arg-type]
    assert json.dumps(got, sort_keys=False) == json.dumps(expected, sort_keys=False)  # 1 vs 1.0 counts


def test_every_store_packet(store_files: list[Path]) -> None:
    checked = 0
    for doc in iter_documents(store_files):
        message = getattr(doc, "message", None)
        if message is not None:
            _same(message)
            checked += 1
    assert checked > 1000


def test_floats_int64_bytes_enums_timestamps_maps() -> None:
    p = Phenopacket(id="x")
    p.meta_data.created.CopyFrom(Timestamp(seconds=1_700_000_000, nanos=5000))
    m = p.measurements.add()
    m.value.quantity.CopyFrom(Quantity(value=1e-05))
    m.value.quantity.reference_range.high = float("inf")
    m.value.quantity.reference_range.low = float("nan")
    p.subject.sex = 2
    p.subject.vital_status.survival_time_in_days = 7
    v = p.interpretations.add().diagnosis.genomic_interpretations.add().variant_interpretation
    v.variation_descriptor.vcf_record.pos = 2**40
    v.variation_descriptor.extensions.add(name="e")
    p.files.add(uri="f").individual_to_file_identifiers["a"] = "b"
    _same(p)
    _same(Timestamp(seconds=5))  # a well-known type alone: the library's string form


def test_timestamps_spelt_alike_when_repeated_or_distinct() -> None:
    """Times are spelt from a cache of (seconds, nanos): each value, first seen or repeated, as the library does."""
    values = [(0, 0), (-1, 999_999_999), (1_700_000_000, 0), (1_700_000_000, 5_000), (1_700_000_000, 5_000_000),
              (253402300799, 999_999_999), (1_700_000_000, 5_000), (-62135596800, 0)]
    for seconds, nanos in values * 2:
        p = Phenopacket(id="x")
        p.meta_data.created.CopyFrom(Timestamp(seconds=seconds, nanos=nanos))
        p.subject.date_of_birth.CopyFrom(Timestamp(seconds=seconds))
        _same(p)
