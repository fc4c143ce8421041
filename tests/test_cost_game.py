"""The pact's cost game on the persistent model, against an independent enumeration: every
coalition's cost from a model rebuilt with only its members, Shapley values averaged over
all orders with itertools."""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from builders import plan
from models import build_model
from planner.analyses.cost_game import analyse_cost_game
from planner.cli import app
from planner.persistent import PersistentModel
from planner.results import extract
from planner.solve import solve
from tutorial_data import tutorial_data

ROOT = Path(__file__).parents[1]
TUTORIAL = ROOT / "inputs" / "tutorial.xlsx"


def five_members():
    """Five members, two capabilities, two years: economies of scale from cheap producers,
    a member without forces, spending floors; all LP."""
    return plan(
        {"A": (1000.0, 10.0), "B": (600.0, 8.0), "C": (300.0, 3.0), "D": (200.0, 2.0), "E": (100.0, 1.0)},
        forces={
            ("A", "BDE"): dict(existing=2, acquisition_cost=4.0, operating_cost=1.0),
            ("B", "BDE"): dict(existing=1, acquisition_cost=3.0, max_new=2),
            ("C", "SQN"): dict(existing=1, acquisition_cost=6.0, max_new=1),
            ("A", "SQN"): dict(acquisition_cost=9.0),
            ("D", "BDE"): dict(acquisition_cost=5.0),
        },
        requirements={("BDE", "EAST", 2025): 4.0, ("BDE", "EAST", 2026): 5.0,
                      ("SQN", "EAST", 2025): 2.0, ("SQN", "EAST", 2026): 2.0},
        years=(2025, 2026),
        targets={"min_gdp": 0.011},
        shortfall_penalty=50.0,
    )


def solved(data):
    model = build_model(data)
    result = solve(model)
    return model, extract(model, data, result)


def rebuilt_cost(data, coalition: frozenset, shares: dict[str, float] | None) -> float:
    """c(S) from a model built with only S's members and S's share of the requirements."""
    if not coalition:
        return 0.0
    members = data.members.copy()
    members["year_left"] = members["year_left"].astype(float)
    for m in members.index:
        if m not in coalition:
            members.at[m, "year_left"] = data.first_year - 1
    fraction = 1.0 if shares is None else min(1.0, sum(shares[m] for m in coalition))
    changed = dataclasses.replace(data, members=members, requirements=data.requirements * fraction)
    return solve(build_model(changed)).objective


def shapley_by_orders(players, cost) -> dict:
    """φ_i averaged over all n! orders (itertools), independently of planner.analyses.games."""
    values = {p: 0.0 for p in players}
    orders = list(itertools.permutations(players))
    for order in orders:
        before = frozenset()
        for p in order:
            values[p] += cost(before | {p}) - cost(before)
            before = before | {p}
    return {p: v / len(orders) for p, v in values.items()}


@pytest.mark.parametrize("basis", ["share", "all"])
def test_exact_shapley_matches_independent_enumeration(basis):
    data = five_members()
    model, results = solved(data)
    game = analyse_cost_game(PersistentModel(model), data, results.burden, basis=basis)
    assert game.exact and game.coalitions == 2 ** 5 - 1
    shares = (results.burden.set_index("member")["fair_share_pct"] / 100).to_dict() if basis == "share" else None
    memo: dict[frozenset, float] = {}

    def cost(s: frozenset) -> float:
        if s not in memo:
            memo[s] = rebuilt_cost(data, s, shares)
        return memo[s]

    expected = shapley_by_orders(list(data.members.index), cost)
    got = game.table.set_index("member")["shapley_musd"]
    for m, value in expected.items():
        assert got[m] == pytest.approx(value, rel=1e-7, abs=1e-6), m
    assert got.sum() == pytest.approx(game.grand_cost, rel=1e-9)
    assert game.grand_cost == pytest.approx(results.totals["objective"], rel=1e-7)
    alone = game.table.set_index("member")["stand_alone_cost_musd"]
    assert alone["E"] == pytest.approx(cost(frozenset("E")), rel=1e-9)


def test_plan_allocation_adds_up_and_core_is_checked():
    data = tutorial_data(fair_band=pd.Series({"ARL": 0.5, "BOR": 0.5, "CAR": 0.5}))
    model, results = solved(data)
    game = analyse_cost_game(PersistentModel(model), data, results.burden)
    table = game.table.set_index("member")
    assert table["plan_allocation_musd"].sum() == pytest.approx(results.totals["objective"], rel=1e-9)
    assert table["nucleolus_musd"].notna().all()
    assert table["nucleolus_musd"].sum() == pytest.approx(game.grand_cost, rel=1e-7)
    assert game.core_scope == "all coalitions"
    if not game.in_core:
        coalition, excess = game.violation
        assert excess > 0 and coalition


def test_sampled_shapley_has_intervals_and_adds_up():
    data = five_members()
    model, results = solved(data)
    game = analyse_cost_game(PersistentModel(model), data, results.burden, samples=40, seed=3)
    assert not game.exact and game.permutations == 40
    t = game.table
    assert t["shapley_musd"].sum() == pytest.approx(game.grand_cost, rel=1e-9)
    assert (t["shapley_low_musd"] <= t["shapley_musd"] + 1e-9).all()
    assert (t["shapley_musd"] <= t["shapley_high_musd"] + 1e-9).all()
    assert game.core_scope.startswith("the ")


def test_cli_analyse_shapley(tmp_path):
    out = tmp_path / "analysis.xlsx"
    result = CliRunner().invoke(app, ["analyse", str(TUTORIAL), "--shapley", "--out", str(out)])
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[:2] == ["Overview", "Summary"] and wb.sheetnames[-1] == "Shapley"
    assert "Burden" in wb.sheetnames
    assert len(wb["Shapley"]._charts) == 1
    table = pd.read_excel(out, sheet_name="Shapley", nrows=3)
    assert set(table["Member"]) == {"ARL", "BOR", "CAR"}


def test_cli_analyse_needs_an_analysis(tmp_path):
    result = CliRunner().invoke(app, ["analyse", str(TUTORIAL), "--out", str(tmp_path / "a.xlsx")])
    assert result.exit_code == 2
    assert not (tmp_path / "a.xlsx").exists()
