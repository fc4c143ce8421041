"""Cost–fairness frontier: what it costs to keep every member closer to its fair share.

ε-constraint sweep on the persistent model. The workbook's own fair-share bands are
switched off and one band b, the same for every member the plan holds to a band (every
member with a positive key share when the plan has no bands; exempt members never), is
imposed through temporary rows (as in models/fairness.py):

    (1 − b) · fair_burden[m]  ≤  burden[m]  ≤  (1 + b) · fair_burden[m]

    burden[m]      = Σ_{t : (m,t) ∈ A} δ_t · spend[m, t]
    fair_burden[m] = Σ_{t : (m,t) ∈ A} δ_t · w[m, t] · total_spend[t]

b runs from b₀, the largest relative deviation of the cheapest plan without bands (where
fairness costs nothing), down to 0 (every member exactly at its fair share). Each point
is one re-solve; a point where no plan meets the band (growth limits and ceilings are
hard) is reported as infeasible, and tighter bands are not tried.

Money: the cost of the plan in real money (spending added + expected transit, M currency,
discounted; docs/model.md), and the cost of fairness is its rise over point 0; the expected
shortfall in unit-years and the penalty weight and objective (modelling figures) beside it.
Deviations in % of the fair burden and in percentage points.
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
from ..solve import NoPlan, SolveOptions, is_plan

COLUMNS = (
    "point", "band_pct", "status", "money_cost_musd", "cost_of_fairness_musd", "cost_of_fairness_pct",
    "spending_added_musd", "expected_shortfall_unit_years", "largest_deviation_pct", "largest_deviation_pp",
    "furthest_member", "penalty_weight", "objective", "seconds",
)


@dataclass
class FrontierResults:
    table: pd.DataFrame  # one row per band tried, COLUMNS
    shares: pd.DataFrame  # member, point, burden_share_pct, fair_share_pct
    unconstrained_band_pct: float
    seconds: float


def default_bands(b0: float, points: int) -> list[float]:
    """b₀, then `points` − 1 bands towards 0, denser near 0 (where fairness gets expensive)."""
    fractions = np.linspace(1.0, 0.0, points) ** 2
    return [float(b0 * f) for f in fractions]


def analyse_frontier(pm: HighsModel, data: PlanData, options: SolveOptions = SolveOptions(),
                     points: int = 9, bands: list[float] | None = None,
                     progress: Callable[[int, int], object] | None = None) -> FrontierResults:
    start = time.perf_counter()
    model = pm.model
    ix = model.index
    d = ix.discount
    years_of: dict[str, list[int]] = defaultdict(list)
    for m, t in ix.active:
        if ix.key_share[m, t] > 0:
            years_of[m].append(t)
    held = set(ix.fair_members) or set(years_of)  # as the plan does: exempt members are never held
    members = [m for m in years_of if m in held]
    spend_cols = {k: pm.columns([model.spend[k]])[0] for k in ix.active}
    total_cols = {t: pm.columns([model.total_spend[t]])[0] for t in ix.years}

    def measure() -> tuple[float, float, str, dict[str, tuple[float, float]]]:
        """Largest relative deviation, in pp, which member, and each member's shares, from HiGHS's solution."""
        x = pm.solution()
        burden = {m: sum(d[t] * x[spend_cols[m, t]] for t in years_of[m]) for m in members}
        fair = {m: sum(d[t] * ix.key_share[m, t] * x[total_cols[t]] for t in years_of[m]) for m in members}
        grand = sum(d[t] * x[spend_cols[m, t]] for m, t in ix.active) or 1.0
        rel = {m: abs(burden[m] / fair[m] - 1) if fair[m] > 0 else 0.0 for m in members}
        worst = max(rel, key=rel.get)
        pp = max(abs(burden[m] - fair[m]) / grand * 100 for m in members)
        return rel[worst], pp, worst, {m: (100 * burden[m] / grand, 100 * fair[m] / grand) for m in members}

    fair_rows = list(model.fair_share_floor.values()) + list(model.fair_share_ceiling.values())
    rows_out, shares_out = [], []
    with pm.changes():
        pm.relax_rows(fair_rows)
        first = pm.solve(options.time_limit_s, options.mip_gap)
        if not is_plan(first.status, first.has_solution):
            raise NoPlan(first.status, "without fair-share bands (the frontier's first point)", elastic=data.elastic)
        b0, _, _, _ = measure()
        base = money.of_solution(pm).money_musd
        tried = bands if bands is not None else default_bands(b0, points)
        for i, b in enumerate(tried):
            clock = time.perf_counter()
            with pm.changes():
                _band_rows(pm, members, years_of, d, ix.key_share, spend_cols, total_cols, b)
                outcome = first if i == 0 and bands is None else pm.solve(options.time_limit_s, options.mip_gap)
                if outcome.has_solution:
                    rel, pp, worst, shares = measure()
                    c = money.of_solution(pm)
                    extra = c.money_musd - base
                    rows_out.append((i, 100 * b, outcome.status, c.money_musd, extra,
                                     100 * extra / abs(base) if base else np.nan, c.spending_added_musd,
                                     c.expected_shortfall_unit_years, 100 * rel, pp, worst, c.penalty_weight,
                                     outcome.objective, time.perf_counter() - clock))
                    shares_out += [(m, i, s, f) for m, (s, f) in shares.items()]
                else:
                    rows_out.append((i, 100 * b, outcome.status, *[np.nan] * 8, "", np.nan, np.nan,
                                     time.perf_counter() - clock))
            if progress is not None:
                progress(i + 1, len(tried))
            if not outcome.has_solution:
                break
    table = zero_noise(pd.DataFrame(rows_out, columns=list(COLUMNS)))
    shares = zero_noise(pd.DataFrame(shares_out, columns=["member", "point", "burden_share_pct", "fair_share_pct"]))
    return FrontierResults(table, shares, 100 * b0, time.perf_counter() - start)


def _band_rows(pm: HighsModel, members: list[str], years_of: dict[str, list[int]], d: dict[int, float],
               w: dict, spend_cols: dict, total_cols: dict, b: float) -> None:
    """burden[m] − (1 ∓ b) · fair_burden[m] ≷ 0 for every member, as temporary rows."""
    rows, lower, upper = [], [], []
    for factor, low, up in ((1 - b, 0.0, INF), (1 + b, -INF, 0.0)):
        for m in members:
            cols = [spend_cols[m, t] for t in years_of[m]] + [total_cols[t] for t in years_of[m]]
            vals = [d[t] for t in years_of[m]] + [-factor * d[t] * w[m, t] for t in years_of[m]]
            rows.append((np.array(cols), np.array(vals)))
            lower.append(low)
            upper.append(up)
    pm.add_rows(np.array(lower), np.array(upper), rows)
