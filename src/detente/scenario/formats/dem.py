"""Decide exchange-model input files (Stokman / Van Oosten; format as documented in
``docs/inputfiles.md`` of the Decide project). Written from that description only.

Tab-separated rows whose first cell is a record type; cells may be quoted with ``'``::

    #A  key  name  comment               an actor
    #P  key  name  comment               an issue
    #M  issue  value  meaning            a scale anchor; min and max of an issue's
                                         anchors define its interval (default 0-100)
    #D  actor  issue  position  salience  power     salience, power in [0, 1]
    #O  text                             the data set's description (title)
    #0 / #/  ...                         comments

Power is given per actor and issue, so it becomes the stance's ``capability``; the actor's
own capability is the mean of its powers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from detente.errors import InputError
from detente.scenario.formats.common import (
    ACTOR_KIND,
    Problems,
    base_meta,
    build,
    fmt_num,
    parse_number,
    read_input,
    split_lines,
    tidy,
    unique_ids,
)
from detente.scenario.schema import Scenario

FORMAT_LABEL = "Decide exchange model (DEM)"
RECORD_TYPES = ("#A", "#P", "#M", "#D", "#O", "#0", "#/")
MIN_ACTORS = 2


@dataclass
class _Entity:
    key: str
    name: str
    comment: str
    line: int


@dataclass
class _Anchor:
    value: float
    meaning: str
    line: int


@dataclass
class _Stance:
    actor: str
    issue: str
    position: float
    salience: float
    power: float
    comment: str
    line: int


@dataclass
class _File:
    title: list[str] = field(default_factory=list)
    actors: dict[str, _Entity] = field(default_factory=dict)
    issues: dict[str, _Entity] = field(default_factory=dict)
    anchors: dict[str, list[_Anchor]] = field(default_factory=dict)
    stances: list[_Stance] = field(default_factory=list)


def _cell(s: str) -> str:
    s = s.strip()
    if len(s) >= 2 and s[0] == s[-1] and s[0] in "'\"":
        s = s[1:-1].strip()
    return s


def _rest(cells: list[str], start: int) -> str:
    return " ".join(c for c in cells[start:] if c)


def _read_rows(text: str, file: str, problems: Problems) -> _File:
    out = _File()
    for lineno, raw in enumerate(split_lines(text), start=1):
        if not raw.strip():
            continue
        if "\t" not in raw and raw.strip()[:2] not in ("#0", "#/", "#O"):
            raise InputError("no tab on this line; Decide files are tab-separated "
                             "(record type, then fields)", file, lineno)
        cells = [_cell(c) for c in raw.split("\t")]
        kind = cells[0]
        if kind in ("#0", "#/"):
            continue
        if kind == "#O":
            out.title.append(_rest(cells, 1))
            continue
        if kind not in RECORD_TYPES:
            raise InputError(f"unknown record type '{kind[:20]}' (known: #A actor, #P issue, "
                             "#M scale anchor, #D position, #O description, #0 and #/ comments)",
                             file, lineno)
        if kind in ("#A", "#P"):
            what = "actor" if kind == "#A" else "issue"
            if len(cells) < 2 or not cells[1]:
                raise InputError(f"{kind} row needs a {what} key", file, lineno)
            key = cells[1]
            table = out.actors if kind == "#A" else out.issues
            if key in table:
                problems.add(InputError(f"duplicate {what} key '{key}' (first on line "
                                        f"{table[key].line})", file, lineno))
                continue
            name = cells[2] if len(cells) > 2 and cells[2] else key
            table[key] = _Entity(key, name, _rest(cells, 3), lineno)
        elif kind == "#M":
            if len(cells) < 3 or not cells[1]:
                raise InputError("#M row needs an issue key and a value", file, lineno)
            value = parse_number(cells[2], file, lineno, "value")
            out.anchors.setdefault(cells[1], []).append(_Anchor(value, _rest(cells, 3), lineno))
        else:  # "#D"
            if len(cells) < 6:
                raise InputError(f"#D row has {len(cells) - 1} field(s); expected actor, issue, "
                                 "position, salience, power", file, lineno)
            actor, issue = cells[1], cells[2]
            x = parse_number(cells[3], file, lineno, "position")
            s = parse_number(cells[4], file, lineno, "salience")
            pw = parse_number(cells[5], file, lineno, "power")
            out.stances.append(_Stance(actor, issue, x, s, pw, _rest(cells, 6), lineno))
    return out


def _scale(key: str, anchors: list[_Anchor], file: str) -> dict[str, Any]:
    if not anchors:
        return {"min": 0.0, "max": 100.0}
    lo = min(anchors, key=lambda a: a.value)
    hi = max(anchors, key=lambda a: a.value)
    if hi.value <= lo.value:
        raise InputError(f"issue '{key}' has #M anchors at one value only ({fmt_num(lo.value)}); "
                         "its lowest and highest #M values define the interval", file, lo.line)
    scale: dict[str, Any] = {"min": lo.value, "max": hi.value}
    if lo.meaning:
        scale["low"] = lo.meaning
    if hi.meaning:
        scale["high"] = hi.meaning
    return scale


def import_dem(path: str | Path) -> Scenario:
    """Read a Decide input file into a scenario (one stance per #D row)."""
    p = Path(path)
    file = str(p)
    problems = Problems()
    f = _read_rows(read_input(p), file, problems)

    for key, anchors in f.anchors.items():
        if key not in f.issues:
            problems.add(InputError(f"#M row for issue '{key}', which no #P row defines", file,
                                    anchors[0].line))
    scales = {k: _scale(k, f.anchors.get(k, []), file) for k in f.issues}

    seen: dict[tuple[str, str], int] = {}
    for st in f.stances:
        if st.actor not in f.actors:
            problems.add(InputError(f"actor '{st.actor}' is not defined by an #A row", file,
                                    st.line, "actor"))
            continue
        if st.issue not in f.issues:
            problems.add(InputError(f"issue '{st.issue}' is not defined by a #P row", file,
                                    st.line, "issue"))
            continue
        pair = (st.actor, st.issue)
        if pair in seen:
            problems.add(InputError(f"second #D row for '{st.actor}' on '{st.issue}' (first on "
                                    f"line {seen[pair]})", file, st.line))
            continue
        seen[pair] = st.line
        sc = scales[st.issue]
        if not sc["min"] <= st.position <= sc["max"]:
            problems.add(InputError(f"position {fmt_num(st.position)} of '{st.actor}' on "
                                    f"'{st.issue}' is outside the issue's interval "
                                    f"[{fmt_num(sc['min'])}, {fmt_num(sc['max'])}]", file,
                                    st.line, "position"))
        for what, v in (("salience", st.salience), ("power", st.power)):
            if not 0.0 <= v <= 1.0:
                problems.add(InputError(f"{what} {fmt_num(v)} of '{st.actor}' on '{st.issue}' "
                                        "is outside [0, 1]", file, st.line, what))
    for key, iss in f.issues.items():
        if not any(st.issue == key for st in f.stances):
            problems.add(InputError(f"no #D row gives a position on issue '{key}'", file,
                                    iss.line))
    problems.raise_first()
    if not f.actors:
        raise InputError("no #A rows: a Decide file defines its actors with '#A key name'", file)
    if not f.issues:
        raise InputError("no #P rows: a Decide file defines its issues with '#P key name'", file)
    if len(f.actors) < MIN_ACTORS:
        raise InputError(f"only {len(f.actors)} actor; a negotiation needs at least "
                         f"{MIN_ACTORS}", file)

    actor_keys = list(f.actors)
    issue_keys = list(f.issues)
    aid = dict(zip(actor_keys, unique_ids(actor_keys, "actor"), strict=True))
    iid = dict(zip(issue_keys, unique_ids(issue_keys, "issue"), strict=True))

    actors = []
    for key, ent in f.actors.items():
        powers = [st.power for st in f.stances if st.actor == key]
        a: dict[str, Any] = {"id": aid[key], "name": ent.name, "kind": ACTOR_KIND}
        notes = [ent.comment] if ent.comment else []
        if not powers:
            a["capability"] = 0.0
            notes.append("No #D rows in the file: no positions, capability 0.")
        else:
            a["capability"] = tidy(sum(powers) / len(powers))
            if max(powers) != min(powers):
                notes.append("Power differs by issue in the file; capability is the mean, each "
                             "stance carries its own.")
        if notes:
            a["note"] = " ".join(notes)
        actors.append(a)

    issues = []
    for key, ent in f.issues.items():
        iss: dict[str, Any] = {"id": iid[key], "name": ent.name, "scale": scales[key]}
        desc = [ent.comment] if ent.comment and ent.comment != ent.name else []
        anchors = sorted(f.anchors.get(key, []), key=lambda a: a.value)
        if any(a.meaning for a in anchors):
            desc.append("Anchors: " + "; ".join(f"{fmt_num(a.value)} = {a.meaning or '?'}"
                                                 for a in anchors) + ".")
        if not anchors:
            desc.append("No #M rows: Decide's default interval 0-100.")
        if desc:
            iss["description"] = " ".join(desc)
        issues.append(iss)

    positions: dict[str, dict[str, Any]] = {}
    for st in f.stances:
        stance: dict[str, Any] = {"position": st.position, "salience": st.salience,
                                  "capability": st.power}
        if st.comment:
            stance["note"] = st.comment
        positions.setdefault(aid[st.actor], {})[iid[st.issue]] = stance

    title = f.title[0] if f.title and f.title[0] else p.stem
    description = " ".join(f.title[1:]) or None
    meta = base_meta(p, FORMAT_LABEL, title, description)
    data = {"detente": 1, "meta": meta, "actors": actors, "issues": issues,
            "positions": positions}
    return build(data, file)
