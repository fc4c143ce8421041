"""Standard output and error made safe for the command, once, at start-up (`install`, called by
planner/entry.py before anything prints).

- A standard stream closed when the command starts (`>&-`, `2>&-`) is opened on the null
  device: no file the planner opens takes its number (output meant for it would land in a
  report), and libraries that flush `sys.stdout` (Pyomo) find a stream.
- A write that fails (a full disk, a pipe whose reader has gone, a closed stream) loses the
  output, never the work: the rest of that stream's output is dropped and, as the command
  ends, `lost` says why, for one line on standard error. The exit code stays the command's.
- Characters the terminal's encoding cannot show become plain ones (– → -, “ → ", … → ...,
  é → e), else "?": the "planner-plain" error handler.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import os
import select
import sys
import unicodedata

PLAIN = {
    "\u2013": "-", "\u2014": "--", "\u2212": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
    "\u2026": "...", "\u2022": "*", "\u00b7": ".", "\u00d7": "x", "\u00b1": "+/-", "\u203a": ">", "\u2039": "<",
    "\u2192": "->", "\u2190": "<-", "\u2264": "<=", "\u2265": ">=", "\u2260": "!=", "\u2248": "~", "\u221e": "inf",
    "\u00a0": " ", "\u20ac": "EUR",
}  # as the planner's messages use them; other characters lose their accents, else become "?"


def plain(char: str) -> str:
    """`char` in ASCII: from PLAIN, else without its accents (é → e), else '?'."""
    if char in PLAIN:
        return PLAIN[char]
    folded = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    return folded if folded and folded.isascii() and folded.isprintable() else "?"


def _plain_errors(error: UnicodeError) -> tuple[str, int]:
    """The "planner-plain" codec error handler: what an encoding cannot hold, in plain characters."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    return "".join(map(plain, error.object[error.start:error.end])), error.end


codecs.register_error("planner-plain", _plain_errors)


class _Stream(io.FileIO):
    """A standard stream's file descriptor whose first failed write is recorded (`lost`) and
    whose output from then on is dropped; `gone`: the reason, if it was closed at start-up."""

    def __init__(self, fd: int, gone: str | None = None):
        super().__init__(fd, "w", closefd=False)
        self.gone = gone
        self.lost: str | None = None

    def write(self, data) -> int:  # type: ignore[override]
        size = memoryview(data).nbytes
        if self.lost is None:
            if self.gone:
                self.lost = self.gone
                return size
            try:
                while (written := super().write(data)) is None:  # a non-blocking stream, full for now
                    select.select([], [self], [])
                return written
            except OSError as exc:
                self.lost = exc.strerror or str(exc)
        return size


_streams: dict[str, _Stream] = {}


def install() -> None:
    """Put the guarded streams in place of sys.stdout and sys.stderr (unless something, such
    as a test's capture, has already replaced them), with the plain-character error handler."""
    closed = {fd: _reopen_if_closed(fd) for fd in (0, 1, 2)}  # in order: each takes its own number
    for name, fd in (("stdout", 1), ("stderr", 2)):
        current = getattr(sys, name)
        if current is not getattr(sys, f"__{name}__"):
            continue
        if current is not None:
            with contextlib.suppress(OSError, ValueError):
                current.flush()
        raw = _Stream(fd, "closed" if closed[fd] else None)
        setattr(sys, name, io.TextIOWrapper(
            io.BufferedWriter(raw), encoding=getattr(current, "encoding", None) or "utf-8", errors="planner-plain",
            line_buffering=current.line_buffering if current is not None else True))
        _streams[name] = raw


def _reopen_if_closed(fd: int) -> bool:
    """Open the null device as file descriptor `fd` if it is closed; whether it was."""
    try:
        os.fstat(fd)
        return False
    except OSError:
        pass
    null = os.open(os.devnull, os.O_RDONLY if fd == 0 else os.O_WRONLY)
    if null != fd:
        os.dup2(null, fd)
        os.close(null)
    os.set_inheritable(fd, True)  # as a standard stream is: the processes the planner starts have it too
    return True


def lost(name: str = "stdout") -> str | None:
    """Why some of the output to sys.`name` was lost (its stream flushed first); None if none was."""
    stream = _streams.get(name)
    if stream is None:
        return None
    getattr(sys, name).flush()
    return stream.lost
