"""Load a scenario from YAML with errors that name file, line, field and reason.

PyYAML's node tree keeps line numbers; we build plain data from it ourselves so we can
remember where every field sits, reject duplicate keys (YAML silently keeps the last)
and refuse anything that is not plain data (tags, anchors to objects, binary).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from detente.errors import InputError
from detente.fileio import read_user_text
from detente.scenario.checks import check_references
from detente.scenario.schema import Scenario

MAX_FILE_BYTES = 10 * 1024 * 1024
PathKey = tuple[str | int, ...]


class LineMap:
    """Where each field of a loaded document sits: path tuple -> 1-based line."""

    def __init__(self) -> None:
        self._lines: dict[PathKey, int] = {}

    def set(self, path: PathKey, line: int) -> None:
        self._lines.setdefault(path, line)

    def line_of(self, path: PathKey) -> int | None:
        """The line of ``path`` or of its nearest ancestor we know."""
        p = tuple(path)
        while True:
            if p in self._lines:
                return self._lines[p]
            if not p:
                return None
            p = p[:-1]


def format_path(path: PathKey) -> str:
    """``('actors', 2, 'capability')`` -> ``actors[2].capability``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


MAX_NODES = 500_000


# libyaml's parser (when PyYAML was built with it) reads a large scenario ~10x faster; the
# constructor and resolver are the same safe pure-Python ones either way.
_Base: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc,valid-type]
    """SafeLoader that also reads YAML 1.2 floats such as ``1e6`` (YAML 1.1 reads a string)."""


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[eE][-+]?[0-9]+$"),
    list("-+0123456789."),
)


_NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")


class _Builder:
    """Turns a YAML node tree into plain data, recording lines and refusing tricks."""

    def __init__(self, loader: yaml.SafeLoader, file: str, lines: LineMap) -> None:
        self.loader, self.file, self.lines = loader, file, lines
        self.count = 0

    def fail(self, reason: str, node: yaml.Node, path: PathKey) -> InputError:
        return InputError(reason, self.file, node.start_mark.line + 1, format_path(path) or None)

    def build(self, node: yaml.Node, path: PathKey) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise self.fail(f"more than {MAX_NODES} values (alias expansion?)", node, path)
        self.lines.set(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(v, (*path, i)) for i, v in enumerate(node.value)]
        if node.tag in _NUMBER_TAGS and ":" in str(node.value):
            raise self.fail(f"'{node.value}' would be read as a base-60 number (YAML 1.1); write the "
                            "number in decimal, or quote it if it is text", node, path)
        try:
            value = self.loader.construct_object(node, deep=True)
        except (ValueError, TypeError, OverflowError) as exc:
            raise self.fail(f"cannot read value '{node.value}': {exc}", node, path) from None
        if isinstance(value, bytes):
            raise self.fail("binary values are not allowed", node, path)
        return value

    def _mapping(self, node: yaml.MappingNode, path: PathKey) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.fail("mapping keys must be plain names", key_node, path)
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise self.fail("YAML merge keys ('<<') are not supported; write fields out",
                                key_node, path)
            key = str(self.loader.construct_object(key_node, deep=True))
            child = (*path, key)
            if key in out:
                raise self.fail(f"duplicate key '{key}'", key_node, child)
            self.lines.set(child, key_node.start_mark.line + 1)
            out[key] = self.build(value_node, child)
        return out


def parse_yaml(text: str, file: str) -> tuple[Any, LineMap]:
    """Parse YAML text into plain data and a line map, or raise :class:`InputError`."""
    lines = LineMap()
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise InputError("the file is empty; a scenario needs at least meta, actors and issues", file)
        return _Builder(loader, file, lines).build(node, ()), lines
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        reason = f"not valid YAML: {exc.problem or exc.context or 'parse error'}"
        raise InputError(reason, file, line) from None
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML: {exc}", file) from None
    except RecursionError:
        raise InputError("the document nests too deeply", file) from None
    finally:
        loader.dispose()


def read_text(path: Path, max_bytes: int = MAX_FILE_BYTES) -> str:
    """Read a user's text file: regular files only, size-limited, UTF-8 (see :mod:`detente.fileio`)."""
    return read_user_text(path, max_bytes)


def _claim_message(err: dict[str, Any]) -> str | None:
    """Claim checks in plain words: the kinds there are, and the keys a kind takes."""
    from detente.scenario.schema import CLAIM_KINDS, check_keys

    kind, loc = err.get("type", ""), tuple(err.get("loc", ()))
    if "check" not in loc:
        return None
    kinds = ", ".join(CLAIM_KINDS)
    if kind == "union_tag_not_found":
        return f"a claim's check needs 'kind:', one of: {kinds}"
    if kind == "union_tag_invalid":
        got = (err.get("ctx") or {}).get("tag", "")
        return f"'{got}' is not a kind of claim check; the kinds are: {kinds}"
    tag = next((p for p in loc if isinstance(p, str) and p in CLAIM_KINDS), None)
    if tag is None:
        return None
    keys = ", ".join(check_keys(tag))
    if kind == "extra_forbidden":
        return f"unknown key for a {tag} check (it takes: {keys})"
    if kind == "missing":
        return f"a {tag} check needs this key (it takes: {keys})"
    return None


def _pydantic_message(err: dict[str, Any]) -> str:
    kind = err.get("type", "")
    msg = str(err.get("msg", "invalid value"))
    if (claim := _claim_message(err)) is not None:
        return claim
    if kind == "extra_forbidden":
        return "unknown field (check the spelling; unknown keys are not allowed)"
    if kind == "missing":
        return "required field is missing"
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    return msg


def _clean_loc(loc: tuple[Any, ...]) -> PathKey:
    # Drop pydantic's union/validator tags such as 'function-before[...]' or 'forecast_near'
    # that are not real keys in the document.
    out: list[str | int] = []
    for part in loc:
        if isinstance(part, str) and (("[" in part and "]" in part) or part.startswith("function-")):
            continue
        out.append(part)
    return tuple(out)


def scenario_from_data(data: Any, file: str, lines: LineMap | None = None) -> Scenario:
    """Validate plain data as a scenario; raise a one-line :class:`InputError` on the first fault."""
    lines = lines or LineMap()
    if not isinstance(data, dict):
        raise InputError(
            "a scenario must be a mapping (meta:, actors:, issues:, ...)", file, lines.line_of(())
        )
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        # A typo shows up twice (unknown key + missing field): name the typo first.
        # A union's "should be one of these words" says less than its number branch's reason.
        errors.sort(key=lambda e: (e.get("type") != "extra_forbidden", e.get("type") == "literal_error"))
        err = errors[0]
        path = _clean_loc(tuple(err["loc"]))
        path = _known_prefix(path, data)
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise InputError(
            _pydantic_message(err) + more, file, lines.line_of(path), format_path(path) or None
        ) from None
    problem = check_references(scenario)
    if problem is not None:
        path, reason = problem
        raise InputError(reason, file, lines.line_of(path), format_path(path) or None)
    return scenario


def _known_prefix(path: PathKey, data: Any) -> PathKey:
    """Trim a pydantic location to the part that exists in the document (for discriminated
    unions pydantic adds the tag value as an extra segment)."""
    out: list[str | int] = []
    cur = data
    for i, part in enumerate(path):
        if (isinstance(cur, dict) and part in cur) or (
            isinstance(cur, list) and isinstance(part, int) and 0 <= part < len(cur)
        ):
            cur = cur[part]
            out.append(part)
        elif isinstance(cur, dict) and isinstance(part, str) and i == len(path) - 1:
            out.append(part)  # a missing or unknown key: name it
        elif isinstance(cur, dict) and isinstance(part, str):
            continue  # a union tag such as 'forecast_near'
        else:
            break
    return tuple(out)


def all_problems(text: str, file: str = "<input>", limit: int = 50) -> list[str]:
    """Every problem of a scenario text as one-line messages (at most ``limit``; [] if it is valid).

    A YAML syntax error stops reading, so it is the only one; otherwise every schema error, or
    (when the schema holds) every cross-field problem, is listed."""
    try:
        data, lines = parse_yaml(text, file)
    except InputError as exc:
        return [str(exc)]
    if not isinstance(data, dict):
        return [str(InputError("a scenario must be a mapping (meta:, actors:, issues:, ...)", file))]
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        out = []
        for err in exc.errors(include_url=False)[:limit]:
            path = _known_prefix(_clean_loc(tuple(err["loc"])), data)
            out.append(str(InputError(_pydantic_message(err), file, lines.line_of(path), format_path(path) or None)))
        return out
    from detente.scenario.checks import all_problems as reference_problems

    return [str(InputError(reason, file, lines.line_of(path), format_path(path) or None))
            for path, reason in reference_problems(scenario, limit)]


def load_scenario_text(text: str, file: str = "<input>") -> Scenario:
    data, lines = parse_yaml(text, file)
    return scenario_from_data(data, file, lines)


def load_scenario(path: str | Path) -> Scenario:
    """Load and validate a scenario file."""
    p = Path(path)
    return load_scenario_text(read_text(p), str(p))


def load_scenario_lines(path: str | Path) -> tuple[Scenario, LineMap]:
    """Load and validate a scenario file; also return where each field sits (for later checks)."""
    p = Path(path)
    data, lines = parse_yaml(read_text(p), str(p))
    return scenario_from_data(data, str(p), lines), lines
