"""phenotk.report."""
