"""Would the plan change if the shortfall penalty were ten times lower?

The penalty P_short is a modelling weight (docs/model.md, Objective). The plan is re-solved
on the persistent model with every shortfall's objective coefficient divided by
LOWER_BY; if the expected shortfall grows, the penalty, not the data, decides those
requirements, and the report says so with the money the lower penalty would save.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pandas as pd
import pyomo.environ as pyo

from models import PlanData

from .. import money
from ..units import granularity, shortfall_text
from ..highs import HighsModel
from ..solve import SolveOptions

LOWER_BY = 10.0
CHANGED_UNIT_YEARS = 1e-6
MIP_TIME_FACTOR, MIP_MIN_SECONDS = 2.0, 10.0  # its time limit: 2 × the plan's solve, at least 10 s


@dataclass(frozen=True)
class PenaltyCheck:
    penalty: float  # P_short, M per unit-year
    lower_penalty: float
    status: str  # solver status of the re-solve ("not checked": see `note`)
    extra_shortfall_unit_years: float  # expected, more than the plan's
    money_saved_musd: float  # the plan's cost minus the re-solved plan's cost
    note: str  # the sentence the report shows
    checked: bool = True  # False: the re-solve was not run or found no plan
    extra_by_capability: dict[str, float] = field(default_factory=dict)  # expected unit-years more short, per capability

    @property
    def changes(self) -> bool:
        return self.extra_shortfall_unit_years > CHANGED_UNIT_YEARS


def check_penalty(pm: HighsModel, data: PlanData, options: SolveOptions = SolveOptions(),
                  plan_seconds: float | None = None) -> PenaltyCheck:
    """Re-solve with the shortfall penalty ÷ LOWER_BY and compare with the plan loaded in
    Pyomo (`resolve_penalty`, then its comparison)."""
    return resolve_penalty(pm, data, options, plan_seconds)()


def resolve_penalty(pm: HighsModel, data: PlanData, options: SolveOptions = SolveOptions(),
                    plan_seconds: float | None = None) -> Callable[[], PenaltyCheck]:
    """Re-solve with the shortfall penalty ÷ LOWER_BY (the model is put back) and return the
    comparison with the plan loaded in Pyomo, to run when that plan is there (`pm` may be a
    twin re-solving beside the tie rule). A MIP re-solve starts from the plan (feasible: only
    costs change), is held to the plan's own gap (a looser one would hide changes smaller
    than it: on NATO, 3 unit-years for 22 bn at a gap of 0.1 %) and stops after
    MIP_TIME_FACTOR × the plan's own solve (`plan_seconds`), at least MIP_MIN_SECONDS."""
    model = pm.model
    penalty, lower = data.shortfall_penalty, data.shortfall_penalty / LOWER_BY
    if data.scenario_objective != "expected":
        return lambda: PenaltyCheck(penalty, lower, "not checked", 0.0, 0.0,
                                    "Not checked for the worst-case objective (the penalty sits in the worst-case rows).",
                                    False)
    shortfalls = list(model.shortfall.values())
    with pm.changes():
        pm.set_costs(shortfalls, pm.costs(shortfalls) / LOWER_BY)
        limit, gap = options.time_limit_s, options.mip_gap
        if pm.is_mip and plan_seconds is not None:
            limit = min(limit, max(MIP_MIN_SECONDS, MIP_TIME_FACTOR * plan_seconds))
        outcome = pm.solve(limit, gap)
        if not outcome.has_solution:
            return lambda: PenaltyCheck(penalty, lower, outcome.status, 0.0, 0.0,
                                        f"Not checked: the re-solve with a penalty of {lower:,.0f} ended "
                                        f"'{outcome.status}'.", False)
        other = money.of_solution(pm)
        after = pm.values(shortfalls)
    return lambda: _compare(model, data, outcome, limit, other, after)


def _compare(model: pyo.ConcreteModel, data: PlanData, outcome, limit: float, other: money.Costs,
             after: Sequence[float]) -> PenaltyCheck:
    """The re-solve with a lower penalty against the plan loaded in Pyomo."""
    penalty, lower = data.shortfall_penalty, data.shortfall_penalty / LOWER_BY
    cur = data.currency
    plan = money.of_model(model)
    before = [float(pyo.value(v, exception=False) or 0.0) for v in model.shortfall.values()]
    by_cap = extra_per_capability(model, before, after)
    extra = other.expected_shortfall_unit_years - plan.expected_shortfall_unit_years
    saved = plan.money_musd - other.money_musd
    if extra > CHANGED_UNIT_YEARS:
        note = (f"With a penalty ten times lower ({lower:,.0f} {money.PENALTY_UNIT}, a modelling weight) "
                f"the plan would leave more short (expected): {more_short_text(by_cap, data)}, and cost "
                f"{saved:,.0f} M {cur} less: for those "
                "requirements the penalty, not the data, decides whether they are met.")
    else:
        note = (f"The plan does not change with a penalty ten times lower ({lower:,.0f} {money.PENALTY_UNIT}, "
                "a modelling weight): "
                "every requirement it meets is worth meeting at a tenth of the penalty, and what it leaves "
                "short is short at either penalty.")
    if not outcome.optimal and outcome.gap is not None:
        note += (f" (The re-solve stopped at its time limit of {limit:,.0f} s with a gap of "
                 f"{100 * outcome.gap:.2g} % on its objective.)")
    return PenaltyCheck(penalty, lower, outcome.status, max(extra, 0.0), saved, note, extra_by_capability=by_cap)


def extra_per_capability(model: pyo.ConcreteModel, before: Sequence[float], after: Sequence[float]) -> dict[str, float]:
    """Σ_s p_s · (shortfall after − before) per capability c of the requirement cells (c, r, t, s),
    in c's unit-years; only the capabilities more short than CHANGED_UNIT_YEARS."""
    ix = model.index
    extra: dict[str, float] = {}
    for (c, _, _, s), b, a in zip(ix.requirement, before, after):
        extra[c] = extra.get(c, 0.0) + ix.probability[s] * (float(a) - b)
    return {c: v for c, v in extra.items() if v > CHANGED_UNIT_YEARS}


def more_short_text(by_cap: dict[str, float], data: PlanData) -> str:
    """'ARM_BDE 2.0 brigade-years; FTR_SQN 1.0 squadron-years', largest first (planner.units.shortfall_text)."""
    gran = granularity(data)
    units = dict(zip(gran["capability"], gran["unit"]))
    table = pd.DataFrame({"capability": list(by_cap), "unit": [units.get(c, "unit") for c in by_cap],
                          "expected_unit_years": list(by_cap.values())})
    table = table.sort_values("expected_unit_years", ascending=False, kind="stable")
    return shortfall_text(table, "expected_unit_years")
