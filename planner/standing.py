"""Standing commitments: the tie rule's second solves on a solved plan (models/standing.py).

After the plan is solved, its HiGHS copy gets, inside `changes()` blocks, the rows and
columns of models/standing.py, one second solve at a time, each started from the plan
before it, with the orders, sites and path directions (HELD) kept as the first solve chose
them:

- capabilities in any fraction: one solve weighing the units moved between years (ε_units);
- capabilities counted in parts: one solve per capability (the others' deployments fixed),
  weighing the requirement cells whose set of providers changes (ε_set).

Together they may spend at most ε_cost · max(1, |objective|) of the first plan's objective:
ε_cost is the solver's own tolerance, the relative MIP gap of a plan in whole parts (any plan
within it is as optimal as the one the solver returned), TIE_SLACK for an LP. A weight, not a
bound on the cost: a bound row left HiGHS's root LP stalling for over 30 s on NATO. One
solve per capability, not one for all: on NATO the whole set problem found its best plan
only after 10–30 s and not at all in some runs, while the capabilities one by one reach the
same number of changes in about 20 s, each solved to its gap (the same plan on every
machine). The blocks remove their rows and columns again, so every analysis afterwards
re-solves the plan's own model; the plan shown (loaded into Pyomo and left as HiGHS's
current solution) is the last solve's. The plan's duals are the first solve's: they hold
for every optimal plan of the same LP (or of the LP with the same integer decisions fixed).
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pyomo.environ as pyo

from models.standing import Cell, Key, change_pairs, held, in_parts, provisions, steady_pairs, stock

from . import money
from .highs import INF, HighsModel

TIE_SLACK = 1e-6  # ε_cost of an LP plan: relative slack on the first solve's objective
TIE_TIME_FACTOR, TIE_MIN_SECONDS = 2.0, 10.0  # time for all second solves: twice the plan's solve, at least 10 s
SET_GAP_CHANGES = (4.0, 2.0)  # each capability's solve stops within this many changes' weight of its optimum, by round
SET_ROUNDS = 2  # passes over the capabilities, each weighing a change at the slack left / the changes left
CHANGED = 1e-6  # units: a provision that moves less is the solver's rounding


@dataclass(frozen=True)
class Standing:
    """What the tie rule's second solves did."""

    status: str  # "optimal" when every second solve reached its gap, else the first other status; "not needed"
    applied: bool  # the plan shown is not the first solve's
    pairs: int  # steady cell pairs of capabilities in parts, plus |V| of those in fractions
    set_changes_before: int  # steady cells whose providers change, first plan (capabilities in parts)
    set_changes_after: int  # … plan shown
    changes_before_units: float  # Σ_V |P_t − P_t⁻| of the first plan (capabilities in fractions)
    changes_after_units: float  # … plan shown
    objective_before: float
    objective_after: float
    money_before_musd: float
    money_after_musd: float
    slack: float  # ε_cost: the relative slack the second solves may spend together
    seconds: float
    time_limit_s: float

    @property
    def money_musd(self) -> float:
        """What the tie rule costs in real money (M)."""
        return self.money_after_musd - self.money_before_musd


def tie_slack(hm: HighsModel, mip_gap: float) -> float:
    """ε_cost: the plan's relative MIP gap for a plan in whole parts, TIE_SLACK for an LP."""
    return max(TIE_SLACK, mip_gap) if hm.is_mip else TIE_SLACK


def hold_standing(hm: HighsModel, time_limit_s: float, plan_seconds: float | None = None,
                  mip_gap: float = 0.0) -> Standing:
    """Re-solve the plan loaded in `hm.model` for the fewest provider changes within ε_cost
    of its objective; load the result into Pyomo and leave it as HiGHS's current solution.
    `hm` is handed back with the plan's own rows and columns only."""
    start = time.perf_counter()
    model = hm.model
    x1 = np.array([v.value or 0.0 for v in hm.instance.variables])
    cols, costs, constant = hm.objective_row()
    objective1 = float(costs @ x1[cols] + constant)
    slack = tie_slack(hm, mip_gap)
    limit = min(time_limit_s, max(TIE_MIN_SECONDS, TIE_TIME_FACTOR * (plan_seconds or 0.0)))
    sets = _SetRule(hm)
    units_rows = _pair_rows(hm, change_pairs(model, sets.fractional)) if sets.fractional else []
    set1, units1 = sets.changes(x1), _changes(x1, units_rows)
    kinds = int(set1 > 0) + int(units1 > CHANGED)
    budget = slack * max(1.0, abs(objective1)) / max(1, kinds)  # each kind's share of the slack
    x, statuses = x1, []

    def cost(x: np.ndarray) -> float:
        return float(costs @ x[cols] + constant)

    with hm.changes():
        kept = hm.columns(held(model))
        hm.fix_columns(kept, x1[kept])
        if units1 > CHANGED:
            x, status = _hold_units(hm, x, units_rows, budget / units1, cols, costs, start + limit)
            statuses.append(status)
        spent_before = cost(x)
        for round_ in range(SET_ROUNDS if set1 else 0):
            left = sets.changes(x)
            if not left or "time limit" in statuses:
                break
            weight = (budget - (cost(x) - spent_before)) / left  # the slack left over the changes left
            if weight <= 0.0:
                break
            for c in sets.capabilities:
                if sets.changes(x, c) == 0:
                    continue
                if time.perf_counter() >= start + limit:
                    statuses.append("time limit")
                    break
                candidate, status = sets.solve(x, c, weight, cols, costs, abs(objective1), start + limit - time.perf_counter(),
                                               SET_GAP_CHANGES[round_])
                statuses.append(status)
                if cost(candidate) + weight * sets.changes(candidate, c) < cost(x) + weight * sets.changes(x, c) - 1e-9 * max(1.0, abs(objective1)):
                    x = candidate
    hm.start_from(x)  # HiGHS's current solution: the plan shown
    hm.load_solution()
    status = "not needed" if not kinds else next((s for s in statuses if s != "optimal"), "optimal")
    before, after = money.of_solution(hm, x1), money.of_solution(hm, x)
    return Standing(status, x is not x1, len(sets.pairs) + len(units_rows), set1, sets.changes(x),
                    units1, _changes(x, units_rows), objective1, cost(x), before.money_musd, after.money_musd,
                    slack, time.perf_counter() - start, limit)


class _SetRule:
    """The set rule's data on one plan: presence keys, steady pairs and stocks by capability."""

    def __init__(self, hm: HighsModel):
        model = hm.model
        self.hm = hm
        self.parts = in_parts(model)
        by = provisions(model)
        self.fractional = {c for _m, c, _r, _t, _s in by} - set(self.parts)
        self.pairs = [p for p in steady_pairs(model) if p[0][0] in self.parts]
        self.capabilities = sorted({before[0] for before, _now in self.pairs})
        cells = {cell for pair in self.pairs for cell in pair}
        self.keys: dict[str, list[Key]] = defaultdict(list)  # capability -> keys of P in steady cells
        for key in by:
            if key[1:] in cells:
                self.keys[key[1]].append(key)
        columns = {key: hm.columns(variables) for key, variables in by.items()}
        self.cols = {key: columns[key] for keys in self.keys.values() for key in keys}
        self.by_cell: dict[Cell, list[Key]] = defaultdict(list)
        for keys in self.keys.values():
            for key in keys:
                self.by_cell[key[1:]].append(key)
        of: dict[str, list[np.ndarray]] = defaultdict(list)  # capability -> its deployment columns
        for key, cs in columns.items():
            of[key[1]].append(cs)
        self.others = {c: np.concatenate([cs for other, lists in of.items() if other != c for cs in lists]
                                         or [np.empty(0, np.int32)]) for c in self.capabilities}
        self.required = dict(model.index.requirement)  # q[c, r, t, s]: P above it only where the plan had it
        self.stock = {(m, c, t): float(pyo.value(stock(model, m, c, t))) for keys in self.keys.values()
                      for m, c, _r, t, _s in keys}

    def present(self, x: np.ndarray, key: Key) -> bool:
        return float(x[self.cols[key]].sum()) > CHANGED

    def changed(self, x: np.ndarray, pair: tuple[Cell, Cell]) -> bool:
        """Does the set of members providing differ between the two cells of `pair` in the plan `x`?"""
        before, now = pair
        return ({k[0] for k in self.by_cell[before] if self.present(x, k)}
                != {k[0] for k in self.by_cell[now] if self.present(x, k)})

    def changes(self, x: np.ndarray, capability: str | None = None) -> int:
        """Steady cells (of `capability`, all when None) whose set of providing members differs from the year before."""
        return sum(self.changed(x, pair) for pair in self.pairs if capability is None or pair[0][0] == capability)

    def solve(self, x: np.ndarray, c: str, weight: float, cols: np.ndarray, costs: np.ndarray,
              scale: float, seconds: float, gap_changes: float) -> tuple[np.ndarray, str]:
        """Capability c's set solve from the plan `x`, every other deployment fixed: (plan, status)."""
        hm, keys = self.hm, self.keys[c]
        pairs = [p for p in self.pairs if p[0][0] == c]
        n = len(x)
        with hm.changes():
            hm.fix_columns(self.others[c], x[self.others[c]])
            z = hm.add_columns(np.zeros(len(keys)), np.ones(len(keys)))
            hm.make_integer(z)
            at = dict(zip(keys, z))
            rho = 1.0 / self.parts[c]
            rows, lower, upper = [], [], []
            for key, zk in zip(keys, z):
                p = self.cols[key]
                bound = max(rho, min(self.stock[key[0], c, key[3]], max(self.required[key[1:]], float(x[p].sum()))))
                rows += [(np.append(p, zk), np.append(np.ones(len(p)), -bound)),  # presence_upper
                         (np.append(p, zk), np.append(np.ones(len(p)), -rho))]  # presence_lower
                lower += [-INF, 0.0]
                upper += [0.0, INF]
            w = hm.add_columns(np.zeros(len(pairs)), np.ones(len(pairs)))  # set_change
            for wi, (before, now) in zip(w, pairs):
                for m in sorted({k[0] for k in self.by_cell[before] + self.by_cell[now]}):
                    zb, zn = at.get((m, *before)), at.get((m, *now))
                    for sign in (1.0, -1.0):  # set_change ≥ ±(z_t − z_t⁻)
                        cs, vs = [wi], [1.0]
                        if zn is not None:
                            cs.append(zn), vs.append(-sign)
                        if zb is not None:
                            cs.append(zb), vs.append(sign)
                        rows.append((np.array(cs, np.int32), np.array(vs)))
                        lower.append(0.0)
                        upper.append(INF)
            hm.add_rows(np.array(lower), np.array(upper), rows)
            hm.set_objective(np.concatenate([cols, w]), np.concatenate([costs, np.full(len(w), weight)]))
            zs = np.array([float(self.present(x, k)) for k in keys])
            ws = np.array([float(self.changed(x, pair)) for pair in pairs])
            hm.start_from(np.concatenate([x, zs, ws]))
            solved = hm.solve(max(seconds, 0.1), gap_changes * weight / max(1.0, scale), mip_start=False)
            out = hm.solution()[:n] if solved.has_solution else x
        return out, solved.status


def _hold_units(hm: HighsModel, x: np.ndarray, rows: list[tuple[np.ndarray, np.ndarray]], weight: float,
                cols: np.ndarray, costs: np.ndarray, deadline: float) -> tuple[np.ndarray, str]:
    """The units solve of the capabilities in fractions from the plan `x`: (plan, status)."""
    n = len(x)
    with hm.changes():
        up_down = hm.add_columns(np.zeros(2 * len(rows)), np.full(2 * len(rows), INF))  # change_up, change_down
        up, down = up_down[: len(rows)], up_down[len(rows):]
        hm.add_rows(np.zeros(len(rows)), np.zeros(len(rows)),  # provider_change
                    [(np.concatenate([c, [u, d]]), np.concatenate([v, [-1.0, 1.0]]))
                     for (c, v), u, d in zip(rows, up, down)])
        hm.set_objective(np.concatenate([cols, up_down]), np.concatenate([costs, np.full(len(up_down), weight)]))
        if hm.is_mip:
            hm.start_from(np.concatenate([x, _split(x, rows)]))
        objective = float(costs @ x[cols])
        solved = hm.solve(max(deadline - time.perf_counter(), 0.1), 0.5 * weight / max(1.0, abs(objective)), mip_start=False)
        out = hm.solution()[:n] if solved.has_solution else x
    better = float(costs @ out[cols]) + weight * _changes(out, rows) < objective + weight * _changes(x, rows)
    return (out if better else x), solved.status


def _pair_rows(hm: HighsModel, pairs: list) -> list[tuple[np.ndarray, np.ndarray]]:
    """P_t − P_t⁻ of each pair of V as (columns, coefficients); pairs without a column are left out."""
    rows = []
    for _key, now, before in pairs:
        c_now, c_before = hm.columns(now), hm.columns(before)
        if len(c_now) + len(c_before):
            rows.append((np.concatenate([c_now, c_before]).astype(np.int32),
                         np.concatenate([np.ones(len(c_now)), -np.ones(len(c_before))])))
    return rows


def _changes(x: np.ndarray, rows: list[tuple[np.ndarray, np.ndarray]]) -> float:
    """Σ_V |P_t − P_t⁻| of the solution `x` (units)."""
    return float(sum(abs(x[c] @ v) for c, v in rows))


def _split(x: np.ndarray, rows: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """change_up then change_down of the solution `x`: the positive and negative parts of P_t − P_t⁻."""
    delta = np.array([x[c] @ v for c, v in rows])
    return np.concatenate([np.maximum(delta, 0.0), np.maximum(-delta, 0.0)])
