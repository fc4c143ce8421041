"""Robust plans where the others redeploy: what an abstention really costs (docs/model.md).

The static robust plan (models/robust.py) decides deployment before an abstention is known:
an abstaining member's units are lost and nobody moves a unit to cover for it. With
recourse, the first stage (orders, sites, sets, spending) is decided first; then the worst
set A ⊆ U_s of at most k members abstains in scenario s; then the others redeploy within
their stocks, routes, warning times, caps and sovereignty limits:

    minimise  first_stage + Σ_s p_s · max_{A ⊆ U_s, |A| ≤ k} second_stage(s, A) + gap penalties

second_stage(s, A) is scenario s's transit cost and shortfall penalty with the members of
A out of it. Abstaining only takes units away, so the maximum is reached at |A| = min(k,
|U_s|) and only those sets are written out.

Exact by enumeration (`extensive_form`): every (s, A) is a copy of scenario s with the
members of A out (Participation 'no'), the copies of s grouped (PlanData.scenario_groups)
so that the objective takes the worst copy of each scenario: one model, one solve, up to
ENUMERATION_LIMIT copies. Beyond, column-and-constraint generation (Zeng & Zhao 2013):
`solve_recourse` starts from the nominal copy of each scenario, solves, finds each
scenario's worst set for that first stage by enumerating the sets on the second stage
alone, adds it, and stops when no set costs more than the master's worst copy (within
TOLERANCE).
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import time
from dataclasses import dataclass, field

import pandas as pd
import pyomo.environ as pyo

from models import PlanData, build_model

from .. import money
from ..solve import SolveOptions, solve

ENUMERATION_LIMIT = 400  # scenario copies in one extensive form
TOLERANCE = 1e-6  # column-and-constraint generation stops when (upper − lower) / max(1, |upper|) ≤ this
SEP = "|"


def abstention_sets(data: PlanData, scenario: str, k: int) -> list[frozenset[str]]:
    """Every set of min(k, |U_s|) members of U_s (the members that may abstain in s)."""
    may = sorted(data.may_abstain(scenario))
    return [frozenset(A) for A in itertools.combinations(may, min(k, len(may)))]


def copy_name(scenario: str, absent: frozenset[str]) -> str:
    return f"{scenario}{SEP}{'+'.join(sorted(absent)) or 'none'}"


def extensive_form(data: PlanData, k: int, sets: dict[str, list[frozenset[str]]] | None = None) -> PlanData:
    """`data` with every scenario s copied once per abstention set in `sets[s]` (default:
    all of size min(k, |U_s|)), the set's members out of the copy, copies grouped by s;
    no static robust rows (k_s = 0 in every copy)."""
    sets = sets or {s: abstention_sets(data, s, k) for s in data.scenarios.index}
    rows, groups, participation, own = [], {}, {}, []
    for s, row in data.scenarios.iterrows():
        chosen = sets.get(s) or [frozenset()]
        for A in chosen:
            name = copy_name(s, A)
            rows.append(row.rename(name).copy())
            rows[-1]["probability"] = float(row["probability"]) / len(chosen)
            rows[-1]["abstentions"] = 0.0
            groups[name] = s
            for (m, sc), p in data.participation.items():
                if sc == s:
                    participation[m, name] = p
            for m in A:
                participation[m, name] = "no"
            if len(data.scenario_requirements) and s in data.scenario_requirements.index.get_level_values(0):
                part = data.scenario_requirements.xs(s, level=0, drop_level=False)
                own.append(part.rename(index={s: name}, level=0))
    scenarios = pd.DataFrame(rows)
    scenarios.index.name = "scenario"
    requirements = pd.concat(own) if own else data.scenario_requirements
    return dataclasses.replace(data, scenarios=scenarios, scenario_groups=groups, participation=participation,
                               scenario_requirements=requirements, abstentions=0)


@dataclass
class RecourseResult:
    k: int
    status: str
    money_musd: float  # first-stage spending added + Σ_s p_s · transit of the worst copy of s
    spending_added_musd: float
    transit_musd: float
    shortfall_unit_years: float  # Σ_s p_s · shortfall of the worst copy of s
    objective: float
    worst: dict[str, frozenset[str]]  # scenario -> its worst abstention set
    copies: int  # abstention sets written out (all scenarios)
    method: str  # "enumeration" or "column-and-constraint generation (N rounds)"
    gap: float = 0.0  # CCG: (upper − lower) / |upper| at the end
    seconds: float = 0.0
    model: pyo.ConcreteModel | None = field(default=None, repr=False)
    data: PlanData | None = field(default=None, repr=False)  # the extensive form the model was built from
    solved: object = field(default=None, repr=False)  # its planner.solve.SolveResult


def _worst_copies(model: pyo.ConcreteModel, data: PlanData) -> dict[str, str]:
    """Per scenario group, the copy whose second-stage cost is largest in the solved model."""
    worst: dict[str, tuple[float, str]] = {}
    for s in model.S:
        g = data.scenario_groups[s]
        value = float(pyo.value(model.scenario_cost[s]))
        if g not in worst or value > worst[g][0] + 1e-9:
            worst[g] = (value, s)
    return {g: s for g, (_, s) in worst.items()}


def _summarise(model, extensive: PlanData, base: PlanData, k: int, status: str, method: str, copies: int,
               seconds: float, gap: float = 0.0, solved=None) -> RecourseResult:
    costs = money.of_model(model)
    worst = _worst_copies(model, extensive)
    p = {s: float(v) for s, v in (base.scenarios["probability"] / base.scenarios["probability"].sum()).items()}
    transit = sum(p[g] * float(pyo.value(model.transit_cost[s])) for g, s in worst.items())
    short = {s: 0.0 for s in worst.values()}
    for (c, r, t, s), var in model.shortfall.items():
        if s in short:
            short[s] += var.value or 0.0
    absent = {g: frozenset(a for a in s.split(SEP, 1)[1].split("+") if a != "none") for g, s in worst.items()}
    return RecourseResult(
        k=k, status=status, money_musd=costs.spending_added_musd + transit,
        spending_added_musd=costs.spending_added_musd, transit_musd=transit,
        shortfall_unit_years=sum(p[g] * short[s] for g, s in worst.items()),
        objective=float(pyo.value(model.total_cost)), worst=absent, copies=copies, method=method,
        gap=gap, seconds=seconds, model=model, data=extensive, solved=solved)


def solve_recourse(data: PlanData, k: int | None, options: SolveOptions = SolveOptions(),
                   enumeration_limit: int = ENUMERATION_LIMIT) -> RecourseResult:
    """The plan that holds against any k abstentions per scenario (None: each scenario's own
    budget k_s), the others redeploying: by enumeration where the copies are few, else by
    column-and-constraint generation."""
    start = time.perf_counter()
    budget = data.abstention_budget()
    every = {s: abstention_sets(data, s, budget[s] if k is None else k) for s in data.scenarios.index}
    k = max(budget.values(), default=0) if k is None else k
    total = sum(len(v) for v in every.values())
    if total <= enumeration_limit:
        extensive = extensive_form(data, k, every)
        model = build_model(extensive)
        result = solve(model, options)
        if not result.has_solution:
            return RecourseResult(k, result.status, math.nan, math.nan, math.nan, math.nan, math.nan, {}, total,
                                  "enumeration", seconds=time.perf_counter() - start, model=model,
                                  data=extensive, solved=result)
        return _summarise(model, extensive, data, k, result.status, "enumeration", total,
                          time.perf_counter() - start, solved=result)
    return _generate(data, k, every, options, start)


FIRST_STAGE = ("x_units", "sets", "open_site")  # the decisions taken before an abstention


class _Adversary:
    """The second stage alone for a given first stage: the nominal model (one copy per
    scenario, no robust rows) with the first stage fixed; for a choice of one abstention
    set per scenario, fix the absent members' deployments to 0 and re-solve: scenarios
    do not interact once the first stage is fixed, so one solve prices one set in each."""

    def __init__(self, data: PlanData, options: SolveOptions):
        self.data = dataclasses.replace(data, abstentions=0, scenarios=data.scenarios.assign(abstentions=0.0))
        self.model = build_model(self.data)
        self.pm = solve(self.model, options).highs
        self.options = options
        m = self.model
        self.first = [v for name in FIRST_STAGE for v in getattr(m, name).values()]
        self.by_member: dict[tuple[str, str], list] = {}
        for (mm, c, r, t, s), v in m.assign.items():
            self.by_member.setdefault((mm, s), []).append(v)
        for (mm, kk, c, r, t, s), v in m.draw.items():
            self.by_member.setdefault((mm, s), []).append(v)

    def price(self, first: list[float], choice: dict[str, frozenset[str]]) -> dict[str, float]:
        """Second-stage cost (transit and shortfall penalty) of each scenario with its
        chosen set absent, for the first stage `first`."""
        with self.pm.changes():
            self.pm.fix(self.first, [round(v, 9) for v in first])
            gone = [v for s, A in choice.items() for mm in A for v in self.by_member.get((mm, s), [])]
            if gone:
                self.pm.fix(gone, 0.0)
            outcome = self.pm.solve(self.options.time_limit_s, self.options.mip_gap)
            if not outcome.has_solution:
                return {s: math.inf for s in choice}
            self.pm.load_solution()
            return {s: float(pyo.value(self.model.scenario_cost[s])) for s in choice}


def _generate(data: PlanData, k: int, every: dict[str, list[frozenset[str]]], options: SolveOptions,
              start: float) -> RecourseResult:
    """Column-and-constraint generation: a master with the abstention sets found so far
    (a lower bound), an adversary pricing every set for the master's first stage (an upper
    bound: first stage + each scenario's worst set), until the bounds meet within TOLERANCE
    or no set is worse than the master already knows."""
    chosen = {s: [v[0]] if v else [frozenset()] for s, v in every.items()}
    adversary = _Adversary(data, options)
    p = (data.scenarios["probability"] / data.scenarios["probability"].sum()).to_dict()
    rounds, gap = 0, math.inf
    while True:
        rounds += 1
        extensive = extensive_form(data, k, chosen)
        model = build_model(extensive)
        result = solve(model, options)
        if not result.has_solution:
            return RecourseResult(k, result.status, math.nan, math.nan, math.nan, math.nan, math.nan, {},
                                  sum(map(len, chosen.values())), f"column-and-constraint generation ({rounds} rounds)",
                                  seconds=time.perf_counter() - start, model=model, data=extensive, solved=result)
        lower = result.bound if result.bound is not None else result.objective
        known = {g: max(float(pyo.value(model.scenario_cost[copy_name(g, A)])) for A in chosen[g]) for g in chosen}
        first = [v.value or 0.0 for name in FIRST_STAGE for v in getattr(model, name).values()]
        worst = dict(known)
        worst_set = {g: None for g in chosen}
        for i in range(max(map(len, every.values()), default=0)):
            choice = {s: sets[i] for s, sets in every.items() if i < len(sets)}
            for s, cost in adversary.price(first, choice).items():
                if cost > worst[s] + 1e-9:
                    worst[s], worst_set[s] = cost, choice[s]
        second_stage = float(pyo.value(model.total_cost)) - sum(p[g] * known[g] for g in chosen)
        upper = second_stage + sum(p[g] * worst[g] for g in chosen)
        gap = (upper - lower) / max(1.0, abs(upper))
        new = {g: A for g, A in worst_set.items() if A is not None and A not in chosen[g]}
        if gap <= TOLERANCE or not new:
            return _summarise(model, extensive, data, k, result.status,
                              f"column-and-constraint generation ({rounds} rounds)",
                              sum(map(len, chosen.values())), time.perf_counter() - start, max(gap, 0.0),
                              solved=result)
        for g, A in new.items():
            chosen[g].append(A)
