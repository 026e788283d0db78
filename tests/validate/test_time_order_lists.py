"""time-order picks the timed items of a list inline: odd items are skipped, every timed object is compared.

The scan tests the key before the type (most items have no onset); a number or null in the list makes that test
raise, and the scan then starts again type first. These cases hold it to what the rule promises: each object with
an onset after the last encounter (or after its resolution) reported at its own index, nothing else.
"""

from __future__ import annotations

from typing import Any

import pytest

from phenotk.validation.rule import Context, Node
from phenotk.validation.rules.time.order import TimeOrder

LATE = {"age": {"iso8601duration": "P30Y"}}
EARLY = {"age": {"iso8601duration": "P1Y"}}


def _found(packet: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [v.path for v in TimeOrder().check(Node(packet, "Phenopacket", "", None, None), Context())]


@pytest.mark.parametrize(
    "items",
    [
        [{"onset": LATE}, "onset", {"onset": EARLY}, {"onset": LATE}],  # a string holding the key
        [{"onset": LATE}, None, 5, {"onset": LATE}],  # items the key test cannot look into
        [["onset"], {"onset": LATE}, {"x": 1}, {"onset": LATE}],  # a list holding the key
    ],
)
def test_odd_items_skipped_timed_objects_compared(items: list[Any]) -> None:
    packet = {"subject": {"id": "P1", "timeAtLastEncounter": EARLY}, "phenotypicFeatures": items}
    want = [
        ("phenotypicFeatures", i, "onset")
        for i, item in enumerate(items)
        if type(item) is dict and item.get("onset") is LATE
    ]
    assert _found(packet) == want


def test_snake_case_lists_and_fields() -> None:
    packet = {
        "subject": {"id": "P1", "time_at_last_encounter": EARLY},
        "phenotypic_features": [{"onset": LATE}, 3, {"onset": EARLY}],
        "measurements": [{"time_observed": LATE}, None, {"timeObserved": LATE}],
        "biosamples": [{"time_of_collection": EARLY}, {"timeOfCollection": LATE}],
    }
    assert _found(packet) == [
        ("phenotypic_features", 0, "onset"),
        ("measurements", 0, "time_observed"),
        ("measurements", 2, "timeObserved"),
        ("biosamples", 1, "timeOfCollection"),
    ]


def test_without_last_encounter_only_resolutions_are_compared() -> None:
    packet = {
        "subject": {"id": "P1"},
        "phenotypicFeatures": [{"onset": LATE}, None, {"onset": LATE, "resolution": EARLY}],
        "diseases": [{"onset": LATE, "resolution": EARLY}, {"resolution": EARLY}],
        "measurements": [{"timeObserved": LATE}],  # nothing to compare a measurement time with
    }
    assert _found(packet) == [("phenotypicFeatures", 2, "onset"), ("diseases", 0, "onset")]
