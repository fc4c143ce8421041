"""What does the path rule cost?

The path rule (SpendingTargets one_way_path; docs/model.md, `path_no_fall`, `path_no_rise`)
keeps each member's spending share of GDP moving one way. The plan is re-solved on the
persistent model with the rule's rows relaxed (−∞ ≤ row ≤ +∞), as the penalty check
re-solves it with a lower penalty; the Summary shows the plan's real cost with the rule
and without it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from models import PlanData

from .. import money
from ..highs import HighsModel
from ..solve import SolveOptions
from .penalty_check import MIP_MIN_SECONDS, MIP_TIME_FACTOR


@dataclass(frozen=True)
class PathCheck:
    status: str  # solver status of the re-solve
    with_rule_musd: float  # the plan's real cost (money_cost), with the rule
    without_rule_musd: float | None  # the same plan re-solved without it (None: no plan found)
    gap: float | None  # the re-solve's relative MIP gap on its objective (None: LP or unknown)
    seconds: float

    @property
    def cost_musd(self) -> float | None:
        """What the rule costs: with minus without (M, discounted)."""
        return None if self.without_rule_musd is None else self.with_rule_musd - self.without_rule_musd


def path_rows(model) -> list:
    """The rows of the path rule in the model."""
    return list(model.path_no_fall.values()) + list(model.path_no_rise.values())


def check_path(pm: HighsModel, data: PlanData, options: SolveOptions = SolveOptions(),
               plan_seconds: float | None = None) -> PathCheck | None:
    """Re-solve with the path rule's rows relaxed and compare the real cost with the plan
    loaded in Pyomo (`resolve_path`, then its comparison); None where the plan has no such rows."""
    compare = resolve_path(pm, data, options, plan_seconds)
    return None if compare is None else compare()


def resolve_path(pm: HighsModel, data: PlanData, options: SolveOptions = SolveOptions(),
                 plan_seconds: float | None = None) -> Callable[[], PathCheck] | None:
    """Re-solve with the path rule's rows relaxed (the model is put back) and return the
    comparison with the plan loaded in Pyomo, to run when that plan is there (`pm` may be a
    twin re-solving beside the tie rule); None where the plan has no such rows. A MIP
    re-solve starts from the plan (still feasible: rows are only relaxed), is held to the
    plan's gap and stops after MIP_TIME_FACTOR × the plan's own solve, at least MIP_MIN_SECONDS."""
    model = pm.model
    rows = path_rows(model) if hasattr(model, "path_no_fall") else []
    if not rows:
        return None
    limit = options.time_limit_s
    if pm.is_mip and plan_seconds is not None:
        limit = min(limit, max(MIP_MIN_SECONDS, MIP_TIME_FACTOR * plan_seconds))
    with pm.changes():
        pm.relax_rows(rows)
        outcome = pm.solve(limit, options.mip_gap)
        other = money.of_solution(pm).money_musd if outcome.has_solution else None
    gap = outcome.gap if pm.is_mip else None
    return lambda: PathCheck(outcome.status, money.of_model(model).money_musd, other, gap, outcome.seconds)
