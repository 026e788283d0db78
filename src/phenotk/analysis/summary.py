"""Cohort summary: counts, sex, ages, diseases, HPO term frequencies and the organ-system roll-up."""

from __future__ import annotations

import html
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from phenopackets import Phenopacket

from phenotk.model.durations import duration_days
from phenotk.ontology.hpo_roots import PHENOTYPIC_ABNORMALITY

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.axes import Axes

    from phenotk.ontology import OntologyIndex


def _enum_name(message: Any, field_name: str) -> str:
    value = getattr(message, field_name)
    known = type(message).DESCRIPTOR.fields_by_name[field_name].enum_type.values_by_number.get(value)
    return str(known.name) if known is not None else f"UNRECOGNIZED_{value}"  # a number outside the enum


def _years(iso: str) -> float | None:
    days = duration_days(iso) if iso else None
    return None if days is None else days / 365.25


@dataclass
class TermCount:
    """How many packets observe / exclude one HPO term (each packet counted once per term)."""

    id: str
    label: str
    observed: int = 0
    excluded: int = 0


@dataclass
class CohortSummary:
    """What a cohort holds. ``terms`` and ``organ_systems`` are sorted by observed count, most first."""

    packets: int
    sex: dict[str, int]
    vital_status: dict[str, int]
    ages_years: list[float]
    diseases: list[tuple[str, str, int]]  # (id, label, packets)
    terms: list[TermCount]
    organ_systems: list[TermCount]  # children of Phenotypic abnormality; None-ontology → empty
    onset_years: list[float]
    onset_terms: dict[str, int]  # HPO onset class label → features
    features_observed: int = 0
    features_excluded: int = 0
    hpo_version: str | None = None
    not_in_release: list[str] = field(default_factory=list)  # term ids the loaded HPO does not know
    top: int = 20

    # ------------------------------------------------------------------ tables

    def terms_frame(self) -> pd.DataFrame:
        """Term frequencies as a DataFrame (id, label, observed, excluded, observed_fraction)."""
        import pandas as pd

        df = pd.DataFrame([t.__dict__ for t in self.terms], columns=["id", "label", "observed", "excluded"])
        df["observed_fraction"] = df["observed"] / self.packets if self.packets else 0.0
        return df

    def organ_systems_frame(self) -> pd.DataFrame:
        """Organ-system roll-up as a DataFrame (packets with ≥ 1 observed / only excluded terms below)."""
        import pandas as pd

        return pd.DataFrame([t.__dict__ for t in self.organ_systems], columns=["id", "label", "observed", "excluded"])

    def age_stats(self) -> dict[str, float | int | None]:
        """n, min, median, max of age at last encounter (years)."""
        a = self.ages_years
        return {
            "n": len(a),
            "min": round(min(a), 2) if a else None,
            "median": round(statistics.median(a), 2) if a else None,
            "max": round(max(a), 2) if a else None,
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (``phenotk summarize --format json``)."""
        return {
            "packets": self.packets,
            "hpo_version": self.hpo_version,
            "sex": self.sex,
            "vital_status": self.vital_status,
            "age_at_last_encounter_years": self.age_stats(),
            "features": {"observed": self.features_observed, "excluded": self.features_excluded},
            "diseases": [{"id": i, "label": lab, "packets": n} for i, lab, n in self.diseases],
            "terms": [t.__dict__ for t in self.terms],
            "organ_systems": [t.__dict__ for t in self.organ_systems],
            "onset": {
                "ages_years": {"n": len(self.onset_years), "median": _median(self.onset_years)},
                "terms": self.onset_terms,
            },
            "not_in_release": self.not_in_release,
        }

    # ------------------------------------------------------------------ text / html

    def to_text(self) -> str:
        """Plain-text report for terminals."""
        a = self.age_stats()
        lines = [
            f"{self.packets} phenopackets; {self.features_observed} observed and {self.features_excluded} excluded "
            f"features; HPO {self.hpo_version or 'not loaded'}",
            "sex: " + ", ".join(f"{k} {v}" for k, v in self.sex.items()),
            f"age at last encounter (years): n={a['n']} min={a['min']} median={a['median']} max={a['max']}",
            "",
            "top diseases:",
            *[f"  {n:6d}  {lab} ({i})" for i, lab, n in self.diseases[: self.top]],
            "",
            f"top {self.top} HPO terms (packets observed / excluded):",
            *[f"  {t.observed:6d} / {t.excluded:<6d} {t.label} ({t.id})" for t in self.terms[: self.top]],
        ]
        if self.organ_systems:
            lines += [
                "",
                "organ systems (packets with an observed term below / only excluded terms below):",
                *[f"  {t.observed:6d} / {t.excluded:<6d} {t.label}" for t in self.organ_systems],
            ]
        if self.not_in_release:
            lines += [
                "",
                f"{len(self.not_in_release)} term id(s) not in HPO {self.hpo_version}: "
                + ", ".join(self.not_in_release[:10])
                + (" …" if len(self.not_in_release) > 10 else ""),
            ]
        return "\n".join(lines)

    def _table(self, rows: list[TermCount], title: str) -> str:
        esc = html.escape
        width = max((t.observed + t.excluded for t in rows), default=1) or 1
        body = "".join(
            f"<tr><td>{esc(t.label)}</td><td><code>{esc(t.id)}</code></td>"
            f"<td style='text-align:right'>{t.observed}</td><td style='text-align:right'>{t.excluded}</td>"
            "<td><div style='display:flex;width:200px'>"
            f"<div style='background:#3b7d3b;height:10px;width:{200 * t.observed / width:.0f}px'></div>"
            f"<div style='background:#c0504d;height:10px;width:{200 * t.excluded / width:.0f}px'></div></div></td></tr>"
            for t in rows
        )
        return (
            f"<h4>{esc(title)}</h4><table><tr><th>term</th><th>id</th><th>observed</th><th>excluded</th><th></th></tr>"
            f"{body}</table>"
        )

    def _repr_html_(self) -> str:
        esc = html.escape
        a = self.age_stats()
        parts = [
            f"<p>{self.packets} phenopackets · {self.features_observed} observed / {self.features_excluded} excluded "
            f"features · HPO {esc(self.hpo_version or 'not loaded')}</p>",
            "<p>sex: " + esc(", ".join(f"{k} {v}" for k, v in self.sex.items())) + "</p>",
            f"<p>age at last encounter: n={a['n']}, median {a['median']} y (range {a['min']}–{a['max']})</p>",
            self._table(self.terms[: self.top], f"Top {self.top} HPO terms (packets)"),
        ]
        if self.organ_systems:
            parts.append(self._table(self.organ_systems, "Organ systems (packets)"))
        if self.diseases:
            rows = "".join(
                f"<tr><td>{esc(lab)}</td><td><code>{esc(i)}</code></td><td>{n}</td></tr>"
                for i, lab, n in self.diseases[: self.top]
            )
            parts.append(f"<h4>Diseases</h4><table><tr><th>disease</th><th>id</th><th>packets</th></tr>{rows}</table>")
        return "<div class='phenotk-summary'>" + "".join(parts) + "</div>"

    def to_html(self) -> str:
        """A self-contained HTML page (no network assets) with the summary tables."""
        return (
            "<!doctype html><html><head><meta charset='utf-8'><title>phenotk cohort summary</title>"
            "<style>body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse}"
            "td,th{padding:2px 8px;border-bottom:1px solid #eee}</style></head><body><h2>Cohort summary</h2>"
            + self._repr_html_()
            + "</body></html>\n"
        )

    # ------------------------------------------------------------------ plots

    def plot_terms(self, top: int | None = None, ax: Axes | None = None) -> Axes:
        """Horizontal bars of the top-N terms, observed vs excluded."""
        import matplotlib.pyplot as plt

        rows = self.terms[: top or self.top][::-1]
        if ax is None:
            _, ax = plt.subplots(figsize=(8, max(2.5, 0.28 * len(rows))))
        y = range(len(rows))
        ax.barh(list(y), [t.observed for t in rows], color="#3b7d3b", label="observed")
        ax.barh(list(y), [t.excluded for t in rows], left=[t.observed for t in rows], color="#c0504d", label="excluded")
        ax.set_yticks(list(y), [t.label for t in rows], fontsize=8)
        ax.set_xlabel("phenopackets")
        ax.set_title(f"Top {len(rows)} HPO terms")
        ax.legend(loc="lower right")
        return ax

    def plot_organ_systems(self, ax: Axes | None = None) -> Axes:
        """Bars of packets with an observed (and only-excluded) term per organ system."""
        import matplotlib.pyplot as plt

        rows = self.organ_systems[::-1]
        if ax is None:
            _, ax = plt.subplots(figsize=(8, max(2.5, 0.28 * len(rows))))
        y = list(range(len(rows)))
        ax.barh(y, [t.observed for t in rows], color="#3b7d3b", label="observed")
        ax.barh(y, [t.excluded for t in rows], left=[t.observed for t in rows], color="#c0504d", label="only excluded")
        ax.set_yticks(y, [t.label.replace("Abnormality of the ", "") for t in rows], fontsize=8)
        ax.set_xlabel("phenopackets")
        ax.set_title("Organ systems (top-level terms under Phenotypic abnormality)")
        ax.legend(loc="lower right")
        return ax

    def plot_onsets(self, ax: Axes | None = None, bins: int = 30) -> Axes:
        """Histogram of onset ages (years) of features and diseases."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(8, 3))
        ax.hist(self.onset_years, bins=bins, color="#4a6fa5")
        ax.set_xlabel("onset age (years)")
        ax.set_ylabel("features / diseases")
        ax.set_title(f"Onset ages (n={len(self.onset_years)})")
        return ax


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 2) if values else None


def summarize(
    packets: Iterable[Phenopacket],
    *,
    hpo: OntologyIndex | None = None,
    top: int = 20,
) -> CohortSummary:
    """Summarise phenopackets. With ``hpo`` the terms get current labels and roll up to organ systems."""
    n = 0
    sex: Counter[str] = Counter()
    vital: Counter[str] = Counter()
    ages: list[float] = []
    disease_n: Counter[str] = Counter()
    disease_label: dict[str, str] = {}
    obs_n: Counter[str] = Counter()
    exc_n: Counter[str] = Counter()
    labels: dict[str, str] = {}
    onset_years: list[float] = []
    onset_terms: Counter[str] = Counter()
    n_obs = n_exc = 0
    systems = hpo.children(PHENOTYPIC_ABNORMALITY) if hpo is not None else []
    sys_obs: Counter[str] = Counter()
    sys_exc: Counter[str] = Counter()
    unknown: set[str] = set()

    def note_onset(onset: Any) -> None:
        which = onset.WhichOneof("element")
        if which == "age":
            y = _years(onset.age.iso8601duration)
            if y is not None:
                onset_years.append(y)
        elif which == "ontology_class":
            onset_terms[onset.ontology_class.label or onset.ontology_class.id] += 1

    for p in packets:
        n += 1
        sex[_enum_name(p.subject, "sex")] += 1
        if p.subject.HasField("vital_status"):
            vital[_enum_name(p.subject.vital_status, "status")] += 1
        if p.subject.time_at_last_encounter.WhichOneof("element") == "age":
            y = _years(p.subject.time_at_last_encounter.age.iso8601duration)
            if y is not None:
                ages.append(y)
        seen_d: set[str] = set()
        for d in p.diseases:
            seen_d.add(d.term.id)
            disease_label.setdefault(d.term.id, d.term.label)
            if d.HasField("onset"):
                note_onset(d.onset)
        for i in p.interpretations:
            if i.diagnosis.HasField("disease"):
                seen_d.add(i.diagnosis.disease.id)
                disease_label.setdefault(i.diagnosis.disease.id, i.diagnosis.disease.label)
        disease_n.update(seen_d)
        seen_obs: set[str] = set()
        seen_exc: set[str] = set()
        for f in p.phenotypic_features:
            tid = f.type.id
            labels.setdefault(tid, f.type.label)
            if f.excluded:
                n_exc += 1
                seen_exc.add(tid)
            else:
                n_obs += 1
                seen_obs.add(tid)
                if f.HasField("onset"):
                    note_onset(f.onset)
        obs_n.update(seen_obs)
        exc_n.update(seen_exc)
        if hpo is not None:
            sys_o: set[str] = set()
            sys_e: set[str] = set()
            for tids, bucket in ((seen_obs, sys_o), (seen_exc, sys_e)):
                for tid in tids:
                    primary = hpo.primary_id(tid)
                    if primary is None:
                        unknown.add(tid)
                        continue
                    anc = hpo.ancestors(primary, include_self=True)
                    bucket.update(s for s in systems if s in anc)
            sys_obs.update(sys_o)
            sys_exc.update(sys_e - sys_o)

    def label_of(tid: str) -> str:
        if hpo is not None:
            primary = hpo.primary_id(tid)
            if primary is not None:
                return hpo.label(primary) or labels.get(tid, tid)
        return labels.get(tid) or tid

    terms = [TermCount(t, label_of(t), obs_n[t], exc_n[t]) for t in set(obs_n) | set(exc_n)]
    terms.sort(key=lambda t: (-t.observed, -t.excluded, t.id))
    organ = [TermCount(s, label_of(s), sys_obs[s], sys_exc[s]) for s in systems]
    organ.sort(key=lambda t: (-t.observed, -t.excluded, t.id))
    diseases = sorted(((d, disease_label.get(d, ""), c) for d, c in disease_n.items()), key=lambda x: (-x[2], x[0]))
    return CohortSummary(
        packets=n,
        sex=dict(sex.most_common()),
        vital_status=dict(vital.most_common()),
        ages_years=ages,
        diseases=diseases,
        terms=terms,
        organ_systems=organ,
        onset_years=onset_years,
        onset_terms=dict(onset_terms.most_common()),
        features_observed=n_obs,
        features_excluded=n_exc,
        hpo_version=getattr(hpo, "version", None),
        not_in_release=sorted(unknown),
        top=top,
    )
