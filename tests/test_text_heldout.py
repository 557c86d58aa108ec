"""The drafter on held-out articles of our own writing, scored by the scoring script against
hand-made gold files (tests/data/articles/README.md says how they were made)."""

from __future__ import annotations

import hashlib
import json
from contextlib import redirect_stdout
from io import StringIO
from pathlib import Path

import pytest
import yaml

from detente.text import score as score_mod
from detente.text.matching import spacy_available
from detente.text.score import PR
from text_backends import BACKENDS

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data"
NAMES = ["cuba1962", "iran2015", "falklands1982", "korea2018"]
# Second set (issue 17), written blind to the drafter and scored once (DECISIONS T2): integrity only,
# since the drafter does not yet meet the targets on them.
SECOND = ["karabakh2020", "doklam2017", "kargil1999", "imia1996"]
# Third set (DECISIONS T8/T9), written blind and scored once after the issue-17 rules of this session:
# integrity only (the drafter is far from the targets on them).
THIRD = ["perejil2002", "yongbyon1994", "belarus2021", "balakot2019", "scarborough2012", "qatar2017"]
# Fourth set (DECISIONS T11/T12), written blind and scored once after the T10 round: integrity only.
FOURTH = ["yeonpyeong2010", "reykjavik1986", "turbot1995", "skripal2018", "iranhostage1981"]
# Fifth set (DECISIONS T13/T15), written blind and scored once after the T14 round: integrity only.
FIFTH = ["suez1956", "codwar1976", "beagle1979", "lebanon2006", "galwan2020"]
# Sixth set (DECISIONS T18/T19), written blind and scored once after the T16/T17 rounds: integrity only.
SIXTH = ["pueblo1968", "achillelauro1985", "angostura2008", "kerch2018", "stenaimpero2019"]
# Seventh set (DECISIONS T20/T22), written blind and scored once after the parse/rules6 rounds: integrity only.
SEVENTH = ["hainan2001", "heglig2012", "cenepa1995", "plates2022", "kutch1965"]
# Eighth set (DECISIONS T24/T25), written blind and scored once after the actors round: integrity only.
EIGHTH = ["su24_2015", "essequibo2023", "mayaguez1975", "sismik1987", "prespa2019"]
# Ninth set (DECISIONS T26/T29), written blind and scored once after round 8 (T27, T28): integrity only.
NINTH = ["dogger1904", "langson1979", "dniester1992", "tachira2015", "gerd2020"]


def _pairs(names: list[str] = NAMES) -> list[tuple[Path, Path]]:
    return [(DATA / f"gold_{n}.yaml", DATA / "articles" / f"{n}.txt") for n in names]


ALL_SETS = NAMES + SECOND + THIRD + FOURTH + FIFTH + SIXTH + SEVENTH + EIGHTH + NINTH


@pytest.mark.parametrize(("gold_path", "article"), _pairs(ALL_SETS), ids=ALL_SETS)
def test_gold_files_match_their_articles(gold_path, article):
    gold = yaml.safe_load(gold_path.read_text(encoding="utf-8"))
    text = article.read_text(encoding="utf-8")
    assert hashlib.sha256(text.encode()).hexdigest() == gold["sha256"]
    assert 500 <= len(text.split()) <= 1500
    for mv in gold["moves"]:
        a = mv["anchor"]
        assert text[a["start"]:a["end"]] == a["text"]
    assert not set(gold["actors"]["required"]) & set(gold["actors"]["optional"])


@pytest.fixture(scope="module", params=BACKENDS)
def results(request) -> dict:
    args = ["--backend", request.param] + [str(p) for pair in _pairs() for p in pair]
    buf = StringIO()
    with redirect_stdout(buf):
        assert score_mod.main(args) == 0
    out = json.loads(buf.getvalue())
    pooled = out.pop("pooled")
    # the script's pooled figures are the sums of its per-article counts
    for part in ("actors", "moves"):
        assert pooled[part]["tp"] == sum(r[part]["tp"] for r in out.values())
    return out


def _pooled(results: dict, part: str) -> PR:
    return PR(*(sum(r[part][k] for r in results.values()) for k in ("tp", "fp", "fn")))


def test_scoring_script_reports_every_article(results):
    assert sorted(results) == sorted(f"{n}.txt" for n in NAMES)


def test_actor_precision_and_recall_across_held_out_articles(results):
    pr = _pooled(results, "actors")
    assert pr.precision >= 0.9 and pr.recall >= 0.9, pr


def test_move_f1_across_held_out_articles(results):
    pr = _pooled(results, "moves")
    assert pr.f1 >= 0.6, (pr, {k: v["misses"] for k, v in results.items()})


def test_each_article_is_not_a_disaster(results):
    # the pooled target could hide one article the rules do not read at all
    for name, r in results.items():
        assert r["moves"]["f1"] >= 0.5, (name, r["moves"])
        assert r["actors"]["recall"] >= 0.8, (name, r["actors"])


@pytest.mark.skipif(not spacy_available(), reason="spaCy not installed")
@pytest.mark.parametrize("name", NAMES)
def test_backends_agree_on_held_out_articles(name):
    from detente.text.extract import extract

    text = (DATA / "articles" / f"{name}.txt").read_text(encoding="utf-8")
    a, b = extract(text, "python"), extract(text, "spacy")
    assert {x.id for x in a.actors} == {x.id for x in b.actors}
    assert {(m.actor, m.type, m.sentence) for m in a.moves} == {(m.actor, m.type, m.sentence) for m in b.moves}


def test_closed_channel_recall_counts_the_gold_labels():
    from types import SimpleNamespace

    gold = {"moves": [{"channel": "closed"}, {"channel": "closed"}, {"channel": "closed", "required": False},
                      {"channel": "public"}, {"channel": None}, {}]}
    closed, public = SimpleNamespace(channel_kind="closed"), SimpleNamespace(channel_kind="public")
    # gold 0 found and tagged closed; gold 1 found but tagged public; gold 3 (public) tagged closed
    pr = score_mod.score_closed(None, gold, {0: closed, 1: public, 3: closed, 4: public})
    assert (pr.tp, pr.fp, pr.fn) == (1, 1, 1)
    assert score_mod.score_closed(None, {"moves": [{}]}, {}) == PR(0, 0, 0)


def test_second_set_scores_every_required_closed_move():
    args = ["--backend", "python"] + [str(p) for pair in _pairs(SECOND) for p in pair]
    buf = StringIO()
    with redirect_stdout(buf):
        assert score_mod.main(args) == 0
    out = json.loads(buf.getvalue())
    pooled = out.pop("pooled")
    for name, r in out.items():
        gold = yaml.safe_load((DATA / f"gold_{name[:-4]}.yaml").read_text(encoding="utf-8"))
        n_closed = sum(1 for g in gold["moves"] if g.get("channel") == "closed" and g.get("required", True))
        assert n_closed > 0
        assert r["closed_channel"]["tp"] + r["closed_channel"]["fn"] == n_closed
    assert pooled["closed_channel"]["fn"] == sum(r["closed_channel"]["fn"] for r in out.values())


def test_all_eight_articles_meet_the_issue_targets_in_sample():
    # In-sample since T7 (the rules were developed on all eight): a regression guard at the issue's
    # targets, not a claim about unseen text (DECISIONS T7 reports the blind set's score).
    args = ["--backend", "python"] + [str(p) for pair in _pairs(NAMES + SECOND) for p in pair]
    buf = StringIO()
    with redirect_stdout(buf):
        assert score_mod.main(args) == 0
    pooled = json.loads(buf.getvalue())["pooled"]
    assert pooled["actors"]["precision"] >= 0.9 and pooled["actors"]["recall"] >= 0.9, pooled["actors"]
    assert pooled["moves"]["f1"] >= 0.6, pooled["moves"]
    assert pooled["closed_channel"]["recall"] >= 0.6, pooled["closed_channel"]
