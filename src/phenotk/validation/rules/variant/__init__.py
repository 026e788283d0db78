"""Rules: variant — offline checks of variant descriptions (HGVS, VCF records, assemblies, gene ids)."""
