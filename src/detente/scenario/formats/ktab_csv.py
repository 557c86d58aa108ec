"""KTAB SMP CSV scenarios (``smpc --csv``) in, and out again for users who want to run KTAB.

Layout (KTAB ``examples/smp/libsrc/smpread.cpp``)::

    scenario name, description, nActors, nDims,
    Actor, Description, Power, <dim 1> Position, <dim 1> Salience, ...
    <name>, <description>, <capability>, <pos 1>, <sal 1>, ...

Positions and saliences are on 0-100 and an actor's saliences sum to at most 100. detente
keeps positions on a 0-100 scale, divides saliences by 100 and sets
``settings.salience_budget: 1.0`` so the same budget is enforced on the scenario.
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
    parse_int,
    parse_number,
    read_input,
    split_lines,
    tidy,
    unique_ids,
)
from detente.scenario.schema import Scenario

FORMAT_LABEL = "KTAB SMP CSV"
MIN_ACTORS = 3  # KBase::Model::minNumActor
MAX_ACTORS = 250  # KBase::Model::maxNumActor
MAX_ACTOR_NAME = 25  # KBase::Model::maxActNameLen
_POS_WORD = re.compile(r"\s*\b(position|pstn|pos)\s*$", re.IGNORECASE)


def dimension_name(header: str) -> str:
    """'Policy Position' -> 'Policy'; a header that is only a position word stays as it is."""
    name = _POS_WORD.sub("", header).strip()
    return name or header.strip()


def actor_names(names: list[str], descs: list[str]) -> list[tuple[str, str | None]]:
    """(display name, note) per actor: KTAB descriptions are the readable names (``XJ`` ->
    ``Xi Jinping``), unless they are blank or repeated ("Random Spatial Actor")."""
    usable = all(descs) and len(set(descs)) == len(descs)
    if usable:
        return [(d, None) for d in descs]
    return [(n, d or None) for n, d in zip(names, descs, strict=True)]


def range_problem(what: str, value: float, actor: str, dim: str) -> str | None:
    """KTAB's own bound: positions and saliences lie in [0, 100]."""
    if 0.0 <= value <= 100.0:
        return None
    return (f"{what} {fmt_num(value)} of '{actor}' on '{dim}' is outside [0, 100] "
            f"(KTAB {what}s are on 0-100)")


def scenario_data(meta: dict[str, Any], names: list[str], descs: list[str], caps: list[float],
                  dims: list[str], dim_desc: list[str], pos: list[list[float]],
                  sal: list[list[float]]) -> dict[str, Any]:
    """Plain scenario data from KTAB's matrices (positions 0-100, saliences 0-100)."""
    actor_ids = unique_ids(names, "actor")
    issue_ids = unique_ids([dimension_name(d) for d in dims], "dim", lower=True)
    actors = []
    for aid, (name, note), cap in zip(actor_ids, actor_names(names, descs), caps, strict=True):
        a: dict[str, Any] = {"id": aid, "name": name, "kind": ACTOR_KIND, "capability": cap}
        if note:
            a["note"] = note
        actors.append(a)
    issues = [
        {"id": iid, "name": dimension_name(d), "scale": {"min": 0.0, "max": 100.0},
         "description": desc}
        for iid, d, desc in zip(issue_ids, dims, dim_desc, strict=True)
    ]
    positions = {
        aid: {iid: {"position": pos[i][k], "salience": tidy(sal[i][k] / 100.0)}
              for k, iid in enumerate(issue_ids)}
        for i, aid in enumerate(actor_ids)
    }
    return {"detente": 1, "meta": meta, "settings": {"salience_budget": 1.0},
            "actors": actors, "issues": issues, "positions": positions}


def import_ktab_csv(path: str | Path) -> Scenario:
    """Read a KTAB SMP CSV file into a scenario, applying KTAB's input checks."""
    p = Path(path)
    file = str(p)
    rows = list(csv_rows(split_lines(read_input(p)), file))
    if not rows:
        raise InputError("the file is empty", file)

    line1, first = rows[0]
    if len(first) < 4:
        raise InputError("line 1 must be 'scenario name, description, number of actors, number "
                         f"of dimensions'; found {len(first)} value(s)", file, line1)
    scen_name, scen_desc = first[0], first[1]
    n_actors = parse_int(first[2], file, line1, "nActors")
    n_dims = parse_int(first[3], file, line1, "nDims")
    if n_dims < 1:
        raise InputError(f"number of dimensions is {n_dims}; KTAB needs at least 1", file, line1,
                         "nDims")
    if not MIN_ACTORS <= n_actors <= MAX_ACTORS:
        raise InputError(f"number of actors is {n_actors}; KTAB accepts {MIN_ACTORS} to "
                         f"{MAX_ACTORS}", file, line1, "nActors")

    if len(rows) < 2:
        raise InputError("no header line (Actor, Description, Power, then a position and a "
                         "salience column per dimension)", file)
    hline, header = rows[1]
    width = 3 + 2 * n_dims
    if len(header) != width:
        raise InputError(f"header has {len(header)} columns but line 1 says {n_dims} "
                         f"dimension(s), which needs {width} (Actor, Description, Power, then "
                         "position and salience per dimension)", file, hline)
    dims = [header[3 + 2 * k] for k in range(n_dims)]
    sal_heads = [header[4 + 2 * k] for k in range(n_dims)]
    for k, d in enumerate(dims):
        if not d:
            raise InputError(f"dimension {k + 1} has an empty position header", file, hline)

    data_rows = rows[2:]
    if len(data_rows) != n_actors:
        where = data_rows[-1][0] if data_rows else hline
        raise InputError(f"line 1 says {n_actors} actors but the file has {len(data_rows)} "
                         "actor row(s)", file, where)

    problems = Problems()
    names: list[str] = []
    descs: list[str] = []
    caps: list[float] = []
    pos: list[list[float]] = []
    sal: list[list[float]] = []
    seen: dict[str, int] = {}
    for line, cells in data_rows:
        if len(cells) != width:
            raise InputError(f"actor row has {len(cells)} values; expected {width} (name, "
                             f"description, power, then position and salience for {n_dims} "
                             "dimension(s))", file, line)
        name, desc = cells[0], cells[1]
        if not name:
            raise InputError("actor name is empty", file, line, header[0] or "Actor")
        if name in seen:
            problems.add(InputError(f"duplicate actor name '{name}' (first on line "
                                    f"{seen[name]})", file, line, header[0] or "Actor"))
        seen.setdefault(name, line)
        cap = parse_number(cells[2], file, line, header[2] or "Power")
        if cap < 0:
            problems.add(InputError(f"capability {fmt_num(cap)} of '{name}' is negative", file,
                                    line, header[2] or "Power"))
        row_pos, row_sal = [], []
        total = 0.0
        for k in range(n_dims):
            pf, sf = header[3 + 2 * k] or f"Pos{k + 1}", header[4 + 2 * k] or f"Sal{k + 1}"
            x = parse_number(cells[3 + 2 * k], file, line, pf)
            s = parse_number(cells[4 + 2 * k], file, line, sf)
            for what, val, fld in (("position", x, pf), ("salience", s, sf)):
                reason = range_problem(what, val, name, dims[k])
                if reason:
                    problems.add(InputError(reason, file, line, fld))
            total += s
            row_pos.append(x)
            row_sal.append(s)
        if total > 100.0 + 1e-9:
            problems.add(InputError(f"saliences of '{name}' sum to {fmt_num(total)}; KTAB "
                                    "allows at most 100 over all dimensions", file, line))
        names.append(name)
        descs.append(desc)
        caps.append(cap)
        pos.append(row_pos)
        sal.append(row_sal)
    problems.raise_first()

    dim_desc = [f"KTAB dimension '{d}' (salience column '{s}'); positions 0-100 as in the file, "
                "saliences divided by 100." for d, s in zip(dims, sal_heads, strict=True)]
    meta = base_meta(p, FORMAT_LABEL, scen_name or p.stem, scen_desc or None)
    return build(scenario_data(meta, names, descs, caps, dims, dim_desc, pos, sal), file)


def _clean_text(s: str) -> str:
    """KTAB's CSV reader splits on every comma and only trims quotes, so no commas inside."""
    return " ".join(s.replace(",", ";").replace('"', "'").split())


def export_ktab_csv(scenario: Scenario) -> str:
    """The scenario as a KTAB SMP CSV text (``smpc --csv FILE``), or an :class:`InputError`
    saying what KTAB cannot represent (scales other than 0-100, salience sums above 1, ...)."""
    sc = scenario
    where = f"scenario '{sc.meta.id}'"
    n = len(sc.actors)
    if not MIN_ACTORS <= n <= MAX_ACTORS:
        raise InputError(f"KTAB needs {MIN_ACTORS} to {MAX_ACTORS} actors; this scenario has {n}",
                         where, field="actors")
    for i, iss in enumerate(sc.issues):
        if iss.scale.min != 0.0 or iss.scale.max != 100.0:
            raise InputError(f"issue '{iss.id}' runs from {fmt_num(iss.scale.min)} to "
                             f"{fmt_num(iss.scale.max)}; KTAB needs every issue on 0-100 "
                             "(rescale it first)", where, field=f"issues[{i}].scale")
    dims = []
    for iss in sc.issues:
        from_name = dimension_name(iss.name)
        dims.append(_clean_text(from_name) if unique_ids([from_name], lower=True)[0] == iss.id
                    else iss.id)

    lines = [f"{_clean_text(sc.meta.id)},{_clean_text(sc.meta.title)},{n},{len(sc.issues)},"]
    head = ["Actor", "Description", "Power"]
    for d in dims:
        head += [f"{d} Position", f"{d} Salience"]
    lines.append(",".join(head) + ",")
    for a in sc.actors:
        if len(a.id) > MAX_ACTOR_NAME:
            raise InputError(f"actor id '{a.id}' is longer than KTAB's {MAX_ACTOR_NAME}-character "
                             "limit for actor names", where, field=f"actors.{a.id}")
        stances = sc.positions.get(a.id, {})
        # Our importer puts a KTAB description in the note when it was not a usable name.
        desc = a.note if a.name == a.id and a.note else a.name
        cells = [a.id, _clean_text(desc), fmt_num(a.capability.value)]
        total = 0.0
        for iss in sc.issues:
            st = stances.get(iss.id)
            path = f"positions.{a.id}.{iss.id}"
            if st is None:
                raise InputError(f"actor '{a.id}' has no stance on issue '{iss.id}'; KTAB needs "
                                 "a position and salience for every actor on every dimension",
                                 where, field=path)
            if st.capability is not None and st.capability.value != a.capability.value:
                raise InputError(f"actor '{a.id}' has an issue-specific capability on "
                                 f"'{iss.id}'; KTAB has one capability per actor", where,
                                 field=f"{path}.capability")
            total += st.salience.value
            cells += [fmt_num(st.position.value), fmt_num(st.salience.value * 100.0)]
        if total > 1.0 + 1e-9:
            raise InputError(f"saliences of '{a.id}' sum to {fmt_num(total)}; KTAB allows at most "
                             "1 (100 on its scale) over all dimensions", where,
                             field=f"positions.{a.id}")
        lines.append(",".join(cells) + ",")
    return "\n".join(lines) + "\n"
