"""Two scenarios, one site: pre-positioning worked out by hand.

US (GDP 1000, spends 10) has 2 brigades at home, 20 days by sea from EAST (1 M per
brigade). Poland (GDP 100, spends 1) hosts site POW in EAST: 3 M to open, room for 5
sets; a brigade set costs 2 M; from POW a brigade reaches EAST in 2 days for 0.1 M.
EAST needs 2 brigades in 2025. Scenarios LONG (30 days' warning) and SHORT (7 days),
each with probability 1/2.

- With the site: open 3 + sets 2 × 2 = 7; both scenarios draw at 2 × 0.1 = 0.2: 7.2.
- Without: LONG comes by sea, 2 × 1 = 2; SHORT misses 2 brigades at P each: 2P.
  Expected (2 + 2P) / 2 = 1 + P; worst case max(2, 2P).
"""

from __future__ import annotations

import math

import pandas as pd
import pyomo.environ as pyo
import pytest

from builders import plan
from models import build_model
from planner.results import extract
from planner.solve import solve


def instance(penalty: float = 100.0, basing=None, **overrides):
    return plan(
        {"USA": (1000, 10), "POL": (100, 1)},
        forces={("USA", "BDE"): {"existing": 2, "max_new": 0}},
        requirements={("BDE", "EAST", 2025): 2},
        shortfall_penalty=penalty,
        sites=pd.DataFrame(
            {"name": ["Powidz"], "host": ["POL"], "region": ["EAST"], "fixed_cost": [3.0],
             "upkeep": [0.0], "capacity": [5.0], "existing": [False]},
            index=pd.Index(["POW"], name="site"),
        ),
        basing=basing if basing is not None else pd.DataFrame(
            {"user": ["USA"], "host": ["POL"], "site": [None], "allowed": [True], "max_sets": [math.nan]}),
        prepositioning=pd.DataFrame(
            {"set_cost": [2.0], "storage_cost": [0.0], "set_size": [1.0], "can_draw": [True]},
            index=pd.Index(["BDE"], name="capability"),
        ),
        transit=pd.DataFrame({
            "from_member": ["USA", None], "from_site": [None, "POW"], "capability": [None, None],
            "region": ["EAST", "EAST"],
            "mode": ["sea", "road"], "days": [20.0, 2.0], "cost": [1.0, 0.1],
        }),
        scenarios=pd.DataFrame(
            {"name": ["long warning", "short warning"], "probability": [1.0, 1.0],
             "warning_days": [30.0, 7.0], "scale": [1.0, 1.0]},
            index=pd.Index(["LONG", "SHORT"], name="scenario"),
        ),
        **overrides,
    )


def solved(data):
    model = build_model(data)
    result = solve(model)
    assert result.optimal
    return model, result


def test_short_warning_makes_the_site_worth_its_cost():
    model, _ = solved(instance(penalty=100))
    assert pyo.value(model.total_cost) == pytest.approx(7.2, abs=1e-6)
    assert model.open_site["POW"].value == pytest.approx(1)
    assert model.sets["USA", "POW", "BDE"].value == pytest.approx(2)
    for s in ("LONG", "SHORT"):
        assert model.draw["USA", "POW", "BDE", "EAST", 2025, s].value == pytest.approx(2)
    # from home the brigades cannot arrive in 7 days: no such variable exists
    assert ("USA", "BDE", "EAST", 2025, "SHORT") not in model.assign


def test_cheap_shortfalls_keep_the_site_closed():
    """P = 1: expected 1 + P = 2 < 7.2."""
    model, _ = solved(instance(penalty=1))
    assert pyo.value(model.total_cost) == pytest.approx(2.0, abs=1e-6)
    assert model.open_site["POW"].value == pytest.approx(0)


def test_worst_case_opens_what_the_expectation_does_not():
    """P = 5: expected 1 + 5 = 6 < 7.2 (no site); worst case max(2, 10) = 10 > 7.2 (site)."""
    model, _ = solved(instance(penalty=5))
    assert pyo.value(model.total_cost) == pytest.approx(6.0, abs=1e-6)
    assert model.open_site["POW"].value == pytest.approx(0)
    model, _ = solved(instance(penalty=5, scenario_objective="worst-case"))
    assert pyo.value(model.total_cost) == pytest.approx(7.2, abs=1e-6)
    assert model.open_site["POW"].value == pytest.approx(1)


def test_a_refusal_leaves_the_short_scenario_uncovered():
    """Poland refuses: no sets, LONG by sea (2), SHORT short of 2 at P = 100: (2 + 200) / 2."""
    refused = pd.DataFrame({"user": ["USA"], "host": ["POL"], "site": ["POW"], "allowed": [False],
                            "max_sets": [math.nan]})
    model, _ = solved(instance(penalty=100, basing=refused))
    assert pyo.value(model.total_cost) == pytest.approx(101, abs=1e-6)
    assert len(model.H) == 0


def test_basing_cap_limits_sets():
    """At most 1 US set at POW: one brigade draws, one is missing in SHORT."""
    capped = pd.DataFrame({"user": ["USA"], "host": ["POL"], "site": [None], "allowed": [True],
                           "max_sets": [1.0]})
    model, _ = solved(instance(penalty=100, basing=capped))
    # site 3 + set 2 = 5; LONG: 1 draw (0.1) + 1 by sea (1); SHORT: 1 draw (0.1) + 100 short
    assert pyo.value(model.total_cost) == pytest.approx(5 + (1.1 + 100.1) / 2, abs=1e-6)


def test_common_funding_cap_in_members_spending():
    """Site cost 3 split by GDP 1000 : 100 with a 60 % cap: USA 1.8, POL 1.2."""
    data = instance(penalty=100, common_funding_cap=0.6)
    model, result = solved(data)
    assert model.spend["USA", 2025].value == pytest.approx(10 + 4 + 1.8)
    assert model.spend["POL", 2025].value == pytest.approx(1 + 1.2)
    burden = extract(model, data, result).burden.set_index("member")
    assert burden.loc["USA", "common_funding_share_pct"] == pytest.approx(60)
    assert burden.loc["POL", "common_funded_cost_musd"] == pytest.approx(1.2)


def test_deployment_and_sites_tables():
    data = instance(penalty=100)
    model, result = solved(data)
    res = extract(model, data, result)
    dep = res.deployment
    assert set(dep["source"]) == {"POW"}
    assert (dep["arrival_day"] <= dep["warning_days"]).all()
    site = res.sites.set_index("site").loc["POW"]
    assert bool(site["open"]) and site["sets_held"] == "BDE 2" and site["users"] == "USA"  # per capability
    assert res.totals["sites_open"] == 1
    assert res.totals["deployment_cost_musd"] == pytest.approx(0.2)


def test_a_capability_route_replaces_the_general_one():
    """Air defence flies (2 days, 5 M per battery) while brigades still sail: 7.2 + 5."""
    data = instance(penalty=100)
    data.forces.loc[("USA", "AMD"), :] = data.forces.loc[("USA", "BDE")]
    data.capabilities.loc["AMD"] = ["AMD", "air", "unit", False]
    data.requirements.loc[("AMD", "EAST", 2025)] = 1.0
    data.transit.loc[len(data.transit)] = ["USA", None, "AMD", "EAST", "air", 2.0, 5.0]
    model, _ = solved(data)
    assert pyo.value(model.total_cost) == pytest.approx(7.2 + 5, abs=1e-6)
    for s in ("LONG", "SHORT"):
        assert model.assign["USA", "AMD", "EAST", 2025, s].value == pytest.approx(1)


def test_bulky_sets_fill_a_site_sooner():
    """A brigade set takes 3 of POW's 5 slots: one whole set fits, as with a basing cap of 1."""
    data = instance(penalty=100, integer=("BDE",))
    data.prepositioning.loc["BDE", "set_size"] = 3.0
    model, _ = solved(data)
    assert model.sets["USA", "POW", "BDE"].value == pytest.approx(1)
    assert pyo.value(model.total_cost) == pytest.approx(5 + (1.1 + 100.1) / 2, abs=1e-6)


def members_who_may_abstain(k: int = 1, year: int = 2025, users: tuple[str, ...] = ("A", "B"), **overrides):
    """Members A and B (deems-necessary; or `users`) each have 1 brigade at home, 20 days
    from EAST; H hosts site S (open 1, room for 5) 2 days from EAST; a set costs 2. EAST
    needs 1 brigade in 2025 with 7 days' warning, and k of A and B may abstain."""
    n = len(users)
    data = plan(
        {**{m: (100, 1) for m in users}, "H": (100, 1)},
        forces={(m, "BDE"): {"existing": 1, "max_new": 0} for m in users},
        requirements={("BDE", "EAST", year): 1},
        shortfall_penalty=100.0,
        abstentions=k,
        sites=pd.DataFrame(
            {"name": ["S"], "host": ["H"], "region": ["EAST"], "fixed_cost": [1.0], "upkeep": [0.0],
             "capacity": [5.0], "existing": [False]},
            index=pd.Index(["S"], name="site"),
        ),
        basing=pd.DataFrame({"user": list(users), "host": ["H"] * n, "site": [None] * n,
                             "allowed": [True] * n, "max_sets": [math.nan] * n}),
        prepositioning=pd.DataFrame(
            {"set_cost": [2.0], "storage_cost": [0.0], "set_size": [1.0], "can_draw": [True]},
            index=pd.Index(["BDE"], name="capability"),
        ),
        transit=pd.DataFrame({
            "from_member": [*users, None], "from_site": [None] * n + ["S"], "capability": [None] * (n + 1),
            "region": ["EAST"] * (n + 1), "mode": ["sea"] * n + ["road"], "days": [20.0] * n + [2.0],
            "cost": [0.0] * (n + 1),
        }),
        scenarios=pd.DataFrame(
            {"name": ["short warning"], "probability": [1.0], "warning_days": [7.0], "scale": [1.0],
             "abstentions": [math.nan]},
            index=pd.Index(["SHORT"], name="scenario"),
        ),
        **overrides,
    )
    data.members.loc[list(users), "obligation"] = "deems-necessary"
    return data


def test_robust_plan_may_draw_more_than_the_requirement_at_a_site():
    """Issue 12: draw_open capped the draws at S at the requirement (1), so with one of A
    and B abstaining the best the planner found was half a brigade each, half a unit short
    (1 + 2 × 0.5 + 0.5 × 100 = 53). The best plan has each draw a set: 1 + 2 × 2 = 5,
    nothing short whoever abstains."""
    model, _ = solved(members_who_may_abstain())
    assert pyo.value(model.total_cost) == pytest.approx(5.0, abs=1e-6)
    assert model.shortfall["BDE", "EAST", 2025, "SHORT"].value == pytest.approx(0, abs=1e-6)
    for m in ("A", "B"):
        assert model.draw[m, "S", "BDE", "EAST", 2025, "SHORT"].value == pytest.approx(1)


def test_a_member_that_joins_later_pays_for_its_sets_when_it_joins():
    """Issue 12: sets were paid only in the horizon's first year, so B, joining in 2026,
    kept a set at S without paying for it (plan cost 1, the site alone). Now B pays the
    set's 2 in 2026, its first year: plan cost 1 + 2."""
    data = members_who_may_abstain(k=0, year=2026, years=(2025, 2026))
    data.members.loc["A", "obligation"] = "automatic"
    data.members.loc["B", "obligation"] = "automatic"
    data.members.loc["B", "year_joined"] = 2026
    data.forces.loc[("A", "BDE"), "existing"] = 0.0  # only B can provide
    model, _ = solved(data)
    assert model.sets["B", "S", "BDE"].value == pytest.approx(1)
    assert model.spend["B", 2026].value == pytest.approx(1 + 2)
    assert pyo.value(model.plan_cost) == pytest.approx(1 + 2, abs=1e-6)


@pytest.mark.parametrize("k, parts, cost, drawn", [
    (0, 1, 1 + 2, 1),  # one whole set: 3, not 0.5 short at 100 (50)
    (0, 3, 1 + 2 * 2 / 3, 2 / 3),  # two thirds of a set: 7/3
    (1, 1, 1 + 2 * 2, 2),  # one whole set each of A and B, whoever abstains: 5
    (1, 3, 1 + 2 * 2 * 2 / 3, 4 / 3),  # two thirds each: 11/3
])
def test_a_requirement_in_parts_may_draw_its_whole_parts(k, parts, cost, drawn):
    """Issue 24 F6: draw_open capped the draws at S at (1 + k) · q = (1 + k) · 0.5, so a
    requirement of half a brigade counted in whole brigades (or in thirds) could not draw
    the whole set (two thirds) it needs: the planner left it short. The bound is
    (1 + k) · ⌈p · q⌉ / p."""
    data = members_who_may_abstain(k=k, **({"integer": ("BDE",)} if parts == 1 else {"parts": {"BDE": parts}}))
    data.requirements.loc[("BDE", "EAST", 2025)] = 0.5
    model, _ = solved(data)
    assert pyo.value(model.total_cost) == pytest.approx(cost, abs=1e-6)
    assert model.shortfall["BDE", "EAST", 2025, "SHORT"].value == pytest.approx(0, abs=1e-6)
    total = sum(model.draw[m, "S", "BDE", "EAST", 2025, "SHORT"].value for m in ("A", "B"))
    assert total == pytest.approx(drawn)


def test_an_analysis_that_raises_the_requirement_may_draw_more():
    """The sweep's requirements × 2 on the model built for EAST needing 1 brigade: draw_open
    still capped the draws at POW at 1, so SHORT was a brigade short (55.6). Built for 2
    brigades the plan costs 7.2; scaled, it must too."""
    from planner.analyses.changes import scale_requirements
    from planner.highs import HighsModel

    one = instance(penalty=100)
    one.requirements.loc[("BDE", "EAST", 2025)] = 1.0
    pm = HighsModel(build_model(one))
    with pm.changes():
        scale_requirements(pm, one, 2.0)
        assert pm.solve().objective == pytest.approx(7.2, abs=1e-6)
    assert pm.solve().objective == pytest.approx(3 + 2 + 0.1, abs=1e-6)  # put back: q = 1, one set


def test_an_analysis_that_raises_the_abstention_budget_may_draw_more():
    """A, B and C may abstain. Built for k = 1 each draws half a set (1 + 3 × 0.5 × 2 = 4);
    with k = 2 on the same model (the sweep's and Robustness's set_budget) each must draw a
    whole one (7), which draw_open, still at (1 + 1) · q = 2 sets, cut off."""
    from planner.analyses.changes import set_budget
    from planner.highs import HighsModel

    data = members_who_may_abstain(k=1, users=("A", "B", "C"))
    pm = HighsModel(build_model(data))
    assert pm.solve().objective == pytest.approx(4, abs=1e-6)
    with pm.changes():
        set_budget(pm, data, 2)
        assert pm.solve().objective == pytest.approx(7, abs=1e-6)
    assert pm.solve().objective == pytest.approx(4, abs=1e-6)
