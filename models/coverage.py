"""Assignment of fielded units to regional requirements.

    assign[m, c, r, t] ≥ 0              units of m's capability c serving region r in t, W
    0 ≤ shortfall[c, r, t] ≤ (∞ in elastic mode, 0 in strict mode)   units missing, Q

    stock_limit[m, c, t]:       Σ_r assign[m, c, r, t] ≤ E[m, c, t] + new_units[m, c, t]
    meet_requirement[c, r, t]:  Σ_m assign[m, c, r, t] + shortfall[c, r, t] ≥ q[c, r, t]

The dual of meet_requirement[c, r, t] is the marginal cost of one more unit required.
"""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo

from .data import PlanData
from .sets import ModelIndex


def add_coverage(model: pyo.ConcreteModel, data: PlanData, ix: ModelIndex) -> None:
    model.W = pyo.Set(initialize=ix.assign, dimen=4, ordered=True)
    model.Q = pyo.Set(initialize=list(ix.requirement), dimen=3, ordered=True)
    model.assign = pyo.Var(model.W, domain=pyo.NonNegativeReals, doc="units assigned [units]")
    model.shortfall = pyo.Var(
        model.Q, bounds=(0.0, None if data.elastic else 0.0), doc="units missing [units]"
    )

    by_stock: dict[tuple, list] = defaultdict(list)
    by_req: dict[tuple, list] = defaultdict(list)
    for m, c, r, t in ix.assign:
        by_stock[m, c, t].append(r)
        by_req[c, r, t].append(m)

    model.K = pyo.Set(initialize=ix.stock_rows, dimen=3, ordered=True)

    def stock_limit(mdl, m, c, t):
        """Σ_r assign[m, c, r, t] ≤ E[m, c, t] + new_units[m, c, t]."""
        used = sum(mdl.assign[m, c, r, t] for r in by_stock[m, c, t])
        return used - mdl.new_units(mdl, m, c, t) <= ix.existing.get((m, c, t), 0.0)

    model.stock_limit = pyo.Constraint(model.K, rule=stock_limit)

    def meet_requirement(mdl, c, r, t):
        """Σ_m assign[m, c, r, t] + shortfall[c, r, t] ≥ q[c, r, t]."""
        provided = sum(mdl.assign[m, c, r, t] for m in by_req.get((c, r, t), ()))
        return provided + mdl.shortfall[c, r, t] >= ix.requirement[c, r, t]

    model.meet_requirement = pyo.Constraint(model.Q, rule=meet_requirement)
