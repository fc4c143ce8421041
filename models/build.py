"""Assemble the burden-sharing model: one function per concern, called in order.

    minimise  Σ_{(m,t) ∈ A} δ_t · (spend[m, t] − D_m)                 plan cost
            + P_short · Σ_{(c,r,t) ∈ Q} δ_t · shortfall[c, r, t]      unmet requirements
            + P_gap   · Σ_{(m,t)} δ_t · spending_gap[m, t]            spending below floors
            − ε_tie   · Σ_{(m,t) ∈ A} δ_t · topup[m, t]               tie-break

The tie-break (ε_tie = 1e-6 per M) makes a member that must reach a spending floor
show the money as a top-up rather than as units no requirement uses, when the two
cost the same; it changes the optimal value by less than ε_tie × the top-ups.

See docs/model.md for the whole formulation.
"""

from __future__ import annotations

import pyomo.environ as pyo

from .coverage import add_coverage
from .data import PlanData
from .fairness import add_fairness
from .forces import add_acquisitions
from .sets import ModelIndex, build_index
from .spending import add_spending

TIE_BREAK = 1e-6  # ε_tie, per M currency of top-up


def build_model(data: PlanData) -> pyo.ConcreteModel:
    """The Pyomo model of `data`; its sparse index is kept as `model.index`."""
    ix = build_index(data)
    model = pyo.ConcreteModel(name=data.name)
    model.index = ix
    add_acquisitions(model, data, ix)
    add_coverage(model, data, ix)
    add_spending(model, data, ix)
    add_fairness(model, data, ix)
    add_objective(model, data, ix)
    return model


def add_objective(model: pyo.ConcreteModel, data: PlanData, ix: ModelIndex) -> None:
    d = ix.discount
    baseline = data.members["spending"]
    plan_cost = sum(d[t] * model.spend[m, t] for m, t in ix.active) - sum(
        d[t] * baseline[m] for m, t in ix.active
    )
    model.plan_cost = pyo.Expression(expr=plan_cost)
    penalties = data.shortfall_penalty * sum(d[t] * model.shortfall[c, r, t] for c, r, t in ix.requirement)
    penalties += data.spending_gap_penalty * sum(d[t] * model.spending_gap[m, t] for m, t in model.A_floor)
    model.penalties = pyo.Expression(expr=penalties)
    tie_break = TIE_BREAK * sum(d[t] * model.topup[m, t] for m, t in ix.active)
    model.total_cost = pyo.Objective(
        expr=model.plan_cost + model.penalties - tie_break, sense=pyo.minimize
    )
