"""The octant/quadrant map of each dyad and the offers it implies (Scholz section 6, fig. 6).

For the ordered dyad (i, j) let ``a = E^i(U_ij)`` and ``b = E^j(U_ji)`` (as seen by i):

* both > 0: **confrontation** -- the side with the lower EU moves fully to the other;
* opposite signs, the positive side larger: **compromise** -- the negative side moves part
  way, by the fraction ``|negative / positive|`` of the distance (eqs. 35-36);
* opposite signs, the negative side larger: **capitulation** (compel) -- it moves fully;
* both < 0: **stalemate** (status quo) -- nobody moves.

The labels feed "settlement / stalemate / escalation": confrontation ~ escalation risk,
compromise and capitulation ~ settlement, stalemate ~ stalemate.
"""

from __future__ import annotations

import numpy as np

NONE, CONFRONTATION, COMPROMISE, CAPITULATION, STALEMATE = 0, 1, 2, 3, 4
LABELS = {NONE: "none", CONFRONTATION: "confrontation", COMPROMISE: "compromise",
          CAPITULATION: "capitulation", STALEMATE: "stalemate"}
TIE = 1e-9  # selection keys and EUs this close count as tied (ties go to the lower index)


def first_least(key: np.ndarray, axis: int) -> np.ndarray:
    """Index of the first entry within TIE of the least along ``axis``.

    Exact ties (e.g. two actors at one position, or P = 1 where salience drops out) come out
    of the arithmetic a few ulps apart, differently in the NumPy and compiled kernels; a
    tolerance makes them resolve the same way, by index (DECISIONS.md, U-K2).
    """
    best = key.min(axis=axis, keepdims=True, initial=np.inf)
    return np.argmax(key <= best + TIE, axis=axis)


def first_greatest(v: np.ndarray, axis: int) -> np.ndarray:
    """Index of the first entry within TIE of the greatest along ``axis``."""
    best = v.max(axis=axis, keepdims=True, initial=-np.inf)
    return np.argmax(v >= best - TIE, axis=axis)


def classify(a: np.ndarray, b: np.ndarray, differ: np.ndarray) -> np.ndarray:
    """Quadrant code per ordered dyad (``NONE`` on the diagonal and where positions coincide)."""
    kind = np.full(a.shape, STALEMATE, dtype=np.int8)
    kind[(a > 0) & (b > 0)] = CONFRONTATION
    opposite = (a > 0) != (b > 0)
    pos_side = np.where(a > 0, a, b)
    neg_side = np.where(a > 0, b, a)
    kind[opposite & (np.abs(pos_side) >= np.abs(neg_side))] = COMPROMISE
    kind[opposite & (np.abs(pos_side) < np.abs(neg_side))] = CAPITULATION
    kind[(a == 0) & (b == 0)] = STALEMATE
    kind[~differ] = NONE
    return kind


def offer_masks(a: np.ndarray, b: np.ndarray, compromise_sign: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where i loses a confrontation, compromises, or capitulates, given the two EUs (a: i's, b: j's).

    One place for the sign rules of ambiguity A3, shared by the single-draw and batched models.
    """
    lose = (a > 0) & (b > 0) & (b > a)
    if compromise_sign == "figure":
        comp = (a < 0) & (b > 0) & (np.abs(b) > np.abs(a))
        capit = (a < 0) & (b > 0) & (np.abs(a) >= np.abs(b))
    elif compromise_sign == "text":
        comp = (a < 0) & (b < 0) & (np.abs(b) > np.abs(a))
        capit = (a < 0) & (b > 0)
    else:
        raise ValueError(f"unknown compromise sign reading {compromise_sign!r}")
    return lose, comp, capit


def offers_to(x: np.ndarray, a: np.ndarray, b: np.ndarray, differ: np.ndarray,
              compromise_sign: str, capitulation_moves: bool) -> tuple[np.ndarray, np.ndarray]:
    """``(target, kind)``: where actor i would move in dyad (i, j), NaN where i stays.

    ``compromise_sign`` resolves ambiguity A3 for the clause in which j has the upper hand:
    ``figure`` (fig. 6 and symmetry: a < 0 < b, |b| > |a| -> i compromises) or ``text``
    (as printed: a < 0, b < 0, |b| > |a| -> i compromises, and all of a < 0 < b is capitulation).
    """
    xi, xj = x[:, None], x[None, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = np.where(b != 0, np.abs(a / np.where(b != 0, b, 1.0)), 0.0)
    partial = xi + (xj - xi) * np.clip(frac, 0.0, 1.0)
    target = np.full(a.shape, np.nan)
    kind = np.zeros(a.shape, dtype=np.int8)
    lose, comp, capit = offer_masks(a, b, compromise_sign)
    target[lose], kind[lose] = np.broadcast_to(xj, a.shape)[lose], CONFRONTATION
    target[comp], kind[comp] = partial[comp], COMPROMISE
    if capitulation_moves:
        target[capit], kind[capit] = np.broadcast_to(xj, a.shape)[capit], CAPITULATION
    target[~differ], kind[~differ] = np.nan, NONE
    return target, kind


_RANK = np.array([9, 0, 1, 2, 9])  # offer class order under type-priority selection


def selection_key(xi: np.ndarray, xj: np.ndarray, a: np.ndarray, b: np.ndarray, target: np.ndarray,
                  kind: np.ndarray, rule: str) -> tuple[np.ndarray, np.ndarray]:
    """``(valid, key)`` of every offer under rule ``rule``; the least key wins, inf where no offer.

    ``xi``/``xj`` are the positions broadcast along the dyad matrix's rows and columns, so one
    body serves a single draw ``(n, n)`` and a batch ``(B, n, n)``.
    """
    valid = ~np.isnan(target)
    move = np.where(valid, np.abs(target - xi), np.inf)
    if rule in ("smallest_move", "mutual"):
        return valid, move
    if rule == "type_priority":
        return valid, np.where(valid, _RANK[kind] * 1e12 + move, np.inf)
    if rule == "scholz_code":
        with np.errstate(invalid="ignore", divide="ignore"):
            den = np.abs(a) + np.abs(b)
            wpos = (np.abs(a) * xi + np.abs(b) * xj) / np.where(den > 0, den, 1.0)
        sub = np.where(kind == COMPROMISE, wpos, move)
        return valid, np.where(valid, _RANK[kind] * 1e12 + sub, np.inf)
    if rule == "highest_eu":
        return valid, np.where(valid, -b, np.inf)
    raise ValueError(f"unknown offer selection {rule!r}")


def select(x: np.ndarray, a: np.ndarray, b: np.ndarray, target: np.ndarray, kind: np.ndarray,
           rule: str) -> tuple[np.ndarray, np.ndarray]:
    """Each actor's accepted offer (ambiguity A4): ``(new_x, proposer)``, proposer -1 if none.

    ``smallest_move`` (Scholz 6.2, default): the offer requiring the least movement.
    ``type_priority``: confrontation before compromise before capitulation, then least movement.
    ``scholz_code``: as type_priority, but among compromises the smallest
    ``(|a| x_i + |b| x_j)/(|a| + |b|)`` (jmckib's account of Scholz's code).
    ``highest_eu``: concede to the proposer with the highest EU of challenging.
    ``mutual``: least movement, accepted only if i is also the proposer's most attractive
    target (the largest ``E^j(U_ji)`` among the actors j can move).
    Ties (within TIE) go to the lower actor index.
    """
    valid, key = selection_key(x[:, None], x[None, :], a, b, target, kind, rule)
    n = x.size
    has = valid.any(axis=1)
    pick = np.where(has, first_least(key, axis=1), -1)
    if rule == "mutual" and n:
        fav = first_greatest(np.where(valid, b, -np.inf), axis=0)  # proposer j's favourite mover i
        ok = np.zeros(n, dtype=bool)
        ok[has] = fav[pick[has]] == np.flatnonzero(has)
        pick = np.where(ok, pick, -1)
    rows = np.flatnonzero(pick >= 0)
    new_x = x.copy()
    new_x[rows] = target[rows, pick[rows]]
    return new_x, pick
