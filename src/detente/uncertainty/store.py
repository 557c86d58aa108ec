"""Results store: chunks as they finish, then one DuckDB file and/or Parquet file per sweep.

Layout of an output folder::

    run.json             the run record (inputs hash, seed, options, version; timings at the end)
    chunks/chunk-00042.npz   one file per finished chunk, written atomically
    sweep.duckdb         tables runs, draws, columns (written to a temporary file, then renamed)
    draws.parquet        the same draws for other tools

A killed sweep leaves only whole chunk files behind (each is renamed into place once
complete), so ``--resume`` keeps every finished chunk and runs the rest; a chunk that cannot be
read back (a damaged disk, a hand edit) is reported and computed again. Temporary files a kill
leaves behind (``.*.tmp``) are removed when the folder is next used. A new run refuses a folder
that holds another run's results unless told ``--overwrite`` (docs/DECISIONS.md H5).
"""

from __future__ import annotations

import json
import os
import re
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from detente.errors import InputError
from detente.fileio import atomic_write_text, commit_staged, staged_path

STORE_FORMATS = ("duckdb", "parquet", "both", "none")


def sql_name(key: str) -> str:
    """A column name usable in SQL without quotes: ``f.compromise.nato-x`` -> ``f_compromise_nato_x``."""
    return re.sub(r"[^A-Za-z0-9_]", "_", key)


RESULT_FILES = ("sweep.duckdb", "draws.parquet", "run_record.json")


def _atomic_path(target: Path) -> tuple[Path, Path]:
    return staged_path(target), target


def _write_failed(target: Path, exc: BaseException) -> InputError:
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc) or type(exc).__name__
    return InputError(f"cannot write here: {' '.join(reason.split())}", str(target))


class CorruptChunk(Exception):
    """A chunk file that cannot be read back."""


class RunStore:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.chunk_dir = self.folder / "chunks"

    # --- run record -------------------------------------------------------------------------
    def record_path(self) -> Path:
        return self.folder / "run.json"

    def read_record(self) -> dict[str, Any] | None:
        p = self.record_path()
        if not p.is_file():
            return None
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise InputError(f"run record is not valid JSON: {exc}", file=str(p)) from None
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror}", file=str(p)) from None
        if not isinstance(data, dict):
            raise InputError("run record is not a JSON object", file=str(p))
        return data

    def results(self) -> list[Path]:
        """Files of a finished run in this folder."""
        return [self.folder / f for f in RESULT_FILES if (self.folder / f).exists()]

    def has_run(self) -> bool:
        return self.record_path().exists() or bool(self.results()) or bool(self.finished())

    def clean_temporary(self) -> None:
        """Remove temporary files a killed run left (they are never reused: chunks are whole or absent)."""
        for folder in (self.folder, self.chunk_dir):
            if folder.is_dir():
                for p in folder.glob(".*.tmp"):
                    p.unlink(missing_ok=True)
                for p in folder.glob(".*.tmp.wal"):
                    p.unlink(missing_ok=True)

    def clear_results(self) -> None:
        """Remove a previous run's record, tables and chunks (before a new run writes its record)."""
        for p in self.results():
            p.unlink()
        self.record_path().unlink(missing_ok=True)
        self.clear_chunks()

    def write_record(self, record: dict[str, Any]) -> None:
        atomic_write_text(self.record_path(), json.dumps(record, indent=2, allow_nan=False) + "\n")

    # --- chunks -----------------------------------------------------------------------------
    def chunk_path(self, index: int) -> Path:
        return self.chunk_dir / f"chunk-{index:05d}.npz"

    def finished(self) -> set[int]:
        if not self.chunk_dir.is_dir():
            return set()
        found = (re.fullmatch(r"chunk-(\d{5,})", p.stem) for p in self.chunk_dir.glob("chunk-*.npz"))
        return {int(m.group(1)) for m in found if m is not None}

    def clear_chunks(self) -> None:
        if self.chunk_dir.is_dir():
            for p in self.chunk_dir.glob("chunk-*.npz"):
                p.unlink()

    def write_chunk(self, index: int, columns: dict[str, np.ndarray], seconds: float) -> None:
        tmp, target = _atomic_path(self.chunk_path(index))
        try:
            with open(tmp, "wb") as fh:
                np.savez(fh, __seconds__=np.array(seconds), **{f"c{j}": v for j, v in enumerate(columns.values())},
                         __names__=np.array(list(columns)))
                fh.flush()
                os.fsync(fh.fileno())
        except BaseException as exc:
            tmp.unlink(missing_ok=True)
            if isinstance(exc, OSError):
                raise _write_failed(target, exc) from None
            raise
        commit_staged(tmp, target)

    def read_chunk(self, index: int, size: int | None = None) -> tuple[dict[str, np.ndarray], float]:
        """A finished chunk; :class:`CorruptChunk` if it cannot be read or has the wrong length."""
        try:
            with np.load(self.chunk_path(index), allow_pickle=False) as z:
                names = [str(n) for n in z["__names__"]]
                cols = {n: np.asarray(z[f"c{j}"]) for j, n in enumerate(names)}
                secs = float(z["__seconds__"])
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
            raise CorruptChunk(f"{type(exc).__name__}: {exc}") from None
        if not cols or (size is not None and any(len(v) != size for v in cols.values())):
            raise CorruptChunk("wrong number of draws")
        return cols, secs

    # --- final tables -----------------------------------------------------------------------
    def write_tables(self, columns: dict[str, np.ndarray], meaning: dict[str, str],
                     record: dict[str, Any], fmt: str) -> list[Path]:
        """Write draws and the run record to DuckDB and/or Parquet; returns the files written."""
        if fmt == "none":
            return []
        try:
            import pyarrow as pa
        except ImportError as exc:
            raise InputError("the results store needs pyarrow (pip install 'detente[uncertainty]'); "
                             "use --store none to skip it", field="store") from exc
        n = len(next(iter(columns.values()))) if columns else 0
        names = {k: sql_name(k) for k in columns}
        table = pa.table({"draw": np.arange(n, dtype=np.int64),
                          **{names[k]: np.asarray(v) for k, v in columns.items()}})
        written: list[Path] = []
        if fmt in ("parquet", "both"):
            import pyarrow.parquet as pq

            tmp, target = _atomic_path(self.folder / "draws.parquet")
            try:
                pq.write_table(table, tmp)
            except BaseException as exc:
                tmp.unlink(missing_ok=True)
                if isinstance(exc, (OSError, pa.ArrowException)):
                    raise _write_failed(target, exc) from None
                raise
            commit_staged(tmp, target)
            atomic_write_text(self.folder / "run_record.json", json.dumps(record, indent=2) + "\n")
            written.append(target)
        if fmt in ("duckdb", "both"):
            try:
                import duckdb
            except ImportError as exc:
                raise InputError("the DuckDB store needs duckdb (pip install 'detente[uncertainty]'); "
                                 "use --store parquet or none", field="store") from exc
            tmp, target = _atomic_path(self.folder / "sweep.duckdb")
            tmp.unlink()  # duckdb creates the file itself
            try:
                con = duckdb.connect(str(tmp))
                con.register("draws_arrow", table)
                con.execute("CREATE TABLE draws AS SELECT * FROM draws_arrow")
                con.unregister("draws_arrow")
                cols = pa.table({"column_name": [names[k] for k in columns], "key": list(columns),
                                 "meaning": [meaning.get(k, "") for k in columns]})
                con.register("cols_arrow", cols)
                con.execute("CREATE TABLE columns AS SELECT * FROM cols_arrow")
                con.unregister("cols_arrow")
                con.execute("CREATE TABLE runs (run_id VARCHAR, inputs_hash VARCHAR, seed BIGINT, "
                            "draws BIGINT, version VARCHAR, record JSON)")
                con.execute("INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?)",
                            [record["run_id"], record["inputs_hash"], record["seed"], record["draws"],
                             record["detente_version"], json.dumps(record)])
                con.close()
            except BaseException as exc:
                tmp.unlink(missing_ok=True)
                Path(str(tmp) + ".wal").unlink(missing_ok=True)
                if isinstance(exc, (OSError, duckdb.Error)):
                    raise _write_failed(target, exc) from None
                raise
            commit_staged(tmp, target)
            written.append(target)
        return written
