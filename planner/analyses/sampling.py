"""Shapley values of a large cost game, estimated to a stated accuracy.

φ_i = (1/n) Σ_{k=0}^{n−1} μ_ik,   μ_ik = E[c(S ∪ {i}) − c(S)] over S ⊆ N∖{i} uniform with |S| = k:

the mean marginal cost of i in each *stratum* k (the size of the coalition it joins). The
estimate (Castro, Gómez, Molina & Tejada 2017, stratified; Illés & Kerényi 2019, ergodic and
antithetic sampling; Mitchell et al. 2022, the sampling schemes compared):

1. **Exact small and large strata.** μ_i0 = c({i}), μ_i1 = mean_j (c({i, j}) − c({j})),
   μ_i,n−1 = c(N) − c(N∖{i}), μ_i,n−2 = mean_j (c(N∖{j}) − c(N∖{i, j})): the n singletons, the
   n(n−1)/2 pairs and their complements, once.
2. **Antithetic pairs of strata.** A coalition S of size k and its complement
   S̄ = N∖S∖{i} (size n−1−k) are sampled together: Y = Δ_i(S) + Δ_i(S̄) estimates
   μ_ik + μ_i,n−1−k (the middle stratum of an odd n counts once: Y / 2). What S lacks, S̄
   has, so the two marginals move against each other; every additive part of the game
   cancels from Y.
3. **Latin blocks, walked.** A block is n orders of arrival, the rows of a random Latin
   square L[r][k] = π((α(r) + β(k)) mod n) (π, α, β uniform permutations): each player is at
   each position exactly once in a block, and the players before it at position k are a
   uniform k-subset of the others. Each order is walked: its prefixes P_a, P_a+1, … and
   the complements N∖P_e+1, …, N∖P_a, each coalition one member more than the last, so
   HiGHS re-solves from the basis of a coalition that differs by one member (warm start).
   One re-solve per marginal cost, every player sampled equally in every stratum.
4. **Neyman allocation.** After `pilot` blocks over every stratum, stratum p is walked in a
   share r_p ∝ s_p of the later blocks (s_p: the standard deviation of its pair samples,
   over players, after the control variate; rounded to 1 or 1/2 so that walks stay long),
   if that promises at least NEYMAN_GAIN on the variance at equal cost.
5. **Control variates with exact means.** The marginal of i joining S, to first order in
   who is in S, from the exact strata: U1 = Σ_{j∈S} a_ij with a_ij = Δ_i({j}) − Δ_i(∅) (from
   the bottom) and U2 = Σ_{j∈S} b_ij with b_ij = Δ_i(N∖{i, j}) − Δ_i(N∖{i}) (from the top),
   and both times x = k / (n−1) (so that their weight can change across strata). Their
   means in stratum k are exact: x · Σ_{j≠i} a_ij (and b, and x times those).
   Y − β_i · (U − E U), β_i by least squares within strata, pooled over player i's strata,
   and cross-fitted: block b's samples are adjusted with β_i fitted on the other blocks, so
   that the fit does not shrink the error bars it is judged by.
6. **Efficiency.** The estimates are shifted to sum to c(N): φ_i += w_i (c(N) − Σ φ_j) with
   w_i ∝ the variance of φ_i (the least-variance correction).

Blocks are independent, so the standard error comes from the blocks' linearised
contributions to φ_i (valid whatever the correlation inside a block and whatever
strata a block covers):

    φ_i − E φ_i ≈ Σ_b e_ib,  e_ib = (1/n) Σ_{p covered by b} (Y'_ibp − Ȳ'_ip) / m_p,   Var ≈ Σ_b e_ib² · B/(B−1)

(after the efficiency shift, e_ib − w_i Σ_j e_jb). 95 % intervals: φ_i ± t_{B−1} · se_i (Student's
t with B − 1 degrees of freedom: the standard error is itself estimated from B blocks). The
sampling stops once every half-width is at most `target`, after `samples` blocks, or when
the time budget would not hold another block.

Blocks are numbered and block b draws its square from the seed sequence (seed, b), and
the allocation is fixed by the pilot alone: the same seed gives the same estimate however
the walks are spread over workers (`evaluate` may run them anywhere, in any order).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from .games import CachedCost, ShapleyResult, _players, _Z95, cached, shapley

Player = Hashable
Walk = list  # coalitions (frozensets), each one member more than the last
Evaluate = Callable[[list[Walk]], list[list[float]]]
PILOT = 3  # blocks over every stratum before the allocation (the cross-fitted control needs 3)
MIN_PLAYERS = 8  # below: exact (at most 2^7 − 1 = 127 coalitions)


@dataclass(frozen=True, eq=False)
class ShapleyEstimate(ShapleyResult):
    """A ShapleyResult with the sampling's diagnostics."""

    blocks: int = 0
    stopped: str = ""  # "accuracy reached", "time budget", "samples"
    target: float = 0.0  # half-width asked for
    half_width: dict = field(default_factory=dict)  # player -> 95 % half-width
    diagnostics: dict = field(default_factory=dict)  # what each step bought (see `_diagnostics`)
    seconds: float = 0.0


def t975(dof: float) -> float:
    """Student's t 97.5 % quantile: a table up to 9 degrees of freedom, then the Cornish–Fisher
    expansion (within 0.01 %)."""
    if not math.isfinite(dof) or dof <= 0:
        return _Z95 if math.isinf(dof) else math.inf
    table = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262)
    if dof < 10:
        return table[int(dof) - 1]
    z, v = _Z95, float(dof)
    return (z + (z ** 3 + z) / (4 * v) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * v ** 2)
            + (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / (384 * v ** 3))


def _strata(n: int) -> list[int]:
    """The sampled strata pairs, by their smaller size k (2 ≤ k ≤ (n−1)/2): k with n−1−k."""
    return list(range(2, (n - 1) // 2 + 1))


def latin_orders(n: int, seed: int, block: int) -> np.ndarray:
    """Block `block`'s n orders: rows of L[r][k] = π((α(r) + β(k)) mod n)."""
    rng = np.random.default_rng([seed, block])
    pi, alpha, beta = rng.permutation(n), rng.permutation(n), rng.permutation(n)
    return pi[(alpha[:, None] + beta[None, :]) % n]


def _ranges(ks: Sequence[int]) -> list[tuple[int, int]]:
    """Sorted strata as maximal runs (first, last)."""
    runs: list[tuple[int, int]] = []
    for k in sorted(ks):
        if runs and runs[-1][1] == k - 1:
            runs[-1] = (runs[-1][0], k)
        else:
            runs.append((k, k))
    return runs


def block_walks(players: tuple, orders: np.ndarray, ks: Sequence[int]) -> list[Walk]:
    """For every order and run (a, e) of strata: P_a … P_e+1, then N∖P_e+1 … N∖P_a."""
    grand = frozenset(players)
    walks = []
    for order in orders:
        names = [players[i] for i in order]
        for a, e in _ranges(ks):
            prefixes = [frozenset(names[:k]) for k in range(a, e + 2)]
            walks.append(prefixes + [grand - p for p in reversed(prefixes)])
    return walks


def local_evaluate(cost: CachedCost) -> Evaluate:
    """Walks valued one after the other by `cost` (cached)."""
    return lambda walks: [[cost(s) for s in walk] for walk in walks]


def exact_walks(players: tuple) -> list[Walk]:
    """The coalitions of the exact strata, as walks: {i}, {i, j} for j > i; N∖{i}, N∖{i, j}."""
    grand = frozenset(players)
    walks: list[Walk] = [[grand]]
    for i, p in enumerate(players):
        pairs = [frozenset([p, q]) for q in players[i + 1:]]
        walks.append([frozenset([p])] + pairs)
        walks.append([grand - {p}] + [grand - s for s in pairs])
    return walks


class _Exact:
    """The exact strata and the control variates' coefficients, from singletons, pairs,
    their complements and N (`value`: coalition → c)."""

    def __init__(self, players: tuple, value: Callable[[frozenset], float]):
        cost = value
        n = self.n = len(players)
        grand = frozenset(players)
        one = np.array([cost(frozenset([p])) for p in players])
        self.grand = cost(grand)
        but = np.array([cost(grand - {p}) for p in players])
        two = np.zeros((n, n))
        but_two = np.zeros((n, n))
        for i in range(n):
            for j in range(i + 1, n):
                pair = frozenset([players[i], players[j]])
                two[i, j] = two[j, i] = cost(pair)
                but_two[i, j] = but_two[j, i] = cost(grand - pair)
        off = ~np.eye(n, dtype=bool)
        join_one = two - one[None, :]  # [i, j]: Δ_i({j})
        leave_one = but[None, :] - but_two  # [i, j]: Δ_i(N∖{i, j}) = c(N∖{j}) − c(N∖{i, j})
        top = self.grand - but  # Δ_i(N∖{i})
        self.a = np.where(off, join_one - one[:, None], 0.0)
        self.b = np.where(off, leave_one - top[:, None], 0.0)
        self.mu = {0: one, 1: np.where(off, join_one, 0).sum(1) / (n - 1),
                   n - 1: top, n - 2: np.where(off, leave_one, 0).sum(1) / (n - 1)}
        self.known = sum(self.mu.values()) if n > 2 else None

    def controls(self, i: int, members: np.ndarray) -> np.ndarray:
        """U1, U2 and the same weighted by the stratum's place x = k / (n − 1): the expansion
        from the bottom fits small coalitions best, the one from the top large ones."""
        u1, u2 = self.a[i, members].sum(), self.b[i, members].sum()
        x = len(members) / (self.n - 1)
        return np.array([u1, u2, x * u1, x * u2])

    def control_means(self, i: int, k: int) -> np.ndarray:
        x = k / (self.n - 1)
        m1, m2 = x * self.a[i].sum(), x * self.b[i].sum()
        return np.array([m1, m2, x * m1, x * m2])


def estimate_shapley(
    players: Iterable[Player],
    cost,
    *,
    seed: int = 0,
    target: float = 0.0,
    time_budget_s: float | None = None,
    samples: int | None = None,
    evaluate: Evaluate | None = None,
    control: bool = True,
    neyman: bool = True,
    pilot: int = PILOT,
    chunk: int = 16,
    progress: Callable[..., object] | None = None,
) -> ShapleyEstimate:
    """φ_i for every player, by the stratified estimate of the module docstring.

    Stops once every 95 % half-width is ≤ `target` (0: never), after `samples` blocks, or
    when `time_budget_s` would not hold another block (at least `pilot` blocks are drawn,
    unless the time budget is spent first: then after one). `evaluate(walks)` values lists
    of coalitions (default: one after the other with `cost`). `control` and `neyman`
    switch those steps off, to measure what each buys (the antithetic pairing's gain is
    measured from the same samples: `diagnostics`). `progress(done, 0, note)`: coalitions
    valued so far and a line saying where the estimate stands (`chunk` walks at a time in
    the exact strata).
    """
    start = time.perf_counter()
    players = _players(players)
    n = len(players)
    c = cached(cost)
    if n < MIN_PLAYERS:
        exact = shapley(players, c)
        return ShapleyEstimate(exact.values, exact.std_error, exact.ci95, True, 0, exact.coalitions_evaluated,
                               stopped="exact", half_width=dict.fromkeys(players, 0.0))
    evaluate = evaluate or local_evaluate(c)
    deadline = None if time_budget_s is None else start + time_budget_s

    def say(done: int, note: str) -> None:
        if progress is not None:
            left = "" if deadline is None else f", {max(0.0, deadline - time.perf_counter()):,.0f} s left"
            progress(done, 0, note + left)

    walks = exact_walks(players)
    known: dict[frozenset, float] = {}
    todo = sum(len(w) for w in walks)
    for first in range(0, len(walks), chunk):
        part = walks[first:first + chunk]
        for walk, values in zip(part, evaluate(part)):
            known.update(zip(walk, values))
        say(len(known), f"Shapley: exact strata, {len(known):,} of {todo:,} coalitions")
    ex = _Exact(players, known.__getitem__)
    strata = _strata(n)
    units: list[dict] = []  # per unit (a block, or one member's walks): {(i, k): (Y, U, Δ small, Δ large)}
    kinds: list[object] = []  # "block" or the member i of a targeted unit
    covers: list[list[int]] = []  # strata of each block unit
    weights: dict[int, float] = dict.fromkeys(strata, 1.0)
    valued = len(known)
    exact_seconds = time.perf_counter() - start
    round_seconds: list[tuple[float, int]] = []  # (seconds, coalitions) of each round
    stopped = "samples"
    blocks = rounds = 0
    state = None
    block_cost = n * (2 * len(strata) + 2)  # coalitions of a block over every stratum
    unit_cost = 4 * len(strata)  # coalitions of one member's pair of walks
    while True:
        if samples is not None and blocks >= samples:
            stopped = "samples"
            break
        if blocks >= pilot and state is not None and target > 0 and state["max_half"] <= target:
            stopped = "accuracy reached"
            break
        plan = _next_round(n, state, target, blocks, pilot, samples, block_cost, unit_cost)
        ks = strata if blocks < pilot or not neyman else _scheduled(weights, blocks - pilot)
        cost_of = (lambda plan: (n * (2 * len(ks) + 2 * len(_ranges(ks))) if plan == "block" else unit_cost * len(plan)))
        if time_budget_s is not None and round_seconds:
            per = sum(t for t, _ in round_seconds) / max(1, sum(c for _, c in round_seconds))
            room = time_budget_s - (time.perf_counter() - start)
            if plan != "block":
                plan = plan[: int(room / (per * unit_cost))] if per > 0 else plan
            if not plan or per * cost_of(plan) > room:
                stopped = "time budget"
                break
        clock = time.perf_counter()
        if plan == "block":
            orders = latin_orders(n, seed, blocks)
            walks = block_walks(players, orders, ks)
            values = evaluate(walks)
            units.append(_pair_samples(players, orders, ks, values, ex))
            kinds.append("block")
            covers.append(list(ks))
            blocks += 1
        else:
            drawn = [(i, _member_order(n, i, seed, rounds, j)) for j, i in enumerate(plan)]
            walks = [w for i, order in drawn for w in member_walks(players, i, order, strata)]
            values = evaluate(walks)
            for j, (i, order) in enumerate(drawn):
                units.append(_member_samples(n, i, order, strata, values[2 * j], values[2 * j + 1], ex))
                kinds.append(i)
        rounds += 1
        count = sum(len(w) for w in walks)
        valued += count
        round_seconds.append((time.perf_counter() - clock, count))
        state = _combine(n, ex, strata, units, kinds, control)
        if blocks == pilot and plan == "block" and neyman:
            weights = _neyman(state["sd"], strata)
        accuracy = (f", largest ±{state['max_half']:,.4g}" + (f" (target ±{target:,.4g})" if target else "")
                    if np.isfinite(state["max_half"]) else "")
        extra = f" + {len(units) - blocks} member walks" if len(units) > blocks else ""
        say(valued, f"Shapley: {blocks} block{'s' if blocks != 1 else ''}{extra}, {valued:,} coalitions{accuracy}")
    if state is None:  # no block at all: the exact strata only (an estimate with an infinite error)
        state = _combine(n, ex, strata, [], [], control)
    phi, se = state["phi"], state["se"]
    half = {p: float(h) for p, h in zip(players, state["half"])}
    diagnostics = _diagnostics(n, ex, strata, units, kinds, state, round_seconds, exact_seconds)
    diagnostics["neyman_weights"] = weights
    return ShapleyEstimate(
        values={p: float(v) for p, v in zip(players, phi)},
        std_error={p: float(s) for p, s in zip(players, se)},
        ci95={p: (float(v - h), float(v + h)) for p, v, h in zip(players, phi, half.values())},
        exact=False, permutations=blocks * n + 2 * (len(units) - blocks), coalitions_evaluated=valued,
        blocks=blocks, stopped=stopped, target=target, half_width=half, diagnostics=diagnostics,
        seconds=time.perf_counter() - start,
    )


def _next_round(n: int, state, target: float, blocks: int, pilot: int, samples, block_cost: int,
                unit_cost: int):
    """"block", or the members to give one more pair of walks each (a list, with repeats): what
    lowers the largest predicted half-width most for the re-solves of one block. Predicted
    after a_i more units of member i: t(U_i + a_i − 1) · se_i · √(U_i / (U_i + a_i))."""
    if blocks < pilot or state is None or target <= 0 or samples is not None:
        return "block"
    se, count = state["se"], state["units"].astype(float)
    if not np.all(np.isfinite(se)):
        return "block"

    def predicted(extra: np.ndarray) -> np.ndarray:  # half-widths after `extra` more units
        return np.array([t975(c + a - 1) for c, a in zip(count, extra)]) * se * np.sqrt(count / (count + extra))

    after_block = predicted(np.ones(n))
    extra = np.zeros(n)
    for _ in range(max(1, block_cost // unit_cost)):
        i = int(np.argmax(predicted(extra)))
        extra[i] += 1
    if after_block.max() <= predicted(extra).max():
        return "block"
    return [i for i in range(n) for _ in range(int(extra[i]))]


def _member_order(n: int, i: int, seed: int, round_: int, j: int) -> np.ndarray:
    """A random order of the members other than i, from the seed sequence (seed, round, j, i)."""
    others = np.array([p for p in range(n) if p != i])
    return others[np.random.default_rng([seed, 1_000_000 + round_, j, i]).permutation(n - 1)]


def member_walks(players: tuple, i: int, order: np.ndarray, strata: Sequence[int]) -> list[Walk]:
    """Member i's pair of walks over every stratum k: P_k and P_k ∪ {i} (P_k: the first k of
    `order`), then Q_k = N∖{i}∖P_k and Q_k ∪ {i}, k from the largest down; one member changes at each step."""
    grand = frozenset(players)
    me = players[i]
    names = [players[j] for j in order]
    up, down = [], []
    for j, k in enumerate(strata):
        p = frozenset(names[:k])
        up += [p, p | {me}] if j % 2 == 0 else [p | {me}, p]
    for j, k in enumerate(reversed(strata)):
        q = grand - {me} - frozenset(names[:k])
        down += [q, q | {me}] if j % 2 == 0 else [q | {me}, q]
    return [up, down]


def _member_samples(n: int, i: int, order: np.ndarray, strata: Sequence[int], up: list[float],
                    down: list[float], ex: _Exact) -> dict:
    out = {}
    last = len(strata) - 1
    for j, k in enumerate(strata):
        a, b = up[2 * j], up[2 * j + 1]
        small = (b - a) if j % 2 == 0 else (a - b)
        jj = last - j  # position of k in the reversed walk
        a, b = down[2 * jj], down[2 * jj + 1]
        large = (b - a) if jj % 2 == 0 else (a - b)
        y = small + large
        if 2 * k == n - 1:
            y = y / 2
        out[i, k] = (y, ex.controls(i, order[:k]), small, large)
    return out


def _scheduled(weights: dict[int, float], j: int) -> list[int]:
    """Strata walked in the j-th block after the pilot: p iff ⌊(j+1) r_p⌋ > ⌊j r_p⌋."""
    return [k for k, r in weights.items() if math.floor((j + 1) * r + 1e-12) > math.floor(j * r + 1e-12)]


NEYMAN_GAIN = 1.15  # use the allocation only if it promises this factor on the variance


def _neyman(sd: dict[int, float], strata: list[int]) -> dict[int, float]:
    """r_p = s_p / max s, each stratum walked in that share of the later blocks, rounded to
    1 or 1/2 so that walks stay long (a walk's first coalition is a cold re-solve, several
    times dearer than the next ones); all 1 unless the allocation promises NEYMAN_GAIN at
    equal re-solves (Σ s_p² · K / (Σ s_p)² for a free allocation)."""
    s = np.array([sd[k] for k in strata], dtype=float)
    if not len(s) or not np.all(np.isfinite(s)) or s.max() <= 0:
        return dict.fromkeys(strata, 1.0)
    r = np.where(s / s.max() >= 0.75, 1.0, 0.5)
    equal = (s ** 2).sum()  # variance × blocks with every stratum in every block
    allocated = (s ** 2 / r).sum() * r.sum() / len(s)  # at the same number of pair samples
    if equal / allocated < NEYMAN_GAIN:
        return dict.fromkeys(strata, 1.0)
    return {k: float(x) for k, x in zip(strata, r)}


def _pair_samples(players, orders, ks, values, ex: _Exact) -> dict:
    """Y = Δ_i(S) + Δ_i(S̄) for the player at position k of each order, with its controls."""
    n = len(players)
    out = {}
    w = 0
    for order in orders:
        for a, e in _ranges(ks):
            vals = values[w]
            w += 1
            m = e - a + 2  # prefixes P_a … P_e+1
            pre, comp = vals[:m], vals[m:][::-1]  # comp[j] = c(N∖P_{a+j})
            for k in range(a, e + 1):
                j = k - a
                i = int(order[k])
                small = pre[j + 1] - pre[j]
                large = comp[j] - comp[j + 1]
                y = small + large
                if 2 * k == n - 1:
                    y = y / 2
                out[i, k] = (y, ex.controls(i, order[:k]), small, large)
    return out


def _combine(n: int, ex: _Exact, strata: list[int], units: list[dict], kinds: list, control: bool) -> dict:
    """φ̂, its standard errors and half-widths (linearised over units) and each stratum's spread.

    A unit is a block (every member, its strata) or one member's pair of walks (every
    stratum): independent of each other. Control coefficients are cross-fitted (unit u's
    from member i's other units)."""
    regressors = len(ex.control_means(0, 2))
    U = len(units)
    mine = [[u for u in range(U) if (i, strata[0]) in units[u] or any((i, k) in units[u] for k in strata)]
            for i in range(n)]
    adjusted: list[dict] = [dict() for _ in range(U)]
    for i in range(n):
        ys = {k: [(u, units[u][i, k]) for u in mine[i] if (i, k) in units[u]] for k in strata}
        for u in mine[i]:
            beta = np.zeros(regressors)
            if control:
                X, Y = [], []
                for k in strata:
                    rows = [r for v, r in ys[k] if v != u]
                    if len(rows) < 2:
                        continue
                    y = np.array([r[0] for r in rows])
                    x = np.array([r[1] for r in rows])
                    X.append(x - x.mean(0))
                    Y.append(y - y.mean())
                if X:
                    X, Y = np.vstack(X), np.concatenate(Y)
                    if len(Y) > 3 * regressors:
                        beta = np.linalg.lstsq(X, Y, rcond=None)[0]  # minimum norm if rank-deficient
            for k in strata:
                if (i, k) in units[u]:
                    y, x, _, _ = units[u][i, k]
                    adjusted[u][i, k] = y - beta @ (x - ex.control_means(i, k))
    m = np.array([[sum((i, k) in units[u] for u in mine[i]) for k in strata] for i in range(n)])
    mean = np.full((n, len(strata)), np.nan)
    for i in range(n):
        for c, k in enumerate(strata):
            vals = [adjusted[u][i, k] for u in mine[i] if (i, k) in adjusted[u]]
            if vals:
                mean[i, c] = np.mean(vals)
    phi = (ex.known + np.nan_to_num(mean).sum(1)) / n  # μ_k + μ_{n−1−k} per pair (middle: μ_k)
    e = np.zeros((U, n))
    for u in range(U):
        for (i, k), y in adjusted[u].items():
            c = k - strata[0]
            e[u, i] += (y - mean[i, c]) / m[i, c] / n
    count = np.array([len(mine[i]) for i in range(n)])
    sd: dict[int, float] = {}
    block_units = [u for u in range(U) if kinds[u] == "block"]
    for c, k in enumerate(strata):
        rows = [u for u in block_units if (0, k) in adjusted[u]]
        vals = np.array([[adjusted[u][i, k] for i in range(n)] for u in rows]).reshape(-1, n)
        sd[k] = float(np.sqrt(np.mean(vals.var(0, ddof=1)))) if len(vals) > 1 else math.inf
    if U > 1 and (m >= 2).all():
        correction = count / np.maximum(count - 1, 1)
        var = (e ** 2).sum(0) * correction
        weight = var / var.sum() if var.sum() > 0 else np.full(n, 1.0 / n)
        phi = phi + weight * (ex.grand - phi.sum())
        shifted = e - weight[None, :] * e.sum(1, keepdims=True)
        se = np.sqrt((shifted ** 2).sum(0) * correction)
        raw_se = np.sqrt(var)
        half = np.array([t975(c - 1) for c in count]) * se
    else:
        se = raw_se = half = np.full(n, math.inf)
    return {"phi": phi, "se": se, "raw_se": raw_se, "half": half, "sd": sd, "units": count, "m": m,
            "adjusted": adjusted, "max_half": float(half.max())}


def _diagnostics(n, ex, strata, units, kinds, state, round_seconds, exact_seconds) -> dict:
    """What each step buys, from the block samples drawn (variance of one pair sample, mean
    over members and strata, M²): paired (antithetic) or as if its two halves were drawn
    independently, after the control variate (cross-fitted), and the spread of one marginal
    over all positions (plain permutation sampling)."""
    blocks = [u for u in range(len(units)) if kinds[u] == "block"]
    out: dict = {"blocks": len(blocks), "member_units": len(units) - len(blocks),
                 "round_seconds": round_seconds, "exact_seconds": exact_seconds,
                 "units_per_member": [int(c) for c in state["units"]], "stratum_sd": state["sd"]}
    if len(blocks) < 2:
        return out
    paired, split, adj = [], [], []
    all_marginals = [[] for _ in range(n)]
    for k in strata:
        rows = [u for u in blocks if (0, k) in units[u]]
        if len(rows) < 2:
            continue
        small = np.array([[units[u][i, k][2] for i in range(n)] for u in rows])
        large = np.array([[units[u][i, k][3] for i in range(n)] for u in rows])
        split.append((small.var(0, ddof=1) + large.var(0, ddof=1)).mean())
        paired.append((small + large).var(0, ddof=1).mean())
        ya = np.array([[state["adjusted"][u][i, k] for i in range(n)] for u in rows])
        adj.append(ya.var(0, ddof=1).mean() * (4 if 2 * k == n - 1 else 1))
        for i in range(n):
            all_marginals[i].extend(small[:, i])
            all_marginals[i].extend(large[:, i])
    out.update({
        "var_pair_sum": float(np.mean(paired)), "var_pair_independent": float(np.mean(split)),
        "var_pair_after_control": float(np.mean(adj)),
        "var_marginal_unstratified": float(np.mean([np.var(v, ddof=1) for v in all_marginals])),
        "half_width": [float(h) for h in state["half"]],
    })
    return out
