"""Command line: `detente` and its commands (validate, forecast, import, cases, analyze, game, simulate, sweep,
sensitivity, draft, backtest, serve); each lives in its own module and registers on one typer app."""

from detente.cli import backtest as _backtest  # noqa: F401
from detente.cli import backtest_cases as _backtest_cases  # noqa: F401
from detente.cli import backtest_icb as _backtest_icb  # noqa: F401
from detente.cli import draft as _draft  # noqa: F401
from detente.cli import game as _game  # noqa: F401
from detente.cli import simulate as _simulate  # noqa: F401
from detente.cli import sweep as _sweep  # noqa: F401
from detente.cli.app import app, main

__all__ = ["app", "main"]
