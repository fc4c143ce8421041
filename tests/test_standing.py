"""Standing commitments: the tie rule's second solve (planner/standing.py, models/standing.py)
and the provider changes with their reasons (planner/results.py), on cases worked by hand."""

from __future__ import annotations

import numpy as np
import pytest
from builders import plan

from models import build_model
from planner import results as R
from planner.solve import solve
from planner.standing import hold_standing


def _tie() -> tuple:
    """A and B each hold 1 unit of C; R needs 1 unit in 2025 and 2026; moving is free: every
    split of the requirement between A and B costs 0, so who provides is a tie."""
    data = plan({"A": (100, 1), "B": (100, 1)},
                forces={("A", "C"): {"max_new": 0, "existing": 1}, ("B", "C"): {"max_new": 0, "existing": 1}},
                requirements={("C", "R", 2025): 1, ("C", "R", 2026): 1}, years=(2025, 2026))
    model = build_model(data)
    return data, model, solve(model)


def _set(model, plan_units: dict[tuple[str, int], float]) -> None:
    for (m, c, r, t, s), var in model.assign.items():
        var.set_value(plan_units.get((m, t), 0.0))


def _providers(model) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {}
    for (m, c, r, t, s), var in model.assign.items():
        if (var.value or 0.0) > 1e-6:
            out.setdefault(t, set()).add(m)
    return out


def test_the_tie_rule_removes_a_change_of_provider_that_costs_nothing():
    """By hand: the plan A (2025) → B (2026) costs what A → A costs (0), and moves 2 units
    (A −1, B +1); the tie rule's plan keeps one provider both years, moves none, costs the same."""
    data, model, solved = _tie()
    _set(model, {("A", 2025): 1.0, ("B", 2026): 1.0})
    before = R.provider_changes(model, data, R.deployed(model), R.capabilities(model, data))
    assert list(before["change_reason"]) == [R.FORCED_BY_COSTS]
    standing = hold_standing(solved.highs, 60.0)
    assert standing.applied
    assert standing.changes_before_units == pytest.approx(2.0)
    assert standing.changes_after_units == pytest.approx(0.0, abs=1e-9)
    assert standing.money_musd == pytest.approx(0.0, abs=1e-9)
    providers = _providers(model)
    assert providers[2025] == providers[2026]  # the same members (the LP may split the unit), the same units
    after = R.provider_changes(model, data, R.deployed(model), R.capabilities(model, data))
    assert after.empty
    figures = R.standing_figures(model, after)
    assert figures == {"steady_pairs": 1, "provider_changes_steady": 0, "provider_changes": 0,
                       "provider_changes_steady_pct": pytest.approx(0.0)}
    assert solved.highs.highs.getNumCol() == len(solved.highs.instance.variables)  # its rows and columns removed


def test_a_change_the_data_forces_is_kept_and_explained():
    """A's 2 units retire one a year (1 in 2025, 0 in 2026); B and D hold 1 each; R needs 2
    both years. The tie rule keeps B and D both years where it can; with A forced to provide
    in 2025 (set by hand), the change A, B → B, D is explained by A's retirement."""
    data = plan({"A": (100, 1), "B": (100, 1), "D": (100, 1)},
                forces={("A", "C"): {"max_new": 0, "existing": 2, "retirements": 1},
                        ("B", "C"): {"max_new": 0, "existing": 1}, ("D", "C"): {"max_new": 0, "existing": 1}},
                requirements={("C", "R", 2025): 2, ("C", "R", 2026): 2}, years=(2025, 2026))
    model = build_model(data)
    solved = solve(model)
    _set(model, {("A", 2025): 1.0, ("B", 2025): 1.0, ("B", 2026): 1.0, ("D", 2026): 1.0})
    table = R.provider_changes(model, data, R.deployed(model), R.capabilities(model, data))
    assert len(table) == 1 and table["change_reason"].iloc[0].startswith(R.STOCK_CHANGED)
    assert "A 1 → 0" in table["change_reason"].iloc[0]
    assert (table["providers_before"].iloc[0], table["providers"].iloc[0]) == ("A 1; B 1", "B 1; D 1")
    hold_standing(solved.highs, 60.0)
    providers = _providers(model)
    assert providers[2025] == providers[2026] == {"B", "D"}


def test_a_changed_requirement_is_named_as_the_reason():
    data = plan({"A": (100, 1), "B": (100, 1)},
                forces={("A", "C"): {"max_new": 0, "existing": 1}, ("B", "C"): {"max_new": 0, "existing": 1}},
                requirements={("C", "R", 2025): 2, ("C", "R", 2026): 1}, years=(2025, 2026))
    model = build_model(data)
    solve(model)
    _set(model, {("A", 2025): 1.0, ("B", 2025): 1.0, ("A", 2026): 1.0})
    table = R.provider_changes(model, data, R.deployed(model), R.capabilities(model, data))
    assert list(table["change_reason"]) == [f"{R.REQUIREMENT_CHANGED} (2 → 1)"]
    assert R.standing_figures(model, table)["steady_pairs"] == 0


def _whole_tie() -> tuple:
    """As `_tie`, in whole units (a MIP), over three years: A, B and D each hold 1 unit of C;
    R needs 1 unit every year; every provider costs 0, so who provides is a tie."""
    data = plan({"A": (100, 1), "B": (100, 1), "D": (100, 1)},
                forces={(m, "C"): {"max_new": 0, "existing": 1} for m in ("A", "B", "D")},
                requirements={("C", "R", t): 1 for t in (2025, 2026, 2027)}, years=(2025, 2027), integer=("C",))
    model = build_model(data)
    return data, model, solve(model)


def test_the_set_rule_keeps_one_provider_where_units_are_whole():
    """By hand, in whole units: the plan A (2025) → B (2026) → D (2027) changes providers in
    both pairs and costs what A, A, A costs (0); the set rule (one solve for C, the capability
    counted in parts) leaves one provider all three years: 2 changes → 0, at no cost."""
    data, model, solved = _whole_tie()
    assert solved.highs.is_mip
    _set(model, {("A", 2025): 1.0, ("B", 2026): 1.0, ("D", 2027): 1.0})
    solved.highs.start_from(np.array([v.value or 0.0 for v in solved.highs.instance.variables]))
    standing = hold_standing(solved.highs, 60.0, mip_gap=1e-4)
    assert (standing.set_changes_before, standing.set_changes_after) == (2, 0)
    assert standing.applied and standing.status == "optimal"
    assert standing.money_musd == pytest.approx(0.0, abs=1e-9)
    assert standing.slack == pytest.approx(1e-4)  # ε_cost: the MIP's own gap
    providers = _providers(model)
    assert providers[2025] == providers[2026] == providers[2027] and len(providers[2025]) == 1
    assert solved.highs.highs.getNumCol() == len(solved.highs.instance.variables)  # its rows and columns removed
    assert not solved.highs.is_mip or solved.highs.integer_columns().size == 3 * 3  # only the plan's own integers

