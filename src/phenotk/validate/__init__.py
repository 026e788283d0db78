"""phenotk.validate."""
