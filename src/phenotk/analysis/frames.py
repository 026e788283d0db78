"""Typed pandas frames of phenopackets: numbers as numbers, vocabularies as categoricals, pd.NA for missing.

``to_dataframe(packets, layout)`` types the table the ``phenotk-wide`` / ``phenotk-long`` presets read
(:mod:`phenotk.conversion.table.write`):

* text columns have the ``string`` dtype and ``pd.NA`` where the packet states nothing (``isna()`` finds them);
* ``sex``, ``vital_status`` and (long layout) ``status`` are categoricals with every allowed value as category;
* ``age_at_last_encounter`` (the ISO 8601 text) is followed by ``age_years`` (float, NA when the age is not an
  ISO 8601 duration); every onset column (``onset``, ``disease_N_onset``) is followed by ``…_age_years`` (float)
  and ``…_term`` (the onset label, e.g. ``Congenital onset``) — a cell is one or the other, or neither (a
  gestational age ``33+2``, an age that is no ISO 8601 duration: the text column has it);
* wide layout: one nullable-boolean column per HPO term, ``True`` = observed, ``False`` = excluded, NA = not
  recorded; the onsets of observed features, which the matrix cannot hold, are in ``feature_onsets``
  (a ``{term id: onset text}`` dict per packet, NA when none).

``df.attrs["phenotk_issues"]`` lists what the layout could not carry. ``phenotk.from_dataframe(df, "phenotk-wide")``
reads a typed frame back (derived columns ignored; the text columns are the source of truth).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from google.protobuf.message import Message

from phenotk.analysis._inputs import not_packets
from phenotk.conversion.table.api import make_table
from phenotk.conversion.table.typed import TYPED_MARK, term_of_header
from phenotk.conversion.table.write import SUBJECT_COLUMNS
from phenotk.errors import InputError
from phenotk.mapping.timeparse import ONSET_TERMS
from phenotk.model.durations import duration_days

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

CATEGORIES: dict[str, list[str]] = {
    "sex": ["male", "female", "other", "unknown"],
    "vital_status": ["alive", "deceased", "unknown"],
    "status": ["observed", "excluded"],
}
_BLOCK = re.compile(r"^(disease|reference|variant)_\d+_\w+$")
_ONSET = re.compile(r"^(onset|disease_\d+_onset)$")
_ISO = re.compile(r"^P(?!$)")
#: how the table writer (``format_time``) writes an onset class: a known onset label, ``label (id)`` or the id
_ONSET_LABELS = frozenset(ONSET_TERMS.values())
_CLASS_CELL = re.compile(r"(?:^|\s)\((?:[A-Za-z][\w.]*:[^()\s]+)?\)$|^[A-Za-z][\w.]*:[^\s()]+$")


def iso_years(cell: str) -> float | None:
    """Years of an ISO 8601 duration cell (``P1Y6M`` → 1.5); None for anything else (labels, ``33+2``, '')."""
    if not cell or not _ISO.match(cell):
        return None
    days = duration_days(cell)
    return None if days is None else days / 365.25


def _onset_term(cell: str) -> str | None:
    """The onset class of an onset cell (``Congenital onset``, ``label (HP:…)``, a bare id); None for an age.

    An age that is no ISO 8601 duration (``3 years``) is neither a number nor a term: None (the summary counts it
    as an unreadable age), never an onset class.
    """
    if cell in _ONSET_LABELS or (cell and _CLASS_CELL.search(cell)):
        return cell
    return None


def _messages(packets: Any) -> list[Message]:
    """The messages ``to_dataframe`` was given, reading paths; a ``TypeError`` for what is none of them."""
    from phenotk.io import Document, iter_messages, read

    if isinstance(packets, (str, os.PathLike, Message, Document, dict)):
        packets = [packets]
    error = not_packets(packets, "to_dataframe")
    if error is not None:
        raise error
    out: list[Message] = []
    paths: list[Any] = []
    for item in packets:
        if isinstance(item, Message):
            out.append(item)
        elif isinstance(item, Document):
            if item.message is None:
                raise InputError(f"cannot build a {item.element.value}: {item.parse_error}", path=item.path)
            out.append(item.message)
        elif isinstance(item, dict):
            out.append(read(item))
        elif isinstance(item, (str, os.PathLike)):
            paths.append(item)
        else:
            raise TypeError(
                f"to_dataframe takes phenopackets (messages, dicts, Documents) or paths, not {type(item).__name__}"
            )
    if paths:
        if out:
            raise TypeError("to_dataframe takes either phenopackets or paths, not both in one list")
        out = list(iter_messages(paths))
    return out


def _is_term_column(name: str) -> bool:
    return name not in SUBJECT_COLUMNS and not _BLOCK.match(name) and name not in ("hpo_id", "hpo_label",
                                                                                    "status", "onset")


def to_dataframe(packets: Iterable[Message] | str | os.PathLike[str], layout: str = "wide") -> pd.DataFrame:
    """Packets (families and cohorts contribute their members) as a typed DataFrame; see the module doc.

    ``packets``: messages, :class:`~phenotk.io.Document` objects or dicts, or what ``phenotk validate`` reads
    — a file, a folder, a glob or a list of them (read here; an unreadable file raises its
    :class:`~phenotk.errors.InputError`). Anything else is a ``TypeError``, never an empty frame.
    """
    import numpy as np
    import pandas as pd

    table = make_table(_messages(packets), layout)
    header = table.header
    rows = table.rows
    n = len(rows)
    data: dict[str, Any] = {}
    onsets: list[dict[str, str] | None] = [None] * n
    for j, name in enumerate(header):
        # one column at a time: a transposed copy of the whole table doubled the peak memory (10,000 packets ×
        # 4,160 columns: +880 MB for an 88 MB frame)
        cells = list(map(itemgetter(j), rows))
        if layout == "wide" and _is_term_column(name):
            arr = np.asarray(cells, dtype=object)
            mask = arr == ""
            values = arr != "excluded"
            data[name] = pd.arrays.BooleanArray(values & ~mask, mask)
            curie = term_of_header(name)
            for i in np.flatnonzero(~mask & (arr != "observed") & (arr != "excluded")):
                d = onsets[i]
                if d is None:
                    d = onsets[i] = {}
                d[curie] = str(arr[i])
            continue
        text = [c if c != "" else None for c in cells]
        if name in CATEGORIES:
            data[name] = pd.Categorical(text, categories=CATEGORIES[name])
        else:
            data[name] = pd.array(text, dtype="string")
        if name == "age_at_last_encounter":
            data["age_years"] = pd.array([iso_years(c) for c in cells], dtype="Float64")
        elif _ONSET.match(name):
            data[f"{name}_age_years"] = pd.array([iso_years(c) for c in cells], dtype="Float64")
            data[f"{name}_term"] = pd.array([_onset_term(c) for c in cells], dtype="string")
    if layout == "wide":
        data["feature_onsets"] = pd.array([pd.NA if d is None else d for d in onsets], dtype=object)
        # keep the matrix last: metadata, feature_onsets, then one column per term
        names = [k for k in data if not isinstance(data[k], pd.arrays.BooleanArray)]
        names += [k for k in data if isinstance(data[k], pd.arrays.BooleanArray)]
        data = {k: data[k] for k in names}
    df = pd.DataFrame(data, index=pd.RangeIndex(n))
    df.attrs["phenotk_issues"] = table.issues
    df.attrs[TYPED_MARK] = layout
    return df


def term_matrix(df: pd.DataFrame) -> pd.DataFrame:
    """The boolean term columns of a typed wide frame, with term ids as column names (index = packet_id).

    The values are the terms as the packets write them (True observed, False excluded, NA not recorded), not
    propagated along HPO: use ``CohortView.summary()`` or ``filter(term=…)`` for "the term or a descendant".
    A long frame (one row per feature) has no matrix: ``ValueError`` (pivot it, or make a wide frame).
    """
    if type(df).__name__ != "DataFrame":
        raise TypeError(f"term_matrix takes a DataFrame made by phenotk.to_dataframe, not {type(df).__name__}")
    if df.attrs.get(TYPED_MARK) == "long" or {"hpo_id", "status"} <= set(df.columns):
        raise ValueError("term_matrix needs a wide frame (to_dataframe(..., layout='wide')), not a long one")
    cols = [c for c in df.columns if str(df[c].dtype) == "boolean"]
    out = df[cols].copy()
    out.columns = [term_of_header(str(c)) for c in cols]
    if "packet_id" in df.columns:
        out.index = df["packet_id"].tolist()
    return out
