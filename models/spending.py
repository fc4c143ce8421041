"""Defence spending of each member and year, against its targets.

    spend[m, t] ≥ 0          defence spending [M currency], (m, t) ∈ A
    topup[m, t] ≥ 0          spending added only to meet a target, counted as equipment
    spending_gap[m, t] ≥ 0   spending missing below the floor (elastic mode only)
    equipment_gap[m, t] ≥ 0  equipment spending missing below the equipment floor (elastic
                             mode only)

    define_spend[m, t]:      spend[m, t] = D_m + Σ_c (a_mc · x_units[m, c, t]
                                                  + o_mc · new_units[m, c, t])
                                        + P_set[m, t] + P_store[m, t] + σ[m, t] · C_site[t]
                                        + topup[m, t]
    spending_floor[m, t]:    spend[m, t] + spending_gap[m, t] ≥ φmin[m, t] · G[m, t]
    spending_ceiling[m, t]:  spend[m, t] ≤ φmax[m, t] · G[m, t]
    equipment_floor[m, t]:   e_m · D_m + Σ_c a_mc · x_units[m, c, t] + P_set[m, t] + topup[m, t]
                                 + equipment_gap[m, t] ≥ εmin[m, t] · spend[m, t]
    growth_limit[m, t]:      spend[m, t] ≤ (1 + γ[m, t]) · spend[m, t − 1]
                             (for the first year: ≤ (1 + γ)^(t − base_year) · D_m)
    rise_limit[m, t]:        spend[m, t] − topup[m, t] ≤ G[m, t] · (s[m, t − 1] + ρ[m, t])
    fall_limit[m, t]:        spend[m, t] ≥ G[m, t] · (s[m, t − 1] − ρ[m, t])
                             s[m, t − 1] = spend[m, t − 1] / G[m, t − 1], the share of GDP the
                             year before (for the first year: D_m / G_m of the base year, and
                             ρ · (t − base_year) in place of ρ)
    define_total[t]:         total_spend[t] = Σ_{m : (m, t) ∈ A} spend[m, t]

P_set, P_store (sets bought in the member's first year in the horizon, stored every year)
and the common-funded share σ[m, t] · C_site[t] of site costs come from
models/prepositioning.py.
The baseline D_m is never cut: spend[m, t] ≥ D_m follows from define_spend.

Both gaps are penalised in the objective (`gap_penalty`):

    P_gap · Σ δ_t · spending_gap[m, t] + Σ δ_t · P_equip[m, t] · equipment_gap[m, t]
    P_equip[m, t] = P_gap / (1 − εmin[m, t])      (P_gap where εmin = 1)

A top-up of y raises equipment by y and spending by y, closing (1 − εmin) · y of an
equipment gap: meeting the floor costs 1 / (1 − εmin) per M of gap, less than P_equip
since P_gap > 1. So a gap appears only where no top-up can close it (a ceiling, a growth
limit or a fair-share band stops the spending).
"""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo
from pyomo.core.expr.numeric_expr import SumExpression

from .data import PlanData
from .prepositioning import member_costs
from .sets import ModelIndex
from .terms import weighted


def add_spending(model: pyo.ConcreteModel, data: PlanData, ix: ModelIndex) -> None:
    members = data.members
    forces = data.forces
    baseline = members["spending"].to_dict()
    equipment0 = members["equipment_share"].to_dict()
    targets = {column: data.targets[column].dropna().to_dict() for column in data.targets.columns}
    active = set(ix.active)

    capabilities_of: dict[str, list[str]] = defaultdict(list)
    for m, c in forces.index:
        capabilities_of[m].append(c)
    acq = forces["acquisition_cost"].to_dict()
    opc = forces["operating_cost"].to_dict()
    orders = set(ix.orders)

    def target(m: str, t: int, column: str) -> float | None:
        value = targets[column].get((m, t))
        return None if value is None else float(value)

    model.A = pyo.Set(initialize=ix.active, dimen=2, ordered=True)
    model.T = pyo.Set(initialize=ix.years, ordered=True)
    model.spend = pyo.Var(model.A, domain=pyo.NonNegativeReals, doc="defence spending [M]")
    model.topup = pyo.Var(model.A, domain=pyo.NonNegativeReals, doc="target top-up [M]")

    set_equipment, set_other = member_costs(model, data, ix)

    def acquisition_terms(mdl, m, t) -> list[tuple[float, object]]:
        """(a, x_units) of m's orders placed in year t."""
        return [(acq[m, c], mdl.x_units[m, c, t]) for c in capabilities_of[m] if (m, c, t) in orders]

    def acquisition_spending(mdl, m, t):
        """Σ_c a·x_units + set purchases: spending on equipment."""
        return weighted(acquisition_terms(mdl, m, t)) + set_equipment.get((m, t), 0.0)

    def define_spend(mdl, m, t):
        """spend = D + Σ_c (a·x_units + o·new_units) + P_pre[m, t] + topup."""
        terms = [(1.0, mdl.spend[m, t]), (-1.0, mdl.topup[m, t])]
        terms += [(-a, x) for a, x in acquisition_terms(mdl, m, t)]
        operating = [-opc[m, c] * mdl.new_units(mdl, m, c, t) for c in capabilities_of[m] if opc[m, c]]
        return (weighted(terms) + SumExpression(operating)
                - set_equipment.get((m, t), 0.0) - set_other.get((m, t), 0.0) == baseline[m])

    model.define_spend = pyo.Constraint(model.A, rule=define_spend)

    floor_rows = [(m, t) for m, t in ix.active if target(m, t, "min_gdp")]
    model.A_floor = pyo.Set(initialize=floor_rows, dimen=2, ordered=True)
    model.spending_gap = pyo.Var(
        model.A_floor, bounds=(0.0, None if data.elastic else 0.0), doc="below floor [M]"
    )
    model.spending_floor = pyo.Constraint(
        model.A_floor,
        rule=lambda mdl, m, t: mdl.spend[m, t] + mdl.spending_gap[m, t]
        >= target(m, t, "min_gdp") * ix.gdp[m, t],
    )

    ceiling_rows = [(m, t) for m, t in ix.active if target(m, t, "max_gdp") is not None]
    model.spending_ceiling = pyo.Constraint(
        pyo.Set(initialize=ceiling_rows, dimen=2, ordered=True),
        rule=lambda mdl, m, t: mdl.spend[m, t] <= target(m, t, "max_gdp") * ix.gdp[m, t],
    )

    equipment_rows = [(m, t) for m, t in ix.active if target(m, t, "min_equipment")]
    model.A_equip = pyo.Set(initialize=equipment_rows, dimen=2, ordered=True)
    model.equipment_gap = pyo.Var(
        model.A_equip, bounds=(0.0, None if data.elastic else 0.0), doc="equipment below floor [M]"
    )

    def equipment_floor(mdl, m, t):
        """e·D + Σ a·x_units + P_set + topup + equipment_gap ≥ εmin · spend."""
        equipment = (equipment0[m] * baseline[m] + acquisition_spending(mdl, m, t) + mdl.topup[m, t]
                     + mdl.equipment_gap[m, t])
        return equipment >= target(m, t, "min_equipment") * mdl.spend[m, t]

    model.equipment_floor = pyo.Constraint(model.A_equip, rule=equipment_floor)

    growth_rows = [
        (m, t)
        for m, t in ix.active
        if target(m, t, "max_growth") is not None
        and (t == data.first_year or (m, t - 1) in active)
    ]

    def growth_limit(mdl, m, t):
        """spend[t] ≤ (1 + γ) · spend[t − 1]; first year: ≤ (1 + γ)^(t − base) · D."""
        g = 1.0 + target(m, t, "max_growth")
        if t == data.first_year:
            return mdl.spend[m, t] <= g ** (t - data.base_year) * baseline[m]
        return mdl.spend[m, t] - g * mdl.spend[m, t - 1] <= 0

    model.growth_limit = pyo.Constraint(
        pyo.Set(initialize=growth_rows, dimen=2, ordered=True), rule=growth_limit
    )

    change_rows = [
        (m, t)
        for m, t in ix.active
        if target(m, t, "max_change") is not None
        and (t == data.first_year or (m, t - 1) in active)
    ]
    share0 = {m: baseline[m] / data.members.at[m, "gdp"] if data.members.at[m, "gdp"] else 0.0
              for m in data.members.index}

    def share_before(mdl, m, t):
        """spend[t − 1] / G[t − 1] (the base year's D / G for the first year) and the change
        allowed since then in pp: ρ per year."""
        rho = target(m, t, "max_change")
        if t == data.first_year:
            return share0[m], rho * (t - data.base_year)
        return mdl.spend[m, t - 1] * (1.0 / ix.gdp[m, t - 1]), rho

    def rise_limit(mdl, m, t):
        """spend[t] − topup[t] ≤ G[t] · (spend[t − 1] / G[t − 1] + ρ)."""
        before, allowed = share_before(mdl, m, t)
        return mdl.spend[m, t] - mdl.topup[m, t] - ix.gdp[m, t] * before <= allowed * ix.gdp[m, t]

    def fall_limit(mdl, m, t):
        """spend[t] ≥ G[t] · (spend[t − 1] / G[t − 1] − ρ)."""
        before, allowed = share_before(mdl, m, t)
        return mdl.spend[m, t] - ix.gdp[m, t] * before >= -allowed * ix.gdp[m, t]

    model.A_change = pyo.Set(initialize=change_rows, dimen=2, ordered=True)
    model.rise_limit = pyo.Constraint(model.A_change, rule=rise_limit)
    model.fall_limit = pyo.Constraint(model.A_change, rule=fall_limit)

    members_in: dict[int, list[str]] = defaultdict(list)
    for m, t in ix.active:
        members_in[t].append(m)
    model.total_spend = pyo.Var(model.T, domain=pyo.NonNegativeReals, doc="alliance spending [M]")
    model.define_total = pyo.Constraint(
        model.T,
        rule=lambda mdl, t: mdl.total_spend[t] == sum(mdl.spend[m, t] for m in members_in[t]),
    )


def equipment_gap_weight(floor: float, penalty: float) -> float:
    """P_equip = P_gap / (1 − εmin): per M of equipment gap, above what a top-up closing it
    costs (1 / (1 − εmin)); P_gap where εmin = 1 (no top-up closes any of it)."""
    return penalty / (1.0 - floor) if floor < 1.0 else penalty


def gap_penalty(model: pyo.ConcreteModel, data: PlanData, ix: ModelIndex):
    """P_gap · Σ δ_t · spending_gap[m, t] + Σ δ_t · P_equip[m, t] · equipment_gap[m, t]."""
    d, penalty = ix.discount, data.spending_gap_penalty
    floors = data.targets["min_equipment"]
    terms = [(penalty * d[t], model.spending_gap[m, t]) for m, t in model.A_floor]
    terms += [(d[t] * equipment_gap_weight(float(floors[m, t]), penalty), model.equipment_gap[m, t])
              for m, t in model.A_equip]
    return weighted(terms)
