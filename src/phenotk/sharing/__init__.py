"""Responsible sharing: de-identify Phenopackets, Families and Cohorts (``phenotk deidentify``).

``phenotk.deidentify(paths, out_dir, key_file=..., profile=...)`` pseudonymises ids with a secret key
(HMAC-SHA256), moves every timestamp by a secret per-subject offset (or turns it into an age), removes free
text and reports what is left and the re-identification risk (k-anonymity). docs/sharing.md says what each
profile removes, keeps and transforms, and what it does not guarantee.
"""

from __future__ import annotations

from phenotk.sharing.api import Deidentification, Output, deidentify
from phenotk.sharing.profiles import PROFILES, Profile
from phenotk.sharing.pseudonyms import Keyring, load_key

__all__ = ["PROFILES", "Deidentification", "Keyring", "Output", "Profile", "deidentify", "load_key"]
