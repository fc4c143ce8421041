"""Read a plan workbook's sheets as raw cell values (openpyxl), nothing else.

Cells that hold formulas are read by their cached values; a formula without a cached
value (a workbook saved by a program that does not compute) is recorded so that the
validator can name it. The input file is opened read-only and never written.

Workbooks arrive by e-mail, some broken, some hostile: `inspect_package` looks at the
file's bytes and its zip directory before openpyxl parses anything, and refuses, with
what to do instead, anything that is not a plain .xlsx package of reasonable size. Each
sheet that is read has its rows that hold values counted first (`_value_rows`, stopping
past MAX_ROWS), and openpyxl reads no further than the last of them; what a sheet claims
(its <dimension>), rows that are only formatted, and sheets that are not read do not count.

openpyxl's own warnings (unsupported extensions, missing default style…) never reach the
user's terminal: they are caught around every openpyxl call, and the few that say
something about the values read become `RawWorkbook.notes`, which the validator reports.
"""

from __future__ import annotations

import re
import struct
import warnings
import zipfile
import zlib
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any
from xml.etree.ElementTree import ParseError

import openpyxl
from openpyxl.reader.excel import ExcelReader
from openpyxl.utils import column_index_from_string
from openpyxl.workbook import Workbook
from openpyxl.cell.read_only import ReadOnlyCell
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import WorkSheetParser
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, fromstring as _safe_fromstring

from .paths import CWD_GONE, cwd_gone

MB = 1 << 20
MAX_FILE_BYTES = 200 * MB  # on disk
MAX_UNCOMPRESSED_BYTES = 200 * MB  # all members together, as the zip directory declares them
MAX_RATIO = 100  # uncompressed / compressed, of any member (and of the whole) above RATIO_FROM_BYTES
RATIO_FROM_BYTES = 1 * MB
MAX_MEMBERS = 10_000
MAX_DIRECTORY_BYTES = 10 * MB  # the zip's central directory, which zipfile reads into memory
MAX_PROLOG_BYTES = 64 * 1024  # XML before a part's root element (where a DTD would be)
MAX_SMALL_PART_BYTES = 1 * MB  # [Content_Types].xml and external links' .rels, parsed whole
CHUNK = 1 * MB
MAX_ROWS = 100_000  # rows holding values per sheet read: reading stays within seconds and bounded memory
EXCEL_ROWS = 1_048_576  # Excel's last row

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and any password-encrypted .xlsx
MACRO_SUFFIXES = (".xlsm", ".xltm", ".xlam")
EXTERNAL_LINK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"
MACROS = "macro-enabled workbook: save it as Excel Workbook (.xlsx) without macros"
ENCRYPTED = "encrypted or password-protected: save it without a password"
FRESH_COPY = "ask the sender for a fresh copy saved by Excel as Excel Workbook (.xlsx)"
STRICT = ("a Strict Open XML workbook, which the planner cannot read: save it as Excel Workbook (.xlsx), "
          "not Strict Open XML Spreadsheet (in Excel: File › Save As, file format Excel Workbook)")
STRICT_NAMESPACES = "{http://purl.oclc.org/ooxml/"  # ISO/IEC 29500 Strict: every part's root is in one
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"  # Transitional, what Excel saves
ROW_NAME = f"{MAIN_NS}}}row"  # element names as expat gives them to ElementTree: namespace}name
VALUE_NAMES = {f"{MAIN_NS}}}{t}" for t in ("v", "is", "f")}  # a cell's value, inline text, formula


class UnreadableWorkbook(Exception):
    """The file is not a workbook the planner can read (`sheet`: the sheet at fault, if one is)."""

    def __init__(self, message: str, sheet: str | None = None):
        super().__init__(message)
        self.sheet = sheet


@dataclass
class RawSheet:
    name: str
    headers: list[Any]  # row 1, as read
    rows: list[tuple[int, list[Any]]]  # (Excel row number, values) of non-empty rows
    uncached_formulas: set[tuple[int, int]] = field(default_factory=set)  # (row, 0-based col)
    percent_cells: set[tuple[int, int]] = field(default_factory=set)  # (row, 0-based col) shown as a percentage


@dataclass(frozen=True)
class Note:
    """Something the reader (openpyxl) said about the file that bears on the values read."""

    sheet: str | None
    row: int | None
    column: int | None  # 0-based
    text: str


@dataclass
class RawWorkbook:
    path: Path
    sheets: dict[str, RawSheet]
    skipped: list[str] = field(default_factory=list)  # sheets not asked for: named, never parsed
    notes: list[Note] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.name


def read_workbook(path: str | Path, sheets: Collection[str] | None = None) -> RawWorkbook:
    """The sheets of the workbook at `path` as raw values: those named in `sheets` (all
    when None); the others are listed in `skipped`, their rows never parsed."""
    path = Path(path)
    _check_is_file(path)
    inspect_package(path)
    notes: list[Note] = []
    opened = []  # closed below whatever happens, also if the second load fails
    try:
        with _openpyxl_warnings(notes, None):
            opened.append(values := open_workbook(path, data_only=True))
            opened.append(formulas := open_workbook(path, data_only=False))
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on broken files
        for book in opened:
            book.close()
        raise UnreadableWorkbook(f"{path.name}: cannot be read as a workbook ({exc})") from exc
    try:
        read, skipped = {}, []
        for ws in values.worksheets:
            if sheets is not None and ws.title not in sheets:
                skipped.append(ws.title)
                continue
            with _openpyxl_warnings(notes, ws.title):
                read[ws.title] = _read_sheet(ws, formulas[ws.title], path.name)
    except (zipfile.BadZipFile, zlib.error, EOFError, ParseError, DefusedXmlException) as exc:
        raise UnreadableWorkbook(f"{path.name}: cannot be read as a workbook ({exc}): {FRESH_COPY}") from exc
    finally:
        values.close()
        formulas.close()
    return RawWorkbook(path=path, sheets=read, skipped=skipped, notes=list(dict.fromkeys(notes)))


class _UnsizedSheet(ReadOnlyWorksheet):
    """openpyxl's read-only worksheet without its size pass, which, for a sheet without
    <dimension>, parses every row when the workbook is opened, read or not."""

    def _get_size(self) -> None:
        return None


class _Reader(ExcelReader):
    """openpyxl's read-only reader, its worksheets unsized (chartsheets are left out, as
    `Workbook.worksheets` leaves them out)."""

    def read_worksheets(self) -> None:
        for sheet, rel in self.parser.find_sheets():
            if rel.target in self.valid_files and "chartsheet" not in rel.Type:
                ws = _UnsizedSheet(self.wb, sheet.name, rel.target, self.shared_strings)
                ws.sheet_state = sheet.state
                self.wb._sheets.append(ws)


def open_workbook(path: Path, data_only: bool) -> Workbook:
    """The workbook opened read-only by openpyxl (cached values if `data_only`, else
    formulas), no worksheet parsed yet: each is parsed when its rows are asked for."""
    reader = _Reader(path, read_only=True, data_only=data_only)
    reader.read()
    return reader.wb


_DATE_OUT_OF_RANGE = re.compile(r"Cell ([A-Z]{1,3})(\d+) is marked as a date but the serial value (\S+) is outside")


@contextmanager
def _openpyxl_warnings(notes: list[Note], sheet: str | None) -> Iterator[None]:
    """Keep openpyxl's warnings off the terminal: the ones about the values read (a number
    formatted as a date beyond Excel's calendar, which openpyxl turns into #VALUE!; a sheet
    openpyxl drops) are added to `notes`; the others (extensions, styles, drawings openpyxl
    does not support) say nothing about the values the planner reads and are dropped."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            yield
        finally:
            for warning in caught:
                note = _note(str(warning.message), sheet)
                if note is not None:
                    notes.append(note)


def _note(message: str, sheet: str | None) -> Note | None:
    """The planner's words for an openpyxl warning that bears on the values read; None for the others."""
    if match := _DATE_OUT_OF_RANGE.match(message):
        letters, row, serial = match.groups()
        return Note(sheet, int(row), column_index_from_string(letters) - 1,
                    f"the number {serial} is formatted as a date but lies outside Excel's calendar, so it "
                    "cannot be read: format the cell as a number (Home › Number Format › Number), or type a "
                    "valid date")
    if message.startswith("File contains an invalid specification for"):  # a <sheet> without r:id
        return Note(None, None, None, "a sheet is declared without the part that holds its cells, so it "
                    f"cannot be read and is ignored: {FRESH_COPY}")
    return None


def _check_is_file(path: Path) -> None:
    """Refuse a path that is not a regular file: missing, a folder, a device or a pipe
    (which would block the reader)."""
    if path.is_dir():
        raise UnreadableWorkbook(f"{path}: a folder, not a workbook: give the path of the .xlsx file itself")
    if not path.exists():
        raise UnreadableWorkbook(f"{path}: {CWD_GONE if cwd_gone(path) else 'no such file'}")
    if not path.is_file():
        raise UnreadableWorkbook(f"{path}: not a regular file (a device, pipe or socket), not a workbook: "
                                 "give the path of an .xlsx file saved on disk")


def inspect_package(path: str | Path) -> None:
    """Refuse, before openpyxl parses anything, a file that is not a plain .xlsx package.

    In this order, each from as few bytes as it can: the size on disk; an OLE2 file (a
    password-encrypted workbook, or a legacy .xls); the suffix (macro-enabled ones are
    refused); the zip's end record (not a zip, truncated, too many members, directory too
    large); the zip directory, without decompressing anything (declared total size and
    compression ratios: zip bombs; encrypted members; compression other than deflate;
    macros); [Content_Types].xml, parsed whole within a size cap (macro content types);
    external links; then every member is read once, in chunks, to its end, so that its
    CRC is checked, its prolog (the bytes before its root element, the only place a DTD
    can be) going through defusedxml with DTDs, entities and external references
    forbidden, and its root element in Transitional namespaces (Strict Open XML is refused).
    The rows of the sheets read are counted as they are read (`_value_rows`). Memory stays
    bounded by the chunk size and the limits above. Raises
    UnreadableWorkbook: "<file name>: <what is wrong>: <what to do instead>"."""
    path = Path(path)

    def refuse(what: str, sheet: str | None = None) -> UnreadableWorkbook:
        return UnreadableWorkbook(f"{path.name}: {what}", sheet)

    try:
        with path.open("rb") as f:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                raise refuse(f"{_mb(size)}, above the {_mb(MAX_FILE_BYTES)} limit for a plan workbook: "
                             "remove unused sheets, images and formatting, and save it again")
            head = f.read(4096)
            if head.startswith(OLE2_MAGIC):
                if _contains(f, "EncryptionInfo".encode("utf-16-le")):
                    raise refuse(f"{ENCRYPTED} (in Excel: File › Info › Protect Workbook › Encrypt with "
                                 "Password, clear the password, save as Excel Workbook (.xlsx))")
                raise refuse("legacy .xls: save it as Excel Workbook (.xlsx)")
            suffix = path.suffix.lower()
            if suffix in MACRO_SUFFIXES:
                raise refuse(MACROS)
            if suffix != ".xlsx":
                raise refuse("not an Excel .xlsx workbook (save it as 'Excel Workbook (.xlsx)')")
            directory = _zip_directory(f, size)
            if directory is None:
                raise refuse(_not_a_zip(head))
            members, directory_bytes = directory
            if members > MAX_MEMBERS or directory_bytes > MAX_DIRECTORY_BYTES:
                raise refuse(f"refused as a possible zip bomb: {members:,} parts in a directory of "
                             f"{directory_bytes:,} bytes (limits: {MAX_MEMBERS:,} parts, {_mb(MAX_DIRECTORY_BYTES)}); "
                             + FRESH_COPY)
            with zipfile.ZipFile(f) as zf:
                _inspect_members(zf, refuse)
    except (zipfile.BadZipFile, zlib.error, EOFError, struct.error, NotImplementedError) as exc:
        raise refuse(f"not a readable .xlsx file: damaged ({exc}): {FRESH_COPY}, "
                     "or open it in Excel, let Excel repair it and save it again") from exc
    except OSError as exc:
        raise refuse(f"cannot be opened ({exc.strerror or exc})") from exc


def _inspect_members(zf: zipfile.ZipFile, refuse) -> None:
    infos = zf.infolist()
    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise refuse(f"refused as a possible zip bomb: its parts would expand to {_mb(total)}, above the "
                     f"{_mb(MAX_UNCOMPRESSED_BYTES)} limit for a plan workbook; {FRESH_COPY}")
    whole = ("the archive", total, sum(i.compress_size for i in infos))
    for what, unpacked, packed in [whole, *((i.filename, i.file_size, i.compress_size) for i in infos)]:
        if unpacked > RATIO_FROM_BYTES and unpacked > MAX_RATIO * max(packed, 1):
            raise refuse(f"refused as a possible zip bomb: {_show(what)} expands {unpacked / max(packed, 1):,.0f} times "
                         f"(limit {MAX_RATIO}:1 above {_mb(RATIO_FROM_BYTES)}); {FRESH_COPY}")
    for info in infos:
        if info.flag_bits & 0x1:
            raise refuse(f"{ENCRYPTED}, as Excel Workbook (.xlsx)")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise refuse(f"part {_show(info.filename)} is compressed with method {info.compress_type}, which Excel "
                         "does not use: open it in Excel and save it as Excel Workbook (.xlsx)")
    names = {i.filename for i in infos}
    macro = next((n for n in sorted(names) if PurePosixPath(n).name.lower() == "vbaproject.bin"
                  or "macrosheets/" in n.lower()), None)
    if macro:
        raise refuse(f"{MACROS} (it contains {_show(macro)})")
    if "[Content_Types].xml" not in names:
        raise refuse("not a readable .xlsx file: a zip archive without [Content_Types].xml, so not an Excel "
                     "workbook: save it from Excel as Excel Workbook (.xlsx)")
    types = [(e.get("PartName", ""), e.get("ContentType", ""))
             for e in _parse_small(zf, "[Content_Types].xml", refuse).iter()]
    macro = next((t for _, t in types if any(w in t.lower() for w in ("macroenabled", "vbaproject", "macrosheet"))), None)
    if macro:
        raise refuse(f"{MACROS} (its [Content_Types].xml declares {_show(macro)})")
    links = sorted({n for n in names if n.startswith("xl/externalLinks/") and n.endswith(".xml") and "/_rels/" not in n}
                   | {p.lstrip("/") for p, t in types if t == EXTERNAL_LINK_TYPE})
    if links:
        targets = []  # the linked workbooks, from each link's .rels, else the link parts themselves
        for part in links:
            rels = str(PurePosixPath(part).parent / "_rels" / (PurePosixPath(part).name + ".rels"))
            found = []
            if rels in names:
                found = [r.get("Target") for r in _parse_small(zf, rels, refuse).iter() if r.get("Target")]
            targets += found or [part]
        shown = ", ".join(_show(t) for t in targets[:5]) + (f" and {len(targets) - 5} more" if len(targets) > 5 else "")
        raise refuse(f"links to other workbooks ({shown}): remove them in Excel with "
                     "Data › Edit Links › Break Link, then save it; the planner reads this file only")
    for info in infos:
        if not info.is_dir():
            with zf.open(info) as member:
                scan = _scan_part(member, info.filename, refuse)
                if scan.root is not None and scan.root.startswith(STRICT_NAMESPACES):
                    raise refuse(STRICT)
                while member.read(CHUNK):  # to the end, where zipfile checks the CRC
                    pass


class _RootReached(Exception):
    """The parser met the root element: the prolog, where a DTD would be, is behind it."""


class _PartScan:
    """An ElementTree parser target that records a part's root element and stops there."""

    def __init__(self) -> None:
        self.root: str | None = None

    def start(self, tag: str, attrib: dict) -> None:
        self.root = tag
        raise _RootReached

    def close(self) -> None:
        return None


def _hostile_xml(part: str) -> str:
    return (f"refused: its part {_show(part)} declares a DTD or XML entities (entity expansion, a 'billion laughs' "
            "or external-entity attack), which Excel never writes: " + FRESH_COPY)


def _scan_part(member: IO[bytes], part: str, refuse) -> _PartScan:
    """The part's root element; refuse the part if the XML before its root element
    declares a DTD. Non-XML parts (images…) fail to parse at once and pass: openpyxl does
    not parse them as XML; so does XML that breaks further on (openpyxl meets it, and that
    is reported too)."""
    scan = _PartScan()
    parser = DefusedXMLParser(target=scan, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    read = 0
    while chunk := member.read(16 * 1024):
        read += len(chunk)
        try:
            parser.feed(chunk)
        except _RootReached:
            return scan
        except DefusedXmlException as exc:
            raise refuse(_hostile_xml(part)) from exc
        except (ParseError, LookupError, UnicodeError):  # not XML, or not in an encoding expat reads
            return scan
        if read >= MAX_PROLOG_BYTES:
            raise refuse(f"refused: its part {_show(part)} has more than {MAX_PROLOG_BYTES // 1024} KB before its "
                         "first element, which Excel never writes: " + FRESH_COPY)
    return scan


def _parse_small(zf: zipfile.ZipFile, part: str, refuse):
    """The part parsed whole by defusedxml (no DTD, entities or external references),
    if it is at most MAX_SMALL_PART_BYTES."""
    with zf.open(part) as member:
        data = member.read(MAX_SMALL_PART_BYTES + 1)
    if len(data) > MAX_SMALL_PART_BYTES:
        raise refuse(f"refused: its part {_show(part)} is larger than {_mb(MAX_SMALL_PART_BYTES)}, which Excel "
                     "never writes: " + FRESH_COPY)
    try:
        return _safe_fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise refuse(_hostile_xml(part)) from exc
    except (ParseError, LookupError, UnicodeError) as exc:
        raise refuse(f"not a readable .xlsx file: its part {_show(part)} is damaged ({exc}): {FRESH_COPY}") from exc


_EOCD = struct.Struct("<4s4H2LH")  # end of central directory record
_ZIP64_EOCD = struct.Struct("<4sQ2H2L4Q")  # and its zip64 version, followed by a 20-byte locator


def _zip_directory(f: IO[bytes], size: int) -> tuple[int, int] | None:
    """(number of members, bytes of the central directory) from the zip's end record,
    read from the file's last 64 KB as zipfile finds it; None if there is none."""
    tail_size = min(size, _EOCD.size + 0xFFFF)
    f.seek(size - tail_size)
    tail = f.read(tail_size)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < _EOCD.size:
        return None
    _, _, _, _, members, directory_bytes, _, _ = _EOCD.unpack_from(tail, at)
    zip64_at = at - 20 - _ZIP64_EOCD.size
    if zip64_at >= 0 and tail[at - 20:at - 16] == b"PK\x06\x07" and tail[zip64_at:zip64_at + 4] == b"PK\x06\x06":
        record = _ZIP64_EOCD.unpack_from(tail, zip64_at)
        members, directory_bytes = max(record[6], record[7]), record[8]
    return members, directory_bytes


def _not_a_zip(head: bytes) -> str:
    if not head:
        return "not a readable .xlsx file: it is empty: " + FRESH_COPY
    if head.startswith(b"PK"):
        return ("not a readable .xlsx file: the zip archive is truncated or damaged (an incomplete "
                "download or attachment?): " + FRESH_COPY)
    if not any(b < 32 and b not in b"\t\n\r\f" for b in head):
        return ("not a readable .xlsx file: it is plain text (CSV or similar), not an Excel workbook: "
                "open it in Excel and save it as Excel Workbook (.xlsx)")
    return ("not a readable .xlsx file (damaged or another format): if Excel opens it, save it as "
            "Excel Workbook (.xlsx); if not, ask the sender for a fresh copy")


def _contains(f: IO[bytes], needle: bytes) -> bool:
    """Whether the file's bytes contain `needle`, read in chunks."""
    f.seek(0)
    carry = b""
    while chunk := f.read(CHUNK):
        if needle in carry + chunk:
            return True
        carry = chunk[-len(needle) + 1:]
    return False


def _show(text: str, limit: int = 120) -> str:
    """A name from inside the file, safe to print: control characters escaped, shortened."""
    text = text if text.isprintable() else text.encode("unicode_escape").decode("ascii")
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _mb(n: int) -> str:
    return f"{n / MB:,.0f} MB"


def _read_sheet(ws: Any, ws_formulas: Any, book: str) -> RawSheet:
    """One sheet's rows (its cached values) and, from the second reading (formulas), the
    cells whose formula has no cached value and the cells shown as a percentage: the rows
    down to the last that holds a value (`_value_rows`), whatever the sheet's recorded used
    range (<dimension>) says, and no further."""
    last = _value_rows(ws, book)
    header: list[Any] = []
    records: list[tuple[int, list[Any]]] = []
    for number, cells in _rows(ws, last):
        values = _values(cells)
        if number == 1:
            header = values
        elif any(v is not None and not (isinstance(v, str) and not v.strip()) for v in values):
            records.append((number, values))
    uncached: set[tuple[int, int]] = set()
    percent: set[tuple[int, int]] = set()
    cached = {n: v for n, v in records}
    for number, cells in _rows(ws_formulas, last):
        for cell in (ReadOnlyCell(ws_formulas, **c) for c in cells):
            col = cell.column - 1
            if cell.data_type == "f":
                values = header if number == 1 else cached.get(number)
                if values is None or col >= len(values) or values[col] is None:
                    uncached.add((number, col))
            if cell.has_style and cell.value is not None and _is_percent(cell.number_format):
                percent.add((number, col))
    return RawSheet(name=ws.title, headers=header, rows=records, uncached_formulas=uncached, percent_cells=percent)


def _rows(ws: Any, last: int) -> Iterator[tuple[int, list[dict[str, Any]]]]:
    """Sheet `ws`'s rows down to row `last`, each (row number, its cells as openpyxl's
    parser reads them: column, value, data_type, style_id), as openpyxl's read-only sheet
    reads them (a row numbered below the one before is dropped) but for two things: rows
    missing from the file are not made up, and the parser's record of formatted rows is
    emptied as it goes (it would keep one for every such row down to `last`)."""
    book = ws.parent
    with ws._get_source() as source:
        parser = WorkSheetParser(source, ws._shared_strings, data_only=book.data_only, epoch=book.epoch,
                                 date_formats=book._date_formats, timedelta_formats=book._timedelta_formats)
        previous = 0
        for number, cells in parser.parse():
            parser.row_dimensions.clear()
            if number > last:
                return
            if number > previous:
                previous = number
                yield number, cells


def _values(cells: list[dict[str, Any]]) -> list[Any]:
    """A row's values by column, down to its last cell (as openpyxl's read-only sheet gives them)."""
    if not cells:
        return []
    values: list[Any] = [None] * cells[-1]["column"]
    for cell in cells:
        if cell["column"] <= len(values):
            values[cell["column"] - 1] = cell["value"]
    return values


def _is_percent(number_format: str) -> bool:
    """Whether Excel shows a number in this format multiplied by 100: a % outside quoted
    text and not escaped ('0.0%' does, '0.0"%"' and '0.0\\%' do not)."""
    return "%" in re.sub(r'"[^"]*"|\\.', "", number_format or "")


class _RowLimit(Exception):
    """A worksheet holds values in more than MAX_ROWS rows, or in a row beyond Excel's last."""


class _ValueRows:
    """An expat start-element handler (`start`) that counts a worksheet's rows holding a
    value (a cell with a value, inline text or a formula; a row that is only formatted does
    not count), and stops at the first past MAX_ROWS or beyond Excel's last row. It is set
    on the parser's expat directly: ElementTree's own handler, which builds each element's
    name and attributes, would take ten times as long on a sheet of formatted rows."""

    def __init__(self) -> None:
        self.count = 0
        self.last = 0  # the largest number of a row holding a value
        self.row: int | float = 0  # the row being read
        self.counted = True  # whether that row is counted already

    def start(self, name: str, attributes: list[str]) -> None:
        """`attributes`: names and values, alternately (ElementTree's ordered_attributes)."""
        if name == ROW_NAME:
            r = attributes[1] if attributes[:1] == ["r"] else dict(zip(attributes[::2], attributes[1::2])).get("r", "")
            self.row, self.counted = _row_number(r, self.row), False
        elif name in VALUE_NAMES and not self.counted:
            self.counted = True
            self.count += 1
            if self.count > MAX_ROWS or not self.row <= EXCEL_ROWS:
                raise _RowLimit
            self.last = max(self.last, int(self.row))


def _row_number(text: str, previous: int | float) -> int | float:
    """A <row>'s number as openpyxl reads it: its r attribute, else the row after the previous."""
    if text.isdigit() and len(text) < 16:
        return int(text)
    if not text:
        return previous + 1
    try:
        number = float(text[:32])
    except ValueError:
        return previous + 1  # openpyxl refuses the row when it meets it
    return int(number) if number.is_integer() else number


def _value_rows(ws: Any, book: str) -> int:
    """The last row of sheet `ws` that holds a value (0 if none), the rows read as a stream
    and counted; refuse the sheet if more than MAX_ROWS hold values, or a row beyond Excel's
    last does (a damaged file, or not written by Excel)."""
    scan = _ValueRows()
    parser = DefusedXMLParser(target=scan, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    parser.parser.StartElementHandler = scan.start  # in place of ElementTree's, which would call scan.start
    parser.parser.DefaultHandlerExpand = None  # end tags and text: nothing to do (no DTD, so no entity to expand)
    with ws._get_source() as source:
        try:
            while chunk := source.read(CHUNK):
                parser.feed(chunk)
        except _RowLimit:
            if scan.count > MAX_ROWS:
                raise UnreadableWorkbook(
                    f"{book}: the sheet holds values in more than {MAX_ROWS:,} rows (counted down to row "
                    f"{scan.row:,}), beyond the limit of {MAX_ROWS:,} rows per sheet for a plan workbook: keep only "
                    "the rows the plan needs in it (move the others to another workbook) and save it again",
                    sheet=ws.title) from None
            raise UnreadableWorkbook(f"{book}: the sheet has a value in row {scan.row:,}, beyond Excel's last row "
                                     f"({EXCEL_ROWS:,}), which Excel never writes: {FRESH_COPY}", sheet=ws.title) from None
    return scan.last
