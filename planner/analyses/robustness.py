"""Robustness of a plan to members that abstain (docs/model.md, robust requirement).

For the solved plan (its deployment loaded in the model) and U_s, the members that may
abstain in scenario s (PlanData.may_abstain: obligation not automatic, or Participation
'maybe' there; never 'yes' or 'no' there), U their union over the scenarios:

- **cost against k**: the plan re-solved with every scenario's budget set to k = 0, 1, …, K
  against the nominal plan (k = 0): what robustness costs. Where the plan is robust in every
  scenario (every k_s > 0) its model has the robust rows and each k is a re-solve of it
  (`changes.set_budget`: the coefficient −k of abstain_budget in each meet_requirement
  row); where some k_s is 0 the model has none there (they would be dead weight), and each
  k is a model built with it (`changes.with_budget`);
- **worst abstention set per scenario**: with the plan's deployment fixed, the set A ⊆ U_s,
  |A| ≤ k (the scenario's budget, or 1 where it is 0), that leaves the most uncovered,

      uncovered(A, s) = Σ_{(c,r,t) : (c,r,t,s) ∈ Q} max(0, q[c, r, t, s] − Σ_{m ∉ A} a[m, c, r, t, s])   unit-years,

  found by enumerating every set (up to ENUMERATION_LIMIT sets; greedily above, and said so);
- **members whose abstention hurts most**: uncovered({m}, s) for each m ∈ U, weighted by
  the scenario probabilities, over the scenarios s with m ∈ U_s;
- **chance view** (where Members give participation_pct): each member of U_s takes part with
  its probability p_m (independently; 1 where not given), the others always; CHANCE_DRAWS
  abstention patterns are drawn (seeded) and uncovered(A, s) computed for each: its mean,
  95th percentile and the chance that anything is left uncovered, per scenario.
"""

from __future__ import annotations

import itertools
import math
import time
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from models import PlanData

from .. import money
from ..highs import HighsModel
from ..solve import SolveOptions
from .changes import set_budget, with_budget

ENUMERATION_LIMIT = 20_000  # abstention sets per scenario searched exhaustively
SHEET_RECOURSE_SETS = 8  # abstention sets (all scenarios) up to which the sheet solves each k with redeployment
CHANCE_DRAWS = 2_000  # participation patterns sampled for the chance view
CHANCE_COLUMNS = ("scenario", "draws", "expected_uncovered_unit_years", "p95_uncovered_unit_years",
                  "chance_of_shortfall_pct")
COST_COLUMNS = ("k", "status", "money_cost_musd", "cost_of_robustness_musd", "cost_of_robustness_pct",
                "spending_added_musd", "transit_cost_musd", "expected_shortfall_unit_years", "penalty_weight",
                "objective", "static_worst_sets")
RECOURSE_COLUMNS = ("recourse_money_cost_musd", "recourse_cost_of_robustness_musd",
                    "recourse_expected_shortfall_unit_years", "recourse_worst_sets", "recourse_method")
SIDE_BY_SIDE = ("k", "status", "money_cost_musd", "recourse_money_cost_musd", "cost_of_robustness_musd",
                "recourse_cost_of_robustness_musd", "expected_shortfall_unit_years",
                "recourse_expected_shortfall_unit_years", "static_worst_sets", "recourse_worst_sets", "recourse_method",
                "cost_of_robustness_pct", "spending_added_musd", "transit_cost_musd", "penalty_weight", "objective")
UNNEEDED_COLUMNS = ("member", "capability", "static_units", "recourse_units", "unneeded_units")
WORST_COLUMNS = ("scenario", "k", "worst_set", "search", "uncovered_unit_years", "uncovered_nominal_unit_years",
                 "most_uncovered")
MEMBER_COLUMNS = ("member", "name", "obligation", "expected_uncovered_unit_years", "worst_scenario",
                  "worst_scenario_uncovered_unit_years")


@dataclass
class RobustnessResults:
    may_abstain: list[str]
    plan_k: int
    cost: pd.DataFrame  # COST_COLUMNS, one row per k
    worst: pd.DataFrame  # WORST_COLUMNS, one row per scenario
    members: pd.DataFrame  # MEMBER_COLUMNS, most harmful first
    seconds: float
    chance: pd.DataFrame | None = None  # CHANCE_COLUMNS, where participation probabilities are given
    unneeded: pd.DataFrame | None = None  # UNNEEDED_COLUMNS: units the static plan orders that redeployment makes unnecessary

    @property
    def empty(self) -> bool:
        return not self.may_abstain


def provisions(model: pyo.ConcreteModel, hm: HighsModel | None = None) -> dict[tuple, dict[str, float]]:
    """a[m, cell] of the loaded plan (or of HiGHS's current solution in `hm`): cell → {member: units}."""
    x = hm.solution() if hm is not None else None

    def value(v) -> float:
        j = hm.column(v) if hm is not None else None
        return float(x[j]) if j is not None else (v.value or 0.0)

    out: dict[tuple, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for (m, c, r, t, s), v in model.assign.items():
        out[c, r, t, s][m] += value(v)
    for (m, k, c, r, t, s), v in model.draw.items():
        out[c, r, t, s][m] += value(v)
    return out


def worst_sets(data: PlanData, requirement: dict[tuple, float], provided: dict[tuple, dict[str, float]], k: int) -> str:
    """Per scenario, the k members whose abstention leaves the most uncovered with the
    deployment `provided` ('CRISIS: USA; EAST_SHORT: DEU'); 'none' for k = 0."""
    if k == 0:
        return "none"
    return "; ".join(f"{s}: {', '.join(sorted(worst_set(requirement, provided, s, data.may_abstain(s), k)[0])) or 'no set uncovers anything'}"
                     for s in data.scenarios.index)


def uncovered(requirement: dict[tuple, float], provided: dict[tuple, dict[str, float]],
              scenario: str, absent: frozenset[str]) -> tuple[float, tuple | None]:
    """Unit-years uncovered in `scenario` if `absent` abstain, and the cell short most."""
    total, worst, worst_cell = 0.0, 0.0, None
    for cell, q in requirement.items():
        if cell[3] != scenario:
            continue
        gap = q - sum(v for m, v in provided.get(cell, {}).items() if m not in absent)
        if gap > 1e-9:
            total += gap
            if gap > worst:
                worst, worst_cell = gap, cell
    return total, worst_cell


def worst_set(requirement, provided, scenario: str, may: list[str], k: int) -> tuple[frozenset, float, str]:
    """The abstention set of at most k members of `may` leaving the most uncovered."""
    count = sum(math.comb(len(may), n) for n in range(k + 1))
    if count <= ENUMERATION_LIMIT:
        best, value = frozenset(), uncovered(requirement, provided, scenario, frozenset())[0]
        for A in itertools.combinations(may, min(k, len(may))):
            u = uncovered(requirement, provided, scenario, frozenset(A))[0]
            if u > value + 1e-12:
                best, value = frozenset(A), u
        return best, value, f"all {count:,} sets"
    chosen: set[str] = set()
    value = 0.0
    for _ in range(k):
        m, u = max(((m, uncovered(requirement, provided, scenario, frozenset(chosen | {m}))[0])
                    for m in may if m not in chosen), key=lambda p: p[1])
        chosen.add(m)
        value = u
    return frozenset(chosen), value, f"greedy ({count:,} sets: too many to enumerate)"


def analyse_robustness(pm: HighsModel, data: PlanData, options: SolveOptions = SolveOptions(),
                       k_max: int | None = None, every_k: bool = False) -> RobustnessResults:
    """Cost against k, worst abstention sets and the most harmful members of the loaded plan;
    `every_k`: each k with redeployment however many abstention sets it has (else only up
    to SHEET_RECOURSE_SETS)."""
    start = time.perf_counter()
    model = pm.model
    ix = model.index
    may = data.may_abstain()
    plan_k = data.abstentions
    if not may:
        empty = RobustnessResults(may, plan_k, pd.DataFrame(columns=list(COST_COLUMNS)),
                                  pd.DataFrame(columns=list(WORST_COLUMNS)),
                                  pd.DataFrame(columns=list(MEMBER_COLUMNS)), 0.0)
        return empty
    provided = provisions(model)
    budget = data.abstention_budget()
    requirement = ix.requirement
    worst_rows = []
    for s in ix.scenarios:
        k = budget[s] or 1
        A, value, how = worst_set(requirement, provided, s, data.may_abstain(s), k)
        nominal = uncovered(requirement, provided, s, frozenset())[0]
        _, cell = uncovered(requirement, provided, s, A)
        worst_rows.append((s, k, ", ".join(sorted(A)) or "none", how, value, nominal,
                           " ".join(map(str, cell[:3])) if cell else ""))
    member_rows = []
    may_in = {s: set(data.may_abstain(s)) for s in ix.scenarios}
    for m in may:
        per = {s: uncovered(requirement, provided, s, frozenset([m]))[0] for s in ix.scenarios if m in may_in[s]}
        worst_s = max(per, key=per.get)
        member_rows.append((m, data.members.at[m, "name"], data.members.at[m, "obligation"],
                            sum(ix.probability[s] * per[s] for s in per), worst_s, per[worst_s]))
    members = pd.DataFrame(member_rows, columns=list(MEMBER_COLUMNS)).sort_values(
        "expected_uncovered_unit_years", ascending=False, kind="stable", ignore_index=True)
    static_orders: dict[int, dict[tuple[str, str], float]] = {}
    cost = _cost_against_k(pm, data, options, len(may) if k_max is None else k_max, static_orders)
    cost, unneeded = _with_recourse(cost, data, options, static_orders, every_k)
    return RobustnessResults(may, plan_k, cost, pd.DataFrame(worst_rows, columns=list(WORST_COLUMNS)),
                             members, time.perf_counter() - start, chance_view(data, requirement, provided), unneeded)


def _orders(model: pyo.ConcreteModel) -> dict[tuple[str, str], float]:
    """Units each member orders of each capability over the horizon, in the loaded solution."""
    out: dict[tuple[str, str], float] = defaultdict(float)
    for (m, c, t), v in model.x_units.items():
        out[m, c] += v.value or 0.0
    return dict(out)


def _with_recourse(cost: pd.DataFrame, data: PlanData, options: SolveOptions,
                   static_orders: dict[int, dict[tuple[str, str], float]],
                   every_k: bool = False) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Each k's plan again with redeployment (planner/analyses/recourse.py): its money, the
    cost of robustness against k = 0, its worst abstention sets, and, for the largest k, the
    units the static plan orders that the recourse plan does not. Its figures are weighted
    as the objective weighs scenarios; k = 0 is the nominal plan, re-read as the worst-case
    objective counts it (the worst scenario alone) where that is the objective."""
    from .recourse import abstention_sets, solve_recourse

    rows, orders = [], {}
    for k, money_k, short_k in zip(cost["k"], cost["money_cost_musd"], cost["expected_shortfall_unit_years"]):
        if int(k) == 0 and data.scenario_objective == "expected":  # nobody abstains: the nominal plan, as it counts
            rows.append((money_k, short_k, "none", "the nominal plan"))
            orders[0] = static_orders.get(0, {})
            continue
        sets = sum(len(abstention_sets(data, s, int(k))) for s in data.scenarios.index)
        if sets > SHEET_RECOURSE_SETS and not every_k and int(k) > 0:
            rows.append((np.nan, np.nan, "", f"not computed here: {sets:,} abstention sets; planner run "
                         f"<workbook> --robustness {int(k)} computes it"))
            continue
        r = solve_recourse(data, int(k), options)
        orders[int(k)] = _orders(r.model) if r.model is not None else {}
        rows.append((r.money_musd, r.shortfall_unit_years,
                     "; ".join(f"{s}: {', '.join(sorted(a)) or 'none'}" for s, a in r.worst.items()),
                     "the nominal plan, the worst scenario's figures" if int(k) == 0 else
                     f"{r.method}, {r.copies:,} sets" + (f", gap {100 * r.gap:.2g} %" if r.gap else "")))
    frame = pd.DataFrame(rows, columns=["recourse_money_cost_musd", "recourse_expected_shortfall_unit_years",
                                        "recourse_worst_sets", "recourse_method"])
    base = frame["recourse_money_cost_musd"].iloc[0] if len(frame) and int(cost["k"].iloc[0]) == 0 else np.nan
    frame["recourse_cost_of_robustness_musd"] = frame["recourse_money_cost_musd"] - base
    out = pd.concat([cost.reset_index(drop=True), frame[list(RECOURSE_COLUMNS)]], axis=1)[list(SIDE_BY_SIDE)]
    top = int(cost["k"].max()) if len(cost) else 0
    if top == 0 or top not in static_orders:
        return out, None
    if top not in orders:
        return out, None
    static, recourse = static_orders[top], orders[top]
    unneeded = [(m, c, units, recourse.get((m, c), 0.0), units - recourse.get((m, c), 0.0))
                for (m, c), units in sorted(static.items()) if units - recourse.get((m, c), 0.0) > 1e-6]
    table = pd.DataFrame(unneeded, columns=list(UNNEEDED_COLUMNS)).sort_values(
        "unneeded_units", ascending=False, kind="stable", ignore_index=True)
    return out, table


def chance_view(data: PlanData, requirement: dict[tuple, float], provided: dict[tuple, dict[str, float]],
                draws: int = CHANCE_DRAWS, seed: int = 0) -> pd.DataFrame | None:
    """Uncovered unit-years per scenario when members of U take part with their
    participation probabilities (None when no member has one)."""
    p = data.members["participation"] if "participation" in data.members else pd.Series(dtype=float)
    if p.dropna().empty:
        return None
    rng = np.random.default_rng(seed)
    rows = []
    for s in data.scenarios.index:
        may = data.may_abstain(s)
        chance = np.array([1.0 if pd.isna(p.get(m)) else float(p[m]) for m in may])
        cells = [cell for cell in requirement if cell[3] == s]
        if not cells:
            continue
        q = np.array([requirement[cell] for cell in cells])
        fixed = np.array([sum(v for m, v in provided.get(cell, {}).items() if m not in may) for cell in cells])
        share = np.array([[provided.get(cell, {}).get(m, 0.0) for m in may] for cell in cells]).reshape(len(cells), len(may))
        takes_part = rng.random((draws, len(may))) < chance  # draws × members
        supplied = fixed[None, :] + takes_part.astype(float) @ share.T  # draws × cells
        short = np.clip(q[None, :] - supplied, 0.0, None).sum(axis=1)
        rows.append((s, draws, float(short.mean()), float(np.percentile(short, 95)),
                     100 * float((short > 1e-9).mean())))
    return pd.DataFrame(rows, columns=list(CHANCE_COLUMNS))


def _cost_against_k(pm: HighsModel, data: PlanData, options: SolveOptions, k_max: int,
                    orders: dict[int, dict[tuple[str, str], float]]) -> pd.DataFrame:
    """The plan re-solved with k = 0 … K in every scenario: on the persistent model where it
    has the robust rows in every scenario (every k_s > 0), else by building the model for
    each k ≥ 1."""
    budget = data.abstention_budget()
    if not all(budget.values()):
        return _cost_by_rebuild(pm, data, options, k_max, orders)
    out: list[tuple] = []
    top = max(min(k_max, len(data.may_abstain())), max(budget.values(), default=0))
    for k in range(top + 1):
        with pm.changes():
            set_budget(pm, data, k)
            outcome = pm.solve(options.time_limit_s, options.mip_gap)
            worst = (worst_sets(data, pm.model.index.requirement, provisions(pm.model, pm), k)
                     if outcome.has_solution else "")
            out.append(_cost_row(k, outcome.status, money.of_solution(pm) if outcome.has_solution else None,
                                 outcome.objective, out, worst))
            if outcome.has_solution:
                x = pm.values(list(pm.model.x_units.values()))
                by: dict[tuple[str, str], float] = defaultdict(float)
                for (m, c, t), v in zip(pm.model.x_units.keys(), x):
                    by[m, c] += float(v)
                orders[k] = dict(by)
    return pd.DataFrame(out, columns=list(COST_COLUMNS))


def _cost_row(k: int, status: str, costs: money.Costs | None, objective: float | None, before: list[tuple],
              worst: str = "") -> tuple:
    """A row of the cost-against-k table; the cost of robustness is in money, against k = 0;
    `worst`: each scenario's worst abstention set for that plan."""
    if costs is None:
        return (k, status, *[np.nan] * (len(COST_COLUMNS) - 3), "")
    base = before[0][2] if before and before[0][0] == 0 else (costs.money_musd if k == 0 else np.nan)
    extra = costs.money_musd - base
    return (k, status, costs.money_musd, extra, 100 * extra / abs(base) if base else np.nan,
            costs.spending_added_musd, costs.transit_musd, costs.expected_shortfall_unit_years,
            costs.penalty_weight, objective, worst)


def _cost_by_rebuild(pm: HighsModel, data: PlanData, options: SolveOptions, k_max: int,
                     orders: dict[int, dict[tuple[str, str], float]]) -> pd.DataFrame:
    """The plan's own model lacks robust rows in some scenario (its budget there is 0): each
    k ≥ 1 is a model built with that budget in every scenario; k = 0 the nominal plan, which
    is the plan as solved where every budget is 0, else also built."""
    from models import build_model

    from ..solve import solve

    model = pm.model
    rows: list[tuple] = []
    if not any(data.abstention_budget().values()):
        rows.append(_cost_row(0, "optimal", money.of_model(model), float(pyo.value(model.total_cost)), rows, "none"))
        orders[0] = _orders(model)
    top = max(min(k_max, len(data.may_abstain())), max(data.abstention_budget().values(), default=0))
    for k in range(len(rows), top + 1):
        robust = build_model(with_budget(data, k))
        result = solve(robust, options)
        worst = worst_sets(data, robust.index.requirement, provisions(robust), k) if result.has_solution else ""
        rows.append(_cost_row(k, result.status, money.of_model(robust) if result.has_solution else None,
                              result.objective, rows, worst))
        if result.has_solution:
            orders[k] = _orders(robust)
    return pd.DataFrame(rows, columns=list(COST_COLUMNS))
