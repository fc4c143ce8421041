"""Read a plan workbook's sheets as raw cell values (openpyxl), nothing else.

Cells that hold formulas are read by their cached values; a formula without a cached
value (a workbook saved by a program that does not compute) is recorded so that the
validator can name it. The input file is opened read-only and never written.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl


class UnreadableWorkbook(Exception):
    """The file is not a workbook the planner can read."""


@dataclass
class RawSheet:
    name: str
    headers: list[Any]  # row 1, as read
    rows: list[tuple[int, list[Any]]]  # (Excel row number, values) of non-empty rows
    uncached_formulas: set[tuple[int, int]] = field(default_factory=set)  # (row, 0-based col)


@dataclass
class RawWorkbook:
    path: Path
    sheets: dict[str, RawSheet]

    @property
    def name(self) -> str:
        return self.path.name


def read_workbook(path: str | Path) -> RawWorkbook:
    """Every sheet of the workbook at `path` as raw values."""
    path = Path(path)
    if not path.is_file():
        raise UnreadableWorkbook(f"{path}: no such file")
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise UnreadableWorkbook(
            f"{path.name}: not an Excel .xlsx workbook (save it as 'Excel Workbook (.xlsx)')"
        )
    if not zipfile.is_zipfile(path):
        raise UnreadableWorkbook(f"{path.name}: not a readable .xlsx file (damaged or another format)")
    try:
        values = openpyxl.load_workbook(path, read_only=True, data_only=True)
        formulas = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on broken files
        raise UnreadableWorkbook(f"{path.name}: cannot be read as a workbook ({exc})") from exc
    try:
        sheets = {
            ws.title: _read_sheet(ws, formulas[ws.title])
            for ws in values.worksheets
        }
    finally:
        values.close()
        formulas.close()
    return RawWorkbook(path=path, sheets=sheets)


def _read_sheet(ws: Any, ws_formulas: Any) -> RawSheet:
    rows = ws.iter_rows(values_only=True)
    header = list(next(rows, ()))
    records: list[tuple[int, list[Any]]] = []
    for number, row in enumerate(rows, start=2):
        values = list(row)
        if any(v is not None and not (isinstance(v, str) and not v.strip()) for v in values):
            records.append((number, values))
    uncached: set[tuple[int, int]] = set()
    cached = {n: v for n, v in records}
    for number, row in enumerate(ws_formulas.iter_rows(), start=1):
        for col, cell in enumerate(row):
            if getattr(cell, "data_type", None) == "f":
                values = header if number == 1 else cached.get(number)
                if values is None or col >= len(values) or values[col] is None:
                    uncached.add((number, col))
    return RawSheet(name=ws.title, headers=header, rows=records, uncached_formulas=uncached)
