"""Merge a fresh draft into an existing scenario: keep what a human wrote, add what is new.

Items are matched by id (actors, issues, channels, audiences, moves, claims) and stances
by actor and issue. The existing file always wins; a conflict is reported only where the
draft found a value in the text (not an assumed default) that differs from the file's.
"""

from __future__ import annotations

from typing import Any

LISTS = ("actors", "issues", "channels", "audiences", "moves", "claims")
_IGNORED = {"note", "evidence", "description", "label", "step", "name", "scale", "participants", "watches"}


def _value(x: Any) -> Any:
    return x.get("value") if isinstance(x, dict) and "value" in x else x


def _is_assumed(x: Any) -> bool:
    return isinstance(x, dict) and bool(x.get("assumed"))


def _diff(where: str, old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    out = []
    for k, v in new.items():
        if k in _IGNORED or k not in old or _is_assumed(v):
            continue
        if _value(old[k]) != _value(v):
            out.append(f"{where}.{k}: file has {_value(old[k])!r}, the article suggests {_value(v)!r}")
    return out


def merge_data(existing: dict[str, Any], draft: dict[str, Any]) -> tuple[dict[str, Any], list[str], list[str]]:
    """Return ``(merged, added, conflicts)``; ``existing`` is not modified."""
    merged = {k: (list(v) if isinstance(v, list) else dict(v) if isinstance(v, dict) else v)
              for k, v in existing.items()}
    added: list[str] = []
    conflicts: list[str] = []
    for section in LISTS:
        old_items = merged.get(section) or []
        by_id = {item["id"]: item for item in old_items}
        for item in draft.get(section) or []:
            if item["id"] in by_id:
                conflicts += _diff(f"{section}[{item['id']}]", by_id[item["id"]], item)
            else:
                old_items.append(item)
                added.append(f"{section}[{item['id']}]")
        if old_items:
            merged[section] = old_items
    positions = {a: dict(s) for a, s in (merged.get("positions") or {}).items()}
    old_issues = {i["id"] for i in existing.get("issues") or []}
    for actor, stances in (draft.get("positions") or {}).items():
        for issue, st in stances.items():
            if issue in positions.get(actor, {}):
                conflicts += _diff(f"positions.{actor}.{issue}", positions[actor][issue], st)
            else:
                if issue in old_issues and not _is_assumed(st.get("position")):
                    # The draft's scale (demand refused .. met) need not be the file's scale.
                    pos = st["position"] if isinstance(st["position"], dict) else {"value": st["position"]}
                    st = {**st, "position": {**pos, "assumed": True, "note": "draft value on the file's "
                                             "scale, which may differ from the draft's; review"}}
                positions.setdefault(actor, {})[issue] = st
                added.append(f"positions.{actor}.{issue}")
    merged["positions"] = positions
    sources = list((merged.get("meta") or {}).get("sources") or [])
    for src in (draft.get("meta") or {}).get("sources") or []:
        if src["id"] not in {s["id"] for s in sources}:
            sources.append(src)
    if "meta" in merged:
        merged["meta"] = {**merged["meta"], "sources": sources}
    return merged, added, conflicts


def shared_actors(existing: dict[str, Any], draft: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(drafted actor ids the file already has, all drafted actor ids). Few shared ids mean the article
    may be about another crisis: the merge then adds a second cast beside the file's (reader5)."""
    old = {a["id"] for a in existing.get("actors") or []}
    new = [a["id"] for a in draft.get("actors") or []]
    return [a for a in new if a in old], new


def overlap_warning(existing: dict[str, Any], draft: dict[str, Any], file: str) -> str | None:
    """A one-line warning when fewer than half of the drafted actors are in the file, else None."""
    shared, new = shared_actors(existing, draft)
    if not new or 2 * len(shared) >= len(new):
        return None
    return (f"merge: only {len(shared)} of the {len(new)} drafted actors are in {file}"
            f" ({', '.join(shared) or 'none'}): check that the article is about the same crisis")

