"""Mixed directories, zip archives, globs, stdin and JSONL: right element and format per file."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

from phenopackets import Cohort

from phenotk.errors import InputError
from phenotk.io import Element, Format, dumps, iter_documents, read, write

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _mixed_dir(root: Path, shared: Path) -> dict[str, tuple[Element, Format]]:
    """A directory holding packets, a family and a cohort as JSON, YAML, pb and JSONL (no helpful extensions)."""
    store = sorted((shared / "phenopacket-store").glob("*/*.json"))[:3]
    packets = [read(p) for p in store]
    family = read(shared / "v2-examples" / "family.json")
    cohort = Cohort(id="cohort-1", members=packets)
    cohort.meta_data.CopyFrom(packets[0].meta_data)
    (root / "sub" / "deeper").mkdir(parents=True)
    expected: dict[str, tuple[Element, Format]] = {}

    def put(rel: str, msg, fmt: Format, element: Element) -> None:
        (root / rel).write_bytes(dumps(msg, fmt))
        expected[rel] = (element, fmt)

    put("a.json", packets[0], Format.JSON, Element.PHENOPACKET)
    put("sub/b.yaml", packets[1], Format.YAML, Element.PHENOPACKET)
    put("sub/c.pb", packets[2], Format.PB, Element.PHENOPACKET)
    put("sub/deeper/family.yml", family, Format.YAML, Element.FAMILY)
    put("sub/deeper/family.pb", family, Format.PB, Element.FAMILY)
    put("cohort.json", cohort, Format.JSON, Element.COHORT)
    put("cohort.pb", cohort, Format.PB, Element.COHORT)
    (root / "notes.txt").write_text("not a phenopacket, and not picked up from a directory")
    return expected


def test_mixed_directory_elements_and_formats(shared_data: Path, tmp_path: Path) -> None:
    expected = _mixed_dir(tmp_path, shared_data)
    docs = list(iter_documents([tmp_path]))
    assert not [d for d in docs if isinstance(d, InputError)]
    got = {Path(d.path).relative_to(tmp_path).as_posix(): (d.element, d.format) for d in docs}
    assert got == expected


def test_zip_glob_and_jsonl(shared_data: Path, tmp_path: Path) -> None:
    store = sorted((shared_data / "phenopacket-store").glob("*/*.json"))[:4]
    archive = tmp_path / "bundle.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for p in store:
            zf.write(p, f"packets/{p.name}")
    zdocs = list(iter_documents([archive]))
    assert [d.path.split("!")[1] for d in zdocs] == sorted(f"packets/{p.name}" for p in store)

    for p in store:
        shutil.copy(p, tmp_path / p.name)
    gdocs = list(iter_documents([str(tmp_path / "*.json")]))
    assert len(gdocs) == 4

    write([read(p) for p in store], tmp_path / "all.jsonl")
    jdocs = list(iter_documents([tmp_path / "all.jsonl"]))
    assert [d.message for d in jdocs] == [read(p) for p in store]
    assert all(d.format is Format.JSONL for d in jdocs)
    # a JSON-lines document's source map uses file line numbers
    assert jdocs[2].locate("/id") == (3, 7)


def test_stdin(shared_data: Path) -> None:
    path = sorted((shared_data / "phenopacket-store").glob("*/*.json"))[0]
    docs = list(iter_documents(["-"], stdin=io.BytesIO(path.read_bytes())))
    assert len(docs) == 1 and docs[0].message == read(path)


def test_v1_is_recognised_not_misread(shared_data: Path) -> None:
    for p in sorted((shared_data / "v1").glob("*.json")) + sorted((shared_data / "v1").glob("*.y*ml")):
        items = list(iter_documents([p]))
        assert len(items) == 1
        item = items[0]
        assert isinstance(item, InputError), f"{p.name} was read as v2"
        assert item.kind == "v1" and "phenotk upgrade" in item.message
    # and their v2 counterparts are read as v2
    for p in sorted((shared_data / "v1" / "v2_counterparts").glob("*")):
        if p.suffix in (".json", ".yaml", ".yml"):
            assert not any(isinstance(i, InputError) for i in iter_documents([p])), p


def test_atomic_write_gives_normal_permissions(tmp_path: Path) -> None:
    import os

    from phenotk.io import atomic_write

    mask = os.umask(0o022)
    try:
        target = atomic_write(tmp_path / "x.json", b"{}")
    finally:
        os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o644
