"""The pact's cost game on the plan's own terms: who adds what value, and is a split stable?

For a coalition S of members, c(S) is the **money** S would spend to meet its share of the
pact's requirements alone (basis "share": F(S) = min(1, Σ_{i∈S} f_i) of every requirement,
f_i the fair share; basis "all": every requirement), under the pact's rules (spending
targets, fair-share bands among S, common funding shared among S): the plan's model with
every other member out for the whole horizon (planner/analyses/membership.py), re-solved on
the persistent model **with the plan's own objective** (its shortfall and gap penalties are
weights that decide, as they decide the plan), and valued in money:

    c(S) = plan_cost(S) + transit(S) + Σ p_s δ_t π_c max(0, shortfall_S[c, r, t, s] − F(S) · shortfall_plan[c, r, t, s])

- **bought outside**: a unit-year S leaves short beyond its share of the plan's own shortfall
  is bought at the outside price π_c = premium × max_m (a_mc / life_mc + o_mc), the dearest
  member's acquisition cost spread over the service life plus its operating cost (premium
  1.5 by default). What the whole pact cannot field is short in the plan too and is no
  coalition's cost, so c(N) is the plan's real money.
- **gaps are money not spent**: a spending or equipment gap below a floor stays penalised
  (S still tries to reach its floors) but counts 0 money.

**Whole units** up to `EXACT_LIMIT` members: every coalition is a MIP solved as the plan is
(warm-started from the plan's integer decisions), c(N) is the plan itself (not re-solved),
and the exact Shapley values, the nucleolus and the plan's allocation sum to the plan's real
cost. **Units divisible** above: integrality relaxed so that thousands of coalitions can be
valued; the estimate sums to the divisible c(N), and the premium P = the plan's real cost −
c(N) is shared in proportion to the positive Shapley values (`share_premium`):

    φ̃_i = φ_i + P · max(φ_i, 0) / Σ_j max(φ_j, 0),     Σ_i φ̃_i = the plan's real cost.

Where S cannot satisfy its fair-share bands (they are hard), c(S) is solved without them and
counted in `relaxed`.

Shapley value φ_i: member i's mean marginal cost over all orders in which the pact could
have formed: exact from all 2^n coalitions up to `EXACT_LIMIT` members, otherwise the
stratified estimate of planner/analyses/sampling.py (strata by coalition size, the smallest
and largest enumerated, antithetic pairs, control variates), with 95 % intervals.

The allocation checked against the core is the plan's own:

    x_i = plan_cost_i + transit_i

plan_cost_i: member i's spending above its baseline (discounted, its common-funding share
included); transit_i: the expected cost of moving its units; x(N) = the plan's real cost. It
is in the core when x(S) ≤ c(S) for every S (whole units: checked over all coalitions; units
divisible: x scaled to the divisible c(N), over the coalitions the estimate valued — a
necessary condition only, and said so).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from models import PlanData

from .. import money
from ..results import zero_noise
from ..highs import HighsModel
from ..solve import NoPlan, SolveOptions, is_plan
from .changes import scale_requirements
from .games import CachedCost, cached, core_violation, nucleolus, shapley
from .membership import Membership, apply, small_coalition_note

BASES = ("share", "all")  # what a coalition alone must meet: its fair share of every requirement, or all
EXACT_LIMIT = 12  # members: 4,095 coalitions, each a whole-unit re-solve (a MIP)
WHOLE_LIMIT = 16  # members: up to it the game is played in whole units (above EXACT_LIMIT, sampled)
CLUSTER_FROM = 7  # members: below, the exact game's 63 coalitions do not repay starting workers
NUCLEOLUS_LIMIT = 12
PREMIUM = 1.5  # outside price = PREMIUM × the dearest member's cost of a unit-year
COLUMNS = (
    "member", "name", "shapley_musd", "shapley_low_musd", "shapley_high_musd", "shapley_std_error_musd",
    "shapley_whole_units_musd", "nucleolus_musd", "plan_allocation_musd", "plan_cost_musd", "fair_share_cost_musd",
    "defence_spending_musd", "stand_alone_cost_musd", "shapley_share_pct", "fair_share_pct",
)


@dataclass
class CostGameResults:
    table: pd.DataFrame  # one row per member, COLUMNS
    grand_cost: float  # c(N), M: the money of the LP relaxation's grand coalition
    exact: bool
    permutations: int  # sampled: antithetic pair samples drawn per member and stratum, in all
    coalitions: int  # coalitions re-solved
    relaxed: int  # coalitions solved without fair-share bands (infeasible with them)
    in_core: bool | None  # None: not checked
    core_scope: str  # "all coalitions" or "the N coalitions valued by the estimate"
    violation: tuple[frozenset | None, float]  # most violated coalition and its excess, M
    seconds: float
    resolve_seconds: float  # mean time of one coalition's re-solve
    basis: str = "share"
    plan_money: float = float("nan")  # the whole-unit plan's real money (spending added + transit)
    plan_objective: float = float("nan")  # the plan's objective (money + penalty weights)
    premium: float = PREMIUM
    prices: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))  # capability -> M per unit-year
    max_half_width: float = 0.0  # largest 95 % half-width, M
    target_half_width: float = 0.0  # the accuracy asked for, M (0: exact)
    stopped: str = ""  # why the sampling stopped: "accuracy reached", "time budget", "samples"
    estimate: object = None  # the sampling's diagnostics (planner/analyses/sampling.py), None if exact
    workers: int = 1
    scheduler: str = ""
    values: dict = field(default_factory=dict)  # every coalition valued: frozenset -> c(S), M
    cap_note: str = ""  # where small coalitions drop the common-funding cap, in words ('' : nowhere)
    whole_units: bool = False  # the game played with whole units (c(N) is the plan), else divisible
    premium_musd: float = 0.0  # the plan's real cost − c(N): shared by `share_premium` (0 with whole units)
    premium_rule: str = ""  # how the values come to sum to the plan's real cost, in one sentence


def outside_prices(data: PlanData, premium: float = PREMIUM) -> pd.Series:
    """π_c, M per unit-year: premium × max over members of a_mc / life_mc + o_mc. A capability
    no member fields is priced at the dearest capability's π."""
    f = data.member_forces()
    per_year = (f["acquisition_cost"] / f["service_life"].clip(lower=1) + f["operating_cost"]).astype(float)
    dearest = per_year.groupby(level="capability").max() if len(per_year) else pd.Series(dtype=float)
    top = float(dearest.max()) if len(dearest) and np.isfinite(dearest.max()) else 1.0
    return pd.Series({c: premium * float(dearest.get(c, top)) for c in data.capabilities.index}, name="price_musd")


class MoneyGame:
    """c(S) in real money on the persistent model, on the plan's own terms (the module docstring).

    Use as a context manager: entering relaxes integrality unless `whole_units`; leaving
    puts the plan's model back. Each coalition is solved with the plan's objective (its
    penalty weights decide, as in the plan) and valued in money: spending added + transit +
    the unit-years short beyond its share of the plan's own shortfall (`plan_short`, one
    value per requirement cell; default: the plan's, read from the Pyomo model), bought
    outside. `grand` (the plan's real money) is c(N) without a re-solve. `cost(S)`
    re-solves one coalition; `game(S)` is cached."""

    def __init__(self, pm: HighsModel, data: PlanData, options: SolveOptions = SolveOptions(),
                 shares: dict[str, float] | None = None, premium: float = PREMIUM, *,
                 whole_units: bool = False, plan_short: np.ndarray | None = None, grand: float | None = None):
        self.pm, self.data, self.options, self.shares = pm, data, options, shares
        self.premium, self.whole_units = premium, whole_units
        self.prices = outside_prices(data, premium)
        self.relaxed = 0
        self.seconds = 0.0
        self.solves = 0
        self._stack: ExitStack | None = None
        self.game = cached(self._cost)
        model = pm.model
        ix = model.index
        cells = list(ix.requirement) if hasattr(model, "shortfall") else []
        self._short_cols = pm.columns([model.shortfall[c] for c in cells])
        self._short_price = np.array([ix.probability[c[3]] * ix.discount[c[2]] * self.prices[c[0]] for c in cells])
        if plan_short is None:
            plan_short = np.array([model.shortfall[c].value or 0.0 for c in cells])
        self.plan_short = np.asarray(plan_short, dtype=float)
        if grand is not None:
            self.game.values[frozenset(data.members.index)] = float(grand)

    # ------------------------------------------------------------ setting up
    def __enter__(self) -> MoneyGame:
        self._stack = ExitStack()
        self._stack.enter_context(self.pm.changes())
        if not self.whole_units:
            self.pm.relax_integrality()
        return self

    def __exit__(self, *exc) -> None:
        if self._stack is not None:
            self._stack.close()
            self._stack = None

    # ------------------------------------------------------------ one coalition
    def fraction(self, members: frozenset) -> float:
        """F(S): the share of every requirement S must meet (1 on basis "all")."""
        shares = self.shares
        return 1.0 if shares is None else min(1.0, sum(shares.get(m, 0.0) for m in members))

    def money_of(self, x: np.ndarray, fraction: float = 1.0) -> float:
        """c(S) of the solution `x`: its money (spending added + expected transit) and, bought
        outside, the unit-years short beyond F(S) × the plan's own shortfall."""
        beyond = np.maximum(0.0, x[self._short_cols] - fraction * self.plan_short) if len(self._short_cols) else 0.0
        return float(money.of_solution(self.pm, x).money_musd + np.sum(self._short_price * beyond))

    def _cost(self, members: frozenset) -> float:
        if self._stack is None:
            raise RuntimeError("use the money game inside `with MoneyGame(...) as game:`")
        pm, data, options = self.pm, self.data, self.options
        start = time.perf_counter()
        out_from = {m: data.first_year for m in data.members.index if m not in members}
        fraction = self.fraction(members)
        value = None
        for fairness in (True, False):
            with pm.changes():
                apply(pm, data, Membership(out_from=out_from, fairness=fairness))
                if fraction < 1.0:
                    scale_requirements(pm, data, fraction)
                outcome = pm.solve(options.time_limit_s, options.mip_gap)
                self.solves += 1
                if is_plan(outcome.status, outcome.has_solution):
                    value = self.money_of(pm.solution(), fraction)
                    break
            self.relaxed += 1
        self.seconds += time.perf_counter() - start
        if value is None:
            note = ""
            if outcome.status == "infeasible" and not data.elastic:
                needs = "its members' fair share of every requirement" if self.shares is not None else "every requirement"
                note = (f"The cost game needs a cost for every coalition; in strict mode a coalition must meet "
                        f"{needs} alone, with no shortfall.")
            raise NoPlan(outcome.status, f"for the coalition {', '.join(sorted(members))} alone (the cost game)",
                         elastic=data.elastic, note=note)
        return value

    def __call__(self, members: Iterable[str]) -> float:
        return self.game(members)


def plan_solution(pm: HighsModel) -> np.ndarray:
    """The plan's solution as HiGHS's column values, from the Pyomo model (which holds the
    plan: analyses re-solve HiGHS's copy without loading their solutions into it)."""
    x = np.zeros(pm.highs.getNumCol())
    for v in pm.model.component_data_objects(pyo.Var, descend_into=True):
        col = pm.column(v)
        if col is not None and v.value is not None:
            x[col] = v.value
    return x


def share_premium(phi: Mapping[str, float], premium: float) -> dict[str, float]:
    """Each member's part of the premium P (the plan's real cost − Σ_j φ_j, which is c(N) of
    the divisible game once the estimate is efficient):
    in proportion to its Shapley value where positive, π_i = P · max(φ_i, 0) / Σ_j max(φ_j, 0);
    a member with a negative value bears none. Equal parts if no value is positive."""
    positive = {m: max(0.0, float(v)) for m, v in phi.items()}
    total = sum(positive.values())
    if total <= 0:
        return {m: premium / len(phi) for m in phi}
    return {m: premium * v / total for m, v in positive.items()}


def member_money(pm: HighsModel, data: PlanData, x: np.ndarray) -> dict[str, float]:
    """Each member's plan cost (discounted spending above its baseline, its common-funding
    share included) and expected transit in the solution `x` (HiGHS's column values)."""
    model = pm.model
    ix = model.index
    d, p = ix.discount, ix.probability
    baseline = data.members["spending"]
    own: dict[str, float] = defaultdict(float)
    keys = list(ix.active)
    for (m, t), v in zip(keys, x[pm.columns([model.spend[k] for k in keys])]):
        own[m] += d[t] * (v - baseline[m])
    for name, cost in (("assign", lambda k: ix.home_cost[k[0], k[1], k[2], k[4]]),
                       ("draw", lambda k: ix.site_cost[k[1], k[2], k[3], k[5]])):
        var = getattr(model, name)
        keys = [k for k in var if pm.column(var[k]) is not None]
        values = x[pm.columns([var[k] for k in keys])]
        for k, v in zip(keys, values):
            if v:
                t, s = k[-2], k[-1]
                own[k[0]] += p[s] * d[t] * cost(k) * v
    return {m: own[m] for m in data.members.index}


def analyse_cost_game(
    pm: HighsModel,
    data: PlanData,
    burden: pd.DataFrame,
    options: SolveOptions = SolveOptions(),
    *,
    samples: int | None = None,
    time_budget_s: float = 180.0,
    seed: int = 0,
    basis: str = "share",
    premium: float = PREMIUM,
    accuracy: float = 0.01,
    progress: Callable[..., object] | None = None,
    plan_money: float = float("nan"),
    plan_objective: float = float("nan"),
    path: str | None = None,
    scheduler: str | None = None,
    workers: int = 1,
    whole_units: bool | None = None,
) -> CostGameResults:
    """Shapley values, nucleolus (small pacts) and the core check, on the plan's own terms.

    `pm` holds the solved plan (its solution loaded in the Pyomo model); `burden` is the
    plan's Burden table. Up to WHOLE_LIMIT members the game is played with whole units, every
    coalition a MIP, and c(N) is the plan itself: exactly up to EXACT_LIMIT (unless `samples`
    is given), else estimated. Above WHOLE_LIMIT (or with `whole_units` False) units are divisible. An estimate runs until every 95 % half-width is
    at most `accuracy` × c(N) / n, `samples` pair samples per stratum are drawn, or
    `time_budget_s` runs out; the premium (the plan's real cost − c(N)) is then shared by
    `share_premium`. With `scheduler` (an address) or `workers` > 1 and the workbook's
    `path`, coalitions are valued on a Dask cluster (planner/analyses/game_cluster.py).
    """
    start = time.perf_counter()
    members = list(data.members.index)
    fair = burden.set_index("member")["fair_share_pct"].to_dict()
    if basis not in BASES:
        raise ValueError(f"basis must be one of {', '.join(BASES)}")
    shares = {m: f / 100 for m, f in fair.items()} if basis == "share" else None
    x_plan = plan_solution(pm)
    real = money.of_solution(pm, x_plan).money_musd  # the plan's real cost
    plan_money = real if not np.isfinite(plan_money) else plan_money
    allocation = member_money(pm, data, x_plan)  # the plan's own: sums to its real cost
    whole = len(members) <= WHOLE_LIMIT if whole_units is None else whole_units
    exact = whole and samples is None and len(members) <= EXACT_LIMIT
    use_cluster = path is not None and bool(scheduler or workers > 1)
    with MoneyGame(pm, data, options, shares, premium, whole_units=whole, grand=real if whole else None) as mg:
        game = mg.game
        grand = game(frozenset(members))
        cluster = None
        remote = (0, 0.0, 0)
        cluster_name, cluster_workers = "", 1
        estimate = None
        try:  # the cluster closed whatever happens once it is up (a signal while it starts: ClusterGame closes it)
            if use_cluster and (not exact or len(members) >= CLUSTER_FROM):
                from .game_cluster import ClusterGame

                if progress is not None:
                    progress(0, 0, f"Shapley: starting {'the cluster' if scheduler else f'{workers} workers'}")
                cluster = ClusterGame(path, shares, premium, options.time_limit_s, scheduler=scheduler,
                                      workers=workers, cache=game.values, whole_units=whole,
                                      plan_short=mg.plan_short)
                cluster_name, cluster_workers = cluster.scheduler, cluster.workers
            if exact:
                if cluster is not None:
                    _value_all(members, game, cluster, progress)
                phi = shapley(members, game, progress=progress)
            else:
                from .sampling import estimate_shapley

                budget = max(0.0, time_budget_s - (time.perf_counter() - start))
                phi = estimate = estimate_shapley(members, game, seed=seed, time_budget_s=budget,
                                                  target=accuracy * abs(grand) / len(members),
                                                  samples=samples, progress=progress, evaluate=cluster)
        finally:
            if cluster is not None:
                remote = (cluster.resolves, cluster.seconds, cluster.relaxed)
                cluster.close()
        extra = 0.0 if whole else real - sum(phi.values())  # = real − c(N) once the estimate is efficient
        parts = share_premium(phi, extra) if not whole else dict.fromkeys(members, 0.0)
        nucleus = (nucleolus(members, game) if exact and len(members) <= NUCLEOLUS_LIMIT
                   and _imputations(members, game) else {})
        if exact:
            violation = core_violation(members, game, allocation, tol=1e-6 * max(1.0, abs(grand)))
            scope = f"all {2 ** len(members) - 2:,} coalitions other than the whole pact"
        else:
            scale = 1.0 if whole or abs(real) <= 1e-12 else grand / real
            violation = _violation_among(game, {m: scale * v for m, v in allocation.items()})
            scope = (f"the {len(game.values) - 1:,} coalitions the estimate valued"
                     + ("" if whole else ", with the plan's allocation scaled to c(N) of the divisible game")
                     + " (a necessary condition only)")
        table = _table(data, burden, phi, nucleus, allocation, game, grand, parts)
    seconds = time.perf_counter() - start
    half = max((h - v for v, (_, h) in zip(phi.values(), phi.ci95.values())), default=0.0)
    return CostGameResults(
        table=table, grand_cost=grand, exact=phi.exact, permutations=phi.permutations,
        coalitions=max(game.evaluations, len(game.values)), relaxed=mg.relaxed + remote[2],
        in_core=violation[0] is None, core_scope=scope, violation=violation, seconds=seconds, basis=basis,
        resolve_seconds=(mg.seconds + remote[1]) / max(1, game.evaluations + remote[0]), plan_money=plan_money,
        plan_objective=plan_objective, premium=premium, prices=mg.prices,
        max_half_width=float(half), target_half_width=0.0 if exact else accuracy * abs(grand) / len(members),
        stopped="" if exact else getattr(estimate, "stopped", ""), estimate=estimate,
        workers=cluster_workers, scheduler=cluster_name, values=dict(game.values),
        cap_note=small_coalition_note(data), whole_units=whole, premium_musd=extra,
        premium_rule=premium_rule(whole, extra, grand, real, exact),
    )


def premium_rule(whole: bool, extra: float, grand: float, real: float, exact: bool = True) -> str:
    """How the Shapley values come to sum to the plan's real cost, in one sentence."""
    if whole and not exact:
        return ("None to share: every coalition the estimate valued is solved with whole units and the plan's own "
                "objective, as the plan is, so c(N) is the plan itself, and the estimate is shifted to sum to it: the "
                f"Shapley values and the plan's allocation sum to its real cost, {real:,.1f} M.")
    if whole:
        return ("None to share: every coalition is solved with whole units and the plan's own objective, as the plan "
                "is, so c(N) is the plan itself and the Shapley values, the nucleolus and the plan's allocation sum "
                f"to its real cost, {real:,.1f} M.")
    return (f"The plan's real cost ({real:,.1f} M, whole units) exceeds the sum of the Shapley values of the divisible "
            f"game (its c(N), {grand:,.1f} M) by {extra:,.1f} M; that premium is shared in proportion to each member's Shapley value (a member with a "
            f"negative value bears none of it), so 'Shapley share of the plan's cost' sums to the plan's real cost.")


def _value_all(members: list[str], game: CachedCost, cluster, progress: Callable[..., object] | None) -> None:
    """Every coalition but N valued on the cluster, in Gray-code order (each coalition one
    member away from the last: the worker re-solves from a neighbour), into `game`'s cache."""
    n = len(members)
    masks = [g for g in (i ^ (i >> 1) for i in range(1, 1 << n)) if g != (1 << n) - 1]
    order = [frozenset(m for j, m in enumerate(members) if g >> j & 1) for g in masks]
    todo = [s for s in order if s not in game.values]
    length = max(1, min(64, len(todo) // (8 * max(1, cluster.workers)) or 1))
    walks = [todo[i:i + length] for i in range(0, len(todo), length)]
    batch = max(1, 4 * max(1, cluster.workers))
    for first in range(0, len(walks), batch):
        cluster(walks[first:first + batch])
        if progress is not None:
            done = len(game.values)
            progress(done, 0, f"Shapley: {done:,} of {(1 << n) - 1:,} coalitions (whole units)")


def _imputations(members: list[str], game: CachedCost) -> bool:
    """Σ c({i}) ≥ c(N): the nucleolus exists."""
    return sum(game(frozenset([m])) for m in members) >= game(frozenset(members)) - 1e-9


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
           game: CachedCost, grand: float, parts: Mapping[str, float]) -> pd.DataFrame:
    """One row per member. `shapley_whole_units_musd`: φ_i plus the member's part of the
    premium (`parts`, from `share_premium`; 0 when the game is played with whole units):
    these sum to the plan's real cost."""
    b = burden.set_index("member")
    rows = []
    for m in data.members.index:
        low, high = phi.ci95[m]
        alone = game.values.get(frozenset([m]), np.nan)
        fair = b.at[m, "fair_share_pct"] / 100
        rows.append((
            m, data.members.at[m, "name"], phi[m], low, high, phi.std_error[m], phi[m] + parts[m],
            nucleus.get(m, np.nan),
            allocation[m], b.at[m, "plan_cost_musd"], fair * grand,
            b.at[m, "defence_spending_musd"], alone, 100 * phi[m] / grand if grand else np.nan,
            b.at[m, "fair_share_pct"],
        ))
    frame = zero_noise(pd.DataFrame(rows, columns=list(COLUMNS)))
    return frame.sort_values("shapley_musd", ascending=False, kind="stable", ignore_index=True)
