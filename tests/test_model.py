"""Hand-solved instances: optimal values, decisions and duals worked out on paper."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pyomo.environ as pyo
import pytest

from builders import plan
from models import build_model
from models.build import TIE_BREAK
from planner.results import extract
from planner.solve import solve
from tutorial_data import tutorial_data


def solved(data):
    model = build_model(data)
    result = solve(model)
    return model, result


def test_tutorial_optimum_decisions_and_duals():
    """docs/tutorial.md: Borduria buys the third brigade, Arland the second squadron."""
    model, result = solved(tutorial_data())
    assert result.optimal
    assert pyo.value(model.plan_cost) == pytest.approx(20.0, abs=1e-6)
    bought = {k: v.value for k, v in model.x_units.items() if v.value > 1e-9}
    assert bought == pytest.approx({("BOR", "BDE", 2025): 1.0, ("ARL", "SQN", 2025): 1.0})
    assert model.topup["BOR", 2026].value == pytest.approx(1.5)
    dual = {k[:3]: result.duals[c] for k, c in model.meet_requirement.items()}
    assert dual["BDE", "EAST", 2025] == pytest.approx(3.5, abs=1e-3)
    assert dual["SQN", "EAST", 2025] == pytest.approx(14.0, abs=1e-4)
    # Borduria must reach its 1.5 % floor in 2026 anyway: an extra brigade then is free.
    assert dual["BDE", "EAST", 2026] == pytest.approx(0.0, abs=1e-3)  # 3.5 ε_tie


def test_fair_share_floor_forces_a_top_up():
    """A spends 1, B 3, equal GDP; band 20 %: A's share ≥ 0.4 ⇒ (1+y)/(4+y) = 0.4 ⇒ y = 1."""
    data = plan({"A": (100, 1), "B": (100, 3)},
                fair_band=pd.Series({"A": 0.2, "B": 0.2}))
    model, result = solved(data)
    assert result.optimal
    assert model.topup["A", 2025].value == pytest.approx(1.0, abs=1e-6)
    assert pyo.value(model.plan_cost) == pytest.approx(1.0, abs=1e-6)


def test_lead_time_leaves_early_shortfalls():
    """Ordered in 2025 with a 2-year lead time, units serve from 2027: 2 × 2 unit-years short."""
    data = plan({"A": (100, 1)},
                forces={("A", "C"): {"lead_time": 2, "acquisition_cost": 1}},
                requirements={("C", "R", t): 2 for t in (2025, 2026, 2027)},
                years=(2025, 2027), shortfall_penalty=100)
    model, result = solved(data)
    assert pyo.value(model.total_cost) == pytest.approx(2 + 100 * 4, abs=1e-6)
    assert model.x_units["A", "C", 2025].value == pytest.approx(2)
    assert [model.shortfall["C", "R", t, "BASE"].value for t in (2025, 2026, 2027)] == pytest.approx([2, 2, 0])


def test_exclusion_sends_the_cheaper_member_home():
    """A is cheaper but will not serve R: B provides."""
    data = plan({"A": (100, 1), "B": (100, 1)},
                forces={("A", "C"): {"acquisition_cost": 1}, ("B", "C"): {"acquisition_cost": 5}},
                requirements={("C", "R", 2025): 1},
                exclusions=frozenset({("A", "R")}))
    model, _ = solved(data)
    assert pyo.value(model.plan_cost) == pytest.approx(5)
    assert ("A", "C", "R", 2025, "BASE") not in model.assign


def test_strict_mode_reports_infeasible():
    data = plan({"A": (100, 1)}, forces={("A", "C"): {"max_new": 0, "existing": 1}},
                requirements={("C", "R", 2025): 2}, elastic=False)
    _, result = solved(data)
    assert result.status in ("infeasible", "infeasible or unbounded")
    assert not result.has_solution


def test_growth_limit_leaves_a_spending_gap():
    """Floor 3 % of GDP 100 = 3; spending 1 may grow 50 %/yr: 1.5 then 2.25; gaps 1.5, 0.75."""
    data = plan({"A": (100, 1)}, years=(2025, 2026),
                targets={"min_gdp": 0.03, "max_growth": 0.5})
    model, result = solved(data)
    assert [model.spend["A", t].value for t in (2025, 2026)] == pytest.approx([1.5, 2.25])
    assert [model.spending_gap["A", t].value for t in (2025, 2026)] == pytest.approx([1.5, 0.75])
    topups = 0.5 + 1.25
    assert pyo.value(model.total_cost) == pytest.approx(topups + 10 * 2.25 - TIE_BREAK * topups)


def test_change_limit_lets_a_floor_step_through_and_slows_the_fall():
    """GDP 100, baseline 2 (2 %), max_change 1 pp. The floor steps to 4 % in 2025: the
    top-up of 2 does not count in the rise. In 2026 the floor falls to 1 %, but spending
    may fall only 1 pp, to 3: a top-up of 1 (not 0)."""
    data = plan({"A": (100, 2)}, years=(2025, 2026), targets={"max_change": 0.01})
    data.targets["min_gdp"] = [0.04, 0.01]
    model, result = solved(data)
    assert result.optimal
    assert [model.spend["A", t].value for t in (2025, 2026)] == pytest.approx([4.0, 3.0])
    assert [model.topup["A", t].value for t in (2025, 2026)] == pytest.approx([2.0, 1.0])
    assert pyo.value(model.money_cost) == pytest.approx(3.0)


@pytest.mark.parametrize("base_year, buyer", [(2024, "B"), (2022, "A")])
def test_change_limit_stops_a_jump_in_spending(base_year, buyer):
    """A unit costs A 2 M (2 pp of A's GDP 100 on a baseline of 2 %) and B 3 M (0.3 pp of
    its GDP 1000), in whole units. With max_change 1 pp a year A may not buy it in 2025 from
    a 2024 base, so B does (cost 3); from a 2022 base A may rise 3 pp by 2025 and buys it
    (cost 2)."""
    data = plan({"A": (100, 2), "B": (1000, 20)}, base_year=base_year, integer=("C",),
                forces={("A", "C"): {"acquisition_cost": 2}, ("B", "C"): {"acquisition_cost": 3}},
                requirements={("C", "R", 2025): 1}, targets={"max_change": 0.01})
    model, result = solved(data)
    assert result.optimal and pyo.value(model.expected_shortfall) == pytest.approx(0)
    assert model.x_units[buyer, "C", 2025].value == pytest.approx(1)
    assert pyo.value(model.money_cost) == pytest.approx(3 if buyer == "B" else 2)


def test_equipment_floor():
    """Spending 10 with 10 % equipment, floor 20 %: 1 + y ≥ 0.2 (10 + y) ⇒ y = 1.25."""
    data = plan({"A": (1000, 10)}, equipment_share=0.1, targets={"min_equipment": 0.2})
    model, _ = solved(data)
    assert model.topup["A", 2025].value == pytest.approx(1.25)


def test_an_equipment_floor_out_of_reach_is_a_gap_in_elastic_mode():
    """Issue 12: equipment floors stayed hard in elastic mode. A spends 10 (10 % on
    equipment) and may spend at most 1 % of GDP 1000 = 10, so no top-up can reach a 20 %
    floor: the plan was infeasible. Now 2 − 1 = 1 M of equipment is missing, penalised at
    P_gap / (1 − 0.2) = 12.5 per M (a top-up of y closes 0.8 y), and reported."""
    data = plan({"A": (1000, 10)}, equipment_share=0.1, targets={"min_equipment": 0.2, "max_gdp": 0.01})
    model, result = solved(data)
    assert result.optimal
    assert model.equipment_gap["A", 2025].value == pytest.approx(1.0)
    assert pyo.value(model.penalties) == pytest.approx(12.5)
    spending = extract(model, data, result).spending.set_index(["member", "year"])
    assert spending.loc[("A", 2025), "equipment_below_floor_musd"] == pytest.approx(1.0)
    assert spending.loc[("A", 2024), "equipment_below_floor_musd"] == pytest.approx(0, abs=1e-9)
    _, strict = solved(dataclasses.replace(data, elastic=False))
    assert strict.status in ("infeasible", "infeasible or unbounded")


def test_a_reachable_equipment_floor_is_met_not_penalised():
    """With a floor of 90 % a top-up closes only 0.1 M of gap per M, still cheaper than the
    penalty P_gap / 0.1: 1 + y ≥ 0.9 (10 + y) ⇒ y = 80, no gap."""
    data = plan({"A": (1000, 10)}, equipment_share=0.1, targets={"min_equipment": 0.9})
    model, _ = solved(data)
    assert model.topup["A", 2025].value == pytest.approx(80)
    assert model.equipment_gap["A", 2025].value == pytest.approx(0, abs=1e-6)


def test_integer_units_round_up():
    data = plan({"A": (100, 1)}, forces={("A", "C"): {"acquisition_cost": 1}},
                requirements={("C", "R", 2025): 1.5}, integer=("C",))
    model, result = solved(data)
    assert result.is_mip and result.optimal
    assert model.x_units["A", "C", 2025].value == pytest.approx(2)
    assert pyo.value(model.plan_cost) == pytest.approx(2)


def test_discounting_and_retirements():
    """Existing 2 retire 1/yr from 2024: 1 left in 2025, 0 in 2026; rate 10 %: buy 1 in 2025
    (serves both years) costs 1 + op 1 + op 1/1.1; buying in 2026 instead is not possible
    for 2025. Requirement 2 each year ⇒ 1 bought in 2025, 1 more in 2026 (discounted 1/1.1)."""
    data = plan({"A": (100, 1)},
                forces={("A", "C"): {"existing": 2, "retirements": 1, "acquisition_cost": 1,
                                      "operating_cost": 1}},
                requirements={("C", "R", t): 2 for t in (2025, 2026)},
                years=(2025, 2026), discount_rate=0.1)
    model, _ = solved(data)
    expected = (1 + 1) + (1 / 1.1) * (1 + 1 * 2)  # 2025: buy+op of 1; 2026: buy 1, op 2
    assert pyo.value(model.plan_cost) == pytest.approx(expected)


def test_membership_years_switch_members_off():
    """B leaves after 2025: in 2026 only A can provide."""
    data = plan({"A": (100, 1), "B": (100, 1)},
                forces={("A", "C"): {"acquisition_cost": 5}, ("B", "C"): {"existing": 1}},
                requirements={("C", "R", t): 1 for t in (2025, 2026)}, years=(2025, 2026),
                discount_rate=0.1)
    data.members.loc["B", "year_left"] = 2025
    model, _ = solved(data)
    assert ("B", 2026) not in model.A
    assert model.x_units["A", "C", 2026].value == pytest.approx(1)
    assert pyo.value(model.plan_cost) == pytest.approx(5 / 1.1)


def test_mip_duals_come_from_the_fixed_lp():
    """Integer units: 2 bought for 1.5 required; with them fixed, an extra unit is free."""
    data = plan({"A": (100, 1)}, forces={("A", "C"): {"acquisition_cost": 1}},
                requirements={("C", "R", 2025): 1.5}, integer=("C",))
    model, result = solved(data)
    assert result.duals_from_fixed_lp
    assert result.duals[model.meet_requirement["C", "R", 2025, "BASE"]] == pytest.approx(0.0, abs=1e-9)
    assert model.x_units["A", "C", 2025].domain is pyo.NonNegativeIntegers
    assert not model.x_units["A", "C", 2025].fixed


def test_tutorial_variants_in_the_docs():
    """docs/tutorial.md, 'Try' and 'Burden': 24 without Borduria's brigades; 21.45 with a 25 % band."""
    data = tutorial_data()
    data.forces.loc[("BOR", "BDE"), "max_new"] = 0
    model, _ = solved(data)
    assert pyo.value(model.plan_cost) == pytest.approx(24)
    model, _ = solved(tutorial_data(fair_band=pd.Series({"ARL": 0.25, "BOR": 0.25, "CAR": 0.25})))
    assert pyo.value(model.plan_cost) == pytest.approx(20 + 0.8 / 0.55, abs=1e-6)


def test_any_pyomo_solver_by_name_gives_the_same_plan():
    """The legacy SolverFactory route (used for every solver but HiGHS) agrees with HiGHS."""
    from planner.solve import SolveOptions, _solve_legacy

    model = build_model(tutorial_data())
    result = _solve_legacy(model, SolveOptions(solver="highs"))
    assert result.optimal and pyo.value(model.plan_cost) == pytest.approx(20)
    assert result.duals[model.meet_requirement["SQN", "EAST", 2025, "BASE"]] == pytest.approx(14, abs=1e-4)


@pytest.mark.parametrize("floor", [None, 0.01])
def test_a_top_up_cannot_lift_spending_past_the_change_limit(floor):
    """Issue 24 (F9). A unit costs A 20 M (2 pp of A's GDP 1000 on a 1 % baseline) and B
    40 M (0.4 pp of its GDP 10000), in whole units; one is needed in 2026; max_change
    0.5 pp. A cannot buy it: 2025 at most 1.5 %, 2026 at most 2.0 % < 3.0 %. The rise limit
    left the top-up out while the next year's base kept it, so A paid a top-up of 15 M
    nobody asked for (1.0 → 2.5 %, a 1.5 pp step) and bought in 2026 (35 M). Now the limit
    holds for spending with its top-up, and without a floor A has no top-up at all: B buys
    (40 M) and A's spending stays at 1 %."""
    data = plan({"A": (1000, 10), "B": (10000, 100)}, years=(2025, 2026), integer=("C",),
                forces={("A", "C"): {"acquisition_cost": 20}, ("B", "C"): {"acquisition_cost": 40}},
                requirements={("C", "R", 2026): 1}, targets={"max_change": 0.005, "min_gdp": floor})
    model, result = solved(data)
    assert result.optimal and pyo.value(model.expected_shortfall) == pytest.approx(0)
    assert pyo.value(model.money_cost) == pytest.approx(40)
    assert [model.spend["A", t].value for t in (2025, 2026)] == pytest.approx([10, 10])
    spending = extract(model, data, result).spending
    assert spending["change_pp"].abs().max() <= 0.5 + 1e-6
    assert (("A", 2025) in model.topup) == (floor is not None)


def test_a_top_up_exists_only_where_a_floor_or_a_band_needs_it():
    """Top-ups on the cells with a spending floor, an equipment floor or a member held to a
    fair-share band; none on a member with only a ceiling, a growth or a change limit."""
    data = plan({"A": (100, 1), "B": (100, 1), "C": (100, 1), "D": (100, 1)}, years=(2025, 2026),
                targets={"max_change": 0.01, "max_growth": 0.5, "max_gdp": 0.05},
                fair_band=pd.Series({"C": 0.5}))
    data.targets.loc[("A", 2026), "min_gdp"] = 0.01
    data.targets.loc[("B", 2025), "min_equipment"] = 0.1
    model = build_model(data)
    assert set(model.topup) == {("A", 2026), ("B", 2025), ("C", 2025), ("C", 2026)}


def test_a_floors_own_step_goes_through_the_change_limit():
    """GDP 100, baseline 1 (1 %), max_change 0.5 pp; the floor steps from 1 % (2025) to 3 %
    (2026): the least share the targets allow rises 2 pp, so spending may rise 2 pp that
    year (top-up 2), and no more."""
    data = plan({"A": (100, 1)}, years=(2025, 2026), targets={"max_change": 0.005})
    data.targets["min_gdp"] = [0.01, 0.03]
    model, result = solved(data)
    assert result.optimal
    assert [model.spend["A", t].value for t in (2025, 2026)] == pytest.approx([1.0, 3.0])
    assert [model.topup["A", t].value for t in (2025, 2026)] == pytest.approx([0.0, 2.0], abs=1e-9)


def test_spending_falls_as_far_as_its_floor_where_no_top_up_holds_it():
    """GDP 100, baseline 2, max_change 1 pp; a 4 % floor in 2025 and none in 2026. Without a
    floor 2026 has no top-up, so nothing could hold spending at 3 %: the least share falls
    2 pp (4 % → the 2 % baseline) and spending may fall with it, to 2."""
    data = plan({"A": (100, 2)}, years=(2025, 2026), targets={"max_change": 0.01})
    data.targets["min_gdp"] = [0.04, float("nan")]
    model, result = solved(data)
    assert result.optimal
    assert [model.spend["A", t].value for t in (2025, 2026)] == pytest.approx([4.0, 2.0])
    assert ("A", 2026) not in model.topup


def _shares(model, member):
    """The member's spending share of GDP, % per plan year."""
    return [100 * model.spend[m, t].value / model.index.gdp[m, t] for m, t in model.A if m == member]


@pytest.mark.parametrize("profile, paid", [
    ("order", [40, 0, 0]),  # the spike: the whole unit in the order year
    ("even", [20, 20, 0]),  # lead time 2: half in 2025, half in 2026
    ("delivery", [0, 0, 40]),
])
def test_payments_spread_the_spike(profile, paid):
    """A (GDP 1000, baseline 10) needs one unit in 2027; it costs 40 with a lead time of 2, so
    it is ordered in 2025. Paid in the order year, spending goes 1 → 5 → 1 → 1 % of GDP; paid
    evenly from order to delivery, 1 → 3 → 3 → 1 %. The cost is 40 either way."""
    data = plan({"A": (1000, 10)}, forces={("A", "C"): {"lead_time": 2, "acquisition_cost": 40}},
                requirements={("C", "R", 2027): 1}, years=(2025, 2027), profiles={"C": profile})
    model, result = solved(data)
    assert result.optimal
    assert model.x_units["A", "C", 2025].value == pytest.approx(1)
    assert pyo.value(model.plan_cost) == pytest.approx(40)
    assert [model.spend["A", t].value - 10 for t in (2025, 2026, 2027)] == pytest.approx(paid, abs=1e-6)
    spending = extract(model, data, result).spending
    plan_years = spending[spending["year"] >= 2025]
    assert plan_years["acquisition_paid_musd"].tolist() == pytest.approx(paid, abs=1e-6)
    capabilities = extract(model, data, result).capabilities
    ordered = capabilities[capabilities["ordered_units"] > 0.5]
    assert ordered["payment_years"].tolist() == [{"order": "2025", "even": "2025–2026", "delivery": "2027"}[profile]]


def test_a_payment_after_a_member_leaves_falls_in_its_last_year():
    """Lead time 3, even: a third a year in 2025–2027; A leaves after 2026, so it pays the
    last third in 2026: every order is paid in full."""
    data = plan({"A": (1000, 10)}, forces={("A", "C"): {"lead_time": 3, "acquisition_cost": 30}},
                years=(2025, 2028))
    data = dataclasses.replace(data, members=data.members.assign(year_left=2026))
    model = build_model(data)
    assert model.index.payments == {("A", 2025): [("C", 2025, pytest.approx(1 / 3))],
                                    ("A", 2026): [("C", 2025, pytest.approx(1 / 3))] * 2}


def test_payment_shares():
    from models.sets import payment_shares

    assert payment_shares("even", 0) == [(0, pytest.approx(1.0))]
    assert payment_shares("even", 1) == [(0, pytest.approx(1.0))]
    assert payment_shares("even", 4) == [(k, pytest.approx(0.25)) for k in range(4)]
    assert payment_shares("order", 4) == [(0, pytest.approx(1.0))]
    assert payment_shares("delivery", 4) == [(4, pytest.approx(1.0))]


@pytest.mark.parametrize("one_way, shares, cost", [
    (None, [4, 2], 40),  # without the rule: 1 → 4 → 2 %, a turn
    (1.0, [4, 4], 60),  # with it: below its final floor (2 %), A never falls: 1 → 4 → 4 %
])
def test_path_rule_forbids_the_turn(one_way, shares, cost):
    """A (GDP 1000, baseline 10, 1 %) must field a unit from 2025 (cost 30, no lead time) and
    reach a floor of 2 %. Without the rule: 40 in 2025 (4 %), 20 in 2026 (the floor), cost
    30 + 10 = 40. With it A's share may not fall from 4 %: 40 in 2026 too, cost 30 + 30 = 60."""
    data = plan({"A": (1000, 10)}, forces={("A", "C"): {"acquisition_cost": 30}},
                requirements={("C", "R", 2025): 1, ("C", "R", 2026): 1}, years=(2025, 2026),
                targets={"min_gdp": 0.02, "one_way": one_way})
    model, result = solved(data)
    assert result.optimal
    assert _shares(model, "A") == pytest.approx(shares, abs=1e-6)
    assert pyo.value(model.money_cost) == pytest.approx(cost, abs=1e-6)
    assert dict(model.rising) == ({"A": True} if one_way else {})


def _growing(data, growth: float = 0.1):
    """`data` with every member's GDP growing by `growth` a year."""
    return dataclasses.replace(data, members=data.members.assign(gdp_growth=growth))


def test_path_rule_a_member_above_its_final_floor_glides_down():
    """B spends 3 % of a GDP of 1000 against a final floor of 2 %, its GDP grows 10 % a year:
    the data decides its direction, it glides down (u_B = 0, no binary). Idle, its baseline's
    share falls, 30 / 1100 → 30 / 1210. The whole unit it alone could field (cost 30) would lift it
    to 60 / 1100 = 5.5 %, a rise it may not take (its room is 3 % · 1100 − 30 = 3): the
    requirement falls short (2 unit-years; the old rule let the model choose to rise)."""
    idle = _growing(plan({"B": (1000, 30)}, years=(2025, 2026), targets={"min_gdp": 0.02, "one_way": 1.0}))
    model, result = solved(idle)
    assert dict(model.rising) == {"B": False} and not len(model.M_path)
    assert list(model.path_no_rise) == [("B", 2025), ("B", 2026)] and not len(model.path_no_fall)
    assert _shares(model, "B") == pytest.approx([300 / 110, 300 / 121], abs=1e-6)
    buys = _growing(plan({"B": (1000, 30)}, forces={("B", "C"): {"acquisition_cost": 30}},
                         requirements={("C", "R", 2025): 1, ("C", "R", 2026): 1}, years=(2025, 2026),
                         targets={"min_gdp": 0.02, "one_way": 1.0}, integer=("C",)))
    model, result = solved(buys)
    assert result.optimal
    assert pyo.value(model.expected_shortfall) == pytest.approx(2, abs=1e-6)
    assert _shares(model, "B") == pytest.approx([300 / 110, 300 / 121], abs=1e-6)


def test_path_rule_lets_the_model_choose_where_the_data_leaves_it_open():
    """B spends 3 % against a final floor of 2 %, but its 2025 floor is 4 %: a path that never
    rises cannot meet it, so the data leaves the direction open and the model chooses (path_up).
    It rises (path_up = 1) to 4 % and may not fall back to its 3 % baseline: 4 % in 2026 too,
    cost 10 + 10 (10 without the rule)."""
    data = plan({"B": (1000, 30)}, years=(2025, 2026), targets={"min_gdp": 0.02, "one_way": 1.0})
    data.targets.loc[("B", 2025), "min_gdp"] = 0.04
    model, result = solved(data)
    assert list(model.M_path) == ["B"]
    assert model.path_up["B"].value == pytest.approx(1)
    assert _shares(model, "B") == pytest.approx([4, 4], abs=1e-6)
    assert pyo.value(model.money_cost) == pytest.approx(20, abs=1e-6)


@pytest.mark.parametrize("baseline, final, direction", [
    (10, 0.02, True),  # 1 % below a final floor of 2 %: never falls
    (20, 0.02, True),  # at it: a path that never rises could only stay at 2 %, which never falls
    (30, 0.02, False),  # 3 % above it, GDP growing: glides down
    (30, None, None),  # no final floor: the model chooses
])
def test_path_rule_direction_from_the_data(baseline, final, direction):
    data = _growing(plan({"A": (1000, baseline)}, years=(2025, 2026), targets={"min_gdp": final, "one_way": 1.0}))
    model = build_model(data)
    assert dict(model.rising) == {"A": direction}
    assert list(model.M_path) == ([] if direction is not None else ["A"])


def test_path_rule_leaves_the_direction_open_without_gdp_growth():
    """3 % above a final floor of 2 % with no GDP growth: a path that never rises would hold A at
    its baseline, buying nothing, so the model chooses (path_up)."""
    model = build_model(plan({"A": (1000, 30)}, years=(2025, 2026), targets={"min_gdp": 0.02, "one_way": 1.0}))
    assert dict(model.rising) == {"A": None} and list(model.M_path) == ["A"]
