"""Text made safe for a terminal: control characters from input shown as escapes, never sent raw.

A packet whose label holds ``ESC ]0;title BEL`` or ``ESC [2J`` could otherwise retitle or clear the terminal
of whoever reads phenotk's messages. Every message printed by the CLI goes through :func:`printable`.
"""

from __future__ import annotations

import re

#: C0 controls but TAB, DEL, C1 controls, and the Unicode bidi overrides/isolates (which reorder what is shown)
_UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_NAMES = {"\n": "\\n", "\r": "\\r"}


def _escape(m: re.Match[str]) -> str:
    ch = m.group()
    return _NAMES.get(ch) or (f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")


def printable(text: str, *, keep_newlines: bool = False) -> str:
    r"""``text`` with control characters as visible escapes (``\x1b``, ``\r``, ``\u202e``).

    ``keep_newlines`` leaves ``\n`` alone (multi-line blocks the CLI itself composed); one-line messages escape it
    so an input cannot forge extra lines.
    """
    if text.isascii() and text.isprintable():  # the common case: nothing to do, no regex
        return text
    if keep_newlines:
        return "\n".join(_UNSAFE.sub(_escape, part) for part in text.split("\n"))
    return _UNSAFE.sub(_escape, text)
