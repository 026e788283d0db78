"""phenotk.fix."""
