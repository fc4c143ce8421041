"""Page setup of every sheet the planner writes: what a planner gets when printing it.

Every sheet prints A4 landscape, one page wide (as many pages long as needed), with its
header row repeated on every page, margins, and a footer naming the plan, the sheet and the
page. A sheet can name its print areas: a long detail table is kept whole on the sheet but
only an informative part of it is printed (each area starts a new page), and a chart is an
area of its own, so that a wide table and the chart beside it do not shrink each other.

Sizes: a column `w` characters wide is about 7 w + 5 pixels (Calibri 11, Excel's rule),
a pixel 1/96 inch; a row is 15 points unless set. These let the writers find the cells a
chart covers (its print area) and let the tests estimate how much a printed page shrinks.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from openpyxl.styles import Alignment
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.cell import coordinate_from_string, range_boundaries
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

DEFAULT_WIDTH = 8.43  # characters: Excel's default column width
CALC_WIDTH = 1.17  # LibreOffice Calc draws a column this much wider than Excel's rule (measured on its PDFs)
DEFAULT_ROW_PT = 15.0
A4_LANDSCAPE_CM = (29.7, 21.0)
MARGIN_IN = {"left": 0.5, "right": 0.5, "top": 0.55, "bottom": 0.75, "header": 0.3, "footer": 0.3}
PRINTABLE_WIDTH_CM = A4_LANDSCAPE_CM[0] - 2.54 * (MARGIN_IN["left"] + MARGIN_IN["right"])
PRINTABLE_HEIGHT_CM = A4_LANDSCAPE_CM[1] - 2.54 * (MARGIN_IN["top"] + MARGIN_IN["bottom"])
FOOTER_MAX = 250  # characters of the whole footer (Excel's limit is 255)


def column_cm(ws: Worksheet, column: int) -> float:
    """Width of `column` (1-based) in cm."""
    letter = get_column_letter(column)
    dim = ws.column_dimensions.get(letter) if letter in ws.column_dimensions else None
    width = dim.width if dim is not None and dim.width else DEFAULT_WIDTH
    if dim is not None and dim.hidden:
        return 0.0
    return CALC_WIDTH * math.trunc(width * 7 + 5) / 96 * 2.54


def row_cm(ws: Worksheet, row: int) -> float:
    """Height of `row` in cm."""
    dim = ws.row_dimensions.get(row) if row in ws.row_dimensions else None
    height = dim.height if dim is not None and dim.height else DEFAULT_ROW_PT
    return height / 72 * 2.54


def chart_extent(ws: Worksheet, chart) -> tuple[int, int, int, int]:
    """(min_col, min_row, max_col, max_row) of the cells `chart` covers on `ws`."""
    letters, row = coordinate_from_string(str(chart.anchor))
    col = column_index_from_string(letters)
    last_col, width = col, column_cm(ws, col)
    while width < chart.width:
        last_col += 1
        width += column_cm(ws, last_col)
    last_row, height = row, row_cm(ws, row)
    while height < chart.height:
        last_row += 1
        height += row_cm(ws, last_row)
    return col, row, last_col, last_row


def chart_area(ws: Worksheet, chart, top_row: int | None = None) -> str:
    """The print area holding `chart` (from `top_row`, default the chart's own first row)."""
    c0, r0, c1, r1 = chart_extent(ws, chart)
    return f"{get_column_letter(c0)}{top_row or r0}:{get_column_letter(c1)}{r1}"


def area(min_col: int, min_row: int, max_col: int, max_row: int) -> str:
    return f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max(min_col, max_col))}{max(min_row, max_row)}"


def area_width_cm(ws: Worksheet, ref: str) -> float:
    """Width of print area `ref` in cm."""
    min_col, _, max_col, _ = range_boundaries(ref.replace("$", "").split("!")[-1])
    return sum(column_cm(ws, c) for c in range(min_col, max_col + 1))


def title_columns(ws: Worksheet) -> int:
    """How many columns the sheet repeats left of every printed page (its print title columns)."""
    cols = ws.print_title_cols
    if not cols:
        return 0
    last = str(cols).replace("$", "").split(":")[-1]
    return column_index_from_string(last)


def print_scale(ws: Worksheet, ref: str) -> float:
    """The scale (≤ 1) that fitting print area `ref` (with the repeated title columns) to one page wide takes."""
    width = area_width_cm(ws, ref)
    min_col = range_boundaries(ref.replace("$", "").split("!")[-1])[0]
    keys = title_columns(ws)
    if keys and min_col > keys:
        width += sum(column_cm(ws, c) for c in range(1, keys + 1))
    return min(1.0, PRINTABLE_WIDTH_CM / max(width, 1e-9))


def split_wide(ws: Worksheet, areas: Sequence[str], keys: int) -> list[str]:
    """Areas of the sheet's table (from column 1) too wide to print readably, split into column
    groups that each do, the first `keys` columns (codes, names) repeated on every page."""
    out: list[str] = []
    for ref in areas:
        c0, r0, c1, r1 = range_boundaries(ref.replace("$", ""))
        if c0 != 1 or print_scale(ws, ref) >= MIN_READABLE_SCALE or c1 <= keys + 1:
            out.append(ref)
            continue
        budget = PRINTABLE_WIDTH_CM / MIN_READABLE_SCALE - sum(column_cm(ws, c) for c in range(1, keys + 1))
        rest = [column_cm(ws, c) for c in range(keys + 1, c1 + 1)]
        groups = max(2, math.ceil(sum(rest) / budget))
        target = sum(rest) / groups  # balanced groups, each within the budget
        start, width = 1, 0.0
        for c, w in zip(range(keys + 1, c1 + 1), rest):
            if width + w > min(budget, target * 1.15) and width > 0:
                out.append(area(start, r0, c - 1, r1))
                start, width = c, 0.0
            width += w
        out.append(area(start, r0, c1, r1))
        ws.print_title_cols = f"A:{get_column_letter(keys)}"
    return out


def footer_text(text: str) -> str:
    """`text` safe in a header/footer: '&' doubled (it starts a code), short enough."""
    return text.replace("&", "&&")


def setup_page(ws: Worksheet, plan: str, *, areas: Sequence[str] | None = None, title_rows: str | None = "auto",
               one_page: bool = False, note: str | None = None, split: bool = True) -> None:
    """A4 landscape, one page wide (`one_page`: one page in all), margins, footer, print titles.

    areas:      print areas, each starting a new page (None: the used range).
    title_rows: rows repeated at the top of every page ("auto": the frozen header rows).
    note:       a few words on what the printed pages show, for the footer.
    split:      a table too wide to print readably prints in column groups, its codes repeated.
    """
    ps = ws.page_setup
    ps.orientation = "landscape"
    ps.paperSize = ws.PAPERSIZE_A4
    if ws.sheet_properties.pageSetUpPr is None:
        ws.sheet_properties.pageSetUpPr = PageSetupProperties()
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ps.fitToWidth = 1
    ps.fitToHeight = 1 if one_page else 0
    ws.page_margins = PageMargins(**MARGIN_IN)
    ws.print_options.horizontalCentered = False
    if title_rows == "auto":
        frozen = ws.freeze_panes
        title_rows = None
        if frozen and not one_page:
            _, row = coordinate_from_string(frozen)
            if row > 1:
                title_rows = f"1:{row - 1}" if row == 2 else f"{row - 1}:{row - 1}"
    if title_rows:
        ws.print_title_rows = title_rows
    if split and not areas and not one_page and ws.max_column > 2 and title_rows:
        full = area(1, 1, ws.max_column, ws.max_row)
        if print_scale(ws, full) < MIN_READABLE_SCALE:
            areas = [full]
    if split and areas and not one_page:
        keys = 2 if str(ws["B1"].value or "").startswith("Name") else 1
        areas = split_wide(ws, areas, keys)
    if areas:
        ws.print_area = list(areas)
    left = footer_text(plan[:80])
    centre = "&A" + (f": {footer_text(note)}" if note else "")
    right = "Page &P of &N"
    budget = FOOTER_MAX - len(left) - len(right) - 12
    if len(centre) > budget:
        centre = centre[: budget - 1] + "…"
    for part, text in ((ws.oddFooter.left, left), (ws.oddFooter.center, centre), (ws.oddFooter.right, right)):
        part.text = text
        part.size = 8


def wrap_rows(ws: Worksheet, rows: Iterable[int], column: int, width_chars: float, line_pt: float = 15.0) -> None:
    """Wrap the text of `column` in `rows` and make each row tall enough for its lines
    (spreadsheets do not grow a row for wrapped text of merged cells, and Excel not on load)."""
    for r in rows:
        cell = ws.cell(row=r, column=column)
        if cell.value is None:
            continue
        for other in ws[r]:
            if other.value is not None and other is not cell:
                other.alignment = Alignment(vertical="top", horizontal=other.alignment.horizontal)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        text = str(cell.value)
        lines = sum(max(1, math.ceil(len(part) * 0.95 / max(width_chars - 1, 1))) for part in text.split("\n"))
        current = ws.row_dimensions[r].height or DEFAULT_ROW_PT
        ws.row_dimensions[r].height = max(current, line_pt * lines)


def auto_areas(ws: Worksheet, gap: int = 1) -> list[str] | None:
    """Print areas of a sheet whose charts sit right of its tables: the tables (every row,
    the columns left of the first chart), then each chart on a page of its own (None: no chart)."""
    charts = list(ws._charts)
    if not charts:
        return None
    extents = [chart_extent(ws, c) for c in charts]
    first = min(e[0] for e in extents)
    areas = [area(1, 1, max(first - 1 - gap, 1), ws.max_row)]
    areas += [area(c0, 1, c1, r1) for c0, _, c1, r1 in sorted(extents)]
    return areas


MIN_SCALE = 0.72  # side-by-side areas print together while that takes no more shrinking than this (8 pt text)


def merge_side_by_side(ws: Worksheet, areas: Sequence[str] | None, min_scale: float = MIN_SCALE) -> list[str] | None:
    """`areas` as one area when they sit side by side and together still print at `min_scale`
    or larger: a small table and its chart then share a page instead of taking one each."""
    if not areas or len(areas) < 2:
        return list(areas) if areas else None
    bounds = [range_boundaries(a.replace("$", "")) for a in areas]
    c0, r0 = min(b[0] for b in bounds), min(b[1] for b in bounds)
    c1, r1 = max(b[2] for b in bounds), max(b[3] for b in bounds)
    columns = [set(range(b[0], b[2] + 1)) for b in bounds]
    overlapping = any(columns[i] & columns[j] for i in range(len(columns)) for j in range(i + 1, len(columns)))
    union = area(c0, r0, c1, r1)
    if overlapping or print_scale(ws, union) < min_scale:
        return list(areas)
    return [union]


MIN_READABLE_SCALE = 0.72  # 11-point text printed at this scale is 8 points
