"""HGVS syntax check and parser (phenotk.model.hgvs): the forms clinics and the store write, and what is invalid."""

from __future__ import annotations

import random
import re
from pathlib import Path

import orjson
import pytest
from phenopackets import MoleculeContext

from phenotk.model.hgvs import HgvsError, accession_kinds, is_hgvs, parse_hgvs

T, G, P = MoleculeContext.transcript, MoleculeContext.genomic, MoleculeContext.protein


@pytest.mark.parametrize(
    ("text", "reference", "kind", "context", "normalised"),
    [
        ("NM_001165963.4:c.2836C>T", "NM_001165963.4", "c", T, "NM_001165963.4:c.2836C>T"),
        ("c.123+1G>A", None, "c", T, "c.123+1G>A"),
        ("c.-14C>T", None, "c", T, "c.-14C>T"),
        ("c.-14-2A>G", None, "c", T, "c.-14-2A>G"),
        ("c.*5del", None, "c", T, "c.*5del"),
        ("c.*5_*10del", None, "c", T, "c.*5_*10del"),
        ("c.859-?_1001+?dup", None, "c", T, "c.859-?_1001+?dup"),
        ("c.123delA", None, "c", T, "c.123delA"),
        ("c.250_284delinsGTCAC", None, "c", T, "c.250_284delinsGTCAC"),
        ("c.123_124insAT", None, "c", T, "c.123_124insAT"),
        ("c.123_456inv", None, "c", T, "c.123_456inv"),
        ("c.123_125CAG[23]", None, "c", T, "c.123_125CAG[23]"),
        ("c.123=", None, "c", T, "c.123="),
        ("c.[123A>G;456C>T]", None, "c", T, "c.[123A>G;456C>T]"),
        ("NM_004006.2(DMD):c.123+1G>A", "NM_004006.2", "c", T, "NM_004006.2:c.123+1G>A"),
        ("NC_000023.11(NM_004006.2):c.123+1G>A", "NM_004006.2", "c", T, "NM_004006.2:c.123+1G>A"),
        ("NM_024666.5 : c.174del", "NM_024666.5", "c", T, "NM_024666.5:c.174del"),
        ("ENST00000357033.9:c.1A>G", "ENST00000357033.9", "c", T, "ENST00000357033.9:c.1A>G"),
        ("LRG_199t1:c.1A>G", "LRG_199t1", "c", T, "LRG_199t1:c.1A>G"),
        ("NC_000009.12:g.137817523C>T", "NC_000009.12", "g", G, "NC_000009.12:g.137817523C>T"),
        ("g.(?_31000)_(32000_?)del", None, "g", G, "g.(?_31000)_(32000_?)del"),
        ("NC_012920.1:m.3243A>G", "NC_012920.1", "m", G, "NC_012920.1:m.3243A>G"),
        ("NR_002757.3:n.24G>C", "NR_002757.3", "n", T, "NR_002757.3:n.24G>C"),
        ("r.123a>g", None, "r", T, "r.123a>g"),
        ("NP_000129.3:p.(Arg946Cys)", "NP_000129.3", "p", P, "NP_000129.3:p.(Arg946Cys)"),
        ("p.Arg946Cys", None, "p", P, "p.Arg946Cys"),
        ("p.R946C", None, "p", P, "p.R946C"),
        ("p.Ser1516*", None, "p", P, "p.Ser1516*"),
        ("p.Ser1516Ter", None, "p", P, "p.Ser1516Ter"),
        ("p.Arg97ProfsTer23", None, "p", P, "p.Arg97ProfsTer23"),
        ("p.R97Pfs*23", None, "p", P, "p.R97Pfs*23"),
        ("p.Arg97fs", None, "p", P, "p.Arg97fs"),
        ("p.Met1ext-5", None, "p", P, "p.Met1ext-5"),
        ("p.Ter110GlnextTer17", None, "p", P, "p.Ter110GlnextTer17"),
        ("p.Lys2_Gly4del", None, "p", P, "p.Lys2_Gly4del"),
        ("p.His4_Gln5insAla", None, "p", P, "p.His4_Gln5insAla"),
        ("p.Cys28delinsTrpVal", None, "p", P, "p.Cys28delinsTrpVal"),
        ("p.(=)", None, "p", P, "p.(=)"),
        ("p.=", None, "p", P, "p.="),
        ("p.?", None, "p", P, "p.?"),
        ("p.0", None, "p", P, "p.0"),
    ],
)
def test_valid_forms(text: str, reference: str | None, kind: str, context: int, normalised: str) -> None:
    h = parse_hgvs(text)
    assert (h.reference, h.kind, h.molecule_context, h.text, h.syntax) == (
        reference,
        kind,
        context,
        normalised,
        f"hgvs.{kind}",
    )
    assert is_hgvs(text)


@pytest.mark.parametrize(
    "text", ["c.2304_2305insG", "c.-14_-13insT", "c.*5_*6insA", "c.-1_1insA", "c.88+1_88+2insA", "c.324_324delG",
             "m.100_101insA", "c.100_102+3del", "c.(100_102)del"])
def test_positions_that_are_in_order_or_not_plain_pass(text: str) -> None:
    assert is_hgvs(text)


def test_gene_in_brackets_and_trans_alleles() -> None:
    assert parse_hgvs("NM_004006.2(DMD):c.123+1G>A").gene == "DMD"
    assert parse_hgvs("NC_000023.11(NM_004006.2):c.1A>G").outer_reference == "NC_000023.11"
    trans = parse_hgvs("NM_1.1:c.[123A>G];[456C>T]").trans_alleles()
    assert [h.text for h in trans] == ["NM_1.1:c.123A>G", "NM_1.1:c.456C>T"]
    assert parse_hgvs("c.[123A>G;456C>T]").trans_alleles()[0].description == "[123A>G;456C>T]"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("c.2836C>X", "'X' is not a nucleotide (A, C, G, T)"),
        ("NM_001165963.4:c.2836C>X", "'X' is not a nucleotide (A, C, G, T)"),
        ("c.2836U>A", "'U' is not a nucleotide (A, C, G, T)"),
        ("r.123A>G", "'A' is not a nucleotide (a, c, g, u)"),
        ("c.123AG>TC", "a substitution changes one nucleotide (use delins for more)"),
        ("NP_000129.3:c.1A>G", "NP_000129.3 cannot be the reference of a c. expression"),
        ("NM_000129.3:p.Arg1Cys", "NM_000129.3 cannot be the reference of a p. expression"),
        ("NR_002757.3:c.24G>C", "NR_002757.3 cannot be the reference of a c. expression"),
        ("chr9:g.137620294_137760461del", "'chr9' is not a reference sequence accession (NM_…, NC_…, ENST…, LRG_…)"),
        ("c.", "nothing after 'c.'"),
        ("c.218G > A", "blanks inside c.218G > A (HGVS has none)"),
        ("g.*5del", "g.*5del is not a g. variant (position and change)"),
        ("c.123", "c.123 is not a c. variant (position and change)"),
        ("p.Arg946Cysx", "p.Arg946Cysx is not a protein change (e.g. p.(Arg946Cys), p.R946C, p.Ser1516*)"),
        ("p.Ter", "p.Ter is not a protein change (e.g. p.(Arg946Cys), p.R946C, p.Ser1516*)"),
        ("Del exons 3-8", "no 'c.', 'g.', 'm.', 'n.', 'r.' or 'p.' part"),
        # positions the grammar alone let pass (a hospital sheet's 'c.2304insG' was carried as written)
        ("c.2304insG", "an insertion names the two positions it lies between (c.2304_2305ins…)"),
        ("c.2304_2306insG", "an insertion lies between two neighbouring positions, not 2304 and 2306"),
        ("g.100_99del", "positions in reverse order (g.100_99: the lower one first)"),
        ("c.-13_-14dup", "positions in reverse order (c.-13_-14: the lower one first)"),
        ("c.[100_99del;200A>G]", "positions in reverse order (c.100_99: the lower one first)"),
    ],
)
def test_invalid_forms(text: str, reason: str) -> None:
    with pytest.raises(HgvsError) as info:
        parse_hgvs(text)
    assert info.value.reason == reason
    assert not is_hgvs(text)


def test_accession_kinds() -> None:
    assert accession_kinds("NM_000001.2") == frozenset("cnr")
    assert accession_kinds("NR_000001.2") == frozenset("nr")
    assert accession_kinds("NC_000001.11") == frozenset("gmo")
    assert accession_kinds("NP_000001.1") == frozenset("p")
    assert accession_kinds("SCN1A") == frozenset()


def test_every_store_expression_is_read(store_dir: Path) -> None:
    """All hgvs.g / hgvs.p of phenopacket-store parse; the hgvs.c that do not are exactly those with blanks."""
    seen: dict[str, set[str]] = {}
    for f in store_dir.glob("*/*.json"):
        packet = orjson.loads(f.read_bytes())
        for interp in packet.get("interpretations", []):
            for gi in interp.get("diagnosis", {}).get("genomicInterpretations", []):
                vd = gi.get("variantInterpretation", {}).get("variationDescriptor", {})
                for e in vd.get("expressions", []):
                    seen.setdefault(e["syntax"], set()).add(e["value"])
    assert sum(map(len, seen.values())) > 10_000
    bad = {syntax: sorted(v for v in values if not is_hgvs(v)) for syntax, values in seen.items()}
    assert bad["hgvs.g"] == [] and bad["hgvs.p"] == []
    assert bad["hgvs.c"] and all(" " in v for v in bad["hgvs.c"])
    # the kind the parser reads agrees with the syntax the store names (which files m. and n. under g. and c.)
    assert {parse_hgvs(v).syntax for v in seen["hgvs.p"]} == {"hgvs.p"}
    assert {parse_hgvs(v).syntax for v in seen["hgvs.g"]} == {"hgvs.g", "hgvs.m"}
    assert {parse_hgvs(v).syntax for v in seen["hgvs.c"] if is_hgvs(v)} == {"hgvs.c", "hgvs.n", "hgvs.m"}


def _unfactored_nucleotide(pos: str, base: str) -> re.Pattern[str]:
    """The edit grammar as first written, one alternative per edit (the module writes the range once)."""
    uncertain = rf"\({pos}(?:_{pos})?\)"
    point = rf"(?:{pos}|{uncertain})"
    rng = rf"{point}(?:_{point})?"
    seq = rf"{base}+"
    payload = rf"(?:{seq}|N\[\d+\]|\(\d+(?:_\d+)?\)|{seq}\[\d+\]|\d+_\d+(?:inv)?|{pos}_{pos}(?:inv)?)"
    count = r"\[(?:\d+|\(\d+_\d+\)|\?)\]"
    edits = (
        *(f"{point}{base}>{base}", f"{rng}{base}*=", rf"{rng}del(?:{seq})?ins{payload}", rf"{rng}del(?:{seq}|\d+)?"),
        *(rf"{rng}dup(?:{seq}|\d+)?", f"{rng}ins{payload}", rf"{rng}inv(?:{seq}|\d+)?", f"{rng}(?:{seq}{count})+"),
        *(f"{rng}{count}", "=", r"\?", r"0\??"),
    )
    return re.compile(rf"(?:{'|'.join(edits)})\Z")


def _unfactored_protein(aa: str, ter: str) -> re.Pattern[str]:
    any_aa = rf"(?:{aa}|{ter})"
    pos = rf"{any_aa}\d+"
    rng = rf"{pos}(?:_{pos})?"
    seq = rf"(?:{aa})+{ter}?"
    n = r"(?:\d+|\?)"
    edits = (
        *(rf"{pos}(?:{aa}|{ter}|=|\?)", f"{pos}(?:{aa})?fs(?:{ter}{n})?", rf"{pos}(?:{aa})?ext(?:{ter}?{n}|-\d+)?"),
        *(f"{rng}del", f"{rng}dup", rf"{pos}_{pos}ins(?:{seq}|\d+|X\[\d+\])", f"{rng}delins{seq}"),
        rf"{rng}\[(?:\d+|\(\d+_\d+\))\]",
    )
    return re.compile(rf"(?:{'|'.join(edits)})\Z")


def test_factored_grammar_accepts_what_the_unfactored_one_does(store_dir: Path) -> None:
    """The edit patterns write each range once (they compile ~3x faster): the same language as one alternative
    per edit, on every description of a third of the store and on random edits of them."""
    from phenotk.model import hgvs

    descriptions: set[str] = set()
    for f in sorted(store_dir.glob("*/*.json"))[::3]:
        descriptions.update(m.group(1) for m in re.finditer(rb'"value": "[^"]*?:[cgmnrp]\.([^"]*)"', f.read_bytes()))
    texts = sorted(d.decode() for d in descriptions)
    texts += [t[1:-1] for t in texts if t.startswith("(")]  # p. changes are matched without their brackets
    rnd = random.Random(17)
    tokens = ["1", "97", "-", "+", "*", "?", "_", "(", ")", "[", "]", "A", "C", "G", "T", "u", "=", ">", "del"]
    tokens += ["dup", "ins", "inv", "0", "pter", ";", "Arg", "Ter", "R", "X", "fs", "ext", "N"]
    for t in texts[:2000]:
        for _ in range(4):
            i = rnd.randrange(len(t) + 1)
            texts.append(t[:i] + rnd.choice(tokens) + t[i + rnd.randint(0, 2) :])
    texts += ["".join(rnd.choice(tokens) for _ in range(rnd.randint(1, 8))) for _ in range(20_000)]
    pairs = [(hgvs._nucleotide_pattern(*g), _unfactored_nucleotide(*g)) for g in hgvs._NUC_GRAMMAR.values()]
    pairs += [
        (hgvs._protein_pattern(a, t), _unfactored_protein(a, t))
        for a, t in ((hgvs._AA3, "(?:Ter|\\*)"), (hgvs._AA1, "\\*"))
    ]
    for factored, reference in pairs:
        assert [t for t in texts if bool(factored.match(t)) != bool(reference.match(t))] == []
        assert sum(1 for t in texts if factored.match(t)) > 20  # the test sees both answers


def _hostile_descriptions(store_dir: Path) -> list[str]:
    """Descriptions of every fourth store file, their p. changes without brackets, random edits of them (bases,
    positions, amino acids, Ter, keywords spliced in) and random token strings."""
    descriptions: set[str] = set()
    for f in sorted(store_dir.glob("*/*.json"))[::4]:
        descriptions.update(m.group(1) for m in re.finditer(rb'"value": "[^"]*?:[cgmnrp]\.([^"]*)"', f.read_bytes()))
    texts = sorted(d.decode() for d in descriptions)
    texts += [t[1:-1] for t in texts if t.startswith("(")]
    rnd = random.Random(29)
    tokens = ["1", "97", "-", "+", "*", "?", "_", "(", ")", "A", "C", "G", "T", "N", "a", "=", ">", "del", "dup"]
    tokens += ["ins", "inv", "delins", "Arg", "Ter", "Sec", "Xyz", "Abc", "R", "fs", "ext", "²", "١", "AT", "Ter1"]
    for t in texts[:3000]:
        for _ in range(4):
            i = rnd.randrange(len(t) + 1)
            texts.append(t[:i] + rnd.choice(tokens) + t[i + rnd.randint(0, 2) :])
    texts += ["".join(rnd.choice(tokens) for _ in range(rnd.randint(1, 9))) for _ in range(30_000)]
    return texts


def test_fast_edit_patterns_accept_only_what_the_full_grammar_does(store_dir: Path) -> None:
    """The fast nucleotide and protein checks (tried before the full grammar, which a run then rarely compiles)
    accept a subset of the full grammar of each kind, and most real descriptions."""
    from phenotk.model import hgvs

    texts = _hostile_descriptions(store_dir)
    for kind in ("c", "n", "r", "g", "m", "o"):
        fast = [t for t in texts if hgvs._fast_nucleotide(kind, t)]
        assert [t for t in fast if not hgvs._NUC_EDIT[kind].match(t)] == []
        assert len(fast) > 100 or kind == "r"
    assert not any(hgvs._fast_nucleotide("r", t) for t in texts)  # r. has other bases: always the full grammar
    p3 = hgvs._protein_edits()[0]
    fast = [t for t in texts if hgvs._fast_protein(t)]
    assert [t for t in fast if not p3.match(t)] == []
    assert len(fast) > 100
    # what the fast checks leave to the full grammar: positions of another kind, other amino acids, Ter as one
    assert not hgvs._fast_nucleotide("g", "-14del") and hgvs._fast_nucleotide("c", "-14del")
    assert not hgvs._fast_nucleotide("n", "*5del") and hgvs._fast_nucleotide("n", "-5+1G>A")
    assert not hgvs._fast_protein("Xyz12Arg") and not hgvs._fast_protein("Arg12delinsTerArg")
    assert hgvs._fast_protein("Arg12delinsSerTer") and hgvs._fast_protein("Ter110GlnextTer17")


def test_parse_with_and_without_the_fast_paths_agrees(store_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """parse_hgvs gives the same Hgvs, or the same error reason, with the fast paths switched off."""
    from phenotk.model import hgvs

    texts = [f"{k}.{t}" for t in _hostile_descriptions(store_dir)[::3] for k in "cgnp"]
    texts += [f"NC_000001.11:m.{t}" for t in ("1A>G", "-1A>G", "1_2insA", "1_2del")]

    def outcome(text: str) -> object:
        try:
            return parse_hgvs(text)
        except HgvsError as exc:
            return exc.reason

    fast = [outcome(t) for t in texts]
    monkeypatch.setattr(hgvs, "_fast_nucleotide", lambda kind, desc: False)
    monkeypatch.setattr(hgvs, "_fast_protein", lambda inner: False)
    assert [outcome(t) for t in texts] == fast
    assert sum(isinstance(o, hgvs.Hgvs) for o in fast) > 1000 and sum(isinstance(o, str) for o in fast) > 1000
