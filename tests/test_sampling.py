"""The stratified Shapley estimate (planner.analyses.sampling) on games of 32 players whose
Shapley values are known in closed form, and its bookkeeping."""

from __future__ import annotations

import math

import numpy as np
import pytest

from planner.analyses.games import shapley
from planner.analyses.sampling import block_walks, estimate_shapley, latin_orders, t975

N = 32
PLAYERS = [f"P{i:02d}" for i in range(N)]
RNG = np.random.default_rng(7)
A = dict(zip(PLAYERS, RNG.uniform(1.0, 10.0, N)))
W = dict(zip(PLAYERS, RNG.integers(1, 9, N).astype(float)))


def additive(s):
    return sum(A[p] for p in s)


def quadratic(s):
    """c(S) = w(S)²: φ_i = w_i · w(N)."""
    return sum(W[p] for p in s) ** 2


def airport(s):
    """c(S) = max_{i∈S} a_i: φ_i = Σ_{k ≤ rank i} (a_(k) − a_(k−1)) / (n − k + 1)."""
    return max(A[p] for p in s)


def airport_shapley():
    out, acc, prev = {}, 0.0, 0.0
    for k, p in enumerate(sorted(PLAYERS, key=A.get)):
        acc += (A[p] - prev) / (N - k)
        prev = A[p]
        out[p] = acc
    return out


QUOTA = sum(W.values()) / 2


def majority(s):
    """A weighted majority (voting) game as a cost game: c(S) = 1 if w(S) ≥ q."""
    return 1.0 if sum(W[p] for p in s) >= QUOTA else 0.0


def majority_shapley():
    """Shapley–Shubik index by counting, per player, the coalitions of each size and weight
    it joins as the pivot (dynamic programming over integer weights)."""
    total = int(sum(W.values()))
    out = {}
    for p in PLAYERS:
        count = np.zeros((N, total + 1))  # [size, weight]: coalitions of the others
        count[0, 0] = 1
        for o in PLAYERS:
            if o == p:
                continue
            w = int(W[o])
            count[1:, w:] = count[1:, w:] + count[:-1, : total + 1 - w]
        phi = 0.0
        for k in range(N):
            weight = math.factorial(k) * math.factorial(N - k - 1) / math.factorial(N)
            for w in range(total + 1):
                if count[k, w] and w < QUOTA <= w + W[p]:
                    phi += weight * count[k, w]
        out[p] = phi
    return out


def test_latin_blocks_put_every_player_at_every_position_once():
    orders = latin_orders(N, seed=3, block=5)
    assert all(sorted(row) == list(range(N)) for row in orders)
    assert all(sorted(col) == list(range(N)) for col in orders.T)
    assert (latin_orders(N, 3, 5) == orders).all() and not (latin_orders(N, 3, 6) == orders).all()
    walks = block_walks(tuple(PLAYERS), orders[:1], [2, 3, 4, 7])
    assert len(walks) == 2  # runs 2–4 and 7
    for walk in walks:
        sizes = [len(s) for s in walk]
        half = len(walk) // 2
        assert sizes[:half] == list(range(sizes[0], sizes[0] + half))
        assert all(b - a == 1 for a, b in zip(sizes[half:], sizes[half + 1:]))  # one member more each step


def test_t_quantile():
    assert t975(math.inf) == pytest.approx(1.959964, abs=1e-6)
    for dof, value in ((3, 3.182446), (5, 2.570582), (10, 2.228139), (30, 2.042272)):
        assert t975(dof) == pytest.approx(value, rel=4e-3)


def test_additive_and_quadratic_games_are_exact():
    """Every additive part cancels from an antithetic pair, and w(S)² has marginals linear
    in w(S): both estimates are exact, with zero error bars."""
    for game, truth in ((additive, A), (quadratic, {p: W[p] * sum(W.values()) for p in PLAYERS})):
        est = estimate_shapley(PLAYERS, game, seed=1, samples=3)
        for p in PLAYERS:
            assert est[p] == pytest.approx(truth[p], rel=1e-9, abs=1e-9)
            assert est.std_error[p] == pytest.approx(0.0, abs=1e-6 * max(1.0, truth[p]))
        assert sum(est.values.values()) == pytest.approx(game(frozenset(PLAYERS)), rel=1e-12)


@pytest.mark.parametrize("name", [pytest.param("airport", marks=pytest.mark.verify),
                                  pytest.param("majority", marks=pytest.mark.verify)])
def test_closed_form_games_within_the_stated_interval(name):
    """Over three seeds, about 95 % of the players' true values lie in their intervals. The
    airport game's small players and the majority game's pivots have marginals that are
    nonzero only in rare coalitions: a stratum may show less spread than it has, and its
    interval is then too narrow (docs/analyses.md): the airport game misses 11 % over seeds 11–16; 15 % are allowed."""
    game, truth = {"airport": (airport, airport_shapley), "majority": (majority, majority_shapley)}[name]
    truth = truth()
    scale = game(frozenset(PLAYERS)) / N
    misses = 0
    for seed in (11, 12, 13):
        est = estimate_shapley(PLAYERS, game, seed=seed, samples=30)
        assert sum(est.values.values()) == pytest.approx(game(frozenset(PLAYERS)), rel=1e-9)
        misses += sum(abs(est[p] - truth[p]) > est.half_width[p] + 1e-3 * scale for p in PLAYERS)
    assert misses <= 0.15 * 3 * N


def test_same_seed_same_estimate_and_walks_anywhere():
    """The estimate depends on the seed only: walks valued in another order give it too."""
    def shuffled(walks):
        order = np.random.default_rng(0).permutation(len(walks))
        values = [None] * len(walks)
        for w in order:
            values[w] = [majority(s) for s in walks[w]]
        return values

    one = estimate_shapley(PLAYERS, majority, seed=5, samples=4)
    two = estimate_shapley(PLAYERS, majority, seed=5, samples=4, evaluate=shuffled)
    assert dict(one) == dict(two) and one.std_error == two.std_error  # exact on purpose: the same sums
    assert dict(estimate_shapley(PLAYERS, majority, seed=6, samples=4)) != dict(one)


@pytest.mark.verify  # about 55 s on 2 cores: `make verify`
def test_stops_at_the_target_accuracy():
    est = estimate_shapley(PLAYERS, airport, seed=2, target=0.02, samples=200)
    assert est.stopped == "accuracy reached" and max(est.half_width.values()) <= 0.02
    assert est.blocks < 200


def test_small_games_are_exact():
    players = PLAYERS[:6]
    est = estimate_shapley(players, airport, samples=3)
    assert est.exact and dict(est) == pytest.approx(dict(shapley(players, airport)))
