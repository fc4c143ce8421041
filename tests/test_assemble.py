"""planner/assemble.py: the workbook's conventions resolved into PlanData, on hand-built rows."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from planner.assemble import resolve_targets

YEARS = [2025, 2026, 2027, 2028]


def target_rows(*rows: tuple) -> pd.DataFrame:
    """SpendingTargets rows: (member, from_year, min_gdp_pct, phase_in), other columns blank."""
    return pd.DataFrame(
        [{"member": m, "from_year": y, "min_gdp_pct": v, "max_gdp_pct": math.nan, "min_equipment_pct": math.nan,
          "max_real_growth_pct": math.nan, "max_change_pp": math.nan, "phase_in": phase}
         for m, y, v, phase in rows])


def floors(rows: pd.DataFrame, member: str, members=("A", "B")) -> list[float]:
    return list(resolve_targets(rows, list(members), YEARS).loc[member, "min_gdp"])


def test_the_all_target_holds_until_a_members_own_row_takes_over():
    """Issue 12: A's own row from 2027 (3 %) replaced the ALL row (2 %) in every year, so A
    had no floor at all in 2025-2026. Now ALL holds until A's own row takes over; a later
    ALL row (2028: 4 %) no longer reaches A, B follows ALL throughout."""
    rows = target_rows(("ALL", 2025, 2.0, "step"), ("A", 2027, 3.0, "step"), ("ALL", 2028, 4.0, "step"))
    assert floors(rows, "A") == pytest.approx([0.02, 0.02, 0.03, 0.03])
    assert floors(rows, "B") == pytest.approx([0.02, 0.02, 0.02, 0.04])


def test_a_members_linear_row_starts_from_the_all_target():
    """A's own 2027 row phased in linearly is approached from the ALL row's 2 % of 2025."""
    rows = target_rows(("ALL", 2025, 2.0, "step"), ("A", 2027, 3.0, "linear"))
    assert floors(rows, "A") == pytest.approx([0.02, 0.025, 0.03, 0.03])


def test_an_all_phase_in_stops_where_a_members_own_row_starts():
    """ALL phases its floor in from 2 % (2025) to 5 % (2028). B follows the line. A's own
    step row of 2027 (3 %) takes the column over from 2027 and drops the ALL row of 2028,
    so the line towards it is gone too: A holds ALL's 2 % in 2025-2026, not 3 %."""
    rows = target_rows(("ALL", 2025, 2.0, "step"), ("ALL", 2028, 5.0, "linear"), ("A", 2027, 3.0, "step"))
    assert floors(rows, "B") == pytest.approx([0.02, 0.03, 0.04, 0.05])
    assert floors(rows, "A") == pytest.approx([0.02, 0.02, 0.03, 0.03])
    # A linear own row starts from the last ALL row it keeps (2 % in 2025), not from the ALL line.
    rows = target_rows(("ALL", 2025, 2.0, "step"), ("ALL", 2028, 5.0, "linear"), ("A", 2027, 3.0, "linear"))
    assert floors(rows, "A") == pytest.approx([0.02, 0.025, 0.03, 0.03])


def test_a_members_own_row_takes_over_only_the_columns_it_fills():
    """A's own row fills min_gdp_pct only: its change limit still comes from ALL, per year."""
    rows = target_rows(("ALL", 2025, 2.0, "step"), ("A", 2026, 3.0, "step"))
    rows["max_change_pp"] = [1.0, math.nan]
    resolved = resolve_targets(rows, ["A"], YEARS).loc["A"]
    assert list(resolved["min_gdp"]) == pytest.approx([0.02, 0.03, 0.03, 0.03])
    assert list(resolved["max_change"]) == pytest.approx([0.01] * 4)


@pytest.mark.parametrize("member", ["ALL", "A"])
def test_a_linear_first_row_is_a_step(member):
    """A linear row with no earlier row for its column has no line to start from: no target
    before its year, its full value from it (as a step)."""
    rows = target_rows((member, 2027, 3.0, "linear"))
    assert floors(rows, "A")[:2] == [pytest.approx(math.nan, nan_ok=True)] * 2
    assert floors(rows, "A")[2:] == pytest.approx([0.03, 0.03])
