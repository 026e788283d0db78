"""Rules: hpo (ontology-aware checks of HPO-coded fields; MONDO/GENO … too when their files are loaded)."""
