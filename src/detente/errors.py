"""User-facing input errors: one line naming file, line, field and reason.

Every layer raises :class:`InputError` for mistakes in what the user gave us, so the
CLI can print one line and exit with code 2 instead of a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class InputError(Exception):
    """A mistake in user input, located as precisely as we know."""

    reason: str
    file: str | None = None
    line: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file + (f":{self.line}" if self.line is not None else ""))
        if self.field:
            parts.append(f"field '{self.field}'")
        parts.append(" ".join(self.reason.split()))
        return ": ".join(parts)
