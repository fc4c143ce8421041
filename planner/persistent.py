"""One model in HiGHS, changed in place and re-solved: never rebuilt.

Pyomo builds the model once and hands it to HiGHS once (`planner.solve.solve`, through
Pyomo's persistent HiGHS interface). An analysis then changes only what it needs, directly
in HiGHS and in whole arrays: column bounds (fix a decision, switch a member's forces off),
row bounds (switch a constraint off), objective costs and matrix coefficients. HiGHS
re-solves from its last basis. Every change is recorded and `reset` puts the model back
exactly, so the Pyomo model and HiGHS agree again before Pyomo touches it.

Going through Pyomo for such changes (fixing variables, deactivating constraints) makes
its persistent interface delete and re-add columns one batch at a time, which is slower
than a rebuild on the NATO example; docs/performance.md has the measurements.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import highspy
import numpy as np
import pyomo.environ as pyo

INF = highspy.kHighsInf
_STATUS = {
    highspy.HighsModelStatus.kOptimal: "optimal",
    highspy.HighsModelStatus.kInfeasible: "infeasible",
    highspy.HighsModelStatus.kUnbounded: "unbounded",
    highspy.HighsModelStatus.kUnboundedOrInfeasible: "infeasible or unbounded",
    highspy.HighsModelStatus.kTimeLimit: "time limit",
    highspy.HighsModelStatus.kIterationLimit: "iteration limit",
    highspy.HighsModelStatus.kSolutionLimit: "solution limit",
    highspy.HighsModelStatus.kInterrupt: "interrupted",
}


@dataclass(frozen=True)
class Outcome:
    """What one re-solve gave: status, objective (M), MIP bound and gap, seconds."""

    status: str
    has_solution: bool
    objective: float | None
    bound: float | None
    gap: float | None
    seconds: float

    @property
    def optimal(self) -> bool:
        return self.status == "optimal"


class PersistentModel:
    """A solved Pyomo model whose HiGHS copy analyses change and re-solve.

    The model must have been solved once by `planner.solve.solve` with HiGHS.
    """

    def __init__(self, model: pyo.ConcreteModel):
        opt = getattr(model, "_persistent_solver", None)
        if opt is None or getattr(opt, "_solver_model", None) is None:
            raise ValueError("solve the model with planner.solve.solve (HiGHS) before re-solving it")
        self.model = model
        self.highs: highspy.Highs = opt._solver_model
        self._col: dict[int, int] = opt._pyomo_var_to_solver_var_map  # id(var) -> column
        self._row: dict[Any, int] = opt._pyomo_con_to_solver_con_map  # constraint -> row
        self._vars: dict[int, tuple] = opt._vars  # id(var) -> (var, …)
        lp = self.highs.getLp()
        self._col_lower = np.array(lp.col_lower_, dtype=float)
        self._col_upper = np.array(lp.col_upper_, dtype=float)
        self._row_lower = np.array(lp.row_lower_, dtype=float)
        self._row_upper = np.array(lp.row_upper_, dtype=float)
        self._cost = np.array(lp.col_cost_, dtype=float)
        self._integrality = np.array([int(i) for i in lp.integrality_], dtype=np.int32)
        self._changed_cols: set[int] = set()
        self._changed_rows: set[int] = set()
        self._changed_costs: set[int] = set()
        self._changed_coeffs: dict[tuple[int, int], float] = {}  # (row, col) -> original
        self._integrality_changed = False
        self.solves = 0

    # ------------------------------------------------------------------ indices

    def columns(self, variables: Iterable[Any]) -> np.ndarray:
        """HiGHS column of each Pyomo variable (variables fixed in Pyomo have none)."""
        return np.fromiter((self._col[id(v)] for v in variables if id(v) in self._col), dtype=np.int32)

    def rows(self, constraints: Iterable[Any]) -> np.ndarray:
        """HiGHS row of each Pyomo constraint (skipped where it has none, e.g. trivial)."""
        return np.fromiter((self._row[c] for c in constraints if c in self._row), dtype=np.int32)

    @property
    def is_mip(self) -> bool:
        return bool(np.any(self._integrality != 0))

    # ------------------------------------------------------------------ changes

    def set_bounds(self, variables: Iterable[Any], lower: float | np.ndarray,
                   upper: float | np.ndarray) -> None:
        """Bounds of these variables: `lower` ≤ v ≤ `upper` (scalars or one per variable;
        ±INF for none). Variables without a column are skipped, with their bounds."""
        variables = list(variables)
        keep = np.fromiter((id(v) in self._col for v in variables), dtype=bool, count=len(variables))
        cols = self.columns(variables)
        if len(cols):
            n = len(cols)
            low = np.broadcast_to(np.asarray(lower, dtype=float), (len(variables),))[keep]
            up = np.broadcast_to(np.asarray(upper, dtype=float), (len(variables),))[keep]
            self._changed_cols.update(cols.tolist())
            self.highs.changeColsBounds(n, cols, np.ascontiguousarray(low), np.ascontiguousarray(up))

    def fix(self, variables: Iterable[Any], value: float | np.ndarray = 0.0) -> None:
        """Fix these variables at `value` (switch a decision off with 0)."""
        self.set_bounds(variables, value, value)

    def relax_rows(self, constraints: Iterable[Any]) -> None:
        """Switch these constraints off: −∞ ≤ row ≤ +∞."""
        self.set_row_bounds(constraints, -INF, INF)

    def set_row_bounds(self, constraints: Iterable[Any], lower: float, upper: float) -> None:
        rows = self.rows(constraints)
        if len(rows):
            self._changed_rows.update(rows.tolist())
            n = len(rows)
            self.highs.changeRowsBounds(n, rows, np.full(n, lower), np.full(n, upper))

    def shift_row_bounds(self, constraint: Any, lower: float, upper: float) -> None:
        """Bounds of one constraint (its right-hand side), e.g. a requirement."""
        row = self._row[constraint]
        self._changed_rows.add(row)
        self.highs.changeRowBounds(row, lower, upper)

    def row_bounds(self, constraint: Any) -> tuple[float, float]:
        """The base bounds of a constraint's row (before any change)."""
        row = self._row[constraint]
        return float(self._row_lower[row]), float(self._row_upper[row])

    def set_costs(self, variables: Iterable[Any], costs: Iterable[float]) -> None:
        """Objective coefficients of these variables."""
        variables = list(variables)
        cols = self.columns(variables)
        values = np.fromiter((c for v, c in zip(variables, costs) if id(v) in self._col), dtype=float)
        if len(cols):
            self._changed_costs.update(cols.tolist())
            self.highs.changeColsCost(len(cols), cols, values)

    def base_costs(self, variables: Iterable[Any]) -> np.ndarray:
        return self._cost[self.columns(variables)]

    def set_coefficient(self, constraint: Any, variable: Any, value: float, original: float) -> None:
        """Coefficient of `variable` in `constraint`; `original` is restored by reset."""
        key = (self._row[constraint], self._col[id(variable)])
        self._changed_coeffs.setdefault(key, original)
        self.highs.changeCoeff(key[0], key[1], value)

    def relax_integrality(self) -> None:
        """Every integer column continuous (the LP relaxation, or the fixed LP)."""
        if self.is_mip:
            n = len(self._integrality)
            self.highs.changeColsIntegrality(
                n, np.arange(n, dtype=np.int32), np.zeros(n, dtype=np.uint8)
            )
            self._integrality_changed = True

    def reset(self) -> None:
        """Undo every change: bounds, rows, costs, coefficients, integrality."""
        if self._changed_cols:
            cols = np.array(sorted(self._changed_cols), dtype=np.int32)
            self.highs.changeColsBounds(len(cols), cols, self._col_lower[cols], self._col_upper[cols])
            self._changed_cols.clear()
        if self._changed_rows:
            rows = np.array(sorted(self._changed_rows), dtype=np.int32)
            self.highs.changeRowsBounds(len(rows), rows, self._row_lower[rows], self._row_upper[rows])
            self._changed_rows.clear()
        if self._changed_costs:
            cols = np.array(sorted(self._changed_costs), dtype=np.int32)
            self.highs.changeColsCost(len(cols), cols, self._cost[cols])
            self._changed_costs.clear()
        for (row, col), value in self._changed_coeffs.items():
            self.highs.changeCoeff(row, col, value)
        self._changed_coeffs.clear()
        if self._integrality_changed:
            n = len(self._integrality)
            self.highs.changeColsIntegrality(
                n, np.arange(n, dtype=np.int32), self._integrality.astype(np.uint8)
            )
            self._integrality_changed = False

    @contextmanager
    def changes(self) -> Iterator[PersistentModel]:
        """`with pm.changes(): pm.fix(...); pm.solve()`: the model is reset afterwards."""
        try:
            yield self
        finally:
            self.reset()

    # ------------------------------------------------------------------ solving

    def solve(self, time_limit_s: float = 600.0, mip_gap: float = 1e-4) -> Outcome:
        """Re-solve HiGHS's copy as it stands now."""
        h = self.highs
        h.setOptionValue("output_flag", False)
        h.setOptionValue("time_limit", float(time_limit_s))
        h.setOptionValue("mip_rel_gap", float(mip_gap))
        start = time.perf_counter()
        h.run()
        seconds = time.perf_counter() - start
        self.solves += 1
        status = _STATUS.get(h.getModelStatus(), h.modelStatusToString(h.getModelStatus()))
        info = h.getInfo()
        has_solution = info.primal_solution_status == 2
        objective = float(info.objective_function_value) if has_solution else None
        mip = self.is_mip and not self._integrality_changed
        bound = float(info.mip_dual_bound) if mip else objective
        gap = None
        if objective is not None:
            if not mip:
                gap = 0.0 if status == "optimal" else None
            elif bound is not None and math.isfinite(bound):
                gap = abs(objective - bound) / max(1e-10, abs(objective))
        return Outcome(status, has_solution, objective, bound, gap, seconds)

    def values(self, variables: Iterable[Any]) -> np.ndarray:
        """Values of these variables in HiGHS's current solution."""
        return np.asarray(self.highs.getSolution().col_value)[self.columns(variables)]

    def load_solution(self) -> None:
        """Put HiGHS's current solution into the Pyomo variables (for results.extract)."""
        values = self.highs.getSolution().col_value
        for v_id, col in self._col.items():
            self._vars[v_id][0].set_value(values[col], skip_validation=True)

    def duals(self) -> dict[Any, float]:
        """Row duals of the current (LP) solution, by Pyomo constraint."""
        row_dual = self.highs.getSolution().row_dual
        return {con: float(row_dual[row]) for con, row in self._row.items()}


def fixed_lp_duals(model: pyo.ConcreteModel, time_limit_s: float = 600.0) -> dict[Any, float]:
    """Duals of the LP left when every integer decision is fixed at its value in the model.

    Valid inequalities (`model.valid_inequalities`: they only tighten the relaxation) are
    redundant in that LP and would distort its duals: they are switched off for it.
    """
    pm = PersistentModel(model)
    integers = [v for v in model.component_data_objects(pyo.Var, descend_into=True)
                if v.is_integer() and not v.fixed]
    cuts = [con for name in getattr(model, "valid_inequalities", ())
            for con in getattr(model, name).values()]
    with pm.changes():
        pm.relax_integrality()
        pm.fix(integers, np.array([round(v.value or 0.0) for v in integers], dtype=float))
        pm.relax_rows(cuts)
        outcome = pm.solve(time_limit_s)
        return pm.duals() if outcome.optimal else {}
