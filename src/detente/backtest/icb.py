"""ICB (International Crisis Behavior) loader: crisis actors, their outcome class, and what was known
at the trigger.

The actor-level file has one row per crisis actor; the system-level file one row per crisis; the
narratives (optional) add ICB's write-up. Each crisis actor becomes an :class:`IcbActor` with its
detente class (decision ICB1) and the predictors allowed by decision ICB2 — nothing decided during
or after the crisis. Outcome columns are kept apart (``outcome_raw``) so a test can permute them
and show that no predictor changes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from detente.errors import InputError
from detente.games.tree import OUTCOME_CLASSES
from detente.icb_data import read_icb_csv

CLASSES = OUTCOME_CLASSES  # agreement, stalemate, capitulation, escalation
ACTOR_FILE = "icb2v14-before1990.csv"
SYSTEM_FILE = "icb1v14-before1990.csv"
SUMMARY_FILE = "icb-summaries-before1990.csv"

# Decision ICB2: the only columns a predictor may read, each with the reason it is known at the trigger.
ALLOWED_ACTOR: dict[str, str] = {
    "triggr": "the trigger itself: the act that started the actor's crisis (the moves already made)",
    "gravty": "gravity of the value threatened, as perceived when the threat appeared",
    "powdis": "power discrepancy with the adversary, from capabilities held before the crisis",
    "trigent": "who triggered it (a state, several states, a non-state actor): known at the trigger",
    "issue": "issue area of the crisis for the actor, the subject of the threat",
    "territ": "the actor's territorial size, a standing attribute",
    "regime": "the actor's regime type at the trigger",
    "durreg": "how long the regime had lasted at the trigger",
    "age": "the state's age at the trigger",
    "pc": "whether the crisis occurs within a protracted conflict, which began before it",
    "nuclear": "nuclear capability of the actor at the trigger",
    "powsta": "the actor's power status in the system at the trigger",
    "allycap": "the actor's alliance capability before the crisis (the only third-party variable fixed "
               "at the trigger)",
    "globmemb": "membership of global organisations before the crisis",
    "syslev": "the level (subsystem or dominant system) where the threat arose",
    "period": "the international-system period of the trigger date",
    "geog": "where the crisis happened (region), known from the trigger's location",
}
ALLOWED_SYSTEM: dict[str, str] = {
    "ethnic": "whether the conflict behind the crisis is ethnicity-driven, a pre-crisis attribute",
}
# Columns that a predictor must never read: behaviour, violence, great-power and organisation activity
# during the crisis, its duration and every outcome variable (the leakage test checks these).
BANNED: tuple[str, ...] = (
    "crismg", "cenvio", "sevvio", "viol", "iwc", "gpinv", "powinv", "usinv", "usfavr", "suinv", "sufavr",
    "gbinv", "gbfavr", "frinv", "frfavr", "itinv", "itfavr", "grinv", "grfavr", "jpinv", "jpfavr", "globorg",
    "globact", "globfavr", "regorg", "regact", "rofavr", "outcom", "outfor", "outevl", "outesr", "yrterm",
    "moterm", "daterm", "trgterra", "resterra", "majres", "yerres", "monres", "dayres", "trgresra",
    "comlev", "sizedu", "strcdu", "noactr", "chissu", "cractloc",
)
OUTCOME_COLUMNS = ("sevvio", "viol", "outcom", "outfor")
KEY_COLUMNS = ("crisno", "cracno", "actor", "systrgyr", "sevvio", "outcom")
WEAK_STATES = (996, 997)  # trigent: several states / a non-state actor

OUTCOM = {1: "victory", 2: "compromise", 3: "stalemate", 4: "defeat", 5: "other"}


@dataclass(frozen=True)
class MappingOptions:
    """How ICB codes become detente classes (decision ICB1; defaults are the issue's reading).

    ``violence``: the column read for escalation, ``sevvio`` (the actor's own crisis management,
    default) or ``viol`` (the crisis as a whole). ``levels``: ``clashes`` (serious clashes or war,
    default) or ``war`` (full-scale war only). ``split``: capitulation becomes two classes,
    ``capitulation_actor`` (defeat) and ``capitulation_adversary`` (victory).
    """

    violence: str = "sevvio"
    levels: str = "clashes"
    split: bool = False

    def __post_init__(self) -> None:
        if self.violence not in ("sevvio", "viol"):
            raise InputError(f"unknown violence column '{self.violence}' (choose sevvio or viol)", field="violence")
        if self.levels not in ("clashes", "war"):
            raise InputError(f"unknown escalation level '{self.levels}' (choose clashes or war)", field="levels")

    @property
    def classes(self) -> tuple[str, ...]:
        if self.split:
            return ("agreement", "stalemate", "capitulation_actor", "capitulation_adversary", "escalation")
        return CLASSES


@dataclass
class IcbActor:
    """One crisis actor: identifiers, the allowed predictors, and (kept apart) its outcome."""

    crisno: int
    cracno: int
    actor: str
    name: str
    year: int  # system trigger year: the time order of the evaluation
    predictors: dict[str, int | None]
    outcome_raw: dict[str, int | None]
    cls: str | None = None
    whose: str | None = None  # who capitulated: "actor" (ICB defeat) or "adversary" (ICB victory)
    excluded: str | None = None  # why the outcome is left out (other / missing), never guessed
    background: str | None = None


@dataclass
class IcbData:
    actors: list[IcbActor]
    source: str
    excluded: Counter = field(default_factory=Counter)
    narratives: int = 0

    @property
    def scored(self) -> list[IcbActor]:
        return [a for a in self.actors if a.cls is not None]


def _int(value: str | None, path: Path, line: int, col: str) -> int | None:
    v = (value or "").strip()
    if v in ("", "."):
        return None
    try:
        return int(float(v))
    except ValueError:
        raise InputError(f"'{v}' is not a number", str(path), line, col) from None


def _system_beside(apath: Path) -> Path:
    """The system-level file next to an actor-level one: icb2… → icb1…, else the shared folder's name."""
    names = [apath.name.replace("icb2", "icb1", 1)] if apath.name.startswith("icb2") else []
    for name in (*names, SYSTEM_FILE):
        if (apath.parent / name).is_file():
            return apath.parent / name
    raise InputError(f"system-level file ({', '.join(dict.fromkeys((*names, SYSTEM_FILE)))}) not found beside "
                     "it (name it with --test-system)", str(apath))


def classify(sevvio: int | None, viol: int | None, outcom: int | None,
             options: MappingOptions = MappingOptions()) -> tuple[str | None, str | None, str | None]:
    """(class, whose capitulation, exclusion reason) for one crisis actor (decision ICB1)."""
    violence = sevvio if options.violence == "sevvio" else viol
    threshold = 3 if options.levels == "clashes" else 4
    if violence is not None and violence >= threshold:
        return "escalation", None, None
    if outcom in (1, 4):
        whose = "adversary" if outcom == 1 else "actor"
        cls = f"capitulation_{whose}" if options.split else "capitulation"
        return cls, whose, None
    if outcom == 2:
        return "agreement", None, None
    if outcom == 3:
        return "stalemate", None, None
    if violence is None:
        return None, None, f"{options.violence} missing"
    return None, None, "outcome other" if outcom == 5 else "outcome missing"


def load_icb(actor_path: str | Path, system_path: str | Path | None = None,
             summary_path: str | Path | None = None, options: MappingOptions = MappingOptions()) -> IcbData:
    """Read an ICB actor-level file (and its system-level file, and narratives when present)."""
    apath = Path(actor_path)
    spath = Path(system_path) if system_path is not None else _system_beside(apath)
    actor_rows = read_icb_csv(apath, [*KEY_COLUMNS, "viol", *ALLOWED_ACTOR])
    system: dict[int, dict[str, int | None]] = {}
    for line, row in read_icb_csv(spath, ["crisno", *ALLOWED_SYSTEM]):
        c = _int(row["crisno"], spath, line, "crisno")
        if c is None:
            raise InputError("crisis number missing", str(spath), line, "crisno")
        system[c] = {k: _int(row[k], spath, line, k) for k in ALLOWED_SYSTEM}
    narratives: dict[int, str] = {}
    if summary_path is not None and Path(summary_path).is_file():
        npath = Path(summary_path)
        for line, row in read_icb_csv(npath, ["crisno", "background"]):
            c = _int(row["crisno"], npath, line, "crisno")
            if c is not None:
                narratives[c] = row["background"]
    actors, excluded, seen = [], Counter(), set()
    for line, row in actor_rows:
        get = {k: _int(row.get(k), apath, line, k) for k in (*KEY_COLUMNS[:2], "systrgyr", *OUTCOME_COLUMNS[:3])
               if k in row}
        crisno, cracno, year = get["crisno"], get["cracno"], get["systrgyr"]
        for k, v in (("crisno", crisno), ("cracno", cracno), ("systrgyr", year)):
            if v is None:
                raise InputError("value missing", str(apath), line, k)
        if (crisno, cracno) in seen:
            raise InputError(f"crisis actor {cracno} of crisis {crisno} appears twice", str(apath), line, "cracno")
        seen.add((crisno, cracno))
        if crisno not in system:
            raise InputError(f"crisis {crisno} is not in the system-level file {spath.name}", str(apath), line,
                             "crisno")
        predictors: dict[str, int | None] = {k: _int(row[k], apath, line, k) for k in ALLOWED_ACTOR}
        predictors.update(system[crisno])
        outcome_raw = {k: _int(row.get(k), apath, line, k) for k in OUTCOME_COLUMNS}
        cls, whose, why = classify(outcome_raw["sevvio"], outcome_raw["viol"], outcome_raw["outcom"], options)
        if why:
            excluded[why] += 1
        actors.append(IcbActor(crisno, cracno, row["actor"].strip(), row.get("crisname", "").strip(), year,
                               predictors, outcome_raw, cls, whose, why, narratives.get(crisno)))
    return IcbData(actors, str(apath), excluded, len(narratives))


def load_icb_dir(folder: str | Path, options: MappingOptions = MappingOptions()) -> IcbData:
    """The three files of the shared ICB folder (narratives optional)."""
    d = Path(folder)
    if not d.is_dir():
        raise InputError("ICB data folder not found (give it with --data DIR)", str(d))
    return load_icb(d / ACTOR_FILE, d / SYSTEM_FILE, d / SUMMARY_FILE, options)


def period_split(actors: Sequence[IcbActor], start: int | None, end: int | None) -> list[IcbActor]:
    """Crisis actors whose system trigger year lies in [start, end)."""
    return [a for a in actors if (start is None or a.year >= start) and (end is None or a.year < end)]


def class_index(actors: Sequence[IcbActor], classes: Sequence[str] = CLASSES) -> list[int]:
    pos = {c: i for i, c in enumerate(classes)}
    return [pos[a.cls] for a in actors if a.cls is not None]


def predictor_names() -> list[str]:
    return [*ALLOWED_ACTOR, *ALLOWED_SYSTEM]


def allowed_reasons() -> Mapping[str, str]:
    return {**ALLOWED_ACTOR, **ALLOWED_SYSTEM}

