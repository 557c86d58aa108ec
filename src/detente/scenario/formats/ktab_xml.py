"""KTAB SMP XML scenarios (``smpc --xml``; schema ``examples/smp/doc/smpSchema.xsd``).

The XML adds model parameters (victory-probability model, voting rule, ...), a PRNG seed
and an ideal-adjustment (accommodation) matrix to the CSV content. They become the
scenario's ``models.smp`` options (so ``detente forecast`` runs KTAB's SMP as the file asks)
and are also kept, as written, as ``meta.tags`` strings such as
``ktab:VictoryProbModel=Linear`` and ``ktab:IdealAdjustment=Bob<-Alice:0.07``.

An empty ``<dCoord></dCoord>`` is refused, as KTAB itself refuses it (see docs/DECISIONS.md).
DTDs and entity declarations are refused before parsing.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any
from xml.parsers import expat

from detente.errors import InputError
from detente.scenario.formats.common import Problems, base_meta, build, fmt_num, read_input, unique_ids
from detente.scenario.formats.ktab_csv import (
    MAX_ACTORS,
    MIN_ACTORS,
    range_problem,
    scenario_data,
)
from detente.scenario.schema import Scenario

FORMAT_LABEL = "KTAB SMP XML"

# Allowed values, from smpSchema.xsd; KTAB needs all nine when <ModelParameters> is present.
MODEL_PARAMETERS: dict[str, tuple[str, ...]] = {
    "VictoryProbModel": ("Linear", "Square", "Quartic", "Octic", "Binary"),
    "PCEModel": ("Conditional", "MarkovIncentive", "MarkovUniform"),
    "StateTransitions": ("Deterministic", "Stochastic"),
    "VotingRule": ("Binary", "PropBin", "Proportional", "PropCbc", "Cubic", "ASymProsp"),
    "BigRAdjust": ("Full", "TwoThirds", "Half", "OneThird", "No"),
    "BigRRange": ("Min", "Mid", "Max"),
    "ThirdPartyCommit": ("NoCommit", "SemiCommit", "FullCommit"),
    "InterVecBrgn": ("S1P1", "S2P2", "S2PMax"),
    "BargnModel": ("InitOnlyInterp", "InitRcvrInterp", "PWCompInterp"),
}
# KTAB's spelling -> detente's smp option value
SMP_OPTIONS: dict[str, tuple[str, dict[str, str]]] = {
    "VictoryProbModel": ("victory_model", {v: v.lower() for v in MODEL_PARAMETERS["VictoryProbModel"]}),
    "PCEModel": ("pce_model", {"Conditional": "conditional", "MarkovIncentive": "markov_incentive",
                               "MarkovUniform": "markov_uniform"}),
    "StateTransitions": ("state_transitions", {"Deterministic": "deterministic", "Stochastic": "stochastic"}),
    "VotingRule": ("voting_rule", {"Binary": "binary", "PropBin": "prop_bin", "Proportional": "proportional",
                                   "PropCbc": "prop_cubic", "Cubic": "cubic", "ASymProsp": "asym_prospect"}),
    "BigRAdjust": ("big_r_adjust", {"Full": "full", "TwoThirds": "two_thirds", "Half": "half",
                                    "OneThird": "one_third", "No": "none"}),
    "BigRRange": ("big_r_range", {"Min": "min", "Mid": "mid", "Max": "max"}),
    "ThirdPartyCommit": ("third_party_commit", {"NoCommit": "no_commit", "SemiCommit": "semi_commit",
                                                "FullCommit": "full_commit"}),
    "InterVecBrgn": ("inter_vec_bargain", {"S1P1": "s1p1", "S2P2": "s2p2", "S2PMax": "s2pmax"}),
    "BargnModel": ("bargain_model", {"InitOnlyInterp": "init_only", "InitRcvrInterp": "init_rcvr",
                                     "PWCompInterp": "pw_comp"}),
}
_SCENARIO_CHILDREN = {"name", "desc", "prngSeed", "ModelParameters", "Dimensions", "Actors",
                      "IdealAdjustment"}
_ACTOR_CHILDREN = {"name", "description", "capability", "Position", "Salience"}
_DTD = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


class _Doc:
    """An ElementTree plus the line each element starts on (ElementTree does not keep it)."""

    def __init__(self, root: ET.Element, lines: dict[ET.Element, int], file: str) -> None:
        self.root = root
        self.lines = lines
        self.file = file

    def line(self, el: ET.Element | None) -> int | None:
        return None if el is None else self.lines.get(el)

    def error(self, reason: str, el: ET.Element | None, field: str | None = None) -> InputError:
        # Field paths hold actor names, which XML lets span lines; keep the message one line.
        return InputError(reason, self.file, self.line(el), " ".join(field.split()) if field else None)

    def child(self, parent: ET.Element, tag: str, field: str) -> ET.Element:
        el = parent.find(tag)
        if el is None:
            raise self.error(f"missing <{tag}> in <{parent.tag}>", parent, field)
        return el

    def text(self, el: ET.Element) -> str:
        return (el.text or "").strip()

    def number(self, el: ET.Element, field: str, what: str) -> float:
        s = self.text(el)
        if not s:
            raise self.error(f"empty <{el.tag}>: {what} needs a number (KTAB refuses an empty "
                             "element too)", el, field)
        try:
            x = float(s)
        except ValueError:
            raise self.error(f"<{el.tag}> holds '{s[:40]}', not a number", el, field) from None
        if x != x or x in (float("inf"), float("-inf")):
            raise self.error(f"<{el.tag}> must be a finite number", el, field)
        return x


def _parse(text: str, file: str) -> _Doc:
    """Parse with expat into an ElementTree, recording element lines; no DTDs, no entities."""
    m = _DTD.search(text)
    if m:
        line = text.count("\n", 0, m.start()) + 1
        raise InputError(f"<!{m.group(1).upper()}> is not allowed in a KTAB scenario (DTDs and "
                         "entities are refused for safety)", file, line)
    builder = ET.TreeBuilder()
    lines: dict[ET.Element, int] = {}
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def start(tag: str, attrs: dict[str, str]) -> None:
        lines[builder.start(tag, attrs)] = parser.CurrentLineNumber

    def refuse(*_: Any) -> None:
        raise InputError("DTDs and entities are not allowed in a KTAB scenario", file,
                         parser.CurrentLineNumber)

    parser.StartElementHandler = start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    try:
        parser.Parse(text, True)
    except expat.ExpatError as exc:
        raise InputError(f"not well-formed XML: {expat.ErrorString(exc.code)}", file,
                         exc.lineno) from None
    except RecursionError:
        raise InputError("the XML nests too deeply", file) from None
    return _Doc(builder.close(), lines, file)


def _check_children(doc: _Doc, el: ET.Element, allowed: set[str], field: str) -> None:
    for ch in el:
        if ch.tag not in allowed:
            raise doc.error(f"unknown element <{ch.tag}> in <{el.tag}> (known: "
                            f"{', '.join(sorted(allowed))})", ch, field)


def _model_tags(doc: _Doc, scen: ET.Element, options: dict[str, Any]) -> list[str]:
    """Tags for the file's seed and model parameters; the smp options go into ``options``."""
    tags: list[str] = []
    seed = scen.find("prngSeed")
    if seed is not None and doc.text(seed):
        if not doc.text(seed).isdigit() or int(doc.text(seed)) >= 2**64:
            raise doc.error(f"<prngSeed> must be a whole number below 2^64 (KTAB's uint64), got "
                            f"'{doc.text(seed)[:40]}'", seed, "prngSeed")
        tags.append(f"ktab:prngSeed={doc.text(seed)}")
        options["seed"] = int(doc.text(seed))
    params = scen.find("ModelParameters")
    if params is None:
        return tags
    _check_children(doc, params, set(MODEL_PARAMETERS), "ModelParameters")
    for key, allowed in MODEL_PARAMETERS.items():
        el = doc.child(params, key, f"ModelParameters.{key}")
        value = doc.text(el)
        if value not in allowed:
            raise doc.error(f"<{key}> is '{value[:40]}'; KTAB knows {', '.join(allowed)}", el,
                            f"ModelParameters.{key}")
        tags.append(f"ktab:{key}={value}")
        option, values = SMP_OPTIONS[key]
        options[option] = values[value]
    return tags


def _adjust_tags(doc: _Doc, scen: ET.Element, names: list[str], options: dict[str, Any]) -> list[str]:
    ia = scen.find("IdealAdjustment")
    if ia is None:
        return []
    ids = dict(zip(names, unique_ids(names, "actor"), strict=True))
    pairs: list[list[Any]] = []
    _check_children(doc, ia, {"iaPair"}, "IdealAdjustment")
    tags = []
    for k, pair in enumerate(ia.findall("iaPair")):
        field = f"IdealAdjustment.iaPair[{k}]"
        _check_children(doc, pair, {"adjustingIdeal", "referencePos", "adjust"}, field)
        who = doc.text(doc.child(pair, "adjustingIdeal", field))
        ref = doc.text(doc.child(pair, "referencePos", field))
        for n in (who, ref):
            if n not in names:
                raise doc.error(f"unknown actor '{n}' in the ideal-adjustment matrix (actors: "
                                f"{', '.join(names[:8])})", pair, field)
        adj = doc.number(doc.child(pair, "adjust", field), f"{field}.adjust", "adjust")
        if not 0.0 <= adj <= 1.0:
            raise doc.error(f"adjust {fmt_num(adj)} must lie in [0, 1] (a weight on a position)", pair,
                            f"{field}.adjust")
        tags.append(f"ktab:IdealAdjustment={who}<-{ref}:{fmt_num(adj)}")
        pairs.append([ids[who], ids[ref], adj])
    if pairs:
        options["ideal_adjustment"] = pairs
    return tags


def import_ktab_xml(path: str | Path) -> Scenario:
    """Read a KTAB SMP XML file into a scenario; model parameters go to ``meta.tags``."""
    p = Path(path)
    file = str(p)
    doc = _parse(read_input(p), file)
    scen = doc.root
    if scen.tag != "Scenario":
        raise doc.error(f"the root element is <{scen.tag}>; a KTAB SMP scenario starts with "
                        "<Scenario>", scen)
    _check_children(doc, scen, _SCENARIO_CHILDREN, "Scenario")
    title = doc.text(scen.find("name")) if scen.find("name") is not None else ""
    desc = doc.text(scen.find("desc")) if scen.find("desc") is not None else ""

    dims_el = doc.child(scen, "Dimensions", "Dimensions")
    _check_children(doc, dims_el, {"dName"}, "Dimensions")
    dims = [doc.text(d) for d in dims_el.findall("dName")]
    if not dims:
        raise doc.error("<Dimensions> has no <dName>; KTAB needs at least one dimension",
                        dims_el, "Dimensions")
    for k, (d, el) in enumerate(zip(dims, dims_el.findall("dName"), strict=True)):
        if not d:
            raise doc.error(f"dimension {k + 1} has an empty <dName>", el, f"Dimensions[{k}]")

    actors_el = doc.child(scen, "Actors", "Actors")
    _check_children(doc, actors_el, {"Actor"}, "Actors")
    actor_els = actors_el.findall("Actor")
    if not MIN_ACTORS <= len(actor_els) <= MAX_ACTORS:
        raise doc.error(f"{len(actor_els)} actors; KTAB accepts {MIN_ACTORS} to {MAX_ACTORS}",
                        actors_el, "Actors")

    problems = Problems()
    names: list[str] = []
    descs: list[str] = []
    caps: list[float] = []
    pos: list[list[float]] = []
    sal: list[list[float]] = []
    for i, a in enumerate(actor_els):
        _check_children(doc, a, _ACTOR_CHILDREN, f"Actors[{i}]")
        name = doc.text(doc.child(a, "name", f"Actors[{i}].name"))
        if not name:
            raise doc.error("actor <name> is empty", a, f"Actors[{i}].name")
        field = f"Actor[{name}]"
        if name in names:
            problems.add(doc.error(f"duplicate actor name '{name}'", a, f"{field}.name"))
        d_el = a.find("description")
        cap_el = doc.child(a, "capability", f"{field}.capability")
        cap = doc.number(cap_el, f"{field}.capability", "capability")
        if cap <= 0:
            problems.add(doc.error(f"capability {fmt_num(cap)} of '{name}' must be above 0 "
                                   "(KTAB's XML reader refuses 0 and below)", cap_el,
                                   f"{field}.capability"))
        coords = doc.child(a, "Position", f"{field}.Position").findall("dCoord")
        sals = doc.child(a, "Salience", f"{field}.Salience").findall("dSal")
        for what, els, tag in (("Position", coords, "dCoord"), ("Salience", sals, "dSal")):
            if len(els) != len(dims):
                raise doc.error(f"<{what}> of '{name}' has {len(els)} <{tag}>; there are "
                                f"{len(dims)} dimensions", a.find(what), f"{field}.{what}")
        row_pos, row_sal = [], []
        for k, (c_el, s_el) in enumerate(zip(coords, sals, strict=True)):
            pf, sf = f"{field}.Position.dCoord[{k}]", f"{field}.Salience.dSal[{k}]"
            x = doc.number(c_el, pf, f"the position of '{name}' on '{dims[k]}'")
            s = doc.number(s_el, sf, f"the salience of '{name}' on '{dims[k]}'")
            for what, val, el, fld in (("position", x, c_el, pf), ("salience", s, s_el, sf)):
                reason = range_problem(what, val, name, dims[k])
                if reason:
                    problems.add(doc.error(reason, el, fld))
            row_pos.append(x)
            row_sal.append(s)
        if sum(row_sal) > 100.0 + 1e-9:
            problems.add(doc.error(f"saliences of '{name}' sum to {fmt_num(sum(row_sal))}; KTAB "
                                   "allows at most 100 over all dimensions", a.find("Salience"),
                                   f"{field}.Salience"))
        names.append(name)
        descs.append(doc.text(d_el) if d_el is not None else "")
        caps.append(cap)
        pos.append(row_pos)
        sal.append(row_sal)
    problems.raise_first()

    options: dict[str, Any] = {}
    tags = _model_tags(doc, scen, options) + _adjust_tags(doc, scen, names, options)
    dim_desc = [f"KTAB dimension '{d}'; positions 0-100 as in the file, saliences divided by 100."
                for d in dims]
    meta = base_meta(p, FORMAT_LABEL, title or p.stem, desc or None, tags)
    data = scenario_data(meta, names, descs, caps, dims, dim_desc, pos, sal)
    if options:
        data["models"] = {"smp": options}
    return build(data, file)

