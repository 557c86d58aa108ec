"""Terminal output never carries a control character from user data (issue 18).

Validation refuses control characters in every scenario string and .efg name; as a second line of
defence the CLI's consoles show any that slip through as escapes. These tests bypass validation
(``model_copy``) to prove the second line for game, simulate --log and analyze."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from detente.cases import case_path
from detente.cli import app
from detente.cli import game as game_cli
from detente.cli import simulate as simulate_cli
from detente.errors import InputError, printable
from detente.scenario.loader import load_scenario

app_module = importlib.import_module("detente.cli.app")

runner = CliRunner()
ANSI = "\x1b[31mRED\x1b[0m"
OSC = "\x1b]0;pwned\x07"
BAD = ("\x1b", "\x07", "\x9b")


def _poisoned():
    sc = load_scenario(case_path("geneva-2022"))
    actors = [a.model_copy(update={"name": f"{a.name} {ANSI}{OSC}\x9b"}) for a in sc.actors]
    meta = sc.meta.model_copy(update={"title": f"Title {OSC}{ANSI}<script>alert(1)</script>",
                                      "perspective": f"P {ANSI}"})
    return sc.model_copy(update={"actors": actors, "meta": meta})


@pytest.mark.filterwarnings("ignore")  # matplotlib warns about the missing glyph, quoting it
@pytest.mark.parametrize("args", [["game", "x"], ["simulate", "x", "--log"], ["analyze", "x"]])
def test_escapes_in_names_do_not_reach_the_terminal(args: list[str], monkeypatch: pytest.MonkeyPatch,
                                                    tmp_path: Path) -> None:
    sc = _poisoned()
    for module in (game_cli, simulate_cli, app_module):
        monkeypatch.setattr(module, "load", lambda spec: sc)
    if args[0] == "analyze":  # the analysis re-validates its scenario: poison the result it renders
        an = importlib.import_module("detente.analysis.analyze")

        clean = load_scenario(case_path("geneva-2022"))
        real = an.analyze

        def poisoned_analysis(scenario, options=None, **kwargs):
            result = real(clean, options, **kwargs)
            result.scenario = sc
            return result

        monkeypatch.setattr(an, "analyze", poisoned_analysis)
        args = [*args, "--out", str(tmp_path)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, (result.output, result.exception)
    assert "RED" in result.stdout or "Title" in result.stdout or "pwned" in result.stdout  # the names show
    for ch in BAD:
        assert ch not in result.stdout and ch not in result.stderr, (args, repr(ch))
    if args[0] == "analyze":
        html = (tmp_path / "report.html").read_text(encoding="utf-8")
        assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html  # the HTML report escapes


def test_error_lines_escape_file_names() -> None:
    msg = str(InputError("no such file", f"/tmp/{ANSI}.yaml", 3, "meta.title"))
    assert "\x1b" not in msg and "\\x1b[31mRED" in msg


def test_printable_keeps_text_and_newlines() -> None:
    assert printable("Genève – talks\n\tok") == "Genève – talks\n\tok"
    assert printable("a\x00b\u202ec") == "a\\x00b\\u202ec"
