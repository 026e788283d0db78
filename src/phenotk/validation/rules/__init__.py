"""Validation rules, one module each, grouped in sub-packages (discovered by ``phenotk.validation.registry``)."""
