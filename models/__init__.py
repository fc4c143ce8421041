"""Pyomo formulations of the planner: pure math on a PlanData (see docs/model.md)."""

from .build import build_model
from .data import PlanData

__all__ = ["PlanData", "build_model"]
