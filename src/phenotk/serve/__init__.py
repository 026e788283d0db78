"""``phenotk serve``: a local web page for curators, over a small JSON API (OpenAPI at ``/openapi.json``).

The page drops files into a per-session temporary directory, starts a mapping for sheets (``mapping init``),
converts with :func:`phenotk.convert`, lists the findings with their documentation, applies safe fixes with a
diff, summarises the cohort and offers every result for download. Everything runs on this machine: the server
binds 127.0.0.1, every request carries a random token, and nothing is loaded from the network.

The web stack (FastAPI, uvicorn, Jinja2, python-multipart) is the optional extra ``serve``; nothing else in
phenotk imports this package (only :mod:`phenotk.cli.serve`).
"""

from __future__ import annotations

import importlib.util

#: import name of each module the extra provides
REQUIRED_MODULES = ("fastapi", "uvicorn", "jinja2", "multipart")
#: the one line ``phenotk serve`` prints when the extra is missing
INSTALL_HINT = "phenotk serve needs the web extra: pip install 'phenotk[serve]' (FastAPI, uvicorn, Jinja2)"


def missing_modules() -> list[str]:
    """Import names of the ``serve`` extra that are not installed (empty when the page can run)."""
    missing = []
    for name in REQUIRED_MODULES:
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):  # a broken install counts as missing
            found = False
        if not found:
            missing.append(name)
    return missing


__all__ = ["INSTALL_HINT", "REQUIRED_MODULES", "missing_modules"]
