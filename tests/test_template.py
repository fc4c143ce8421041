"""The workbook template: generated from planner.schema, read back with openpyxl."""

from __future__ import annotations

import math
import zipfile

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from planner.schema import SHEETS
from planner.template import LAST_ROW, write_workbook

TABLES = [s for s in SHEETS if s.layout == "table"]
SETTINGS = next(s for s in SHEETS if s.layout == "settings")


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "template.xlsx"
    write_workbook(path)
    return load_workbook(path)


def validations(ws) -> dict[str, object]:
    """First cell of each validation range -> the validation."""
    return {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}


def test_every_schema_sheet_in_order_after_about(template):
    assert template.sheetnames == ["About"] + [s.name for s in SHEETS]


def test_table_headers_match_schema_with_comments(template):
    for sheet in TABLES:
        ws = template[sheet.name]
        headers = [c.value for c in ws[1]]
        assert headers == [c.name for c in sheet.columns], sheet.name
        for cell, col in zip(ws[1], sheet.columns):
            assert cell.font.bold
            note = cell.comment.text
            assert col.description in note and col.expected() in note, (sheet.name, col.name)
            assert ("Required." in note) == col.required
            if col.unit:
                assert f"Unit: {col.unit}" in note


def test_frozen_header_filter_widths_and_number_formats(template):
    for sheet in TABLES:
        ws = template[sheet.name]
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref.startswith("A1:")
        for j, col in enumerate(sheet.columns, start=1):
            letter = ws.cell(row=1, column=j).column_letter
            assert 8 <= ws.column_dimensions[letter].width <= 40
            if col.kind == "number":
                assert ws.column_dimensions[letter].number_format == "#,##0.00"
            if col.kind in ("year", "integer"):
                assert ws.column_dimensions[letter].number_format == "0"


def test_drop_down_lists(template):
    for sheet in TABLES:
        ws = template[sheet.name]
        found = validations(ws)
        for j, col in enumerate(sheet.columns, start=1):
            letter = ws.cell(row=1, column=j).column_letter
            dv = found.get(f"{letter}2")
            if not (col.ref or col.kind in ("enum", "bool")):
                assert dv is None, (sheet.name, col.name)
                continue
            assert dv is not None and dv.type == "list", (sheet.name, col.name)
            assert str(dv.sqref) == f"{letter}2:{letter}{LAST_ROW}"
            if col.ref:
                assert dv.formula1 == f"'{col.ref}'!$A$2:$A${LAST_ROW}"
                assert dv.errorStyle == ("warning" if col.ref_extra else "stop")
            elif col.kind == "enum":
                assert dv.formula1 == '"' + ",".join(col.choices) + '"'
            else:
                assert dv.formula1 == '"yes,no"'


def test_settings_rows_defaults_and_drop_downs(template):
    ws = template["Settings"]
    assert [c.value for c in ws[1]] == ["setting", "value", "unit", "description"]
    assert ws.freeze_panes == "A2"
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == [c.name for c in SETTINGS.columns]
    found = validations(ws)
    for i, (col, (name, value, unit, description)) in enumerate(zip(SETTINGS.columns, rows), 2):
        assert description == col.description and (unit or "") == col.unit
        assert ws.cell(row=i, column=1).comment is not None
        if col.default is None:
            assert value is None, name
        elif col.kind == "bool":
            assert value == ("yes" if col.default else "no")
        else:
            assert value == col.default, name
        assert (f"B{i}" in found) == (col.kind in ("enum", "bool")), name


def test_about_sheet_explains_every_sheet(template):
    ws = template["About"]
    assert ws["A2"].value == "topic" and ws["B2"].value == "text"
    rows = dict(ws.iter_rows(min_row=3, values_only=True))
    for sheet in SHEETS:
        assert sheet.description in rows[sheet.name]
    assert rows["Required sheets"] == ", ".join(s.name for s in SHEETS if s.required)


def test_round_trip(tmp_path):
    path = tmp_path / "plan.xlsx"
    members = pd.DataFrame({
        "code": ["AAA", "BBB"],
        "name": ["Aland", None],
        "gdp_musd": [1000.5, np.float64(250)],
        "defence_spending_musd": [20, np.nan],
        "year_joined": [np.nan, 2026.0],
        "not_in_schema": ["x", "y"],
    })
    capabilities = pd.DataFrame({"code": ["C1"], "name": ["Brigade"], "domain": ["land"],
                                 "integer": [np.bool_(True)]})
    about = [("Note", "hello")]
    write_workbook(path, tables={"Members": members, "Capabilities": capabilities},
                   settings={"plan_name": "Test", "first_year": 2025, "elastic": False,
                             "fair_share_band_pct": 25}, about=about)
    wb = load_workbook(path)
    rows = list(wb["Members"].iter_rows(values_only=True))
    header = [c.name for c in next(s for s in SHEETS if s.name == "Members").columns]
    assert list(rows[0]) == header
    got = [dict(zip(header, r)) for r in rows[1:]]
    assert got[0]["code"] == "AAA" and got[0]["gdp_musd"] == 1000.5  # exact: written, read back
    assert got[0]["defence_spending_musd"] == 20 and got[0]["year_joined"] is None
    assert got[1]["name"] is None and got[1]["defence_spending_musd"] is None
    assert got[1]["year_joined"] == 2026 and isinstance(got[1]["year_joined"], int)
    assert "not_in_schema" not in rows[0]
    assert wb["Members"]["C2"].number_format == "#,##0.00"
    assert wb["Capabilities"]["E2"].value == "yes"
    settings = {r[0]: r[1] for r in wb["Settings"].iter_rows(min_row=2, values_only=True)}
    assert settings["plan_name"] == "Test" and settings["first_year"] == 2025
    assert settings["elastic"] == "no" and settings["fair_share_band_pct"] == 25
    assert settings["currency"] == "USD"  # a default
    assert wb["About"]["A3"].value == "Note" and wb["About"]["B3"].value == "hello"
    assert wb["About"]["A1"].value == "Test: input workbook"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.xlsx"]  # no temporary file left


FORMULA_LIKE = ["=1+1", "+SUM(A1:A2)", "-2+3", "@cmd", "\tx", "\r=y", "#N/A", "=HYPERLINK(\"x\")"]


def test_formula_looking_text_stays_text(tmp_path):
    path = tmp_path / "plan.xlsx"
    regions = pd.DataFrame({"code": [f"R{i}" for i in range(len(FORMULA_LIKE))],
                            "name": FORMULA_LIKE, "description": FORMULA_LIKE})
    write_workbook(path, tables={"Regions": regions}, settings={"plan_name": "=2*3"},
                   about=[("=A1", "-x")])
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/sheet"):
                assert "<f>" not in z.read(name).decode(), name
    wb = load_workbook(path)
    ws = wb["Regions"]
    for i, text in enumerate(FORMULA_LIKE, start=2):
        for col in (2, 3):
            cell = ws.cell(row=i, column=col)
            # without lxml, XML parsers read a bare CR as LF: the text differs, but it is still text
            assert cell.value in (text, text.replace("\r", "\n")) and cell.data_type == "s", text
    assert wb["Settings"]["B2"].value == "=2*3" and wb["Settings"]["B2"].data_type == "s"
    assert wb["About"]["A3"].data_type == "s"


def test_rejects_unknown_sheets_settings_and_infinity(tmp_path):
    path = tmp_path / "plan.xlsx"
    with pytest.raises(ValueError, match="Nowhere"):
        write_workbook(path, tables={"Nowhere": pd.DataFrame()})
    with pytest.raises(ValueError, match="Settings"):
        write_workbook(path, tables={"Settings": pd.DataFrame()})
    with pytest.raises(ValueError, match="colour"):
        write_workbook(path, settings={"colour": "red"})
    forces = pd.DataFrame({"member": ["A"], "capability": ["C"], "max_new_per_year": [math.inf]})
    with pytest.raises(ValueError, match="max_new_per_year"):
        write_workbook(path, tables={"Forces": forces})
    assert not path.exists() and list(tmp_path.iterdir()) == []
