"""Broken and hostile workbooks, as ministries e-mail them, are refused before openpyxl
parses anything: within a second, in bounded memory, with a message that names the file
and says what to do instead; exit code 2 at the command line, no traceback, the file
untouched. Every hostile file is built here, from a copy of inputs/tutorial.xlsx or from
nothing; none is committed."""

from __future__ import annotations

import hashlib
import io
import random
import shutil
import struct
import subprocess
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from openpyxl.reader.excel import ExcelReader
from typer.testing import CliRunner

import planner.assemble  # noqa: F401 - imported by load_plan; imported here so no test times the import
from planner import workbook
from planner.cli import app
from planner.load import load_plan
from planner.validate import InputError
from planner.workbook import inspect_package, read_workbook

ROOT = Path(__file__).parents[1]
TUTORIAL = ROOT / "inputs" / "tutorial.xlsx"
NATO = ROOT / "inputs" / "nato.xlsx"
MB = 1 << 20

SHARED_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
MACRO_WORKBOOK_TYPE = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

LAUGHS = "".join(
    ['<!DOCTYPE lolz [<!ENTITY lol "lol">']
    + [f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)]
    + [']>']
)  # &lol9; expands to 10^9 "lol"s: 3 GB


def billion_laughs(root: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?>{LAUGHS}<{root} xmlns="{MAIN_NS}">&lol9;</{root}>'


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rezip(dst: Path, src: Path = TUTORIAL, *, replace: dict[str, bytes] | None = None,
          add: dict[str, bytes] | None = None, edit_types=None) -> Path:
    """A copy of workbook `src` at `dst`: members in `replace` rewritten, `add` appended,
    [Content_Types].xml passed through `edit_types` (text → text)."""
    replace, add = replace or {}, add or {}
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = replace.get(info.filename, zin.read(info))
            if info.filename == "[Content_Types].xml" and edit_types:
                data = edit_types(data.decode()).encode()
            zout.writestr(info.filename, data)
        for name, data in add.items():
            zout.writestr(name, data)
    return dst


def with_override(part: str, content_type: str):
    return lambda types: types.replace("</Types>", f'<Override PartName="/{part}" ContentType="{content_type}"/></Types>')


# ------------------------------------------------------------------ the hostile files
# each: (tmp dir) -> path; HOSTILE[name] = (builder, fragments the message must hold)

def laughs_in_shared_strings(d: Path) -> Path:
    return rezip(d / "laughs.xlsx", add={"xl/sharedStrings.xml": billion_laughs("sst").encode()},
                 edit_types=with_override("xl/sharedStrings.xml", SHARED_STRINGS_TYPE))


def laughs_in_utf16_sheet(d: Path) -> Path:
    xml = billion_laughs("worksheet").replace("UTF-8", "UTF-16")
    return rezip(d / "laughs16.xlsx", replace={"xl/worksheets/sheet1.xml": xml.encode("utf-16")})


def doctype_after_long_comment(d: Path) -> Path:
    with zipfile.ZipFile(TUTORIAL) as z:
        body = z.read("xl/workbook.xml").decode()
    body = body.split("?>", 1)[1] if body.startswith("<?xml") else body
    xml = f'<?xml version="1.0"?><!-- {"x" * 20_000} -->{LAUGHS}{body}'
    return rezip(d / "late_doctype.xlsx", replace={"xl/workbook.xml": xml.encode()})


def external_entity_in_styles(d: Path) -> Path:
    xml = (f'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           f'<styleSheet xmlns="{MAIN_NS}">&x;</styleSheet>')
    return rezip(d / "xxe.xlsx", replace={"xl/styles.xml": xml.encode()})


def long_prolog(d: Path) -> Path:
    """A DTD behind 100 KB of comment: more prolog than the planner reads."""
    xml = f'<?xml version="1.0"?><!-- {"x" * 100_000} -->{LAUGHS}<styleSheet xmlns="{MAIN_NS}"/>'
    return rezip(d / "long_prolog.xlsx", replace={"xl/styles.xml": xml.encode()})


def bzip2_member(d: Path) -> Path:
    path = rezip(d / "bzip2.xlsx")
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("docProps/custom.xml", b"<Properties/>", compress_type=zipfile.ZIP_BZIP2)
    return path


def zip_bomb(d: Path) -> Path:
    """300 MB of zeros, deflated while streamed in 1 MB chunks: about 1.3 MB on disk."""
    path = rezip(d / "bomb.xlsx")
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as z, z.open("xl/media/image1.png", "w") as w:
        zeros = bytes(MB)
        for _ in range(300):
            w.write(zeros)
    return path


def small_bomb(d: Path) -> Path:
    """One 2 MB member that compresses 1,000 times: under the total, over the ratio."""
    return rezip(d / "ratio.xlsx", add={"xl/media/image1.png": bytes(2 * MB)})


def too_many_members(d: Path) -> Path:
    return rezip(d / "members.xlsx", add={f"xl/media/x{i}.bin": b"" for i in range(10_000)})


def truncated(d: Path) -> Path:
    data = TUTORIAL.read_bytes()
    path = d / "truncated.xlsx"
    path.write_bytes(data[: len(data) // 2])
    return path


def bad_crc(d: Path) -> Path:
    """sheet1.xml's CRC-32 altered in its local header and in the zip directory."""
    path = rezip(d / "crc.xlsx")
    with zipfile.ZipFile(path) as z:
        crc = z.getinfo("xl/worksheets/sheet1.xml").CRC
    data = path.read_bytes()
    assert data.count(struct.pack("<L", crc)) == 2
    path.write_bytes(data.replace(struct.pack("<L", crc), struct.pack("<L", crc ^ 1)))
    return path


def random_bytes(d: Path) -> Path:
    path = d / "random.xlsx"
    path.write_bytes(random.Random(0).randbytes(100_000))
    return path


def text(d: Path) -> Path:
    path = d / "notes.xlsx"
    path.write_text("Minutes of the capability meeting.\nNothing was decided.\n" * 50)
    return path


def csv(d: Path) -> Path:
    path = d / "gdp.xlsx"
    path.write_text("code,name,gdp_musd\nUSA,United States,27360935\nCAN,Canada,2140086\n")
    return path


def empty(d: Path) -> Path:
    path = d / "empty.xlsx"
    path.write_bytes(b"")
    return path


def plain_zip(d: Path) -> Path:
    path = d / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("readme.txt", "a zip, not a workbook")
    return path


def ole2(d: Path, name: str, *streams: str) -> Path:
    """An OLE2 (compound file) header, then a directory with these stream names (UTF-16)."""
    path = d / name
    path.write_bytes(OLE2_MAGIC + bytes(504) + b"".join(s.encode("utf-16-le").ljust(64, b"\0") for s in streams))
    return path


def vba_member(d: Path) -> Path:
    return rezip(d / "vba.xlsx", add={"xl/vbaProject.bin": OLE2_MAGIC + bytes(1000)})


def xlsm(d: Path) -> Path:
    return Path(shutil.copy(TUTORIAL, d / "tutorial.xlsm"))


def macro_content_type(d: Path) -> Path:
    main = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    return rezip(d / "macro_type.xlsx", edit_types=lambda t: t.replace(main, MACRO_WORKBOOK_TYPE))


EXTERNAL_LINK = f'<?xml version="1.0"?><externalLink xmlns="{MAIN_NS}"><externalBook/></externalLink>'
EXTERNAL_LINK_RELS = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/externalLinkPath"'
    ' Target="file:///C:/Budgets/costs2025.xlsx" TargetMode="External"/></Relationships>')


TRANSITIONAL, STRICT = "http://schemas.openxmlformats.org/", "http://purl.oclc.org/ooxml/"
STRICT_NAMESPACES = {  # Transitional → Strict (ISO/IEC 29500-1 Strict, Excel's "Strict Open XML Spreadsheet")
    MAIN_NS: STRICT + "spreadsheetml/main",
    TRANSITIONAL + "officeDocument/2006/relationships": STRICT + "officeDocument/relationships",
    TRANSITIONAL + "drawingml/2006/main": STRICT + "drawingml/main",
}


def strict_open_xml(d: Path) -> Path:
    """The tutorial as Excel saves it in Strict Open XML: every part's namespaces (and the
    relationship types, which share the relationships namespace) in their Strict form,
    the workbook marked conformance="strict"."""
    replace = {}
    with zipfile.ZipFile(TUTORIAL) as z:
        for name in z.namelist():
            if name.endswith((".xml", ".rels")):
                text = z.read(name).decode()
                for transitional, strict in STRICT_NAMESPACES.items():
                    text = text.replace(transitional, strict)
                if name == "xl/workbook.xml":
                    text = text.replace("<workbook ", '<workbook conformance="strict" ', 1)
                replace[name] = text.encode()
    return rezip(d / "strict.xlsx", replace=replace)


def external_link(d: Path) -> Path:
    return rezip(d / "linked.xlsx", add={
        "xl/externalLinks/externalLink1.xml": EXTERNAL_LINK.encode(),
        "xl/externalLinks/_rels/externalLink1.xml.rels": EXTERNAL_LINK_RELS.encode()})


def external_link_without_rels(d: Path) -> Path:
    return rezip(d / "linked2.xlsx", add={"xl/externalLinks/externalLink1.xml": EXTERNAL_LINK.encode()})


FRESH = "ask the sender for a fresh copy"
DTD = ("declares a DTD or XML entities", "billion laughs", FRESH)
MACRO = ("macro-enabled workbook: save it as Excel Workbook (.xlsx) without macros",)
HOSTILE = {
    "billion laughs in sharedStrings.xml": (laughs_in_shared_strings, ("xl/sharedStrings.xml", *DTD)),
    "billion laughs in a UTF-16 sheet": (laughs_in_utf16_sheet, ("xl/worksheets/sheet1.xml", *DTD)),
    "DOCTYPE after a 20 KB comment": (doctype_after_long_comment, ("xl/workbook.xml", *DTD)),
    "external entity in styles.xml": (external_entity_in_styles, ("xl/styles.xml", *DTD)),
    "100 KB before the root element": (long_prolog, ("xl/styles.xml", "more than 64 KB before its first element",
                                                      FRESH)),
    "bzip2-compressed member": (bzip2_member, ("docProps/custom.xml", "compressed with method 12",
                                               "save it as Excel Workbook (.xlsx)")),
    "zip bomb, 300 MB of zeros": (zip_bomb, ("zip bomb", "300 MB", "200 MB limit", FRESH)),
    "zip bomb, 2 MB at 1000:1": (small_bomb, ("zip bomb", "xl/media/image1.png", "100:1", FRESH)),
    "10,081 members": (too_many_members, ("zip bomb", "10,081 parts", FRESH)),
    "truncated (first half)": (truncated, ("not a readable .xlsx", "truncated", FRESH)),
    "CRC error in a sheet": (bad_crc, ("not a readable .xlsx", "damaged", "CRC", "xl/worksheets/sheet1.xml", FRESH)),
    "random bytes": (random_bytes, ("not a readable .xlsx", "save it as Excel Workbook (.xlsx)")),
    "text": (text, ("not a readable .xlsx", "plain text", "save it as Excel Workbook (.xlsx)")),
    "CSV": (csv, ("not a readable .xlsx", "plain text (CSV", "save it as Excel Workbook (.xlsx)")),
    "empty file": (empty, ("not a readable .xlsx", "empty", FRESH)),
    "zip without [Content_Types].xml": (plain_zip, ("not a readable .xlsx", "[Content_Types].xml", "save it")),
    "encrypted (OLE2 with EncryptionInfo) as .xlsx": (
        lambda d: ole2(d, "secret.xlsx", "Root Entry", "EncryptionInfo", "EncryptedPackage"),
        ("encrypted or password-protected: save it without a password",)),
    "OLE2 header as .xlsx": (lambda d: ole2(d, "old.xlsx", "Root Entry", "Workbook"),
                             ("legacy .xls: save it as Excel Workbook (.xlsx)",)),
    "OLE2 header as .xls": (lambda d: ole2(d, "old.xls", "Root Entry", "Workbook"),
                            ("legacy .xls: save it as Excel Workbook (.xlsx)",)),
    "vbaProject.bin member": (vba_member, (*MACRO, "xl/vbaProject.bin")),
    ".xlsm": (xlsm, MACRO),
    "macroEnabled content type": (macro_content_type, (*MACRO, "macroEnabled")),
    "external link": (external_link, ("links to other workbooks", "file:///C:/Budgets/costs2025.xlsx",
                                      "Data › Edit Links › Break Link")),
    "external link part only": (external_link_without_rels, ("links to other workbooks",
                                                             "xl/externalLinks/externalLink1.xml",
                                                             "Data › Edit Links › Break Link")),
    "Strict Open XML": (strict_open_xml, ("a Strict Open XML workbook",
                                          "save it as Excel Workbook (.xlsx), not Strict Open XML")),
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> dict[str, Path]:
    """Every hostile file, built once (the zip bomb takes about half a second)."""
    d = tmp_path_factory.mktemp("hostile")
    return {name: build(d) for name, (build, _) in HOSTILE.items()}


@pytest.fixture
def no_openpyxl(monkeypatch):
    """openpyxl must not even open the file (its reader, which workbook.open_workbook and
    openpyxl.load_workbook both use)."""
    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl was called on a hostile file")
    monkeypatch.setattr(ExcelReader, "read", refuse)


@pytest.mark.parametrize("name", HOSTILE)
def test_refused_quickly_with_what_to_do(name, hostile, no_openpyxl):
    path = hostile[name]
    before = sha(path)
    start = time.perf_counter()
    with pytest.raises(InputError) as caught:
        load_plan(path)
    elapsed = time.perf_counter() - start
    report = caught.value.report()
    assert f"• {path.name}: " in report
    for fragment in HOSTILE[name][1]:
        assert fragment in report, report
    assert elapsed < 1.0, f"{name}: refused in {elapsed:.2f} s"
    assert sha(path) == before


@pytest.mark.parametrize("name", HOSTILE)
def test_cli_exit_code_2_without_traceback(name, hostile):
    path = hostile[name]
    before = sha(path)
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    assert path.name in result.output and "nothing was planned or written" in result.output
    assert "Traceback" not in result.output and "Internal error" not in result.output
    assert isinstance(result.exception, SystemExit)
    assert sha(path) == before


@pytest.mark.parametrize("name", ["zip bomb, 300 MB of zeros", "zip bomb, 2 MB at 1000:1", "10,081 members",
                                  "billion laughs in sharedStrings.xml", "billion laughs in a UTF-16 sheet",
                                  "DOCTYPE after a 20 KB comment"])
def test_bounded_memory(name, hostile):
    tracemalloc.start()
    try:
        with pytest.raises(InputError):
            load_plan(hostile[name])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 50 * MB, f"{name}: peak {peak / MB:.1f} MB"


def test_console_script(hostile):
    """The installed `planner` command itself, in its own process."""
    planner_cmd = Path(sys.executable).with_name("planner")
    path = hostile["billion laughs in sharedStrings.xml"]
    result = subprocess.run([str(planner_cmd), "validate", str(path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2, result.stderr
    assert "laughs.xlsx" in result.stderr and "billion laughs" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize("example", [TUTORIAL, NATO], ids=lambda p: p.name)
def test_examples_still_load_and_inspection_is_cheap(example):
    data, _ = load_plan(example)
    assert len(data.members)
    inspect = min(_timed(inspect_package, example) for _ in range(3))
    read = min(_timed(read_workbook, example) for _ in range(2))
    print(f"{example.name}: inspection {inspect * 1000:.1f} ms, read_workbook (with it) {read * 1000:.0f} ms")
    assert inspect < 0.25, f"inspection took {inspect:.3f} s"


def test_malformed_sheet_found_by_openpyxl_is_an_input_error(tmp_path):
    """Broken XML (no DTD) passes the inspection; openpyxl meets it while reading the
    rows, which is still an input error (exit 2), not an internal one."""
    with zipfile.ZipFile(TUTORIAL) as z:
        sheet = z.read("xl/worksheets/sheet2.xml")
    path = rezip(tmp_path / "cut.xlsx", replace={"xl/worksheets/sheet2.xml": sheet[:-200]})
    with pytest.raises(InputError, match="cut.xlsx: cannot be read as a workbook"):
        load_plan(path)
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_names_from_inside_the_file_are_printed_safely(tmp_path):
    """A member name with a terminal escape sequence is shown escaped, not obeyed."""
    path = rezip(tmp_path / "escape.xlsx", add={"xl/media/\x1b[2J\x1b[31mimage1.png": bytes(2 * MB)})
    with pytest.raises(InputError) as caught:
        load_plan(path)
    report = caught.value.report()
    assert "\x1b" not in report and "\\x1b[2J" in report


def test_zip64_directory_count():
    """Archives of more than 65,535 members keep their count in the zip64 end record."""
    zip64_end = struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, 70_000, 70_000, 3_628_890, 100)
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, 4, 1)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    data = b"junk" + zip64_end + locator + end
    assert workbook._zip_directory(io.BytesIO(data), len(data)) == (70_000, 3_628_890)


def test_a_valid_copy_rezipped_still_loads(tmp_path):
    """The helpers above change only what they are asked to: a plain copy is accepted."""
    data, _ = load_plan(rezip(tmp_path / "copy.xlsx"))
    assert len(data.members)


def _timed(function, *args) -> float:
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start
