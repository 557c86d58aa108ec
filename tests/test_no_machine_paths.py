"""No file the package ships names a path of the machine it was written on (COMMON rules; H14: two blind
case READMEs cited the held-out folders by their absolute paths there)."""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "detente"
MACHINE = re.compile(r"(?<![\w.])/(work|home|Users|tmp)/[\w.-]+/")


def test_shipped_files_name_no_machine_path() -> None:
    found = []
    for p in sorted(SRC.rglob("*")):
        if p.is_file() and p.suffix in (".py", ".md", ".yaml", ".txt", ".j2", ".json"):
            for n, line in enumerate(p.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
                if MACHINE.search(line):
                    found.append(f"{p.relative_to(SRC)}:{n}")
    assert not found, found
