"""Drive the local web page in a real headless Chromium (Debian's chromium + chromedriver).

Skips cleanly where Chromium, chromedriver or selenium are absent; CI installs them.
Screenshots of the rendered report are saved so a person can look at them.
"""

from __future__ import annotations

import shutil
import socket
import struct
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("selenium")
uvicorn = pytest.importorskip("uvicorn")
from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from detente.report.web import create_app  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER), reason="chromium/chromedriver not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    config = uvicorn.Config(create_app(tmp_path_factory.mktemp("work")), host="127.0.0.1", port=port,
                            log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(100):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1280,2000",
                 f"--user-data-dir={tmp_path_factory.mktemp('chrome')}"):
        opts.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    yield driver
    driver.quit()


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


def test_run_founding_case_and_see_the_report(server: str, browser: webdriver.Chrome, tmp_path: Path) -> None:
    browser.get(server + "/")
    browser.find_element(By.ID, "case-geneva-2022").click()
    browser.find_element(By.ID, "run-case").click()
    WebDriverWait(browser, 60).until(ec.presence_of_element_located((By.ID, "report-link")))
    browser.find_element(By.ID, "report-link").click()
    WebDriverWait(browser, 30).until(ec.presence_of_element_located((By.ID, "strong")))
    charts = browser.find_elements(By.CSS_SELECTOR, ".chart svg")
    assert len(charts) >= 2
    for svg in charts:  # the charts really render: they take up space on the page
        assert svg.size["width"] > 200 and svg.size["height"] > 100
    assert "Perspective" in browser.find_element(By.TAG_NAME, "header").text
    shot = Path("screenshots") if Path("screenshots").is_dir() else tmp_path
    png = shot / "report-geneva-2022.png"
    browser.save_screenshot(str(png))
    width, height = _png_size(png)
    assert width >= 1000 and height >= 500


def test_broken_scenario_shows_an_error(server: str, browser: webdriver.Chrome) -> None:
    browser.get(server + "/")
    browser.find_element(By.ID, "scenario_text").send_keys("detente: 1\nmeta: {id: x, title: X}\n")
    browser.find_element(By.ID, "run-own").click()
    error = WebDriverWait(browser, 30).until(ec.presence_of_element_located((By.ID, "error")))
    listing = browser.find_element(By.ID, "errors")  # every problem is listed, one item each
    items = listing.find_elements(By.TAG_NAME, "li")
    assert "problem(s) in pasted scenario" in error.text and str(len(items)) in error.text
    assert any("perspective" in li.text for li in items) and "Traceback" not in browser.page_source
