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
   the bottom) and U2 = Σ_{j∈S} b_ij with b_ij = Δ_i(N∖{i, j}) − Δ_i(N∖{i}) (from the top).
   Their means in stratum k are exact: k / (n−1) · Σ_{j≠i} a_ij (and b). Y − β_i · (U − E U),
   β_i by least squares within strata, pooled over the strata of player i.
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
PILOT = 2  # blocks over every stratum before the allocation
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
        return np.array([self.a[i, members].sum(), self.b[i, members].sum()])

    def control_means(self, i: int, k: int) -> np.ndarray:
        f = k / (self.n - 1)
        return np.array([f * self.a[i].sum(), f * self.b[i].sum()])


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
    index = {p: i for i, p in enumerate(players)}
    # samples[b][(i, k)] = (Y, U, Y_small, Y_large)
    records: list[dict[tuple[int, int], tuple[float, np.ndarray, float, float]]] = []
    covers: list[list[int]] = []
    weights: dict[int, float] = dict.fromkeys(strata, 1.0)
    valued = len(known)
    exact_seconds = time.perf_counter() - start
    block_seconds: list[float] = []
    stopped = "samples"
    b = 0
    state = None
    while True:
        if samples is not None and b >= samples:
            stopped = "samples"
            break
        if b >= pilot and state is not None and target > 0 and state["max_half"] <= target:
            stopped = "accuracy reached"
            break
        ks = strata if b < pilot or not neyman else _scheduled(weights, b - pilot)
        if time_budget_s is not None and b >= 1:
            per_stratum = max(block_seconds) / max(1, len(covers[-1]))
            if time.perf_counter() - start + per_stratum * len(ks) > time_budget_s:
                stopped = "time budget"
                break
        clock = time.perf_counter()
        orders = latin_orders(n, seed, b)
        walks = block_walks(players, orders, ks)
        values = evaluate(walks)
        records.append(_pair_samples(players, index, orders, ks, walks, values, ex))
        covers.append(list(ks))
        block_seconds.append(time.perf_counter() - clock)
        b += 1
        valued += sum(len(w) for w in walks)
        state = _combine(n, ex, strata, records, covers, control)
        if b == pilot and neyman:
            weights = _neyman(state["sd"], strata)
        accuracy = (f", largest ±{state['max_half']:,.4g}" + (f" (target ±{target:,.4g})" if target else "")
                    if b > 1 else "")
        say(valued, f"Shapley: {b} block{'s' if b > 1 else ''}, {valued:,} coalitions{accuracy}")
    if state is None:  # no block at all: the exact strata only (an estimate with an infinite error)
        state = _combine(n, ex, strata, [], [], control)
    phi, se = state["phi"], state["se"]
    q = t975(b - 1)
    half = {p: float(q * s) for p, s in zip(players, se)}
    diagnostics = _diagnostics(n, ex, strata, records, covers, state, block_seconds, exact_seconds)
    diagnostics["neyman_weights"] = weights
    return ShapleyEstimate(
        values={p: float(v) for p, v in zip(players, phi)},
        std_error={p: float(s) for p, s in zip(players, se)},
        ci95={p: (float(v - h), float(v + h)) for p, v, h in zip(players, phi, half.values())},
        exact=False, permutations=b * n, coalitions_evaluated=valued,
        blocks=b, stopped=stopped, target=target, half_width=half, diagnostics=diagnostics,
        seconds=time.perf_counter() - start,
    )


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


def _pair_samples(players, index, orders, ks, walks, values, ex: _Exact):
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


def _combine(n: int, ex: _Exact, strata: list[int], records, covers, control: bool) -> dict:
    """φ̂, its standard error (linearised over blocks) and each stratum's spread."""
    m = {k: sum(k in cov for cov in covers) for k in strata}
    beta = np.zeros((n, 2))
    if control and records:
        for i in range(n):
            X, Y = [], []
            for k in strata:
                rows = [rec[i, k] for rec in records if (i, k) in rec]
                if len(rows) < 2:
                    continue
                y = np.array([r[0] for r in rows])
                u = np.array([r[1] for r in rows])
                X.append(u - u.mean(0))
                Y.append(y - y.mean())
            if X:
                X, Y = np.vstack(X), np.concatenate(Y)
                if len(Y) > 4 and np.linalg.matrix_rank(X) == 2:
                    beta[i] = np.linalg.lstsq(X, Y, rcond=None)[0]
    adjusted = []  # per block: {(i, k): Y'}
    for rec in records:
        adjusted.append({(i, k): y - beta[i] @ (u - ex.control_means(i, k)) for (i, k), (y, u, _, _) in rec.items()})
    mean = {}
    sd = {}
    for k in strata:
        vals = np.array([[adj[i, k] for i in range(n)] for adj in adjusted if (0, k) in adj]).reshape(-1, n)
        mean[k] = vals.mean(0) if len(vals) else np.full(n, np.nan)
        sd[k] = float(np.sqrt(np.mean(vals.var(0, ddof=1)))) if len(vals) > 1 else math.inf
    phi = ex.known.copy()
    for k in strata:  # μ_k + μ_{n−1−k} (the middle stratum: μ_k)
        phi = phi + mean[k]
    phi = phi / n
    B = len(records)
    e = np.zeros((B, n))
    for bi, adj in enumerate(adjusted):
        for k in covers[bi]:
            y = np.array([adj[i, k] for i in range(n)])
            e[bi] += (y - mean[k]) / m[k]
    e /= n
    if B > 1 and all(v > 1 for v in m.values()):
        var = (e ** 2).sum(0) * B / (B - 1)
        weight = var / var.sum() if var.sum() > 0 else np.full(n, 1.0 / n)
        phi = phi + weight * (ex.grand - phi.sum())
        shifted = e - weight[None, :] * e.sum(1, keepdims=True)
        se = np.sqrt((shifted ** 2).sum(0) * B / (B - 1))
        raw_se = np.sqrt(var)
    else:
        se = raw_se = np.full(n, math.inf)
    return {"phi": phi, "se": se, "raw_se": raw_se, "sd": sd, "mean": mean, "beta": beta,
            "max_half": float(t975(B - 1) * se.max()) if B > 1 else math.inf, "m": m}


def _diagnostics(n, ex, strata, records, covers, state, block_seconds, exact_seconds) -> dict:
    """What each step buys, from the samples drawn (variances per pair sample, mean over
    players and strata, in M²): without the control variate, without antithetic pairing
    (the two halves as if drawn independently), and plain permutation sampling (the
    spread of a marginal over all positions) for the same number of re-solves."""
    out: dict = {"blocks": len(records), "block_seconds": block_seconds, "exact_seconds": exact_seconds,
                 "samples_per_stratum": state["m"], "stratum_sd": state["sd"]}
    if len(records) < 2:
        return out
    raw, paired, split, adj = [], [], [], []
    all_marginals = [[] for _ in range(n)]
    for k in strata:
        rows = [rec for rec in records if (0, k) in rec]
        if len(rows) < 2:
            continue
        y = np.array([[r[i, k][0] for i in range(n)] for r in rows])
        small = np.array([[r[i, k][2] for i in range(n)] for r in rows])
        large = np.array([[r[i, k][3] for i in range(n)] for r in rows])
        raw.append(y.var(0, ddof=1).mean())
        split.append((small.var(0, ddof=1) + large.var(0, ddof=1)).mean())
        paired.append((small + large).var(0, ddof=1).mean())
        beta = state["beta"]
        ya = np.array([[r[i, k][0] - beta[i] @ r[i, k][1] for i in range(n)] for r in rows])
        adj.append(ya.var(0, ddof=1).mean())
        for i in range(n):
            all_marginals[i].extend(small[:, i])
            all_marginals[i].extend(large[:, i])
    for i in range(n):  # the exact strata's marginals: one mean value each (their spread enters below)
        all_marginals[i].extend([ex.mu[0][i], ex.mu[1][i], ex.mu[n - 2][i], ex.mu[n - 1][i]])
    out.update({
        "var_pair_sum": float(np.mean(paired)), "var_pair_independent": float(np.mean(split)),
        "var_pair_after_control": float(np.mean(adj)),
        # plain permutation sampling: Var(φ̂_i) = Var(marginal over positions) / orders, n re-solves per order
        "var_marginal_unstratified": float(np.mean([np.var(v, ddof=1) for v in all_marginals])),
        "se_now": [float(s) for s in state["se"]],
    })
    return out
