"""Options checked before any work (issue 24): a bad value is one message naming the option,
the value and what is expected; exit 2; nothing written; no traceback, no wasted machine."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from planner.analyses.whatif import WhatIfError, parse_members, resolve_changes
from planner.cli import app
from tutorial_data import tutorial_data

ROOT = Path(__file__).parents[1]
TUTORIAL = ROOT / "inputs" / "tutorial.xlsx"
NEEDS = {"analyse": ["--shapley"], "sweep": ["--vary", "requirements=1"], "whatif": ["--without", "BOR"]}


def no_work(monkeypatch) -> None:
    """Reading the workbook fails the test: the option must be refused before."""
    def fail(*_a, **_k):
        raise AssertionError("the workbook was read before the options were checked")

    monkeypatch.setattr("planner.run.load_plan", fail)


def refused(*args: str, option: str, value: str, words: str = "") -> str:
    """Run the command; it must exit 2 with one located message and leave only p.xlsx."""
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exit_code == 2, result.output
    assert f"{option} {value}" in result.output and words in result.output, result.output
    for noise in ("Internal error", "Traceback", "WARNING"):
        assert noise not in result.output
    assert sorted(p.name for p in Path.cwd().iterdir()) == ["p.xlsx"]
    return result.output


# ------------------------------------------------------------------ --scheduler


@pytest.mark.parametrize("command", ["sweep", "analyse"])
@pytest.mark.parametrize("address", ["bogus", "tcp://host", "foo://host:8786", "tcp://host:99999", "inproc://x"])
def test_a_scheduler_that_is_not_an_address_is_refused(command, address, plan, monkeypatch):
    no_work(monkeypatch)
    refused(command, "p.xlsx", *NEEDS[command], "--scheduler", address, "--out", "r.xlsx",
            option="--scheduler", value=address, words="expected the address of a running Dask scheduler")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("command", ["sweep", "analyse"])
def test_an_unreachable_scheduler_is_refused_at_once(command, plan, monkeypatch):
    no_work(monkeypatch)
    address = f"tcp://127.0.0.1:{free_port()}"
    start = time.perf_counter()
    refused(command, "p.xlsx", *NEEDS[command], "--scheduler", address, "--out", "r.xlsx",
            option="--scheduler", value=address, words="no Dask scheduler answers (nothing listens there)")
    assert time.perf_counter() - start < 3


def test_a_server_that_is_not_a_scheduler_is_refused_within_the_timeout(plan, monkeypatch):
    no_work(monkeypatch)
    monkeypatch.setattr("planner.options.CONNECT_TIMEOUT_S", 0.5)
    with socket.socket() as silent:  # accepts connections, never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        address = f"tcp://127.0.0.1:{silent.getsockname()[1]}"
        start = time.perf_counter()
        refused("sweep", "p.xlsx", "--vary", "requirements=1", "--scheduler", address, "--out", "r.xlsx",
                option="--scheduler", value=address, words="not as a Dask scheduler within 0.5 s")
        assert time.perf_counter() - start < 3


def test_a_running_scheduler_is_accepted():
    from dask.distributed import LocalCluster

    from planner.options import check_scheduler

    with LocalCluster(n_workers=0, processes=False, protocol="tcp://", dashboard_address=None) as cluster:
        address = cluster.scheduler_address
        assert check_scheduler(f" {address} ") == address
        assert check_scheduler(address.removeprefix("tcp://")) == address.removeprefix("tcp://")


# ------------------------------------------------------------------ --vary


@pytest.mark.parametrize("specs,value,words", [
    (["requirements=nan,1"], "requirements=nan,1", "nan is not a finite number"),
    (["requirements=1,inf"], "requirements=1,inf", "inf is not a finite number"),
    (["requirements=-0.5"], "requirements=-0.5", "-0.5 is below 0"),
    (["floor=nan"], "floor=nan", "nan is not a finite number"),
    (["floor=-1"], "floor=-1", "-1 is below 0"),
    (["floor=2,150"], "floor=2,150", "150 is above 100"),
    (["abstentions=-1"], "abstentions=-1", "-1 is below 0"),
    (["abstentions=1.5"], "abstentions=1.5", "1.5 is not a whole number"),
    (["abstentions=nan"], "abstentions=nan", "nan is not a whole number"),
    (["requirements=1,1.0"], "requirements=1,1.0", "1.0 is given twice"),
    (["without=BOR,none,BOR"], "without=BOR,none,BOR", "BOR is given twice"),
    (["requirements=1", "requirements=2"], "requirements=2", "requirements is varied twice"),
])
def test_vary_values_out_of_range_are_refused(specs, value, words, plan, monkeypatch):
    no_work(monkeypatch)
    vary = [a for spec in specs for a in ("--vary", spec)]
    refused("sweep", "p.xlsx", *vary, "--out", "r.xlsx", option="--vary", value=value, words=words)


@pytest.mark.parametrize("spec,words", [
    ("without=ZZZ", "no member 'ZZZ' in the plan (members: ARL, BOR, CAR)"),
    ("without=none,bor", "no member 'bor' in the plan (did you mean BOR?)"),
])
def test_vary_without_an_unknown_member_is_refused_before_any_solve(spec, words, plan, monkeypatch):
    def no_cluster(*_a, **_k):
        raise AssertionError("a cluster was started for a sweep that cannot run")

    monkeypatch.setattr("planner.analyses.cluster.start", no_cluster)
    refused("sweep", "p.xlsx", "--vary", spec, "--out", "r.xlsx", option="--vary", value=spec, words=words)


# ------------------------------------------------------------------ --without, --suspend, --join


@pytest.mark.parametrize("args,words", [
    (["--without", "BOR:2025,BOR:2026"], "--without BOR:2025,BOR:2026: BOR is named twice, with different years"),
    (["--without", "BOR:2025", "--without", "BOR:2026"], "--without BOR:2026: BOR is named twice, with different years"),
    (["--suspend", "BOR:2025", "--suspend", "BOR:2026"], "--suspend BOR:2026: BOR is named twice, with different years"),
    (["--without", "BOR", "--suspend", "BOR:2025"],
     "BOR leaves the pact (out from 2025: --without) and is suspended from 2025 (--suspend)"),
    (["--without", "BOR:2025", "--suspend", "BOR:2026"],
     "BOR leaves the pact (out from 2025: --without) and is suspended from 2026 (--suspend)"),
    (["--without", "BOR:2026", "--suspend", "BOR>CAR:2026"],
     "BOR leaves the pact (out from 2026: --without) and its obligations to CAR are suspended from 2026 (--suspend)"),
    (["--suspend", "BOR>BOR:2025"], "--suspend BOR>BOR: a member has no obligations towards itself"),
])
def test_contradicting_member_changes_are_refused(args, words, plan, monkeypatch):
    result = CliRunner().invoke(app, ["whatif", "p.xlsx", *args, "--out", "r.xlsx"])
    assert result.exit_code == 2, result.output
    assert words in result.output and "Traceback" not in result.output
    assert sorted(p.name for p in Path.cwd().iterdir()) == ["p.xlsx"]


def test_member_changes_that_agree_are_accepted():
    data = tutorial_data()
    assert parse_members(["BOR:2026,BOR:2026", "CAR"]) == {"BOR": 2026, "CAR": None}
    changes = resolve_changes(data, {"BOR": 2026}, {"BOR": 2025, "CAR>ARL": 2025}, {})
    assert changes.without == {"BOR": 2026} and changes.suspend == {"BOR": 2025}
    assert changes.suspend_towards == {("CAR", "ARL"): 2025}
    with pytest.raises(WhatIfError, match="BOR is suspended from 2025 .--suspend. before it joins in 2026 .--join."):
        resolve_changes(data, {}, {"BOR": 2025}, {"BOR": 2026})


# ------------------------------------------------------------------ --solver


def test_an_unknown_solver_is_refused_with_the_supported_ones(plan, monkeypatch):
    no_work(monkeypatch)
    refused("run", "p.xlsx", "--solver", "nosuchsolver", "--out", "r.xlsx", option="--solver", value="nosuchsolver",
            words="expected one of highs, cbc, glpk, cplex, gurobi, scip, xpress (installed here: highs")


def test_a_supported_solver_not_installed_is_said_before_any_work(plan, monkeypatch):
    no_work(monkeypatch)
    monkeypatch.setattr("planner.solve.installed_solvers", lambda: ["highs"])
    result = CliRunner().invoke(app, ["run", "p.xlsx", "--solver", "GLPK", "--out", "r.xlsx"])
    assert result.exit_code == 1, result.output
    assert result.output.strip() == "Solver problem: solver 'glpk' is not installed on this machine (installed: highs)"


def test_an_unknown_solver_in_the_settings_is_a_located_input_error(plan):
    wb = openpyxl.load_workbook(plan)
    ws = wb["Settings"]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "solver")
    row[1].value = "nosuchsolver"
    wb.save(plan)
    result = CliRunner().invoke(app, ["run", "p.xlsx", "--out", "r.xlsx"])
    assert result.exit_code == 2, result.output
    assert "Settings" in result.output and "nosuchsolver" in result.output and "highs, cbc" in result.output
    assert "Traceback" not in result.output and sorted(p.name for p in Path.cwd().iterdir()) == ["p.xlsx"]


# ------------------------------------------------------------------ --workers


def test_workers_are_bounded_by_cores_memory_and_variants(monkeypatch):
    from planner import options

    class Memory:
        available = 3 * options.WORKER_MEMORY_MB * 2**20 + 1

    monkeypatch.setattr(options, "usable_cores", lambda: 2)
    monkeypatch.setattr("psutil.virtual_memory", lambda: Memory())
    assert options.usable_workers(64) == (2, "2 cores")
    assert options.usable_workers(2) == (2, "")
    assert options.usable_workers(2, variants=1) == (1, "1 variant")
    monkeypatch.setattr(options, "usable_cores", lambda: 8)
    assert options.usable_workers(8)[0] == 3 and options.usable_workers(8)[1].startswith("memory for 3")
    Memory.available = 0
    assert options.usable_workers(8)[0] == 1


def test_a_sweep_asked_for_more_workers_than_cores_says_so_and_uses_fewer(plan, monkeypatch):
    import planner.analyses.sweep as sweep

    started = []

    def fake_sweep(path, vary, *, scheduler=None, workers=2, time_budget_s=None, progress=None):
        started.append(workers)
        todo = sweep.variants(vary)
        rows = {i: {"status": "optimal", "money_cost_musd": 1.0, "objective": 1.0} for i in range(len(todo))}
        return sweep._gather(todo, rows, workers, "local", 0.0)

    monkeypatch.setattr(sweep, "run_sweep", fake_sweep)
    monkeypatch.setattr("planner.options.usable_cores", lambda: 2)
    result = CliRunner().invoke(app, ["sweep", "p.xlsx", "--vary", "requirements=0.8,0.9,1,1.1", "--workers", "64",
                                      "--out", "r.xlsx"])
    assert result.exit_code == 0, result.output
    assert "--workers 64: using 2 (2 cores)" in result.output
    assert started == [2]


def test_analyse_asked_for_more_workers_than_cores_says_so_and_uses_fewer(plan, monkeypatch):
    import typer

    started = []

    def fake_analyses(*_a, workers=None, **_k):
        started.append(workers)
        raise typer.Exit(0)

    monkeypatch.setattr("planner.run.run_analyses", fake_analyses)
    monkeypatch.setattr("planner.options.usable_cores", lambda: 2)
    result = CliRunner().invoke(app, ["analyse", "p.xlsx", "--shapley", "--workers", "64", "--out", "r.xlsx"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "--workers 64: using 2 (2 cores)" and started == [2]


# ------------------------------------------------------------------ Ctrl-C in a sweep's workers

MASKS = textwrap.dedent("""
    import signal
    from planner.analyses import cluster

    def blocked():
        return sorted(int(s) for s in signal.pthread_sigmask(signal.SIG_BLOCK, []))

    if __name__ == "__main__":
        with cluster.running(None, 2) as (client, _):
            print(sorted(set(map(tuple, client.run(blocked).values()))))
""")


def test_the_sweeps_workers_start_deaf_to_a_terminals_signals(tmp_path):
    """A terminal's Ctrl-C (or hang-up) goes to the whole process group: the worker processes
    must not take it (their KeyboardInterrupt tracebacks, printed from wherever they were,
    even while importing); the planner takes it and closes them. They start with SIGINT,
    SIGTERM and SIGHUP blocked, every one of them, whatever multiprocessing did first."""
    script = tmp_path / "masks.py"
    script.write_text(MASKS)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    child = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60, env=env)
    assert child.returncode == 0, child.stderr
    wanted = (int(signal.SIGHUP), int(signal.SIGINT), int(signal.SIGTERM))
    assert child.stdout.strip() == str([wanted]), child.stdout


CTRL_C = textwrap.dedent("""
    import sys, time
    import planner.analyses.sweep as sweep
    real = sweep.solve_variant

    def announced(*a, **k):  # on a worker: say so, then solve for real
        print("solving", flush=True)
        time.sleep(2)
        return real(*a, **k)

    sweep.solve_variant = announced
    sys.argv = ["planner", *sys.argv[1:]]
    from planner.entry import main
    main()
""")


def _as_in_a_terminal() -> None:
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, (signal.SIGINT, signal.SIGTERM, signal.SIGHUP))


def test_ctrl_c_while_the_workers_solve_prints_no_traceback(tmp_path):
    shutil.copy(TUTORIAL, tmp_path / "p.xlsx")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    child = subprocess.Popen([sys.executable, "-c", CTRL_C, "sweep", "p.xlsx", "--vary", "requirements=0.8,1,1.2",
                              "--out", "r.xlsx"], cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, preexec_fn=_as_in_a_terminal, start_new_session=True)
    try:
        assert child.stdout.readline().strip() == "solving", child.communicate(timeout=30)[1]
        time.sleep(1.0)
        sent = time.perf_counter()
        os.killpg(child.pid, signal.SIGINT)
        _, stderr = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
    assert child.returncode == 130, stderr
    assert stderr.strip() == "Interrupted; nothing was written."
    assert time.perf_counter() - sent < 10
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.xlsx"]
