"""The results layer's rounding rule, and the snapshots' comparison: figures are floats,
compared with a tolerance, and the solver's rounding is never shown as a figure."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from planner.results import TOLERANCE, zero_noise, zero_noise_figures
from report_cells import differences, noise, same


def test_zero_noise_sets_rounding_to_zero_and_keeps_the_rest():
    table = pd.DataFrame({"musd": [4.44e-16, -0.0, -2e-9, 1.5, np.nan, -3.0],
                          "member": list("ABCDEF"), "units": [1, 2, 3, 4, 5, 6]})
    clean = zero_noise(table)
    assert clean["musd"].iloc[:3].tolist() == [0.0, 0.0, 0.0]  # exact: set to 0.0 by construction
    assert all(math.copysign(1, v) > 0 for v in clean["musd"].iloc[:3])  # no −0.0 either
    assert clean["musd"].iloc[3] == pytest.approx(1.5) and math.isnan(clean["musd"].iloc[4])
    assert clean["musd"].iloc[5] == pytest.approx(-3.0)
    assert clean["member"].tolist() == list("ABCDEF") and clean["units"].tolist() == [1, 2, 3, 4, 5, 6]
    assert table["musd"].iloc[0] == pytest.approx(4.44e-16, rel=1e-9)  # the input is not changed


def test_zero_noise_keeps_values_at_the_tolerance():
    table = pd.DataFrame({"x": [TOLERANCE, -TOLERANCE, TOLERANCE / 2]})
    assert zero_noise(table)["x"].tolist() == pytest.approx([TOLERANCE, -TOLERANCE, 0.0], abs=0)


def test_zero_noise_figures():
    figures = zero_noise_figures({"money": -1e-12, "short": 3, "cost": 12.5, "status": "optimal"})
    assert figures["money"] == 0.0 and math.copysign(1, figures["money"]) > 0  # exact: set to 0.0 by construction
    assert figures["short"] == 3 and figures["cost"] == pytest.approx(12.5) and figures["status"] == "optimal"


def test_snapshot_cells_compare_with_a_relative_tolerance():
    assert same(1234.56, 1234.57) and same(0.0, 4.44e-16) and same(float("nan"), float("nan"))
    assert not same(1234.5, 1240.0) and not same(0.0, 1e-3) and not same(True, 1.0)
    assert same("NZL 1", "NZL 1") and not same("NZL 1", "NZL 2") and not same(None, 0.0)
    got = {"Spending": {"J38": 4.44089e-16, "K2": 100.0004}}
    assert differences(got, {"Spending": {"J38": 0.0, "K2": 100.0}}) == []
    assert differences(got, {"Spending": {"J38": 0.0, "K2": 101.0}}) == ["Spending!K2: 100.0004, was 101.0"]


def test_noise_finds_rounding_shown_as_a_figure():
    assert noise({"S": {"A1": 4.4e-16, "A2": -0.0, "A3": 0.0, "A4": 2.0, "A5": "x"}}) == [
        "S!A1: 4.4e-16", "S!A2: -0.0"]
