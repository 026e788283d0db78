"""phenotk.mapping."""
