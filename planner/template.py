"""Write a plan workbook (an empty template, or a filled one) from the input schema.

Every sheet, header, comment, drop-down list and number format comes from
`planner.schema.SHEETS`; this module holds no list of columns of its own.
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from planner.schema import SHEETS, Column, Sheet
from planner.printing import setup_page, wrap_rows
from planner.xlsx import (
    TITLE_FONT,
    comment,
    excel_text,
    freeze_and_filter,
    is_blank,
    safe_text,
    save_atomic,
    set_widths,
    write_header,
)

LAST_ROW = 1000  # drop-down lists and number formats cover rows 2..LAST_ROW
ABOUT = "About"
SETTINGS_HEADER = ("setting", "value", "unit", "description")
NUMBER_FORMATS = {"number": "#,##0.00", "integer": "0", "year": "0"}
YES, NO = "yes", "no"


def write_workbook(
    path: str | os.PathLike[str],
    tables: Mapping[str, pd.DataFrame] | None = None,
    settings: Mapping[str, object] | None = None,
    about: Sequence[tuple[str, str]] | None = None,
) -> None:
    """Write a plan workbook to `path`: About first, then every schema sheet in order.

    tables:   sheet name -> DataFrame whose columns are named as the schema's columns
              (other columns are ignored); None/NaN become empty cells, booleans yes/no.
    settings: setting name -> value; settings not given take their default.
    about:    (topic, text) rows of the About sheet; default: how to fill the workbook.
    The file is written to a temporary file in the same directory, then renamed.
    """
    tables = dict(tables or {})
    settings = dict(settings or {})
    by_name = {s.name: s for s in SHEETS}
    unknown = [n for n in tables if n not in by_name or by_name[n].layout != "table"]
    if unknown:
        raise ValueError(f"not table sheets of the schema: {', '.join(unknown)}")
    settings_sheet = next(s for s in SHEETS if s.layout == "settings")
    unknown = [n for n in settings if n not in {c.name for c in settings_sheet.columns}]
    if unknown:
        raise ValueError(f"unknown settings: {', '.join(unknown)}")

    wb = Workbook()
    ws = wb.active
    ws.title = ABOUT
    title = f"{settings['plan_name']}: input workbook" if settings.get("plan_name") else None
    write_about(ws, default_about() if about is None else about, title)
    for sheet in SHEETS:
        ws = wb.create_sheet(sheet.name)
        if sheet.layout == "settings":
            write_settings(ws, sheet, settings)
        else:
            write_table(ws, sheet, tables.get(sheet.name))
    about_ws = wb[ABOUT]
    wrap_rows(about_ws, range(3, about_ws.max_row + 1), 2, about_ws.column_dimensions["B"].width)
    settings_ws = wb[settings_sheet.name]
    wrap_rows(settings_ws, range(2, settings_ws.max_row + 1), 4, settings_ws.column_dimensions["D"].width)
    for ws in wb.worksheets:  # how each sheet prints: A4 landscape, one page wide, header repeated
        setup_page(ws, title or "Alliance Burden-Sharing Planner: input workbook", split=False)  # one page per empty table
    save_atomic(wb, path)


def default_about() -> list[tuple[str, str]]:
    """How to fill the workbook, with one line per sheet from the schema."""
    rows = [
        ("Purpose", "Input workbook of the Alliance Burden-Sharing Planner: who fields what, "
         "who pays what. Run it with `planner run FILE.xlsx`."),
        ("How to fill", "Each sheet is one table: headers in row 1, one record per row. Hover "
         "over a header for its description, unit, default and expected values; drop-down "
         "lists offer the allowed choices and the codes defined on other sheets. A blank "
         "cell takes the column's default. Settings holds one setting per row: its name in "
         "column A, its value in column B."),
        ("Units", "Money in million currency units (Settings: currency) at constant prices "
         "of Settings: price_base_year. Percentages are written as numbers: 2 means 2 %."),
    ]
    rows += [(s.name, f"{'Required' if s.required else 'Optional'}. {s.description}")
             for s in SHEETS]
    rows += [
        ("Required sheets", ", ".join(s.name for s in SHEETS if s.required)),
        ("Optional sheets", ", ".join(s.name for s in SHEETS if not s.required)
         + " (leave them empty or delete them)."),
        ("Reference", "docs/inputs.md describes every sheet and column. This About sheet is "
         "never read by the planner."),
    ]
    return rows


def write_about(ws: Worksheet, rows: Iterable[tuple[str, str]], title: str | None) -> None:
    """Title in A1, a topic | text header in row 2, then one row per (topic, text)."""
    safe_text(ws["A1"], title or "Alliance Burden-Sharing Planner: input workbook")
    ws["A1"].font = TITLE_FONT
    write_header(ws, ("topic", "text"), row=2)
    for i, (topic, text) in enumerate(rows, start=3):
        safe_text(ws.cell(row=i, column=1), topic).font = Font(bold=True)
        safe_text(ws.cell(row=i, column=2), text)
        for j in (1, 2):
            ws.cell(row=i, column=j).alignment = Alignment(vertical="top", wrap_text=True)
    set_widths(ws, (22, 60))
    ws.column_dimensions["B"].width = 110  # wider than any table column: wrapped prose
    ws.freeze_panes = "A3"


def header_note(col: Column) -> str:
    """The header comment: description, unit, required/default and expected values."""
    lines = [col.description]
    if col.unit:
        lines.append(f"Unit: {col.unit}")
    if col.required:
        lines.append("Required.")
    elif col.default is not None:
        lines.append(f"Optional; blank means {format_default(col)}.")
    else:
        lines.append("Optional; may be left blank.")
    lines.append(f"Expected: {col.expected()}")
    return "\n".join(lines)


def format_default(col: Column) -> str:
    """A column's default as a planner writes it in a cell."""
    value = col.default
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def validation_for(col: Column) -> DataValidation | None:
    """A drop-down list for an enum, bool or reference column; None for the others.

    A reference with extra accepted codes (SpendingTargets.member: ALL) only warns, since
    those codes are not in the referenced sheet's list.
    """
    if col.ref:
        formula = f"{quote_sheetname(col.ref)}!$A$2:$A${LAST_ROW}"
    elif col.kind == "enum":
        formula = '"' + ",".join(col.choices) + '"'
    elif col.kind == "bool":
        formula = f'"{YES},{NO}"'
    else:
        return None
    extra = " or ".join(col.ref_extra)
    return DataValidation(
        type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
        errorStyle="warning" if extra else "stop", errorTitle=col.name,
        error=f"Expected {col.expected()}." + (f" Continue if it is {extra}." if extra else ""),
    )


def cell_value(col: Column, value: Any) -> Any:
    """Convert a DataFrame value to what the cell holds (None: an empty cell)."""
    if is_blank(value):
        return None
    if isinstance(value, (bool, np.bool_)):
        return YES if value else NO
    if isinstance(value, numbers.Real):
        x = float(value)
        if not math.isfinite(x):
            raise ValueError(f"column {col.name}: cannot write {value!r} in a cell")
        if x.is_integer() and (col.kind in ("integer", "year", "code", "text", "enum")
                               or isinstance(value, numbers.Integral)):
            x = int(x)
        return str(x) if col.kind in ("code", "text", "enum") else x
    return str(value)


def put(ws: Worksheet, row: int, column: int, value: Any, kind: str) -> None:
    """Write one value: strings always as text, numbers with the kind's number format."""
    cell = ws.cell(row=row, column=column)
    if value is None:
        return
    if isinstance(value, str):
        safe_text(cell, excel_text(value))
    else:
        cell.value = value
        cell.number_format = NUMBER_FORMATS.get(kind, "General")


def write_table(ws: Worksheet, sheet: Sheet, data: pd.DataFrame | None) -> None:
    """Headers with comments, the rows of `data`, drop-downs, formats, frozen header."""
    cols = sheet.columns
    write_header(ws, [c.name for c in cols], [header_note(c) for c in cols])
    longest = [0] * len(cols)
    if data is not None:
        present = [(j, c) for j, c in enumerate(cols) if c.name in data.columns]
        for i, record in enumerate(data.to_dict("records"), start=2):
            for j, col in present:
                value = cell_value(col, record[col.name])
                put(ws, i, j + 1, value, col.kind)
                if value is not None:
                    longest[j] = max(longest[j], len(str(value)))
    for j, col in enumerate(cols, start=1):
        letter = get_column_letter(j)
        if col.kind in NUMBER_FORMATS:
            ws.column_dimensions[letter].number_format = NUMBER_FORMATS[col.kind]
        dv = validation_for(col)
        if dv is not None:
            dv.add(f"{letter}2:{letter}{LAST_ROW}")
            ws.add_data_validation(dv)
    set_widths(ws, [_width(c, n) for c, n in zip(cols, longest)])
    freeze_and_filter(ws)


def write_settings(ws: Worksheet, sheet: Sheet, values: Mapping[str, object]) -> None:
    """setting | value | unit | description, one row per setting in schema order."""
    write_header(ws, SETTINGS_HEADER)
    for i, col in enumerate(sheet.columns, start=2):
        name = safe_text(ws.cell(row=i, column=1), col.name)
        name.comment = comment(header_note(col))
        name.font = Font(bold=col.required)
        raw = values[col.name] if col.name in values else col.default
        put(ws, i, 2, cell_value(col, raw), col.kind)
        if col.unit:
            safe_text(ws.cell(row=i, column=3), col.unit)
        safe_text(ws.cell(row=i, column=4), col.description)
        ws.cell(row=i, column=4).alignment = Alignment(wrap_text=True, vertical="top")
        dv = validation_for(col)
        if dv is not None:
            dv.add(f"B{i}")
            ws.add_data_validation(dv)
    longest_name = max(len(c.name) for c in sheet.columns)
    longest_value = max((len(str(ws.cell(row=r, column=2).value or "")) for r in
                         range(2, len(sheet.columns) + 2)), default=0)
    set_widths(ws, (longest_name + 3, max(longest_value + 3, 14), 24, 60))
    ws.freeze_panes = "A2"


def _width(col: Column, longest_value: int) -> float:
    """Column width from its header, its description and its longest value, capped."""
    return min(max(len(col.name) + 4, min(len(col.description) / 2, 24), longest_value + 2), 40)
