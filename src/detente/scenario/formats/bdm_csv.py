"""Single-issue stakeholder tables used by Bueno de Mesquita expected-utility replications.

A header row names the columns; the four that matter are found by name (in any order):
actor (``Actor``, ``name``, ``Stakeholder`` ...), capability (``Capability``, ``Resources``,
``capabilities``, ``Power`` ...), ``Position`` and ``Salience``. Other columns (``resolve``,
``true_hawk_type`` ...) are ignored and listed in the scenario's description.

Salience may be on 0-1 or 0-100: if any value exceeds 1, all are divided by 100. The issue's
scale follows the rule in docs/DECISIONS.md (:func:`position_scale`). Any line ending works
(the dmasad files use old-Mac CR), and a file that is not UTF-8 is read as Latin-1.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from detente.errors import InputError
from detente.scenario.formats.common import (
    ACTOR_KIND,
    Problems,
    base_meta,
    build,
    csv_rows,
    fmt_num,
    parse_number,
    read_input,
    split_lines,
    tidy,
    unique_ids,
)
from detente.scenario.loader import MAX_FILE_BYTES
from detente.scenario.schema import Scenario

FORMAT_LABEL = "BdM expected-utility CSV"
MIN_ACTORS = 2
MIN_SPAN = 0.25  # positions must cover a quarter of a conventional scale to be read on it

ROLE_NAMES: dict[str, tuple[str, ...]] = {
    "actor": ("actor", "actors", "name", "names", "stakeholder", "stakeholders", "player",
              "players", "party", "parties", "country", "group"),
    "capability": ("capability", "capabilities", "cap", "resources", "resource", "power",
                   "influence", "clout"),
    "position": ("position", "positions", "pos", "stance"),
    "salience": ("salience", "saliences", "sal", "importance"),
}


def _norm(header: str) -> str:
    return re.sub(r"[^a-z]", "", header.lower())


def _roles(header: list[str], file: str, line: int) -> dict[str, int]:
    found: dict[str, int] = {}
    for col, h in enumerate(header):
        for role, names in ROLE_NAMES.items():
            if _norm(h) in names:
                if role in found:
                    raise InputError(f"columns '{header[found[role]]}' and '{h}' both look like "
                                     f"the {role} column; keep one", file, line)
                found[role] = col
    missing = [r for r in ROLE_NAMES if r not in found]
    if missing:
        looks_numeric = len(header) > 1 and all(
            re.fullmatch(r"[-+0-9.eE]+", c or "x") for c in header[1:4])
        if looks_numeric:
            raise InputError("the first row holds numbers; the file needs a header row such as "
                             "'Actor,Capability,Position,Salience'", file, line)
        raise InputError(f"no {' or '.join(missing)} column in the header "
                         f"({', '.join(header) or 'empty'}); expected columns like "
                         "'Actor,Capability,Position,Salience'", file, line)
    return found


def position_scale(positions: list[float]) -> tuple[float, float, str]:
    """The issue's scale: 0-1 or 0-100 when the positions sit on it and use a fair part of it
    (at least a quarter), else the range of the positions themselves (as BdM's model
    normalises by that range). Returns (min, max, reason)."""
    lo, hi = min(positions), max(positions)
    for a, b in ((0.0, 1.0), (0.0, 100.0)):
        if a <= lo and hi <= b and (hi - lo) >= MIN_SPAN * (b - a):
            return a, b, f"positions lie within {fmt_num(a)}-{fmt_num(b)}, read on that scale"
    return lo, hi, ("the scale runs from the lowest to the highest position in the file "
                    f"({fmt_num(lo)}-{fmt_num(hi)})")


def _read(p: Path) -> tuple[str, str | None]:
    """Text of the file; old stakeholder tables may be Latin-1 or MacRoman, not UTF-8."""
    try:
        return read_input(p), None
    except InputError as exc:
        if not exc.reason.startswith("not UTF-8"):
            raise
    raw = p.read_bytes()
    if len(raw) > MAX_FILE_BYTES:  # read_text checked this already; keep the guard local
        raise InputError(f"file is {len(raw)} bytes; the limit is {MAX_FILE_BYTES}", str(p))
    return raw.decode("latin-1"), "The file is not UTF-8; it was read as Latin-1."


def import_bdm_csv(path: str | Path) -> Scenario:
    """Read a 4-column BdM stakeholder table (one issue) into a scenario."""
    p = Path(path)
    file = str(p)
    text, enc_note = _read(p)
    rows = list(csv_rows(split_lines(text), file))
    if not rows:
        raise InputError("the file is empty", file)
    hline, header = rows[0]
    roles = _roles(header, file, hline)
    ignored = [h for c, h in enumerate(header) if c not in roles.values() and h]

    problems = Problems()
    names: list[str] = []
    caps: list[float] = []
    pos: list[float] = []
    sal: list[float] = []
    lines: list[int] = []
    seen: dict[str, int] = {}
    for line, cells in rows[1:]:
        if len(cells) != len(header):
            raise InputError(f"row has {len(cells)} values; the header has {len(header)} "
                             f"columns ({', '.join(header)})", file, line)
        name = cells[roles["actor"]]
        if not name:
            raise InputError("actor name is empty", file, line, header[roles["actor"]])
        if name in seen:
            problems.add(InputError(f"duplicate actor name '{name}' (first on line "
                                    f"{seen[name]})", file, line, header[roles["actor"]]))
        seen.setdefault(name, line)
        cap = parse_number(cells[roles["capability"]], file, line, header[roles["capability"]])
        x = parse_number(cells[roles["position"]], file, line, header[roles["position"]])
        s = parse_number(cells[roles["salience"]], file, line, header[roles["salience"]])
        if cap < 0:
            problems.add(InputError(f"capability {fmt_num(cap)} of '{name}' is negative", file,
                                    line, header[roles["capability"]]))
        if not 0.0 <= s <= 100.0:
            problems.add(InputError(f"salience {fmt_num(s)} of '{name}' is outside 0-1 (or "
                                    "0-100)", file, line, header[roles["salience"]]))
        names.append(name)
        caps.append(cap)
        pos.append(x)
        sal.append(s)
        lines.append(line)
    problems.raise_first()
    if len(names) < MIN_ACTORS:
        raise InputError(f"{len(names)} actor row(s); a negotiation needs at least {MIN_ACTORS}",
                         file, rows[-1][0])
    if max(pos) == min(pos):
        raise InputError(f"every actor holds position {fmt_num(pos[0])}; there is nothing to "
                         "negotiate", file, lines[0], header[roles["position"]])

    notes = []
    if max(sal) > 1.0:
        sal = [tidy(s / 100.0) for s in sal]
        notes.append("Saliences in the file exceed 1, so they were read as 0-100 and divided "
                     "by 100.")
    else:
        notes.append("Saliences in the file are on 0-1 and kept as they are.")
    lo, hi, why = position_scale(pos)
    notes.append(f"Positions as in the file; {why}.")

    ids = unique_ids(names, "actor")
    actors = [{"id": i, "name": n, "kind": ACTOR_KIND, "capability": c}
              for i, n, c in zip(ids, names, caps, strict=True)]
    issue_id = "issue"
    issues = [{"id": issue_id, "name": f"The issue coded in {p.name}",
               "scale": {"min": lo, "max": hi}, "description": " ".join(notes)}]
    positions = {i: {issue_id: {"position": x, "salience": s}}
                 for i, x, s in zip(ids, pos, sal, strict=True)}
    desc_parts = []
    if ignored:
        desc_parts.append(f"Columns not used by detente: {', '.join(ignored)}.")
    if enc_note:
        desc_parts.append(enc_note)
    meta = base_meta(p, FORMAT_LABEL, p.stem, " ".join(desc_parts) or None)
    data: dict[str, Any] = {"detente": 1, "meta": meta, "actors": actors, "issues": issues,
                            "positions": positions}
    return build(data, file)
