"""The capped proportional split, on cases worked out by hand."""

import math

import pytest

from models.common_funding import capped_shares


def test_no_cap_is_proportional():
    assert capped_shares({"A": 3, "B": 1}) == pytest.approx({"A": 0.75, "B": 0.25})


def test_cap_redistributes_in_proportion():
    """A 60 %, B 30 %, C 10 %; cap 50 %: A 50 %, the other 50 % split 3 : 1 → 37.5 %, 12.5 %."""
    assert capped_shares({"A": 6, "B": 3, "C": 1}, 0.50) == pytest.approx({"A": 0.50, "B": 0.375, "C": 0.125})


def test_redistribution_can_push_another_member_over_the_cap():
    """A 50, B 40, C 10; cap 42 %: A capped → B 58 × 40/50 = 46.4 % > 42 % → B capped, C 16 %."""
    assert capped_shares({"A": 50, "B": 40, "C": 10}, 0.42) == pytest.approx({"A": 0.42, "B": 0.42, "C": 0.16})


def test_nato_like_cap():
    """The largest of 4 capped at 16 %? Needs 4 × 16 % ≥ 100 %: refused; 7 members work."""
    with pytest.raises(ValueError):
        capped_shares({"A": 5, "B": 1, "C": 1, "D": 1}, 0.16)
    shares = capped_shares({"US": 53, **{f"M{i}": 47 / 6 for i in range(6)}}, 0.16)
    assert shares["US"] == pytest.approx(0.16)
    assert sum(shares.values()) == pytest.approx(1)
    assert all(s == pytest.approx(0.84 / 6) for k, s in shares.items() if k != "US")


def test_zero_weight_pays_nothing():
    assert capped_shares({"A": 1, "B": 0, "C": 1}, 0.5) == pytest.approx({"A": 0.5, "B": 0.0, "C": 0.5})


def test_nan_cap_means_none():
    assert capped_shares({"A": 9, "B": 1}, math.nan)["A"] == pytest.approx(0.9)
