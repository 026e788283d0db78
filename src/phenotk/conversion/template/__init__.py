"""Curation templates ↔ phenopackets: phetools cohort JSON and pyphetools Excel templates.

Readers (``--from``): ``phetools-json`` (``*_individuals.json``), ``pyphetools-xlsx`` (Excel template) and
``template`` (either, chosen by content). Writers (``--to``): ``phetools-json`` and ``pyphetools-xlsx``.
Output follows phenopacket-store conventions (ids ``PMID_<pmid>_<individual>``, metaData resources, one
SOLVED interpretation per disease with CAUSATIVE variants) so it diffs cleanly against the store.

Modules: :mod:`.reader` (``template``, dispatch by content), :mod:`.cohort_json` / :mod:`.cohort_json_writer`,
:mod:`.xlsx` / :mod:`.xlsx_writer`, :mod:`.findings`; shared: :mod:`.rows` (the curation row ↔ packet),
:mod:`.timecells`, :mod:`.workbook` (layout, safe workbook access), :mod:`.sniff` (the one content probe:
:func:`is_pyphetools_template`), :mod:`.clean` (the opt-in pyphetools clean-up). The agreement with
phenopacket-store is measured by ``benchmarks/template_corpus`` (not part of the library).
"""

from __future__ import annotations

from phenotk.conversion.template.sniff import is_pyphetools_template, sniff_cohort_json, sniff_template_file

__all__ = ["is_pyphetools_template", "sniff_cohort_json", "sniff_template_file"]
