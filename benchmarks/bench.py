"""Performance benchmark: every stage of the planner against HiGHS solving the same LP alone.

    .venv/bin/python benchmarks/bench.py                        small, medium, large
    .venv/bin/python benchmarks/bench.py --sizes small,medium   (aliases: 10k, 100k, 1m, 3m)
    .venv/bin/python benchmarks/bench.py --sizes 3m --repeat 1
    .venv/bin/python benchmarks/bench.py --profile medium       cProfile of build, solve, extract

For each size a synthetic, feasible workbook is written (setup, not timed; see
benchmarks/instances.py), then, in a fresh subprocess per repeat so that the peak memory
is that size's own, `planner.run.run_plan` runs the whole pipeline and its per-stage
timings (PlanRun.seconds) are taken as they are:

    read+validate   planner.validate.load_plan (openpyxl, checks, PlanData)
    build           models.build_model (Pyomo ConcreteModel)
    hand-over       Pyomo → HiGHS: planner.highs.compile_lp (SolveResult.handover_seconds)
    solve           the rest of the solve stage: HiGHS run(), loading primal values and duals
    extract         planner.results.extract (tidy DataFrames)
    report          planner.report.write_report (Excel), "pending" while that module is missing

The LP the planner handed to HiGHS is then written as MPS, with the HiGHS options the
planner ran with, and a second fresh subprocess reads it (not timed) and times only
`Highs.run()`: "HiGHS alone". The ratios total/HiGHS and build/HiGHS compare the planner
with that floor. Peak memory is the worker's ru_maxrss.

Results: a plain table on stdout, Markdown in benchmarks/out/latest.md, the raw numbers in
benchmarks/out/latest.json, and the HiGHS logs in benchmarks/out/work/<size>/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
for p in (str(ROOT), str(HERE)):
    if p not in sys.path:
        sys.path.insert(0, p)

from instances import ALIASES, SIZES, write_instance

DEFAULT_SIZES = "small,medium,large"
STAGES = ("read+validate", "build", "hand-over", "solve", "extract", "report")
# HiGHS options that only decide where its log goes: not copied to the solo run.
LOG_OPTIONS = {"output_flag", "log_to_console", "log_file", "log_dev_level"}


# ------------------------------------------------------------------------------ helpers


def cpu_seconds() -> float:
    """User + system CPU time of this process so far."""
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def peak_mb() -> float:
    """Peak resident memory of this process so far, MB (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def resolve_size(name: str) -> str:
    key = name.strip().lower()
    key = ALIASES.get(key, key)
    if key not in SIZES:
        known = ", ".join([*SIZES, *ALIASES])
        raise SystemExit(f"unknown size {name!r}; known: {known}")
    return key


def report_available() -> bool:
    """Is planner.report.write_report there yet (it is being written by another change)?"""
    try:
        from planner.report import write_report  # noqa: F401
    except ImportError:
        return False
    return True


def _highs_options(h) -> dict[str, str]:
    """Options of a Highs object as {name: value text}, via writeOptions."""
    import tempfile

    with tempfile.NamedTemporaryFile("r", suffix=".txt", delete=False) as f:
        name = f.name
    try:
        h.writeOptions(name)
        text = Path(name).read_text()
    finally:
        os.unlink(name)
    out = {}
    for line in text.splitlines():
        if "=" in line and not line.lstrip().startswith("#"):
            key, value = line.split("=", 1)
            out[key.strip()] = value.strip()
    return out


def non_default_options(h) -> dict[str, str]:
    """The options of `h` that differ from a fresh Highs(), log destinations left out."""
    import highspy

    fresh = highspy.Highs()
    fresh.setOptionValue("output_flag", False)
    defaults = _highs_options(fresh)
    return {
        k: v for k, v in _highs_options(h).items() if defaults.get(k) != v and k not in LOG_OPTIONS
    }


def _run_json(cmd: list[str], result: Path, log: Path, timeout: float | None) -> dict:
    """Run a subprocess that writes its result as JSON to `result`; its output goes to `log`."""
    result.unlink(missing_ok=True)
    with log.open("w") as out:
        proc = subprocess.run(
            cmd, stdout=out, stderr=subprocess.STDOUT, timeout=timeout, cwd=ROOT, check=False
        )
    if proc.returncode != 0 or not result.exists():
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-25:])
        raise RuntimeError(f"{' '.join(cmd[1:4])} failed (exit {proc.returncode}); log {log}:\n{tail}")
    return json.loads(result.read_text())


# ------------------------------------------------------------------------------ worker


def worker(workbook: Path, workdir: Path, result: Path, tie_break: float | None = None) -> None:
    """One run of the planner on `workbook`: stage times, model size, peak memory; export the LP.

    tie_break: an experiment only: replaces models.build.TIE_BREAK (ε_tie) in this process.
    """
    import planner.run as run_mod

    if tie_break is not None:
        import models.build

        models.build.TIE_BREAK = tie_break

    captured: dict[str, object] = {}
    original_build = run_mod.build_model

    def build_and_keep(data):
        model = original_build(data)
        captured["model"] = model
        return model

    original_solve = run_mod.solve

    def solve_and_keep(model, options):
        solved = original_solve(model, options)
        captured["solved"] = solved
        return solved

    run_mod.build_model = build_and_keep  # the same functions, their results kept:
    run_mod.solve = solve_and_keep  # the model to count and export, the SolveResult
    marks: list[tuple[str, float]] = []
    write = report_available()
    if write:  # run_plan imports write_report when it gets there: a failing report (the
        import planner.report as report_mod  # module is young) is noted, not fatal

        original_report = report_mod.write_report

        def report_or_note(*args, **kwargs):
            try:
                return original_report(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001
                captured["report_error"] = f"{type(exc).__name__}: {exc}"

        report_mod.write_report = report_or_note
    load = os.getloadavg()[0]
    start, cpu0 = time.perf_counter(), cpu_seconds()
    plan = run_mod.run_plan(  # the plan pipeline only: the Robustness sheet's re-solves are analyses (resolve.py)
        workbook, workdir / "report.xlsx", write=write, robustness=False,
        progress=lambda stage: marks.append((stage, peak_mb())),
    )
    wall = time.perf_counter() - start
    cpu = cpu_seconds() - cpu0
    peak = peak_mb()
    model = captured["model"]
    seconds = dict(plan.seconds)
    solved = captured["solved"]
    handover = solved.handover_seconds or 0.0
    has_plan = plan.results is not None
    stages = {
        "read+validate": seconds.get("read+validate"),
        "build": seconds.get("build"),
        "hand-over": handover,
        "solve": seconds["solve"] - handover,
        "extract": seconds.get("extract") if has_plan else None,  # nothing to extract
        "report": seconds.get("report"),
    }

    h = solved.highs.highs
    info = h.getInfo()
    options = non_default_options(h)
    mps = workdir / "model.mps"
    h.writeModel(str(mps))
    row = {
        "status": plan.status,
        "size": workbook.stem,
        "vars": h.getNumCol(),
        "rows": h.getNumRow(),
        "nnz": h.getNumNz(),
        "stages": stages,
        "total": sum(v for v in seconds.values()),
        "wall": wall,
        "cpu_per_wall": cpu / wall,  # well below 1: another process took the CPU (contention)
        "load_before": load,
        "highs_in_planner": h.getRunTime(),
        "simplex_iterations": info.simplex_iteration_count,
        "objective": solved.objective,
        "has_plan": has_plan,
        "peak_mb": peak,
        "peak_by_stage_mb": marks,  # peak so far when each stage started
        "report_written": plan.report_path is not None,
        "report_module": write,
        "report_error": captured.get("report_error"),
        "mps": str(mps),
        "highs_options": options,
        "tie_break": tie_break,
    }
    result.write_text(json.dumps(row, indent=1))


def alone(mps: Path, options_json: Path, result: Path) -> None:
    """HiGHS alone on the LP in `mps`, with the planner's options: only run() is timed."""
    import highspy

    h = highspy.Highs()
    h.readModel(str(mps))
    for key, value in json.loads(options_json.read_text()).items():
        kind = h.getOptionType(key)
        kind = kind[1] if isinstance(kind, tuple) else kind
        name = getattr(kind, "name", str(kind))
        typed = {"kBool": lambda v: v in ("true", "on", "1"), "kInt": int, "kDouble": float}.get(
            name.split(".")[-1], str
        )(value)
        h.setOptionValue(key, typed)
    load = os.getloadavg()[0]
    start, cpu0 = time.perf_counter(), cpu_seconds()
    h.run()
    seconds = time.perf_counter() - start
    cpu = cpu_seconds() - cpu0
    info = h.getInfo()
    result.write_text(json.dumps({
        "seconds": seconds,
        "highs_run_time": h.getRunTime(),
        "status": h.modelStatusToString(h.getModelStatus()),
        "objective": info.objective_function_value,
        "simplex_iterations": info.simplex_iteration_count,
        "peak_mb": peak_mb(),
        "cpu_per_wall": cpu / seconds,
        "load_before": load,
    }))


# ------------------------------------------------------------------------------ profile


def profile(size: str, top: int = 45) -> None:
    """cProfile of the build, solve (Pyomo side), extract and report stages at `size`."""
    import cProfile
    import io
    import pstats

    from models import build_model
    from planner.results import extract
    from planner.solve import SolveOptions, solve
    from planner.load import load_plan

    workdir = OUT / "work" / size
    workdir.mkdir(parents=True, exist_ok=True)
    workbook = workdir / f"{size}.xlsx"
    write_instance(workbook, SIZES[size])
    data, _ = load_plan(workbook)

    def run(stage: str, fn):
        prof = cProfile.Profile()
        start = time.perf_counter()
        prof.enable()
        value = fn()
        prof.disable()
        seconds = time.perf_counter() - start
        path = OUT / f"profile-{size}-{stage}.txt"
        with path.open("w") as f:
            f.write(f"{stage} at {size}: {seconds:.2f} s under cProfile\n\n")
            for key in ("cumulative", "tottime"):
                buf = io.StringIO()
                pstats.Stats(prof, stream=buf).sort_stats(key).print_stats(top)
                f.write(f"==== sorted by {key}\n{buf.getvalue()}\n")
        print(f"{stage:8s} {seconds:8.2f} s  → {path.relative_to(ROOT)}")
        return value

    model = run("build", lambda: build_model(data))
    solved = run("solve", lambda: solve(model, SolveOptions(time_limit_s=data.time_limit_s)))
    results = run("extract", lambda: extract(model, data, solved))
    if report_available():
        from planner.report import write_report

        run("report", lambda: write_report(results, workdir / "profile-report.xlsx", {}, []))


# ------------------------------------------------------------------------------ driver


def machine() -> dict[str, str]:
    import highspy
    import pyomo

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        kb = int(next(x for x in Path("/proc/meminfo").read_text().splitlines()
                      if x.startswith("MemTotal")).split()[1])
        ram = f"{kb / 1024**2:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    return {
        "cores": str(os.cpu_count()),
        "cpu": cpu,
        "ram": ram,
        "python": platform.python_version(),
        "pyomo": pyomo.__version__,
        "highspy": ".".join(
            str(getattr(highspy, f"HIGHS_VERSION_{part}")) for part in ("MAJOR", "MINOR", "PATCH")
        ),
    }


COLUMNS = ("size", "vars", "rows", "nnz", *(f"{s} s" for s in STAGES), "total s",
           "HiGHS alone s", "total/HiGHS", "build/HiGHS", "peak MB")


def _fmt_s(x: float | None) -> str:
    if x is None:
        return "–"
    return f"{x:.2f}" if x < 100 else f"{x:.0f}"


def _num(x: float | None) -> str:
    return "–" if x is None else f"{x:.7g}"


def _ratio(x: float | None) -> str:
    return "–" if x is None else f"{x:.2f}"


def _stage_cell(r: dict, stage: str) -> str:
    if stage == "report" and not r["report_module"]:
        return "pending"
    if stage == "report" and r.get("report_error"):
        return "failed"
    return _fmt_s(r["stages"][stage])


def table_rows(rows: list[dict]) -> list[list[str]]:
    out = []
    for r in rows:
        st = r["stages"]
        alone_s = r["alone"]["seconds"]
        out.append([
            r["size"] + ("*" if r.get("tie_break") is not None else ""),
            f"{r['vars']:,}", f"{r['rows']:,}", f"{r['nnz']:,}",
            *(_stage_cell(r, s) for s in STAGES),
            _fmt_s(r["total"]), _fmt_s(alone_s) + ("" if r["alone"]["status"] == "Optimal" else "†"),
            f"{r['total'] / alone_s:.2f}", f"{st['build'] / alone_s:.2f}", f"{r['peak_mb']:,.0f}",
        ])
    return out


TARGET_TOTAL = 1.15  # end to end ≤ 1.15 × HiGHS alone, at ≥ 1 M variables (the fast-where-planners-work issue)
TARGET_BUILD = 0.5  # build < 0.5 × HiGHS alone
TARGET_FROM = 1_000_000  # variables
LINEAR_SLACK = 1.5  # a stage's µs per non-zero may grow by this much from the smallest size up


def verdicts(rows: list[dict]) -> list[str]:
    """The targets of the performance issue, size by size, and whether each stage grows
    linearly in the non-zeros (µs per non-zero at each size against the smallest)."""
    out = []
    for r in rows:
        if r["vars"] < TARGET_FROM:
            continue
        alone = r["alone"]["seconds"]
        total, build = r["total"] / alone, r["stages"]["build"] / alone
        out.append(f"{r['size']}: total/HiGHS {total:.2f} ({'met' if total <= TARGET_TOTAL else 'NOT met'}, "
                   f"target ≤ {TARGET_TOTAL}); build/HiGHS {build:.2f} "
                   f"({'met' if build < TARGET_BUILD else 'NOT met'}, target < {TARGET_BUILD})")
    if not out:
        out.append(f"targets: they apply from {TARGET_FROM:,} variables, and no size here is that large "
                   "(make bench runs 1 M and 3 M)")
    if len(rows) > 1:
        per_nnz = {s: [1e6 * (r["stages"][s] or 0.0) / r["nnz"] for r in rows]
                   for s in STAGES if s != "solve"}
        sizes = " / ".join(r["size"] for r in rows)
        for stage, values in per_nnz.items():
            worst = max(values[1:]) / values[0] if values[0] else 0.0
            out.append(f"{stage}: {' / '.join(f'{v:.2f}' for v in values)} µs per non-zero ({sizes}): "
                       + ("linear or better" if worst <= LINEAR_SLACK else f"grows {worst:.1f}× faster than the non-zeros"))
    return out


def plain_table(rows: list[list[str]]) -> str:
    widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(COLUMNS)]
    line = lambda cells: "  ".join(c.rjust(w) for c, w in zip(cells, widths))
    return "\n".join([line(COLUMNS), line(["-" * w for w in widths]), *map(line, rows)])


def markdown(rows: list[dict], info: dict, args, elapsed: float) -> str:
    cells = table_rows(rows)
    md = [
        "# Benchmark: planner stages against HiGHS alone",
        "",
        (
            f"Run {dt.datetime.now().isoformat(timespec='seconds')} with "
            f"`benchmarks/bench.py {' '.join(sys.argv[1:]) or '(defaults)'}` (sizes {args.sizes}, "
            f"repeat {args.repeat}) in {elapsed / 60:.1f} min; "
            f"{info['cores']} cores ({info['cpu']}), {info['ram']} RAM, Python {info['python']}, "
            f"Pyomo {info['pyomo']}, highspy {info['highspy']}."
        ),
        "",
        (
            "Seconds are medians over the repeats; hand-over is Pyomo → HiGHS (compile_lp), "
            "solve the rest of the solve stage; HiGHS alone times only `Highs.run()` on the same "
            "LP with the same options in a fresh process; peak MB is the planner process's "
            "ru_maxrss. The planner and HiGHS run on one core: a CPU/wall ratio well below 1 in "
            "the details means another process competed for the CPU and the times are inflated."
        ),
        "",
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "|".join("---" if i == 0 else "---:" for i in range(len(COLUMNS))) + "|",
        *("| " + " | ".join(c) + " |" for c in cells),
        "",
        "Targets and growth:",
        "",
        *(f"- {line}" for line in verdicts(rows)),
        "",
        *([(
            "† HiGHS alone stopped without an optimal solution (see the status in the details): "
            "the ratios compare time limits, not solves; – : no plan, so nothing to extract or "
            "report."
        ), ""] if any(r["alone"]["status"] != "Optimal" for r in rows) else []),
        *([f"report failed at {r['size']}: {r['report_error']}" for r in rows if r.get("report_error")]),
        "",
        *([(
            f"\\* run with the experiment `--tie-break {args.tie_break:g}`: "
            f"models.build.TIE_BREAK replaced by {args.tie_break:g} in the planner's process "
            "(the LP differs from the model's own)."
        ), ""] if args.tie_break is not None else []),
        "Details:",
        "",
        (
            "| size | shape (M×C×R×T) | status | objective | HiGHS alone objective | simplex "
            "iter. (planner / alone) | HiGHS run() in planner s | (build+hand-over)/HiGHS | "
            "non-default HiGHS options | setup s | CPU/wall (planner / alone) | load avg before |"
        ),
        "|---|---|---|---:|---:|---:|---:|---:|---|---:|---:|---:|",
    ]
    for r in rows:
        a = r["alone"]
        sh = SIZES[r["size"]]
        opts = ", ".join(f"{k}={v}" for k, v in sorted(r["highs_options"].items())) or "none"
        md.append(
            f"| {r['size']} | {sh.members}×{sh.capabilities}×{sh.regions}×{sh.years} | {r['status']} "
            f"/ {a['status']} | {_num(r['objective'])} | {_num(a['objective'])} | "
            f"{r['simplex_iterations']:,} / {a['simplex_iterations']:,} | {r['highs_in_planner']:.2f} | "
            f"{(r['stages']['build'] + (r['stages']['hand-over'] or 0)) / a['seconds']:.2f} | {opts} | "
            f"{r['setup']:.1f} | {_ratio(r.get('cpu_per_wall'))} / {_ratio(a.get('cpu_per_wall'))} | "
            f"{_ratio(r.get('load_before'))} |"
        )
    return "\n".join(md) + "\n"


def bench(args) -> None:
    sizes = [resolve_size(s) for s in args.sizes.split(",") if s.strip()]
    OUT.mkdir(parents=True, exist_ok=True)
    info = machine()
    md_path = Path(args.output)
    md_path.parent.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    print(f"{info['cores']} cores, {info['cpu']}, {info['ram']}; Python {info['python']}, "
          f"Pyomo {info['pyomo']}, highspy {info['highspy']}", flush=True)
    if not report_available():
        print("planner.report is not there yet: the report stage is marked pending", flush=True)
    rows = []
    for size in sizes:
        workdir = OUT / "work" / size
        workdir.mkdir(parents=True, exist_ok=True)
        workbook = workdir / f"{size}.xlsx"
        t = time.perf_counter()
        write_instance(workbook, SIZES[size], time_limit_s=args.time_limit)
        setup = time.perf_counter() - t
        runs, solos = [], []
        for i in range(args.repeat):
            print(f"[{size}] run {i + 1}/{args.repeat}: planner …", end="", flush=True)
            extra = [] if args.tie_break is None else ["--tie-break", repr(args.tie_break)]
            runs.append(_run_json(
                [sys.executable, __file__, "--worker", str(workbook), str(workdir), *extra],
                workdir / "worker.json", workdir / "worker.log", args.timeout))
            print(f" {runs[-1]['total']:.1f} s ({runs[-1]['status']}); HiGHS alone …", end="", flush=True)
            (workdir / "options.json").write_text(json.dumps(runs[-1]["highs_options"]))
            solos.append(_run_json(
                [sys.executable, __file__, "--alone", runs[-1]["mps"], str(workdir / "options.json")],
                workdir / "alone.json", workdir / "alone.log", args.timeout))
            print(f" {solos[-1]['seconds']:.1f} s ({solos[-1]['status']})", flush=True)
        if not args.keep_mps:
            Path(runs[-1]["mps"]).unlink(missing_ok=True)
        med = lambda xs: statistics.median(xs) if all(x is not None for x in xs) else None
        row = dict(runs[0])
        row.update(
            size=size, setup=setup, repeats=runs,
            stages={s: med([r["stages"][s] for r in runs]) for s in STAGES},
            total=med([r["total"] for r in runs]),
            highs_in_planner=med([r["highs_in_planner"] for r in runs]),
            peak_mb=max(r["peak_mb"] for r in runs),
            alone=dict(solos[0], seconds=med([s["seconds"] for s in solos]), repeats=solos),
        )
        rows.append(row)
        # Write what is there after every size: a long run leaves its finished sizes behind.
        elapsed = time.perf_counter() - began
        md_path.write_text(markdown(rows, info, args, elapsed))
        md_path.with_suffix(".json").write_text(json.dumps({"machine": info, "rows": rows}, indent=1))
        sizes_dir = OUT / "sizes"  # one file per size, kept across runs: benchmarks/targets.py reads them
        sizes_dir.mkdir(parents=True, exist_ok=True)
        (sizes_dir / f"{size}.json").write_text(json.dumps({"machine": info, "row": row, "measured": time.strftime("%Y-%m-%d %H:%M")}, indent=1))
    elapsed = time.perf_counter() - began
    print()
    print(plain_table(table_rows(rows)))
    print()
    print("\n".join(verdicts(rows)))
    print(f"\nbenchmark took {elapsed / 60:.1f} min; Markdown in {md_path}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES,
                        help=f"comma-separated: {', '.join(SIZES)} (or {', '.join(ALIASES)}); "
                        f"default {DEFAULT_SIZES}")
    parser.add_argument("--repeat", type=int, default=1, help="runs per size (medians reported)")
    parser.add_argument("--timeout", type=float, default=None, help="seconds per subprocess")
    parser.add_argument("--time-limit", type=float, default=None,
                        help="the workbook's time_limit_s (default: benchmarks/instances.py's)")
    parser.add_argument("--tie-break", type=float, default=None, metavar="EPS",
                        help="experiment: run the planner with models.build.TIE_BREAK = EPS "
                        "(rows are marked *); default: the model's own")
    parser.add_argument("--output", default=str(OUT / "latest.md"),
                        help="Markdown table (the raw numbers go beside it as .json); "
                        "default benchmarks/out/latest.md")
    parser.add_argument("--keep-mps", action="store_true", help="keep benchmarks/out/work/<size>/model.mps")
    parser.add_argument("--profile", metavar="SIZE",
                        help="cProfile build, solve, extract and report at SIZE")
    parser.add_argument("--worker", nargs=2, metavar=("WORKBOOK", "WORKDIR"), help=argparse.SUPPRESS)
    parser.add_argument("--alone", nargs=2, metavar=("MPS", "OPTIONS"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        workbook, workdir = map(Path, args.worker)
        worker(workbook, workdir, workdir / "worker.json", args.tie_break)
    elif args.alone:
        mps, options = map(Path, args.alone)
        alone(mps, options, options.parent / "alone.json")
    elif args.profile:
        profile(resolve_size(args.profile))
    else:
        bench(args)


if __name__ == "__main__":
    main()
