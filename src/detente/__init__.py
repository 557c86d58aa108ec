"""detente: model political negotiations and crises from a stated scenario.

A scenario's numbers are assumptions; detente shows what follows from them.
"""

__version__ = "0.1.0"
