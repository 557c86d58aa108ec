"""Models layer: bargaining models behind one interface, and the strong-position table."""

from detente.models import compromise, median, nash  # noqa: F401  (registers the models)
from detente.models import eum as _eum  # noqa: F401
from detente.models import exchange as _exchange  # noqa: F401
from detente.models import smp as _smp  # noqa: F401  (registers the KTAB SMP model)
from detente.models.base import MODELS, Model, ModelResult, get_model
from detente.models.strength import StrongPosition, strong_position

__all__ = ["MODELS", "Model", "ModelResult", "StrongPosition", "get_model", "strong_position"]
