"""Solve a Pyomo model: HiGHS through highspy by default, any Pyomo solver by name.

HiGHS gets the model as arrays once, in the object that owns that copy
(`planner.highs.HighsModel`); the result carries it (`SolveResult.highs`), so an analysis
that changes bounds or costs re-solves the same model without rebuilding it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable

import pyomo.environ as pyo

from .highs import HighsModel
from .options import installed_solvers
from .schema import SOLVERS

RANGING_LIMIT = 300_000  # columns: above, HiGHS's ranging costs more than it tells
RANGED = ("meet_requirement", "spending_floor", "spending_ceiling", "equipment_floor", "growth_limit",
          "rise_limit", "fall_limit", "fair_share_floor", "fair_share_ceiling")  # constraints whose duals the report ranges


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
    handover_seconds: float | None = None  # Pyomo → HiGHS (planner.highs.compile_lp)
    duals_from_fixed_lp: bool = False  # MIP: duals of the LP with integers fixed
    ranges: dict[Any, tuple[float, float]] = field(default_factory=dict)  # constraint -> RHS range of its dual
    conflict: list[str] = field(default_factory=list)  # infeasible: why, in words (planner.highs.conflicts)
    message: str = ""
    highs: HighsModel | None = field(default=None, repr=False, compare=False)  # HiGHS's copy, to re-solve
    work: int | None = None  # HiGHS's branch-and-bound nodes (MIP) or simplex iterations (LP) of the solve
    standing: Any = None  # planner.standing.Standing: the tie rule's second solve, when run

    @property
    def optimal(self) -> bool:
        return self.status == "optimal"


class SolverUnavailable(RuntimeError):
    """The named solver is not installed or not known to Pyomo."""


NOT_A_PLAN = ("unbounded", "infeasible or unbounded")  # a point HiGHS returns then is no plan to report


def is_plan(status: str, has_solution: bool) -> bool:
    """Did a solve that ended with `status` give a plan to report?"""
    return has_solution and status not in NOT_A_PLAN


class NoPlan(RuntimeError):
    """A solve a command needs ended without a plan (infeasible, time limit, unbounded…).

    `what`: which plan, in words ("after the change (ARL leaves: out from 2025)"); `conflict`:
    for an infeasible model, the constraints that cannot all hold (planner.highs.conflicts);
    `elastic`: the model's mode, for the advice; `note`: a sentence to add before the advice.
    """

    def __init__(self, status: str, what: str = "", *, conflict: list[str] | None = None,
                 elastic: bool = False, note: str = ""):
        super().__init__(f"no plan{' ' + what if what else ''}: the solver ended with status '{status}'")
        self.status = status
        self.what = what
        self.conflict = list(conflict or [])
        self.elastic = elastic
        self.note = note


def is_mip(model: pyo.ConcreteModel) -> bool:
    return any(
        v.is_integer() or v.is_binary()
        for v in model.component_data_objects(pyo.Var, active=True, descend_into=True)
    )


def solve(model: pyo.ConcreteModel, options: SolveOptions = SolveOptions(),
          prepare: Callable[[HighsModel], None] | None = None) -> SolveResult:
    """Solve `model` and load its solution; duals are returned for LPs. `prepare(hm)`, if
    given, is made for good in HiGHS's copy before it is solved (HiGHS only)."""
    if options.solver.lower() in ("highs", "appsi_highs"):
        return _solve_highs(model, options, prepare)
    if options.solver.lower() not in SOLVERS:
        raise SolverUnavailable(f"the planner does not support the solver {options.solver!r} "
                                f"(it supports {', '.join(SOLVERS)})")
    if prepare is not None:
        raise ValueError(f"a change made in HiGHS's copy needs the HiGHS solver, not {options.solver}")
    return _solve_legacy(model, options)


def _solve_highs(model: pyo.ConcreteModel, options: SolveOptions,
                 prepare: Callable[[HighsModel], None] | None = None) -> SolveResult:
    """Hand `model` to HiGHS (afresh: the Pyomo model may have changed since a last solve),
    make `prepare` in it, solve it, load the plan into the Pyomo variables, and take the
    duals and their ranges."""
    hm = HighsModel(model)
    if prepare is not None:
        hm.keep(prepare)
    outcome = hm.solve(options.time_limit_s, options.mip_gap, tee=options.tee)
    duals: dict[Any, float] = {}
    ranges: dict[Any, tuple[float, float]] = {}
    ranged = ranged_constraints(model) if hm.highs.getNumCol() <= RANGING_LIMIT else []
    if outcome.has_solution:
        hm.load_solution()
        if not hm.is_mip and outcome.optimal:
            duals = hm.duals()
            ranges = hm.ranges(ranged) if ranged else {}
        elif hm.is_mip:
            duals = hm.fixed_lp_duals(options.time_limit_s, ranged, ranges)
    conflict = hm.conflict() if outcome.status in ("infeasible", "infeasible or unbounded") else []
    return SolveResult(
        status=outcome.status,
        has_solution=outcome.has_solution,
        objective=outcome.objective,
        bound=outcome.bound,
        gap=outcome.gap,
        seconds=hm.handover_seconds + outcome.seconds,
        solver="HiGHS",
        solver_version=hm.version,
        is_mip=hm.is_mip,
        duals=duals,
        handover_seconds=hm.handover_seconds,
        duals_from_fixed_lp=hm.is_mip and bool(duals),
        ranges=ranges,
        conflict=conflict,
        highs=hm,
        work=outcome.work,
    )


def check_installed(solver: str) -> None:
    """SolverUnavailable unless `solver` (one of SOLVERS) can run on this machine."""
    if solver.lower() != "highs" and solver.lower() not in installed_solvers():
        raise SolverUnavailable(f"solver {solver!r} is not installed on this machine "
                                f"(installed: {', '.join(installed_solvers())})")


def _solve_legacy(model: pyo.ConcreteModel, options: SolveOptions) -> SolveResult:
    check_installed(options.solver)
    opt = pyo.SolverFactory(options.solver)
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
