"""Small openpyxl helpers shared by the template and the report writers.

Every workbook the planner writes uses the same look: bold headers on a fill colour,
a frozen header row, an auto-filter, sensible column widths, text from inputs stored
as text (never as a formula), and an atomic save.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
import tempfile
import traceback
import zipfile
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .paths import CWD_GONE, WRITTEN, cwd_gone, temp_name

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
TITLE_FONT = Font(bold=True, size=14)
MAX_WIDTH = 60
MIN_WIDTH = 8
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
AUTHOR = "Alliance Burden-Sharing Planner"


def safe_text(cell: Cell, value: object) -> Cell:
    """Store `value` in `cell` as a text cell, never as a formula or an error value.

    openpyxl turns a string starting with "=" into a formula and "#N/A" into an error;
    a string starting with + - @ or a tab/CR is read as a formula by some spreadsheet
    programs on edit. Forcing the cell type to "s" keeps all of them literal text.
    """
    cell.value = str(value)
    cell.data_type = "s"
    return cell


def style_header(ws: Worksheet, row: int = 1) -> None:
    """Bold white text on a dark fill for every filled cell of `row`."""
    for cell in ws[row]:
        if cell.value is not None:
            cell.font = HEADER_FONT
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(vertical="top", wrap_text=False)


def write_header(
    ws: Worksheet, names: Iterable[str], notes: Iterable[str] | None = None, row: int = 1
) -> None:
    """Write header `names` in `row`, styled, each with its note as a cell comment."""
    notes_list = list(notes) if notes is not None else None
    for j, name in enumerate(names, start=1):
        cell = safe_text(ws.cell(row=row, column=j), name)
        if notes_list and notes_list[j - 1]:
            cell.comment = comment(notes_list[j - 1])
    style_header(ws, row)


def comment(text: str, width: int = 360) -> Comment:
    """A cell comment sized to hold `text` without scrolling."""
    note = Comment(text, AUTHOR)
    lines = sum(1 + len(part) // 55 for part in text.split("\n"))
    note.width = width
    note.height = max(60, 18 * lines + 10)
    return note


def freeze_and_filter(ws: Worksheet, header_row: int = 1) -> None:
    """Freeze the rows up to `header_row` and put an auto-filter on the used range."""
    ws.freeze_panes = f"A{header_row + 1}"  # a coordinate, so that no cell is created
    last_col = get_column_letter(max(ws.max_column, 1))
    last_row = max(ws.max_row, header_row)
    ws.auto_filter.ref = f"A{header_row}:{last_col}{last_row}"


def set_widths(ws: Worksheet, widths: Iterable[float]) -> None:
    """Set column widths (characters), bounded by MIN_WIDTH and MAX_WIDTH."""
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = min(max(width, MIN_WIDTH), MAX_WIDTH)


def fit_widths(ws: Worksheet, extra: float = 2, cap: float = MAX_WIDTH) -> None:
    """Widen each column to its longest value (in characters), capped at `cap`."""
    longest: dict[int, int] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is not None:
                n = max(len(line) for line in str(cell.value).split("\n"))
                longest[cell.column] = max(longest.get(cell.column, 0), n)
    for j, n in longest.items():
        ws.column_dimensions[get_column_letter(j)].width = min(max(n + extra, MIN_WIDTH), cap)


def landscape_fit_width(ws: Worksheet) -> None:
    """Print landscape, all columns on one page wide, as many pages long as needed."""
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    if ws.freeze_panes == "A2":
        ws.print_title_rows = "1:1"


class WriteError(Exception):
    """The workbook could not be saved (disk full, folder gone…); nothing was written."""


def save_atomic(wb: Workbook, path: str | os.PathLike[str]) -> None:
    """Save `wb` to a short-named temporary file next to `path`, then rename it onto `path`.

    The temporary file is removed whatever stops the save (an error, Ctrl-C, or SIGTERM/SIGHUP,
    which the command line turns into exceptions), so `path` holds the whole workbook or is
    left as it was; the half-written zip and sheet files are discarded with it (`_discard`).
    A write error (OSError, or lxml's on a sheet's file in the temporary folder) becomes a
    WriteError naming `path`, the reason and, if it is not `path`'s, the folder that failed;
    an error while cleaning up never hides it.
    """
    target = Path(path)
    tmp = target.with_name(temp_name())  # a fresh name (not mkstemp, whose file is private): the usual mode
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        wb.save(tmp)
        os.replace(tmp, target)
    except BaseException as exc:
        sheet_files = _discard(exc.__traceback__)
        left = _remove(tmp)
        reason = _write_failure(exc, tmp, sheet_files)
        if reason is None:  # not a write error (Ctrl-C, a bug): it goes on as it is
            raise
        outcome = (f"{os.fspath(path)} was left as it was, but the unfinished {left} could not be removed: "
                   "delete it" if left else "nothing was written")
        raise WriteError(f"could not write {os.fspath(path)}: {reason}; {outcome}") from exc
    WRITTEN.append(target)


def _discard(tb: TracebackType | None) -> list[str]:
    """Close, without writing anything more, what a failed save left open, and remove openpyxl's
    temporary sheet files; the paths of those files. They are reachable only from the
    traceback `tb` (openpyxl's locals): left to the garbage collector, the zip would be closed
    (its directory written to a file that failed, 'Exception ignored in ZipFile.__del__') and
    a sheet's XML writer finished ('Exception ignored in WorksheetWriter.get_stream')."""
    try:
        from openpyxl.worksheet._writer import ALL_TEMP_FILES, WorksheetWriter
    except ImportError:  # another openpyxl: its zip is still discarded
        ALL_TEMP_FILES, WorksheetWriter = [], ()

    files: list[str] = []
    for frame, _ in traceback.walk_tb(tb):
        for value in list(frame.f_locals.values()):
            if isinstance(value, zipfile.ZipFile) and value.fp is not None:
                fp, value.fp = value.fp, None  # closed: its own close() now does nothing
                with contextlib.suppress(Exception):
                    fp.close()  # what it still buffers is lost with the file
            elif isinstance(value, WorksheetWriter) and value.out not in files:
                files.append(value.out)
                with contextlib.suppress(Exception):
                    value.xf.close()  # raises the sheet file's write error again
                with contextlib.suppress(OSError):
                    os.remove(value.out)
                with contextlib.suppress(ValueError):
                    ALL_TEMP_FILES.remove(value.out)
    return files


def _remove(tmp: Path) -> str | None:
    """Remove the unfinished `tmp`; its name if it is still there (a folder turned read-only)."""
    try:
        tmp.unlink(missing_ok=True)
    except OSError:
        if os.path.lexists(tmp):
            return os.fspath(tmp)
    return None


def _write_failure(exc: BaseException, tmp: Path, sheet_files: list[str]) -> str | None:
    """Why the save failed, if `exc` is a write error, and where, if not in the target's folder
    (`tmp`'s): openpyxl writes each sheet to a file in the temporary folder first; the working
    folder, if `tmp` is relative to it and it was deleted. None for other exceptions."""
    serialisation = getattr(sys.modules.get("lxml.etree"), "SerialisationError", ())
    if isinstance(exc, OSError) and cwd_gone(tmp):
        return CWD_GONE
    if isinstance(exc, OSError):
        code, reason, where = exc.errno, exc.strerror or str(exc), exc.filename
    elif isinstance(exc, serialisation):  # lxml: "IO_ENOSPC", on a sheet's file
        code = getattr(errno, str(exc).removeprefix("IO_"), None)
        reason = os.strerror(code) if code else f"the sheet could not be written ({exc})"
        where = sheet_files[0] if sheet_files else os.path.join(tempfile.gettempdir(), "openpyxl.sheet")
    else:
        return None
    if not isinstance(where, (str, bytes, os.PathLike)) or Path(os.fsdecode(where)).parent == tmp.parent:
        return reason
    folder = Path(os.fsdecode(where)).parent
    if folder != Path(tempfile.gettempdir()):
        return f"{reason} ({os.fsdecode(where)})"
    advice = ("free space there, or set TMPDIR to a folder with room" if code in (errno.ENOSPC, errno.EDQUOT)
              else "set TMPDIR to a folder you can write in")
    return f"{reason} in the temporary folder {folder}: {advice}"


def is_blank(value: Any) -> bool:
    """None, NaN, NaT and pandas.NA are blank cells."""
    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))


EXCEL_MAX_TEXT = 32_767  # characters in one cell
EXCEL_MAX_ROWS = 1_048_576


def excel_text(value: object) -> str:
    """`value` as a string Excel can hold: XML-illegal control characters removed, lone surrogates
    (undecodable bytes of a file name) replaced by '?', long text cut.

    openpyxl raises IllegalCharacterError on control characters other than tab, LF and CR,
    and Excel truncates (or repairs) cells over 32,767 characters. Pass the result to
    `safe_text` so that it also stays text.
    """
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    text = text.encode("utf-8", "replace").decode("utf-8")  # a file name's undecodable bytes (surrogates) → '?'
    if len(text) > EXCEL_MAX_TEXT:
        text = text[: EXCEL_MAX_TEXT - 1] + "…"
    return text
