"""Robust plans where the others redeploy: what an abstention really costs (docs/model.md).

The static robust plan (models/robust.py) decides deployment before an abstention is known:
an abstaining member's units are lost and nobody moves a unit to cover for it. With
recourse, the first stage (orders, sites, sets, spending) is decided first; then the worst
set A ⊆ U_s of at most k members abstains in scenario s; then the others redeploy within
their stocks, routes, warning times, caps and sovereignty limits:

    minimise  first_stage + Σ_s p_s · max_{A ⊆ U_s, |A| ≤ k} second_stage(s, A) + gap penalties
    (Settings › scenario_objective worst-case: max_s max_A second_stage(s, A) in place of Σ_s p_s · max_A)

second_stage(s, A) is scenario s's transit cost and shortfall penalty with the members of
A out of it. Abstaining only takes units away, so the maximum is reached at |A| = min(k,
|U_s|) and only those sets are written out. The plan's figures (money, penalty weight,
shortfall) are those of each scenario's worst set, weighted as the objective weighs the
scenarios (`scenario_weights`), so that money + penalty weight − tie-break = objective.

Exact by enumeration (`extensive_form`): every (s, A) is a copy of scenario s with the
members of A out (Participation 'no'), the copies of s grouped (PlanData.scenario_groups)
so that the objective takes the worst copy of each scenario: one model, one solve, while
the copies are at most ENUMERATION_LIMIT and their second-stage columns at most
EXTENSIVE_COLUMNS. Beyond, column-and-constraint generation (Zeng & Zhao 2013, `_generate`):
the nominal plan is the first master; each master's first stage is priced against every
abstention set (the sets a known second-stage solution already bounds are skipped), the
worst few sets of each scenario join the next master, which starts from the best first
stage found; it stops when the upper and lower bounds meet within the tolerance
(max(TOLERANCE, the MIP gap) for a whole-unit plan), when no set is worse than the master
knows, or at the time limit, with the gap said.
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from models import PlanData, build_model
from models.sets import build_index

from .. import money
from ..highs import HighsModel, Outcome
from ..solve import SolveOptions, SolveResult, solve

log = logging.getLogger(__name__)

ENUMERATION_LIMIT = 400  # scenario copies in one extensive form
EXTENSIVE_COLUMNS = 40_000  # second-stage columns of all copies together, beyond which generation is used
TOLERANCE = 1e-6  # generation stops when (upper − lower) / max(1, |upper|) ≤ max(this, the MIP gap of a MIP)
SETS_PER_ROUND = 1  # abstention sets per scenario a round adds to the master (its worst): small masters solve faster
MASTER_GAP = 0.01  # a master's relative MIP gap at most (a quarter of the current gap, down to the tolerance)
PRICING_GAP = 1e-7  # relative MIP gap of the second stage with the first stage fixed
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
    money_musd: float  # first-stage spending added + Σ_s w_s · transit of the worst copy of s
    spending_added_musd: float
    transit_musd: float
    shortfall_unit_years: float  # Σ_s w_s · shortfall of the worst copy of s (w: scenario_weights)
    objective: float
    worst: dict[str, frozenset[str]]  # scenario -> its worst abstention set
    copies: int  # abstention sets written out (all scenarios)
    method: str  # "enumeration" or "column-and-constraint generation (N rounds)"
    gap: float = 0.0  # (upper − lower) / max(1, |upper|) at the end (enumeration: the MIP's own gap)
    seconds: float = 0.0
    rounds: int = 0  # generation: masters priced (the nominal plan is the first)
    priced: int = 0  # generation: abstention sets priced by a solve (the others bounded without one)
    lower_bound: float | None = None  # proven lower bound on `objective`
    model: pyo.ConcreteModel | None = field(default=None, repr=False)
    data: PlanData | None = field(default=None, repr=False)  # the extensive form the model was built from
    solved: object = field(default=None, repr=False)  # its planner.solve.SolveResult
    penalty_weight: float = math.nan  # Σ_s w_s · shortfall penalty of the worst copy of s + gap penalties: NOT money
    weights: dict[str, float] = field(default_factory=dict)  # scenario -> w_s, its weight in the objective

    def costs(self) -> money.Costs:
        """The plan's figures as the objective values them: each scenario's worst abstention
        set, weighted by `weights`."""
        return money.Costs(self.money_musd, self.spending_added_musd, self.transit_musd, self.penalty_weight,
                           self.shortfall_unit_years)

    @property
    def basis(self) -> str:
        """What the plan's figures count, in words, for the report and the terminal."""
        if self.data is not None and self.data.scenario_objective == "worst-case":
            return ("of the worst scenario's worst abstention set alone (scenario_objective worst-case), "
                    "as the objective counts it")
        return "of each scenario's worst abstention set, weighted by scenario probability, as the objective counts it"

    def totals(self) -> dict[str, float]:
        """The entries of planner.results.totals that the recourse plan reads from its worst
        sets, not from its extensive form's average over every abstention set."""
        c = self.costs()
        return {"money_cost_musd": c.money_musd, "plan_cost_musd": c.spending_added_musd,
                "deployment_cost_musd": c.transit_musd, "penalty_weight": c.penalty_weight,
                "expected_shortfall_unit_years": c.expected_shortfall_unit_years}


def scenario_weights(costs: dict[str, float], p: dict[str, float], worst_case: bool) -> dict[str, float]:
    """w_s, how the objective weighs scenario s's cost `costs[s]` (of its worst abstention
    set): its probability p_s; worst case, 1 for the costliest scenario (on a tie, the first
    in `costs`' order, the Scenarios sheet's) and 0 for the others."""
    if not worst_case:
        return {s: p[s] for s in costs}
    top = max(costs.values(), default=0.0)
    first = next((s for s, c in costs.items() if c >= top - 1e-9 * max(1.0, abs(top))), None)
    return {s: float(s == first) for s in costs}


def _weighted(costs: dict[str, float], p: dict[str, float], worst_case: bool) -> float:
    """Σ_s w_s · costs[s]: the second stage as the objective counts it."""
    w = scenario_weights(costs, p, worst_case)
    return sum(w[s] * c for s, c in costs.items())


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
               seconds: float, gap: float = 0.0, solved=None, **extra) -> RecourseResult:
    """The solved plan's figures: each scenario's worst copy, weighted as the objective
    weighs the scenarios (`scenario_weights`)."""
    worst = _worst_copies(model, extensive)
    p = _probabilities(base)
    w = scenario_weights({g: float(pyo.value(model.scenario_cost[worst[g]])) for g in p if g in worst}, p,
                         base.scenario_objective == "worst-case")
    transit = sum(w[g] * float(pyo.value(model.transit_cost[s])) for g, s in worst.items())
    penalty = sum(w[g] * float(pyo.value(model.shortfall_cost[s])) for g, s in worst.items())
    short = {s: 0.0 for s in worst.values()}
    for (c, r, t, s), var in model.shortfall.items():
        if s in short:
            short[s] += var.value or 0.0
    absent = {g: frozenset(a for a in s.split(SEP, 1)[1].split("+") if a != "none") for g, s in worst.items()}
    added = float(pyo.value(model.plan_cost))
    return RecourseResult(
        k=k, status=status, money_musd=added + transit, spending_added_musd=added, transit_musd=transit,
        shortfall_unit_years=sum(w[g] * short[s] for g, s in worst.items()),
        objective=float(pyo.value(model.total_cost)), worst=absent, copies=copies, method=method,
        gap=gap, seconds=seconds, model=model, data=extensive, solved=solved,
        penalty_weight=penalty + float(pyo.value(model.gap_penalty)), weights=w, **extra)


def _probabilities(data: PlanData) -> dict[str, float]:
    """p_s, the scenario weights normalised to sum to 1, in the Scenarios sheet's order."""
    p = data.scenarios["probability"]
    return {s: float(v) for s, v in (p / p.sum()).items()}


def _copies_columns(data: PlanData) -> int:
    """Second-stage columns (deployments, draws, shortfalls) of one copy of every scenario."""
    ix = build_index(data)
    return len(ix.assign) + len(ix.draws) + len(ix.requirement)


Prepare = Callable[[HighsModel, PlanData], None]  # a change made in every HiGHS copy before it is solved


def _prepared(hm: HighsModel, data: PlanData, prepare: Prepare | None) -> HighsModel:
    """`hm` with `prepare` made in it for good: the what-if's change of membership, in every
    model generation builds."""
    if prepare is not None:
        hm.keep(lambda h: prepare(h, data))
    return hm


def _solve(model: pyo.ConcreteModel, data: PlanData, options: SolveOptions, prepare: Prepare | None) -> SolveResult:
    """planner.solve.solve, with `prepare` made in HiGHS's copy first."""
    return solve(model, options, None if prepare is None else (lambda hm: prepare(hm, data)))


def solve_recourse(data: PlanData, k: int | None, options: SolveOptions = SolveOptions(),
                   enumeration_limit: int = ENUMERATION_LIMIT, prepare: Prepare | None = None) -> RecourseResult:
    """The plan that holds against any k abstentions per scenario (None: each scenario's own
    budget k_s), the others redeploying: by enumeration where the extensive form is small
    (at most `enumeration_limit` copies and EXTENSIVE_COLUMNS second-stage columns), else
    by column-and-constraint generation. `prepare(hm, data)`, if given, is made in every
    HiGHS copy before it is solved (planner.analyses.membership.apply: the what-if)."""
    start = time.perf_counter()
    budget = data.abstention_budget()
    every = {s: abstention_sets(data, s, budget[s] if k is None else k) for s in data.scenarios.index}
    k = max(budget.values(), default=0) if k is None else k
    total = sum(len(v) for v in every.values())
    small = total <= enumeration_limit and (
        total <= len(every) or total * _copies_columns(data) / max(1, len(every)) <= EXTENSIVE_COLUMNS)
    if small:
        extensive = extensive_form(data, k, every)
        model = build_model(extensive)
        result = _solve(model, extensive, options, prepare)
        if not result.has_solution:
            return RecourseResult(k, result.status, math.nan, math.nan, math.nan, math.nan, math.nan, {}, total,
                                  "enumeration", seconds=time.perf_counter() - start, model=model,
                                  data=extensive, solved=result)
        return _summarise(model, extensive, data, k, result.status, "enumeration", total,
                          time.perf_counter() - start, solved=result, lower_bound=result.bound)
    return _generate(data, k, every, options, start, prepare)


FIRST_STAGE = ("x_units", "sets", "open_site")  # the decisions taken before an abstention

Decision = tuple[str, object]  # (variable family, index) of a first-stage decision


class _Columns:
    """The HiGHS columns of one model that generation reads and writes: the first stage;
    each copy's second-stage cost as a linear form; and per copy and member that may
    abstain, the deployment columns with their discount factors, for the bound the pricing
    prunes with: taking member m's units out of a second-stage solution y and counting them
    short costs at most loss_m(y) = P_short · Σ δ_t · (m's units in y) more (docs/model.md)."""

    def __init__(self, hm: HighsModel, data: PlanData, members: dict[str, list[str]]):
        model = hm.model
        self.hm = hm
        first = [(name, key, var) for name in FIRST_STAGE for key, var in getattr(model, name).items()]
        have = [(name, key, hm.column(var)) for name, key, var in first if hm.column(var) is not None]
        self.first_keys: list[Decision] = [(name, key) for name, key, _ in have]
        self.first_cols = np.array([j for _, _, j in have], dtype=np.int32)
        self.group = {s: data.scenario_groups.get(s, s) for s in model.S}
        self.cost = {s: hm.instance.linear(model.scenario_cost[s], f"scenario_cost[{s}]") for s in model.S}
        position = {g: {m: i for i, m in enumerate(ms)} for g, ms in members.items()}
        self.size = {g: len(ms) for g, ms in members.items()}
        discount = model.index.discount
        self.penalty = data.shortfall_penalty if data.elastic else math.inf
        cols: dict[str, list[tuple[int, int, float]]] = {s: [] for s in model.S}
        self.by_member: dict[tuple[str, str], list[int]] = {}  # (member, copy) -> its deployment columns
        for family, at in (("assign", 3), ("draw", 4)):
            for key, var in getattr(model, family).items():
                j = hm.column(var)
                if j is None:
                    continue
                s = key[-1]
                self.by_member.setdefault((key[0], s), []).append(j)
                i = position.get(self.group[s], {}).get(key[0])
                if i is not None:
                    cols[s].append((i, j, discount[key[at]]))
        self.deploy = {s: (np.array([i for i, _, _ in v], dtype=np.int64), np.array([j for _, j, _ in v], dtype=np.int32),
                           np.array([w for _, _, w in v], dtype=float)) for s, v in cols.items()}

    def first_stage(self, x: np.ndarray) -> dict[Decision, float]:
        return dict(zip(self.first_keys, x[self.first_cols].tolist()))

    def first_values(self, first: dict[Decision, float]) -> np.ndarray:
        return np.round(np.array([first.get(key, 0.0) for key in self.first_keys], dtype=float), 9)

    def read(self, x: np.ndarray, copy: str) -> tuple[float, np.ndarray]:
        """(second-stage cost, loss_m per member of its group) of `copy` in the solution `x`."""
        cols, coefs, constant = self.cost[copy]
        member, col, weight = self.deploy[copy]
        units = np.zeros(self.size.get(self.group[copy], 0))
        np.add.at(units, member, weight * x[col])
        units[units < 1e-9] = 0.0
        loss = units * self.penalty if math.isfinite(self.penalty) else np.where(units > 0, math.inf, 0.0)
        return float(coefs @ x[cols] + constant), loss


def _start_from(hm: HighsModel, columns: _Columns, first: dict[Decision, float], time_limit_s: float) -> None:
    """Give HiGHS a whole solution to start the MIP from: the first stage `first` and the
    best second stage for it (a quick solve with the first stage fixed)."""
    with hm.changes():
        hm.fix_columns(columns.first_cols, columns.first_values(first))
        outcome = hm.solve(time_limit_s, PRICING_GAP)
        if not outcome.has_solution:
            return
        x = hm.solution()  # read before the block undoes the bounds
    hm.start_from(x)


class _Adversary:
    """The second stage alone for a given first stage: the nominal model (one copy per
    scenario, no robust rows) with the first stage fixed; for a choice of one abstention
    set per scenario, fix the absent members' deployments to 0 and re-solve: scenarios
    do not interact once the first stage is fixed, so one solve prices one set in each
    (its objective is the expected one whatever the plan's, so that each scenario's own cost
    is minimised). Its first solve, without abstentions, is generation's first master where
    the objective is expected."""

    def __init__(self, data: PlanData, options: SolveOptions, members: dict[str, list[str]],
                 prepare: Prepare | None = None):
        self.data = dataclasses.replace(data, abstentions=0, scenarios=data.scenarios.assign(abstentions=0.0),
                                        scenario_objective="expected")
        self.model = build_model(self.data)
        self.pm = _prepared(HighsModel(self.model), self.data, prepare)
        self.options = options
        self.columns = _Columns(self.pm, self.data, members)
        self.gone = {key: np.array(cols, dtype=np.int32) for key, cols in self.columns.by_member.items()}
        self.solves = 0

    @contextmanager
    def fixed(self, first: dict[Decision, float]) -> Iterator[_Adversary]:
        """The first stage fixed at `first` while the block lasts."""
        with self.pm.changes():
            self.pm.fix_columns(self.columns.first_cols, self.columns.first_values(first))
            yield self

    def price(self, choice: dict[str, frozenset[str]], time_limit_s: float) -> dict[str, tuple[float, np.ndarray]] | None:
        """Within `fixed`: each scenario's second-stage cost with its chosen set absent, and
        that solution's loss per member; None when the solve gave no plan."""
        with self.pm.changes():
            gone = [self.gone[mm, s] for s, A in choice.items() for mm in A if (mm, s) in self.gone]
            if gone:
                self.pm.fix_columns(np.concatenate(gone), 0.0)
            outcome = self.pm.solve(time_limit_s, PRICING_GAP)
            self.solves += 1
            if not outcome.has_solution:
                return None
            x = self.pm.solution()
            return {s: self.columns.read(x, s) for s in choice}


Certificate = tuple[float, np.ndarray]  # (second-stage cost of a known solution, loss_m per member)


@dataclass
class _Priced:
    """One first stage priced: per scenario an upper bound on every set's cost (`worst`),
    the sets priced by a solve with their costs, and how many were bounded without one."""

    worst: dict[str, float]
    costs: dict[str, dict[frozenset[str], float]]
    skipped: int


def _price(adversary: _Adversary, every: dict[str, list[frozenset[str]]], members: dict[str, list[str]],
           chosen: dict[str, list[frozenset[str]]], known: dict[str, float],
           certificates: dict[str, list[Certificate]], deadline: float) -> _Priced | None:
    """Price every abstention set for the fixed first stage, most dangerous first. A
    second-stage solution y that is known for this first stage bounds every set A:
    cost(s, A) ≤ cost(y) + Σ_{m ∈ A} loss_m(y) (A's units taken out of y and counted short;
    equal to cost(y) when y uses none of A); a set whose bound is not above the worst cost
    found is never the worst and is not solved. `known[s]` is what the master counts for s
    (its group_cost; worst case, the worst scenario's cost for every s); `certificates[s]`, the solutions known so far, grows with each
    solve. For k ≥ 2 each single member's abstention is solved first, for the bounds."""
    worst = dict(known)
    costs: dict[str, dict[frozenset[str], float]] = {s: {} for s in every}
    size = {s: max((len(A) for A in sets), default=0) for s, sets in every.items()}
    todo: dict[str, tuple[list[frozenset[str]], np.ndarray]] = {}
    for s, sets in every.items():
        position = {m: i for i, m in enumerate(members[s])}
        left = [A for A in sets if A not in chosen.get(s, ()) and A]
        todo[s] = (left, np.array([[position[m] for m in sorted(A)] for A in left], dtype=np.int64).reshape(len(left), size[s]))
    helpers = {s: [frozenset([m]) for m in reversed(members[s])] if size[s] > 1 else [] for s in every}
    skipped = 0
    while True:
        choice: dict[str, frozenset[str]] = {}
        for s in every:
            if helpers[s]:
                choice[s] = helpers[s].pop()
                continue
            left, index = todo[s]
            if not left:
                continue
            bound = np.full(len(left), math.inf)
            for cost, loss in certificates[s]:
                bound = np.minimum(bound, cost + loss[index].sum(axis=1))
            keep = bound > worst[s] + 1e-9 * max(1.0, abs(worst[s]))
            skipped += int((~keep).sum())
            left, index, bound = [A for A, kept in zip(left, keep) if kept], index[keep], bound[keep]
            if left:
                top = int(np.argmax(bound))
                choice[s] = left[top]
                left, index = left[:top] + left[top + 1:], np.delete(index, top, axis=0)
            todo[s] = (left, index)
        if not choice:
            return _Priced(worst, costs, skipped)
        remaining = deadline - time.perf_counter()
        found = adversary.price(choice, remaining) if remaining > 0 else None
        if found is None:
            return None
        for s, (cost, loss) in found.items():
            certificates[s].append((cost, loss))
            if len(choice[s]) == size[s]:  # a set the plan guards against, not a helper
                costs[s][choice[s]] = cost
                worst[s] = max(worst[s], cost)


def _generate(data: PlanData, k: int, every: dict[str, list[frozenset[str]]], options: SolveOptions,
              start: float, prepare: Prepare | None = None) -> RecourseResult:
    """Column-and-constraint generation (docs/model.md): masters over the abstention sets
    found so far give lower bounds (the nominal plan is the first); pricing a master's
    first stage against every set gives an upper bound (its first stage + each scenario's
    worst set); the worst SETS_PER_ROUND sets of each scenario that cost more than the
    master knows join the next master, started from the best first stage so far. Stops
    when (upper − lower) / max(1, |upper|) ≤ max(TOLERANCE, mip_gap of a MIP), when no
    set costs more than the master knows, or at the time limit; the plan is the best
    first stage found, with its worst sets."""
    deadline = start + options.time_limit_s
    members = {s: sorted(data.may_abstain(s)) for s in every}
    worst_case = data.scenario_objective == "worst-case"
    adversary = _Adversary(data, options, members, prepare)
    if worst_case:  # the nominal plan under the worst-case objective: a model of its own
        nominal = extensive_form(data, k, {s: [frozenset()] for s in every})
        hm = _prepared(HighsModel(build_model(nominal)), nominal, prepare)
        columns = _Columns(hm, nominal, members)
    else:  # the adversary's own model, with nobody absent
        nominal, hm, columns = adversary.data, adversary.pm, adversary.columns
    outcome = hm.solve(options.time_limit_s, options.mip_gap)  # the nominal plan: the first master
    if not outcome.has_solution:
        result = _solve(build_model(nominal), nominal, options, prepare)
        return RecourseResult(k, result.status, math.nan, math.nan, math.nan, math.nan, math.nan, {}, 0,
                              "column-and-constraint generation (0 rounds)", seconds=time.perf_counter() - start,
                              model=hm.model, data=nominal, solved=result)
    tol = max(TOLERANCE, options.mip_gap if adversary.pm.is_mip else 0.0)
    p = _probabilities(data)
    lower = outcome.bound if outcome.bound is not None and math.isfinite(outcome.bound) else outcome.objective
    first, known, certificates = _read_master(hm, columns, hm.solution(), every)
    objective = outcome.objective
    chosen: dict[str, list[frozenset[str]]] = {s: [] for s in every}
    best: tuple[float, dict[Decision, float], dict[str, list[frozenset[str]]]] | None = None
    rounds = priced_sets = 0
    pricing_seconds = 0.0
    while True:
        rounds += 1
        clock = time.perf_counter()
        with adversary.fixed(first):
            priced = _price(adversary, every, members, chosen, known, certificates, deadline)
        pricing_seconds = time.perf_counter() - clock
        if priced is None:  # out of time
            break
        priced_sets += sum(map(len, priced.costs.values()))
        upper = objective - _weighted(known, p, worst_case) + _weighted(priced.worst, p, worst_case)
        new = {s: sorted((A for A, c in priced.costs[s].items() if c > known[s] + 1e-9 * max(1.0, abs(known[s]))),
                         key=lambda A, s=s: -priced.costs[s][A])[:SETS_PER_ROUND] for s in every}
        if best is None or upper < best[0]:
            best = (upper, first, {s: chosen[s] + new[s][:1] for s in every})  # with each scenario's worst set
        gap = max(0.0, (best[0] - lower) / max(1.0, abs(best[0])))
        log.info("round %d: lower %.6g, upper %.6g, gap %.3g; %d sets solved in %.1f s (%d solves), %d bounded; "
                 "new %s; %.1f s", rounds, lower, best[0], gap, sum(map(len, priced.costs.values())), pricing_seconds,
                 adversary.solves, priced.skipped, {s: [",".join(sorted(A)) for A in v] for s, v in new.items()},
                 time.perf_counter() - start)
        if gap <= tol:
            break
        for s, sets in new.items():  # none new: the master again, to the tolerance
            chosen[s].extend(sets)
        remaining = deadline - time.perf_counter() - 1.5 * pricing_seconds - 10.0
        if remaining <= 1.0:
            break
        extensive = extensive_form(data, k, {s: v or [frozenset()] for s, v in chosen.items()})
        model = build_model(extensive)
        hm = _prepared(HighsModel(model), extensive, prepare)
        columns = _Columns(hm, extensive, members)
        _start_from(hm, columns, best[1], remaining)
        outcome = hm.solve(max(1.0, deadline - time.perf_counter() - 1.5 * pricing_seconds - 10.0),
                           max(tol, min(MASTER_GAP, gap / 4)) if any(new.values()) else tol)
        log.info("master %d: %d copies, %s, objective %.6g, bound %.6g, %.1f s", rounds, len(model.S),
                 outcome.status, outcome.objective or math.nan, outcome.bound or math.nan, outcome.seconds)
        if not outcome.has_solution:
            break
        if outcome.bound is not None and math.isfinite(outcome.bound):
            lower = max(lower, outcome.bound)
        objective = outcome.objective
        first, known, certificates = _read_master(hm, columns, hm.solution(), every)
    if best is None:
        return RecourseResult(k, "time limit", math.nan, math.nan, math.nan, math.nan, math.nan, {},
                              sum(map(len, chosen.values())), f"column-and-constraint generation ({rounds} rounds)",
                              seconds=time.perf_counter() - start, rounds=rounds)
    _, first, sets = best
    return _final(data, k, sets, first, options, start, rounds, priced_sets, lower, tol, prepare)


def _read_master(hm: HighsModel, columns: _Columns, x: np.ndarray, every: dict[str, list[frozenset[str]]]
                 ) -> tuple[dict[Decision, float], dict[str, float], dict[str, list[Certificate]]]:
    """A solved master's first stage; what its objective counts for each scenario (worst
    case: worst_scenario_cost for every one; else group_cost, or the scenario's own cost in
    the nominal model); and each copy's second stage as a certificate for its scenario."""
    model = hm.model
    certificates: dict[str, list[Certificate]] = {s: [] for s in every}
    for copy in model.S:
        certificates[columns.group[copy]].append(columns.read(x, copy))
    if hasattr(model, "worst_scenario_cost"):
        w = float(x[hm.column(model.worst_scenario_cost)])
        known = {s: w for s in every}
    elif hasattr(model, "group_cost"):
        known = {g: float(x[hm.column(model.group_cost[g])]) for g in model.G_groups}
    else:
        known = {s: certificates[s][0][0] for s in every}
    return columns.first_stage(x), known, certificates


def _final(data: PlanData, k: int, sets: dict[str, list[frozenset[str]]], first: dict[Decision, float],
           options: SolveOptions, start: float, rounds: int, priced: int, lower: float,
           tol: float, prepare: Prepare | None = None) -> RecourseResult:
    """The plan: the extensive form over the master's sets and each scenario's worst set,
    with the first stage fixed at the best one found (its bounds in the Pyomo model), solved
    for the second stage; its status, bound and gap are generation's."""
    extensive = extensive_form(data, k, {s: v or [frozenset()] for s, v in sets.items()})
    model = build_model(extensive)
    for name, key in first:
        var = getattr(model, name)[key]
        value = round(first[name, key], 9)
        var.setlb(value)
        var.setub(value)
    result = _solve(model, extensive, dataclasses.replace(options, mip_gap=PRICING_GAP), prepare)
    method = f"column-and-constraint generation ({rounds} round{'s' if rounds != 1 else ''})"
    copies = sum(max(1, len(v)) for v in sets.values())
    if not result.has_solution:
        return RecourseResult(k, result.status, math.nan, math.nan, math.nan, math.nan, math.nan, {}, copies, method,
                              seconds=time.perf_counter() - start, model=model, data=extensive, solved=result,
                              rounds=rounds, priced=priced)
    gap = max(0.0, (result.objective - lower) / max(1.0, abs(result.objective)))
    status = "optimal" if gap <= tol else "time limit"
    solved = dataclasses.replace(result, status=status, bound=min(lower, result.objective), gap=gap,
                                 seconds=time.perf_counter() - start)
    return _summarise(model, extensive, data, k, status, method, copies, time.perf_counter() - start, gap,
                      solved=solved, rounds=rounds, priced=priced, lower_bound=solved.bound)
