"""The ``sharing`` validation profile: the default rules plus the opt-in privacy checks (before a release)."""

from __future__ import annotations

#: rules the ``sharing`` profile switches on in addition to the defaults
RULES: tuple[str, ...] = (
    "privacy-date-of-birth",
    "privacy-exact-timestamp",
    "privacy-identifier-in-text",
    "privacy-hospital-number-id",
    "privacy-embedded-id",
)
