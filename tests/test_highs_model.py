"""The planner's hand-over to HiGHS (planner/highs/compile.py) against Pyomo's own route."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyomo.environ as pyo
import pytest
from pyomo.contrib.solver.common.factory import SolverFactory

from models import build_model
from planner.highs import NotLinear, compile_lp
from planner.load import load_plan

INPUTS = Path(__file__).parents[1] / "inputs"


def matrix(h) -> dict[tuple[int, int], float]:
    lp = h.getLp()
    a = lp.a_matrix_
    start, index, value = np.asarray(a.start_), np.asarray(a.index_), np.asarray(a.value_)
    rowwise = a.format_ == a.format_.kRowwise
    out: dict[tuple[int, int], float] = {}
    for outer in range(lp.num_row_ if rowwise else lp.num_col_):
        for k in range(start[outer], start[outer + 1]):
            out[(outer, int(index[k])) if rowwise else (int(index[k]), outer)] = float(value[k])
    return out


def test_every_expression_kind_by_hand():
    """Coefficients, bounds and constants of each supported node, checked by hand."""
    m = pyo.ConcreteModel()
    m.x = pyo.Var([1, 2, 3], bounds=(0, 10))
    m.y = pyo.Var(domain=pyo.NonNegativeIntegers, bounds=(None, 4))
    m.z = pyo.Var(initialize=2.0)
    m.z.fix()
    m.p = pyo.Param(initialize=3.0, mutable=True)
    m.e = pyo.Expression(expr=2 * m.x[1] + m.x[2] + 1)
    m.a = pyo.Constraint(expr=m.p * m.e - (m.x[3] + m.x[1]) / 2 + m.z * 5 >= 4)  # 5.5 x1 + 3 x2 - .5 x3 ≥ 4 - 3 - 10
    m.a2 = pyo.Constraint(expr=m.z * m.x[3] + m.x[2] / m.z <= 1)  # a fixed variable is a constant: 2 x3 + .5 x2 ≤ 1
    m.b = pyo.Constraint(expr=(1, -m.x[2] + m.y * 2 + 1, 8))  # 0 ≤ -x2 + 2y ≤ 7
    m.c = pyo.Constraint(expr=m.x[1] == m.x[2])  # x1 - x2 == 0 (Pyomo may order it either way)
    m.d = pyo.Constraint(expr=m.z <= 3)  # no variables: an empty row
    m.off = pyo.Constraint(expr=m.x[3] >= 0)
    m.off.deactivate()
    m.obj = pyo.Objective(expr=sum(m.x.values()) - 7 + m.e, sense=pyo.maximize)
    inst = compile_lp(m)
    h, col, row = inst.highs, inst.col, inst.row
    lp = h.getLp()
    j = {name: col[id(v)] for name, v in (("x1", m.x[1]), ("x2", m.x[2]), ("x3", m.x[3]), ("y", m.y))}
    assert set(row) == {m.a, m.a2, m.b, m.c, m.d} and id(m.z) not in col
    a = matrix(h)
    assert {k: v for k, v in a.items() if k[0] == row[m.a]} == pytest.approx(
        {(row[m.a], j["x1"]): 5.5, (row[m.a], j["x2"]): 3.0, (row[m.a], j["x3"]): -0.5})
    assert (lp.row_lower_[row[m.a]], lp.row_upper_[row[m.a]]) == pytest.approx((4 - 3 - 10, np.inf))
    assert {k[1]: v for k, v in a.items() if k[0] == row[m.a2]} == pytest.approx({j["x3"]: 2.0, j["x2"]: 0.5})
    assert {k: v for k, v in a.items() if k[0] == row[m.b]} == pytest.approx(
        {(row[m.b], j["x2"]): -1.0, (row[m.b], j["y"]): 2.0})
    assert (lp.row_lower_[row[m.b]], lp.row_upper_[row[m.b]]) == pytest.approx((0.0, 7.0))
    c = {k[1]: v for k, v in a.items() if k[0] == row[m.c]}
    assert c in (pytest.approx({j["x1"]: 1.0, j["x2"]: -1.0}), pytest.approx({j["x1"]: -1.0, j["x2"]: 1.0}))
    assert (lp.row_lower_[row[m.c]], lp.row_upper_[row[m.c]]) == pytest.approx((0.0, 0.0), abs=1e-12)
    assert not any(k[0] == row[m.d] for k in a) and lp.row_upper_[row[m.d]] == pytest.approx(1.0)  # 2 ≤ 3: 0 ≤ 1
    assert lp.sense_ == lp.sense_.kMaximize and inst.objective_offset == pytest.approx(-6.0)
    assert [lp.col_cost_[j[n]] for n in ("x1", "x2", "x3", "y")] == pytest.approx([3.0, 2.0, 1.0, 0.0])
    assert (lp.col_lower_[j["y"]], lp.col_upper_[j["y"]]) == pytest.approx((0.0, 4.0))
    assert [int(t) for t in lp.integrality_] == [1 if k == j["y"] else 0 for k in range(lp.num_col_)]


def test_a_nonlinear_term_is_refused_with_its_constraint():
    m = pyo.ConcreteModel()
    m.x = pyo.Var([1, 2])
    m.c = pyo.Constraint(expr=m.x[1] * m.x[2] <= 1)
    m.obj = pyo.Objective(expr=m.x[1])
    with pytest.raises(NotLinear, match="^c: a product of two variables"):
        compile_lp(m)


@pytest.mark.parametrize("name", ["tutorial", "nato", "anzus", "rio_pact"])
def test_same_model_and_optimum_as_pyomos_own_route(name):
    """Same size, the same matrix up to the order of rows and columns, the same optimum as
    Pyomo's persistent HiGHS interface on the example workbooks (whole-unit MIPs: compared
    on their LP relaxations, which must agree to 1e-9; the MIPs agree within their gap)."""
    data, _ = load_plan(INPUTS / f"{name}.xlsx")
    model = build_model(data)
    ours = compile_lp(model)
    pyomo = SolverFactory("highs")
    pyomo.set_instance(model)
    theirs = pyomo._solver_model
    assert (ours.highs.getNumCol(), ours.highs.getNumRow(), ours.highs.getNumNz()) == (
        theirs.getNumCol(), theirs.getNumRow(), theirs.getNumNz())
    col = {ours.col[v]: pyomo._pyomo_var_to_solver_var_map[v] for v in ours.col}
    row = {ours.row[c]: pyomo._pyomo_con_to_solver_con_map[c] for c in ours.row}
    assert {(row[i], col[j]): v for (i, j), v in matrix(ours.highs).items()} == pytest.approx(matrix(theirs))
    for highs in (ours.highs, theirs):
        highs.setOptionValue("output_flag", False)
        highs.setOptionValue("solve_relaxation", True)
    ours.highs.run()
    theirs.run()
    assert ours.highs.getInfo().objective_function_value == pytest.approx(
        theirs.getInfo().objective_function_value, rel=1e-9)


def test_a_twin_solves_beside_its_original_and_changes_nothing_of_it():
    """HighsModel.twin(): a second HiGHS copy with the plan's solution; the twin re-solves a
    changed model on another thread while the original re-solves its own, side by side, and
    each finds what it would alone (the plan checks re-solve a twin beside the tie rule)."""
    import threading

    from planner.highs import HighsModel

    data, _ = load_plan(INPUTS / "anzus.xlsx")
    hm = HighsModel(build_model(data))
    first = hm.solve(60, 1e-4)
    twin = hm.twin()
    assert twin.highs is not hm.highs and twin.is_mip
    shortfalls = list(hm.model.shortfall.values())
    out = {}

    def lower_penalty():
        with twin.changes():
            twin.set_costs(shortfalls, twin.costs(shortfalls) / 10)
            out["twin"] = twin.solve(60, 1e-4).objective

    worker = threading.Thread(target=lower_penalty)
    worker.start()
    again = hm.solve(60, 1e-4)
    worker.join()
    assert again.objective == pytest.approx(first.objective, rel=1e-4)
    assert out["twin"] < first.objective  # a lower penalty costs less, on the twin only
    assert hm.costs(shortfalls) == pytest.approx(twin.costs(shortfalls))  # the twin's change was undone
    twin.cancel()
    with pytest.raises(Exception, match="cancelled"):
        twin.solve(60, 1e-4)
