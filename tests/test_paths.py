"""Spending paths: the turns counted on the Summary, and what the path rule costs."""

from __future__ import annotations

import pandas as pd
import pytest

from builders import plan
from models import build_model
from planner.analyses.path_check import check_path
from planner.results import path_turns
from planner.solve import solve


def paths(**by_member: list[float]) -> pd.DataFrame:
    return pd.DataFrame([{"member": m, "year": 2024 + i, "spending_pct_gdp": v}
                         for m, values in by_member.items() for i, v in enumerate(values)])


def test_turns_count_each_change_of_direction_beyond_the_tolerance():
    """FIN 2.41 → 3.34 → 4.19 → 3.28 → 2.47 → 2.50: one peak (2026); the last 0.03 pp rise is
    no move. HUN rises, falls, rises: a peak and a trough. USA only rises; a 0.04 pp wobble is
    no turn."""
    turns = path_turns(paths(FIN=[2.41, 3.34, 4.19, 3.28, 2.47, 2.50], HUN=[2.0, 3.0, 2.5, 3.5],
                             USA=[3.37, 3.40, 3.36, 3.50], POL=[4.1, 3.9, 3.7]))
    assert turns[["member", "year", "turn"]].values.tolist() == [
        ["FIN", 2026, "peak"], ["HUN", 2025, "peak"], ["HUN", 2026, "trough"]]
    fin = turns.iloc[0]
    assert (fin.before_pp, fin.after_pp) == pytest.approx((1.78, -1.72))
    assert turns.iloc[2].after_pp == pytest.approx(1.0)


def test_a_first_move_within_the_tolerance_is_no_move():
    """0.04 down then 1 up then 1 down: one peak, at its top."""
    turns = path_turns(paths(A=[2.0, 1.96, 2.96, 1.96]))
    assert turns[["year", "turn"]].values.tolist() == [[2026, "peak"]]
    assert turns.iloc[0].before_pp == pytest.approx(1.0)


def test_path_check_states_the_cost_with_and_without_the_rule():
    """tests/test_model.py::test_path_rule_forbids_the_turn: 60 with the rule, 40 without."""
    data = plan({"A": (1000, 10)}, forces={("A", "C"): {"acquisition_cost": 30}},
                requirements={("C", "R", 2025): 1, ("C", "R", 2026): 1}, years=(2025, 2026),
                targets={"min_gdp": 0.02, "one_way": 1.0})
    model = build_model(data)
    solved = solve(model)
    check = check_path(solved.highs, data)
    assert (check.with_rule_musd, check.without_rule_musd, check.cost_musd) == pytest.approx((60, 40, 20))
    assert solved.highs.solve().objective == pytest.approx(60 - 1e-4 * 30, abs=1e-6)  # put back
