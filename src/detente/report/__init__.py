"""Report layer: terminal tables, the single-file HTML report with plots, and the local web page."""
from detente.report import crisis as _crisis  # noqa: F401
from detente.report import games as _games  # noqa: F401
from detente.report import sim as _sim  # noqa: F401
from detente.report import uncertainty as _uncertainty  # noqa: F401
