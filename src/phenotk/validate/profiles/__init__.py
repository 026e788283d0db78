"""phenotk.validate.profiles."""
