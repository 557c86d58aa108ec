"""Bueno de Mesquita's expected-utility model (Scholz, Calbert & Smith 2011 reconstruction)."""

from detente.models.eum.model import PRESETS, EumModel

__all__ = ["PRESETS", "EumModel"]
