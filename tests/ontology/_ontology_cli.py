"""``phenotk`` run in-process for the ontology tests: (exit code, stdout, stderr)."""

from __future__ import annotations

import pytest

from phenotk.cli.app import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err
