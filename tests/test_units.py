"""Units in the capability's own words (planner.units) and each member's bill explained
(planner.bills), on hand-made tables."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from builders import plan
from planner import bills, results, units


def data_with_parts():
    """ARM counted in battalions (3 per brigade), SHIP in whole ships, CYB in any fraction."""
    data = plan({"A": (1000.0, 10.0)}, forces={("A", "ARM"): {}, ("A", "SHIP"): {}, ("A", "CYB"): {}},
                integer=("SHIP",), parts={"ARM": 3})
    data.capabilities["unit"] = ["brigade", "team", "ship"]  # sorted: ARM, CYB, SHIP
    data.capabilities["part"] = ["battalion", None, None]
    return data


def test_granularity_states_each_capability():
    gran = units.granularity(data_with_parts()).set_index("capability")
    assert gran.loc["ARM", "counted_in"] == "in battalions: 3 battalions per brigade"
    assert gran.loc["SHIP", "counted_in"] == "in whole ships"
    assert gran.loc["CYB", "counted_in"] == "in any fraction of a team"
    assert gran.loc["ARM", "parts_per_unit"] == 3 and math.isnan(gran.loc["CYB", "parts_per_unit"])


def test_a_figure_in_the_capability_s_words():
    gran = units.granularity(data_with_parts())
    assert units.in_words(2 / 3, "ARM", gran) == "2 battalions"
    assert units.in_words(1 / 3, "ARM", gran) == "1 battalion"
    assert units.in_words(7 / 3, "ARM", gran) == "7 battalions (2 1/3 brigades)"
    assert units.in_words(1.0, "ARM", gran) == "3 battalions (1 brigade)"
    assert units.in_words(3.0, "SHIP", gran) == "3 ships"
    assert units.in_words(1.25, "CYB", gran) == "1.25 teams"
    assert units.unit_label("ARM", gran) == "brigade of 3 battalions" and units.unit_label("SHIP", gran) == "ship"
    assert units.number_format("ARM", gran) == "# ?/3" and units.number_format("SHIP", gran) == "0"
    assert units.provider_words(34 / 3, "ARM", gran) == "34 battalions"


def test_plurals():
    assert [units.plural(w) for w in ("battery", "task group", "day", "box")] == [
        "batteries", "task groups", "days", "boxes"]
    assert units.plural("brigade", 1) == "brigade"


def test_shortfall_is_never_added_across_capabilities():
    """2 brigade-years short in S1 (probability 0.25) and 1 ship-year in S2 (0.75)."""
    gran = units.granularity(data_with_parts())
    coverage = pd.DataFrame({"scenario": ["S1", "S1", "S2"], "capability": ["ARM", "ARM", "SHIP"],
                             "shortfall_units": [1.5, 0.5, 1.0]})
    table = units.per_capability(coverage, {"S1": 0.25, "S2": 0.75}, gran)
    assert list(table["capability"]) == ["ARM", "SHIP"]
    assert list(table["shortfall_unit_years"]) == pytest.approx([2.0, 1.0])
    assert list(table["expected_unit_years"]) == pytest.approx([0.5, 0.75])
    assert units.shortfall_text(table) == "ARM 2.0 brigade-years; SHIP 1.0 ship-years"


def test_the_floor_alone_demands():
    """GDP 1000, baseline 10, floor 2 % in both years, discount 1 and 0.5: (20 − 10) · 1.5 = 15."""
    rows = pd.DataFrame({"year": [2025, 2026], "gdp_musd": [1000.0, 1000.0], "target_min_pct_gdp": [2.0, 2.0]})
    assert bills.floor_demand(rows, 10.0, pd.Series({2025: 1.0, 2026: 0.5})) == pytest.approx(15.0)


def _burden(**values):
    row = {"member": "A", "plan_cost_musd": 100.0, "plan_cost_share_pct": 40.0, "fair_share_pct": 1.0,
           "burden_share_pct": 1.0, "topup_musd": 10.0, "buys_musd": 90.0, "band_low_pct": math.nan,
           "band_high_pct": math.nan}
    return pd.Series({**row, **values})


def test_a_floor_explains_paying_more_than_the_fair_share():
    """40 % of the cost against a fair share of 1 %, the floor demanding 91 of the 100."""
    text = bills.reason(_burden(), 1.2, (2.0, 2.0), True, buys_share=50.0, demand=91.0)
    assert text.startswith("more than its fair share")
    assert "its floor (2.00 % of GDP, from 1.20 % in the base year) demands 91 % of it" in text
    assert "position" in text
    assert "demands all of it" in bills.reason(_burden(), 1.2, (2.0, 2.0), True, 50.0, demand=100.0)


def test_exemption_baseline_and_capacity_explain_paying_less():
    less = _burden(plan_cost_share_pct=0.1, fair_share_pct=5.0, topup_musd=0.0, buys_musd=0.0)
    assert bills.reason(less, 1.0, (math.nan, math.nan), False, 0.0) == (
        "less than its fair share: no spending floor applies to it (exempt); it fields none of the capabilities "
        "required (no capacity to buy them)")
    assert "it already spends 3.35 % of GDP, at or above its floor" in bills.reason(less, 3.35, (2.0, 2.0), True, 0.0)


def test_member_bills_on_a_hand_made_plan():
    """A pays 90 (60 buys 2 battalions of ARM for R; 30 only reaches its floor), B pays 10."""
    data = plan({"A": (1000.0, 10.0), "B": (1000.0, 30.0)}, forces={("A", "ARM"): {}, ("B", "ARM"): {}},
                parts={"ARM": 3}, targets={"min_gdp": 0.02})
    data.capabilities["unit"], data.capabilities["part"] = "brigade", "battalion"
    burden = pd.DataFrame({"member": ["B", "A"], "plan_cost_musd": [10.0, 90.0], "fair_share_pct": [50.0, 50.0],
                           "burden_share_pct": [40.0, 60.0], "topup_musd": [0.0, 30.0], "buys_musd": [10.0, 60.0],
                           "topup_reaches": ["", "spending floor 2.00 % of GDP (2025)"],
                           "band_low_pct": math.nan, "band_high_pct": math.nan})
    spending = pd.DataFrame({"member": ["A", "B", "A", "B"], "year": [2024, 2024, 2025, 2025],
                             "gdp_musd": 1000.0, "spending_pct_gdp": [1.0, 3.0, 10.0, 4.0],
                             "target_min_pct_gdp": [math.nan, math.nan, 2.0, 2.0]})
    capabilities = pd.DataFrame({"member": ["A"], "capability": ["ARM"], "year": [2025], "ordered_units": [2 / 3],
                                 "acquisition_cost_musd": [60.0]})
    deployment = pd.DataFrame({"member": ["A"], "capability": ["ARM"], "region": ["R"], "units": [2 / 3]})
    table = bills.member_bills(burden, spending, capabilities, deployment, data)
    assert list(table["member"]) == ["A", "B"]
    a, b = table.iloc[0], table.iloc[1]
    assert a["plan_cost_share_pct"] == pytest.approx(90.0) and b["plan_cost_share_pct"] == pytest.approx(10.0)
    assert a["buys"] == "ARM 2 battalions for R" and b["buys"] == ""
    assert a["topup_reaches"] == "spending floor 2.00 % of GDP (2025)"
    assert a["reason"].startswith("more than its fair share: its floor (2.00 % of GDP, from 1.00 % in the base year)")
    assert "demands 11 % of it" in a["reason"]  # (20 − 10) / 90
    assert b["reason"] == "less than its fair share: it already spends 3.00 % of GDP, at or above its floor"


def test_scenarios_per_capability_never_add_capabilities():
    """S1 asks 3 ARM brigade-years over two cells (one short by 0.5) and 2 SHIP ship-years; S2 1 ARM."""
    coverage = pd.DataFrame({
        "scenario": ["S1", "S1", "S1", "S2"], "capability": ["ARM", "ARM", "SHIP", "ARM"],
        "required_units": [1.0, 2.0, 2.0, 1.0], "provided_units": [1.0, 1.5, 2.0, 1.0],
        "shortfall_units": [0.0, 0.5, 0.0, 0.0]})
    table = results.scenario_capabilities(coverage)
    assert list(zip(table["scenario"], table["capability"])) == [("S1", "ARM"), ("S1", "SHIP"), ("S2", "ARM")]
    assert list(table["requirements"]) == [2, 1, 1] and list(table["requirements_short"]) == [1, 0, 0]
    assert list(table["required_unit_years"]) == pytest.approx([3.0, 2.0, 1.0])
    assert list(table["provided_unit_years"]) == pytest.approx([2.5, 2.0, 1.0])
    assert list(table["shortfall_unit_years"]) == pytest.approx([0.5, 0.0, 0.0])
    assert results.scenario_capabilities(coverage.iloc[0:0]).empty


def test_arrivals_count_deployments_not_units():
    """In 2030, S1 sees two deployments on day 3 (2 brigades and 1 ship: not '3 units') and one
    on day 5; S2 one on day 1; the 2029 row is another year's and is left out."""
    dep = pd.DataFrame({
        "scenario": ["S2", "S1", "S1", "S1", "S1"], "capability": ["ARM", "ARM", "SHIP", "ARM", "ARM"],
        "year": [2030, 2030, 2030, 2030, 2029], "units": [1.0, 2.0, 1.0, 0.5, 4.0],
        "arrival_day": [1.0, 3.0, 3.0, 5.0, 3.0], "warning_days": [5.0, 7.0, 7.0, 7.0, 7.0]})
    table = results.arrivals(dep, 2030)
    assert list(zip(table["scenario"], table["arrival_day"], table["deployments"])) == [
        ("S2", 1.0, 1), ("S1", 3.0, 2), ("S1", 5.0, 1)]  # exact: counts and input days
    assert list(table["capabilities"]) == ["ARM", "ARM, SHIP", "ARM"]
    assert list(table["warning_days"]) == pytest.approx([5.0, 7.0, 7.0]) and set(table["year"]) == {2030}
    assert results.arrivals(dep, 2031).empty
