"""Typed phenotk frames back to the text cells the ``phenotk-wide`` / ``phenotk-long`` presets read.

``phenotk.to_dataframe`` (:mod:`phenotk.analysis.frames`) gives typed frames: derived numeric/term columns next to
the text they come from, categoricals, pandas NA, and in the wide layout a boolean term matrix with the onsets of
observed features in one ``feature_onsets`` column. :func:`plain_frame` undoes exactly that, so
``from_dataframe(to_dataframe(packets), "phenotk-wide")`` is the identity on the mapped fields. Any other frame is
returned unchanged.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

#: ``df.attrs`` key marking a typed phenotk frame (value: the layout)
TYPED_MARK = "phenotk_typed"
#: columns a typed frame derives from others (dropped on the way back: the text columns are the source of truth)
DERIVED = re.compile(r"^(age_years|onset_age_years|onset_term|disease_\d+_onset_(age_years|term)|feature_onsets)$")
#: the term id at the end of a wide-layout term column header: ``Seizure (HP:0001250)``
TERM_HEADER = re.compile(r"\(([A-Za-z][\w.]*:[^()\s]+)\)$")


def term_of_header(header: str) -> str:
    """The term id of a wide-layout column (``Seizure (HP:0001250)`` → ``HP:0001250``; a bare id is itself)."""
    m = TERM_HEADER.search(header)
    return m.group(1) if m else header


def is_typed(df: pd.DataFrame) -> bool:
    """True for a frame made by ``phenotk.to_dataframe`` (its mark, or boolean term columns when attrs were lost)."""
    if df.attrs.get(TYPED_MARK):
        return True
    if not {"packet_id", "subject_id"} <= set(map(str, df.columns)):
        return False
    return any(str(t) in ("bool", "boolean") and TERM_HEADER.search(str(c)) for c, t in df.dtypes.items())


def plain_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Text cells for a typed phenotk frame (see module doc); other frames unchanged."""
    import pandas as pd

    if not is_typed(df):
        return df
    onsets: list[Any] = df["feature_onsets"].tolist() if "feature_onsets" in df.columns else [None] * len(df)
    out: dict[str, list[Any]] = {}
    for col in df.columns:
        name = str(col)
        if DERIVED.match(name):
            continue
        series = df[col]
        if str(series.dtype) in ("bool", "boolean") and TERM_HEADER.search(name):
            curie = term_of_header(name)
            cells = []
            for value, row_onsets in zip(series.tolist(), onsets, strict=True):
                if value is None or value is pd.NA:
                    cells.append("")
                elif value:
                    onset = row_onsets.get(curie) if isinstance(row_onsets, dict) else None
                    cells.append(onset or "observed")
                else:
                    cells.append("excluded")
            out[name] = cells
        else:
            out[name] = ["" if v is None or v is pd.NA or (isinstance(v, float) and v != v) else v
                         for v in series.astype(object).tolist()]
    return pd.DataFrame(out, columns=list(out), dtype=object)
