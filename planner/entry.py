"""The `planner` console command's entry point: signals and Ctrl-C handled from the first
moment, before the heavy modules (Pyomo, pandas) import.

SIGTERM and SIGHUP are turned into KeyboardInterrupt, so that a report being written is
abandoned as on Ctrl-C: its temporary file removed, the target left as it was, and the user
told what was and was not written. Exit code 128 + the signal's number (130 for Ctrl-C).
"""

from __future__ import annotations

import signal
import sys
from contextlib import contextmanager

from .paths import WRITTEN

_reported = False


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP arrived."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _raise_terminated(signum: int, _frame: object) -> None:
    raise Terminated(signum)


def report_interrupt(exc: BaseException | None = None) -> int:
    """Tell the user (once) what an interrupted command wrote; its exit code."""
    global _reported
    if not _reported:
        _reported = True
        if WRITTEN:
            written = ", ".join(str(p) for p in WRITTEN)
            print(f"Interrupted after writing {written}; nothing else was written.", file=sys.stderr)
        else:
            print("Interrupted; nothing was written.", file=sys.stderr)
    return 128 + getattr(exc, "signum", signal.SIGINT)


@contextmanager
def _signals_to_main_thread():
    """Block SIGINT, SIGTERM and SIGHUP while the block starts threads (they inherit the mask,
    so the kernel never hands them a signal meant for the planner: a signal taken by another
    thread would not wake the main thread from a blocking write), then unblock them here; a
    signal that came meanwhile is delivered then."""
    wanted = {getattr(signal, n) for n in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, n)}
    if not hasattr(signal, "pthread_sigmask"):  # not on POSIX
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, wanted)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, wanted)


def main() -> None:
    """Run the command line; exit 128 + signal number if interrupted."""
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _raise_terminated)
    try:
        with _signals_to_main_thread():
            from .cli import app  # numpy starts OpenBLAS's threads here: they must not take the signals

        app()  # exits through SystemExit
    except KeyboardInterrupt as exc:
        sys.exit(report_interrupt(exc))
    except SystemExit as exc:
        if exc.code == 130:  # typer turns a KeyboardInterrupt outside the planner's handler into exit 130
            report_interrupt()
        raise


if __name__ == "__main__":
    main()
