"""The YAML mapping model: load safely, validate against ``schema.json`` with located errors, evaluate values.

A mapping says where each Phenopacket field comes from in a table row. The model is deliberately general so other
row-based converters (REDCap exports, registries) can reuse it: a *value* is a column, a template over columns or a
constant, optionally translated by a value map; blocks whose column names contain ``{n}`` repeat for n = 1, 2, …
while the table has such columns; rows are grouped into packets by the packet id.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from phenotk.errors import InputError
from phenotk.io.readers import check_yaml_aliases, check_yaml_depth
from phenotk.io.sourcemap import SourceMap, join
from phenotk.model.ids import safe_id

#: Cell words (lower case) that mean observed / excluded / unknown when a mapping does not say otherwise.
#: English first, then the unambiguous yes/no/unknown words of German, French, Spanish, Italian, Portuguese and
#: Dutch clinic sheets (one-letter abbreviations such as ``j`` are left to a mapping's ``values``).
DEFAULT_VOCABULARY: dict[str, tuple[str, ...]] = {
    "observed": ("observed", "yes", "y", "+", "1", "true", "present", "x", "pos", "positive", "affected",
                 "ja", "oui", "si", "sí", "sì", "sim", "vorhanden", "présent", "présente", "presente", "aanwezig",
                 "positiv", "positif", "positivo", "positief", "✓", "✔"),
    "excluded": ("excluded", "no", "n", "-", "0", "false", "absent", "neg", "negative", "not observed",
                 "nein", "non", "nee", "não", "nao", "nicht vorhanden", "absente", "ausente", "assente", "afwezig",
                 "negativ", "négatif", "negatif", "negativo", "negatief", "✗", "✘"),
    "unknown": ("na", "n/a", "nd", "n.d.", "unknown", "unk", "?", "not assessed", "not available", "not tested",
                "not known", "unbekannt", "inconnu", "desconocido", "sconosciuto", "desconhecido", "onbekend",
                "nicht untersucht", "non évalué", "no evaluado", "non valutato", "niet onderzocht",
                "k.a.", "k. a.", "keine angabe", "nicht erhoben", "nicht beurteilbar", "non renseigné",
                "non recherché", "no valorado", "no consta", "sin datos", "não avaliado", "niet bekend",
                # not looked at / not applicable / awaited: not recorded, never excluded
                "not evaluated", "not examined", "not applicable", "not done", "not performed", "pending",
                "n.a.", "n.a", "n. a.", "n / a", "na.", "n/d", "n.d", "n. d.", "n.e.", "n. e.",
                "nicht beurteilt", "nicht zutreffend", "nicht durchgeführt", "entfällt",
                "ausstehend", "non évaluée", "non examiné", "non examinée", "non applicable", "sans objet",
                "non fait", "non réalisé", "en attente", "no evaluada", "no examinado", "no examinada", "no aplica",
                "no aplicable", "no realizado", "pendiente", "non valutata", "non esaminato", "non esaminata",
                "non applicabile", "non eseguito", "in attesa", "não examinado", "não aplicável", "não realizado",
                "pendente", "niet beoordeeld", "niet geëvalueerd", "niet van toepassing", "n.v.t.", "nvt",
                "niet gedaan", "in afwachting"),
}
#: Negation prefixes for free text (lower case, matched at the start of a phrase).
DEFAULT_NEGATIONS: tuple[str, ...] = (
    "no ", "not ", "without ", "absence of ", "absent ", "negative for ", "denies ", "denied ", "free of ",
)
#: Phrase separators for free text.
DEFAULT_SEPARATORS: tuple[str, ...] = (";", "\n", "|")

SEX_VALUES = ("MALE", "FEMALE", "OTHER_SEX", "UNKNOWN_SEX")
VITAL_VALUES = ("ALIVE", "DECEASED", "UNKNOWN_STATUS")
#: Built-in value maps used when a sex / vital-status value has no ``values``.
DEFAULT_SEX_MAP: dict[str, str | None] = {
    "m": "MALE", "male": "MALE", "man": "MALE", "boy": "MALE", "männlich": "MALE", "masculin": "MALE",
    "f": "FEMALE", "female": "FEMALE", "woman": "FEMALE", "girl": "FEMALE", "w": "FEMALE", "weiblich": "FEMALE",
    "o": "OTHER_SEX", "other": "OTHER_SEX", "other_sex": "OTHER_SEX",
    "u": "UNKNOWN_SEX", "unknown": "UNKNOWN_SEX", "unknown_sex": "UNKNOWN_SEX", "na": None, "n/a": None, "?": None,
    "unk": "UNKNOWN_SEX", "not known": "UNKNOWN_SEX", "unbekannt": "UNKNOWN_SEX", "inconnu": "UNKNOWN_SEX",
    "desconocido": "UNKNOWN_SEX", "sconosciuto": "UNKNOWN_SEX", "onbekend": "UNKNOWN_SEX",
    **{w: "MALE" for w in ("maennlich", "mannlich", "masculino", "maschio", "maschile", "mann", "homme", "hombre",
                           "varon", "varón", "mannelijk", "junge", "garçon", "garcon")},
    **{w: "FEMALE" for w in ("féminin", "feminin", "femenino", "feminino", "femmina", "femminile", "vrouw",
                             "vrouwelijk", "frau", "femme", "mujer", "mulher", "mädchen", "maedchen", "fille")},
    **{w: "OTHER_SEX" for w in ("divers", "autre", "otro", "otra", "outro", "altro", "anders",
                                # intersex: neither MALE nor FEMALE applies, which is what OTHER_SEX says
                                "intersex", "intersexual", "intersexuell", "intersexué", "intersexuée", "intersexo",
                                "intersessuale", "interseksueel")},
    # the symbols, also in their emoji presentation (U+FE0F after the sign)
    "♂": "MALE", "♀": "FEMALE", "♂\ufe0f": "MALE", "♀\ufe0f": "FEMALE",
}
DEFAULT_VITAL_MAP: dict[str, str | None] = {
    "alive": "ALIVE", "living": "ALIVE", "no": "ALIVE", "n": "ALIVE", "false": "ALIVE", "0": "ALIVE",
    "deceased": "DECEASED", "dead": "DECEASED", "died": "DECEASED", "yes": "DECEASED", "y": "DECEASED",
    "true": "DECEASED", "1": "DECEASED", "unknown": "UNKNOWN_STATUS", "unknown_status": "UNKNOWN_STATUS",
    "na": None, "n/a": None, "?": None,
    # the words of the other languages of the value vocabulary (not their yes/no: an "alive?" column exists too)
    **{w: "DECEASED" for w in ("verstorben", "gestorben", "tot", "décédé", "décédée", "decede", "decedee",
                               "fallecido", "fallecida", "muerto", "muerta", "deceduto", "deceduta", "morto", "morta",
                               "falecido", "falecida", "overleden")},
    **{w: "ALIVE" for w in ("lebend", "lebt", "am leben", "vivant", "vivante", "vivo", "viva", "in leven", "levend",
                            "leeft")},
    **{w: "UNKNOWN_STATUS" for w in ("unbekannt", "inconnu", "desconocido", "sconosciuto", "desconhecido",
                                     "onbekend")},
}

_PLACEHOLDER = re.compile(r"\{([^{}|]+?)(?:\|(\w+))?\}")
MISSING = object()  # marker: the value map has no entry for this cell


@functools.lru_cache(maxsize=256)
def _template_pieces(template: str) -> tuple[tuple[tuple[str, str, bool], ...], str]:
    """A template split once (not on every row): ((text before, column, ``|digits``) per placeholder, tail)."""
    pieces: list[tuple[str, str, bool]] = []
    pos = 0
    for m in _PLACEHOLDER.finditer(template):
        pieces.append((template[pos : m.start()], m.group(1).strip(), m.group(2) == "digits"))
        pos = m.end()
    return tuple(pieces), template[pos:]

#: Values that are ids: a template there is made id-safe (other templates keep the cells' text).
_ID_POINTERS = frozenset({"/id", "/subject/id"})


class _Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 booleans: only true/false are booleans, so ``yes``/``no``/``on`` stay words."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        """As SafeLoader's, but a key given twice in one object is an error (YAML keeps the last one silently).

        ``subject: {id: Patient, id: Other}`` read subjects from the column ``Other`` and ``mapping check`` called
        the file valid. Keys a merge (``<<: *base``) brings in may still be overridden.
        """
        seen: dict[Any, yaml.Node] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node)
            if key in seen:
                first = seen[key].start_mark
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r} (first given at line {first.line + 1}); keep one of them",
                    key_node.start_mark)  # fmt: skip
            seen[key] = key_node
        return super().construct_mapping(node, deep=deep)


_BOOL = "tag:yaml.org,2002:bool"
_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != _BOOL] for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


@functools.lru_cache(maxsize=1)
def mapping_schema() -> dict[str, Any]:
    """The mapping JSON Schema (also published as ``mappings/schema.json``)."""
    text = resources.files("phenotk.mapping").joinpath("schema.json").read_text(encoding="utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


def _word(value: Any) -> list[str]:
    """Cell words for a YAML scalar: booleans give their usual spellings, numbers their text."""
    if value is True:
        return ["true"]
    if value is False:
        return ["false"]
    if isinstance(value, float) and value.is_integer():
        return [str(int(value))]
    return [str(value).strip().lower()]


@dataclass(frozen=True)
class ValueSpec:
    """Where one value comes from: a ``column``, a ``template`` over columns, or a ``const``; plus translation."""

    column: str | None = None
    template: str | None = None
    const: Any = None
    values: dict[str, Any] | None = None  # lower-cased cell text → value (None = no value)
    default: Any = None
    unit: str | None = None
    date_order: str | None = None  # day-first | month-first: how 03/02/2015 is read
    pointer: str = ""
    lookup_raw: Any = None  # the YAML ``lookup`` value; resolved by TableMapping (see .lookup)
    lookup: dict[str, str] | None = None  # lower-cased cell text → value, applied after ``values``
    lookup_source: str = ""
    id_safe: bool = False  # a packet / subject id: a filled template is made id-safe

    @classmethod
    def parse(cls, raw: Any, pointer: str) -> ValueSpec:
        """From the YAML form (a column name or an object)."""
        if isinstance(raw, str):
            return cls(column=raw, pointer=pointer)
        values = None
        if "values" in raw:
            values = {}
            for k, v in raw["values"].items():
                for w in _word(k):
                    values[w] = v
        return cls(
            column=raw.get("column"),
            template=raw.get("template"),
            const=raw.get("const"),
            values=values,
            default=raw.get("default"),
            unit=raw.get("unit"),
            date_order=raw.get("date_order"),
            lookup_raw=raw.get("lookup"),
            id_safe=pointer in _ID_POINTERS,
            pointer=pointer,
        )

    def columns(self) -> list[str]:
        """Columns this value reads."""
        if self.column is not None:
            return [self.column]
        if self.template is not None:
            return [m.group(1).strip() for m in _PLACEHOLDER.finditer(self.template)]
        return []

    def with_n(self, n: int) -> ValueSpec:
        """A copy whose column names have ``{n}`` replaced by ``n``."""
        col = self.column.replace("{n}", str(n)) if self.column else None
        tpl = self.template.replace("{n}", str(n)) if self.template else None
        return dataclasses.replace(self, column=col, template=tpl)

    def raw(self, row: Mapping[str, str]) -> str:
        """The cell text (stripped), the filled template ('' if a placeholder is empty; id-safe for ids), or const."""
        if self.column is not None:
            return row.get(self.column, "").strip()
        if self.template is not None:
            pieces, tail = _template_pieces(self.template)
            parts: list[str] = []
            for text_before, column, digits in pieces:
                parts.append(text_before)
                cell = row.get(column, "").strip()
                if digits:
                    cell = "".join(c for c in cell if c.isdigit())
                if not cell:
                    return ""
                parts.append(cell)
            parts.append(tail)
            text = "".join(parts)
            return safe_id(text) if self.id_safe else text
        if self.const is None:
            return ""
        return str(self.const).lower() if isinstance(self.const, bool) else str(self.const)

    def translate(self, raw: str, builtin: Mapping[str, Any] | None = None) -> Any:
        """``raw`` through ``values``, then ``lookup``, then ``builtin`` (first hit wins).

        Returns the mapped value, None for 'no value', MISSING if unmapped (the field's parser then reads ``raw``).

        An empty cell gives ``default`` (or None). Without any value map the raw text is the value.
        """
        if not raw:
            return self.default
        if self.values is None and self.lookup is None and builtin is None:
            return raw
        key = raw.lower()
        for table in (self.values, self.lookup, builtin):
            if table is not None and key in table:
                return table[key]
        return MISSING


@dataclass(frozen=True)
class Vocabulary:
    """Observed / excluded / unknown words (lower case)."""

    observed: frozenset[str]
    excluded: frozenset[str]
    unknown: frozenset[str]

    @classmethod
    def build(cls, *layers: Mapping[str, Any] | None) -> Vocabulary:
        """Defaults overridden key by key by each layer in turn (later wins)."""
        words: dict[str, list[str]] = {k: list(v) for k, v in DEFAULT_VOCABULARY.items()}
        for layer in layers:
            for key in ("observed", "excluded", "unknown"):
                if layer and key in layer:
                    words[key] = [w for item in layer[key] for w in _word(item)]
        return cls(frozenset(words["observed"]), frozenset(words["excluded"]), frozenset(words["unknown"]))

    def status(self, text: str) -> str | None:
        """``observed`` | ``excluded`` | ``unknown`` for a cell word, None if it is none of them."""
        key = text.strip().lower()
        if not key.isascii():  # "sí" typed as s + combining accent is the same word
            key = unicodedata.normalize("NFC", key)
        if key in self.observed:
            return "observed"
        if key in self.excluded:
            return "excluded"
        if key in self.unknown or not key:
            return "unknown"
        return None

    def replaced(self, text: str) -> str:
        """Why a built-in word is not read here, as a message tail; ``""`` when that is not the reason.

        ``" (this mapping's unknown words are na, not tested: they replace the built-in ones)"`` for ``unknown``
        under a mapping whose ``values`` list its own unknown words.
        """
        key = unicodedata.normalize("NFC", text.strip().lower())
        for kind, builtin in DEFAULT_VOCABULARY.items():
            mine: frozenset[str] = getattr(self, kind)
            if key in builtin and key not in mine:
                shown = ", ".join(sorted(mine)[:8]) + (" …" if len(mine) > 8 else "")
                return f" (this mapping's {kind} words are {shown}: they replace the built-in ones)"
        return ""


#: Keys of a variant block that are settings, not values read from the sheet.
BLOCK_OPTIONS = frozenset({"no_variant_words", "cells"})


@dataclass(frozen=True)
class VariantOptions:
    """Settings of one variant block: its "no variant" words (None = the built-in list) and its cell format."""

    no_variant_words: tuple[str, ...] | None = None
    verbatim: bool = False


@dataclass
class TableMapping:
    """A loaded, validated mapping. Build with :func:`load_mapping` or :func:`parse_mapping`."""

    data: dict[str, Any]
    path: str | None = None
    source_map: SourceMap = field(default_factory=SourceMap.empty)
    #: not errors, but likely slips (see :func:`comment_hints`); filled by :func:`parse_mapping`
    hints: list[MappingError] = field(default_factory=list)

    def __post_init__(self) -> None:
        d = self.data
        self.name: str = d.get("name", Path(self.path).stem if self.path else "mapping")
        self.description: str = d.get("description", "")
        inp = d.get("input", {})
        self.sheet: str | int | None = inp.get("sheet")
        self.header_row: int = inp.get("header_row", 1)
        self.skip_rows: frozenset[int] = frozenset(inp.get("skip_rows", []))
        delimiter = inp.get("delimiter")
        self.delimiter: str | None = DELIMITER_ALIASES.get(delimiter.lower(), delimiter) if delimiter else delimiter
        self.encoding: str | None = inp.get("encoding")
        self.max_xlsx_bytes: int = inp.get("max_xlsx_bytes", 256 * 1024 * 1024)
        sub = d["subject"]
        self.subject: dict[str, ValueSpec] = {k: ValueSpec.parse(v, join("/subject", k)) for k, v in sub.items()}
        self.packet_id: ValueSpec = ValueSpec.parse(d["id"], "/id") if "id" in d else self.subject["id"]
        self.diseases = self._blocks("diseases")
        self.variants = self._blocks("variants")
        self.variant_options: dict[str, VariantOptions] = self._variant_options()
        self.references = self._blocks("references")
        ph = d.get("phenotypes", {})
        common = ph.get("values")
        wide = ph.get("wide")
        self.wide_columns: str | list[str] | None = None if wide is None else wide.get("columns", "auto")
        self.wide_terms: dict[str, str] = {} if wide is None else dict(wide.get("terms", {}))
        self.wide_vocabulary = Vocabulary.build(common, wide.get("values") if wide else None)
        long = ph.get("long")
        self.long: dict[str, ValueSpec] | None = (
            None
            if long is None
            else {k: ValueSpec.parse(v, join("/phenotypes/long", k)) for k, v in long.items() if k != "values"}
        )
        self.long_vocabulary = Vocabulary.build(common, long.get("values") if long else None)
        #: status words after a term in free text ("Seizure: absent", "Hypotonia (+)", "Seizure, no")
        self.text_vocabulary = Vocabulary.build(common)
        text = ph.get("text")
        self.text_columns: list[str] = [] if text is None else list(text.get("columns", []))
        #: term-list columns of absent findings: every term read there is excluded
        self.text_excluded_columns: list[str] = [] if text is None else list(text.get("excluded_columns", []))
        self.text_separators: tuple[str, ...] = tuple(text.get("separators", DEFAULT_SEPARATORS)) if text else ()
        self.text_negations: tuple[str, ...] = (
            tuple(n.lower() for n in text.get("negations", DEFAULT_NEGATIONS)) if text else ()
        )
        rows = inp.get("rows")
        self.rows_per_packet: str = rows or ("many" if self.long is not None else "one")
        interp = d.get("interpretation", {})
        # neither is stated by a variant cell: only the mapping says SOLVED / CAUSATIVE (defaults: unknown)
        progress = interp.get("progress_status", "UNKNOWN_PROGRESS")
        #: a constant for every packet, or (``progress_spec``) a value spec read per packet: a column and its
        #: ``values`` map, as a variant block's ``interpretation_status``; then the constant is the fallback
        self.progress_spec: ValueSpec | None = (
            ValueSpec.parse(progress, "/interpretation/progress_status") if isinstance(progress, dict) else None)
        self.progress_status: str = "UNKNOWN_PROGRESS" if isinstance(progress, dict) else progress
        self.interpretation_status: str = interp.get("interpretation_status", "UNKNOWN_STATUS")
        meta = d.get("metadata", {})
        self.created_by: str | None = meta.get("created_by")
        self.resource_versions: dict[str, str] = dict(meta.get("resource_versions", {}))
        self.ignore_columns: list[str] = list(d.get("ignore_columns", []))
        self._resolve_lookups()

    def _resolve_lookups(self) -> None:
        """Load every value's ``lookup`` table (files relative to the mapping file)."""
        from .lookup import resolve_lookup

        base = Path(self.path).parent if self.path and not self.path.startswith("<") else None

        def load(spec: ValueSpec) -> ValueSpec:
            if spec.lookup_raw is None:
                return spec
            table, source = resolve_lookup(spec.lookup_raw, base)
            return dataclasses.replace(spec, lookup=table, lookup_source=source)

        self.subject = {k: load(v) for k, v in self.subject.items()}
        self.packet_id = load(self.packet_id)
        for blocks in (self.diseases, self.variants, self.references):
            for i, block in enumerate(blocks):
                blocks[i] = {k: load(v) for k, v in block.items()}
        if self.long is not None:
            self.long = {k: load(v) for k, v in self.long.items()}
        if self.progress_spec is not None:
            self.progress_spec = load(self.progress_spec)

    def _blocks(self, key: str) -> list[dict[str, ValueSpec]]:
        raw = self.data.get(key)
        if raw is None:
            return []
        items = raw if isinstance(raw, list) else [raw]
        base = f"/{key}"
        out = []
        for i, item in enumerate(items):
            ptr = join(base, i) if isinstance(raw, list) else base
            out.append({k: ValueSpec.parse(v, join(ptr, k)) for k, v in item.items() if k not in BLOCK_OPTIONS})
        return out

    def _variant_options(self) -> dict[str, VariantOptions]:
        raw = self.data.get("variants")
        items = raw if isinstance(raw, list) else [raw] if raw else []
        out = {}
        for i, item in enumerate(items):
            ptr = join("/variants", i) if isinstance(raw, list) else "/variants"
            words = item.get("no_variant_words")
            out[ptr] = VariantOptions(
                no_variant_words=None if words is None else tuple(w for x in words for w in _word(x)),
                verbatim=item.get("cells", "free") == "verbatim",
            )
        return out

    def variant_options_for(self, block: Mapping[str, ValueSpec]) -> VariantOptions:
        """The options of the variant block ``block`` (an expanded copy works too)."""
        ptr = next(iter(block.values())).pointer.rsplit("/", 1)[0] if block else ""
        options = self.variant_options
        return options[ptr] if ptr in options else VariantOptions()  # (no default made per call when found)

    def locate(self, pointer: str) -> tuple[int | None, int | None]:
        """(line, column) of a pointer in the mapping file."""
        return self.source_map.locate(pointer)

    def all_specs(self) -> Iterable[ValueSpec]:
        """Every value spec (packet id, subject, blocks, long layout, a progress status read from a column)."""
        yield self.packet_id
        yield from self.subject.values()
        for block in (*self.diseases, *self.variants, *self.references):
            yield from block.values()
        if self.long:
            yield from self.long.values()
        if self.progress_spec is not None:
            yield self.progress_spec

    def referenced_columns(self) -> tuple[set[str], list[str]]:
        """(plain column names, ``{n}`` column patterns) the mapping reads, besides wide phenotype columns."""
        plain: set[str] = set(self.text_columns) | set(self.text_excluded_columns) | set(self.ignore_columns)
        patterns: list[str] = []
        for spec in self.all_specs():
            for col in spec.columns():
                (patterns.append(col) if "{n}" in col else plain.add(col))
        return plain, patterns




@dataclass
class MappingError:
    """One problem in a mapping file, located."""

    message: str
    pointer: str
    line: int | None
    column: int | None

    def to_input_error(self, path: str | None) -> InputError:
        """As an ``InputError`` (CLI: ``path:line:col: message``)."""
        return InputError(self.message, path=path, line=self.line, column=self.column)


def _describe(error: Any, smap: SourceMap) -> MappingError:
    from jsonschema.exceptions import best_match

    while error.context:
        error = best_match(error.context)
    path = list(error.absolute_path)
    pointer = join("", *path)
    where = "/".join(str(p) for p in path) or "mapping"
    if error.validator == "additionalProperties":
        props = error.schema.get("properties", {})
        extra = [k for k in error.instance if k not in props]
        key = str(extra[0]) if extra else "?"
        close = difflib.get_close_matches(key, list(props), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else f" (allowed: {', '.join(props)})"
        key_ptr = join(pointer, key)
        line, col = smap.positions.get(key_ptr + "#key", smap.locate(key_ptr))
        return MappingError(f"unknown key {key!r} in {where}{hint}", key_ptr, line, col)
    if error.validator == "required":
        line, col = smap.locate(pointer)
        return MappingError(f"{where}: {error.message}", pointer, line, col)
    line, col = smap.locate(pointer)
    return MappingError(f"{where}: {error.message}", pointer, line, col)


def _semantic_errors(data: dict[str, Any], smap: SourceMap) -> list[MappingError]:
    out: list[MappingError] = []
    checks = (("sex", SEX_VALUES), ("vital_status", VITAL_VALUES))
    for key, allowed in checks:
        subject = data.get("subject")
        spec = subject.get(key) if isinstance(subject, dict) else None
        values = spec.get("values") if isinstance(spec, dict) else None
        if isinstance(values, dict):  # wrong types are the schema's findings
            for cell, target in values.items():
                if target is not None and target not in allowed:
                    ptr = join("/subject", key, "values", str(cell))
                    line, col = smap.locate(ptr)
                    out.append(
                        MappingError(
                            f"subject/{key}/values: {target!r} is not one of {', '.join(allowed)}", ptr, line, col
                        )
                    )
    return out


#: ``input.delimiter`` spellings of TAB (as ``-O delimiter=tab`` accepts them)
DELIMITER_ALIASES = {"tab": "\t", "\\t": "\t"}
#: filters a template placeholder may name: ``{PMID|digits}``
TEMPLATE_FILTERS = ("digits",)


def _input_errors(data: dict[str, Any], smap: SourceMap) -> list[MappingError]:
    """``input.delimiter`` of one character, ``input.encoding`` a text encoding Python knows.

    ``delimiter: ';;'`` and ``encoding: rot13`` (or ``base64``) passed ``mapping check`` and ended every
    conversion of a sheet in an internal error (exit 3); ``encoding: klingon`` was found only when a sheet was read.
    """
    import codecs

    inp = data.get("input")
    if not isinstance(inp, dict):
        return []
    out: list[MappingError] = []
    delim = inp.get("delimiter")
    if isinstance(delim, str) and delim and len(DELIMITER_ALIASES.get(delim.lower(), delim)) != 1:
        line, col = smap.locate("/input/delimiter")
        out.append(MappingError(
            f"input/delimiter: {delim!r} is not one character; write one: ',', ';', '|' or tab",
            "/input/delimiter", line, col))  # fmt: skip
    enc = inp.get("encoding")
    if isinstance(enc, str):
        line, col = smap.locate("/input/encoding")
        try:
            text_codec = getattr(codecs.lookup(enc), "_is_text_encoding", True)
        except LookupError:
            out.append(MappingError(
                f"input/encoding: unknown encoding {enc!r}; e.g. utf-8, cp1252, latin-1, utf-16",
                "/input/encoding", line, col))  # fmt: skip
        else:
            if not text_codec:
                out.append(MappingError(
                    f"input/encoding: {enc!r} is not a text encoding; e.g. utf-8, cp1252, latin-1, utf-16",
                    "/input/encoding", line, col))  # fmt: skip
    return out


def _template_errors(value: Any, pointer: str, smap: SourceMap) -> list[MappingError]:
    """Every ``template`` of the mapping: braces in pairs, filters known.

    ``template: 'P_{Patient'`` was the same text for every row (all rows one packet, exit 0); ``{PMID|digit}``
    dropped the unknown filter and kept the whole cell.
    """
    out: list[MappingError] = []
    if isinstance(value, dict):
        for key, item in value.items():
            at = join(pointer, str(key))
            if key == "template" and isinstance(item, str):
                out += _template_problems(item, at, smap)
            else:
                out += _template_errors(item, at, smap)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out += _template_errors(item, join(pointer, str(i)), smap)
    return out


def _template_problems(template: str, pointer: str, smap: SourceMap) -> list[MappingError]:
    line, col = smap.locate(pointer)
    where = pointer.strip("/")
    problems = []
    for m in _PLACEHOLDER.finditer(template):
        if m.group(2) is not None and m.group(2) not in TEMPLATE_FILTERS:
            problems.append(f"unknown filter '|{m.group(2)}' in {m.group(0)} (known: |{', |'.join(TEMPLATE_FILTERS)})")
    rest = _PLACEHOLDER.sub("", template)
    if "{" in rest or "}" in rest:
        problems.append(f"{template!r} has a brace without its pair: write {{Column}} for each column it reads")
    return [MappingError(f"{where}: {p}", pointer, line, col) for p in problems]


def check_mapping(text: str, path: str | None = None) -> tuple[dict[str, Any] | None, SourceMap, list[MappingError]]:
    """Parse and validate mapping text: (data or None, source map, every error found)."""
    from jsonschema import Draft202012Validator

    try:
        check_yaml_depth(text, path or "<mapping>")
        data = yaml.load(text, Loader=_Loader)
        check_yaml_aliases(data, path or "<mapping>", text)
    except (InputError, RecursionError) as exc:
        problem = exc.message if isinstance(exc, InputError) else "nested too deeply"
        return None, SourceMap.empty(), [MappingError(problem.removeprefix("invalid YAML: "), "", 1, 1)]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return None, SourceMap.empty(), [MappingError(f"not valid YAML: {problem}", "", line, col)]
    smap = SourceMap.from_yaml(text)
    if not isinstance(data, dict):
        return None, smap, [MappingError("a mapping must be a YAML object (key: value lines)", "", 1, 1)]
    validator = Draft202012Validator(mapping_schema())
    errors = [_describe(e, smap) for e in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.path)))]
    errors += _semantic_errors(data, smap) + _input_errors(data, smap) + _template_errors(data, "", smap)
    errors.sort(key=lambda e: (e.line or 0, e.column or 0))
    return data, smap, errors


#: Invisible format characters that text pasted from web pages, PDFs or word processors carries: soft hyphen,
#: zero-width space, left-to-right / right-to-left marks, word joiner, zero-width no-break space (a BOM inside
#: the text), bidirectional embeddings and isolates. The sheet readers drop them from every cell (``P1\u200b``
#: was another patient than ``P1``, ``m\u200b`` no sex, ``Micro\u00adcephaly`` no term), and so does a mapping
#: from the header names it states (a starter mapping written from such a sheet named ``Hypotonia\u200b``).
#: Zero-width joiners stay: some scripts spell words with them.
INVISIBLE = re.compile("[\u00ad\u200b\u200e\u200f\u2060\ufeff\u202a-\u202e\u2066-\u2069]")


def _visible(value: Any) -> Any:
    """``value`` (YAML data), every string (keys too) without :data:`INVISIBLE` characters and in NFC.

    The sheet readers compose accents (NFC) too, so ``Épilepsie`` in either form names the same column.
    """
    if isinstance(value, str):
        return unicodedata.normalize("NFC", INVISIBLE.sub("", value))
    if isinstance(value, dict):
        return {_visible(k): _visible(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_visible(v) for v in value]
    return value


def parse_mapping(text: str, path: str | None = None) -> TableMapping:
    """Validate mapping text and build the model; ``InputError`` (first problem, located) when invalid."""
    data, smap, errors = check_mapping(text, path)
    if errors or data is None:
        first = errors[0]
        more = f" (and {len(errors) - 1} more problem(s); run 'phenotk mapping check')" if len(errors) > 1 else ""
        err = first.to_input_error(path)
        err.message += more
        err.args = (err.message,)
        raise err
    return TableMapping(_visible(data), path, smap, comment_hints(text))


_CUT_VALUE = re.compile(
    r"^\s*(?:-\s+)?(?:[^\s#'\"][^#]*?:\s+)?(?P<value>[^\s'\"#|>&*!{\[](?:[^#'\":]|:(?!\s))*?)\s+#(?P<comment>.*)$"
)


def comment_hints(text: str) -> list[MappingError]:
    """Unquoted values a YAML comment cut short: ``id: MIM #607208`` reads as ``id: MIM``.

    A hint, not an error: reported when the value ends with ``MIM``/``OMIM``/``ORPHA``/``MONDO`` or the comment
    starts with a digit right after ``#`` (``Variant #1``). The fix is to quote the value.
    """
    out = []
    for n, line in enumerate(text.splitlines(), start=1):
        m = _CUT_VALUE.match(line)
        if m is None:
            continue
        value, comment = m.group("value").strip(), m.group("comment")
        last = value.split()[-1].upper().rstrip(":") if value.split() else ""
        if last in ("MIM", "OMIM", "ORPHA", "ORPHANET", "MONDO") or comment[:1].isdigit():
            full = f"{value} #{comment.rstrip()}".strip()
            out.append(MappingError(
                f"the value is read as {value!r}: in YAML an unquoted ' #' starts a comment; if you mean {full!r}, "
                f"quote it: \"{full}\"", "", n, m.start("comment")))
    return out


def presets() -> list[str]:
    """Names of the built-in mappings: every mapping of ``mappings/`` (the same files, installed with phenotk).

    ``phenotk-wide``/``phenotk-long`` read the tables phenotk writes; ``generic-*``, ``free-text`` and the REDCap
    mappings (``redcap-rarelink`` …) are the starting points ``mappings/README.md`` describes.
    """
    folder = resources.files("phenotk.mapping").joinpath("presets")
    return sorted(p.name[: -len(".yaml")] for p in folder.iterdir() if p.name.endswith(".yaml"))


def load_mapping(source: str | Path | TableMapping | dict[str, Any]) -> TableMapping:
    """A mapping from a YAML file, a preset name (see :func:`presets`), a dict (validated too) or a TableMapping."""
    if isinstance(source, TableMapping):
        return source
    if isinstance(source, dict):
        return parse_mapping(yaml.safe_dump(source, sort_keys=False), None)
    path = Path(source)
    if not path.exists() and str(source) in presets():
        name = str(source)
        folder = resources.files("phenotk.mapping").joinpath("presets")
        text = folder.joinpath(name + ".yaml").read_text(encoding="utf-8")
        return parse_mapping(text, f"<preset {name}>")
    if path.exists() and not path.is_file():  # a directory, or a FIFO that would block forever
        raise InputError("not a regular file (a mapping YAML file is expected)", path=str(path))
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        hint = f" (built-in presets: {', '.join(presets())})"
        raise InputError("mapping file not found" + hint, path=str(path), kind="missing") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read mapping: {exc}", path=str(path)) from None
    from phenotk.io.writers import note_input

    note_input(path)  # a guarded run (the command line) never writes a report or output over its mapping
    return parse_mapping(text, str(path))
