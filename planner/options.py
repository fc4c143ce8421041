"""Command-line options the planner checks before any work: the Dask scheduler's address,
the solver's name and the number of local worker processes.

A bad value is an `OptionError`: one message naming the option, the value given and what
is expected (`planner` exits 2, nothing written). The sweep's `--vary` and the what-if's
member options are read by their own modules (planner/analyses/sweep.py, whatif.py), whose
errors are OptionErrors too.
"""

from __future__ import annotations

import os
import socket

from .schema import SOLVERS

CONNECT_TIMEOUT_S = 3.0  # a Dask scheduler answers within this, or it is not there
WORKER_MEMORY_MB = 400  # a worker solving a NATO variant: 335 MB peak measured with its imports, plus Dask's own


class OptionError(ValueError):
    """An option's value the planner cannot use; the message names the option and the
    value and says what is expected."""


def bad(option: str, value: object, problem: str) -> OptionError:
    """'--option value: problem' as an OptionError."""
    return OptionError(f"{option} {value}: {problem}")


# ------------------------------------------------------------------ --scheduler

SCHEDULER_FORM = "the address of a running Dask scheduler, tcp://HOST:PORT (e.g. tcp://10.0.0.5:8786)"
NETWORK_SCHEMES = ("tcp", "tls", "ws", "wss", "ucx")


def check_scheduler(address: str, option: str = "--scheduler", timeout_s: float | None = None) -> str:
    """`address` if a Dask scheduler answers there within `timeout_s` (default
    CONNECT_TIMEOUT_S); OptionError otherwise, saying whether the address is malformed,
    unreachable or answered by something else."""
    from distributed.comm.addressing import get_address_host_port, parse_address

    timeout_s = CONNECT_TIMEOUT_S if timeout_s is None else timeout_s
    shown = address if address.strip() else repr(address)
    try:
        scheme, _ = parse_address(address.strip())
        host, port = get_address_host_port(address.strip())
    except (ValueError, TypeError):
        raise bad(option, shown, f"not an address; expected {SCHEDULER_FORM}") from None
    if scheme not in NETWORK_SCHEMES or not host or not 0 < port < 65536:
        raise bad(option, shown, f"not an address; expected {SCHEDULER_FORM}")
    try:
        socket.create_connection((host, port), timeout=timeout_s).close()
    except socket.gaierror:
        raise bad(option, shown, f"no host {host!r} is known; expected {SCHEDULER_FORM}") from None
    except OSError as exc:
        why = "nothing listens there" if isinstance(exc, ConnectionRefusedError) else \
            f"no answer within {timeout_s:g} s" if isinstance(exc, TimeoutError) else exc.strerror or str(exc)
        raise bad(option, shown, f"no Dask scheduler answers ({why}); expected {SCHEDULER_FORM}") from None
    if scheme == "tcp" and not _is_scheduler(address.strip(), timeout_s):
        raise bad(option, shown, f"something answers there, but not as a Dask scheduler within {timeout_s:g} s; "
                                 f"expected {SCHEDULER_FORM}")
    return address.strip()


def _is_scheduler(address: str, timeout_s: float) -> bool:
    """Whether the server at `address` says it is a Dask scheduler within `timeout_s`."""
    import asyncio

    from distributed.comm import connect

    async def identity() -> dict:
        comm = await connect(address, timeout=timeout_s)
        try:
            await comm.write({"op": "identity", "reply": True})
            return await comm.read()
        finally:
            comm.abort()

    try:
        reply = asyncio.run(asyncio.wait_for(identity(), timeout_s))
    except Exception:  # noqa: BLE001 - whatever it answered, it is not a scheduler we can use
        return False
    return isinstance(reply, dict) and reply.get("type") == "Scheduler"


# ------------------------------------------------------------------ --solver


def check_solver(name: str, option: str = "--solver") -> str:
    """`name` (lower case) if the planner supports that solver; OptionError otherwise,
    listing the supported ones and those installed here."""
    solver = name.strip().lower()
    if solver not in SOLVERS:
        installed = ", ".join(installed_solvers())
        raise bad(option, name or "''", f"not a solver the planner supports; expected one of {', '.join(SOLVERS)} "
                                        f"(installed here: {installed})")
    return solver


def installed_solvers() -> list[str]:
    """The supported solvers this machine can run (HiGHS always: it comes with the planner)."""
    import logging

    import pyomo.environ as pyo

    found = ["highs"]
    quiet = logging.getLogger("pyomo")
    level, quiet.level = quiet.level, logging.CRITICAL  # Pyomo logs a warning for each one missing
    try:
        for name in SOLVERS[1:]:
            try:
                if pyo.SolverFactory(name).available(exception_flag=False):
                    found.append(name)
            except Exception:  # noqa: BLE001 - Pyomo raises many kinds for a solver it cannot run
                pass
    finally:
        quiet.level = level
    return found


# ------------------------------------------------------------------ --workers


def usable_cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def usable_workers(requested: int, variants: int | None = None) -> tuple[int, str]:
    """How many of `requested` local worker processes to start: at most one per core, as
    many as the available memory holds at WORKER_MEMORY_MB each, and no more than
    `variants` (at least 1); with the bound that cut the number, in words ('' if none did)."""
    import psutil

    cores = usable_cores()
    memory = int(psutil.virtual_memory().available / 2**20 // WORKER_MEMORY_MB)
    bounds = [(cores, f"{cores} core{'s' if cores != 1 else ''}"),
              (memory, f"memory for {memory}: {psutil.virtual_memory().available / 2**30:.1f} GB available, "
                       f"about {WORKER_MEMORY_MB} MB a worker")]
    if variants is not None:
        bounds.append((variants, f"{variants} variant{'s' if variants != 1 else ''}"))
    limit, why = min(bounds, key=lambda b: b[0])
    if requested <= limit:
        return requested, ""
    return max(1, limit), why
