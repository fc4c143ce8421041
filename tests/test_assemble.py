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
