"""Defence spending of each member and year, against its targets.

    spend[m, t] ≥ 0          defence spending [M currency], (m, t) ∈ A
    topup[m, t] ≥ 0          spending added only to meet a target, counted as equipment,
                             (m, t) ∈ A_top = A_floor ∪ A_equip ∪ A_path ∪ {(m, t) ∈ A : m ∈ F}:
                             only where a spending floor, an equipment floor, the path rule or a
                             fair-share band may need it (topup[m, t] is 0 elsewhere)
    path_up[m] ∈ {0, 1}      the direction of m's path where the data leaves it open, m ∈ M_path
    spending_gap[m, t] ≥ 0   spending missing below the floor (elastic mode only)
    equipment_gap[m, t] ≥ 0  equipment spending missing below the equipment floor (elastic
                             mode only)

    define_spend[m, t]:      spend[m, t] = D_m + Σ_c (pay[m, c, t] + o_mc · new_units[m, c, t])
                                        + P_set[m, t] + P_store[m, t] + σ[m, t] · C_site[t]
                                        + topup[m, t]
    spending_floor[m, t]:    spend[m, t] + spending_gap[m, t] ≥ φmin[m, t] · G[m, t]
    spending_ceiling[m, t]:  spend[m, t] ≤ φmax[m, t] · G[m, t]
    equipment_floor[m, t]:   e_m · D_m + Σ_c pay[m, c, t] + P_set[m, t] + topup[m, t]
                                 + equipment_gap[m, t] ≥ εmin[m, t] · spend[m, t]
    growth_limit[m, t]:      spend[m, t] ≤ (1 + γ[m, t]) · spend[m, t − 1]
                             (for the first year: ≤ (1 + γ)^(t − base_year) · D_m)
    rise_limit[m, t]:        spend[m, t] ≤ G[m, t] · (s[m, t − 1] + ρ̂[m, t])
    fall_limit[m, t]:        spend[m, t] ≥ G[m, t] · (s[m, t − 1] − ρ̌[m, t])
                             s[m, t − 1] = spend[m, t − 1] / G[m, t − 1], the share of GDP the
                             year before (for the first year: D_m / G_m of the base year, and
                             ρ · (t − base_year) in place of ρ); top-ups count like any spending
    ρ̂[m, t] = max(ρ[m, t], s̲[m, t] − s̲[m, t − 1])     a floor's own step up goes through
    ρ̌[m, t] = ρ[m, t]                        where (m, t) ∈ A_top (a top-up can hold spending)
            = max(ρ[m, t], s̲[m, t − 1] − s̲[m, t])  elsewhere
    s̲[m, t] = max(φmin[m, t], D_m / G[m, t], D_m (1 − e_m) / ((1 − εmin[m, t]) · G[m, t]))
                             the least share of GDP m's targets allow in year t (buying nothing:
                             its baseline, lifted to its floor and to its equipment floor; the
                             last term only where εmin < 1); the base year's D_m / G_m
    path_no_fall[m, t]:      spend[m, t] − G[m, t] · s[m, t − 1] ≥ −M̌[m, t] · G[m, t] · (1 − u_m)
    path_no_rise[m, t]:      spend[m, t] − G[m, t] · s[m, t − 1] ≤ M̂[m, t] · G[m, t] · u_m
                             (m, t) ∈ A_path: one_way[m, t] = 1 and m a member the year before
                             (or t the first year); u_m = 1 where s[m, base_year] < φmin[m, T_m]
                             (below its final floor, T_m its last year: its path never falls; no
                             path_no_rise row), else u_m = path_up[m] (the model chooses);
                             (M̂, M̌) = (ρ̂, ρ̌)[m, t] where the change limit holds, else 1 (100 pp)
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
limit, the change limit or a fair-share band stops the spending).
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd
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

    def target(m: str, t: int, column: str) -> float | None:
        value = targets[column].get((m, t))
        return None if value is None else float(value)

    model.A = pyo.Set(initialize=ix.active, dimen=2, ordered=True)
    model.T = pyo.Set(initialize=ix.years, ordered=True)
    model.spend = pyo.Var(model.A, domain=pyo.NonNegativeReals, doc="defence spending [M]")
    floor_rows = [(m, t) for m, t in ix.active if target(m, t, "min_gdp")]
    equipment_rows = [(m, t) for m, t in ix.active if target(m, t, "min_equipment")]
    path_rows = [
        (m, t)
        for m, t in ix.active
        if target(m, t, "one_way") and (t == data.first_year or (m, t - 1) in active)
    ]
    top_rows = topup_cells(ix, floor_rows, equipment_rows, path_rows)
    model.A_top = pyo.Set(initialize=top_rows, dimen=2, ordered=True)
    model.topup = pyo.Var(model.A_top, domain=pyo.NonNegativeReals, doc="target top-up [M]")

    set_equipment, set_other = member_costs(model, data, ix)

    def acquisition_terms(mdl, m, t) -> list[tuple[float, object]]:
        """(π · a, x_units) of the payments m makes in year t on its orders (models/forces.py)."""
        return [(share * acq[m, c], mdl.x_units[m, c, tau]) for c, tau, share in ix.payments.get((m, t), ())]

    def acquisition_spending(mdl, m, t):
        """Σ_c pay[m, c, t] + set purchases: spending on equipment."""
        return weighted(acquisition_terms(mdl, m, t)) + set_equipment.get((m, t), 0.0)

    def define_spend(mdl, m, t):
        """spend = D + Σ_c (pay + o·new_units) + P_pre[m, t] + topup."""
        terms = [(1.0, mdl.spend[m, t])] + ([(-1.0, mdl.topup[m, t])] if (m, t) in mdl.topup else [])
        terms += [(-a, x) for a, x in acquisition_terms(mdl, m, t)]
        operating = [-opc[m, c] * mdl.new_units(mdl, m, c, t) for c in capabilities_of[m] if opc[m, c]]
        return (weighted(terms) + SumExpression(operating)
                - set_equipment.get((m, t), 0.0) - set_other.get((m, t), 0.0) == baseline[m])

    model.define_spend = pyo.Constraint(model.A, rule=define_spend)

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

    model.A_equip = pyo.Set(initialize=equipment_rows, dimen=2, ordered=True)
    model.equipment_gap = pyo.Var(
        model.A_equip, bounds=(0.0, None if data.elastic else 0.0), doc="equipment below floor [M]"
    )

    def equipment_floor(mdl, m, t):
        """e·D + Σ pay + P_set + topup + equipment_gap ≥ εmin · spend."""
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
    least = least_shares(data, ix)
    allowance = change_allowances(data, ix, change_rows, least, set(top_rows))
    model.change_allowance = allowance  # (m, t) -> (ρ̂, ρ̌), fractions of GDP: results label top-ups with it

    def share_before(mdl, m, t):
        """spend[t − 1] / G[t − 1] (the base year's D / G for the first year)."""
        if t == data.first_year:
            return least[m, data.base_year]
        return mdl.spend[m, t - 1] * (1.0 / ix.gdp[m, t - 1])

    def rise_limit(mdl, m, t):
        """spend[t] ≤ G[t] · (s[t − 1] + ρ̂)."""
        return mdl.spend[m, t] - ix.gdp[m, t] * share_before(mdl, m, t) <= allowance[m, t][0] * ix.gdp[m, t]

    def fall_limit(mdl, m, t):
        """spend[t] ≥ G[t] · (s[t − 1] − ρ̌)."""
        return mdl.spend[m, t] - ix.gdp[m, t] * share_before(mdl, m, t) >= -allowance[m, t][1] * ix.gdp[m, t]

    model.A_change = pyo.Set(initialize=change_rows, dimen=2, ordered=True)
    model.rise_limit = pyo.Constraint(model.A_change, rule=rise_limit)
    model.fall_limit = pyo.Constraint(model.A_change, rule=fall_limit)

    rising = path_directions(data, ix, path_rows, least)
    model.rising = rising  # m -> True (never falls), False (never rises) or None (the model chooses: path_up[m])
    model.A_path = pyo.Set(initialize=path_rows, dimen=2, ordered=True)
    model.M_path = pyo.Set(initialize=[m for m, up in rising.items() if up is None], ordered=True)
    model.path_up = pyo.Var(model.M_path, domain=pyo.Binary, doc="path rises (1) or falls (0)")

    def path_room(m: str, t: int) -> tuple[float, float]:
        """(M̂, M̌): the rise and fall that m's path may take at t anyway, fractions of GDP: the
        change limit's (ρ̂, ρ̌) where it holds, else PATH_ROOM."""
        return allowance.get((m, t), (PATH_ROOM, PATH_ROOM))

    def up(mdl, m):
        """u_m: 1 or 0 where the data decides m's direction, else path_up[m]."""
        return mdl.path_up[m] if rising[m] is None else float(rising[m])

    def path_no_fall(mdl, m, t):
        """spend[t] − G[t] · s[t − 1] ≥ −M̌ · G[t] · (1 − u_m)."""
        return (mdl.spend[m, t] - ix.gdp[m, t] * share_before(mdl, m, t)
                >= -path_room(m, t)[1] * ix.gdp[m, t] * (1 - up(mdl, m)))

    def path_no_rise(mdl, m, t):
        """spend[t] − G[t] · s[t − 1] ≤ M̂ · G[t] · u_m."""
        return (mdl.spend[m, t] - ix.gdp[m, t] * share_before(mdl, m, t)
                <= path_room(m, t)[0] * ix.gdp[m, t] * up(mdl, m))

    def rows_where(*directions) -> pyo.Set:
        return pyo.Set(initialize=[(m, t) for m, t in path_rows if rising[m] in directions], dimen=2, ordered=True)

    model.path_no_fall = pyo.Constraint(rows_where(True, None), rule=path_no_fall)
    model.path_no_rise = pyo.Constraint(rows_where(False, None), rule=path_no_rise)

    members_in: dict[int, list[str]] = defaultdict(list)
    for m, t in ix.active:
        members_in[t].append(m)
    model.total_spend = pyo.Var(model.T, domain=pyo.NonNegativeReals, doc="alliance spending [M]")
    model.define_total = pyo.Constraint(
        model.T,
        rule=lambda mdl, t: mdl.total_spend[t] == sum(mdl.spend[m, t] for m in members_in[t]),
    )


PATH_ROOM = 1.0  # M̂, M̌ of the path rule where no change limit holds: a change of 100 pp of GDP


def path_directions(data: PlanData, ix: ModelIndex, path_rows: list[tuple[str, int]],
                    least: dict[tuple[str, int], float]) -> dict[str, bool | None]:
    """u_m for each member with path rows, where the data decides it: True (its path never
    falls) where its base-year share s0 = D / G is at or below its final floor (φmin in the
    plan's last year, also for a member that leaves before it: leaving does not turn its path;
    in its last year as a member where the plan's has no row; at it, a path that never rises
    could only stay at s0, which never falls too); False (it glides down, never rising) where s0 is above that floor, its GDP
    grows (its baseline's share falls: room to buy on the way down) and no least share s̲[m, t]
    of its years exceeds s0 (a path that never rises can meet every floor); None where the
    data leaves the direction open (no final floor, a floor above s0 on the way, or no GDP
    growth: a path that never rises would hold m at its baseline, buying nothing; the model
    chooses, path_up[m])."""
    last: dict[str, int] = {}
    for m, t in ix.active:
        last[m] = max(t, last.get(m, t))
    years: dict[str, list[int]] = defaultdict(list)
    for m, t in path_rows:
        years[m].append(t)
    out: dict[str, bool | None] = {}
    horizon = max(ix.years)
    for m, held in years.items():
        at = (m, horizon) if (m, horizon) in data.targets.index else (m, last[m])  # its target, also when it leaves
        final = data.targets.at[at, "min_gdp"] if at in data.targets.index else np.nan
        s0 = least[m, data.base_year]
        if pd.isna(final):
            out[m] = None
        elif s0 <= float(final) + PATH_TOLERANCE:
            out[m] = True
        elif ix.gdp[m, last[m]] > float(data.members.at[m, "gdp"]) and all(least[m, t] <= s0 + 1e-12 for t in held):
            out[m] = False
        else:
            out[m] = None
    return out


PATH_TOLERANCE = 1e-12  # a base-year share this close above the final floor is at it


def topup_cells(ix: ModelIndex, floor_rows: list, equipment_rows: list,
                path_rows: list = ()) -> list[tuple[str, int]]:
    """A_top: the (m, t) where a spending floor, an equipment floor, the path rule or m's
    fair-share band may need a top-up, in the order of A."""
    cells = set(floor_rows) | set(equipment_rows) | set(path_rows)
    fair = set(ix.fair_members)
    return [(m, t) for m, t in ix.active if (m, t) in cells or m in fair]


def least_shares(data: PlanData, ix: ModelIndex) -> dict[tuple[str, int], float]:
    """s̲[m, t] for (m, t) ∈ A and the base year: the share of GDP m spends in year t if it
    buys nothing and meets its floors, max(φmin, D / G, D (1 − e) / ((1 − εmin) G)); the base
    year's D / G."""
    members, targets = data.members, data.targets
    out = {}
    for m in members.index:
        gdp0 = members.at[m, "gdp"]
        out[m, data.base_year] = members.at[m, "spending"] / gdp0 if gdp0 else 0.0
    for m, t in ix.active:
        d, e, g = float(members.at[m, "spending"]), float(members.at[m, "equipment_share"]), ix.gdp[m, t]
        floor, equipment = (targets.at[(m, t), "min_gdp"], targets.at[(m, t), "min_equipment"]) \
            if (m, t) in targets.index else (np.nan, np.nan)  # a joiner the workbook sets no target for
        spend = max(d, 0.0 if pd.isna(floor) else floor * g)
        if pd.notna(equipment) and equipment < 1.0:
            spend = max(spend, d * (1.0 - e) / (1.0 - equipment))
        out[m, t] = spend / g if g else 0.0
    return out


def change_allowances(data: PlanData, ix: ModelIndex, rows: list[tuple[str, int]],
                      least: dict[tuple[str, int], float], top: set[tuple[str, int]]
                      ) -> dict[tuple[str, int], tuple[float, float]]:
    """(ρ̂, ρ̌)[m, t] for (m, t) ∈ A_change: the rise and the fall allowed on the year before,
    fractions of GDP. ρ · (t − base_year) for the first year; a rise as large as the least
    share's own rise; a fall as large as its own fall only where no top-up can hold spending."""
    out = {}
    for m, t in rows:
        before = data.base_year if t == data.first_year else t - 1
        rho = float(data.targets.at[(m, t), "max_change"]) * (t - before)
        step = least[m, t] - least[m, before]
        out[m, t] = (max(rho, step), rho if (m, t) in top else max(rho, -step))
    return out


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
