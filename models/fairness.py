"""Each member's share of the burden within its fair share ± the band.

The burden of member m is its discounted defence spending over its years of membership;
its fair burden is its key share of the alliance's spending in each of those years:

    burden[m]      = Σ_{t : (m, t) ∈ A} δ_t · spend[m, t]
    fair_burden[m] = Σ_{t : (m, t) ∈ A} δ_t · w[m, t] · total_spend[t]

    fair_share_floor[m]:    burden[m] ≥ (1 − b_m) · fair_burden[m]
    fair_share_ceiling[m]:  burden[m] ≤ (1 + b_m) · fair_burden[m]

for the members with a band b_m (not exempt).
"""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo

from .data import PlanData
from .sets import ModelIndex


def add_fairness(model: pyo.ConcreteModel, data: PlanData, ix: ModelIndex) -> None:
    years_of: dict[str, list[int]] = defaultdict(list)
    for m, t in ix.active:
        years_of[m].append(t)
    d = ix.discount

    def gap(mdl, m, factor):
        """burden[m] − factor · fair_burden[m]."""
        return sum(
            d[t] * mdl.spend[m, t] - factor * d[t] * ix.key_share[m, t] * mdl.total_spend[t]
            for t in years_of[m]
        )

    model.F = pyo.Set(initialize=ix.fair_members, ordered=True)
    model.fair_share_floor = pyo.Constraint(
        model.F, rule=lambda mdl, m: gap(mdl, m, 1 - ix.band[m]) >= 0
    )
    model.fair_share_ceiling = pyo.Constraint(
        model.F, rule=lambda mdl, m: gap(mdl, m, 1 + ix.band[m]) <= 0
    )
