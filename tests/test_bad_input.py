"""Bad input of every kind: one line on stderr naming file, field and reason; exit code 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from detente.cli import app

runner = CliRunner()
MINIMAL = (Path(__file__).parent / "data" / "minimal.yaml").read_text(encoding="utf-8")
DATA_KTAB = Path(__file__).parent / "data" / "ktab"


def _swap(old: str, new: str) -> str:
    assert old in MINIMAL, old
    return MINIMAL.replace(old, new, 1)


# name -> (file content, text the one-line error must contain)
CORPUS: dict[str, tuple[str | bytes, str]] = {
    "empty": ("", "empty"),
    "only-comment": ("# nothing here\n", "empty"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    "latin1": ("meta: caf\xe9\n".encode("latin-1"), "UTF-8"),
    "bad-yaml": (_swap("  id: minimal", "  id: [minimal"), "not valid YAML"),
    "top-level-list": ("- a\n- b\n", "must be a mapping"),
    "missing-meta": (_swap("meta:\n  id: minimal\n  title: A two-issue toy\n  perspective: Made up for tests.\n",
                           ""), "field 'meta': required field is missing"),
    "missing-version": (_swap("detente: 1\n", ""), "field 'detente'"),
    "wrong-version": (_swap("detente: 1", "detente: 2"), "field 'detente'"),
    "unknown-top-key": (MINIMAL + "actros: []\n", "field 'actros': unknown field"),
    "unknown-nested-key": (_swap("{id: b, name: Beta, capability: 1}",
                                 "{id: b, name: Beta, capabilty: 1}"), "actors[1].capabilty"),
    "missing-field": (_swap("{id: b, name: Beta, capability: 1}", "{id: b, name: Beta}"),
                      "actors[1].capability': required"),
    "wrong-type": (_swap("capability: 2}", "capability: strong}"), "actors[0].capability"),
    "bool-number": (_swap("capability: 2}", "capability: true}"), "actors[0].capability"),
    "position-out-of-range": (_swap("x: {position: 100, salience: 1.0}", "x: {position: 150, salience: 1.0}"),
                              "positions.b.x.position': position 150 is outside [0, 100]"),
    "range-out-of-scale": (_swap("y: {position: -10, salience: 0.5}",
                                 "y: {position: {low: -20, mode: -10, high: 0}, salience: 0.5}"),
                           "positions.c.y.position"),
    "salience-above-one": (_swap("x: {position: 60, salience: 0.25}", "x: {position: 60, salience: 25}"),
                           "positions.c.x.salience"),
    "salience-budget": (MINIMAL.replace("actors:\n", "settings: {salience_budget: 1.0}\nactors:\n", 1),
                        "sum to 1.5, above the budget"),
    "negative-capability": (_swap("capability: 2}", "capability: -2}"), "actors[0].capability"),
    "duplicate-id": (_swap("{id: b, name: Beta", "{id: a, name: Beta"), "duplicate id 'a'"),
    "duplicate-yaml-key": (_swap("  id: minimal\n", "  id: minimal\n  id: other\n"), "duplicate key 'id'"),
    "unknown-actor-in-positions": (_swap("  c:\n    x:", "  z:\n    x:"), "unknown actor 'z'"),
    "unknown-issue-in-positions": (_swap("    y: {position: 10, salience: 1.0}",
                                         "    q: {position: 10, salience: 1.0}"), "unknown issue 'q'"),
    "unknown-channel": (_swap("channel: pub,", "channel: secret,"), "moves[0].channel': unknown channel"),
    "unknown-participant": (_swap("participants: [a, b]", "participants: [a, zz]"),
                            "channels[0].participants[1]"),
    "huge-number": (_swap("capability: 2}", "capability: 1.0e300}"), "implausibly large"),
    "nan": (_swap("capability: 2}", "capability: .nan}"), "finite"),
    "infinite": (_swap("capability: 2}", "capability: .inf}"), "finite"),
    "range-reversed": (_swap("{low: 0.5, mode: 1, high: 2", "{low: 2, mode: 1, high: 0.5"), "above high"),
    "issue-without-positions": (_swap("    status_quo: 0\n", "    status_quo: 0\n  - {id: z, name: Z}\n"),
                                "no actor takes a position on issue 'z'"),
    "claim-unknown-issue": (_swap("issue: x, target: status_quo", "issue: w, target: status_quo"),
                            "claims[0].check.issue"),
    "claim-unknown-kind": (_swap("kind: forecast_near", "kind: vibes"), "claims[0].check"),
    "scale-reversed": (_swap("scale: {min: -10, max: 10}", "scale: {min: 10, max: -10}"), "issues[1].scale"),
    "bad-id": (_swap("{id: b, name: Beta", "{id: 'b b', name: Beta"), "actors[1].id"),
    "bad-outcome-class": (MINIMAL + "known_outcome: {class: draw}\n", "known_outcome.class"),
    "bad-date": (_swap("  title: A two-issue toy\n", "  title: A two-issue toy\n  date: 2022-13-45\n"),
                 "meta.date"),
    "python-tag": (_swap("title: A two-issue toy", "title: !!python/object:os.system ls"), "not valid YAML"),
    "alias-bomb": ("a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                   "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                   "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n",
                   "alias expansion"),
    "deep-nesting": ("a: " + "[" * 5000 + "]" * 5000 + "\n", ""),
    "evidence-offsets": (_swap("{id: m1, actor: a, type: demand, channel: pub, issue: x, position: 0}",
                               "{id: m1, actor: a, type: demand, channel: pub, issue: x, position: 0, "
                               "evidence: {quote: q, start: 9, end: 3}}"), "moves[0].evidence"),
    "move-position-without-issue": (_swap("issue: x, position: 0}", "position: 0}"), "needs an 'issue'"),
}


def _write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / f"{name}.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def _check_one_line_error(args: list[str], must_contain: str, file_name: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    err = result.stderr.strip()
    assert "\n" not in err, err
    assert "Traceback" not in result.output
    assert err.startswith("error: ") and file_name in err, err
    assert must_contain in err, err
    assert result.stdout == ""


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_bad_scenario_gives_one_line_and_exit_2(tmp_path: Path, name: str) -> None:
    content, must_contain = CORPUS[name]
    path = _write(tmp_path, name, content)
    _check_one_line_error(["validate", str(path)], must_contain, path.name)


def test_line_number_points_at_the_field(tmp_path: Path) -> None:
    text = _swap("x: {position: 100, salience: 1.0}", "x: {position: 150, salience: 1.0}")
    path = _write(tmp_path, "line", text)
    line = next(i for i, s in enumerate(text.splitlines(), 1) if "position: 150" in s)
    result = runner.invoke(app, ["validate", str(path)])
    assert f"line.yaml:{line}:" in result.stderr


def test_missing_file_and_folder(tmp_path: Path) -> None:
    _check_one_line_error(["validate", str(tmp_path / "nope.yaml")], "no such file", "nope.yaml")
    folder = tmp_path / "dir.yaml"
    folder.mkdir()
    _check_one_line_error(["validate", str(folder)], "folder", "dir.yaml")


def test_huge_file(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_text("# " + "x" * (11 * 1024 * 1024) + "\n", encoding="utf-8")
    _check_one_line_error(["validate", str(path)], "limit", "huge.yaml")


def test_unknown_case_name() -> None:
    _check_one_line_error(["analyze", "no-such-case"], "no bundled case", "no-such-case")


def test_unknown_model() -> None:
    result = runner.invoke(app, ["forecast", "geneva-2022", "--model", "astrology"])
    assert result.exit_code == 2
    assert "unknown model 'astrology'" in result.stderr and "\n" not in result.stderr.strip()


def test_every_command_reports_bad_input_the_same_way(tmp_path: Path) -> None:
    path = _write(tmp_path, "bad", _swap("capability: 2}", "capability: -2}"))
    out = tmp_path / "out"
    for args in (["validate"], ["forecast"], ["analyze", "--out", str(out)]):
        _check_one_line_error([*args, str(path)], "actors[0].capability", "bad.yaml")
    assert not out.exists()  # no partial output on failure


def _run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The installed entry point as a user runs it (usage errors are handled in main())."""
    return subprocess.run([sys.executable, "-m", "detente", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300)


@pytest.mark.parametrize("args", [
    ["validate"],  # missing argument
    ["analyze", "geneva-2022", "--seed", "-1"],  # out of bounds
    ["analyze", "geneva-2022", "--seed", "abc"],  # not a number
    ["cases", "--bogus"],  # unknown option
    ["no-such-command"],
    ["sweep", "geneva-2022", "--draws", "0"],
])
def test_usage_mistakes_are_one_line_with_exit_2(args: list[str]) -> None:
    proc = _run_cli(*args)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    assert proc.stdout == ""


@pytest.mark.slow
def test_unwritable_outputs_are_one_line_and_leave_nothing(tmp_path: Path) -> None:
    a_file = tmp_path / "afile"
    a_file.write_text("x", encoding="utf-8")
    blocked = tmp_path / "blocked"
    (blocked / "report.html").mkdir(parents=True)  # the second output cannot be written
    cases = [
        (["analyze", "geneva-2022", "--out", str(a_file)], "afile"),
        (["analyze", "geneva-2022", "--out", str(a_file / "sub")], "afile"),
        (["analyze", "geneva-2022", "--out", str(blocked)], "report.html"),
        (["import", str(DATA_KTAB / "SOE-Pol-Comp.csv"), "--from", "ktab", "-o", str(tmp_path)], str(tmp_path)),
        (["sweep", "geneva-2022", "--draws", "10", "--backend", "nosuch", "--out", str(tmp_path / "s")], "backend"),
    ]
    for args, must in cases:
        proc = _run_cli(*args)
        lines = proc.stderr.strip().splitlines()
        assert proc.returncode == 2 and len(lines) == 1 and must in lines[0], (args, proc.stderr)
    assert not (blocked / "analysis.json").exists()  # all or nothing
    assert not (tmp_path / "s").exists()


def test_a_folder_named_like_a_case_does_not_hide_the_case(tmp_path: Path) -> None:
    (tmp_path / "geneva-2022").mkdir()
    proc = _run_cli("validate", "geneva-2022", cwd=tmp_path)
    assert proc.returncode == 0 and proc.stdout.startswith("ok:")
