"""``phenotk.fixes.diff.unified_diff``: difflib's output, without difflib's time on large repetitive files."""

from __future__ import annotations

import difflib
import json
import random
import re
import time

from phenotk.fixes.diff import unified_diff


def _apply(a: list[str], diff: list[str]) -> list[str]:
    """Apply a unified diff to ``a`` (checks every context and removed line)."""
    out: list[str] = []
    pos = 0
    k = 2
    while k < len(diff):
        m = re.match(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@", diff[k])
        assert m, diff[k]
        start = int(m.group(1)) - (0 if m.group(2) != "0" else -1) - 1
        out += a[pos:start]
        pos = start
        k += 1
        while k < len(diff) and not diff[k].startswith("@@"):
            tag, line = diff[k][0], diff[k][1:]
            if tag in " -":
                assert a[pos] == line, (pos, a[pos], line)
                pos += 1
            if tag in " +":
                out.append(line)
            k += 1
    return out + a[pos:]


def _texts(n: int, seed: int = 1) -> tuple[list[str], list[str]]:
    rnd = random.Random(seed)
    items = [
        {"id": f"p{i}", "subject": {"id": f"s{i}", "sex": "female"},
         "phenotypicFeatures": [{"type": {"id": "HP:0001250", "label": "Seizure"}}] * 3}
        for i in range(n)
    ]
    a = json.dumps(items, indent=2).splitlines(keepends=True)
    b = list(a)
    for i in sorted(rnd.sample(range(len(b)), max(1, len(b) // 40)), reverse=True):
        if rnd.random() < 0.5:
            b[i] = b[i].replace("female", "FEMALE").replace("Seizure", "Seizures")
        else:
            del b[i]
    return a, b


def test_small_inputs_give_difflibs_diff() -> None:
    for seed in range(20):
        a, b = _texts(3, seed)
        assert list(unified_diff(a, b, "a/x", "b/x")) == list(difflib.unified_diff(a, b, "a/x", "b/x"))


def test_no_change_no_diff_and_edge_cases() -> None:
    assert list(unified_diff(["a\n"], ["a\n"])) == []
    assert list(unified_diff([], ["a\n"], "a", "b")) == list(difflib.unified_diff([], ["a\n"], "a", "b"))
    assert list(unified_diff(["a\n"], [], "a", "b")) == list(difflib.unified_diff(["a\n"], [], "a", "b"))
    assert list(unified_diff(["x"], ["y"], "a", "b")) == list(difflib.unified_diff(["x"], ["y"], "a", "b"))


def _packets(n: int) -> tuple[list[str], list[str]]:
    """A JSON array of ``n`` packets with the same 40 features, and the same array after fixes (what --dry-run
    shows for Convert-Pheno-style array files): a sex fixed and a resource added in every packet."""
    feats = [{"type": {"id": f"HP:{i:07d}", "label": f"term {i}"}} for i in range(40)]
    meta = {"created": "2024-01-01T00:00:00Z", "resources": [{"id": "omim", "version": "1"}]}
    items = [{"id": f"p{i}", "subject": {"id": f"s{i}", "sex": "female"}, "phenotypicFeatures": feats,
              "metaData": meta} for i in range(n)]
    a = json.dumps(items, indent=2).splitlines(keepends=True)
    for item in items:
        item["subject"] = {"id": item["subject"]["id"], "sex": "FEMALE"}
        item["metaData"] = {**meta, "resources": [*meta["resources"], {"id": "hp", "version": "2025-05-06"}]}
    return a, json.dumps(items, indent=2).splitlines(keepends=True)


def test_large_repetitive_json_is_diffed_quickly_and_correctly() -> None:
    a, b = _packets(200)  # 52,000 lines, most of them repeated: difflib.unified_diff takes about 20 s
    t = time.perf_counter()
    diff = list(unified_diff(a, b, "a/p.json", "b/p.json"))
    assert time.perf_counter() - t < 5
    assert diff[:2] == ["--- a/p.json\n", "+++ b/p.json\n"]
    assert _apply(a, diff) == b


def test_equals_difflib_on_the_packet_array_shape() -> None:
    a, b = _packets(12)
    assert list(unified_diff(a, b, "a/p.json", "b/p.json")) == list(difflib.unified_diff(a, b, "a/p.json", "b/p.json"))


def test_context_lines_as_difflib_takes_them() -> None:
    # the web page's fix plan asks for 2 lines of context (n=2), as difflib.unified_diff(…, n=2) gives
    import difflib

    from phenotk.fixes.diff import unified_diff

    a = [f"line {i}\n" for i in range(30)]
    b = [*a[:10], "changed\n", *a[11:25], "also\n", *a[26:]]
    for n in (0, 1, 2, 5):
        assert list(unified_diff(a, b, "a/x", "b/x", n=n)) == list(difflib.unified_diff(a, b, "a/x", "b/x", n=n))


def test_diff_text_marks_a_last_line_without_newline() -> None:
    """``fix --dry-run`` of a one-line JSON file printed '-old+new' as one line (patch could not apply it)."""
    from phenotk.fixes.diff import diff_text

    text = diff_text('{"sex": "female"}', '{"sex": "FEMALE"}', "/tmp/one.json")
    assert text.splitlines() == [
        "--- a//tmp/one.json",
        "+++ b//tmp/one.json",
        "@@ -1 +1 @@",
        '-{"sex": "female"}',
        "\\ No newline at end of file",
        '+{"sex": "FEMALE"}',
        "\\ No newline at end of file",
    ]
