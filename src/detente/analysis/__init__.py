"""Analysis layer: runs the layers below on a scenario and checks its claims."""

from detente.analysis.analyze import Analysis, analyze
from detente.analysis.claims import EVALUATORS, Verdict, evaluate_claims, register_evaluator

__all__ = ["EVALUATORS", "Analysis", "Verdict", "analyze", "evaluate_claims", "register_evaluator"]
from detente.analysis import crisis_layer as _crisis_layer  # noqa: F401
from detente.analysis import games_layer as _games_layer  # noqa: F401
from detente.analysis import sim_layer as _sim_layer  # noqa: F401
from detente.analysis import uncertainty_layer as _uncertainty_layer  # noqa: F401
