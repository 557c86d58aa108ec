"""Report layer: terminal tables (and later HTML) from an analysis."""
from detente.report import games as _games  # noqa: F401
from detente.report import sim as _sim  # noqa: F401
from detente.report import uncertainty as _uncertainty  # noqa: F401
