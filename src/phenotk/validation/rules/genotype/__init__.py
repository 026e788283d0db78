"""Rules: genotype — allelic states and variant counts against the disease's mode of inheritance."""
