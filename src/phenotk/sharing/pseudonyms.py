"""Keyed pseudonyms (HMAC-SHA256), the secret key file, per-subject date offsets and the protected id map.

One secret key drives everything: the pseudonym of an id is ``prefix + base32(HMAC(key, "id" ‖ id))[:16]``
(80 bits), so the same id gets the same pseudonym in every file and every run with that key, another key gives
unrelated pseudonyms, and nobody without the key can recompute or reverse them. Date offsets come from the
same key under another label, so they are as secret as the pseudonyms.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import secrets
from pathlib import Path

from phenotk.errors import UsageError
from phenotk.sharing.text import distinctive, id_spans

#: shortest key accepted from a key file (bytes): 128 bits
MIN_KEY_BYTES = 16
#: dates move back by this many days at least and at most (never forward: no date lands in the future)
SHIFT_MIN_DAYS, SHIFT_MAX_DAYS = 365, 3652
#: what a pseudonym prefix may be: it starts every pseudonym and every output file name (no '/', no '..')
PREFIX = re.compile(r"(?:[A-Za-z0-9][A-Za-z0-9._-]{0,31})?")
#: pedigree placeholders for "unknown parent" that are not ids
NOT_IDS = frozenset({"", "0"})


def load_key(path: str | os.PathLike[str]) -> bytes:
    """The secret key in a key file (its bytes, one trailing newline ignored); UsageError if missing or short."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read the key file: {exc.strerror or exc}", path=str(path)) from None
    key = raw[:-1] if raw.endswith(b"\n") else raw
    key = key[:-1] if key.endswith(b"\r") else key
    if len(key) < MIN_KEY_BYTES:
        raise UsageError(
            f"key file holds {len(key)} bytes; use at least {MIN_KEY_BYTES} random bytes "
            "(e.g. `openssl rand -hex 32 > sharing.key`)",
            path=str(path),
        )
    return key


def random_key() -> bytes:
    """A fresh 256-bit key for a one-off run (``--random-key``): used once, never written anywhere."""
    return secrets.token_bytes(32)


class Keyring:
    """Pseudonyms and date offsets of one key; remembers what it pseudonymised (for the id map)."""

    def __init__(self, key: bytes, prefix: str = "ptk-") -> None:
        if len(key) < MIN_KEY_BYTES:
            raise UsageError(f"the key must have at least {MIN_KEY_BYTES} bytes")
        if not PREFIX.fullmatch(prefix):
            raise UsageError(
                f"pseudonym prefix {prefix!r}: use up to 32 letters, digits, '-', '_' or '.' (not first), "
                "since it becomes part of ids and file names"
            )
        self._key = key
        self.prefix = prefix
        self._ids: dict[str, str] = {}
        self._offsets: dict[str, int] = {}

    def _mac(self, label: bytes, value: str) -> bytes:
        return hmac.new(self._key, label + b"\x00" + value.encode("utf-8"), hashlib.sha256).digest()

    @property
    def key_id(self) -> str:
        """A short public fingerprint of the key (says which key made a file; reveals nothing of it)."""
        return self._mac(b"key-id", "").hex()[:16]

    def pseudonym(self, value: str) -> str:
        """The pseudonym of an id (pedigree placeholders ``0`` and empty stay as they are)."""
        if value in NOT_IDS:
            return value
        out = self._ids.get(value)
        if out is None:
            digest = self._mac(b"id", value)
            out = self.prefix + base64.b32encode(digest[:10]).decode("ascii")
            self._ids[value] = out
        return out

    def offset_days(self, subject: str) -> int:
        """How many days this subject's dates move back (same key + subject → same offset)."""
        out = self._offsets.get(subject)
        if out is None:
            n = int.from_bytes(self._mac(b"shift", subject)[:8], "big")
            out = SHIFT_MIN_DAYS + n % (SHIFT_MAX_DAYS - SHIFT_MIN_DAYS + 1)
            self._offsets[subject] = out
        return out

    def rewrite_embedded(self, text: str, ids: set[str]) -> str:
        """``text`` with each distinctive original id it contains replaced by its pseudonym.

        Found by :func:`~phenotk.sharing.text.id_spans`: as whole tokens, or as written between non-alphanumeric
        characters (``SAMPLE=P12;``).
        """
        for ident in sorted(ids, key=len, reverse=True):
            if not distinctive(ident):
                continue
            for start, end in reversed(id_spans(text, ident)):
                text = text[:start] + self.pseudonym(ident) + text[end:]
        return text

    def id_map(self) -> dict[str, str]:
        """Pseudonym → original id, for every id pseudonymised so far (sorted by pseudonym)."""
        return {p: o for o, p in sorted(self._ids.items(), key=lambda kv: kv[1])}

    def map_document(self, profile: str) -> bytes:
        """The id map file: the map plus an HMAC tag over it (tampering or another key is detected)."""
        ids = self.id_map()
        body = json.dumps(ids, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        tag = self._mac(b"id-map", body).hex()
        doc = {"tool": "phenotk deidentify", "profile": profile, "keyId": self.key_id, "ids": ids, "hmacSha256": tag}
        return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")

    def verify_map(self, data: bytes) -> dict[str, str]:
        """The ids of a map file made with this key; UsageError when the tag does not match."""
        try:
            doc = json.loads(data)
            ids = doc["ids"]
            body = json.dumps(ids, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
            ok = hmac.compare_digest(self._mac(b"id-map", body).hex(), str(doc["hmacSha256"]))
        except (ValueError, KeyError, TypeError):
            ok = False
        if not ok:
            raise UsageError("id map does not verify with this key (another key, or the file was changed)")
        return dict(ids)


def write_private(path: str | os.PathLike[str], data: bytes, *, force: bool = False) -> Path:
    """Write ``data`` so that only the owner can read it (mode 0600 from the first byte), atomically.

    The file is created empty with mode 0600 (or an existing one is narrowed to 0600) before
    :func:`phenotk.io.atomic_write` replaces it; atomic_write keeps that mode for the new content.
    """
    from phenotk.errors import OutputExistsError
    from phenotk.io import atomic_write

    target = Path(path)
    if target.exists():
        if not force:
            raise OutputExistsError("output exists; use --force to overwrite", path=str(target))
        try:
            os.chmod(target, 0o600)
        except OSError as exc:
            raise UsageError(f"cannot write output: {exc.strerror or exc}", path=str(target)) from None
    else:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except OSError as exc:
            raise UsageError(f"cannot write output: {exc.strerror or exc}", path=str(target)) from None
    return atomic_write(target, data, force=True)
