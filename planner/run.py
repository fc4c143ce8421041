"""The whole pipeline as one function: workbook → PlanData → model → solve → results → report."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from models import PlanData, build_model

from . import __version__
from .analyses.plan_checks import Resolves, check_plan
from .highs import LP_METHOD_NAME, HighsModel
from .load import load_plan
from .options import check_scheduler, check_solver
from .paths import check_output
from .results import PlanChecks, PlanResults, extract, zero_noise_figures
from .solve import SolveOptions, SolveResult, check_installed, is_plan, solve
from .standing import hold_standing
from .validate import Issue

if TYPE_CHECKING:
    from .analyses.cost_game import CostGameResults
    from .analyses.whatif import WhatIfResults

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
    model: Any = None  # the solved Pyomo model (for analyses that re-solve it)
    conflict: list[str] = field(default_factory=list)  # infeasible: the constraints that conflict
    checks: PlanChecks = field(default_factory=PlanChecks)  # the analyses the report carries
    highs: HighsModel | None = None  # the solved model's HiGHS copy, to re-solve


def default_report_path(input_path: Path, reports_dir: Path = Path("reports"), kind: str = "") -> Path:
    """reports/<input name>[-kind]-<timestamp>.xlsx; bytes of the input's name that are not
    UTF-8 become '_' (Excel and zip cannot hold them)."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    stem = os.fsencode(input_path.stem).decode("utf-8", "replace").replace("\ufffd", "_")
    return reports_dir / f"{stem}{'-' + kind if kind else ''}-{stamp}.xlsx"


def report_target(out: str | Path | None, inputs: list[Path], kind: str = "", force: bool = False) -> Path:
    """Where the report goes (`out`, else the default path under reports/), checked before any
    work: planner.paths.OutputPathError if the planner may not write there."""
    target = out if out is not None else default_report_path(inputs[0], kind=kind)  # the user's spelling, for messages
    return check_output(target, inputs, force=force, option="--out" if out is not None else "report path")


def make_provenance(path: Path, digest: str, solver: str, options: SolveOptions, data) -> dict[str, object]:
    """Where a report comes from: input file and hash, versions, options, time."""
    return {
        "input_file": str(path),
        "input_sha256": digest,
        "planner_version": __version__,
        "solver": solver,
        "options": f"time limit {options.time_limit_s:g} s; MIP gap {100 * options.mip_gap:g} %; "
        f"elastic {'on' if data.elastic else 'off'}"
        + (f"; LPs by {LP_METHOD_NAME} (the fastest measured: docs/performance.md)"
           if options.solver.lower() in ("highs", "appsi_highs") else ""),
        "run_at": dt.datetime.now().isoformat(timespec="seconds"),
    }


def file_digest(path: Path) -> str:
    """SHA-256 of the file at `path`, read in chunks ("" if it is not a file). Call it once
    the workbook has been read: its size has been checked by then."""
    if not path.is_file():
        return ""
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def run_plan(
    path: str | Path,
    out: str | Path | None = None,
    *,
    solver: str | None = None,
    time_limit_s: float | None = None,
    write: bool = True,
    progress: Progress | None = None,
    robustness: bool = True,
    robustness_k: int | None = None,
    force: bool = False,
) -> PlanRun:
    """Plan the workbook at `path` and write its report (unless write=False); with
    `robustness`, analyse the plan against abstaining members (the Robustness sheet), with
    `robustness_k` every k up to it with and without redeployment (default: as far as the
    plan re-solves quickly).

    Raises, before any work, planner.options.OptionError for a solver the planner does not
    support (planner.solve.SolverUnavailable for one not installed here) and
    planner.paths.OutputPathError if the report may not go to `out` (one of the inputs, a
    folder, an existing file that is not a report without `force`…); then
    planner.validate.InputError when the workbook has errors (nothing is written).
    """
    say = progress or (lambda _: None)
    path = Path(path)
    if solver is not None:
        solver = check_solver(solver)
        check_installed(solver)
    report_path = report_target(out, [path], force=force) if write else None
    seconds: dict[str, float] = {}
    start = clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[stage] = now - clock
        clock = now

    say("Reading and validating the workbook")
    data, warnings = load_plan(path)  # inspects the file (its size first) before anything reads it whole
    digest = file_digest(path)
    lap("read+validate")
    options = SolveOptions(
        solver=solver or data.solver,
        time_limit_s=time_limit_s if time_limit_s is not None else data.time_limit_s,
        mip_gap=data.mip_gap,
    )
    model, solved, results, recourse, resolves = solve_plan(data, options, say, lap, checks=True)
    checks = PlanChecks(recourse=recourse)
    hm = solved.highs if solved is not None else None
    if results is not None and recourse is None and hm is not None:
        checks = check_plan(hm, data, solved, options, robustness=robustness, robustness_k=robustness_k, say=say,
                            resolves=resolves)
    elif resolves is not None:
        resolves.cancel()
        seconds.update(checks.seconds)
        clock = time.perf_counter()
    provenance = make_provenance(path, digest, f"{solved.solver} {solved.solver_version}", options, data)
    if results is None:
        report_path = None
    elif report_path is not None:
        from .report import write_report

        say("Writing the report")
        provenance["run_seconds"] = round(time.perf_counter() - start, 3)
        write_report(results, report_path, provenance, warnings, checks)
        lap("report")
    provenance["run_seconds"] = round(time.perf_counter() - start, 3)
    return PlanRun(solved.status, results, report_path, provenance, warnings, seconds, model, solved.conflict,
                   checks, hm)


def solve_plan(data: PlanData, options: SolveOptions, say: Progress, lap: Callable[[str], None],
               checks: bool = False, standing: bool = True) -> tuple[Any, SolveResult, PlanResults | None, Any, Resolves | None]:
    """The plan pipeline after the workbook: build, solve, the tie rule, extract. With
    Settings › robust_recourse and members that may abstain, the plan is the robust plan with
    redeployment (planner.analyses.recourse). While the tie rule re-solves the plan, the
    plan's checks (`checks`) re-solve a twin of it on the other core (`Resolves`); `standing`
    False leaves the tie rule out (the first solve's plan, for tests of the model). Returns (model, solve
    result, results or None when the solver found no plan, the recourse result or None, the
    checks' re-solves or None)."""
    recourse = resolves = None
    if data.robust_recourse and any(data.abstention_budget().values()):
        from .analyses.recourse import solve_recourse

        say("Solving the robust plan with redeployment (every abstention set the plan must survive)")
        recourse = solve_recourse(data, None, options)
        lap("solve")
        model, solved, plan_data = recourse.model, recourse.solved, recourse.data
    else:
        say("Building the model")
        model = build_model(data)
        lap("build")
        say(f"Solving with {options.solver}")
        solved = solve(model, options)
        lap("solve")
        if standing and solved.highs is not None and is_plan(solved.status, solved.has_solution):
            resolves = Resolves(solved.highs, data, solved, options) if checks else None
            say("Among plans within the solver's tolerance: the one whose providers change least "
                f"(second solves{'; the plan checks re-solve beside them' if checks else ''})")
            try:
                settle_standing(solved, options)
            except BaseException:
                if resolves is not None:
                    resolves.cancel()
                raise
            if resolves is not None:
                resolves.plan_ready()
            lap("standing")
        plan_data = data
    say("Extracting results")
    usable = solved is not None and is_plan(solved.status, solved.has_solution)
    results = extract(model, plan_data, solved) if usable else None
    if results is not None and recourse is not None:  # money and penalty of the worst sets, as the objective counts them
        results.totals.update(zero_noise_figures(recourse.totals()))
    lap("extract")
    return model, solved, results, recourse, resolves


def settle_standing(solved: SolveResult, options: SolveOptions) -> None:
    """The tie rule's second solve on the solved plan (planner.standing): the plan loaded is
    the one with the fewest provider changes within tolerance of the optimum; `solved` gets
    its outcome, objective and gap (against the first solve's proven bound)."""
    standing = hold_standing(solved.highs, options.time_limit_s, solved.seconds, options.mip_gap)
    solved.standing = standing
    if standing.applied:
        solved.objective = standing.objective_after
        if solved.is_mip and solved.bound is not None and math.isfinite(solved.bound):
            solved.gap = abs(solved.objective - solved.bound) / max(1e-10, abs(solved.objective))


@dataclass
class WhatIfRun:
    results: "WhatIfResults"
    report_path: Path | None
    provenance: dict[str, object]
    warnings: list[Issue] = field(default_factory=list)


def run_whatif(
    path: str | Path,
    out: str | Path | None = None,
    *,
    without: dict[str, int | None] | None = None,
    suspend: dict[str, int | None] | None = None,
    join: dict[str, int | None] | None = None,
    join_file: str | Path | None = None,
    time_limit_s: float | None = None,
    abstentions: int | None = None,
    write: bool = True,
    progress: Progress | None = None,
    force: bool = False,
) -> WhatIfRun:
    """Re-plan the workbook at `path` with members leaving (`without`), suspended or
    joining ({code: year or None}; `join_file`: a workbook of states that join, each in its
    year_joined), and write the comparison report. `abstentions` k: both plans robust
    against k abstentions per scenario (with redeployment where Settings › robust_recourse
    says yes).

    Raises planner.validate.InputError for a bad workbook,
    planner.analyses.whatif.WhatIfError for codes or years the plan does not have (or a
    `join_file` that is a whole plan workbook), and planner.solve.NoPlan when the plan
    before or after the change has none (nothing is written then).
    """
    from .analyses.whatif import resolve_changes, whatif
    from .analysis_report import write_whatif_report

    say = progress or (lambda _: None)
    path = Path(path)
    inputs = [path] + ([Path(join_file)] if join_file is not None else [])
    report_path = report_target(out, inputs, kind="whatif", force=force) if write else None
    start = time.perf_counter()
    say("Reading and validating the workbook")
    joining = check_join_workbook(join_file) if join_file is not None else {}
    data, warnings = load_plan(path, join=join_file)
    digest = file_digest(path)
    join = dict(join or {})
    if join_file is not None:
        sheet = joining.get("Candidates") or joining.get("Members")
        codes = [row[sheet.headers.index("code")] for _, row in sheet.rows] if sheet and "code" in sheet.headers else []
        join.update({str(code).strip(): None for code in codes if code is not None and str(code).strip() not in join})
    changes = resolve_changes(data, without or {}, suspend or {}, join)
    options = SolveOptions(time_limit_s=time_limit_s if time_limit_s is not None else data.time_limit_s,
                           mip_gap=data.mip_gap)
    say("Planning before and after the change")
    results = whatif(data, changes, options, abstentions)
    provenance = make_provenance(path, digest, results.solver, options, data)
    if report_path is not None:
        say("Writing the report")
        provenance["run_seconds"] = round(time.perf_counter() - start, 3)
        write_whatif_report(results, report_path, provenance)
    provenance["run_seconds"] = round(time.perf_counter() - start, 3)
    return WhatIfRun(results, report_path, provenance, warnings)


def check_join_workbook(join_file: str | Path) -> dict:
    """The sheets of a --join workbook, read safely (planner.validate.InputError if it cannot
    be read); planner.analyses.whatif.WhatIfError if it holds a plan of its own (rows in
    sheets that --join does not read: Capabilities, Requirements…), which --join would
    otherwise half-read."""
    from .analyses.whatif import WhatIfError
    from .schema import SHEET_BY_NAME
    from .validate import JOINABLE, read_schema_sheets

    sheets = read_schema_sheets(join_file).sheets  # as load_plan reads it: its size and package inspected first
    ignored = set(SHEET_BY_NAME) - set(JOINABLE) - {"Settings"} - ({"Members"} if "Candidates" not in sheets else set())
    unread = [name for name in SHEET_BY_NAME if name in ignored and name in sheets and sheets[name].rows]
    if unread:
        raise WhatIfError(
            f"--join {join_file}: holds a plan of its own (its {_and(unread)} sheet{'s have' if len(unread) > 1 else ' has'} "
            "rows, which --join does not read); --join takes a workbook of the states that may join: their rows in its "
            "Candidates sheet (or Members, if it has no Candidates sheet) and their Forces, SpendingTargets, FairShare, "
            "BasingRights and Exclusions rows. To let a plan's own candidates join, use --join Candidates on that plan.")
    return sheets


def _and(names: list[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


@dataclass
class AnalysisRun:
    """A plan with analyses around it: the plan's run, each analysis's results, the report."""

    plan: PlanRun
    cost_game: "CostGameResults | None" = None
    frontier: Any = None
    alternatives: Any = None
    seconds: dict[str, float] = field(default_factory=dict)
    cut_short: list[str] = field(default_factory=list)  # what the time budget cut short, in words
    time_budget_s: float | None = None


ANALYSIS_BUDGET_S = 570.0  # the whole `analyse` command, plan included: 9.5 minutes


class _OutOfTime(Exception):
    """Raised from a progress callback when the analyses' time budget has run out."""


def run_analyses(
    path: str | Path,
    out: str | Path | None = None,
    *,
    shapley: bool = False,
    frontier: bool = False,
    alternatives: bool = False,
    slacks: tuple[float, ...] = (0.05,),
    points: int = 9,
    samples: int | None = None,
    time_budget_s: float = ANALYSIS_BUDGET_S,
    seed: int = 0,
    basis: str = "share",
    accuracy: float = 0.01,
    premium: float | None = None,
    scheduler: str | None = None,
    workers: int | None = None,
    write: bool = True,
    progress: Progress | None = None,
    game_progress: Callable[..., object] | None = None,
    force: bool = False,
) -> AnalysisRun:
    """Plan the workbook, run the analyses asked for on the same persistent model, and write
    the plan's report with the analyses' sheets added.

    `time_budget_s` bounds the whole run, plan and report included: the frontier and the
    alternatives run first and are cut short (left out, and said so) if the budget runs out
    during them; the sampled Shapley estimate gets what is left (after its exact strata,
    which it always computes) and stops early once every member's 95 % half-width is at most
    `accuracy` × c(N) / n. Its sampled coalitions run on a Dask cluster (`scheduler`, or a
    local cluster of `workers` processes, fewer if the cores or the memory cannot take them;
    default: one per free core, none if only one is free). A `scheduler` that does not answer
    is a planner.options.OptionError, before any work.
    """
    from .analyses.cost_game import PREMIUM, analyse_cost_game
    from .analyses.alternatives import analyse_alternatives
    from .analyses.frontier import analyse_frontier
    from .analysis_report import add_alternatives_sheet, add_cost_game_sheet, add_frontier_sheet
    from .report import build_workbook
    from .xlsx import save_atomic

    start = time.perf_counter()
    deadline = start + time_budget_s
    say = progress or (lambda _: None)
    path = Path(path)
    scheduler = check_scheduler(scheduler) if scheduler is not None else None
    report_path = report_target(out, [path], kind="analysis", force=force) if write else None
    plan = run_plan(path, write=False, progress=progress)
    run = AnalysisRun(plan, time_budget_s=time_budget_s)
    if plan.results is None:
        return run
    data = plan.results.data
    pm = plan.highs
    options = SolveOptions(time_limit_s=data.time_limit_s, mip_gap=data.mip_gap)
    report_reserve = 5.0 + 0.002 * pm.highs.getNumCol() / 10  # seconds kept for writing the report

    def left() -> float:
        return deadline - time.perf_counter()

    def bounded(what: str):
        def update(done: int, total: int, note: str | None = None) -> None:
            if game_progress is not None:
                game_progress(done, total, note)
            if left() < report_reserve:
                raise _OutOfTime(what)
        return update

    for name, wanted, runner in (
        ("frontier", frontier, lambda cb: analyse_frontier(pm, data, options, points=points, progress=cb)),
        ("alternatives", alternatives,
         lambda cb: analyse_alternatives(pm, data, options, slacks=slacks, progress=cb)),
    ):
        if not wanted:
            continue
        if left() < report_reserve:
            run.cut_short.append(f"The {name} was not run: the time budget ({time_budget_s:,.0f} s) was spent.")
            continue
        say({"frontier": "Frontier: re-solving with tighter fair-share bands",
             "alternatives": "Alternatives: lowest and highest cost of each member within the slack"}[name])
        clock = time.perf_counter()
        try:
            setattr(run, name, runner(bounded(name)))
        except _OutOfTime:
            run.cut_short.append(f"The {name} was stopped before its end by the time budget "
                                 f"({time_budget_s:,.0f} s) and is left out.")
        run.seconds[name] = time.perf_counter() - clock
    if shapley:
        say("Cost game: re-solving the plan for coalitions of members")
        clock = time.perf_counter()
        if workers is None:
            from .analyses.game_cluster import free_cores

            workers = free_cores()
        budget = max(0.0, left() - report_reserve)

        def shown(done: int, total: int, note: str | None = None) -> None:
            if game_progress is not None:
                game_progress(done, total, note)

        totals = plan.results.totals
        run.cost_game = analyse_cost_game(
            pm, data, plan.results.burden, options, samples=samples, time_budget_s=budget, seed=seed, basis=basis,
            premium=PREMIUM if premium is None else premium, accuracy=accuracy, progress=shown,
            plan_money=float(totals.get("money_cost_musd", float("nan"))),
            plan_objective=float(totals.get("objective", float("nan"))),
            path=str(path), scheduler=scheduler, workers=workers)
        run.seconds["cost game"] = time.perf_counter() - clock
        game = run.cost_game
        if not game.exact and game.stopped == "time budget":
            run.cut_short.append(
                f"The Shapley estimate stopped at the time budget ({time_budget_s:,.0f} s for the whole run) after "
                f"{game.estimate.blocks} blocks: its largest 95 % half-width is ±{game.max_half_width:,.1f} M, "
                f"{100 * game.max_half_width / max(1e-12, abs(game.grand_cost) / len(data.members)):.2f} % of "
                f"c(N)/n (asked: {100 * accuracy:g} %).")
    if report_path is not None:
        say("Writing the report")
        plan.provenance["run_seconds"] = round(sum(plan.seconds.values()) + sum(run.seconds.values()), 3)
        plan.provenance["time_budget"] = (f"{time_budget_s:,.0f} s for the whole analyse run; "
                                          + (" ".join(run.cut_short) if run.cut_short else "nothing was cut short"))
        wb = build_workbook(plan.results, plan.provenance, plan.warnings, plan.checks)
        if run.cost_game is not None:
            add_cost_game_sheet(wb, run.cost_game, data.currency, cut_short=run.cut_short)
        if run.frontier is not None:
            add_frontier_sheet(wb, run.frontier, data.currency)
        if run.alternatives is not None:
            add_alternatives_sheet(wb, run.alternatives, data.currency)
        save_atomic(wb, report_path)
        plan.report_path = report_path
    return run


@dataclass
class SweepRun:
    results: Any
    report_path: Path
    warnings: list[Issue] = field(default_factory=list)
    currency: str = "USD"


def run_sweep_report(path: str | Path, vary: dict[str, list], out: str | Path | None = None, *,
                     scheduler: str | None = None, workers: int = 2, time_budget_s: float | None = None,
                     progress: Callable[[int, int], object] | None = None, force: bool = False) -> SweepRun:
    """Validate the workbook and the variants' members, solve every variant on Dask, write the
    sweep report. Before any worker starts: planner.options.OptionError for a `scheduler`
    that does not answer, planner.analyses.sweep.SweepError for a member the plan does not have."""
    from .analyses.sweep import check_members, run_sweep
    from .analysis_report import write_sweep_report

    path = Path(path)
    scheduler = check_scheduler(scheduler) if scheduler is not None else None
    report_path = report_target(out, [path], kind="sweep", force=force)
    data, warnings = load_plan(path)  # every problem reported here, before any worker starts
    check_members(data, vary)
    digest = file_digest(path)
    results = run_sweep(path, vary, scheduler=scheduler, workers=workers, time_budget_s=time_budget_s,
                        progress=progress)
    options = SolveOptions(time_limit_s=data.time_limit_s, mip_gap=data.mip_gap)
    provenance = make_provenance(path, digest, "HiGHS (persistent, per worker)", options, data)
    provenance["run_seconds"] = round(results.seconds, 3)
    write_sweep_report(results, report_path, provenance, f"{data.name}: sweep of {len(results.variants)} variants",
                       data.currency)
    return SweepRun(results, report_path, warnings, data.currency)
