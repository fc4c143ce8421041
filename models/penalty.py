"""The default shortfall penalty, derived from the plan's own data.

    P_short = PENALTY_MULTIPLE · max_{c ∈ C_F} [ max_{m : (m,c) ∈ F} (a_mc + o_mc) + max h_c + max set_cost_c ]

rounded up to two significant figures: ten times the dearest way the data offers to
provide one unit of any capability for one year (buy it, run it for a year, move it on the
dearest route from a member's home or a site and equip it with the dearest pre-positioned
set; a route with a blank capability serves every capability). Members only: candidates'
Forces and Transit rows are left out, and so is a capability no member fields (C_F: those
some member has a Forces row for). Where that maximum is 0 (nothing costs anything, or no
member has a Forces row), or not finite (a PlanData built in code): FALLBACK_PENALTY.
With it the plan meets every requirement any member can meet at any price the data knows;
a shortfall is left only where no member can provide the unit (capacity, lead time,
reach, sovereignty). It is a modelling weight, never money (docs/model.md, Objective).
"""

from __future__ import annotations

import math

import pandas as pd

from .data import PlanData
from .sets import route_rows, routes_for

PENALTY_MULTIPLE = 10.0
FALLBACK_PENALTY = 10_000.0  # M per unit-year, when the data holds no cost at all


def dearest_unit_year(data: PlanData) -> float:
    """The dearest cost, M, of providing one unit of a capability some member fields for one
    year (see above); 0 where no member has a Forces row."""
    forces = data.member_forces()
    if not len(forces):
        return 0.0
    unit = (forces["acquisition_cost"].fillna(0) + forces["operating_cost"].fillna(0)).groupby(level="capability").max()
    transit = dearest_route(data, list(unit.index)) if len(data.transit) else None
    sets = data.prepositioning["set_cost"] if len(data.prepositioning) else None
    total = unit.copy()
    for extra in (transit, sets):
        if extra is not None:
            total = total.add(extra.reindex(total.index).fillna(0.0), fill_value=0.0)
    return float(total.max())


def dearest_route(data: PlanData, capabilities: list[str]) -> pd.Series:
    """capability -> the dearest transit cost, M per unit, of any route it may take from a
    member's home or a site (a row with a blank capability serves every capability, except
    where the capability has a row of its own for that origin and region: models/sets.py,
    routes_for). Routes from a candidate's home are left out."""
    members = set(data.members.index)
    out = {}
    for origin in ("from_member", "from_site"):
        routes = route_rows(data, origin)
        places = {(o, r) for o, _, r in routes if origin == "from_site" or o in members}
        for c in capabilities:
            costs = [cost for o, r in places for _, cost in routes_for(routes, o, c, r) or ()]
            out[c] = max(costs + [out.get(c, 0.0)])
    return pd.Series(out, dtype=float)


def derived_shortfall_penalty(data: PlanData) -> float:
    """P_short: PENALTY_MULTIPLE × the dearest unit-year, rounded up to two significant figures."""
    cost = PENALTY_MULTIPLE * dearest_unit_year(data)
    if not math.isfinite(cost) or cost <= 0:
        return FALLBACK_PENALTY
    step = 10 ** (math.floor(math.log10(cost)) - 1)
    return float(math.ceil(cost / step - 1e-9) * step)
