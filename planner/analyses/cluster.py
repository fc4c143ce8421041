"""Dask clusters for the sweep and the cost game: started and closed whole, quietly.

- Signals are held while a cluster starts and while it closes (planner/signals.py): a
  Ctrl-C, SIGTERM or SIGHUP then is delivered as soon as the cluster is up (and the caller's
  `finally` closes it) or closed, never half-way through distributed's start or close, which
  leaves a cluster half up (`AssertionError: Status.init`, an atexit `close_clusters`
  traceback) or is lost in one of its finalizers.
- The local worker processes start with those signals blocked, and keep them so: a
  terminal's Ctrl-C or hang-up, sent to the whole process group, reaches only the planner,
  which closes them (a worker taking it printed a KeyboardInterrupt traceback from wherever
  it was, even from its imports). They inherit the mask of the thread that spawns them,
  one of distributed's started with signals held; multiprocessing's resource tracker is
  started first, as it unblocks SIGINT and SIGTERM in the thread that starts it.
- No more local workers than cores or the memory can take (planner.options.usable_workers).
- A remote scheduler must answer within planner.options.CONNECT_TIMEOUT_S.
- The local scheduler's HTTP server listens on a free port of 127.0.0.1, not on 8787, and no
  dashboard is served: no "Port 8787 is already in use" when another cluster runs;
  distributed's warnings and log lines are kept off the terminal.
"""

from __future__ import annotations

import logging
import os
import signal
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .. import options
from ..signals import held


RESOURCE_TRACKER_QUIET = "ignore::UserWarning:multiprocessing.resource_tracker"


def _quiet() -> None:
    """No warning or log line of dask's or distributed's on the terminal; nor, after a Ctrl-C
    that reached the worker processes too (a terminal signals the whole group), the
    semaphores multiprocessing's resource tracker, a process of its own, reports leaked
    (it inherits the environment's warning filters)."""
    filters = os.environ.get("PYTHONWARNINGS", "")
    if RESOURCE_TRACKER_QUIET not in filters.split(","):
        os.environ["PYTHONWARNINGS"] = ",".join(filter(None, (filters, RESOURCE_TRACKER_QUIET)))
    warnings.filterwarnings("ignore", module=r"distributed(\.|$)")
    warnings.filterwarnings("ignore", module=r"dask(\.|$)")
    for name in ("distributed", "dask"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


@contextmanager
def running(scheduler: str | None, workers: int) -> Iterator[tuple[Any, Any]]:
    """(client, local cluster or None) for the block: a client of the scheduler at `scheduler`,
    else of a new local cluster of `workers` single-threaded worker processes; started and
    closed with signals held (one that came while it started is raised in the block)."""
    client = cluster = None
    try:
        with held():
            client, cluster = start(scheduler, workers)
        yield client, cluster
    finally:
        close(client, cluster)


def start(scheduler: str | None, workers: int) -> tuple[Any, Any]:
    """(client, local cluster or None), as `running` gives them; call it with signals held
    (`with held(): client, cluster = start(…)`), so that a signal arrives only once the caller
    holds the cluster to close. The local cluster has `workers` worker processes, fewer if
    the cores or the memory cannot take them; planner.options.OptionError if the scheduler
    at `scheduler` does not answer."""
    from dask.distributed import Client, LocalCluster

    _quiet()
    if scheduler:
        try:
            return Client(scheduler, timeout=options.CONNECT_TIMEOUT_S), None
        except (OSError, TimeoutError, ValueError) as exc:
            raise options.bad("--scheduler", scheduler, f"no Dask scheduler answers ({exc}); "
                                                        f"expected {options.SCHEDULER_FORM}") from None
    with held():
        _tracker_running()
        cluster = LocalCluster(n_workers=options.usable_workers(workers)[0], threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=logging.CRITICAL,
                               scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"})
    try:
        return Client(cluster), cluster
    except BaseException:
        cluster.close()
        raise


def _tracker_running() -> None:
    """multiprocessing's resource tracker started (if it is not), this thread's signal mask
    kept: started by the first worker's spawn, it would unblock SIGINT and SIGTERM in the
    spawning thread (CPython's resource_tracker.ensure_running), and that worker would take
    a terminal's Ctrl-C."""
    from multiprocessing import resource_tracker

    if not hasattr(signal, "pthread_sigmask"):
        return
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, [])
    try:
        resource_tracker.ensure_running()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)


def close(client: Any, cluster: Any) -> None:
    """Close the client, then the local cluster (if any), with signals held."""
    with held():
        try:
            if client is not None:
                client.close()
        finally:
            if cluster is not None:
                cluster.close()
