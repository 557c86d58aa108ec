"""The drafter's scorer, ``--match kind``: which gold actor a drafted sub-state actor may stand for (SF3)."""

from __future__ import annotations

from detente.text.extract import Extractor
from detente.text.score import main, organ_aliases, score

CONGRESS = "The US Congress rejected the deal. Iran protested."
MAJLIS = "The Iranian parliament rejected the deal. The United States protested."


def extract(text: str, backend: str):
    """The draft with the generic legislature id (``usa_legislature``) these scorer tests pair; T23's default
    names a legislature by its own name (``usa_congress``), which needs no pairing."""
    ex = Extractor(backend)
    ex.legislature_ids = "generic"
    return ex.run(text)


def _actors(text: str, gold_actors: dict) -> dict:
    return score(extract(text, "python"), {"actors": gold_actors, "moves": []}, "kind")["actors"]


def test_a_gold_actor_without_a_kind_is_not_paired_whatever_its_kind():
    """A gold ``usa_navy`` with no ``kinds`` entry was paired with the drafted ``usa_legislature``
    (``kinds.get(g, a.kind)``): the option pairs actors of one kind, so an unknown kind is no pairing."""
    got = _actors(CONGRESS, {"required": ["usa_navy", "irn"]})
    assert (got["tp"], got["fp"], got["fn"]) == (1, 1, 1)
    got = _actors(CONGRESS, {"required": ["usa_navy", "irn"], "kinds": {"usa_navy": "faction"}})
    assert (got["tp"], got["fp"], got["fn"]) == (2, 0, 0)  # a stated kind still pairs


def test_a_gold_id_naming_the_drafted_organ_pairs_without_a_kind():
    """``irn_majlis`` / ``usa_congress`` name the organ the drafter calls ``<state>_legislature``."""
    assert {"majlis", "congress", "parliament", "knesset", "state_duma"} <= organ_aliases()["legislature"]
    assert "central_bank" in organ_aliases()["central_bank"]
    for text, gold_id, other in ((MAJLIS, "irn_majlis", "usa"), (CONGRESS, "usa_congress", "irn")):
        got = _actors(text, {"required": [gold_id, other]})
        assert (got["tp"], got["fp"], got["fn"]) == (2, 0, 0)
        ids = score(extract(text, "python"), {"actors": {"required": [gold_id, other]}, "moves": []})["actors"]
        assert ids["fn"] == 1  # the default id matching is unchanged
    got = _actors(MAJLIS, {"required": ["usa_majlis", "usa"]})  # another state's: no pairing
    assert got["fn"] == 1
    got = _actors(MAJLIS, {"required": ["irn_majlis", "usa"], "kinds": {"irn_majlis": "group"}})
    assert got["fn"] == 1  # a stated kind wins over the id


def test_bad_match_option_is_usage_exit_2(capsys):
    assert main(["--match", "fuzzy", "g.yaml", "a.txt"]) == 2
    assert "usage" in capsys.readouterr().err


def test_parse_mode_is_checked_before_any_work(capsys):
    """H14: a bad --parse-mode was a traceback after the model loaded; without --parser it was ignored (draft
    refuses both)."""
    assert main(["--parser", "sm", "--parse-mode", "bogus", "g.yaml", "a.txt"]) == 2
    assert main(["--parse-mode", "fill", "g.yaml", "a.txt"]) == 2
    assert "usage" in capsys.readouterr().err


def test_missing_or_bad_files_are_one_line_exit_2(tmp_path, capsys):
    """H14: a missing gold file was a FileNotFoundError traceback."""
    article = tmp_path / "a.txt"
    article.write_text("Chile rejected the Peruvian demand.", encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text("moves: [", encoding="utf-8")
    listed = tmp_path / "list.yaml"
    listed.write_text("- a\n", encoding="utf-8")
    for args in ([str(tmp_path / "none.yaml"), str(article)], [str(bad), str(article)], [str(listed), str(article)],
                 [str(listed), str(tmp_path / "none.txt")]):
        assert main(args) == 2
        err = capsys.readouterr().err
        assert err.startswith("error: ") and len(err.strip().splitlines()) == 1, err
