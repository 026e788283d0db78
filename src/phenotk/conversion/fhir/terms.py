"""Code systems, extension URLs and fixed codes shared by the FHIR reader and writer.

One table maps CURIE prefixes to FHIR ``Coding.system`` URIs (the canonical one we write first, then the
variants seen in real bundles, which the reader accepts). See docs/fhir-mapping.md for where each comes from.
"""

from __future__ import annotations

from typing import Any

from phenotk.ontology.hpo_roots import CLINICAL_MODIFIER

#: Phenomics Exchange IG (former phenopackets core-ig) canonical base.
IG = "http://hl7.org/fhir/uv/phenomics-exchange"
#: Genomics Reporting IG canonical base.
GR = "http://hl7.org/fhir/uv/genomics-reporting"
#: phenotk's own extensions / naming systems, for phenopacket fields no IG defines a place for.
PTK = "https://phenotk.github.io/fhir"

PROFILE_FEATURE = f"{IG}/StructureDefinition/PhenotypicFeature"
PROFILE_DISEASE = f"{IG}/StructureDefinition/Disease"
PROFILE_INDIVIDUAL = f"{IG}/StructureDefinition/Individual"
PROFILE_MEASUREMENT = f"{IG}/StructureDefinition/Measurement"
EXT_TIME_OBSERVED = f"{PTK}/StructureDefinition/time-observed"
PROFILE_VARIANT = f"{GR}/StructureDefinition/variant"
PROFILE_IMPLICATION = f"{GR}/StructureDefinition/diagnostic-implication"
PROFILE_REPORT = f"{GR}/StructureDefinition/genomics-report"

EXT_ONSET = f"{IG}/StructureDefinition/Onset"
EXT_RESOLUTION = f"{PTK}/StructureDefinition/resolution"
#: a coded onset on a Condition (Condition.onset[x] has no CodeableConcept; the IG's Onset extension is declared for
#: Observation only, so a validator loading the IG rejects it on a Condition)
EXT_CONDITION_ONSET = f"{PTK}/StructureDefinition/onset"
EXT_EVIDENCE = f"{PTK}/StructureDefinition/evidence"
EXT_ISO_DURATION = f"{PTK}/StructureDefinition/iso8601-duration"
EXT_GESTATIONAL = f"{PTK}/StructureDefinition/gestational-age"
EXT_TIME_AT_LAST_ENCOUNTER = f"{PTK}/StructureDefinition/time-at-last-encounter"
EXT_TIME_OF_DEATH = f"{PTK}/StructureDefinition/time-of-death"
EXT_CAUSE_OF_DEATH = f"{PTK}/StructureDefinition/cause-of-death"
EXT_SURVIVAL_DAYS = f"{PTK}/StructureDefinition/survival-time-in-days"
EXT_VITAL_STATUS_UNKNOWN = f"{PTK}/StructureDefinition/vital-status-unknown"
EXT_KARYOTYPIC_SEX = f"{PTK}/StructureDefinition/karyotypic-sex"
EXT_TAXONOMY = f"{PTK}/StructureDefinition/taxonomy"
EXT_LATERALITY = f"{PTK}/StructureDefinition/laterality"
TNM_STAGE = ("385356007", "Tumor stage finding")  # SNOMED CT: Condition.stage.type of TNM findings
EXT_GENDER_IDENTITY = "http://hl7.org/fhir/StructureDefinition/patient-genderIdentity"
EXT_BIRTH_TIME = "http://hl7.org/fhir/StructureDefinition/patient-birthTime"
EXT_PROGRESS_STATUS = f"{PTK}/StructureDefinition/interpretation-progress-status"
EXT_INTERPRETATION_STATUS = f"{PTK}/StructureDefinition/interpretation-status"
EXT_THERAPEUTIC = f"{PTK}/StructureDefinition/therapeutic-actionability"
EXT_MOLECULE_CONTEXT = f"{PTK}/StructureDefinition/molecule-context"
EXT_VARIATION_LABEL = f"{PTK}/StructureDefinition/variation-label"
EXT_EXPRESSION = f"{PTK}/StructureDefinition/variation-expression"
EXT_SUBJECT_OR_BIOSAMPLE = f"{PTK}/StructureDefinition/subject-or-biosample-id"
EXT_SCHEMA_VERSION = f"{PTK}/StructureDefinition/phenopacket-schema-version"
EXT_RESOURCE = f"{PTK}/StructureDefinition/ontology-resource"
#: metaData.externalReferences[].reference on Provenance.entity.what (a URL or CURIE, not a FHIR resource to resolve)
EXT_EXTERNAL_REF = f"{PTK}/StructureDefinition/external-reference"
EXT_SUBMITTED_BY = f"{PTK}/StructureDefinition/submitted-by"
FMH_PATIENT_RECORD = "http://hl7.org/fhir/StructureDefinition/familymemberhistory-patient-record"

ID_PHENOPACKET = f"{PTK}/NamingSystem/phenopacket-id"
ID_FAMILY = f"{PTK}/NamingSystem/family-id"
ID_INDIVIDUAL = f"{PTK}/NamingSystem/individual-id"
ID_ALTERNATE = f"{PTK}/NamingSystem/individual-alternate-id"
ID_INTERPRETATION = f"{PTK}/NamingSystem/interpretation-id"
ID_VARIATION = f"{PTK}/NamingSystem/variation-id"
ID_BIOSAMPLE = f"{PTK}/NamingSystem/biosample-id"
EXT_TIME_OF_COLLECTION = f"{PTK}/StructureDefinition/time-of-collection"
EXT_INDIVIDUAL_ID = f"{PTK}/StructureDefinition/individual-id"
EXT_MATERIAL_SAMPLE = f"{PTK}/StructureDefinition/material-sample"

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
HGVS = "http://varnomen.hgvs.org"
OBS_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
OBS_INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
CONDITION_VER = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
#: clinicalStatus codes that FHIR's con-4 invariant allows beside an abatement[x]
ABATED_STATUSES = frozenset({"resolved", "remission", "inactive"})
PROVENANCE_AGENT = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
GR_TBD = f"{GR}/CodeSystem/tbd-codes-cs"

# LOINC codes of the Genomics Reporting components (and presence/absence answers of the IG).
LOINC_PRESENT = "LA9633-4"
LOINC_ABSENT = "LA9634-2"
LOINC_VARIANT = "69548-6"  # Genetic variant assessment
LOINC_REPORT = "51969-6"  # Genetic analysis report
C_HGVS_C = "48004-6"
C_HGVS_G = "81290-9"
C_HGVS_P = "48005-3"
C_GENE = "48018-6"
C_ALLELIC_STATE = "53034-5"
C_ACMG = "53037-8"
C_ASSEMBLY = "62374-4"
C_CHROMOSOME = "48000-4"
C_COORD_SYSTEM = "92822-6"
C_ALLELE_RANGE = "81254-5"
C_REF_ALLELE = "69547-8"
C_ALT_ALLELE = "69551-0"
C_CHANGE_TYPE = "48019-4"
C_PHENOTYPE = "81259-4"  # associated phenotype (disease of the implication)
ONE_BASED = "LA30102-0"
HGVS_LOINC = {"hgvs.c": C_HGVS_C, "hgvs.g": C_HGVS_G, "hgvs.p": C_HGVS_P}
#: LOINC displays written for the components (LOINC names as the Genomics Reporting IG examples write them; a FHIR
#: validator checks a Coding's display against the code system and reports any other text as a wrong display)
LOINC_DISPLAY = {
    C_HGVS_C: "DNA change (c.HGVS)",
    C_HGVS_G: "Genomic DNA change (gHGVS)",
    C_HGVS_P: "Amino acid change (pHGVS)",
    C_CHROMOSOME: "Chromosome [Identifier] in Blood or Tissue by Molecular genetics method",
    C_COORD_SYSTEM: "Genomic coord system",
    C_REF_ALLELE: "Genomic ref allele [ID]",
    C_ALT_ALLELE: "Genomic alt allele [ID]",
    C_ACMG: "Genetic variation clinical significance [Imp]",
}
#: DiagnosticReport.category the Genomics Reporting report profile requires (slice Genetics, 1..1)
DIAGNOSTIC_SERVICE = "http://terminology.hl7.org/CodeSystem/v2-0074"
LOINC_HGVS = {v: k for k, v in HGVS_LOINC.items()}
HP_SEVERITY = "HP:0012824"
HP_ONSET = "HP:0003674"  # "Onset": an Observation component some IG examples use instead of the onset extension
HP_MODIFIER = CLINICAL_MODIFIER
#: NCPI FHIR IG v2 (ncpi-condition Observation): component codes without a system, and the Condition extension
NCPI_AGE_AT_ONSET = "ageAtOnset"
NCPI_OTHER_MODIFIERS = "otherModifiers"
EXT_NCPI_OTHER_MODIFIERS = "https://nih-ncpi.github.io/ncpi-fhir-ig-2/StructureDefinition/other-condition-modifiers"

ASSEMBLY_LOINC = {
    "GRCh37": ("LA14029-5", "GRCh37"),
    "GRCh38": ("LA26806-2", "GRCh38"),
    "hg19": ("LA14029-5", "GRCh37"),
    "hg38": ("LA26806-2", "GRCh38"),
}
ACMG_LOINC = {
    "PATHOGENIC": ("LA6668-3", "Pathogenic"),
    "LIKELY_PATHOGENIC": ("LA26332-9", "Likely pathogenic"),
    "UNCERTAIN_SIGNIFICANCE": ("LA26333-7", "Uncertain significance"),
    "LIKELY_BENIGN": ("LA26334-5", "Likely benign"),
    "BENIGN": ("LA6675-8", "Benign"),
}
LOINC_ACMG = {code: name for name, (code, _) in ACMG_LOINC.items()}
# GENO allelic states → LOINC LL381-5 answers.
GENO_LOINC = {
    "GENO:0000135": ("LA6706-1", "Heterozygous"),
    "GENO:0000136": ("LA6705-3", "Homozygous"),
    "GENO:0000134": ("LA6707-9", "Hemizygous"),
    "GENO:0000602": ("LA6703-8", "Heteroplasmic"),
    "GENO:0000603": ("LA6704-6", "Homoplasmic"),
}
LOINC_GENO = {code: (geno, label.lower()) for geno, (code, label) in GENO_LOINC.items()}
LOINC_GENO["LA26217-2"] = ("GENO:0000402", "compound heterozygous")  # read only; written as two heterozygous calls

#: prefix → [canonical system, accepted variants…]
SYSTEMS: dict[str, list[str]] = {
    "HP": [
        "http://human-phenotype-ontology.org",
        "http://purl.obolibrary.org/obo/hp.owl",
        "http://purl.obolibrary.org/obo/hp.obo",
        "http://purl.obolibrary.org/obo/HP_",
        "https://hpo.jax.org",
        "http://www.human-phenotype-ontology.org",
        "https://human-phenotype-ontology.org",
        "http://github.com/phenopackets/core-ig/CodeSystem/hpo",
        "urn:oid:2.16.840.1.113883.6.339",
    ],
    "OMIM": [
        "http://www.omim.org",
        "https://omim.org",
        "https://www.omim.org",
        "http://omim.org",
        "urn:oid:2.16.840.1.113883.6.174",
    ],
    "MONDO": [
        "http://purl.obolibrary.org/obo/mondo.owl",
        "http://purl.obolibrary.org/obo/MONDO_",
        "http://mondo",
        "http://purl.obolibrary.org/obo/mondo.obo",
        "https://monarchinitiative.org/mondo",
    ],
    "ORPHA": [
        "http://www.orpha.net",
        "https://www.orpha.net",
        "http://www.orpha.net/ORDO",
        "http://www.orphadata.org",
        "urn:oid:1.3.6.1.4.1.12559.11.10.1.3.1.44.5",
    ],
    "GENO": ["http://purl.obolibrary.org/obo/geno.owl", "http://purl.obolibrary.org/obo/GENO_"],
    "SO": [
        "http://www.sequenceontology.org",
        "http://purl.obolibrary.org/obo/so.owl",
        "http://purl.obolibrary.org/obo/so.obo",
        "http://purl.obolibrary.org/obo/SO_",
    ],
    "HGNC": [
        "http://www.genenames.org/geneId",
        "https://www.genenames.org",
        "http://www.genenames.org",
        "https://www.genenames.org/geneId",
    ],
    "NCIT": [
        "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl",
        "http://ncit",
        "http://purl.obolibrary.org/obo/ncit.owl",
    ],
    "ECO": ["http://purl.obolibrary.org/obo/eco.owl", "http://purl.obolibrary.org/obo/ECO_"],
    "UBERON": ["http://purl.obolibrary.org/obo/uberon.owl", "http://github.com/obophenotype/uberon"],
    "PATO": ["http://purl.obolibrary.org/obo/pato.owl"],
    "NCBITaxon": ["http://purl.obolibrary.org/obo/ncbitaxon.owl"],
    "SNOMEDCT": [SNOMED],
    "LOINC": [LOINC],
    "UCUM": [UCUM],
    "GSSO": ["http://purl.obolibrary.org/obo/GSSO", "http://purl.obolibrary.org/obo/gsso.owl"],
    "EFO": ["http://www.ebi.ac.uk/efo/efo.owl", "http://github.com/EBISPOT/efo"],
    # units of measurement (the Phenomics Exchange IG's alias $units); without it a UO unit was a Quantity code
    # without system, which FHIR's qty-3 invariant forbids
    "UO": ["http://purl.obolibrary.org/obo/uo.owl", "http://purl.obolibrary.org/obo/UO_"],
}
#: prefixes whose FHIR code is the bare local id (e.g. OMIM 154700); the others use the CURIE as code (HP:0001250).
BARE_CODE = {"OMIM", "ORPHA", "SNOMEDCT", "LOINC", "UCUM", "NCIT"}
SYSTEM_PREFIX: dict[str, str] = {s.rstrip("/").lower(): p for p, systems in SYSTEMS.items() for s in systems}
PREFIX_CASE = {p.lower(): p for p in SYSTEMS}

_OBO = "http://purl.obolibrary.org/obo/"
#: metaData.resources entries for packets read from FHIR without a phenotk Provenance: prefix → (id, name, url, iri).
RESOURCES: dict[str, tuple[str, str, str, str]] = {
    "HP": ("hp", "human phenotype ontology", f"{_OBO}hp.owl", f"{_OBO}HP_"),
    "MONDO": ("mondo", "Mondo Disease Ontology", f"{_OBO}mondo.obo", f"{_OBO}MONDO_"),
    "GENO": ("geno", "Genotype Ontology", f"{_OBO}geno.owl", f"{_OBO}GENO_"),
    "SO": ("so", "Sequence types and features ontology", f"{_OBO}so.obo", f"{_OBO}SO_"),
    "ECO": ("eco", "Evidence & Conclusion Ontology", f"{_OBO}eco.owl", f"{_OBO}ECO_"),
    "UBERON": ("uberon", "Uber-anatomy ontology", f"{_OBO}uberon.owl", f"{_OBO}UBERON_"),
    "PATO": ("pato", "Phenotype And Trait Ontology", f"{_OBO}pato.owl", f"{_OBO}PATO_"),
    "NCBITaxon": ("ncbitaxon", "NCBI organismal classification", f"{_OBO}ncbitaxon.owl", f"{_OBO}NCBITaxon_"),
    "NCIT": ("ncit", "NCI Thesaurus", f"{_OBO}ncit.owl", f"{_OBO}NCIT_"),
    "UO": ("uo", "Units of measurement ontology", f"{_OBO}uo.owl", f"{_OBO}UO_"),
    "OMIM": ("omim", "Online Mendelian Inheritance in Man", "https://www.omim.org", "https://www.omim.org/entry/"),
    "ORPHA": (
        "orpha",
        "Orphanet Rare Disease Ontology",
        "https://www.orpha.net",
        "http://www.orpha.net/ORDO/Orphanet_",
    ),
    "HGNC": (
        "hgnc",
        "HUGO Gene Nomenclature Committee",
        "https://www.genenames.org",
        "https://www.genenames.org/data/gene-symbol-report/#!/hgnc_id/",
    ),
    "SNOMEDCT": ("snomedct", "SNOMED CT", "http://snomed.info/sct", "http://snomed.info/id/"),
    "LOINC": ("loinc", "Logical Observation Identifiers Names and Codes", "https://loinc.org", "https://loinc.org/"),
}

#: HPO onset terms by label, for string onsets (``onsetString: "Congenital onset"``).
HPO_ONSET_LABELS = {
    "antenatal onset": "HP:0030674",
    "embryonal onset": "HP:0011460",
    "fetal onset": "HP:0011461",
    "congenital onset": "HP:0003577",
    "neonatal onset": "HP:0003623",
    "infantile onset": "HP:0003593",
    "childhood onset": "HP:0011463",
    "juvenile onset": "HP:0003621",
    "pediatric onset": "HP:0410280",
    "adult onset": "HP:0003581",
    "young adult onset": "HP:0011462",
    "middle age onset": "HP:0003596",
    "late onset": "HP:0003584",
}


def split_curie(curie: str) -> tuple[str, str]:
    """``("HP", "0001250")`` for ``HP:0001250``; ``("", curie)`` when there is no prefix."""
    prefix, sep, local = curie.partition(":")
    if not sep or not prefix or " " in prefix:
        return "", curie
    return prefix, local


def system_for(prefix: str, fallback: dict[str, str] | None = None) -> str | None:
    """Canonical system URI for a CURIE prefix (then the packet's own metaData resource URL), or None."""
    known = SYSTEMS.get(prefix) or SYSTEMS.get(PREFIX_CASE.get(prefix.lower(), ""))
    if known:
        return known[0]
    if fallback and prefix in fallback:
        return fallback[prefix]
    return None


_CANON = {p: s[0] for p, s in SYSTEMS.items()}


def coding(
    curie: str, label: str = "", fallback: dict[str, str] | None = None, versions: dict[str, str] | None = None
) -> dict[str, Any]:
    """A FHIR Coding for an ontology class: system by prefix, code as the IG writes it, label as display.

    Surrounding whitespace is trimmed (FHIR codes cannot carry it); the writer reports such ids.
    """
    curie = curie.strip()
    prefix, sep, local = curie.partition(":")
    out: dict[str, Any] = {}
    system = _CANON.get(prefix) if sep else None
    if system is None and sep and prefix and " " not in prefix:
        system = system_for(prefix, fallback)
    if system:
        out["system"] = system
        if versions and prefix in versions:
            out["version"] = versions[prefix]
    out["code"] = local if (system and prefix in BARE_CODE) else curie
    if label:
        out["display"] = label
    return out


def curie_of(cd: dict[str, Any], extra_systems: dict[str, str] | None = None) -> str | None:
    """CURIE for a FHIR Coding (tolerant: known system variants, CURIE codes under any system); None if no code."""
    code = cd.get("code")
    if not isinstance(code, str) or not code.strip():
        return None
    code = code.strip()
    system = cd.get("system")
    prefix = None
    if isinstance(system, str):
        key = system.rstrip("/").lower()
        prefix = SYSTEM_PREFIX.get(key) or (extra_systems or {}).get(key)
    p, _local = split_curie(code)
    if p and (prefix is None or p.lower() == prefix.lower() or p.upper() == prefix.upper()):
        return code
    if p and prefix in ("OMIM", "ORPHA") and p.upper() in ("OMIM", "MIM", "ORPHA", "ORPHANET"):
        return f"{prefix}:{_local}"
    if prefix:
        return f"{prefix}:{code}"
    if p or not system:
        return code  # a CURIE under an unknown system, or a bare code without system: kept as written
    return None


def is_hpo(cd: dict[str, Any]) -> bool:
    """True when a Coding is an HPO term (by system or by an ``HP:`` code)."""
    c = curie_of(cd)
    return bool(c and c.startswith("HP:"))
