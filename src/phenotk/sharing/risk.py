"""Re-identification risk as k-anonymity over quasi-identifiers: sex × age bin × disease.

Phenopacket v2 has no geographic or ethnicity field; when a record carries one in an extension named like
``country``, ``region``, ``postcode``, ``ethnicity`` or ``ancestry`` it joins the quasi-identifiers. k of a
record is the number of *people* in its group: records of the same subject (the same pseudonymised subject id
with the same quasi-identifiers — one person in a family, a cohort and a file of their own) count once. It
measures the risk for these attributes only: someone who knows other facts (a rare phenotype, a publication) may
still single a person out.
"""

from __future__ import annotations

import collections
from dataclasses import dataclass, field
from typing import Any

from phenotk.model.durations import duration_days

#: age bin widths tried in turn by --min-k (years); None = one bin for every age
WIDTHS: tuple[int | None, ...] = (5, 10, 20, 40, None)
#: extension names (lower case, substring match) treated as geographic / ethnicity quasi-identifiers
GEO_WORDS = ("country", "region", "postcode", "postal", "zip", "city", "ethnic", "ancestry", "race")


@dataclass(frozen=True)
class Record:
    """One subject's quasi-identifiers (taken from the de-identified output)."""

    source: str
    id: str
    sex: str
    age_years: float | None
    age_label: str | None  # an age that is not a number: onset class label, gestational, range
    disease: str
    geo: str = ""
    #: the (pseudonymised) subject id: records of one subject with the same quasi-identifiers are one person
    subject: str = ""

    def person(self) -> tuple[str, str, float | None, str | None, str, str]:
        """Who this record is about: the subject id (the packet id without one) and the quasi-identifiers."""
        return (self.subject or self.id, self.sex, self.age_years, self.age_label, self.disease, self.geo)

    def key(self, width: int | None) -> tuple[str, str, str, str]:
        """The group of this record when ages are binned ``width`` years wide (None: one bin)."""
        return (self.sex, age_bin(self.age_years, self.age_label, width), self.disease, self.geo)


def age_bin(years: float | None, label: str | None, width: int | None) -> str:
    """``40-45`` style bin (``90+`` for 90 and over, ``unknown`` without an age)."""
    if years is None:
        return label or "unknown"
    if width is None:
        return "any"
    if years >= 90:
        return "90+"
    low = int(years // width) * width
    return f"{low}-{min(low + width, 90)}"


def _age(time: Any) -> tuple[float | None, str | None]:
    if not isinstance(time, dict):
        return None, None
    age = time.get("age")
    if isinstance(age, dict) and isinstance(age.get("iso8601duration"), str):
        days = duration_days(age["iso8601duration"])
        return (days / 365.25 if days is not None else None), None
    rng = time.get("ageRange")
    if isinstance(rng, dict):
        start = rng.get("start", {})
        days = duration_days(start.get("iso8601duration", "")) if isinstance(start, dict) else None
        return (days / 365.25 if days is not None else None), None
    if "gestationalAge" in time:
        return None, "prenatal"
    oc = time.get("ontologyClass")
    if isinstance(oc, dict):
        return None, str(oc.get("label") or oc.get("id") or "unknown")
    return None, None


def record_of(packet: dict[str, Any], source: str) -> Record:
    """The quasi-identifiers of one (de-identified) phenopacket tree."""
    subject = packet.get("subject") if isinstance(packet.get("subject"), dict) else {}
    assert isinstance(subject, dict)
    years, label = _age(subject.get("timeAtLastEncounter"))
    diseases = sorted(
        {
            str(d["term"].get("id"))
            for d in packet.get("diseases", [])
            if isinstance(d, dict) and isinstance(d.get("term"), dict) and not d.get("excluded")
        }
    )
    if not diseases:
        diseases = sorted(
            {
                str(i["diagnosis"]["disease"].get("id"))
                for i in packet.get("interpretations", [])
                if isinstance(i, dict)
                and isinstance(i.get("diagnosis"), dict)
                and isinstance(i["diagnosis"].get("disease"), dict)
            }
        )
    geo = []
    for ext in subject.get("extensions", []) if isinstance(subject.get("extensions"), list) else []:
        name = str(ext.get("name", "")).lower() if isinstance(ext, dict) else ""
        if any(w in name for w in GEO_WORDS):
            geo.append(f"{name}={ext.get('value')}")
    return Record(
        source=source,
        id=str(packet.get("id", "")),
        sex=str(subject.get("sex", "UNKNOWN_SEX")),
        age_years=years,
        age_label=label,
        disease="+".join(diseases) or "none",
        geo=";".join(sorted(geo)),
        subject=str(subject.get("id", "")),
    )


@dataclass
class RiskReport:
    """Group sizes (in people) at the chosen age-bin width, and the records below ``min_k``."""

    records: int
    min_k: int
    width: int | None
    groups: dict[tuple[str, str, str, str], int] = field(default_factory=dict)
    below: list[tuple[Record, int]] = field(default_factory=list)
    #: distinct people among the records (:meth:`Record.person`); the groups count these
    people: int | None = None

    def distribution(self) -> dict[str, int]:
        """Group size (1, 2, 3, 4, 5-9, 10-19, 20+) → number of people in groups of that size."""
        bands = (
            ("1", 1, 1),
            ("2", 2, 2),
            ("3", 3, 3),
            ("4", 4, 4),
            ("5-9", 5, 9),
            ("10-19", 10, 19),
            ("20+", 20, 10**9),
        )
        out = {name: 0 for name, _, _ in bands}
        for size in self.groups.values():
            for name, lo, hi in bands:
                if lo <= size <= hi:
                    out[name] += size
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON form for the privacy report (records by pseudonymised id only)."""
        return {
            "quasiIdentifiers": ["sex", "age bin", "disease", "geography/ethnicity extensions"],
            "records": self.records,
            "people": self.people if self.people is not None else self.records,
            "groups": len(self.groups),
            "minK": self.min_k,
            "ageBinYears": self.width,
            "recordsByGroupSize": self.distribution(),  # (people, as the groups count them)
            "reidentificationRisk": self.reidentification_risk(),
            "belowMinK": [
                {"source": r.source, "id": r.id, "group": list(r.key(self.width)), "k": k} for r, k in self.below
            ],
        }

    def reidentification_risk(self) -> dict[str, float | None]:
        """The usual summaries of k (the prosecutor model, as in ARX's risk analysis), for these attributes only.

        ``highest``: 1 / the smallest k (the chance of singling out the most exposed person, who is known to be
        in the release); ``average``: groups / people (the expected share of people singled out when every
        person is tried); ``shareAtHighest``: the share of people in the smallest groups. None without records.
        """
        people = sum(self.groups.values())
        if not people:
            return {"highest": None, "average": None, "shareAtHighest": None}
        smallest = min(self.groups.values())
        at_smallest = sum(n for n in self.groups.values() if n == smallest)
        return {
            "highest": round(1 / smallest, 4),
            "average": round(len(self.groups) / people, 4),
            "shareAtHighest": round(at_smallest / people, 4),
        }

    def text(self) -> str:
        """A few lines for the terminal."""
        dist = ", ".join(f"k={band}: {n}" for band, n in self.distribution().items())
        width = f"{self.width}-year" if self.width else "no"
        people = self.people if self.people is not None else self.records
        of = f" of {people} people" if people != self.records else ""
        return (
            f"risk: {self.records} record(s){of} in {len(self.groups)} group(s) (sex × {width} age bins × disease); "
            f"people by group size: {dist}; {len(self.below)} record(s) below k={self.min_k}"
        )


def assess(records: list[Record], min_k: int = 5, generalise: bool = False) -> RiskReport:
    """Group the records; with ``generalise``, widen age bins until every group has ``min_k`` or none is left.

    Without ``generalise`` the 5-year bins are reported as they are. A group counts people, not records: the
    records of one person (:meth:`Record.person`, e.g. the proband of a family who also has a file of their own)
    count once, so that they cannot make each other look safe; each of them is listed when its group is small.
    """
    widths = WIDTHS if generalise else WIDTHS[:1]
    people = list({r.person(): r for r in records}.values())
    report = RiskReport(len(records), min_k, widths[0], people=len(people))
    for width in widths:
        groups = collections.Counter(r.key(width) for r in people)
        below = [(r, groups[r.key(width)]) for r in records if groups[r.key(width)] < min_k]
        report = RiskReport(len(records), min_k, width, dict(groups), below, len(people))
        if not below:
            break
    return report
