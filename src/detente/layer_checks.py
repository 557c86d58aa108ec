"""Validation that needs the layers: everything a layer would refuse later is refused up front.

The scenario layer checks the schema, references and ranges (:mod:`detente.scenario.checks`).
Some refusals need a layer's own logic: a game spec that cannot be built (a side without a
position, a demand equal to the status quo), payoffs that are not finite, a claim naming an
action no player has, a simulation that cannot be compiled. :func:`layer_problems` runs those
builders once (no solving) and returns the first problem with the scenario path it concerns, so
``detente validate`` (and every command, through the CLI's loader) reports it with file and line.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

from detente.errors import InputError
from detente.scenario.schema import Scenario

Path = tuple[str | int, ...]
Problem = tuple[Path, str]

_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def parse_field(field: str | None) -> Path:
    """``simulation.cohesion[0].issue`` -> ``('simulation', 'cohesion', 0, 'issue')``."""
    if not field:
        return ()
    return tuple(int(m.group(2)) if m.group(2) is not None else m.group(1) for m in _PART.finditer(field))


def _game_path(sc: Scenario, field: str | None) -> Path:
    """A games-layer field (``games.<spec id>.costs.x``) as a document path (``games.specs[k].costs.x``)."""
    parts = parse_field(field)
    if len(parts) >= 2 and parts[0] == "games" and sc.games is not None:
        for k, spec in enumerate(sc.games.specs):
            if spec.id == parts[1]:
                return ("games", "specs", k, *parts[2:])
    return parts


def _game_problems(sc: Scenario) -> Iterator[Problem]:
    if sc.games is None:
        return
    from detente.games.build import build_game

    actions: dict[str, dict[str, set[str]]] = {}
    for k, spec in enumerate(sc.games.specs):
        base: Path = ("games", "specs", k)
        try:
            game = build_game(sc, spec)
            game.check_game()
        except InputError as exc:
            yield _game_path(sc, exc.field) or base, exc.reason
            return
        except (ValueError, ArithmeticError) as exc:
            yield base, f"the {spec.template.value} game cannot be built: {exc}"
            return
        bad = next((p for p in game.payoff if p is not None and not all(math.isfinite(v) for v in p)), None)
        if bad is not None:
            yield base, ("the game's payoffs are not finite numbers (a cost, audience cost or scale is too "
                         "close to zero or too large)")
            return
        per_player: dict[str, set[str]] = {p: set() for p in game.players}
        for s in game.infosets:
            if 0 <= s.player < len(game.players):
                per_player[game.players[s.player]].update(s.actions)
        actions[spec.id] = per_player
    default = sc.games.default or sc.games.specs[0].id
    for i, cl in enumerate(sc.claims):
        ch = cl.check
        if ch.kind not in ("equilibrium_action", "payoff_order"):
            continue
        game_id = ch.game or default
        known = actions.get(game_id)
        if known is None:
            continue  # an unknown game id is reported by the scenario checks
        base = ("claims", i, "check")
        if ch.player not in known:
            yield (*base, "player"), f"'{ch.player}' is not a player of game '{game_id}' " \
                                     f"(players: {', '.join(known)})"
            continue
        names = ["action"] if ch.kind == "equilibrium_action" else ["better", "worse"]
        for name in names:
            act = getattr(ch, name)
            if act not in known[ch.player]:
                yield ((*base, name), f"unknown action '{act}' for {ch.player} in game '{game_id}' "
                       f"(actions: {', '.join(sorted(known[ch.player]))})")


def _sim_problems(sc: Scenario) -> Iterator[Problem]:
    if sc.simulation is None:
        return
    from detente.sim import compile_world

    try:
        compile_world(sc)
    except InputError as exc:
        yield parse_field(exc.field) or ("simulation",), exc.reason


def is_crisis(sc: Scenario) -> bool:
    """A scenario about a crisis, not e.g. a legislative bargain (where war is not on the menu): the
    general crisis model applies (``analyze``'s crisis layer, the backtest's crisis predictor)."""
    return ("crisis" in sc.meta.tags or sc.games is not None or sc.simulation is not None
            or any(k.endswith("_war_cost") for k in sc.parameters))


def _crisis_problems(sc: Scenario) -> Iterator[Problem]:
    """What the general crisis model (``analyze``'s crisis layer, ``game --template crisis``) refuses
    when it builds the model (e.g. a horizon beyond 8 rounds), before any solving."""
    if not is_crisis(sc):
        return
    from detente.games.crisis.spec import build_inputs

    try:
        build_inputs(sc)
    except InputError as exc:
        if "contest no issue" in exc.reason or "two actors with positions" in exc.reason:
            return  # the model does not apply; the layer skips it
        yield parse_field(exc.field) or ("parameters",), exc.reason


def _war_win_problems(sc: Scenario) -> Iterator[Problem]:
    """Two sides' stated chances of winning the same war that sum to more than 1 (H13: 0.9 each passed).
    The crisis model reads the challenger's number and gives the defender the rest, so two such numbers
    above 1 contradict each other there (the simulation's are each the starter's chance). Checked on the
    stated values at load only (a sweep draws each range on its own). A sum below 1 is listed, not
    refused: see ``spec.unread_win_prob``."""
    if not is_crisis(sc):  # no war in it (a simulation makes it one): and no crisis code loaded for validate
        return
    from detente.games.crisis.spec import WIN_TOL, principals, win_prob_names

    # The simulation's pair is not checked: there each number is the chance of the side that starts the
    # war, so two that sum past 1 are a first-strike advantage, not a contradiction (H16).
    pairs: list[tuple[str, str, Path]] = []
    try:
        c, d, _ = principals(sc)
    except InputError:
        c = d = ""
    names = win_prob_names(sc, c, d) if c else None
    war = sc.simulation.war if sc.simulation is not None else None
    if names is not None and not (war is not None and names[1] in war.win_prob.values()):
        # H17: a defender's number the simulation reads (its chance when it starts the war) is no contradiction
        # even under the usual names; the crisis model's output lists it as unread (spec.unread_win_prob)
        pairs.append((*names, ("parameters", names[1])))
    for a, b, path in pairs:
        x, y = sc.parameters[a].value, sc.parameters[b].value
        if x + y > 1 + WIN_TOL:  # one name for both sides counts twice: each side its own chance
            yield path, (f"{a} ({x:g}) and {b} ({y:g}) are the two sides' chances of winning the same war and sum to "
                         f"{x + y:g}, more than 1; the crisis model reads the challenger's and gives the defender the "
                         f"rest: state one side's chance and its complement ({1 - x:g})")
            return


# tags that set a layer's option ("key:value"); other tags are free labels
SETTING_TAGS = ("challenger", "defender", "channels", "mediation", "mediator_proposal", "mediated_split",
                "third_parties", "third_party_mix", "standoff", "settlement", "joining", "holding")


def _tag_problems(sc: Scenario) -> Iterator[Problem]:
    """Setting tags a layer would ignore without a word (H12): a misspelt key close to a setting's
    ('mediaton:propose' left mediation at its default), and a challenger without a defender or the
    reverse (the principals then come from elsewhere)."""
    import difflib

    keys = {}
    for k, tag in enumerate(sc.meta.tags):
        if ":" not in tag:
            continue
        key = tag.split(":", 1)[0]
        keys.setdefault(key, k)
        if key in SETTING_TAGS:
            first = sc.meta.tags[keys[key]]
            if first != tag:  # 'challenger:a' then 'challenger:b': the last won without a word (H13)
                yield (("meta", "tags", k), f"tag '{tag}' contradicts '{first}' (meta.tags[{keys[key]}]): a setting "
                       "tag may be given once; keep the one you mean")
                return
            continue
        near = difflib.get_close_matches(key.lower(), SETTING_TAGS, n=1, cutoff=0.75)
        if near:
            yield (("meta", "tags", k), f"tag '{tag}': no layer reads '{key}:'; did you mean '{near[0]}:'? "
                   f"(setting tags: {', '.join(SETTING_TAGS)})")
            return
    given = dict(t.split(":", 1) for t in sc.meta.tags if t.startswith(("challenger:", "defender:")))
    if given.get("challenger") is not None and given.get("challenger") == given.get("defender"):
        yield (("meta", "tags", keys["defender"]), f"challenger and defender are both '{given['defender']}' (the "
               "crisis model would find no contest and be skipped without a word)")
        return
    for one, other in (("challenger", "defender"), ("defender", "challenger")):
        if one in keys and other not in keys:
            yield (("meta", "tags", keys[one]), f"tag '{sc.meta.tags[keys[one]]}' needs a '{other}:' tag too "
                   "(one alone is ignored and the principals come from the games spec, the simulation players or "
                   "the largest capability x salience)")
            return


def layer_problems(sc: Scenario) -> Problem | None:
    """The first problem a layer would refuse later, as (document path, reason), or None."""
    for problem in (*_tag_problems(sc), *_game_problems(sc), *_sim_problems(sc), *_crisis_problems(sc),
                    *_war_win_problems(sc)):
        return problem
    return None
