"""What-if: the plan re-solved with members leaving, suspended or joining, set against the
plan without those changes. One model, built once; both plans are re-solves of it.

- `without` {member: year}: the member leaves the pact; out from `year` (the first year
  of the horizon when none is given);
- `suspend` {member: year}: its obligations are suspended from `year` (its forces do
  nothing for the pact; it stays a member and pays its share of common funding);
  {"member>towards": year}: only its obligations towards that member (its units stop
  serving the regions that member hosts), as the United States towards New Zealand in 1986;
- `join` {member: year}: accession in `year` of a state listed in the workbook's
  Candidates sheet (or of a member whose Members row has a year_joined); its Forces,
  SpendingTargets… rows come with it; the plan *before* is the pact without it.

`abstentions` k (optional): both plans hold against any k abstentions per scenario among
the members whose obligation is not automatic: with redeployment when Settings ›
robust_recourse is yes (planner/analyses/recourse.py, the change of membership made in
every model it solves), else with the static robust rows (models/robust.py); the report
says which. Without it, the workbook's own abstention settings and static rows are used.

Money is discounted M currency at base-year prices, as in the plan's report.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from models import PlanData, build_model
from models.sets import build_index

from .. import money
from .. import results as plan_results
from ..highs import Outcome, HighsModel
from ..options import OptionError
from ..solve import NoPlan, SolveOptions, is_plan
from .membership import Membership, apply, cap_fallbacks, member_costs, unknown_member

SUMMARY_COLUMNS = ("measure", "before", "after", "change")
MEMBER_COLUMNS = (
    "member", "name", "change", "cost_before_musd", "cost_after_musd", "cost_change_musd",
    "share_before_pct", "share_after_pct",
)
REQUIREMENT_COLUMNS = (
    "scenario", "capability", "region", "year", "required_units", "shortfall_before_units",
    "shortfall_after_units", "marginal_cost_before_musd", "marginal_cost_after_musd",
    "marginal_cost_change_musd", "requirement",
)
CHANGED = 1e-6  # units or M: smaller differences are solver noise


class WhatIfError(OptionError):
    """A what-if names a member or year the plan does not have, or changes that contradict
    each other."""


@dataclass(frozen=True)
class MemberChanges:
    without: Mapping[str, int] = field(default_factory=dict)
    suspend: Mapping[str, int] = field(default_factory=dict)
    join: Mapping[str, int] = field(default_factory=dict)
    suspend_towards: Mapping[tuple[str, str], int] = field(default_factory=dict)

    def describe(self, member: str) -> str:
        parts = []
        if member in self.join:
            parts.append(f"joins {self.join[member]}")
        if member in self.without:
            parts.append(f"leaves: out from {self.without[member]}")
        if member in self.suspend:
            parts.append(f"suspended from {self.suspend[member]}")
        for (m, towards), year in self.suspend_towards.items():
            if m == member:
                parts.append(f"obligations to {towards} suspended from {year}")
        return "; ".join(parts)

    def summary(self) -> str:
        """Every change in words: 'ARL leaves: out from 2026; DUN joins 2025'."""
        members = dict.fromkeys([*self.join, *self.without, *self.suspend, *(m for m, _ in self.suspend_towards)])
        return "; ".join(f"{m} {self.describe(m)}" for m in members)

    @property
    def empty(self) -> bool:
        return not (self.without or self.suspend or self.join or self.suspend_towards)


@dataclass
class PlanState:
    """One re-solved plan: how the solve went, its totals, who pays, what is covered."""

    outcome: Outcome
    totals: dict[str, float]
    member_costs: dict[str, float]
    coverage: pd.DataFrame


@dataclass
class WhatIfResults:
    data: PlanData
    changes: MemberChanges
    before: PlanState
    after: PlanState
    summary: pd.DataFrame
    members: pd.DataFrame
    requirements: pd.DataFrame
    seconds: dict[str, float]
    solver: str = "HiGHS"
    abstentions: int | None = None  # k of --abstentions (None: the workbook's own settings)
    robust: str = ""  # how both plans guard against the k abstentions, in words
    warnings: list[str] = field(default_factory=list)  # e.g. a cap dropped where too few members are left


def parse_members(specs: Iterable[str], default_year: int | None = None, option: str = "") -> dict[str, int | None]:
    """'GBR', 'GBR,FRA:2030', 'USA:1986' → {member: year or default_year}; WhatIfError for
    a member named twice with different years (`option`: the option, for the message)."""
    out: dict[str, int | None] = {}
    for spec in specs:
        for item in (part.strip() for part in spec.split(",")):
            if not item:
                continue
            code, _, year = item.partition(":")
            code = code.strip()
            try:
                value = int(year) if year.strip() else default_year
            except ValueError:
                raise WhatIfError(f"{item!r}: the year after ':' must be a whole number") from None
            if code in out and out[code] != value:
                years = " and ".join("no year" if y is None else str(y) for y in (out[code], value))
                raise WhatIfError(f"{option + ' ' if option else ''}{spec}: {code} is named twice, with different "
                                  f"years ({years}); name each member once")
            out[code] = value
    return out


def resolve_changes(data: PlanData, without: Mapping[str, int | None], suspend: Mapping[str, int | None],
                    join: Mapping[str, int | None]) -> MemberChanges:
    """Check codes and years against the plan and fill in default years; list every problem."""
    problems = []
    members = set(data.members.index)
    candidates = set(data.candidates.index)
    first, last = data.first_year, data.last_year
    if "Candidates" in join:
        join = {**{c: None for c in data.candidates.index}, **{k: v for k, v in join.items() if k != "Candidates"}}
        if not candidates:
            problems.append("--join Candidates: the workbook has no Candidates sheet, or it is empty")

    def check(kind: str, given: Mapping[str, int | None], default: Any) -> dict[str, int]:
        out = {}
        known = members | candidates if kind == "join" else members
        for code, year in given.items():
            if code not in known:
                listed = ", ".join(sorted(members)) + (f"; candidates: {', '.join(sorted(candidates))}" if candidates else "")
                problems.append(f"--{kind} {code}: no member {code!r} in the plan (members: {listed})")
                continue
            year = default(code) if year is None else year
            if not first <= year <= last:
                problems.append(f"--{kind} {code}:{year}: the year must lie in the plan's horizon {first}–{last}")
                continue
            out[code] = year
        return out

    def joined(code: str) -> int:
        table = data.members if code in data.members.index else data.candidates
        value = table.at[code, "year_joined"]
        return int(value) if pd.notna(value) and value > first else first

    pairs = {code: year for code, year in suspend.items() if ">" in code}
    towards = {}
    for code, year in pairs.items():
        member, _, other = (part.strip() for part in code.partition(">"))
        if member == other:
            problems.append(f"--suspend {code}: a member has no obligations towards itself; "
                            f"--suspend {member}:YEAR suspends all of its obligations")
            continue
        for one in (member, other):
            if one not in members:
                problems.append(f"--suspend {code}: {unknown_member(one, members)}")
        year = first if year is None else year
        if not first <= year <= last:
            problems.append(f"--suspend {code}:{year}: the year must lie in the plan's horizon {first}–{last}")
        if member in members and other in members and first <= year <= last:
            towards[member, other] = year
    result = MemberChanges(
        without=check("without", without, lambda _: first),
        suspend=check("suspend", {k: v for k, v in suspend.items() if k not in pairs}, lambda _: first),
        join=check("join", join, joined),
        suspend_towards=towards,
    )
    problems += contradictions(result)
    if problems:
        raise WhatIfError("\n".join(problems))
    return result


def contradictions(changes: MemberChanges) -> list[str]:
    """Changes of one member that cannot all hold: joining after leaving, suspended after
    leaving (nothing left to suspend) or before joining."""
    out = []
    join, without, suspend = changes.join, changes.without, changes.suspend
    for code in sorted(set(join) & set(without)):
        if without[code] <= join[code]:
            out.append(f"{code} joins in {join[code]} and leaves in {without[code]}: it must join first")
    left = "{m} leaves the pact (out from {w}: --without) and "
    once = ": a member cannot be suspended once it has left; name it once, or suspend it before it leaves"
    for code in sorted(set(suspend) & set(without)):
        if suspend[code] >= without[code]:
            out.append(left.format(m=code, w=without[code]) + f"is suspended from {suspend[code]} (--suspend)" + once)
    for (code, other), year in sorted(changes.suspend_towards.items()):
        if code in without and year >= without[code]:
            out.append(left.format(m=code, w=without[code])
                       + f"its obligations to {other} are suspended from {year} (--suspend)" + once)
    for code, year in sorted([*suspend.items(), *((m, y) for (m, _), y in changes.suspend_towards.items())]):
        if code in join and year < join[code]:
            out.append(f"{code} is suspended from {year} (--suspend) before it joins in {join[code]} (--join)")
    return out


def check_abstentions(value: object) -> int:
    """--abstentions K: a whole number ≥ 0 (WhatIfError otherwise)."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise WhatIfError(f"--abstentions {value}: must be a whole number of members, 0 or more") from None
    if not math.isfinite(number) or number < 0 or number != int(number):
        raise WhatIfError(f"--abstentions {value}: must be a whole number of members, 0 or more")
    return int(number)


def whatif(data: PlanData, changes: MemberChanges, options: SolveOptions = SolveOptions(),
           abstentions: int | None = None) -> WhatIfResults:
    """The plan before and after `changes`, both re-solved on one model; with `abstentions`
    k, both robust against k abstentions per scenario (with redeployment when Settings ›
    robust_recourse says yes: each plan then solved by planner/analyses/recourse.py)."""
    seconds: dict[str, float] = {}
    clock = time.perf_counter()
    if changes.join:
        data = with_joiners(data, changes.join)
    robust = ""
    if abstentions is not None:
        from .changes import with_budget

        abstentions = check_abstentions(abstentions)
        data = with_budget(data, abstentions)
        if abstentions and data.robust_recourse and data.may_abstain():
            return _whatif_recourse(data, changes, options, abstentions, clock)
        robust = (f"any {abstentions} abstention{'s' if abstentions != 1 else ''} per scenario, static robust rows "
                  "(deployment decided before the abstention; Settings › robust_recourse no)" if abstentions
                  else "no abstentions (k = 0)")
        if abstentions and not data.may_abstain():
            robust = f"any {abstentions} abstentions per scenario: no member may abstain (every obligation automatic)"
    model = build_model(data)
    pm = HighsModel(model)
    seconds["build"] = time.perf_counter() - clock
    states = []
    for label, membership, what, note in _memberships(data, changes):
        clock = time.perf_counter()
        states.append(solve_state(pm, data, membership, options, what=what, note=note))
        seconds[f"solve {label}"] = time.perf_counter() - clock
    return WhatIfResults(
        data=data,
        changes=changes,
        before=states[0],
        after=states[1],
        summary=summary_table(states[0], states[1]),
        members=member_table(data, changes, states[0], states[1]),
        requirements=requirement_table(states[0], states[1]),
        seconds=seconds,
        solver=pm.solver_name,
        abstentions=abstentions,
        robust=robust,
        warnings=membership_warnings(data, changes, model.index),
    )


def membership_warnings(data: PlanData, changes: MemberChanges, ix: Any = None) -> list[str]:
    """What the change of membership does to the model beyond who is in, before and after,
    in words: a fair-share or common-funding cap dropped in years with too few members
    (`ix`: the model's index, built here when not given)."""
    ix = ix if ix is not None else build_index(data)
    out: list[str] = []
    for label, membership, _, _ in _memberships(data, changes):
        out += [f"Plan {label} the change: {w}" for w in cap_fallbacks(data, ix, membership)]
    return out


def _memberships(data: PlanData, changes: MemberChanges) -> tuple[tuple[str, Membership, str, str], ...]:
    """(label, membership, the plan in words, note when it has none) before and after."""
    before = Membership(out_from={code: data.first_year for code in changes.join})
    after = Membership(out_from=dict(changes.without), suspended_from=dict(changes.suspend),
                       suspended_towards=dict(changes.suspend_towards))
    return (
        ("before", before, "before the change (the workbook's plan"
         + (", without the joining states)" if changes.join else ")"), ""),
        ("after", after, f"after the change ({changes.summary()})", "The plan before the change has one."),
    )


def _whatif_recourse(data: PlanData, changes: MemberChanges, options: SolveOptions, k: int,
                     clock: float) -> WhatIfResults:
    """Both plans robust against k abstentions with redeployment: each the two-stage plan of
    planner/analyses/recourse.py, the change of membership made in every model it solves."""
    from .recourse import solve_recourse

    seconds: dict[str, float] = {"build": time.perf_counter() - clock}
    states, methods, solver = [], [], "HiGHS"
    for label, membership, what, note in _memberships(data, changes):
        clock = time.perf_counter()
        r = solve_recourse(data, None, options, prepare=lambda hm, d, ms=membership: apply(hm, d, ms))
        solved = r.solved
        if solved is None or not is_plan(solved.status, solved.has_solution):
            raise NoPlan(r.status, what, conflict=getattr(solved, "conflict", []), elastic=data.elastic, note=note)
        states.append(recourse_state(r, membership))
        methods.append(f"{label}: {r.method}, {r.copies:,} sets" + (f", gap {100 * r.gap:.2g} %" if r.gap > 1e-7 else ""))
        solver = solved.highs.solver_name if solved.highs is not None else solver
        seconds[f"solve {label}"] = time.perf_counter() - clock
    robust = (f"any {k} abstention{'s' if k != 1 else ''} per scenario, the others redeploying "
              f"(Settings › robust_recourse yes; {'; '.join(methods)})")
    return WhatIfResults(
        data=data, changes=changes, before=states[0], after=states[1],
        summary=summary_table(states[0], states[1]),
        members=member_table(data, changes, states[0], states[1]),
        requirements=requirement_table(states[0], states[1]),
        seconds=seconds, solver=solver, abstentions=k, robust=robust,
        warnings=membership_warnings(data, changes),
    )


def recourse_state(r: Any, membership: Membership) -> PlanState:
    """A plan with redeployment (a planner.analyses.recourse.RecourseResult) read as the
    what-if reads a plan: each scenario under its worst abstention set (its coverage under
    the scenario's own name), costs as the recourse plan counts them."""
    model, extensive, solved = r.model, r.data, r.solved
    worst = {copy_of: g for g, copy_of in _worst_copy_names(r).items()}
    coverage = plan_results.coverage(model, extensive, solved.duals)
    coverage = coverage[coverage["scenario"].isin(worst)].assign(scenario=lambda f: f["scenario"].map(worst))
    costs = r.costs()  # each scenario's worst set, weighted as the objective weighs scenarios
    outcome = Outcome(solved.status, solved.has_solution, solved.objective, solved.bound, solved.gap, r.seconds)
    return PlanState(outcome, plan_totals(costs, coverage, r.objective, r.seconds),
                     member_costs(model, extensive, membership), coverage.reset_index(drop=True))


def plan_totals(costs: money.Costs, coverage: pd.DataFrame, objective: float | None, seconds: float) -> dict:
    """The figures the what-if compares for one plan (SUMMARY_MEASURES, and its solve time)."""
    return {
        "money_cost_musd": costs.money_musd,
        "plan_cost_musd": costs.spending_added_musd,
        "deployment_cost_musd": costs.transit_musd,
        "expected_shortfall_unit_years": costs.expected_shortfall_unit_years,
        "requirements_short": int((coverage["shortfall_units"] > CHANGED).sum()),
        "penalty_weight": costs.penalty_weight,
        "objective": objective,
        "seconds": seconds,
    }


def _worst_copy_names(r: Any) -> dict[str, str]:
    """Scenario -> the name of its worst copy in the recourse plan's extensive form."""
    from .recourse import copy_name

    return {g: copy_name(g, A) for g, A in r.worst.items()}


def solve_state(pm: HighsModel, data: PlanData, membership: Membership,
                options: SolveOptions, what: str = "", note: str = "") -> PlanState:
    """Re-solve with `membership` and read what the comparison needs; the model is reset.

    Raises planner.solve.NoPlan (`what`: which plan, in words) when the re-solve gives no
    plan; an infeasible one with its conflict, found while the change still holds."""
    model = pm.model
    with pm.changes():
        apply(pm, data, membership)
        outcome, duals = pm.solve_with_duals(options.time_limit_s, options.mip_gap)
        if not is_plan(outcome.status, outcome.has_solution):
            conflict: list[str] = []
            if outcome.status in ("infeasible", "infeasible or unbounded"):
                conflict = pm.conflict()
            raise NoPlan(outcome.status, what, conflict=conflict, elastic=data.elastic, note=note)
        coverage = plan_results.coverage(model, data, duals)
        totals = plan_totals(money.of_model(model), coverage, outcome.objective, outcome.seconds)
        return PlanState(outcome, totals, member_costs(model, data, membership), coverage)


SUMMARY_MEASURES = (
    ("money_cost_musd", "Cost of the plan: spending added + expected transit (M, discounted; real money)"),
    ("plan_cost_musd", "Spending added: spending above the baseline (M, discounted)"),
    ("deployment_cost_musd", "Expected transit (M, discounted)"),
    ("expected_shortfall_unit_years", "Expected shortfall (unit-years)"),
    ("requirements_short", "Requirement cells short (all scenarios)"),
    ("penalty_weight", "Penalty weight for shortfalls and spending or equipment gaps (model units, NOT money)"),
    ("objective", "Objective: money + penalty weights − tie-break (model units, NOT money)"),
)


def summary_table(before: PlanState, after: PlanState) -> pd.DataFrame:
    rows = [(label, before.totals[key], after.totals[key], after.totals[key] - before.totals[key])
            for key, label in SUMMARY_MEASURES]
    return plan_results.zero_noise(pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS)))


def member_table(data: PlanData, changes: MemberChanges, before: PlanState, after: PlanState) -> pd.DataFrame:
    """Each member's plan cost before and after, and its share of the plan's total cost."""
    total_before = sum(before.member_costs.values())
    total_after = sum(after.member_costs.values())
    rows = []
    for m in data.members.index:
        b, a = before.member_costs[m], after.member_costs[m]
        rows.append((
            m, data.members.at[m, "name"], changes.describe(m), b, a, a - b,
            100 * b / total_before if total_before > 0 else np.nan,
            100 * a / total_after if total_after > 0 else np.nan,
        ))
    frame = plan_results.zero_noise(pd.DataFrame(rows, columns=list(MEMBER_COLUMNS)))
    return frame.sort_values("cost_change_musd", key=lambda s: -s.abs(), kind="stable", ignore_index=True)


def requirement_table(before: PlanState, after: PlanState) -> pd.DataFrame:
    """Requirement cells whose shortfall or marginal cost changed, largest change first."""
    keys = ["scenario", "capability", "region", "year"]
    merged = before.coverage.merge(after.coverage, on=keys, how="outer", suffixes=("_before", "_after"))
    frame = pd.DataFrame({
        **{k: merged[k] for k in keys},
        "required_units": merged["required_units_after"].fillna(merged["required_units_before"]),
        "shortfall_before_units": merged["shortfall_units_before"].fillna(0.0),
        "shortfall_after_units": merged["shortfall_units_after"].fillna(0.0),
        "marginal_cost_before_musd": merged["marginal_cost_musd_before"],
        "marginal_cost_after_musd": merged["marginal_cost_musd_after"],
    })
    frame["marginal_cost_change_musd"] = frame["marginal_cost_after_musd"] - frame["marginal_cost_before_musd"]
    frame = plan_results.zero_noise(frame)
    frame["requirement"] = [f"{s} {c} {r} {t}" for s, c, r, t in zip(*(frame[k] for k in keys))]
    short_changed = (frame["shortfall_after_units"] - frame["shortfall_before_units"]).abs() > CHANGED
    cost_changed = frame["marginal_cost_change_musd"].abs() > CHANGED * np.maximum(
        1.0, frame["marginal_cost_before_musd"].abs().fillna(0.0))
    frame = frame[short_changed | cost_changed.fillna(False)]
    order = frame["shortfall_after_units"] - frame["shortfall_before_units"]
    frame = frame.assign(_short=order, _cost=frame["marginal_cost_change_musd"].fillna(0.0))
    frame = frame.sort_values(["_short", "_cost"], ascending=False, kind="stable")
    return frame.drop(columns=["_short", "_cost"]).reset_index(drop=True).reindex(columns=list(REQUIREMENT_COLUMNS))


def with_joiners(data: PlanData, join: Mapping[str, int]) -> PlanData:
    """`data` with the joining states as members from their accession year (candidates
    moved from data.candidates into data.members)."""
    moving = [code for code in join if code in data.candidates.index]
    members = pd.concat([data.members, data.candidates.loc[moving]]) if moving else data.members.copy()
    members["year_joined"] = members["year_joined"].astype(float)
    members["year_left"] = members["year_left"].astype(float)
    for code, year in join.items():
        members.at[code, "year_joined"] = year
        if code in moving:
            members.at[code, "year_left"] = np.nan
    return dataclasses.replace(data, members=members, candidates=data.candidates.drop(index=moving))


def rebuilt_objective(data: PlanData, changes: MemberChanges, options: SolveOptions = SolveOptions()) -> float:
    """The 'after' plan's objective from a model rebuilt with the changed membership years
    (exits and joins only): the reference the persistent route is tested against."""
    from ..solve import solve

    data = with_joiners(data, changes.join)
    members = data.members.copy()
    for code, year in changes.without.items():
        members.at[code, "year_left"] = year - 1
    changed = dataclasses.replace(data, members=members)
    result = solve(build_model(changed), options)
    if not result.has_solution:
        raise RuntimeError(result.status)
    return float(result.objective) if result.objective is not None else math.nan
