"""Rules: core."""
