"""Bundled scenarios, addressable by name (``detente analyze geneva-2022``)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from detente.errors import InputError


def _case_dir() -> Path:
    return Path(str(resources.files("detente.cases")))


def case_names() -> list[str]:
    return sorted(p.stem for p in _case_dir().glob("*.yaml"))


def case_path(name: str) -> Path:
    path = _case_dir() / f"{name}.yaml"
    if not path.is_file():
        raise InputError(f"no bundled case '{name}' (cases: {', '.join(case_names())})", name)
    return path


def resolve_scenario_path(spec: str) -> Path:
    """A file path if ``spec`` names an existing file, else a bundled case by name."""
    p = Path(spec)
    if p.is_file() or p.suffix in {".yaml", ".yml"} or "/" in spec or "\\" in spec:
        return p
    if spec in case_names() or not p.exists():
        return case_path(spec)
    return p  # an existing folder of that name: the loader says it is a folder
