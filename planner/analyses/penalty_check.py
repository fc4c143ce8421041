"""Would the plan change if the shortfall penalty were ten times lower?

The penalty P_short is a modelling weight (docs/model.md, Objective). The plan is re-solved
on the persistent model with every shortfall's objective coefficient divided by
LOWER_BY; if the expected shortfall grows, the penalty, not the data, decides those
requirements, and the report says so with the money the lower penalty would save.
"""

from __future__ import annotations

from dataclasses import dataclass

from models import PlanData

from .. import money
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

    @property
    def changes(self) -> bool:
        return self.extra_shortfall_unit_years > CHANGED_UNIT_YEARS


def check_penalty(pm: HighsModel, data: PlanData, options: SolveOptions = SolveOptions(),
                  plan_seconds: float | None = None) -> PenaltyCheck:
    """Re-solve with the shortfall penalty ÷ LOWER_BY and compare with the plan loaded in
    Pyomo; the model is put back. A MIP re-solve starts from the plan (feasible: only costs
    change), is held to the plan's own gap (a looser one would hide changes smaller than
    it: on NATO, 3 unit-years for 22 bn at a gap of 0.1 %) and stops after MIP_TIME_FACTOR ×
    the plan's own solve (`plan_seconds`), at least MIP_MIN_SECONDS."""
    model = pm.model
    penalty, lower = data.shortfall_penalty, data.shortfall_penalty / LOWER_BY
    cur = data.currency
    if data.scenario_objective != "expected":
        return PenaltyCheck(penalty, lower, "not checked", 0.0, 0.0,
                            "Not checked for the worst-case objective (the penalty sits in the worst-case rows).", False)
    plan = money.of_model(model)
    shortfalls = list(model.shortfall.values())
    with pm.changes():
        pm.set_costs(shortfalls, pm.costs(shortfalls) / LOWER_BY)
        limit, gap = options.time_limit_s, options.mip_gap
        if pm.is_mip:
            if plan_seconds is not None:
                limit = min(limit, max(MIP_MIN_SECONDS, MIP_TIME_FACTOR * plan_seconds))
        outcome = pm.solve(limit, gap)
        if not outcome.has_solution:
            return PenaltyCheck(penalty, lower, outcome.status, 0.0, 0.0,
                                f"Not checked: the re-solve with a penalty of {lower:,.0f} ended '{outcome.status}'.", False)
        other = money.of_solution(pm)
    extra = other.expected_shortfall_unit_years - plan.expected_shortfall_unit_years
    saved = plan.money_musd - other.money_musd
    if extra > CHANGED_UNIT_YEARS:
        note = (f"With a penalty ten times lower ({lower:,.0f} {money.PENALTY_UNIT}, a modelling weight) "
                f"the plan would leave "
                f"{extra:,.1f} more unit-years short (expected) and cost {saved:,.0f} M {cur} less: for those "
                "requirements the penalty, not the data, decides whether they are met.")
    else:
        note = (f"The plan does not change with a penalty ten times lower ({lower:,.0f} {money.PENALTY_UNIT}, "
                "a modelling weight): "
                "every requirement it meets is worth meeting at a tenth of the penalty, and what it leaves "
                "short is short at either penalty.")
    if not outcome.optimal and outcome.gap is not None:
        note += (f" (The re-solve stopped at its time limit of {limit:,.0f} s with a gap of "
                 f"{100 * outcome.gap:.2g} % on its objective.)")
    return PenaltyCheck(penalty, lower, outcome.status, max(extra, 0.0), saved, note)
