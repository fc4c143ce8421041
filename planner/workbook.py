"""Read a plan workbook's sheets as raw cell values (openpyxl), nothing else.

Cells that hold formulas are read by their cached values; a formula without a cached
value (a workbook saved by a program that does not compute) is recorded so that the
validator can name it. The input file is opened read-only and never written.

Workbooks arrive by e-mail, some broken, some hostile: `inspect_package` looks at the
file's bytes and its zip directory before openpyxl parses anything, and refuses, with
what to do instead, anything that is not a plain .xlsx package of reasonable size.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any
from xml.etree.ElementTree import ParseError

import openpyxl
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, fromstring as _safe_fromstring

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

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and any password-encrypted .xlsx
MACRO_SUFFIXES = (".xlsm", ".xltm", ".xlam")
EXTERNAL_LINK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"
MACROS = "macro-enabled workbook: save it as Excel Workbook (.xlsx) without macros"
ENCRYPTED = "encrypted or password-protected: save it without a password"
FRESH_COPY = "ask the sender for a fresh copy saved by Excel as Excel Workbook (.xlsx)"


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
    inspect_package(path)
    opened = []  # closed below whatever happens, also if the second load fails
    try:
        opened.append(values := openpyxl.load_workbook(path, read_only=True, data_only=True))
        opened.append(formulas := openpyxl.load_workbook(path, read_only=True, data_only=False))
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on broken files
        for book in opened:
            book.close()
        raise UnreadableWorkbook(f"{path.name}: cannot be read as a workbook ({exc})") from exc
    try:
        sheets = {
            ws.title: _read_sheet(ws, formulas[ws.title])
            for ws in values.worksheets
        }
    except (zipfile.BadZipFile, zlib.error, EOFError, ParseError, DefusedXmlException) as exc:
        raise UnreadableWorkbook(f"{path.name}: cannot be read as a workbook ({exc}): {FRESH_COPY}") from exc
    finally:
        values.close()
        formulas.close()
    return RawWorkbook(path=path, sheets=sheets)


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
    forbidden. Memory stays bounded by the chunk size and the limits above. Raises
    UnreadableWorkbook: "<file name>: <what is wrong>: <what to do instead>"."""
    path = Path(path)

    def refuse(what: str) -> UnreadableWorkbook:
        return UnreadableWorkbook(f"{path.name}: {what}")

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
                _check_prolog(member, info.filename, refuse)
                while member.read(CHUNK):  # to the end, where zipfile checks the CRC
                    pass


class _RootReached(Exception):
    """The parser met the root element: the prolog, where a DTD would be, is behind it."""


class _StopAtRoot:
    """An ElementTree parser target that stops parsing at the root element."""

    def start(self, tag: str, attrib: dict) -> None:
        raise _RootReached

    def close(self) -> None:
        return None


def _hostile_xml(part: str) -> str:
    return (f"refused: its part {_show(part)} declares a DTD or XML entities (entity expansion, a 'billion laughs' "
            "or external-entity attack), which Excel never writes: " + FRESH_COPY)


def _check_prolog(member: IO[bytes], part: str, refuse) -> None:
    """Refuse the part if the XML before its root element declares a DTD. Non-XML parts
    (images…) fail to parse at once and pass: openpyxl does not parse them as XML."""
    parser = DefusedXMLParser(target=_StopAtRoot(), forbid_dtd=True, forbid_entities=True, forbid_external=True)
    read = 0
    while read < MAX_PROLOG_BYTES:
        chunk = member.read(16 * 1024)
        if not chunk:
            return
        read += len(chunk)
        try:
            parser.feed(chunk)
        except _RootReached:
            return
        except DefusedXmlException as exc:
            raise refuse(_hostile_xml(part)) from exc
        except (ParseError, LookupError, UnicodeError):  # not XML, or not in an encoding expat reads
            return
    raise refuse(f"refused: its part {_show(part)} has more than {MAX_PROLOG_BYTES // 1024} KB before its first "
                 "element, which Excel never writes: " + FRESH_COPY)


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
