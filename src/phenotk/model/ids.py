"""Identifiers the way phenopacket-store builds them: id-safe, deterministic.

* :func:`safe_id` — runs of characters other than ASCII letters and digits become one ``_``; leading and
  trailing ``_`` are stripped (``"proband (III-3)"`` → ``"proband_III_3"``).
* :func:`store_packet_id` — ``PMID_<pmid>_<individual>`` (the store's packet id and file stem).
* :func:`stable_token` — a deterministic 24-character base62 token (the store uses random ones for
  interpretation ids; we derive them from the packet id so every run produces the same output).
"""

from __future__ import annotations

import hashlib
import re

_UNSAFE = re.compile(r"[^A-Za-z0-9]+")
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def safe_id(*parts: str) -> str:
    """Join ``parts`` with ``_`` and make the result id-safe (letters, digits and single ``_``)."""
    return _UNSAFE.sub("_", "_".join(p for p in parts if p)).strip("_")


def store_packet_id(pmid: str, individual_id: str) -> str:
    """``PMID:123`` + ``Family 1 proband`` → ``PMID_123_Family_1_proband``."""
    digits = pmid.strip()
    if digits.upper().startswith("PMID"):
        digits = digits[4:].lstrip(":_ ")
    return safe_id("PMID", digits, individual_id)


def stable_token(seed: str, length: int = 24) -> str:
    """A deterministic base62 token of ``length`` characters derived from ``seed``."""
    number = int.from_bytes(hashlib.sha256(seed.encode("utf-8")).digest(), "big")
    out = []
    for _ in range(length):
        number, rest = divmod(number, 62)
        out.append(_BASE62[rest])
    return "".join(out)
