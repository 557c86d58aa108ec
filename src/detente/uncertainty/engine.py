"""Monte Carlo sweeps: split the draws into seeded chunks, run them on a backend, store and summarise.

Chunk ``i`` draws its uniforms from ``SeedSequence(seed).spawn(n_chunks)[i]``, so results
depend on the seed and the chunk size only: the same on every backend, in any order of
completion, and after a resume.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from detente import __version__
from detente.errors import InputError
from detente.scenario.schema import Scenario
from detente.uncertainty.backends import check_backend, make_backend
from detente.uncertainty.params import Param, collect_params, widen, with_dist
from detente.uncertainty.sampling import sample
from detente.uncertainty.store import STORE_FORMATS, CorruptChunk, RunStore, StoredColumns
from detente.uncertainty.summary import summarise
from detente.uncertainty.target import ScenarioTarget

# A sweep with an output folder streams: chunks go to disk as they finish, the tables are written a
# row group at a time and the summary reads one column at a time (8 bytes a draw, whatever the number
# of columns; its quantiles need the whole column), so 20 million draws peak at ~0.5 GB (H9). Without a
# folder (the API, `analyze`) every column stays in memory: ~0.36 GB per million draws on geneva-2022.
MAX_DRAWS = 20_000_000
MAX_DRAWS_IN_MEMORY = 2_000_000
MAX_WIDEN = 100.0
SEED_MAX = 2**32 - 1


@dataclass(frozen=True)
class SweepOptions:
    draws: int = 10_000
    seed: int | None = None  # None: the scenario's settings.seed
    chunk_size: int = 10_000
    models: tuple[str, ...] = ("compromise", "median")
    widen: float = 1.0  # stretch every stated range about its mode
    dist: str | None = None  # override every number's distribution
    backend: str = "inprocess"
    scheduler: str | None = None
    workers: int | None = None
    store: str = "duckdb"
    per_draw: bool = False  # also run hooks that take one scenario per draw (e.g. the simulation)

    def check(self) -> None:
        if not 1 <= self.draws <= MAX_DRAWS:
            raise InputError(f"--draws must be between 1 and {MAX_DRAWS}, got {self.draws}", field="draws")
        if self.chunk_size < 1:
            raise InputError(f"chunk size must be positive, got {self.chunk_size}", field="chunk_size")
        if self.store not in STORE_FORMATS:
            raise InputError(f"unknown store '{self.store}' (use {', '.join(STORE_FORMATS)})", field="store")
        check_backend(self.backend, self.scheduler)
        if not (self.widen > 0 and math.isfinite(self.widen) and self.widen <= MAX_WIDEN):
            raise InputError(f"widen factor must be a number in (0, {MAX_WIDEN:g}], got {self.widen:g}", field="widen")
        if self.seed is not None and not 0 <= self.seed <= SEED_MAX:
            raise InputError(f"--seed must be between 0 and {SEED_MAX}, got {self.seed}", field="seed")
        if self.workers is not None and not 1 <= self.workers <= 256:
            raise InputError(f"--workers must be between 1 and 256, got {self.workers}", field="workers")
        with_dist([], self.dist)  # refuses an unknown distribution name


@dataclass(frozen=True)
class ChunkSpec:
    target: ScenarioTarget
    index: int
    size: int
    seed: np.random.SeedSequence


def run_chunk(spec: ChunkSpec) -> tuple[int, dict[str, np.ndarray], float]:
    """Draw and evaluate one chunk; top level so process pools and Dask can pickle it."""
    t0 = time.perf_counter()
    rng = np.random.default_rng(spec.seed)
    params = spec.target.params
    x = sample(list(params), spec.size, rng)
    cols = {f"x.{p.key}": x[:, j] for j, p in enumerate(params)}
    cols.update(spec.target(x))
    return spec.index, cols, time.perf_counter() - t0


def prepare(sc: Scenario, opts: SweepOptions) -> tuple[list[Param], ScenarioTarget]:
    # the distribution first: a number widens on the scale it is drawn on (log-normal: orders of magnitude)
    params = widen(with_dist(collect_params(sc), opts.dist), opts.widen)
    return params, ScenarioTarget(sc, tuple(params), opts.models, opts.per_draw)


def inputs_hash(sc: Scenario) -> str:
    return hashlib.sha256(sc.model_dump_json(by_alias=True).encode()).hexdigest()


@dataclass
class SweepResult:
    scenario_id: str
    options: SweepOptions
    seed: int
    params: list[Param]
    columns: Mapping[str, np.ndarray]  # a sweep with a folder reads these from its chunks on access
    summary: dict[str, Any]
    record: dict[str, Any]
    files: list[Path] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario_id,
            "seed": self.seed,
            "draws": self.options.draws,
            "options": {k: v for k, v in asdict(self.options).items() if k not in ("seed",)},
            "parameters": [{"key": p.key, "low": p.low, "mode": p.mode, "high": p.high, "dist": p.dist}
                           for p in self.params],
            **self.summary,
            "record": self.record,
            "files": [str(f) for f in self.files],
        }


def column_meaning(sc: Scenario, params: list[Param], target: ScenarioTarget) -> dict[str, str]:
    out = {f"x.{p.key}": f"sampled value of {p.key} ({p.dist} on [{p.low:g}, {p.high:g}], mode {p.mode:g})"
           for p in params}
    for col in target.columns():
        if col.startswith("f."):
            _, m, i = col.split(".", 2)
            out[col] = f"{m} model forecast on issue {i}"
        elif col.startswith("claim."):
            out[col] = f"claim {col[6:]}: 1 holds, 0 fails, NULL/NaN not evaluated"
    out["outcome"] = "outcome class code (0 agreement, 1 stalemate, 2 capitulation, 3 escalation), NaN if none"
    return out


def _same_run(store: RunStore, run_id: str) -> bool:
    """The folder's record is of this very run (same inputs, seed and options)."""
    try:
        old = store.read_record()
    except InputError:
        return False
    return old is not None and old.get("run_id") == run_id


def run_sweep(sc: Scenario, opts: SweepOptions, out: Path | None = None, resume: bool = False,
              on_progress: Callable[[int, int], None] | None = None, overwrite: bool = False,
              on_note: Callable[[str], None] | None = None) -> SweepResult:
    """Run (or resume) a sweep; ``on_progress(done_draws, total_draws)`` after each chunk.

    A folder holding another run is refused unless ``resume`` or ``overwrite``; a folder holding this same
    run with ``store="none"`` (chunks and run.json, no tables) is resumed, so the same command runs again. A
    finished chunk that cannot be read back on resume is reported through ``on_note`` and computed again."""
    opts.check()
    if out is None and opts.draws > MAX_DRAWS_IN_MEMORY:
        raise InputError(f"more than {MAX_DRAWS_IN_MEMORY} draws need an output folder (--out; the draws are "
                         "streamed through it)", field="draws")
    seed = sc.settings.seed if opts.seed is None else opts.seed
    params, target = prepare(sc, opts)
    n_chunks = -(-opts.draws // opts.chunk_size)
    sizes = [min(opts.chunk_size, opts.draws - i * opts.chunk_size) for i in range(n_chunks)]
    seeds = np.random.SeedSequence(seed).spawn(n_chunks)
    h = inputs_hash(sc)
    key_opts = {"draws": opts.draws, "chunk_size": opts.chunk_size, "models": list(target.models),
                "widen": opts.widen, "dist": opts.dist, "per_draw": opts.per_draw}
    run_key = hashlib.sha256(json.dumps([h, seed, key_opts], sort_keys=True).encode()).hexdigest()
    record: dict[str, Any] = {
        "run_id": run_key[:16], "scenario": sc.meta.id, "inputs_hash": h, "seed": seed,
        "draws": opts.draws, "options": {**key_opts, "backend": opts.backend, "scheduler": opts.scheduler,
                                         "workers": opts.workers, "store": opts.store},
        "detente_version": __version__, "parameters": [p.key for p in params],
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    store = RunStore(out) if out is not None else None
    done: dict[int, float] = {}  # chunk -> seconds it took
    kept: dict[int, dict[str, np.ndarray]] = {}  # its columns, only without a folder (else on disk)
    recomputed: list[int] = []
    if store is not None and store.folder.exists() and not store.folder.is_dir():
        raise InputError("--out must be a folder, and this is a file", str(store.folder), field="out")
    if store is not None:
        store.clean_temporary()
    if (not resume and not overwrite and store is not None and opts.store == "none" and not store.results()
            and _same_run(store, record["run_id"])):
        resume = True  # the same run again and no tables to lose: its chunks are reused, as on --resume (SF4)
    if resume:
        if store is None:
            raise InputError("--resume needs an output folder", field="resume")
        old = store.read_record()
        if old is None:
            raise InputError(f"nothing to resume in {out}: no run.json", field="resume")
        if old.get("run_id") != record["run_id"]:
            raise InputError(f"cannot resume: the run in {out} used other inputs, seed or options "
                             "(scenario, --draws, --seed, models, widen or dist differ)", field="resume")
        record["started"] = old.get("started", record["started"])
        for i in sorted(store.finished()):
            if i < n_chunks:
                try:
                    done[i] = store.read_chunk(i, sizes[i])[1]
                except CorruptChunk as exc:
                    recomputed.append(i)
                    if on_note:
                        on_note(f"chunk {i} in {store.chunk_dir} is damaged ({exc}); computing it again")
    elif store is not None and store.has_run() and not overwrite:
        raise InputError("holds the results of another sweep; add --resume to continue that run or "
                         "--overwrite to replace it", str(store.folder), field="out")
    resumed = len(done)
    t0 = time.perf_counter()
    todo = [ChunkSpec(target, i, sizes[i], seeds[i]) for i in range(n_chunks) if i not in done]
    # the backend (a Dask scheduler that may not answer) before any file changes: a failure to
    # connect leaves the folder as it was, not a run record of a run that never ran
    backend = make_backend(opts.backend, opts.scheduler, opts.workers) if todo else None
    t_start = time.perf_counter() - t0
    if store is not None:
        try:
            if resume:
                for i in recomputed:
                    store.chunk_path(i).unlink(missing_ok=True)
                for p in store.results():  # tables of this run are rewritten at the end
                    p.unlink()
            else:
                store.clear_results()
            store.write_record(record)
        except BaseException:
            if backend is not None:
                backend.close()
            raise
    progress_done = sum(sizes[i] for i in done)
    if on_progress:
        on_progress(progress_done, opts.draws)
    if backend is not None:
        try:
            for index, cols, secs in backend.run(run_chunk, todo):
                if store is not None:
                    store.write_chunk(index, cols, secs)
                else:
                    kept[index] = cols
                done[index] = secs
                progress_done += sizes[index]
                if on_progress:
                    on_progress(progress_done, opts.draws)
        finally:
            backend.close()
    wall = time.perf_counter() - t0
    columns: Mapping[str, np.ndarray]
    if store is not None:
        names = list(store.read_chunk(0)[0])
        columns = StoredColumns(store, names, n_chunks, opts.draws)
    else:
        names = list(kept[0])
        columns = {k: np.concatenate([kept[i][k] for i in range(n_chunks)]) for k in names}
        kept.clear()
    record.update({
        "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "timings": {"wall_seconds": round(wall, 4), "backend_start_seconds": round(t_start, 4),
                    "chunk_seconds": round(sum(done[i] for i in range(n_chunks)), 4),
                    "chunks": n_chunks, "chunks_resumed": resumed},
    })
    if recomputed:
        record["chunks_recomputed"] = recomputed
    files: list[Path] = []
    if store is not None:
        store.write_record(record)
        files = store.write_tables(store.iter_chunks(n_chunks), names, column_meaning(sc, params, target), record,
                                   opts.store)
    return SweepResult(sc.meta.id, opts, seed, params, columns, summarise(columns), record, files)
