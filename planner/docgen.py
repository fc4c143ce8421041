"""Generate docs/inputs.md from the input schema: `python -m planner.docgen docs/inputs.md`."""

from __future__ import annotations

import sys
from pathlib import Path

from planner.schema import ALL, SHEETS, Column, Sheet
from planner.template import format_default
from planner.workbook import MAX_FILE_BYTES, MAX_ROWS, MB

INTRO = f"""\
# Input workbook

<!-- Generated from planner/schema.py by `make docs` (python -m planner.docgen docs/inputs.md).
     Do not edit by hand: change the schema and regenerate. -->

A plan is one Excel workbook. `planner template OUT.xlsx` writes an empty one with every
sheet below, a comment on each header (description, unit, default, expected values) and
drop-down lists for choices and codes; `inputs/tutorial.xlsx` and `inputs/nato.xlsx` are
filled examples.

## How to read the workbook

- **Tables.** Every sheet except Settings is a table: headers in row 1 exactly as named
  below, one record per row. Unknown sheets and columns are reported as warnings and
  never used (an unknown sheet's cells are never read); the sheet `About` is free text and
  never read.
- **Settings.** One setting per row: its name in column A, its value in column B; columns
  C (unit) and D (description) are for the reader.
- **Blank cells** take the column's default; a required column must be filled.
- **Codes** are short identifiers (letters, digits, `_` or `-`), e.g. `USA`, `ARM_BDE`,
  `EAST`. A reference column holds a code from the first column of another sheet.
  In SpendingTargets, the member `{ALL}` means every member.
- **Yes/no** columns take `yes` or `no`.
- **Units.** Money is in million currency units (Settings `currency`) at constant prices
  of Settings `price_base_year`. Percentages are written as numbers: `2` means 2 %.
  A cell formatted as a percentage in a column in % is read as Excel shows it
  (0.02 shown as 2 % is 2), with a warning.
- **Unique key.** No two rows of a sheet may share the values of its key columns.
- **Formulas** are read by their cached values (flagged when there is none).
- **Limits.** A workbook is an Excel Workbook (.xlsx) of at most {MAX_FILE_BYTES // MB} MB; a sheet
  the planner reads holds values in at most {MAX_ROWS:,} rows ({MAX_ROWS:,} rows per sheet).
  Only rows that hold values count: not rows that are only formatted, not the used range
  a sheet records, and not the sheets the planner does not read.
"""


def render_inputs_md() -> str:
    """The whole of docs/inputs.md, generated from `planner.schema.SHEETS`."""
    parts = [INTRO, "## Sheets\n", "| sheet | required | contents |", "| --- | --- | --- |"]
    parts += [f"| [{s.name}](#{s.name.lower()}) | {_yes(s.required)} | {_cell(s.description)} |"
              for s in SHEETS]
    parts.append("")
    for sheet in SHEETS:
        parts.append(render_sheet(sheet))
    return "\n".join(parts).rstrip() + "\n"


def render_sheet(sheet: Sheet) -> str:
    """One sheet's section: description, required/optional, key and the column table."""
    lines = [f"## {sheet.name}\n", sheet.description, ""]
    lines.append(f"- {'Required' if sheet.required else 'Optional'} sheet.")
    if sheet.layout == "settings":
        lines.append("- Layout: one setting per row (name in column A, value in column B).")
    if sheet.key:
        lines.append(f"- Unique key: {', '.join(f'`{k}`' for k in sheet.key)}.")
    first = "setting" if sheet.layout == "settings" else "column"
    lines += [
        "",
        f"| {first} | type | unit | required / default | allowed values / reference "
        "| description |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    lines += [_row(c) for c in sheet.columns]
    lines.append("")
    return "\n".join(lines)


def _row(col: Column) -> str:
    if col.required:
        need = "required"
    elif col.default is not None:
        need = f"default `{format_default(col)}`"
    else:
        need = "optional"
    return (f"| `{col.name}` | {col.kind} | {_cell(col.unit)} | {need} | "
            f"{_cell(_allowed(col))} | {_cell(col.description)} |")


def _allowed(col: Column) -> str:
    """Allowed values: choices, reference, or range; the kind's wording otherwise."""
    text = col.expected()
    if col.unit and text.endswith(f" ({col.unit})"):
        text = text[: -len(col.unit) - 3]  # the unit has its own column
    return text


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m planner.docgen docs/inputs.md", file=sys.stderr)
        return 2
    Path(args[0]).write_text(render_inputs_md(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
