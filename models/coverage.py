"""Deployment of units to requirements, scenario by scenario (the second stage).

    assign[m, c, r, t, s] ≥ 0      units of m's capability c reaching region r from home
                                   within scenario s's warning time, W
    draw[m, k, c, r, t, s] ≥ 0     units of m flown in to draw m's sets at site k and
                                   reaching r within the warning time, D
    0 ≤ shortfall[c, r, t, s] ≤ (∞ in elastic mode, 0 in strict mode)   units missing, Q

    stock_limit[m, c, t, s]:       Σ_r assign[m, c, r, t, s] + Σ_{k,r} draw[m, k, c, r, t, s]
                                       ≤ E[m, c, t] + new_units[m, c, t]
    meet_requirement[c, r, t, s]:  Σ_m assign[m, c, r, t, s] + Σ_{m,k} draw[m, k, c, r, t, s]
                                       + shortfall[c, r, t, s] ≥ q[c, r, t, s]
                                   (with members that may abstain, minus the robust terms
                                   of models/robust.py)

The dual of meet_requirement[c, r, t, s] is the marginal cost of one more unit required.
"""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo

from .data import PlanData
from .robust import add_abstentions
from .sets import ModelIndex
from .terms import total


def add_coverage(model: pyo.ConcreteModel, data: PlanData, ix: ModelIndex) -> None:
    model.S = pyo.Set(initialize=ix.scenarios, ordered=True)
    model.W = pyo.Set(initialize=ix.assign, dimen=5, ordered=True)
    model.D = pyo.Set(initialize=ix.draws, dimen=6, ordered=True)
    model.Q = pyo.Set(initialize=list(ix.requirement), dimen=4, ordered=True)
    model.assign = pyo.Var(model.W, domain=pyo.NonNegativeReals, doc="units from home [units]")
    model.draw = pyo.Var(model.D, domain=pyo.NonNegativeReals, doc="units drawing sets [units]")
    model.shortfall = pyo.Var(
        model.Q, bounds=(0.0, None if data.elastic else 0.0), doc="units missing [units]"
    )

    used: dict[tuple, list] = defaultdict(list)  # (m, c, t, s) -> variables
    provided: dict[tuple, list] = defaultdict(list)  # (c, r, t, s) -> variables
    provided_by: dict[tuple, list] = defaultdict(list)  # (m, c, r, t, s) -> variables, m may abstain
    may_abstain = set(data.may_abstain()) if any(data.abstention_budget().values()) else set()
    for (m, c, r, t, s), var in zip(ix.assign, model.assign.values()):  # W is ordered as ix.assign
        used[m, c, t, s].append(var)
        provided[c, r, t, s].append(var)
        if m in may_abstain:
            provided_by[m, c, r, t, s].append(var)
    for (m, k, c, r, t, s), var in zip(ix.draws, model.draw.values()):
        used[m, c, t, s].append(var)
        provided[c, r, t, s].append(var)
        if m in may_abstain:
            provided_by[m, c, r, t, s].append(var)
    robust = add_abstentions(model, data, ix, provided_by)

    model.K = pyo.Set(initialize=ix.stock_rows, dimen=4, ordered=True)

    def stock_limit(mdl, m, c, t, s):
        """Σ_r assign + Σ_{k,r} draw ≤ E[m, c, t] + new_units[m, c, t]."""
        return total(used[m, c, t, s]) - mdl.new_units(mdl, m, c, t) <= ix.existing.get((m, c, t), 0.0)

    model.stock_limit = pyo.Constraint(model.K, rule=stock_limit)

    def meet_requirement(mdl, c, r, t, s):
        """Σ_m assign + Σ_{m,k} draw + shortfall (− k_s · budget − Σ losses) ≥ q[c, r, t, s]."""
        lhs = total([*provided.get((c, r, t, s), ()), mdl.shortfall[c, r, t, s]])
        if (c, r, t, s) in robust:
            lhs = lhs + robust[c, r, t, s]
        return lhs >= ix.requirement[c, r, t, s]

    model.meet_requirement = pyo.Constraint(model.Q, rule=meet_requirement)
