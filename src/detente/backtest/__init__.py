"""Backtests on real decisions and crises: DEU III (loader, capability conventions, metrics, leaderboard)
and ICB (loader, allowed predictors, the structural crisis game, baselines; ``icb*`` modules).

Layer: above games, below analysis; imports scenario, models and games only.
"""

from detente.backtest.deu import DeuIssue, DeuTable, load_deu, to_scenario
from detente.backtest.icb import IcbActor, IcbData, MappingOptions, load_icb, load_icb_dir
from detente.backtest.run import Backtest, run_backtest

__all__ = ["Backtest", "DeuIssue", "DeuTable", "IcbActor", "IcbData", "MappingOptions", "load_deu", "load_icb",
           "load_icb_dir", "run_backtest", "to_scenario"]
