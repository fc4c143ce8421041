"""Money apart from modelling weights, for any solution HiGHS holds.

The objective mixes real money (spending added, transit) with penalties for shortfalls
and spending gaps and a tie-break, which are modelling weights. Every figure shown as
money is `money_cost` (docs/model.md, Objective) or a part of it; the penalties are shown
apart, labelled, next to the shortfall in unit-years. The analyses that re-solve a
persistent model read these from HiGHS's solution without loading it into Pyomo.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyomo.environ as pyo

PENALTY_UNIT = "model units per unit-year short"  # how a shortfall penalty reads: a modelling weight, not money

PARTS = ("money_cost", "plan_cost", "deployment_cost", "penalties", "expected_shortfall")


@dataclass(frozen=True)
class Costs:
    """One solution's costs: money (M, discounted) and, apart, the modelling weights."""

    money_musd: float  # spending added + expected transit: real money
    spending_added_musd: float  # plan_cost: spending above the members' baseline
    transit_musd: float  # expected deployment (transit) cost
    penalty_weight: float  # expected shortfall and spending-gap penalties: NOT money
    expected_shortfall_unit_years: float

    def as_row(self) -> dict[str, float]:
        return {"money_cost_musd": self.money_musd, "spending_added_musd": self.spending_added_musd,
                "transit_cost_musd": self.transit_musd, "penalty_weight": self.penalty_weight,
                "expected_shortfall_unit_years": self.expected_shortfall_unit_years}


def of_model(model: pyo.ConcreteModel) -> Costs:
    """The costs of the solution loaded into the Pyomo model."""
    return _costs({name: float(pyo.value(getattr(model, name))) for name in PARTS})


def of_solution(pm: Any, x: np.ndarray | None = None) -> Costs:
    """The costs of HiGHS's current solution of the persistent model `pm` (or of the column
    values `x`), without loading it into Pyomo."""
    forms_ = forms(pm)
    x = pm.solution() if x is None else x
    return _costs({name: float(coefs @ x[cols] + constant) for name, (cols, coefs, constant) in forms_.items()})


def _costs(v: dict[str, float]) -> Costs:
    """Costs from the value of each of PARTS."""
    return Costs(v["money_cost"], v["plan_cost"], v["deployment_cost"], v["penalties"], v["expected_shortfall"])


def forms(pm: Any) -> dict[str, tuple[np.ndarray, np.ndarray, float]]:
    """Each part as a linear form over HiGHS's columns, compiled once per HiGHS copy."""
    instance = pm.instance
    forms = getattr(instance, "money_forms", None)
    if forms is None:
        forms = instance.money_forms = {name: instance.linear(getattr(pm.model, name), name) for name in PARTS}
    return forms
