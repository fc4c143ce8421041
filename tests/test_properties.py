"""Properties that hold for every plan, checked on random small instances."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyomo.environ as pyo
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builders import plan
from models import build_model
from planner.results import extract
from planner.solve import solve

TOL = 1e-5


@st.composite
def instances(draw):
    n_members = draw(st.integers(2, 4))
    members = {f"M{i}": (draw(st.floats(50, 500)), draw(st.floats(0.5, 10))) for i in range(n_members)}
    caps = [f"C{j}" for j in range(draw(st.integers(1, 3)))]
    years = (2025, 2025 + draw(st.integers(0, 3)))
    forces = {}
    for m in members:
        for c in caps:
            if draw(st.booleans()):
                forces[m, c] = {
                    "existing": draw(st.floats(0, 4)),
                    "retirements": draw(st.sampled_from([0.0, 0.5])),
                    "max_new": draw(st.sampled_from([np.inf, 1.0, 0.0])),
                    "acquisition_cost": draw(st.floats(0.5, 5)),
                    "operating_cost": draw(st.floats(0, 1)),
                    "lead_time": draw(st.integers(0, 2)),
                }
    requirements = {
        (c, r, t): draw(st.floats(0.5, 6))
        for c in caps for r in ("R1", "R2") for t in range(years[0], years[1] + 1)
        if draw(st.booleans())
    }
    band = draw(st.sampled_from([None, 0.5]))
    floor = draw(st.sampled_from([None, 0.01, 0.03]))
    return plan(
        members, forces, requirements, years=years,
        targets={"min_gdp": floor, "min_equipment": 0.1} if floor else {"min_equipment": 0.1},
        equipment_share=0.2,
        fair_band=pd.Series({m: band for m in members}) if band else pd.Series(dtype=float),
        shortfall_penalty=1000.0,
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_every_plan_meets_or_reports_and_adds_up(data):
    model = build_model(data)
    result = solve(model)
    assert result.optimal
    res = extract(model, data, result)
    cov = res.coverage
    # every requirement met, or its shortfall reported
    assert (cov["provided_units"] + cov["shortfall_units"] >= cov["required_units"] - TOL).all()
    # nobody assigns more than it has
    caps = res.capabilities
    assert (caps["assigned_units"] <= caps["stock_units"] + TOL).all()
    # every spending floor respected or its gap reported; spending never below baseline
    sp = res.spending[res.spending["year"] >= data.first_year]
    floor = sp["target_min_pct_gdp"].fillna(0) / 100 * sp["gdp_musd"]
    assert (sp["spending_musd"] + sp["below_floor_musd"] >= floor - TOL).all()
    base = data.members["spending"].reindex(sp["member"]).to_numpy()
    assert (sp["spending_musd"].to_numpy() >= base - TOL).all()
    # member costs add up to the total
    assert res.burden["plan_cost_musd"].sum() == pytest_approx(pyo.value(model.plan_cost))
    # shares add to 100 and stay within the band where enforced
    assert res.burden["burden_share_pct"].sum() == pytest_approx(100)
    held = res.burden[res.burden["within_band"].notna()]
    assert held["within_band"].all()


def pytest_approx(x):
    import pytest

    return pytest.approx(x, rel=1e-6, abs=1e-6)
