"""Stokman & Van Oosten's position-exchange model (equal gain; random-rate variant)."""

from detente.models.exchange.model import ExchangeModel

__all__ = ["ExchangeModel"]
