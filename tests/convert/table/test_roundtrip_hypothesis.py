"""Property: any packet made of mapped fields survives packets → table (CSV/TSV bytes) → packets."""

from __future__ import annotations

from _view import mapped_view
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from phenopackets import (
    Age,
    Disease,
    Expression,
    ExternalReference,
    GeneDescriptor,
    GenomicInterpretation,
    GestationalAge,
    Individual,
    Interpretation,
    OntologyClass,
    Phenopacket,
    PhenotypicFeature,
    TimeElement,
    VariantInterpretation,
    VariationDescriptor,
    VitalStatus,
)

from phenotk.conversion.table.api import convert_sheet, make_table
from phenotk.conversion.table.sheets import read_text_table
from phenotk.conversion.table.write import write_delimited
from phenotk.mapping.timeparse import ONSET_TERMS

# awkward but printable: separators, quotes, formula starters, accents
TEXT = st.text(alphabet="abcXYZ019 ,;:()-=+@'\"é\t|", min_size=1, max_size=12).map(str.strip).filter(
    lambda s: s and s.lower() not in {"na", "n/a", "nd", "none", "-", "unknown", "?"}
)
HP_IDS = [f"HP:{n:07d}" for n in (1250, 1252, 4322, 252, 1263, 486, 2119, 1999)]


@st.composite
def times(draw: st.DrawFn) -> TimeElement:
    kind = draw(st.sampled_from(["age", "gestational", "onset"]))
    if kind == "age":
        y, m, d = draw(st.integers(0, 90)), draw(st.integers(0, 11)), draw(st.integers(0, 30))
        iso = "P" + (f"{y}Y" if y else "") + (f"{m}M" if m else "") + (f"{d}D" if d or not (y or m) else "")
        return TimeElement(age=Age(iso8601duration=iso))
    if kind == "gestational":
        return TimeElement(gestational_age=GestationalAge(weeks=draw(st.integers(4, 42)), days=draw(st.integers(0, 6))))
    curie = draw(st.sampled_from(sorted(ONSET_TERMS)))
    return TimeElement(ontology_class=OntologyClass(id=curie, label=ONSET_TERMS[curie]))


@st.composite
def packets(draw: st.DrawFn, pid: str, labels: dict[str, str]) -> Phenopacket:
    subject = Individual(id=draw(TEXT), sex=draw(st.integers(0, 3)))
    if draw(st.booleans()):
        subject.time_at_last_encounter.CopyFrom(draw(times()))
    if draw(st.booleans()):
        subject.vital_status.CopyFrom(VitalStatus(status=draw(st.sampled_from([1, 2]))))
    if draw(st.booleans()):
        subject.date_of_birth.FromJsonString(f"19{draw(st.integers(10, 99))}-0{draw(st.integers(1, 9))}-15T00:00:00Z")
    p = Phenopacket(id=pid, subject=subject)
    for curie in draw(st.lists(st.sampled_from(HP_IDS), unique=True, max_size=5)):
        f = PhenotypicFeature(type=OntologyClass(id=curie, label=labels[curie]), excluded=draw(st.booleans()))
        if not f.excluded and draw(st.booleans()):
            f.onset.CopyFrom(draw(times()))
        p.phenotypic_features.append(f)
    for n in draw(st.lists(st.integers(100000, 999999), unique=True, max_size=2)):
        d = Disease(term=OntologyClass(id=f"OMIM:{n}", label=draw(TEXT)))
        if draw(st.booleans()):
            d.onset.CopyFrom(draw(times()))
        p.diseases.append(d)
    gis = []
    for k in range(draw(st.integers(0, 2))):
        vd = VariationDescriptor(id=f"v{k}")
        if draw(st.booleans()):
            vd.expressions.append(Expression(syntax="hgvs.c", value=f"NM_000{k}.1:c.{draw(st.integers(1, 9999))}A>G"))
        else:
            vd.label = draw(TEXT)
        vd.gene_context.CopyFrom(GeneDescriptor(value_id=f"HGNC:{draw(st.integers(1, 50000))}", symbol="GENE1"))
        state = draw(st.sampled_from([("GENO:0000135", "heterozygous"), ("GENO:0000136", "homozygous")]))
        vd.allelic_state.CopyFrom(OntologyClass(id=state[0], label=state[1]))
        gis.append(GenomicInterpretation(
            subject_or_biosample_id=subject.id, interpretation_status=GenomicInterpretation.CAUSATIVE,
            variant_interpretation=VariantInterpretation(variation_descriptor=vd,
                                                         acmg_pathogenicity_classification=draw(st.integers(0, 5)))))
    if gis:
        interp = Interpretation(id="i", progress_status=Interpretation.SOLVED)
        interp.diagnosis.genomic_interpretations.extend(gis)
        if p.diseases:
            interp.diagnosis.disease.CopyFrom(p.diseases[0].term)
        p.interpretations.append(interp)
    for n in draw(st.lists(st.integers(1, 99999999), unique=True, max_size=2)):
        p.meta_data.external_references.append(ExternalReference(id=f"PMID:{n}", description=draw(TEXT)))
    return p


@st.composite
def cohorts(draw: st.DrawFn) -> list[Phenopacket]:
    ids = draw(st.lists(st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,8}", fullmatch=True), min_size=1, max_size=4,
                        unique=True))
    # one label per term within a cohort (a wide table has one header per term; differing labels are reported)
    labels = draw(st.fixed_dictionaries({curie: TEXT for curie in HP_IDS}))
    return [draw(packets(pid, labels)) for pid in ids]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cohort=cohorts(), layout=st.sampled_from(["wide", "long"]), delimiter=st.sampled_from([",", "\t"]))
def test_packets_table_packets_identity(cohort: list[Phenopacket], layout: str, delimiter: str) -> None:
    table = make_table(cohort, layout)
    data = write_delimited(table, delimiter)
    sheet = read_text_table("mem.csv", data=data)
    result = convert_sheet(sheet, f"phenotk-{layout}")
    assert not result.all_issues, [i.message for i in result.all_issues]
    assert [mapped_view(p) for p in result.packets] == [mapped_view(p) for p in cohort]
