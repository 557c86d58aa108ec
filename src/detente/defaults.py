"""Defaults a layer used in place of a missing input, reported rather than applied silently.

Any layer (a crisis-game template, the simulation, a future crisis model) returns a list of
:class:`DefaultUsed` records with its result; ``detente analyze`` gathers them into the
"defaults used" block of the terminal summary, ``analysis.json`` (``summary.defaults_used``) and
the HTML report. A record says which term, which value stood in, and why (docs/DECISIONS.md X4).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class DefaultUsed:
    """``term`` was not given, so ``value`` stood in for it (``reason`` says what that means)."""

    layer: str  # e.g. "games.two_track", "sim"
    term: str  # e.g. "costs.challenger_war_win_prob"
    value: Any
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def text(self) -> str:
        v = f"{self.value:g}" if isinstance(self.value, float) else str(self.value)
        return f"{self.layer}: {self.term} = {v} ({self.reason})"


@dataclass(frozen=True)
class InputWarning:
    """Something in the input a layer did not use, or dropped (an unused parameter, a skipped move)."""

    layer: str
    what: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def text(self) -> str:
        return f"{self.layer}: {self.what}"


def unique(records: Iterable[Any]) -> list[Any]:
    """Records in first-seen order without repeats (the same default met on several draws)."""
    return list(dict.fromkeys(records))
