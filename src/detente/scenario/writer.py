"""Scenario back to YAML, compact: bare numbers where a number has no range or note."""

from __future__ import annotations

from typing import Any

import yaml

from detente.scenario.schema import Scenario


def _compact(obj: Any) -> Any:
    if isinstance(obj, dict):
        keys = set(obj)
        if "value" in keys and keys <= {"value", "dist", "assumed"} and not obj.get("assumed") \
                and obj.get("dist", "triangular") == "triangular":
            return obj["value"]
        if keys == {"quote"}:
            return obj["quote"]
        return {k: _compact(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_compact(v) for v in obj]
    return obj


def _drop_defaults(obj: Any) -> Any:
    """Remove the Num defaults that would clutter every number."""
    if isinstance(obj, dict):
        out = {}
        for k, v in obj.items():
            if k == "dist" and v == "triangular":
                continue
            if k == "assumed" and v is False:
                continue
            if v == [] or v == {}:
                continue
            out[k] = _drop_defaults(v)
        return out
    if isinstance(obj, list):
        return [_drop_defaults(v) for v in obj]
    return obj


class _Dumper(yaml.SafeDumper):
    pass


def _str_representer(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _str_representer)


def scenario_to_data(sc: Scenario) -> dict[str, Any]:
    raw = sc.model_dump(mode="json", by_alias=True, exclude_none=True)
    data = _compact(_drop_defaults(raw))
    if data.get("settings") == {"seed": 0}:
        data.pop("settings")
    return data


def scenario_to_yaml(sc: Scenario) -> str:
    """A YAML text that loads back into an equal scenario."""
    return yaml.dump(scenario_to_data(sc), Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     width=100, default_flow_style=False)
