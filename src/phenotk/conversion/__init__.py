"""phenotk.conversion."""
