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
from collections.abc import Iterator, Mapping
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
ROW_GROUP = 131_072  # draws per Parquet row group / DuckDB insert: chunks are gathered up to this
DUCKDB_MEMORY = "256MB"  # DuckDB's buffer while the draws table is built: it writes to its file beyond


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

    def chunk_column(self, index: int, key: str) -> np.ndarray:
        """One column of a finished chunk (an .npz member is read alone, not the whole chunk)."""
        try:
            with np.load(self.chunk_path(index), allow_pickle=False) as z:
                names = [str(n) for n in z["__names__"]]
                return np.asarray(z[f"c{names.index(key)}"])
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
            raise InputError(f"cannot read {key} back: {type(exc).__name__}: {exc}",
                             str(self.chunk_path(index))) from None

    def iter_chunks(self, n_chunks: int) -> Iterator[dict[str, np.ndarray]]:
        """Every chunk's columns in chunk order, one chunk in memory at a time."""
        for i in range(n_chunks):
            try:
                yield self.read_chunk(i)[0]
            except CorruptChunk as exc:
                raise InputError(f"cannot read chunk {i} back: {exc}", str(self.chunk_path(i))) from None

    # --- final tables -----------------------------------------------------------------------
    def write_tables(self, chunks: Iterator[dict[str, np.ndarray]], columns: list[str], meaning: dict[str, str],
                     record: dict[str, Any], fmt: str) -> list[Path]:
        """Write the draws (``chunks``, in order) and the run record to DuckDB and/or Parquet, a row
        group at a time, so memory does not grow with the number of draws; returns the files written."""
        if fmt == "none":
            return []
        try:
            import pyarrow as pa
        except ImportError as exc:
            raise InputError("the results store needs pyarrow (pip install 'detente[uncertainty]'); "
                             "use --store none to skip it", field="store") from exc
        names = {k: sql_name(k) for k in columns}
        want_parquet, want_duckdb = fmt in ("parquet", "both"), fmt in ("duckdb", "both")
        duckdb: Any = None
        if want_duckdb:
            try:
                import duckdb
            except ImportError as exc:
                raise InputError("the DuckDB store needs duckdb (pip install 'detente[uncertainty]'); "
                                 "use --store parquet or none", field="store") from exc
        staged: list[tuple[Path, Path]] = []
        current = self.folder  # the file being written, named if writing fails
        writer: Any = None
        con: Any = None
        errors: tuple[type[BaseException], ...] = (OSError, pa.ArrowException) + ((duckdb.Error,) if duckdb else ())
        try:
            if want_parquet:
                import pyarrow.parquet as pq

                staged.append(_atomic_path(self.folder / "draws.parquet"))
            if want_duckdb:
                staged.append(_atomic_path(self.folder / "sweep.duckdb"))
                staged[-1][0].unlink()  # duckdb creates the file itself
                con = duckdb.connect(str(staged[-1][0]), config={"memory_limit": DUCKDB_MEMORY})
            first = True
            for table in _row_groups(chunks, columns, names, pa):
                if want_parquet:
                    current = staged[0][1]
                    if writer is None:
                        writer = pq.ParquetWriter(staged[0][0], table.schema)
                    writer.write_table(table, row_group_size=ROW_GROUP)
                if con is not None:
                    current = staged[-1][1]
                    con.register("draws_arrow", table)
                    con.execute("CREATE TABLE draws AS SELECT * FROM draws_arrow" if first
                                else "INSERT INTO draws SELECT * FROM draws_arrow")
                    con.unregister("draws_arrow")
                first = False
            if writer is not None:
                current = staged[0][1]
                writer.close()
                writer = None
            if con is not None:
                current = staged[-1][1]
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
                con = None
        except BaseException as exc:
            if writer is not None:
                writer.close()
            if con is not None:
                con.close()
            for tmp, _ in staged:
                tmp.unlink(missing_ok=True)
                Path(str(tmp) + ".wal").unlink(missing_ok=True)
            if isinstance(exc, errors):
                raise _write_failed(current, exc) from None
            raise
        written: list[Path] = []
        for tmp, target in staged:
            commit_staged(tmp, target)
            written.append(target)
            if target.name == "draws.parquet":
                atomic_write_text(self.folder / "run_record.json", json.dumps(record, indent=2) + "\n")
        return written


def _row_groups(chunks: Iterator[dict[str, np.ndarray]], columns: list[str], names: dict[str, str],
                pa: Any) -> Iterator[Any]:
    """Arrow tables of about ROW_GROUP draws each (a ``draw`` number first), from chunks in order."""
    start, parts, rows = 0, [], 0
    for cols in chunks:
        parts.append(cols)
        rows += len(next(iter(cols.values()))) if cols else 0
        if rows >= ROW_GROUP:
            yield _table(parts, columns, names, start, rows, pa)
            start, parts, rows = start + rows, [], 0
    if parts or start == 0:
        yield _table(parts, columns, names, start, rows, pa)


def _table(parts: list[dict[str, np.ndarray]], columns: list[str], names: dict[str, str], start: int, rows: int,
           pa: Any) -> Any:
    data = {k: np.concatenate([p[k] for p in parts]) if parts else np.empty(0) for k in columns}
    return pa.table({"draw": np.arange(start, start + rows, dtype=np.int64),
                     **{names[k]: np.asarray(v) for k, v in data.items()}})


class StoredColumns(Mapping[str, np.ndarray]):
    """A finished sweep's columns, read from its chunk files one column at a time: the summary
    walks them so that one column (8 bytes a draw), not every column, is in memory at once."""

    def __init__(self, store: RunStore, names: list[str], n_chunks: int, total: int = 0) -> None:
        self.store, self.names, self.n_chunks, self.total = store, names, n_chunks, total  # total: draws

    def __getitem__(self, key: str) -> np.ndarray:
        if key not in self.names:
            raise KeyError(key)
        if not self.total:
            return np.concatenate([self.store.chunk_column(i, key) for i in range(self.n_chunks)])
        out: np.ndarray | None = None  # filled in place: one column and one chunk in memory, not two columns
        at = 0
        for i in range(self.n_chunks):
            part = self.store.chunk_column(i, key)
            if out is None:
                out = np.empty(self.total, dtype=part.dtype)
            if at + len(part) > self.total:
                break
            out[at:at + len(part)] = part
            at += len(part)
        if out is None or at != self.total:
            raise InputError(f"the chunks hold another number of draws of {key} than {self.total}",
                             str(self.store.chunk_dir))
        return out

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)
