"""Simulation layer: a seeded round loop over channels, audiences, moves and escalation."""

from detente.sim.engine import Batch, RunResult, Simulation, simulate
from detente.sim.outcome import Outcome, classify
from detente.sim.policies import POLICIES, DecisionContext, LogitPolicy, Policy, ScriptedPolicy, register_policy
from detente.sim.world import World, compile_world

__all__ = ["POLICIES", "Batch", "DecisionContext", "LogitPolicy", "Outcome", "Policy", "RunResult",
           "ScriptedPolicy", "Simulation", "World", "classify", "compile_world", "register_policy", "simulate"]
