"""In-process CLI runner and mutation helpers for the robustness suite (no test collected here)."""

from __future__ import annotations

import contextlib
import io
import json
import random
import sys
import traceback
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from phenotk.cli.app import main


@dataclass
class Run:
    """What one CLI invocation did."""

    args: list[str]
    code: int
    out: str
    err: str
    crash: str | None = None  # formatted traceback of an exception that escaped main()

    def describe(self) -> str:
        """Everything a failing assertion should show."""
        return f"phenotk {' '.join(self.args)}\nexit {self.code}\n--- stdout\n{self.out[:2000]}\n--- stderr\n" + (
            f"{self.err[:6000]}\n--- crash\n{self.crash or ''}"
        )


class _Capture(io.TextIOWrapper):
    """A text stream with a ``.buffer`` (some commands write bytes), readable afterwards."""

    def __init__(self) -> None:
        super().__init__(io.BytesIO(), encoding="utf-8", errors="replace", write_through=True)

    def getvalue(self) -> str:
        self.flush()
        return self.buffer.getvalue().decode("utf-8", "replace")  # type: ignore[attr-defined]

    def isatty(self) -> bool:
        return False


class _Stdin:
    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)

    def read(self) -> str:
        return self.buffer.read().decode("utf-8", "replace")


def run_cli(args: list[str], stdin: bytes = b"") -> Run:
    """Call ``phenotk.cli.app.main(args)`` in this process; capture output, exit code and any escaped exception."""
    out, err = _Capture(), _Capture()
    old_in = sys.stdin
    sys.stdin = _Stdin(stdin)  # type: ignore[assignment]
    code, crash = 0, None
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main([str(a) for a in args])
    except SystemExit as exc:
        c = exc.code
        code = c if isinstance(c, int) else (0 if c is None else 1)
    except BaseException:  # the whole point: record what escaped
        code = -1
        crash = traceback.format_exc()
    finally:
        sys.stdin = old_in
    return Run([str(a) for a in args], code, out.getvalue(), err.getvalue(), crash)


def problems(run: Run, bad: list[Any], *, unreadable: bool = True, good: tuple[str, ...] = ()) -> list[str]:
    """Contract violations of one run over hostile inputs ``bad`` (empty when the run behaved)."""
    found = []
    if run.crash is not None:
        found.append("exception escaped main()")
    if "Traceback" in run.out or "Traceback" in run.err:
        found.append("traceback printed")
    if run.code not in (0, 1, 2):
        found.append(f"exit code {run.code}")
    if unreadable and run.code != 2:
        found.append(f"exit {run.code} on unreadable input (want 2)")
    names = [str(b) for b in bad]
    for line in run.err.splitlines():
        low = line.lower()
        if not line.strip() or low.startswith(("wrote ", "note:", "upgraded ", "checked ")) or line[0].isdigit():
            continue
        looks_bad = any(w in low for w in ("error", "cannot", "invalid", "unreadable", "no such"))
        if looks_bad and not any(n in line for n in names) and not any(line.startswith(p) for p in good):
            found.append(f"stderr error line names no input: {line[:200]!r}")
    return found


# ------------------------------------------------------------------ mutations


def truncations(data: bytes) -> Iterator[tuple[str, bytes]]:
    """The data cut at several points (never the full length)."""
    n = len(data)
    for frac in (0.0, 0.1, 0.5, 0.9):
        cut = int(n * frac)
        if 0 < cut < n:
            yield f"trunc{int(frac * 100)}", data[:cut]
    if n > 1:
        yield "trunc-1", data[:-1]


def byte_flips(data: bytes, seed: int, count: int = 4) -> bytes:
    """``data`` with ``count`` random bytes replaced (deterministic per seed)."""
    rnd = random.Random(seed)
    buf = bytearray(data)
    for _ in range(count):
        i = rnd.randrange(len(buf))
        buf[i] = rnd.randrange(256)
    return bytes(buf)


def pointers(tree: Any, prefix: str = "") -> Iterator[str]:
    """Every JSON pointer of ``tree`` (depth first)."""
    if isinstance(tree, dict):
        for k, v in tree.items():
            p = f"{prefix}/{str(k).replace('~', '~0').replace('/', '~1')}"
            yield p
            yield from pointers(v, p)
    elif isinstance(tree, list):
        for i, v in enumerate(tree):
            p = f"{prefix}/{i}"
            yield p
            yield from pointers(v, p)


def set_at(tree: Any, pointer: str, value: Any) -> Any:
    """A deep copy of ``tree`` with ``pointer`` replaced by ``value``."""
    tree = json.loads(json.dumps(tree))
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]
    node = tree
    for t in tokens[:-1]:
        node = node[int(t)] if isinstance(node, list) else node[t]
    last = tokens[-1]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return tree


#: What a value is swapped for: each JSON type plus awkward numbers.
SWAPS: list[Any] = ["text", {"x": 1}, [1, "a"], 7, -1.5, None, True, 10**30]


def other_types(value: Any) -> list[Any]:
    """Values of other JSON types than ``value``."""
    return [s for s in SWAPS if type(s) is not type(value)]


def deep_nesting(depth: int = 50_000) -> bytes:
    """A JSON document nested ``depth`` levels deep."""
    return b'{"id": ' + b"[" * depth + b"]" * depth + b"}"


def encodings(text: str) -> Iterator[tuple[str, bytes]]:
    """The same text with a BOM, as UTF-16 and as Latin-1 (with a non-ASCII character added)."""
    yield "bom", b"\xef\xbb\xbf" + text.encode()
    yield "utf16", text.encode("utf-16")
    yield "latin1", text.replace('"', '"é', 1).encode("latin-1", "replace")


def zip_of(members: dict[str, bytes]) -> bytes:
    """A zip archive with these members."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


# ------------------------------------------------------------------ hostile variants of real files


@dataclass
class Kind:
    """One family of real inputs: a good file, hostile variants of it, and the commands that read it."""

    name: str
    good: Path
    bad: list[Path]  # unreadable variants (each must get exit 2 and a line naming it)
    flipped: list[Path]  # random byte flips: may or may not still parse


#: kind → (source path under ../shared/data, ``convert --from`` to force, extra convert args)
SOURCES: dict[str, tuple[str, str | None]] = {
    "packet": ("phenopacket-store/AAGAB/PMID_10066039_Individual_1.json", None),
    "family": ("v2-examples/family.json", None),
    "v1": ("v1/ptools__phenopacket.json", "v1"),
    "v1-yaml": ("v1/exomiser__pfeiffer-phenopacket.yml", "v1"),
    "fhir": ("fhir/pp-fhir-interop__test_bundle.json", "fhir"),
    "beacon": ("beacon/ga4gh-beacon-v2/individual-MID-example.json", "beacon"),
    "phetools": ("templates/AAGAB/AAGAB_PPKP1A_individuals.json", "phetools-json"),
}


def source_path(shared: Path, kind: str) -> Path:
    """The real file behind ``kind`` (the first store packet when the named one moved)."""
    rel, _ = SOURCES[kind]
    p = shared / rel
    if not p.is_file() and kind == "packet":
        p = sorted((shared / "phenopacket-store").glob("*/*.json"))[0]
    if not p.is_file():
        pytest.skip(f"{rel} not in the shared data")
    return p


def make_kind(shared: Path, kind: str, root: Path) -> Kind:
    """Write the hostile variants of one real file into ``root``."""
    src = source_path(shared, kind)
    data = src.read_bytes()
    ext = src.suffix
    root.mkdir(parents=True, exist_ok=True)
    good = root / f"good{ext}"
    good.write_bytes(data)
    bad: list[Path] = []

    def put(name: str, payload: bytes) -> None:
        p = root / f"{name}{ext}"
        p.write_bytes(payload)
        bad.append(p)

    flipped = []
    for label, payload in truncations(data):
        if ext == ".json":
            put(label, payload)
        else:  # a YAML file cut anywhere may still be valid YAML: only "never crash" holds
            p = root / f"{label}{ext}"
            p.write_bytes(payload)
            flipped.append(p)
    put("empty", b"")
    put("nul", b"\x00" * 64)
    put("deep", deep_nesting(20_000) if ext == ".json" else b"a: " + b"[" * 30_000 + b"]" * 30_000)
    for label, payload in encodings(data.decode("utf-8")):
        if label == "bom":
            # YAML allows a byte-order mark and RFC 8259 lets a JSON reader ignore one (issue 19 item 12): the
            # file must read like the original (only "never crash" holds)
            p = root / f"{label}{ext}"
            p.write_bytes(payload)
            flipped.append(p)
        elif label != "latin1" or any(b > 127 for b in payload):
            put(label, payload)
    as_dir = root / f"is-a-dir{ext}"
    as_dir.mkdir()
    (as_dir / "README").write_text("a directory named like a file")
    bad.append(as_dir)
    bad.append(root / f"missing{ext}")
    junk = root / "junk.zip"
    junk.write_bytes(b"PK\x03\x04 this is not a zip archive")
    bad.append(junk)
    if ext == ".json":
        bad.append(root / "scalar.json")
        bad[-1].write_text(json.dumps("just a string"))
    for seed in range(3):
        p = root / f"flip{seed}{ext}"
        p.write_bytes(byte_flips(data, seed, 6))
        flipped.append(p)
    zipped = root / "members.zip"
    zipped.write_bytes(zip_of({"a/truncated.json": data[: len(data) // 2], "b/binary.json": b"\x00\xff" * 10}))
    flipped.append(zipped)
    return Kind(kind, good, bad, flipped)
