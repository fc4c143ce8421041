"""Robust plans against abstaining members: the dual reformulation (models/robust.py)
against brute force, every abstention set written out as its own constraints."""

from __future__ import annotations

import dataclasses
import itertools
import random

import pandas as pd
import pyomo.environ as pyo
import pytest

from builders import plan
from models import build_model
from planner.solve import solve
from tutorial_data import tutorial_data


def with_obligations(data, obligations: dict[str, str], k: int, scenario_k: dict | None = None):
    members = data.members.copy()
    for m, o in obligations.items():
        members.at[m, "obligation"] = o
    changed = dataclasses.replace(data, members=members, abstentions=k)
    if scenario_k:
        scenarios = changed.scenarios.copy()
        scenarios["abstentions"] = [scenario_k.get(s, float("nan")) for s in scenarios.index]
        changed = dataclasses.replace(changed, scenarios=scenarios)
    return changed


def brute_force(data) -> float:
    """The model with every member automatic, plus, for every scenario s, every set A of at
    most k_s members that may abstain and every requirement cell:
    Σ_{m ∉ A} a[m, cell] + shortfall[cell] ≥ q[cell]."""
    nominal = dataclasses.replace(data, members=data.members.assign(obligation="automatic"))
    model = build_model(nominal)
    ix = model.index
    may = data.may_abstain()
    budget = data.abstention_budget()
    by_member: dict = {}
    for (m, c, r, t, s), v in model.assign.items():
        by_member.setdefault((c, r, t, s), []).append((m, v))
    for (m, k, c, r, t, s), v in model.draw.items():
        by_member.setdefault((c, r, t, s), []).append((m, v))
    rows = []
    for cell, q in ix.requirement.items():
        sets = [A for n in range(budget[cell[3]] + 1) for A in itertools.combinations(may, n)]
        for A in sets:
            kept = [v for m, v in by_member.get(cell, []) if m not in A]
            rows.append(sum(kept) + model.shortfall[cell] >= q)
    model.every_abstention = pyo.ConstraintList()
    for row in rows:
        if row is not True:
            model.every_abstention.add(row)
    return solve(model).objective


def test_tutorial_k1_equals_brute_force():
    data = with_obligations(tutorial_data(), {"BOR": "consent", "CAR": "consent"}, 1)
    robust = solve(build_model(data)).objective
    assert robust == pytest.approx(brute_force(data), rel=1e-9)
    assert robust > solve(build_model(tutorial_data())).objective  # robustness costs


def test_k0_is_the_nominal_plan():
    data = with_obligations(tutorial_data(), {"ARL": "consultative", "BOR": "consent"}, 0)
    assert solve(build_model(data)).objective == pytest.approx(solve(build_model(tutorial_data())).objective, rel=1e-12)


def random_instance(seed: int):
    rng = random.Random(seed)
    n = rng.randint(3, 5)
    codes = [f"M{i}" for i in range(n)]
    members = {m: (rng.uniform(100, 1000), rng.uniform(1, 10)) for m in codes}
    caps = ["C1", "C2"]
    forces = {}
    for m in codes:
        for c in caps:
            if rng.random() < 0.7:
                forces[m, c] = dict(existing=rng.randint(0, 3), acquisition_cost=rng.uniform(1, 10),
                                    max_new=rng.choice([1, 2, 5]), operating_cost=rng.uniform(0, 1))
    regions = ["R1", "R2"]
    requirements = {(c, r, 2025): float(rng.randint(1, 5)) for c in caps for r in regions if rng.random() < 0.8}
    requirements = requirements or {("C1", "R1", 2025): 2.0}
    data = plan(members, forces=forces, requirements=requirements, shortfall_penalty=rng.choice([20.0, 200.0]))
    obligations = {m: rng.choice(["automatic", "deems-necessary", "consultative", "consent"]) for m in codes}
    return with_obligations(data, obligations, rng.randint(1, 2))


@pytest.mark.parametrize("seed", range(12))
def test_random_instances_equal_brute_force(seed):
    data = random_instance(seed)
    assert solve(build_model(data)).objective == pytest.approx(brute_force(data), rel=1e-7, abs=1e-7)


def test_scenario_budgets_override_the_plan_budget():
    """Two scenarios: k = 0 in one, 1 in the other (the plan's k is 2)."""
    scenarios = pd.DataFrame({"name": ["Calm", "Crisis"], "probability": [0.5, 0.5],
                              "warning_days": [float("inf")] * 2, "scale": [1.0, 1.5],
                              "abstentions": [0.0, 1.0]}, index=pd.Index(["CALM", "CRISIS"], name="scenario"))
    base = dataclasses.replace(tutorial_data(), scenarios=scenarios)
    data = with_obligations(base, {"BOR": "consent", "CAR": "deems-necessary"}, 2)
    assert data.abstention_budget() == {"CALM": 0, "CRISIS": 1}
    assert solve(build_model(data)).objective == pytest.approx(brute_force(data), rel=1e-9)


def test_robustness_analysis_of_the_tutorial(tmp_path):
    """Nominal tutorial plan: BOR buys the third brigade, CAR fields the second squadron.
    Either abstaining leaves one unit short in each of the two years: 2 unit-years."""
    from planner.analyses.robustness import analyse_robustness

    data = with_obligations(tutorial_data(), {"BOR": "consent", "CAR": "consent"}, 0)
    model = build_model(data)
    rob = analyse_robustness(solve(model).highs, data, k_max=2)
    worst = rob.worst.set_index("scenario").loc["BASE"]
    assert worst["uncovered_unit_years"] == pytest.approx(2.0)
    assert worst["uncovered_nominal_unit_years"] == pytest.approx(0.0)
    assert dict(zip(rob.members["member"], rob.members["expected_uncovered_unit_years"])) == pytest.approx(
        {"BOR": 2.0, "CAR": 2.0})
    cost = rob.cost.set_index("k")["objective"]
    for k in (0, 1, 2):  # each point is the plan built with that k
        assert cost[k] == pytest.approx(solve(build_model(dataclasses.replace(data, abstentions=k))).objective, rel=1e-9)
    assert solve(model).objective == pytest.approx(cost[0], rel=1e-12)  # the model was put back


def test_report_robustness_sheet(tmp_path):
    import openpyxl

    from planner import run_plan
    from test_validate import TUTORIAL, edited

    def consent(wb):
        ws = wb["Members"]
        col = [c.value for c in ws[1]].index("obligation")
        for row in ws.iter_rows(min_row=2):
            if row[0].value in ("BOR", "CAR"):
                row[col].value = "consent"
        settings = wb["Settings"]
        row = next(c.row for c in settings["A"] if c.value == "abstentions")
        settings.cell(row=row, column=2).value = 1
        row = next(c.row for c in settings["A"] if c.value == "robust_recourse")
        settings.cell(row=row, column=2).value = "no"  # the static robust plan's sheet (recourse: test_recourse.py)

    out = tmp_path / "r.xlsx"
    run_plan(edited(tmp_path, consent), out)
    ws = openpyxl.load_workbook(out)["Robustness"]
    assert len(ws._charts) == 1
    assert ws["A1"].value.startswith("Abstaining members")
    plain = tmp_path / "plain.xlsx"
    run_plan(TUTORIAL, plain)
    assert "automatic" in openpyxl.load_workbook(plain)["Robustness"]["A1"].value


def test_chance_view_samples_participation():
    """Nominal tutorial plan: BOR (brigade) takes part with probability 0.5, CAR always.
    BOR's brigade is missing in half the draws: 1 unit in each of two years, so the
    expected uncovered is about 1 unit-year, the chance of a shortfall about 50 %."""
    from planner.analyses.robustness import chance_view, provisions

    data = with_obligations(tutorial_data(), {"BOR": "consent"}, 0)
    data = dataclasses.replace(data, members=data.members.assign(participation=[float("nan"), 0.5, float("nan")]))
    model = build_model(data)
    solve(model)
    view = chance_view(data, model.index.requirement, provisions(model), draws=4000).set_index("scenario").loc["BASE"]
    assert view["expected_uncovered_unit_years"] == pytest.approx(1.0, abs=0.08)
    assert view["chance_of_shortfall_pct"] == pytest.approx(50.0, abs=4.0)
    assert view["p95_uncovered_unit_years"] == pytest.approx(2.0)
    assert chance_view(with_obligations(tutorial_data(), {"BOR": "consent"}, 0), model.index.requirement,
                       provisions(model)) is None  # no probabilities given


def test_cost_against_k_with_a_scenario_budget_of_zero():
    """Budgets {CALM: 0, CRISIS: 1}: the plan's model has robust rows in CRISIS only, so each
    k of the chart (every scenario k) is a model built with it; the figures equal those."""
    from planner.analyses.changes import with_budget
    from planner.analyses.robustness import analyse_robustness

    scenarios = pd.DataFrame({"name": ["Calm", "Crisis"], "probability": [0.5, 0.5],
                              "warning_days": [float("inf")] * 2, "scale": [1.0, 1.5],
                              "abstentions": [0.0, 1.0]}, index=pd.Index(["CALM", "CRISIS"], name="scenario"))
    data = with_obligations(dataclasses.replace(tutorial_data(), scenarios=scenarios),
                            {"BOR": "consent", "CAR": "consent"}, 0)
    model = build_model(data)
    cost = analyse_robustness(solve(model).highs, data, k_max=2).cost.set_index("k")["objective"]
    for k in (0, 1, 2):
        assert cost[k] == pytest.approx(solve(build_model(with_budget(data, k))).objective, rel=1e-9)
    assert cost[1] > cost[0]


def test_who_may_abstain_in_a_scenario():
    """U_s: a member whose obligation is not automatic, unless Participation says 'yes' (it
    takes part) or 'no' (it is out of s) there; an automatic member only where Participation
    says 'maybe'. U without a scenario is the union of the U_s."""
    from planner.analyses.recourse import abstention_sets

    data = plan({m: (100, 1) for m in "ABCDE"}, requirements={("BDE", "EAST", 2025): 1}, abstentions=1,
                scenarios=pd.DataFrame({"name": ["one", "two"], "probability": [0.5, 0.5],
                                        "warning_days": [float("inf")] * 2, "scale": [1.0, 1.0],
                                        "abstentions": [float("nan")] * 2},
                                       index=pd.Index(["S1", "S2"], name="scenario")),
                participation={("B", "S1"): "yes", ("C", "S1"): "no", ("E", "S1"): "maybe", ("A", "S2"): "no",
                               ("D", "S1"): "yes", ("D", "S2"): "no"})
    data.members["obligation"] = ["automatic", "deems-necessary", "consultative", "consent", "automatic"]
    assert data.may_abstain("S1") == ["E"]
    assert data.may_abstain("S2") == ["B", "C"]
    assert data.may_abstain() == ["B", "C", "E"]  # D takes part or is out in every scenario
    assert abstention_sets(data, "S1", 1) == [frozenset({"E"})]
    assert abstention_sets(data, "S2", 2) == [frozenset({"B", "C"})]


def test_robustness_names_only_members_that_may_abstain_there():
    """A and B (deems-necessary) each keep 1 brigade for EAST, A at transit 3, B at 5; A
    takes part in BASE for certain (Participation 'yes'), so the plan guards against B
    alone: A goes. The Robustness sheet's worst set and most harmful members are searched
    among the members that may abstain in BASE: B, whose abstention uncovers nothing."""
    from planner.analyses.robustness import analyse_robustness

    data = plan({"A": (100, 1), "B": (100, 1)},
                forces={("A", "BDE"): {"existing": 1, "max_new": 0}, ("B", "BDE"): {"existing": 1, "max_new": 0}},
                requirements={("BDE", "EAST", 2025): 1}, shortfall_penalty=100.0, abstentions=1,
                participation={("A", "BASE"): "yes"},
                transit=pd.DataFrame({"from_member": ["A", "B"], "from_site": [None, None],
                                      "capability": ["BDE", "BDE"], "region": ["EAST", "EAST"],
                                      "mode": ["land", "land"], "days": [1.0, 1.0], "cost": [3.0, 5.0]}))
    data.members["obligation"] = "deems-necessary"
    model = build_model(data)
    assert solve(model).objective == pytest.approx(3)
    rob = analyse_robustness(solve(model).highs, data, k_max=1)
    worst = rob.worst.set_index("scenario").loc["BASE"]
    assert worst["worst_set"] == "none" and worst["uncovered_unit_years"] == pytest.approx(0)
    assert list(rob.members["member"]) == ["B"]
    assert rob.cost.set_index("k").loc[1, "static_worst_sets"] == "BASE: no set uncovers anything"
