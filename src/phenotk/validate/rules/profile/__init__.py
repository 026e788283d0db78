"""Rules: profile."""
