"""KTAB's spatial model of politics (SMP) with probabilistic Condorcet elections, vectorised.

A port of the algorithm of KTAB (KAPSARC Toolkit for Behavioral Analysis, MIT licence,
Copyright (c) 2015 King Abdullah Petroleum Studies and Research Center), read from
``examples/smp/libsrc/`` and ``KTAB/kmodel/libsrc/`` of its public repository.
"""

from detente.models.smp.model import SmpModel

__all__ = ["SmpModel"]
