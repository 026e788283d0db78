"""Rules: readiness — is a phenopacket usable by the tool it is fed to (``--profile exomiser|lirical|gpsea|pheval``)."""
