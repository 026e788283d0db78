"""Rules: xref."""
