"""Changes of the plan's parameters that several analyses make on the persistent model
(planner/persistent.py), each inside a `with pm.changes():` block, undone with it."""

from __future__ import annotations

import dataclasses

import numpy as np

from models import PlanData
from models.prepositioning import draw_open_bounds

from ..highs import INF, HighsModel


def scale_requirements(pm: HighsModel, data: PlanData, factor: float) -> None:
    """Every requirement × `factor`: the right-hand side of every meet_requirement row (and
    draw_open's bound, which follows q)."""
    model = pm.model
    cells = list(model.index.requirement)
    pm.set_row_bounds([model.meet_requirement[c] for c in cells],
                      np.array([factor * model.index.requirement[c] for c in cells]), INF)
    fit_draw_open(pm, data)


def with_budget(data: PlanData, k: int) -> PlanData:
    """`data` with every scenario's abstention budget k_s = k (per-scenario overrides replaced)."""
    scenarios = data.scenarios.assign(abstentions=float(k))
    return dataclasses.replace(data, abstentions=k, scenarios=scenarios)


def set_budget(pm: HighsModel, data: PlanData, k: int) -> None:
    """Every scenario's budget k in the persistent model: the coefficient −k of abstain_budget
    in every meet_requirement row. The model must have been built from `data` with every
    k_s > 0 (so that every scenario has the robust rows); inside `with pm.changes():`."""
    model = pm.model
    budget = data.abstention_budget()
    if not all(budget.values()):
        raise ValueError("the model has no robust rows in scenarios whose budget is 0: build it with with_budget")
    cells = list(model.U_cells)
    pm.set_coefficient_arrays(pm.rows([model.meet_requirement[c] for c in cells]),
                              pm.columns([model.abstain_budget[c] for c in cells]),
                              [-float(k)] * len(cells), [-float(budget[c[3]]) for c in cells])
    fit_draw_open(pm, data)


def fit_draw_open(pm: HighsModel, data: PlanData) -> None:
    """draw_open's bound min((1 + k_cell) · q̂, cap_k / z_c) set anew from q and k_s as
    they stand in `pm` (the meet_requirement row's right-hand side; −k_s, the coefficient of
    abstain_budget there): the valid inequality of models/prepositioning.py would cut off
    the optimum once an analysis raises either. Inside `with pm.changes():`."""
    model = pm.model
    keys = list(getattr(model, "draw_open", ()))
    if not keys:
        return
    robust = set(getattr(model, "U_cells", ()))

    def copies(cell: tuple) -> int:
        if cell not in robust:
            return 1
        return 1 + round(-pm.coefficient(model.meet_requirement[cell], model.abstain_budget[cell]))

    most = draw_open_bounds(data, keys, lambda cell: pm.row_bounds(model.meet_requirement[cell])[0], copies)
    pm.set_coefficients((model.draw_open[key], model.open_site[key[0]], -bound) for key, bound in zip(keys, most))
