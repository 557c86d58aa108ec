"""The review view: every drafted field beside its evidence, assumed numbers flagged."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from detente.scenario.schema import Scenario


def _assumed_count(obj: Any) -> int:
    from detente.scenario.numbers import Num

    if isinstance(obj, Num):
        return int(obj.assumed)
    if hasattr(obj, "__pydantic_fields__"):
        return sum(_assumed_count(getattr(obj, k)) for k in type(obj).model_fields)
    if isinstance(obj, dict):
        return sum(_assumed_count(v) for v in obj.values())
    if isinstance(obj, list):
        return sum(_assumed_count(v) for v in obj)
    return 0


def review_rows(sc: Scenario) -> list[tuple[str, str, str, str]]:
    """(field, value, evidence or note, assumed flag) for each drafted field."""
    rows: list[tuple[str, str, str, str]] = []
    flag = lambda o: f"{_assumed_count(o)} assumed" if _assumed_count(o) else ""  # noqa: E731
    for a in sc.actors:
        rows.append((f"actor {a.id}", f"{a.name} ({a.kind})", a.note or "", flag(a)))
    for i in sc.issues:
        rows.append((f"issue {i.id}", i.name, i.description or "", flag(i)))
    for actor, stances in sc.positions.items():
        for issue, st in stances.items():
            ev = st.evidence.quote if st.evidence else ""
            rows.append((f"position {actor}/{issue}", f"{st.position.value:g}", ev, flag(st)))
    for c in sc.channels:
        rows.append((f"channel {c.id}", f"{c.name} ({c.kind.value if hasattr(c.kind, 'value') else c.kind})",
                     c.note or "", flag(c)))
    for au in sc.audiences:
        rows.append((f"audience {au.id}", au.name, au.note or "", flag(au)))
    for m in sc.moves:
        kind = m.type.value if hasattr(m.type, "value") else m.type
        who = f"{m.actor} {kind}" + (f" -> {m.target}" if m.target else "")
        ev = f"[{m.evidence.start}:{m.evidence.end}] {m.evidence.quote}" if m.evidence else ""
        rows.append((f"move {m.id}", who, ev, flag(m)))
    for cl in sc.claims:
        rows.append((f"claim {cl.id}", cl.text, cl.note or "", ""))
    return rows


def review_table(sc: Scenario) -> Table:
    t = Table(title=f"Draft review: {sc.meta.id}", title_justify="left", show_lines=True)
    t.add_column("field", no_wrap=True)
    t.add_column("value")
    t.add_column("evidence / note", ratio=3)
    t.add_column("assumed", style="yellow")
    for row in review_rows(sc):
        t.add_row(*row)
    return t
