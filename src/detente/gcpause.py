"""One pause of Python's cyclic garbage collector, for the hot loops that make many small
containers and no reference cycles (the simulation's batches, M12; the crisis model's solves,
C17): the collector's full passes rescan a growing heap and free next to nothing, since those
objects are freed by reference counting.

The switch is process-wide, so the pause is skipped while other threads run (a server's
analyses would turn it back on under each other), and a caller's own pause is left alone.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the collector for the ``with`` block; restore it as found."""
    if threading.active_count() > 1:
        yield
        return
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
