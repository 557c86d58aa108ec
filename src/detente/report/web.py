"""``detente serve``: a small local web page to load a scenario, change numbers, see the report.

Bound to 127.0.0.1 by default. Uploads are size-limited (while the body streams in, so a
chunked upload without Content-Length is cut off too) and validated like any scenario file,
with every error listed; the app reads only the bundled cases and writes only into its own
work folder, removed when the server stops; every error is shown as a message, never as a
traceback. Requests must name this server in their Host header (against DNS rebinding), and a
POST must come from this server's own pages (Origin/Referer/Sec-Fetch-Site, against CSRF). At
most ``max_jobs`` analyses run or wait at once; beyond that the page says the server is busy.
"""

from __future__ import annotations

import html
import ipaddress
import re
import shutil
import tempfile
import threading
import uuid
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from detente.analysis.analyze import analyze
from detente.cases import case_names, case_path
from detente.errors import InputError
from detente.fileio import atomic_write_text, decode_user_text
from detente.report.html import build_html
from detente.scenario.loader import all_problems, format_path, load_scenario, scenario_from_data
from detente.scenario.loader import load_scenario_text as parse_scenario
from detente.scenario.writer import scenario_to_data

MAX_UPLOAD_BYTES = 1024 * 1024
MAX_JOBS = 4  # analyses running or waiting at once (2 cores: more only queue up memory)
KEEP_JOBS = 200  # finished jobs kept (with their reports) before the oldest are dropped
KEEP_STAGED = 50  # uploads waiting on their number form (SF5) before the oldest are dropped
MAX_ERRORS = 50  # validation errors listed for one upload
LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})
_JOB_ID = re.compile(r"^[0-9a-f]{32}$")

_STYLE = """<style>body{font-family:system-ui,sans-serif;max-width:56rem;margin:2rem auto;padding:0 1rem}
.error{background:#fdecea;border-left:4px solid #c62828;padding:.6rem .9rem}
textarea{width:100%;height:14rem;font-family:monospace}input[type=number]{width:7rem}
table{border-collapse:collapse}td,th{padding:.2rem .6rem;border-bottom:1px solid #eee;text-align:left}</style>"""


def _page(title: str, body: str, status: int = 200, refresh: int | None = None) -> HTMLResponse:
    meta = f'<meta http-equiv="refresh" content="{refresh}">' if refresh else ""
    doc = (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">{meta}<title>{html.escape(title)}'
           f" · detente</title>{_STYLE}</head><body><p><a href=\"/\">detente</a></p>{body}</body></html>")
    return HTMLResponse(doc, status_code=status)


def _error(message: str, status: int = 400, more: list[str] | None = None) -> HTMLResponse:
    items = "".join(f"<li>{html.escape(m)}</li>" for m in (more or []))
    listing = f'<ul id="errors">{items}</ul>' if items else ""
    return _page("Error", f'<h1>That did not work</h1><p class="error" id="error">{html.escape(message)}</p>'
                 f'{listing}<p><a href="/">Back</a></p>', status)


class Invalid(InputError):
    """A scenario with several problems: ``problems`` lists every one (shown as a list)."""

    problems: list[str]


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or address) is this machine only."""
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def allowed_hosts(bind: str) -> frozenset[str] | None:
    """Host-header names this server answers to when bound to ``bind`` (None: any, bound to all)."""
    if bind in ("0.0.0.0", "::", ""):
        return None
    if is_loopback(bind):
        return LOOPBACK_NAMES | {bind}
    return frozenset({bind})


def _host_name(netloc: str) -> str:
    """``[::1]:8765`` -> ``::1``; ``localhost:80`` -> ``localhost``."""
    try:
        return (urlsplit("//" + netloc).hostname or "").lower()
    except ValueError:
        return ""


class TooLarge(InputError):
    """An upload over the size limit (HTTP 413)."""


@dataclass
class Job:
    id: str
    title: str
    state: str = "queued"  # queued | running | done | error
    message: str = ""


class Busy(Exception):
    """Too many analyses are running or waiting."""


class JobStore:
    """Jobs run in background threads, at most ``max_jobs`` at once; reports go to the app's folder."""

    def __init__(self, folder: Path, max_jobs: int = MAX_JOBS) -> None:
        self.folder = folder
        self.max_jobs = max_jobs
        self.jobs: dict[str, Job] = {}
        self.lock = threading.Lock()

    def active(self) -> int:
        return sum(j.state in ("queued", "running") for j in self.jobs.values())

    def start(self, scenario: Any, seed: int | None) -> Job:
        job = Job(uuid.uuid4().hex, scenario.meta.title)
        with self.lock:
            if self.active() >= self.max_jobs:
                raise Busy(f"busy: {self.max_jobs} analyses are running or waiting; try again in a minute")
            self._forget_old()
            self.jobs[job.id] = job
        threading.Thread(target=self._run, args=(job, scenario, seed), daemon=True).start()
        return job

    def _forget_old(self) -> None:
        finished = [j for j in self.jobs.values() if j.state in ("done", "error")]
        for j in finished[: max(0, len(self.jobs) - KEEP_JOBS + 1)]:
            del self.jobs[j.id]
            self.report_path(j.id).unlink(missing_ok=True)

    def _run(self, job: Job, scenario: Any, seed: int | None) -> None:
        from detente.analysis.analyze import AnalyzeOptions

        job.state, job.message = "running", "running the models and layers"
        try:
            result = analyze(scenario, AnalyzeOptions(seed=seed))
            atomic_write_text(self.report_path(job.id), build_html(result))
            job.state, job.message = "done", "finished"
        except InputError as exc:
            job.state, job.message = "error", str(exc)
        except Exception as exc:  # a bug, not a user mistake: say so without a traceback
            job.state, job.message = "error", f"internal error ({type(exc).__name__}); please report it"

    def get(self, job_id: str) -> Job | None:
        if not _JOB_ID.match(job_id):
            return None
        return self.jobs.get(job_id)

    def report_path(self, job_id: str) -> Path:
        return self.folder / f"{job_id}.html"


def _apply_edits(scenario: Any, form: dict[str, str]) -> Any:
    """Apply the form's number edits (capability per actor, named parameters) and revalidate. A number
    left as the form showed it is no edit (it keeps its range)."""
    shown = {f"cap__{a.id}": a.capability.value for a in scenario.actors}
    shown |= {f"param__{k}": p.value for k, p in scenario.parameters.items()}
    edits = {}
    for key, raw in form.items():
        if not raw.strip() or "__" not in key:
            continue
        try:
            value = float(raw)
        except ValueError:
            raise InputError(f"'{raw}' is not a number", "form", field=key) from None
        if key not in shown or value != float(f"{shown[key]:g}"):
            edits[key] = value
    if not edits:
        return scenario
    data = scenario_to_data(scenario)
    for key, value in edits.items():
        kind, name = key.split("__", 1)
        if kind == "cap":
            for actor in data["actors"]:
                if actor["id"] == name:
                    actor["capability"] = _with_value(actor["capability"], value)
        elif kind == "param" and name in data.get("parameters", {}):
            data["parameters"][name] = _with_value(data["parameters"][name], value)
    return scenario_from_data(data, f"{scenario.meta.id} (edited in the browser)")


def _with_value(old: Any, value: float) -> Any:
    """The edited number becomes a point (the user set it, so its range goes); its note stays."""
    if isinstance(old, dict):
        new = {k: v for k, v in old.items() if k not in ("value", "low", "high")}
        new["value"] = value
        return new
    return value


def create_app(work_dir: Path | None = None, max_upload: int = MAX_UPLOAD_BYTES, host: str = "127.0.0.1",
               max_jobs: int = MAX_JOBS) -> FastAPI:
    """The web app; ``host`` is the address it is bound to (Host headers are checked against it).
    Without ``work_dir`` it works in a temporary folder that is removed when the server stops."""
    own = work_dir is None
    folder = Path(work_dir) if work_dir else Path(tempfile.mkdtemp(prefix="detente-serve-"))
    folder.mkdir(parents=True, exist_ok=True)
    store = JobStore(folder, max_jobs)
    # uploads waiting on their number form, oldest first: their text (UTF-8, at most max_upload bytes) and
    # name, parsed again when used; a parsed scenario holds ~50 times its text (H17: 50 of them, GBs)
    staged: dict[str, tuple[bytes, str]] = {}

    def staged_scenario(sid: str) -> Any:
        got = staged.get(sid) if _JOB_ID.match(sid) else None
        return None if got is None else parse_scenario(got[0].decode("utf-8"), got[1])
    hosts = allowed_hosts(host)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> Any:
        try:
            yield
        finally:
            if own:
                shutil.rmtree(folder, ignore_errors=True)

    app = FastAPI(title="detente", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.work_dir = folder

    @app.middleware("http")
    async def _guard(request: Request, call_next: Any) -> Response:
        own_host = request.headers.get("host", "")
        if hosts is not None and _host_name(own_host) not in hosts:
            return _error("this server does not answer to that host name (Host header)", 400)
        if request.method not in ("GET", "HEAD"):
            origin = request.headers.get("origin")
            referer = request.headers.get("referer")
            fetch_site = request.headers.get("sec-fetch-site")
            foreign = (
                (origin is not None and (origin == "null" or urlsplit(origin).netloc.lower() != own_host.lower()))
                or (origin is None and referer is not None and urlsplit(referer).netloc.lower() != own_host.lower())
                or fetch_site in ("cross-site", "same-site")
            )
            if foreign:
                return _error("refused: the form was not sent from this server's own page", 403)
        return await call_next(request)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return _error(str(exc.detail), exc.status_code)

    @app.exception_handler(Exception)
    async def _any_error(request: Request, exc: Exception) -> Response:
        return _error(f"internal error ({type(exc).__name__}); please report it", 500)

    @app.get("/", response_class=HTMLResponse)
    def index() -> HTMLResponse:
        rows = "".join(
            f'<li><a href="/case/{html.escape(n)}" id="case-{html.escape(n)}">{html.escape(n)}</a></li>'
            for n in case_names()
        )
        body = (
            "<h1>detente</h1><p>Model a negotiation or crisis from a stated scenario. The numbers are "
            "assumptions; the report shows what follows from them.</p>"
            f"<h2>Bundled cases</h2><ul>{rows}</ul>"
            '<h2>Your own scenario</h2><form method="post" action="/run" enctype="multipart/form-data">'
            '<p><label>Upload a YAML file: <input type="file" name="upload" id="upload"></label></p>'
            '<p><label>or paste it here:<br><textarea name="scenario_text" id="scenario_text"></textarea>'
            '</label></p><p><button type="submit" name="then" value="run" id="run-own">Run analysis</button> '
            '<button type="submit" name="then" value="edit" id="edit-own">Edit its numbers first</button></p>'
            "</form>"
        )
        return _page("detente", body)

    @app.get("/case/{name}", response_class=HTMLResponse)
    def case_form(name: str) -> HTMLResponse:
        if name not in case_names():
            return _error(f"no bundled case '{name}'", 404)
        return _number_form(load_scenario(case_path(name)), "case", name)

    @app.get("/edit/{staged_id}", response_class=HTMLResponse)
    def staged_form(staged_id: str) -> HTMLResponse:
        sc = staged_scenario(staged_id)
        if sc is None:
            return _error("no such uploaded scenario (the server keeps the last "
                          f"{KEEP_STAGED}; upload it again)", 404)
        return _number_form(sc, "staged", staged_id)

    @app.post("/run")
    async def run(request: Request) -> Response:
        limit = max_upload + 64 * 1024
        length = request.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            return _error(f"upload too large: the limit is {max_upload} bytes", 413)
        if store.active() >= store.max_jobs:  # say so before reading the upload
            return _error(f"busy: {store.max_jobs} analyses are running or waiting; try again in a minute", 503)
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.stream():  # bounded while it streams (chunked bodies have no length)
            size += len(chunk)
            if size > limit:
                return _error(f"upload too large: the limit is {max_upload} bytes", 413)
            chunks.append(chunk)
        request._body = b"".join(chunks)  # starlette's form parser reads the body we kept
        form = await request.form()
        try:
            fields = {k: v for k, v in form.items() if isinstance(v, str)}
            source = None  # an upload's or pasted text and its name
            if fields.get("staged"):  # an upload's number form (SF5)
                scenario = staged_scenario(fields["staged"])
                if scenario is None:
                    raise InputError(f"no such uploaded scenario (the server keeps the last {KEEP_STAGED}; "
                                     "upload it again)", "form", field="staged")
            else:
                source = None if fields.get("case") else await _form_text(form, max_upload)  # a case comes first
                scenario = _parse_all(*source) if source is not None else await _scenario_from_form(form, max_upload)
            if "case" in fields or "staged" in fields:
                scenario = _apply_edits(scenario, fields)
            _check_layers(scenario, "the scenario")
            if fields.get("then") == "edit" and source is not None and "case" not in fields \
                    and "staged" not in fields:
                sid = uuid.uuid4().hex
                with store.lock:
                    while len(staged) >= KEEP_STAGED:
                        del staged[next(iter(staged))]
                    staged[sid] = (source[0].encode("utf-8"), source[1])
                return RedirectResponse(f"/edit/{sid}", status_code=303)
        except Invalid as exc:
            return _error(f"{len(exc.problems)} problem(s) in {exc.file}", 400, exc.problems)
        except InputError as exc:
            return _error(str(exc), 413 if isinstance(exc, TooLarge) else 400)
        try:
            job = store.start(scenario, None)
        except Busy as exc:
            return _error(str(exc), 503)
        return RedirectResponse(f"/jobs/{job.id}", status_code=303)

    @app.get("/jobs/{job_id}", response_class=HTMLResponse)
    def job_page(job_id: str) -> HTMLResponse:
        job = store.get(job_id)
        if job is None:
            return _error("no such job", 404)
        if job.state == "error":
            return _error(job.message)
        if job.state != "done":
            return _page("Running", f'<h1>{html.escape(job.title)}</h1><p id="progress">{job.state}: '
                         f"{html.escape(job.message)} …</p>", refresh=1)
        return _page(job.title, f'<h1>{html.escape(job.title)}</h1><p id="done">Done. '
                     f'<a href="/jobs/{job.id}/report" id="report-link">Open the report</a></p>'
                     f'<iframe src="/jobs/{job.id}/report" style="width:100%;height:80vh;border:0"></iframe>')

    @app.get("/jobs/{job_id}/report", response_class=HTMLResponse)
    def job_report(job_id: str) -> Response:
        job = store.get(job_id)
        if job is None or job.state != "done":
            return _error("no such report", 404)
        return HTMLResponse(store.report_path(job.id).read_text(encoding="utf-8"))

    return app


def _number_form(sc: Any, key: str, value: str) -> HTMLResponse:
    """The numbers a user may change before a run (capabilities, named parameters), for a bundled case
    (``key`` "case") or an upload (``key`` "staged", SF5: uploads went straight to their report)."""
    caps = "".join(
        f'<tr><td>{html.escape(a.name)}</td><td><input type="number" step="any" name="cap__{html.escape(a.id)}" '
        f'value="{a.capability.value:g}"></td><td>{html.escape(a.capability.note or "")}</td></tr>'
        for a in sc.actors
    )
    params = "".join(
        f'<tr><td>{html.escape(k)}</td><td><input type="number" step="any" name="param__{html.escape(k)}" '
        f'value="{p.value:g}"></td><td>{html.escape(p.note or "")}</td></tr>'
        for k, p in sc.parameters.items()
    )
    body = (
        f"<h1>{html.escape(sc.meta.title)}</h1><p><em>{html.escape(sc.meta.perspective)}</em></p>"
        f'<form method="post" action="/run" enctype="multipart/form-data">'
        f'<input type="hidden" name="{key}" value="{html.escape(value)}">'
        f"<h2>Capabilities</h2><table>{caps}</table>"
        + (f"<h2>Parameters</h2><table>{params}</table>" if params else "")
        + "<p>A number you change becomes a point value (its range goes); the others keep theirs.</p>"
        + '<p><button type="submit" id="run-case">Run analysis</button></p></form>'
    )
    return _page(sc.meta.title, body)


async def _scenario_from_form(form: Any, max_upload: int) -> Any:
    case = form.get("case")
    if isinstance(case, str) and case:
        if case not in case_names():
            raise InputError(f"no bundled case '{case}'", case)
        return load_scenario(case_path(case))
    source = await _form_text(form, max_upload)
    if source is not None:
        return _parse_all(*source)
    raise InputError("choose a case, upload a file or paste a scenario", "form")


async def _form_text(form: Any, max_upload: int) -> tuple[str, str] | None:
    """The uploaded file's or the pasted scenario's text and name (size-checked), None when there is none."""
    upload = form.get("upload")
    if upload is not None and not isinstance(upload, str) and getattr(upload, "filename", ""):
        raw = await upload.read(max_upload + 1)
        name = Path(upload.filename).name or "upload.yaml"
        if len(raw) > max_upload:
            raise TooLarge(f"upload too large: the limit is {max_upload} bytes", name)
        return decode_user_text(raw, name), name
    text = form.get("scenario_text")
    if isinstance(text, str) and text.strip():
        if len(text.encode("utf-8")) > max_upload:
            raise TooLarge(f"text too large: the limit is {max_upload} bytes", "pasted scenario")
        return text, "pasted scenario"
    return None


def _parse_all(text: str, name: str) -> Any:
    """The scenario, or :class:`Invalid` listing every problem (not only the first)."""
    problems = all_problems(text, name, MAX_ERRORS)
    if len(problems) > 1:
        exc = Invalid(f"{len(problems)} problems", name)
        exc.problems = problems
        raise exc
    return parse_scenario(text, name)


def _check_layers(scenario: Any, name: str) -> None:
    from detente.layer_checks import layer_problems

    problem = layer_problems(scenario)
    if problem is not None:
        where, reason = problem
        raise InputError(reason, name, field=format_path(where) or None)


__all__ = ["MAX_UPLOAD_BYTES", "create_app"]
