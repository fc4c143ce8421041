"""Whole units where units are whole (issue 12): orders, deployments and sets in parts."""

from __future__ import annotations

import pyomo.environ as pyo
import pytest

from builders import plan
from models import build_model
from planner.solve import solve


def solved(data):
    model = build_model(data)
    return model, solve(model)


def test_an_order_comes_in_battalions():
    """Half a brigade required, a brigade costs 3 and comes in thirds: two battalions (2/3
    of a brigade, cost 2) are ordered, not 0.5 (cost 1.5) nor a whole brigade (cost 3)."""
    data = plan({"A": (100, 1)}, forces={("A", "BDE"): {"acquisition_cost": 3}},
                requirements={("BDE", "R", 2025): 0.5}, parts={"BDE": 3})
    model, result = solved(data)
    assert result.is_mip and result.optimal
    assert model.x_units["A", "BDE", 2025].value == pytest.approx(2 / 3)
    assert pyo.value(model.money_cost) == pytest.approx(2)
    assert model.assign["A", "BDE", "R", 2025, "BASE"].value * 3 == pytest.approx(2)


def test_without_parts_the_same_plan_is_fractional():
    """The same plan, any fraction: half a brigade for 1.5."""
    data = plan({"A": (100, 1)}, forces={("A", "BDE"): {"acquisition_cost": 3}},
                requirements={("BDE", "R", 2025): 0.5})
    model, result = solved(data)
    assert not result.is_mip
    assert model.x_units["A", "BDE", 2025].value == pytest.approx(0.5)


def test_deployments_come_in_whole_units():
    """A has 1.5 brigades in service after retirements would leave 1.6 (rounded to whole
    units: 2), B has 1; two regions need 1 brigade each. Whole units: A sends one to each
    region or A one and B one; never half a brigade anywhere."""
    data = plan({"A": (100, 1), "B": (100, 1)},
                forces={("A", "BDE"): {"existing": 2, "retirements": 0.4, "max_new": 0},
                        ("B", "BDE"): {"existing": 1, "max_new": 0}},
                requirements={("BDE", "R1", 2025): 1, ("BDE", "R2", 2025): 1}, integer=("BDE",))
    model, result = solved(data)
    assert result.optimal
    assert data.existing_units()["A", "BDE", 2025] == pytest.approx(2)  # 1.6 rounded to a whole unit
    for var in model.assign.values():
        assert var.value == pytest.approx(round(var.value), abs=1e-9)
    assert pyo.value(model.expected_shortfall) == pytest.approx(0)


def test_the_stock_rounds_to_the_nearest_part():
    """Existing 2 retiring 0.4 a year from 2024, counted in thirds: 1.6 → 5/3 in 2025,
    1.2 → 4/3 in 2026; any fraction: 1.6 and 1.2."""
    forces = {("A", "BDE"): {"existing": 2, "retirements": 0.4}}
    thirds = plan({"A": (100, 1)}, forces=forces, years=(2025, 2026), parts={"BDE": 3}).existing_units()
    free = plan({"A": (100, 1)}, forces=forces, years=(2025, 2026)).existing_units()
    assert list(thirds) == pytest.approx([5 / 3, 4 / 3])
    assert list(free) == pytest.approx([1.6, 1.2])
