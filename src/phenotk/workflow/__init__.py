"""Workflows that tie the layers together: the run session and the library conversion pipeline."""
