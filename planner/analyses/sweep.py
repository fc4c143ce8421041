"""Sweeps: many variants of one plan, solved in parallel on Dask's distributed scheduler.

A variant is one value for each varied parameter (the Cartesian product of `--vary`):

    requirements=F      every requirement × F (the right-hand side of meet_requirement;
                        draw_open's bound follows: changes.fit_draw_open)
    floor=PCT           every spending floor set to PCT % of GDP (spending_floor rows)
    without=CODE        member CODE out of the pact for the whole horizon ("none": nobody)
    abstentions=K       the robust plan against any K abstentions: with redeployment where
                        Settings › robust_recourse says yes (planner/analyses/recourse.py, a
                        model of its own for each K > 0, the other changes made on the data),
                        else the static robust rows (models/robust.py)

Each other change is one of bounds or coefficients of the plan's model. Every worker builds the
model once per workbook (cached in the worker process) and re-solves it for each variant it
is given (planner/persistent.py), putting the model back after each. The workbook's bytes
are sent to the workers once (scattered), so a remote cluster needs no shared disk.

Runs on a local cluster (`LocalCluster`, one single-threaded worker process per core by
default) or on any running scheduler by address. A variant that fails is reported as
failed, with its error, without losing the others; variants not finished within the time
budget are reported as not run.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import money
from ..options import OptionError
from ..schema import SHEET_BY_NAME
from .changes import scale_requirements, set_budget, with_budget
from .membership import unknown_member

PARAMETERS = ("requirements", "floor", "without", "abstentions")
FLOOR = SHEET_BY_NAME["SpendingTargets"].column("min_gdp_pct")  # floor=PCT sets that column for every row


class SweepError(OptionError):
    """A --vary option the sweep cannot read, or a member the plan does not have."""


MONEY_COLUMNS = ("money_cost_musd", "spending_added_musd", "transit_cost_musd", "expected_shortfall_unit_years",
                 "penalty_weight", "objective")  # per variant: money, shortfall, then the modelling weights


@dataclass
class SweepResults:
    variants: pd.DataFrame  # one row per variant: parameters, status, totals, seconds, error
    shares: pd.DataFrame  # variant, member, plan_cost_musd, burden_share_pct
    workers: int
    scheduler: str
    seconds: float


def parse_vary(specs: Sequence[str]) -> dict[str, list]:
    """['requirements=0.8,1,1.2', 'without=none,USA'] → {parameter: values}; SweepError,
    naming the --vary and the value, for a value out of its range (NaN, infinite, negative,
    a floor above 100 %, abstentions not whole), one given twice, or a parameter varied twice."""
    out: dict[str, list] = {}
    for spec in specs:
        name, _, values = spec.partition("=")
        name = name.strip().lower()
        if name not in PARAMETERS:
            raise SweepError(f"--vary {spec}: unknown parameter {name!r} (expected one of {', '.join(PARAMETERS)})")
        if name in out:
            raise SweepError(f"--vary {spec}: {name} is varied twice; give all its values in one --vary {name}=…")
        items = [v.strip() for v in values.split(",") if v.strip()]
        if not items:
            raise SweepError(f"--vary {spec}: give values after '=', separated by commas")
        parsed: list = []
        for item in items:
            value = _value(name, item, spec)
            if value in parsed:
                raise SweepError(f"--vary {spec}: {item} is given twice; give each value once")
            parsed.append(value)
        out[name] = parsed
    if not out:
        raise SweepError("say what varies: --vary PARAMETER=VALUE,VALUE… (" + ", ".join(PARAMETERS) + ")")
    return out


def _value(name: str, item: str, spec: str) -> Any:
    """One value of `--vary name=…`, checked against the parameter's range."""
    if name == "without":
        return None if item.lower() == "none" else item
    expected = {"requirements": "factors of every requirement, 0 or more (1: as in the workbook)",
                "floor": f"spending floors in % of GDP, {FLOOR.minimum:g} to {FLOOR.maximum:g}",
                "abstentions": "whole numbers of members that abstain, 0 or more"}[name]
    try:
        number = float(item)
    except ValueError:
        raise SweepError(f"--vary {spec}: {item} is not a number; expected {expected}") from None
    if name == "abstentions" and not (math.isfinite(number) and number == int(number)):
        raise SweepError(f"--vary {spec}: {item} is not a whole number; expected {expected}")
    if not math.isfinite(number):
        raise SweepError(f"--vary {spec}: {item} is not a finite number; expected {expected}")
    if number < 0:
        raise SweepError(f"--vary {spec}: {item} is below 0; expected {expected}")
    if name == "floor" and number > FLOOR.maximum:
        raise SweepError(f"--vary {spec}: {item} is above {FLOOR.maximum:g}; expected {expected}")
    return int(number) if name == "abstentions" else number


def check_members(data, vary: Mapping[str, list]) -> None:
    """SweepError if `--vary without=…` names a member the plan does not have (with the
    closest codes, or all of them)."""
    codes = vary.get("without", [])
    unknown = [unknown_member(c, data.members.index) for c in codes if c is not None and c not in data.members.index]
    if unknown:
        spec = "without=" + ",".join("none" if c is None else c for c in codes)
        raise SweepError(f"--vary {spec}: " + "; ".join(unknown))


def variants(vary: Mapping[str, list]) -> list[dict]:
    """The Cartesian product of the varied values, one dict per variant."""
    names = list(vary)
    return [dict(zip(names, combo)) for combo in itertools.product(*(vary[n] for n in names))]


# ------------------------------------------------------------------ the worker side

_CACHE: dict[tuple, Any] = {}  # (workbook digest, robust) -> (data, HighsModel), per worker process


def _persistent(digest: str, content: bytes, robust: int = 0):
    """The plan's data and persistent model in this worker, built once per workbook. With
    `robust` > 0 (the sweep varies abstentions) the model is built with that budget in every
    scenario, so that it has the robust rows whose budget each variant sets."""
    key = (digest, robust)
    if key not in _CACHE:
        from models import build_model

        from ..highs import HighsModel
        from ..load import load_plan

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "plan.xlsx"
            path.write_bytes(content)
            data, _ = load_plan(path)
        if robust:
            data = with_budget(data, robust)
        _CACHE.clear()  # one workbook at a time per worker
        _CACHE[key] = (data, HighsModel(build_model(data)))
    return _CACHE[key]


def solve_variant(digest: str, content: bytes, variant: dict, robust: int = 0) -> dict:
    """Solve one variant on this worker's persistent model; the model is put back after."""
    from ..solve import is_plan
    from .membership import Membership, apply

    start = time.perf_counter()
    data, pm = _persistent(digest, content, robust)
    if data.robust_recourse and variant.get("abstentions"):
        return _recourse_variant(data, variant, start)
    model = pm.model
    ix = model.index
    with pm.changes():
        if variant.get("without"):
            code = variant["without"]
            if code not in data.members.index:
                raise ValueError(f"no member {code!r} in the plan")
            apply(pm, data, Membership(out_from={code: data.first_year}))
        if "requirements" in variant:
            scale_requirements(pm, data, variant["requirements"])
        if "floor" in variant:
            keys = list(model.A_floor)
            pm.set_row_bounds([model.spending_floor[k] for k in keys],
                              np.array([variant["floor"] / 100 * ix.gdp[k] for k in keys]), np.inf)
        if "abstentions" in variant:
            set_budget(pm, data, variant["abstentions"])
        outcome = pm.solve(data.time_limit_s, data.mip_gap)
        row: dict[str, Any] = {"status": outcome.status, "objective": outcome.objective, "gap": outcome.gap}
        if is_plan(outcome.status, outcome.has_solution):  # not the point HiGHS leaves when unbounded
            x = pm.solution()
            row.update(money.of_solution(pm, x).as_row())
            row.update(_measures(pm, data, x, out={variant.get("without")}))
    row["seconds"] = time.perf_counter() - start
    return row


def _recourse_variant(data, variant: dict, start: float) -> dict:
    """A variant with abstentions whose plan is robust with redeployment (Settings ›
    robust_recourse): the changes made on the data, then planner/analyses/recourse.py (a new
    model: the extensive form differs with k)."""
    import dataclasses

    from ..solve import SolveOptions
    from .recourse import solve_recourse

    changed = data
    if variant.get("without"):
        code = variant["without"]
        if code not in data.members.index:
            raise ValueError(f"no member {code!r} in the plan")
        members = data.members.copy()
        members.loc[code, "year_left"] = data.first_year - 1
        changed = dataclasses.replace(changed, members=members)
    if "requirements" in variant:
        f = variant["requirements"]
        changed = dataclasses.replace(changed, requirements=changed.requirements * f,
                                      scenario_requirements=changed.scenario_requirements * f)
    if "floor" in variant:
        targets = changed.targets.copy()
        targets.loc[targets["min_gdp"] > 0, "min_gdp"] = variant["floor"] / 100  # the rows that have a floor
        changed = dataclasses.replace(changed, targets=targets)
    r = solve_recourse(with_budget(changed, variant["abstentions"]), None,
                       SolveOptions(time_limit_s=data.time_limit_s, mip_gap=data.mip_gap))
    row: dict[str, Any] = {"status": f"{r.status} (with redeployment: {r.method}, {r.copies:,} sets)",
                           "objective": r.objective, "gap": r.gap}
    if r.model is not None and r.solved is not None and r.solved.has_solution:
        row.update(r.costs().as_row())  # each scenario's worst set, weighted as the objective weighs scenarios
        pm = r.solved.highs
        row.update(_measures(pm, r.data, pm.solution(), out={variant.get("without")}))
    row["seconds"] = time.perf_counter() - start
    return row


def _measures(pm, data, x: np.ndarray, out: set) -> dict[str, Any]:
    """Each member's plan cost and burden share (the members `out` of the pact left out)."""
    model = pm.model
    ix = model.index
    d = ix.discount
    keys = list(ix.active)
    spend = x[pm.columns([model.spend[k] for k in keys])]
    baseline = data.members["spending"]
    cost: dict[str, float] = {}
    burden: dict[str, float] = {}
    for (m, t), value in zip(keys, spend):
        if m in out:
            continue
        cost[m] = cost.get(m, 0.0) + d[t] * (value - baseline[m])
        burden[m] = burden.get(m, 0.0) + d[t] * value
    total = sum(burden.values()) or 1.0
    return {"member_cost": cost, "burden_share": {m: 100 * b / total for m, b in burden.items()}}


# ------------------------------------------------------------------ the client side


def run_sweep(path: str | Path, vary: Mapping[str, list], *, scheduler: str | None = None, workers: int = 2,
              time_budget_s: float | None = None,
              progress: Callable[[int, int], object] | None = None) -> SweepResults:
    """Solve every variant of the workbook at `path` on a Dask cluster and gather them."""
    from dask.distributed import as_completed

    from . import cluster as dask_cluster

    start = time.perf_counter()
    content = Path(path).read_bytes()
    digest = hashlib.sha256(content).hexdigest()
    todo = variants(vary)
    workers = max(1, min(workers, len(todo)))  # a worker more than the variants would idle
    with dask_cluster.running(scheduler, workers) as (client, _):  # signals held while it starts and closes
        shared = client.scatter(content, broadcast=True)
        robust = max(1, *vary["abstentions"]) if "abstentions" in vary else 0
        futures = {client.submit(solve_variant, digest, shared, v, robust, pure=False): i for i, v in enumerate(todo)}
        rows: dict[int, dict] = {}
        done = 0
        deadline = None if time_budget_s is None else start + time_budget_s
        remaining = None if deadline is None else max(0.0, deadline - time.perf_counter())
        try:
            for future in as_completed(list(futures), timeout=remaining):
                i = futures[future]
                if future.status == "error":
                    rows[i] = {"status": "failed", "error": f"{type(future.exception()).__name__}: {future.exception()}"}
                else:
                    rows[i] = future.result()
                done += 1
                if progress is not None:
                    progress(done, len(todo))
        except TimeoutError:
            pass
        for future, i in futures.items():
            if i not in rows:
                future.cancel()
                rows[i] = {"status": "not run (time budget)"}
        n_workers = len(client.scheduler_info().get("workers", {}))
        address = client.scheduler.address
    return _gather(todo, rows, n_workers, scheduler or f"local cluster ({address})", time.perf_counter() - start)


def _gather(todo: list[dict], rows: dict[int, dict], workers: int, scheduler: str, seconds: float) -> SweepResults:
    records, shares = [], []
    for i, variant in enumerate(todo):
        row = rows[i]
        label = ", ".join(f"{k}={'none' if v is None else v}" for k, v in variant.items())
        records.append({"variant": i, "label": label, **{k: ("none" if v is None else v) for k, v in variant.items()},
                        "status": row.get("status"),
                        **{name: row.get(name, np.nan) for name in MONEY_COLUMNS},
                        "seconds": row.get("seconds", np.nan), "error": row.get("error", "")})
        for m, cost in row.get("member_cost", {}).items():
            shares.append((i, label, m, cost, row["burden_share"][m]))
    return SweepResults(
        variants=pd.DataFrame.from_records(records),
        shares=pd.DataFrame(shares, columns=["variant", "label", "member", "plan_cost_musd", "burden_share_pct"]),
        workers=workers, scheduler=scheduler, seconds=seconds,
    )
