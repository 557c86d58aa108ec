"""Importers for other negotiation models' input files, and a KTAB exporter.

``import_file(path, fmt)`` turns a KTAB (CSV or XML), Decide (DEM) or BdM stakeholder file
into a validated :class:`~detente.scenario.schema.Scenario`; the numbers stay the file
author's assumptions and ``meta.perspective`` says so.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from detente.errors import InputError
from detente.scenario.formats.bdm_csv import import_bdm_csv
from detente.scenario.formats.dem import import_dem
from detente.scenario.formats.ktab_csv import export_ktab_csv, import_ktab_csv
from detente.scenario.formats.ktab_xml import import_ktab_xml
from detente.scenario.schema import Scenario

Importer = Callable[[str | Path], Scenario]


def import_ktab(path: str | Path) -> Scenario:
    """KTAB scenario: XML when the name ends in .xml, else the SMP CSV layout."""
    if Path(path).suffix.lower() == ".xml":
        return import_ktab_xml(path)
    return import_ktab_csv(path)


FORMATS: dict[str, Importer] = {
    "ktab": import_ktab,
    "ktab-xml": import_ktab_xml,
    "dem": import_dem,
    "bdm": import_bdm_csv,
}


def import_file(path: str | Path, fmt: str) -> Scenario:
    """Import ``path`` written in format ``fmt`` (one of :data:`FORMATS`)."""
    key = (fmt or "").strip().lower()
    importer = FORMATS.get(key)
    if importer is None:
        raise InputError(f"unknown input format '{fmt}'; choose one of: "
                         f"{', '.join(sorted(FORMATS))}", str(path))
    return importer(path)


__all__ = [
    "FORMATS",
    "export_ktab_csv",
    "import_bdm_csv",
    "import_dem",
    "import_file",
    "import_ktab",
    "import_ktab_csv",
    "import_ktab_xml",
]
