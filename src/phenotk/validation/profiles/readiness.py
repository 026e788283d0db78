"""Readiness profiles: the default rules plus what one consumer of phenopackets requires.

``--profile exomiser|lirical|gpsea|pheval`` switches on the rule of that consumer (group ``readiness``); each
finding's doc page cites the consumer's documentation or code it was taken from.
"""

from __future__ import annotations

#: profile → the rules it switches on in addition to the defaults
RULES: dict[str, tuple[str, ...]] = {
    "exomiser": ("exomiser-readiness",),
    "lirical": ("lirical-readiness",),
    "gpsea": ("gpsea-readiness",),
    "pheval": ("pheval-readiness",),
}
