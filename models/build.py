"""Assemble the burden-sharing model: one function per concern, called in order.

    minimise  plan_cost + Σ_s p_s · scenario_cost[s]   (expected; worst-case: max_s)
            + P_gap · Σ_{(m,t)} δ_t · spending_gap[m, t]            spending below floors
            + Σ_{(m,t)} δ_t · P_equip[m, t] · equipment_gap[m, t]   equipment below floors
            − ε_tie · Σ_{(m,t) ∈ A_top} δ_t · topup[m, t]           tie-break

    plan_cost        = Σ_{(m,t) ∈ A} δ_t · (spend[m, t] − D_m)
    scenario_cost[s] = Σ_t δ_t · (Σ h[m, c, r, s] · assign[m, c, r, t, s]
                                  + Σ v[k, c, r, s] · draw[m, k, c, r, t, s]
                                  + P_short · Σ shortfall[c, r, t, s])
    worst_case[s]:     worst_scenario_cost ≥ scenario_cost[s]      (worst-case only; with scenario
                       groups, over every copy s of every group: the worst copy of the worst group)
    group_worst[g, s]: group_cost[g] ≥ scenario_cost[s], s ∈ g       (scenario groups, expected only:
                       Σ_g (Σ_{s ∈ g} p_s) · group_cost[g] replaces the expected second stage;
                       planner/analyses/recourse.py copies a scenario once per abstention set)

money_cost = plan_cost + Σ_s p_s · transit_cost[s] is the plan's real money; the shortfall
and spending-gap penalties and the tie-break are modelling weights, never reported as money.

The tie-break (ε_tie = 1e-4 per M) makes a member that must reach a spending floor
show the money as a top-up rather than as units no requirement uses, when the two
cost the same; it changes the optimal value by less than ε_tie × the top-ups.

See docs/model.md for the whole formulation.
"""

from __future__ import annotations

import pyomo.environ as pyo
from pyomo.common.gc_manager import PauseGC

from .coverage import add_coverage
from .data import PlanData
from .fairness import add_fairness
from .forces import add_acquisitions
from .granularity import add_granularity
from .prepositioning import CUTS, add_prepositioning
from .sets import ModelIndex, build_index
from .sovereignty import add_sovereignty
from .spending import add_spending, gap_penalty
from .terms import weighted

TIE_BREAK = 1e-4  # ε_tie, per M currency of top-up (1e-6 made HiGHS's dual simplex stall)


def build_model(data: PlanData) -> pyo.ConcreteModel:
    """The Pyomo model of `data`; its sparse index is kept as `model.index`."""
    with PauseGC():  # millions of new objects: the cyclic GC would rescan them all, again and again
        return _build(data)


def _build(data: PlanData) -> pyo.ConcreteModel:
    ix = build_index(data)
    model = pyo.ConcreteModel(name=data.name)
    model.index = ix
    add_acquisitions(model, data, ix)
    add_coverage(model, data, ix)
    add_prepositioning(model, data, ix)
    add_sovereignty(model, data, ix)
    add_spending(model, data, ix)
    add_fairness(model, data, ix)
    add_granularity(model, data)
    add_objective(model, data, ix)
    model.valid_inequalities = CUTS  # names of constraints that only tighten the relaxation
    model.elastic = data.elastic  # requirements and floors soft (the advice on an infeasible plan)
    return model


def add_objective(model: pyo.ConcreteModel, data: PlanData, ix: ModelIndex) -> None:
    d = ix.discount
    baseline = data.members["spending"]
    model.plan_cost = pyo.Expression(
        expr=sum(d[t] * model.spend[m, t] for m, t in ix.active) - sum(d[t] * baseline[m] for m, t in ix.active)
    )
    moves: dict[str, list] = {s: [] for s in ix.scenarios}  # s -> (cost, variable)
    home, site = ix.home_cost, ix.site_cost
    for (m, c, r, t, s), var in zip(ix.assign, model.assign.values()):
        if home[m, c, r, s]:
            moves[s].append((d[t] * home[m, c, r, s], var))
    for (m, k, c, r, t, s), var in zip(ix.draws, model.draw.values()):
        if site[k, c, r, s]:
            moves[s].append((d[t] * site[k, c, r, s], var))
    short: dict[str, list] = {s: [] for s in ix.scenarios}
    for (c, r, t, s), var in zip(ix.requirement, model.shortfall.values()):
        short[s].append((d[t], var))
    model.transit_cost = pyo.Expression(model.S, rule=lambda mdl, s: weighted(moves[s]))
    model.shortfall_cost = pyo.Expression(
        model.S, rule=lambda mdl, s: data.shortfall_penalty * weighted(short[s])
    )
    model.scenario_cost = pyo.Expression(
        model.S, rule=lambda mdl, s: mdl.transit_cost[s] + mdl.shortfall_cost[s]
    )
    p = ix.probability
    model.deployment_cost = pyo.Expression(expr=sum(p[s] * model.transit_cost[s] for s in ix.scenarios))
    model.money_cost = pyo.Expression(expr=model.plan_cost + model.deployment_cost)  # real money, M
    model.expected_shortfall = pyo.Expression(  # unit-years, weighted by scenario probability
        expr=weighted([(p[s], var) for (c, r, t, s), var in zip(ix.requirement, model.shortfall.values())])
    )
    model.gap_penalty = pyo.Expression(expr=gap_penalty(model, data, ix))
    gaps = model.gap_penalty
    model.penalties = pyo.Expression(
        expr=sum(p[s] * model.shortfall_cost[s] for s in ix.scenarios) + gaps
    )
    tie_break = TIE_BREAK * sum(d[t] * v for (m, t), v in model.topup.items())
    if data.scenario_objective == "worst-case":  # over every scenario, and every copy of one (recourse)
        model.worst_scenario_cost = pyo.Var(domain=pyo.Reals, doc="worst scenario's cost [M]")
        model.worst_case = pyo.Constraint(
            model.S, rule=lambda mdl, s: mdl.worst_scenario_cost >= mdl.scenario_cost[s]
        )
        second_stage = model.worst_scenario_cost + gaps
    elif data.scenario_groups:  # recourse against abstentions: expected over groups of the worst copy in each
        groups: dict[str, list[str]] = {}
        for s in ix.scenarios:
            groups.setdefault(data.scenario_groups[s], []).append(s)
        model.G_groups = pyo.Set(initialize=list(groups), ordered=True)
        model.group_cost = pyo.Var(model.G_groups, domain=pyo.Reals, doc="worst copy's cost in a group [M]")
        model.group_worst = pyo.Constraint(
            [(g, s) for g, members in groups.items() for s in members],
            rule=lambda mdl, g, s: mdl.group_cost[g] >= mdl.scenario_cost[s],
        )
        second_stage = sum(sum(p[s] for s in members) * model.group_cost[g] for g, members in groups.items()) + gaps
    else:
        second_stage = model.deployment_cost + model.penalties
    model.total_cost = pyo.Objective(
        expr=model.plan_cost + second_stage - tie_break, sense=pyo.minimize
    )
