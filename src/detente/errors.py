"""User-facing input errors: one line naming file, line, field and reason.

Every layer raises :class:`InputError` for mistakes in what the user gave us, so the
CLI can print one line and exit with code 2 instead of a traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Characters a terminal may act on: C0 controls but tab and newline (ESC starts ANSI and OSC
# sequences), DEL, C1 controls, and the bidirectional overrides that reorder what is shown.
CONTROL_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` safe for a terminal: every control character shown as an escape (``\\x1b``)."""
    return CONTROL_CHARS.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                             else f"\\u{ord(m.group()):04x}", text)


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
        return printable(": ".join(parts))
