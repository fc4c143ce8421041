"""Round trip of the Excel report: write the tutorial's report, read it back with openpyxl."""

from __future__ import annotations

import dataclasses
import math
import sys
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).parent))

from tutorial_data import tutorial_data  # noqa: E402

from models import build_model  # noqa: E402
from planner import report  # noqa: E402
from planner.report import SHEETS, write_report  # noqa: E402
from planner.results import PlanResults, extract  # noqa: E402
from planner.solve import solve  # noqa: E402

TABLES = {
    "Burden": "burden",
    "Spending": "spending",
    "Capabilities": "capabilities",
    "Coverage": "coverage",
    "Assignments": "assignments",
}
PROVENANCE = {
    "input_file": "inputs/tutorial.xlsx",
    "input_sha256": "0" * 64,
    "planner_version": "0.1.0",
    "solver": "HiGHS 1.x",
    "options": "time limit 600 s; MIP gap 0.01 %; elastic on",
    "run_at": "2025-01-01T00:00:00",
    "run_seconds": 1.25,
}


def _results(data) -> PlanResults:
    model = build_model(data)
    return extract(model, data, solve(model))


@pytest.fixture(scope="module")
def tutorial_results() -> PlanResults:
    return _results(tutorial_data())


@pytest.fixture(scope="module")
def report_book(tutorial_results, tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "tutorial.xlsx"
    assert write_report(tutorial_results, path, PROVENANCE, ["Members › row 3: unknown column"]) == path
    return openpyxl.load_workbook(path)


def _expected(value):
    """What a result value reads back as."""
    if value is None or (np.isscalar(value) and pd.isna(value)):
        return None
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (int, float, np.integer, np.floating)):
        return pytest.approx(float(value), rel=1e-12, abs=1e-12)
    return str(value)


def _table(ws, n_rows: int, n_cols: int) -> list[tuple]:
    return list(ws.iter_rows(min_row=2, max_row=n_rows + 1, max_col=n_cols, values_only=True))


def test_sheet_order(report_book):
    assert tuple(report_book.sheetnames) == SHEETS
    assert all(len(name) <= 31 for name in report_book.sheetnames)


@pytest.mark.parametrize("sheet", TABLES)
def test_tables_round_trip(report_book, tutorial_results, sheet):
    df = getattr(tutorial_results, TABLES[sheet])
    ws = report_book[sheet]
    n, k = len(df), len(df.columns)
    headers = [c.value for c in ws[1][:k]]
    assert all(isinstance(h, str) and h for h in headers)
    # each header is readable and names its raw column in its comment
    for cell, column in zip(ws[1][:k], df.columns):
        assert cell.comment is not None and f"column: {column}" in cell.comment.text
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(k)}{n + 1}"
    rows = _table(ws, n, k)
    assert len(rows) == n
    for got, want in zip(rows, df.itertuples(index=False, name=None)):
        assert list(got) == [_expected(v) for v in want]


def test_readable_headers(report_book):
    burden = [c.value for c in report_book["Burden"][1]]
    assert "Burden share (%)" in burden and "Fair share (%)" in burden
    assert "Plan cost, discounted (M USD)" in burden
    spending = [c.value for c in report_book["Spending"][1]]
    assert "Defence spending (% of GDP)" in spending


def test_one_burden_row_per_member(report_book, tutorial_results):
    ws = report_book["Burden"]
    members = list(tutorial_results.data.members.index)
    codes = [ws.cell(row=i, column=1).value for i in range(2, len(members) + 2)]
    assert codes == members
    assert ws.cell(row=len(members) + 2, column=1).value is None


def test_number_formats(report_book):
    ws = report_book["Burden"]
    header = {c.value: c.column for c in ws[1]}
    assert ws.cell(row=2, column=header["Plan cost, discounted (M USD)"]).number_format == "#,##0.0"
    assert ws.cell(row=2, column=header["Burden share (%)"]).number_format == "0.00"
    ws = report_book["Coverage"]
    header = {c.value: c.column for c in ws[1]}
    assert ws.cell(row=2, column=header["Required (units)"]).number_format == "0.0"


def test_charts(report_book):
    counts = {ws.title: len(ws._charts) for ws in report_book}
    assert counts["Burden"] >= 1 and counts["Spending"] >= 1 and counts["Coverage"] >= 1
    assert sum(counts.values()) >= 3
    for ws in report_book:
        for chart in ws._charts:
            assert chart.title is not None
            assert chart.x_axis.title is not None and chart.y_axis.title is not None
    burden_chart = report_book["Burden"]._charts[0]
    assert len(burden_chart.series) == 2
    spending_chart = report_book["Spending"]._charts[0]
    assert len(spending_chart.series) == 3


def test_spending_chart_data_selected_from_table(report_book, tutorial_results):
    data, sp = tutorial_results.data, tutorial_results.spending
    rows = report.spending_chart_rows(tutorial_results)
    assert [r[0] for r in rows] == list(data.members.index)
    for m, base, last, floor in rows:
        b = sp[(sp.member == m) & (sp.year == data.base_year)].iloc[0]
        e = sp[(sp.member == m) & (sp.year == data.last_year)].iloc[0]
        assert (base, last, floor) == (b.spending_pct_gdp, e.spending_pct_gdp, e.target_min_pct_gdp)
    # and the sheet holds them below the table
    ws = report_book["Spending"]
    codes = set(data.members.index)
    found = [r for r in ws.iter_rows(min_row=len(sp) + 2, values_only=True) if r[0] in codes]
    assert [r[:4] for r in found] == [tuple(_expected(v) for v in row) for row in rows]


def test_no_formulas_anywhere(report_book):
    for ws in report_book:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} holds a formula"


def test_summary(report_book, tutorial_results):
    ws = report_book["Summary"]
    assert ws["A1"].value == "Tutorial: plan report"
    assert ws["A2"].value.startswith("OPTIMAL")
    items = {r[0]: r[1:] for r in ws.iter_rows(values_only=True) if r[0] is not None}
    t = tutorial_results.totals
    assert items["Status"][0] == "optimal"
    assert items["Objective"][0] == pytest.approx(t["objective"])
    assert items["Plan cost"][0] == pytest.approx(t["plan_cost_musd"])
    assert items["Requirements short"][0] == t["requirements_short"]
    assert items["Members"][0] == 3
    assert items["Input SHA-256"][0] == "0" * 64
    assert items["Run time"][0] == pytest.approx(1.25)
    assert "Members › row 3: unknown column" in items
    for sheet in SHEETS:
        assert sheet in items  # a "how to read" note per sheet


def test_not_optimal_is_marked(tutorial_results, tmp_path):
    late = dataclasses.replace(tutorial_results.solve, status="time limit", gap=0.0123)
    results = dataclasses.replace(tutorial_results, solve=late)
    wb = openpyxl.load_workbook(write_report(results, tmp_path / "r.xlsx", PROVENANCE, []))
    top = wb["Summary"]["A2"].value
    assert top.startswith("TIME LIMIT: best plan found") and "1.23 %" in top


def test_shortfall_is_marked(tutorial_results, tmp_path):
    totals = dict(tutorial_results.totals, requirements_short=2, shortfall_unit_years=1.5)
    results = dataclasses.replace(tutorial_results, totals=totals)
    wb = openpyxl.load_workbook(write_report(results, tmp_path / "r.xlsx", PROVENANCE, []))
    assert wb["Summary"]["A3"].value.startswith("SHORTFALL: 2 of 4 requirements")


def test_text_from_inputs_stays_text(tmp_path):
    data = tutorial_data()
    data.members.loc["ARL", "name"] = '=HYPERLINK("x")'
    data.name = "=1+1"
    results = _results(data)
    results.coverage.loc[0, "provided_by"] = "+ARL 2"
    results.assignments.loc[0, "member"] = "@SUM(A1)"
    warnings = ["-bad warning", "=cmd|' /C calc'!A0", "\tTab", "ctrl\x01char"]
    path = write_report(results, tmp_path / "r.xlsx", PROVENANCE, warnings)
    wb = openpyxl.load_workbook(path)
    cells = {c.value: c for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    for text in ['=HYPERLINK("x")', "=1+1: plan report", "+ARL 2", "@SUM(A1)", "-bad warning",
                 "=cmd|' /C calc'!A0", "\tTab", "ctrlchar"]:
        assert text in cells, text
        assert cells[text].data_type == "s"
    assert wb["Burden"]["B2"].value == '=HYPERLINK("x")'
    assert all(c.data_type != "f" for ws in wb for row in ws.iter_rows() for c in row)


def test_blanks_booleans_and_infinity(tutorial_results, tmp_path):
    burden = tutorial_results.burden.copy()
    burden["within_band"] = [True, False, None]
    burden.loc[0, "band_low_pct"] = 1.0
    burden.loc[1, "deviation_pp"] = math.inf
    burden["extra_cost_musd"] = 2.0  # a column the report does not know yet
    results = dataclasses.replace(tutorial_results, burden=burden)
    wb = openpyxl.load_workbook(write_report(results, tmp_path / "r.xlsx", PROVENANCE, []))
    ws = wb["Burden"]
    header = {c.value: c.column for c in ws[1]}
    col = header["Within band"]
    assert [ws.cell(row=i, column=col).value for i in (2, 3, 4)] == ["yes", "no", None]
    col = header["Fair band, low (%)"]
    assert [ws.cell(row=i, column=col).value for i in (2, 3, 4)] == [1, None, None]
    assert ws.cell(row=3, column=header["Deviation from fair share (pp)"]).value == "inf"
    assert ws.cell(row=2, column=header["Extra cost (M USD)"]).number_format == "#,##0.0"


def test_creates_parent_directory(tutorial_results, tmp_path):
    path = tmp_path / "a" / "b" / "r.xlsx"
    write_report(tutorial_results, path, PROVENANCE, [])
    assert path.is_file()
    assert sorted(p.name for p in path.parent.iterdir()) == ["r.xlsx"]


def test_failure_while_building_writes_nothing(tutorial_results, tmp_path, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(report, "_coverage_chart", boom)
    target = tmp_path / "r.xlsx"
    with pytest.raises(RuntimeError, match="boom"):
        write_report(tutorial_results, target, PROVENANCE, [])
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_failure_while_saving_leaves_no_temp_file(tutorial_results, tmp_path, monkeypatch):
    real_save = Workbook.save

    def half_save(self, filename):
        real_save(self, filename)  # the temporary file exists, fully written …
        raise OSError("disk full")  # … and then the save fails

    monkeypatch.setattr(Workbook, "save", half_save)
    target = tmp_path / "r.xlsx"
    with pytest.raises(OSError, match="disk full"):
        write_report(tutorial_results, target, PROVENANCE, [])
    assert list(tmp_path.iterdir()) == []


def test_failure_keeps_the_previous_report(tutorial_results, tmp_path, monkeypatch):
    target = tmp_path / "r.xlsx"
    target.write_bytes(b"previous")
    monkeypatch.setattr(report, "_write_table", lambda *a, **k: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        write_report(tutorial_results, target, PROVENANCE, [])
    assert target.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["r.xlsx"]


def test_long_coverage_is_charted_by_its_shortfalls():
    n = 200
    coverage = pd.DataFrame({
        "capability": ["BDE"] * n, "region": ["EAST"] * n, "year": [2025 + i % 10 for i in range(n)],
        "required_units": 3.0, "provided_units": 3.0, "shortfall_units": 0.0,
        "marginal_cost_musd": np.nan, "provided_by": "ARL 3",
    })
    title, rows = report.coverage_chart_rows(coverage, 2034)
    assert len(rows) == 20 and all(r[0] == "BDE EAST 2034" for r in rows) and "2034" in title
    coverage.loc[[5, 17], ["provided_units", "shortfall_units"]] = [[1.0, 2.0], [2.5, 0.5]]
    title, rows = report.coverage_chart_rows(coverage, 2034)
    assert rows == [("BDE EAST 2030", 3.0, 1.0, 2.0), ("BDE EAST 2032", 3.0, 2.5, 0.5)]
    assert title.startswith("Requirements with a shortfall (2 of 200)")
    title, rows = report.coverage_chart_rows(coverage.head(10), 2034)
    assert len(rows) == 10
