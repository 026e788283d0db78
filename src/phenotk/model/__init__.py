"""phenotk.model."""
