"""Rules: meta."""
