"""The ICB evaluation of the drafter's actors (T6): the fixed split, the COW table, the scoring.

The ICB files stay in ../shared (not committed); tests that read them skip when absent.
"""

from __future__ import annotations

import csv
import json
import shutil
from contextlib import redirect_stdout
from io import StringIO

from conftest import DATA, shared_path
from detente.text import icb_eval
from detente.text.icb_eval import Crisis, cow_table, score_crisis, split


def _crisis(no: int, actors: list[int], participants: set[int] | None = None) -> Crisis:
    return Crisis(no, f"C{no}", "text", 0, actors, participants if participants is not None else set(actors))


def test_split_rule_is_even_development_odd_test():
    cs = [_crisis(n, [2]) for n in range(1, 11)]
    assert [c.crisno for c in split(cs, "even")] == [2, 4, 6, 8, 10]
    assert [c.crisno for c in split(cs, "odd")] == [1, 3, 5, 7, 9]


def test_cow_table_maps_well_known_states():
    t = cow_table()
    assert t[2] == {"usa"} and t[200] == {"gbr"} and t[365] == {"rus", "sun"}
    assert t[255] == t[260] == {"deu"} and t[265] == {"gdr"} and t[345] == {"yug"}


def test_score_crisis_counts_by_hand():
    # ICB actors: USA (2), USSR (365); coded participants add the UK (200)
    c = _crisis(7, [2, 365], {2, 365, 200})
    row = score_crisis(c, {"usa": "state", "gbr": "state", "fra": "state", "un": "organisation"},
                       extra={"fra"})
    assert row["found"] == 1 and row["missed"] == [365]
    assert row["states"] == 3 and row["false_states"] == ["fra"] and row["false_states_lenient"] == []
    assert row["non_states"] == ["un"]


def test_every_icb_actor_has_a_cow_mapping():
    path = shared_path("data", "icb", "icb2v14-before1990.csv")
    with open(path, encoding="utf-8", newline="") as fh:
        cows = {int(r["cracid"]) for r in csv.DictReader(fh)}
    assert cows <= set(cow_table()), sorted(cows - set(cow_table()))


def test_development_half_sample_runs_and_finds_the_crisis_actors():
    folder = shared_path("data", "icb")
    buf = StringIO()
    with redirect_stdout(buf):
        assert icb_eval.main(["--data", str(folder), "--half", "even", "--limit", "12", "--backend", "python"]) == 0
    out = json.loads(buf.getvalue())
    assert out["crises"] == 12 and out["half"] == "even"
    assert out["recall"] >= 0.9  # the development half: the drafter was developed on it
    assert out["seconds_per_article"]["mean"] < 1.0


def test_missing_data_is_a_one_line_error(tmp_path, capsys):
    assert icb_eval.main(["--data", str(tmp_path), "--half", "even"]) == 2
    err = capsys.readouterr().err
    assert "ICB file not found" in err and len(err.strip().splitlines()) == 1
    assert icb_eval.main(["--data", str(tmp_path), "--half", "third"]) == 2


def test_malformed_files_are_one_line_errors(tmp_path, capsys):
    def run_on(name: str, edit) -> str:
        d = tmp_path / name
        shutil.copytree(DATA / "icb", d)
        edit(d)
        assert icb_eval.main(["--data", str(d), "--backend", "python"]) == 2
        err = capsys.readouterr().err
        assert len(err.strip().splitlines()) == 1 and str(d) in err
        return err

    summaries = "icb-summaries-before1990.csv"
    err = run_on("cols", lambda d: (d / icb_eval.ACTORS).write_text("a,b\n1,2\n", encoding="utf-8"))
    assert "field 'crisno': column missing" in err
    def bad_no(d):
        text = (d / summaries).read_text(encoding="utf-8")
        (d / summaries).write_text(text.replace("\n2,SYNTHETIC", "\nx,SYNTHETIC", 1), encoding="utf-8")

    err = run_on("num", bad_no)
    assert f"{summaries}:4: field 'crisno': 'x' is not a whole number" in err  # the row starts on line 4
    err = run_on("bytes", lambda d: (d / summaries).write_bytes(b"\xff\xfe\x00"))
    assert "not UTF-8 text" in err
    assert icb_eval.main(["--data", str(DATA / "icb"), "--limit", "-1"]) == 2
    assert "field 'limit'" in capsys.readouterr().err
