"""Standing commitments: the second, lexicographic solve of a plan (models/standing.py).

After the plan is solved, its HiGHS copy gets, inside a `changes()` block, the rows
provider_change and the columns change_up, change_down of models/standing.py, each change
weighed ε_tie so that all the first plan's changes together weigh TIE_SLACK (relative) of
its objective, the acquisitions fixed as the first solve chose them; it is re-solved from
the first plan (measured on NATO: a bound on the cost instead of the weight left HiGHS's
root LP stalling for over 30 s; the weight solves in 2–3 s). The plan is taken only if it
costs at most the slack more and changes less. The block removes the rows and columns again, so every
analysis afterwards re-solves the plan's own model; the plan shown (loaded into Pyomo and
left as HiGHS's current solution) is the second solve's. The plan's duals are the first
solve's: they hold for every optimal plan of the same LP (or of the LP with the same
integer decisions fixed).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from models.standing import acquisitions, change_pairs

from . import money
from .highs import INF, HighsModel

TIE_SLACK = 1e-6  # ε_cost: relative slack on the first solve's objective the tie rule may spend
TIE_TIME_FACTOR, TIE_MIN_SECONDS = 1.0, 10.0  # its time limit: the plan's own solve time, at least 10 s
CHANGED = 1e-6  # units: a provision that moves less is the solver's rounding


@dataclass(frozen=True)
class Standing:
    """What the tie rule's second solve did."""

    status: str  # the second solve's status, or "not needed" / "not run"
    applied: bool  # the plan shown is the second solve's
    pairs: int  # |V|: member, cell and consecutive years compared
    changes_before_units: float  # Σ_V |P_t − P_t⁻| of the first solve's plan
    changes_after_units: float  # … of the plan shown
    objective_before: float
    objective_after: float
    money_before_musd: float
    money_after_musd: float
    seconds: float
    time_limit_s: float

    @property
    def money_musd(self) -> float:
        """What the tie rule costs in real money (M; normally 0 within tolerance)."""
        return self.money_after_musd - self.money_before_musd


def hold_standing(hm: HighsModel, time_limit_s: float, plan_seconds: float | None = None,
                  slack: float = TIE_SLACK) -> Standing:
    """Re-solve the plan loaded in `hm.model` for the fewest provider changes within TIE_SLACK
    of its objective; load the result (when found) into Pyomo and leave it as HiGHS's current
    solution. `hm` is handed back with the plan's own rows and columns only."""
    start = time.perf_counter()
    model = hm.model
    x1 = np.array([v.value or 0.0 for v in hm.instance.variables])
    n = len(x1)
    rows = _pair_rows(hm, change_pairs(model))
    before = money.of_solution(hm, x1)
    cols, costs, constant = hm.objective_row()
    objective1 = float(costs @ x1[cols] + constant)
    changes1 = _changes(x1, rows)
    limit = min(time_limit_s, max(TIE_MIN_SECONDS, TIE_TIME_FACTOR * (plan_seconds or 0.0)))

    def outcome(status: str, applied: bool, x: np.ndarray, changes: float) -> Standing:
        after = money.of_solution(hm, x)
        return Standing(status, applied, len(rows), changes1, changes, objective1, float(costs @ x[cols] + constant),
                        before.money_musd, after.money_musd, time.perf_counter() - start, limit)

    if changes1 <= CHANGED:
        return outcome("not needed", False, x1, changes1)
    with hm.changes():
        kept = hm.columns(acquisitions(model))  # the acquisitions as the first solve chose them
        hm.fix_columns(kept, x1[kept])
        bound = objective1 + slack * max(1.0, abs(objective1))
        weight = (bound - objective1) / changes1  # ε_tie: all the changes together weigh at most the slack
        up_down = hm.add_columns(np.zeros(2 * len(rows)), np.full(2 * len(rows), INF))  # change_up, change_down
        up, down = up_down[: len(rows)], up_down[len(rows):]
        hm.add_rows(np.zeros(len(rows)), np.zeros(len(rows)),  # provider_change
                    [(np.concatenate([c, [u, d]]), np.concatenate([v, [-1.0, 1.0]]))
                     for (c, v), u, d in zip(rows, up, down)])
        hm.set_objective(np.concatenate([cols, up_down]), np.concatenate([costs, np.full(len(up_down), weight)]))
        if hm.is_mip:
            hm.start_from(np.concatenate([x1, _split(x1, rows)]))
        solved = hm.solve(limit, 0.5 * weight / max(1.0, abs(objective1)), mip_start=False)  # gap: half a unit
        x2 = hm.solution()[:n] if solved.has_solution else x1
    changes2 = _changes(x2, rows)
    found = solved.has_solution and float(costs @ x2[cols] + constant) <= bound + 1e-9 * max(1.0, abs(bound))
    x = x2 if found and changes2 < changes1 else x1
    hm.start_from(x)  # HiGHS's current solution: the plan shown
    hm.load_solution()
    return outcome(solved.status, x is x2, x, changes2 if x is x2 else changes1)


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
