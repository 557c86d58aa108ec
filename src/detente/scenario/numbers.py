"""Numbers that are assumptions: a point or a range, with a note and evidence.

Any number in a scenario may be written as a bare number (``60``) or as a mapping
(``{low: 40, mode: 60, high: 80, note: ..., evidence: ...}``), or as an empirical prior
(``{prior: icb, term: war_cost, stake: 0.5, given: {power: weaker, trigger: violent}}``: low/mode/high
looked up in the ICB prior table, a cost share times the actor's ``stake`` (required, SF3), marked assumed,
the source in the note; decisions ICB6, ICB10). All load into
:class:`Num`, so every later layer reads ``num.value`` for the point estimate and
``num.is_range`` to know whether uncertainty analysis should sample it.
"""

from __future__ import annotations

import math
import re
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

# C0 controls other than tab and newline (ESC starts ANSI/OSC sequences), DEL, C1 controls and the
# bidirectional overrides that reorder what a terminal shows.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def control_problem(value: Any) -> str | None:
    """A reason if ``value`` (a string, or lists/dicts of them) holds a control character, else None."""
    if isinstance(value, str):
        m = _CONTROL.search(value)
        if m is not None:
            return (f"contains the control character U+{ord(m.group()):04X}; "
                    "names and texts may not hold terminal escapes, NUL or other control characters")
    elif isinstance(value, (list, tuple)):
        for v in value:
            if (r := control_problem(v)) is not None:
                return r
    elif isinstance(value, dict):
        for v in value.values():
            if (r := control_problem(v)) is not None:
                return r
    return None


def no_control(value: Any) -> Any:
    """Pydantic validator: refuse strings with control characters (see :func:`control_problem`)."""
    reason = control_problem(value)
    if reason is not None:
        raise ValueError(reason)
    return value


class Dist(StrEnum):
    """How a ranged number is sampled (used by the uncertainty layer)."""

    triangular = "triangular"
    uniform = "uniform"
    normal = "normal"
    lognormal = "lognormal"
    fixed = "fixed"


class Evidence(BaseModel):
    """Where a number or field comes from: a short quote, its source, its offsets."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    quote: str = Field(min_length=1)
    source: str | None = None
    start: int | None = Field(default=None, ge=0)
    end: int | None = Field(default=None, ge=0)

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"quote": data}
        return data

    _text = field_validator("quote", "source", mode="after")(no_control)

    @model_validator(mode="after")
    def _offsets_ordered(self) -> Evidence:
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ValueError("evidence end offset is before its start")
        return self


_MAX_ABS = 1e12


class Num(BaseModel):
    """A number that is an assumption: point (``value``) or range (``low``/``high``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    value: float
    low: float | None = None
    high: float | None = None
    dist: Dist = Dist.triangular
    note: str | None = None
    evidence: Evidence | None = None
    assumed: bool = False
    prior: str | None = None  # "icb": the numbers came from the ICB prior table (see the note)

    _text = field_validator("note", mode="after")(no_control)

    @model_validator(mode="before")
    @classmethod
    def _normalise(cls, data: Any) -> Any:
        if isinstance(data, bool):
            raise ValueError("expected a number, got a boolean")
        if isinstance(data, (int, float)):
            return {"value": data}
        if isinstance(data, str):
            raise ValueError(f"expected a number (or a mapping with value/low/high), got text '{data}'")
        if isinstance(data, dict):
            data = dict(data)
            if "prior" in data:
                data = _with_prior(data)
            if "mode" in data:
                if "value" in data:
                    raise ValueError("give 'mode' or 'value', not both")
                data["value"] = data.pop("mode")
            if "value" not in data and "low" in data and "high" in data:
                lo, hi = data["low"], data["high"]
                if _is_number(lo) and _is_number(hi):
                    data["value"] = (float(lo) + float(hi)) / 2.0
            for key in ("value", "low", "high"):
                if isinstance(data.get(key), bool):
                    raise ValueError(f"'{key}' must be a number, not a boolean")
        return data

    @model_validator(mode="after")
    def _check(self) -> Num:
        for key in ("value", "low", "high"):
            x = getattr(self, key)
            if x is None:
                continue
            if not math.isfinite(x):
                raise ValueError(f"'{key}' must be a finite number")
            if abs(x) > _MAX_ABS:
                raise ValueError(f"'{key}' = {x:g} is implausibly large (limit {_MAX_ABS:g})")
        if (self.low is None) != (self.high is None):
            raise ValueError("a range needs both 'low' and 'high'")
        if self.low is not None and self.high is not None:
            if self.low > self.high:
                raise ValueError(f"range low {self.low:g} is above high {self.high:g}")
            if not self.low <= self.value <= self.high:
                raise ValueError(
                    f"mode {self.value:g} lies outside its range [{self.low:g}, {self.high:g}]"
                )
            if self.dist == Dist.lognormal and self.low <= 0:
                raise ValueError(f"dist lognormal needs a positive range (low is {self.low:g})")
        return self

    @property
    def is_range(self) -> bool:
        return self.low is not None and self.high is not None and self.high > self.low

    @property
    def bounds(self) -> tuple[float, float]:
        """Lowest and highest value this number may take."""
        if self.low is None or self.high is None:
            return (self.value, self.value)
        return (self.low, self.high)

    def __float__(self) -> float:
        return self.value


PRIORS = ("icb",)
# Prior terms whose intervals are symmetric on a log scale (costs as shares of a stake, decision P7):
# drawn log-normally, so a draw's mean is not pulled far above the estimate as a triangle's would be.
LOG_SCALE_TERMS = ("war_cost", "war_cost_challenger", "standoff_cost")
# Terms the table carries for transparency but a scenario may not take from it (H11, R1).
UNIDENTIFIED_TERMS = {"war_cost_challenger": "the challenger's fitted salience is ~0.06, so its cost share is 87-210 "
                                             "times its stake with a 90% interval up to ~17,000"}


def _with_prior(data: dict[str, Any]) -> dict[str, Any]:
    """Fill low/mode/high from a named prior table when ``term`` is given (numbers given win)."""
    if data["prior"] not in PRIORS:
        raise ValueError(f"unknown prior '{data['prior']}' (choose {', '.join(PRIORS)})")
    term, given, stake = data.pop("term", None), data.pop("given", None), data.pop("stake", None)
    if term is None:
        if "value" not in data and "mode" not in data:
            raise ValueError("a number with 'prior: icb' needs 'term' (war_cost, standoff_cost, win_prob, ...)")
        return data  # already resolved (a scenario written back)
    if given is not None and not isinstance(given, dict):
        raise ValueError("'given' must be a mapping of covariates (power, trigger, threat, issue)")
    if str(term) in UNIDENTIFIED_TERMS:
        raise ValueError(f"prior icb term '{term}' is not identified by the ICB fit ({UNIDENTIFIED_TERMS[str(term)]}); "
                         "use term war_cost (the defender's, as detente draft does) or state the number")
    uses_table = "value" not in data and "mode" not in data
    if stake is None and uses_table and str(term) in LOG_SCALE_TERMS:  # never a silent scale (SF3)
        raise ValueError(f"prior icb term '{term}' needs 'stake': the table gives a share of the actor's own stake "
                         "and the layers read utility units; give stake: salience x distance / span (stake: 1 "
                         "takes the share as it is)")
    if stake is not None and str(term) not in LOG_SCALE_TERMS:
        raise ValueError(f"'stake' scales a cost share (war_cost, standoff_cost), not '{term}'")
    if stake is not None and (not _is_number(stake) or not 0 < float(stake) <= 1):
        raise ValueError(f"'stake' must be a number in (0, 1] (the actor's salience x distance / span), got {stake!r}")
    from detente.errors import InputError
    from detente.scenario.priors import icb_prior

    try:
        low, mode, high, source = icb_prior(str(term), given)
    except InputError as exc:
        raise ValueError(str(exc)) from None
    if stake is not None:  # a share of the stake -> utility units (R1)
        low, mode, high = (float(stake) * x for x in (low, mode, high))
        source += f"; x stake {float(stake):g} (the table's share of the actor's own stake, in utility units)"
    if uses_table:
        data["value"] = mode
        data.setdefault("low", low)
        data.setdefault("high", high)
        lo = data["low"]  # the user's low wins: log-normal only on a positive range (else a triangle)
        if str(term) in LOG_SCALE_TERMS and _is_number(lo) and lo > 0:
            data.setdefault("dist", "lognormal")  # a 90% interval spanning orders of magnitude (ICB9)
    data.setdefault("assumed", True)
    data["note"] = source if not data.get("note") else f"{data['note']}; {source}"
    return data


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def num(value: float, **kwargs: Any) -> Num:
    """Build a :class:`Num` in code (importers, tests)."""
    return Num(value=value, **kwargs)


def count_ranges(obj: Any) -> int:
    """How many ranged numbers ``obj`` (a scenario or any part of it) holds: what a single run at the modes
    leaves out, which a point forecast has to say (H13, H15)."""
    if isinstance(obj, Num):
        return int(obj.is_range)
    if hasattr(obj, "__pydantic_fields__"):
        return sum(count_ranges(getattr(obj, name)) for name in type(obj).model_fields)
    if isinstance(obj, dict):
        return sum(count_ranges(v) for v in obj.values())
    if isinstance(obj, list | tuple):
        return sum(count_ranges(v) for v in obj)
    return 0
