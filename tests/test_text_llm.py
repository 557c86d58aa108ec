"""The optional language-model backend: proposals survive only with evidence found in the text.

No network: the chat endpoint is replaced by a recorded answer (tests/data/llm_recorded.json)
and sockets are blocked while the CLI runs.
"""

from __future__ import annotations

import json
import socket
import urllib.error
from pathlib import Path

import pytest
from typer.testing import CliRunner

from detente.cli import app
from detente.errors import InputError
from detente.scenario.loader import load_scenario
from detente.text import llm
from detente.text.draft import draft_article
from detente.text.llm import ChatProposer, RecordedProposer, chat_url, parse_response, verify

REPO = Path(__file__).resolve().parents[1]
ARTICLE = REPO / "tests" / "data" / "articles" / "cuba1962.txt"
RECORDING = REPO / "tests" / "data" / "llm_recorded.json"
runner = CliRunner()

TEXT = "Russia demanded guarantees. The United States rejected them in Geneva."


def _p(field: str, quote: str, start: int, end: int, **kw) -> dict:
    return {"field": field, **kw, "evidence": {"quote": quote, "start": start, "end": end}}


def test_verify_keeps_only_quotes_at_their_offsets():
    props = [
        _p("move", "Russia demanded guarantees", 0, 26, actor="rus", type="demand"),
        _p("move", "rejected them", 45, 58, actor="usa", type="reject"),  # right quote, wrong offsets
        _p("move", "Russia invaded", 0, 14, actor="rus", type="assault"),  # not in the text
        _p("move", "The United States", 28, 45, actor="usa", type="veto"),  # no such move type
        _p("actor", "Geneva", 63, 69, name="Geneva"),
        _p("claim", "Russia", 0, 6, outcome="victory"),
        _p("channel", "in Geneva", 60, 69, kind="secret"),
        _p("move", "Russia", True, 6, actor="rus", type="demand"),  # a bool is not an offset
        _p("move", "Russia", -1, 5, actor="rus", type="demand"),
        {"field": "move", "actor": "usa", "type": "reject"},  # no evidence at all
        "not an object",
    ]
    assert TEXT[0:26] == "Russia demanded guarantees" and TEXT[46:59] == "rejected them"
    out = verify(TEXT, props)
    assert [p["evidence"]["start"] for p in out.accepted] == [0, 63]
    assert len(out.dropped) == len(props) - 2
    reasons = "\n".join(out.dropped)
    assert "the quote occurs at 46-59" in reasons
    assert "does not occur in the text" in reasons
    assert "unknown move type 'veto'" in reasons
    assert "unknown outcome 'victory'" in reasons
    assert "channel kind must be public or closed" in reasons
    assert "not integers" in reasons and "outside the text" in reasons and "no evidence quote" in reasons


def test_recorded_answer_adds_verified_fields_and_reports_the_rest():
    sc, ex = draft_article(ARTICLE, "python", RecordedProposer(RECORDING))
    text = ARTICLE.read_text(encoding="utf-8")
    # the recording holds 9 proposals: 5 well formed, 4 bad (see its note)
    assert ex.llm["accepted"] == ["5"] and len(ex.llm["dropped"]) == 4
    assert any("occurs at" in d for d in ex.llm["dropped"])
    # "Soviet Union" proposed as 'ussr' resolves through the gazetteer to the existing actor, no duplicate
    ids = [a.id for a in sc.actors]
    assert len(ids) == len(set(ids)) and "ussr" not in ids and "sun" in ids and "excomm" in ids
    llm_moves = [m for m in sc.moves if m.note and "rule: llm" in m.note]
    # the proposed Soviet demand ("It added a new condition") is in the draft exactly once: the rules
    # read it themselves since 'it' resolves to the last state named (T6), so the proposal fills no gap
    at = [(m.actor, m.type.value) for m in sc.moves if m.evidence.start <= 3100 < m.evidence.end]
    assert at.count(("sun", "demand")) == 1
    assert all((m.actor, m.type.value) == ("sun", "demand") for m in llm_moves)
    for m in sc.moves:  # every move, rule-made or proposed, quotes the text at its offsets
        assert text[m.evidence.start:m.evidence.end] == m.evidence.quote
    assert "outcome_agreement" in {c.id for c in sc.claims}


def test_chat_proposer_request_and_response_without_network(monkeypatch):
    seen = {}
    reply = {"choices": [{"message": {"content": json.dumps({"proposals": [
        _p("move", "Russia demanded guarantees", 0, 26, actor="rus", type="demand")]})}}]}

    def transport(url, body, headers, timeout):
        seen.update(url=url, body=json.loads(body), headers=headers)
        return json.dumps(reply).encode()

    monkeypatch.delenv("DETENTE_LLM_API_KEY", raising=False)
    props = ChatProposer("http://127.0.0.1:8080", "qwen", transport=transport).propose(TEXT)
    assert props[0]["type"] == "demand"
    assert seen["url"] == "http://127.0.0.1:8080/v1/chat/completions"
    assert seen["body"]["model"] == "qwen" and seen["body"]["temperature"] == 0
    assert seen["body"]["messages"][-1] == {"role": "user", "content": TEXT}
    assert "Authorization" not in seen["headers"]
    monkeypatch.setenv("DETENTE_LLM_API_KEY", "k")
    ChatProposer("http://h/v1", transport=transport).propose(TEXT)
    assert seen["headers"]["Authorization"] == "Bearer k" and seen["url"] == "http://h/v1/chat/completions"


def test_chat_url_forms():
    assert chat_url("http://h:1/v1/chat/completions") == "http://h:1/v1/chat/completions"
    assert chat_url("http://h:1/v1/") == "http://h:1/v1/chat/completions"
    assert chat_url("https://api.example.org") == "https://api.example.org/v1/chat/completions"


@pytest.mark.parametrize("raw", [b"<html>502</html>", b'{"choices": []}',
                                 b'{"choices": [{"message": {"content": "I think Russia..."}}]}',
                                 b'{"choices": [{"message": {"content": "{\\"x\\": 1}"}}]}'])
def test_bad_answers_are_one_line_errors(raw):
    with pytest.raises(InputError):
        parse_response(raw)


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*a, **k):
        raise AssertionError("a test tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_cli_llm_with_recorded_transport(monkeypatch, tmp_path, no_network):
    recorded = json.loads(RECORDING.read_text(encoding="utf-8"))["responses"][0]["response"]
    calls = []

    def transport(url, body, headers, timeout):
        calls.append((url, json.loads(body)["model"]))
        return json.dumps(recorded).encode()

    monkeypatch.setattr(llm, "_urllib_transport", transport)
    out = tmp_path / "d.yaml"
    res = runner.invoke(app, ["draft", str(ARTICLE), "-o", str(out), "--backend", "python",
                              "--llm", "http://localhost:8080", "--llm-model", "local"])
    assert res.exit_code == 0, res.output
    assert calls == [("http://localhost:8080/v1/chat/completions", "local")]
    assert "llm: 5 proposals verified" in res.output and res.output.count("dropped proposal") == 4
    sc = load_scenario(out)
    assert "excomm" in {a.id for a in sc.actors}


def test_cli_llm_unreachable_is_one_line(monkeypatch, tmp_path, no_network):
    def transport(url, body, headers, timeout):
        raise urllib.error.URLError("connection refused")

    monkeypatch.setattr(llm, "_urllib_transport", transport)
    res = runner.invoke(app, ["draft", str(ARTICLE), "--llm", "http://localhost:9"])
    assert res.exit_code == 2
    assert "cannot reach the model server" in res.output and len(res.output.strip().splitlines()) == 1
    res = runner.invoke(app, ["draft", str(ARTICLE), "--llm", "localhost:9"])
    assert res.exit_code == 2 and "http" in res.output


def test_the_network_guard_is_real(no_network):
    # the real stdlib transport is what the guard stops: the CLI tests above cannot have used it
    with pytest.raises(AssertionError, match="network"):
        ChatProposer("http://127.0.0.1:9").propose(TEXT)
