"""Big inputs on the page: a large sheet does not hold up other sessions; its findings come in pages."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from _serve_client import SHEET, _upload, _workspace

from phenotk.serve.server import BackgroundServer

TERMS = ["Seizure", "Hypotonia", "Microcephaly", "Ataxia", "Scoliosis", "Strabismus", "Nystagmus", "Macrocephaly"]


def big_sheet(rows: int, seed: int = 7) -> bytes:
    """A wide sheet of ``rows`` synthetic patients; every 10th has a cell outside the vocabulary (a finding)."""
    rng = random.Random(seed)
    lines = ["individual_id,sex,age_at_last_encounter," + ",".join(TERMS)]
    for i in range(rows):
        cells = [rng.choice(["yes", "no", "", "excluded"]) for _ in TERMS]
        if i % 10 == 3:
            cells[0] = "maybe"
        lines.append(f"P{i:06d},{rng.choice(['female', 'male'])},P{rng.randint(1, 60)}Y," + ",".join(cells))
    return ("\n".join(lines) + "\n").encode()


def _mapped(c: httpx.Client, name: str, data: bytes) -> str:
    ws = _workspace(c)
    assert _upload(c, ws, name, data).status_code == 200
    assert c.post(f"/api/workspaces/{ws}/mapping/{name}/init").status_code == 200
    return ws


def test_a_big_sheet_in_one_session_does_not_hold_up_another(server: BackgroundServer) -> None:
    # one lock served every conversion: a 2-row sheet waited 21 s behind a 4 MB sheet in another tab
    headers = {"X-Phenotk-Token": server.state.token}
    with httpx.Client(base_url=server.base, headers=headers, timeout=300) as c:
        big = _mapped(c, "big.csv", big_sheet(12_000))
        small = _mapped(c, "small.csv", SHEET)
    done: dict[str, float] = {}

    def convert(ws: str, key: str) -> None:
        with httpx.Client(base_url=server.base, headers=headers, timeout=300) as c:
            r = c.post(f"/api/workspaces/{ws}/convert")
            assert r.status_code == 200, r.text
        done[key] = time.perf_counter()

    started = time.perf_counter()
    worker = threading.Thread(target=convert, args=(big, "big"))
    worker.start()
    time.sleep(0.5)  # the big conversion is under way
    asked = time.perf_counter()
    convert(small, "small")
    worker.join()
    print(f"\nbig sheet {done['big'] - started:.2f} s; small sheet meanwhile {done['small'] - asked:.2f} s")
    assert done["small"] < done["big"]
    assert done["small"] - asked < 3.0


def test_the_findings_of_a_big_run_come_in_pages_with_their_context(client: httpx.Client) -> None:
    # every finding, each with its context, was in the answer: 20 MB and 11 s for a 4 MB sheet (28,172 findings);
    # the page shows 300 of them
    ws = _mapped(client, "big.csv", big_sheet(6000))
    run = client.post(f"/api/workspaces/{ws}/convert", params={"limit": 100}).json()
    counts = run["summary"]
    assert run["findings_total"] == counts["errors"] + counts["warnings"] + counts["info"] == 600
    assert len(run["findings"]) == 100 and run["findings_matching"] == 600
    assert all(f["context"]["kind"] == "cells" for f in run["findings"])
    # the next page, then a filter the server applies to every finding, not to the first page only
    second = client.get(f"/api/workspaces/{ws}/findings", params={"offset": 100, "limit": 100}).json()
    assert [f["n"] for f in second["findings"]] == list(range(100, 200))
    hit = client.get(f"/api/workspaces/{ws}/findings", params={"q": "P005993", "severity": "warning"}).json()
    assert hit["findings_matching"] == 1 and hit["findings"][0]["id"] == "P005993"
    assert "maybe" in hit["findings"][0]["context"]["cells"]
    none = client.get(f"/api/workspaces/{ws}/findings", params={"severity": "error,info"}).json()
    assert none["findings"] == [] and none["findings_matching"] == 0 and none["findings_total"] == 600
    capped = client.get(f"/api/workspaces/{ws}/findings", params={"limit": 100_000}).json()
    assert len(capped["findings"]) == 600


def test_a_long_conversion_reports_its_progress_and_first_findings(server: BackgroundServer) -> None:
    # a 40 MB sheet converts for a minute and a half: the page showed nothing until the end
    headers = {"X-Phenotk-Token": server.state.token}
    with httpx.Client(base_url=server.base, headers=headers, timeout=300) as c:
        ws = _mapped(c, "big.csv", big_sheet(12_000))
        assert c.get(f"/api/workspaces/{ws}/progress").json() == {"running": False}
        answer: dict[str, float] = {}

        def convert() -> None:
            with httpx.Client(base_url=server.base, headers=headers, timeout=300) as other:
                assert other.post(f"/api/workspaces/{ws}/convert").status_code == 200
            answer["done"] = time.perf_counter()

        worker = threading.Thread(target=convert)
        started = time.perf_counter()
        worker.start()
        seen = []
        while worker.is_alive():
            p = c.get(f"/api/workspaces/{ws}/progress").json()
            if p.get("running") and p["packets"]:
                seen.append((time.perf_counter(), p))
            time.sleep(0.1)
        worker.join()
        assert seen, "no progress while converting"
        first_at, first = seen[0]
        print(f"\nfirst progress after {first_at - started:.2f} s; the whole run {answer['done'] - started:.2f} s")
        assert first_at < answer["done"] and 0 < first["packets"] < 12_000 and first["file"] == "big.csv"
        assert first["first"] and first["first"][0]["path"].startswith("big.csv:row ")
        assert first["first"][0]["rule"] == "map-bad-cell" and "maybe" in first["first"][0]["message"]
        last = c.get(f"/api/workspaces/{ws}/progress").json()
        assert last["running"] is False and last["packets"] == 12_000 and last["findings"] == 1200


MEASURE = """
import resource, sys
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from test_scale import big_sheet
from phenotk.ontology import load_ontology
from phenotk.serve import runs
from phenotk.serve.server import make_state
state = make_state(hpo=load_ontology(sys.argv[1]), root=Path(sys.argv[2]))
ws = state.store.create()
ws.save_upload("ward.csv", big_sheet(20000), state.limits)
ws.kinds["ward.csv"] = runs.sniff(ws.inputs / "ward.csv")
runs.start_mapping(ws, "ward.csv", state.ontology)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
run = runs.convert(ws, state.ontology, state.session)
assert run.count == 20000 and all(isinstance(p, runs.Packed) for p in run.made.values())
print(before // 1024, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
state.store.close()
"""


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss in kB, as Linux gives it")
def test_a_run_does_not_hold_every_packet_twice(hpo_dir: Path, tmp_path: Path) -> None:
    # the Conversion keeps each item it streamed, with its message: a 40 MB sheet peaked at 2.4 GB (a 4 MB one at
    # 735 MB; `phenotk convert` at 98 MB). Items now let go of their message once the run has packed it (binary
    # protobuf, a seventh of the message's memory), and the run keeps only the packed packets
    out = subprocess.run([sys.executable, "-c", MEASURE, str(hpo_dir / "hp.json"), str(tmp_path),
                          str(Path(__file__).parent)], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    before, peak = map(int, out.stdout.split())
    print(f"\n20,000 packets: {before} MB before converting, peak {peak} MB")
    assert peak - before < 50  # 24 MB; 83 MB when the items kept their messages


def test_the_summary_reads_the_runs_packets_from_memory_fixes_included(
        client: httpx.Client, server: BackgroundServer, template_xlsx: Path, hpo_index: object) -> None:
    # the summary wrote every packet to a file and read it back: 11.7 of 15.7 s for a 4 MB sheet (28,172 files)
    import io
    import zipfile

    from phenotk.analysis import summarize
    from phenotk.io import Format, parse_bytes

    ws = _mapped(client, template_xlsx.name, template_xlsx.read_bytes())
    uploaded = b'{"id": "u1", "subject": {"id": "u1", "sex": "FEMALE"}, "metaData": {}}'
    assert _upload(client, ws, "extra.json", uploaded).is_success
    client.post(f"/api/workspaces/{ws}/convert")
    assert client.get(f"/api/workspaces/{ws}/summary").json()["packets"] == 4
    assert not [p for p in (server.state.store.root / ws / "packets").rglob("*") if p.is_file()]  # none written
    assert client.post(f"/api/workspaces/{ws}/fixes/plan").json()["files"]
    assert client.post(f"/api/workspaces/{ws}/fixes/apply", json={}).json()["applied"]
    got = client.get(f"/api/workspaces/{ws}/summary").json()
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/api/workspaces/{ws}/download/packets.zip").content))
    messages = [d.message for n in archive.namelist() for d in parse_bytes(archive.read(n), n, fmt=Format.JSON)]
    messages += [d.message for d in parse_bytes(uploaded, "extra.json", fmt=Format.JSON)]
    expected = json.loads(json.dumps(summarize(messages, hpo=hpo_index).to_dict(), default=str))
    assert got["packets"] == 4 and got["summary"] == expected


def test_the_summary_counts_uploaded_families_by_their_members(client: httpx.Client) -> None:
    # an uploaded Family or Cohort was left out of the page's summary (phenotk summarize counts its members)
    ws = _workspace(client)
    family = {"id": "f1", "proband": {"id": "p1", "subject": {"id": "s1", "sex": "FEMALE"}},
              "relatives": [{"id": "p2", "subject": {"id": "s2", "sex": "MALE"}}],
              "metaData": {"phenopacketSchemaVersion": "2.0"}}
    assert _upload(client, ws, "family.json", json.dumps(family).encode()).is_success
    client.post(f"/api/workspaces/{ws}/convert")
    got = client.get(f"/api/workspaces/{ws}/summary").json()
    assert got["packets"] == 2 and got["summary"]["sex"] == {"FEMALE": 1, "MALE": 1}


def test_checking_a_big_zip_of_phenopackets_reports_progress_too(server: BackgroundServer) -> None:
    # the whole store as one zip (7,682 packets) is checked for 5-7 s with no progress: only sheets had one
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for n in range(4000):
            zf.writestr(f"p{n}.json", json.dumps({"id": f"p{n}", "subject": {"id": f"s{n}", "sex": "Female"},
                                                  "metaData": {"phenopacketSchemaVersion": "2.0"}}))
    headers = {"X-Phenotk-Token": server.state.token}
    with httpx.Client(base_url=server.base, headers=headers, timeout=300) as c:
        ws = _workspace(c)
        assert _upload(c, ws, "cohort.zip", buf.getvalue()).status_code == 200
        worker = threading.Thread(target=lambda: c.post(f"/api/workspaces/{ws}/convert"))
        seen = []
        with httpx.Client(base_url=server.base, headers=headers, timeout=300) as poller:
            worker.start()
            while worker.is_alive():
                p = poller.get(f"/api/workspaces/{ws}/progress").json()
                if p.get("running") and p["packets"]:
                    seen.append(p)
                time.sleep(0.05)
            worker.join()
            last = poller.get(f"/api/workspaces/{ws}/progress").json()
    assert seen and seen[0]["file"] == "cohort.zip" and 0 < seen[0]["packets"] < 4000
    assert seen[0]["first"][0]["path"] == "cohort.zip!p0.json" and seen[0]["first"][0]["message"]
    assert last["running"] is False and last["packets"] == 4000 and last["findings"] >= 4000
