"""Near-optimal alternatives (modelling to generate alternatives): how much freedom the
optimum leaves.

Within a cost slack s (1 %, 5 %…) of the plan's cost in real money M* (money_cost:
spending added + expected transit, docs/model.md), with its penalty weight P* (shortfalls
and spending gaps) no worse, two temporary rows of the persistent model hold

    money_cost ≤ M* + s · |M*|,        penalties ≤ P* + 1e-6 · max(1, P*),

and each quantity of interest is minimised and maximised in turn (two re-solves each):

    plan cost of member m       Σ_{t : (m,t) ∈ A} δ_t · (spend[m, t] − D_m)            M, discounted
    acquisitions of capability c Σ_{(m,c,τ) ∈ O} x_units[m, c, τ]                        units ordered

With each member's extreme plan, its burden share (its discounted spending over the
alliance's, as in the Burden sheet) in that plan is reported too; "optimal" is the plan as
reported (the Burden sheet's figures), not a re-solve that could pick another of its ties.
The objective and the rows are put back after each analysis.

Sites stay as the optimal plan opens them (`open_site` fixed): the alternatives are those
of forces, sets and spending around the plan's sites, and each is an LP (a MIP only where
capabilities are bought in whole units). These LPs are highly degenerate (one member's
spending as the objective); HiGHS's interior point method with crossover solves them about
6× faster than its simplex on the NATO example (1.5 s against 9 s each), so it is used.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from models import PlanData

from .. import money
from ..results import zero_noise
from ..highs import INF, HighsModel
from ..solve import SolveOptions

MEMBER_COLUMNS = (
    "slack_pct", "member", "name", "plan_cost_musd", "plan_cost_min_musd", "plan_cost_max_musd",
    "burden_share_pct", "burden_share_min_pct", "burden_share_max_pct",
)
CAPABILITY_COLUMNS = (
    "slack_pct", "capability", "name", "ordered_units", "ordered_min_units", "ordered_max_units",
)


@dataclass
class AlternativesResults:
    members: pd.DataFrame
    capabilities: pd.DataFrame
    solves: int
    seconds: float


def analyse_alternatives(pm: HighsModel, data: PlanData, options: SolveOptions = SolveOptions(),
                         slacks: tuple[float, ...] = (0.05,),
                         progress: Callable[[int, int], object] | None = None) -> AlternativesResults:
    start = time.perf_counter()
    model = pm.model
    ix = model.index
    d = ix.discount
    spend_cols: dict[str, list[int]] = defaultdict(list)
    spend_coef: dict[str, list[float]] = defaultdict(list)
    for m, t in ix.active:
        spend_cols[m].append(pm.columns([model.spend[m, t]])[0])
        spend_coef[m].append(d[t])
    all_cols = np.array([c for m in spend_cols for c in spend_cols[m]], dtype=np.int32)
    all_coef = np.array([v for m in spend_coef for v in spend_coef[m]])
    baseline = {m: sum(d[t] for mm, t in ix.active if mm == m) * float(data.members.at[m, "spending"])
                for m in spend_cols}
    order_cols: dict[str, list[int]] = defaultdict(list)
    for (m, c, t), v in model.x_units.items():
        order_cols[c].extend(pm.columns([v]).tolist())

    def member_value(x: np.ndarray, m: str) -> tuple[float, float]:
        own = float(np.dot(spend_coef[m], x[spend_cols[m]]))
        return own - baseline[m], 100 * own / float(all_coef @ x[all_cols])

    x0 = np.array([v.value or 0.0 for v in pm.instance.variables])  # the plan as reported
    plan = money.of_solution(pm, x0)
    forms = money.forms(pm)
    sites = list(model.open_site.values())
    site_values = np.round(pm.values(sites))
    targets = [("member", m, np.array(spend_cols[m], dtype=np.int32), np.array(spend_coef[m])) for m in spend_cols]
    targets += [("capability", c, np.array(cols, dtype=np.int32), np.ones(len(cols)))
                for c, cols in order_cols.items() if cols]
    total = len(slacks) * len(targets) * 2
    done = 0
    member_rows, capability_rows = [], []
    for slack in slacks:
        with pm.changes():
            pm.fix(sites, site_values)
            pm.relax_integrality(sites)
            (mcols, mcoef, mconst), (pcols, pcoef, pconst) = forms["money_cost"], forms["penalties"]
            pm.add_rows(np.array([-INF, -INF]),
                        np.array([plan.money_musd + slack * abs(plan.money_musd) - mconst,
                                  plan.penalty_weight + 1e-6 * max(1.0, plan.penalty_weight) - pconst]),
                        [(mcols, mcoef), (pcols, pcoef)])
            for kind, code, tcols, tcoef in targets:
                extremes = []
                for sense in ("min", "max"):
                    with pm.changes():
                        pm.set_objective(tcols, tcoef, sense)
                        outcome = pm.solve(options.time_limit_s, options.mip_gap, method="ipm")
                        x = pm.solution() if outcome.has_solution else None
                    extremes.append(x)
                    done += 1
                    if progress is not None:
                        progress(done, total)
                if kind == "member":
                    now = member_value(x0, code)
                    low = member_value(extremes[0], code) if extremes[0] is not None else (np.nan, np.nan)
                    high = member_value(extremes[1], code) if extremes[1] is not None else (np.nan, np.nan)
                    member_rows.append((100 * slack, code, data.members.at[code, "name"], now[0], low[0], high[0],
                                        now[1], min(low[1], high[1]), max(low[1], high[1])))
                else:
                    value = lambda x: float(x[tcols].sum()) if x is not None else np.nan  # noqa: E731
                    capability_rows.append((100 * slack, code, data.capabilities.at[code, "name"], value(x0),
                                            value(extremes[0]), value(extremes[1])))
    return AlternativesResults(
        members=zero_noise(pd.DataFrame(member_rows, columns=list(MEMBER_COLUMNS))),
        capabilities=zero_noise(pd.DataFrame(capability_rows, columns=list(CAPABILITY_COLUMNS))),
        solves=done,
        seconds=time.perf_counter() - start,
    )
