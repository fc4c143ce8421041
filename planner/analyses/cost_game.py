"""The pact's cost game: who adds what value, and is the plan's split of costs stable?

For a coalition S of members, c(S) is the least cost for S to meet the pact's requirements
alone, under the pact's rules (spending targets, fair-share bands among S's members,
common funding shared among S, shortfalls penalised as in the plan): the plan's objective
with every other member out for the whole horizon (planner/analyses/membership.py), one
re-solve of the persistent model per coalition, each computed once. c(∅) = 0 and
c(N) is the plan's objective. Where S cannot satisfy its fair-share bands (they are hard
constraints), c(S) is solved without them and the coalition is counted in `relaxed`.

Shapley value φ_i: member i's mean marginal cost over all orders in which the pact could
have formed; exact from all 2^n coalitions up to `EXACT_LIMIT` members, otherwise
estimated from random orders (antithetic pairs) within a time budget, with standard
errors and 95 % intervals (planner/analyses/games.py).

The plan's allocation x_i, which sums to c(N):

    x_i = plan_cost_i + gap_penalty_i + transit_i + f_i · (c(N) − Σ_j (plan_cost_j + gap_penalty_j + transit_j))

plan_cost_i: member i's spending above its baseline (discounted, its common-funding share
included); gap_penalty_i: its penalised spending and equipment gaps; transit_i: the expected cost of
moving its units; f_i: its fair share, which splits what belongs to no member (penalised
shortfalls). It is in the core when no coalition pays more in the plan than it would alone:
x(S) ≤ c(S) for every S (checked over all coalitions up to EXACT_LIMIT members, else over
the coalitions the sampling met: a necessary condition only, and said so).

Money: M currency, discounted, base-year prices.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from models import PlanData
from models.spending import equipment_gap_weight

from ..persistent import PersistentModel
from ..solve import NoPlan, SolveOptions, is_plan
from .changes import scale_requirements
from .games import CachedCost, cached, core_violation, nucleolus, shapley
from .membership import Membership, apply

BASES = ("share", "all")  # what a coalition alone must meet: its fair share of every requirement, or all
EXACT_LIMIT = 12  # members: 4,095 coalitions, each a re-solve
NUCLEOLUS_LIMIT = 12
COLUMNS = (
    "member", "name", "shapley_musd", "shapley_low_musd", "shapley_high_musd", "shapley_std_error_musd",
    "nucleolus_musd", "plan_allocation_musd", "plan_cost_musd", "fair_share_cost_musd",
    "defence_spending_musd", "stand_alone_cost_musd", "shapley_share_pct", "fair_share_pct",
)


@dataclass
class CostGameResults:
    table: pd.DataFrame  # one row per member, COLUMNS
    grand_cost: float  # c(N), M
    exact: bool
    permutations: int
    coalitions: int  # coalitions re-solved
    relaxed: int  # coalitions solved without fair-share bands (infeasible with them)
    in_core: bool | None  # None: not checked
    core_scope: str  # "all coalitions" or "the N coalitions met while sampling"
    violation: tuple[frozenset | None, float]  # most violated coalition and its excess, M
    seconds: float
    resolve_seconds: float  # mean time of one coalition's re-solve
    basis: str = "share"


def coalition_cost(pm: PersistentModel, data: PlanData, options: SolveOptions,
                   shares: dict[str, float] | None = None) -> CachedCost:
    """c(S) as a cached cost function on the persistent model.

    `shares` (member → fraction, summing to 1): S alone meets Σ_{i∈S} share_i of every
    requirement (the "share" basis); None: S alone meets every requirement in full.
    """
    counts = {"relaxed": 0, "seconds": 0.0}

    def cost(members: frozenset) -> float:
        start = time.perf_counter()
        out_from = {m: data.first_year for m in data.members.index if m not in members}
        fraction = 1.0 if shares is None else min(1.0, sum(shares.get(m, 0.0) for m in members))
        for fairness in (True, False):
            with pm.changes():
                apply(pm, data, Membership(out_from=out_from, fairness=fairness))
                if fraction < 1.0:
                    scale_requirements(pm, fraction)
                outcome = pm.solve(options.time_limit_s, options.mip_gap)
            if is_plan(outcome.status, outcome.has_solution):
                break
            counts["relaxed"] += 1
        counts["seconds"] += time.perf_counter() - start
        if not is_plan(outcome.status, outcome.has_solution):
            note = ""
            if outcome.status == "infeasible" and not data.elastic:
                needs = "its members' fair share of every requirement" if shares is not None else "every requirement"
                note = (f"The cost game needs a cost for every coalition; in strict mode a coalition must meet "
                        f"{needs} alone, with no shortfall.")
            raise NoPlan(outcome.status, f"for the coalition {', '.join(sorted(members))} alone (the cost game)",
                         elastic=data.elastic, note=note)
        return float(outcome.objective)

    game = cached(cost)
    game.counts = counts  # type: ignore[attr-defined]
    return game


def plan_allocation(model: pyo.ConcreteModel, data: PlanData, fair_share_pct: dict[str, float]) -> dict[str, float]:
    """x_i of the solved plan (loaded in the model), summing to its objective."""
    ix = model.index
    d, p = ix.discount, ix.probability
    baseline = data.members["spending"]
    own: dict[str, float] = defaultdict(float)
    for m, t in ix.active:
        own[m] += d[t] * ((model.spend[m, t].value or 0.0) - baseline[m])
    for (m, t), v in model.spending_gap.items():
        own[m] += data.spending_gap_penalty * d[t] * (v.value or 0.0)
    floors = data.targets["min_equipment"]
    for (m, t), v in model.equipment_gap.items():
        own[m] += equipment_gap_weight(float(floors[m, t]), data.spending_gap_penalty) * d[t] * (v.value or 0.0)
    for (m, c, r, t, s), v in model.assign.items():
        own[m] += p[s] * d[t] * ix.home_cost[m, c, r, s] * (v.value or 0.0)
    for (m, k, c, r, t, s), v in model.draw.items():
        own[m] += p[s] * d[t] * ix.site_cost[k, c, r, s] * (v.value or 0.0)
    rest = float(pyo.value(model.total_cost)) - sum(own.values())
    return {m: own[m] + fair_share_pct.get(m, 0.0) / 100 * rest for m in data.members.index}


def analyse_cost_game(
    pm: PersistentModel,
    data: PlanData,
    burden: pd.DataFrame,
    options: SolveOptions = SolveOptions(),
    *,
    samples: int | None = None,
    time_budget_s: float = 180.0,
    seed: int = 0,
    basis: str = "share",
    progress: Callable[[int, int], object] | None = None,
) -> CostGameResults:
    """Shapley values, nucleolus (small pacts) and the core check of the plan's allocation.

    `pm` holds the solved plan (its solution loaded in the Pyomo model); `burden` is the
    plan's Burden table. Exact up to EXACT_LIMIT members unless `samples` is given;
    otherwise `samples` permutations (default: as many as `time_budget_s` allows).
    """
    start = time.perf_counter()
    model = pm.model
    members = list(data.members.index)
    fair = burden.set_index("member")["fair_share_pct"].to_dict()
    allocation = plan_allocation(model, data, fair)
    if basis not in BASES:
        raise ValueError(f"basis must be one of {', '.join(BASES)}")
    shares = {m: f / 100 for m, f in fair.items()} if basis == "share" else None
    game = coalition_cost(pm, data, options, shares)
    grand = game(frozenset(members))
    exact = samples is None and len(members) <= EXACT_LIMIT
    if exact:
        phi = shapley(members, game, progress=progress)
    else:
        clock = time.perf_counter()

        def timed(done: int, total: int) -> None:  # progress in seconds of the budget
            if progress is not None:
                progress(min(time.perf_counter() - clock, time_budget_s), time_budget_s)

        phi = shapley(members, game, samples=samples or 1_000_000, seed=seed,
                      time_budget_s=time_budget_s, progress=timed)
    nucleus = nucleolus(members, game) if exact and len(members) <= NUCLEOLUS_LIMIT and _imputations(members, game) else {}
    scaled = _efficient(allocation, grand)
    if exact:
        violation = core_violation(members, game, scaled)
        scope = "all coalitions"
    else:
        violation = _violation_among(game, scaled)
        scope = f"the {len(game.values):,} coalitions met while sampling"
    table = _table(data, burden, phi, nucleus, allocation, game, grand)
    seconds = time.perf_counter() - start
    return CostGameResults(
        table=table, grand_cost=grand, exact=phi.exact, permutations=phi.permutations,
        coalitions=game.evaluations, relaxed=game.counts["relaxed"],
        in_core=violation[0] is None, core_scope=scope, violation=violation, seconds=seconds, basis=basis,
        resolve_seconds=game.counts["seconds"] / max(1, game.evaluations),
    )


def _imputations(members: list[str], game: CachedCost) -> bool:
    """Σ c({i}) ≥ c(N): the nucleolus exists."""
    return sum(game(frozenset([m])) for m in members) >= game(frozenset(members)) - 1e-9


def _efficient(allocation: dict[str, float], grand: float) -> dict[str, float]:
    """The allocation, with the solver's rounding (≤ the MIP gap) spread so that it sums to c(N)."""
    total = sum(allocation.values())
    n = len(allocation)
    return {m: x + (grand - total) / n for m, x in allocation.items()}


def _violation_among(game: CachedCost, allocation: dict[str, float]) -> tuple[frozenset | None, float]:
    """The most violated coalition among those evaluated: max x(S) − c(S) over S ≠ N."""
    grand = frozenset(allocation)
    best, excess = None, -np.inf
    for coalition, c in game.values.items():
        if coalition == grand:
            continue
        e = sum(allocation[m] for m in coalition) - c
        if e > excess:
            best, excess = coalition, e
    tol = 1e-6 * max(1.0, abs(game.values.get(grand, 1.0)))
    return (best, excess) if excess > tol else (None, excess)


def _table(data: PlanData, burden: pd.DataFrame, phi, nucleus: dict, allocation: dict[str, float],
           game: CachedCost, grand: float) -> pd.DataFrame:
    b = burden.set_index("member")
    rows = []
    for m in data.members.index:
        low, high = phi.ci95[m]
        alone = game.values.get(frozenset([m]), np.nan)
        rows.append((
            m, data.members.at[m, "name"], phi[m], low, high, phi.std_error[m], nucleus.get(m, np.nan),
            allocation[m], b.at[m, "plan_cost_musd"], b.at[m, "fair_share_pct"] / 100 * grand,
            b.at[m, "defence_spending_musd"], alone, 100 * phi[m] / grand if grand else np.nan,
            b.at[m, "fair_share_pct"],
        ))
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    return frame.sort_values("shapley_musd", ascending=False, kind="stable", ignore_index=True)
