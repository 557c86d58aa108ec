"""Results store: chunks as they finish, then one DuckDB file and/or Parquet file per sweep.

Layout of an output folder::

    run.json             the run record (inputs hash, seed, options, version; timings at the end)
    chunks/chunk-00042.npz   one file per finished chunk, written atomically
    sweep.duckdb         tables runs, draws, columns (written to a temporary file, then renamed)
    draws.parquet        the same draws for other tools

A killed sweep leaves only whole chunk files behind (each is renamed into place once
complete), so ``--resume`` keeps every finished chunk and runs the rest.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from detente.errors import InputError
from detente.fileio import atomic_write_text

STORE_FORMATS = ("duckdb", "parquet", "both", "none")


def sql_name(key: str) -> str:
    """A column name usable in SQL without quotes: ``f.compromise.nato-x`` -> ``f_compromise_nato_x``."""
    return re.sub(r"[^A-Za-z0-9_]", "_", key)


def _atomic_path(target: Path) -> tuple[Path, Path]:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    return Path(tmp), target


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
            return json.loads(p.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise InputError(f"run record is not valid JSON: {exc}", file=str(p)) from exc

    def write_record(self, record: dict[str, Any]) -> None:
        atomic_write_text(self.record_path(), json.dumps(record, indent=2, allow_nan=False) + "\n")

    # --- chunks -----------------------------------------------------------------------------
    def chunk_path(self, index: int) -> Path:
        return self.chunk_dir / f"chunk-{index:05d}.npz"

    def finished(self) -> set[int]:
        if not self.chunk_dir.is_dir():
            return set()
        return {int(p.stem.split("-")[1]) for p in self.chunk_dir.glob("chunk-*.npz")}

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
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def read_chunk(self, index: int) -> tuple[dict[str, np.ndarray], float]:
        with np.load(self.chunk_path(index)) as z:
            names = [str(n) for n in z["__names__"]]
            return {n: z[f"c{j}"] for j, n in enumerate(names)}, float(z["__seconds__"])

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
                os.replace(tmp, target)
            except BaseException:
                tmp.unlink(missing_ok=True)
                raise
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
                os.replace(tmp, target)
            except BaseException:
                tmp.unlink(missing_ok=True)
                Path(str(tmp) + ".wal").unlink(missing_ok=True)
                raise
            written.append(target)
        return written
