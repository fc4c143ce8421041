"""Hand a linear Pyomo model to HiGHS as arrays: the planner's fast route from Pyomo to highspy.

Pyomo's generic route (its persistent HiGHS interface) builds a standard representation of
every constraint through its expression visitors and adds rows in batches; at a million
variables that hand-over took 2.4 times as long as building the model (measured 25 November 2026).
The planner's constraints are all linear sums of variables with constant coefficients, so
`compile_lp` walks each expression once with an explicit stack, collects the whole matrix
row by row in flat lists and passes it to HiGHS in one `passModel` call.

Supported expression nodes: numbers, variables (fixed ones count as constants), mutable
parameters and other constant subexpressions, sums (SumExpression, LinearExpression),
negation, products and quotients by a constant, monomials and named Expressions. Anything
else (a product of two variables, a nonlinear function) raises `NotLinear` with the
constraint's name: the planner's models are LPs and MIPs.

`HighsInstance` keeps the maps between Pyomo and HiGHS (variable → column, constraint →
row) that `planner.highs.HighsModel` uses to load the solution and the duals and to change
the model in place.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import highspy
import numpy as np
import pyomo.environ as pyo
from pyomo.common.gc_manager import PauseGC
from pyomo.common.tee import capture_output
from pyomo.core.base.expression import ExpressionData, ScalarExpression
from pyomo.core.base.var import ScalarVar, VarData
from pyomo.core.expr import numeric_expr as ne

INF = highspy.kHighsInf

# Node classes, matched exactly (a dictionary lookup, not isinstance) in the hot loop.
_NUMBERS = (int, float, np.float64, np.int64)
_VARS = (VarData, ScalarVar)
_NAMED = (ExpressionData, ScalarExpression)
_SUMS = tuple({cls for cls in vars(ne).values()  # SumExpression, LinearExpression and the other sums
               if isinstance(cls, type) and issubclass(cls, ne.SumExpression)})


class NotLinear(ValueError):
    """A constraint or objective that is not a linear expression of the variables."""


@dataclass
class HighsInstance:
    """A Pyomo model's copy in HiGHS, with the maps between the two."""

    highs: highspy.Highs
    variables: list[Any]  # column j is variables[j]
    col: dict[int, int]  # id(variable) -> column
    row: dict[Any, int]  # constraint data -> row
    objective_offset: float
    seconds: float  # time the hand-over took

    def version(self) -> tuple[int, int, int]:
        return highspy.HIGHS_VERSION_MAJOR, highspy.HIGHS_VERSION_MINOR, highspy.HIGHS_VERSION_PATCH

    def load_values(self) -> None:
        """Put HiGHS's current primal solution into the Pyomo variables."""
        values = self.highs.getSolution().col_value
        for var, value in zip(self.variables, values):
            var.set_value(value, skip_validation=True)

    def linear(self, expr: Any, name: str = "expression") -> tuple[np.ndarray, np.ndarray, float]:
        """`expr` as (columns, coefficients, constant) over this copy's columns; a variable
        that has no column here (it appears in no constraint and not in the objective) is
        an error."""
        coefs: dict[int, float] = {}
        variables = list(self.variables)
        constant = _linear(expr, _Named(name), dict(self.col), variables, coefs)
        if len(variables) != len(self.variables):
            raise ValueError(f"{name}: uses variables HiGHS does not have")
        cols = np.fromiter(coefs, dtype=np.int32, count=len(coefs))
        return cols, np.fromiter(coefs.values(), dtype=float, count=len(coefs)), constant

    def duals(self) -> dict[Any, float]:
        """Row duals of the current LP solution, by Pyomo constraint (HiGHS's sign: a ≥ row
        of a minimisation has a dual ≥ 0; the change of the objective per unit of its bound)."""
        row_dual = self.highs.getSolution().row_dual
        return {con: float(row_dual[i]) for con, i in self.row.items()}


@dataclass
class _Named:
    name: str


def _linear(expr: Any, where: Any, col: dict[int, int], variables: list[Any],
            coefs: dict[int, float]) -> float:
    """Add the linear terms of `expr` into `coefs` (column -> coefficient), registering new
    variables as columns; return the constant term. `where` (a constraint or objective)
    names the expression in an error."""
    constant = 0.0
    stack: list[tuple[Any, float]] = [(expr, 1.0)]
    pop, push = stack.pop, stack.append
    while stack:
        node, mult = pop()
        kind = node.__class__
        if kind in _NUMBERS:
            constant += mult * node
        elif kind in _VARS:
            if node.fixed:
                constant += mult * node.value
                continue
            j = col.get(id(node))
            if j is None:
                j = col[id(node)] = len(variables)
                variables.append(node)
            coefs[j] = coefs.get(j, 0.0) + mult
        elif kind in _SUMS:
            for arg in node.args:
                push((arg, mult))
        elif kind is ne.MonomialTermExpression:
            c, v = node.args
            push((v, mult * (c if c.__class__ in _NUMBERS else pyo.value(c))))
        elif kind is ne.NegationExpression:
            push((node.args[0], -mult))
        elif kind in _NAMED:
            push((node.expr, mult))
        elif not node.is_potentially_variable():
            constant += mult * pyo.value(node)
        elif kind is ne.ProductExpression:
            a, b = node.args
            if not _variable(a):
                push((b, mult * pyo.value(a)))
            elif not _variable(b):
                push((a, mult * pyo.value(b)))
            else:
                raise NotLinear(f"{where.name}: a product of two variables ({node})")
        elif kind is ne.DivisionExpression and not _variable(node.args[1]):
            push((node.args[0], mult / pyo.value(node.args[1])))
        else:
            raise NotLinear(f"{where.name}: {kind.__name__} is not linear ({node})")
    return constant



def _variable(node: Any) -> bool:
    """Does `node` depend on a variable that is not fixed?"""
    return node.__class__ not in _NUMBERS and not node.is_fixed()


def compile_lp(model: pyo.ConcreteModel) -> HighsInstance:
    """The active constraints and objective of `model` as a HiGHS model (not solved).

    Columns are the unfixed variables that appear, in order of first appearance; rows the
    active constraints, in Pyomo's order (a constraint without variables becomes an empty
    row, so that a violated constant constraint still makes the model infeasible).
    """
    with PauseGC():  # millions of new objects: the cyclic GC would rescan the whole model each time
        return _compile(model)


def _compile(model: pyo.ConcreteModel) -> HighsInstance:
    start = time.perf_counter()
    col: dict[int, int] = {}
    variables: list[Any] = []
    row: dict[Any, int] = {}
    starts: list[int] = []
    index: list[int] = []
    value: list[float] = []
    lower: list[float] = []
    upper: list[float] = []
    for con in model.component_data_objects(pyo.Constraint, active=True, descend_into=True):
        coefs: dict[int, float] = {}
        lb, body, ub = con.to_bounded_expression(evaluate_bounds=True)
        constant = _linear(body, con, col, variables, coefs)
        row[con] = len(starts)
        starts.append(len(index))
        index.extend(coefs)
        value.extend(coefs.values())
        lower.append(-INF if lb is None else lb - constant)
        upper.append(INF if ub is None else ub - constant)
    objectives = list(model.component_data_objects(pyo.Objective, active=True, descend_into=True))
    if len(objectives) != 1:
        raise ValueError(f"{model.name}: {len(objectives)} active objectives; HiGHS takes exactly one")
    objective = objectives[0]
    cost: dict[int, float] = {}
    offset = _linear(objective.expr, objective, col, variables, cost)

    n = len(variables)
    lp = highspy.HighsLp()
    lp.num_col_ = n
    lp.num_row_ = len(starts)
    costs = np.zeros(n)
    if cost:
        costs[np.fromiter(cost, dtype=np.int64, count=len(cost))] = np.fromiter(cost.values(), dtype=float)
    lp.col_cost_ = costs
    lp.offset_ = offset
    lp.sense_ = highspy.ObjSense.kMaximize if objective.sense == pyo.maximize else highspy.ObjSense.kMinimize
    col_lower, col_upper, integer = np.empty(n), np.empty(n), np.zeros(n, dtype=bool)
    for j, var in enumerate(variables):
        lb, ub = var.bounds
        col_lower[j] = -INF if lb is None else lb
        col_upper[j] = INF if ub is None else ub
        integer[j] = var.is_integer()
    lp.col_lower_ = col_lower
    lp.col_upper_ = col_upper
    lp.row_lower_ = np.asarray(lower, dtype=float)
    lp.row_upper_ = np.asarray(upper, dtype=float)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_ = n
    lp.a_matrix_.num_row_ = len(starts)
    lp.a_matrix_.start_ = np.asarray([*starts, len(index)], dtype=np.int32)
    lp.a_matrix_.index_ = np.asarray(index, dtype=np.int32)
    lp.a_matrix_.value_ = np.asarray(value, dtype=float)
    if integer.any():
        lp.integrality_ = [highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous for i in integer]
    with capture_output(capture_fd=True):  # HiGHS prints its banner when the first one is made
        highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    status = highs.passModel(lp)
    if status == highspy.HighsStatus.kError:
        raise ValueError(f"{model.name}: HiGHS refused the model")
    return HighsInstance(highs, variables, col, row, offset, time.perf_counter() - start)
