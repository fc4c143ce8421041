"""Sites and pre-positioned equipment sets (first-stage decisions).

    open_site[k] ∈ {0, 1}            site k is opened (or kept) for the whole horizon, K
    sets[m, k, c] ≥ 0                equipment sets of capability c that m keeps at k, H
                                     (in parts for capabilities counted in parts)

    site_capacity[k]:    Σ_{(m,c) : (m,k,c) ∈ H} z_c · sets[m, k, c] ≤ cap_k · open_site[k]
    basing_limit[m, k]:  Σ_c sets[m, k, c] ≤ max_sets[m, k]      (where a cap is given)
    draw_limit[m, k, c, t, s]:  Σ_r draw[m, k, c, r, t, s] ≤ sets[m, k, c]
    draw_open[k, c, r, t, s]:   Σ_m draw[m, k, c, r, t, s]
                                    ≤ min((1 + k_cell) · q̂[c, r, t, s], cap_k / z_c) · open_site[k]

    k_cell = k_s where the cell is robust ((c, r, t, s) ∈ U_cells), else 0
    q̂[c, r, t, s] = ⌈p_c · q[c, r, t, s]⌉ / p_c for c ∈ C_parts, else q[c, r, t, s]

draw_open is a valid inequality, not a restriction: some optimal plan draws no more than
(1 + k_cell) times the requirement in whole parts at a site, nor more than the site holds,
and nothing at a closed one (docs/model.md gives the argument). Half a brigade counted in
whole brigades needs one whole brigade: q̂ = 1, not q = 0.5. It tightens the LP
relaxation as x_ij ≤ d_j · y_i does in facility location (without it HiGHS could not
close the gap on OR-Library's capa/capb/capc). It is left out of the fixed-integer LP
whose duals give marginal costs (`CUTS`), where it is redundant.

Site costs (fixed in the first year, upkeep every year) are common-funded: member m pays
σ[m, t] of them (models/common_funding.py); sets and their storage are paid by their owner,
the sets in its first year in the horizon (the year it joins, for a member that joins later).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable

import pyomo.environ as pyo

from .data import PlanData
from .sets import ModelIndex

CUTS = ("draw_open",)  # valid inequalities: deactivated for the fixed-integer LP's duals
PART_TOLERANCE = 1e-9  # p · q within this of a whole number of parts is that number


def add_prepositioning(model: pyo.ConcreteModel, data: PlanData, ix: ModelIndex) -> None:
    sites = data.sites
    model.Ksites = pyo.Set(initialize=ix.sites, ordered=True)
    model.H = pyo.Set(initialize=ix.holders, dimen=3, ordered=True)
    model.open_site = pyo.Var(model.Ksites, domain=pyo.Binary, doc="site open")
    model.sets = pyo.Var(
        model.H,
        domain=pyo.NonNegativeReals,  # in parts where c is counted in parts (models/granularity.py)
        doc="equipment sets [sets]",
    )
    pre = data.prepositioning
    size = pre["set_size"].astype(float).to_dict() if "set_size" in pre else dict.fromkeys(pre.index, 1.0)
    at_site: dict[str, list] = defaultdict(list)
    by_user: dict[tuple[str, str], list] = defaultdict(list)
    for m, k, c in ix.holders:
        at_site[k].append(size[c] * model.sets[m, k, c])
        by_user[m, k].append(model.sets[m, k, c])
    capacity = sites["capacity"].astype(float).to_dict()
    model.site_capacity = pyo.Constraint(
        model.Ksites,
        rule=lambda mdl, k: sum(at_site[k]) - capacity[k] * mdl.open_site[k] <= 0
        if at_site[k] else pyo.Constraint.Skip,
    )
    capped = [key for key in ix.max_sets if by_user.get(key)]
    model.basing_limit = pyo.Constraint(
        pyo.Set(initialize=capped, dimen=2, ordered=True),
        rule=lambda mdl, m, k: sum(by_user[m, k]) <= ix.max_sets[m, k],
    )
    drawn: dict[tuple, list] = defaultdict(list)
    for m, k, c, r, t, s in ix.draws:
        drawn[m, k, c, t, s].append(model.draw[m, k, c, r, t, s])
    model.draw_limit = pyo.Constraint(
        pyo.Set(initialize=list(drawn), dimen=5, ordered=True),
        rule=lambda mdl, m, k, c, t, s: sum(drawn[m, k, c, t, s]) - mdl.sets[m, k, c] <= 0,
    )
    into: dict[tuple, list] = defaultdict(list)
    for m, k, c, r, t, s in ix.draws:
        into[k, c, r, t, s].append(model.draw[m, k, c, r, t, s])
    copies = _requirement_copies(model, data)
    most = dict(zip(into, draw_open_bounds(data, into, ix.requirement.__getitem__, copies)))

    def draw_open(mdl, k, c, r, t, s):
        """Σ_m draw ≤ min((1 + k_cell) · q̂[c, r, t, s], cap_k / z_c) · open_site[k]."""
        return sum(into[k, c, r, t, s]) - most[k, c, r, t, s] * mdl.open_site[k] <= 0

    model.draw_open = pyo.Constraint(
        pyo.Set(initialize=list(into), dimen=5, ordered=True), rule=draw_open
    )


def draw_open_bounds(data: PlanData, keys: Iterable[tuple], requirement: Callable[[tuple], float],
                     copies: Callable[[tuple], int]) -> list[float]:
    """min((1 + k_cell) · q̂[c, r, t, s], cap_k / z_c) for each draw_open key (k, c, r, t, s),
    from q = requirement(cell) and 1 + k_cell = copies(cell) (an analysis that changes q or
    k_s on a built model sets the rows anew: planner/analyses/changes.py)."""
    pre = data.prepositioning
    size = pre["set_size"].astype(float).to_dict() if "set_size" in pre else dict.fromkeys(pre.index, 1.0)
    capacity = data.sites["capacity"].astype(float).to_dict()
    parts = data.parts_per_unit()
    out = []
    for k, c, r, t, s in keys:
        cell = (c, r, t, s)
        out.append(min(copies(cell) * in_whole_parts(requirement(cell), parts.get(c)), capacity[k] / size[c]))
    return out


def in_whole_parts(q: float, p: int | None) -> float:
    """q̂ = ⌈p_c · q⌉ / p_c: the least provision in whole parts that covers q (q itself for a
    capability not counted in parts, p None)."""
    return q if not p else math.ceil(p * q - PART_TOLERANCE) / p


def _requirement_copies(model: pyo.ConcreteModel, data: PlanData) -> Callable[[tuple], int]:
    """(c, r, t, s) → 1 + k_cell: how many times a requirement some plan may need to
    provide (k_s + 1 in a robust cell, U_cells of models/robust.py; 1 elsewhere)."""
    budget = data.abstention_budget()
    robust = set(model.U_cells) if hasattr(model, "U_cells") else set()
    return lambda cell: 1 + budget[cell[3]] if cell in robust else 1


def site_costs(model: pyo.ConcreteModel, data: PlanData, t: int):
    """C_site[t] = Σ_k (f_k · [t = first_year] + u_k) · open_site[k], M."""
    first = t == data.first_year
    fixed, upkeep = data.sites["fixed_cost"].to_dict(), data.sites["upkeep"].to_dict()
    return sum(
        (fixed[k] * first + upkeep[k]) * model.open_site[k]
        for k in model.Ksites
        if fixed[k] * first + upkeep[k]
    )


def member_costs(model: pyo.ConcreteModel, data: PlanData, ix: ModelIndex) -> tuple[dict, dict]:
    """What pre-positioning adds to each member's spending in each year, M:

    equipment[m, t] = [t = t0_m] · Σ_{k,c} a^set_c · sets[m, k, c]
    other[m, t]     = Σ_{k,c} s^set_c · sets[m, k, c] + σ[m, t] · C_site[t]

    t0_m = min{t : (m, t) ∈ A}: a member's sets are bought in its first year in the
    horizon (the first year, or the year it joins).
    """
    equipment: dict[tuple[str, int], object] = {}
    other: dict[tuple[str, int], object] = {}
    if not ix.sites:
        return equipment, other
    set_cost = data.prepositioning["set_cost"].astype(float).to_dict()
    storage = data.prepositioning["storage_cost"].astype(float).to_dict()
    owned: dict[str, list] = defaultdict(list)
    for m, k, c in ix.holders:
        owned[m].append((c, model.sets[m, k, c]))
    common = {t: site_costs(model, data, t) for t in ix.years}
    joins: dict[str, int] = {}
    for m, t in ix.active:
        joins[m] = min(t, joins.get(m, t))
    for m, t in ix.active:
        if t == joins[m] and owned[m]:
            equipment[m, t] = sum(set_cost[c] * v for c, v in owned[m] if set_cost[c])
        share = ix.cost_share.get((m, t), 0.0)
        parts = [storage[c] * v for c, v in owned[m] if storage[c]]
        if share and not isinstance(common[t], (int, float)):
            parts.append(share * common[t])
        if parts:
            other[m, t] = sum(parts)
    return equipment, other
