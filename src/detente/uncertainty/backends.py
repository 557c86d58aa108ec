"""Where chunks run: in this process, in a local process pool, or on a Dask cluster.

All three take the same picklable chunk specs and yield results as chunks finish; a
chunk's draws depend only on its own seed (spawned from the run seed), never on which
worker ran it or when, so every backend gives the same numbers.
"""

from __future__ import annotations

import multiprocessing
import os
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any, Protocol

from detente.errors import InputError

BACKENDS = ("inprocess", "pool", "dask")


class Backend(Protocol):
    name: str

    def run(self, fn: Callable[[Any], Any], specs: list[Any]) -> Iterator[Any]: ...

    def close(self) -> None: ...


class InProcess:
    name = "inprocess"

    def run(self, fn: Callable[[Any], Any], specs: list[Any]) -> Iterator[Any]:
        for s in specs:
            yield fn(s)

    def close(self) -> None:
        pass


ONE_THREAD = {"NUMBA_NUM_THREADS": "1"}  # a worker process per core: compiled kernels stay single-threaded


def _one_thread() -> None:
    """Pool worker start-up, before any task imports Numba."""
    os.environ.update(ONE_THREAD)


class Pool:
    """A local process pool; ``spawn`` workers, so a progress thread in the parent is safe."""

    name = "pool"

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers

    def run(self, fn: Callable[[Any], Any], specs: list[Any]) -> Iterator[Any]:
        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx, initializer=_one_thread) as ex:
            futures = [ex.submit(fn, s) for s in specs]
            try:
                for fut in as_completed(futures):
                    yield fut.result()
            finally:
                for fut in futures:
                    fut.cancel()

    def close(self) -> None:
        pass


class Dask:
    """Dask distributed: a given scheduler address, or a LocalCluster bound to 127.0.0.1."""

    name = "dask"

    def __init__(self, scheduler: str | None = None, workers: int | None = None) -> None:
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError as exc:
            raise InputError("the dask backend needs dask[distributed] "
                             "(pip install 'detente[dask]')", field="backend") from exc
        self._cluster = None
        if scheduler:
            try:
                self.client = Client(scheduler, timeout="15s")
            except MemoryError:  # something answered, but not a Dask scheduler (a huge bogus frame length)
                raise InputError(f"{scheduler} does not speak the Dask protocol", field="scheduler") from None
            except Exception as exc:  # any failure to connect: the address is the user's to fix
                reason = " ".join(str(exc).split()) or type(exc).__name__
                raise InputError(f"cannot reach Dask scheduler {scheduler}: {reason}", field="scheduler") from None
        else:
            self._cluster = LocalCluster(n_workers=workers or 2, threads_per_worker=1, processes=True,
                                         host="127.0.0.1", dashboard_address="127.0.0.1:0", env=ONE_THREAD)
            self.client = Client(self._cluster)

    def run(self, fn: Callable[[Any], Any], specs: list[Any]) -> Iterator[Any]:
        from dask.distributed import as_completed as dask_completed

        futures = [self.client.submit(fn, s, pure=False) for s in specs]
        try:
            for fut in dask_completed(futures):
                yield fut.result()
        finally:
            self.client.cancel(futures)

    def close(self) -> None:
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()


_ADDRESS = re.compile(r"^(tcp|tls|ucx|inproc)://[^\s:/]+:\d{1,5}$|^[^\s:/]+:\d{1,5}$")


def check_backend(name: str, scheduler: str | None) -> None:
    """Refuse a bad backend or scheduler address before any work or output starts."""
    if name not in BACKENDS:
        raise InputError(f"unknown backend '{name}' (use {', '.join(BACKENDS)})", field="backend")
    if scheduler is not None:
        if name != "dask":
            raise InputError("--scheduler needs --backend dask", field="scheduler")
        if not _ADDRESS.match(scheduler) or not 0 < int(scheduler.rsplit(":", 1)[1]) < 65536:
            raise InputError(f"'{scheduler}' is not a scheduler address (use tcp://HOST:PORT)", field="scheduler")


def make_backend(name: str, scheduler: str | None = None, workers: int | None = None) -> Backend:
    check_backend(name, scheduler)
    if name == "inprocess":
        return InProcess()
    if name == "pool":
        return Pool(workers)
    if name == "dask":
        return Dask(scheduler, workers)
    raise InputError(f"unknown backend '{name}' (use {', '.join(BACKENDS)})", field="backend")
