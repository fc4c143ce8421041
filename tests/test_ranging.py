"""Marginal costs with the range over which they hold (HiGHS ranging), worked out by hand."""

from __future__ import annotations

import pytest

from builders import plan
from models import build_model
from planner.results import extract
from planner.solve import solve


def solved(data):
    model = build_model(data)
    result = solve(model)
    return extract(model, data, result)


def test_requirement_marginal_cost_and_its_range():
    """One member with 2 brigades, up to 5 more at 3 M each: 4 required → buys 2.

    One more brigade required costs 3 M; that holds from 2 required (below, the existing
    brigades suffice: marginal cost 0) to 2 + 5 = 7 (beyond, the next one is a shortfall)."""
    data = plan({"A": (1000.0, 10.0)}, forces={("A", "BDE"): dict(existing=2, max_new=5, acquisition_cost=3.0)},
                requirements={("BDE", "R", 2025): 4.0}, shortfall_penalty=100.0)
    row = solved(data).coverage.iloc[0]
    assert row["marginal_cost_musd"] == pytest.approx(3.0)
    assert row["marginal_cost_valid_from_units"] == pytest.approx(2.0)
    assert row["marginal_cost_valid_to_units"] == pytest.approx(7.0)


def test_spending_floor_marginal_cost_and_its_range():
    """GDP 1000, baseline 10, floor 1.5 %: the member tops up 5 M; each M more of floor
    costs 1 M (less the 1e-4 tie-break), from a floor of 10 M (the baseline) upwards."""
    data = plan({"A": (1000.0, 10.0)}, targets={"min_gdp": 0.015})
    spending = solved(data).spending
    row = spending[spending["year"] == 2025].iloc[0]
    assert row["topup_musd"] == pytest.approx(5.0)
    assert row["floor_marginal_cost"] == pytest.approx(1.0, abs=2e-4)
    assert row["floor_valid_from_musd"] == pytest.approx(10.0)


def test_sensitivity_table_prices_the_floor():
    """The same floor as above in the Sensitivity table: binding, 1 M per M, from 10 M."""
    data = plan({"A": (1000.0, 10.0)}, targets={"min_gdp": 0.015})
    table = solved(data).sensitivity
    floor = table[table["constraint"] == "spending_floor"].iloc[0]
    assert floor["binding"] and floor["marginal_value"] == pytest.approx(1.0, abs=2e-4)
    assert floor["valid_from"] == pytest.approx(10.0)
    assert set(table["constraint"]) == {"spending_floor"}
