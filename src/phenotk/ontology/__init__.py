"""phenotk.ontology."""
