"""Where the planner may write: every output path is checked before any work is done.

A report (or template, or imported workbook) is never written over one of the command's
inputs, by any spelling of its path (`sub/../plan.xlsx`, a symbolic or hard link, another
letter case), nor over a folder, a device, or a file that is not a report the planner
wrote, unless the user says `--force`. Each refusal is one line naming the user's path.
"""

from __future__ import annotations

import os
import stat
import uuid
import zipfile
from collections.abc import Iterable
from pathlib import Path

REPORT_CATEGORY = "Alliance Burden-Sharing Planner report"  # docProps/core.xml › category of every report
TEMP_PREFIX = ".~abp-"  # temporary files: TEMP_PREFIX + 8 hex digits + TEMP_SUFFIX (19 characters)
TEMP_SUFFIX = ".part"
WRITTEN: list[Path] = []  # every workbook this process saved, in order (to say what an interrupted run wrote)


CWD_GONE = ("the current folder no longer exists (it was deleted or moved); cd to an existing folder, "
            "or give the full path")


def cwd_gone(path: str | os.PathLike[str] = ".") -> bool:
    """Whether `path` is relative to a working folder that no longer exists."""
    if os.path.isabs(path):
        return False
    try:
        os.getcwd()
    except FileNotFoundError:
        return True
    return False


class OutputPathError(Exception):
    """The planner will not write to this path; the message says why, naming the path."""


def temp_name() -> str:
    """A short, fresh name for a file being written (renamed onto its target when complete)."""
    return f"{TEMP_PREFIX}{uuid.uuid4().hex[:8]}{TEMP_SUFFIX}"


def check_output(
    path: str | os.PathLike[str],
    inputs: Iterable[str | os.PathLike[str]] = (),
    *,
    force: bool = False,
    replaces: str = "report",
    option: str = "--out",
) -> Path:
    """`path` if the planner may write a workbook there, else OutputPathError.

    Refused: an empty name; a name not ending in .xlsx; a name the file system cannot
    hold; a relative path (output or input) when the working folder has been deleted; one
    of `inputs`; an existing folder, device or pipe; a folder on the way that is a file, or
    one the planner cannot write in. An existing file is replaced only when it
    is a `replaces` ("report": one the planner wrote) or with `force`.
    """
    raw = os.fspath(path)
    shown = repr(raw) if not raw.strip() else raw
    if not raw.strip() or raw in (".", ".."):
        raise OutputPathError(f"{option} {shown}: no file name given; name an .xlsx file, e.g. {option} plan-report.xlsx")
    target = Path(raw)
    try:
        raw.encode("utf-8")
    except UnicodeEncodeError:
        raise OutputPathError(f"{option} {os.fsencode(raw).decode('utf-8', 'backslashreplace')}: the name is not valid UTF-8, "
                              "which Excel cannot open reliably; use a name in plain characters") from None
    if target.suffix.lower() != ".xlsx":
        what = f"ends in '{target.suffix}'" if target.suffix else "has no suffix"
        raise OutputPathError(f"{option} {raw}: {what}; the planner writes Excel workbooks, so the name must end in .xlsx")
    if cwd_gone(raw):
        raise OutputPathError(f"{option} {raw}: {CWD_GONE}")
    for source in inputs:
        if cwd_gone(source):
            raise OutputPathError(f"{os.fspath(source)}: {CWD_GONE}")
        if _same_file(target, Path(source)):
            raise OutputPathError(f"{option} {raw}: that is the input workbook {os.fspath(source)}; writing there "
                                  f"would replace it; choose another {option}")
    try:
        info = target.stat()
    except (FileNotFoundError, NotADirectoryError):
        info = None
    except OSError as exc:
        raise OutputPathError(f"{option} {raw}: cannot be used ({exc.strerror})") from None
    if info is not None:
        if stat.S_ISDIR(info.st_mode):
            raise OutputPathError(f"{option} {raw}: is a folder; name a file inside it, e.g. {option} "
                                  f"{target / 'plan-report.xlsx'}")
        if not stat.S_ISREG(info.st_mode):
            raise OutputPathError(f"{option} {raw}: is a device or pipe, not a file; name an .xlsx file")
        if not force and not (replaces == "report" and is_planner_report(target)):
            what = " and is not a report the planner wrote" if replaces == "report" else ""
            raise OutputPathError(f"{option} {raw}: the file exists{what}; choose another name, "
                                  "or add --force to replace it (its contents would be lost)")
    _check_folder(target, raw, option)
    return target


def is_planner_report(path: Path) -> bool:
    """Whether `path` is a workbook whose properties mark it as a planner report."""
    try:
        with zipfile.ZipFile(path) as package:
            info = package.getinfo("docProps/core.xml")
            if info.file_size > 1 << 20:
                return False
            return REPORT_CATEGORY.encode() in package.read(info)
    except (OSError, KeyError, zipfile.BadZipFile, ValueError):
        return False


def _same_file(a: Path, b: Path) -> bool:
    """Whether `a` and `b` name one file: the same inode, or the same resolved path in any case."""
    try:
        if os.path.samefile(a, b):
            return True
    except OSError:
        pass
    ra, rb = os.path.realpath(a), os.path.realpath(b)
    return os.path.normcase(ra).casefold() == os.path.normcase(rb).casefold()


def _check_folder(target: Path, raw: str, option: str) -> None:
    """The nearest existing folder on the way to `target` is a folder and takes a new file
    (checked by creating and removing a temporary file); missing folders are created when
    the workbook is saved."""
    existing = Path(os.path.abspath(target)).parent
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise OutputPathError(f"{option} {raw}: {existing} is a file, not a folder; choose another path")
    try:
        limit = os.pathconf(existing, "PC_NAME_MAX")
    except (OSError, ValueError):
        limit = 255
    if len(os.fsencode(target.name)) > limit:
        raise OutputPathError(f"{option} {raw}: the file name is {len(os.fsencode(target.name))} bytes long, "
                              f"above this folder's limit of {limit}; use a shorter name")
    try:
        probe = existing / temp_name()
        probe.touch(exist_ok=False)
        probe.unlink()
    except OSError as exc:
        raise OutputPathError(f"{option} {raw}: cannot write in the folder {existing} ({exc.strerror}); "
                              "choose a folder you can write in") from None
