"""Standing commitments: the tie rule among plans of the same cost (second solves).

The plan's objective has many optima: which member covers a requirement is often a tie.
Among the plans within the solver's tolerance of the plan found, the plan shown is one whose
providers change least from one year to the next (docs/model.md, Standing commitments):

    P[m, c, r, t, s] = Σ assign[m, c, r, t, s] + Σ_k draw[m, k, c, r, t, s]   units m provides
    (t⁻: the year before t; a cell (c, r, t, s) of Q is steady when q[c, r, t⁻, s] = q[c, r, t, s])

Capabilities counted in parts (p_c, models/granularity.py) count changes of the provider
*set*: for each capability c in turn,

    z[m, c, r, t, s] ∈ {0, 1}                       m provides in the cell
    presence_upper:  P[m, c, r, t, s] − U[m, c, t] · z ≤ 0     U: m's stock of c (fixed: see below)
    presence_lower:  P[m, c, r, t, s] − z / p_c ≥ 0            providing means at least one part
    set_change[c, r, t, s] ∈ [0, 1], for each steady cell and each m:
                     set_change ≥ z[m, ·, t] − z[m, ·, t⁻],  set_change ≥ z[m, ·, t⁻] − z[m, ·, t]

    minimise  total_cost + ε_set · Σ_steady set_change[c, r, t, s]

with every other capability's deployment fixed (a fix-and-optimise pass over the capabilities).
Capabilities in any fraction count units moved instead (an LP where the plan is one):

    V = {(m, c, r, t, s): (c, r, t, s) ∈ Q and (c, r, t⁻, s) ∈ Q, m may provide in t or t⁻}
    provider_change[m, c, r, t, s]:  P_t − P_t⁻ − change_up + change_down = 0,  change_up, change_down ≥ 0
    minimise  total_cost + ε_units · Σ_V (change_up + change_down)

Every second solve keeps HELD (orders, sites and sets, the direction of each spending
path) as the plan chose them, starts from the plan before it and may spend, all of them
together, at most ε_cost · max(1, |total_cost*|) (total_cost*: the first solve's objective;
ε_cost: the solver's relative MIP gap for a plan in whole parts, 1e-6 for an LP): each ε
is its share of that slack divided by the first plan's changes of its kind.

These rows and columns are not part of the Pyomo model: planner/standing.py adds them to
HiGHS's copy for each second solve only and removes them after it, so that every analysis
re-solves the plan's own model.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

import pyomo.environ as pyo

Key = tuple[str, str, str, int, str]  # (m, c, r, t, s)
Cell = tuple[str, str, int, str]  # (c, r, t, s)
HELD = ("x_units", "sets", "open_site", "path_up")  # decisions every second solve keeps as the plan chose them


def held(model: pyo.ConcreteModel) -> list[Any]:
    """The variables of HELD, with the whole-part counts n_parts that make them whole."""
    out = [v for name in HELD if hasattr(model, name) for v in getattr(model, name).values()]
    parts = getattr(model, "parts_of", [])
    return out + [model.n_parts[i] for i, (family, _key, _p) in enumerate(parts) if family in HELD]


def provisions(model: pyo.ConcreteModel) -> dict[Key, list[Any]]:
    """(m, c, r, t, s) -> the variables summed in P[m, c, r, t, s]: m's assign and draws."""
    out: dict[Key, list[Any]] = defaultdict(list)
    for key, var in model.assign.items():
        out[key].append(var)
    for (m, _k, c, r, t, s), var in model.draw.items():
        out[m, c, r, t, s].append(var)
    return out


def in_parts(model: pyo.ConcreteModel) -> dict[str, int]:
    """p_c of each capability counted in parts (the set rule's capabilities)."""
    return dict(getattr(model, "parts_per_unit", {}))


def steady_pairs(model: pyo.ConcreteModel) -> list[tuple[Cell, Cell]]:
    """(cell in t⁻, cell in t) of each requirement whose q is the same in two consecutive years."""
    q = model.index.requirement
    previous = dict(zip(model.index.years[1:], model.index.years[:-1]))
    return [((c, r, previous[t], s), (c, r, t, s)) for (c, r, t, s) in q
            if t in previous and (c, r, previous[t], s) in q
            and math.isclose(q[c, r, previous[t], s], q[c, r, t, s], rel_tol=1e-9, abs_tol=1e-9)]


def stock(model: pyo.ConcreteModel, m: str, c: str, t: int) -> Any:
    """U[m, c, t]: m's stock of c in year t, E + new_units (an expression of the orders)."""
    return model.index.existing.get((m, c, t), 0.0) + model.new_units(model, m, c, t)


def change_pairs(model: pyo.ConcreteModel, capabilities: set[str] | None = None) -> list[tuple[Key, list[Any], list[Any]]]:
    """V (of `capabilities`, all when None): each (m, c, r, t, s) with the variables of P at t
    and at t⁻ (one list may be empty)."""
    ix = model.index
    previous = dict(zip(ix.years[1:], ix.years[:-1]))
    following = {p: t for t, p in previous.items()}
    by = provisions(model)
    keys: dict[Key, None] = {}
    for m, c, r, t, s in by:  # a pair (t⁻, t) holds m where m may provide in either year
        if capabilities is not None and c not in capabilities:
            continue
        for year in (t, following.get(t)):
            if year in previous and (c, r, year, s) in ix.requirement and (c, r, previous[year], s) in ix.requirement:
                keys[m, c, r, year, s] = None
    return [((m, c, r, t, s), by.get((m, c, r, t, s), []), by.get((m, c, r, previous[t], s), []))
            for m, c, r, t, s in keys]
