"""The whole pipeline as one function: workbook → PlanData → model → solve → results → report."""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from models import build_model

from . import __version__
from .results import PlanResults, extract
from .solve import SolveOptions, solve
from .validate import Issue, load_plan

Progress = Callable[[str], None]


@dataclass
class PlanRun:
    """A finished run: its results, the report written, provenance and stage timings."""

    status: str

    results: PlanResults | None  # None when the solver found no plan
    report_path: Path | None
    provenance: dict[str, object]
    warnings: list[Issue] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def default_report_path(input_path: Path, reports_dir: Path = Path("reports")) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return reports_dir / f"{input_path.stem}-{stamp}.xlsx"


def run_plan(
    path: str | Path,
    out: str | Path | None = None,
    *,
    solver: str | None = None,
    time_limit_s: float | None = None,
    write: bool = True,
    progress: Progress | None = None,
) -> PlanRun:
    """Plan the workbook at `path` and write its report (unless write=False).

    Raises planner.validate.InputError when the workbook has errors (nothing is written).
    """
    say = progress or (lambda _: None)
    path = Path(path)
    seconds: dict[str, float] = {}
    start = clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[stage] = now - clock
        clock = now

    say("Reading and validating the workbook")
    digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
    data, warnings = load_plan(path)
    lap("read+validate")
    say("Building the model")
    model = build_model(data)
    lap("build")
    options = SolveOptions(
        solver=solver or data.solver,
        time_limit_s=time_limit_s if time_limit_s is not None else data.time_limit_s,
        mip_gap=data.mip_gap,
    )
    say(f"Solving with {options.solver}")
    solved = solve(model, options)
    lap("solve")
    say("Extracting results")
    results = extract(model, data, solved) if solved.has_solution else None
    lap("extract")
    provenance = {
        "input_file": str(path),
        "input_sha256": digest,
        "planner_version": __version__,
        "solver": f"{solved.solver} {solved.solver_version}",
        "options": f"time limit {options.time_limit_s:g} s; MIP gap {100 * options.mip_gap:g} %; "
        f"elastic {'on' if data.elastic else 'off'}",
        "run_at": dt.datetime.now().isoformat(timespec="seconds"),
    }
    report_path = None
    if write and results is not None:
        from .report import write_report

        say("Writing the report")
        report_path = Path(out) if out else default_report_path(path)
        provenance["run_seconds"] = round(time.perf_counter() - start, 3)
        write_report(results, report_path, provenance, warnings)
        lap("report")
    provenance["run_seconds"] = round(time.perf_counter() - start, 3)
    return PlanRun(solved.status, results, report_path, provenance, warnings, seconds)
