"""Spreadsheets, templates, REDCap, PED, FHIR XML, mappings and ontologies: hostile variants of real files.

Binary and tabular inputs can often still be read after damage (a CSV cut in half is a shorter CSV), so most
checks here are "no traceback, exit 0/1/2, every error line names an input"; inputs that cannot be read at
all (not a zip, empty, missing, a directory) must also exit 2.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
import yaml
from _robust import (
    SWAPS,
    byte_flips,
    pointers,
    problems,
    run_cli,
    set_at,
    truncations,
    zip_of,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.shared

REPO = Path(__file__).resolve().parents[2]
MAPPINGS = REPO / "mappings"
FIXTURES = REPO / "tests" / "fixtures"


def _variants(data: bytes) -> dict[str, bytes]:
    out = dict(truncations(data))
    out.update({f"flip{s}": byte_flips(data, s, 8) for s in range(2)})
    out["junk"] = bytes(range(256)) * 4
    return out


def _unreadable(ext: str) -> dict[str, bytes]:
    return {
        "empty": b"",
        "notzip": b"this is not a zip archive\n",
        "zipjunk": zip_of({"[Content_Types].xml": b"<nope", "xl/workbook.xml": b"<junk"}),
    } if ext == ".xlsx" else {"empty": b""}


def _check(args: list[Any], bad: list[Path], *, unreadable: bool, extra_ok: tuple[str, ...] = ()) -> list[str]:
    run = run_cli([str(a) for a in args])
    found = problems(run, bad, unreadable=unreadable, good=extra_ok)
    return [f"{found}\n{run.describe()}"] if found else []


# ------------------------------------------------------------------ curation templates (real XLSX / JSON)


def test_pyphetools_xlsx_damaged(shared_data: Path, tmp_path: Path) -> None:
    """Real pyphetools XLSX templates cut, flipped, emptied, or not a zip at all: converted or refused by line."""
    src = sorted((shared_data / "templates").glob("*/*_individuals.xlsx"))[0]
    failures: list[str] = []
    for label, data in {**_variants(src.read_bytes()), **_unreadable(".xlsx")}.items():
        p = tmp_path / f"{label}_individuals.xlsx"
        p.write_bytes(data)
        hard = label in ("empty", "notzip", "zipjunk", "junk") or label.startswith("trunc")
        out = tmp_path / f"out-{label}"
        failures += _check(["convert", "--no-validate", p, "-o", f"{out}/a/"], [p], unreadable=hard)
        failures += _check(
            ["convert", "--from", "pyphetools-xlsx", "--no-validate", p, "-o", f"{out}/b/"], [p], unreadable=hard
        )
        failures += _check(["mapping", "init", p], [p], unreadable=hard)
    assert not failures, "\n\n".join(failures)


def test_xlsx_beside_good_template(shared_data: Path, tmp_path: Path) -> None:
    """A non-zip .xlsx next to a real template: exit 2, the bad one named, the good one still converted."""
    good = sorted((shared_data / "templates").glob("*/*_individuals.xlsx"))[0]
    bad = tmp_path / "bad_individuals.xlsx"
    bad.write_bytes(b"not a zip")
    out = tmp_path / "out"
    run = run_cli(["convert", "--from", "pyphetools-xlsx", "--no-validate", str(good), str(bad), "-o", f"{out}/"])
    assert problems(run, [bad], good=(str(good), str(out))) == [], run.describe()
    assert any(line.startswith(str(bad)) for line in run.err.splitlines()), run.describe()
    assert out.is_dir() and any(out.iterdir()), run.describe()


# ------------------------------------------------------------------ spreadsheets under a mapping


def _ragged(text: str, sep: str) -> bytes:
    lines = text.splitlines()
    out = [lines[0]]
    for i, line in enumerate(lines[1:]):
        out.append(line + f"{sep}x{sep}y" if i % 2 else line.split(sep)[0])
    return ("\n".join(out) + "\n").encode()


@pytest.mark.parametrize(
    ("sheet", "mapping"),
    [("wide.csv", "generic-wide.yaml"), ("long.tsv", "generic-long.yaml"), ("free_text.csv", "free-text.yaml")],
)
def test_tables_damaged(sheet: str, mapping: str, tmp_path: Path) -> None:
    """CSV/TSV sheets with ragged rows, only a header, stray quotes, NUL bytes, cuts and flips."""
    src = FIXTURES / "mapping" / sheet
    data = src.read_bytes()
    sep = "\t" if sheet.endswith(".tsv") else ","
    cases = _variants(data)
    cases.update(
        ragged=_ragged(data.decode(), sep),
        header_only=data.splitlines(keepends=True)[0],
        quote=data.replace(sep.encode(), sep.encode() + b'"', 3),
        nul=data.replace(sep.encode(), b"\x00", 5),
        latin1=f"Patient{sep}Sex\nJosé{sep}M\n".encode("latin-1"),
        utf16=data.decode().encode("utf-16"),
    )
    m = MAPPINGS / mapping
    failures: list[str] = []
    for label, payload in {**cases, **_unreadable(src.suffix)}.items():
        p = tmp_path / f"{label}{src.suffix}"
        p.write_bytes(payload)
        out = tmp_path / f"out-{label}"
        hard = label == "empty"
        failures += _check(["convert", "--from", "table", "-m", m, "--no-validate", p, "-o", f"{out}/"], [p],
                           unreadable=hard, extra_ok=(str(out),))
        failures += _check(["mapping", "check", m, p], [p], unreadable=False)
        failures += _check(["mapping", "explain", m, p], [p], unreadable=hard)
        failures += _check(["mapping", "init", p], [p], unreadable=hard)
    assert not failures, "\n\n".join(failures)


# ------------------------------------------------------------------ mapping YAML with wrong types / unknown keys

_MAPPING_FILES = sorted(p.name for p in MAPPINGS.glob("*.yaml"))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_mapping_wrong_types(data: st.DataObject, tmp_path: Path) -> None:
    """A value of a real mapping swapped for another JSON type (or a key added): located errors, never a crash."""
    name = data.draw(st.sampled_from(_MAPPING_FILES))
    tree = yaml.safe_load((MAPPINGS / name).read_text(encoding="utf-8"))
    ptrs = list(pointers(tree))
    ptr = data.draw(st.sampled_from(ptrs))
    value = data.draw(st.sampled_from([*SWAPS, "__unknown_key__"]))
    if value == "__unknown_key__":
        mutated = dict(tree)
        mutated["colums"] = {"x": 1}
    else:
        mutated = set_at(tree, ptr, value)
    p = tmp_path / f"m{random.randrange(10**9)}.yaml"
    p.write_text(yaml.safe_dump(mutated), encoding="utf-8")
    table = FIXTURES / "mapping" / ("long.tsv" if "long" in name else "wide.csv")
    out = tmp_path / f"out{random.randrange(10**9)}"
    failures = []
    failures += _check(["mapping", "check", p], [p], unreadable=False)
    failures += _check(["mapping", "explain", p, table], [p], unreadable=False)
    failures += _check(["convert", "--from", "table", "-m", p, "--no-validate", table, "-o", f"{out}/"], [p, table],
                       unreadable=False, extra_ok=(str(out),))
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize(
    ("label", "text"),
    [
        ("self-alias", b"a: &x [*x]\n"),
        ("alias-bomb", b"a: &a [x,x,x,x,x,x,x,x,x,x]\n" + b"".join(
            b"%s: &%s [%s]\n" % (n, n, b",".join([b"*" + p] * 10)) for p, n in
            [(b"a", b"b"), (b"b", b"c"), (b"c", b"d"), (b"d", b"e"), (b"e", b"f"), (b"f", b"g"), (b"g", b"h")])),
        ("deep-flow", b"a: " + b"[" * 30_000 + b"]" * 30_000 + b"\n"),
        ("deep-block", b"a:\n" + b"- " * 30_000 + b"x\n"),
        ("list", b"- a\n- b\n"),
        ("scalar", b"hello\n"),
        ("tabs", b"a:\n\t- b\n"),
        ("not-utf8", b"name: caf\xe9\n"),
    ],
)
def test_mapping_hostile_yaml(label: str, text: bytes, tmp_path: Path) -> None:
    """Recursive aliases, alias bombs, 30,000-deep nesting (segfaulted libyaml) and non-mappings: refused fast."""
    p = tmp_path / f"{label}.yaml"
    p.write_bytes(text)
    out = tmp_path / "out"
    failures = []
    failures += _check(["mapping", "check", p], [p], unreadable=False)
    failures += _check(["mapping", "explain", p], [p], unreadable=False)
    failures += _check(["convert", "--from", "table", "-m", p, FIXTURES / "mapping" / "wide.csv", "-o", f"{out}/"],
                       [p], unreadable=True)
    assert not failures, "\n\n".join(failures)
    assert run_cli(["mapping", "check", str(p)]).code in (1, 2)


# ------------------------------------------------------------------ REDCap exports and dictionaries


def test_redcap_damaged(shared_data: Path, tmp_path: Path) -> None:
    """Real REDCap exports and data dictionaries cut, flipped, emptied: converted or refused, never a crash."""
    rc = shared_data / "redcap"
    export = rc / "rarelink" / "evaluation_cohort_redcap_export.json"
    dictionary = rc / "rarelink" / "rarelink_cdm_datadictionary_v2_0_5.csv"
    mapping = MAPPINGS / "redcap-rarelink.yaml"
    failures: list[str] = []
    for label, payload in {**_variants(export.read_bytes()), "empty": b"", "list": b"[1, 2]"}.items():
        p = tmp_path / f"export-{label}.json"
        p.write_bytes(payload)
        out = tmp_path / f"out-e-{label}"
        failures += _check(["convert", "--from", "redcap", "-m", mapping, "-O", f"dictionary={dictionary}",
                            "--no-validate", p, "-o", f"{out}/"], [p], unreadable=label in ("empty", "list"),
                           extra_ok=(str(out),))
    for label, payload in {**_variants(dictionary.read_bytes()), "empty": b""}.items():
        d = tmp_path / f"dict-{label}.csv"
        d.write_bytes(payload)
        out = tmp_path / f"out-d-{label}"
        failures += _check(["convert", "--from", "redcap", "-m", mapping, "-O", f"dictionary={d}", "--no-validate",
                            export, "-o", f"{out}/"], [d, export], unreadable=label == "empty", extra_ok=(str(out),))
    for d in (tmp_path, tmp_path / "missing.csv"):
        out = tmp_path / "out-missing"
        failures += _check(["convert", "--from", "redcap", "-m", mapping, "-O", f"dictionary={d}", "--no-validate",
                            export, "-o", f"{out}/"], [d, export], unreadable=True)
    erker = rc / "erker" / "sdv_synthetic_data_redcap_export.csv"
    for label, payload in _variants(erker.read_bytes()).items():
        p = tmp_path / f"erker-{label}.csv"
        p.write_bytes(payload)
        out = tmp_path / f"out-k-{label}"
        failures += _check(["convert", "--from", "redcap", "-m", MAPPINGS / "redcap-erker.yaml", "--no-validate", p,
                            "-o", f"{out}/"], [p], unreadable=False, extra_ok=(str(out),))
    assert not failures, "\n\n".join(failures)


# ------------------------------------------------------------------ PED


@pytest.mark.parametrize(
    ("label", "text"),
    [
        ("three-columns", b"fam1 kid dad\nfam1 dad 0 0 1 1\n"),
        ("nine-columns", b"f a 0 0 1 1 x y z\n"),
        ("own-parent", b"f a a a 1 2\n"),
        ("cycle", b"f a b 0 1 2\nf b a 0 1 2\n"),
        ("bad-sex", b"f a 0 0 Q 2\n"),
        ("binary", bytes(range(256))),
        ("empty", b""),
        ("only-comments", b"# nothing\n#\n"),
    ],
)
def test_ped_hostile(label: str, text: bytes, tmp_path: Path) -> None:
    """PED lines with wrong column counts, self-parents, cycles, bad codes: findings or located errors."""
    p = tmp_path / f"{label}.ped"
    p.write_bytes(text)
    good = FIXTURES / "ped" / "trio_header.ped"
    out = tmp_path / "out"
    run = run_cli(["convert", "--from", "ped", "-O", "header=true", "--no-validate", str(good), str(p), "-o",
                   f"{out}/"])
    assert problems(run, [p], unreadable=False, good=(str(good), str(out))) == [], run.describe()
    assert out.is_dir() and any(out.iterdir()), "the good PED file was not converted\n" + run.describe()


# ------------------------------------------------------------------ FHIR XML


_XXE = (b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b'<Bundle xmlns="http://hl7.org/fhir"><id value="&e;"/></Bundle>')
_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
           b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
           b'<Bundle xmlns="http://hl7.org/fhir"><id value="&d;"/></Bundle>')


def test_fhir_xml_damaged(shared_data: Path, tmp_path: Path) -> None:
    """Real FHIR XML bundles cut and flipped, plus XXE and entity-expansion attacks: refused by line, no crash."""
    src = sorted((shared_data / "fhir").glob("*.xml"))[0]
    cases = {**_variants(src.read_bytes()), "xxe": _XXE, "laughs": _LAUGHS, "empty": b""}
    failures: list[str] = []
    for label, payload in cases.items():
        p = tmp_path / f"{label}.xml"
        p.write_bytes(payload)
        out = tmp_path / f"out-{label}"
        hard = label in ("empty", "junk") or label.startswith("trunc")
        failures += _check(["convert", "--from", "fhir", "--no-validate", p, "-o", f"{out}/"], [p], unreadable=hard,
                           extra_ok=(str(out),))
        failures += _check(["convert", "--no-validate", p, "-o", f"{out}/s/"], [p], unreadable=hard,
                           extra_ok=(str(out),))
        if label == "xxe" and out.is_dir():
            assert "root:" not in "".join(f.read_text() for f in out.rglob("*") if f.is_file())
    assert not failures, "\n\n".join(failures)


# ------------------------------------------------------------------ ontology files and option values


@pytest.mark.parametrize("ext", [".obo", ".json", ".owl", ".obo.gz"])
def test_damaged_ontology_files(ext: str, hpo_dir: Path, tmp_path: Path) -> None:
    """--hpo pointing at empty, cut, junk or mis-typed files: one line naming the file, exit 2."""
    cases = {
        "empty": b"",
        "junk": bytes(range(256)),
        "obo-cut": (hpo_dir / "hp.obo").read_bytes()[:5000],
        "json-cut": (hpo_dir / "hp.json").read_bytes()[:5000],
        "json-list": b"[1, 2]",
    }
    good = REPO / "examples" / "proband-marfan.json"
    failures: list[str] = []
    for label, payload in cases.items():
        p = tmp_path / f"hp-{label}{ext}"
        p.write_bytes(payload)
        for cmd in (["ontology", "info", "--hpo", p], ["ontology", "lookup", "HP:0001250", "--hpo", p],
                    ["validate", "-q", "--hpo", p, good], ["summarize", "--hpo", p, good],
                    ["fix", "--dry-run", "--hpo", p, good]):
            run = run_cli([str(c) for c in cmd])
            found = problems(run, [p], unreadable=False, good=(str(good),))
            if run.code == 0 and cmd[0] == "ontology" and label in ("empty", "junk", "json-list"):
                found.append("exit 0 on an unreadable ontology")
            if found:
                failures.append(f"{found}\n{run.describe()}")
    assert not failures, "\n\n".join(failures)


def test_bad_option_values(shared_data: Path, tmp_path: Path) -> None:
    """Wrong option values and paths of every command: exit 2 with a message, never a traceback."""
    good = str(REPO / "examples" / "proband-marfan.json")
    v1 = str(shared_data / "v1" / "ptools__phenopacket.json")
    xlsx = str(sorted((shared_data / "templates").glob("*/*_individuals.xlsx"))[0])
    o = str(tmp_path / "o")
    cases = [
        ["explain", "NOPE"], ["explain", ""],
        ["validate", "--config", f"{o}/missing.toml", good], ["validate", "--baseline", good, "--no-hpo", good],
        ["validate", "--require", good, "--no-hpo", good], ["validate", "--ontology", "FOO", "--no-hpo", good],
        ["validate", "--ontology", f"MONDO={tmp_path}", "--no-hpo", good], ["validate", "--select", "NOPE", good],
        ["validate", "-o", str(tmp_path), "--no-hpo", good], ["validate", "--fail-on", "sometimes", good],
        ["summarize", "-o", str(tmp_path), "--no-hpo", good],
        ["summarize", "-o", str(tmp_path), "--force", "--no-hpo", good],
        ["convert", good, "-o", "/proc/phenotk-nowhere/x.json"],  # unwritable output
        ["convert", "--to", "csv", good, "-o", f"{o}/table-dir/"],  # one-file writer given a directory
        ["convert", good, "-o", f"{good}/under-a-file.json"],
        ["fix", "--no-hpo", "-o", good, str(FIXTURES / "fix" / "case.yaml")],  # -o DIR is a file
        ["convert", good, "-o", f"{o}/f.unknownext"], ["convert", good, "-O", "junk", "-o", f"{o}/x.json"],
        ["convert", "--from", "nope", good, "-o", f"{o}/x.json"], ["convert", "--layout", "tall", good, "-o", o],
        ["convert", "--to", "fhir", "-O", "bundle-type=bogus", good, "-o", f"{o}/fh/"],
        ["convert", "--created", "not-a-date", "--from", "v1", v1, "-o", f"{o}/cr/"],
        ["convert", "--to", "ped", "-O", "phenopackets=nowhere", good, "-o", f"{o}/p.ped"],
        ["convert", "-O", "sheet=nope", "--from", "pyphetools-xlsx", xlsx, "-o", f"{o}/sh/"],
        ["convert", "--from", "redcap", good, "-o", f"{o}/rc/"],
        ["upgrade", "--status", "BOGUS", v1, "-o", f"{o}/u1/"], ["upgrade", "--to", "xml", v1, "-o", f"{o}/u2/"],
        ["fix", good], ["fix", "--rule", "NOPE", "--dry-run", "--no-hpo", good],
        ["mapping", "explain", "nonexistent-preset"], ["mapping", "check", str(tmp_path)],
        ["mapping", "init", str(tmp_path)], ["mapping", "init", f"{o}/missing.csv"],
        ["mapping", "init", "--sheet", "99", xlsx], ["mapping", "init", "--header-row", "0", xlsx],
        ["mapping", "init", "--header-row", "9999", str(FIXTURES / "mapping" / "wide.csv")],
        ["ontology", "info", "--hpo", str(tmp_path)], ["ontology", "info", "--hpo", f"{o}/missing.obo"],
    ]
    failures = []
    for args in cases:
        run = run_cli(args)
        found = [f for f in problems(run, [], unreadable=False) if not f.startswith("stderr error line names")]
        if run.code == 2 and not run.err.strip():
            found.append("exit 2 without a message")
        joined = " ".join(args)
        unwritable = any(w in joined for w in ("/proc/", "under-a-file", "table-dir", "fix --no-hpo -o"))
        if unwritable and run.code != 2:
            found.append(f"exit {run.code} on an unwritable output (want 2)")
        if found:
            failures.append(f"{found}\n{run.describe()}")
    assert not failures, "\n\n".join(failures)


# ------------------------------------------------------------------ archives


def test_zip_member_cannot_escape_the_output_dir(tmp_path: Path) -> None:
    """``fix -o DIR`` on a zip whose member is ``../../x.json`` writes inside DIR (was: outside it, zip slip)."""
    import json as _json
    import zipfile

    packet = _json.loads((REPO / "examples" / "proband-marfan.json").read_text(encoding="utf-8"))
    packet["subject"]["sex"] = "male"  # a safe fix (enum case), so the member is written
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    archive = work / "slip.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("../../escaped.json", _json.dumps(packet, indent=2))
        zf.writestr("/abs/escaped2.json", _json.dumps(packet, indent=2))
    out = work / "out"
    run = run_cli(["fix", "--no-hpo", "-o", str(out), str(archive)])
    assert problems(run, [archive], unreadable=False) == [], run.describe()
    assert not (tmp_path / "escaped.json").exists() and not Path("/abs/escaped2.json").exists()
    assert sorted(p.name for p in out.rglob("*.json")) == ["escaped.json", "escaped2.json"], run.describe()


def test_phetools_variant_entry_of_wrong_type_is_a_finding(shared_data: Path, tmp_path: Path) -> None:
    """Found by the hypothesis type-swap run: a string where a variant object belongs crashed the reader."""
    import json

    from phenotk.conversion.base import ConvertOptions
    from phenotk.conversion.template.cohort_json import PhetoolsJsonReader

    src = sorted((shared_data / "templates" / "AAGAB").glob("*_individuals.json"))[0]
    data = json.loads(src.read_text(encoding="utf-8"))
    key = next(iter(data["hgvsVariants"]))
    data["hgvsVariants"][key] = "text"
    bad = tmp_path / "AAGAB_individuals.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    items = list(PhetoolsJsonReader().read(bad, ConvertOptions()))
    found = [i for item in items for i in item.issues if i.pointer == f"/hgvsVariants/{key}"]
    assert found and found[0].rule == "map-bad-cell"
