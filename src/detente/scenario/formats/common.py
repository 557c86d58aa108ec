"""Helpers shared by the importers: ids, numbers, meta blocks, error collection.

Foreign files use free-text names ("EU (incl Norway)", "Pstn1"); detente ids must match
``^[A-Za-z0-9][A-Za-z0-9_.\\-]{0,63}$``. Every importer turns names into ids the same way,
and reports bad input as a one-line :class:`InputError` naming file and line.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from detente.errors import InputError
from detente.scenario.loader import read_text, scenario_from_data
from detente.scenario.schema import Scenario

ID_MAX = 64
_BAD_ID_CHARS = re.compile(r"[^A-Za-z0-9_.\-]+")


def make_id(text: str, fallback: str = "x") -> str:
    """A valid detente id from free text: other characters become '_', length <= 64."""
    s = _BAD_ID_CHARS.sub("_", text.strip())
    s = re.sub(r"_{2,}", "_", s)
    s = s.lstrip("_.-")
    s = s[:ID_MAX].rstrip("_.-") or fallback
    return s


def unique_ids(names: Iterable[str], fallback: str = "x", lower: bool = False) -> list[str]:
    """Ids for ``names`` in order; clashes (after sanitising) get ``-2``, ``-3`` ... suffixes."""
    out: list[str] = []
    seen: set[str] = set()
    for name in names:
        base = make_id(name, fallback)
        if lower:
            base = base.lower()
        cand, k = base, 2
        while cand.lower() in seen:
            suffix = f"-{k}"
            cand = base[: ID_MAX - len(suffix)] + suffix
            k += 1
        seen.add(cand.lower())
        out.append(cand)
    return out


def split_lines(text: str) -> list[str]:
    """Lines for any line ending (LF, CRLF, old-Mac CR), so line numbers match an editor's."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def csv_rows(lines: list[str], file: str) -> Iterator[tuple[int, list[str]]]:
    """``(line number, stripped cells)`` per non-blank line; trailing empty cells dropped."""
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            cells = next(csv.reader([line], skipinitialspace=True))
        except csv.Error as exc:
            raise InputError(f"cannot read this line as CSV: {exc}", file, lineno) from None
        cells = [c.strip() for c in cells]
        while cells and cells[-1] == "":
            cells.pop()
        yield lineno, cells


def parse_number(text: str, file: str, line: int | None, field: str | None) -> float:
    """A finite float from a cell, or a one-line error naming the cell."""
    s = text.strip()
    if not s:
        raise InputError("empty value; expected a number", file, line, field)
    try:
        x = float(s)
    except ValueError:
        shown = s if len(s) <= 40 else s[:37] + "..."
        raise InputError(f"expected a number, got '{shown}'", file, line, field) from None
    if not math.isfinite(x):
        raise InputError(f"expected a finite number, got '{s}'", file, line, field)
    return x


def parse_int(text: str, file: str, line: int | None, field: str | None) -> int:
    x = parse_number(text, file, line, field)
    if x != int(x):
        raise InputError(f"expected a whole number, got '{text.strip()}'", file, line, field)
    return int(x)


class Problems:
    """Collects row-level faults so the user learns how many there are, in one line."""

    def __init__(self) -> None:
        self.items: list[InputError] = []

    def add(self, err: InputError) -> None:
        self.items.append(err)

    def raise_first(self) -> None:
        if not self.items:
            return
        first = self.items[0]
        rest = self.items[1:]
        if rest:
            nxt = rest[0]
            where = f"line {nxt.line}" if nxt.line is not None else "elsewhere"
            more = "1 more problem" if len(rest) == 1 else f"{len(rest)} more problems"
            first = InputError(f"{first.reason} (and {more}; next at {where}: {nxt.reason})",
                               first.file, first.line, first.field)
        raise first


def tidy(x: float) -> float:
    """Drop binary noise from arithmetic on decimal input (65.1 / 100 -> 0.651, not
    0.6509999999999999), so imported scenarios read like their source."""
    return round(x, 12)


def fmt_num(x: float) -> str:
    """Short text for a number in messages and exported files (12 significant digits)."""
    return f"{x:.12g}"


def read_input(path: Path) -> str:
    """Read a user's file via the shared reader; an empty file is an error here."""
    text = read_text(path)
    if not text.strip():
        raise InputError("the file is empty", str(path))
    return text


ACTOR_KIND = "other"  # the foreign formats do not say whether an actor is a state, a person ...


def base_meta(path: Path, fmt_label: str, title: str, description: str | None = None,
              tags: list[str] | None = None) -> dict[str, Any]:
    """The meta block every importer writes: id from the stem, provenance stated plainly."""
    meta: dict[str, Any] = {
        "id": make_id(path.stem, "imported").lower(),
        "title": title.strip() or path.stem,
        "perspective": (f"Imported from {fmt_label} file {path.name}; numbers are that file's "
                        "author's assumptions."),
        "sources": [{"id": "input-file", "citation": f"{path.name} ({fmt_label} input file)"}],
    }
    if description:
        meta["description"] = description
    if tags:
        meta["tags"] = tags
    return meta


def build(data: dict[str, Any], file: str) -> Scenario:
    """Validate through the normal loader path so the same cross-checks run as for YAML."""
    return scenario_from_data(data, file)
