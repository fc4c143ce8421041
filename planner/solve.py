"""Solve a Pyomo model: HiGHS through highspy by default, any Pyomo solver by name.

HiGHS runs through Pyomo's persistent interface (`pyomo.contrib.solver` "highs"), so an
analysis that changes bounds or costs re-solves the same model without rebuilding it.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

import pyomo.environ as pyo
from pyomo.contrib.solver.common.factory import SolverFactory as PersistentFactory
from pyomo.contrib.solver.common.results import SolutionStatus, TerminationCondition

from .persistent import PersistentModel, fixed_lp_duals

RANGING_LIMIT = 300_000  # columns: above, HiGHS's ranging costs more than it tells
RANGED = ("meet_requirement", "spending_floor", "spending_ceiling", "equipment_floor", "growth_limit",
          "fair_share_floor", "fair_share_ceiling")  # constraints whose duals the report ranges


def ranged_constraints(model: pyo.ConcreteModel) -> list[Any]:
    """The constraints whose right-hand-side ranges the results show."""
    return [con for name in RANGED if hasattr(model, name) for con in getattr(model, name).values()]


@dataclass(frozen=True)
class SolveOptions:
    solver: str = "highs"
    time_limit_s: float = 600.0
    mip_gap: float = 1e-4  # relative
    tee: bool = False


@dataclass
class SolveResult:
    status: str  # optimal | time limit | infeasible | unbounded | error …
    has_solution: bool
    objective: float | None
    bound: float | None
    gap: float | None  # relative MIP gap (0 for an LP solved to optimality)
    seconds: float
    solver: str
    solver_version: str
    is_mip: bool
    duals: dict[Any, float] = field(default_factory=dict)  # constraint data -> dual
    handover_seconds: float | None = None  # Pyomo → solver (HiGHS: set_instance / update)
    duals_from_fixed_lp: bool = False  # MIP: duals of the LP with integers fixed
    ranges: dict[Any, tuple[float, float]] = field(default_factory=dict)  # constraint -> RHS range of its dual
    conflict: list[str] = field(default_factory=list)  # infeasible: why, in words (planner/conflicts.py)
    message: str = ""

    @property
    def optimal(self) -> bool:
        return self.status == "optimal"


class SolverUnavailable(RuntimeError):
    """The named solver is not installed or not known to Pyomo."""


def is_mip(model: pyo.ConcreteModel) -> bool:
    return any(
        v.is_integer() or v.is_binary()
        for v in model.component_data_objects(pyo.Var, active=True, descend_into=True)
    )


def solve(model: pyo.ConcreteModel, options: SolveOptions = SolveOptions()) -> SolveResult:
    """Solve `model` and load its solution; duals are returned for LPs."""
    if options.solver.lower() in ("highs", "appsi_highs"):
        return _solve_highs(model, options)
    return _solve_legacy(model, options)


_TERMINATION = {
    TerminationCondition.convergenceCriteriaSatisfied: "optimal",
    TerminationCondition.maxTimeLimit: "time limit",
    TerminationCondition.iterationLimit: "iteration limit",
    TerminationCondition.provenInfeasible: "infeasible",
    TerminationCondition.locallyInfeasible: "infeasible",
    TerminationCondition.infeasibleOrUnbounded: "infeasible or unbounded",
    TerminationCondition.unbounded: "unbounded",
    TerminationCondition.interrupted: "interrupted",
}


def _solve_highs(model: pyo.ConcreteModel, options: SolveOptions) -> SolveResult:
    opt = getattr(model, "_persistent_solver", None)
    if opt is None:
        opt = PersistentFactory("highs")
        if not opt.available():
            raise SolverUnavailable("HiGHS (highspy) is not installed")
        model._persistent_solver = opt
    mip = is_mip(model)
    start = time.perf_counter()
    res = opt.solve(
        model,
        tee=options.tee,
        time_limit=options.time_limit_s,
        rel_gap=options.mip_gap,
        load_solutions=False,
        raise_exception_on_nonoptimal_result=False,
    )
    seconds = time.perf_counter() - start
    status = _TERMINATION.get(res.termination_condition, str(res.termination_condition.name))
    has_solution = res.solution_status in (SolutionStatus.optimal, SolutionStatus.feasible)
    duals: dict[Any, float] = {}
    timer = res.timing_info.timer
    handover = sum(_timer_total(timer, name) for name in ("set_instance", "update"))
    ranges: dict[Any, tuple[float, float]] = {}
    ranged = ranged_constraints(model) if opt._solver_model.getNumCol() <= RANGING_LIMIT else []
    if has_solution:
        res.solution_loader.load_vars()
        if not mip and status == "optimal":
            duals = dict(res.solution_loader.get_duals())
            ranges = PersistentModel(model).ranges(ranged) if ranged else {}
        elif mip:
            duals = fixed_lp_duals(model, options.time_limit_s, ranged, ranges)
    objective = res.incumbent_objective
    bound = res.objective_bound
    conflict: list[str] = []
    if status in ("infeasible", "infeasible or unbounded"):
        from .conflicts import explain

        conflict = explain(model)
    return SolveResult(
        status=status,
        has_solution=has_solution,
        objective=objective,
        bound=bound,
        gap=_gap(objective, bound, mip, status),
        seconds=seconds,
        solver="HiGHS",
        solver_version=".".join(map(str, opt.version())),
        is_mip=mip,
        duals=duals,
        handover_seconds=handover,
        duals_from_fixed_lp=mip and bool(duals),
        ranges=ranges,
        conflict=conflict,
    )


def _timer_total(timer: Any, name: str) -> float:
    try:
        return float(timer.get_total_time(name))
    except (KeyError, AttributeError):
        return 0.0


def _gap(objective: float | None, bound: float | None, mip: bool, status: str) -> float | None:
    if objective is None:
        return None
    if not mip:
        return 0.0 if status == "optimal" else None
    if bound is None or not math.isfinite(bound):
        return None
    return abs(objective - bound) / max(1e-10, abs(objective))


def _solve_legacy(model: pyo.ConcreteModel, options: SolveOptions) -> SolveResult:
    try:
        opt = pyo.SolverFactory(options.solver)
        available = opt is not None and opt.available(exception_flag=False)
    except Exception:  # noqa: BLE001 - Pyomo raises many kinds for unknown solvers
        available = False
    if not available:
        raise SolverUnavailable(f"solver {options.solver!r} is not available to Pyomo")
    mip = is_mip(model)
    if not mip and not hasattr(model, "dual"):
        model.dual = pyo.Suffix(direction=pyo.Suffix.IMPORT)
    start = time.perf_counter()
    res = opt.solve(model, tee=options.tee, load_solutions=False)
    seconds = time.perf_counter() - start
    tc = str(res.solver.termination_condition)
    status = {"optimal": "optimal", "maxTimeLimit": "time limit", "infeasible": "infeasible",
              "unbounded": "unbounded"}.get(tc, tc)
    has_solution = len(res.solution) > 0
    objective = None
    if has_solution:
        model.solutions.load_from(res)
        objective = pyo.value(next(model.component_data_objects(pyo.Objective, active=True)))
    duals = dict(model.dual.items()) if (has_solution and not mip and hasattr(model, "dual")) else {}
    version = opt.version() if hasattr(opt, "version") else None
    return SolveResult(
        status=status,
        has_solution=has_solution,
        objective=objective,
        bound=None,
        gap=0.0 if (status == "optimal") else None,
        seconds=seconds,
        solver=options.solver,
        solver_version=".".join(map(str, version)) if version else "unknown",
        is_mip=mip,
        duals=duals,
    )
