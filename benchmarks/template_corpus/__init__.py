"""Agreement of the curation-template converters with phenopacket-store (evaluation code, not the library).

:mod:`.compare` reduces packets to the fields templates map and labels differences; :mod:`.corpus` converts every
cohort JSON and pyphetools workbook of the shared corpus and compares each packet with the store's. Used by
``benchmarks/templates.py`` and ``tests/convert/template`` (which put ``benchmarks/`` on ``sys.path``).
"""

from __future__ import annotations

from .corpus import compare_json_corpus, compare_xlsx_corpus, current_statuses, load_store

__all__ = ["compare_json_corpus", "compare_xlsx_corpus", "current_statuses", "load_store"]
