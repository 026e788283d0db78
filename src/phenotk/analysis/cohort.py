"""A cohort of Phenopackets read from files, with pandas views and Jupyter display."""

from __future__ import annotations

import html
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from google.protobuf.message import Message
from phenopackets import Cohort, Family, Phenopacket

from phenotk.analysis._inputs import ontology_index
from phenotk.analysis.genotype import (
    GenotypePhenotypeTable,
    allele_count,
    genes_of,
    genotype_phenotype,
    iter_keys,
    variants_of,
)
from phenotk.analysis.terms import TermClosure
from phenotk.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from phenotk.analysis.summary import CohortSummary
    from phenotk.ontology import OntologyIndex


def packets_of(message: Message) -> list[Phenopacket]:
    """The Phenopackets inside a Phenopacket, Family (proband + relatives) or Cohort (members)."""
    if isinstance(message, Phenopacket):
        return [message]
    if isinstance(message, Family):
        out = [message.proband] if message.HasField("proband") else []
        return out + list(message.relatives)
    if isinstance(message, Cohort):
        return list(message.members)
    raise TypeError(f"not a Phenopacket, Family or Cohort: {type(message).__name__}")


_SEX = {"male": "MALE", "female": "FEMALE", "other": "OTHER_SEX", "other_sex": "OTHER_SEX", "unknown": "UNKNOWN_SEX",
        "unknown_sex": "UNKNOWN_SEX"}


def _as_set(value: str | Iterable[str], name: str) -> set[str]:
    """One string or strings as a set.

    A ``TypeError`` naming the argument for anything else (a number matched nothing, or ended in "'int' object is
    not iterable").
    """
    if isinstance(value, str):
        return {value}
    if isinstance(value, Iterable) and not isinstance(value, (bytes, bytearray, dict)):
        out = set(value)
        bad = next((v for v in out if not isinstance(v, str)), None)
        if bad is None:
            return out
        value = bad
    raise TypeError(f"{name} takes a string or a list of strings, not {type(value).__name__} ({value!r:.60})")


def _sex_of(packet: Phenopacket) -> str:
    s = packet.subject
    v = type(s).DESCRIPTOR.fields_by_name["sex"].enum_type.values_by_number.get(s.sex)
    return v.name if v is not None else f"UNRECOGNIZED_{s.sex}"


def _diseases_of(packet: Phenopacket) -> set[str]:
    out = {d.term.id for d in packet.diseases if not d.excluded}
    out |= {i.diagnosis.disease.id for i in packet.interpretations if i.diagnosis.HasField("disease")}
    return out


_NO_KEY = object()

#: what :meth:`CohortView.groupby` accepts as a name
GROUP_KEYS = ("gene", "disease", "sex", "variant", "variant_effect", "allele_count")


@dataclass
class CohortView:
    """Phenopackets gathered from one or more inputs (families and cohorts are flattened to their packets).

    ``errors`` holds the inputs that could not be read (they are skipped, never silently: check it); ``notes``
    what else the reading did (a file named twice read once). Packets sharing an id are kept (each is counted):
    :meth:`duplicate_ids` lists them, and the reprs say so.
    Term filters and counts propagate along HPO (:mod:`phenotk.analysis.terms`) when ``hpo`` is loaded.
    """

    packets: list[Phenopacket]
    sources: list[str] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    hpo: OntologyIndex | None = None
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.hpo = ontology_index(self.hpo)
        packets: Any = self.packets
        if isinstance(packets, (str, os.PathLike)):
            raise TypeError(f"CohortView takes phenopackets in memory, not a path ({os.fspath(packets)!r:.60}): "
                            "read_cohort(path) reads files")
        if (isinstance(packets, (Message, bytes, bytearray, dict)) or not isinstance(packets, Iterable)
                or type(packets).__name__ == "DataFrame"):
            raise TypeError(f"CohortView takes a list of phenopackets, not {type(packets).__name__}")
        if isinstance(packets, list) and all(isinstance(p, Phenopacket) for p in packets):
            return
        packets = list(packets)
        aligned = len(self.sources) == len(packets)
        out: list[Phenopacket] = []
        sources: list[str] = []
        for i, p in enumerate(packets):
            if not isinstance(p, (Phenopacket, Family, Cohort)):
                raise TypeError(f"CohortView takes Phenopacket, Family or Cohort messages, not {type(p).__name__}")
            members = packets_of(p)  # a Family or Cohort counts its members, as read_cohort reads it
            out += members
            if aligned:
                sources += [self.sources[i]] * len(members)
        self.packets = out
        if aligned:
            self.sources = sources

    def __len__(self) -> int:
        return len(self.packets)

    def __iter__(self) -> Iterator[Phenopacket]:
        return iter(self.packets)

    def _closure(self) -> TermClosure:
        c = self.__dict__.get("_closure_cache")
        if c is None or c.hpo is not self.hpo:
            c = self.__dict__["_closure_cache"] = TermClosure(self.hpo)
        return c

    def _subset(self, keep: list[int]) -> CohortView:
        sources = [self.sources[i] for i in keep] if len(self.sources) == len(self.packets) else []
        view = CohortView([self.packets[i] for i in keep], sources, self.errors, self.hpo, self.notes)
        view.__dict__["_closure_cache"] = self._closure()
        return view

    # ------------------------------------------------------------------ queries
    def filter(
        self,
        predicate: Callable[[Phenopacket], bool] | None = None,
        *,
        gene: str | Iterable[str] | None = None,
        variant: str | Iterable[str] | None = None,
        variant_effect: str | Iterable[str] | None = None,
        disease: str | Iterable[str] | None = None,
        term: str | Iterable[str] | None = None,
        excluded_term: str | Iterable[str] | None = None,
        sex: str | Iterable[str] | None = None,
    ) -> CohortView:
        """The packets matching every given criterion (a list of values: any of them), as a new view.

        ``gene``: symbol (any case) or HGNC id; ``variant``: an HGVS text (c., g., p.) or variant id/label as
        written; ``variant_effect``: see :data:`phenotk.analysis.genotype.EFFECTS`; ``disease``: id
        (``OMIM:154700``); ``term``: packets *observing* the term or a descendant; ``excluded_term``: packets
        excluding it (or an ancestor) and not observing it; ``sex``: male, female, other, unknown.
        """
        if predicate is not None and not callable(predicate):
            raise TypeError(f"filter takes a function of a packet and/or keywords (filter(gene='FBN1'), "
                            f"filter(**criteria)), not {type(predicate).__name__}")
        closure = self._closure()
        genes = {g.upper() for g in _as_set(gene, "gene")} if gene is not None else None
        variants = _as_set(variant, "variant") if variant is not None else None
        effects = (
            {_effect(e) for e in _as_set(variant_effect, "variant_effect")} if variant_effect is not None else None
        )
        diseases = _as_set(disease, "disease") if disease is not None else None
        obs_terms = (
            {closure.key(self._term_id(t, "term")) for t in _as_set(term, "term")} if term is not None else None
        )
        exc_terms = (
            {closure.key(self._term_id(t, "excluded_term")) for t in _as_set(excluded_term, "excluded_term")}
            if excluded_term is not None
            else None
        )
        sexes = {_sex(x) for x in _as_set(sex, "sex")} if sex is not None else None
        keep = []
        for i, p in enumerate(self.packets):
            if predicate is not None and not predicate(p):
                continue
            if sexes is not None and _sex_of(p) not in sexes:
                continue
            if diseases is not None and not (_diseases_of(p) & diseases):
                continue
            if genes is not None or variants is not None or effects is not None:
                vs = variants_of(p)
                if genes is not None and not ({g.upper() for g in genes_of(p)} | {v.hgnc.upper() for v in vs}) & genes:
                    continue
                if variants is not None and not _variant_texts(p) & variants:
                    continue
                if effects is not None and not any(v.effect in effects for v in vs):
                    continue
            if obs_terms is not None or exc_terms is not None:
                obs, exc = closure.packet_terms(p)
                if obs_terms is not None and not obs & obs_terms:
                    continue
                if exc_terms is not None and not exc & exc_terms:
                    continue
            keep.append(i)
        return self._subset(keep)

    def _term_id(self, value: str, name: str) -> str:
        """``value`` when it is a CURIE; a ``ValueError`` naming the id for a label (it matched nothing before)."""
        if ":" in value:
            return value
        hits = self.hpo.lookup(value) if self.hpo is not None else []
        hint = f": use {hits[0]!r}" if hits else " (load an HPO to look labels up)" if self.hpo is None else ""
        raise ValueError(f"{name} takes HPO ids (HP:0001250), not labels; {value!r} is not an id{hint}")

    def groupby(self, by: str | Callable[[Phenopacket], Any]) -> CohortGroups:
        """Packets grouped by a key: a name from :data:`GROUP_KEYS`, or a function of a packet.

        ``gene``, ``disease``, ``sex``, ``variant``, ``variant_effect``, ``allele_count`` (alleles of all
        variants); a function returns a key, several keys, or None to skip the packet.
        A packet with two genes (variants, diseases, effects) is in both groups; groups are sorted by size. Packets
        with no key (no gene …) are in no group: ``.left_out`` holds them and the reprs count them.
        """
        if callable(by):
            key: Callable[[Phenopacket], Any] = by
        elif by == "gene":
            key = genes_of
        elif by == "disease":
            key = _diseases_of
        elif by == "sex":
            key = _sex_of
        elif by == "variant":
            key = lambda p: {v.hgvs for v in variants_of(p)}  # noqa: E731
        elif by == "variant_effect":
            key = lambda p: {v.effect for v in variants_of(p)}  # noqa: E731
        elif by == "allele_count":
            key = allele_count
        else:
            raise ValueError(f"cannot group by {by!r}: use one of {', '.join(GROUP_KEYS)} or a function")
        members: dict[Any, list[int]] = {}
        none: list[int] = []
        for i, p in enumerate(self.packets):
            keys = iter_keys(key(p))
            first = next(keys, _NO_KEY)
            if first is _NO_KEY:
                none.append(i)
                continue
            members.setdefault(first, []).append(i)
            for k in keys:
                members.setdefault(k, []).append(i)
        order = sorted(members, key=lambda k: (-len(members[k]), str(k)))
        return CohortGroups({k: self._subset(members[k]) for k in order}, str(by if isinstance(by, str) else "key"),
                            left_out=self._subset(none))

    def genotype_phenotype(
        self,
        a: CohortView | Callable[[Phenopacket], bool] | dict[str, Any],
        b: CohortView | Callable[[Phenopacket], bool] | dict[str, Any] | None = None,
        *,
        names: tuple[str, str] | None = None,
        terms: Iterable[str] | None = None,
        min_observed: int = 5,
    ) -> GenotypePhenotypeTable:
        """Term-by-term comparison of two groups (Fisher exact test, Benjamini–Hochberg adjusted p).

        ``a`` / ``b``: views, predicates, or :meth:`filter` keyword dicts (``{"variant_effect": "missense"}``);
        ``b`` None = the rest of this cohort. See :func:`phenotk.analysis.genotype.genotype_phenotype`.
        """

        def view(x: Any) -> CohortView:
            if isinstance(x, CohortView):
                return x
            if isinstance(x, dict):
                return self.filter(**x)
            return self.filter(x)

        va = view(a)
        if b is None:
            inside = {id(p) for p in va.packets}
            vb = self.filter(lambda p: id(p) not in inside)
        else:
            vb = view(b)
        if terms is not None:  # one id, or labels, matched nothing before (a string was read letter by letter)
            terms = [self._term_id(t, "terms") for t in _as_set(terms, "terms")]
        if names is None:
            names = (_name(a, "A"), _name(b, "B") if b is not None else "rest")
            if names[0] == names[1]:  # the same criteria twice, or two predicates: the columns must differ
                names = (f"{names[0]}_A", f"{names[1]}_B")
        return genotype_phenotype(va, vb, hpo=self.hpo, names=names, terms=terms, min_observed=min_observed)

    def duplicate_ids(self) -> pd.Series:
        """Packet ids found more than once (id → number of packets), most first; empty when ids are unique.

        The same packet in two files, or a Family's proband also read as a packet of its own, is counted twice by
        every summary: drop one with :meth:`filter` (or fix the inputs). Packets without id are not listed here
        (they share no id; the reprs count them).
        """
        import pandas as pd

        counts: dict[str, int] = {}
        for p in self.packets:
            if p.id:  # packets without id share no id: the reprs count them apart
                counts[p.id] = counts.get(p.id, 0) + 1
        dup = sorted(((k, n) for k, n in counts.items() if n > 1), key=lambda kv: (-kv[1], kv[0]))
        return pd.Series(dict(dup), name="packets", dtype="int64").rename_axis("packet_id")

    def _warnings(self) -> list[str]:
        out = []
        if self.errors:
            out.append(f"{len(self.errors)} unreadable input(s) (.errors)")
        dup = self.duplicate_ids()
        if len(dup):
            out.append(f"{len(dup)} packet id(s) found more than once, {int(dup.sum())} packets (.duplicate_ids())")
        no_id = sum(1 for p in self.packets if not p.id)
        if no_id:
            out.append(f"{no_id} packet(s) without id (packet_id is NA in the frames)")
        out += self.notes
        return out

    # ------------------------------------------------------------------ views
    def summary(self, *, top: int = 20) -> CohortSummary:
        """Counts, sex, ages, diseases, HPO term frequencies and the organ-system roll-up."""
        from phenotk.analysis.summary import summarize

        return summarize(self.packets, hpo=self.hpo, top=top)

    def to_dataframe(self, layout: str = "wide") -> pd.DataFrame:
        """One row per packet (``wide``) or per phenotypic feature (``long``), typed; see ``phenotk.to_dataframe``."""
        from phenotk.analysis.frames import to_dataframe

        return to_dataframe(self.packets, layout=layout)

    def _repr_html_(self) -> str:
        s = self.summary(top=10)
        warn = "".join(f"<li>{html.escape(w)}</li>" for w in self._warnings())
        head = f"<p><b>Cohort</b>: {len(self)} phenopackets</p>" + (f"<ul>{warn}</ul>" if warn else "")
        return head + s._repr_html_()

    def __repr__(self) -> str:
        ids = [p.id or "(no id)" for p in self.packets[:5]]
        more = f", … {len(self) - 5} more" if len(self) > 5 else ""
        warn = "".join(f"\n  {w}" for w in self._warnings() if "unreadable" not in w)
        return (
            f"CohortView({len(self)} phenopackets, {len(self.errors)} unreadable, "
            f"HPO {getattr(self.hpo, 'version', None) or 'not loaded'}: {', '.join(ids)}{more})"
        ) + warn


def _sex(value: str) -> str:
    """The Sex enum name for ``male``/``MALE``/…; a ``ValueError`` for anything else (it matched nothing before)."""
    name = _SEX.get(value.lower()) or (value.upper() if value.upper() in _SEX.values() else None)
    if name is None:
        raise ValueError(f"sex must be one of male, female, other, unknown; not {value!r}")
    return name


def _effect(value: str) -> str:
    """A name of :data:`~phenotk.analysis.genotype.EFFECTS` (any case); a ``ValueError`` for anything else."""
    from phenotk.analysis.genotype import EFFECTS

    name = value.lower()
    if name not in EFFECTS:
        raise ValueError(f"variant_effect must be one of {', '.join(EFFECTS)}; not {value!r}")
    return name


def _name(x: Any, default: str) -> str:
    if isinstance(x, dict) and x:
        return ",".join(str(v) if isinstance(v, str) else "|".join(map(str, v)) for v in x.values())
    return default


def _variant_texts(packet: Phenopacket) -> set[str]:
    """Every way the packet writes its variants: ids, labels, HGVS values with and without the reference."""
    out: set[str] = set()
    for interp in packet.interpretations:
        for gi in interp.diagnosis.genomic_interpretations:
            vd = gi.variant_interpretation.variation_descriptor
            out.update(x for x in (vd.id, vd.label) if x)
            for e in vd.expressions:
                out.add(e.value)
                out.add(e.value.split(":", 1)[-1])
    return out


class CohortGroups(dict[Any, CohortView]):
    """Group key → :class:`CohortView`, largest group first, with a bounded repr and :meth:`sizes`."""

    def __init__(self, groups: dict[Any, CohortView], by: str, left_out: CohortView | None = None) -> None:
        super().__init__(groups)
        self.by = by
        #: the packets with no key (no gene, no variant …): in no group, never silently
        self.left_out = left_out if left_out is not None else CohortView([])

    def _left_out_text(self) -> str:
        if not len(self.left_out):
            return ""
        what = f"no {self.by}" if self.by in GROUP_KEYS else "no key"
        return f"{len(self.left_out)} packet(s) in no group ({what}): .left_out"

    def sizes(self) -> pd.Series:
        """Packets per group (a pandas Series named after the key)."""
        import pandas as pd

        return pd.Series({k: len(v) for k, v in self.items()}, name="packets", dtype="int64").rename_axis(self.by)

    def __repr__(self) -> str:
        head = [f"{len(self)} groups by {self.by}:"]
        head += [f"  {k!s}: {len(v)} packets" for k, v in list(self.items())[:MAX_GROUPS]]
        if len(self) > MAX_GROUPS:
            head.append(f"  … {len(self) - MAX_GROUPS} more (.sizes())")
        if self.left_out:
            head.append(f"  {self._left_out_text()}")
        return "\n".join(head)

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{html.escape(str(k))}</td><td style='text-align:right'>{len(v)}</td></tr>"
            for k, v in list(self.items())[:MAX_GROUPS]
        )
        n_more = len(self) - MAX_GROUPS
        more = f"<p>… {n_more} more groups (<code>.sizes()</code>)</p>" if n_more > 0 else ""
        left = f"<p>{html.escape(self._left_out_text())}</p>" if self.left_out else ""
        return (f"<p>{len(self)} groups by {html.escape(self.by)}</p><table><tr><th>{html.escape(self.by)}</th>"
                f"<th>packets</th></tr>{rows}</table>{more}{left}")


MAX_GROUPS = 20


def read_cohort(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    hpo: OntologyIndex | str | os.PathLike[str] | Literal[False] | None = None,
) -> CohortView:
    """Read every Phenopacket, Family and Cohort under ``paths`` into one :class:`CohortView`.

    ``hpo`` (an index or a path to hp.json/hp.obo) enables labels and the organ-system roll-up; None or False:
    none. Packets already in memory make a view with ``CohortView(packets, hpo=index)``.
    """
    from phenotk.io.readers import Source, documents_of_sources, iter_sources

    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    elif isinstance(paths, (Message, dict)) or type(paths).__name__ in ("DataFrame", "Document"):
        raise TypeError(f"read_cohort reads files (a path, folder, glob or a list of them), not "
                        f"{type(paths).__name__}: CohortView(packets) or phenotk.to_dataframe take packets in memory")
    elif isinstance(paths, (bytes, bytearray)) or not isinstance(paths, Iterable):
        raise TypeError(f"read_cohort reads files (a path, folder, glob or a list of them), not {type(paths).__name__}")
    paths = list(paths)
    for p in paths:
        if not isinstance(p, (str, os.PathLike)):
            raise TypeError(f"read_cohort reads files: every item is a path, not {type(p).__name__} ({p!r:.60})")
    index = ontology_index(hpo)  # before reading: a wrong hpo= fails fast
    packets: list[Phenopacket] = []
    sources: list[str] = []
    errors: list[InputError] = []
    seen: set[str] = set()
    repeated: list[str] = []

    def once() -> Iterator[Source | InputError]:
        # a file named twice (a folder and a file in it, or the same glob twice) is one input, read once
        for src in iter_sources(paths):
            if not isinstance(src, InputError):
                key = os.path.realpath(src.path) if src.regular else src.path
                if key in seen:
                    repeated.append(src.path)
                    continue
                seen.add(key)
            yield src

    for item in documents_of_sources(once()):
        if isinstance(item, InputError):
            errors.append(item)
            continue
        if item.message is None:
            errors.append(InputError(f"cannot build a {item.element.value}: {item.parse_error}", path=item.path))
            continue
        for p in packets_of(item.message):
            packets.append(p)
            sources.append(item.path)
    notes = [f"{len(repeated)} file(s) named more than once, read once (first: {repeated[0]})"] if repeated else []
    notes += _other_files(paths)
    return CohortView(packets, sources, errors, index, notes)


def _other_files(paths: list[Any]) -> list[str]:
    """A note on the files of the given folders that are no Phenopacket format (sheets, FHIR XML …).

    The folder walk leaves them out; a researcher pointing at a folder must hear that part of it was not read.
    """
    from phenotk.io.sniff import format_from_extension

    by_ext: dict[str, int] = {}
    first = ""
    for root in paths:
        folder = os.fspath(root)
        if not os.path.isdir(folder):
            continue
        for here, dirs, files in os.walk(folder):  # the walk's rules: dot names skipped, symlinked folders not entered
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not os.path.islink(os.path.join(here, d)))
            for name in sorted(files):
                if name.startswith(".") or name.lower().endswith(".zip") or format_from_extension(name) is not None:
                    continue
                ext = os.path.splitext(name)[1].lower() or "(no extension)"
                by_ext[ext] = by_ext.get(ext, 0) + 1
                first = first or os.path.join(here, name)
    if not by_ext:
        return []
    kinds = ", ".join(f"{e} {n}" for e, n in sorted(by_ext.items(), key=lambda kv: (-kv[1], kv[0])))
    return [f"{sum(by_ext.values())} file(s) in the folders are no Phenopacket format and were not read ({kinds}; "
            f"first: {first}); convert sheets, FHIR or Beacon files with phenotk convert"]


#: terms of each kind (observed, excluded) a packet card draws before '… N more' (like pandas' display.max_rows)
MAX_CARD_TERMS = 100


def render_packet_card(packet: Phenopacket) -> str:
    """A compact HTML card for one phenopacket (subject, features, diseases, variants)."""
    esc = html.escape
    s = packet.subject
    sex = s.sex and _sex_of(packet)  # UNRECOGNIZED_7 for a number this schema does not name
    age = s.time_at_last_encounter.age.iso8601duration if s.HasField("time_at_last_encounter") else ""
    obs = [f.type for f in packet.phenotypic_features if not f.excluded]
    exc = [f.type for f in packet.phenotypic_features if f.excluded]
    diseases = [d.term for d in packet.diseases] + [
        i.diagnosis.disease for i in packet.interpretations if i.diagnosis.HasField("disease")
    ]
    variants = []
    for i in packet.interpretations:
        for gi in i.diagnosis.genomic_interpretations:
            vd = gi.variant_interpretation.variation_descriptor
            expr = next((e.value for e in vd.expressions), vd.id)
            if expr:
                variants.append(f"{vd.gene_context.symbol} {expr}".strip())

    def terms(items: list[Any], colour: str) -> str:
        more = len(items) - MAX_CARD_TERMS
        return "".join(
            f'<span title="{esc(t.id)}" style="display:inline-block;margin:1px 3px;padding:0 4px;'
            f'border-radius:3px;background:{colour}">{esc(t.label or t.id)}</span>'
            for t in items[:MAX_CARD_TERMS]
        ) + (f" … {more} more" if more > 0 else "")

    rows = [
        ("Subject", f"{esc(s.id)} · {esc(sex or 'sex unknown')}" + (f" · last seen at {esc(age)}" if age else "")),
        (f"Observed ({len(obs)})", terms(obs, "#e3f1e3")),
        (f"Excluded ({len(exc)})", terms(exc, "#f6e3e3")),
        ("Diseases", ", ".join(f"{esc(d.label)} ({esc(d.id)})" for d in diseases) or "—"),
        ("Variants", ", ".join(esc(v) for v in variants) or "—"),
    ]
    body = "".join(f"<tr><th style='text-align:left;padding-right:8px'>{k}</th><td>{v}</td></tr>" for k, v in rows)
    return (
        f"<div style='border:1px solid #ccc;border-radius:6px;padding:6px;max-width:900px'>"
        f"<b>{esc(packet.id or '(no id)')}</b><table>{body}</table></div>"
    )


class PacketCard:
    """Wraps a phenopacket so Jupyter shows it as a compact card (``phenotk.show(packet)``)."""

    def __init__(self, packet: Phenopacket) -> None:
        self.packet = packet

    def _repr_html_(self) -> str:
        return render_packet_card(self.packet)

    def __repr__(self) -> str:
        return f"<Phenopacket {self.packet.id}: {len(self.packet.phenotypic_features)} features>"


class PacketCards:
    """A Family's or Cohort's packets as cards (at most :data:`MAX_CARDS`, then '… N more')."""

    def __init__(self, message: Family | Cohort) -> None:
        self.message = message
        self.packets = packets_of(message)

    def _head(self) -> str:
        kind = type(self.message).__name__
        return f"{kind} {self.message.id or '(no id)'}: {len(self.packets)} phenopacket(s)"

    def _repr_html_(self) -> str:
        cards = "".join(render_packet_card(p) for p in self.packets[:MAX_CARDS])
        more = len(self.packets) - MAX_CARDS
        tail = f"<p>… {more} more phenopacket(s)</p>" if more > 0 else ""
        return f"<p><b>{html.escape(self._head())}</b></p>{cards}{tail}"

    def __repr__(self) -> str:
        return f"<{self._head()}>"


#: cards :func:`show` draws for one Family or Cohort
MAX_CARDS = 20


def show(obj: Any) -> Any:
    """Something Jupyter renders richly: a packet card, a Family's or Cohort's cards, or the object itself.

    A Family or Cohort printed by protobuf is its whole text format (thousands of lines for a cohort); here it is
    one card per packet, proband first.
    """
    if isinstance(obj, Phenopacket):
        return PacketCard(obj)
    if isinstance(obj, (Family, Cohort)):
        return PacketCards(obj)
    return obj
