"""phenotk.validate.rules."""
