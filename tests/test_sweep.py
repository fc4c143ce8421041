"""Sweeps on a local Dask cluster of two workers: every variant as a rebuilt model would
give it, failures reported without losing the others, the report from the CLI."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from models import build_model
from planner import money
from planner.analyses.sweep import SweepError, parse_vary, run_sweep, variants
from planner.cli import app
from planner.solve import solve
from planner.load import load_plan

TUTORIAL = Path(__file__).parents[1] / "inputs" / "tutorial.xlsx"


@pytest.fixture(scope="module")
def swept():
    vary = parse_vary(["requirements=0.8,1.2", "without=none,BOR,XXX"])
    return run_sweep(TUTORIAL, vary, workers=2)


def rebuilt(factor: float, without: str | None) -> tuple[float, float]:
    data, _ = load_plan(TUTORIAL)
    members = data.members.copy()
    members["year_left"] = members["year_left"].astype(float)
    if without:
        members.at[without, "year_left"] = data.first_year - 1
    changed = dataclasses.replace(data, members=members, requirements=data.requirements * factor)
    model = build_model(changed)
    return solve(model).objective, money.of_model(model).money_musd


def test_two_workers_solve_every_variant_as_a_rebuild_would(swept):
    assert swept.workers == 2
    v = swept.variants
    assert len(v) == 6
    for row in v[v["without"] != "XXX"].itertuples():
        assert row.status == "optimal"
        expected = rebuilt(row.requirements, None if row.without == "none" else row.without)
        assert (row.objective, row.money_cost_musd) == pytest.approx(expected, rel=1e-9)


def test_a_failed_variant_does_not_lose_the_others(swept):
    v = swept.variants
    failed = v[v["without"] == "XXX"]
    assert (failed["status"] == "failed").all() and failed["error"].str.contains("no member 'XXX'").all()
    assert (v[v["without"] != "XXX"]["status"] == "optimal").all()


def test_burden_shares_add_up_per_variant(swept):
    sums = swept.shares.groupby("variant")["burden_share_pct"].sum()
    assert (sums.sub(100).abs() < 1e-9).all()
    assert "BOR" not in set(swept.shares[swept.shares["label"].str.contains("without=BOR")]["member"])


def test_time_budget_reports_variants_not_run():
    result = run_sweep(TUTORIAL, parse_vary(["requirements=1,1.1,1.2"]), workers=2, time_budget_s=0.0)
    assert set(result.variants["status"]) <= {"not run (time budget)", "optimal"}
    assert len(result.variants) == 3


def test_parse_vary():
    parsed = parse_vary(["floor=2,3.5", "without=none,USA"])
    assert parsed == {"floor": [2.0, 3.5], "without": [None, "USA"]}  # exact: parsed from the text
    assert len(variants({"a": [1, 2], "b": [3, 4, 5]})) == 6
    for bad in (["speed=1"], ["floor="], ["floor=-1"], ["abstentions=1.5"], []):
        with pytest.raises(SweepError):
            parse_vary(bad)


def test_cli_sweep_report(tmp_path):
    out = tmp_path / "sweep.xlsx"
    result = CliRunner().invoke(app, ["sweep", str(TUTORIAL), "--vary", "floor=1.5,2", "--vary", "abstentions=0",
                                      "--workers", "2", "--out", str(out)])
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Summary", "Sweep", "Shares", "MemberCosts"]
    assert len(wb["Sweep"]._charts) == 1 and len(wb["Shares"]._charts) == 1
    table = pd.read_excel(out, sheet_name="Sweep")
    assert len(table) == 2 and set(table["Status"]) == {"optimal"}
    bad = CliRunner().invoke(app, ["sweep", str(TUTORIAL), "--vary", "speed=1", "--out", str(tmp_path / "x.xlsx")])
    assert bad.exit_code == 2 and not (tmp_path / "x.xlsx").exists()


def test_sweep_of_abstentions_on_a_plan_without_robust_rows(tmp_path):
    """The tutorial with BOR and CAR consent-based and a plan budget of 0: each variant k is
    the plan built to hold against any k abstentions."""
    from planner.analyses.changes import with_budget

    path = tmp_path / "consent.xlsx"
    wb = openpyxl.load_workbook(TUTORIAL)
    ws = wb["Members"]
    col = [c.value for c in ws[1]].index("obligation")
    for row in ws.iter_rows(min_row=2):
        if row[0].value in ("BOR", "CAR"):
            row[col].value = "consent"
    wb.save(path)
    result = run_sweep(path, parse_vary(["abstentions=0,1"]), workers=2)
    data, _ = load_plan(path)
    got = result.variants.set_index("abstentions")["objective"]
    for k in (0, 1):
        assert got[k] == pytest.approx(solve(build_model(with_budget(data, k))).objective, rel=1e-9)
    assert got[1] > got[0]
