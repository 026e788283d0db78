"""phenotk.convert."""
