"""Score the drafter's actors on ICB's crisis narratives (a corpus nobody here wrote).

ICB v14 (International Crisis Behavior, Brecher, Wilkenfeld et al.) gives, for each crisis
before 1990, a narrative (``background`` + ``text``) and its list of crisis actors (COW state
numbers). The split is fixed once (docs/DECISIONS.md T6): crises with an **even** ``crisno``
are the development half, **odd** the test half, scored once.

- recall: share of ICB crisis actors (pooled over crises) that the draft names as actors;
  COW numbers map to actor ids through ``data/cow.yaml``.
- precision: share of drafted *states* that are ICB-coded participants: a crisis actor, the
  triggering entity (``trigent``) or a great power ICB codes as involved (``usinv``, ``suinv``,
  ``gbinv``, ``frinv``, ``itinv``, ``grinv``, ``jpinv`` >= 3 in any actor row). Organisations
  and groups are not in ICB's lists; they are counted, not judged.
- precision_lenient: the same, also counting as participants the states the crisis part of the
  narrative names in a sentence with an ICB crisis actor (a mechanical reading of "the states
  the narrative names as involved"; ICB codes no involvement of Britain or France after 1945).

Usage: ``python -m detente.text.icb_eval [--data DIR] [--half even|odd] [--actors named|participants]
[--backend NAME] [--limit N] [--misses]`` (``DETENTE_ICB_DATA`` may name the folder, else
``$DETENTE_SHARED/data/icb`` or ../shared/data/icb). The data stays outside the repository.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from detente.errors import InputError
from detente.icb_data import read_icb_csv
from detente.text.extract import Extraction


def default_data() -> Path:
    """``$DETENTE_ICB_DATA``, else the ICB folder under the shared data (``$DETENTE_SHARED``, ../shared)."""
    from detente.shared_data import shared_folder

    return Path(os.environ["DETENTE_ICB_DATA"]) if os.environ.get("DETENTE_ICB_DATA") else \
        shared_folder("data", "icb")


SUMMARIES = "icb-summaries-before1990.csv"
ACTORS = "icb2v14-before1990.csv"
# ICB actor-level columns coding a great power's involvement, and that power's COW number.
INVOLVEMENT = {"usinv": 2, "suinv": 365, "gbinv": 200, "frinv": 220, "itinv": 325, "grinv": 255, "jpinv": 740}
INVOLVED_AT_LEAST = 3  # 0: not a great power then; 1: no involvement; 2: neutral (codebook unverified)


@dataclass
class Crisis:
    crisno: int
    name: str
    narrative: str
    text_start: int  # where ICB's crisis part (``text``) begins in ``narrative``
    actors: list[int]  # COW numbers of ICB crisis actors
    participants: set[int] = field(default_factory=set)  # actors + trigger + involved great powers

    @property
    def half(self) -> str:
        return "even" if self.crisno % 2 == 0 else "odd"


@functools.lru_cache(maxsize=1)
def cow_table() -> dict[int, set[str]]:
    """COW number -> the actor ids that count as that state (data/cow.yaml via the gazetteer)."""
    from detente.text.gazetteer import load_gazetteer

    gaz = load_gazetteer()
    raw = yaml.safe_load(resources.files("detente.text").joinpath("data").joinpath("cow.yaml")
                         .read_text(encoding="utf-8"))
    out: dict[int, set[str]] = {}
    for e in raw["states"]:
        ids: set[str] = set(e.get("also", []))
        if "id" in e:
            ids.add(e["id"])
        if "code" in e:
            aid = gaz.by_code.get(e["code"])
            if aid is None:
                raise InputError(f"COW {e['cow']}: ISO code {e['code']} is not in the countries table",
                                 "data/cow.yaml", field="code")
            ids.add(aid)
        for aid in ids:
            if aid not in gaz.actors:
                raise InputError(f"COW {e['cow']}: actor id '{aid}' is not in the gazetteer", "data/cow.yaml")
        out.setdefault(int(e["cow"]), set()).update(ids)
    return out


HINT = "the data lives in ../shared/data/icb"


def _int(row: dict[str, str], col: str, path: Path, line: int) -> int:
    try:
        return int(row[col])
    except (TypeError, ValueError):
        raise InputError(f"'{row[col]}' is not a whole number", str(path), line, col) from None


_LINK = re.compile(r"\[?\(?\s*(?:see\s*)?<a\b[^>]*>.*?</a>\s*\)?\]?", re.S | re.I)
_TAG = re.compile(r"<[^>]+>")


def clean(text: str) -> str:
    """ICB's narratives carry HTML links to other cases ("(see <a ...>Case #85--Barbarossa</a>)"):
    a cross-reference names another crisis, not an actor of this one, so links go, then any tag."""
    return _TAG.sub("", _LINK.sub("", text)).strip()


def load_crises(data: Path | None = None) -> list[Crisis]:
    """Every crisis with its narrative and ICB's crisis actors, in crisno order."""
    data = default_data() if data is None else data
    actors: dict[int, list[dict[str, str]]] = {}
    cows: dict[int, set[int]] = {}
    path = data / ACTORS
    for line, r in read_icb_csv(path, ("crisno", "cracid"), HINT):
        no = _int(r, "crisno", path, line)
        actors.setdefault(no, []).append(r)
        cows.setdefault(no, set()).add(_int(r, "cracid", path, line))
    out = []
    path = data / SUMMARIES
    for line, r in read_icb_csv(path, ("crisno", "name", "background", "text"), HINT):
        no = _int(r, "crisno", path, line)
        rows = actors.get(no, [])
        back = clean(r["background"])
        narrative = (back + "\n\n" + clean(r["text"])).strip()
        c = Crisis(no, r["name"], narrative, len(back) + 2 if back else 0, sorted(cows.get(no, set())))
        c.participants = set(c.actors)
        for a in rows:
            trig = a.get("trigent", "")
            if trig.isdigit() and int(trig) < 990:
                c.participants.add(int(trig))
            for col, cow in INVOLVEMENT.items():
                v = a.get(col, "")
                if v.isdigit() and int(v) >= INVOLVED_AT_LEAST:
                    c.participants.add(cow)
        out.append(c)
    return sorted(out, key=lambda c: c.crisno)


def split(crises: list[Crisis], half: str) -> list[Crisis]:
    """The fixed rule: even crisno = development, odd = test."""
    if half not in ("even", "odd"):
        raise InputError(f"unknown half '{half}' (use even or odd)", "icb_eval", field="half")
    return [c for c in crises if c.half == half]


def named_as_involved(c: Crisis, ex: Extraction) -> set[str]:
    """The lenient judge's extra participants: states the crisis part of the narrative (``text``,
    not ``background``) names in a sentence that also names an ICB crisis actor."""
    table = cow_table()
    icb_ids = set().union(*(table.get(cow, set()) for cow in c.actors)) if c.actors else set()
    sents: dict[int, set[str]] = {}
    for a in ex.actors:
        for m in a.mentions:
            if m.start >= c.text_start:
                sents.setdefault(m.sentence, set()).add(a.id)
    return {a for ids in sents.values() if ids & icb_ids for a in ids}


def score_crisis(c: Crisis, drafted: dict[str, str], extra: set[str] | None = None) -> dict[str, Any]:
    """``drafted``: actor id -> kind; ``extra``: ids the lenient judge also counts as participants."""
    table = cow_table()
    ids = set(drafted)
    found = [cow for cow in c.actors if table.get(cow, set()) & ids]
    missed = [cow for cow in c.actors if cow not in found]
    real_ids = set().union(*(table.get(cow, set()) for cow in c.participants)) if c.participants else set()
    states = [a for a, k in drafted.items() if k == "state"]
    wrong = sorted(a for a in states if a not in real_ids)
    return {"crisno": c.crisno, "actors": len(c.actors), "found": len(found), "missed": missed,
            "states": len(states), "false_states": wrong,
            "false_states_lenient": [a for a in wrong if a not in (extra or set())],
            "non_states": sorted(a for a, k in drafted.items() if k != "state")}


def run(crises: list[Crisis], backend: str = "auto", actors: str = "named") -> dict[str, Any]:
    """Draft every narrative; pooled recall, precision and time per article."""
    from detente.text.draft import draft_from_text
    from detente.text.extract import Extractor

    ext = Extractor(backend, actors)  # load once: time per article is after the model is loaded
    rows, times, failed = [], [], []
    for c in crises:
        t0 = time.perf_counter()
        extra: set[str] = set()
        try:
            sc, ex = draft_from_text(c.narrative, f"icb-{c.crisno}.txt", extractor=ext)
            drafted = {a.id: str(getattr(a.kind, "value", a.kind)) for a in sc.actors}
            times.append(time.perf_counter() - t0)
            extra = named_as_involved(c, ex)
        except InputError as exc:  # scored as drafting no actor, and listed
            drafted = {}
            times.append(time.perf_counter() - t0)
            failed.append({"crisno": c.crisno, "reason": str(exc)})
        rows.append(score_crisis(c, drafted, extra))
    n_act = sum(r["actors"] for r in rows)
    n_found = sum(r["found"] for r in rows)
    n_states = sum(r["states"] for r in rows)
    n_false = sum(len(r["false_states"]) for r in rows)
    n_false_len = sum(len(r["false_states_lenient"]) for r in rows)
    return {
        "crises": len(rows),
        "recall": round(n_found / n_act, 3) if n_act else 1.0,
        "precision": round((n_states - n_false) / n_states, 3) if n_states else 1.0,
        "precision_lenient": round((n_states - n_false_len) / n_states, 3) if n_states else 1.0,
        "counts": {"icb_actors": n_act, "found": n_found, "drafted_states": n_states, "false_states": n_false,
                   "non_state_actors": sum(len(r["non_states"]) for r in rows)},
        "seconds_per_article": {"mean": round(statistics.fmean(times), 4) if times else 0.0,
                                "median": round(statistics.median(times), 4) if times else 0.0,
                                "max": round(max(times), 4) if times else 0.0},
        "not_drafted": failed,
        "rows": rows,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m detente.text.icb_eval", description=__doc__.split("\n")[0])
    p.add_argument("--data", type=Path, default=None, help="folder with the ICB csv files (default: "
                   "$DETENTE_ICB_DATA, else data/icb under $DETENTE_SHARED or ../shared)")
    p.add_argument("--half", default="even", help="even (development, default) or odd (test: score once)")
    p.add_argument("--backend", default="auto")
    p.add_argument("--actors", default="named", help="named (default) or participants (see T6)")
    p.add_argument("--limit", type=int, default=0, help="only the first N crises of the half")
    p.add_argument("--misses", action="store_true", help="list every missed actor and false state")
    a = p.parse_args(argv)
    try:
        if a.limit < 0:
            raise InputError(f"{a.limit} is not a number of crises (give N >= 1, or 0 for all)", "icb_eval",
                             field="limit")
        crises = split(load_crises(a.data), a.half)
        if a.limit:
            crises = crises[:a.limit]
        res = run(crises, a.backend, a.actors)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    rows = res.pop("rows")
    res["half"], res["actors"] = a.half, a.actors
    if a.misses:
        res["misses"] = [r for r in rows if r["missed"] or r["false_states"]]
    print(json.dumps(res, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
