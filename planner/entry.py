"""The `planner` console command's entry point: signals and Ctrl-C handled from the first
moment, before the heavy modules (Pyomo, pandas) import.

SIGTERM and SIGHUP are turned into KeyboardInterrupt, so that a report being written is
abandoned as on Ctrl-C: its temporary file removed, the target left as it was, and the user
told what was and was not written. Exit code 128 + the signal's number (130 for Ctrl-C).
"""

from __future__ import annotations

import signal
import sys

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


def main() -> None:
    """Run the command line; exit 128 + signal number if interrupted."""
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _raise_terminated)
    try:
        from .cli import app

        app()  # exits through SystemExit
    except KeyboardInterrupt as exc:
        sys.exit(report_interrupt(exc))
    except SystemExit as exc:
        if exc.code == 130:  # typer turns a KeyboardInterrupt outside the planner's handler into exit 130
            report_interrupt()
        raise


if __name__ == "__main__":
    main()
