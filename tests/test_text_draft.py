"""``detente draft``: end to end through the CLI, bad input, HTML/Markdown, merge."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from detente.cli import app
from detente.scenario.loader import load_scenario
from detente.text.reader import html_to_text
from detente.text.sentences import split_sentences

REPO = Path(__file__).resolve().parents[1]
ARTICLE = REPO.parent / "shared" / "seed" / "000_11eb107ee5222c7f.txt"
CASE = REPO / "src" / "detente" / "cases" / "geneva-2022.yaml"
runner = CliRunner()

SHORT = ("Talks in Oslo. The Colombian government rejected the demands of the FARC. "
         "The FARC threatened Colombia with new attacks. In the end the talks ended in a stalemate.\n")


def test_draft_founding_article_validates(tmp_path):
    if not ARTICLE.exists():
        pytest.skip("the founding article is not available")
    out = tmp_path / "draft.yaml"
    res = runner.invoke(app, ["draft", str(ARTICLE), "-o", str(out)])
    assert res.exit_code == 0, res.output
    sc = load_scenario(out)
    ids = {a.id for a in sc.actors}
    assert {"rus", "usa", "nato", "ukr", "kaz", "csto", "chn", "fin", "blr"} <= ids
    assert {"nato_expansion", "troops"} <= {i.id for i in sc.issues}
    text = ARTICLE.read_text(encoding="utf-8")
    for m in sc.moves:  # every move's evidence points at its quote in the article
        assert m.evidence is not None and text[m.evidence.start:m.evidence.end] == m.evidence.quote
        assert m.note and "confidence" in m.note
    assert {c.kind.value for c in sc.channels} == {"public", "closed"}
    assert any(c.check.kind == "outcome_class" and c.check.equals.value == "stalemate" for c in sc.claims)
    # numbers the text does not give are flagged for review
    assert all(a.capability.assumed for a in sc.actors)
    res2 = runner.invoke(app, ["validate", str(out)])
    assert res2.exit_code == 0


def test_draft_is_deterministic(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text(SHORT, encoding="utf-8")
    a = runner.invoke(app, ["draft", str(p)]).stdout
    b = runner.invoke(app, ["draft", str(p)]).stdout
    assert a == b and "farc" in a


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"\x7fELF\x02\x01\x00\x00binary", "binary"),
        (b"Russia caf\xe9 rejected", "not UTF-8"),
    ],
)
def test_bad_input_one_line_exit_2(tmp_path, content, message):
    p = tmp_path / "bad.txt"
    p.write_bytes(content)
    res = runner.invoke(app, ["draft", str(p)])
    assert res.exit_code == 2
    assert message in res.output and len(res.output.strip().splitlines()) == 1
    assert "Traceback" not in res.output


def test_huge_and_missing_input(tmp_path):
    p = tmp_path / "huge.txt"
    p.write_bytes(b"Russia rejected the offer. " * 100_000)
    res = runner.invoke(app, ["draft", str(p)])
    assert res.exit_code == 2 and "limit" in res.output
    res = runner.invoke(app, ["draft", str(tmp_path / "nope.txt")])
    assert res.exit_code == 2 and "no such file" in res.output


def test_no_actor_is_an_error_not_a_crash(tmp_path):
    p = tmp_path / "x.txt"
    p.write_text("The weather was fine and nobody negotiated anything.\n", encoding="utf-8")
    res = runner.invoke(app, ["draft", str(p)])
    assert res.exit_code == 2 and "no actors" in res.output


def test_html_and_markdown(tmp_path):
    html = ("<html><head><title>T</title><style>p{}</style><script>var Russia=1;</script></head>"
            "<body><h1>Oslo talks</h1><p>The Colombian government rejected the demands of the FARC.</p>"
            "<p>In the end the talks ended in a stalemate.</p></body></html>")
    text = html_to_text(html)
    assert "var Russia" not in text and "Colombian government rejected" in text
    p = tmp_path / "a.html"
    p.write_text(html, encoding="utf-8")
    out = tmp_path / "d.yaml"
    assert runner.invoke(app, ["draft", str(p), "-o", str(out)]).exit_code == 0
    sc = load_scenario(out)
    assert {"col", "farc"} <= {a.id for a in sc.actors}
    assert any(m.actor == "col" and m.type.value == "reject" for m in sc.moves)
    md = tmp_path / "a.md"
    md.write_text("# Oslo talks\n\n" + SHORT, encoding="utf-8")
    assert runner.invoke(app, ["draft", str(md), "-o", str(out), "--overwrite"]).exit_code == 0


def test_draft_refuses_an_existing_output_unless_overwrite(tmp_path):
    """-o over an existing file (e.g. a scenario edited by hand) is refused, as sweep refuses another
    run's folder; --overwrite replaces it (H11)."""
    p = tmp_path / "a.txt"
    p.write_text(SHORT, encoding="utf-8")
    out = tmp_path / "mine.yaml"
    out.write_text("# my hand-edited scenario\n", encoding="utf-8")
    for extra in ([], ["--analyze", "--out", str(tmp_path / "o")]):
        res = runner.invoke(app, ["draft", str(p), "--backend", "python", "-o", str(out), *extra])
        assert res.exit_code == 2, res.output
        assert str(out) in res.output and "--overwrite" in res.output and "Traceback" not in res.output
        assert out.read_text(encoding="utf-8") == "# my hand-edited scenario\n"
        assert not (tmp_path / "o").exists()
    res = runner.invoke(app, ["draft", str(p), "--backend", "python", "-o", str(out), "--overwrite"])
    assert res.exit_code == 0, res.output
    assert {"col", "farc"} <= {a.id for a in load_scenario(out).actors}


def test_sentence_offsets_and_abbreviations():
    t = "The U.S. delegation met Mr. Ryabkov. Did it work? Yes.\n\nA new paragraph"
    ss = split_sentences(t)
    assert [s.text for s in ss] == ["The U.S. delegation met Mr. Ryabkov.", "Did it work?", "Yes.",
                                    "A new paragraph"]
    assert all(t[s.start:s.end] == s.text for s in ss)
    assert ss[1].is_question and not ss[0].is_question


def test_merge_keeps_existing_values_and_reports_conflicts(tmp_path):
    if not ARTICLE.exists():
        pytest.skip("the founding article is not available")
    out = tmp_path / "merged.yaml"
    res = runner.invoke(app, ["draft", str(ARTICLE), "--merge", str(CASE), "-o", str(out)])
    assert res.exit_code == 0, res.output
    merged, case = load_scenario(out), load_scenario(CASE)
    assert merged.meta.id == case.meta.id
    for a in case.actors:  # every hand-set value survives
        assert merged.actor(a.id).capability == a.capability
    assert {a.id for a in merged.actors} >= {a.id for a in case.actors} | {"csto"}
    assert "conflict" in res.output


def test_review_flags_assumed(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text(SHORT, encoding="utf-8")
    res = runner.invoke(app, ["draft", str(p), "--review"])
    assert res.exit_code == 0 and "assumed" in res.output and "move" in res.output


def test_merge_into_another_crisis_warns(tmp_path):
    # an article on the Nile dam merged into the Havana talks shares almost no actor with it (reader5)
    art, other = REPO / "examples" / "gerd-2020.txt", REPO / "examples" / "havana-2016.yaml"
    out = tmp_path / "m.yaml"
    res = runner.invoke(app, ["draft", str(art), "--merge", str(other), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "drafted actors are in" in res.output and "same crisis" in res.output


def test_overlap_warning_counts_shared_actors():
    from detente.text.merge import overlap_warning

    old = {"actors": [{"id": "a"}, {"id": "b"}]}
    assert overlap_warning(old, {"actors": [{"id": "a"}, {"id": "c"}]}, "f.yaml") is None  # half shared
    line = overlap_warning(old, {"actors": [{"id": "a"}, {"id": "c"}, {"id": "d"}]}, "f.yaml")
    assert line is not None and "only 1 of the 3 drafted actors are in f.yaml (a)" in line
    assert "(none)" in overlap_warning(old, {"actors": [{"id": "x"}]}, "f.yaml")
    assert overlap_warning(old, {"actors": []}, "f.yaml") is None
