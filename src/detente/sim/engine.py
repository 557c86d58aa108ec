"""The round loop: seeded, deterministic, with a readable and a structured log.

A :class:`Simulation` owns its random generator (seeded per run) and can hand out and
restore its whole state (``get_state``/``set_state``), so runs can be checkpointed and
replayed. Players move in the order of ``simulation.players``; then the audiences update,
news fades and tension decays.
"""

from __future__ import annotations

import json
import math
import threading
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from detente.gcpause import paused_gc
from detente.sim import narrate
from detente.sim.outcome import Outcome, classify
from detente.sim.policies import (
    ArgmaxPolicy,
    DecisionContext,
    LogitPolicy,
    PassPolicy,
    Planner,
    Policy,
    ScriptedPolicy,
)
from detente.sim.world import State, World, apply, available, end_round, initial_state

if TYPE_CHECKING:
    from detente.sim.crisis_play import CrisisPlan

TRACK_NAME = {"public": "public track", "closed": "closed track", "field": "on the ground"}

#: Builds a run's world from the run's own generator (drawing the ranged numbers first), so
#: that outcome frequencies reflect the stated uncertainty. Must be picklable for ``jobs > 1``.
WorldSampler = Callable[[np.random.Generator], World]


def default_policies(w: World, choice: str = "logit") -> list[Policy]:
    """Scripted players follow their script, then ``after_script``; the others choose.
    ``choice``: "logit" (the simulation) or "argmax" (the modal path, for break-evens)."""
    def chooser() -> Policy:
        return ArgmaxPolicy() if choice == "argmax" else LogitPolicy()

    out: list[Policy] = []
    for p in range(w.n_players):
        after: Policy = chooser() if w.after_script == "logit" else PassPolicy()
        out.append(ScriptedPolicy(after) if p in w.scripted else chooser())
    return out


def run_seeds(seed: int, runs: int) -> list[int]:
    """Independent per-run seeds derived from one master seed (stable under parallel splits)."""
    ss = np.random.SeedSequence(seed)
    return [int(c.generate_state(1, dtype=np.uint32)[0]) for c in ss.spawn(runs)]


@dataclass
class RunResult:
    seed: int
    outcome: Outcome
    records: list[dict[str, Any]]
    lines: list[str]
    opinion_path: dict[str, list[float]]  # "audience/issue" -> opinion after each round (index 0 = start)
    concessions: list[dict[str, Any]] = field(default_factory=list)
    last_round: int = 0  # the round the run ended in (war ends it early)
    crisis: dict[str, Any] | None = None  # with the crisis-model policy: drawn types, mediation, path (C14)

    def first_crossing(self, audience: str, issue: str, threshold: float) -> int | None:
        """The first round after which the audience's opinion is at or above ``threshold``."""
        path = self.opinion_path.get(f"{audience}/{issue}")
        if not path:
            return None
        rising = path[0] < threshold
        for r, y in enumerate(path):
            if (y >= threshold) if rising else (y <= threshold):
                return r
        return None

    def log_text(self) -> str:
        return "\n".join(self.lines) + "\n"

    def json_lines(self) -> str:
        return "".join(json.dumps(r, ensure_ascii=False, sort_keys=True, allow_nan=False) + "\n"
                       for r in self.records)

    def to_dict(self, with_log: bool = False) -> dict[str, Any]:
        d: dict[str, Any] = {"seed": self.seed, "outcome": self.outcome.to_dict(),
                             "concessions": self.concessions}
        if self.crisis is not None:
            d["types"] = self.crisis["types"]
            d["mediated"] = self.crisis["mediated"]
        if with_log:
            d["log"] = self.lines
            d["records"] = self.records
        return d


class Simulation:
    """One run of a world, round by round."""

    def __init__(self, world: World, seed: int, policies: Mapping[str, Policy] | None = None,
                 planner: Planner | None = None, *, log: bool = True,
                 sampler: WorldSampler | None = None, choice: str = "logit",
                 director: CrisisPlan | None = None) -> None:
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        if sampler is not None:  # the run's ranged numbers come first from its own generator
            world = sampler(self.rng)
            planner = Planner(world, cache=False)  # a world of its own: no state comes twice
        self.world = world
        self.log = log
        self.planner = planner or Planner(world)
        base = default_policies(world, choice)
        for pid, pol in (policies or {}).items():
            base[world.player_ids.index(pid)] = pol
        self.policies = base
        self._phrases = self.planner.phrases
        self._gated = self.planner.gated
        self.state = initial_state(world)
        self.records: list[dict[str, Any]] = []
        self.lines: list[str] = []
        self.concessions: list[dict[str, Any]] = []
        self.opinion_path: dict[str, list[float]] = {
            f"{a}/{i}": [y] for ai, a in enumerate(world.audience_ids)
            for ii, i in enumerate(world.issue_ids) if not math.isnan(y := self.state.opinion[ai][ii])
        }
        # the crisis model plays both principals (C14): the run's types are drawn now, after the
        # ranged numbers, from the run's generator
        self.crisis = director.start(world, self.rng) if director is not None else None
        if self.crisis is not None and self.log:
            self.lines.append(self.crisis.opening())
            info = self.crisis.info()
            self.records.append({"kind": "policy", "round": 0, **{k: info[k] for k in (
                "policy", "types", "drawn_types", "war_cost", "mediated")}})

    # -- checkpointing
    def get_state(self) -> dict[str, Any]:
        return {"seed": self.seed, "state": self.state.to_dict(), "rng": self.rng.bit_generator.state,
                "records": list(self.records), "lines": list(self.lines),
                "concessions": list(self.concessions),
                "opinion_path": {k: list(v) for k, v in self.opinion_path.items()},
                **({"crisis": self.crisis.get_state()} if self.crisis is not None else {})}

    def set_state(self, d: Mapping[str, Any]) -> None:
        self.seed = int(d["seed"])
        self.state = State.from_dict(d["state"])
        self.rng.bit_generator.state = d["rng"]
        self.records = list(d["records"])
        self.lines = list(d["lines"])
        self.concessions = list(d["concessions"])
        self.opinion_path = {k: list(v) for k, v in d["opinion_path"].items()}
        if self.crisis is not None:
            self.crisis.set_state(d["crisis"])

    @property
    def finished(self) -> bool:
        return self.state.war_by >= 0 or self.state.round >= self.world.rounds

    # -- the loop
    def play_move(self, r: int, k: int, force_cap: float | None = None, *, history: bool = False) -> None:
        """Apply move ``k`` now and log it (for a policy that plays for both players, C14). ``force_cap``:
        a war move does not end the run but lifts the tension to at most this level (the crisis model's
        reading of force already used in the history: a rung, not war). ``history``: the move is the
        scenario's history replayed in its own step's round (logged with its label)."""
        events: list[dict[str, Any]] = []
        self.state = apply(self.world, self.state, k, events)
        if force_cap is not None and self.state.war_by >= 0:
            self.state.war_by = -1
            self.state.level = min(self.state.level, force_cap)
            events[0]["history_force"] = True
        self._log_move(r, k, events[0], self.state, history)

    def note(self, r: int, text: str, record: dict[str, Any]) -> None:
        """A line and a record of the crisis model's play (C14)."""
        if self.log:
            self.lines.append(f"round {r}, crisis model: {text}")
            self.records.append({"kind": "crisis", "round": r, **record})

    def step(self) -> None:
        """Play one round."""
        w = self.world
        s = self.state
        s.round += 1
        r = s.round
        if self.crisis is not None:
            self.crisis.play(self, r)
            s = self.state
        for p in range(w.n_players) if self.crisis is None else ():
            ctx = DecisionContext(w, s, p, r, self.rng, self.planner)
            chosen = list(self.policies[p].choose(ctx))
            if not chosen:
                continue
            for move_id in chosen:
                allowed = {w.moves[k].id: k for k in available(w, s, p)}
                if move_id not in allowed:
                    if s.war_by >= 0:
                        break
                    raise ValueError(f"policy for {w.player_ids[p]} chose '{move_id}', not on its menu "
                                     f"(allowed: {', '.join(sorted(allowed))})")
                k = allowed[move_id]
                events: list[dict[str, Any]] = []
                s = apply(w, s, k, events)
                self._log_move(r, k, events[0], s)
            if s.war_by >= 0:
                break
        before = [row[:] for row in s.opinion]
        coh_before = s.cohesion
        gates_before = self._gate_state(s) if self.log else {}
        s = end_round(w, s)
        self._log_round_end(r, before, gates_before, s, coh_before)
        self.state = s

    def run(self, until: tuple[str, str, float] | None = None) -> RunResult:
        """Play to the end; with ``until`` = (audience, issue, threshold), stop as soon as that
        opinion has crossed the threshold (for runs that are only asked when it does: the
        outcome is then the state at the stop, not an end state)."""
        while not self.finished:
            self.step()
            if until is not None and self._crossed(*until):
                break
        outcome = classify(self.world, self.state) if self.crisis is None else self.crisis.outcome(self.state)
        info = self.crisis.info() if self.crisis is not None else None
        if not self.log:
            return RunResult(self.seed, outcome, [], [], self.opinion_path, self.concessions, self.state.round,
                             info)
        rec = {"kind": "outcome", "round": self.state.round, **outcome.to_dict()}
        self.records.append(rec)
        final = ", ".join(f"{self.world.issue_names[i]} {v:.0f}" for i, v in enumerate(self.state.realised))
        self.lines.append(f"outcome after {self.state.round} rounds: {outcome.cls} — {outcome.detail}; "
                          f"tension {outcome.level:.2f} ({outcome.rung}); final positions: {final}")
        return RunResult(self.seed, outcome, self.records, self.lines, self.opinion_path, self.concessions,
                         self.state.round, info)

    def _crossed(self, audience: str, issue: str, threshold: float) -> bool:
        path = self.opinion_path.get(f"{audience}/{issue}")
        if not path:
            return False
        y0, y = path[0], path[-1]
        return (y >= threshold) if y0 < threshold else (y <= threshold)

    # -- logging
    def _log_move(self, r: int, k: int, ev: dict[str, Any], s: State, in_history: bool = False) -> None:
        w = self.world
        mv = w.moves[k]
        if not self.log:
            if "concession" in ev:
                self.concessions.append({"round": r, "actor": mv.actor, "move": mv.id, **ev["concession"]})
            return
        running = mv.kind.effect == "inform" and not ev.get("campaign")
        # force in the scenario's history is what happened before the decision date, not the run's war (SF3)
        in_history = in_history or _scripted_now(w, mv, r)
        history = mv.kind.effect == "war" and (ev.get("history_force") or in_history)
        # a move of the history played again (logit players after the script, a crisis player's answer) is a
        # new move of the same kind, not the dated event its label names (SF5)
        repeat = mv.step is not None and not in_history
        phrase = self._phrases.get((k, running, history, repeat))
        if phrase is None:  # the move's words depend on the world only: made once per world
            phrase = self._phrases[(k, running, history, repeat)] = (
                _history_phrase(w, k) if history else _move_phrase(w, k, running, repeat))
        if mv.type == "pass":
            self.records.append({"kind": "move", "round": r, "actor": mv.actor, "move": mv.id, "type": "pass"})
            self.lines.append(f"round {r}{phrase}")
            return
        text = f"round {r}{phrase}"
        notes = []
        if "concession" in ev:
            c = ev["concession"]
            other = narrate.actor(w, w.player_ids[1 - mv.player])
            cost = ("little face lost in private" if mv.track == "closed"
                    else "face lost in public")
            ground = (f" (on the ground from {c['ground'][0]:g} to {c['ground'][1]:g})" if "ground" in c else "")
            notes.append(f"a concession of {c['amount']:.0%} of the scale toward {other}{ground}; "
                         f"{cost}: {c['face_cost']:.3f}")
            self.concessions.append({"round": r, "actor": mv.actor, "move": mv.id, **c})
        if "settled" in ev:
            st = ev["settled"]
            i = w.issue_ids.index(st["issue"])
            notes.append(f"settled: {narrate.at(w, i, st['value'])}, announced as a joint outcome")
        if ev.get("history_force"):
            notes.append("the crisis model reads this force as a rung, not war; the run goes on")
        elif history:
            notes.append("the logit players read this force as war, the top rung: the run ends here")
        elif mv.kind.effect == "war":
            notes.append("war: the top rung of the ladder")
        if notes:
            text += " [" + "; ".join(notes) + "]"
        self.lines.append(text)
        self.records.append({
            "kind": "move", "round": r, "actor": mv.actor, "player": w.player_ids[mv.player], "move": mv.id,
            "type": mv.type, "plover": mv.kind.plover, "track": mv.track, "channel": mv.channel,
            "target": mv.target, "issue": w.issue_ids[mv.issue] if mv.issue is not None else None,
            "position": mv.position, "intensity": mv.intensity, "level": round(s.level, 6),
            "rung": w.catalogue.rung_name(s.level), "face": [round(x, 6) for x in s.face],
            **{key: ev[key] for key in ("concession", "settled", "campaign") if key in ev},
            **({"repeats_history_step": mv.step} if repeat else {}),
            "text": text,
        })

    def _gate_state(self, s: State) -> dict[str, bool]:
        w = self.world
        if s.war_by >= 0:  # no move is available after war
            return {w.moves[k].id: False for k in self._gated}
        out = {}
        opinion, cohesion = s.opinion, s.cohesion
        for k in self._gated:  # as ``available``, for the gated moves only
            mv = w.moves[k]
            ok = all(lo_b <= opinion[a][i] <= hi_b for a, i, lo_b, hi_b in mv.gates)
            out[mv.id] = ok and all(lo_b <= cohesion[c] <= hi_b for c, lo_b, hi_b in mv.cgates)
        return out

    def _log_round_end(self, r: int, before: list[list[float]], gates_before: dict[str, bool],
                       s: State, coh_before: list[float] | None = None) -> None:
        w = self.world
        for a, aid in enumerate(w.audience_ids):
            for i, iid in enumerate(w.issue_ids):
                y0, y1 = before[a][i], s.opinion[a][i]
                if math.isnan(y0):
                    continue
                self.opinion_path[f"{aid}/{iid}"].append(y1)
                if not self.log:
                    continue
                if abs(y1 - y0) >= 0.05:
                    low, high = w.scale_text[i]
                    end = high if y1 > y0 else low
                    toward = f", toward “{end}”" if end else ""
                    self.lines.append(f"round {r}, audiences: {w.audience_names[a]} on {w.issue_names[i]}: "
                                      f"{y0:.1f} → {y1:.1f}{toward}")
                    self.records.append({"kind": "opinion", "round": r, "audience": aid, "issue": iid,
                                         "before": round(y0, 6), "after": round(y1, 6)})
        if not self.log:
            return
        for c, cid in enumerate(w.cohesion_ids):
            c0, c1 = (coh_before or s.cohesion)[c], s.cohesion[c]
            if abs(c1 - c0) >= 0.005:
                a, i = w.cohesion_specs[c][0], w.cohesion_specs[c][1]
                self.lines.append(f"round {r}, alliances: {narrate.short(w, cid, start=True)} cohesion "
                                  f"{c0:.2f} → {c1:.2f}, following {w.audience_names[a]} on {w.issue_names[i]}")
                self.records.append({"kind": "cohesion", "round": r, "alliance": cid,
                                     "before": round(c0, 6), "after": round(c1, 6)})
        gates_now = self._gate_state(s) if gates_before else {}  # once per round, not once per gated move
        for move_id, was in gates_before.items():
            now = gates_now.get(move_id, was)
            if now != was:
                k = w.move_index(move_id)
                mv = w.moves[k]
                state = "now feasible" if now else "no longer feasible"
                why = "; ".join(
                    f"{w.audience_names[a]} at {s.opinion[a][i]:.1f} on {w.issue_names[i]} (threshold "
                    + (f"{lo_b:g}" if lo_b > -math.inf else f"{hi_b:g}") + ")" for a, i, lo_b, hi_b in mv.gates)
                why = "; ".join(([why] if why else []) + [
                    f"{narrate.short(w, w.cohesion_ids[c])} cohesion at {s.cohesion[c]:.2f} (threshold "
                    + (f"{lo_b:g}" if lo_b > -math.inf else f"{hi_b:g}") + ")" for c, lo_b, hi_b in mv.cgates])
                self.lines.append(f"round {r}, audiences: {why} — {possessive_label(w, mv)} is {state}")
                self.records.append({"kind": "gate", "round": r, "move": move_id, "open": now})
        self.records.append({"kind": "round_end", "round": r, "level": round(s.level, 6),
                             "rung": w.catalogue.rung_name(s.level), "face": [round(x, 6) for x in s.face]})


def _move_phrase(w: World, k: int, running: bool, repeat: bool = False) -> str:
    """A move's log line after "round N": where and what, in words; ``repeat``: a move of the history made
    again, which the log does not give the history's label (its date and event belong to the history)."""
    mv = w.moves[k]
    if mv.type == "pass":
        return f": {narrate.actor(w, mv.actor, start=True)} makes no new move"
    where = TRACK_NAME[mv.track]
    if mv.channel:
        where += f" ({w.channel_names.get(mv.channel, mv.channel)})"
    return f", {where}: {narrate.move_sentence(w, mv, running=running)} — " + (
        narrate.repeat_of_history(mv) if repeat else mv.label)


def _scripted_now(w: World, mv: Any, r: int) -> bool:
    """A scripted player's move of the scenario's history played in its own round (``step`` + 1)."""
    return mv.step is not None and r == mv.step + 1 and mv.player in w.scripted


def _history_phrase(w: World, k: int) -> str:
    """A war move of the history: what happened before the decision date, not an outcome of the run."""
    mv = w.moves[k]
    where = TRACK_NAME[mv.track]
    if mv.channel:
        where += f" ({w.channel_names.get(mv.channel, mv.channel)})"
    who = narrate.actor(w, mv.actor, start=True)
    tgt = narrate.actor(w, mv.target) if mv.target else None
    did = ({"escalate": "escalated to the use of force", "assault": "attacked"}.get(mv.type, "used force")
           + (f" {'' if mv.type == 'assault' else 'against '}{tgt}" if tgt else ""))
    return f", {where}: {who} {did} before the decision date (the scenario's history, step {mv.step}) — {mv.label}"


def possessive_label(w: World, mv: Any) -> str:
    """"the United States' move “Threat of severe sanctions”"."""
    return f"{narrate.possessive(narrate.actor(w, mv.actor))} move “{mv.label}”"


@dataclass
class Batch:
    """Many seeded runs of one world. Runs made without logs replay the representative one
    (same seed, same draws, so the same run) when its log is asked for."""

    seed: int
    runs: list[RunResult]
    replay: Callable[[int], RunResult] | None = field(default=None, repr=False, compare=False)
    policy: str = "logit"  # "crisis" when the crisis model played both principals (C14)

    @property
    def frequencies(self) -> dict[str, float]:
        n = len(self.runs)
        counts = Counter(r.outcome.cls for r in self.runs)
        return {c: counts.get(c, 0) / n for c in ("agreement", "stalemate", "capitulation", "escalation")}

    @property
    def modal(self) -> str:
        f = self.frequencies
        return max(f, key=lambda c: (f[c], c == "stalemate"))

    def representative(self) -> RunResult:
        """The first run whose outcome is the most frequent class (with its log)."""
        m = self.modal
        k, run = next((k, r) for k, r in enumerate(self.runs) if r.outcome.cls == m)
        if not run.lines and self.replay is not None:
            run = self.replay(run.seed)
            self.runs[k] = run
        return run


@dataclass(frozen=True)
class _Runner:
    """Runs seeds of one world (a picklable job for worker processes)."""

    world: World
    policies: Mapping[str, Policy] | None = None
    log: bool = True
    sampler: WorldSampler | None = None
    until: tuple[str, str, float] | None = None
    director: CrisisPlan | None = None

    def __call__(self, seeds: list[int]) -> list[RunResult]:
        planner = Planner(self.world) if self.sampler is None else None
        with paused_gc():
            return [Simulation(self.world, s, self.policies, planner, log=self.log, sampler=self.sampler,
                               director=self.director).run(self.until) for s in seeds]

    def one(self, seed: int) -> RunResult:
        return _Runner(self.world, self.policies, True, self.sampler, self.until, self.director)([seed])[0]


def simulate(world: World, seed: int, runs: int = 1, policies: Mapping[str, Policy] | None = None,
             jobs: int = 1, *, keep_logs: bool = True, sampler: WorldSampler | None = None,
             until: tuple[str, str, float] | None = None, director: CrisisPlan | None = None) -> Batch:
    """``runs`` independent runs; run k uses the k-th seed spawned from ``seed``.

    With ``jobs > 1`` (and the built-in policies) the runs are split over processes; the
    result is the same as with one job, run for run. ``keep_logs=False`` keeps only what the
    summaries need (outcome, concessions, opinion paths): cheaper to make and to send back
    from workers; the representative run is replayed for its log. ``sampler`` draws each
    run's ranged numbers from the run's own generator (see :data:`WorldSampler`). ``until``
    stops each run once an opinion crosses a threshold (see :meth:`Simulation.run`). ``director``:
    the crisis model plays both principals (C14; ``policies`` then play no one).
    """
    seeds = run_seeds(seed, runs)
    runner = _Runner(world, policies or None, keep_logs, sampler, until, director)
    policy = "crisis" if director is not None else "logit"
    if jobs <= 1 or policies or runs < 2 * jobs:
        return Batch(seed, runner(seeds), runner.one, policy)
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    # fork where the platform has it and this process runs one thread (no re-import in the
    # workers; forking a threaded process, e.g. a server, can deadlock, and Python 3.14's
    # default is forkserver); the calling process plays the first chunk itself while the
    # jobs - 1 workers play the others, so only their results cross a pipe
    fork = "fork" in mp.get_all_start_methods() and threading.active_count() == 1
    ctx = mp.get_context("fork") if fork else None
    chunks = [seeds[k::jobs] for k in range(jobs)]
    # the pause is taken before the pool's own thread starts (the runner's would be skipped)
    with paused_gc(), ProcessPoolExecutor(max_workers=jobs - 1, mp_context=ctx) as pool:
        futures = [pool.submit(runner, chunk) for chunk in chunks[1:]]
        parts = [runner(chunks[0])] + [f.result() for f in futures]
    by_seed = {r.seed: r for part in parts for r in part}
    return Batch(seed, [by_seed[s] for s in seeds], runner.one, policy)
