"""One test per kind of validation error: every problem located, all listed at once."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from planner.cli import app
from planner.load import load_plan
from planner.validate import InputError

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


def set_setting(wb, name: str, value) -> None:
    ws = wb["Settings"]
    row = next(c.row for c in ws["A"] if c.value == name)
    ws.cell(row=row, column=2).value = value


@pytest.mark.parametrize("setting, what", [("common_funding_cap_pct", "cannot share all common costs"),
                                           ("fair_share_cap_pct", "cannot share all the spending")])
def test_a_cap_too_small_for_the_members_of_one_year(tmp_path, setting, what):
    """Issue 12: a cap of 40 % lets the Members sheet's 3 members share 100 %, but BOR joins
    in 2026, and with 2 members in 2025 the model silently dropped the cap. Now the
    validator checks each year with the members present then."""
    def cap(wb):
        set_setting(wb, setting, 40)
        members = wb["Members"]
        members.cell(row=3, column=column(members, "year_joined")).value = 2026
    [msg] = problems(edited(tmp_path, cap))
    assert f"Settings › row {_setting_row(setting)}, column B ({setting}): 40" in msg
    assert "in 2025 the pact has 2 members" in msg and "a cap below 50 %" in msg and what in msg


def test_a_member_with_a_zero_key_does_not_count_towards_a_cap(tmp_path):
    """With the population key and CAR's population 0, only 2 members share the key: 40 %
    cannot share 100 % (the model had dropped the cap silently)."""
    def cap(wb):
        set_setting(wb, "fair_share_key", "population")
        set_setting(wb, "fair_share_cap_pct", 40)
        members = wb["Members"]
        members.cell(row=4, column=column(members, "population_m")).value = 0
    [msg] = problems(edited(tmp_path, cap))
    assert "fair_share_cap_pct" in msg and "in 2025–2026 the pact has 2 members with a population above 0" in msg


@pytest.mark.parametrize("key, sheet, header, row", [("population", "Members", "population_m", 4),
                                                    ("custom", "FairShare", "custom_share", 4)])
def test_a_zero_key_with_a_band_is_refused(tmp_path, key, sheet, header, row):
    """Issue 12: a member held to a band whose key is 0 has a fair share of 0, so the band
    allows it no spending at all: the plan was infeasible. Now the validator says so, at
    the cell that holds the 0."""
    def zero(wb):
        set_setting(wb, "fair_share_key", key)
        set_setting(wb, "fair_share_band_pct", 25)
        members = wb["Members"]
        members.cell(row=4, column=column(members, "population_m")).value = 0
        fair = wb["FairShare"]
        for r, (code, share) in enumerate((("ARL", 2), ("BOR", 1), ("CAR", 0)), start=2):
            fair.cell(row=r, column=column(fair, "member")).value = code
            fair.cell(row=r, column=column(fair, "custom_share")).value = share
    [msg] = problems(edited(tmp_path, zero))
    assert f"{sheet} › row {row}" in msg and f"({header}): 0 — " in msg
    assert "CAR is held to a fair-share band" in msg and "exempt" in msg


def test_a_zero_key_of_an_exempt_member_is_accepted(tmp_path):
    def zero(wb):
        set_setting(wb, "fair_share_key", "population")
        set_setting(wb, "fair_share_band_pct", 25)
        wb["Members"].cell(row=4, column=column(wb["Members"], "population_m")).value = 0
        fair = wb["FairShare"]
        fair.cell(row=2, column=column(fair, "member")).value = "CAR"
        fair.cell(row=2, column=column(fair, "exempt")).value = "yes"
    data, _ = load_plan(edited(tmp_path, zero))
    assert data.members.at["CAR", "population"] == 0


def _setting_row(name: str) -> int:
    ws = openpyxl.load_workbook(TUTORIAL, read_only=True)["Settings"]
    return next(i for i, r in enumerate(ws.iter_rows(values_only=True), start=1) if r[0] == name)


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


# ---------------------------------------------------------------------------- found by tests/test_mutations.py


def test_number_stored_as_nan_is_located(tmp_path):
    """A number cell whose stored value is NaN or INF (written by a tool, never by Excel)
    made openpyxl raise ValueError: an internal error (exit 1). Now each such cell is a
    located problem, exit 2."""
    import zipfile

    path = edited(tmp_path, lambda wb: (set_cell("Members", 3, "gdp_musd", 987654.125)(wb),
                                        set_cell("Forces", 2, "lead_time_years", 987655.125)(wb)))
    with zipfile.ZipFile(path) as z:
        parts = [(i, z.read(i)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in parts:
            data = data.replace(b"<v>987654.125</v>", b"<v>NaN</v>").replace(b"<v>987655.125</v>", b"<v>INF</v>")
            z.writestr(info, data)
    msgs = problems(path)
    assert len(msgs) == 2
    assert "tutorial.xlsx › Members › row 3, column C (gdp_musd): 'NaN' — a value Excel does not store" in msgs[0]
    assert "tutorial.xlsx › Forces › row 2, column H (lead_time_years): 'INF'" in msgs[1]
    result = CliRunner().invoke(app, ["run", str(path), "--out", str(tmp_path / "report.xlsx")])
    assert result.exit_code == 2 and "Internal error" not in result.output
    assert not (tmp_path / "report.xlsx").exists()


@pytest.mark.parametrize("sheet, header, error", [("Members", "name", "#REF!"), ("Members", "gdp_musd", "#DIV/0!"),
                                                  ("Capabilities", "unit", "#N/A")])
def test_excel_error_value(tmp_path, sheet, header, error):
    """A formula's cached error (#REF!, #N/A…) was accepted as text, e.g. as a member's name."""
    [msg] = problems(edited(tmp_path, set_cell(sheet, 2, header, error)))
    assert f"{sheet} › row 2" in msg and f"({header}): '{error}' — an Excel error value" in msg


def test_reference_to_a_missing_optional_sheet(tmp_path):
    """Participation rows naming scenarios, without a Scenarios sheet, were ignored in silence."""
    def edit(wb):
        ws = wb["Participation"]
        ws.append(["BOR", "SHORT", "no", None])
        wb.remove(wb["Scenarios"])
    [msg] = problems(edited(tmp_path, edit))
    assert ("Participation › row 2, column B (scenario): 'SHORT' — no such code in sheet Scenarios: "
            "the workbook has no such sheet") in msg


def test_suspension_ending_before_it_starts(tmp_path):
    def edit(wb):
        wb["Suspensions"].append(["CAR", "ARL", 2026, 2025, None])
    [msg] = problems(edited(tmp_path, edit))
    assert "Suspensions › row 2, column D (to_year): 2025 — expected a year ≥ from_year (2026)" in msg


def test_number_beyond_the_solver_range(tmp_path):
    """An operating cost of 1e15 passed (the limit was 1e15) and the plan came back
    'unbounded' with exit code 0 and a meaningless report."""
    [msg] = problems(edited(tmp_path, set_cell("Forces", 2, "operating_cost_musd", 1e15)))
    assert "Forces › row 2, column G (operating_cost_musd)" in msg and "implausibly large (above 1e+12)" in msg
    data, _ = load_plan(edited(tmp_path, set_cell("Forces", 2, "operating_cost_musd", 1e12)))
    assert data.forces["operating_cost"].max() == 1e12  # exact: parsed verbatim


def test_gdp_growth_over_a_long_horizon(tmp_path):
    """50 % growth a year, each cell in range, compounded to 2200: GDP of 1e34, 'unbounded'."""
    def edit(wb):
        set_cell("Members", 2, "gdp_growth_pct", 50)(wb)
        ws = wb["Settings"]
        ws.cell(row=next(c.row for c in ws["A"] if c.value == "last_year"), column=2).value = 2200
    [msg] = problems(edited(tmp_path, edit))
    assert "Members › row 2, column D (gdp_growth_pct): 50 — grown 50 % a year from 2024 to 2200" in msg
    assert "implausibly large" in msg


def test_requirement_scale_beyond_the_solver_range(tmp_path):
    """1e12 units scaled by 1e12 in a scenario: 'infeasible or unbounded' in elastic mode."""
    def edit(wb):
        set_cell("Requirements", 3, "units", 1e12)(wb)
        wb["Scenarios"].append(["BIG", "Big", 1, 30, 1e12, None])
    [msg] = problems(edited(tmp_path, edit))
    assert "Scenarios › row 2, column E (requirement_scale): 1e+12 — scales the largest requirement" in msg
    assert "Requirements › row 3" in msg
