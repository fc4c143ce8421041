"""Dependence caps, commitments abroad, opt-outs, suspensions towards a member and
per-scenario participation, on instances solved by hand."""

from __future__ import annotations

import dataclasses
import math

import pandas as pd
import pytest

from builders import plan
from models import build_model
from planner.analyses.whatif import MemberChanges, whatif
from planner.solve import solve
from tutorial_data import tutorial_data


def objective(data) -> float:
    return solve(build_model(data)).objective


def two_members(**overrides):
    """A fields 2 units (3 M more each), B none of its own but can buy at 8 M; region R is B's.
    2 units are required."""
    data = plan({"A": (1000.0, 10.0), "B": (500.0, 5.0)},
                forces={("A", "U"): dict(existing=2, max_new=5, acquisition_cost=3.0),
                        ("B", "U"): dict(existing=0, max_new=5, acquisition_cost=8.0)},
                requirements={("U", "R", 2025): 2.0}, shortfall_penalty=100.0, **overrides)
    regions = data.regions.assign(host=["B"])
    return dataclasses.replace(data, regions=regions)


def test_nothing_to_pay_without_limits():
    assert objective(two_members()) == pytest.approx(0.0, abs=1e-9)


def test_commitments_abroad():
    """A may commit half its units abroad. If A buys x more, it sends (2 + x) / 2 and B buys
    the rest, 1 − x/2, at 8 M: 3x + 8 (1 − x/2) = 8 − x, least at x = 2 (A buys 2: 6 M)."""
    data = two_members()
    members = data.members.assign(max_abroad=[0.5, math.nan])
    assert objective(dataclasses.replace(data, members=members)) == pytest.approx(6.0, abs=1e-6)


def test_dependence_cap():
    """No member may provide more than half a requirement: B buys one unit (8 M)."""
    data = dataclasses.replace(two_members(), max_requirement_share=0.5)
    assert objective(data) == pytest.approx(8.0, abs=1e-6)


def test_tutorial_dependence_cap_by_hand():
    """BDE 3 a year: ARL and BOR at most 1.5 each, so BOR buys 1.5 brigades (2.5 M each, 1 M a
    year to run: 6.75 M instead of 4.5 M) and tops up 0.5 M less to its 2026 floor: +1.75 M."""
    nominal = objective(tutorial_data())
    assert objective(tutorial_data(max_requirement_share=0.5)) == pytest.approx(nominal + 1.75, abs=1e-3)


def test_suspension_towards_the_host():
    """A suspends its obligations to B (R is B's): B buys both units (16 M)."""
    data = dataclasses.replace(two_members(), suspensions=(("A", "B", 2025, None),))
    assert objective(data) == pytest.approx(16.0, abs=1e-6)
    ended = dataclasses.replace(two_members(), suspensions=(("A", "B", 2020, 2024),))
    assert objective(ended) == pytest.approx(0.0, abs=1e-9)


def test_suspension_towards_as_a_whatif_equals_the_data():
    data = two_members()
    result = whatif(data, MemberChanges(suspend_towards={("A", "B"): 2025}))
    expected = objective(dataclasses.replace(data, suspensions=(("A", "B", 2025, None),)))
    assert result.after.totals["objective"] == pytest.approx(expected, rel=1e-9, abs=1e-9)
    assert "obligations to B suspended from 2025" in result.members.set_index("member").loc["A", "change"]


def test_participation_no_keeps_a_member_out_of_a_scenario():
    data = dataclasses.replace(two_members(), participation={("A", "BASE"): "no"})
    assert objective(data) == pytest.approx(16.0, abs=1e-6)


def test_participation_yes_and_maybe_change_who_may_abstain():
    data = two_members().members.assign(obligation=["consent", "automatic"])
    base = dataclasses.replace(two_members(), members=data, abstentions=1)
    assert objective(base) == pytest.approx(16.0, abs=1e-6)  # A may abstain: B must cover alone
    assert base.may_abstain("BASE") == ["A"]
    sure = dataclasses.replace(base, participation={("A", "BASE"): "yes"})
    assert sure.may_abstain("BASE") == [] and objective(sure) == pytest.approx(0.0, abs=1e-9)
    both = dataclasses.replace(base, participation={("B", "BASE"): "maybe"})
    assert sorted(both.may_abstain("BASE")) == ["A", "B"]
    # either may abstain: each must cover alone; A needs nothing more, B buys 2: 16 M
    assert objective(both) == pytest.approx(16.0, abs=1e-6)


def test_capability_cap_by_hand():
    """Two regions of 1 unit each; A (2 units, free) may provide at most 50 % of the 2 units
    required in all: B buys 1 (8 M)."""
    data = plan({"A": (1000.0, 10.0), "B": (500.0, 5.0)},
                forces={("A", "U"): dict(existing=2, max_new=5, acquisition_cost=3.0),
                        ("B", "U"): dict(existing=0, max_new=5, acquisition_cost=8.0)},
                requirements={("U", "R1", 2025): 1.0, ("U", "R2", 2025): 1.0}, shortfall_penalty=100.0)
    assert objective(data) == pytest.approx(0.0, abs=1e-9)
    assert objective(dataclasses.replace(data, max_capability_share=0.5)) == pytest.approx(8.0, abs=1e-6)
    # the per-requirement cap alone does not bind here (A gives 1 of 1 in each region: 100 %)
    assert objective(dataclasses.replace(data, max_requirement_share=1.0)) == pytest.approx(0.0, abs=1e-9)
