"""``phenotk ARGV`` in the test process (exit code, stdout, stderr): one copy for the CLI and mapping tests."""

from __future__ import annotations

import pytest

from phenotk.cli.app import main


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the command line in this process and read what it printed: (exit code, stdout, stderr)."""
    try:
        main(list(argv))
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err
