"""The performance issue's targets against what the benchmarks last measured.

    .venv/bin/python benchmarks/targets.py

Reads what bench.py (benchmarks/out/sizes/<size>.json), resolve.py (out/resolve.json),
examples.py (out/examples.json) and lp_methods.py (out/lp_methods.json) last wrote, and
prints one line per target: what was measured, whether the target is met, and for a
target that is not, the profile that says where the time goes. `make bench` runs it last;
a target whose benchmark has not run yet says so. Discussion: docs/performance.md.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from bench import TARGET_FROM, TARGET_TOTAL  # noqa: E402
from examples import AIM as EXAMPLE_AIM  # noqa: E402
from planner.highs.model import LP_METHOD  # noqa: E402
from resolve import AIM as RESOLVE_AIM  # noqa: E402


def _read(name: str):
    path = OUT / name
    return json.loads(path.read_text()) if path.exists() else None


def _verdict(met: bool) -> str:
    return "met" if met else "NOT met"


def _when(result: dict) -> str:
    return f" [measured {result['measured']}]" if result.get("measured") else ""


def examples() -> list[str]:
    runs = _read("examples.json")
    if not runs:
        return [f"end to end ≤ {EXAMPLE_AIM:g}× the plan's solve: not measured (benchmarks/examples.py)"]
    out = []
    for name, r in runs.items():
        line = (f"{name}: `planner run` {r['command s']:.1f} s against its solve {r['plan solve s']:.2f} s: "
                f"{r['ratio']:.1f}× (target ≤ {EXAMPLE_AIM:g}×: {_verdict(r['ratio'] <= EXAMPLE_AIM)})")
        if r["ratio"] > EXAMPLE_AIM:
            startup = r["command s"] - r["planner run s"]
            line += (f"; profile: starting Python and importing {startup:.1f} s, the planner's run "
                     f"{r['planner run s']:.1f} s of which the solve {r['plan solve s']:.2f} s: the fixed costs "
                     f"(imports, reading the workbook, writing the report) are several times a solve this short")
        out.append(line + _when(r))
    return out


def resolves() -> list[str]:
    rows = _read("resolve.json")
    if not rows:
        return [f"re-solve ≥ {RESOLVE_AIM:g}× a rebuild: not measured (benchmarks/resolve.py)"]
    out = []
    for r in rows:
        met = r["speed-up"] >= RESOLVE_AIM
        line = (f"{r['case']} {r['kind']} ({r['columns']:,} columns), {r['change']}: rebuild {r['rebuild s']:.2f} s, "
                f"re-solve {r['re-solve s']:.2f} s (medians of {r.get('variants', '?')}): {r['speed-up']:.1f}× (target ≥ {RESOLVE_AIM:g}×: {_verdict(met)})")
        if not met and "HiGHS cold s" in r:
            work = r["HiGHS work"]
            pyomo = r["build s"] + r["hand-over s"] + r["load, duals s"]
            line += (f"; profile: the rebuild is build {r['build s']:.2f} + hand-over {r['hand-over s']:.2f} + "
                     f"HiGHS {r['HiGHS cold s']:.2f} + values and duals {r['load, duals s']:.2f} s, so saving all "
                     f"the Pyomo side ({pyomo:.2f} s) gives at most {r['rebuild s'] / max(r['HiGHS cold s'], 1e-9):.1f}×; "
                     f"HiGHS warm took {r['HiGHS warm s']:.2f} s ({r['work warm']:,} {work}) against "
                     f"{r['HiGHS cold s']:.2f} s cold ({r['work cold']:,} {work}), and "
                     f"{RESOLVE_AIM:g}× needs it under {r['rebuild s'] / RESOLVE_AIM:.2f} s")
        out.append(line + _when(r))
    return out


def scale() -> list[str]:
    out = []
    for path in sorted((OUT / "sizes").glob("*.json")) if (OUT / "sizes").exists() else []:
        saved = json.loads(path.read_text())
        row = saved["row"]
        alone = (row.get("alone") or {}).get("seconds")
        if row["vars"] < TARGET_FROM or not alone or row.get("total") is None:
            continue
        ratio = row["total"] / alone
        stages = row["stages"]
        own = row["total"] - row["highs_in_planner"]
        line = (f"{row['size']} ({row['vars']:,} variables): end to end {row['total']:.0f} s against HiGHS alone "
                f"{alone:.0f} s: {ratio:.2f}× (target ≤ {TARGET_TOTAL}×: {_verdict(ratio <= TARGET_TOTAL)})")
        if ratio > TARGET_TOTAL:
            parts = ", ".join(f"{name} {seconds:.1f}" for name, seconds in stages.items() if name != "solve")
            line += (f"; profile: the planner's own time is {own:.0f} s ({parts} s; HiGHS inside the planner "
                     f"{row['highs_in_planner']:.0f} s), and the target leaves it "
                     f"{TARGET_TOTAL * alone - row['highs_in_planner']:.0f} s")
        out.append(line + _when(saved))
    return out or [f"≥ {TARGET_FROM:,} variables within {TARGET_TOTAL}× HiGHS alone: not measured "
                   "(benchmarks/bench.py --sizes large)"]


def lp_method() -> list[str]:
    sizes = _read("lp_methods.json")
    if not sizes:
        return ["LP algorithm by measurement: not measured (benchmarks/lp_methods.py)"]
    return [f"{size}: fastest LP algorithm with a basis {v['fastest']}, the planner's {LP_METHOD} "
            f"({_verdict(v['fastest'] == LP_METHOD)}){_when(v)}" for size, v in sizes.items()]


def main() -> None:
    sections = [
        ("The examples end to end (benchmarks/examples.py)", examples()),
        ("Re-solve against rebuild (benchmarks/resolve.py)", resolves()),
        ("At scale, against HiGHS alone (benchmarks/bench.py)", scale()),
        ("The LP algorithm (benchmarks/lp_methods.py)", lp_method()),
    ]
    print("Performance targets, as last measured (discussion: docs/performance.md)")
    for title, lines in sections:
        print(f"\n{title}")
        for line in lines:
            print(f"  - {line}")


if __name__ == "__main__":
    main()
