"""HPO resolution order (GUIDE §2) and the release download, without any network access."""

from __future__ import annotations

import hashlib
import io
import urllib.error
from pathlib import Path
from typing import Any

import pytest

from phenotk.errors import InputError
from phenotk.ontology import HpoNotAvailable, find_hpo, resolve, resolve_hpo, try_resolve_hpo

RELEASE = "2099-01-01"  # data-version of tests/fixtures/ontology/mini_hp.obo


@pytest.fixture
def small_releases(monkeypatch: pytest.MonkeyPatch) -> None:
    """Accept the tiny fixture as a release: no size floor, pinned to its date."""
    monkeypatch.setattr(resolve, "_MIN_RELEASE_BYTES", 10)
    monkeypatch.setattr(resolve, "PINNED_RELEASE", RELEASE)


def test_explicit_path_wins_over_everything(
    mini_hp: Path, toy_obo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PHENOTK_HPO", str(toy_obo))
    (tmp_path / "phenotk.toml").write_text(f'hpo = "{toy_obo}"\n', encoding="utf-8")
    idx = resolve_hpo(mini_hp, cwd=tmp_path)
    assert idx.prefix == "HP" and idx.origin == "--hpo"


def test_env_before_config(mini_hp: Path, toy_obo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PHENOTK_HPO", str(mini_hp))
    (tmp_path / "phenotk.toml").write_text(f'hpo = "{toy_obo}"\n', encoding="utf-8")
    idx = resolve_hpo(cwd=tmp_path)
    assert idx.origin == "PHENOTK_HPO" and idx.version == RELEASE


def test_config_pyproject_relative_path(mini_hp: Path, tmp_path: Path) -> None:
    (tmp_path / "onto").mkdir()
    (tmp_path / "onto" / "hp.obo").write_bytes(mini_hp.read_bytes())
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.phenotk]\nhpo = "onto/hp.obo"\n')
    idx = resolve_hpo(cwd=tmp_path)
    assert idx.origin == f"config:{tmp_path / 'pyproject.toml'}"
    assert idx.label("HP:0001250") == "Seizure"


def test_phenotk_toml_tool_section_and_precedence(mini_hp: Path, toy_obo: Path, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(f'[tool.phenotk]\nhpo = "{toy_obo}"\n')
    (tmp_path / "phenotk.toml").write_text(f'[tool.phenotk]\nhpo = "{mini_hp}"\n')
    assert resolve_hpo(cwd=tmp_path).prefix == "HP"


def test_pyproject_without_setting_is_ignored(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.other]\nhpo = "x"\n')
    assert find_hpo(cwd=tmp_path) is None


@pytest.mark.parametrize(
    ("text", "match"), [("[tool.phenotk]\nhpo = 3\n", "must be a path"), ("[tool.phenotk\n", "invalid TOML")]
)
def test_bad_config_is_an_input_error(tmp_path: Path, text: str, match: str) -> None:
    (tmp_path / "pyproject.toml").write_text(text)
    with pytest.raises(InputError, match=match) as exc:
        resolve_hpo(cwd=tmp_path)
    assert exc.value.path == str(tmp_path / "pyproject.toml")


@pytest.mark.parametrize("where", ["arg", "env", "config"])
def test_configured_missing_file_names_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    missing = tmp_path / "nope.json"
    if where == "env":
        monkeypatch.setenv("PHENOTK_HPO", str(missing))
    if where == "config":
        (tmp_path / "phenotk.toml").write_text('hpo = "nope.json"\n')
    with pytest.raises(InputError, match="HPO file not found") as exc:
        resolve_hpo(missing if where == "arg" else None, cwd=tmp_path)
    assert exc.value.path == str(missing)


def test_nothing_found_offline_says_how_to_fix(tmp_path: Path) -> None:
    with pytest.raises(HpoNotAvailable) as exc:
        resolve_hpo(cwd=tmp_path)  # PHENOTK_OFFLINE=1 in these tests
    msg = str(exc.value)
    for hint in ("--hpo", "PHENOTK_HPO", "[tool.phenotk]", "phenotk ontology fetch"):
        assert hint in msg
    assert "\n" not in msg
    assert try_resolve_hpo(cwd=tmp_path) is None
    with pytest.raises(HpoNotAvailable):
        resolve_hpo(cwd=tmp_path, download=False)


def test_download_then_cached(
    mini_hp: Path, tmp_path: Path, small_releases: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PHENOTK_HPO_URL", mini_hp.as_uri())
    seen: list[tuple[int, int | None]] = []
    idx = resolve_hpo(cwd=tmp_path, download=True, progress=lambda done, total: seen.append((done, total)))
    assert idx.origin == "download" and idx.version == RELEASE
    assert seen and seen[-1] == (mini_hp.stat().st_size, mini_hp.stat().st_size)
    stored = resolve.release_path(RELEASE)
    assert stored.read_bytes() == mini_hp.read_bytes()
    assert [p.name for p in stored.parent.iterdir() if p.name.startswith(".")] == []  # no temp files left
    monkeypatch.setenv("PHENOTK_HPO_URL", "file:///does/not/exist")
    again = resolve_hpo(cwd=tmp_path)  # offline again: the cached release is used
    assert again.origin == "cache" and again.version == RELEASE


def test_fetch_other_release_becomes_current(
    mini_hp: Path, small_releases: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(resolve, "PINNED_RELEASE", "2000-01-01")
    path = resolve.fetch_release(RELEASE, url=mini_hp.as_uri())
    assert path == resolve.release_path(RELEASE)
    src = resolve.cached_release()
    assert src is not None and src.path == path


def test_known_checksum_is_checked(mini_hp: Path, small_releases: None, monkeypatch: pytest.MonkeyPatch) -> None:
    data = mini_hp.read_bytes()
    good = resolve.ReleaseInfo(len(data), hashlib.sha256(data).hexdigest())
    monkeypatch.setitem(resolve.KNOWN_RELEASES, RELEASE, resolve.ReleaseInfo(good.size, "0" * 64))
    with pytest.raises(HpoNotAvailable, match="checksum mismatch"):
        resolve.fetch_release(RELEASE, url=mini_hp.as_uri())
    assert not resolve.release_path(RELEASE).exists()
    monkeypatch.setitem(resolve.KNOWN_RELEASES, RELEASE, good)
    assert resolve.fetch_release(RELEASE, url=mini_hp.as_uri()).is_file()


class _Response(io.BytesIO):
    def __init__(self, data: bytes, length: int) -> None:
        super().__init__(data)
        self.headers = {"Content-Length": str(length)}


def test_truncated_download_rejected(mini_hp: Path, small_releases: None) -> None:
    data = mini_hp.read_bytes()

    def opener(url: str, timeout: float) -> Any:
        return _Response(data[:100], len(data))

    with pytest.raises(HpoNotAvailable, match="truncated"):
        resolve.fetch_release(RELEASE, opener=opener)
    assert list(resolve.releases_dir().iterdir()) == []


def test_wrong_file_rejected(toy_obo: Path, small_releases: None) -> None:
    with pytest.raises(HpoNotAvailable, match="not HPO"):
        resolve.fetch_release(RELEASE, url=toy_obo.as_uri())
    with pytest.raises(HpoNotAvailable, match="too small"):
        resolve.fetch_release("2098-01-01", url=toy_obo.as_uri(), opener=lambda u, timeout: _Response(b"{}", 2))


def test_network_error_is_hpo_not_available(small_releases: None) -> None:
    def opener(url: str, timeout: float) -> Any:
        raise urllib.error.URLError("no route to host")

    with pytest.raises(HpoNotAvailable, match="no route to host") as exc:
        resolve.fetch_release(RELEASE, opener=opener)
    assert "--hpo" in str(exc.value)
    assert f"v{RELEASE}/hp.json" in str(exc.value)  # the default URL names the release


def test_damaged_cached_release_is_not_trusted(
    mini_hp: Path, tmp_path: Path, small_releases: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = resolve.fetch_release(RELEASE, url=mini_hp.as_uri())
    path.write_text("format-version: 1.2\n\n[Term]\nid: HP:1\nis_a: [[[\n", encoding="utf-8")
    with pytest.raises(HpoNotAvailable):  # offline: the damaged file is dropped, nothing else to use
        resolve_hpo(cwd=tmp_path)
    assert not path.exists()
    monkeypatch.setenv("PHENOTK_HPO_URL", mini_hp.as_uri())
    idx = resolve_hpo(cwd=tmp_path, download=True)  # online: downloaded again
    assert idx.origin == "download" and path.read_bytes() == mini_hp.read_bytes()


def test_cached_release_with_wrong_checksum_is_fetched_again(
    mini_hp: Path, small_releases: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = mini_hp.read_bytes()
    monkeypatch.setitem(
        resolve.KNOWN_RELEASES, RELEASE, resolve.ReleaseInfo(len(data), hashlib.sha256(data).hexdigest())
    )
    path = resolve.fetch_release(RELEASE, url=mini_hp.as_uri())
    path.write_bytes(data.replace(b"Seizure", b"Seizurf"))
    assert resolve.fetch_release(RELEASE, url=mini_hp.as_uri()).read_bytes() == data


def test_public_load_hpo(mini_hp: Path) -> None:
    import phenotk

    hpo = phenotk.load_hpo(str(mini_hp))
    assert isinstance(hpo, phenotk.OntologyIndex) and hpo.origin == "--hpo"
    assert hpo.is_descendant_of("HP:0001250", "HP:0000118")
    assert issubclass(phenotk.HpoNotAvailable, phenotk.PhenotkError)


def test_damaged_cached_release_is_named_offline(mini_hp: Path, tmp_path: Path, small_releases: None) -> None:
    path = resolve.fetch_release(RELEASE, url=mini_hp.as_uri())
    path.write_bytes(mini_hp.read_bytes()[:300])  # a half-written copy
    with pytest.raises(HpoNotAvailable) as exc:
        resolve_hpo(cwd=tmp_path)
    msg = str(exc.value)
    assert msg.startswith(f"cached HPO release {path} was damaged (cannot parse ontology with pronto: ")
    assert "and removed; point phenotk at an HPO file" in msg and "no HPO ontology found" not in msg


def test_damaged_current_release_falls_back_to_the_pinned_one(
    mini_hp: Path, tmp_path: Path, small_releases: None
) -> None:
    pinned = resolve.fetch_release(RELEASE, url=mini_hp.as_uri())
    newer = resolve.release_path("2098-12-31")
    newer.write_text("format-version: 1.2\n\n[Term]\nid: HP:1\nis_a: [[[\n", encoding="utf-8")
    (newer.parent / "current").write_text(newer.name + "\n", encoding="utf-8")
    idx = resolve_hpo(cwd=tmp_path)
    assert idx.origin == "cache" and idx.source == str(pinned) and not newer.exists()


def test_unreadable_cached_release_is_kept(
    mini_hp: Path, tmp_path: Path, small_releases: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = resolve.fetch_release(RELEASE, url=mini_hp.as_uri())
    monkeypatch.setattr(resolve.os, "access", lambda p, mode: Path(p) != path)  # as another user would see it
    with pytest.raises(HpoNotAvailable, match="cannot be read"):
        resolve_hpo(cwd=tmp_path)
    assert path.read_bytes() == mini_hp.read_bytes()


@pytest.fixture
def http_dir(tmp_path: Path) -> Any:
    """A local HTTP server on 127.0.0.1 serving a folder (stopped after the test): no real network."""
    import functools
    import http.server
    import threading

    root = tmp_path / "www"
    root.mkdir()

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield root, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_gzipped_release_download_is_checked_as_its_content(
    mini_hp: Path, small_releases: None, monkeypatch: pytest.MonkeyPatch, http_dir: Any
) -> None:
    import gzip

    root, base = http_dir
    data = mini_hp.read_bytes()
    (root / "hp.json.gz").write_bytes(gzip.compress(data))
    (root / "cut.json.gz").write_bytes(gzip.compress(data)[:200])
    monkeypatch.setitem(
        resolve.KNOWN_RELEASES, RELEASE, resolve.ReleaseInfo(len(data), hashlib.sha256(data).hexdigest())
    )
    with pytest.raises(HpoNotAvailable, match=r"damaged gzip download \(Compressed file ended"):
        resolve.fetch_release(RELEASE, url=f"{base}/cut.json.gz")
    assert list(resolve.releases_dir().iterdir()) == []  # nothing half-written left behind
    path = resolve.fetch_release(RELEASE, url=f"{base}/hp.json.gz")
    assert path.read_bytes() == data and resolve_hpo().version == RELEASE
    with pytest.raises(HpoNotAvailable, match="File not found"):
        resolve.fetch_release(RELEASE, url=f"{base}/missing.json", force=True)
    assert path.read_bytes() == data  # a failed re-download keeps the good release


def test_config_is_found_upwards_as_validate_finds_it(
    mini_hp: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from phenotk.cli.app import main

    (tmp_path / "pyproject.toml").write_text('[tool.phenotk]\nhpo = "onto/hp.obo"\n', encoding="utf-8")
    (tmp_path / "onto").mkdir()
    (tmp_path / "onto" / "hp.obo").write_bytes(mini_hp.read_bytes())
    sub = tmp_path / "cohort" / "batch1"
    sub.mkdir(parents=True)
    monkeypatch.chdir(sub)  # `phenotk validate` here reads ../../pyproject.toml: so do load_hpo and ontology info
    idx = resolve_hpo()
    assert idx.origin == f"config:{tmp_path / 'pyproject.toml'}" and idx.version == RELEASE
    try:
        main(["ontology", "info", "--json"])
    except SystemExit as exc:
        assert not exc.code
    assert '"found_by": "config:' in capsys.readouterr().out
    (tmp_path / "cohort" / "phenotk.toml").write_text('profile = "default"\n', encoding="utf-8")
    with pytest.raises(HpoNotAvailable):  # the nearer config (no hpo) is the one validate reads
        resolve_hpo()
    with pytest.raises(HpoNotAvailable):  # an explicit folder is that folder only (the session's cache folder)
        resolve_hpo(cwd=sub)


def test_fetch_again_replaces_a_damaged_release_without_checksum(mini_hp: Path, small_releases: None) -> None:
    path = resolve.fetch_release("2099-01-01", url=mini_hp.as_uri())  # a release phenotk knows no checksum of
    path.write_bytes(mini_hp.read_bytes()[:250])  # cut short on disk later
    again = resolve.fetch_release("2099-01-01", url=mini_hp.as_uri())  # no --force needed
    assert again == path and path.read_bytes() == mini_hp.read_bytes()
