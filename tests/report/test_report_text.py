from __future__ import annotations

import re

import pytest

from phenotk.issue import Issue, Report, Result, Severity
from phenotk.report import render

EXPECTED = """\
data/a b.json  phenopacket P1  (1 error, 1 warning)
  data/a b.json:9:15: error HPO001 HP_0001250 is not a CURIE; write HP:0001250 [hpo-curie-format] [fixable]
  data/a b.json:30:15: warning HPO010 HP:0020003 is not in release 2025-05-06 [hpo-term-not-in-release]

data/meta.json  family  (1 info)
  data/meta.json: info META002 no resource for OMIM (at /metaData) [meta-resource-missing]

note: cohort checks skipped: single file
Checked 3 files: 1 error, 1 warning, 1 info in 2 files; 1 with a safe automatic fix (HPO 2025-05-06)
"""


def test_plain_text_is_stable(small_report: Report) -> None:
    assert render(small_report, "text") == EXPECTED


def test_colour_only_when_asked(small_report: Report) -> None:
    coloured = render(small_report, "text", color=True)
    assert "\x1b[1;31merror\x1b[0m" in coloured  # severity in bold red
    assert "\x1b[" not in render(small_report, "text", color=False)
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == EXPECTED  # same words, only styles added


def test_markup_and_long_messages_are_literal() -> None:
    msg = "value [bold]x[/bold] " + "y" * 300
    report = Report(results=[Result("f.json", issues=[Issue("X1", "x", Severity.ERROR, msg, "/a", 1, 2)])])
    out = render(report, "text")
    assert f"f.json:1:2: error X1 {msg} [x]\n" in out


def test_no_findings_summary() -> None:
    out = render(Report(results=[Result("a.json"), Result("b.json")]), "text")
    assert out == "Checked 2 files: no findings (no HPO release used)\n"


def test_real_run_groups_by_file_in_source_order(real_report: Report) -> None:
    out = render(real_report, "text")
    with_findings = [r for r in real_report.results if r.issues]
    headers = [line for line in out.splitlines() if line and not line.startswith(("  ", "Checked", "note:"))]
    assert [h.split("  ")[0] for h in headers] == [r.path for r in with_findings]
    for result in with_findings:
        lines = [line.strip() for line in out.splitlines() if line.startswith("  " + result.path + ":")]
        assert len(lines) == len(result.issues)
        positions = [tuple(int(x) for x in line.split(": ", 1)[0].rsplit(":", 2)[1:]) for line in lines]
        assert positions == sorted(positions)
    s = real_report.summary
    assert out.splitlines()[-1].startswith(
        f"Checked {s['files']} files: {s['errors']} errors, {s['warnings']} warnings"
    )


def test_control_characters_from_the_input_cannot_drive_the_terminal() -> None:
    evil = "id\x1b[2J\x1b]0;owned\x07\nsecond line"
    report = Report(results=[Result(f"p{evil}.json", "phenopacket", evil, [Issue("X1", "x", Severity.ERROR, evil)])])
    for color in (False, True):
        out = render(report, "text", color=color)
        assert "\x1b[2J" not in out and "\x07" not in out
        assert "id\\x1b[2J\\x1b]0;owned\\x07\\nsecond line" in out
    assert len(render(report, "text").splitlines()) == 4  # header, finding, blank, summary


def test_plain_lines_say_the_words_of_the_styled_spans(real_report: Report) -> None:
    """Plain text builds a finding's line in one go, colour from styled spans: the words must agree."""
    for show in (None, "warning"):
        plain = render(real_report, "text", show=show)
        coloured = render(real_report, "text", color=True, show=show)
        assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain


def test_blocks_rendered_during_the_run_give_the_same_report(real_report: Report) -> None:
    """Documents rendered as their results arrive (``Blocks``) are used only while their findings are the very ones
    rendered: a finding the end of the run puts first, or one a baseline takes away, makes the document render
    again, and the report equals the one rendered from the finished results (with a display threshold too)."""
    import copy

    from phenotk.report._common import RenderOptions
    from phenotk.report.text import Blocks

    for show in (None, Severity.WARNING):
        report = copy.deepcopy(real_report)
        blocks = Blocks(RenderOptions.make(show=show))
        for result in report.results:
            blocks.add(result)
        with_findings = [r for r in report.results if r.issues]
        assert len(with_findings) >= 3
        late = Issue("XRF001", "id-duplicate", Severity.ERROR, "id 'P1' also in b.json \x1b[2J", "/id", 2, 3)
        with_findings[0].issues.insert(0, late)  # as Engine.end_run does
        with_findings[2].issues = with_findings[2].issues[1:]  # as a baseline does
        assert blocks.get(with_findings[0]) is None and blocks.get(with_findings[2]) is None
        assert blocks.get(with_findings[1]) is not None
        kept = [b for r in with_findings if (b := blocks.get(r)) is not None]
        assert len(kept) == len(with_findings) - 2
        fresh = render(report, "text", show=show)
        assert render(report, "text", show=show, text_blocks=blocks) == fresh
        assert "XRF001" in fresh and "\\x1b[2J" in fresh and "\x1b[2J" not in fresh
        # a block made with another display threshold is not used
        other = Blocks(RenderOptions.make(show=Severity.ERROR if show is None else None))
        for result in report.results:
            other.add(result)
        assert render(report, "text", show=show, text_blocks=other) == fresh


def test_a_control_character_in_any_word_of_a_block_is_escaped(monkeypatch: pytest.MonkeyPatch) -> None:
    """A block looks for control characters only in the words its lines take from the input and the findings
    (path, label, code, message, pointer, rule; ASCII ones by a byte translation): with a control character, or
    without, in any word, ASCII or not, its lines are those of looking at the whole joined lines."""
    from phenotk.report import text
    from phenotk.report._common import RenderOptions, has_control

    clean = {"path": "a.json", "element": "phenopacket", "id": "P1", "code": "X1", "message": "m", "pointer": "/p",
             "rule": "x"}  # fmt: skip
    cases = []
    for word in clean:
        for bad in ("\x1b[2J", "\x7f", "\x00", "\x1f", "\x85", "\x9f", "é\x07", "é", "\u2028", "ok"):
            for line in (3, None):  # a pointer is shown only for a finding without a line
                w = {**clean, word: clean[word] + bad}
                column = None if line is None else 2
                issue = Issue(w["code"], w["rule"], Severity.ERROR, w["message"], w["pointer"], line, column)
                other = Issue("X2", "y", Severity.INFO, "n", "", 1, 1)
                cases.append(Result(w["path"], w["element"], w["id"], [issue, other]))
    cases.append(Result("a.json", None, None, [Issue("X1", "x", Severity.ERROR, 42, "", 1, 1)]))  # type: ignore[arg-type]
    options = RenderOptions.make()
    fast = [text._block(r, options) for r in cases]
    monkeypatch.setattr(text, "_input_has_control", lambda head, issues, lines: has_control("".join(lines)))
    whole = [text._block(r, options) for r in cases]
    assert fast == whole
    assert sum(any("\\x" in x for x in lines) for lines, _, _ in fast) > 50  # escaping happened where it should
    assert not any(has_control(x) for lines, _, _ in fast for x in lines)


def test_the_tally_of_a_heading_is_that_of_the_counts() -> None:
    """A heading's tally is kept per combination of counts: it says what the counts say, for every combination
    (severities written as strings too), and a severity that is none of the three fails as counting does."""
    from itertools import product

    from phenotk.report._common import counts, nonzero_phrase
    from phenotk.report.text import _tally

    kinds = (Severity.ERROR, Severity.WARNING, Severity.INFO, "error", "info")
    for n in range(4):
        for severities in product(kinds, repeat=n):
            issues = [Issue("X1", "x", s, "m") for s in severities]  # type: ignore[arg-type]
            for _ in range(2):  # worked out, then remembered
                assert _tally(issues) == f"  ({nonzero_phrase(counts(issues))})"
    with pytest.raises(KeyError):
        _tally([Issue("X1", "x", Severity.ERROR, "m"), Issue("X1", "x", "bogus", "m")])  # type: ignore[arg-type]


def test_line_separators_and_bidi_controls_are_escaped() -> None:
    r"""U+2028/U+2029 end a line for str.splitlines, editors and JavaScript; U+202E and the other bidi
    overrides/isolates reorder what a terminal shows (a path 'rtl‮gnp.json' reads 'rtlnosj.png'). From the
    input (a file name, an id) they went out raw: one finding's line became two, and a name could pass for
    another. They are escaped like control characters, as the CLI's messages (phenotk._text) already were."""
    from phenotk.report._common import has_control, printable

    issue = Issue("X1", "x", Severity.ERROR, "label 'a\u2029b'", "/id", 2, 3)
    report = Report(results=[Result("dir/rtl\u202egnp.json", "phenopacket", "P\u2028\u2066x\u2069", [issue])])
    out = render(report, "text")
    for ch in ("\u2028", "\u2029", "\u202e", "\u2066", "\u2069"):
        assert ch not in out
        assert has_control("x" + ch) and printable(ch) == f"\\u{ord(ch):04x}"
    assert "dir/rtl\\u202egnp.json:2:3: error X1 label 'a\\u2029b' [x]" in out
    assert "phenopacket P\\u2028\\u2066x\\u2069" in out
    assert out.splitlines() == out.split("\n")[:-1]  # no line broken by a separator but "\n"
    assert printable("émoji 🧬 zw\u200d") == "émoji 🧬 zw\u200d"  # other non-ASCII text is left as it is
