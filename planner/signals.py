"""Signals that stop the planner (SIGINT, SIGTERM, SIGHUP), held back where they would do harm.

The console command (planner/entry.py) turns each into KeyboardInterrupt in the main thread.
Two places cannot take one:

- a block that starts threads or a Dask cluster, or closes one: a KeyboardInterrupt raised
  half-way leaves a cluster half up or half down (distributed's `AssertionError: Status.init`,
  its atexit `close_clusters` traceback), and threads started then would inherit the signals
  and take them instead of the main thread. `held()` blocks the signals for the block and
  lets the kernel deliver one that came meanwhile as the block ends, once.
- a finalizer (`ZipFile.__del__`, a weakref callback): Python prints an exception raised there
  as "Exception ignored in …" and carries on, so the command would go on as if nothing had
  come. `redeliver_swallowed()` installs an unraisable hook that sends the signal to the main
  thread again instead, where it stops the command as it should.
"""

from __future__ import annotations

import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

STOPPING = tuple(getattr(signal, n) for n in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, n))


_holding = 0  # depth of held() blocks in the main thread
_pending: list[int] = []  # signals that came while held, in order


def defer(signum: int) -> bool:
    """For a signal handler: whether a held() block is on (the signal is then remembered and
    delivered again as the outermost block ends; the handler returns without raising). A
    signal can reach the handler while the main thread blocks it, when the kernel gave it to
    a thread started before the block (rich's progress bar)."""
    if _holding:
        if signum not in _pending:
            _pending.append(signum)
        return True
    return False


@contextmanager
def held() -> Iterator[None]:
    """SIGINT, SIGTERM and SIGHUP held back for the block: blocked in this thread (and in the
    threads it starts), and deferred by the planner's handlers (`defer`) if another thread
    takes one; one that arrived meanwhile is delivered as the block ends. Off the main
    thread the block runs as it is."""
    global _holding
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, STOPPING) if hasattr(signal, "pthread_sigmask") else None
    _holding += 1
    try:
        yield
    finally:
        _holding -= 1
        if before is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, before)  # one blocked meanwhile is handled here
        if not _holding and _pending:
            signum = _pending.pop(0)
            _pending.clear()
            signal.raise_signal(signum)  # its handler raises it here


def redeliver_swallowed() -> None:
    """Install an unraisable hook that sends again, to the main thread, a signal whose
    KeyboardInterrupt Python would otherwise print and drop (one raised in a finalizer).

    It is sent from a helper thread a moment later: sent from the hook itself, the handler
    would run inside the hook, whose exception Python drops too. Should it land in a
    finalizer again, the hook sends it again."""
    previous = sys.unraisablehook

    def hook(unraisable: sys.UnraisableHookArgs) -> None:
        exc = unraisable.exc_value
        if isinstance(exc, KeyboardInterrupt) and hasattr(signal, "pthread_kill"):
            threading.Thread(target=_send_again, args=(getattr(exc, "signum", signal.SIGINT),), daemon=True).start()
            return
        previous(unraisable)

    sys.unraisablehook = hook


def _send_again(signum: int) -> None:
    time.sleep(0.02)
    signal.pthread_kill(threading.main_thread().ident, signum)
