"""Rules: time."""
