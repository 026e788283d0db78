"""Run every example of README.md in a sandbox, from an environment WITHOUT the dev extra.

    python tests/readme_examples.py [--readme README.md] [--keep]

``make readme`` builds a fresh venv with a plain ``pip install .`` and runs this script with it (CI does too), so a
README example that needs a dev-only package (lxml, pytest …) fails CI. Every ```bash block line and every
```python block is run in a temporary folder laid out with the file names the README uses (``packets/``,
``hp.json``, ``case.json``, ``cohort.xlsx`` …), made from the repository's examples and the public corpora in
``../shared/data`` (``PHENOTK_SHARED_DATA`` overrides). A command passes when it exits 0 or 1 (1 = findings, by
design) without a traceback or an internal error. Lines marked ``# needs network`` are skipped (CI is offline).
The script prints one line per example and closes with ``N passed, N failed``; its exit code is 1 on a failure.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FORCE = re.compile(r"(\bphenotk (?:convert|upgrade)\b.*?)(?=\s*(#|$))")
BLOCK = re.compile(r"^```(bash|python)\n(.*?)^```", re.S | re.M)


def shared_data() -> Path:
    env = os.environ.get("PHENOTK_SHARED_DATA")
    for cand in ([Path(env)] if env else []) + [REPO.parent / "shared" / "data", REPO / ".." / "shared" / "data"]:
        if (cand / "hpo").is_dir():
            return cand.resolve()
    raise SystemExit("readme examples need ../shared/data (or PHENOTK_SHARED_DATA)")


def lay_out_sandbox(root: Path, data: Path) -> None:
    """The files and folders the README's examples name, from examples/ and the public corpora."""
    ex = REPO / "examples"
    shutil.copytree(ex, root / "examples")
    shutil.copytree(REPO / "mappings", root / "mappings")
    packets = root / "packets"
    packets.mkdir()
    for p in ex.glob("*.json"):
        shutil.copy(p, packets / p.name)
    shutil.copy(ex / "sibling-with-problems.yaml", packets / "sibling-with-problems.yaml")
    shutil.copytree(packets, root / "cohort")
    shutil.copy(ex / "proband-marfan.json", root / "case.json")
    shutil.copy(ex / "proband-marfan.json", root / "packet.json")
    shutil.copy(data / "hpo" / "hp.json", root / "hp.json")
    (root / "data").mkdir()
    shutil.copy(data / "hpo" / "hp.json", root / "data" / "hp.json")
    toy = (REPO / "tests" / "fixtures" / "ontology" / "toy.obo").read_text(encoding="utf-8")
    (root / "mondo.obo").write_text(toy.replace("TOY:", "MONDO:"), encoding="utf-8")  # --ontology MONDO=mondo.obo
    (root / "our-minimum.schema.json").write_text(
        '{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "required": ["subject"]}\n'
    )
    shutil.copytree(data / "v1", root / "old", ignore=shutil.ignore_patterns("v2_counterparts", "*.md"))
    ped = root / "family.ped"
    ped.write_text("FAM1\tI-1\t0\t0\t1\t1\nFAM1\tI-2\t0\t0\t2\t1\nFAM1\tII-1\tI-1\tI-2\t1\t2\n")
    shutil.copy(REPO / "tests" / "fixtures" / "mapping" / "wide.xlsx", root / "cohort.xlsx")
    fhir = data / "fhir"
    shutil.copy(fhir / "pp-fhir-interop__test_bundle.json", root / "bundle.json")
    shutil.copy(fhir / "phenomics-ig__Bundle-phenopacket.xml", root / "bundle.xml")
    templates = data / "templates" / "FBN1"
    shutil.copy(templates / "FBN1_MFS_individuals.json", root / "GENE_ACRONYM_individuals.json")
    shutil.copy(templates / "FBN1_MFS_individuals.xlsx", root / "GENE_individuals.xlsx")
    rarelink = data / "redcap" / "rarelink"
    shutil.copy(rarelink / "evaluation_cohort_redcap_export.json", root / "evaluation_cohort_redcap_export.json")
    shutil.copy(rarelink / "rarelink_cdm_datadictionary_v2_0_5.csv", root / "rarelink_cdm_datadictionary_v2_0_5.csv")
    for p in (data / "redcap" / "convert-pheno").iterdir():
        if p.is_file():
            shutil.copy(p, root / p.name)
    (root / "pyproject.toml").write_text('[tool.phenotk]\nhpo = "hp.json"\n')


def commands(block: str) -> list[str]:
    """Shell commands of a bash block: continuation lines joined, comments and blank lines dropped."""
    out: list[str] = []
    pending = ""
    for raw in block.splitlines():
        line = pending + raw.strip()
        pending = ""
        if line.endswith("\\"):
            pending = line[:-1] + " "
            continue
        if line and not line.startswith("#"):
            out.append(line)
    return out


def _ok(proc: subprocess.CompletedProcess[str]) -> str | None:
    text = proc.stdout + proc.stderr
    if "Traceback" in text or "internal error" in text:
        return "traceback / internal error:\n" + text[-2000:]
    if proc.returncode not in (0, 1):
        return f"exit {proc.returncode}:\n" + text[-2000:]
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readme", type=Path, default=REPO / "README.md")
    parser.add_argument("--keep", action="store_true", help="keep the sandbox folder")
    args = parser.parse_args()
    data = shared_data()
    text = args.readme.read_text(encoding="utf-8")
    sandbox = Path(tempfile.mkdtemp(prefix="phenotk-readme-"))
    lay_out_sandbox(sandbox, data)
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env.setdefault("PHENOTK_OFFLINE", "1")
    env["MPLBACKEND"] = "Agg"
    env["PHENOTK_HPO"] = str(sandbox / "hp.json")
    passed = failed = skipped = 0
    for kind, body in BLOCK.findall(text):
        runs = commands(body) if kind == "bash" else [body]
        for cmd in runs:
            if "needs network" in cmd or cmd.startswith(("pip ", "make ")):
                skipped += 1
                continue
            if kind == "bash":
                cmd = cmd.replace("../shared/data", str(data))
                cmd = (
                    re.sub(r"(\bphenotk (?:convert|upgrade)\b.*?)(?=\s*(#|$))", r"\1 --force", cmd)
                    if " -o " in cmd
                    else cmd
                )
                proc = subprocess.run(
                    cmd, shell=True, cwd=sandbox, env=env, capture_output=True, text=True, timeout=900
                )
                label = cmd
            else:
                script = body.replace("../shared/data", str(data))
                proc = subprocess.run(
                    [sys.executable, "-c", script], cwd=sandbox, env=env, capture_output=True, text=True, timeout=900
                )
                label = "python: " + body.strip().splitlines()[0]
            problem = _ok(proc)
            if problem is None:
                passed += 1
                print(f"ok     {label[:110]}")
            else:
                failed += 1
                print(f"FAILED {label}\n{problem}")
    print(f"{skipped} README lines skipped (network or setup)")
    print(f"{passed} passed, {failed} failed")
    if not args.keep:
        shutil.rmtree(sandbox, ignore_errors=True)
    else:
        print(f"sandbox kept: {sandbox}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
