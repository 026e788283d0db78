"""Cohort summary: counts, sex, ages, diseases, HPO term frequencies and the organ-system roll-up.

Term counts follow :mod:`phenotk.analysis.terms`: ``observed`` / ``excluded`` are *propagated* (a packet observing
*Focal clonic seizure* counts for *Seizure* and every ancestor; a packet excluding *Seizure* excludes every kind
of seizure; observed wins when both would apply), ``observed_direct`` / ``excluded_direct`` count the packets that
list exactly that id. Every table, frame, plot and the ``summarize`` command use these definitions.
"""

from __future__ import annotations

import html
import os
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from google.protobuf.message import Message
from phenopackets import Phenopacket

from phenotk.analysis._inputs import iter_packets, ontology_index
from phenotk.analysis.terms import TermClosure
from phenotk.model.durations import duration_days
from phenotk.ontology.hpo_roots import ALL, PHENOTYPIC_ABNORMALITY

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.axes import Axes

    from phenotk.ontology import OntologyIndex

#: Terms every packet with a feature has once counts propagate; left out of the "top terms" lists (not the data).
ROOT_TERMS = frozenset({ALL, PHENOTYPIC_ABNORMALITY})

#: What the reprs and the HTML view show at most (like pandas' display.max_rows); the full data stays available.
MAX_ROWS = 20


def _enum_name(message: Any, field_name: str) -> str:
    value = getattr(message, field_name)
    known = type(message).DESCRIPTOR.fields_by_name[field_name].enum_type.values_by_number.get(value)
    return str(known.name) if known is not None else f"UNRECOGNIZED_{value}"  # a number outside the enum


def _years(iso: str) -> float | None:
    days = duration_days(iso) if iso else None
    return None if days is None else days / 365.25


def system_label(label: str) -> str:
    """The one short label style for organ systems: 'Abnormality of the nervous system' → 'Nervous system'."""
    for prefix in ("Abnormality of the ", "Abnormality of ", "Abnormal "):
        if label.startswith(prefix):
            label = label[len(prefix) :]
            break
    return label[:1].upper() + label[1:]


@dataclass
class TermCount:
    """Packets that observe / exclude one HPO term (each packet counted once per term).

    ``observed`` / ``excluded`` are propagated (see :mod:`phenotk.analysis.terms`); ``observed_direct`` /
    ``excluded_direct`` count packets listing exactly this id.
    """

    id: str
    label: str
    observed: int = 0
    excluded: int = 0
    observed_direct: int = 0
    excluded_direct: int = 0


@dataclass
class OrganSystemCount(TermCount):
    """A top-level term under *Phenotypic abnormality*, plus the packets with only excluded terms below it."""

    only_excluded_below: int = 0

    @property
    def short_label(self) -> str:
        """'Nervous system' for 'Abnormality of the nervous system' (:func:`system_label`)."""
        return system_label(self.label)


TERM_COLUMNS = ["id", "label", "observed", "excluded", "observed_direct", "excluded_direct"]


@dataclass
class CohortSummary:
    """What a cohort holds. ``terms`` and ``organ_systems`` are sorted by (propagated) observed count, most first.

    ``propagated`` is False when no ontology was loaded: then observed/excluded equal the direct counts.
    """

    packets: int
    sex: dict[str, int]
    vital_status: dict[str, int]
    ages_years: list[float]
    diseases: list[tuple[str, str, int]]  # (id, label, packets)
    terms: list[TermCount]
    organ_systems: list[OrganSystemCount]  # children of Phenotypic abnormality; None-ontology → empty
    feature_onset_years: list[float] = field(default_factory=list)  # onsets of observed features (ages)
    disease_onset_years: list[float] = field(default_factory=list)  # onsets of diseases (ages)
    feature_onset_terms: dict[str, int] = field(default_factory=dict)  # HPO onset label → observed features
    disease_onset_terms: dict[str, int] = field(default_factory=dict)  # HPO onset label → diseases
    features_observed: int = 0
    features_excluded: int = 0
    hpo_version: str | None = None
    not_in_release: list[str] = field(default_factory=list)  # term ids the loaded HPO does not know
    #: times the year lists leave out, by what they are: ``{"age_at_last_encounter": {"gestational_age": 28}, …}``
    #: (keys age_at_last_encounter, feature_onsets, disease_onsets; kinds gestational_age, age_range, timestamp,
    #: interval, ontology_class — last encounter only: onset classes are in ``*_onset_terms`` —, unreadable_age)
    not_in_years: dict[str, dict[str, int]] = field(default_factory=dict)
    #: diseases the packets exclude (id, label, packets), not counted in ``diseases``
    excluded_diseases: list[tuple[str, str, int]] = field(default_factory=list)
    #: the ontology the counts were made with (resolves alternative ids in :meth:`term`); not part of the data
    hpo: Any = field(default=None, repr=False, compare=False)
    top: int = 20
    propagated: bool = False

    def __getstate__(self) -> dict[str, Any]:
        # a summary pickled back from a Dask worker must not carry the whole ontology index with it
        return {**self.__dict__, "hpo": None}

    # ------------------------------------------------------------------ tables

    @property
    def onset_years(self) -> list[float]:
        """Feature and disease onset ages together (for older code; they count different things: plot them apart)."""
        return self.feature_onset_years + self.disease_onset_years

    def top_terms(self, n: int | None = None, *, direct: bool = False) -> list[TermCount]:
        """The ``n`` (default ``top``) most observed terms, without the roots *All* / *Phenotypic abnormality*."""
        n = self.top if n is None else _top(n, "n (or None for the summary's top)")
        rows = [t for t in self.terms if t.id not in ROOT_TERMS]
        if direct:
            rows.sort(key=lambda t: (-t.observed_direct, -t.excluded_direct, t.id))
        return rows[:n]

    def term(self, curie: str) -> TermCount | None:
        """The counts of one term id (as written, or its primary id), None when no packet has it.

        An alternative id no packet writes (``HP:0001388`` for *Joint hypermobility*) gives its term's row, the
        same packets ``filter(term=…)`` finds.
        """
        for t in self.terms:
            if t.id == curie:
                return t
        primary = self.hpo.primary_id(curie) if self.hpo is not None else None
        if primary and primary != curie:
            return self.term(primary)
        return None

    def terms_frame(self) -> pd.DataFrame:
        """Term frequencies, one row per term.

        Columns: id, label, observed, excluded (propagated), observed_direct, excluded_direct, observed_fraction
        (propagated observed / packets).
        """
        import pandas as pd

        df = pd.DataFrame([t.__dict__ for t in self.terms], columns=TERM_COLUMNS)
        df = df.astype({"id": "string", "label": "string", **dict.fromkeys(TERM_COLUMNS[2:], "int64")})
        # typed also when there are no terms (no rows: pandas would make every column object)
        df["observed_fraction"] = (df["observed"] / self.packets if self.packets else df["observed"] * 0.0).astype(
            "float64"
        )
        return df

    def organ_systems_frame(self) -> pd.DataFrame:
        """Organ-system roll-up: the term columns, ``system`` (short label) and ``only_excluded_below``."""
        import pandas as pd

        cols = [*TERM_COLUMNS, "only_excluded_below"]
        df = pd.DataFrame([t.__dict__ for t in self.organ_systems], columns=cols)
        df.insert(2, "system", [t.short_label for t in self.organ_systems])
        return df.astype({"id": "string", "label": "string", "system": "string", **dict.fromkeys(cols[2:], "int64")})

    def age_stats(self) -> dict[str, float | int | None]:
        """n, min, median, max of age at last encounter (years)."""
        a = self.ages_years
        return {
            "n": len(a),
            "min": round(min(a), 2) if a else None,
            "median": round(statistics.median(a), 2) if a else None,
            "max": round(max(a), 2) if a else None,
        }

    def to_dict(self, top: int | None = -1) -> dict[str, Any]:
        """JSON-ready form (``phenotk summarize --format json``).

        The ``top`` (default: the summary's) terms and diseases and every organ system; ``top=None`` lists every
        term and disease.
        """
        n = self.top if top == -1 else top
        terms = self.terms if n is None else self.top_terms(n)
        diseases = self.diseases if n is None else self.diseases[:n]
        return {
            "packets": self.packets,
            "hpo_version": self.hpo_version,
            "counts": "propagated" if self.propagated else "direct",
            "sex": self.sex,
            "vital_status": self.vital_status,
            "age_at_last_encounter_years": self.age_stats(),
            "features": {"observed": self.features_observed, "excluded": self.features_excluded},
            "diseases": [{"id": i, "label": lab, "packets": c} for i, lab, c in diseases],
            "diseases_total": len(self.diseases),
            "diseases_excluded": [{"id": i, "label": lab, "packets": c} for i, lab, c in self.excluded_diseases],
            "terms": [t.__dict__ for t in terms],
            "terms_total": len(self.terms),
            "organ_systems": [{**t.__dict__, "system": t.short_label} for t in self.organ_systems],
            "onset": {
                "features": {"ages_years": _stats(self.feature_onset_years), "terms": self.feature_onset_terms},
                "diseases": {"ages_years": _stats(self.disease_onset_years), "terms": self.disease_onset_terms},
            },
            "not_in_release": self.not_in_release,
            "not_in_years": self.not_in_years,
        }

    # ------------------------------------------------------------------ text / html

    def _counts_note(self) -> str:
        if self.propagated:
            return "propagated: a packet counts for a term when it observes the term or a descendant"
        return "direct: no HPO loaded, counts are for the ids as written"

    def _other_ages_text(self, key: str) -> str:
        """'; not in years: 28 gestational age, 1 timestamp' for the times of ``key`` the year list leaves out."""
        other = self.not_in_years.get(key)
        if not other:
            return ""
        return "; not in years: " + ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in other.items())

    def _packets_text(self) -> str:
        return "none of 0 phenopackets" if not self.packets else f"none of {self.packets} phenopacket(s)"

    def to_text(self) -> str:
        """Plain-text report for terminals."""
        a = self.age_stats()
        lines = [
            f"{self.packets} phenopackets; {self.features_observed} observed and {self.features_excluded} excluded "
            f"features; HPO {self.hpo_version or 'not loaded'}",
            "sex: " + ", ".join(f"{k} {v}" for k, v in self.sex.items()),
            f"age at last encounter (years): n={a['n']} min={a['min']} median={a['median']} max={a['max']}"
            + self._other_ages_text("age_at_last_encounter"),
            "",
            f"top diseases ({len(self.diseases)} in all):",
            *[f"  {n:6d}  {lab} ({i})" for i, lab, n in self.diseases[: self.top]],
            *(["  excluded: " + ", ".join(f"{lab} ({i}) {n}" for i, lab, n in self.excluded_diseases[: self.top])]
              if self.excluded_diseases else []),
            "",
            f"top {self.top} HPO terms, packets observed / excluded ({self._counts_note()}; direct in brackets):",
            *[
                f"  {t.observed:6d} / {t.excluded:<6d} [{t.observed_direct} / {t.excluded_direct}] {t.label} ({t.id})"
                for t in self.top_terms()
            ],
        ]
        if self.organ_systems:
            lines += [
                "",
                "organ systems (packets with an observed term below / only excluded terms below):",
                *[f"  {t.observed:6d} / {t.only_excluded_below:<6d} {t.short_label}" for t in self.organ_systems],
            ]
        if self.not_in_release:
            lines += [
                "",
                f"{len(self.not_in_release)} term id(s) not in HPO {self.hpo_version}: "
                + ", ".join(self.not_in_release[:10])
                + (" …" if len(self.not_in_release) > 10 else ""),
            ]
        return "\n".join(lines)

    def __repr__(self) -> str:
        a = self.age_stats()
        head = [
            f"CohortSummary({self.packets} phenopackets, {len(self.terms)} terms, {len(self.diseases)} diseases, "
            f"HPO {self.hpo_version or 'not loaded'}, counts {'propagated' if self.propagated else 'direct'})",
            f"  age at last encounter: n={a['n']} median={a['median']} y"
            + self._other_ages_text("age_at_last_encounter"),
            "  top terms (observed / excluded):",
            *[f"    {t.observed:6d} / {t.excluded:<6d} {t.label} ({t.id})" for t in self.top_terms(min(self.top, 10))],
        ]
        rest = len(self.terms) - min(self.top, 10)
        if rest > 0:
            head.append(f"    … {rest} more (.terms_frame() has them all)")
        return "\n".join(head)

    def _table(self, rows: list[Any], title: str, *, systems: bool = False) -> str:
        esc = html.escape
        second = (lambda t: t.only_excluded_below) if systems else (lambda t: t.excluded)
        width = max((t.observed + second(t) for t in rows), default=1) or 1
        body = "".join(
            f"<tr><td>{esc(t.short_label if systems else t.label)}</td><td><code>{esc(t.id)}</code></td>"
            f"<td style='text-align:right'>{t.observed}</td><td style='text-align:right'>{second(t)}</td>"
            + ("" if systems else f"<td style='text-align:right;color:#777'>{t.observed_direct}</td>")
            + "<td><div style='display:flex;width:200px'>"
            f"<div style='background:#3b7d3b;height:10px;width:{200 * t.observed / width:.0f}px'></div>"
            f"<div style='background:#c0504d;height:10px;width:{200 * second(t) / width:.0f}px'></div></div></td></tr>"
            for t in rows
        )
        cols = "<th>observed</th><th>only excluded below</th>" if systems else (
            "<th>observed</th><th>excluded</th><th title='packets listing exactly this id'>direct</th>"
        )
        return f"<h4>{esc(title)}</h4><table><tr><th>term</th><th>id</th>{cols}<th></th></tr>{body}</table>"

    def _repr_html_(self) -> str:
        return self._html(min(self.top, 50))

    def _html(self, top: int) -> str:
        esc = html.escape
        a = self.age_stats()
        parts = [
            f"<p>{self.packets} phenopackets · {self.features_observed} observed / {self.features_excluded} excluded "
            f"features · HPO {esc(self.hpo_version or 'not loaded')}</p>",
            "<p>sex: " + esc(", ".join(f"{k} {v}" for k, v in self.sex.items())) + "</p>",
            (f"<p>age at last encounter: n={a['n']}, median {a['median']} y (range {a['min']}–{a['max']})"
             if a["n"] else "<p>age at last encounter: none in years")
            + esc(self._other_ages_text("age_at_last_encounter")) + "</p>",
            self._table(self.top_terms(top), f"Top {top} of {len(self.terms)} HPO terms ({self._counts_note()})"),
        ]
        if self.organ_systems:
            parts.append(self._table(self.organ_systems, "Organ systems (packets)", systems=True))
        if self.diseases:
            rows = "".join(
                f"<tr><td>{esc(lab)}</td><td><code>{esc(i)}</code></td><td>{n}</td></tr>"
                for i, lab, n in self.diseases[:top]
            )
            more = len(self.diseases) - top
            parts.append(
                f"<h4>Diseases</h4><table><tr><th>disease</th><th>id</th><th>packets</th></tr>{rows}</table>"
                + (f"<p>… {more} more diseases</p>" if more > 0 else "")
            )
        return "<div class='phenotk-summary'>" + "".join(parts) + "</div>"

    def to_html(self) -> str:
        """A self-contained HTML page (no network assets) with the summary tables."""
        return (
            "<!doctype html><html><head><meta charset='utf-8'><title>phenotk cohort summary</title>"
            "<style>body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse}"
            "td,th{padding:2px 8px;border-bottom:1px solid #eee}</style></head><body><h2>Cohort summary</h2>"
            + self._html(self.top)
            + "</body></html>\n"
        )

    # ------------------------------------------------------------------ plots

    def plot_terms(self, top: int | None = None, ax: Axes | None = None, *, direct: bool = False) -> Axes:
        """Horizontal bars of the top-N terms, observed vs excluded (propagated; ``direct=True`` for exact ids)."""
        import matplotlib.pyplot as plt

        rows = self.top_terms(None if top is None else _top(top), direct=direct)[::-1]
        obs = [t.observed_direct if direct else t.observed for t in rows]
        exc = [t.excluded_direct if direct else t.excluded for t in rows]
        if ax is None:
            _, ax = plt.subplots(figsize=(8, max(2.5, 0.28 * len(rows))))
        if not rows and top == 0:
            return _nothing(ax, "HPO terms", "top=0: no term asked for")
        if not any(obs) and not any(exc):
            return _nothing(ax, "HPO terms", f"no HPO term to plot: {self._packets_text()} with a phenotypic feature")
        y = list(range(len(rows)))
        ax.barh(y, obs, color="#3b7d3b", label="observed")
        ax.barh(y, exc, left=obs, color="#c0504d", label="excluded")
        ax.set_yticks(y, [t.label for t in rows], fontsize=8)
        ax.set_xlabel("phenopackets")
        kind = "listing the exact term" if direct or not self.propagated else "with the term or a descendant"
        ax.set_title(f"Top {len(rows)} HPO terms (packets {kind})")
        ax.legend(loc="lower right")
        return ax

    def plot_organ_systems(self, ax: Axes | None = None) -> Axes:
        """Bars of packets with an observed (and only-excluded) term per organ system."""
        import matplotlib.pyplot as plt

        rows = self.organ_systems[::-1]
        if ax is None:
            _, ax = plt.subplots(figsize=(8, max(2.5, 0.28 * len(rows))))
        title = "Organ systems (top-level terms under Phenotypic abnormality)"
        if not self.propagated:
            return _nothing(ax, title, "no organ systems without an HPO: read_cohort(..., hpo='hp.json')")
        if not any(t.observed or t.only_excluded_below for t in rows):
            return _nothing(ax, title, f"no organ system to plot: {self._packets_text()} with a term below "
                                       "Phenotypic abnormality")
        y = list(range(len(rows)))
        ax.barh(y, [t.observed for t in rows], color="#3b7d3b", label="observed")
        ax.barh(y, [t.only_excluded_below for t in rows], left=[t.observed for t in rows], color="#c0504d",
                label="only excluded")
        ax.set_yticks(y, [t.short_label for t in rows], fontsize=8)
        ax.set_xlabel("phenopackets")
        ax.set_title("Organ systems (top-level terms under Phenotypic abnormality)")
        ax.legend(loc="lower right")
        return ax

    def plot_onsets(self, ax: Axes | None = None, bins: int = 30, *, of: str = "features") -> Axes:
        """Histogram of onset ages (years) of observed features (``of="features"``) or of diseases.

        ``of="diseases"`` plots disease onsets: the two count different things, so they are never pooled.
        """
        import matplotlib.pyplot as plt

        if of not in ("features", "diseases"):
            raise ValueError(f"of must be 'features' or 'diseases', not {of!r}")
        values = self.feature_onset_years if of == "features" else self.disease_onset_years
        if ax is None:
            _, ax = plt.subplots(figsize=(8, 3))
        if not values:
            what = "observed features" if of == "features" else "diseases"
            named = self.feature_onset_terms if of == "features" else self.disease_onset_terms
            attr = "feature_onset_terms" if of == "features" else "disease_onset_terms"
            extra = f"; {sum(named.values())} given as onset terms (.{attr})" if named else ""
            extra += self._other_ages_text(f"{of[:-1]}_onsets")
            return _nothing(ax, f"Onset ages of {what}", f"no onset age in years of {what} in "
                                                          f"{self._packets_text()}{extra}")
        ax.hist(values, bins=bins, color="#4a6fa5" if of == "features" else "#a5784a")
        ax.set_xlabel("onset age (years)")
        ax.set_ylabel("observed features" if of == "features" else "diseases")
        ax.set_title(f"Onset ages of {'observed features' if of == 'features' else 'diseases'} (n={len(values)})")
        return ax


def _top(n: Any, name: str = "top") -> int:
    """``n`` when it is a count of rows to show; a ``TypeError`` / ``ValueError`` that says what it must be."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"{name} must be an int (0 or more), not {type(n).__name__} ({n!r:.40})")
    if n < 0:
        raise ValueError(f"n must be 0 or more, not {n}")
    return n


def _nothing(ax: Axes, title: str, message: str) -> Axes:
    """An empty plot that says why it is empty (instead of blank axes)."""
    ax.set_title(title)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.text(0.5, 0.5, message, ha="center", va="center", wrap=True, transform=ax.transAxes, fontsize=9,
            color="#555")
    return ax


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 2) if values else None


def _stats(values: list[float]) -> dict[str, float | int | None]:
    return {"n": len(values), "median": _median(values)}


def summarize(
    packets: Iterable[Phenopacket | Message | dict[str, Any]] | str | os.PathLike[str],
    *,
    hpo: OntologyIndex | str | os.PathLike[str] | None = None,
    top: int = 20,
) -> CohortSummary:
    """Summarise phenopackets.

    ``packets``: messages (a Family or Cohort counts its members), dicts, Documents, or paths (a file, folder or
    glob, or a list of them; an unreadable file raises its :class:`~phenotk.errors.InputError` —
    ``read_cohort(paths).summary()`` collects them instead). Anything else is a ``TypeError``.

    With ``hpo`` (an index or a path to hp.json / hp.obo) term counts propagate along the hierarchy, terms get
    current labels and roll up to organ systems (see :mod:`phenotk.analysis.terms` for the definition).
    """
    top = _top(top)
    hpo = ontology_index(hpo)
    n = 0
    sex: Counter[str] = Counter()
    vital: Counter[str] = Counter()
    ages: list[float] = []
    disease_n: Counter[str] = Counter()
    disease_exc: Counter[str] = Counter()
    disease_label: dict[str, str] = {}
    obs_n: Counter[str] = Counter()
    exc_n: Counter[str] = Counter()
    prop_obs: Counter[str] = Counter()
    prop_exc: Counter[str] = Counter()
    labels: dict[str, str] = {}
    onsets: dict[str, list[float]] = {"features": [], "diseases": []}
    onset_terms: dict[str, Counter[str]] = {"features": Counter(), "diseases": Counter()}
    n_obs = n_exc = 0
    closure = TermClosure(hpo)
    systems = hpo.children(PHENOTYPIC_ABNORMALITY) if hpo is not None else []
    only_exc_below: Counter[str] = Counter()
    unknown: set[str] = set()

    other: dict[str, Counter[str]] = {"age_at_last_encounter": Counter(), "feature_onsets": Counter(),
                                      "disease_onsets": Counter()}

    def note_onset(onset: Any, kind: str) -> None:
        which = onset.WhichOneof("element")
        if which == "age":
            y = _years(onset.age.iso8601duration)
            if y is not None:
                onsets[kind].append(y)
            else:
                other[f"{kind[:-1]}_onsets"]["unreadable_age"] += 1
        elif which == "ontology_class":
            onset_terms[kind][onset.ontology_class.label or onset.ontology_class.id] += 1
        elif which is not None:
            other[f"{kind[:-1]}_onsets"][which] += 1

    for p in iter_packets(packets, "summarize"):
        n += 1
        sex[_enum_name(p.subject, "sex")] += 1
        if p.subject.HasField("vital_status"):
            vital[_enum_name(p.subject.vital_status, "status")] += 1
        last = p.subject.time_at_last_encounter.WhichOneof("element")
        if last == "age":
            y = _years(p.subject.time_at_last_encounter.age.iso8601duration)
            if y is not None:
                ages.append(y)
            else:
                other["age_at_last_encounter"]["unreadable_age"] += 1
        elif last is not None:
            other["age_at_last_encounter"][last] += 1
        seen_d: set[str] = set()
        seen_x: set[str] = set()
        for d in p.diseases:
            disease_label.setdefault(d.term.id, d.term.label)
            if d.excluded:  # ruled out: not a diagnosis, and its onset is no disease onset
                seen_x.add(d.term.id)
                continue
            seen_d.add(d.term.id)
            if d.HasField("onset"):
                note_onset(d.onset, "diseases")
        for i in p.interpretations:
            if i.diagnosis.HasField("disease"):
                seen_d.add(i.diagnosis.disease.id)
                disease_label.setdefault(i.diagnosis.disease.id, i.diagnosis.disease.label)
        disease_n.update(seen_d)
        disease_exc.update(seen_x - seen_d)
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
                    note_onset(f.onset, "features")
        obs_n.update(seen_obs)
        exc_n.update(seen_exc)
        if hpo is not None:
            unknown.update(t for t in seen_obs | seen_exc if not closure.known(t))
            p_obs, p_exc = closure.propagate(seen_obs, seen_exc)
            prop_obs.update(p_obs)
            prop_exc.update(p_exc)
            below_exc: set[str] = set()
            for tid in seen_exc:
                below_exc |= closure.up(tid)
            only_exc_below.update(s for s in systems if s in below_exc and s not in p_obs)

    def label_of(tid: str) -> str:
        if hpo is not None:
            primary = hpo.primary_id(tid)
            if primary is not None:
                return hpo.label(primary) or labels.get(tid, tid)
        return labels.get(tid) or tid

    def count(tid: str) -> TermCount:
        if hpo is None:
            return TermCount(tid, label_of(tid), obs_n[tid], exc_n[tid], obs_n[tid], exc_n[tid])
        k = closure.key(tid)
        return TermCount(tid, label_of(tid), prop_obs[k], prop_exc[k], obs_n[tid], exc_n[tid])

    ids = set(obs_n) | set(exc_n) | set(prop_obs) | set(prop_exc)
    terms = [count(t) for t in ids]
    terms.sort(key=lambda t: (-t.observed, -t.excluded, -t.observed_direct, t.id))
    organ = [OrganSystemCount(**count(s).__dict__, only_excluded_below=only_exc_below[s]) for s in systems]
    organ.sort(key=lambda t: (-t.observed, -t.only_excluded_below, t.id))
    diseases = sorted(((d, disease_label.get(d, ""), c) for d, c in disease_n.items()), key=lambda x: (-x[2], x[0]))
    excluded_diseases = sorted(((d, disease_label.get(d, ""), c) for d, c in disease_exc.items()),
                               key=lambda x: (-x[2], x[0]))
    return CohortSummary(
        packets=n,
        sex=dict(sex.most_common()),
        vital_status=dict(vital.most_common()),
        ages_years=ages,
        diseases=diseases,
        excluded_diseases=excluded_diseases,
        terms=terms,
        organ_systems=organ,
        feature_onset_years=onsets["features"],
        disease_onset_years=onsets["diseases"],
        feature_onset_terms=dict(onset_terms["features"].most_common()),
        disease_onset_terms=dict(onset_terms["diseases"].most_common()),
        features_observed=n_obs,
        features_excluded=n_exc,
        hpo_version=getattr(hpo, "version", None),
        hpo=hpo,
        not_in_release=sorted(unknown),
        not_in_years={k: dict(v.most_common()) for k, v in other.items() if v},
        top=top,
        propagated=hpo is not None,
    )


def merge_summaries(parts: Iterable[CohortSummary]) -> CohortSummary:
    """One summary of several disjoint sets of packets (e.g. Dask partitions summarised apart).

    Every count is a number of packets, so the parts add up exactly: ``merge_summaries([summarize(a, hpo=h),
    summarize(b, hpo=h)])`` equals ``summarize(a + b, hpo=h)`` (ages and onsets in part order). The parts must
    use the same HPO release (or none).
    """
    parts = list(parts)
    bad = next((p for p in parts if not isinstance(p, CohortSummary)), None)
    if bad is not None:
        raise TypeError(f"merge_summaries takes CohortSummary objects (summarize(…)), not {type(bad).__name__}")
    if not parts:
        return summarize([])
    versions = {p.hpo_version for p in parts}
    if len(versions) > 1 or len({p.propagated for p in parts}) > 1:
        raise ValueError(f"summaries made with different HPO releases cannot be merged: {sorted(map(str, versions))}")

    def add(dicts: Iterable[dict[str, int]]) -> dict[str, int]:
        c: Counter[str] = Counter()
        for d in dicts:
            c.update(d)
        return dict(c.most_common())

    def add_terms(rows: Iterable[TermCount], cls: type[TermCount]) -> list[Any]:
        out: dict[str, TermCount] = {}
        for t in rows:
            have = out.get(t.id)
            if have is None:
                out[t.id] = cls(**t.__dict__)
                continue
            for k, v in t.__dict__.items():
                if isinstance(v, int):
                    setattr(have, k, getattr(have, k) + v)
        return list(out.values())

    terms = add_terms((t for p in parts for t in p.terms), TermCount)
    terms.sort(key=lambda t: (-t.observed, -t.excluded, -t.observed_direct, t.id))
    organ = add_terms((t for p in parts for t in p.organ_systems), OrganSystemCount)
    organ.sort(key=lambda t: (-t.observed, -t.only_excluded_below, t.id))
    disease_n: Counter[str] = Counter()
    disease_exc: Counter[str] = Counter()
    disease_label: dict[str, str] = {}
    for p in parts:
        for i, lab, n in p.diseases:
            disease_n[i] += n
            disease_label.setdefault(i, lab)
        for i, lab, n in p.excluded_diseases:
            disease_exc[i] += n
            disease_label.setdefault(i, lab)
    first = parts[0]
    return CohortSummary(
        packets=sum(p.packets for p in parts),
        sex=add(p.sex for p in parts),
        vital_status=add(p.vital_status for p in parts),
        ages_years=[a for p in parts for a in p.ages_years],
        diseases=sorted(((d, disease_label[d], c) for d, c in disease_n.items()), key=lambda x: (-x[2], x[0])),
        excluded_diseases=sorted(((d, disease_label[d], c) for d, c in disease_exc.items()),
                                 key=lambda x: (-x[2], x[0])),
        terms=terms,
        organ_systems=organ,
        feature_onset_years=[a for p in parts for a in p.feature_onset_years],
        disease_onset_years=[a for p in parts for a in p.disease_onset_years],
        feature_onset_terms=add(p.feature_onset_terms for p in parts),
        disease_onset_terms=add(p.disease_onset_terms for p in parts),
        features_observed=sum(p.features_observed for p in parts),
        features_excluded=sum(p.features_excluded for p in parts),
        hpo_version=first.hpo_version,
        hpo=first.hpo,
        not_in_release=sorted({t for p in parts for t in p.not_in_release}),
        not_in_years={k: add(p.not_in_years.get(k, {}) for p in parts)
                      for k in ("age_at_last_encounter", "feature_onsets", "disease_onsets")
                      if any(p.not_in_years.get(k) for p in parts)},
        top=first.top,
        propagated=first.propagated,
    )
