"""Robust cover: requirements met even if any k_s members that may abstain do so.

U_s is the set of members whose obligation is not automatic (deems-necessary: North
Atlantic Treaty Art. 5; consultative: ANZUS Art. IV; consent: Rio Treaty Art. 20), as the
Participation sheet adjusts it for scenario s ('yes': never abstains there, 'maybe': may).
In scenario s any k_s of them may stay out; what a member provides to a requirement is lost
when it abstains:

    a[m, c, r, t, s] = Σ_r' assign[m, c, r, t, s] + Σ_k draw[m, k, c, r, t, s]     units

The requirement must hold for the worst abstention set A ⊆ U, |A| ≤ k_s:

    Σ_m a[m, ·] + shortfall − max_{A} Σ_{m ∈ A} a[m, ·]  ≥  q[c, r, t, s]

The inner maximum is a linear programme over {z ∈ [0, 1]^U : Σ z ≤ k_s}, whose vertices
are the abstention sets (k_s integer), so by LP duality it equals

    min  k_s · abstain_budget + Σ_{m ∈ U} abstain_loss[m]
    s.t. abstain_budget + abstain_loss[m] ≥ a[m, ·],   abstain_budget, abstain_loss ≥ 0,

and the robust requirement is exactly (Bertsimas & Sim 2004):

    meet_requirement[c, r, t, s]:  Σ_m a[m, c, r, t, s] + shortfall[c, r, t, s]
                                   − k_s · abstain_budget[c, r, t, s]
                                   − Σ_{m ∈ U} abstain_loss[m, c, r, t, s] ≥ q[c, r, t, s]
    robust_loss[m, c, r, t, s]:    abstain_budget[c, r, t, s] + abstain_loss[m, c, r, t, s]
                                   − a[m, c, r, t, s] ≥ 0          (m ∈ U providing c to r)

With k_s = 0 the budget would be free and the losses 0: the nominal requirement, so the
robust terms are built only in scenarios with k_s > 0. Deployment is
decided before the abstention is known (units sent by a member that abstains are lost;
the others are not redeployed): the robust plan holds for every abstention set as it
stands. The shortfall is then the worst abstention set's shortfall, cell by cell.
"""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo

from .data import PlanData
from .sets import Cell, ModelIndex


def add_abstentions(model: pyo.ConcreteModel, data: PlanData, ix: ModelIndex,
                    provided_by: dict[tuple, list]) -> dict[Cell, object]:
    """The robust part of each requirement row: cell → −k_s · budget − Σ losses.

    `provided_by` maps (m, c, r, t, s) to m's provision variables in that cell.
    """
    budget = data.abstention_budget()
    may_abstain = {s: set(data.may_abstain(s)) if budget[s] > 0 else set() for s in ix.scenarios}
    pairs = [key for key in provided_by if key[0] in may_abstain[key[4]]]
    cells = list(dict.fromkeys(key[1:] for key in pairs))
    model.U_cells = pyo.Set(initialize=cells, dimen=4, ordered=True)
    model.U_pairs = pyo.Set(initialize=pairs, dimen=5, ordered=True)
    model.abstain_budget = pyo.Var(model.U_cells, domain=pyo.NonNegativeReals,
                                   doc="dual of the abstention budget [units]")
    model.abstain_loss = pyo.Var(model.U_pairs, domain=pyo.NonNegativeReals,
                                 doc="units lost if the member abstains, beyond the budget [units]")
    model.robust_loss = pyo.Constraint(
        model.U_pairs,
        rule=lambda mdl, m, c, r, t, s: mdl.abstain_budget[c, r, t, s] + mdl.abstain_loss[m, c, r, t, s]
        - sum(provided_by[m, c, r, t, s]) >= 0,
    )
    losses: dict[Cell, list] = defaultdict(list)
    for m, c, r, t, s in pairs:
        losses[c, r, t, s].append(model.abstain_loss[m, c, r, t, s])
    return {cell: -budget[cell[3]] * model.abstain_budget[cell] - sum(losses[cell]) for cell in cells}
