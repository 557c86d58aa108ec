"""Capability conventions for DEU issues (DEU itself records none).

* ``equal``: every actor 1, so the compromise model is the salience-weighted mean.
* ``council``: Council voting power by treaty regime at the issue's adoption date (proposal
  date when the adoption date is unreadable): the Amsterdam-era weighted votes before
  1 May 2004, the 2004 transitional weights to 31 Oct 2004, the Nice weights to 31 Oct 2014,
  and from 1 Nov 2014 (Lisbon double majority) each state's **population share** in percent
  as a documented approximation of its double-majority power. Commission and Parliament get
  the largest member-state value on the issue. Weights and populations are written from
  knowledge of the treaties and Eurostat, not read from a file here: see DECISIONS.md B2.
* ``gdp``: the GDP row some copies carry right under the header (Commission and EP 4.1 there).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

from detente.backtest.deu import INSTITUTIONS, DeuIssue, DeuTable
from detente.errors import InputError

# Amsterdam/Maastricht era (EU15), Art. 205 TEC: QMV 62 of 87.
AMSTERDAM: dict[str, float] = {
    "de": 10, "fr": 10, "it": 10, "uk": 10, "es": 8, "be": 5, "el": 5, "nl": 5, "pt": 5,
    "at": 4, "se": 4, "dk": 3, "ie": 3, "fi": 3, "lu": 2,
}
# 1 May - 31 Oct 2004 (Act of Accession 2003, Art. 26): old weights plus the ten entrants (124).
TRANSITION_2004: dict[str, float] = {
    **AMSTERDAM, "pl": 8, "cz": 5, "hu": 5, "sk": 3, "lt": 3, "lv": 3, "si": 3, "ee": 3,
    "cy": 2, "mt": 2,
}
# Treaty of Nice weights, 1 Nov 2004 - 31 Oct 2014 (BG, RO from 2007; HR from July 2013).
NICE: dict[str, float] = {
    "de": 29, "fr": 29, "it": 29, "uk": 29, "es": 27, "pl": 27, "ro": 14, "nl": 13,
    "be": 12, "cz": 12, "el": 12, "hu": 12, "pt": 12, "at": 10, "se": 10, "bu": 10,
    "dk": 7, "ie": 7, "lt": 7, "sk": 7, "fi": 7, "cr": 7, "cy": 4, "ee": 4, "lv": 4,
    "lu": 4, "si": 4, "mt": 3,
}
# Population in millions, 1 Jan 2015, Eurostat (rounded, from memory): Lisbon-era proxy.
POPULATION_2015: dict[str, float] = {
    "de": 81.2, "fr": 66.4, "uk": 64.9, "it": 60.8, "es": 46.4, "pl": 38.0, "ro": 19.9,
    "nl": 16.9, "be": 11.3, "el": 10.9, "cz": 10.5, "pt": 10.4, "hu": 9.9, "se": 9.7,
    "at": 8.6, "bu": 7.2, "dk": 5.7, "fi": 5.5, "sk": 5.4, "ie": 4.6, "cr": 4.2, "lt": 2.9,
    "si": 2.1, "lv": 2.0, "ee": 1.3, "cy": 0.85, "lu": 0.56, "mt": 0.43,
}
_TOTAL_POP = sum(POPULATION_2015.values())
LISBON: dict[str, float] = {k: 100.0 * v / _TOTAL_POP for k, v in POPULATION_2015.items()}

ENLARGEMENT_2004 = dt.date(2004, 5, 1)
NICE_START = dt.date(2004, 11, 1)
LISBON_START = dt.date(2014, 11, 1)
_NEW_2004 = {"pl", "cz", "hu", "sk", "lt", "lv", "si", "ee", "cy", "mt"}
_NEW_2007 = {"bu", "ro", "cr"}

CONVENTIONS = ("equal", "council", "gdp")


def regime(issue: DeuIssue) -> str:
    """The Council voting regime in force for the issue: amsterdam, transition, nice or lisbon."""
    d = issue.date
    if d is None:  # fall back on who takes part
        present = set(issue.positions)
        if present & _NEW_2007:
            return "nice"
        return "nice" if present & _NEW_2004 else "amsterdam"
    if d < ENLARGEMENT_2004:
        return "amsterdam"
    if d < NICE_START:
        return "transition"
    return "nice" if d < LISBON_START else "lisbon"


REGIME_WEIGHTS: dict[str, dict[str, float]] = {
    "amsterdam": AMSTERDAM, "transition": TRANSITION_2004, "nice": NICE, "lisbon": LISBON,
}


def council_capability(issue: DeuIssue) -> dict[str, float]:
    """Member-state weights of the regime; Commission and EP at the largest state's value."""
    table = REGIME_WEIGHTS[regime(issue)]
    # A state coded on an issue but not in the regime's table (e.g. a later entrant coded on
    # a proposal adopted just before accession) gets its Nice weight scaled to the table.
    scale = max(table.values()) / max(NICE.values())
    caps = {a: float(table.get(a, NICE.get(a, 0.0) * scale)) for a in issue.positions
            if a not in INSTITUTIONS}
    top = max(caps.values(), default=1.0)
    caps.update({a: top for a in issue.positions if a in INSTITUTIONS})
    return caps


def capability_function(name: str, table: DeuTable) -> Callable[[DeuIssue], Mapping[str, float]]:
    """The named convention as a function of an issue, or a one-line error."""
    if name == "equal":
        return lambda issue: dict.fromkeys(issue.positions, 1.0)
    if name == "council":
        return council_capability
    if name == "gdp":
        if not table.gdp:
            raise InputError("capability 'gdp' needs the GDP row right under the header, "
                             "which this copy does not carry", file=str(table.path),
                             field="capability")
        missing = sorted(set().union(*(i.positions for i in table.issues)) - set(table.gdp))
        if missing:
            raise InputError(f"the GDP row has no value for actor '{missing[0]}'",
                             file=str(table.path), field="capability")
        return lambda issue: {a: table.gdp[a] for a in issue.positions}
    raise InputError(f"unknown capability convention '{name}' (choose {', '.join(CONVENTIONS)})",
                     field="capability")
