"""Which LP algorithm of HiGHS solves the planner's LPs fastest, by size: measured, not guessed.

    .venv/bin/python benchmarks/lp_methods.py                      small, medium, large
    .venv/bin/python benchmarks/lp_methods.py --sizes small,medium --methods simplex,ipm

For each size the synthetic workbook of benchmarks/instances.py is read, built and handed
to HiGHS as the planner does (setup, not timed), written as MPS, and each method then
solves it in a fresh subprocess, timing only `Highs.run()`:

    simplex   HiGHS's dual simplex (`solver=simplex`)
    ipm       interior point, then crossover to a basic solution (`solver=ipm`,
              `run_crossover=on`): the planner reports duals and their ranges, which need a basis
    pdlp      HiGHS's first-order primal-dual LP solver (`solver=pdlp`), no
              crossover: duals without a basis, to its own tolerance (1e-7 relative)

Printed: seconds, status and objective of each (relative to the simplex optimum), and the
fastest method whose answer is optimal to 1e-6 with a basis (simplex or ipm). The
planner's choice for each size class (planner.highs.model.LP_METHODS) comes from this table.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for p in (str(ROOT), str(HERE)):
    if p not in sys.path:
        sys.path.insert(0, p)

METHODS = {
    "simplex": {"solver": "simplex"},
    "ipm": {"solver": "ipm", "run_crossover": "on"},
    "pdlp": {"solver": "pdlp"},
}


def write_mps(size: str) -> Path:
    """The size's LP as the planner hands it to HiGHS, as MPS (cached under benchmarks/out/work)."""
    from instances import ALIASES, SIZES, write_instance

    size = ALIASES.get(size, size)
    folder = HERE / "out" / "work" / size
    mps = folder / "methods.mps"
    if mps.exists():
        return mps
    folder.mkdir(parents=True, exist_ok=True)
    workbook = folder / f"{size}.xlsx"
    if not workbook.exists():
        write_instance(workbook, SIZES[size])
    from models import build_model
    from planner.highs import compile_lp
    from planner.load import load_plan

    data, _ = load_plan(workbook)
    instance = compile_lp(build_model(data))
    instance.highs.writeModel(str(mps))
    return mps


def solve_alone(mps: str, method: str, time_limit: float) -> None:
    """In a fresh process: read `mps`, solve it with `method`, print the outcome as JSON."""
    import highspy

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.readModel(mps)
    for key, value in METHODS[method].items():
        h.setOptionValue(key, value)
    h.setOptionValue("time_limit", time_limit)
    start = time.perf_counter()
    h.run()
    seconds = time.perf_counter() - start
    info = h.getInfo()
    print(json.dumps({"seconds": seconds, "status": h.modelStatusToString(h.getModelStatus()),
                      "objective": info.objective_function_value,
                      "basis": h.getBasis().valid}))


def measure(size: str, methods: list[str], time_limit: float) -> list[dict]:
    mps = write_mps(size)
    rows = []
    for method in methods:
        out = subprocess.run([sys.executable, __file__, "--alone", str(mps), method, str(time_limit)],
                             capture_output=True, text=True, check=True).stdout
        rows.append({"size": size, "method": method, **json.loads(out.strip().splitlines()[-1])})
    best = next((r["objective"] for r in rows if r["method"] == "simplex" and r["status"] == "Optimal"), None)
    for r in rows:
        optimal = r["status"] == "Optimal"
        r["vs simplex"] = None if best is None or not optimal else (r["objective"] - best) / max(1.0, abs(best))
    return rows


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--alone":
        solve_alone(sys.argv[2], sys.argv[3], float(sys.argv[4]))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="small,medium,large")
    parser.add_argument("--methods", default="simplex,ipm", help="simplex, ipm, pdlp (pdlp: 425 s at 10 k, 2.8e-4 off)")
    parser.add_argument("--time-limit", type=float, default=900.0)
    args = parser.parse_args()
    print("| size | method | seconds | status | basis | objective − simplex's (relative) |")
    print("|---|---|---:|---|---|---:|")
    path = HERE / "out" / "lp_methods.json"
    kept = json.loads(path.read_text()) if path.exists() else {}
    for size in [s.strip() for s in args.sizes.split(",") if s.strip()]:
        rows = measure(size, [m.strip() for m in args.methods.split(",") if m.strip()], args.time_limit)
        for r in rows:
            diff = "" if r["vs simplex"] is None else f"{r['vs simplex']:.1e}"
            print(f"| {r['size']} | {r['method']} | {r['seconds']:,.2f} | {r['status']} | "
                  f"{'yes' if r['basis'] else 'no'} | {diff} |", flush=True)
        usable = [r for r in rows if r["status"] == "Optimal" and r["basis"]
                  and (r["vs simplex"] is None or abs(r["vs simplex"]) <= 1e-6)]
        fastest = min(usable, key=lambda r: r["seconds"]) if usable else None
        if fastest:
            print(f"| {size} | fastest with a basis | {fastest['method']} | | | |", flush=True)
        kept[size] = {"rows": rows, "fastest": fastest["method"] if fastest else None,
                      "measured": time.strftime("%Y-%m-%d %H:%M")}
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(kept, indent=1))  # benchmarks/targets.py reads it


if __name__ == "__main__":
    main()
