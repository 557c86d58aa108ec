"""The web server's limits through a real HTTP client against uvicorn on 127.0.0.1 (issue 18):
Host header, same-origin POSTs, bodies bounded while streaming, a bounded job queue, every
validation error listed, the temporary folder removed on exit, a warning beyond localhost."""

from __future__ import annotations

import importlib
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
httpx = pytest.importorskip("httpx")
uvicorn = pytest.importorskip("uvicorn")

from detente.report.web import allowed_hosts, create_app, is_loopback  # noqa: E402

web = importlib.import_module("detente.report.web")
MINIMAL = (Path(__file__).parent / "data" / "minimal.yaml").read_text(encoding="utf-8")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served:
    def __init__(self, app, port: int) -> None:
        self.app, self.port = app, port
        self.url = f"http://127.0.0.1:{port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error",
                                                    lifespan="on"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Served:
        self.thread.start()
        for _ in range(200):
            if self.server.started:
                return self
            time.sleep(0.05)
        raise AssertionError("server did not start")

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    with Served(create_app(tmp_path / "work", max_upload=4096, max_jobs=1), _free_port()) as s:
        yield s


def test_a_foreign_host_header_is_refused(served: Served) -> None:
    ok = httpx.get(served.url + "/")
    assert ok.status_code == 200
    rebound = httpx.get(served.url + "/", headers={"Host": "evil.example:8765"})
    assert rebound.status_code == 400 and "Host" in rebound.text
    assert httpx.get(served.url + "/", headers={"Host": f"localhost:{served.port}"}).status_code == 200


def test_a_cross_origin_post_is_refused(served: Served) -> None:
    for headers in ({"Origin": "http://evil.example"}, {"Origin": "null"},
                    {"Referer": "http://evil.example/page"}, {"Sec-Fetch-Site": "cross-site"}):
        resp = httpx.post(served.url + "/run", data={"case": "ec-emissions-1994"}, headers=headers)
        assert resp.status_code == 403, headers
    same = httpx.post(served.url + "/run", data={"case": "ec-emissions-1994"},
                      headers={"Origin": served.url})
    assert same.status_code == 303


def test_a_chunked_upload_without_length_is_cut_off(served: Served) -> None:
    def body() -> Iterator[bytes]:
        for _ in range(2000):  # 2 MB offered, in 1 kB chunks, no Content-Length
            yield b"#" * 1024

    resp = httpx.post(served.url + "/run", content=body(), headers={"Content-Type": "multipart/form-data; boundary=x"})
    assert "content-length" not in resp.request.headers and resp.request.headers["transfer-encoding"] == "chunked"
    assert resp.status_code == 413 and "too large" in resp.text


def test_the_job_queue_is_bounded(served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()
    real = web.analyze

    def slow(*args, **kwargs):
        release.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(web, "analyze", slow)
    first = httpx.post(served.url + "/run", data={"case": "ec-emissions-1994"})
    assert first.status_code == 303
    second = httpx.post(served.url + "/run", data={"case": "ec-emissions-1994"})
    assert second.status_code == 503 and "busy" in second.text
    release.set()
    for _ in range(400):
        if 'id="done"' in httpx.get(served.url + first.headers["location"]).text:
            break
        time.sleep(0.05)
    assert httpx.post(served.url + "/run", data={"case": "ec-emissions-1994"}).status_code == 303


def test_an_invalid_upload_lists_every_error(served: Served) -> None:
    text = MINIMAL.replace("capability: 2}", "capability: -2}").replace("salience: 0.25}", "salience: 25}") \
        .replace("participants: [a, b]", "participants: [a, zz]")
    resp = httpx.post(served.url + "/run", files={"upload": ("bad.yaml", text.encode(), "text/yaml")})
    assert resp.status_code == 400
    assert 'id="errors"' in resp.text and resp.text.count("<li>") >= 3
    for field in ("actors[0].capability", "positions.c.x.salience", "channels[0].participants[1]"):
        assert field in resp.text, field


def test_the_temporary_folder_is_removed_on_exit() -> None:
    app = create_app()
    folder = app.state.work_dir
    assert folder.is_dir()
    with Served(app, _free_port()) as s:
        assert httpx.get(s.url + "/").status_code == 200
    assert not folder.exists()


def test_hosts_and_the_warning_beyond_localhost(tmp_path: Path) -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")
    assert allowed_hosts("0.0.0.0") is None and "localhost" in (allowed_hosts("127.0.0.1") or ())
    import subprocess
    import sys

    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "detente", "serve", "--host", "0.0.0.0", "--port", str(port)],
                            stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stderr.readline() if proc.stderr else ""
        assert line.startswith("warning: --host 0.0.0.0") and "other machines" in line
    finally:
        proc.terminate()
        proc.wait(timeout=30)
