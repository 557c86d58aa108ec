"""Defects an outside reader met (DECISIONS H15, "Not fixed"; fixed in SF5), each as an analyst meets it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from detente.cli import app
from detente.scenario.loader import scenario_from_data
from detente.sim import compile_world, simulate
from detente.sim.world import apply, initial_state

runner = CliRunner()
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def deed_world() -> dict[str, Any]:
    """A says it wants 70 on X (0 = what B wants, 100 = what A wants); X stands at 60."""
    return {
        "detente": 1,
        "meta": {"id": "deeds", "title": "Deeds", "perspective": "test"},
        "actors": [{"id": "a", "name": "A", "capability": 50}, {"id": "b", "name": "B", "capability": 50}],
        "issues": [{"id": "x", "name": "X", "status_quo": 60}],
        "positions": {"a": {"x": {"position": 70, "salience": 1.0}},
                      "b": {"x": {"position": 0, "salience": 1.0}}},
        "moves": [
            {"id": "a_keep", "actor": "a", "type": "sanction", "issue": "x", "position": 60},
            {"id": "a_push", "actor": "a", "type": "mobilize", "issue": "x", "position": 65},
            {"id": "a_ease", "actor": "a", "type": "withdraw", "issue": "x", "position": 40},
            {"id": "a_up", "actor": "a", "type": "sanction", "issue": "x", "position": 90},
        ],
        "simulation": {"players": ["a", "b"], "rounds": 2, "temperature": 0.05},
    }


def _world(data: dict[str, Any]):
    return compile_world(scenario_from_data(data, "deeds.yaml"))


# -- 1. a coercive deed that does not move the issue toward the other side is no concession ----------

def test_a_sanction_at_where_the_issue_stands_is_no_concession() -> None:
    """H15: Japan's sanction at the status quo (60), its stated position 70, was logged as "a concession of
    10% … face lost 0.050": the deed was compared with the mover's words, not with where the issue stood."""
    w = _world(deed_world())
    s0 = initial_state(w)
    for move in ("a_keep", "a_push"):  # holds the issue at 60; pushes it from 60 to 65 (away from B)
        ev: list[dict[str, Any]] = []
        s = apply(w, s0, w.move_index(move), ev)
        assert "concession" not in ev[0], move
        assert s.face[0] == 0.0 and s.stated[0][0] == 70  # A still says 70, and has lost no face
    assert apply(w, s0, w.move_index("a_push")).realised[0] == 65


def test_a_deed_that_gives_ground_is_a_concession_of_the_stated_position() -> None:
    """Withdrawing from 60 to 40 gives B ground and takes A below its stated 70: a concession of 30% of the
    scale (its stated position moves to 40), public (a deed is seen by all), at the field's audience cost."""
    w = _world(deed_world())
    ev: list[dict[str, Any]] = []
    s = apply(w, initial_state(w), w.move_index("a_ease"), ev)
    c = ev[0]["concession"]
    assert c["amount"] == pytest.approx(0.3) and c["track"] == "field"
    assert c["face_cost"] == pytest.approx(0.3 * w.catalogue.field_audience_cost)
    assert s.stated[0][0] == 40 and s.realised[0] == 40


def test_giving_back_ground_taken_beyond_the_stated_position_is_a_concession_only_below_it() -> None:
    """After a sanction to 90 (beyond A's stated 70), a deed back to 60 gives ground (90 -> 60) and goes
    10 below what A says: a concession of 10%; one back to 80 gives ground but keeps A above its word: none."""
    data = deed_world()
    data["moves"].append({"id": "a_back", "actor": "a", "type": "hold", "issue": "x", "position": 80})
    w = _world(data)
    s1 = apply(w, initial_state(w), w.move_index("a_up"))
    ev: list[dict[str, Any]] = []
    apply(w, s1, w.move_index("a_keep"), ev)
    assert ev[0]["concession"]["amount"] == pytest.approx(0.1)
    ev = []
    apply(w, s1, w.move_index("a_back"), ev)
    assert "concession" not in ev[0]


def test_the_scripted_sanction_is_logged_without_a_concession() -> None:
    """The whole run, as `simulate --log` shows it: the scripted sanction at the status quo, no concession."""
    data = deed_world()
    data["moves"][0] |= {"step": 0, "label": "July 4: controls"}
    data["simulation"] |= {"scripted": ["a"], "after_script": "pass", "rounds": 1}
    run = simulate(_world(data), seed=3).runs[0]
    assert run.lines[0].startswith("round 1, on the ground: A imposes sanctions: X at 60")
    assert "concession" not in run.lines[0] and not run.concessions


# -- 2. a move of the history made again is a new move of the same kind, not the dated event -----------

class Always:
    """After the script, always makes the same move (a stand-in for a logit player that picks it)."""

    name = "always"

    def __init__(self, move: str) -> None:
        self.move = move
        self.menus: list[str] = []

    def choose(self, ctx) -> list[str]:
        self.menus.append(ctx.describe())
        return [self.move]


def test_a_history_move_made_again_is_not_logged_as_the_dated_event() -> None:
    """H15: after the script, "July 4: controls on three chemicals" came back in rounds 5, 7 and 8: the menu
    offers the history's moves as kinds of move (type, issue, position), so the log must not name the dated
    event again; it says which step of the history the new move is like."""
    from detente.sim.policies import ScriptedPolicy

    data = deed_world()
    data["moves"][0] |= {"step": 0, "label": "July 4: controls"}
    data["simulation"] |= {"scripted": ["a"], "rounds": 3}
    w = _world(data)
    then = Always("a_keep")
    run = simulate(w, seed=3, policies={"a": ScriptedPolicy(then)}).runs[0]
    mine = [(r["round"], r) for r in run.records if r.get("kind") == "move" and r.get("actor") == "a"]
    assert [rd for rd, _ in mine] == [1, 2, 3]
    lines = [ln for ln in run.lines if ln.startswith("round") and "A imposes" in ln]
    assert lines[0].endswith("— July 4: controls")  # the history, in its own round
    for ln in lines[1:]:
        assert "July 4" not in ln and ln.endswith("— a new move of the same kind as the history's step 0")
    assert "repeats_history_step" not in mine[0][1] and all(r["repeats_history_step"] == 0 for _, r in mine[1:])
    assert "as the history's step 0, made again" in then.menus[0]


def test_the_crisis_players_history_keeps_its_labels(tmp_path) -> None:
    """The crisis players replay every principal's history in its step's round, scripted or not: that is the
    history itself, logged with its labels (here with no scripted player at all)."""
    text = (EXAMPLES / "jpkr-2019.yaml").read_text(encoding="utf-8").replace("scripted: [jpn, kor]", "scripted: []")
    assert "scripted: []" in text
    (tmp_path / "s.yaml").write_text(text, encoding="utf-8")
    res = runner.invoke(app, ["simulate", str(tmp_path / "s.yaml"), "--log", "-n", "1", "--policy", "crisis"])
    assert res.exit_code == 0, res.output
    text = " ".join(res.output.split())
    for r, label in ((1, "July 4: controls on three chemicals"), (2, "Aug 2: Korea off the white list"),
                     (3, "Aug 22: GSOMIA notice"), (4, "WTO complaint")):
        assert f"round {r}, " in text and label in text.split(f"round {r}, ", 1)[1].split("round ", 1)[0]
    later = text.split("round 5, ", 1)[1]
    for label in ("July 4", "Aug 2", "Aug 22", "WTO complaint"):
        assert label not in later


# -- 4. backtest cases --dir names a case by its meta.id -------------------------------------------------

def test_backtest_dir_names_a_case_by_its_id_and_says_which_file(tmp_path) -> None:
    """H15: a folder's case was named by its file name; the id is the case's name everywhere else (claims,
    reports, --case), so the table shows the id, with the file where the two differ, and --case takes either."""
    import json

    from duel import DUEL_HEAD

    d = tmp_path / "mine"
    d.mkdir()
    (d / "draft-3.yaml").write_text(DUEL_HEAD + "known_outcome: {class: stalemate}\n", encoding="utf-8")
    (d / "duel2.yaml").write_text(DUEL_HEAD.replace("id: duel,", "id: duel2,")
                                  + "known_outcome: {class: escalation}\n", encoding="utf-8")
    res = runner.invoke(app, ["backtest", "cases", "--dir", str(d), "--layer", "models", "--json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)["cases"]
    assert [(r["case"], r["file"]) for r in rows] == [("duel", "mine/draft-3.yaml"), ("duel2", "mine/duel2.yaml")]
    res = runner.invoke(app, ["backtest", "cases", "--dir", str(d), "--layer", "models"])
    assert res.exit_code == 0, res.output
    text = " ".join(res.output.split())
    assert "duel (mine/draft-3.yaml)" in text and "duel2 (" not in text and "│ draft-3 " not in text
    for pick in ("duel", "draft-3"):  # by id or by file name
        res = runner.invoke(app, ["backtest", "cases", "--dir", str(d), "--layer", "models", "--case", pick, "--json"])
        assert res.exit_code == 0, res.output
        assert [r["case"] for r in json.loads(res.stdout)["cases"]] == ["duel"]
    (d / "again.yaml").write_text(DUEL_HEAD + "known_outcome: {class: stalemate}\n", encoding="utf-8")
    twice = runner.invoke(app, ["backtest", "cases", "--dir", str(d), "--layer", "models"])
    assert twice.exit_code == 2 and "case duel appears twice (mine/again.yaml and mine/draft-3.yaml" in twice.output


# -- 3. serve: an upload gets the same number form as a bundled case ------------------------------------

UPLOAD = """\
detente: 1
meta: {id: talks, title: Two parties, perspective: Made up for tests.}
actors:
  - {id: a, name: Alpha, capability: {value: 1, low: 0.5, high: 2}}
  - {id: b, name: Beta, capability: 1}
issues:
  - {id: x, name: Issue X, status_quo: 50}
positions:
  a: {x: {position: 100, salience: 1.0}}
  b: {x: {position: 0, salience: 0.8}}
parameters:
  a_cost: {value: 0.25, note: made up}
"""


def test_an_upload_can_have_its_numbers_edited_before_the_run(tmp_path) -> None:
    """H15: `serve --help` promises "pick or upload a scenario, edit numbers, run it", but an upload went
    straight to its report; only bundled cases had number fields. Now "Edit its numbers first" shows the
    upload's capabilities and parameters, and the run uses the edits."""
    import time

    pytest.importorskip("fastapi")
    pytest.importorskip("httpx")
    from fastapi.testclient import TestClient

    from detente.report.web import create_app

    client = TestClient(create_app(tmp_path / "work", max_upload=4096), base_url="http://127.0.0.1:8765",
                        follow_redirects=False)
    assert 'id="edit-own"' in client.get("/").text
    resp = client.post("/run", data={"then": "edit"}, files={"upload": ("talks.yaml", UPLOAD.encode(), "text/yaml")})
    assert resp.status_code == 303 and resp.headers["location"].startswith("/edit/")
    form = client.get(resp.headers["location"]).text
    for field, value in (("cap__a", "1"), ("cap__b", "1"), ("param__a_cost", "0.25")):
        assert f'name="{field}" value="{value}"' in form
    staged = form.split('name="staged" value="', 1)[1].split('"', 1)[0]

    def report(data: dict[str, str]) -> str:
        r = client.post("/run", data=data)
        assert r.status_code == 303 and r.headers["location"].startswith("/jobs/"), r.text
        for _ in range(400):
            page = client.get(r.headers["location"]).text
            if 'id="done"' in page or 'id="error"' in page:
                break
            time.sleep(0.05)
        assert 'id="done"' in page, page
        return client.get(r.headers["location"] + "/report").text

    # compromise = sum(c s x) / sum(c s): capabilities 1 and 1 give 100 / 1.8 = 55.6; Alpha at 3, 300 / 3.8 = 78.9
    edited = report({"staged": staged, "cap__a": "3", "cap__b": "1", "param__a_cost": "0.25"})
    assert f"{300 / 3.8:.1f}" in edited and f"{100 / 1.8:.1f}" not in edited
    # the same upload, run as it came ("Run analysis"): still straight to its report, unedited
    plain = client.post("/run", data={"then": "run"}, files={"upload": ("talks.yaml", UPLOAD.encode(), "text/yaml")})
    assert plain.status_code == 303 and plain.headers["location"].startswith("/jobs/")
    assert client.get("/edit/" + "0" * 32).status_code == 404
    gone = client.post("/run", data={"staged": "0" * 32, "cap__a": "3"})
    assert gone.status_code == 400 and "upload it again" in gone.text


def test_a_number_left_as_shown_keeps_its_range() -> None:
    """The form posts every number; only one the user changed becomes a point (a bundled case's unchanged
    ranged capabilities used to lose their ranges on any run from the form)."""
    pytest.importorskip("fastapi")
    from detente.report.web import _apply_edits
    from detente.scenario.loader import load_scenario_text

    sc = load_scenario_text(UPLOAD, "talks.yaml")
    out = _apply_edits(sc, {"cap__a": "1", "cap__b": "2", "param__a_cost": "0.25"})
    a, b = out.actors
    assert (a.capability.value, a.capability.low, a.capability.high) == (1, 0.5, 2)
    assert b.capability.value == 2 and out.parameters["a_cost"].value == 0.25
    assert _apply_edits(sc, {"cap__a": "1"}) is sc
