"""Defects a fresh-eyes review of LD1 and SF5 found (DECISIONS H17), each as a user meets it."""

from __future__ import annotations

import gc
import tracemalloc

import pytest

from text_backends import BACKENDS


def _wide_scenario(n_actors: int, n_issues: int) -> str:
    """A valid scenario of many positions: a few tens of kB of YAML that parse into a much larger object."""
    lines = ["detente: 1", "meta: {id: wide, title: Wide, perspective: Made up for tests.}", "actors:"]
    lines += [f"- {{id: a{k}, name: A{k}, capability: 1}}" for k in range(n_actors)]
    lines += ["issues:"] + [f"- {{id: i{j}, name: I{j}}}" for j in range(n_issues)]
    lines += ["positions:"]
    for k in range(n_actors):
        lines.append(f" a{k}: {{" + ",".join(f"i{j}: {{position: {(k + j) % 100}, salience: .5}}"
                                              for j in range(n_issues)) + "}")
    return "\n".join(lines) + "\n"


def test_a_staged_upload_holds_no_more_memory_than_its_text(tmp_path) -> None:
    """serve keeps the last 50 uploads waiting on their number form. It kept each as a parsed scenario, some
    50 times the upload's size (a 0.9 MB upload held 46 MB: 50 of them 2.3 GB); the text is what it needs."""
    pytest.importorskip("fastapi")
    pytest.importorskip("httpx")
    from fastapi.testclient import TestClient

    from detente.report.web import create_app

    text = _wide_scenario(40, 30).encode()
    client = TestClient(create_app(tmp_path / "work", max_upload=len(text) + 1), base_url="http://127.0.0.1:8765",
                        follow_redirects=False)

    def stage() -> str:
        resp = client.post("/run", data={"then": "edit"}, files={"upload": ("wide.yaml", text, "text/yaml")})
        assert resp.status_code == 303 and resp.headers["location"].startswith("/edit/"), resp.text
        return resp.headers["location"]

    first = stage()  # imports and caches settle on the first upload
    tracemalloc.start()
    try:
        gc.collect()
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(3):
            stage()
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown / 3 < 4 * len(text), f"{grown / 3:.0f} bytes held per staged upload of {len(text)}"
    form = client.get(first).text  # still there, and its form still shows its numbers
    assert 'name="cap__a0" value="1"' in form and 'name="cap__a39" value="1"' in form


def test_backtest_dir_case_by_id_does_not_also_take_a_file_of_that_name(tmp_path) -> None:
    """SF5: `backtest cases --dir --case NAME` takes an id or a file name. With a case of id "duel" in
    x1.yaml and a case of id "other" in duel.yml, `--case duel` scored both; the id names the case."""
    import json

    from typer.testing import CliRunner

    from detente.cli import app
    from duel import DUEL_HEAD

    d = tmp_path / "mine"
    d.mkdir()
    (d / "x1.yaml").write_text(DUEL_HEAD + "known_outcome: {class: stalemate}\n", encoding="utf-8")
    (d / "duel.yml").write_text(DUEL_HEAD.replace("id: duel,", "id: other,")
                                + "known_outcome: {class: stalemate}\n", encoding="utf-8")
    run = CliRunner().invoke
    for pick, want in (("duel", ["duel"]), ("other", ["other"]), ("x1", ["duel"])):
        res = run(app, ["backtest", "cases", "--dir", str(d), "--layer", "models", "--case", pick, "--json"])
        assert res.exit_code == 0, res.output
        assert [r["case"] for r in json.loads(res.stdout)["cases"]] == want, pick


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_name_with_two_particles_is_read_whole(backend: str) -> None:
    """LD1 kept "al-Sisi" whole so the leader table finds him; a name with two particles ("de la Rúa") still
    stopped at "Fernando", the table missed Argentina's president, and the president rule gave him to the
    state named last before him: "Brazil threatens" where Argentina threatened Brazil."""
    from detente.text.extract import extract

    text = ("In March 2000 Argentina and Brazil disputed the tariffs. Brazil's Prime Minister said nothing. "
            "President Fernando de la Rúa threatened Brazil with sanctions.")
    moves = [(m.actor, m.type, m.target) for m in extract(text, backend).moves]
    assert moves == [("arg", "threaten", "bra")]


def test_first_strike_chances_under_the_usual_names_are_listed_not_refused(tmp_path) -> None:
    """LD1 stopped refusing the simulation's win_prob pair that sums past 1 (a first-strike advantage, H16),
    but only under other names: with the usual `<player>_war_win_prob` names (the drafter's, the library's)
    the crisis model's check refused the same pair. The crisis model now lists the number it does not read."""
    from typer.testing import CliRunner

    from detente.cli import app
    from detente.games.crisis.spec import unread_win_prob
    from detente.scenario.loader import load_scenario
    from duel import DUEL_HEAD
    from test_sf4_defects import WAR_SIM

    sim = WAR_SIM.replace("pa", "a_war_win_prob").replace("pb", "b_war_win_prob")
    p = tmp_path / "s.yaml"
    p.write_text(DUEL_HEAD + "parameters: {a_war_win_prob: 0.6, b_war_win_prob: 0.6}\n" + sim, encoding="utf-8")
    res = CliRunner().invoke(app, ["validate", str(p)])
    assert res.exit_code == 0, res.output
    note = unread_win_prob(load_scenario(p), "a", "b")
    assert note is not None and "does not read b_war_win_prob (0.6)" in note and "gives b the rest (0.4)" in note
    assert "the simulation reads it as b's chance when b starts the war" in note
    # a defender's number that no layer reads is still refused (H13: 0.9 each passed)
    p.write_text(DUEL_HEAD + "parameters: {a_war_win_prob: 0.9, b_war_win_prob: 0.9, pb: 0.1}\n"
                 + WAR_SIM.replace("pa", "a_war_win_prob"), encoding="utf-8")
    res = CliRunner().invoke(app, ["validate", str(p)])
    assert res.exit_code == 2 and "sum to 1.8, more than 1" in res.output


def test_a_deed_of_a_player_with_no_position_on_the_issue_is_no_concession() -> None:
    """SF5: a deed is a concession when it gives ground and ends short of the mover's stated position. A
    player with no stance on the issue has stated none (the simulation holds the status quo in its place), yet
    its withdrawal there was "a concession of 20%" and cost it face. Once it has said where it stands in
    public, a deed that gives ground below that is a concession again."""
    from detente.sim.world import apply, initial_state
    from test_sf5_defects import _world, deed_world

    data = deed_world()  # A has no stance on Y; B wants 0; Y stands at 50
    data["issues"].append({"id": "y", "name": "Y", "status_quo": 50})
    data["positions"]["b"]["y"] = {"position": 0, "salience": 0.5}
    data["moves"] += [{"id": "a_y", "actor": "a", "type": "withdraw", "issue": "y", "position": 30},
                      {"id": "a_say", "actor": "a", "type": "demand", "issue": "y", "position": 60}]
    w = _world(data)
    ev: list = []
    s = apply(w, initial_state(w), w.move_index("a_y"), ev)
    assert "concession" not in ev[0] and s.face[0] == 0.0 and s.realised[1] == 30
    said = apply(w, initial_state(w), w.move_index("a_say"))
    ev = []
    apply(w, said, w.move_index("a_y"), ev)
    assert ev[0]["concession"]["amount"] == pytest.approx(0.3)  # from its stated 60 to 30
