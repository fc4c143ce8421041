"""Cost–fairness frontier and near-optimal alternatives on the persistent model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from models import build_model
from planner import money
from planner.analyses.alternatives import analyse_alternatives
from planner.analyses.frontier import analyse_frontier
from planner.cli import app
from planner.results import extract
from planner.solve import solve
from tutorial_data import tutorial_data

TUTORIAL = Path(__file__).parents[1] / "inputs" / "tutorial.xlsx"


def persistent(data):
    model = build_model(data)
    solved = solve(model)
    return solved.highs, solved.objective


def test_frontier_rises_as_the_band_tightens_and_resets_the_model():
    data = tutorial_data()
    pm, base = persistent(data)
    frontier = analyse_frontier(pm, data, points=6)
    table = frontier.table
    assert (table["status"] == "optimal").all()
    assert table["cost_of_fairness_musd"].iloc[0] == pytest.approx(0.0, abs=1e-9)
    assert table["objective"].is_monotonic_increasing
    assert table["largest_deviation_pct"].iloc[0] == pytest.approx(frontier.unconstrained_band_pct, rel=1e-9)
    assert (table["largest_deviation_pct"] <= table["band_pct"] + 1e-6).all()
    last = frontier.shares[frontier.shares["point"] == table["point"].iloc[-1]]
    assert (last["burden_share_pct"] - last["fair_share_pct"]).abs().max() < 1e-6  # band 0: exactly fair
    assert pm.solve().objective == pytest.approx(base, rel=1e-12)


def test_a_frontier_point_is_the_plan_with_that_band():
    """The point with band b costs what the model rebuilt with a band b for every member costs."""
    data = tutorial_data()
    pm, _ = persistent(data)
    frontier = analyse_frontier(pm, data, bands=[0.1])
    model = build_model(tutorial_data(fair_band=pd.Series({"ARL": 0.1, "BOR": 0.1, "CAR": 0.1})))
    rebuilt = solve(model)
    assert frontier.table["objective"].iloc[0] == pytest.approx(rebuilt.objective, rel=1e-9)
    assert frontier.table["money_cost_musd"].iloc[0] == pytest.approx(money.of_model(model).money_musd, rel=1e-9)


def test_the_frontier_holds_only_the_members_the_plan_holds_to_a_band():
    """CAR is exempt (no band): the frontier never holds it to one, nor names it furthest."""
    data = tutorial_data(fair_band=pd.Series({"ARL": 0.5, "BOR": 0.5, "CAR": np.nan}))
    pm, _ = persistent(data)
    frontier = analyse_frontier(pm, data, bands=[0.0])
    assert set(frontier.shares["member"]) == {"ARL", "BOR"}
    assert frontier.table["furthest_member"].iloc[0] in ("ARL", "BOR")
    rebuilt = build_model(tutorial_data(fair_band=pd.Series({"ARL": 0.0, "BOR": 0.0, "CAR": np.nan})))
    assert frontier.table["objective"].iloc[0] == pytest.approx(solve(rebuilt).objective, rel=1e-9)


def test_alternatives_start_from_the_plan_as_reported():
    data = tutorial_data()
    model = build_model(data)
    solved = solve(model)
    burden = extract(model, data, solved).burden.set_index("member")["plan_cost_musd"]
    alt = analyse_alternatives(solved.highs, data, slacks=(0.05,))
    assert alt.members.set_index("member")["plan_cost_musd"].to_dict() == pytest.approx(burden.to_dict(), abs=1e-9)


def test_alternatives_bracket_the_optimum_and_widen_with_the_slack():
    data = tutorial_data()
    pm, base = persistent(data)
    alt = analyse_alternatives(pm, data, slacks=(0.01, 0.05))
    m = alt.members
    assert (m["plan_cost_min_musd"] <= m["plan_cost_musd"] + 1e-6).all()
    assert (m["plan_cost_musd"] <= m["plan_cost_max_musd"] + 1e-6).all()
    narrow, wide = (m[np.isclose(m["slack_pct"], s)].set_index("member") for s in (1.0, 5.0))  # 100 × slack
    assert (wide["plan_cost_max_musd"] >= narrow["plan_cost_max_musd"] - 1e-6).all()
    assert (wide["plan_cost_min_musd"] <= narrow["plan_cost_min_musd"] + 1e-6).all()
    c = alt.capabilities
    assert (c["ordered_min_units"] <= c["ordered_units"] + 1e-6).all()
    assert (c["ordered_units"] <= c["ordered_max_units"] + 1e-6).all()
    # within 5 % ARL can take over units from BOR: its cost may rise more than the slack
    # (BOR's falls), but not the plan's
    arl = wide.loc["ARL"]
    assert arl["plan_cost_max_musd"] > arl["plan_cost_musd"] + 0.5
    assert pm.solve().objective == pytest.approx(base, rel=1e-12)
    assert alt.solves == 2 * 2 * (3 + 2)


def test_cli_analyse_frontier_and_alternatives(tmp_path):
    out = tmp_path / "analysis.xlsx"
    result = CliRunner().invoke(app, ["analyse", str(TUTORIAL), "--frontier", "--alternatives",
                                      "--points", "5", "--out", str(out)])
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[-2:] == ["Frontier", "Alternatives"]
    assert len(wb["Frontier"]._charts) == 1 and len(wb["Alternatives"]._charts) == 1
    frontier = pd.read_excel(out, sheet_name="Frontier", nrows=5)
    assert len(frontier) == 5
