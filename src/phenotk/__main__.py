"""``python -m phenotk`` runs the command-line interface."""

from phenotk.cli.app import main

main()
