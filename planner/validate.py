"""Check every cell of a plan workbook against the schema; collect ALL problems.

Named checks run in order on the raw sheets; each appends `Issue`s (errors or warnings)
and none stops the others. Only a workbook without errors becomes typed tables (one
DataFrame per sheet, columns named as in the schema), which `planner.assemble` turns
into a `models.PlanData`. No Pyomo object is created before this passes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
import warnings
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from openpyxl.utils import get_column_letter

from .schema import FREE_SHEETS, SETTINGS, SHEET_BY_NAME, SHEETS, YEAR_MAX, YEAR_MIN, Column, Sheet, parse_mix, year_runs
from .workbook import RawSheet, RawWorkbook, UnreadableWorkbook, open_workbook, read_workbook

# Largest magnitude a number may have, in a cell or grown over the horizon: beyond it the
# solver's tolerances fail (a plan with costs of 1e15 comes back "unbounded").
LARGEST = 1e12
CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,30}$")
TRUE_WORDS = {"yes", "y", "true", "1", "x"}
FALSE_WORDS = {"no", "n", "false", "0"}
# What a cell holds when its formula failed (openpyxl reads the cached error as this text)
EXCEL_ERRORS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A",
                          "#SPILL!", "#CALC!", "#GETTING_DATA"})


@dataclass(frozen=True)
class Issue:
    """One problem in the workbook, located as precisely as it can be."""

    workbook: str
    sheet: str | None
    row: int | None
    column: int | None  # 0-based
    header: str | None
    value: Any
    expected: str
    severity: Literal["error", "warning"] = "error"

    @property
    def cell(self) -> str:
        if self.column is None:
            return f"row {self.row}" if self.row else ""
        letter = get_column_letter(self.column + 1)
        where = f"row {self.row}, column {letter}" if self.row else f"column {letter}"
        return where + (f" ({self.header})" if self.header else "")

    def __str__(self) -> str:
        place = " › ".join(p for p in (self.workbook, self.sheet, self.cell) if p)
        value = "" if self.value is _NOTHING else f"{_show(self.value)} — "
        return f"{place}: {value}{self.expected}"


_NOTHING = object()  # an issue about a place, not a value


def _show(value: Any) -> str:
    if value is None:
        return "blank"
    if isinstance(value, str):
        return repr(value if len(value) <= 60 else value[:57] + "...")
    return repr(value) if not isinstance(value, float) else f"{value:g}"


class InputError(Exception):
    """The workbook has errors; `issues` lists every one of them."""

    def __init__(self, issues: list[Issue]):
        self.issues = [i for i in issues if i.severity == "error"]
        self.warnings = [i for i in issues if i.severity == "warning"]
        super().__init__(self.report())

    def report(self) -> str:
        n = len(self.issues)
        head = f"{n} problem{'s' if n != 1 else ''} in the input; nothing was planned or written:"
        return "\n".join([head, *(f"  • {i}" for i in self.issues)])


class _Collector:
    """Issues of one workbook."""

    def __init__(self, workbook: str):
        self.workbook = workbook
        self.issues: list[Issue] = []

    def error(self, sheet, row, column, header, value, expected, severity="error") -> None:
        self.issues.append(Issue(self.workbook, sheet, row, column, header, value, expected, severity))

    def warn(self, sheet, row, column, header, value, expected) -> None:
        self.error(sheet, row, column, header, value, expected, "warning")

    @property
    def has_errors(self) -> bool:
        return any(i.severity == "error" for i in self.issues)


# ---------------------------------------------------------------------------- cells


class _Bad(Exception):
    """A cell that does not parse: the message says what was expected."""


def parse_cell(value: Any, column: Column) -> Any:
    """The typed value of a non-blank cell, or _Bad."""
    kind = column.kind
    if isinstance(value, str) and value.strip().upper() in EXCEL_ERRORS:
        raise _Bad(f"an Excel error value (a formula that failed): correct the formula or type the value, "
                   f"expected {column.expected()}")
    if isinstance(value, (dt.datetime, dt.date, dt.time)) and kind != "text":
        raise _Bad(f"a date or time, expected {column.expected()}")
    if kind == "text":
        return value.strip() if isinstance(value, str) else str(value)
    if kind == "code":
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value).strip()
        if not CODE_PATTERN.match(text):
            raise _Bad(f"expected {column.expected()}, at most 31 characters, no spaces")
        return text
    if kind == "enum":
        text = str(value).strip().lower()
        if text not in column.choices:
            raise _Bad(f"expected {column.expected()}")
        return text
    if kind == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if isinstance(value, (int, float)) and value in (0, 1):
            return bool(value)
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
        raise _Bad(f"expected {column.expected()}")
    number = _number(value, column)
    if kind in ("integer", "year"):
        if not float(number).is_integer():
            raise _Bad(f"expected {column.expected()}")
        number = int(number)
        if kind == "year" and not YEAR_MIN <= number <= YEAR_MAX:
            raise _Bad(f"expected {column.expected()}")
    _check_range(number, column)
    return number


def _number(value: Any, column: Column) -> float:
    if isinstance(value, bool):
        raise _Bad(f"expected {column.expected()}")
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        try:
            number = float(str(value).strip().replace("\u00a0", ""))
        except ValueError:
            raise _Bad(f"expected {column.expected()}") from None
    if not math.isfinite(number):
        raise _Bad(f"expected {column.expected()}, a finite number")
    if abs(number) > LARGEST:
        raise _Bad(f"implausibly large (above {LARGEST:g}), expected {column.expected()}")
    return number


def _check_range(number: float, column: Column) -> None:
    low, high = column.minimum, column.maximum
    too_low = low is not None and (number <= low if column.min_exclusive else number < low)
    if too_low or (high is not None and number > high):
        raise _Bad(f"out of range, expected {column.expected()}")


# ---------------------------------------------------------------------------- checks


def check_sheets(raw: RawWorkbook, out: _Collector) -> None:
    """Required sheets present; unknown sheets reported as warnings."""
    for sheet in SHEETS:
        if sheet.required and sheet.name not in raw.sheets:
            out.error(sheet.name, None, None, None, _NOTHING, "required sheet is missing")
    known = set(SHEET_BY_NAME) | set(FREE_SHEETS)
    lower = {k.lower(): k for k in known}
    for name in [*raw.sheets, *raw.skipped]:
        if name not in known:
            hint = f" (did you mean {lower[name.lower()]}?)" if name.lower() in lower else ""
            out.warn(name, None, None, None, _NOTHING, f"unknown sheet, ignored{hint}")


def check_reader_notes(raw: RawWorkbook, out: _Collector) -> None:
    """What the reader said about the values it read (see planner.workbook.Note), as warnings."""
    for note in raw.notes:
        sheet = raw.sheets.get(note.sheet) if note.sheet else None
        header = None
        if sheet and note.row != 1 and note.column is not None and note.column < len(sheet.headers):
            header = _text(sheet.headers[note.column]) or None
        out.warn(note.sheet, note.row, note.column, header, _NOTHING, note.text)


def check_formulas(raw: RawWorkbook, out: _Collector) -> None:
    """Formulas without a cached value cannot be read."""
    for name, sheet in raw.sheets.items():
        if name not in SHEET_BY_NAME:
            continue
        for row, col in sorted(sheet.uncached_formulas):
            header = sheet.headers[col] if col < len(sheet.headers) else None
            out.error(
                name, row, col, _text(header), _NOTHING,
                "formula without a computed value: open and save the workbook in Excel "
                "or LibreOffice, or type the value",
            )


def read_settings(raw: RawWorkbook, out: _Collector) -> dict[str, Any]:
    """The Settings sheet as {setting: typed value}, defaults filled in."""
    sheet = raw.sheets.get(SETTINGS.name)
    if sheet is None:
        return {}
    columns = {c.name: c for c in SETTINGS.columns}
    values: dict[str, Any] = {}
    rows: dict[str, int] = {}
    for row, cells in sheet.rows:
        cells = cells + [None] * (2 - len(cells))
        key, value = cells[0], cells[1]
        name = _text(key).lower() if key is not None else ""
        if (row, 1) in sheet.uncached_formulas:
            continue
        if name not in columns:
            out.warn(SETTINGS.name, row, 0, "setting", key, "unknown setting, ignored")
            continue
        if name in rows:
            out.error(SETTINGS.name, row, 0, "setting", key, f"setting given twice (also row {rows[name]})")
            continue
        rows[name] = row
        if _blank(value):
            continue
        value = _as_shown(value, sheet, row, 1, columns[name], out)
        try:
            values[name] = parse_cell(value, columns[name])
        except _Bad as bad:
            out.error(SETTINGS.name, row, 1, name, value, str(bad))
    for column in SETTINGS.columns:
        if column.name in values:
            continue
        if column.required:
            where = rows.get(column.name)
            out.error(SETTINGS.name, where, 1 if where else None, column.name, _NOTHING,
                      f"setting {column.name} is required: {column.expected()}")
        else:
            values[column.name] = column.default
    return values


def read_table(raw: RawWorkbook, sheet: Sheet, out: _Collector) -> pd.DataFrame | None:
    """A table sheet as a typed DataFrame (column `excel_row` holds the Excel row)."""
    rs = raw.sheets.get(sheet.name)
    if rs is None:
        return None
    positions = _header_positions(rs, sheet, out)
    records = []
    for row, cells in rs.rows:
        record: dict[str, Any] = {"excel_row": row}
        for column in sheet.columns:
            pos = positions.get(column.name)
            value = cells[pos] if pos is not None and pos < len(cells) else None
            if pos is not None and (row, pos) in rs.uncached_formulas:
                record[column.name] = None
                continue
            if _blank(value):
                if column.required and pos is not None:
                    out.error(sheet.name, row, pos, column.name, None, f"required: {column.expected()}")
                record[column.name] = column.default
                continue
            value = _as_shown(value, rs, row, pos, column, out)
            try:
                record[column.name] = parse_cell(value, column)
            except _Bad as bad:
                out.error(sheet.name, row, pos, column.name, value, str(bad))
                record[column.name] = None
        records.append(record)
    if not records and sheet.required:
        out.error(sheet.name, 2, None, None, _NOTHING, "the table is empty: at least one row is needed")
    frame = pd.DataFrame.from_records(records, columns=["excel_row", *(c.name for c in sheet.columns)])
    _check_keys(frame, sheet, positions, out)
    return frame


def _as_shown(value: Any, rs: RawSheet, row: int, pos: int, column: Column, out: _Collector) -> Any:
    """A number in a cell formatted as a percentage, in a column whose unit is a percentage,
    read as Excel shows it: 0.015 shown as 1.5 % is 1.5 (the column's unit), with a warning."""
    if (not column.in_percent or (row, pos) not in rs.percent_cells or isinstance(value, bool)
            or not isinstance(value, (int, float)) or not math.isfinite(value)):
        return value
    shown = float(Decimal(repr(float(value))).scaleb(2))  # × 100 in decimal: 0.015 → 1.5, not 1.5000000000000002
    text = f"{shown:.15g}"
    out.warn(rs.name, row, pos, column.name, value,
             f"formatted as a percentage (Excel shows {text} %): read as {text}, as Excel shows it, since "
             f"this column is in {column.unit}; to silence this warning, format the cell as a number and "
             f"type {text}")
    return shown


def _header_positions(rs: RawSheet, sheet: Sheet, out: _Collector) -> dict[str, int]:
    known = {c.name for c in sheet.columns}
    positions: dict[str, int] = {}
    for pos, header in enumerate(rs.headers):
        if _blank(header):
            if any(pos < len(cells) and not _blank(cells[pos]) for _, cells in rs.rows):
                out.warn(sheet.name, 1, pos, None, None, "column without a header, ignored")
            continue
        name = _text(header).lower()
        if name in positions:
            out.error(sheet.name, 1, pos, name, header, f"column given twice (also column "
                      f"{get_column_letter(positions[name] + 1)})")
        elif name in known:
            positions[name] = pos
        else:
            out.warn(sheet.name, 1, pos, None, header, "unknown column, ignored")
    for column in sheet.columns:
        if column.required and column.name not in positions:
            out.error(sheet.name, 1, None, column.name, _NOTHING,
                      f"required column {column.name} is missing: {column.expected()}")
    return positions


def _check_keys(frame: pd.DataFrame, sheet: Sheet, positions: dict[str, int], out: _Collector) -> None:
    """Each key (code, or combination of columns) appears once."""
    if not sheet.key or frame.empty or any(k not in positions for k in sheet.key):
        return
    seen: dict[tuple, int] = {}
    required = [sheet.column(k).required for k in sheet.key]
    for record in frame.itertuples(index=False):
        key = tuple(getattr(record, k) for k in sheet.key)
        if any(_missing(k) and req for k, req in zip(key, required)):
            continue
        key = tuple(None if _missing(k) else k for k in key)
        folded = tuple(k.lower() if isinstance(k, str) else k for k in key)
        if folded in seen:
            what = ", ".join(f"{k}={v}" for k, v in zip(sheet.key, key))
            out.error(sheet.name, record.excel_row, positions[sheet.key[0]], sheet.key[0], key[0] if len(key) == 1 else what,
                      f"duplicate: {what} also appears in row {seen[folded]}")
        else:
            seen[folded] = record.excel_row


def _check_new_keys(frame: pd.DataFrame, plan: pd.DataFrame | None, sheet: Sheet, positions: dict[str, int],
                    out: _Collector) -> None:
    """A join workbook's rows add to the plan's: none may repeat a key of the plan's sheet."""
    if plan is None or plan.empty or frame.empty or not sheet.key or any(k not in positions for k in sheet.key):
        return

    def fold(key: tuple) -> tuple:
        return tuple(None if _missing(k) else (k.lower() if isinstance(k, str) else k) for k in key)

    rows = {fold(key): row for key, row in zip(zip(*(plan[k] for k in sheet.key)), plan["excel_row"])}
    for record in frame.itertuples(index=False):
        key = tuple(getattr(record, k) for k in sheet.key)
        if fold(key) in rows:
            what = ", ".join(f"{k}={'' if _missing(v) else v}" for k, v in zip(sheet.key, key))
            out.error(sheet.name, record.excel_row, positions[sheet.key[0]], sheet.key[0],
                      key[0] if len(key) == 1 else what,
                      f"a row the plan's workbook already has ({sheet.name} row {rows[fold(key)]}: {what}); "
                      "a join workbook adds new rows only")


def check_references(tables: dict[str, pd.DataFrame], raw: RawWorkbook, out: _Collector,
                     only: dict[str, pd.DataFrame] | None = None) -> None:
    """Every code that refers to another sheet exists there (in `tables`); `only`: check
    these frames (of `raw`) instead of `tables`' own."""
    for sheet in SHEETS:
        frame = (only if only is not None else tables).get(sheet.name)
        if frame is None:
            continue
        positions = _positions(raw, sheet)
        for column in sheet.columns:
            if not column.ref or column.ref not in tables and SHEET_BY_NAME[column.ref].required:
                continue  # a missing required sheet is reported by check_sheets
            given = tables.get(column.ref)
            codes = (set() if given is None else set(given["code"].dropna())) | set(column.ref_extra)
            where = column.ref if given is not None else f"{column.ref}: the workbook has no such sheet"
            candidates = tables.get("Candidates")
            if column.ref == "Members" and candidates is not None and len(candidates) and sheet.name != "Candidates":
                codes |= set(tables["Candidates"]["code"].dropna())
                where = "Members or Candidates"
            for row, value in zip(frame["excel_row"], frame[column.name]):
                if not _missing(value) and value not in codes:
                    out.error(sheet.name, row, positions.get(column.name), column.name, value,
                              f"no such code in sheet {where}" + _suggest(value, codes))
    candidates, members = (only if only is not None else tables).get("Candidates"), tables.get("Members")
    if candidates is not None and members is not None:
        both = set(candidates["code"]) & set(members["code"])
        pos = _positions(raw, SHEET_BY_NAME["Candidates"])
        for row, code in zip(candidates["excel_row"], candidates["code"]):
            if code in both:
                out.error("Candidates", row, pos.get("code"), "code", code,
                          "a code not already in Members (a candidate is not yet a member)")


def check_consistency(settings: dict[str, Any], tables: dict[str, pd.DataFrame],
                      raw: RawWorkbook, out: _Collector) -> None:
    """Rules across cells: horizon, years, ranges, what the fair-share key needs."""
    first, last, base = (settings.get(k) for k in ("first_year", "last_year", "price_base_year"))
    rows = {k: _settings_row(raw, k) for k in ("first_year", "last_year", "price_base_year")}
    if first and last and first > last:
        out.error(SETTINGS.name, rows["last_year"], 1, "last_year", last,
                  f"the horizon ends before it starts: expected a year ≥ first_year ({first})")
    if first and base and base > first:
        out.error(SETTINGS.name, rows["price_base_year"], 1, "price_base_year", base,
                  f"expected a year ≤ first_year ({first}): GDP and spending are given for it")
    for name in ("Requirements", "ScenarioRequirements"):
        if first and last and name in tables:
            req = tables[name]
            pos = _positions(raw, SHEET_BY_NAME[name]).get("year")
            for row, year in zip(req["excel_row"], req["year"]):
                if not _missing(year) and not first <= year <= last:
                    out.error(name, row, pos, "year", year,
                              f"outside the planning horizon: expected a year from {first} to {last}")
    members = tables.get("Members")
    if members is not None:
        pos = _positions(raw, SHEET_BY_NAME["Members"])
        _check_period(members, "Members", "year_joined", "year_left", pos, out)
        needed = _keys_needed(settings, raw, out)
        for key, column, unit in (("population", "population_m", "million people"),
                                  ("gni", "gni_musd", "million currency units"),
                                  ("gdp_ppp", "gdp_ppp_musd", "million currency units")):
            if key not in needed:
                continue
            for r in members.itertuples(index=False):
                if _missing(getattr(r, column)):
                    out.error("Members", r.excel_row, pos.get(column), column, None,
                              f"required when {needed[key]} {'uses' if needed[key] == 'fair_share_mix' else 'is'} "
                              f"{key}: a number ≥ 0 ({unit})")
        if "custom" in needed:
            _check_custom_shares(needed["custom"], members, tables.get("FairShare"), out)
        _check_zero_keys_in_a_band(settings, members, tables.get("FairShare"), raw, out)
        _check_cap(settings, tables, "fair_share_cap_pct", "fair_share_key", "share all the spending", raw, out)
        _check_cap(settings, tables, "common_funding_cap_pct", "common_funding_key", "share all common costs",
                   raw, out)
    suspensions = tables.get("Suspensions")
    if suspensions is not None:
        _check_period(suspensions, "Suspensions", "from_year", "to_year",
                      _positions(raw, SHEET_BY_NAME["Suspensions"]), out)
    transit = tables.get("Transit")
    if transit is not None:
        pos = _positions(raw, SHEET_BY_NAME["Transit"])
        for r in transit.itertuples(index=False):
            if _missing(r.from_member) == _missing(r.from_site):
                out.error("Transit", r.excel_row, pos.get("from_member"), "from_member",
                          _NOTHING, "fill exactly one of from_member and from_site")
    scenarios = tables.get("Scenarios")
    if scenarios is not None and not scenarios.empty and not (scenarios["probability"].fillna(0) > 0).any():
        out.error("Scenarios", None, _positions(raw, SHEET_BY_NAME["Scenarios"]).get("probability"),
                  "probability", _NOTHING, "at least one scenario needs a probability above 0")
    targets = tables.get("SpendingTargets")
    if targets is not None:
        pos = _positions(raw, SHEET_BY_NAME["SpendingTargets"])
        for r in targets.itertuples(index=False):
            if not _missing(r.min_gdp_pct) and not _missing(r.max_gdp_pct) and r.min_gdp_pct > r.max_gdp_pct:
                out.error("SpendingTargets", r.excel_row, pos.get("max_gdp_pct"), "max_gdp_pct", r.max_gdp_pct,
                          f"expected a ceiling ≥ min_gdp_pct ({r.min_gdp_pct:g})")


def check_magnitudes(settings: dict[str, Any], tables: dict[str, pd.DataFrame],
                     raw: RawWorkbook, out: _Collector) -> None:
    """Numbers that stay below LARGEST in their cells but not in the model: GDP (and GNI,
    GDP at PPP) grown from the price base year to the last year; requirements scaled by a
    scenario's requirement_scale."""
    base, last = settings.get("price_base_year"), settings.get("last_year")
    for name in ("Members", "Candidates"):
        members = tables.get(name)
        if members is None or not base or not last or last < base:
            continue
        pos = _positions(raw, SHEET_BY_NAME[name])
        for r in members.itertuples(index=False):
            growth = r.gdp_growth_pct
            sizes = [v for v in (r.gdp_musd, r.gni_musd, r.gdp_ppp_musd) if not _missing(v)]
            if _missing(growth) or growth <= 0 or not sizes:
                continue
            grown = max(sizes) * (1 + growth / 100) ** (last - base)
            if grown > LARGEST:
                out.error(name, r.excel_row, pos.get("gdp_growth_pct"), "gdp_growth_pct", growth,
                          f"grown {growth:g} % a year from {base} to {last}, GDP would reach {grown:.3g}: "
                          f"implausibly large (above {LARGEST:g}): expected a lower growth or a shorter horizon")
    scenarios, requirements = tables.get("Scenarios"), tables.get("Requirements")
    if scenarios is None or requirements is None or requirements["units"].dropna().empty:
        return
    units = requirements["units"].dropna().astype(float)
    largest = units.max()
    row = requirements.loc[units.idxmax(), "excel_row"]
    pos = _positions(raw, SHEET_BY_NAME["Scenarios"])
    for r in scenarios.itertuples(index=False):
        if not _missing(r.requirement_scale) and largest * r.requirement_scale > LARGEST:
            out.error("Scenarios", r.excel_row, pos.get("requirement_scale"), "requirement_scale",
                      r.requirement_scale, f"scales the largest requirement ({largest:g} units, Requirements › "
                      f"row {row}) to {largest * r.requirement_scale:.3g} units: implausibly large "
                      f"(above {LARGEST:g})")


def _check_period(frame: pd.DataFrame, sheet: str, first: str, last: str, positions: dict[str, int],
                  out: _Collector) -> None:
    """Each row's period ends no earlier than it starts: `last` ≥ `first` where both are given."""
    for start, end, row in zip(frame[first], frame[last], frame["excel_row"]):
        if not _missing(start) and not _missing(end) and end < start:
            out.error(sheet, row, positions.get(last), last, end, f"expected a year ≥ {first} ({start})")


def _check_cap(settings: dict[str, Any], tables: dict[str, pd.DataFrame], setting: str, key_setting: str,
               what: str, raw: RawWorkbook, out: _Collector) -> None:
    """A cap on any one member's share (in %) must let the members of each year of the
    horizon whose key is above 0 share 100 %: cap × members ≥ 100 in every year (the
    capped split does not exist otherwise). One error per number of members too small,
    naming its years."""
    cap, first, last = settings.get(setting), settings.get("first_year"), settings.get("last_year")
    members = tables["Members"]
    if cap is None or not first or not last or first > last:
        return
    key = settings.get(key_setting)
    zero = _zero_keys(key, settings.get("fair_share_mix"), members, tables.get("FairShare"))
    keyed = [r for r in members.itertuples(index=False) if r.code not in zero]
    short: dict[int, list[int]] = defaultdict(list)  # members that year -> years
    for t in range(first, last + 1):
        n = sum(1 for r in keyed if _member_in(r, t))
        if cap * n < 100:
            short[n].append(t)
    which = f" with a {key} above 0" if zero else ""
    for n, years in short.items():
        limit = f"a cap below {100 / n:.4g} % cannot {what}" if n else f"no cap can {what}"
        out.error(SETTINGS.name, _settings_row(raw, setting), 1, setting, cap,
                  f"in {year_runs(years)} the pact has {n} member{'s' if n != 1 else ''}{which}: {limit}")


def _check_zero_keys_in_a_band(settings: dict[str, Any], members: pd.DataFrame, fair: pd.DataFrame | None,
                               raw: RawWorkbook, out: _Collector) -> None:
    """A member held to a fair-share band (Settings' band or its own, not exempt) needs a
    fair_share_key above 0: with a key of 0 its fair share is 0 and the band allows it no
    spending at all (infeasible with any baseline spending). Reported at the cell of the 0."""
    key = settings.get("fair_share_key")
    zero = _zero_keys(key, settings.get("fair_share_mix"), members, fair)
    if not zero:
        return
    band: dict[str, bool] = dict.fromkeys(members["code"], settings.get("fair_share_band_pct") is not None)
    for m, own, exempt in ([] if fair is None else zip(fair["member"], fair["band_pct"], fair["exempt"])):
        if m in band:
            band[m] = not exempt and (band[m] or not _missing(own))
    for m, cells in zero.items():
        if not band.get(m):
            continue
        sheet, row, header, value = cells[0]
        out.error(sheet, row, _positions(raw, SHEET_BY_NAME[sheet]).get(header), header, value,
                  f"{m} is held to a fair-share band but its weight in the fair_share_key ({key}) is 0: "
                  f"its fair share is 0, and the band would allow it no spending at all; expected a weight "
                  f"above 0, or exempt = yes for {m} in FairShare")


def _member_in(row: Any, year: int) -> bool:
    """Is the Members row a member in `year` (year_joined ≤ year ≤ year_left, blanks open)?"""
    return (_missing(row.year_joined) or row.year_joined <= year) and (_missing(row.year_left) or year <= row.year_left)


def _zero_keys(key: str | None, mix: str | None, members: pd.DataFrame,
               fair: pd.DataFrame | None) -> dict[str, list[tuple[str, int, str, float]]]:
    """Members whose weight in `key` is 0 → the cells (sheet, row, column, value) that make
    it so. GDP and equal shares are never 0; a blank cell is not 0 (it is reported as
    missing where the key needs it); a mix is 0 where every component is."""

    if key == "mix":
        try:
            parts = list(parse_mix(mix))
        except ValueError:  # reported by _keys_needed
            return {}
        zeros = [_zero_keys(part, None, members, fair) for part in parts]
        return {m: [cell for z in zeros for cell in z[m]] for m in set.intersection(*(set(z) for z in zeros))}
    column = {"population": "population_m", "gni": "gni_musd", "gdp_ppp": "gdp_ppp_musd"}.get(key)
    if column is not None:
        rows = zip(members["code"], members["excel_row"], members[column])
        return {m: [("Members", row, column, v)] for m, row, v in rows if not _missing(v) and v == 0}
    if key == "custom" and fair is not None:
        rows = zip(fair["member"], fair["excel_row"], fair["custom_share"])
        return {m: [("FairShare", row, "custom_share", v)] for m, row, v in rows if not _missing(v) and v == 0}
    return {}


def _keys_needed(settings: dict[str, Any], raw: RawWorkbook, out: _Collector) -> dict[str, str]:
    """Simple keys the settings use → the setting that uses them (the mix's components
    included); a malformed fair_share_mix is reported."""

    needed: dict[str, str] = {}
    for setting in ("common_funding_key", "fair_share_key"):
        key = settings.get(setting)
        if key == "mix":
            try:
                for part in parse_mix(settings.get("fair_share_mix")):
                    needed.setdefault(part, "fair_share_mix")
            except ValueError as exc:
                out.error(SETTINGS.name, _settings_row(raw, "fair_share_mix"), 1, "fair_share_mix",
                          settings.get("fair_share_mix"), f"fair_share_key is mix: {exc}")
        elif key:
            needed.setdefault(key, setting)
    return needed


def _check_custom_shares(setting: str, members: pd.DataFrame, fair: pd.DataFrame | None,
                         out: _Collector) -> None:
    """A custom key needs every member's custom_share in FairShare."""
    given = set() if fair is None else set(fair.loc[fair["custom_share"].notna(), "member"])
    missing = [c for c in members["code"].dropna() if c not in given]
    if missing:
        out.error("FairShare", None, None, "custom_share", _NOTHING,
                  f"{setting} is custom, so every member needs a custom_share; missing: "
                  + ", ".join(missing))


# ---------------------------------------------------------------------------- entry points


def validate_workbook(raw: RawWorkbook) -> tuple[dict[str, Any], dict[str, pd.DataFrame], list[Issue]]:
    """Settings, typed tables and every issue of `raw` (errors and warnings)."""
    out = _Collector(raw.name)
    check_sheets(raw, out)
    check_reader_notes(raw, out)
    check_formulas(raw, out)
    settings = read_settings(raw, out)
    tables: dict[str, pd.DataFrame] = {}
    for sheet in SHEETS:
        if sheet.layout == "table":
            frame = read_table(raw, sheet, out)
            if frame is not None:
                tables[sheet.name] = frame
    check_references(tables, raw, out)
    check_consistency(settings, tables, raw, out)
    check_magnitudes(settings, tables, raw, out)
    return settings, tables, out.issues


JOINABLE = ("Candidates", "Forces", "SpendingTargets", "FairShare", "BasingRights", "Exclusions")


CELL_READ_ERRORS = (ValueError, TypeError, KeyError, IndexError, OverflowError)


def read_schema_sheets(path: str | Path) -> RawWorkbook:
    """The workbook's sheets that the schema knows (the others are named, never parsed); its
    size and package are inspected before it is read (InputError if it cannot be)."""
    try:
        return read_workbook(path, sheets=SHEET_BY_NAME)
    except UnreadableWorkbook as exc:
        raise InputError([Issue(Path(path).name, exc.sheet, None, None, None, _NOTHING,
                                str(exc).split(": ", 1)[-1])]) from exc
    except CELL_READ_ERRORS as exc:  # openpyxl cannot convert a value the file stores in a cell
        raise InputError(_unreadable_cells(Path(path), exc)) from exc


def _unreadable_cells(path: Path, exc: Exception) -> list[Issue]:
    """A problem for each cell openpyxl cannot read (a number stored as NaN or INF, a
    boolean stored as 'x', a shared string that is not there: what Excel never writes),
    found by reading the sheets again with openpyxl's parser, cell by cell. The other
    cells are checked once the workbook can be read."""
    advice = ("type the value again in Excel and save, or ask the sender for a fresh copy saved by Excel; "
              "the other cells are checked once the workbook can be read")
    found = _find_unreadable_cells(path)
    if not found:
        return [Issue(path.name, None, None, None, None, _NOTHING, f"cannot be read as a workbook ({exc}): {advice}")]
    return [Issue(path.name, sheet, row, col, header, stored,
                  f"a value Excel does not store in a cell (NaN or infinity?): {advice}")
            for sheet, row, col, header, stored in found]


def _find_unreadable_cells(path: Path) -> list[tuple[str, int, int, str | None, Any]]:
    """(sheet, row, 0-based column, header, stored text) of every cell openpyxl's
    worksheet parser fails on; empty if none is found. openpyxl's warnings stay quiet
    (read_workbook reported the ones that matter)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _find_unreadable_cells_quietly(path)


def _find_unreadable_cells_quietly(path: Path) -> list[tuple[str, int, int, str | None, Any]]:
    from openpyxl.worksheet._reader import VALUE_TAG, WorkSheetParser

    found: list[tuple[str, int, int, str | None, Any]] = []

    class Tolerant(WorkSheetParser):
        def parse_cell(self, element):
            try:
                return super().parse_cell(element)
            except CELL_READ_ERRORS:
                self.unreadable.append((self.row_counter, self.col_counter, element.findtext(VALUE_TAG)))
                return {"row": self.row_counter, "column": self.col_counter, "value": None,
                        "data_type": "n", "style_id": 0}

    try:
        wb = open_workbook(path, data_only=True)  # as read_workbook opens it: the sheets not read stay unparsed
    except Exception:  # noqa: BLE001 - no location, then: the workbook is named
        return found
    try:
        for ws in (ws for ws in wb.worksheets if ws.title in SHEET_BY_NAME):  # the sheets read_workbook reads
            with ws._get_source() as src:
                parser = Tolerant(src, ws._shared_strings, data_only=True, epoch=wb.epoch,
                                  date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
                parser.unreadable = []
                headers: dict[int, Any] = {}
                for number, cells in parser.parse():
                    if number == 1:
                        headers = {c["column"]: c["value"] for c in cells}
            for row, column, stored in parser.unreadable:
                header = _text(headers.get(column)) if row > 1 else ""
                found.append((ws.title, row, column - 1, header or None, stored if stored is not None else _NOTHING))
    except Exception:  # noqa: BLE001 - openpyxl's internals changed: the workbook is named
        return []
    finally:
        wb.close()
    return found


def validate_join(raw: RawWorkbook, tables: dict[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame], list[Issue]]:
    """The rows of a join workbook (states that may join: its Candidates sheet, or its
    Members sheet read as candidates, and their Forces, SpendingTargets, FairShare,
    BasingRights and Exclusions rows), checked in that workbook, and the plan's `tables`
    with them appended."""
    out = _Collector(raw.name)
    check_reader_notes(raw, out)
    if "Candidates" not in raw.sheets and "Members" in raw.sheets:
        raw = dataclasses.replace(raw, sheets={**raw.sheets, "Candidates": dataclasses.replace(raw.sheets["Members"],
                                                                                             name="Candidates")})
    if "Candidates" not in raw.sheets:
        out.error("Candidates", None, None, None, _NOTHING, "a join workbook needs a Candidates (or Members) sheet")
        return tables, out.issues
    own = {}
    for name in JOINABLE:
        if name in raw.sheets:
            frame = read_table(raw, dataclasses.replace(SHEET_BY_NAME[name], required=name == "Candidates"), out)
            if frame is not None:
                own[name] = frame
    for name, frame in own.items():
        _check_new_keys(frame, tables.get(name), SHEET_BY_NAME[name], _positions(raw, SHEET_BY_NAME[name]), out)
    merged = dict(tables)
    for name, frame in own.items():
        merged[name] = frame if tables.get(name) is None else pd.concat([tables[name], frame], ignore_index=True)
    check_references(merged, raw, out, only=own)
    return merged, out.issues


# ---------------------------------------------------------------------------- helpers


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    return str(value).strip() if value is not None else ""


def _positions(raw: RawWorkbook, sheet: Sheet) -> dict[str, int]:
    rs = raw.sheets.get(sheet.name)
    if rs is None:
        return {}
    out: dict[str, int] = {}
    for pos, header in enumerate(rs.headers):
        name = _text(header).lower()
        if name and name not in out:
            out[name] = pos
    return out


def _settings_row(raw: RawWorkbook, name: str) -> int | None:
    rs = raw.sheets.get(SETTINGS.name)
    for row, cells in rs.rows if rs else ():
        if cells and _text(cells[0]).lower() == name:
            return row
    return None


def _suggest(value: str, codes: set[str]) -> str:
    folded = {c.lower(): c for c in codes if isinstance(c, str)}
    match = folded.get(str(value).lower())
    return f" (did you mean {match}?)" if match else ""
