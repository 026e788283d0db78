"""Rules: privacy (opt-in; the ``sharing`` profile switches them on before a data release)."""
