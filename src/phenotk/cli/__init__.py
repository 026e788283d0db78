"""Command-line interface (typer). Errors are turned into one-line messages and exit codes only here."""
