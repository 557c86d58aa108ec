"""Progress lines for long commands: a spinner while a step runs, and one line on stderr for every
step that took more than a second (so a slow analysis says what it is doing, a fast one stays quiet).
Only on a terminal: piped or captured stderr carries errors alone."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

from rich.console import Console

from detente.analysis.analyze import STEP_NAMES

SLOW = 1.0  # seconds: steps longer than this get a line


@contextmanager
def steps(console: Console, enabled: bool = True,
          names: dict[str, str] | None = None) -> Iterator[Callable[[str], AbstractContextManager[Any]]]:
    """Yield ``step(name)``, a context manager that shows and times one step."""
    labels = {**STEP_NAMES, "report": "report (charts and HTML)", **(names or {})}

    @contextmanager
    def step(name: str) -> Iterator[None]:
        label = labels.get(name, name)
        t0 = time.perf_counter()
        with console.status(f"detente: {label}…"):
            yield
        took = time.perf_counter() - t0
        if took > SLOW:
            console.print(f"[dim]· {label}: {took:.1f} s[/dim]", highlight=False)

    if not enabled or not console.is_terminal:  # piped or captured stderr stays clean
        yield lambda name: nullcontext()
        return
    yield step
