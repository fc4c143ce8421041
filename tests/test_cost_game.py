"""The pact's cost game on the plan's own terms on the persistent model, against an
independent enumeration: every coalition's cost from a model rebuilt with only its members,
solved with the plan's objective and valued in money (the unit-years it leaves short beyond
its share of the plan's own shortfall bought at the outside price), Shapley values averaged
over all orders with itertools; whole-unit and divisible games worked by hand."""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path

import openpyxl
import pandas as pd
import pyomo.environ as pyo
import pytest
from typer.testing import CliRunner

from builders import plan
from models import build_model
from planner.analyses.cost_game import PREMIUM, analyse_cost_game, outside_prices, share_premium
from planner.cli import app
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
    return result.highs, extract(model, data, result)


def rebuilt_cost(data, coalition: frozenset, shares: dict[str, float] | None,
                 plan_short: dict | None = None) -> float:
    """c(S) from a model built with only S's members and S's share of the requirements,
    solved with the plan's own objective; its money plus, at the outside price, the
    unit-years short beyond S's share of the plan's own shortfall (`plan_short`)."""
    if not coalition:
        return 0.0
    members = data.members.copy()
    members["year_left"] = members["year_left"].astype(float)
    for m in members.index:
        if m not in coalition:
            members.at[m, "year_left"] = data.first_year - 1
    fraction = 1.0 if shares is None else min(1.0, sum(shares[m] for m in coalition))
    changed = dataclasses.replace(data, members=members, requirements=data.requirements * fraction)
    model = build_model(changed)
    solve(model)
    ix = model.index
    price = outside_prices(data)
    bought = sum(ix.probability[s] * ix.discount[t] * price[c]
                 * max(0.0, model.shortfall[c, r, t, s].value - fraction * (plan_short or {}).get((c, r, t, s), 0.0))
                 for (c, r, t, s) in ix.requirement)
    return float(pyo.value(model.money_cost)) + bought


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
    pm, results = solved(data)
    game = analyse_cost_game(pm, data, results.burden, basis=basis)
    assert game.exact and game.coalitions == 2 ** 5 - 1
    shares = (results.burden.set_index("member")["fair_share_pct"] / 100).to_dict() if basis == "share" else None
    memo: dict[frozenset, float] = {}
    plan_short = {k: v.value for k, v in pm.model.shortfall.items()}

    def cost(s: frozenset) -> float:
        if s not in memo:
            memo[s] = rebuilt_cost(data, s, shares, plan_short)
        return memo[s]

    expected = shapley_by_orders(list(data.members.index), cost)
    got = game.table.set_index("member")["shapley_musd"]
    for m, value in expected.items():
        assert got[m] == pytest.approx(value, rel=1e-7, abs=1e-6), m
    assert got.sum() == pytest.approx(game.grand_cost, rel=1e-9)
    assert game.grand_cost == pytest.approx(cost(frozenset(data.members.index)), rel=1e-7)
    alone = game.table.set_index("member")["stand_alone_cost_musd"]
    assert alone["E"] == pytest.approx(cost(frozenset("E")), rel=1e-9)


def test_plan_allocation_adds_up_and_core_is_checked():
    data = tutorial_data(fair_band=pd.Series({"ARL": 0.5, "BOR": 0.5, "CAR": 0.5}))
    pm, results = solved(data)
    game = analyse_cost_game(pm, data, results.burden)
    table = game.table.set_index("member")
    assert table["plan_allocation_musd"].sum() == pytest.approx(game.grand_cost, rel=1e-9)
    assert table["nucleolus_musd"].notna().all()
    assert table["nucleolus_musd"].sum() == pytest.approx(game.grand_cost, rel=1e-7)
    assert game.core_scope.startswith("all ")
    if not game.in_core:
        coalition, excess = game.violation
        assert excess > 0 and coalition


def ten_members():
    """Ten members, three capabilities, two years, fair shares by GDP: an LP whose exact
    Shapley values (1,023 coalitions) the estimate is checked against."""
    gdp = [900.0, 700.0, 500.0, 400.0, 300.0, 250.0, 200.0, 150.0, 100.0, 60.0]
    members = {f"M{i}": (g, g / 100) for i, g in enumerate(gdp)}
    forces = {}
    for i, m in enumerate(members):
        forces[m, "BDE"] = dict(existing=float(i % 3), acquisition_cost=3.0 + i % 4, operating_cost=0.5,
                                max_new=1.0 + i % 2)
        if i % 2 == 0:
            forces[m, "SQN"] = dict(existing=float(i % 4 == 0), acquisition_cost=6.0 + i, max_new=1.0)
        if i in (1, 4, 7):
            forces[m, "SHIP"] = dict(existing=1.0, acquisition_cost=8.0, operating_cost=1.0, max_new=1.0)
    return plan(
        members, forces=forces,
        requirements={("BDE", "EAST", 2025): 9.0, ("BDE", "EAST", 2026): 11.0, ("SQN", "EAST", 2025): 3.0,
                      ("SQN", "EAST", 2026): 4.0, ("SHIP", "EAST", 2026): 3.0},
        years=(2025, 2026), targets={"min_gdp": 0.0105}, shortfall_penalty=500.0,
    )


def test_sampled_shapley_matches_exact_enumeration_on_ten_members():
    data = ten_members()
    pm, results = solved(data)
    exact = analyse_cost_game(pm, data, results.burden)
    assert exact.exact and exact.coalitions == 2 ** 10 - 1
    game = analyse_cost_game(pm, data, results.burden, samples=20, seed=3)
    assert not game.exact and game.permutations == 20 * 10
    t = game.table.set_index("member")
    truth = exact.table.set_index("member")["shapley_musd"]
    assert t["shapley_musd"].sum() == pytest.approx(game.grand_cost, rel=1e-9)
    assert game.grand_cost == pytest.approx(exact.grand_cost, rel=1e-9)
    assert (t["shapley_low_musd"] <= t["shapley_musd"] + 1e-9).all()
    assert (t["shapley_musd"] <= t["shapley_high_musd"] + 1e-9).all()
    inside = (t["shapley_low_musd"] <= truth + 1e-9) & (truth <= t["shapley_high_musd"] + 1e-9)
    assert inside.sum() >= 9, (t["shapley_musd"] - truth).round(4).to_dict()  # 95 % intervals: 1 of 10 may miss
    z = (t["shapley_musd"] - truth).abs() / t["shapley_std_error_musd"].clip(lower=1e-9)
    assert (z <= 3.5).all(), z.round(2).to_dict()
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


def test_outside_price_is_the_dearest_unit_year_times_the_premium():
    data = five_members()
    price = outside_prices(data)
    # BDE: A 4/30 + 1, B 3/30, D 5/30: A's is dearest; SQN: C 6/30, A 9/30
    assert price["BDE"] == pytest.approx(PREMIUM * (4 / 30 + 1))
    assert price["SQN"] == pytest.approx(PREMIUM * 9 / 30)



def test_outside_price_reads_the_members_rows_only():
    """Issue 24 (F7's kind): a candidate's squadron dearer than any member's (100 a year)
    set the outside price of SQN; the members' dearest is 12 / 30 + 2."""
    data = tutorial_data()
    candidate = data.members.loc[["CAR"]].rename(index={"CAR": "DUN"})
    dear = data.forces.loc[[("CAR", "SQN")]].rename(index={"CAR": "DUN"}).assign(operating_cost=100.0)
    data = dataclasses.replace(data, candidates=candidate, forces=pd.concat([data.forces, dear]))
    assert outside_prices(data)["SQN"] == pytest.approx(PREMIUM * (12 / 30 + 2))

def test_tutorial_game_is_money():
    """On the tutorial every coalition's cost is money: no coalition, alone or not, costs more
    than buying all of its share outside plus its floors, and c(N) is at most the plan's money."""
    data = tutorial_data()
    pm, results = solved(data)
    money = results.totals["money_cost_musd"]
    game = analyse_cost_game(pm, data, results.burden, plan_money=money)
    assert game.grand_cost <= money + 1e-6
    t = game.table
    assert t["shapley_musd"].sum() == pytest.approx(game.grand_cost, rel=1e-9)
    assert t["shapley_whole_units_musd"].sum() == pytest.approx(money, rel=1e-9)  # the plan's real cost
    assert t["shapley_musd"].abs().max() < 10 * max(1.0, results.totals["money_cost_musd"])


@pytest.mark.verify
def test_estimate_matches_exact_enumeration_on_eleven_rio_members():
    """A real plan: the Rio Pact's money game restricted to eleven of its sixteen members
    (the other five out for the whole horizon), exact over all 2,047 coalitions, against the
    stratified estimate from 12 blocks, within its stated intervals."""
    from planner.analyses.cost_game import MoneyGame
    from planner.analyses.games import shapley
    from planner.analyses.sampling import estimate_shapley
    from planner.load import load_plan

    data, _ = load_plan(ROOT / "inputs" / "rio_pact.xlsx")
    model = build_model(data)
    solved_plan = solve(model)
    results = extract(model, data, solved_plan)
    fair = results.burden.set_index("member")["fair_share_pct"] / 100
    players = list(fair.sort_values(ascending=False).index[:11])
    with MoneyGame(solved_plan.highs, data, shares=fair.to_dict()) as game:
        exact = shapley(players, game.game)
        est = estimate_shapley(players, game.game, seed=1, samples=12)
    grand = game.game(frozenset(players))
    assert sum(est.values.values()) == pytest.approx(grand, rel=1e-9)
    assert sum(exact.values.values()) == pytest.approx(grand, rel=1e-9)
    misses = [p for p in players if abs(est[p] - exact[p]) > est.half_width[p] + 1e-6 * abs(grand)]
    assert len(misses) <= 2, {p: (est[p], exact[p], est.half_width[p]) for p in misses}


@pytest.mark.verify
def test_same_seed_same_estimate_on_one_or_two_dask_workers():
    """The Rio Pact (16 members): the estimate from a local Dask cluster of two workers, each
    with its own persistent model, equals the one computed in this process."""
    from planner.run import run_plan

    path = ROOT / "inputs" / "rio_pact.xlsx"
    plan_run = run_plan(path, write=False, robustness=False)
    data = plan_run.results.data
    burden = plan_run.results.burden
    here = analyse_cost_game(plan_run.highs, data, burden, samples=3, seed=4)
    there = analyse_cost_game(plan_run.highs, data, burden, samples=3, seed=4,
                              path=str(path), workers=2)
    assert there.workers == 2 and here.workers == 1
    a, b = here.table.set_index("member"), there.table.set_index("member")
    scale = abs(here.grand_cost)
    assert (a["shapley_musd"] - b["shapley_musd"]).abs().max() <= 1e-6 * scale
    assert (a["shapley_std_error_musd"] - b["shapley_std_error_musd"]).abs().max() <= 1e-6 * scale


def test_time_budget_bounds_the_whole_analyse_run(tmp_path):
    """A budget spent by the plan itself: the frontier is left out and the report says so;
    the Shapley sheet of a small pact (exact) is still written, in words."""
    from planner.run import run_analyses

    out = tmp_path / "a.xlsx"
    run = run_analyses(TUTORIAL, out, shapley=True, frontier=True, time_budget_s=0.01)
    assert run.frontier is None and run.cost_game is not None
    assert any("frontier" in line for line in run.cut_short)
    wb = openpyxl.load_workbook(out)
    notes = dict(str(row[0]).split(": ", 1) for row in wb["Shapley"].iter_rows(min_row=5, max_col=1, values_only=True)
                 if row[0] and ": " in str(row[0]))
    assert "Every coalition is solved with whole units, as the plan is" in notes["The game"]
    assert "None to share" in notes["How the values sum to the plan's cost"]
    assert "Never the shortfall penalty" in notes["Outside price"]
    assert "frontier" in notes["Cut short by the time budget"]
    assert "c(N) of the game" in notes and "The plan's real cost" in notes and "A negative value" in notes


def two_members_whole_units():
    """Two members, one brigade capability bought in whole units, 1.5 brigades required in
    one year (discount 1): A buys a brigade at 4, B at 6; each coalition must meet the whole
    requirement alone (basis "all"). With whole units every coalition buys 2 brigades:
    c(A) = 8, c(B) = 12, c(AB) = 8 (A buys both): the plan. Units divisible: 6, 9, 6.
    The outside price (1.5 × 6 / 30 = 0.3 a unit-year) is far below a brigade: a game that
    bought the half brigade outside would cost 4.15, not the plan's 8."""
    return plan(
        {"A": (100.0, 1.0), "B": (100.0, 1.0)},
        forces={("A", "BDE"): dict(acquisition_cost=4.0), ("B", "BDE"): dict(acquisition_cost=6.0)},
        requirements={("BDE", "EAST", 2025): 1.5}, integer=("BDE",), shortfall_penalty=50.0,
    )


def test_whole_unit_game_by_hand_sums_to_the_plan():
    """φ_A = ½ (8 + (8 − 12)) = 2, φ_B = ½ (12 + (8 − 8)) = 6: they sum to the plan's 8, and so
    do the nucleolus and the plan's allocation (A 8, B 0)."""
    data = two_members_whole_units()
    pm, results = solved(data)
    assert results.totals["money_cost_musd"] == pytest.approx(8.0)
    game = analyse_cost_game(pm, data, results.burden, basis="all")
    assert game.exact and game.whole_units and game.premium_musd == pytest.approx(0.0, abs=1e-9)
    assert game.grand_cost == pytest.approx(8.0)
    t = game.table.set_index("member")
    assert t["stand_alone_cost_musd"].to_dict() == pytest.approx({"A": 8.0, "B": 12.0})
    assert t["shapley_musd"].to_dict() == pytest.approx({"A": 2.0, "B": 6.0})
    assert t["shapley_whole_units_musd"].to_dict() == pytest.approx({"A": 2.0, "B": 6.0})
    assert t["plan_allocation_musd"].to_dict() == pytest.approx({"A": 8.0, "B": 0.0}, abs=1e-9)
    assert t["nucleolus_musd"].sum() == pytest.approx(8.0)


def test_divisible_game_shares_the_premium_by_shapley_value():
    """Sampled (units divisible): c(A) = 6, c(B) = 9, c(AB) = 6, so φ = (1.5, 4.5) sums to 6;
    the plan costs 8, and the premium of 2 is shared in proportion to the Shapley values:
    A 1.5 + 2 · 1.5 / 6 = 2, B 4.5 + 2 · 4.5 / 6 = 6. The plan allocation is the plan's own."""
    data = two_members_whole_units()
    pm, results = solved(data)
    game = analyse_cost_game(pm, data, results.burden, basis="all", samples=2, whole_units=False)
    assert not game.whole_units
    assert game.grand_cost == pytest.approx(6.0)
    assert game.premium_musd == pytest.approx(2.0)
    t = game.table.set_index("member")
    assert t["shapley_musd"].to_dict() == pytest.approx({"A": 1.5, "B": 4.5})
    assert t["shapley_whole_units_musd"].to_dict() == pytest.approx({"A": 2.0, "B": 6.0})
    assert t["plan_allocation_musd"].sum() == pytest.approx(8.0)
    assert "in proportion to" in game.premium_rule


def test_premium_shared_in_proportion_to_positive_shapley_values():
    """φ = (6, 3, −1) with c(N) = 8 and a plan of 10: the premium 2 goes 2 · 6/9 to A and
    2 · 3/9 to B; C, whose value is negative, bears none and keeps −1."""
    shares = share_premium({"A": 6.0, "B": 3.0, "C": -1.0}, 2.0)
    assert shares == pytest.approx({"A": 4 / 3, "B": 2 / 3, "C": 0.0})
    assert share_premium({"A": -1.0, "B": 0.0}, 3.0) == pytest.approx({"A": 1.5, "B": 1.5})  # no positive value


def test_tutorial_whole_unit_game_sums_to_the_plans_real_cost():
    """Issue 25: the tutorial's Shapley values summed to c(N) = 12.7 M (units divisible,
    2.3 unit-years bought outside) against a plan of 20 M. On the plan's own terms they,
    the nucleolus and the plan's allocation sum to the plan's real cost."""
    data = tutorial_data()
    pm, results = solved(data)
    money = results.totals["money_cost_musd"]
    game = analyse_cost_game(pm, data, results.burden, plan_money=money)
    t = game.table
    assert game.whole_units and game.grand_cost == pytest.approx(money, rel=1e-4)
    for column in ("shapley_musd", "shapley_whole_units_musd", "nucleolus_musd", "plan_allocation_musd"):
        assert t[column].sum() == pytest.approx(money, rel=1e-4), column


def test_whole_unit_game_on_workers_values_every_coalition_once():
    """The exact game's coalitions handed to workers as walks: each coalition but N once,
    each one member away from the one before it in its walk (warm starts)."""
    from planner.analyses.cost_game import _value_all
    from planner.analyses.games import cached

    members = [f"M{i}" for i in range(7)]
    game = cached(lambda s: float(len(s) ** 2))
    game.values[frozenset(members)] = 49.0
    seen: list[frozenset] = []

    class Workers:
        workers = 2

        def __call__(self, walks):
            for walk in walks:
                assert all(len(a ^ b) == 1 for a, b in zip(walk, walk[1:]))
                seen.extend(walk)
            values = [[game.cost(s) for s in walk] for walk in walks]
            for walk, vals in zip(walks, values):
                game.values.update(zip(walk, vals))
            return values

    _value_all(members, game, Workers(), None)
    assert len(seen) == len(set(seen)) == 2 ** 7 - 2
    assert len(game.values) == 2 ** 7 - 1


def test_thirteen_members_sum_to_the_plans_real_cost():
    """From 13 to 16 members the whole-unit game is sampled (Rio's 16): every coalition solved
    with whole brigades, c(N) is the plan itself and the efficient estimate sums to the plan's
    real cost, with no premium to share. With units divisible (`whole_units=False`, as above
    16 members) the premium is shared in proportion to the positive Shapley values."""
    gdp = [900.0, 700.0, 500.0, 400.0, 300.0, 250.0, 200.0, 150.0, 100.0, 60.0, 50.0, 40.0, 30.0]
    members = {f"M{i:02d}": (g, g / 100) for i, g in enumerate(gdp)}
    forces = {(m, "BDE"): dict(existing=float(i % 2), acquisition_cost=3.0 + i % 4, max_new=2.0)
              for i, m in enumerate(members)}
    data = plan(members, forces=forces, requirements={("BDE", "EAST", 2025): 9.5, ("BDE", "EAST", 2026): 10.5},
                years=(2025, 2026), integer=("BDE",), shortfall_penalty=500.0)
    pm, results = solved(data)
    money = results.totals["money_cost_musd"]
    whole = analyse_cost_game(pm, data, results.burden, samples=2, time_budget_s=60)
    assert whole.whole_units and not whole.exact and len(whole.table) == 13
    assert whole.grand_cost == pytest.approx(money, rel=1e-9) and whole.premium_musd == pytest.approx(0.0, abs=1e-9)
    t = whole.table.set_index("member")
    assert t["shapley_musd"].sum() == pytest.approx(money, rel=1e-9)
    assert t["shapley_whole_units_musd"].sum() == pytest.approx(money, rel=1e-9)
    game = analyse_cost_game(pm, data, results.burden, samples=2, time_budget_s=60, whole_units=False)
    assert not game.whole_units
    t = game.table.set_index("member")
    assert game.premium_musd == pytest.approx(money - game.grand_cost)
    assert t["shapley_whole_units_musd"].sum() == pytest.approx(money, rel=1e-4)
    assert t["plan_allocation_musd"].sum() == pytest.approx(money, rel=1e-4)
    part = t["shapley_whole_units_musd"] - t["shapley_musd"]
    positive = t["shapley_musd"].clip(lower=0)
    assert part.to_numpy() == pytest.approx((game.premium_musd * positive / positive.sum()).to_numpy(), abs=1e-6)