"""Findings of ``phenotk deidentify`` (catalogued by :mod:`phenotk.catalog`; codes PRV1xx).

The validation rules of the ``privacy`` group (PRV001…) check documents before a release; these report what
the de-identifier did or could not do.
"""

from __future__ import annotations

from phenotk.issue import FindingType, Severity

IDENTIFIER_LEFT = FindingType(
    "PRV101",
    "deid-identifier-left",
    Severity.ERROR,
    "A kept text value still looks like it holds an identifier after de-identification.",
    """\
What it means: a value the profile keeps (a variant label, an extension value) matched an identifier pattern
(e-mail, URL, phone number, record number, calendar date) or contains one of the record's original ids that
could not be rewritten. The value is in the output as it was; the finding names the field and what matched.

Why: free text is removed by every profile, but labels and extension values are kept because analyses need
them. An identifier in them would leave the output identifiable, so the run fails (exit 1) instead of passing
quietly.

Example: an extension ``{"name": "note", "value": "seen at clinic 12/03/2019"}``.

What to do: correct or remove the value in the input and run again; if the match is harmless (a date that is
not about the person), raise ``--fail-on`` or ignore the code and say why in your release notes.""",
    group="sharing",
)

UNKNOWN_FIELD = FindingType(
    "PRV102",
    "deid-unknown-field-removed",
    Severity.WARNING,
    "A field that is not in the Phenopacket schema (or has a value of the wrong type) was removed from the output.",
    """\
What it means: the input had a key the Phenopacket v2 schema does not define (a typo, a local extension), or a
value of the wrong type (a string where an object belongs, a list item that is not an object). The
de-identifier cannot know what it holds, so it is not written.

Why: an unknown field can hold anything, including names or dates; copying it would defeat the profile, and
dropping it without a word would lose data silently.

Example: ``"subject": {"id": "P1", "hospitalNumber": "0048151"}``.

What to do: if the value is needed, move it into a schema field (an extension, a measurement) and run again;
``phenotk validate`` reports the field as ``schema-unknown-field``.""",
    group="sharing",
)

TIME_UNREADABLE = FindingType(
    "PRV103",
    "deid-time-unreadable",
    Severity.WARNING,
    "A timestamp (or, with safe-harbor, an age) that could not be read was removed instead of shifted (or capped).",
    """\
What it means: a timestamp (or a date of birth) is not an RFC 3339 date-time, so it cannot be moved by the
subject's offset or turned into an age; or, with safe-harbor, an age is not an ISO 8601 duration even when read
in upper case without spaces, so nobody can tell whether it is 90 or more. It is left out of the output.

Why: an unshifted date would reveal the real calendar date; guessing what a malformed date means would
invent one.

Example: ``"onset": {"timestamp": "12/03/2019"}``.

What to do: fix the timestamp (``phenotk validate`` reports it as ``time-timestamp`` with a suggested fix) and
run again.""",
    group="sharing",
)

AGE_GENERALISED = FindingType(
    "PRV104",
    "deid-age-generalised",
    Severity.INFO,
    "An age of 90 years or more was written as P90Y (safe-harbor).",
    """\
What it means: the safe-harbor profile groups every age of 90 years or older into one category, written as
``P90Y``; the exact age is not in the output.

Why: HIPAA Safe Harbor lists ages over 89 as identifying (few people are that old), and requires aggregating
them into "90 or older".

Example: ``"timeAtLastEncounter": {"age": {"iso8601duration": "P93Y"}}`` becomes ``P90Y``.

What to do: nothing, when you need Safe Harbor; use the pseudonymised or research profile under a data use
agreement if the exact ages matter. Intervals involving a generalised age are not exact.""",
    group="sharing",
)

BELOW_K = FindingType(
    "PRV105",
    "deid-below-k",
    Severity.WARNING,
    "A record whose quasi-identifiers (sex, age bin, disease) are shared by fewer than --min-k people.",
    """\
What it means: grouping the output by sex × age bin × disease, this record's group has fewer than K people,
even after widening the age bins as far as allowed (records of one subject with the same quasi-identifiers are
one person). The finding names the group and its size.

Why: a rare combination can single out a person to someone who knows them (k-anonymity). k is a measure of
that risk for these attributes only, not a guarantee.

Example: the only female with disease OMIM:614959 aged 40-45 in the release.

What to do: decide with your ethics board: release under a data use agreement, leave the record out, or
generalise further (e.g. remove the age). The privacy report (``--privacy-report``) lists every such record.""",
    group="sharing",
)

FINDINGS: tuple[FindingType, ...] = (IDENTIFIER_LEFT, UNKNOWN_FIELD, TIME_UNREADABLE, AGE_GENERALISED, BELOW_K)
