"""A Pyomo model's copy in HiGHS: compiled once, solved, changed in place and re-solved.

`HighsModel(model)` hands the model to HiGHS once (`planner.highs.compile`). A plan is
solved on it (`planner.solve.solve` is a thin call on this object); an analysis then changes
only what it needs, directly in HiGHS and in whole arrays: column bounds (fix a decision,
switch a member's forces off), row bounds (switch a constraint off), objective costs and
matrix coefficients, and re-solves from the last basis. Every change is recorded and leaving
its `changes()` block puts the model back exactly, so the Pyomo model and HiGHS agree again
before Pyomo touches it. The object also gives the solution, the duals and their ranges,
and for an infeasible model the conflict in words (`planner.highs.conflicts`).

Going through Pyomo for such changes (fixing variables, deactivating constraints) makes
its persistent interface delete and re-add columns one batch at a time, which is slower
than a rebuild on the NATO example.
"""

from __future__ import annotations

import dataclasses
import math
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import highspy
import numpy as np
import pyomo.environ as pyo

from .compile import HighsInstance, compile_lp

INF = highspy.kHighsInf
LP_METHOD = "simplex"  # HiGHS's dual simplex: the fastest on the planner's LPs at every benchmark size (docs/performance.md)
LP_METHOD_NAME = "dual simplex"
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


class Cancelled(Exception):
    """A solve asked of a HiGHS copy that `cancel()` stopped."""


@dataclass(frozen=True)
class Outcome:
    """What one re-solve gave: status, objective (M), MIP bound and gap, seconds."""

    status: str
    has_solution: bool
    objective: float | None
    bound: float | None
    gap: float | None
    seconds: float
    work: int | None = None  # HiGHS's branch-and-bound nodes (MIP) or simplex iterations (LP)

    @property
    def optimal(self) -> bool:
        return self.status == "optimal"


class HighsModel:
    """The one HiGHS copy of a Pyomo model, which a plan solves and analyses change and re-solve.

    Changes are made inside `with hm.changes():` blocks, which may nest; leaving a block
    undoes what was changed in it, so an analysis always hands the model back as it found it.
    """

    def __init__(self, model: pyo.ConcreteModel, instance: HighsInstance | None = None):
        instance = instance if instance is not None else compile_lp(model)
        self.model = model
        self.instance = instance
        self.highs: highspy.Highs = instance.highs
        self._col: dict[int, int] = instance.col  # id(var) -> column
        self._row: dict[Any, int] = instance.row  # constraint -> row
        lp = self.highs.getLp()
        n = lp.num_col_
        self._col_lower = np.array(lp.col_lower_, dtype=float)
        self._col_upper = np.array(lp.col_upper_, dtype=float)
        self._row_lower = np.array(lp.row_lower_, dtype=float)
        self._row_upper = np.array(lp.row_upper_, dtype=float)
        self._cost = np.array(lp.col_cost_, dtype=float)
        integrality = np.array([int(i) for i in lp.integrality_], dtype=np.uint8)
        self._integrality = integrality if len(integrality) == n else np.zeros(n, dtype=np.uint8)
        self.highs.setOptionValue("output_flag", False)  # HiGHS would report every change
        self._frames: list[list[Callable[[], None]]] = []  # undo actions, one list per block
        self.solves = 0
        self._cancelled = False
        self._plan_integers: np.ndarray | None = None  # the plan's integer decisions: the start of MIP re-solves
        self.version = ".".join(map(str, instance.version()))  # HiGHS's, e.g. "1.16.0"
        self.solver_name = "HiGHS " + self.version

    def twin(self) -> HighsModel:
        """A second HiGHS copy of the model as it stands outside any block, with its last
        solution, basis and plan integers: re-solves on another thread (each HiGHS copy solves
        on its own; tests/test_highs_model.py) leave this one free. It shares the Pyomo model and
        its maps: it must not load a solution into Pyomo."""
        if self._frames:
            raise RuntimeError("twin() inside a changes() block")
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.passModel(self.highs.getLp())
        h.setSolution(self.highs.getSolution())
        basis = self.highs.getBasis()
        if basis.valid:
            h.setBasis(basis)
        instance = dataclasses.replace(self.instance, highs=h)
        if hasattr(self.instance, "money_forms"):
            instance.money_forms = self.instance.money_forms
        twin = HighsModel(self.model, instance)
        twin._plan_integers = None if self._plan_integers is None else self._plan_integers.copy()
        return twin

    def cancel(self) -> None:
        """Stop the solve running on this copy (from another thread) and refuse every later one."""
        self._cancelled = True
        self.highs.cancelSolve()

    @property
    def handover_seconds(self) -> float:
        """How long handing the Pyomo model to HiGHS took."""
        return self.instance.seconds

    # ------------------------------------------------------------------ indices

    def column(self, variable: Any) -> int | None:
        """HiGHS column of one Pyomo variable (None if it has none: fixed in Pyomo, or unused)."""
        return self._col.get(id(variable))

    def columns(self, variables: Iterable[Any]) -> np.ndarray:
        """HiGHS column of each Pyomo variable (variables fixed in Pyomo have none)."""
        return np.fromiter((self._col[id(v)] for v in variables if id(v) in self._col), dtype=np.int32)

    def rows(self, constraints: Iterable[Any]) -> np.ndarray:
        """HiGHS row of each Pyomo constraint (skipped where it has none, e.g. trivial)."""
        return np.fromiter((self._row[c] for c in constraints if c in self._row), dtype=np.int32)

    @property
    def is_mip(self) -> bool:
        """Does the model, as it stands now, have integer columns?"""
        return bool(np.any(self._integrality != 0))

    # ------------------------------------------------------------------ changes

    @contextmanager
    def changes(self) -> Iterator[HighsModel]:
        """`with pm.changes(): pm.fix(...); pm.solve()`: undone when the block ends."""
        self._frames.append([])
        try:
            yield self
        finally:
            for undo in reversed(self._frames.pop()):
                undo()

    def keep(self, change: Callable[[HighsModel], None]) -> None:
        """Make `change(self)` in HiGHS's copy for good: no `changes()` block undoes it (the
        what-if's change of membership in every model a robust plan with redeployment builds)."""
        self._frames.append([])
        try:
            change(self)
        finally:
            self._frames.pop()  # its undos dropped: the change stays

    def _record(self, undo: Callable[[], None]) -> None:
        if not self._frames:
            raise RuntimeError("change the model only inside `with pm.changes():`")
        self._frames[-1].append(undo)

    def _change_cols(self, cols: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> None:
        old_lower, old_upper = self._col_lower[cols].copy(), self._col_upper[cols].copy()
        self._record(lambda: self._change_cols_now(cols, old_lower, old_upper))
        self._change_cols_now(cols, lower, upper)

    def _change_cols_now(self, cols: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> None:
        self._col_lower[cols], self._col_upper[cols] = lower, upper
        self.highs.changeColsBounds(len(cols), cols, np.ascontiguousarray(lower), np.ascontiguousarray(upper))

    def _change_rows(self, rows: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> None:
        old_lower, old_upper = self._row_lower[rows].copy(), self._row_upper[rows].copy()
        self._record(lambda: self._change_rows_now(rows, old_lower, old_upper))
        self._change_rows_now(rows, lower, upper)

    def _change_rows_now(self, rows: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> None:
        self._row_lower[rows], self._row_upper[rows] = lower, upper
        self.highs.changeRowsBounds(len(rows), rows, np.ascontiguousarray(lower), np.ascontiguousarray(upper))

    def set_bounds(self, variables: Iterable[Any], lower: float | np.ndarray,
                   upper: float | np.ndarray) -> None:
        """Bounds of these variables: `lower` ≤ v ≤ `upper` (scalars or one per variable;
        ±INF for none). Variables without a column are skipped, with their bounds."""
        variables = list(variables)
        keep = np.fromiter((id(v) in self._col for v in variables), dtype=bool, count=len(variables))
        cols = self.columns(variables)
        if len(cols):
            size = (len(variables),)
            low = np.broadcast_to(np.asarray(lower, dtype=float), size)[keep]
            up = np.broadcast_to(np.asarray(upper, dtype=float), size)[keep]
            self._change_cols(cols, low, up)

    def fix(self, variables: Iterable[Any], value: float | np.ndarray = 0.0) -> None:
        """Fix these variables at `value` (switch a decision off with 0)."""
        self.set_bounds(variables, value, value)

    def fix_columns(self, cols: np.ndarray, value: float | np.ndarray = 0.0) -> None:
        """Fix HiGHS columns (from `columns`) at `value`: the fast path for repeated changes."""
        if len(cols):
            values = np.broadcast_to(np.asarray(value, dtype=float), (len(cols),)).copy()
            self._change_cols(np.asarray(cols, dtype=np.int32), values, values)

    def relax_row_indices(self, rows: np.ndarray) -> None:
        """Switch HiGHS rows (from `rows`) off."""
        if len(rows):
            n = len(rows)
            self._change_rows(np.asarray(rows, dtype=np.int32), np.full(n, -INF), np.full(n, INF))

    def relax_rows(self, constraints: Iterable[Any]) -> None:
        """Switch these constraints off: −∞ ≤ row ≤ +∞."""
        self.set_row_bounds(constraints, -INF, INF)

    def set_row_bounds(self, constraints: Iterable[Any], lower: float | np.ndarray,
                       upper: float | np.ndarray) -> None:
        """Bounds of these constraints' rows (their right-hand sides)."""
        constraints = list(constraints)
        keep = np.fromiter((c in self._row for c in constraints), dtype=bool, count=len(constraints))
        rows = self.rows(constraints)
        if len(rows):
            size = (len(constraints),)
            low = np.broadcast_to(np.asarray(lower, dtype=float), size)[keep]
            up = np.broadcast_to(np.asarray(upper, dtype=float), size)[keep]
            self._change_rows(rows, low, up)

    def row_bounds(self, constraint: Any) -> tuple[float, float]:
        """A constraint's row bounds as they stand now."""
        row = self._row[constraint]
        return float(self._row_lower[row]), float(self._row_upper[row])

    def set_costs(self, variables: Iterable[Any], costs: Iterable[float]) -> None:
        """Objective coefficients of these variables."""
        pairs = [(self._col[id(v)], float(c)) for v, c in zip(variables, costs) if id(v) in self._col]
        if not pairs:
            return
        cols = np.array([p[0] for p in pairs], dtype=np.int32)
        new = np.array([p[1] for p in pairs])
        old = self._cost[cols].copy()

        def put(values: np.ndarray) -> None:
            self._cost[cols] = values
            self.highs.changeColsCost(len(cols), cols, values)

        self._record(lambda: put(old))
        put(new)

    def costs(self, variables: Iterable[Any]) -> np.ndarray:
        """Objective coefficients of these variables as they stand now."""
        return self._cost[self.columns(variables)]

    def set_coefficients(self, entries: Iterable[tuple[Any, Any, float]]) -> None:
        """Matrix coefficients: (constraint, variable, value) triples."""
        rows, cols, values = [], [], []
        for con, var, value in entries:
            if con in self._row and id(var) in self._col:
                rows.append(self._row[con])
                cols.append(self._col[id(var)])
                values.append(float(value))
        old = [self._coefficient(r, c) for r, c in zip(rows, cols)]
        self.set_coefficient_arrays(rows, cols, values, old)

    def set_coefficient_arrays(self, rows: Iterable[int], cols: Iterable[int], values: Iterable[float],
                               old: Iterable[float]) -> None:
        """Matrix coefficients by HiGHS row and column; `old` is what `changes` restores."""
        changes = [(r, c, o, v) for r, c, o, v in zip(rows, cols, old, values) if o != v]
        if not changes:
            return

        def put(which: int) -> None:
            change = self.highs.changeCoeff
            for row, col, *both in changes:
                change(row, col, both[which])

        self._record(lambda: put(0))
        put(1)

    def coefficient(self, constraint: Any, variable: Any) -> float:
        """A constraint's coefficient of a variable as it stands now (0 where it has none)."""
        return self._coefficient(self._row[constraint], self._col[id(variable)])

    def _coefficient(self, row: int, col: int) -> float:
        _, cols, values = self.highs.getRowEntries(row)
        hit = np.flatnonzero(cols == col)
        return float(values[hit[0]]) if len(hit) else 0.0

    def add_rows(self, lower: np.ndarray, upper: np.ndarray,
                 rows: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
        """Append rows lower ≤ Σ values · x[columns] ≤ upper, one (columns, values) per row;
        they are deleted when the block ends. Returns their indices."""
        first = self.highs.getNumRow()
        starts = np.cumsum([0] + [len(c) for c, _ in rows[:-1]]).astype(np.int32)
        columns = np.concatenate([c for c, _ in rows]).astype(np.int32) if rows else np.empty(0, np.int32)
        values = np.concatenate([v for _, v in rows]).astype(float) if rows else np.empty(0)
        n = len(rows)
        self.highs.addRows(n, np.asarray(lower, float), np.asarray(upper, float), len(columns), starts, columns, values)
        added = np.arange(first, first + n, dtype=np.int32)
        self._row_lower = np.concatenate([self._row_lower, np.asarray(lower, float)])
        self._row_upper = np.concatenate([self._row_upper, np.asarray(upper, float)])

        def remove() -> None:
            self.highs.deleteRows(n, added)
            self._row_lower, self._row_upper = self._row_lower[:first], self._row_upper[:first]

        self._record(remove)
        return added

    def add_columns(self, lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
        """Append continuous columns lower ≤ x ≤ upper, in no row and with no cost (rows and
        costs are added after); they are deleted when the block ends. Returns their indices."""
        first = self.highs.getNumCol()
        lower, upper = np.asarray(lower, float), np.asarray(upper, float)
        n = len(lower)
        self.highs.addVars(n, lower, upper)
        added = np.arange(first, first + n, dtype=np.int32)
        self._col_lower = np.concatenate([self._col_lower, lower])
        self._col_upper = np.concatenate([self._col_upper, upper])
        self._cost = np.concatenate([self._cost, np.zeros(n)])
        self._integrality = np.concatenate([self._integrality, np.zeros(n, dtype=np.uint8)])

        def remove() -> None:
            self.highs.deleteCols(n, added)
            self._col_lower, self._col_upper = self._col_lower[:first], self._col_upper[:first]
            self._cost, self._integrality = self._cost[:first], self._integrality[:first]

        self._record(remove)
        return added

    def objective_row(self) -> tuple[np.ndarray, np.ndarray, float]:
        """The objective as (columns, costs, constant): cost = Σ costs · x[columns] + constant."""
        cols = np.flatnonzero(self._cost).astype(np.int32)
        return cols, self._cost[cols].copy(), float(self.highs.getObjectiveOffset()[1])

    def set_objective(self, columns: np.ndarray, costs: np.ndarray, sense: str = "min") -> None:
        """Replace the objective by Σ costs · x[columns] (minimised or maximised); undone
        with the block (the constant stays)."""
        old = self._cost.copy()
        new = np.zeros_like(old)
        new[columns] = costs if sense == "min" else -np.asarray(costs)
        changed = np.flatnonzero(old != new).astype(np.int32)

        def put(values: np.ndarray) -> None:
            self._cost[changed] = values
            self.highs.changeColsCost(len(changed), changed, values)

        before, after = old[changed].copy(), new[changed].copy()
        self._record(lambda: put(before))
        put(after)

    def set_offset(self, offset: float) -> None:
        """The objective's constant (a second objective of its own needs none: a MIP's relative
        gap is measured on the objective with it); undone with the block."""
        old = float(self.highs.getObjectiveOffset()[1])
        self._record(lambda: self.highs.changeObjectiveOffset(old))
        self.highs.changeObjectiveOffset(float(offset))

    def make_integer(self, cols: np.ndarray) -> None:
        """These columns (added in this block, continuous) integer; undone with the block."""
        cols = np.asarray(cols, dtype=np.int32)

        def put(value: int) -> None:
            self._integrality[cols] = value
            self.highs.changeColsIntegrality(len(cols), cols, np.full(len(cols), value, dtype=np.uint8))

        old = int(self._integrality[cols[0]]) if len(cols) else 0
        self._record(lambda: put(old))
        put(1)

    def relax_integrality(self, variables: Iterable[Any] | None = None) -> None:
        """These integer columns (all when None) continuous: the LP relaxation, the fixed LP,
        or decisions fixed by bounds that HiGHS should not treat as a MIP."""
        cols = (np.arange(len(self._integrality), dtype=np.int32) if variables is None
                else self.columns(variables))
        cols = cols[self._integrality[cols] != 0]
        if not len(cols):
            return
        old = self._integrality[cols].copy()

        def put(values: np.ndarray) -> None:
            self._integrality[cols] = values
            self.highs.changeColsIntegrality(len(cols), cols, values)

        self._record(lambda: put(old))
        put(np.zeros_like(old))

    # ------------------------------------------------------------------ solving

    def solve(self, time_limit_s: float = 600.0, mip_gap: float = 1e-4, method: str = LP_METHOD,
              tee: bool = False, mip_start: bool = True) -> Outcome:
        """Re-solve HiGHS's copy as it stands now; `method` is HiGHS's LP solver (LP_METHOD:
        dual simplex, from the last basis; "ipm": interior point with crossover, faster on the
        degenerate LPs of the alternatives); `tee` shows HiGHS's log.

        A MIP re-solved inside a `changes()` block starts (`mip_start`) from the plan: the
        integer decisions of the last solve made outside any block, each moved into its
        column's current bounds (a member switched off orders nothing), HiGHS completing the
        rest; a start the change makes infeasible is dropped by HiGHS, never trusted."""
        h = self.highs
        h.setOptionValue("output_flag", tee)
        h.setOptionValue("solver", method)
        h.setOptionValue("time_limit", float(time_limit_s))
        h.setOptionValue("mip_rel_gap", float(mip_gap))
        mip = self.is_mip
        if mip and mip_start and self._frames and self._plan_integers is not None:
            self._give_mip_start()
        start = time.perf_counter()
        self._run()
        if mip and not self._solution_is_reported():
            h.clearSolver()  # drop the start and solve again from nothing
            self._run()
        seconds = time.perf_counter() - start
        self.solves += 1
        model_status = h.getModelStatus()
        status = _STATUS.get(model_status, h.modelStatusToString(model_status))
        info = h.getInfo()
        has_solution = info.primal_solution_status == 2
        objective = float(info.objective_function_value) if has_solution else None
        if mip and has_solution and not self._frames:
            self._plan_integers = np.asarray(h.getSolution().col_value)[self._integer_cols()]
        bound = float(info.mip_dual_bound) if mip else objective
        gap = None
        if objective is not None:
            if not mip:
                gap = 0.0 if status == "optimal" else None
            elif bound is not None and math.isfinite(bound):
                gap = abs(objective - bound) / max(1e-10, abs(objective))
        work = int(info.mip_node_count if mip else info.simplex_iteration_count)
        return Outcome(status, has_solution, objective, bound, gap, seconds, work)

    def _run(self) -> None:
        """HiGHS's run. From the main thread in a thread of its own, so that a signal (Ctrl-C,
        SIGTERM, SIGHUP: planner.entry) stops the solve at once: the main thread waits in short
        steps, its handler raises, and HiGHS is told to stop and joined before the exception goes
        on (a blocking run takes the signal only at its end). From another thread (a twin's
        re-solves) a blocking run: highspy allows one `startSolve` at a time in a process, and
        `cancel()` stops it through HiGHS's interrupt callback, and every later solve on this copy."""
        h = self.highs
        if self._cancelled:
            raise Cancelled("this HiGHS copy was cancelled")
        h.HandleUserInterrupt = True  # HiGHS's interrupt callbacks watch cancelSolve
        if threading.current_thread() is not threading.main_thread():
            h.run()
            return
        solver = h.startSolve()
        try:
            while solver.is_alive():
                solver.join(0.05)
        except BaseException:
            h.cancelSolve()
            solver.join()
            raise

    def _solution_is_reported(self) -> bool:
        """Is the solution HiGHS hands back the one whose objective it reports? HiGHS 1.16 can
        finish a MIP from a start that presolve judged in its reduced space, report that
        space's (lower) objective and hand back the start itself (tests/test_recourse.py,
        whole units and two scenarios)."""
        info = self.highs.getInfo()
        if info.primal_solution_status != 2:
            return True
        x = np.asarray(self.highs.getSolution().col_value)
        own = float(self._cost @ x) + float(self.highs.getObjectiveOffset()[1])
        reported = float(info.objective_function_value)
        return abs(own - reported) <= 1e-7 * max(1.0, abs(reported))

    def integer_columns(self) -> np.ndarray:
        """The integer columns, as they stand now."""
        return self._integer_cols()

    def _integer_cols(self) -> np.ndarray:
        return np.flatnonzero(self._integrality != 0).astype(np.int32)

    def _give_mip_start(self) -> None:
        """The plan's integer decisions, within the columns' current bounds, as HiGHS's
        (partial) starting solution."""
        cols = self._integer_cols()
        if len(cols) != len(self._plan_integers):  # integrality changed since the plan: no start
            return
        values = np.clip(np.round(self._plan_integers), self._col_lower[cols], self._col_upper[cols])
        self.highs.setSolution(len(cols), cols, values)

    def solve_with_duals(self, time_limit_s: float = 600.0, mip_gap: float = 1e-4,
                         load: bool = True) -> tuple[Outcome, dict[Any, float]]:
        """Re-solve; put the plan into the Pyomo variables (`load`) and return the duals:
        of the LP itself, or for a MIP of the LP with its integers fixed (`fixed_lp_duals`)."""
        outcome = self.solve(time_limit_s, mip_gap)
        if not outcome.has_solution:
            return outcome, {}
        if load:
            self.load_solution()
        if not self.is_mip:
            return outcome, (self.duals() if outcome.optimal else {})
        return outcome, self.fixed_lp_duals(time_limit_s)

    def fixed_lp_duals(self, time_limit_s: float = 600.0, ranged: Iterable[Any] = (),
                       ranges: dict | None = None) -> dict[Any, float]:
        """Duals of the LP left when every integer decision is fixed at its value in HiGHS's
        last solution (the model's MIP solution); the ranges of the `ranged` constraints go
        into `ranges`.

        Valid inequalities (`model.valid_inequalities`: they only tighten the relaxation) are
        redundant in that LP and would distort its duals: they are switched off for it.
        """
        integer_cols = self._integer_cols()
        values = np.round(np.asarray(self.highs.getSolution().col_value)[integer_cols])
        cuts = [con for name in getattr(self.model, "valid_inequalities", ())
                for con in getattr(self.model, name).values()]
        with self.changes():
            self.relax_integrality()
            self._change_cols(integer_cols, values, values)
            self.relax_rows(cuts)
            outcome = self.solve(time_limit_s)
            if not outcome.optimal:
                return {}
            if ranges is not None:
                ranges.update(self.ranges(ranged))
            return self.duals()

    def solution(self) -> np.ndarray:
        """HiGHS's current solution, one value per column (a copy: later changes leave it)."""
        return np.array(self.highs.getSolution().col_value)

    def values(self, variables: Iterable[Any]) -> np.ndarray:
        """Values of these variables in HiGHS's current solution."""
        return self.solution()[self.columns(variables)]

    def start_from(self, x: np.ndarray) -> None:
        """Give the next MIP solve the whole solution `x` (one value per column) to start from;
        HiGHS checks it and drops it if it is infeasible."""
        start = highspy.HighsSolution()
        start.col_value = np.asarray(x, dtype=float)
        start.value_valid = True
        self.highs.setSolution(start)

    def load_solution(self) -> None:
        """Put HiGHS's current solution into the Pyomo variables (for results.extract)."""
        self.instance.load_values()

    def ranges(self, constraints: Iterable[Any]) -> dict[Any, tuple[float, float]]:
        """For each constraint, the interval of its right-hand side over which its dual (the
        current LP basis) stays valid: HiGHS's ranging of the last LP solve."""
        status, ranging = self.highs.getRanging()
        if status != highspy.HighsStatus.kOk or not ranging.valid:
            return {}
        low, up = np.asarray(ranging.row_bound_dn.value_), np.asarray(ranging.row_bound_up.value_)
        return {con: (float(low[self._row[con]]), float(up[self._row[con]])) for con in constraints if con in self._row}

    def duals(self) -> dict[Any, float]:
        """Row duals of the current (LP) solution, by Pyomo constraint."""
        return self.instance.duals()

    def conflict(self, limit: int = 30) -> list[str]:
        """Why the model is infeasible, in sentences: HiGHS's IIS (`planner.highs.conflicts`)."""
        from .conflicts import explain

        return explain(self, limit)

