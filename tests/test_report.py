"""Round trip of the Excel report: write the tutorial's report (one scenario, no sites) and
the report of a small plan with scenarios and sites, read them back with openpyxl."""

from __future__ import annotations

import dataclasses
import math
import re
import sys
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from openpyxl import Workbook
from openpyxl.utils.cell import range_boundaries

sys.path.insert(0, str(Path(__file__).parent))

from builders import plan
from tutorial_data import tutorial_data

from models import build_model
from planner import report
from planner.report import SHEETS, write_report
from planner.results import PlanResults, extract
from planner.solve import solve
from planner.xlsx import WriteError

TABLES = {
    "Burden": "burden",
    "Spending": "spending",
    "Capabilities": "capabilities",
    "Coverage": "coverage",
    "Scenarios": "scenarios",
    "Deployment": "deployment",
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


def sites_data():
    """Two members, one capability, three scenarios (warning 10 days, 30 days, none), two sites.

    A's home is 20 days away, B's 5 days; A may keep sets at its site K1 (2 days away,
    capacity 2). With 10 days of warning A can only come by drawing sets at K1, so K1
    opens and holds 2 sets; B comes from home for the third unit of 2026. K2 (B's) is
    too dear to open.
    """
    sites = pd.DataFrame(
        {"name": ["North depot", "South depot"], "host": ["A", "B"], "region": ["EAST", "EAST"],
         "fixed_cost": [1.0, 100.0], "upkeep": [0.5, 1.0], "capacity": [2.0, 2.0], "existing": [False, False]},
        index=pd.Index(["K1", "K2"], name="site"),
    )
    prepositioning = pd.DataFrame(
        {"set_cost": [0.5], "storage_cost": [0.1], "set_size": [1.0], "can_draw": [True]},
        index=pd.Index(["BDE"], name="capability"))
    route = {"capability": None, "region": "EAST", "mode": "any"}
    transit = pd.DataFrame([
        {"from_member": "A", "from_site": None, **route, "days": 20.0, "cost": 1.0},
        {"from_member": "B", "from_site": None, **route, "days": 5.0, "cost": 2.0},
        {"from_member": None, "from_site": "K1", **route, "days": 2.0, "cost": 0.1},
        {"from_member": None, "from_site": "K2", **route, "days": 3.0, "cost": 0.1},
    ])
    scenarios = pd.DataFrame(
        {"name": ["Short warning", "Long warning", "No limit"], "probability": [0.4, 0.4, 0.2],
         "warning_days": [10.0, 30.0, math.inf], "scale": [1.0, 1.0, 0.5]},
        index=pd.Index(["S1", "S2", "S3"], name="scenario"),
    )
    return plan(
        {"A": (100.0, 2.0), "B": (50.0, 1.0)},
        forces={("A", "BDE"): {"existing": 2.0}, ("B", "BDE"): {"existing": 1.0}},
        requirements={("BDE", "EAST", 2025): 2.0, ("BDE", "EAST", 2026): 3.0},
        years=(2025, 2026),
        sites=sites, prepositioning=prepositioning, transit=transit, scenarios=scenarios,
    )


@pytest.fixture(scope="module")
def tutorial_results() -> PlanResults:
    return _results(tutorial_data())


@pytest.fixture(scope="module")
def report_book(tutorial_results, tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "tutorial.xlsx"
    assert write_report(tutorial_results, path, PROVENANCE, ["Members › row 3: unknown column"]) == path
    return openpyxl.load_workbook(path)


@pytest.fixture(scope="module")
def sites_results() -> PlanResults:
    results = _results(sites_data())
    assert results.solve.status == "optimal"
    return results


@pytest.fixture(scope="module")
def sites_book(sites_results, tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "sites.xlsx"
    write_report(sites_results, path, PROVENANCE, [])
    return openpyxl.load_workbook(path)


BOOKS = {"tutorial": ("tutorial_results", "report_book"), "sites": ("sites_results", "sites_book")}


def _book(request, which: str):
    results, book = BOOKS[which]
    return request.getfixturevalue(results), request.getfixturevalue(book)


def _expected(value):
    """What a result value reads back as."""
    if value is None or value is pd.NA or (np.isscalar(value) and pd.isna(value)) or value == "":
        return None
    if isinstance(value, (float, np.floating)) and math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (int, float, np.integer, np.floating)):
        return pytest.approx(float(value), rel=1e-12, abs=1e-12)
    return str(value)


def _table(ws, n_rows: int, n_cols: int) -> list[tuple]:
    return list(ws.iter_rows(min_row=2, max_row=n_rows + 1, max_col=n_cols, values_only=True))


def written_table(results, sheet: str) -> pd.DataFrame:
    """The table a sheet holds: the result table, with each member's bill explained (Burden)
    and the capability's unit and whole parts (Capabilities, Coverage, Deployment)."""
    from planner.units import granularity

    df = getattr(results, TABLES.get(sheet, "sites"))
    if sheet == "Burden":
        return report.burden_with_bills(results)
    if sheet in ("Capabilities", "Coverage", "Deployment"):
        return report.with_unit(df, granularity(results.data))
    if sheet == "Scenarios":  # the shortfall in words is the terminal's; the sheet has it per capability below
        return df.drop(columns="shortfall")
    return df


def _check_table(ws, df, header_row: int = 1) -> None:
    """`df` reads back from `ws` with its header in `header_row`: readable headers that name
    their raw column in a comment, and every value."""
    n, k = len(df), len(df.columns)
    headers = [c.value for c in ws[header_row][:k]]
    assert all(isinstance(h, str) and h for h in headers)
    for cell, column in zip(ws[header_row][:k], df.columns):
        assert cell.comment is not None and f"column: {column}" in cell.comment.text
    rows = list(ws.iter_rows(min_row=header_row + 1, max_row=header_row + n, max_col=k, values_only=True))
    assert len(rows) == n
    for got, want in zip(rows, df.itertuples(index=False, name=None)):
        assert list(got) == [_expected(v) for v in want]


@pytest.mark.parametrize("which", BOOKS)
def test_sheet_order(request, which):
    _, book = _book(request, which)
    assert tuple(book.sheetnames) == SHEETS
    assert SHEETS == ("Overview", "Summary", "Burden", "Spending", "Capabilities", "Coverage", "Provider changes",
                      "Scenarios", "Deployment", "Sites", "Robustness", "Sensitivity")
    assert all(len(name) <= 31 for name in book.sheetnames)


@pytest.mark.parametrize("which", BOOKS)
@pytest.mark.parametrize("sheet", [*TABLES, "Sites"])
def test_tables_round_trip(request, which, sheet):
    results, book = _book(request, which)
    df = written_table(results, sheet)
    if df.empty:
        return  # an empty Sites table: test_sites_sheet_without_sites
    ws = book[sheet]
    n, k = len(df), len(df.columns)
    _check_table(ws, df)
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(k)}{n + 1}"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1


def test_sites_sheet_with_sites(sites_book, sites_results):
    sites, stocks = sites_results.sites, sites_results.site_stocks
    assert list(sites["site"]) == ["K1", "K2"] and list(sites["open"]) == [True, False]
    assert len(stocks) == 1
    ws = sites_book["Sites"]
    headers = [c.value for c in ws[1]]
    assert headers[:6] == ["Site", "Name", "Host", "Region", "Existing", "Open"]
    assert headers[8:13] == ["Capacity (capacity slots)", "Sets held", "Room used (capacity slots)",
                             "Utilisation (%)", "Users"]
    assert "Upkeep (M USD/year)" in headers
    room = ws.cell(row=1, column=headers.index("Room used (capacity slots)") + 1)
    assert "column: room_used" in room.comment.text and "set size" in room.comment.text
    assert ws.cell(row=2, column=room.column).number_format == "0.0"
    assert "Site name" in ws["B1"].comment.text  # not "Member name"
    assert ws.cell(row=2, column=headers.index("Upkeep (M USD/year)") + 1).number_format == "#,##0.0"
    # the equipment sets: a titled table of their own below the sites, with their own header
    top = len(sites) + 4
    assert ws.cell(row=top, column=1).value == "Equipment sets per site, owner and capability"
    assert [c.value for c in ws[top + 1]][:6] == [
        "Site", "Owner", "Capability", "Sets (sets)", "Set cost (M USD)", "Storage cost (M USD/year)"]
    _check_table(ws, stocks, header_row=top + 1)
    assert ws.max_row == top + 1 + len(stocks)  # the chart plots the sites table itself
    # the filter covers the sites table only
    assert ws.auto_filter.ref == f"A1:M{len(sites) + 1}"


def test_sites_sheet_without_sites(report_book, tutorial_results):
    assert tutorial_results.sites.empty
    ws = report_book["Sites"]
    assert ws["A1"].value == report.NO_SITES
    assert (ws.max_row, ws.max_column) == (1, 1)
    assert ws._charts == []


def test_sites_without_sets(sites_results, tmp_path):
    stocks = sites_results.site_stocks.iloc[0:0]
    results = dataclasses.replace(sites_results, site_stocks=stocks)
    ws = openpyxl.load_workbook(write_report(results, tmp_path / "r.xlsx", PROVENANCE, []))["Sites"]
    top = len(sites_results.sites) + 4
    assert ws.cell(row=top + 1, column=1).value == report.NO_SETS


MONEY_WITH_PENALTY = re.compile(  # "cost (… penalty)", "cost … plus / including … penalty"
    r"\b(cost|costs|money|spending)\b(\s*\([^)]*|[^.;:]*\b(plus|includ\w*|incl\.|sum of)\b[^.;:]*)penalt",
    re.IGNORECASE)


def test_how_to_read_never_counts_a_penalty_as_money(sites_book):
    """Every 'How to read' text on the Summary: no cost or money said to include a penalty;
    a penalty named there is called a modelling weight."""
    ws = sites_book["Summary"]
    rows = [r[0].row for r in ws.iter_rows(min_col=1, max_col=1) if r[0].value == "How to read this report"]
    assert rows
    notes = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=2).value
             for r in range(rows[0] + 1, ws.max_row + 1) if ws.cell(row=r, column=2).value}
    assert "Scenarios" in notes and "Coverage" in notes
    for sheet, note in notes.items():
        assert "total cost" not in note.lower(), sheet
        for clause in re.split(r"(?<=\.) ", note):
            if "penalt" in clause.lower():
                assert "modelling weight" in clause and not MONEY_WITH_PENALTY.search(clause), (sheet, clause)


def test_readable_headers(report_book):
    burden = [c.value for c in report_book["Burden"][1]]
    assert "Burden share (%)" in burden and "Fair share (%)" in burden
    assert "Plan cost, discounted (M USD)" in burden
    assert "Common-funding share (%)" in burden and "Common-funded cost, discounted (M USD)" in burden
    spending = [c.value for c in report_book["Spending"][1]]
    assert "Defence spending (% of GDP)" in spending
    deployment = [c.value for c in report_book["Deployment"][1]][:12]  # the chart's data follow, right of it
    assert deployment == ["Scenario", "Member", "Capability", "Unit", "Region", "Year", "Source", "Units (units)",
                          "Parts", "Arrival day (days)", "Warning time (days)", "Transit cost (M USD)"]
    assert report_book["Coverage"]["A1"].value == "Scenario"
    scenarios = [c.value for c in report_book["Scenarios"][1]]
    assert scenarios == ["Scenario", "Name", "Probability (%)", "Warning time (days)", "Requirements",
                         "Requirements short", "Transit cost, discounted (M USD)",
                         "Shortfall penalty (model units, not money)"]
    notes = [c.comment.text for c in report_book["Scenarios"][1]]
    assert "Scenario name" in notes[1] and "Coverage" in notes[5]
    assert "discounted" in notes[7] and "not discounted" not in notes[7]


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


def test_new_number_formats(sites_book):
    ws = sites_book["Burden"]
    header = {c.value: c.column for c in ws[1]}
    assert ws.cell(row=2, column=header["Common-funding share (%)"]).number_format == "0.00"
    assert ws.cell(row=2, column=header["Common-funded cost, discounted (M USD)"]).number_format == "#,##0.0"
    ws = sites_book["Deployment"]
    header = {c.value: c.column for c in ws[1]}
    assert ws.cell(row=2, column=header["Arrival day (days)"]).number_format == "0.0"
    assert ws.cell(row=2, column=header["Transit cost (M USD)"]).number_format == "#,##0.0"
    assert ws.cell(row=2, column=header["Year"]).number_format == "0"
    ws = sites_book["Scenarios"]
    header = {c.value: c.column for c in ws[1]}
    formats = {h: ws.cell(row=2, column=j).number_format for h, j in header.items()}
    assert formats["Probability (%)"] == "0.00" and formats["Warning time (days)"] == "0.0"
    assert formats["Requirements"] == formats["Requirements short"] == "0"
    assert formats["Transit cost, discounted (M USD)"] == formats["Shortfall penalty (model units, not money)"] == "#,##0.0"
    # no warning limit reads "inf", as in Deployment
    assert ws.cell(row=4, column=header["Warning time (days)"]).value == "inf"


@pytest.mark.parametrize("which", BOOKS)
def test_charts(request, which):
    _, book = _book(request, which)
    counts = {ws.title: len(ws._charts) for ws in book}
    assert counts == {"Overview": 0, "Summary": 0, "Burden": 1, "Spending": 1, "Capabilities": 0, "Coverage": 1,
                      "Provider changes": 0, "Scenarios": 1, "Deployment": 1, "Sites": 1 if which == "sites" else 0, "Robustness": 0,
                      "Sensitivity": 0}
    for ws in book:
        for chart in ws._charts:
            assert chart.title is not None
            assert chart.x_axis.title is not None and chart.y_axis.title is not None
            assert chart.x_axis.delete is False and chart.y_axis.delete is False
    burden_chart = book["Burden"]._charts[0]
    assert len(burden_chart.series) == 2
    spending_chart = book["Spending"]._charts[0]  # a line per member (the largest spenders)
    assert spending_chart.tagname == "lineChart"
    assert 1 <= len(spending_chart.series) <= min(report.MAX_SPENDING_LINES, len(book["Burden"]["A"]) - 1)


def _cells(book, ref: str) -> list:
    """Values of the cells a chart reference such as 'Deployment'!$C$14:$C$15 points to."""
    sheet, cells = ref.rsplit("!", 1)
    min_col, min_row, max_col, max_row = range_boundaries(cells.replace("$", ""))
    ws = book[sheet.strip("'")]
    return [v for row in ws.iter_rows(min_row=min_row, max_row=max_row, min_col=min_col,
                                      max_col=max_col, values_only=True) for v in row]


def test_sites_chart(sites_book, sites_results):
    chart = sites_book["Sites"]._charts[0]
    assert "capacity" in _title(chart) and "Room used" in _title(chart)
    sites = sites_results.sites
    assert [_cells(sites_book, s.tx.strRef.f)[0] for s in chart.series] == [
        "Room used (capacity slots)", "Capacity (capacity slots)"]
    assert [_cells(sites_book, s.val.numRef.f) for s in chart.series] == [
        pytest.approx(list(sites["room_used"])), pytest.approx(list(sites["capacity_sets"]))]
    assert _cells(sites_book, chart.series[0].cat.strRef.f) == list(sites["site"])


def test_sites_chart_plots_room_used_not_sets(sites_results, tmp_path):
    """Bulky sets (set size 2): the chart plots the room they use, not their number."""
    sites = sites_results.sites.copy()
    sets = sites_results.site_stocks.groupby("site")["sets"].sum().reindex(sites["site"]).fillna(0).to_numpy()
    sites["room_used"] = 2 * sets
    sites["utilisation_pct"] = 100 * sites["room_used"] / sites["capacity_sets"]
    book = openpyxl.load_workbook(write_report(dataclasses.replace(sites_results, sites=sites),
                                               tmp_path / "r.xlsx", PROVENANCE, []))
    (chart,) = book["Sites"]._charts
    room = _cells(book, chart.series[0].val.numRef.f)
    assert room == pytest.approx(list(sites["room_used"])) and room != pytest.approx(list(sets))


def test_long_sites_table_chart_data_below(sites_results):
    """More than MAX_CHART_SITES sites: the chart plots room used and capacity of the open
    sites, selected below the tables."""
    n = report.MAX_CHART_SITES + 10
    one = sites_results.sites.iloc[[0]]
    sites = pd.concat([one] * n, ignore_index=True)
    sites["site"] = [f"K{i}" for i in range(n)]
    sites["open"] = [i % 7 == 0 for i in range(n)]
    sites["room_used"] = [float(i) for i in range(n)]
    wb = Workbook()
    ws = wb.active
    report.write_sites(ws, sites, sites_results.site_stocks, "USD")
    (chart,) = ws._charts
    assert [_cells(wb, s.tx.strRef.f)[0] for s in chart.series] == [
        "Room used (capacity slots)", "Capacity (capacity slots)"]
    opened = sites[sites["open"]]
    assert _cells(wb, chart.series[0].val.numRef.f) == pytest.approx(list(opened["room_used"]))
    assert _cells(wb, chart.series[1].val.numRef.f) == pytest.approx(list(opened["capacity_sets"]))
    assert _cells(wb, chart.series[0].cat.strRef.f) == list(opened["site"])


def test_scenarios_chart(sites_book, sites_results):
    """One bar per scenario: its requirements short (counted: units of different capabilities are
    never added), from a selection below the Scenarios tables."""
    sc = sites_results.scenarios
    ws = sites_book["Scenarios"]
    (chart,) = ws._charts
    assert chart.tagname == "barChart" and len(chart.series) == 1
    assert "not fully met" in _title(chart)
    (series,) = chart.series
    assert _cells(sites_book, series.tx.strRef.f) == ["Requirements short"]
    assert _cells(sites_book, series.val.numRef.f) == list(sc["requirements_short"])  # exact: counts
    assert _cells(sites_book, series.cat.strRef.f) == ["S1 (10 days)", "S2 (30 days)", "S3 (no limit)"]
    # the chart data sit below the tables; the filter covers the table only
    assert ws.auto_filter.ref == f"A1:H{len(sc) + 1}"
    first_row = range_boundaries(series.val.numRef.f.split("!")[1].replace("$", ""))[1]
    assert first_row > len(sc) + len(sites_results.scenario_capabilities) + 4


def test_scenarios_per_capability_below_the_table(sites_book, sites_results):
    """Per scenario and capability, the unit-years in the capability's own unit, below the table."""
    ws = sites_book["Scenarios"]
    table = sites_results.scenario_capabilities
    header = len(sites_results.scenarios) + 4
    headers = [c.value for c in ws[header]][:9]
    assert headers[:3] == ["Scenario", "Capability", "Unit"]
    assert "Required (unit-years)" in headers and "Shortfall (unit-years)" in headers
    got = [ws.cell(row=header + 1 + i, column=headers.index("Required (unit-years)") + 1).value
           for i in range(len(table))]
    assert got == pytest.approx(list(table["required_unit_years"]))


def test_scenarios_chart_rows():
    n = report.MAX_CHART_SCENARIO_BARS + 5
    sc = pd.DataFrame({"scenario": [f"S{i}" for i in range(n)], "warning_days": 7.0, "requirements_short": 0,
                       "requirements": 10})
    sc.loc[n - 1, "warning_days"] = math.inf
    title, rows = report.scenarios_chart_rows(sc)
    assert len(rows) == report.MAX_CHART_SCENARIO_BARS and rows[0] == ("S0 (7 days)", 0, 10)  # exact: selected
    assert f"first {report.MAX_CHART_SCENARIO_BARS}" in title and "no scenario is short" in title
    sc.loc[[3, n - 1], "requirements_short"] = [1, 2]
    title, rows = report.scenarios_chart_rows(sc)
    assert rows == [("S3 (7 days)", 1, 10), (f"S{n - 1} (no limit)", 2, 10)]  # exact: selected, not computed
    assert title.startswith(f"Scenarios with a requirement not fully met (2 of {n})")
    title, rows = report.scenarios_chart_rows(sc.head(4))
    assert title == "Requirements not fully met per scenario" and len(rows) == 4
    assert report.scenarios_chart_rows(sc.iloc[0:0])[1] == []


def _title(chart) -> str:
    return "".join(r.t for p in chart.title.tx.rich.p for r in (p.r or []))


def test_deployment_chart_rows(sites_results):
    dep = sites_results.deployment
    title, scenarios, rows = report.deployment_chart_rows(dep)
    assert scenarios == [("S1", 10.0), ("S2", 30.0), ("S3", math.inf)]  # exact: input; shortest warning first
    year = report.deployment_chart_year(dep)
    assert year == dep["year"].max() and str(year) in title  # one year: the plan's end state
    counts = dep[dep.year == year].groupby(["scenario", "arrival_day"]).size()
    assert {(s, d): n for s, _, d, n, _ in rows} == counts.to_dict()  # deployments counted, units never added
    assert rows == sorted(rows, key=lambda r: ([s for s, _ in scenarios].index(r[0]), r[2]))
    assert all(day <= w for _, w, day, _, _ in rows)  # as the model guarantees, so the chart shows
    assert "Deployments arriving" in title and "warning time" in title
    lines = report.warning_line_rows(scenarios, rows)
    top = max(r[3] for r in rows)
    assert lines == [("S1", 10.0, 0), ("S1", 10.0, top), ("S2", 30.0, 0), ("S2", 30.0, top)]  # exact: selected


def test_deployment_chart(sites_book, sites_results):
    """One marker series per scenario (deployments per arrival day) and one dashed line per finite
    warning time; every marker lies left of its scenario's line."""
    ws = sites_book["Deployment"]
    (chart,) = ws._charts
    assert chart.tagname == "scatterChart"
    titles = [s.tx.v for s in chart.series]
    assert titles == ["S1 (warning 10 days)", "S2 (warning 30 days)", "S3 (no warning limit)",
                      "S1 warning time", "S2 warning time"]
    xs = {t: _cells(sites_book, s.xVal.numRef.f) for t, s in zip(titles, chart.series)}
    ys = {t: _cells(sites_book, s.yVal.numRef.f) for t, s in zip(titles, chart.series)}
    dep = sites_results.deployment
    year = report.deployment_chart_year(dep)
    for sc, w in (("S1", 10.0), ("S2", 30.0)):
        label = f"{sc} (warning {w:g} days)"
        mine = dep[(dep.scenario == sc) & (dep.year == year)].groupby("arrival_day").size()
        assert xs[label] == pytest.approx(list(mine.index)) and ys[label] == list(mine)
        assert xs[f"{sc} warning time"] == pytest.approx([w, w])
        assert max(xs[label]) <= min(xs[f"{sc} warning time"])
    assert xs["S3 (no warning limit)"] == pytest.approx([2.0])
    assert "Deployments arriving" in chart.y_axis.title.tx.rich.p[0].r[0].t
    # the chart data sit right of the Deployment table (printed with the chart), not inside it
    assert ws.auto_filter.ref == f"A1:L{len(dep) + 1}"  # with the capability's unit and the parts deployed
    first_col = range_boundaries(chart.series[0].xVal.numRef.f.split("!")[1].replace("$", ""))[0]
    assert first_col > len(dep.columns) + 2 + 1


def test_arrival_chart_log_scale():
    rows = [("S1", 7.0, 0.0, 800, "A"), ("S1", 7.0, 5.0, 3, "A"), ("S2", math.inf, 3.0, 2, "B")]
    assert report.arrival_log_scale(rows)
    lines = report.warning_line_rows([("S1", 7.0), ("S2", math.inf)], rows)
    assert lines == [("S1", 7.0, 2), ("S1", 7.0, 800)]  # exact: selected; from the fewest, not 0
    assert not report.arrival_log_scale([("S1", 7.0, 0.0, 5, "A"), ("S1", 7.0, 1.0, 1, "A")])


def test_deployment_chart_keeps_the_shortest_warnings():
    n = report.MAX_CHART_SCENARIOS + 3
    dep = pd.DataFrame({
        "scenario": [f"S{i:02d}" for i in range(n)], "member": "A", "capability": "BDE", "region": "EAST",
        "year": 2025, "source": "home", "units": 1.0, "arrival_day": 1.0,
        "warning_days": [float(100 - i) for i in range(n)], "transit_cost_musd": 0.0,
    })
    title, scenarios, rows = report.deployment_chart_rows(dep)
    assert len(scenarios) == report.MAX_CHART_SCENARIOS and len(rows) == report.MAX_CHART_SCENARIOS
    assert [w for _, w in scenarios] == sorted(dep["warning_days"])[: report.MAX_CHART_SCENARIOS]
    assert f"{report.MAX_CHART_SCENARIOS} of {n} scenarios" in title
    assert report.deployment_chart_rows(dep.iloc[0:0]) == ("", [], [])


def test_empty_deployment(tutorial_results, tmp_path):
    results = dataclasses.replace(tutorial_results, deployment=tutorial_results.deployment.iloc[0:0])
    ws = openpyxl.load_workbook(write_report(results, tmp_path / "r.xlsx", PROVENANCE, []))["Deployment"]
    assert ws["A3"].value == report.NO_DEPLOYMENT and ws._charts == []


def test_long_sites_table_charts_open_sites():
    n = report.MAX_CHART_SITES + 10
    sites = pd.DataFrame({"site": [f"K{i}" for i in range(n)], "open": [i % 7 == 0 for i in range(n)],
                          "sets": 1.0, "room_used": 1.0, "capacity_sets": 2.0})
    title, pick = report.sites_chart_rows(sites)
    assert list(pick["site"]) == [f"K{i}" for i in range(0, n, 7)]
    assert title.startswith(f"Open sites ({len(pick)} of {n})")
    title, pick = report.sites_chart_rows(sites.head(5))
    assert len(pick) == 5


def test_spending_chart_data_selected_from_table(report_book, tutorial_results):
    """Every member's % of GDP in every year (and its last year's floor), selected from the
    Spending table, right of it; the chart draws a line per member for the largest spenders."""
    data, sp = tutorial_results.data, tutorial_results.spending
    years, rows = report.spending_chart_rows(tutorial_results)
    assert years == sorted(sp["year"].unique()) and years[0] == data.base_year
    assert sorted(r[0] for r in rows) == sorted(data.members.index)
    for m, *shares, floor in rows:
        mine = sp[sp.member == m].set_index("year")
        assert shares == [mine.at[y, "spending_pct_gdp"] for y in years]
        assert floor == mine.at[data.last_year, "target_min_pct_gdp"]
    ws = report_book["Spending"]
    col = len(sp.columns) + 1 + report.CHART_GAP_COLUMNS
    found = list(ws.iter_rows(min_row=2, max_row=len(rows) + 1, min_col=col, max_col=col + len(years) + 1,
                              values_only=True))
    assert found == [tuple(_expected(v) for v in row) for row in rows]
    (chart,) = ws._charts
    drawn = [_cells(report_book, s.tx.strRef.f)[0] for s in chart.series]
    assert drawn == report.spending_chart_members(tutorial_results)


def test_no_formulas_anywhere(report_book):
    for ws in report_book:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} holds a formula"


def _summary_items(ws) -> dict:
    """Summary rows by their first cell; the first of two rows with the same label (the key
    figure "Scenarios" and the how-to-read note on the Scenarios sheet) wins."""
    items: dict = {}
    for r in ws.iter_rows(values_only=True):
        if r[0] is not None:
            items.setdefault(r[0], r[1:])
    return items


def test_summary(report_book, tutorial_results):
    ws = report_book["Summary"]
    assert ws["A1"].value == "Tutorial: plan report"
    assert ws["A2"].value.startswith("OPTIMAL")
    items = _summary_items(ws)
    t = tutorial_results.totals
    assert items["Status"][0] == "optimal"
    assert items["Objective"][0] == pytest.approx(t["objective"])
    assert items["Cost of the plan"][0] == pytest.approx(t["money_cost_musd"])
    assert items["  Spending added"][0] == pytest.approx(t["plan_cost_musd"])
    assert items["Cost of the plan"][0] == pytest.approx(t["plan_cost_musd"] + t["deployment_cost_musd"])
    assert "NOT money" in items["Penalty weight"][1] and "not a cost" in items["Objective"][1]
    assert items["Requirements short"][0] == t["requirements_short"]
    assert items["Members"][0] == 3
    assert items["Input SHA-256"][0] == "0" * 64
    assert items["Run time"][0] == pytest.approx(1.25)
    assert "Members › row 3: unknown column" in items
    for sheet in SHEETS:
        assert sheet in items  # a "how to read" note per sheet
    assert items["Scenarios"][0] == 1 and items["Sites open"][0] == 0
    assert items["Expected shortfall"][0] == pytest.approx(t["expected_shortfall_unit_years"])


def test_summary_new_totals(sites_book, sites_results):
    items = _summary_items(sites_book["Summary"])
    t = sites_results.totals
    assert items["  Expected transit"][0] == pytest.approx(t["deployment_cost_musd"])
    assert "M USD" in items["  Expected transit"][1]
    assert items["  Common-funded site cost"][0] == pytest.approx(t["site_cost_musd"])
    assert "M USD" in items["  Common-funded site cost"][1]
    assert items["Sites open"] == (1, "of 2 sites in the input")
    assert items["Scenarios"][0] == 3
    # the expected shortfall, next to the shortfall summed over scenarios
    names = [r[0] for r in sites_book["Summary"].iter_rows(values_only=True)]
    assert names.index("Expected shortfall") == names.index("Shortfall") + 1
    assert items["Expected shortfall"] == (pytest.approx(t["expected_shortfall_unit_years"]),
                                           "unit-years, weighted by scenario probability")
    per = sites_results.scenario_capabilities  # one capability here, so unit-years of it add up
    weights = per["scenario"].map(dict(zip(sites_results.scenarios["scenario"], sites_results.scenarios["probability_pct"] / 100)))
    assert t["expected_shortfall_unit_years"] == pytest.approx((weights * per["shortfall_unit_years"]).sum())
    assert t["site_cost_musd"] == pytest.approx(2.0)  # K1: fixed 1 + upkeep 0.5 × 2 years, undiscounted
    assert sites_results.burden["common_funded_cost_musd"].sum() == pytest.approx(t["site_cost_musd"])


def test_not_optimal_is_marked(tutorial_results, tmp_path):
    late = dataclasses.replace(tutorial_results.solve, status="time limit", gap=0.0123)
    results = dataclasses.replace(tutorial_results, solve=late)
    wb = openpyxl.load_workbook(write_report(results, tmp_path / "r.xlsx", PROVENANCE, []))
    top = wb["Summary"]["A2"].value
    assert top.startswith("TIME LIMIT: best plan found") and "1.23 %" in top


def test_shortfall_is_marked(tutorial_results, tmp_path):
    totals = dict(tutorial_results.totals, requirements_short=2, shortfall_unit_years=1.5,
                  expected_shortfall_unit_years=0.6)
    results = dataclasses.replace(tutorial_results, totals=totals)
    wb = openpyxl.load_workbook(write_report(results, tmp_path / "r.xlsx", PROVENANCE, []))
    assert wb["Summary"]["A3"].value.startswith("SHORTFALL: 2 of 4 requirements")
    items = _summary_items(wb["Summary"])
    assert items["Shortfall"][0] == pytest.approx(1.5) and items["Expected shortfall"][0] == pytest.approx(0.6)


def test_text_from_inputs_stays_text(tmp_path):
    data = tutorial_data()
    data.members.loc["ARL", "name"] = '=HYPERLINK("x")'
    data.name = "=1+1"
    results = _results(data)
    results.coverage.loc[0, "provided_by"] = "+ARL 2"
    results.deployment.loc[0, "member"] = "@SUM(A1)"
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
    with pytest.raises(WriteError, match="disk full"):
        write_report(tutorial_results, target, PROVENANCE, [])
    assert list(tmp_path.iterdir()) == []


def test_failure_keeps_the_previous_report(tutorial_results, tmp_path, monkeypatch):
    target = tmp_path / "r.xlsx"
    target.write_bytes(b"previous")
    monkeypatch.setattr(report, "write_result_table", lambda *a, **k: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        write_report(tutorial_results, target, PROVENANCE, [])
    assert target.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["r.xlsx"]


def test_long_coverage_is_charted_by_its_shortfalls():
    n = 200
    coverage = pd.DataFrame({
        "scenario": "BASE", "capability": ["BDE"] * n, "region": ["EAST"] * n, "year": [2025 + i % 10 for i in range(n)],
        "required_units": 3.0, "provided_units": 3.0, "shortfall_units": 0.0,
        "marginal_cost_musd": np.nan, "provided_by": "ARL 3",
    })
    title, rows = report.coverage_chart_rows(coverage, 2034)
    assert len(rows) == 20 and all(r[0] == "BDE EAST 2034" for r in rows) and "2034" in title
    coverage.loc[[5, 17], ["provided_units", "shortfall_units"]] = [[1.0, 2.0], [2.5, 0.5]]
    title, rows = report.coverage_chart_rows(coverage, 2034)
    assert rows == [("BDE EAST 2030", 3.0, 1.0, 2.0), ("BDE EAST 2032", 3.0, 2.5, 0.5)]  # exact: selected
    assert title.startswith("Requirements with a shortfall (2 of 200)") and title.endswith("scenario BASE")
    title, rows = report.coverage_chart_rows(coverage.head(10), 2034)
    assert len(rows) == 10


def test_coverage_chart_across_scenarios(sites_results, sites_book):
    coverage = sites_results.coverage
    title, rows = report.coverage_chart_rows(coverage, 2026)
    assert title.endswith("all 3 scenarios")
    assert [r[0] for r in rows] == [f"{s}: BDE EAST {t}" for s, t in zip(coverage.scenario, coverage.year)]
    assert _title(sites_book["Coverage"]._charts[0]) == title
    long = pd.concat([coverage] * 20, ignore_index=True)
    long.loc[7, ["provided_units", "shortfall_units"]] = [0.0, long.loc[7, "required_units"]]
    title, rows = report.coverage_chart_rows(long, 2026)
    assert len(rows) == 1 and rows[0][0].startswith(f"{long.loc[7, 'scenario']}: ")
    assert title.endswith(f"scenario {long.loc[7, 'scenario']} only (of 3)")


@pytest.mark.parametrize("which", BOOKS)
def test_every_sheet_prints_readably(request, which):
    """A4 landscape, one page wide, a footer with the plan and the page; table sheets repeat their
    header row; every print area is narrow enough to print at 8 points or more (11-point text
    at MIN_READABLE_SCALE); the Overview fits one page."""
    from planner import printing

    results, book = _book(request, which)
    for ws in book:
        ps = ws.page_setup
        assert ps.orientation == "landscape" and int(ps.paperSize) == int(ws.PAPERSIZE_A4), ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ps.fitToWidth == 1, ws.title
        assert ps.fitToHeight == (1 if ws.title == "Overview" else 0), ws.title
        assert "&P" in ws.oddFooter.right.text and ws.oddFooter.left.text.startswith(results.data.name[:20])
        if ws.freeze_panes == "A2":
            assert ws.print_title_rows == "$1:$1" or ws.print_title_rows == "1:1", ws.title
        for ref in (ws.print_area.split(",") if ws.print_area else []):
            assert printing.print_scale(ws, ref.split("!")[-1]) >= printing.MIN_READABLE_SCALE, (ws.title, ref)


def test_long_tables_print_their_selection(sites_results):
    """A detail table longer than PRINT_ALL_ROWS is not printed; the selection right of it is,
    with a note saying so."""
    n = report.PRINT_ALL_ROWS + 5
    deployment = pd.concat([sites_results.deployment] * n, ignore_index=True)
    wb = Workbook()
    ws = wb.active
    report.write_result_table(ws, deployment, "USD")
    report._deployment_chart(ws, deployment)
    areas = ws._print_done["areas"]
    assert len(areas) == 1 and range_boundaries(areas[0])[0] > len(deployment.columns)
    notes = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "is not printed" in c.value]
    assert notes and f"{len(deployment):,} rows" in notes[0]


def test_burden_chart_sorted_and_a_dominant_member_apart():
    burden = pd.DataFrame({"member": ["A", "B", "C", "D"], "burden_share_pct": [10.0, 70.0, 5.0, 15.0],
                           "fair_share_pct": [12.0, 60.0, 8.0, 20.0]})
    title, rows = report.burden_chart_rows(burden)
    assert [r[0] for r in rows] == ["D", "A", "C"] and "B not drawn: 70.0 %" in title
    burden.loc[1, "burden_share_pct"] = 20.0
    title, rows = report.burden_chart_rows(burden)
    assert [r[0] for r in rows] == ["B", "D", "A", "C"] and "not drawn" not in title


def test_sensitivity_shows_the_informative_rows():
    sens = pd.DataFrame({
        "constraint": ["spending_floor"] * 4 + ["equipment_floor"],
        "member": ["A", "A", "B", "C", "A"], "year": [2025, 2026, 2025, 2025, 2025],
        "binding": [True, True, True, False, True], "marginal_value": [0.99, 0.92, 4.5, 0.0, 1.3],
        "unit": "M per M", "valid_from": 1.0, "valid_to": 2.0, "meaning": "m",
    })
    informative, face, slack = report.sensitivity_parts(sens)
    assert list(informative["marginal_value"]) == [4.5, 1.3] and slack == 1  # exact: selected
    assert face.to_dict("records") == [{"constraint": "spending_floor", "member": "A", "years": "2025–2026",
                                        "low": 0.92, "high": 0.99, "count": 2}]  # exact: min and max, selected


def test_overview(report_book, tutorial_results):
    from planner import overview

    ws = report_book["Overview"]
    assert ws["A1"].value == "Tutorial: overview of the plan"
    asks = overview.member_asks(tutorial_results)
    assert sorted(asks["member"]) == sorted(tutorial_results.data.members.index)
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("of real money" in t for t in texts) and not any("penalty weight" in t.lower() for t in texts)
    assert "Decisions that matter most" in texts
