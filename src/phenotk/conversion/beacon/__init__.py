"""Beacon v2 ``individuals`` (the default model, "BFF") ↔ Phenopackets v2.

Field map (phenopacket → Beacon individual)::

    subject.id                      id
    subject.sex (enum)              sex (NCIT term: C16576 female, C20197 male, C17998 unknown, C17649 other)
    subject.karyotypicSex           karyotypicSex
    phenotypicFeatures[]            phenotypicFeatures[]: type→featureType, excluded, severity, modifiers, onset,
                                    resolution, evidence[0]→evidence, description→notes
    diseases[]                      diseases[]: term→diseaseCode, onset→ageOfOnset, diseaseStage[0]→stage,
                                    excluded, primarySite, laterality, clinicalTnmFinding (extra properties,
                                    as Convert-Pheno writes them)
    measurements[]                  measures[]: assay→assayCode, value/complexValue→measurementValue,
                                    timeObserved→observationMoment, description→notes, procedure
    medicalActions[].procedure      interventionsOrProcedures[]: code→procedureCode, bodySite, performed→ageAtProcedure
    medicalActions[].treatment      treatments[]: agent→treatmentCode, routeOfAdministration, doseIntervals,
                                    cumulativeDose
    everything else                 info.phenopacket (packet id, other subject fields, interpretations, biosamples,
                                    files, metaData, and the complete list of any element that lost a part above)

Time elements are written in the Beacon schema's flat form (``{"iso8601duration": …}``, an ontology term, a
timestamp string, ``{"start", "end"}``, ``{"weeks", "days"}``); the reader also accepts the phenopacket-style
wrapped form (``{"age": {…}}``, ``{"ageGroup": …}``, ``{"ontologyClass": …}``) seen in the official examples.

Beacon → phenopacket carries the same fields back. Beacon fields without a phenopacket home (``ethnicity``,
``geographicOrigin``, ``exposures``, ``pedigrees``, disease ``familyHistory``/``severity``/``notes`` …) become
findings whose ``context.value`` holds the value, so ``--report FILE`` keeps them.

Modules: :mod:`.reader` and :mod:`.writer` (the converters), :mod:`.inbound` (Beacon → phenopacket, with the
element parsers of :mod:`.elements`), :mod:`.outbound` (phenopacket → Beacon), :mod:`.vocab` (sex terms,
karyotypes, resources) and :mod:`.findings`.
"""

from phenotk.conversion.beacon.inbound import from_beacon
from phenotk.conversion.beacon.outbound import to_beacon
from phenotk.conversion.beacon.reader import BeaconReader, individuals
from phenotk.conversion.beacon.vocab import NCIT_TO_SEX, SEX_TO_NCIT
from phenotk.conversion.beacon.writer import BeaconWriter

__all__ = ["NCIT_TO_SEX", "SEX_TO_NCIT", "BeaconReader", "BeaconWriter", "from_beacon", "individuals", "to_beacon"]
