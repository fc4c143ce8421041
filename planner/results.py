"""Tidy result tables of a solved plan: one named, tested function per metric.

Money is in million currency units at constant base-year prices; "discounted" sums are
discounted to the first year of the horizon. Shares are percentages (0–100) here,
because the report shows them so; the model itself works in fractions.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from models import PlanData
from models.prepositioning import site_costs

from . import money
from .bills import member_bills
from .units import granularity, in_words, per_capability, provider_words, shortfall_text
from .schema import year_runs
from .solve import SolveResult


TOLERANCE = 1e-6  # below this a figure (M, units, pp, %) is the solver's rounding: a shortfall above it
# is short; a value within it of zero is zero; a dual this close (relative) to p_s · P_short is the penalty


def zero_noise(table: pd.DataFrame) -> pd.DataFrame:
    """`table` with every float within TOLERANCE of zero (4.4e-16, −2e-9, −0.0) set to 0.0:
    the solver's rounding is not a figure. Applied once, to each table a run hands over."""
    floats = table.select_dtypes("float").columns
    if not len(floats):
        return table
    out = table.copy()
    values = out[floats]
    out[floats] = values.mask(values.abs() < TOLERANCE, 0.0)
    return out


def zero_noise_figures(figures: Mapping[str, Any]) -> dict[str, Any]:
    """`figures` (name → value) with each float within TOLERANCE of zero set to 0.0."""
    return {k: 0.0 if isinstance(v, float) and abs(v) < TOLERANCE else v for k, v in figures.items()}


BURDEN_COLUMNS = (
    "member", "name", "defence_spending_musd", "plan_cost_musd", "burden_share_pct",
    "fair_share_pct", "deviation_pp", "band_low_pct", "band_high_pct", "within_band",
    "common_funding_share_pct", "common_funded_cost_musd", "topup_musd", "buys_musd", "topup_reaches",
)
SPENDING_COLUMNS = (
    "member", "name", "year", "gdp_musd", "spending_musd", "spending_pct_gdp", "change_pp",
    "target_min_pct_gdp", "target_max_pct_gdp", "distance_to_floor_pp", "acquisition_paid_musd",
    "equipment_musd", "equipment_pct", "target_equipment_pct", "topup_musd", "below_floor_musd",
    "equipment_below_floor_musd", "floor_marginal_cost", "floor_valid_from_musd", "floor_valid_to_musd",
)
CAPABILITY_COLUMNS = (
    "member", "capability", "year", "existing_units", "ordered_units", "new_in_service_units",
    "stock_units", "assigned_units", "acquisition_cost_musd", "payment_years", "acquisition_paid_musd",
    "operating_cost_musd",
)
COVERAGE_COLUMNS = (
    "scenario", "capability", "region", "year", "required_units", "provided_units",
    "shortfall_units", "marginal_cost_musd", "marginal_penalty_weight", "marginal_cost_valid_from_units",
    "marginal_cost_valid_to_units", "provided_by",
)
DEPLOYMENT_COLUMNS = (
    "scenario", "member", "capability", "region", "year", "source", "units", "arrival_day",
    "warning_days", "transit_cost_musd",
)
SITE_COLUMNS = (
    "site", "name", "host", "region", "existing", "open", "fixed_cost_musd", "upkeep_musd_per_year",
    "capacity_sets", "sets_held", "room_used", "utilisation_pct", "users",
)
SCENARIO_COLUMNS = (
    "scenario", "name", "probability_pct", "warning_days", "requirements", "requirements_short",
    "shortfall", "transit_cost_musd", "shortfall_penalty_weight",
)
SCENARIO_CAPABILITY_COLUMNS = (
    "scenario", "capability", "requirements", "requirements_short", "required_unit_years",
    "provided_unit_years", "shortfall_unit_years",
)
ARRIVAL_COLUMNS = ("scenario", "warning_days", "year", "arrival_day", "deployments", "capabilities")
SENSITIVITY_COLUMNS = (
    "constraint", "member", "year", "binding", "marginal_value", "unit", "valid_from", "valid_to", "meaning",
)
SENSITIVITY = {  # constraint -> (unit of the dual, meaning); duals per M of right-hand side
    "spending_floor": ("M of plan cost per M of floor", "raising the member's spending floor by 1 M"),
    "spending_ceiling": ("M of plan cost per M of ceiling", "raising the member's spending ceiling by 1 M"),
    "equipment_floor": ("M of plan cost per M", "requiring 1 M more of equipment spending than the floor asks"),
    "growth_limit": ("M of plan cost per M", "allowing 1 M more spending growth than the limit"),
    "rise_limit": ("M of plan cost per M", "allowing the spending to rise 1 M more than max_change_pp"),
    "fall_limit": ("M of plan cost per M", "allowing the spending to fall 1 M more than max_change_pp"),
    "fair_share_floor": ("M of plan cost per M of burden", "1 M more of burden required below the band's floor"),
    "fair_share_ceiling": ("M of plan cost per M of burden", "1 M more of burden allowed above the band's ceiling"),
}
SITE_STOCK_COLUMNS = ("site", "member", "capability", "sets", "set_cost_musd", "storage_cost_musd_per_year")
PROVIDER_CHANGE_COLUMNS = (
    "scenario", "capability", "region", "year", "required_before_units", "required_units",
    "providers_before", "providers", "change_reason",
)
REQUIREMENT_CHANGED = "requirement changed"
MEMBERSHIP_CHANGED = "member joins or leaves"
STOCK_CHANGED = "units retire or arrive"
ELSEWHERE_CHANGED = "requirement elsewhere changed"
FORCED_BY_COSTS = "forced by costs"


@dataclass
class PlanChecks:
    """The analyses run on a solved plan that its report carries (planner.analyses.plan_checks):
    its robustness against abstaining members and its penalty check."""

    robustness: Any = None  # planner.analyses.robustness.RobustnessResults, when analysed
    penalty_check: Any = None  # planner.analyses.penalty_check.PenaltyCheck, when checked
    path_check: Any = None  # planner.analyses.path_check.PathCheck, where the path rule holds
    recourse: Any = None  # planner.analyses.recourse.RecourseResult: the plan is robust with redeployment
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass
class PlanResults:
    """Everything the report and the terminal show about one solved plan."""

    data: PlanData
    solve: SolveResult
    burden: pd.DataFrame
    spending: pd.DataFrame
    capabilities: pd.DataFrame
    coverage: pd.DataFrame
    deployment: pd.DataFrame
    scenarios: pd.DataFrame
    sites: pd.DataFrame
    site_stocks: pd.DataFrame
    totals: dict[str, float] = field(default_factory=dict)
    provider_changes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(PROVIDER_CHANGE_COLUMNS)))
    sensitivity: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(SENSITIVITY_COLUMNS)))
    bills: pd.DataFrame | None = None  # planner.bills.member_bills: each member's bill explained
    scenario_capabilities: pd.DataFrame | None = None  # scenario_capabilities(coverage)

    def __post_init__(self) -> None:
        if self.scenario_capabilities is None:
            self.scenario_capabilities = scenario_capabilities(self.coverage)
        if self.bills is None:
            self.bills = member_bills(self.burden, self.spending, self.capabilities, self.deployment, self.data)

    def shortfall_by_capability(self) -> pd.DataFrame:
        """The shortfall per capability in its own unit, summed over scenarios and weighted by
        their probability (planner.units.per_capability; never added across capabilities)."""
        probability = dict(zip(self.scenarios["scenario"], self.scenarios["probability_pct"] / 100))
        return per_capability(self.coverage, probability, granularity(self.data))


def extract(model: pyo.ConcreteModel, data: PlanData, solved: SolveResult) -> PlanResults:
    """All result tables of a solved model."""
    spending_table = spending(model, data, solved.duals, solved.ranges)
    flows = deployed(model)
    coverage_table = coverage(model, data, solved.duals, solved.ranges, flows)
    burden_table = explain_topups(burden(model, data), spending_table, model.index.discount,
                                  topup_reasons(model, data))
    capabilities_table = capabilities(model, data, flows)
    changes_table = provider_changes(model, data, flows, capabilities_table)
    return PlanResults(
        data=data,
        solve=solved,
        burden=zero_noise(burden_table),
        spending=zero_noise(spending_table),
        capabilities=zero_noise(capabilities_table),
        coverage=zero_noise(coverage_table),
        deployment=zero_noise(deployment(model, data, flows)),
        scenarios=zero_noise(scenarios(model, data, coverage_table)),
        sites=zero_noise(sites(model, data)),
        site_stocks=zero_noise(site_stocks(model, data)),
        totals=zero_noise_figures({**totals(model, data, coverage_table, spending_table, burden_table),
                                   **solve_gap(solved), **standing_figures(model, changes_table),
                                   **tie_rule_figures(solved)}),
        sensitivity=zero_noise(sensitivity(model, solved.duals, solved.ranges)),
        provider_changes=zero_noise(changes_table),
    )


def site_costs_value(model: pyo.ConcreteModel, data: PlanData, t: int) -> float:
    """C_site[t] of the solution, M (common-funded)."""
    return float(pyo.value(site_costs(model, data, t))) if len(model.Ksites) else 0.0


def _values(var: pyo.Var) -> dict:
    return {k: (v.value or 0.0) for k, v in var.items()}


@dataclass(frozen=True)
class Flows:
    """The units that move in the solution: assign[m, c, r, t, s] and draw[m, k, c, r, t, s]
    above 1e-9, read once (the largest variables of the model) for every table that needs them."""

    assign: list[tuple[tuple, float]]
    draw: list[tuple[tuple, float]]


def deployed(model: pyo.ConcreteModel) -> Flows:
    """The non-zero deployments of the solution."""
    def nonzero(var: pyo.Var) -> list[tuple[tuple, float]]:
        return [(k, value) for k, v in var.items() if (value := v.value) is not None and value > 1e-9]
    return Flows(nonzero(model.assign), nonzero(model.draw))


def burden(model: pyo.ConcreteModel, data: PlanData) -> pd.DataFrame:
    """Per member: discounted spending, plan cost, share of the alliance total, fair share.

    burden_share_pct = burden[m] / Σ burden; fair_share_pct = fair_burden[m] / Σ burden, with
    fair_burden[m] = Σ_t δ_t w[m, t] total_spend[t] (docs/model.md, fairness).
    """
    ix = model.index
    d = ix.discount
    spend = _values(model.spend)
    total = _values(model.total_spend)
    baseline = data.members["spending"]
    site_cost = {t: site_costs_value(model, data, t) for t in ix.years}
    rows = defaultdict(lambda: {"spending": 0.0, "plan_cost": 0.0, "fair": 0.0, "common": 0.0})
    for m, t in ix.active:
        rows[m]["spending"] += d[t] * spend[m, t]
        rows[m]["plan_cost"] += d[t] * (spend[m, t] - baseline[m])
        rows[m]["fair"] += d[t] * ix.key_share[m, t] * total[t]
        rows[m]["common"] += d[t] * ix.cost_share.get((m, t), 0.0) * site_cost[t]
    grand = sum(r["spending"] for r in rows.values()) or 1.0
    records = []
    for m in data.members.index:
        r = rows[m]
        share, fair = 100 * r["spending"] / grand, 100 * r["fair"] / grand
        b = ix.band.get(m)
        records.append(
            {
                "member": m,
                "name": data.members.at[m, "name"],
                "defence_spending_musd": r["spending"],
                "plan_cost_musd": r["plan_cost"],
                "burden_share_pct": share,
                "fair_share_pct": fair,
                "deviation_pp": share - fair,
                "band_low_pct": np.nan if b is None else fair * (1 - b),
                "band_high_pct": np.nan if b is None else fair * (1 + b),
                "within_band": None if b is None else bool(fair * (1 - b) - 1e-6 <= share <= fair * (1 + b) + 1e-6),
                "common_funding_share_pct": 100 * ix.cost_share[m, data.first_year]
                if (m, data.first_year) in ix.cost_share else np.nan,
                "common_funded_cost_musd": r["common"],
            }
        )
    return pd.DataFrame.from_records(records, columns=BURDEN_COLUMNS)


def explain_topups(burden_table: pd.DataFrame, spending_table: pd.DataFrame, discount: Mapping[int, float],
                   reasons: Mapping[tuple[str, int], tuple[str, float]]) -> pd.DataFrame:
    """Burden with, per member, how much of its added spending only reaches a target.

    topup_musd = Σ_t δ_t topup[m, t] (money that buys nothing modelled); buys_musd = plan cost −
    top-ups (capabilities, sets, common funding); topup_reaches names what each year's top-up
    reaches (`topup_reasons`), grouped by kind with its levels and years.
    """
    plan = spending_table[spending_table["topup_musd"] > 1e-6]
    reached: dict[str, dict[str, list[tuple[int, float]]]] = defaultdict(lambda: defaultdict(list))
    topup: dict[str, float] = defaultdict(float)
    for row in plan.itertuples(index=False):
        topup[row.member] += discount[row.year] * row.topup_musd
        kind, level = reasons.get((row.member, int(row.year)), (NO_TARGET, math.nan))
        reached[row.member][kind].append((int(row.year), level))
    frame = burden_table.copy()
    frame["topup_musd"] = frame["member"].map(topup).fillna(0.0)
    frame["buys_musd"] = frame["plan_cost_musd"] - frame["topup_musd"]
    frame["topup_reaches"] = frame["member"].map(
        lambda m: "; ".join(_floor_text(kind, points) for kind, points in reached[m].items()) if m in reached else "")
    return frame


FLOOR_UNITS = {"spending floor": ("% of GDP", ".2f"), "equipment floor": ("% of spending", ".0f"),
               "change limit on the fall": ("pp of GDP", ".2f"),
               "change limit on next year's rise": ("pp of GDP", ".2f"),
               "growth limit on next year": ("% a year", ".1f")}
FAIR_BAND = "fair-share band"
NO_TARGET = "no target that binds"
PATH_RULE = "path rule (no fall)"


def topup_reasons(model: pyo.ConcreteModel, data: PlanData) -> dict[tuple[str, int], tuple[str, float]]:
    """(kind, level) of what each top-up of the solution reaches: the first of the constraints
    of its year that it holds at their bound, in this order: the spending floor (% of GDP),
    the equipment floor (% of spending), the change limit's fall from the year before (pp),
    the fair-share band (its member's floor or any member's ceiling), next year's rise under
    the change limit (pp) or growth limit (%): a top-up raising this year's spending so that
    next year's may rise within the limit. NO_TARGET where none does (a tie)."""
    targets = data.targets
    allowance = getattr(model, "change_allowance", {})
    burden = _burdens(model)
    fair_floor = {m: _at_bound(c, burden[m]) for m, c in model.fair_share_floor.items()}
    any_ceiling = any(_at_bound(c, burden[m], upper=True) for m, c in model.fair_share_ceiling.items())
    out = {}
    for (m, t), var in model.topup.items():
        if (var.value or 0.0) <= TOLERANCE:
            continue
        size = model.spend[m, t].value or 0.0

        def at(con, key, upper=False) -> bool:
            return key in con and _at_bound(con[key], size, upper)

        if at(model.spending_floor, (m, t)):
            out[m, t] = ("spending floor", 100 * float(targets.at[(m, t), "min_gdp"]))
        elif at(model.equipment_floor, (m, t)):
            out[m, t] = ("equipment floor", 100 * float(targets.at[(m, t), "min_equipment"]))
        elif at(model.fall_limit, (m, t)):
            out[m, t] = ("change limit on the fall", 100 * allowance[m, t][1])
        elif at(model.path_no_fall, (m, t)):
            out[m, t] = (PATH_RULE, math.nan)
        elif fair_floor.get(m) or (m in fair_floor and any_ceiling):
            out[m, t] = (FAIR_BAND, math.nan)
        elif at(model.rise_limit, (m, t + 1), upper=True):
            out[m, t] = ("change limit on next year's rise", 100 * allowance[m, t + 1][0])
        elif at(model.growth_limit, (m, t + 1), upper=True):
            out[m, t] = ("growth limit on next year", 100 * float(targets.at[(m, t + 1), "max_growth"]))
        else:
            out[m, t] = (NO_TARGET, math.nan)
    return out


def _at_bound(con: Any, size: float, upper: bool = False) -> bool:
    """Does the solution hold `con` at its upper (or lower) bound, to TOLERANCE of `size`
    (the magnitude of the money in the row)?"""
    slack = con.uslack() if upper else con.lslack()
    return abs(slack) <= TOLERANCE * max(1.0, abs(size))


def _burdens(model: pyo.ConcreteModel) -> dict[str, float]:
    """burden[m] = Σ_t δ_t spend[m, t] of the solution: the size of m's fair-share rows."""
    out: dict[str, float] = defaultdict(float)
    for (m, t), v in model.spend.items():
        out[m] += model.index.discount[t] * (v.value or 0.0)
    return out


def _floor_text(kind: str, points: list[tuple[int, float]]) -> str:
    """'spending floor 2.75–3.50 % of GDP (2030–2035)': the floor's range and its years."""
    years = year_runs([y for y, _ in points])
    if kind not in FLOOR_UNITS:
        return f"{kind} ({years})"
    unit, spec = FLOOR_UNITS[kind]
    low, high = min(v for _, v in points), max(v for _, v in points)
    level = format(low, spec) if format(low, spec) == format(high, spec) else f"{low:{spec}}–{high:{spec}}"
    return f"{kind} {level} {unit} ({years})"


def _finite(value: float) -> float:
    """±∞ (HiGHS: ≥ 1e30) as NaN: no limit."""
    return value if abs(value) < 1e29 else np.nan


def spending(model: pyo.ConcreteModel, data: PlanData, duals: Mapping[Any, float] | None = None,
             ranges: Mapping[Any, tuple[float, float]] | None = None) -> pd.DataFrame:
    """Per member and year (the base year first): spending against GDP and targets.

    floor_marginal_cost: the dual of spending_floor[m, t] / δ_t, the cost to the plan of
    one more M of required spending (0 where the plan spends above the floor anyway); it
    holds while the floor stays within [floor_valid_from_musd, floor_valid_to_musd].
    """
    duals, ranges = duals or {}, ranges or {}
    ix = model.index
    members = data.members
    acq = data.forces["acquisition_cost"].to_dict()
    acquisition: dict[tuple[str, int], float] = defaultdict(float)  # payments on orders and sets
    for (m, t, _), paid in acquisition_payments(model, data).items():
        acquisition[m, t] += paid
    paid_on_orders = dict(acquisition)
    if len(data.prepositioning) and "set_cost" in data.prepositioning:  # sets are equipment, bought in t0_m
        set_cost = data.prepositioning["set_cost"].astype(float).to_dict()
        first = {}
        for m, t in ix.active:
            first[m] = min(t, first.get(m, t))
        for (m, k, c), sets in _values(model.sets).items():
            if m in first:  # a member in none of the horizon's years buys no sets (models/prepositioning.py)
                acquisition[m, first[m]] += set_cost.get(c, 0.0) * sets
    base = pd.DataFrame({
        "member": members.index,
        "year": data.base_year,
        "gdp_musd": members["gdp"].to_numpy(),
        "spending_musd": members["spending"].to_numpy(),
        "equipment_musd": (members["equipment_share"] * members["spending"]).to_numpy(),
        "topup_musd": 0.0,
        "below_floor_musd": 0.0,
        "equipment_below_floor_musd": 0.0,
        "acquisition_paid_musd": 0.0,
    })
    keys = list(ix.active)
    spend, topup, gap = _values(model.spend), _values(model.topup), _values(model.spending_gap)
    equipment_gap = _values(model.equipment_gap)
    plan = pd.DataFrame({
        "member": [m for m, _ in keys],
        "year": [t for _, t in keys],
        "gdp_musd": [ix.gdp[k] for k in keys],
        "spending_musd": [spend[k] for k in keys],
        "topup_musd": [topup.get(k, 0.0) for k in keys],
        "below_floor_musd": [gap.get(k, 0.0) for k in keys],
        "equipment_below_floor_musd": [equipment_gap.get(k, 0.0) for k in keys],
    })
    baseline_equipment = (members["equipment_share"] * members["spending"]).to_dict()
    plan["acquisition_paid_musd"] = [paid_on_orders.get(k, 0.0) for k in keys]
    plan["equipment_musd"] = [
        baseline_equipment[m] + acquisition[m, t] + topup.get((m, t), 0.0) for m, t in keys
    ]
    floors = {k: model.spending_floor[k] for k in model.A_floor}
    marginal, low, high = [], [], []
    for m, t in keys:
        con = floors.get((m, t))
        dual = duals.get(con) if con is not None else None
        marginal.append(np.nan if dual is None else dual / ix.discount[t] + 0.0)
        lo, hi = ranges.get(con, (np.nan, np.nan)) if con is not None else (np.nan, np.nan)
        low.append(_finite(lo))
        high.append(_finite(hi))
    plan["floor_marginal_cost"], plan["floor_valid_from_musd"], plan["floor_valid_to_musd"] = marginal, low, high
    targets = 100 * data.targets.reindex(pd.MultiIndex.from_tuples(keys, names=["member", "year"]))
    plan["target_min_pct_gdp"] = targets["min_gdp"].to_numpy()
    plan["target_max_pct_gdp"] = targets["max_gdp"].to_numpy()
    plan["target_equipment_pct"] = targets["min_equipment"].to_numpy()
    frame = pd.concat([base, plan], ignore_index=True)
    frame["name"] = frame["member"].map(members["name"])
    frame["spending_pct_gdp"] = 100 * frame["spending_musd"] / frame["gdp_musd"]
    frame = frame.sort_values(["member", "year"], kind="stable")
    frame["change_pp"] = frame.groupby("member", sort=False)["spending_pct_gdp"].diff()
    frame = frame.sort_index()
    frame["distance_to_floor_pp"] = frame["spending_pct_gdp"] - frame["target_min_pct_gdp"]
    frame["equipment_pct"] = 100 * frame["equipment_musd"] / frame["spending_musd"].where(frame["spending_musd"] > 0)
    frame["year"] = frame["year"].astype(int)
    return frame.reindex(columns=list(SPENDING_COLUMNS))


@dataclass(frozen=True)
class SpendingPaths:
    """How the members' spending moves from year to year (the Summary's account of it)."""

    largest_change_pp: float  # largest |change| of spend / GDP on the year before, pp
    largest_change_at: tuple[str, int] | None  # (member, year) of it
    limit_pp: float | None  # max_change_pp where one value holds for every member and year
    below_base: list[tuple[str, float, float, int]]  # (member, base %, lowest %, year) below the base share


def spending_paths(spending_table: pd.DataFrame, data: PlanData) -> SpendingPaths:
    """The largest year-on-year change of any member's spending share of GDP, the change
    limit, and the members whose share falls below their base-year share (by 0.05 pp or
    more), largest fall first."""
    plan = spending_table[spending_table["year"] >= data.first_year]
    change = plan["change_pp"].abs()
    at = plan.loc[change.idxmax()] if change.notna().any() else None
    limits = data.targets["max_change"].dropna().unique()
    base = spending_table[spending_table["year"] == data.base_year].set_index("member")["spending_pct_gdp"]
    below = []
    for m, rows in plan.groupby("member", sort=True):
        low = rows.loc[rows["spending_pct_gdp"].idxmin()]
        if base.get(m, 0.0) - low["spending_pct_gdp"] >= 0.05:
            below.append((m, float(base[m]), float(low["spending_pct_gdp"]), int(low["year"])))
    below.sort(key=lambda b: b[2] - b[1])
    return SpendingPaths(
        largest_change_pp=float(change.max()) if at is not None else 0.0,
        largest_change_at=(at["member"], int(at["year"])) if at is not None else None,
        limit_pp=100 * float(limits[0]) if len(limits) == 1 and data.targets["max_change"].notna().all() else None,
        below_base=below,
    )


TURN_PP = 0.05  # pp of GDP: a rise or a fall smaller than this is no move of a spending path
TURN_COLUMNS = ("member", "year", "turn", "before_pp", "after_pp", "spending_pct_gdp")


def path_turns(spending_table: pd.DataFrame, tolerance_pp: float = TURN_PP) -> pd.DataFrame:
    """Where a member's spending path (% of GDP, the base year then the plan's years) turns: a
    rise of more than `tolerance_pp` followed by a fall of more than it (turn "peak"), or a fall
    followed by a rise ("trough"). Smaller moves are no move, and a rise over several years counts
    as one (the path's extremes are found as by a zigzag filter). One row per turn: the year of
    the peak or trough, its share, the move before it and after it (pp, both > tolerance_pp)."""
    records = []
    for m, rows in spending_table.sort_values(["member", "year"], kind="stable").groupby("member", sort=True):
        path = list(zip(rows["year"].astype(int), rows["spending_pct_gdp"].astype(float)))
        records += _turns(m, path, tolerance_pp)
    return pd.DataFrame(records, columns=list(TURN_COLUMNS))


def _turns(member: str, path: list[tuple[int, float]], tol: float) -> list[tuple]:
    """The turns of one path [(year, %)], as rows of TURN_COLUMNS."""
    if not path:
        return []
    (y0, v0), direction = path[0], 0
    low, high = (y0, v0), (y0, v0)  # before the first move: the extremes so far
    start, extreme = (y0, v0), (y0, v0)  # the move's start and its extreme so far
    out = []
    for y, v in path[1:]:
        if direction == 0:
            low, high = min(low, (y, v), key=lambda p: p[1]), max(high, (y, v), key=lambda p: p[1])
            if high[1] - low[1] > tol:
                direction = 1 if high[0] > low[0] else -1
                start, extreme = (low, high) if direction > 0 else (high, low)
            continue
        if direction * (v - extreme[1]) > 0:
            extreme = (y, v)
        elif direction * (extreme[1] - v) > tol:
            out.append([member, extreme[0], "peak" if direction > 0 else "trough",
                        extreme[1] - start[1], None, extreme[1]])
            direction, start, extreme = -direction, extreme, (y, v)
    # the move after each turn: to the extreme of the next move
    ends = [row[5] for row in out[1:]] + [extreme[1]]
    for row, end in zip(out, ends):
        row[4] = end - row[5]
    return [tuple(row) for row in out]


RISE_COLUMNS = ("member", "year", "change_pp", "spending_pct_gdp", "floor_pct_gdp", "acquisition_musd", "orders")
RISE_PP = 0.1  # pp of GDP: a rise, and a distance above the floor, smaller than this is not counted


def rises_above_floor(spending_table: pd.DataFrame, capabilities_table: pd.DataFrame,
                      data: PlanData) -> pd.DataFrame:
    """Member-years whose spending rises by more than RISE_PP of GDP to more than RISE_PP
    above its floor (a floor's own step is not such a rise), with what the member orders
    that year: acquisition_musd (M, that year's money: the acquisition payments made that year,
    on orders of this and earlier years, docs/model.md) and orders in the capability's own words
    ('ARM_BDE 3 battalions (1 brigade), MECH_BDE 2 battalions', the orders placed that year,
    dearest first; planner.units.in_words); largest rise first."""
    plan = spending_table[spending_table["year"] >= data.first_year]
    floor = plan["target_min_pct_gdp"].fillna(0.0)
    rising = plan[(plan["change_pp"] > RISE_PP) & (plan["spending_pct_gdp"] > floor + RISE_PP)]
    bought = capabilities_table[capabilities_table["ordered_units"] > 1e-6] if len(capabilities_table) else capabilities_table
    by = {k: g.sort_values("acquisition_cost_musd", ascending=False, kind="stable")
          for k, g in bought.groupby(["member", "year"])} if len(bought) else {}
    gran = granularity(data)
    paid = capabilities_table.groupby(["member", "year"])["acquisition_paid_musd"].sum().to_dict() \
        if len(capabilities_table) else {}
    records = []
    for row in rising.itertuples(index=False):
        orders = by.get((row.member, row.year))
        records.append((
            row.member, int(row.year), float(row.change_pp), float(row.spending_pct_gdp),
            float(row.target_min_pct_gdp) if pd.notna(row.target_min_pct_gdp) else np.nan,
            float(paid.get((row.member, row.year), 0.0)),
            ", ".join(f"{c} {in_words(u, c, gran)}" for c, u in zip(orders["capability"], orders["ordered_units"]))
            if orders is not None else "",
        ))
    frame = pd.DataFrame(records, columns=list(RISE_COLUMNS))
    return frame.sort_values("change_pp", ascending=False, kind="stable", ignore_index=True)


def acquisition_payments(model: pyo.ConcreteModel, data: PlanData) -> dict[tuple[str, int, str], float]:
    """pay[m, c, t] (M currency, that year's money) of the solution: what m pays in year t
    on its orders of c, by the capability's payment profile (models/forces.py)."""
    acq = data.forces["acquisition_cost"].to_dict()
    x = _values(model.x_units)
    out: dict[tuple[str, int, str], float] = defaultdict(float)
    for (m, t), parts in model.index.payments.items():
        for c, tau, share in parts:
            out[m, t, c] += share * acq[m, c] * x.get((m, c, tau), 0.0)
    return dict(out)


def payment_years(model: pyo.ConcreteModel) -> dict[tuple[str, str, int], list[int]]:
    """(m, c, τ) -> the years in which the order (m, c, τ) is paid, in order."""
    out: dict[tuple[str, str, int], list[int]] = defaultdict(list)
    for (m, t), parts in sorted(model.index.payments.items(), key=lambda kv: kv[0][1]):
        for c, tau, _ in parts:
            if t not in out[m, c, tau]:
                out[m, c, tau].append(t)
    return dict(out)


def _years_text(years: list[int]) -> str:
    """'2025–2028' for a run of years, '2025' for one, '' for none."""
    if not years:
        return ""
    return str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"


def capabilities(model: pyo.ConcreteModel, data: PlanData, flows: Flows | None = None) -> pd.DataFrame:
    """Per member, capability and year: existing, ordered, in service, deployed (the most in
    any scenario), costs."""
    ix = model.index
    flows = flows or deployed(model)
    x = _values(model.x_units)
    per_scenario: dict[tuple, float] = defaultdict(float)
    for (m, c, r, t, s), v in flows.assign:
        per_scenario[m, c, t, s] += v
    for (m, k, c, r, t, s), v in flows.draw:
        per_scenario[m, c, t, s] += v
    used: dict[tuple, float] = defaultdict(float)  # the most used in any scenario
    for (m, c, t, s), v in per_scenario.items():
        used[m, c, t] = max(used[m, c, t], v)
    acq = data.forces["acquisition_cost"].to_dict()
    opc = data.forces["operating_cost"].to_dict()
    paid, when = acquisition_payments(model, data), payment_years(model)
    active = set(ix.active)
    records = []
    for m, c in data.forces.index:
        for t in ix.years:
            if (m, t) not in active:
                continue
            new = sum(x[m, c, tau] for tau in ix.deliveries.get((m, c, t), ()))
            ordered = x.get((m, c, t), 0.0)
            existing = ix.existing.get((m, c, t), 0.0)
            records.append(
                {
                    "member": m,
                    "capability": c,
                    "year": t,
                    "existing_units": existing,
                    "ordered_units": ordered,
                    "new_in_service_units": new,
                    "stock_units": existing + new,
                    "assigned_units": used[m, c, t],
                    "acquisition_cost_musd": acq[m, c] * ordered,
                    "payment_years": _years_text(when.get((m, c, t), [])) if ordered > TOLERANCE else "",
                    "acquisition_paid_musd": paid.get((m, t, c), 0.0),
                    "operating_cost_musd": opc[m, c] * new,
                }
            )
    return pd.DataFrame.from_records(records, columns=CAPABILITY_COLUMNS)


def deployment(model: pyo.ConcreteModel, data: PlanData, flows: Flows | None = None) -> pd.DataFrame:
    """Who arrives where, per scenario: from home or by drawing sets at a site, on which day."""
    ix = model.index
    flows = flows or deployed(model)
    warning = data.scenarios["warning_days"].to_dict()
    rows = []
    for (m, c, r, t, s), v in flows.assign:
        rows.append((s, m, c, r, t, "home", v, ix.home_days[m, c, r, s], warning[s], v * ix.home_cost[m, c, r, s]))
    for (m, k, c, r, t, s), v in flows.draw:
        rows.append((s, m, c, r, t, k, v, ix.site_days[k, c, r, s], warning[s], v * ix.site_cost[k, c, r, s]))
    return pd.DataFrame(rows, columns=list(DEPLOYMENT_COLUMNS))


def scenarios(model: pyo.ConcreteModel, data: PlanData, coverage_table: pd.DataFrame) -> pd.DataFrame:
    """Per scenario: its requirements (capability, region, year) and those short, the shortfall
    per capability in its own unit (planner.units.shortfall_text: never added across
    capabilities), what deploying costs (money, discounted) and apart the shortfall penalty
    (a modelling weight, not money)."""
    ix = model.index
    gran = granularity(data)
    by = coverage_table.groupby("scenario")
    rows = []
    for s, row in data.scenarios.iterrows():
        cells = by.get_group(s) if s in by.groups else coverage_table.iloc[0:0]
        rows.append((
            s, row["name"], 100 * ix.probability[s], row["warning_days"], len(cells),
            int((cells["shortfall_units"] > TOLERANCE).sum()), shortfall_text(per_capability(cells, {s: 1.0}, gran)),
            float(pyo.value(model.transit_cost[s])), float(pyo.value(model.shortfall_cost[s])),
        ))
    return pd.DataFrame(rows, columns=list(SCENARIO_COLUMNS))


def scenario_capabilities(coverage_table: pd.DataFrame) -> pd.DataFrame:
    """Per scenario and capability (rows in the Coverage table's order): its requirements and
    those short, and the unit-years required, provided and short, summed over regions and
    years of that one capability (never across capabilities)."""
    if coverage_table.empty:
        return pd.DataFrame(columns=list(SCENARIO_CAPABILITY_COLUMNS))
    cov = coverage_table.assign(short=coverage_table["shortfall_units"] > TOLERANCE)
    out = cov.groupby(["scenario", "capability"], sort=False).agg(
        requirements=("required_units", "size"), requirements_short=("short", "sum"),
        required_unit_years=("required_units", "sum"), provided_unit_years=("provided_units", "sum"),
        shortfall_unit_years=("shortfall_units", "sum")).reset_index()
    out["requirements_short"] = out["requirements_short"].astype(int)
    return out[list(SCENARIO_CAPABILITY_COLUMNS)]


def arrivals(deployment_table: pd.DataFrame, year: int) -> pd.DataFrame:
    """Per scenario and arrival day in `year` (scenarios in the Deployment table's order, days
    ascending): the deployments arriving that day (rows of the Deployment table: one member's
    units of one capability, to one region, from one source) and the capabilities they bring.
    Units of different capabilities are not added: deployments are counted."""
    dep = deployment_table[deployment_table["year"] == year]
    if dep.empty:
        return pd.DataFrame(columns=list(ARRIVAL_COLUMNS))
    order = {s: i for i, s in enumerate(dict.fromkeys(deployment_table["scenario"]))}
    out = dep.groupby(["scenario", "arrival_day"], sort=False).agg(
        warning_days=("warning_days", "first"), deployments=("units", "size"),
        capabilities=("capability", lambda c: ", ".join(dict.fromkeys(c)))).reset_index()
    out["year"] = int(year)
    out = out.sort_values(["scenario", "arrival_day"], key=lambda c: c.map(order) if c.name == "scenario" else c,
                          kind="stable", ignore_index=True)
    return out[list(ARRIVAL_COLUMNS)]


def sites(model: pyo.ConcreteModel, data: PlanData) -> pd.DataFrame:
    """Per site: open or not, costs, the sets held per capability ('ARM_BDE 2; FTR_SQN 1': sets of
    different capabilities are never added), the room they use against capacity, and who keeps sets there."""
    held: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))  # site -> capability -> sets
    room: dict[str, float] = defaultdict(float)  # Σ set_size · sets, in capacity slots
    users: dict[str, set] = defaultdict(set)
    pre = data.prepositioning
    size = pre["set_size"].to_dict() if "set_size" in pre else {}
    for (m, k, c), v in _values(model.sets).items():
        if v > 1e-9:
            held[k][c] += v
            room[k] += size.get(c, 1.0) * v
            users[k].add(m)
    opened = _values(model.open_site)
    rows = []
    for k, site in data.sites.iterrows():
        capacity = float(site["capacity"])
        rows.append((
            k, site["name"], site["host"], site["region"], bool(site["existing"]), opened.get(k, 0.0) > 0.5,
            float(site["fixed_cost"]), float(site["upkeep"]), capacity,
            "; ".join(f"{c} {n:.4g}" for c, n in held[k].items()), room[k],
            100 * room[k] / capacity if capacity else np.nan, ", ".join(sorted(users[k])),
        ))
    return pd.DataFrame(rows, columns=list(SITE_COLUMNS))


def site_stocks(model: pyo.ConcreteModel, data: PlanData) -> pd.DataFrame:
    """Equipment sets per site, owner and capability, with what they cost their owner."""
    pre = data.prepositioning
    rows = [
        (k, m, c, v, v * float(pre.at[c, "set_cost"]), v * float(pre.at[c, "storage_cost"]))
        for (m, k, c), v in _values(model.sets).items()
        if v > 1e-9
    ]
    return pd.DataFrame(rows, columns=list(SITE_STOCK_COLUMNS))


def sensitivity(model: pyo.ConcreteModel, duals: Mapping[Any, float],
                ranges: Mapping[Any, tuple[float, float]]) -> pd.DataFrame:
    """Marginal values of the spending and fairness constraints, with the right-hand-side
    range over which each holds (HiGHS ranging; for a MIP, of the LP with integers fixed).

    marginal_value = |dual| / δ_t for a (member, year) row, |dual| for a member's whole-horizon
    fairness row: the plan cost (discounted M) that one more M of the constraint's
    right-hand side would cost (or save); 0 where it does not bind.
    """
    ix = model.index
    rows = []
    for name, (unit, meaning) in SENSITIVITY.items():
        for key, con in getattr(model, name).items():
            dual = duals.get(con) if duals else None
            member, year = (key, None) if isinstance(key, str) else key
            scale = ix.discount[year] if year is not None else 1.0
            value = np.nan if dual is None else abs(dual) / scale + 0.0
            low, high = ranges.get(con, (np.nan, np.nan)) if ranges else (np.nan, np.nan)
            rows.append((name, member, year, bool(value > 1e-9) if dual is not None else None, value, unit,
                         _finite(low), _finite(high), meaning))
    frame = pd.DataFrame(rows, columns=list(SENSITIVITY_COLUMNS))
    frame["year"] = frame["year"].astype("Int64")
    return frame.sort_values("marginal_value", ascending=False, kind="stable", ignore_index=True)




def split_marginal(value: float, shortfall_units: float, penalty_bound: float) -> tuple[float, float]:
    """(money M, penalty weight) of a requirement's marginal value: all penalty where the
    requirement is short or the value reaches the penalty bound p_s · P_short, else all money."""
    if math.isnan(value):
        return np.nan, np.nan
    at_penalty = penalty_bound > 0 and value >= penalty_bound * (1 - TOLERANCE)
    if shortfall_units > TOLERANCE or at_penalty:
        return np.nan, value
    return value, np.nan


def coverage(model: pyo.ConcreteModel, data: PlanData, duals: Mapping[Any, float],
             ranges: Mapping[Any, tuple[float, float]] | None = None, flows: Flows | None = None) -> pd.DataFrame:
    """Per requirement and scenario: required, provided, by whom, shortfall, marginal cost.

    dual of meet_requirement[c, r, t, s] / δ_t: what one more unit required adds to the
    objective, in that year's terms at base-year prices (for a MIP: with the integer
    decisions fixed). Where the requirement is short, or the next unit would be (the dual
    reaches its bound p_s · P_short), it is the penalty, not money: it goes to
    marginal_penalty_weight and marginal_cost_musd is blank; elsewhere it is money and goes
    to marginal_cost_musd. Either holds while the requirement stays within
    [marginal_cost_valid_from_units, marginal_cost_valid_to_units] (HiGHS's ranging).
    """
    ranges = ranges or {}
    ix = model.index
    flows = flows or deployed(model)
    by = defaultdict(list)
    for (m, c, r, t, s), v in flows.assign:
        by[c, r, t, s].append((m, v))
    for (m, k, c, r, t, s), v in flows.draw:
        by[c, r, t, s].append((f"{m} at {k}", v))
    short = _values(model.shortfall)
    gran = granularity(data)
    records = []
    for (c, r, t, s), q in ix.requirement.items():
        providers = sorted(by[c, r, t, s], key=lambda p: -p[1])
        con = model.meet_requirement[c, r, t, s]
        dual = duals.get(con) if duals else None
        low, high = ranges.get(con, (np.nan, np.nan))
        missing = short.get((c, r, t, s), 0.0)
        value = np.nan if dual is None else dual / ix.discount[t] + 0.0
        cost, weight = split_marginal(value, missing, ix.probability[s] * data.shortfall_penalty)
        records.append((
            s, c, r, t, q, sum(v for _, v in providers), missing, cost, weight, _finite(low), _finite(high),
            "; ".join(f"{m} {provider_words(v, c, gran)}" for m, v in providers),
        ))
    return pd.DataFrame(records, columns=list(COVERAGE_COLUMNS))


def solve_gap(solved: SolveResult) -> dict[str, float | None]:
    """The proven gap: `mip_gap` (relative, as HiGHS reports it; None when unknown) and
    `money_gap_musd` = objective − proven bound, M (None for an LP or without a finite bound)."""
    bounded = solved.is_mip and solved.objective is not None and solved.bound is not None and math.isfinite(solved.bound)
    return {"mip_gap": solved.gap,
            "money_gap_musd": max(0.0, solved.objective - solved.bound) if bounded else None}


def totals(model: pyo.ConcreteModel, data: PlanData, coverage_table: pd.DataFrame,
           spending_table: pd.DataFrame, burden_table: pd.DataFrame) -> dict[str, float]:
    """Key figures of the plan: money (`money_cost_musd` and its parts) apart from the
    modelling weights (`penalty_weight`, and the objective that holds them)."""
    plan = spending_table[spending_table["year"] >= data.first_year]
    opened = _values(model.open_site)
    costs = money.of_model(model)
    return {
        "money_cost_musd": costs.money_musd,  # real money: spending added + expected transit
        "plan_cost_musd": costs.spending_added_musd,
        "deployment_cost_musd": costs.transit_musd,
        "penalty_weight": costs.penalty_weight,  # modelling weight, not money
        "objective": float(pyo.value(model.total_cost)),  # money + penalty weights − tie-break
        "shortfall_penalty_per_unit_year": float(data.shortfall_penalty),  # a modelling weight
        "site_cost_musd": sum(model.index.discount[t] * site_costs_value(model, data, t) for t in model.index.years),
        "sites_open": sum(v > 0.5 for v in opened.values()),
        "scenarios": len(model.index.scenarios),
        "shortfall_unit_years": float(coverage_table["shortfall_units"].sum()) if len(coverage_table) else 0.0,
        "expected_shortfall_unit_years": float(
            (coverage_table["shortfall_units"] * coverage_table["scenario"].map(model.index.probability)).sum()
        ) if len(coverage_table) else 0.0,
        "requirements_short": int((coverage_table["shortfall_units"] > 1e-6).sum()) if len(coverage_table) else 0,
        "requirements": int(len(coverage_table)),
        "below_floor_musd": float(plan["below_floor_musd"].sum()),
        "equipment_below_floor_musd": float(plan["equipment_below_floor_musd"].sum()),
        "topup_musd": float(burden_table["topup_musd"].sum()),  # discounted: Burden's top-ups summed
    }





def providers_by_cell(flows: Flows) -> dict[tuple, dict[str, float]]:
    """(c, r, t, s) -> {member: units it provides, from home and by drawing sets} above TOLERANCE."""
    by: dict[tuple, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for (m, c, r, t, s), v in flows.assign:
        by[c, r, t, s][m] += v
    for (m, _k, c, r, t, s), v in flows.draw:
        by[c, r, t, s][m] += v
    return {cell: {m: v for m, v in units.items() if v > TOLERANCE} for cell, units in by.items()}


def consecutive_cells(model: pyo.ConcreteModel) -> list[tuple[tuple, tuple]]:
    """Pairs (cell in t⁻, cell in t) of a requirement (c, r, s) in two consecutive years."""
    ix = model.index
    previous = dict(zip(ix.years[1:], ix.years[:-1]))
    return [((c, r, previous[t], s), (c, r, t, s)) for (c, r, t, s) in ix.requirement
            if t in previous and (c, r, previous[t], s) in ix.requirement]


def provider_changes(model: pyo.ConcreteModel, data: PlanData, flows: Flows,
                     capabilities_table: pd.DataFrame) -> pd.DataFrame:
    """Each requirement cell whose set of providing members differs from the year before (those
    whose requirement is unchanged first, what a planner asks about), with
    the first reason that applies (docs/model.md, Standing commitments): the requirement
    changed; a member that starts or stops providing joins or leaves the pact; a member
    providing in either year has more or fewer units of the capability (retirements of
    existing units, deliveries of the plan's orders, which the tie rule keeps); the capability's
    requirement changed in another region of the scenario; else it is forced by costs."""
    q = model.index.requirement
    by = providers_by_cell(flows)
    stock = {(m, c, t): v for m, c, t, v in zip(capabilities_table["member"], capabilities_table["capability"],
                                                 capabilities_table["year"], capabilities_table["stock_units"])}
    regions: dict[tuple[str, str], set[str]] = defaultdict(set)  # (c, s) -> regions that require c
    for (c, r, _t, s) in q:
        regions[c, s].add(r)

    def moved_elsewhere(c: str, r: str, t0: int, t: int, s: str) -> bool:
        return any(_changed(q.get((c, r2, t0, s), 0.0), q.get((c, r2, t, s), 0.0)) for r2 in regions[c, s] - {r})

    records = []
    for before, now in consecutive_cells(model):
        was, gives = by.get(before, {}), by.get(now, {})
        if set(was) == set(gives):
            continue
        c, r, t, s = now
        t0 = before[2]
        switched = sorted(set(was) ^ set(gives))
        joins = [m for m in switched if data.is_active(m, t0) != data.is_active(m, t)]
        stocks = [f"{m} {stock.get((m, c, t0), 0.0):.4g} → {stock.get((m, c, t), 0.0):.4g}" for m in sorted({*was, *gives})
                  if _changed(stock.get((m, c, t0), 0.0), stock.get((m, c, t), 0.0))]
        if _changed(q[before], q[now]):
            reason = f"{REQUIREMENT_CHANGED} ({q[before]:.4g} → {q[now]:.4g})"
        elif joins:
            reason = f"{MEMBERSHIP_CHANGED} ({', '.join(joins)})"
        elif stocks:
            reason = f"{STOCK_CHANGED} ({'; '.join(stocks)} units of {c})"
        elif moved_elsewhere(c, r, t0, t, s):
            reason = f"{ELSEWHERE_CHANGED} ({c} in another region)"
        else:
            reason = FORCED_BY_COSTS
        records.append((s, c, r, t, q[before], q[now], _listing(was), _listing(gives), reason))
    table = pd.DataFrame(records, columns=list(PROVIDER_CHANGE_COLUMNS))
    steady_first = table["change_reason"].str.startswith(REQUIREMENT_CHANGED)  # False (steady) sorts first
    return table.assign(_order=steady_first).sort_values("_order", kind="stable").drop(columns="_order").reset_index(drop=True)


def _changed(a: float, b: float) -> bool:
    """Do two amounts (units) differ by more than the solver's rounding?"""
    return abs(a - b) > TOLERANCE * max(1.0, abs(a), abs(b))


def _listing(units: Mapping[str, float]) -> str:
    """'AUS 3; USA 2': members by units provided, largest first."""
    return "; ".join(f"{m} {v:.4g}" for m, v in sorted(units.items(), key=lambda p: (-p[1], p[0])))


def standing_figures(model: pyo.ConcreteModel, changes_table: pd.DataFrame) -> dict[str, float]:
    """How steady the plan's commitments are: of the consecutive year pairs of requirement cells
    whose requirement is unchanged (`steady_pairs`), in how many the set of providing members
    changes (`provider_changes_steady`, and as a share, `provider_changes_steady_pct`);
    `provider_changes` counts every change, the requirement's own included."""
    q = model.index.requirement
    steady = sum(1 for before, now in consecutive_cells(model) if not _changed(q[before], q[now]))
    changed = int((~changes_table["change_reason"].str.startswith(REQUIREMENT_CHANGED)).sum()) if len(changes_table) else 0
    return {"steady_pairs": steady, "provider_changes_steady": changed,
            "provider_changes_steady_pct": 100.0 * changed / steady if steady else 0.0,
            "provider_changes": int(len(changes_table))}


def tie_rule_figures(solved: SolveResult) -> dict[str, Any]:
    """The tie rule's second solves (planner.standing): what they cost in real money (M), the
    slack they were allowed (relative), the steady cells whose providers change (capabilities
    in parts) and the units moved between years (capabilities in fractions) before and after
    them, and their status (their time is not a figure of the plan: `solved.standing.seconds`)."""
    st = getattr(solved, "standing", None)
    if st is None:
        return {}
    return {"tie_rule_money_musd": st.money_musd, "tie_rule_slack": st.slack,
            "tie_rule_set_changes_before": st.set_changes_before, "tie_rule_set_changes_after": st.set_changes_after,
            "tie_rule_changes_before_units": st.changes_before_units,
            "tie_rule_changes_after_units": st.changes_after_units, "tie_rule_status": st.status,
            "tie_rule_applied": st.applied}
