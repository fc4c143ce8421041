"""A workbook in, plan data out: read, validate, assemble (InputError if the workbook has errors)."""

from __future__ import annotations

from pathlib import Path

from models import PlanData

from .assemble import assemble
from .validate import InputError, Issue, read_schema_sheets, validate_join, validate_workbook


def load_plan(path: str | Path, join: str | Path | None = None) -> tuple[PlanData, list[Issue]]:
    """Read, validate and assemble a workbook: (PlanData, warnings), or InputError listing
    every problem. `join`: a workbook of states that may join (planner.validate.validate_join),
    added to the plan's candidates."""
    raw = read_schema_sheets(path)
    settings, tables, issues = validate_workbook(raw)
    if join is not None and not any(i.severity == "error" for i in issues):
        tables, more = validate_join(read_schema_sheets(join), tables)
        issues = issues + more
    if any(i.severity == "error" for i in issues):
        raise InputError(issues)
    return assemble(settings, tables), [i for i in issues if i.severity == "warning"]
