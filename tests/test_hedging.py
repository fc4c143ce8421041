"""Progressive hedging (mpi-sppy) against the extensive form on a small two-scenario plan."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from models import build_model
from planner.solve import solve
from tutorial_data import tutorial_data

pytest.importorskip("mpisppy", reason="mpi-sppy (the 'ph' extra) is not installed")

from planner.analyses.hedging import progressive_hedging  # noqa: E402


def two_scenarios():
    scenarios = pd.DataFrame(
        {"name": ["Calm", "Crisis"], "probability": [0.6, 0.4], "warning_days": [float("inf")] * 2,
         "scale": [1.0, 1.6], "abstentions": [float("nan")] * 2},
        index=pd.Index(["CALM", "CRISIS"], name="scenario"))
    return dataclasses.replace(tutorial_data(), scenarios=scenarios)


def test_progressive_hedging_reaches_the_extensive_form():
    data = two_scenarios()
    extensive = solve(build_model(data)).objective
    result = progressive_hedging(data, iterations=300, tolerance=1e-7)
    assert result.convergence < 1e-5
    assert result.bound <= extensive + 1e-6
    assert result.objective == pytest.approx(extensive, rel=1e-3)
    # the first stage the scenarios agree on is the extensive form's: orders of brigades
    orders = result.first_stage[result.first_stage["variable"] == "x_units"]["value"].sum()
    model = build_model(data)
    solve(model)
    assert orders == pytest.approx(sum(v.value for v in model.x_units.values()), abs=0.05)


def test_worst_case_objective_is_refused():
    with pytest.raises(ValueError, match="expected-cost"):
        progressive_hedging(dataclasses.replace(two_scenarios(), scenario_objective="worst-case"))
