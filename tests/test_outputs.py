"""No file of the user's is ever lost: every output path is checked before any work, every
option is checked like a workbook cell, and an interrupted write leaves nothing behind."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from planner.cli import app
from planner.paths import REPORT_CATEGORY, is_planner_report

ROOT = Path(__file__).parents[1]
TUTORIAL = ROOT / "inputs" / "tutorial.xlsx"


def no_work(monkeypatch) -> None:
    def fail(*_a, **_k):
        raise AssertionError("the workbook was read before the output path was checked")

    monkeypatch.setattr("planner.run.load_plan", fail)


def invoke(*args: str):
    return CliRunner().invoke(app, [str(a) for a in args])


def folder_state(folder: Path) -> dict[str, bytes | None]:
    return {p.name: (p.read_bytes() if p.is_file() else None) for p in sorted(folder.iterdir())}


REFUSED = {
    "the input": ("run", "p.xlsx", "--out", "p.xlsx"),
    "the input by another spelling": ("run", "p.xlsx", "--out", "missing/../p.xlsx"),
    "the input in another case": ("run", "p.xlsx", "--out", "P.XLSX"),
    "the input through a link": ("run", "p.xlsx", "--out", "link.xlsx"),
    "the input through a hard link": ("run", "p.xlsx", "--out", "hard.xlsx"),
    "what-if's input": ("whatif", "p.xlsx", "--without", "BOR", "--out", "./p.xlsx"),
    "what-if's join workbook": ("whatif", "p.xlsx", "--join", "j.xlsx", "--out", "j.xlsx"),
    "analyse's input": ("analyse", "p.xlsx", "--shapley", "--out", "p.xlsx"),
    "sweep's input": ("sweep", "p.xlsx", "--vary", "requirements=1", "--out", "p.xlsx"),
    "a folder": ("run", "p.xlsx", "--out", "folder.xlsx"),
    "a pipe": ("run", "p.xlsx", "--out", "pipe.xlsx"),
    "an empty name": ("run", "p.xlsx", "--out", ""),
    "a .csv name": ("run", "p.xlsx", "--out", "r.csv"),
    "a .xlsm name": ("run", "p.xlsx", "--out", "r.xlsm"),
    "no suffix": ("run", "p.xlsx", "--out", "report"),
    "a name too long": ("run", "p.xlsx", "--out", "a" * 252 + ".xlsx"),
    "a file on the way": ("run", "p.xlsx", "--out", "notes.txt/r.xlsx"),
    "a file that is not a report": ("run", "p.xlsx", "--out", "other.xlsx"),
    "the template over a workbook": ("template", "p.xlsx"),
    "import-orlib over a workbook": ("import-orlib", ROOT / "tests/data/orlib_cap/cap41.txt", "p.xlsx"),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_refused_before_any_work_with_the_users_path_named(case, plan, monkeypatch):
    folder = plan.parent
    (folder / "link.xlsx").symlink_to(plan)
    os.link(plan, folder / "hard.xlsx")
    shutil.copy(plan, folder / "j.xlsx")
    (folder / "folder.xlsx").mkdir()
    os.mkfifo(folder / "pipe.xlsx")
    (folder / "notes.txt").write_text("notes")
    (folder / "other.xlsx").write_bytes(b"someone's workbook")
    before = folder_state(folder)
    no_work(monkeypatch)
    args = REFUSED[case]
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    message = result.output.strip()
    assert len(message.splitlines()) == 1 and "Internal error" not in message
    named = args[args.index("--out") + 1] if "--out" in args else args[-1]
    assert (str(Path(named)) in message) if named else ("no file name" in message)
    assert folder_state(folder) == before  # nothing written, nothing replaced, no temporary file


def test_reports_are_replaced_but_other_files_only_with_force(plan):
    assert invoke("run", "p.xlsx", "--out", "r.xlsx").exit_code == 0
    assert is_planner_report(Path("r.xlsx"))
    assert openpyxl.load_workbook("r.xlsx").properties.category == REPORT_CATEGORY
    assert invoke("run", "p.xlsx", "--out", "r.xlsx").exit_code == 0  # a report: replaced
    Path("mine.xlsx").write_bytes(b"mine")
    assert invoke("run", "p.xlsx", "--out", "mine.xlsx").exit_code == 2
    assert Path("mine.xlsx").read_bytes() == b"mine"
    assert invoke("run", "p.xlsx", "--out", "mine.xlsx", "--force").exit_code == 0
    assert is_planner_report(Path("mine.xlsx"))
    assert invoke("template", "p.xlsx", "--force").exit_code == 0
    assert not is_planner_report(plan)  # a template is a workbook to fill in, not a report


def test_reports_folder_that_is_a_file_is_refused_before_the_solve(plan, monkeypatch):
    Path("reports").write_text("not a folder")
    no_work(monkeypatch)
    result = invoke("run", "p.xlsx")
    assert result.exit_code == 2 and "reports is a file, not a folder" in result.output


def test_an_input_name_that_is_not_utf8_still_gets_a_report(plan):
    odd = Path(os.fsdecode(b"\xfe.xlsx"))
    shutil.copy(plan, odd)
    result = invoke("run", odd, "-q")
    assert result.exit_code == 0, result.output
    assert [p.name for p in Path("reports").iterdir()][0].startswith("_-")


def test_a_full_disk_is_a_message_and_nothing_is_left(plan, monkeypatch):
    def full(self, filename):
        Path(filename).write_bytes(b"PK partial")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(openpyxl.Workbook, "save", full)
    before = folder_state(plan.parent)
    result = invoke("run", "p.xlsx", "--out", "r.xlsx")
    assert result.exit_code == 1
    assert "could not write r.xlsx: No space left on device; nothing was written" in result.output
    assert "Traceback" not in result.output
    assert folder_state(plan.parent) == before


def test_a_legal_250_character_name_is_written_and_nothing_else(plan):
    name = "a" * 245 + ".xlsx"
    result = invoke("run", "p.xlsx", "--out", name, "-q")
    assert result.exit_code == 0, result.output
    assert is_planner_report(Path(name))
    assert sorted(p.name for p in plan.parent.iterdir()) == sorted([name, "p.xlsx"])


def test_a_character_device_named_like_a_report_is_refused(plan, monkeypatch):
    try:
        os.mknod("x.xlsx", stat.S_IFCHR | 0o600, os.stat("/dev/null").st_rdev)
    except (PermissionError, OSError) as exc:
        pytest.skip(f"cannot make a device node here: {exc}")
    no_work(monkeypatch)
    result = invoke("run", "p.xlsx", "--out", "x.xlsx")
    assert result.exit_code == 2, result.output
    assert result.output.strip() == "--out x.xlsx: is a device or pipe, not a file; name an .xlsx file"
    assert stat.S_ISCHR(os.stat("x.xlsx").st_mode)


def test_a_folder_the_planner_cannot_write_in_is_refused_naming_it(plan, monkeypatch):
    Path("locked").mkdir()  # the tests run as root, whom chmod does not stop: the write probe is refused instead
    real_touch = Path.touch

    def refused(self, *a, **k):
        if self.parent.name == "locked":
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return real_touch(self, *a, **k)

    monkeypatch.setattr(Path, "touch", refused)
    no_work(monkeypatch)
    result = invoke("run", "p.xlsx", "--out", "locked/r.xlsx")
    assert result.exit_code == 2, result.output
    message = result.output.strip()
    assert len(message.splitlines()) == 1
    assert message.startswith("--out locked/r.xlsx: cannot write in the folder ")
    assert f"{plan.parent / 'locked'} (Permission denied)" in message
    assert list(Path("locked").iterdir()) == []


def test_an_output_name_that_is_not_utf8_is_refused_clearly(plan, monkeypatch):
    no_work(monkeypatch)
    result = invoke("run", "p.xlsx", "--out", os.fsdecode(b"\xfe.xlsx"))
    assert result.exit_code == 2, result.output
    assert result.output.strip() == ("--out \\xfe.xlsx: the name is not valid UTF-8, which Excel cannot open "
                                     "reliably; use a name in plain characters")
    assert sorted(p.name for p in plan.parent.iterdir()) == ["p.xlsx"]


@pytest.mark.parametrize("args,shown", [(("run", "p.xlsx", "--out", ""), "--out ''"),
                                        (("sweep", "p.xlsx", "--vary", "requirements=1", "--out", ""), "--out ''"),
                                        (("template", ""), "template ''")])
def test_an_empty_output_name_is_shown_as_the_user_gave_it(args, shown, plan, monkeypatch):
    no_work(monkeypatch)
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"{shown}: no file name given")


BAD_OPTIONS = [
    ("run", "--time-limit", "-1"), ("run", "--time-limit", "nan"), ("run", "--time-limit", "inf"),
    ("analyse", "--slack", "nan"), ("analyse", "--slack", "-5"), ("analyse", "--points", "-2"),
    ("analyse", "--samples", "-1"), ("analyse", "--time-budget", "-1"), ("whatif", "--time-limit", "0"),
    ("sweep", "--workers", "0"), ("sweep", "--time-budget", "nan"),
]


@pytest.mark.parametrize("command,option,value", BAD_OPTIONS)
def test_options_are_checked_like_cells(command, option, value, plan, monkeypatch):
    no_work(monkeypatch)
    extra = {"analyse": ["--shapley"], "whatif": ["--without", "BOR"], "sweep": ["--vary", "requirements=1"]}
    result = invoke(command, "p.xlsx", *extra.get(command, []), option, value)
    assert result.exit_code == 2, result.output
    assert option in result.output and "Internal error" not in result.output


SLOW_SAVE = textwrap.dedent("""
    import sys, time
    import openpyxl
    from planner.entry import main

    def slow(self, filename):
        with open(filename, "wb") as f:
            f.write(b"PK partial")
        print("writing", flush=True)
        time.sleep(60)

    openpyxl.Workbook.save = slow
    sys.argv = ["planner", "run", sys.argv[1], "--out", sys.argv[2], "-q"]
    main()
""")


def _as_in_a_terminal() -> None:
    """The child's signals as in a terminal: a test run started in the background (`make test &`,
    nohup) inherits SIGINT and SIGHUP ignored, and a command started so rightly keeps ignoring them."""
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, (signal.SIGINT, signal.SIGTERM, signal.SIGHUP))


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_a_signal_during_the_write_leaves_nothing_and_says_so(sig, tmp_path):
    shutil.copy(TUTORIAL, tmp_path / "p.xlsx")
    child = subprocess.Popen([sys.executable, "-c", SLOW_SAVE, str(tmp_path / "p.xlsx"), str(tmp_path / "r.xlsx")],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             preexec_fn=_as_in_a_terminal)
    assert child.stdout.readline().strip() == "writing"
    child.send_signal(sig)
    _, stderr = child.communicate(timeout=30)
    assert child.returncode == 128 + sig
    assert stderr.strip() == "Interrupted; nothing was written."
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.xlsx"]


INTERRUPTED_IMPORT = textwrap.dedent("""
    import sys

    class Interrupt:
        def find_spec(self, name, path=None, target=None):
            if name == "planner.cli":
                raise KeyboardInterrupt
            return None

    sys.meta_path.insert(0, Interrupt())
    sys.argv = ["planner", "--help"]
    from planner.entry import main
    main()
""")


def test_ctrl_c_while_modules_import_is_a_message_not_a_traceback():
    child = subprocess.run([sys.executable, "-c", INTERRUPTED_IMPORT], capture_output=True, text=True, timeout=60)
    assert child.returncode == 130
    assert child.stderr.strip() == "Interrupted; nothing was written."


def test_ctrl_c_inside_a_command_says_nothing_was_written(plan, monkeypatch, capsys):
    def interrupt(*_a, **_k):
        raise KeyboardInterrupt

    monkeypatch.setattr("planner.run.load_plan", interrupt)
    monkeypatch.setattr("planner.entry._reported", False)
    monkeypatch.setattr("planner.entry.WRITTEN", [])
    with pytest.raises(SystemExit) as stop:
        monkeypatch.setattr(sys, "argv", ["planner", "run", "p.xlsx", "--out", "r.xlsx"])
        cli_main()
    assert stop.value.code == 130
    assert "Interrupted; nothing was written." in capsys.readouterr().err
    assert not Path("r.xlsx").exists()


def cli_main() -> None:
    """planner.entry.main in this process, its signal handlers and unraisable hook put back after."""
    from planner.entry import main

    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    hook = sys.unraisablehook
    try:
        main()
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
        sys.unraisablehook = hook



# ------------------------------------------------------------------ signals during the work

STALLED = textwrap.dedent("""
    import sys, time

    def stall(*_a, **_k):
        print("solving", flush=True)
        time.sleep(60)

    def slow_variant(*_a, **_k):  # sent to the sweep's workers by value (defined in __main__)
        import multiprocessing
        held = multiprocessing.Lock()  # a semaphore the resource tracker counts, as distributed's own are
        time.sleep(60)

    where = sys.argv[1]
    if where == "run":  # the plan's solve
        import planner.highs.model
        planner.highs.model.HighsModel.solve = stall
    elif where == "finalizer":  # the signal's exception raised inside a finalizer, which Python drops
        import os, signal
        import planner.highs.model

        class Finalized:
            def __del__(self):
                os.kill(os.getpid(), signal.SIGHUP)
                sum(range(1000))

        def dropped(*_a, **_k):
            print("solving", flush=True)
            Finalized()
            time.sleep(5)
            print("went on", flush=True)

        planner.highs.model.HighsModel.solve = dropped
    elif where == "analyse":  # the cost game, after the plan
        import planner.analyses.cost_game
        planner.analyses.cost_game.shapley = stall
    else:
        import dask.distributed
        import planner.analyses.sweep
        if where == "sweep":  # the variants being solved on the cluster
            planner.analyses.sweep.solve_variant = slow_variant
            real = dask.distributed.as_completed

            def announced(*a, **k):
                print("solving", flush=True)
                return real(*a, **k)

            dask.distributed.as_completed = announced
        else:
            class Announced(dask.distributed.LocalCluster):  # "started"/"closed": the signal waited for it
                closing = False

                def __init__(self, *a, **k):
                    if where == "sweep-start":  # the signal comes while the cluster starts
                        print("solving", flush=True)
                        time.sleep(0.5)
                    super().__init__(*a, **k)
                    if where == "sweep-start":
                        print("started", flush=True)

                def close(self, *a, **k):
                    if where != "sweep-close" or self.closing:
                        return super().close(*a, **k)
                    self.closing = True  # the signal comes while the cluster closes
                    print("solving", flush=True)
                    time.sleep(0.5)
                    super().close(*a, **k)
                    print("closed", flush=True)

            dask.distributed.LocalCluster = Announced
    sys.argv = ["planner", *sys.argv[2:]]
    from planner.entry import main
    main()
""")

STALL_ARGS = {
    "run": ("run", "p.xlsx", "--out", "r.xlsx"),
    "finalizer": ("run", "p.xlsx", "--out", "r.xlsx"),
    "analyse": ("analyse", "p.xlsx", "--shapley", "--out", "r.xlsx"),
    "sweep": ("sweep", "p.xlsx", "--vary", "requirements=0.8,1,1.2", "--out", "r.xlsx"),
    "sweep-start": ("sweep", "p.xlsx", "--vary", "requirements=0.8,1,1.2", "--out", "r.xlsx"),
    "sweep-close": ("sweep", "p.xlsx", "--vary", "requirements=0.8,1,1.2", "--out", "r.xlsx"),
}
SIGNALS = [signal.SIGINT, signal.SIGTERM, signal.SIGHUP]
slow = pytest.mark.verify


def _interrupted(where: str, sig: int | None, folder: Path) -> str:
    """Start the command in `folder` (a copy of the tutorial), send `sig` once it says it is
    solving: exit 128 + sig, the one message, no traceback, nothing left, the input unchanged."""
    shutil.copy(TUTORIAL, folder / "p.xlsx")
    before = (folder / "p.xlsx").read_bytes()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    child = subprocess.Popen([sys.executable, "-c", STALLED, where, *STALL_ARGS[where]], cwd=folder, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=_as_in_a_terminal)
    try:
        line = child.stdout.readline().strip()
        assert line == "solving", child.communicate(timeout=30)[1]
        if sig is not None:
            child.send_signal(sig)
        stdout, stderr = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 128 + (sig or signal.SIGHUP), stderr
    assert stderr.strip() == "Interrupted; nothing was written."
    assert sorted(p.name for p in folder.iterdir()) == ["p.xlsx"]
    assert (folder / "p.xlsx").read_bytes() == before
    return stdout


@pytest.mark.parametrize("sig", SIGNALS)
def test_a_signal_during_the_plans_solve_leaves_nothing_and_says_so(sig, tmp_path):
    _interrupted("run", sig, tmp_path)


@pytest.mark.parametrize("sig", [signal.SIGTERM, pytest.param(signal.SIGINT, marks=slow),
                                 pytest.param(signal.SIGHUP, marks=slow)])
def test_a_signal_during_an_analysis_leaves_nothing_and_says_so(sig, tmp_path):
    _interrupted("analyse", sig, tmp_path)


@pytest.mark.parametrize("where,sig", [
    ("sweep", signal.SIGINT), ("sweep-start", signal.SIGHUP), ("sweep-close", signal.SIGTERM),
    *(pytest.param(w, s, marks=slow) for w in ("sweep", "sweep-start", "sweep-close") for s in SIGNALS
      if (w, s) not in {("sweep", signal.SIGINT), ("sweep-start", signal.SIGHUP), ("sweep-close", signal.SIGTERM)}),
])
def test_a_signal_while_a_sweep_solves_starts_or_closes_its_cluster_stops_it_whole(where, sig, tmp_path):
    """While the cluster starts or closes the signal waits (half a cluster cannot be closed
    cleanly), then stops the command as at any other moment."""
    stdout = _interrupted(where, sig, tmp_path)
    if where != "sweep":
        assert {"sweep-start": "started", "sweep-close": "closed"}[where] in stdout.split()


def test_a_signal_raised_inside_a_finalizer_still_stops_the_command(tmp_path):
    """Python drops an exception raised in a finalizer (`Exception ignored in ZipFile.__del__`):
    the signal is sent again, and the command stops as it should instead of going on."""
    stdout = _interrupted("finalizer", None, tmp_path)
    assert "went on" not in stdout


def test_a_sweep_while_port_8787_is_taken_prints_no_warning(tmp_path):
    taken = socket.socket()
    try:
        try:
            taken.bind(("", 8787))
            taken.listen()
        except OSError:
            pass  # taken already: by another cluster, as in the case this test is about
        shutil.copy(TUTORIAL, tmp_path / "p.xlsx")
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
        child = subprocess.run([sys.executable, "-m", "planner.entry", "sweep", "p.xlsx", "--vary",
                                "requirements=0.8,1", "--out", "s.xlsx"], cwd=tmp_path, env=env,
                               capture_output=True, text=True, timeout=120)
    finally:
        taken.close()
    assert child.returncode == 0, child.stderr
    assert child.stderr == ""
    assert "Report: s.xlsx" in child.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.xlsx", "s.xlsx"]


@pytest.mark.verify
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_during_a_real_solve_stops_it_at_once(sig, tmp_path):
    """NATO's MIP takes 10–20 s in HiGHS: a signal while it runs stops the solve within
    seconds (HiGHS runs in a thread of its own and is told to stop), says so, exits 128 + n
    (not 134: HiGHS's threads must not abort the exit) and leaves nothing."""
    shutil.copy(ROOT / "inputs" / "nato.xlsx", tmp_path / "p.xlsx")
    before = (tmp_path / "p.xlsx").read_bytes()
    child = subprocess.Popen([sys.executable, "-m", "planner.entry", "run", str(tmp_path / "p.xlsx"), "--out",
                              str(tmp_path / "r.xlsx")], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             preexec_fn=_as_in_a_terminal)
    time.sleep(14)  # reading and building take 5–8 s; HiGHS then solves for 10–20 s
    sent = time.perf_counter()
    child.send_signal(sig)
    _, err = child.communicate(timeout=60)
    assert time.perf_counter() - sent < 5
    assert child.returncode == 128 + sig, err
    assert "Interrupted; nothing was written." in err and "Traceback" not in err and "terminate" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.xlsx"]
    assert (tmp_path / "p.xlsx").read_bytes() == before


def test_ctrl_c_in_a_terminal_reaches_the_sweeps_workers_too_and_says_only_that(tmp_path):
    """A terminal's Ctrl-C goes to the whole process group, the sweep's worker processes and
    multiprocessing's resource tracker included: one message, exit 130, no warning about
    leaked semaphores, nothing left."""
    shutil.copy(TUTORIAL, tmp_path / "p.xlsx")
    before = (tmp_path / "p.xlsx").read_bytes()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    child = subprocess.Popen([sys.executable, "-c", STALLED, "sweep", *STALL_ARGS["sweep"]], cwd=tmp_path, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=_as_in_a_terminal,
                             start_new_session=True)
    try:
        assert child.stdout.readline().strip() == "solving", child.communicate(timeout=30)[1]
        time.sleep(1.0)  # the variants reach the workers
        os.killpg(child.pid, signal.SIGINT)
        _, stderr = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
    assert child.returncode == 130, stderr
    assert stderr.strip() == "Interrupted; nothing was written."
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.xlsx"]
    assert (tmp_path / "p.xlsx").read_bytes() == before
