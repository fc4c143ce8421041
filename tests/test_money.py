"""Money apart from modelling weights: the cost of the plan is real money, the penalty is
derived from the data and checked, top-ups are explained (hand-checked on the tutorial)."""

from __future__ import annotations

import dataclasses

import pytest

from models import build_model
from models.penalty import FALLBACK_PENALTY, derived_shortfall_penalty, dearest_unit_year
from planner import money
from planner.analyses.penalty_check import check_penalty
from planner.results import extract
from planner.solve import solve
from tutorial_data import tutorial_data


def solved(data):
    model = build_model(data)
    result = solve(model)
    return result.highs, extract(model, data, result)


def test_the_cost_of_the_plan_is_money_and_the_penalty_is_apart():
    data = tutorial_data(requirements=tutorial_data().requirements * 30)  # more than anyone can field: short
    pm, results = solved(data)
    t = results.totals
    assert t["requirements_short"] > 0 and t["penalty_weight"] > 0
    assert t["money_cost_musd"] == pytest.approx(t["plan_cost_musd"] + t["deployment_cost_musd"], rel=1e-12)
    assert t["objective"] > t["money_cost_musd"] + 0.9 * t["penalty_weight"]  # the objective holds the penalty
    assert t["penalty_weight"] == pytest.approx(data.shortfall_penalty * t["expected_shortfall_unit_years"], rel=1e-9)
    assert results.burden["plan_cost_musd"].sum() == pytest.approx(t["plan_cost_musd"], rel=1e-9)
    assert "scenario_cost_musd" not in results.scenarios  # no money column holds a penalty
    assert results.scenarios["shortfall_penalty_weight"].sum() == pytest.approx(t["penalty_weight"], rel=1e-9)
    assert money.of_solution(pm).money_musd == pytest.approx(t["money_cost_musd"], rel=1e-9)


def test_the_default_penalty_is_ten_times_the_dearest_unit_year():
    """Tutorial: Carpania's squadron costs 12 + 2 a year, the dearest unit-year: 10 × 14 = 140."""
    data = tutorial_data()
    assert dearest_unit_year(data) == pytest.approx(14.0)
    assert derived_shortfall_penalty(data) == pytest.approx(140.0)
    scaled = tutorial_data(forces=tutorial_data().forces * 1.2345)  # 10 × 17.283 → rounded up: 180
    assert derived_shortfall_penalty(scaled) == pytest.approx(180.0)


def test_the_default_penalty_counts_routes_for_every_capability():
    """A route with a blank capability serves every capability: Carpania's squadron (14 a
    unit-year) moved on the blank route ARL→EAST (3) costs 17: 10 × 17 = 170. A squadron
    row of its own on ARL→EAST (1) overrides the blank one there; BOR→EAST (2) still counts."""
    import pandas as pd
    blank = pd.DataFrame({"from_member": ["ARL", "BOR"], "from_site": [None, None], "capability": [None, None],
                          "region": ["EAST", "EAST"], "mode": ["road", "road"], "days": [5.0, 5.0],
                          "cost": [3.0, 2.0]})
    data = tutorial_data(transit=blank)
    assert dearest_unit_year(data) == pytest.approx(17.0)
    assert derived_shortfall_penalty(data) == pytest.approx(170.0)
    own = pd.concat([blank, blank.iloc[[0]].assign(capability="SQN", cost=1.0)], ignore_index=True)
    assert dearest_unit_year(tutorial_data(transit=own)) == pytest.approx(16.0)


def with_dunmark(data, forces: dict[str, dict], transit_cost: float | None = None):
    """`data` with Dunmark a candidate (not a member) with Forces rows {capability: costs}
    and, where given, a route of its own to EAST at `transit_cost` a unit."""
    import pandas as pd

    candidates = data.members.loc[["CAR"]].rename(index={"CAR": "DUN"}).assign(name="Dunmark")
    rows = pd.DataFrame([{**data.forces.iloc[0].to_dict(), **costs} for costs in forces.values()],
                        index=pd.MultiIndex.from_tuples([("DUN", c) for c in forces], names=["member", "capability"]))
    changes = {"candidates": candidates, "forces": pd.concat([data.forces, rows])}
    if transit_cost is not None:
        changes["transit"] = pd.DataFrame({"from_member": ["DUN"], "from_site": [None], "capability": [None],
                                           "region": ["EAST"], "mode": ["road"], "days": [1.0],
                                           "cost": [transit_cost]})
    return dataclasses.replace(data, **changes)


def test_the_default_penalty_reads_the_members_rows_only():
    """Issue 24 F7: a candidate's squadron at 100 a unit-year, and its route at 50, made the
    penalty 10 × 150 = 1,500 instead of the members' 10 × 14 = 140. Candidates are not in
    the plan (a what-if moves them in, keeping the plan's P_short)."""
    data = with_dunmark(tutorial_data(), {"SQN": {"acquisition_cost": 100.0, "operating_cost": 0.0}},
                        transit_cost=50.0)
    assert dearest_unit_year(data) == pytest.approx(14.0)
    assert derived_shortfall_penalty(data) == pytest.approx(140.0)


def test_the_default_penalty_skips_capabilities_no_member_fields():
    """Airborne warning: a requirement, sets at 1,000, a route of its own at 500, and only
    the candidate Dunmark fields it: no member can provide it at any price, so it does not
    count: 140."""
    import pandas as pd

    base = tutorial_data()
    caps = pd.concat([base.capabilities, pd.DataFrame({"name": ["AEW"], "domain": ["air"], "unit": ["squadron"],
                                                       "integer": [False]}, index=pd.Index(["AEW"], name="capability"))])
    q = pd.concat([base.requirements, pd.Series({("AEW", "EAST", 2025): 1.0}, name="units")])
    q.index.names = base.requirements.index.names
    sets = pd.DataFrame({"set_cost": [1000.0], "storage_cost": [0.0], "set_size": [1.0], "can_draw": [True]},
                        index=pd.Index(["AEW"], name="capability"))
    route = pd.DataFrame({"from_member": ["ARL"], "from_site": [None], "capability": ["AEW"], "region": ["EAST"],
                          "mode": ["air"], "days": [1.0], "cost": [500.0]})
    data = with_dunmark(tutorial_data(capabilities=caps, requirements=q, prepositioning=sets, transit=route),
                        {"AEW": {"acquisition_cost": 300.0}})
    assert dearest_unit_year(data) == pytest.approx(14.0)
    assert derived_shortfall_penalty(data) == pytest.approx(140.0)


def test_the_default_penalty_falls_back_where_the_data_holds_no_cost():
    """Every member's unit free and no route or set costs anything: 10,000 (FALLBACK_PENALTY,
    not rounded); no Forces row at all: the same. A route at 3 is a cost: 10 × 3 = 30."""
    import pandas as pd

    free = tutorial_data(forces=tutorial_data().forces.assign(acquisition_cost=0.0, operating_cost=0.0))
    assert dearest_unit_year(free) == 0
    assert derived_shortfall_penalty(free) == pytest.approx(FALLBACK_PENALTY) == pytest.approx(10_000.0)
    assert derived_shortfall_penalty(tutorial_data(forces=free.forces.iloc[:0])) == pytest.approx(10_000.0)
    route = pd.DataFrame({"from_member": ["ARL"], "from_site": [None], "capability": [None], "region": ["EAST"],
                          "mode": ["road"], "days": [1.0], "cost": [3.0]})
    assert derived_shortfall_penalty(dataclasses.replace(free, transit=route)) == pytest.approx(30.0)


def test_a_what_if_keeps_the_plans_penalty_when_a_candidate_joins():
    """The what-if's two plans are weighted alike with the plan's P_short, derived from the
    members of the workbook: Dunmark joining with a squadron at 100 a unit-year leaves it 140."""
    from planner.analyses.whatif import resolve_changes, whatif

    data = with_dunmark(tutorial_data(), {"SQN": {"acquisition_cost": 100.0, "operating_cost": 0.0}})
    data = dataclasses.replace(data, shortfall_penalty=derived_shortfall_penalty(data), shortfall_penalty_derived=True)
    assert data.shortfall_penalty == pytest.approx(140.0)
    result = whatif(data, resolve_changes(data, {}, {}, {"DUN": 2025}))
    assert "DUN" in result.data.members.index
    assert result.data.shortfall_penalty == pytest.approx(140.0)


def test_the_penalty_check_says_when_the_penalty_decides():
    """One squadron must be bought (10, then 2 a year: 7 per unit-year over the two years).
    With P_short = 50 it is bought; at 5 it is not: 2 unit-years short, 14 M saved."""
    data = tutorial_data(shortfall_penalty=50.0)
    pm, results = solved(data)
    assert results.totals["requirements_short"] == 0
    check = check_penalty(pm, data)
    assert check.changes
    assert check.extra_shortfall_unit_years == pytest.approx(2.0)
    assert check.money_saved_musd == pytest.approx(14.0)
    assert check.extra_by_capability == pytest.approx({"SQN": 2.0})  # per capability: never added across them
    assert "more short (expected): SQN 2.0 squadron-years" in check.note
    assert "5 model units per unit-year short, a modelling weight" in check.note  # as the Summary says
    assert "M USD per unit-year" not in check.note
    high = tutorial_data(shortfall_penalty=1000.0)
    pm, _ = solved(high)
    assert not check_penalty(pm, high).changes


def test_top_ups_say_what_they_buy_and_which_floor_they_reach():
    data = tutorial_data()
    _, results = solved(data)
    b = results.burden.set_index("member")
    assert (b["buys_musd"] + b["topup_musd"]).to_dict() == pytest.approx(b["plan_cost_musd"].to_dict())
    spend = results.spending
    for m, row in b.iterrows():
        own = spend[(spend["member"] == m) & (spend["year"] >= data.first_year)]
        assert row["topup_musd"] == pytest.approx(own["topup_musd"].sum())  # no discounting here
        assert bool(row["topup_reaches"]) == (row["topup_musd"] > 1e-6)
    assert any("floor" in text for text in b["topup_reaches"])


def test_a_short_requirement_prices_its_next_unit_as_penalty_not_money(tmp_path):
    """More brigades than anyone can field: those requirements are short and one more unit
    is penalised (P_short, one scenario of probability 1), so their money column is blank
    and the penalty goes to a column of its own; met squadrons keep a marginal cost in money."""
    import math

    from openpyxl import load_workbook

    from planner.report import write_report

    base = tutorial_data()
    q = base.requirements.copy()
    q[[k for k in q.index if k[0] == "BDE"]] *= 30
    data = tutorial_data(requirements=q, shortfall_penalty=1000.0)
    _, results = solved(data)
    cov = results.coverage
    short = cov[cov["shortfall_units"] > 1e-6]
    met = cov[cov["shortfall_units"] <= 1e-6]
    assert len(short) == 2 and len(met) == 2
    assert short["marginal_cost_musd"].isna().all()
    assert short["marginal_penalty_weight"].tolist() == pytest.approx([1000.0, 1000.0])
    assert met["marginal_penalty_weight"].isna().all()
    assert all(0 <= v < 1000.0 for v in met["marginal_cost_musd"]) and met["marginal_cost_musd"].max() > 0
    path = tmp_path / "r.xlsx"
    write_report(results, path, {"input_file": "x"}, [])
    ws = load_workbook(path)["Coverage"]
    header = [c.value for c in ws[1]]
    money, weight = header.index("Marginal cost (M USD)"), header.index("Marginal shortfall penalty (model units, not money)")
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2, max_row=1 + len(cov))]
    assert all((r[money] is None) != (r[weight] is None) for r in rows)  # one or the other, never both
    assert not any(isinstance(r[money], float) and math.isclose(r[money], 1000.0) for r in rows)


def test_top_ups_are_one_discounted_figure_on_summary_and_burden(tmp_path):
    """At 10 % a year the Summary's top-ups are Burden's discounted top-ups summed, not the
    Spending sheet's undiscounted ones, and both headers say 'discounted'."""
    from openpyxl import load_workbook

    from planner.report import write_report

    data = tutorial_data(discount_rate=0.10)
    _, results = solved(data)
    spend = results.spending[results.spending["year"] >= data.first_year]
    undiscounted = spend["topup_musd"].sum()
    assert results.totals["topup_musd"] == pytest.approx(results.burden["topup_musd"].sum(), rel=1e-12)
    assert results.totals["topup_musd"] < undiscounted - 1e-6  # 2026's top-up counts 1/1.1
    path = tmp_path / "r.xlsx"
    write_report(results, path, {"input_file": "x"}, [])
    wb = load_workbook(path)
    summary = {r[0].value: r[1].value for r in wb["Summary"].iter_rows() if r[0].value}
    burden = wb["Burden"]
    header = [c.value for c in burden[1]]
    col = header.index("Top-up, discounted (M USD)")
    column = [r[col].value or 0.0 for r in burden.iter_rows(min_row=2, max_row=1 + len(results.burden))]
    assert summary["Top-ups, discounted"] == pytest.approx(sum(column), rel=1e-9)


def test_the_summary_says_rises_above_a_floor_pay_for_units_bought_that_year(tmp_path):
    """Tutorial: Arland buys a squadron in 2025 (10 + 2 a year): 20 → 32 of a GDP of 1,000,
    +1.2 pp to 3.2 % over a 1.5 % floor, back to 2.2 % in 2026; Borduria's brigade (2.5 + 1)
    takes it from 1.0 % to 1.7 %. The Summary names both, largest first, with their orders."""
    from openpyxl import load_workbook

    from planner.report import write_report
    from planner.results import rises_above_floor

    data = tutorial_data()
    _, results = solved(data)
    rises = rises_above_floor(results.spending, results.capabilities, data)
    assert rises[["member", "year", "orders"]].values.tolist() == [["ARL", 2025, "SQN 1 squadron"],
                                                                  ["BOR", 2025, "BDE 1 brigade"]]
    assert rises["change_pp"].tolist() == pytest.approx([1.2, 0.7])
    assert rises["acquisition_musd"].tolist() == pytest.approx([10.0, 2.5])
    path = write_report(results, tmp_path / "r.xlsx", {"input_file": "x"}, [])
    rows = {r[0].value: (r[1].value, r[2].value) for r in load_workbook(path)["Summary"].iter_rows() if r[0].value}
    count, text = rows["Rises above a floor"]
    assert count == 2
    assert "paid from order to delivery" in text
    assert "ARL 2025 +1.20 pp to 3.20 % (floor 1.50 %): orders SQN 1 squadron, pays 10 M USD for units; BOR 2025 +0.70 pp" in text


def reaches(data) -> dict[str, str]:
    """Burden's topup_reaches per member."""
    _, results = solved(data)
    return results.burden.set_index("member")["topup_reaches"].to_dict()


def test_top_ups_name_what_each_one_reaches():
    """Issue 24 (F9): Burden called every top-up off its spending floor a spending floor's
    (or an equipment floor's wherever one was set, binding or not). GDP 100, baseline 2,
    max_change 1 pp: the floor steps to 4 % in 2025 (top-up 2 reaches it) and falls to 1 %
    in 2026, where the top-up of 1 holds spending to the change limit's fall (3 %)."""
    import pandas as pd

    from builders import plan

    data = plan({"A": (100, 2)}, years=(2025, 2026), targets={"max_change": 0.01})
    data.targets["min_gdp"] = [0.04, 0.01]
    assert reaches(data)["A"] == ("spending floor 4.00 % of GDP (2025); "
                                  "change limit on the fall 1.00 pp of GDP (2026)")
    # A spends 1, B 3; band 20 %: a top-up of 1 lifts A to its band's floor (docs: 40 %);
    # its 10 % equipment floor does not bind (equipment 1 of 2).
    data = plan({"A": (100, 1), "B": (100, 3)}, fair_band=pd.Series({"A": 0.2, "B": 0.2}),
                targets={"min_equipment": 0.1})
    assert reaches(data)["A"] == "fair-share band (2025)"


def test_a_top_up_that_lets_next_years_rise_buy_a_unit_says_so():
    """A (GDP 1000, baseline 10, floor 1 %, max_change 0.5 pp) needs a whole unit (10 M, 1 pp)
    in 2026; B would pay 20. A tops up 5 in 2025 (1.5 %) so that 2026 may reach 2.0 % and buy
    it: 15 < 20, every step 0.5 pp. Burden says the 2025 top-up is for next year's rise."""
    from builders import plan

    data = plan({"A": (1000, 10), "B": (10000, 100)}, years=(2025, 2026), integer=("C",),
                forces={("A", "C"): {"acquisition_cost": 10}, ("B", "C"): {"acquisition_cost": 20}},
                requirements={("C", "R", 2026): 1}, targets={"max_change": 0.005, "min_gdp": 0.01})
    _, results = solved(data)
    assert results.totals["money_cost_musd"] == pytest.approx(15)
    assert results.spending["change_pp"].abs().max() == pytest.approx(0.5)
    assert results.burden.set_index("member").at["A", "topup_reaches"] == \
        "change limit on next year's rise 0.50 pp of GDP (2025)"
