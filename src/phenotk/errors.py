"""Exceptions that carry a location, so the CLI can print ``path:line:col: message`` and exit 2."""

from __future__ import annotations

from phenotk._text import printable


class PhenotkError(Exception):
    """Base class of every error phenotk raises on purpose (bad input, bad usage, bad config)."""

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.column = column

    def location(self) -> str:
        """``path:line:col`` (the parts that are known)."""
        parts = [self.path or "<input>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        # paths and messages quote input (ids, labels, file names): never let its control characters through
        if self.path is None:
            return printable(f"error: {self.message}")
        return printable(f"{self.location()}: {self.message}")


class InputError(PhenotkError):
    """A file that cannot be read as what it claims to be (syntax, encoding, wrong element, missing)."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        column: int | None = None,
        kind: str = "unreadable",
    ) -> None:
        super().__init__(message, path=path, line=line, column=column)
        #: ``unreadable`` | ``v1`` (a Phenopacket v1 document; see ``phenotk upgrade``) | ``missing``
        self.kind = kind


class UsageError(PhenotkError):
    """Wrong options or configuration (unknown rule, unknown key, conflicting flags)."""


class OutputExistsError(PhenotkError):
    """Refusing to overwrite an existing output without ``force``."""
