"""Progressive hedging (mpi-sppy) for plans with many scenarios: one small model per
scenario instead of one extensive form.

The extensive form (models/build.py) holds every scenario's deployment in one model;
with many scenarios it outgrows one machine's memory. Progressive hedging (Rockafellar &
Wets 1991) solves each scenario's own model — the same `models.build_model` on the plan
with only that scenario — and drives their first-stage decisions to agree by penalties:

    first stage (shared): x_units, open_site, sets, spend, topup, spending_gap, equipment_gap,
                          total_spend
    scenario s's model:   plan_cost + transit_cost[s] + shortfall_cost[s] (+ the spending- and
                          equipment-gap penalties and the tie-break), weighted by p_s

mpi-sppy (an optional extra: `pip install 'alliance-planner[ph]'`) runs the iterations,
serially here or over MPI processes (`mpiexec -n N python -m mpi4py …`) on a cluster.
For an LP, PH converges to the extensive form's optimum; for a MIP (sites) it is a
heuristic. Expected-cost objectives only (not worst-case).
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass

import pandas as pd

from models import PlanData, build_model

FIRST_STAGE = ("x_units", "open_site", "sets", "spend", "topup", "spending_gap", "equipment_gap", "total_spend")


class HedgingUnavailable(RuntimeError):
    """mpi-sppy is not installed."""


@dataclass
class HedgingResult:
    objective: float  # expected cost of the PH solution, M (discounted)
    bound: float  # a lower bound on the optimum (mpi-sppy's trivial bound), M
    convergence: float  # PH's convergence metric at the end (0: the scenarios agree)
    iterations: int
    first_stage: pd.DataFrame  # variable, index, value (the scenarios' average)
    seconds: float


def scenario_model(name: str, data: PlanData):
    """Scenario `name`'s model with its first-stage variables attached for mpi-sppy."""
    import mpisppy.utils.sputils as sputils

    one = dataclasses.replace(data, scenarios=data.scenarios.loc[[name]])
    model = build_model(one)
    first = [v for comp in FIRST_STAGE if hasattr(model, comp) for v in getattr(model, comp).values()]
    sputils.attach_root_node(model, model.plan_cost, first)
    p = data.scenarios["probability"]
    model._mpisppy_probability = float(p[name] / p.sum())
    return model


def progressive_hedging(data: PlanData, iterations: int = 200, rho: float = 1.0,
                        tolerance: float = 1e-6) -> HedgingResult:
    """Solve the plan by progressive hedging over its scenarios (HiGHS for each)."""
    try:
        from mpisppy.opt.ph import PH
    except ImportError as exc:
        raise HedgingUnavailable("progressive hedging needs mpi-sppy: pip install 'alliance-planner[ph]'") from exc
    if data.scenario_objective != "expected":
        raise ValueError("progressive hedging needs the expected-cost objective (Settings › scenario_objective)")
    start = time.perf_counter()
    options = {
        "solver_name": "highs", "PHIterLimit": iterations, "defaultPHrho": rho, "convthresh": tolerance,
        "verbose": False, "display_progress": False, "display_timing": False,
        "iter0_solver_options": {}, "iterk_solver_options": {},
    }
    ph = PH(options, list(data.scenarios.index), scenario_model, scenario_creator_kwargs={"data": data})
    convergence, objective, bound = ph.ph_main()
    rows = []
    models = list(ph.local_scenarios.values())
    for comp in FIRST_STAGE:
        first = getattr(models[0], comp, None)
        if first is None:
            continue
        for key in first:
            values = [getattr(m, comp)[key].value or 0.0 for m in models]
            weights = [m._mpisppy_probability for m in models]
            rows.append((comp, key, sum(w * v for w, v in zip(weights, values)) / sum(weights)))
    return HedgingResult(float(objective), float(bound), float(convergence), int(ph._PHIter),
                         pd.DataFrame(rows, columns=["variable", "index", "value"]), time.perf_counter() - start)
