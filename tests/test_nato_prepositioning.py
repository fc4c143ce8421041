"""The NATO example's plan agrees with its pre-positioning inputs.

The plan of inputs/nato.xlsx is solved once; each test reads the result tables and checks
them against the workbook's own sheets (Sites, BasingRights, Transit, Scenarios,
ScenarioRequirements), re-deriving each rule here rather than trusting the model's index.
"""

from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest


NATO = Path(__file__).resolve().parents[1] / "inputs" / "nato.xlsx"
TOL = 1e-6
CAP_PCT = 16.0  # NATO's cap on any one ally's share of common funding
BRIGADES = ("ARM_BDE", "MECH_BDE")


@pytest.fixture(scope="module")
def plan(nato_results):
    return nato_results  # Robustness is tested elsewhere


@pytest.fixture(scope="module")
def data(plan):
    return plan.data


def rights(data) -> dict[tuple[str, str], tuple[bool, float]]:
    """(member, site) -> (allowed, max sets), by BasingRights' rule: a row for one site
    overrides a row for all of a host's sites; without a row only the host has access."""
    general, specific = {}, {}
    for row in data.basing.itertuples(index=False):
        rule = (bool(row.allowed), math.inf if pd.isna(row.max_sets) else float(row.max_sets))
        if pd.isna(row.site):
            general[row.user, row.host] = rule
        else:
            specific[row.user, row.site] = rule
    out = {}
    for site, host in data.sites["host"].items():
        for m in data.members.index:
            default = (m == host, math.inf)
            out[m, site] = specific.get((m, site), general.get((m, host), default))
    return out


def test_the_example_uses_every_prepositioning_sheet(data):
    assert 6 <= len(data.sites) <= 10
    assert data.sites["existing"].any() and not data.sites["existing"].all()
    assert not data.basing["allowed"].all(), "at least one refusal"
    assert data.basing["max_sets"].notna().any(), "at least one cap"
    assert len(data.prepositioning) and len(data.transit) and len(data.scenario_requirements)
    assert 2 <= len(data.scenarios) <= 3
    assert data.scenario_objective == "expected"
    assert data.common_funding_key == "gdp"
    assert data.common_funding_cap == pytest.approx(CAP_PCT / 100)


def test_every_deployment_arrives_within_its_warning_time(plan, data):
    dep = plan.deployment
    assert len(dep) and set(dep["scenario"]) <= set(data.scenarios.index)
    warning = data.scenarios["warning_days"]
    assert (dep["arrival_day"] <= dep["scenario"].map(warning) + TOL).all()
    assert (dep["warning_days"] == dep["scenario"].map(warning)).all()


def test_arrival_days_are_the_transit_sheets(plan, data):
    """From home: no Transit row means day 0; else one of its rows. From a site: a row."""
    transit = data.transit
    home = transit[transit["from_member"].notna()].groupby(["from_member", "region"])["days"]
    home_days = {k: set(v) for k, v in home}
    site = transit[transit["from_site"].notna()].groupby(["from_site", "region"])["days"]
    site_days = {k: set(v) for k, v in site}
    for row in plan.deployment.itertuples(index=False):
        if row.source == "home":
            options = home_days.get((row.member, row.region), {0.0})
        else:
            assert (row.source, row.region) in site_days, f"no route {row.source}–{row.region}"
            options = site_days[row.source, row.region]
        assert row.arrival_day in options, row


def test_sites_hold_no_more_than_their_capacity_and_nothing_unless_open(plan, data):
    held = plan.site_stocks.groupby("site")["sets"].sum()
    sites = plan.sites.set_index("site")
    assert set(sites.index) == set(data.sites.index)
    for k, capacity in data.sites["capacity"].items():
        sets = float(held.get(k, 0.0))
        assert sets <= capacity + TOL, k
        if not sites.at[k, "open"]:
            assert sets <= TOL, f"{k} is closed but holds {sets} sets"
        mine = plan.site_stocks[plan.site_stocks["site"] == k].groupby("capability", sort=False)["sets"].sum()
        assert sites.at[k, "sets_held"] == "; ".join(f"{c} {n:.4g}" for c, n in mine.items())  # never added across capabilities


def test_sets_only_where_the_member_has_basing_rights(plan, data):
    allowed = rights(data)
    refused = {(r.user, r.site) for r in data.basing.itertuples(index=False)
               if not r.allowed and pd.notna(r.site)}
    refused |= {(r.user, k) for r in data.basing.itertuples(index=False)
                if not r.allowed and pd.isna(r.site)
                for k, host in data.sites["host"].items() if host == r.host}
    for row in plan.site_stocks.itertuples(index=False):
        if row.sets <= TOL:
            continue
        assert allowed[row.member, row.site][0], f"{row.member} has no rights at {row.site}"
        assert (row.member, row.site) not in refused
        assert row.capability in data.prepositioning.index
        assert data.prepositioning.at[row.capability, "can_draw"]


def test_max_sets_caps_are_respected(plan, data):
    held = plan.site_stocks.groupby(["member", "site"])["sets"].sum()
    for (m, k), (_, cap) in rights(data).items():
        assert held.get((m, k), 0.0) <= cap + TOL, (m, k)


def test_draws_never_exceed_the_sets_kept(plan):
    sets = plan.site_stocks.set_index(["member", "site", "capability"])["sets"]
    drawn = plan.deployment[plan.deployment["source"] != "home"]
    per = drawn.groupby(["member", "source", "capability", "year", "scenario"])["units"].sum()
    for (m, k, c, _, _), units in per.items():
        assert units <= sets.get((m, k, c), 0.0) + TOL, (m, k, c)


def test_no_member_deploys_more_than_its_stock_in_any_scenario(plan):
    stock = plan.capabilities.set_index(["member", "capability", "year"])["stock_units"]
    used = plan.deployment.groupby(["member", "capability", "year", "scenario"])["units"].sum()
    for (m, c, t, _), units in used.items():
        assert units <= stock[m, c, t] + TOL, (m, c, t)


def test_common_funding_shares_are_capped_and_sum_to_100(plan, data):
    share = plan.burden.set_index("member")["common_funding_share_pct"]
    assert share.notna().all()
    assert share.sum() == pytest.approx(100.0, abs=1e-6)
    assert share.max() <= CAP_PCT + 1e-9
    assert share["USA"] == pytest.approx(CAP_PCT)  # the United States is at the cap
    # below the cap, shares are proportional to GDP (first year of the horizon)
    gdp = data.gdp().xs(data.first_year, level="year")
    free = share[share < CAP_PCT - 1e-6]
    ratio = free / gdp[free.index]
    assert ratio.max() == pytest.approx(ratio.min(), rel=1e-9)


def test_each_scenarios_requirement_is_provided_or_short(plan):
    cov = plan.coverage
    assert "scenario" in cov.columns
    assert (cov["provided_units"] + cov["shortfall_units"] >= cov["required_units"] - TOL).all()


def test_coverage_is_what_is_deployed(plan):
    key = ["scenario", "capability", "region", "year"]
    deployed = plan.deployment.groupby(key)["units"].sum()
    provided = plan.coverage.set_index(key)["provided_units"]
    assert provided.sum() == pytest.approx(deployed.sum(), rel=1e-9)
    for cell, units in deployed.items():
        assert provided[cell] == pytest.approx(units, abs=1e-6), cell


def test_required_units_follow_scenarios_and_their_requirements(plan, data):
    """q[c, r, t, s]: ScenarioRequirements where given for (s, c, r), else scale · Requirements."""
    own = data.scenario_requirements
    own_cells = {(s, c, r) for s, c, r, _ in own.index}
    expected: dict[tuple, float] = {}
    for s, scale in data.scenarios["scale"].items():
        for (c, r, t), units in data.requirements.items():
            if (s, c, r) not in own_cells:
                expected[s, c, r, t] = units * scale
    for (s, c, r, t), units in own.items():
        expected[s, c, r, t] = units
    expected = {k: v for k, v in expected.items() if v > 0}
    got = plan.coverage.set_index(["scenario", "capability", "region", "year"])["required_units"]
    assert set(got.index) == set(expected)
    for cell, units in expected.items():
        assert got[cell] == pytest.approx(units), cell


def test_the_story_the_about_sheet_tells(plan, data):
    """Short warning leaves brigades short on the eastern flank, a long crisis does not;
    some sites open and some do not."""
    cov = plan.coverage
    short = defaultdict(float)
    for row in cov[cov["capability"].isin(BRIGADES) & (cov["region"] == "EAST")].itertuples():
        short[row.scenario] += row.shortfall_units
    shortest = data.scenarios["warning_days"].idxmin()
    longest = data.scenarios["warning_days"].idxmax()
    assert short[shortest] > 1.0, "the short-warning scenario should leave brigades short"
    assert short[longest] <= TOL, "the long-warning crisis should not"
    opened = plan.sites["open"]
    assert opened.any() and not opened.all()
    sites = plan.sites.set_index("site")
    assert sites.loc[~sites["existing"], "open"].any(), "a candidate site is worth its cost"
    # Both candidates open since the path rule (issue 25): members held on their paths pay for
    # sets and sites with money that would otherwise be a top-up buying nothing.


def test_orders_deployments_and_sets_come_in_whole_parts(plan, data):
    """Issue 12: brigades in battalions (thirds), everything else in whole units."""
    parts = data.parts_per_unit()
    assert parts["ARM_BDE"] == parts["MECH_BDE"] == 3 and set(parts) == set(data.capabilities.index)
    for table, column in ((plan.capabilities, "ordered_units"), (plan.deployment, "units"),
                          (plan.site_stocks, "sets")):
        p = table["capability"].map(parts)
        counts = table[column] * p
        assert (counts - counts.round()).abs().max() < 1e-6, (column, table[(counts - counts.round()).abs() > 1e-6])


def test_equipment_spending_counts_the_sets_bought(plan, data):
    """Spending › equipment is what the equipment floor counts: e·D + the acquisition payments
    made that year (orders paid from order to delivery) + sets bought (in the first year) +
    top-up (it left the sets out)."""
    sp = plan.spending[plan.spending["year"] >= data.first_year].set_index(["member", "year"])
    bought = plan.capabilities.groupby(["member", "year"])["acquisition_paid_musd"].sum()
    sets = plan.site_stocks.groupby("member")["set_cost_musd"].sum()
    assert sets.sum() > 0
    m = data.members
    for (member, year), row in sp.iterrows():
        expected = (m.at[member, "equipment_share"] * m.at[member, "spending"] + bought.get((member, year), 0.0)
                    + (sets.get(member, 0.0) if year == data.first_year else 0.0) + row["topup_musd"])
        assert row["equipment_musd"] == pytest.approx(expected, rel=1e-9, abs=1e-6), (member, year)
