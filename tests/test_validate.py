"""One test per kind of validation error: every problem located, all listed at once."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from planner.cli import app
from planner.validate import InputError, load_plan

TUTORIAL = Path(__file__).parents[1] / "inputs" / "tutorial.xlsx"


def edited(tmp_path: Path, edit) -> Path:
    """A copy of the tutorial workbook with `edit(workbook)` applied."""
    path = tmp_path / "tutorial.xlsx"
    shutil.copy(TUTORIAL, path)
    wb = openpyxl.load_workbook(path)
    edit(wb)
    wb.save(path)
    return path


def column(ws, header: str) -> int:
    """1-based column of `header` in row 1."""
    return next(c.column for c in ws[1] if c.value == header)


def set_cell(sheet: str, row: int, header: str, value):
    def edit(wb):
        ws = wb[sheet]
        ws.cell(row=row, column=column(ws, header)).value = value
    return edit


def problems(path: Path) -> list[str]:
    with pytest.raises(InputError) as exc:
        load_plan(path)
    return [str(i) for i in exc.value.issues]


def test_tutorial_is_valid():
    data, warnings = load_plan(TUTORIAL)
    assert list(data.members.index) == ["ARL", "BOR", "CAR"]
    assert warnings == []


def test_text_in_a_number_cell(tmp_path):
    [msg] = problems(edited(tmp_path, set_cell("Members", 3, "gdp_musd", "lots")))
    assert "tutorial.xlsx › Members › row 3, column C (gdp_musd): 'lots'" in msg
    assert "expected a number > 0" in msg


def test_negative_number(tmp_path):
    [msg] = problems(edited(tmp_path, set_cell("Forces", 2, "acquisition_cost_musd", -3)))
    assert "Forces › row 2" in msg and "(acquisition_cost_musd): -3" in msg and "out of range" in msg


def duplicate_first_member(wb):
    """Append a copy of the first member's row (row 5 in the tutorial)."""
    ws = wb["Members"]
    ws.append([c.value for c in ws[2]])


def test_duplicate_code(tmp_path):
    [msg] = problems(edited(tmp_path, duplicate_first_member))
    assert "Members › row 5, column A (code): 'ARL'" in msg and "also appears in row 2" in msg


def test_reference_to_a_missing_code(tmp_path):
    [msg] = problems(edited(tmp_path, set_cell("Forces", 2, "member", "arl")))
    assert "Forces › row 2, column A (member): 'arl' — no such code in sheet Members (did you mean ARL?)" in msg


def test_year_outside_the_horizon(tmp_path):
    [msg] = problems(edited(tmp_path, set_cell("Requirements", 2, "year", 2031)))
    assert "Requirements › row 2" in msg and "outside the planning horizon" in msg


def test_missing_required_sheet(tmp_path):
    [msg] = problems(edited(tmp_path, lambda wb: wb.remove(wb["Regions"])))
    assert "Regions: required sheet is missing" in msg


def test_missing_required_column(tmp_path):
    def drop(wb):
        ws = wb["Forces"]
        ws.delete_cols(column(ws, "acquisition_cost_musd"))
    [msg] = problems(edited(tmp_path, drop))
    assert "Forces › row 1" in msg and "required column acquisition_cost_musd is missing" in msg


def test_required_cell_blank(tmp_path):
    [msg] = problems(edited(tmp_path, set_cell("Members", 2, "name", None)))
    assert "Members › row 2, column B (name): blank — required" in msg


def test_bad_choice(tmp_path):
    [msg] = problems(edited(tmp_path, set_cell("Capabilities", 2, "domain", "sea")))
    assert "(domain): 'sea' — expected one of land, air, maritime, cyber, space, enablers" in msg


def test_formula_without_cached_value(tmp_path):
    [msg] = problems(edited(tmp_path, set_cell("Members", 2, "gdp_musd", "=500*2")))
    assert "Members › row 2, column C (gdp_musd)" in msg and "formula without a computed value" in msg


def test_empty_table(tmp_path):
    def empty(wb):
        ws = wb["Requirements"]
        ws.delete_rows(2, ws.max_row)
    [msg] = problems(edited(tmp_path, empty))
    assert "Requirements" in msg and "the table is empty" in msg


def test_horizon_backwards(tmp_path):
    def backwards(wb):
        ws = wb["Settings"]
        row = next(c.row for c in ws["A"] if c.value == "last_year")
        ws.cell(row=row, column=2, value=2020)
    msgs = problems(edited(tmp_path, backwards))
    assert any("last_year" in m and "ends before it starts" in m for m in msgs)


def test_date_in_a_number_cell(tmp_path):
    import datetime as dt
    [msg] = problems(edited(tmp_path, set_cell("Members", 2, "gdp_musd", dt.datetime(2024, 1, 1))))
    assert "a date or time" in msg


def test_unknown_sheet_and_column_are_warnings(tmp_path):
    def extra(wb):
        wb.create_sheet("Notes")["A1"] = "hello"
        ws = wb["Members"]
        ws.cell(row=1, column=ws.max_column + 1, value="colour")
    _, warnings = load_plan(edited(tmp_path, extra))
    text = [str(w) for w in warnings]
    assert any("Notes: unknown sheet" in t for t in text)
    assert any("Members › row 1" in t and "'colour' — unknown column" in t for t in text)


def test_not_a_workbook(tmp_path):
    path = tmp_path / "plan.xlsx"
    path.write_text("not a workbook")
    [msg] = problems(path)
    assert "plan.xlsx" in msg and "not a readable .xlsx" in msg


def three_problems(wb):
    duplicate_first_member(wb)
    ws = wb["Members"]
    ws.cell(row=2, column=column(ws, "gdp_musd")).value = "n/a"
    ws.cell(row=3, column=column(ws, "gdp_musd")).value = -500


@pytest.mark.parametrize("command", ["validate", "run"])
def test_all_problems_at_once_exit_2_nothing_written(tmp_path, command):
    path = edited(tmp_path, three_problems)
    out = tmp_path / "report.xlsx"
    args = [command, str(path)] + (["--out", str(out)] if command == "run" else [])
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    text = result.output
    assert "3 problems" in text
    assert "Members › row 2, column C (gdp_musd): 'n/a'" in text
    assert "Members › row 3, column C (gdp_musd): -500" in text
    assert "Members › row 5, column A (code): 'ARL'" in text
    assert "Traceback" not in text
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tutorial.xlsx"]


def test_transit_needs_exactly_one_origin(tmp_path):
    def transit(wb):
        ws = wb["Transit"]
        header = [c.value for c in ws[1]]
        row = {h: None for h in header}
        row.update(from_member="ARL", from_site=None, region="EAST", days=3)
        ws.append([row[h] for h in header])
        row.update(from_member=None)
        ws.append([row[h] for h in header])
    [msg] = problems(edited(tmp_path, transit))
    assert "Transit › row 3, column A (from_member)" in msg and "exactly one of from_member and from_site" in msg


def test_common_funding_cap_too_small(tmp_path):
    def cap(wb):
        ws = wb["Settings"]
        row = next(c.row for c in ws["A"] if c.value == "common_funding_cap_pct")
        ws.cell(row=row, column=2).value = 20
    [msg] = problems(edited(tmp_path, cap))
    assert "common_funding_cap_pct" in msg and "cannot share all common costs" in msg


def test_population_key_needs_populations(tmp_path):
    def key(wb):
        ws = wb["Settings"]
        row = next(c.row for c in ws["A"] if c.value == "fair_share_key")
        ws.cell(row=row, column=2).value = "population"
        members = wb["Members"]
        members.cell(row=3, column=column(members, "population_m")).value = None
    [msg] = problems(edited(tmp_path, key))
    assert "Members › row 3" in msg and "(population_m): blank — required when fair_share_key is population" in msg


def test_custom_common_funding_key_needs_custom_shares(tmp_path):
    def key(wb):
        ws = wb["Settings"]
        row = next(c.row for c in ws["A"] if c.value == "common_funding_key")
        ws.cell(row=row, column=2).value = "custom"
    [msg] = problems(edited(tmp_path, key))
    assert "FairShare" in msg and "common_funding_key is custom" in msg and "ARL, BOR, CAR" in msg
