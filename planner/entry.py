"""The `planner` console command's entry point: signals and Ctrl-C handled from the first
moment, before the heavy modules (Pyomo, pandas) import.

SIGTERM and SIGHUP are turned into KeyboardInterrupt (unless they were ignored when the
command started, as under nohup), so that a report being written is
abandoned as on Ctrl-C: its temporary file removed, the target left as it was, and the user
told what was and was not written. Exit code 128 + the signal's number (130 for Ctrl-C).

Standard output and error are guarded from the start (planner/streams.py): a closed or full
stream, or a pipe whose reader has gone, loses output, not work. The command's files are
kept and its exit code stays its own; one line on standard error says the output was lost.
"""

from __future__ import annotations

import os
import signal
import sys

from . import streams
from .paths import WRITTEN
from .signals import STOPPING, defer, held, redeliver_swallowed

_reported = False


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP arrived."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


_received: int | None = None  # the last signal that stopped the command


def _raise_terminated(signum: int, _frame: object) -> None:
    global _received
    if defer(signum):  # inside a held() block: raised as it ends
        return
    _received = signum
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
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


def _stopping() -> None:
    """The command ends: a signal now must not cut its message short, interrupt the
    interpreter's exit (distributed's atexit hooks) with a traceback, or kill the process
    once Python has put the default handlers back; it is ignored (the process exits with
    the code of what it did, which it has said)."""
    for sig in STOPPING:
        signal.signal(sig, signal.SIG_IGN)


def _say_lost() -> None:
    """One line on standard error if some of the output to standard output was lost."""
    reason = streams.lost("stdout")
    if reason:
        written = ", ".join(str(p) for p in WRITTEN)
        print(f"warning: the output could not be printed in full (standard output: {reason})"
              + (f"; {written} {'was' if len(WRITTEN) == 1 else 'were'} written." if WRITTEN else "."),
              file=sys.stderr, flush=True)


def main() -> None:
    """Run the command line, its standard streams guarded; exit 128 + signal number if interrupted."""
    streams.install()
    try:
        _main()
    finally:
        _say_lost()


def _main() -> None:
    """The command line, with the planner's signal handling."""
    for sig in STOPPING:  # one ignored from the start (nohup, a job started in the background) stays ignored
        if signal.getsignal(sig) not in (signal.SIG_IGN, None):
            signal.signal(sig, _raise_terminated)
    redeliver_swallowed()  # a signal raised inside a finalizer (ZipFile.__del__) still stops the command
    try:
        with held():  # numpy starts OpenBLAS's threads here: they must not take the signals
            from .cli import app

        app()  # exits through SystemExit
    except KeyboardInterrupt as exc:
        _stopping()
        sys.exit(report_interrupt(exc))
    except SystemExit as exc:
        _stopping()
        if exc.code == 130:  # typer turns a KeyboardInterrupt outside the planner's handler into exit 130
            sys.exit(report_interrupt(Terminated(_received) if _received else None))
        raise


def command() -> None:
    """The `planner` command: `main`, whose interrupted exit (128 + n), once HiGHS has solved
    in the process, skips the interpreter's finalisation, where HiGHS's worker threads, still
    winding down from a solve just stopped or just ended, abort the process (exit 134,
    "terminate called without an active exception"). Everything the command cleans up is
    cleaned by then."""
    try:
        main()
    except SystemExit as exc:
        if exc.code in {128 + sig for sig in STOPPING} and "highspy" in sys.modules:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(exc.code)
        raise


if __name__ == "__main__":
    command()
