"""phenotk.validation.profiles."""
