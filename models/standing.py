"""Standing commitments: the tie rule among plans of the same cost (a second solve).

The plan's objective has many optima: which member covers a requirement is often a tie.
Among the plans within the solver's tolerance of the optimum, the plan shown is the one
whose providers change least from one year to the next (docs/model.md, Standing commitments):

    P[m, c, r, t, s] = Σ assign[m, c, r, t, s] + Σ_k draw[m, k, c, r, t, s]   units m provides
    V = {(m, c, r, t, s): (c, r, t, s) ∈ Q and (c, r, t⁻, s) ∈ Q, m may provide in t or t⁻}
        (t⁻: the year before t)
    provider_change[m, c, r, t, s]:  P[m, c, r, t, s] − P[m, c, r, t⁻, s]
                                         − change_up[m, c, r, t, s] + change_down[m, c, r, t, s] = 0
    change_up, change_down ≥ 0

    second solve:  minimise total_cost + ε_tie · Σ_V (change_up + change_down)
                   subject to every constraint of the plan, with
                   x_units, sets, open_site = the first solve's   (the acquisitions: ACQUISITIONS)
                   ε_tie = ε_cost · max(1, |total_cost*|) / Σ_V |P*_t − P*_t⁻|
    (total_cost*, P*: the first solve's plan). The first plan is feasible in the second solve,
    so its optimum costs at most ε_tie · Σ_V |P*_t − P*_t⁻| = ε_cost · max(1, |total_cost*|)
    more than total_cost*: the tie rule spends at most the relative slack ε_cost (1e-6) on
    fewer changes, and none where the changes are true ties.

Deployments stay whole where units are whole (models/granularity.py): for such a plan the
second solve is a MIP over deployment and spending only, started from the first plan.

These rows and columns are not part of the Pyomo model: planner/standing.py adds them to
HiGHS's copy for the second solve only and removes them after it, so that every analysis
re-solves the plan's own model.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pyomo.environ as pyo

Key = tuple[str, str, str, int, str]  # (m, c, r, t, s)
ACQUISITIONS = ("x_units", "sets", "open_site")  # decisions the second solve keeps as the first chose them


def acquisitions(model: pyo.ConcreteModel) -> list[Any]:
    """The variables of ACQUISITIONS, with the whole-part counts n_parts that make them whole."""
    out = [v for name in ACQUISITIONS if hasattr(model, name) for v in getattr(model, name).values()]
    parts = getattr(model, "parts_of", [])
    return out + [model.n_parts[i] for i, (family, _key, _p) in enumerate(parts) if family in ACQUISITIONS]


def provisions(model: pyo.ConcreteModel) -> dict[Key, list[Any]]:
    """(m, c, r, t, s) -> the variables summed in P[m, c, r, t, s]: m's assign and draws."""
    out: dict[Key, list[Any]] = defaultdict(list)
    for key, var in model.assign.items():
        out[key].append(var)
    for (m, _k, c, r, t, s), var in model.draw.items():
        out[m, c, r, t, s].append(var)
    return out


def change_pairs(model: pyo.ConcreteModel) -> list[tuple[Key, list[Any], list[Any]]]:
    """V: each (m, c, r, t, s) with the variables of P at t and at t⁻ (one list may be empty)."""
    ix = model.index
    previous = dict(zip(ix.years[1:], ix.years[:-1]))
    following = {p: t for t, p in previous.items()}
    by = provisions(model)
    keys: dict[Key, None] = {}
    for m, c, r, t, s in by:  # a pair (t⁻, t) holds m where m may provide in either year
        for year in (t, following.get(t)):
            if year in previous and (c, r, year, s) in ix.requirement and (c, r, previous[year], s) in ix.requirement:
                keys[m, c, r, year, s] = None
    return [((m, c, r, t, s), by.get((m, c, r, t, s), []), by.get((m, c, r, previous[t], s), []))
            for m, c, r, t, s in keys]
