"""Backtests on real decisions (DEU III): loader, capability conventions, metrics, leaderboard.

Layer: above models, below analysis; imports scenario and models only.
"""

from detente.backtest.deu import DeuIssue, DeuTable, load_deu, to_scenario
from detente.backtest.run import Backtest, run_backtest

__all__ = ["Backtest", "DeuIssue", "DeuTable", "load_deu", "run_backtest", "to_scenario"]
