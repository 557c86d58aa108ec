"""The readable log: names with articles, positions read against the scale's anchors."""

from __future__ import annotations

from detente.scenario.loader import scenario_from_data
from detente.sim import compile_world, simulate
from detente.sim.narrate import actor, anchor, move_sentence


def world():
    return scenario_from_data({
        "detente": 1,
        "meta": {"id": "n", "title": "N", "perspective": "test"},
        "actors": [
            {"id": "us", "name": "United States", "capability": 60},
            {"id": "ru", "name": "Russia", "capability": 40},
            {"id": "ru_del", "name": "Russian delegation", "kind": "delegation", "represents": "ru",
             "rank": "deputy", "capability": 0},
        ],
        "issues": [{"id": "x", "name": "Troop levels", "status_quo": 50,
                    "scale": {"min": 0, "max": 100, "low": "full withdrawal", "high": "full deployment"}},
                   {"id": "y", "name": "Y", "status_quo": 50}],
        "positions": {"us": {"x": {"position": 0, "salience": 1.0}, "y": {"position": 90, "salience": 0.2}},
                      "ru": {"x": {"position": 100, "salience": 1.0}}},
        "channels": [{"id": "pub", "name": "Talks", "kind": "public", "audience_cost": 0.5},
                     {"id": "back", "name": "Back channel", "kind": "closed", "audience_cost": 0.0}],
        "moves": [
            {"id": "d", "actor": "ru_del", "type": "demand", "channel": "pub", "target": "us", "issue": "x",
             "position": 100, "step": 0, "label": "Maximal demand"},
            {"id": "r", "actor": "us", "type": "reject", "channel": "pub", "target": "ru", "issue": "x", "step": 0},
            {"id": "o", "actor": "us", "type": "offer", "channel": "back", "target": "ru", "issue": "x",
             "position": 30},
            {"id": "t", "actor": "us", "type": "threaten", "channel": "pub", "target": "ru", "issue": "y",
             "position": 80},
        ],
        "simulation": {"players": ["ru", "us"], "rounds": 1, "temperature": 0.1, "scripted": ["ru", "us"],
                       "after_script": "pass"},
    }, "n.yaml")


def test_names_take_an_article_where_english_wants_one():
    w = compile_world(world())
    assert actor(w, "us") == "the United States" and actor(w, "us", start=True) == "The United States"
    assert actor(w, "ru") == "Russia"
    assert actor(w, "ru_del", start=True) == "The Russian delegation"


def test_positions_read_against_the_scale_anchors():
    w = compile_world(world())
    assert anchor(w, 0, 100) == "full deployment" and anchor(w, 0, 2) == "full withdrawal"
    assert anchor(w, 0, 50) == "halfway between “full withdrawal” and “full deployment”"
    assert anchor(w, 0, 30) == "closer to “full withdrawal” than to “full deployment”"
    assert anchor(w, 1, 80) == "80% of the way up the scale"  # no anchors written


def test_move_sentences_say_who_does_what_to_whom():
    w = compile_world(world())
    by_id = {m.id: m for m in w.moves}
    assert move_sentence(w, by_id["d"]) == ("The Russian delegation demands of the United States: "
                                            "Troop levels at 100 (full deployment)")
    assert move_sentence(w, by_id["r"]) == "The United States rejects Russia's demand on Troop levels"
    assert move_sentence(w, by_id["o"]).startswith("The United States offers Russia: Troop levels at 30 (closer")
    assert move_sentence(w, by_id["t"]) == ("The United States threatens Russia with Y at 80 "
                                            "(80% of the way up the scale)")


def test_the_log_line_puts_round_track_sentence_and_label_together():
    run = simulate(compile_world(world()), seed=1).runs[0]
    assert run.lines[0] == ("round 1, public track (Talks): The Russian delegation demands of the United States: "
                            "Troop levels at 100 (full deployment) — Maximal demand")
