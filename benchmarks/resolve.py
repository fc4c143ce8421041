"""Re-solve against rebuild: what the persistent model saves each analysis.

    .venv/bin/python benchmarks/resolve.py                       NATO example, synthetic small and medium
    .venv/bin/python benchmarks/resolve.py --cases nato --variants 10

For each case the workbook is read and validated once (not timed); then, for the same
variants of two kinds, chosen at random with a fixed seed:

    member out   a member leaving from the first year or from mid-horizon (what-if, cost game)
    requirements every requirement × F, F uniform in [0.9, 1.1] (`planner sweep --vary requirements=…`)

each is solved two ways:

    rebuild      models.build_model on PlanData with the change made, then planner.solve.solve
                 (hand-over to HiGHS, a cold solve, duals for an LP)
    re-solve     the change made on the persistent model (planner.analyses.membership.apply,
                 planner.analyses.changes.scale_requirements), then HighsModel.solve
                 (HiGHS from its last basis), then the change undone

Both give the same optimum (checked here: to 1e-6 for an LP, each within the other's proven
bound for a MIP; and in tests/test_whatif.py). Printed: median seconds of each, and their ratio; then where a rebuild's time goes (build, hand-over,
HiGHS, loading values and duals) against HiGHS's time in the re-solve, with HiGHS's simplex
iterations (LP) or nodes (MIP) each way: the profile that says how much of a rebuild a
re-solve can save. Saved to benchmarks/out/resolve.json (benchmarks/targets.py reads it).
Not a test: `make bench` runs it after bench.py.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for p in (str(ROOT), str(HERE)):
    if p not in sys.path:
        sys.path.insert(0, p)

from models import build_model  # noqa: E402
from planner.analyses.changes import scale_requirements  # noqa: E402
from planner.analyses.membership import Membership, apply  # noqa: E402
from planner.highs import HighsModel  # noqa: E402
from planner.solve import solve  # noqa: E402
from planner.load import load_plan  # noqa: E402


AIM = 10.0  # a re-solve at least 10× faster than a rebuild (the performance issue)


def workbook(case: str) -> Path:
    if case == "nato":
        return ROOT / "inputs" / "nato.xlsx"
    from instances import ALIASES, SIZES, write_instance

    size = ALIASES.get(case, case)
    path = HERE / "out" / "work" / size / f"{size}.xlsx"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        write_instance(path, SIZES[size])
    return path


def run_case(case: str, kind: str, variants: int, seed: int) -> dict:
    data, _ = load_plan(workbook(case))
    rng = random.Random(seed)
    model = build_model(data)
    first = solve(model)
    pm = first.highs
    rebuild, resolve, mismatch = [], [], 0
    parts = {"build": [], "hand-over": [], "HiGHS cold": [], "load, duals": [], "HiGHS warm": []}
    work = {"cold": [], "warm": []}  # simplex iterations (LP) or branch-and-bound nodes (MIP)
    for _ in range(variants):
        changed, change = _variant(data, kind, rng)
        start = time.perf_counter()
        model_changed = build_model(changed)
        built = time.perf_counter() - start
        fresh = solve(model_changed)
        rebuild.append(time.perf_counter() - start)
        parts["build"].append(built)
        parts["hand-over"].append(fresh.handover_seconds)
        parts["HiGHS cold"].append(fresh.seconds - fresh.handover_seconds)
        parts["load, duals"].append(rebuild[-1] - built - fresh.seconds)
        work["cold"].append(fresh.work)

        start = time.perf_counter()
        with pm.changes():
            change(pm)
            outcome = pm.solve(data.time_limit_s, data.mip_gap)
        work["warm"].append(outcome.work)
        resolve.append(time.perf_counter() - start)
        parts["HiGHS warm"].append(outcome.seconds)
        if not _agree(outcome, fresh):
            mismatch += 1
    med = statistics.median
    return {
        "case": case,
        "kind": "MIP" if first.is_mip else "LP",
        "change": kind,
        "columns": pm.highs.getNumCol(),
        "rows": pm.highs.getNumRow(),
        "first solve s": first.seconds,
        "rebuild s": med(rebuild),
        "re-solve s": med(resolve),
        "speed-up": med(rebuild) / med(resolve),
        "≥ 10×": "met" if med(rebuild) >= AIM * med(resolve) else "not met",
        "variants": variants,
        "optima differ": mismatch,
        # the profile: where a rebuild's time goes, and how much HiGHS works each way
        **{f"{name} s": med(values) for name, values in parts.items()},
        "HiGHS work": "nodes" if first.is_mip else "iterations",
        "work cold": int(med(work["cold"])),
        "work warm": int(med(work["warm"])),
    }


def _agree(a, b) -> bool:
    """Both optima the same: to 1e-6 for an LP; for a MIP, each objective within the other's
    proven bound (both are within the MIP gap of the true optimum, not equal to it)."""
    tolerance = 1e-6 * max(1.0, abs(b.objective))
    if a.bound is None or b.bound is None or a.gap == 0 == b.gap:
        return abs(a.objective - b.objective) <= tolerance
    return a.objective >= b.bound - tolerance and b.objective >= a.bound - tolerance


def _variant(data, kind: str, rng: random.Random):
    """(PlanData with the change, the same change as a function of the persistent model)."""
    if kind == "requirements":
        factor = round(rng.uniform(0.9, 1.1), 4)
        return (dataclasses.replace(data, requirements=data.requirements * factor,
                                    scenario_requirements=data.scenario_requirements * factor),
                lambda pm: scale_requirements(pm, factor))
    member = rng.choice(list(data.members.index))
    year = rng.choice((data.first_year, (data.first_year + data.last_year) // 2))
    members = data.members.copy()
    members["year_left"] = members["year_left"].astype(float)
    left = members.at[member, "year_left"]
    members.at[member, "year_left"] = min(year - 1, left) if left == left else year - 1
    return (dataclasses.replace(data, members=members),
            lambda pm: apply(pm, data, Membership(out_from={member: year})))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", default="nato,small,medium", help="nato and/or synthetic sizes (small, medium, large)")
    parser.add_argument("--changes", default="member out,requirements", help="kinds of change: member out, requirements")
    parser.add_argument("--variants", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rows = [run_case(case.strip(), kind.strip(), args.variants, args.seed)
            for case in args.cases.split(",") if case.strip()
            for kind in args.changes.split(",") if kind.strip()]
    print(markdown_table(rows, MAIN_KEYS))
    print("\nWhere a rebuild's time goes (medians, s), and HiGHS's work cold and warm:\n")
    print(markdown_table(rows, ["case", "change", *(k for k in rows[0] if k not in MAIN_KEYS)]))
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "resolve.json"
    kept = {(r["case"], r["change"]): r for r in (json.loads(path.read_text()) if path.exists() else [])}
    kept.update({(r["case"], r["change"]): {**r, "measured": time.strftime("%Y-%m-%d %H:%M")} for r in rows})  # benchmarks/targets.py reads them
    path.write_text(json.dumps(list(kept.values()), indent=1))


MAIN_KEYS = ["case", "kind", "change", "columns", "rows", "first solve s", "rebuild s", "re-solve s",
             "speed-up", "≥ 10×", "variants", "optima differ"]
OUT = HERE / "out"


def markdown_table(rows: list[dict], keys: list[str]) -> str:
    lines = ["| " + " | ".join(keys) + " |", "|" + "|".join("---" for _ in keys) + "|"]
    for row in rows:
        cells = [f"{v:,.3f}" if isinstance(v, float) else f"{v:,}" if isinstance(v, int) else str(v)
                 for v in (row[k] for k in keys)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
