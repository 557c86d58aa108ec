"""Models layer: bargaining models behind one interface, and the strong-position table.

Each model registers itself when its module is imported; ``MODELS`` imports a built-in model's
module on first lookup (base.py), so the heavy dependencies of one model load only when it runs.
"""

from detente.models.base import DYNAMIC_MODELS, MODELS, STATIC_MODELS, Model, ModelResult, get_model
from detente.models.strength import StrongPosition, strong_position

__all__ = ["DYNAMIC_MODELS", "MODELS", "STATIC_MODELS", "Model", "ModelResult", "StrongPosition", "get_model",
           "strong_position"]
