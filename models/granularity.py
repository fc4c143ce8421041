"""Whole units where units are whole: orders, deployments and equipment sets in parts.

A capability c counted in parts (p_c parts per unit: 1 for whole units, 3 for the
battalions of a three-battalion brigade) has every order, deployment and set in
multiples of 1 / p_c:

    x_units[m, c, t]        = n_order[m, c, t] / p_c        n_order ∈ ℤ≥0
    assign[m, c, r, t, s]   = n_assign[m, c, r, t, s] / p_c  n_assign ∈ ℤ≥0
    draw[m, k, c, r, t, s]  = n_draw[m, k, c, r, t, s] / p_c n_draw ∈ ℤ≥0
    sets[m, k, c]           = n_sets[m, k, c] / p_c          n_sets ∈ ℤ≥0

For p_c = 1 the variable itself is integer (no extra column); for p_c > 1 an integer
count of parts n_parts[i] and one equality row tie it to the variable i:

    in_parts[i]:  p_c · variable_i − n_parts[i] = 0,   n_parts[i] ∈ ℤ≥0

Units in service come in whole parts too: `PlanData.existing_units` rounds the stock left
by retirements (an average rate) to the nearest part, so a deployment can use all of it.
"""

from __future__ import annotations

import pyomo.environ as pyo

from .data import PlanData

FAMILIES = {"x_units": 1, "assign": 1, "draw": 2, "sets": 2}  # variable -> position of c in its index


def add_granularity(model: pyo.ConcreteModel, data: PlanData) -> None:
    """Make the order, deployment and set variables of capabilities counted in parts take
    multiples of 1 / p_c."""
    parts = data.parts_per_unit()
    split: list[tuple[str, tuple, int]] = []  # (family, index, p) of variables with p > 1
    for name, at in FAMILIES.items():
        for key, var in getattr(model, name).items():
            p = parts.get(key[at])
            if p == 1:
                var.domain = pyo.NonNegativeIntegers
            elif p:
                split.append((name, key, p))
    model.P_parts = pyo.Set(initialize=range(len(split)), ordered=True)
    model.n_parts = pyo.Var(model.P_parts, domain=pyo.NonNegativeIntegers, doc="parts [1 / p_c units]")
    model.in_parts = pyo.Constraint(
        model.P_parts,
        rule=lambda mdl, i: getattr(mdl, split[i][0])[split[i][1]] * split[i][2] - mdl.n_parts[i] == 0,
    )
    model.parts_of = split  # row i of in_parts: (variable family, index, p_c)
    model.parts_per_unit = dict(parts)  # p_c of each capability counted in parts
