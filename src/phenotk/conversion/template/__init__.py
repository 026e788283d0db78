"""Curation templates ↔ phenopackets: phetools cohort JSON and pyphetools Excel templates.

Readers (``--from``): ``phetools-json`` (``*_individuals.json``), ``pyphetools-xlsx`` (Excel template) and
``template`` (either, chosen by content). Writers (``--to``): ``phetools-json`` and ``pyphetools-xlsx``.
Output follows phenopacket-store conventions (ids ``PMID_<pmid>_<individual>``, metaData resources, one
SOLVED interpretation per disease with CAUSATIVE variants) so it diffs cleanly against the store.
"""
