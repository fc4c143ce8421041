"""HiGHS, in one place: a Pyomo model compiled to arrays once (`compile`), and the object
that owns that copy, solves it, changes and re-solves it, and gives its duals, ranges and
conflicts (`model.HighsModel`); small dense LPs solved directly (`dense`)."""

from .compile import NotLinear, compile_lp
from .model import INF, LP_METHOD_NAME, HighsModel, Outcome

__all__ = ["INF", "LP_METHOD_NAME", "HighsModel", "NotLinear", "Outcome", "compile_lp"]
