"""The default shortfall penalty, derived from the plan's own data.

    P_short = PENALTY_MULTIPLE · max_c [ max_m (a_mc + o_mc) + max h_c + max set_cost_c ]

rounded up to two significant figures: ten times the dearest way the data offers to
provide one unit of any capability for one year (buy it, run it for a year, move it on the
dearest route and equip it with the dearest pre-positioned set; a route with a blank
capability serves every capability). With it the plan meets every requirement any
member can meet at any price the data knows; a shortfall is left only where no member can provide the unit (capacity, lead time, reach, sovereignty). It is a
modelling weight, never money (docs/model.md, Objective).
"""

from __future__ import annotations

import math

import pandas as pd

from .data import PlanData
from .sets import route_rows, routes_for

PENALTY_MULTIPLE = 10.0
FALLBACK_PENALTY = 10_000.0  # M per unit-year, when the data holds no cost at all


def dearest_unit_year(data: PlanData) -> float:
    """The dearest cost, M, of providing one unit of a capability for one year (see above)."""
    forces = data.forces
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
    """capability -> the dearest transit cost, M per unit, of any route it may take (a row
    with a blank capability serves every capability, except where the capability has a row
    of its own for that origin and region: models/sets.py, routes_for)."""
    out = {}
    for origin in ("from_member", "from_site"):
        routes = route_rows(data, origin)
        places = {(o, r) for o, _, r in routes}
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
