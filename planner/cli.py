"""The `planner` command: thin wrappers around the Python API.

Exit codes: 0 done; 1 the run failed (solver missing, no plan found, the report could not
be saved, internal error); 2 the input, an option or the output path is wrong (every
problem listed, nothing written); 128 + the signal's number when interrupted (130 Ctrl-C,
143 SIGTERM, 129 SIGHUP). Output lost to a full or closed standard output, or to a pipe whose
reader has gone, does not change the exit code: the report is complete and kept, and one line
on standard error says what was lost (planner/entry.py).
"""

from __future__ import annotations

import math
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

import typer
from rich.console import Console
from rich.table import Table

from .entry import report_interrupt
from .paths import OutputPathError, check_output, cwd_gone
from .run import PlanRun, run_plan
from .solve import NoPlan, SolverUnavailable
from .units import shortfall_text
from .load import load_plan
from .options import OptionError, usable_workers
from .validate import InputError
from .xlsx import WriteError

EXAMPLES = """
\b
Examples:

  planner run inputs/nato.xlsx                   plan, report in reports/nato-<timestamp>.xlsx

  planner run inputs/tutorial.xlsx --out t.xlsx  report to t.xlsx

  planner validate inputs/nato.xlsx              check every cell, plan nothing

  planner template my_pact.xlsx                  an empty workbook to fill in

  planner sweep inputs/nato.xlsx --vary requirements=0.8,1,1.2
                                                 many variants in parallel (Dask)

  planner whatif inputs/nato.xlsx --without USA:2030
                                                 the plan if the United States left in 2030
"""

app = typer.Typer(
    help="Alliance Burden-Sharing Planner: who fields what, who pays what, and why.\n" + EXAMPLES,
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True, soft_wrap=True)
_debug = False


@app.callback()
def _options(debug: bool = typer.Option(False, "--debug", help="Show tracebacks of internal errors.")) -> None:
    global _debug
    _debug = debug


@contextmanager
def _handled(time_option: str | None = "--time-limit") -> Iterator[None]:
    """Input errors → exit 2 with every problem; a solve that gives no plan → what and why,
    exit 1 (as `run` on an infeasible plan); other failures → a short message, exit 1.
    `time_option`: the command's option for the solver's time limit, for the advice."""
    try:
        yield
    except NoPlan as exc:
        _no_plan(exc.status, exc.conflict, exc.elastic, what=exc.what, note=exc.note, time_option=time_option)
    except InputError as exc:
        _print_warnings(exc.warnings)
        err.print(exc.report(), markup=False, highlight=False)
        raise typer.Exit(2) from None
    except (OutputPathError, OptionError) as exc:
        err.print(str(exc), markup=False, highlight=False)
        raise typer.Exit(2) from None
    except SolverUnavailable as exc:
        err.print(f"Solver problem: {exc}", markup=False)
        raise typer.Exit(1) from None
    except WriteError as exc:
        err.print(str(exc), markup=False)
        raise typer.Exit(1) from None
    except KeyboardInterrupt as exc:
        raise typer.Exit(report_interrupt(exc)) from None
    except typer.Exit:
        raise
    except Exception as exc:  # noqa: BLE001 - the user sees a message, not a traceback
        if _debug:
            raise
        if cwd_gone():  # something needed it (a sweep's workers start in it)
            err.print(f"The current folder no longer exists (it was deleted or moved), and the command needs it "
                      f"({type(exc).__name__}: {exc}); cd to an existing folder and run it again", markup=False)
        else:
            err.print(f"Internal error: {type(exc).__name__}: {exc}\n(run with --debug for details)", markup=False)
        raise typer.Exit(1) from None


def _number(option: str, *, above: float | None = None, at_least: float | None = None) -> Callable[[Any], Any]:
    """A typer callback refusing NaN, infinity and values out of range, naming `option`."""

    def check(value: Any) -> Any:
        for v in value if isinstance(value, (list, tuple)) else [value]:
            if v is None:
                continue
            if isinstance(v, float) and not math.isfinite(v):
                raise typer.BadParameter(f"{v} is not a number; give a finite value", param_hint=option)
            if above is not None and not v > above:
                raise typer.BadParameter(f"{v:g} must be above {above:g}", param_hint=option)
            if at_least is not None and not v >= at_least:
                raise typer.BadParameter(f"{v:g} must be at least {at_least:g}", param_hint=option)
        return value

    return check


def _workers(requested: int | None, variants: int | None = None, default: int | None = None) -> int | None:
    """The local workers to start for `--workers requested` (None: `default`), bounded by the
    cores, the memory and the `variants`; a bound on a number the user gave is said on stderr."""
    if requested is None:
        return None if default is None else usable_workers(default, variants)[0]
    used, why = usable_workers(requested, variants)
    if used < requested:
        err.print(f"--workers {requested}: using {used} ({why})", markup=False, highlight=False)
    return used


TIME_LIMIT = dict(callback=_number("--time-limit", above=0))
FORCE_HELP = "Replace an existing --out file even if it is not a report the planner wrote."


@app.command()
def run(
    file: Path = typer.Argument(..., help="Plan workbook (.xlsx)."),
    out_path: Optional[str] = typer.Option(None, "--out", "-o", help="Report path (default reports/<input>-<timestamp>.xlsx)."),
    solver: Optional[str] = typer.Option(None, help="Solver name (default: the workbook's Settings, else highs)."),
    time_limit: Optional[float] = typer.Option(None, "--time-limit", help="Solver time limit, seconds.", **TIME_LIMIT),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only the report path."),
    robustness: Optional[int] = typer.Option(
        None, "--robustness", min=0,
        help="K: the Robustness sheet plans k = 0 … K abstentions with and without redeployment, however large "
             "the plan (NATO, K = 2, --time-limit 270: 18 minutes). Default: as far as the plan re-solves in seconds."),
    force: bool = typer.Option(False, "--force", help=FORCE_HELP),
) -> None:
    """Plan FILE and write the Excel report.

    \b
    Examples:
      planner run inputs/nato.xlsx --out nato.xlsx
      planner run inputs/nato.xlsx --robustness 2 --time-limit 270
    """
    with _handled():
        with err.status("Planning…") as status:
            result = run_plan(file, out_path, solver=solver, time_limit_s=time_limit, force=force,
                              robustness_k=robustness, progress=lambda msg: status.update(msg + "…"))
        _print_warnings(result.warnings)
        if quiet:
            if result.report_path:
                out.print(str(result.report_path), markup=False)
        else:
            _print_summary(result)
        if result.results is None:
            _no_plan(result.status, result.conflict, getattr(result.model, "elastic", False))


@app.command()
def whatif(
    file: Path = typer.Argument(..., help="Plan workbook (.xlsx)."),
    without: list[str] = typer.Option([], "--without", help="CODE[:YEAR][,CODE[:YEAR]…]: members leaving, out from YEAR (default: the first year)."),
    suspend: list[str] = typer.Option([], "--suspend", help="CODE:YEAR: a member's obligations suspended from YEAR (its forces do nothing for the pact); CODE>OTHER:YEAR: only its obligations towards OTHER (it stops serving OTHER's regions)."),
    join: list[str] = typer.Option([], "--join", help="CODE[:YEAR]: a state of the workbook's Candidates sheet (or a member with a year_joined) joining in YEAR (default: its year_joined); 'Candidates': all of them; FILE.xlsx: the states of that workbook's Candidates sheet, with their Forces… rows. Before = the pact without them."),
    abstentions: Optional[str] = typer.Option(None, "--abstentions", help="K: both plans hold against any K abstentions per scenario (members whose obligation is not automatic), with redeployment when Settings › robust_recourse is yes, else with the static robust rows."),
    out_path: Optional[str] = typer.Option(None, "--out", "-o", help="Report path (default reports/<input>-whatif-<timestamp>.xlsx)."),
    time_limit: Optional[float] = typer.Option(None, "--time-limit", help="Solver time limit per plan, seconds.", **TIME_LIMIT),
    force: bool = typer.Option(False, "--force", help=FORCE_HELP),
) -> None:
    """Re-plan FILE with members leaving, suspended or joining; compare with the plan.

    \b
    Examples:
      planner whatif inputs/nato.xlsx --without USA:2030
      planner whatif inputs/nato.xlsx --without GBR,FRA --out brexit.xlsx
      planner whatif inputs/nato.xlsx --suspend TUR:2027
      planner whatif inputs/anzus.xlsx --suspend "USA>NZL:2026"
      planner whatif my_pact.xlsx --join Candidates
      planner whatif inputs/nato.xlsx --join candidates.xlsx
      planner whatif inputs/anzus.xlsx --without NZL --abstentions 1
    """
    from .analyses.whatif import WhatIfError, check_abstentions, parse_members
    from .run import run_whatif

    with _handled():
        try:
            files = [Path(j) for j in join if j.lower().endswith((".xlsx", ".xlsm")) or Path(j).is_file()]
            if len(files) > 1:
                raise WhatIfError("--join takes at most one workbook")
            codes = [j for j in join if Path(j) not in files]
            spec = {name: parse_members(values, option=f"--{name}") for name, values in
                    (("without", without), ("suspend", suspend), ("join", codes))}
            if not any(spec.values()) and not files:
                raise WhatIfError("say what changes: --without, --suspend and/or --join")
            k = check_abstentions(abstentions) if abstentions is not None else None
            with err.status("Re-planning…") as status:
                result = run_whatif(file, out_path, time_limit_s=time_limit, join_file=files[0] if files else None, force=force,
                                    abstentions=k, progress=lambda msg: status.update(msg + "…"), **spec)
        except WhatIfError as exc:
            err.print(f"What-if: {exc}", markup=False)
            raise typer.Exit(2) from None
        _print_warnings(result.warnings)
        _print_whatif(result)


@app.command()
def analyse(
    file: Path = typer.Argument(..., help="Plan workbook (.xlsx)."),
    shapley: bool = typer.Option(False, "--shapley", help="Cost game: Shapley cost shares, nucleolus (up to 12 members), core check."),
    frontier: bool = typer.Option(False, "--frontier", help="Cost-fairness frontier: the objective as every member is held closer to its fair share."),
    alternatives: bool = typer.Option(False, "--alternatives", help="Near-optimal alternatives: each member's and capability's range within a cost slack."),
    slack: list[float] = typer.Option([5.0], "--slack", help="Alternatives: cost slack in % of the optimum (repeat for several: --slack 1 --slack 5).",
                                      callback=_number("--slack", at_least=0)),
    points: int = typer.Option(9, "--points", help="Frontier: number of bands, from the cheapest plan's to 0.", min=2),
    samples: Optional[int] = typer.Option(None, "--samples", help="Shapley: blocks to sample (n orders each; default: exact up to 12 members, else until --accuracy is reached or the time budget runs out).", min=1),
    time_budget: float = typer.Option(570.0, "--time-budget", help="Seconds the whole command may take (plan, analyses and report): the frontier and alternatives are left out if it runs out during them, the Shapley estimate stops at it.",
                                      callback=_number("--time-budget", above=0)),
    accuracy: float = typer.Option(1.0, "--accuracy", help="Shapley: stop once every member's 95 % half-width is at most this % of c(N)/n.",
                                   callback=_number("--accuracy", above=0)),
    basis: str = typer.Option("share", "--basis", help="What a coalition alone must meet: 'share' (its members' fair share of every requirement) or 'all'."),
    premium: float = typer.Option(1.5, "--premium", help="Shapley: outside price of a unit-year a coalition cannot field, as a multiple of the dearest member's cost of it.",
                                  callback=_number("--premium", above=0)),
    seed: int = typer.Option(0, "--seed", help="Random seed of the sampled Shapley estimate (the same seed gives the same estimate on any number of workers)."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Shapley: address of a running Dask scheduler (default: a local cluster when more than one core is free)."),
    workers: Optional[int] = typer.Option(None, "--workers", help="Shapley: worker processes of the local cluster (default: one per free core; 1: no cluster).", min=1),
    out_path: Optional[str] = typer.Option(None, "--out", "-o", help="Report path (default reports/<input>-analysis-<timestamp>.xlsx)."),
    force: bool = typer.Option(False, "--force", help=FORCE_HELP),
) -> None:
    """Plan FILE, run the analyses asked for on the same model, write the report with their sheets.

    \b
    Examples:
      planner analyse inputs/tutorial.xlsx --shapley
      planner analyse inputs/nato.xlsx --shapley --time-budget 300
      planner analyse inputs/nato.xlsx --shapley --scheduler tcp://10.0.0.5:8786
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from .analyses.cost_game import BASES
    from .run import run_analyses

    if not (shapley or frontier or alternatives):
        err.print("Say which analyses to run: --shapley, --frontier, --alternatives", markup=False)
        raise typer.Exit(2)
    if basis not in BASES:
        err.print(f"--basis must be one of: {', '.join(BASES)}", markup=False)
        raise typer.Exit(2)
    with _handled(time_option=None):
        workers = workers if scheduler else _workers(workers)
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=err, transient=True, disable=not err.is_terminal) as bar:
            task = bar.add_task("Planning", total=None)

            def counted(done: int, total: int, note: str | None = None) -> None:
                bar.update(task, completed=done, total=total or None, **({"description": note} if note else {}))

            result = run_analyses(
                file, out_path, shapley=shapley, frontier=frontier, alternatives=alternatives,
                slacks=tuple(v / 100 for v in slack), points=points, samples=samples, time_budget_s=time_budget, seed=seed,
                basis=basis, accuracy=accuracy / 100, premium=premium, scheduler=scheduler, workers=workers,
                force=force, progress=lambda msg: bar.update(task, description=msg), game_progress=counted,
            )
        _print_warnings(result.plan.warnings)
        if result.plan.results is None:  # nothing analysed, nothing written: as `run` says it
            _no_plan(result.plan.status, result.plan.conflict, getattr(result.plan.model, "elastic", False),
                     time_option=None)
        _print_summary(result.plan)
        cur = result.plan.results.data.currency
        if result.cost_game is not None:
            _print_cost_game(result.cost_game, cur)
        if result.frontier is not None:
            _print_frontier(result.frontier, cur)
        if result.alternatives is not None:
            _print_alternatives(result.alternatives, cur)
        for line in result.cut_short:
            out.print(line, markup=False)
        if result.plan.report_path:
            out.print(f"Report: {result.plan.report_path}", markup=False)


@app.command()
def sweep(
    file: Path = typer.Argument(..., help="Plan workbook (.xlsx)."),
    vary: list[str] = typer.Option([], "--vary", help="PARAMETER=VALUE,VALUE…: requirements (factor), floor (% of GDP), without (member code or none), abstentions (k). Repeat: every combination is a variant."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Address of a running Dask scheduler (default: a local cluster)."),
    workers: Optional[int] = typer.Option(None, "--workers", help="Worker processes of the local cluster (default 2; never more than the cores, the memory or the variants).", min=1),
    time_budget: Optional[float] = typer.Option(None, "--time-budget", help="Seconds the sweep may take; variants not done by then are reported as not run.",
                                                callback=_number("--time-budget", above=0)),
    out_path: Optional[str] = typer.Option(None, "--out", "-o", help="Report path (default reports/<input>-sweep-<timestamp>.xlsx)."),
    force: bool = typer.Option(False, "--force", help=FORCE_HELP),
) -> None:
    """Solve many variants of FILE in parallel on Dask, and write one report of them all.

    \b
    Examples:
      planner sweep inputs/nato.xlsx --vary requirements=0.8,1,1.2 --vary floor=2,3.5
      planner sweep inputs/nato.xlsx --vary without=none,USA,DEU,FRA --workers 2
      planner sweep inputs/nato.xlsx --vary abstentions=0,1,2 --scheduler tcp://10.0.0.5:8786
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from .analyses.sweep import SweepError, parse_vary, variants
    from .run import run_sweep_report

    with _handled():
        try:
            spec = parse_vary(vary)
            with Progress(TextColumn("Variants"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                          console=err, transient=True, disable=not err.is_terminal) as bar:
                task = bar.add_task("sweep", total=None)
                result = run_sweep_report(file, spec, out_path, scheduler=scheduler,
                                          workers=(workers or 2) if scheduler else _workers(workers, len(variants(spec)), 2),
                                          time_budget_s=time_budget, force=force,
                                          progress=lambda done, total: bar.update(task, completed=done, total=total))
        except SweepError as exc:
            err.print(f"Sweep: {exc}", markup=False, highlight=False)
            raise typer.Exit(2) from None
        v = result.results.variants
        table = Table(title=f"Sweep: {len(v)} variants on {result.results.workers} workers "
                      f"({result.results.seconds:.1f} s)", title_justify="left")
        cur = result.currency
        for name in ("variant", "status", f"cost M {cur}", "expected short (unit-years)"):
            table.add_column(name, justify="left" if name in ("variant", "status") else "right")
        for row in v.head(20).itertuples(index=False):
            table.add_row(row.label, str(row.status), _figure(row.money_cost_musd, ",.0f"),
                          _figure(row.expected_shortfall_unit_years, ",.1f"))
        out.print(table)
        none = v[v["money_cost_musd"].isna()]
        if len(none):
            counts = ", ".join(f"{status}: {n}" for status, n in none["status"].astype(str).value_counts().items())
            err.print(f"{len(none)} of {len(v)} variants have no plan ({counts}); the report's rows say which.",
                      markup=False)
        out.print(f"Report: {result.report_path}", markup=False)
        if len(v) and len(none) == len(v):
            err.print("No variant has a plan: the report records each one's solver status.", markup=False)
            raise typer.Exit(1)


@app.command()
def validate(file: Path = typer.Argument(..., help="Plan workbook (.xlsx).")) -> None:
    """Check every sheet and cell of FILE; list all problems at once.

    Example: planner validate inputs/nato.xlsx
    """
    with _handled():
        data, warnings = load_plan(file)
        _print_warnings(warnings)
        out.print(
            f"{file.name}: valid. {len(data.members)} members, {len(data.capabilities)} capabilities, "
            f"{len(data.regions)} regions, {len(data.requirements)} requirement cells, "
            f"{data.first_year}–{data.last_year}.",
            markup=False,
        )


@app.command()
def template(
    out_file: str = typer.Argument(..., help="Where to write the empty workbook (a new .xlsx file)."),
    force: bool = typer.Option(False, "--force", help="Replace the file if it exists (its contents are lost)."),
) -> None:
    """Write an empty plan workbook: every sheet, headers, units, drop-down lists.

    Example: planner template my_pact.xlsx
    """
    from .template import write_workbook

    with _handled():
        write_workbook(check_output(out_file, force=force, replaces="new", option="template"))
        out.print(f"Template written to {out_file}", markup=False)


@app.command("import-orlib")
def import_orlib(
    file: Path = typer.Argument(..., help="OR-Library capacitated warehouse location file (cap41.txt … capc.txt)."),
    out_file: str = typer.Argument(..., help="Where to write the plan workbook (.xlsx)."),
    capacity: Optional[float] = typer.Option(
        None, "--capacity", help="Capacity of every warehouse: required for capa, capb, capc, "
        "whose capacities are the word 'capacity' (e.g. 8000 for capa_8000).", callback=_number("--capacity", above=0)),
    force: bool = typer.Option(False, "--force", help="Replace OUT_FILE if it exists (its contents are lost)."),
) -> None:
    """Turn an OR-Library capacitated warehouse location instance into a plan workbook.

    Planning the workbook solves the instance: its objective is the published optimum.

    Example: planner import-orlib capa.txt capa_8000.xlsx --capacity 8000
    """
    from .orlib import OrlibFormatError, orlib_to_workbook

    with _handled():
        target = check_output(out_file, [file], force=force, replaces="new", option="workbook")
        try:
            inst = orlib_to_workbook(file, target, capacity)
        except OrlibFormatError as exc:
            err.print(str(exc), markup=False, highlight=False)
            raise typer.Exit(2) from None
        skipped = inst.n - len(inst.served)
        out.print(
            f"{inst.name}: {inst.m} warehouses, {inst.n} customers"
            + (f" ({skipped} without demand, left out)" if skipped else "")
            + f"; written to {out_file}. Plan it with: planner run {out_file}",
            markup=False,
        )
        if inst.capacity.sum() < inst.demand.sum():
            err.print(f"warning: total capacity {inst.capacity.sum():g} is below total demand "
                      f"{inst.demand.sum():g}: the plan will show a shortfall", markup=False)


def _figure(value: float, spec: str) -> str:
    """`value` formatted, blank when it is missing (NaN)."""
    return "" if value != value else format(value, spec)


def _print_warnings(warnings: list) -> None:
    for w in warnings:
        err.print(f"warning: {w}", markup=False, highlight=False)


def _no_plan(status: str, conflict: list[str], elastic: bool, *, what: str = "", note: str = "",
             time_option: str | None = "--time-limit") -> None:
    """Say that a solve gave no plan (`what`: which one), why if known, and what to do; exit 1."""
    err.print(f"No plan{' ' + what if what else ''}: the solver ended with status '{status}'.", markup=False)
    if conflict:
        err.print("These cannot all hold together (drop or relax any one of them):", markup=False)
        for line in conflict:
            err.print(f"  • {line}", markup=False)
    if note:
        err.print(note, markup=False)
    err.print(_advice_for(status, elastic, time_option), markup=False)
    raise typer.Exit(1)


def _advice(run_: PlanRun) -> str:
    """What to do when the solver gave no plan, by its status."""
    return _advice_for(run_.status, getattr(run_.model, "elastic", False))


def _advice_for(status: str, elastic: bool, time_option: str | None = "--time-limit") -> str:
    """What to do when the solver gave no plan, by its status and the model's mode."""
    if status in ("unbounded", "infeasible or unbounded"):
        return ("Some cost can fall without limit: look for a negative cost, or costs, GDPs or requirements "
                "far beyond the others (the solver's precision ends around 1e12), and check the horizon.")
    if status in ("time limit", "iteration limit", "interrupted"):
        return ("The solver stopped before it found any plan: raise Settings › time_limit_s"
                + (f" (or {time_option})" if time_option else "")
                + ", or make the plan smaller (fewer years, scenarios or sites).")
    if status == "infeasible" and elastic:
        return ("Elastic mode is on, so requirements and spending and equipment floors already give way: "
                "a hard limit cannot hold. Check the spending ceilings (SpendingTargets › max_gdp_pct: below "
                "the baseline, which is never cut?), the growth limits (max_real_growth_pct) and the "
                "fair-share bands (Settings › fair_share_band_pct, FairShare).")
    if status == "infeasible":
        return ("Switch elastic mode on (Settings › elastic) to see which requirements, spending floors or "
                "equipment floors cannot be met, and by how much.")
    return ("The solver reported numerical trouble: check for numbers far beyond the others in the workbook; "
            "run with --debug and send the output to the planner's maintainers if it persists.")


def _print_whatif(run_) -> None:
    res = run_.results
    cur = res.data.currency
    table = Table(title=f"{res.data.name}: what-if", title_justify="left")
    for name in ("", "before", "after", "change"):
        table.add_column(name, justify="left" if not name else "right")
    for row in res.summary.itertuples(index=False):
        table.add_row(row.measure, f"{row.before:,.1f}", f"{row.after:,.1f}", f"{row.change:+,.1f}")
    out.print(table)
    if res.robust:
        out.print(f"Both plans hold against {res.robust}", markup=False)
    for w in res.warnings:
        err.print(f"warning: {w}", markup=False)
    members = Table(title=f"Members whose plan cost changes most (M {cur}, discounted)", title_justify="left")
    for name in ("member", "change", "before", "after", "difference"):
        members.add_column(name, justify="left" if name in ("member", "change") else "right")
    for row in res.members.head(10).itertuples(index=False):
        members.add_row(row.member, row.change, f"{row.cost_before_musd:,.0f}", f"{row.cost_after_musd:,.0f}",
                        f"{row.cost_change_musd:+,.0f}")
    out.print(members)
    short = res.requirements[res.requirements["shortfall_after_units"] > res.requirements["shortfall_before_units"] + 1e-6]
    for side, state in (("before", res.before), ("after", res.after)):
        o = state.outcome
        if not o.optimal:  # a plan, but the best the solver found when it stopped
            gap = f", {100 * o.gap:.2f} % from the optimum at most" if o.gap is not None else ""
            err.print(f"warning: the plan {side} the change is the best found when the solver stopped "
                      f"('{o.status}'{gap}): raise --time-limit for the optimum", markup=False)
    out.print(f"Requirement cells newly short or shorter: {len(short)}; "
              f"more expensive at the margin: {int((res.requirements['marginal_cost_change_musd'] > 1e-6).sum())}",
              markup=False)
    if run_.report_path:
        out.print(f"Report: {run_.report_path}", markup=False)


def _print_cost_game(game, cur: str) -> None:
    how = ("exact" if game.exact else f"sampled: {game.permutations} orders, 95 % intervals") + f"; basis {game.basis}"
    table = Table(title=f"Shapley cost shares in real money (M {cur}, discounted; {how})", title_justify="left")
    premium = not game.whole_units
    names = ("member", "Shapley", "95 % interval", *(("with premium",) if premium else ()), "plan allocation",
             "fair-share cost")
    for name in names:
        table.add_column(name, justify="left" if name == "member" else "right")
    for row in game.table.head(12).itertuples(index=False):
        interval = "" if game.exact else f"{row.shapley_low_musd:,.0f} – {row.shapley_high_musd:,.0f}"
        with_premium = (f"{row.shapley_whole_units_musd:,.0f}",) if premium else ()
        table.add_row(row.member, f"{row.shapley_musd:,.0f}", interval, *with_premium,
                      f"{row.plan_allocation_musd:,.0f}", f"{row.fair_share_cost_musd:,.0f}")
    out.print(table)
    n = len(game.table)
    units = "whole units, as the plan" if game.whole_units else "units divisible"
    out.print(f"c(N) of the game ({units}; units a coalition leaves short beyond its share of the plan's own bought "
              f"outside at {game.premium:g} × the dearest cost): {game.grand_cost:,.1f} M {cur}; the plan's real cost "
              f"{game.plan_money:,.1f} M {cur}.", markup=False)
    out.print(game.premium_rule.replace(" M", f" M {cur}"), markup=False)
    if not game.exact:
        scale = abs(game.grand_cost) / max(1, n)
        out.print(f"Largest 95 % half-width ±{game.max_half_width:,.1f} M {cur} = "
                  f"{100 * game.max_half_width / max(scale, 1e-12):.2f} % of c(N)/n ({game.estimate.blocks} blocks, "
                  f"{game.coalitions:,} coalitions, {game.workers} worker{'s' if game.workers != 1 else ''}; "
                  f"stopped: {game.stopped}).", markup=False)
    if game.in_core:
        out.print(f"The plan's allocation is in the core (checked over {game.core_scope}).", markup=False)
    else:
        coalition, excess = game.violation
        members = set(game.table["member"])
        who = (", ".join(sorted(coalition)) if len(coalition) <= len(members) / 2 else
               "every member but " + ", ".join(sorted(members - set(coalition))))
        out.print(f"Not in the core: {who} would pay {excess:,.0f} M {cur} less alone than in the plan "
                  f"(checked over {game.core_scope}).", markup=False)


def _print_frontier(frontier, cur: str) -> None:
    table = Table(title=f"Cost-fairness frontier (M {cur}, discounted)", title_justify="left")
    for name in ("band %", "status", "cost of the plan", "cost of fairness", "short (unit-years)", "furthest member"):
        table.add_column(name, justify="left" if name in ("status", "furthest member") else "right")
    for row in frontier.table.itertuples(index=False):
        table.add_row(f"{row.band_pct:.2f}", row.status, _figure(row.money_cost_musd, ",.0f"),
                      f"{_figure(row.cost_of_fairness_musd, ',.0f')} ({_figure(row.cost_of_fairness_pct, '.1f')} %)",
                      _figure(row.expected_shortfall_unit_years, ",.1f"), row.furthest_member)
    out.print(table)


def _print_alternatives(alternatives, cur: str) -> None:
    members = alternatives.members
    slack = members["slack_pct"].min() if len(members) else 0
    rows = members[members["slack_pct"] == slack].assign(
        width=lambda f: f["plan_cost_max_musd"] - f["plan_cost_min_musd"]).sort_values("width", ascending=False)
    table = Table(title=f"Members with the most freedom within {slack:g} % of the optimum (plan cost, M {cur})",
                  title_justify="left")
    for name in ("member", "optimal", "lowest", "highest"):
        table.add_column(name, justify="left" if name == "member" else "right")
    for row in rows.head(10).itertuples(index=False):
        table.add_row(row.member, f"{row.plan_cost_musd:,.0f}", f"{row.plan_cost_min_musd:,.0f}",
                      f"{row.plan_cost_max_musd:,.0f}")
    out.print(table)


def _print_summary(run_: PlanRun) -> None:
    res = run_.results
    if res is None:
        return
    data, totals = res.data, res.totals
    out.print(f"{data.name}: {res.solve.status}", markup=False, style="bold")
    head = Table(show_header=False)
    head.add_column(style="bold")
    head.add_column(justify="right")
    cur = data.currency
    head.add_row("Cost of the plan (discounted)", f"{totals['money_cost_musd']:,.0f} M {cur}")
    head.add_row("  spending added", f"{totals['plan_cost_musd']:,.0f} M {cur}")
    if totals["deployment_cost_musd"]:
        head.add_row("  expected transit", f"{totals['deployment_cost_musd']:,.0f} M {cur}")
    head.add_row("Requirements short", f"{totals['requirements_short']} of {totals['requirements']}")
    if totals["requirements_short"]:
        head.add_row("Expected shortfall", shortfall_text(res.shortfall_by_capability(), "expected_unit_years"))
    if totals["penalty_weight"] > 1e-9:
        head.add_row("Penalty weight (not money)", f"{totals['penalty_weight']:,.0f} (objective {totals['objective']:,.0f})")
    if totals["sites_open"]:
        head.add_row("Sites open", f"{totals['sites_open']} of {len(data.sites)}")
    head.add_row("Spending below floors", f"{totals['below_floor_musd']:,.0f} M {cur}")
    head.add_row("Solve time", f"{res.solve.seconds:.2f} s ({res.solve.solver} {res.solve.solver_version})")
    r = run_.checks.recourse if run_.checks is not None else None
    if r is not None:
        head.add_row("Robust with redeployment", f"k = {r.k}: {r.method}, {r.copies:,} abstention sets, "
                     f"gap {100 * r.gap:.2g} %; the costs above are those {r.basis}")
    if run_.report_path:
        head.add_row("Report", str(run_.report_path))
    out.print(head)
    if len(res.scenarios) > 1:
        table = Table(title="Scenarios", title_justify="left")
        for name in ("scenario", "probability %", "warning days", "requirements short", "shortfall per capability",
                     "transit cost M"):
            table.add_column(name, justify="left" if name in ("scenario", "shortfall per capability") else "right")
        for row in res.scenarios.itertuples(index=False):
            table.add_row(row.scenario, f"{row.probability_pct:.0f}", f"{row.warning_days:g}",
                          f"{row.requirements_short} of {row.requirements}", row.shortfall,
                          f"{row.transit_cost_musd:,.0f}")
        out.print(table)

    burden = res.burden.sort_values("defence_spending_musd", ascending=False)
    years = sorted({data.base_year, data.first_year, (data.first_year + data.last_year) // 2, data.last_year})
    share = res.spending.pivot_table(index="member", columns="year", values="spending_pct_gdp")
    table = Table(title=f"Burden (top {min(10, len(burden))} of {len(burden)} members by spending; "
                  "spending as % of GDP by year)", title_justify="left")
    for name in ("member", *map(str, years), "burden %", "fair %", "plan cost M disc.", "top-up M disc."):
        table.add_column(name, justify="left" if name == "member" else "right")
    for row in burden.head(10).itertuples(index=False):
        pcts = [share[t].get(row.member) if t in share else None for t in years]
        table.add_row(row.member, *("" if p is None or p != p else f"{p:.2f}" for p in pcts),
                      f"{row.burden_share_pct:.2f}", f"{row.fair_share_pct:.2f}", f"{row.plan_cost_musd:,.0f}",
                      f"{row.topup_musd:,.0f}")
    out.print(table)


if __name__ == "__main__":
    from .entry import command

    command()
