"""Load the DEU III issue table (Thomson et al.; Arregui & Perarnaud 2021) as detente scenarios.

The table has one row per issue, 30 actors' positions ``p<actor>`` and saliences
``s<actor>`` on 0..100, a reference point ``rp`` and the actual outcome ``out``. The copy
circulating on GitHub (blksv/predictioneers_game) adds a GDP row right under the header.
Loading rule (the brief's): keep an actor if both its position and salience lie in
[0, 100]; keep an issue if it has an outcome in [0, 100] and at least 3 actors. On that copy
this gives 351 issues, 252 with a reference point.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from detente.errors import InputError
from detente.fileio import read_user_bytes
from detente.scenario.schema import Scenario

ACTORS: tuple[str, ...] = (
    "com", "ep", "at", "be", "bu", "cr", "cy", "cz", "dk", "ee", "fi", "fr", "de", "el", "hu",
    "ie", "it", "lv", "lt", "lu", "mt", "nl", "pl", "pt", "ro", "si", "sk", "es", "se", "uk",
)
INSTITUTIONS = ("com", "ep")
ACTOR_NAMES: dict[str, str] = {
    "com": "European Commission", "ep": "European Parliament", "at": "Austria", "be": "Belgium",
    "bu": "Bulgaria", "cr": "Croatia", "cy": "Cyprus", "cz": "Czech Republic", "dk": "Denmark",
    "ee": "Estonia", "fi": "Finland", "fr": "France", "de": "Germany", "el": "Greece",
    "hu": "Hungary", "ie": "Ireland", "it": "Italy", "lv": "Latvia", "lt": "Lithuania",
    "lu": "Luxembourg", "mt": "Malta", "nl": "Netherlands", "pl": "Poland", "pt": "Portugal",
    "ro": "Romania", "si": "Slovenia", "sk": "Slovakia", "es": "Spain", "se": "Sweden",
    "uk": "United Kingdom",
}
REQUIRED = ("isnr", "proc", "counvte", "rp", "out", *(f"p{a}" for a in ACTORS),
            *(f"s{a}" for a in ACTORS))
MIN_ACTORS = 3


@dataclass(frozen=True)
class DeuIssue:
    """One scoreable DEU issue, as read (positions and saliences on 0..100)."""

    id: str
    proposal: str
    name: str
    procedure: str  # COD | CNS | other
    voting: str  # QMV | Unan | other
    positions: dict[str, float]
    saliences: dict[str, float]
    rp: float | None
    outcome: float
    date: dt.date | None  # adoption date when readable, else proposal date
    council: str = ""

    @property
    def dichotomous(self) -> bool:
        """Every kept actor sits at 0 or 100 (the issues KTAB cannot solve)."""
        return all(x in (0.0, 100.0) for x in self.positions.values())


@dataclass
class DeuTable:
    """The scoreable issues, the GDP row if the copy has one, and what was dropped."""

    path: Path
    sha256: str
    issues: list[DeuIssue]
    gdp: dict[str, float] = field(default_factory=dict)
    dropped: dict[str, int] = field(default_factory=dict)

    def by_id(self) -> dict[str, DeuIssue]:
        return {i.id: i for i in self.issues}


def _num(text: str) -> float | None:
    text = text.strip().strip('"').strip()
    if not text:
        return None
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None


def _in_range(x: float | None) -> bool:
    return x is not None and 0.0 <= x <= 100.0


_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DMY = re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{2}|\d{4})$")


def parse_date(text: str) -> dt.date | None:
    """Read DEU's mixed dates: ``dd-mm-yy``, ``dd-mm-yyyy`` and spreadsheet-mangled ``yyyy-mm-dd``.

    In the blksv copy every ``dd-mm-yy`` date that also reads as a valid ``yy-mm-dd`` date was
    converted by a spreadsheet (``24-01-07`` became ``2024-01-07``, ``30-05-01`` became
    ``1930-05-01``), so every ISO date is un-mangled: read literally, 78 proposals would be
    adopted before they were introduced; un-mangled, none is (DECISIONS.md B4).
    Unreadable dates (``999``) give None.
    """
    text = text.strip().strip('"')
    try:
        m = _ISO.match(text)
        if m:
            y, mo, d = (int(g) for g in m.groups())
            day, yy = y % 100, d
            return dt.date(2000 + yy if yy < 90 else 1900 + yy, mo, day)
        m = _DMY.match(text)
        if m:
            d, mo, y = (int(g) for g in m.groups())
            if y < 100:
                y = 2000 + y if y < 90 else 1900 + y
            return dt.date(y, mo, d)
    except ValueError:
        return None
    return None


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def load_deu(path: str | Path) -> DeuTable:
    """Read a DEU III table (tab- or semicolon-separated) and apply the loading rule."""
    p = Path(path)
    if p.is_dir():
        raise InputError("is a folder; point the command at the DEU III table file", file=str(p))
    if not p.is_file():
        raise InputError("no such file (point the command at your own copy of the DEU III table)",
                         file=str(p))
    raw = read_user_bytes(p, 200 * 1024 * 1024)  # regular files only; the full DEU III table is ~5 MB
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    first = text.split("\n", 1)[0]
    delim = "\t" if first.count("\t") >= first.count(";") else ";"
    rows = list(csv.reader(text.splitlines(), delimiter=delim))
    if not rows:
        raise InputError("the file is empty", file=str(p))
    header = [h.strip().strip('"').lower() for h in rows[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise InputError(f"not a DEU III table: column '{missing[0]}' is missing "
                         f"({len(missing)} of {len(REQUIRED)} expected columns absent)",
                         file=str(p), line=1)
    col = {name: k for k, name in enumerate(header)}

    def get(row: list[str], name: str) -> str:
        k = col.get(name)
        return row[k] if k is not None and k < len(row) else ""

    gdp: dict[str, float] = {}
    issues: list[DeuIssue] = []
    dropped = {"no_outcome": 0, "few_actors": 0, "no_id": 0, "duplicate_id": 0}
    seen: set[str] = set()
    for lineno, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        issue_id = get(row, "isnr").strip().strip('"')
        if not issue_id:
            # the blksv copy's GDP row: positions columns only, no issue id
            if not gdp and lineno == 2:
                gdp = {a: v for a in ACTORS if (v := _num(get(row, f"p{a}"))) is not None and v > 0}
            else:
                dropped["no_id"] += 1
            continue
        if issue_id in seen:
            dropped["duplicate_id"] += 1
            continue
        out = _num(get(row, "out"))
        if not _in_range(out):
            dropped["no_outcome"] += 1
            continue
        pos: dict[str, float] = {}
        sal: dict[str, float] = {}
        for a in ACTORS:
            x, s = _num(get(row, f"p{a}")), _num(get(row, f"s{a}"))
            if _in_range(x) and _in_range(s):
                pos[a], sal[a] = float(x), float(s)  # type: ignore[arg-type]
        if len(pos) < MIN_ACTORS:
            dropped["few_actors"] += 1
            continue
        rp = _num(get(row, "rp"))
        date = parse_date(get(row, "finact")) or parse_date(get(row, "intro"))
        seen.add(issue_id)
        issues.append(DeuIssue(
            id=_safe_id(issue_id), proposal=get(row, "prnr").strip().strip('"'),
            name=get(row, "prname").strip().strip('"') or issue_id,
            procedure=get(row, "proc").strip().strip('"').upper(),
            voting=_voting(get(row, "counvte")),
            positions=pos, saliences=sal, rp=float(rp) if _in_range(rp) else None,
            outcome=float(out), date=date,  # type: ignore[arg-type]
            council=get(row, "council").strip().strip('"'),
        ))
    if not issues:
        raise InputError("no scoreable issue (each needs an outcome in 0..100 and at least "
                         f"{MIN_ACTORS} actors with position and salience in 0..100)", file=str(p))
    return DeuTable(p, sha256_of(p), issues, gdp, dropped)


def _voting(text: str) -> str:
    t = text.strip().strip('"').lower()
    if t.startswith("qmv"):
        return "QMV"
    if t.startswith("unan"):
        return "Unan"
    return t or "unknown"


def _safe_id(text: str) -> str:
    s = re.sub(r"[^A-Za-z0-9_.\-]", "_", text)[:64]
    return s if s[:1].isalnum() else f"i{s}"[:64]


CapabilityFn = Callable[[DeuIssue], Mapping[str, float]]


def to_scenario(issue: DeuIssue, capability: CapabilityFn | None = None) -> Scenario:
    """One DEU issue as a one-issue scenario: salience /100, scale 0..100, status quo = rp."""
    caps = capability(issue) if capability is not None else {}
    actors = [
        {"id": a, "name": ACTOR_NAMES[a],
         "kind": "organisation" if a in INSTITUTIONS else "state",
         "capability": float(caps.get(a, 1.0))}
        for a in issue.positions
    ]
    positions = {a: {issue.id: {"position": x, "salience": issue.saliences[a] / 100.0}}
                 for a, x in issue.positions.items()}
    tags = [f"procedure:{issue.procedure}", f"voting:{issue.voting}",
            "dichotomous" if issue.dichotomous else "continuous"]
    if issue.council:
        tags.append(f"council:{issue.council}")
    data = {
        "detente": 1,
        "meta": {
            "id": issue.id, "title": f"DEU III {issue.id}: {issue.name}"[:200],
            "perspective": "DEU III expert coding (Thomson et al.; Arregui & Perarnaud 2021)",
            "date": issue.date, "tags": tags,
        },
        "actors": actors,
        "issues": [{"id": issue.id, "name": issue.name or issue.id,
                    "scale": {"min": 0.0, "max": 100.0},
                    "status_quo": issue.rp}],
        "positions": positions,
        "known_outcome": {"class": "agreement", "values": {issue.id: issue.outcome},
                          "source": "DEU III 'out' column"},
    }
    return Scenario.model_validate(data)
