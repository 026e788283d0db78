"""Session-scoped store round trip shared by the FHIR tests (the expensive part runs once)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest
from google.protobuf import json_format
from phenopackets import Phenopacket

from phenotk.conversion.fhir.reader import read_tree
from phenotk.conversion.fhir.writer import packet_to_bundle

CREATED = "2026-01-01T00:00:00Z"


@dataclass
class Trip:
    path: Path
    packet: Any
    bundle: dict[str, Any]
    back: list[Any]  # Converted items


def load_packet(path: Path) -> Any:
    msg = Phenopacket()
    json_format.ParseDict(orjson.loads(path.read_bytes()), msg, ignore_unknown_fields=True)
    return msg


@pytest.fixture(scope="session")
def store_trips(store_files: list[Path]) -> list[Trip]:
    """phenopacket → FHIR bundle → phenopacket for every packet of the store (once per session)."""
    out = []
    for path in store_files:
        packet = load_packet(path)
        bundle = packet_to_bundle(packet, created=CREATED)
        out.append(Trip(path, packet, bundle, read_tree(bundle, path.name)))
    return out
