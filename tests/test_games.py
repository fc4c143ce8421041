"""Cost games (planner.analyses.games) on games whose Shapley value / nucleolus / core are known."""

from __future__ import annotations

import itertools
import math
import time

import numpy as np
import pytest

from planner.analyses.games import cached, core_violation, least_core, nucleolus, shapley


def lex_at_least(a: list[float], b: list[float], tol: float = 1e-9) -> bool:
    """Sorted vector a ≥ sorted vector b lexicographically (up to tol)."""
    for u, v in zip(sorted(a), sorted(b)):
        if abs(u - v) > tol:
            return u > v
    return True


def random_game(players, seed: int, exponent: float = 0.7):
    """A seeded game: c(S) = |S|^exponent · U(0.8, 1.2), one draw per coalition."""
    rng = np.random.default_rng(seed)
    table = {
        frozenset(s): len(s) ** exponent * rng.uniform(0.8, 1.2)
        for k in range(1, len(players) + 1)
        for s in itertools.combinations(players, k)
    }
    return lambda coalition: table[coalition]


# --- additive game: c(S) = Σ_{i∈S} a_i ---------------------------------------------------

A = {"A": 3.0, "B": 5.0, "C": 2.0, "D": 7.0}


def additive(coalition):
    return sum(A[p] for p in coalition)


def test_additive_shapley_exact_and_sampled_equal_a():
    assert dict(shapley(A, additive)) == pytest.approx(A, rel=1e-12)
    sampled = shapley(A, additive, samples=50, seed=1)
    assert dict(sampled) == pytest.approx(A, rel=1e-12)  # every marginal is a_i: no sampling error
    assert sampled.std_error == pytest.approx(dict.fromkeys(A, 0.0), abs=1e-12)
    assert dict(shapley(A, additive, samples=7, antithetic=False)) == pytest.approx(A, rel=1e-12)


def test_additive_nucleolus_least_core_and_core():
    assert nucleolus(list(A), additive) == pytest.approx(A, abs=1e-9)
    x, eps = least_core(tuple(A), additive)
    assert eps == pytest.approx(0.0, abs=1e-9) and x == pytest.approx(A, abs=1e-9)
    coalition, excess = core_violation(A, additive, A)
    assert coalition is None and excess == pytest.approx(0.0, abs=1e-9)
    # A pays 1 more and B 1 less: every S ∋ A, ∌ B pays 1 too much; the smallest is {A}
    moved = {**A, "A": A["A"] + 1, "B": A["B"] - 1}
    assert core_violation(A, additive, moved) == (frozenset({"A"}), pytest.approx(1.0))


# --- symmetric concave game: c(S) = sqrt(|S|) ----------------------------------------------


def test_symmetric_game_is_split_equally():
    players = ["P1", "P2", "P3", "P4", "P5"]
    root = lambda s: math.sqrt(len(s))  # noqa: E731
    equal = dict.fromkeys(players, math.sqrt(5) / 5)
    assert dict(shapley(players, root)) == pytest.approx(equal, abs=1e-12)
    assert nucleolus(players, root) == pytest.approx(equal, abs=1e-9)
    coalition, excess = core_violation(players, root, equal)  # concave: equal split is in the core
    assert coalition is None and excess <= 1e-9
    assert least_core(players, root)[1] < 0


def test_constant_marginal_player_pays_its_marginal():
    """c(S) = g(S∖{k}) + a_k·[k ∈ S]: k adds a_k to every coalition, so φ_k = a_k."""
    w = {"A": 1.0, "B": 4.0, "C": 2.5, "D": 0.5}

    def cost(s):
        return math.sqrt(sum(w[p] for p in s if p != "K")) + (1.75 if "K" in s else 0.0)

    players = ["A", "K", "B", "C", "D"]
    assert shapley(players, cost)["K"] == pytest.approx(1.75, abs=1e-12)
    assert shapley(players, cost, samples=20, seed=3)["K"] == pytest.approx(1.75, abs=1e-12)


# --- airport game (Littlechild & Owen 1973): c(S) = max_{i∈S} h_i ---------------------------


def test_airport_shapley_closed_form():
    """For h_1 ≤ … ≤ h_n: φ_i = Σ_{j≤i} (h_j − h_{j−1}) / (n − j + 1), with h_0 = 0."""
    rng = np.random.default_rng(7)
    h = dict(zip("abcdef", rng.uniform(1, 10, 6)))
    order = sorted(h, key=h.get)
    n, expected, running, previous = len(order), {}, 0.0, 0.0
    for j, p in enumerate(order, start=1):
        running += (h[p] - previous) / (n - j + 1)
        expected[p], previous = running, h[p]
    airport = lambda s: max(h[p] for p in s)  # noqa: E731
    result = shapley(h, airport)
    assert dict(result) == pytest.approx(expected, abs=1e-12)
    assert list(result) == list("abcdef")  # the given order, not the sorted one
    assert dict(shapley(h, airport, samples=4000)) == pytest.approx(expected, abs=0.1)


def test_airport_nucleolus_by_hand():
    """h = (1, 2, 3). With x1 + x2 + x3 = 3, the six excesses e(S) = c(S) − x(S) are

        e1 = 1 − x1, e2 = 2 − x2, e3 = 3 − x3, e12 = 2 − x1 − x2 = x3 − 1, e13 = x2, e23 = x1.

    Stage 1: min(e1, e23) = min(1 − x1, x1) ≤ 1/2, min(e2, e13) ≤ 1 and min(e3, e12) ≤ 1, so
    t1 = 1/2, reached only with x1 = 1/2 (e1 = e23 = 1/2 fixed). Stage 2: x2 + x3 = 5/2, so
    e12 = 3/2 − x2 and e3 = 1/2 + x2; of {2 − x2, x2, 1/2 + x2, 3/2 − x2} the binding pair is
    min(x2, 3/2 − x2) ≤ 3/4, at x2 = 3/4. Nucleolus (1/2, 3/4, 7/4), while Shapley is
    (1/3, 5/6, 11/6).
    """
    h = {"small": 1.0, "medium": 2.0, "large": 3.0}
    airport = lambda s: max(h[p] for p in s)  # noqa: E731
    assert nucleolus(h, airport) == pytest.approx({"small": 0.5, "medium": 0.75, "large": 1.75}, abs=1e-9)
    assert dict(shapley(h, airport)) == pytest.approx({"small": 1 / 3, "medium": 5 / 6, "large": 11 / 6})
    x, eps = least_core(h, airport)
    assert eps == pytest.approx(-0.5)  # least core: x1 = 1/2, x2 ∈ [1/2, 1]
    assert x["small"] == pytest.approx(0.5) and 0.5 - 1e-9 <= x["medium"] <= 1 + 1e-9


# --- empty core: c(i) = 1, c(ij) = 1, c(N) = 2 ---------------------------------------------


def test_empty_core_game():
    cost = lambda s: {1: 1.0, 2: 1.0, 3: 2.0}[len(s)]  # noqa: E731
    players = ("x", "y", "z")
    for allocation in ({"x": 2 / 3, "y": 2 / 3, "z": 2 / 3}, {"x": 1.0, "y": 1.0, "z": 0.0}):
        coalition, excess = core_violation(players, cost, allocation)
        assert coalition is not None and len(coalition) == 2 and excess > 0
    # ε*: each pair pays at most 1 + ε, summing the three pairs 2·2 ≤ 3(1 + ε), so ε* = 1/3
    x, eps = least_core(players, cost)
    assert eps == pytest.approx(1 / 3) and x == pytest.approx(dict.fromkeys(players, 2 / 3))
    assert nucleolus(players, cost) == pytest.approx(dict.fromkeys(players, 2 / 3), abs=1e-9)


@pytest.mark.parametrize("individually_rational", [True, False])
def test_nucleolus_is_lexicographically_best(individually_rational):
    """Random 4-player games, with and without a core: no nearby or distant allocation in the
    feasible set (imputations, or all efficient allocations) has lexicographically larger
    sorted excesses; the prenucleolus lies in the least core, and so does the nucleolus
    when the core is non-empty."""
    players = ["a", "b", "c", "d"]
    coalitions = [frozenset(s) for k in (1, 2, 3) for s in itertools.combinations(players, k)]
    rng = np.random.default_rng(11)
    cores = set()
    for seed, exponent in itertools.product(range(3), (0.5, 0.7, 0.8)):
        cost = random_game(players, seed, exponent)
        x = nucleolus(players, cost, individually_rational=individually_rational)
        assert sum(x.values()) == pytest.approx(cost(frozenset(players)))
        if individually_rational:
            assert all(x[p] <= cost(frozenset({p})) + 1e-9 for p in players)

        def excesses(y):
            return [cost(s) - sum(y[p] for p in s) for s in coalitions]

        base = excesses(x)
        eps = least_core(players, cost)[1]
        cores.add(eps <= 0)
        if eps <= 0 or not individually_rational:
            assert min(base) == pytest.approx(-eps, abs=1e-9)
        else:
            assert min(base) <= -eps + 1e-9
        for scale in (1e-4, 1e-2, 0.3):
            for _ in range(60):
                d = rng.normal(size=4)
                y = {p: x[p] + scale * (di - d.mean()) for p, di in zip(players, d)}
                if not individually_rational or all(y[p] <= cost(frozenset({p})) for p in players):
                    assert lex_at_least(base, excesses(y))
    assert cores == {True, False}  # both kinds of game were checked


# --- sampling, caching, progress, budget ----------------------------------------------------


def test_sampled_shapley_matches_exact_within_its_error():
    players = [f"M{i}" for i in range(10)]
    rng = np.random.default_rng(5)
    w, h = dict(zip(players, rng.uniform(1, 5, 10))), dict(zip(players, rng.uniform(0, 3, 10)))
    calls = []

    def cost(s):
        calls.append(s)
        return sum(w[p] for p in s) ** 0.8 + 0.5 * max(h[p] for p in s)

    steps = []
    exact = shapley(players, cost, progress=lambda done, total: steps.append((done, total)))
    assert len(calls) == exact.coalitions_evaluated == 2**10 - 1  # each coalition once, never ∅
    assert steps[-1] == (1023, 1023) and [d for d, _ in steps] == sorted(d for d, _ in steps)

    counted = cached(cost)
    steps.clear()
    est = shapley(players, counted, samples=2000, seed=2, progress=lambda d, t: steps.append((d, t)))
    assert est.permutations == 2000 and not est.exact and steps[-1] == (2000, 2000)
    assert est.coalitions_evaluated == counted.evaluations <= 2000 * 10
    assert sum(est.values()) == pytest.approx(cost(frozenset(players)), abs=1e-9)
    within = [abs(est[p] - exact[p]) <= 3 * est.std_error[p] for p in players]
    assert sum(within) >= 8 and all(se > 0 for se in est.std_error.values())
    low, high = est.ci95["M0"]
    assert low < est["M0"] < high and high - low == pytest.approx(2 * 1.96 * est.std_error["M0"], rel=1e-3)

    plain = shapley(players, cost, samples=1500, seed=2, antithetic=False)
    assert plain.permutations == 1500
    assert sum(abs(plain[p] - exact[p]) <= 3 * plain.std_error[p] for p in players) >= 8


def test_time_budget_stops_early():
    players = list(range(10))
    once = shapley(players, lambda s: math.sqrt(len(s)), samples=1000, time_budget_s=0)
    assert once.permutations == 2  # one antithetic pair at least
    assert once.ci95[0] == (-math.inf, math.inf)  # no spread with a single pair

    def slow(s):
        time.sleep(0.001)
        return math.sqrt(sum(s) + 1)

    started = time.perf_counter()
    steps = []
    result = shapley(players, slow, samples=10_000, time_budget_s=0.05, progress=lambda d, t: steps.append((d, t)))
    assert 2 <= result.permutations < 10_000 and time.perf_counter() - started < 2
    assert steps[-1] == (result.permutations, 10_000)
    assert sum(result.values()) == pytest.approx(math.sqrt(sum(players) + 1))


def test_exact_shapley_is_mean_marginal_over_all_orders():
    players = ["p", "q", "r", "s", "t"]
    cost = random_game(players, seed=42, exponent=1.0)
    total = dict.fromkeys(players, 0.0)
    for order in itertools.permutations(players):
        coalition: frozenset = frozenset()
        for p in order:
            total[p] += cost(coalition | {p}) - (cost(coalition) if coalition else 0.0)
            coalition = coalition | {p}
    brute = {p: v / 120 for p, v in total.items()}
    assert dict(shapley(players, cost)) == pytest.approx(brute, abs=1e-9)


def test_result_is_a_mapping_and_a_frame():
    result = shapley(["A", "B"], lambda s: 2.0 if "A" in s else 1.0)  # φ = (3/2, 1/2)
    assert result["A"] == pytest.approx(1.5) and len(result) == 2 and list(result) == ["A", "B"]
    assert dict(result) == pytest.approx({"A": 1.5, "B": 0.5}) and dict(result) == result.values
    assert sorted(result.values()) == pytest.approx([0.5, 1.5]) and result.exact and result.permutations == 0
    frame = result.to_frame()
    assert list(frame.columns) == ["player", "shapley", "std_error", "ci95_low", "ci95_high"]
    assert frame["player"].tolist() == ["A", "B"] and frame["ci95_low"].tolist() == pytest.approx([1.5, 0.5])


def test_cached_cost_never_sees_the_empty_set_and_is_shared():
    def cost(s):
        assert s, "cost called on the empty set"
        return float(len(s)) ** 0.5

    shared = cached(cost)
    assert cached(shared) is shared and shared.evaluations == 0
    assert shared(frozenset()) == 0.0 and shared.evaluations == 0  # exact: the constant returned for ∅
    players = ["A", "B", "C"]
    shapley(players, shared)
    nucleolus(players, shared)
    core_violation(players, shared, dict.fromkeys(players, 3**0.5 / 3))
    assert shared.evaluations == 7


# --- errors ---------------------------------------------------------------------------------


def test_errors():
    def never(s):
        raise AssertionError("cost should not be called")

    with pytest.raises(ValueError, match="duplicate players: 'A'"):
        shapley(["A", "B", "A"], never)
    with pytest.raises(ValueError, match="duplicate"):
        nucleolus(("A", "A"), never)
    with pytest.raises(ValueError, match="samples="):
        shapley(range(21), never)
    with pytest.raises(ValueError, match="at most 15"):
        nucleolus(range(16), never)
    with pytest.raises(ValueError, match="at most 15"):
        least_core(range(16), never)
    with pytest.raises(ValueError, match="at most 20"):
        core_violation(range(21), never, dict.fromkeys(range(21), 0.0))
    with pytest.raises(ValueError, match="samples must be"):
        shapley(["A"], never, samples=0)
    with pytest.raises(ValueError, match="at least one player"):
        shapley([], never)
    with pytest.raises(ValueError, match="does not add up to c"):
        core_violation(A, additive, {**A, "A": A["A"] + 0.01})
    with pytest.raises(ValueError, match="every player"):
        core_violation(A, additive, {"A": 17.0})
    with pytest.raises(ValueError, match="no imputation"):
        nucleolus(["A", "B"], lambda s: 3.0 if len(s) == 2 else 1.0)


def test_single_player():
    cost = lambda s: 4.0  # noqa: E731
    assert dict(shapley(["A"], cost)) == pytest.approx({"A": 4.0})
    assert nucleolus(["A"], cost) == pytest.approx({"A": 4.0})
    x, eps = least_core(["A"], cost)
    assert x == pytest.approx({"A": 4.0}) and eps == -math.inf  # -inf: the no-coalition sentinel
    assert core_violation(["A"], cost, {"A": 4.0}) == (None, -math.inf)
