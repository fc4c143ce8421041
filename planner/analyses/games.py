"""Cooperative cost games: Shapley value, nucleolus, core and least core.

A cost game on players N gives every coalition S ⊆ N the cost c(S) of acting alone; lower is
better for the players. c(∅) = 0 whatever the cost callable says: it is never called on the
empty set. An allocation x shares c(N) among the players; write x(S) = Σ_{i∈S} x_i and call
e(S, x) = c(S) − x(S) the excess of S (what S saves by staying in the grand coalition).

Shapley value: the mean marginal cost of a player over all n! orders of arrival,

    φ_i = Σ_{S ⊆ N∖{i}} |S|! (n − |S| − 1)! / n! · (c(S ∪ {i}) − c(S)),    Σ_i φ_i = c(N),

exact from the 2^n coalitions, or estimated from random orders (Castro, Gómez & Tejada 2009);
each order's marginal costs sum to c(N), so the estimate does too.

Core: efficient allocations (x(N) = c(N)) with x(S) ≤ c(S) for every S. Least core:

    ε* = min ε  s.t.  x(S) ≤ c(S) + ε  for every S with 1 ≤ |S| < n,  x(N) = c(N);

ε* ≤ 0 if and only if the core is non-empty.

Nucleolus: among imputations (x(N) = c(N), x_i ≤ c({i})), the x whose excesses, sorted
increasingly, are lexicographically largest. Sequential LPs (Maschler, Peleg & Shapley 1979;
Kopelowitz 1967): stage k solves

    t_k = max t  s.t.  e(S, x) ≥ t  for S free,   e(S, x) = t_S  for S fixed,
                       x(N) = c(N),   x_i ≤ c({i}),

then fixes at t_S = t_k the free coalitions with a positive dual value (by complementary
slackness they are tight in every optimum; the duals of the free rows sum to 1, so one is
positive); free coalitions whose incidence vector lies in the span of the fixed
ones have a constant excess and are dropped. It stops when the fixed vectors, with N, have
rank n: x is then unique. Without the bounds x_i ≤ c({i}) this gives the prenucleolus, which
always exists and lies in the least core (t_1 = −ε*, negative if the core is empty). The
nucleolus needs Σ_i c({i}) ≥ c(N); it equals the prenucleolus when the core is non-empty
(both then lie in it) but, if the core is empty, may differ: the bounds can make t_1 < −ε*.

Everything enumerates coalitions: exact Shapley and core_violation accept n ≤ 20, least_core
and nucleolus n ≤ 15 (an LP with 2^n − 2 rows). Every function memoises the cost (see `cached`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..highs.dense import max_min_excess

Player = Hashable
Cost = Callable[[frozenset], float]
Progress = Callable[[int, int], object]

MAX_ENUMERATED = 20  # exact Shapley, core_violation: 2^20 ≈ 10^6 coalitions
MAX_LP = 15  # least_core, nucleolus: 2^15 − 2 LP rows
_Z95 = 1.959963984540054  # standard normal 97.5 % quantile
_DUAL_TOL = 1e-7  # on costs scaled to max |c(S)| = 1


class CachedCost:
    """A cost function memoised by frozenset; `evaluations` counts calls to the wrapped one."""

    def __init__(self, cost: Cost) -> None:
        self.cost = cost
        self.values: dict[frozenset, float] = {}
        self.evaluations = 0

    def __call__(self, coalition: Iterable[Player]) -> float:
        key = frozenset(coalition)
        if not key:
            return 0.0
        value = self.values.get(key)
        if value is None:
            value = self.values[key] = float(self.cost(key))
            self.evaluations += 1
        return value


def cached(cost: Cost) -> CachedCost:
    """`cost` memoised (c(∅) = 0 without a call); a cost already cached is returned as is,
    so passing one `cached(cost)` to several analyses evaluates each coalition once."""
    return cost if isinstance(cost, CachedCost) else CachedCost(cost)


class _PlayerValues(dict):
    """A dict that is also callable as its own `.values()` (see ShapleyResult)."""

    def __call__(self):
        return dict.values(self)


@dataclass(frozen=True, eq=False)
class ShapleyResult(Mapping):
    """Shapley values, usable as the dict player → φ_i (`result["A"]`, `dict(result)`).

    `values` is that dict; it may also be called, `result.values()`, as on any Mapping.
    For a sampled estimate, `std_error` is the standard error of each φ_i and `ci95` a 95 %
    normal-approximation interval (infinite after a single permutation or pair); for the
    exact value both are degenerate (0 and (φ_i, φ_i)) and `permutations` is 0.
    `coalitions_evaluated` counts the distinct non-empty coalitions whose cost was used.
    """

    values: dict[Player, float] = field()  # field(): do not take Mapping.values as a default
    std_error: dict[Player, float]
    ci95: dict[Player, tuple[float, float]]
    exact: bool
    permutations: int
    coalitions_evaluated: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", _PlayerValues(self.values))

    def __getitem__(self, player: Player) -> float:
        return self.values[player]

    def __iter__(self) -> Iterator[Player]:
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)

    def to_frame(self) -> pd.DataFrame:
        """One row per player: player, shapley, std_error, ci95_low, ci95_high."""
        return pd.DataFrame(
            [(p, v, self.std_error[p], *self.ci95[p]) for p, v in self.values.items()],
            columns=["player", "shapley", "std_error", "ci95_low", "ci95_high"],
        )


def _players(players: Iterable[Player], limit: int | None = None, what: str = "", hint: str = "") -> tuple:
    """Players as a tuple, in their order; no duplicates, at most `limit` of them."""
    out = tuple(players)
    if not out:
        raise ValueError("a game needs at least one player")
    if len(set(out)) != len(out):
        seen: set = set()
        dup = [p for p in out if p in seen or seen.add(p)]
        raise ValueError(f"duplicate players: {', '.join(map(repr, dict.fromkeys(dup)))}")
    if limit is not None and len(out) > limit:
        raise ValueError(
            f"{what} enumerates all 2^n coalitions and accepts at most {limit} players, got {len(out)}{hint}"
        )
    return out


def _coalition(players: tuple, mask: int) -> frozenset:
    return frozenset(p for i, p in enumerate(players) if mask >> i & 1)


def _mask_costs(players: tuple, cost: CachedCost, progress: Progress | None = None) -> np.ndarray:
    """v[mask] = c(S) for every coalition S, bit i of mask ⇔ players[i] ∈ S; v[0] = 0."""
    total = (1 << len(players)) - 1
    v = np.zeros(total + 1)
    step = max(1, total // 100)
    for mask in range(1, total + 1):
        v[mask] = cost(_coalition(players, mask))
        if progress is not None and (mask % step == 0 or mask == total):
            progress(mask, total)
    return v


def _subset_sums(x: np.ndarray) -> np.ndarray:
    """s[mask] = Σ_{i ∈ mask} x_i for every mask (by doubling)."""
    s = np.zeros(1 << len(x))
    for i, xi in enumerate(x):
        s[1 << i : 2 << i] = s[: 1 << i] + xi
    return s


def _incidence(n: int) -> np.ndarray:
    """Rows: the incidence vectors of masks 1 … 2^n − 2 (the proper non-empty coalitions)."""
    masks = np.arange(1, (1 << n) - 1)
    return ((masks[:, None] >> np.arange(n)) & 1).astype(float)


def _result(players: tuple, phi: np.ndarray, se: np.ndarray, perms: int, coalitions: int) -> ShapleyResult:
    half = [_Z95 * s if s > 0 else 0.0 for s in se]  # s = inf: (−inf, inf)
    return ShapleyResult(
        values={p: float(v) for p, v in zip(players, phi)},
        std_error={p: float(s) for p, s in zip(players, se)},
        ci95={p: (float(v - h), float(v + h)) for p, v, h in zip(players, phi, half)},
        exact=perms == 0,
        permutations=perms,
        coalitions_evaluated=coalitions,
    )


def shapley(
    players: Iterable[Player],
    cost: Cost,
    samples: int | None = None,
    seed: int = 0,
    *,
    antithetic: bool = True,
    time_budget_s: float | None = None,
    progress: Progress | None = None,
) -> ShapleyResult:
    """φ_i for every player: exact if `samples` is None, else estimated from `samples` orders.

    Exact: each of the 2^n − 1 coalition costs is computed once (n ≤ 20). Sampled: `samples`
    random permutations (seeded by `seed`); with `antithetic`, each is paired with its reverse
    (an odd `samples` is rounded up) and the standard error is taken over pair means, the two
    halves of a pair not being independent. Costs of coalitions met again are not recomputed.
    `time_budget_s` (sampling only) stops once exceeded, after at least one permutation or pair;
    `permutations` tells how many were used. `progress(done, total)` is called as work
    advances: coalitions costed (exact) or permutations drawn (sampled).
    """
    limit = MAX_ENUMERATED if samples is None else None
    players = _players(players, limit, "the exact Shapley value", "; pass samples=… to estimate it instead")
    c, n = cached(cost), len(players)
    if samples is None:
        v = _mask_costs(players, c, progress)
        masks = np.arange(1 << n)
        size = _subset_sums(np.ones(n)).astype(int)
        fact = [math.factorial(k) for k in range(n + 1)]
        weight = np.array([fact[k] * fact[n - k - 1] / fact[n] for k in range(n)])
        phi = np.empty(n)
        for i in range(n):
            without = masks[(masks & (1 << i)) == 0]
            phi[i] = weight[size[without]] @ (v[without | (1 << i)] - v[without])
        return _result(players, phi, np.zeros(n), 0, len(v) - 1)

    if samples < 1:
        raise ValueError(f"samples must be a positive number of permutations, got {samples}")
    if time_budget_s is not None and time_budget_s < 0:
        raise ValueError("time_budget_s must be non-negative")
    rng = np.random.default_rng(seed)
    per_unit = 2 if antithetic else 1
    units = math.ceil(samples / per_unit)
    memo: dict[int, float] = {}

    def marginals(order: np.ndarray) -> np.ndarray:
        m, mask, members, before = np.empty(n), 0, [], 0.0
        for i in order:
            mask |= 1 << int(i)
            members.append(players[i])
            after = memo.get(mask)
            if after is None:
                after = memo[mask] = c(members)
            m[i], before = after - before, after
        return m

    rows, start, step = np.empty((units, n)), time.perf_counter(), max(1, units // 100)
    done = 0
    while done < units:
        order = rng.permutation(n)
        rows[done] = (marginals(order) + marginals(order[::-1])) / 2 if antithetic else marginals(order)
        done += 1
        out_of_time = time_budget_s is not None and time.perf_counter() - start >= time_budget_s
        if progress is not None and (done % step == 0 or done == units or out_of_time):
            progress(done * per_unit, units * per_unit)
        if out_of_time:
            break
    rows = rows[:done]
    se = rows.std(axis=0, ddof=1) / math.sqrt(done) if done > 1 else np.full(n, math.inf)
    return _result(players, rows.mean(axis=0), se, done * per_unit, len(memo))


def _allocation(players: tuple, allocation: Mapping[Player, float]) -> np.ndarray:
    if set(allocation) != set(players):
        raise ValueError("the allocation must give a share to every player, and to players only")
    return np.array([float(allocation[p]) for p in players])


def core_violation(
    players: Iterable[Player], cost: Cost, allocation: Mapping[Player, float], tol: float = 1e-9
) -> tuple[frozenset | None, float]:
    """The coalition S (1 ≤ |S| < n) that pays most above its own cost, max x(S) − c(S).

    Returns (S, x(S) − c(S)) if that excess payment is above `tol` (ties go to the smallest
    coalition), else (None, the largest one, ≤ tol): x is then in the core. Raises ValueError
    if |x(N) − c(N)| > tol · max(1, |c(N)|). With one player: (None, −inf). n ≤ 20.
    """
    players = _players(players, MAX_ENUMERATED, "core_violation")
    x, c = _allocation(players, allocation), cached(cost)
    grand = c(frozenset(players))
    if abs(x.sum() - grand) > tol * max(1.0, abs(grand)):
        raise ValueError(f"the allocation does not add up to c(N): Σ x = {x.sum():.10g} ≠ c(N) = {grand:.10g}")
    if len(players) == 1:
        return None, -math.inf
    paid_more = (_subset_sums(x) - _mask_costs(players, c))[1:-1]  # masks 1 … 2^n − 2
    best = float(paid_more.max())
    if best <= tol:
        return None, best
    candidates = np.flatnonzero(paid_more >= best - tol) + 1
    sizes = _subset_sums(np.ones(len(players)))[candidates]
    pick = int(candidates[np.lexsort((candidates, sizes))[0]])
    return _coalition(players, pick), float(paid_more[pick - 1])


def _lp_game(players: tuple, cost: Cost) -> tuple[np.ndarray, np.ndarray, float, float]:
    """Incidence rows and costs of the proper coalitions, c(N), all divided by scale = max |c|."""
    v = _mask_costs(players, cached(cost))
    scale = float(np.abs(v).max()) or 1.0
    return _incidence(len(players)), v[1:-1] / scale, v[-1] / scale, scale


def least_core(players: Iterable[Player], cost: Cost) -> tuple[dict[Player, float], float]:
    """(x, ε*): an allocation in the least core and ε*; ε* ≤ 0 means the core is non-empty.

    x is one LP optimum, not a canonical point of the least core (that is `nucleolus`).
    One player: ({i: c(N)}, −inf). n ≤ 15."""
    players = _players(players, MAX_LP, "least_core")
    if len(players) == 1:
        return {players[0]: cached(cost)(frozenset(players))}, -math.inf
    A, c, grand, scale = _lp_game(players, cost)
    n = len(players)
    x, t, _ = max_min_excess(A, c, np.ones((1, n)), np.array([grand]), np.full(n, np.inf))
    return {p: float(xi * scale) for p, xi in zip(players, x)}, -t * scale


def nucleolus(
    players: Iterable[Player], cost: Cost, *, individually_rational: bool = True
) -> dict[Player, float]:
    """The nucleolus: over imputations (x(N) = c(N), x_i ≤ c({i})), the allocation whose sorted
    excesses are lexicographically largest, by sequential LPs (see the module docstring).

    It exists whenever Σ_i c({i}) ≥ c(N), the core being empty or not (ValueError otherwise).
    `individually_rational=False` drops x_i ≤ c({i}): the prenucleolus, in the least core.
    The two agree when the core is non-empty. n ≤ 15.
    """
    players = _players(players, MAX_LP, "nucleolus")
    n = len(players)
    if n == 1:
        return {players[0]: cached(cost)(frozenset(players))}
    A, c, grand, scale = _lp_game(players, cost)
    upper = c[[(1 << i) - 1 for i in range(n)]]  # c({i}): mask 2^i is row 2^i − 1
    if not individually_rational:
        upper = np.full(n, np.inf)
    elif upper.sum() < grand - 1e-9:
        raise ValueError("no imputation: the players alone cost less in total than c(N)")
    fixed_A, fixed_b = np.ones((1, n)), np.array([grand])
    free = np.ones(len(c), dtype=bool)
    while np.linalg.matrix_rank(fixed_A) < n:
        x, t, dual = max_min_excess(A[free], c[free], fixed_A, fixed_b, upper)
        slack = c[free] - A[free] @ x - t
        tight = (np.abs(dual) > _DUAL_TOL) & (slack <= _DUAL_TOL)
        if not tight.any():  # numerically unclear: the largest dual is positive in theory
            tight[np.argmax(np.abs(dual))] = True
        rows = np.flatnonzero(free)[tight]
        fixed_A, fixed_b = np.vstack([fixed_A, A[rows]]), np.r_[fixed_b, c[rows] - t]
        free[rows] = False
        # drop free coalitions whose excess the fixed ones determine (vector in their span)
        _, s, vt = np.linalg.svd(fixed_A, full_matrices=False)
        basis = vt[s > 1e-9 * s[0]]
        residual = A[free] - (A[free] @ basis.T) @ basis
        free[np.flatnonzero(free)[np.linalg.norm(residual, axis=1) <= 1e-9]] = False
    x = np.linalg.lstsq(fixed_A, fixed_b, rcond=None)[0]
    return {p: float(xi * scale) for p, xi in zip(players, x)}
