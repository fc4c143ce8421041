"""The cost game's coalitions valued on Dask's distributed scheduler, as `planner sweep` does.

Every worker holds one persistent model of the workbook, built once (its bytes are
scattered to the workers once), with the money game set up on it (planner/analyses/
cost_game.py: whole units for a small pact's exact game, else integrality relaxed; the
plan's shortfall per requirement cell sent along), and values the walks it is given one
coalition after the other, each a warm-started re-solve. The estimate
(planner/analyses/sampling.py) hands out walks block by block and puts the values back in
their places, so which worker valued a walk changes nothing: the same seed gives the same
estimate whatever the number of workers (to the solver's tolerance, about 1e-9 of c(S)).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

_GAMES: dict[tuple, Any] = {}  # per worker process: (digest, shares, premium, terms) -> (data, MoneyGame)


def _worker_game(digest: str, content: bytes, shares: tuple | None, premium: float, time_limit_s: float,
                 whole_units: bool = False, plan_short: tuple = ()):
    key = (digest, shares, premium, whole_units, plan_short)
    if key not in _GAMES:
        import tempfile

        from models import build_model

        from ..highs import HighsModel
        from ..solve import SolveOptions
        from ..load import load_plan
        from .cost_game import MoneyGame

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "plan.xlsx"
            path.write_bytes(content)
            data, _ = load_plan(path)
        for game in _GAMES.values():  # one workbook at a time per worker
            game[1].__exit__(None, None, None)
        _GAMES.clear()
        pm = HighsModel(build_model(data))
        game = MoneyGame(pm, data, SolveOptions(time_limit_s=time_limit_s, mip_gap=data.mip_gap),
                         dict(shares) if shares is not None else None, premium, whole_units=whole_units,
                         plan_short=np.array(plan_short, dtype=float))
        game.__enter__()
        _GAMES[key] = (data, game)
    return _GAMES[key][1]


def value_walks(digest: str, content: bytes, shares: tuple | None, premium: float, time_limit_s: float,
                walks: list[list[tuple[str, ...]]], whole_units: bool = False,
                plan_short: tuple = ()) -> tuple[list[list[float]], int, float, int]:
    """On a worker: c(S) of every coalition of every walk, in order; with the number of
    coalitions it re-solved, their seconds and how many were solved without fair-share bands.
    `whole_units`: each a MIP; `plan_short`: the plan's shortfall per requirement cell."""
    game = _worker_game(digest, content, shares, premium, time_limit_s, whole_units, plan_short)
    before, seconds, relaxed = game.game.evaluations, game.seconds, game.relaxed
    values = [[game(frozenset(s)) for s in walk] for walk in walks]
    return values, game.game.evaluations - before, game.seconds - seconds, game.relaxed - relaxed


def free_cores() -> int:
    """Cores this process may use, less the load others put on them (at least 1): the 1-minute
    load average less this process's own core (it has just solved the plan)."""
    from ..options import usable_cores

    cores = usable_cores()
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = 0.0
    return max(1, min(cores, round(cores - max(0.0, load - 1.0))))


class ClusterGame:
    """An `evaluate` for the estimate: walks valued on a Dask cluster, each worker holding
    one persistent model of the workbook at `path`. Values are also put into `cache` (the
    client's CachedCost values), so the core check sees every coalition valued."""

    def __init__(self, path: str | Path, shares: dict[str, float] | None, premium: float, time_limit_s: float,
                 *, scheduler: str | None = None, workers: int = 2, cache: dict | None = None,
                 whole_units: bool = False, plan_short: Sequence[float] = ()):
        from ..signals import held
        from . import cluster as dask_cluster

        content = Path(path).read_bytes()
        self.digest = hashlib.sha256(content).hexdigest()
        self.client = self.cluster = None
        try:
            with held():  # a signal while the cluster starts: raised once it is up, then it is closed
                self.client, self.cluster = dask_cluster.start(scheduler, workers)
            self.content = self.client.scatter(content, broadcast=True)
        except BaseException:
            self.close()
            raise
        self.shares = tuple(sorted(shares.items())) if shares is not None else None
        self.premium, self.time_limit_s = premium, time_limit_s
        self.whole_units, self.plan_short = whole_units, tuple(float(v) for v in plan_short)
        self.cache = cache if cache is not None else {}
        self.resolves = self.relaxed = 0
        self.seconds = 0.0
        self.scheduler = scheduler or f"local cluster ({self.client.scheduler.address})"

    @property
    def workers(self) -> int:
        return len(self.client.scheduler_info().get("workers", {}))

    def __call__(self, walks: Sequence[list[frozenset]]) -> list[list[float]]:
        per_task = max(1, len(walks) // (4 * max(1, self.workers)))
        parts = [list(walks[i:i + per_task]) for i in range(0, len(walks), per_task)]
        futures = [self.client.submit(value_walks, self.digest, self.content, self.shares, self.premium,
                                      self.time_limit_s, [[tuple(sorted(s)) for s in w] for w in part],
                                      self.whole_units, self.plan_short, pure=False) for part in parts]
        out: list[list[float]] = []
        for part, (values, resolves, seconds, relaxed) in zip(parts, self.client.gather(futures)):
            out.extend(values)
            self.resolves += resolves
            self.seconds += seconds
            self.relaxed += relaxed
            for walk, vals in zip(part, values):
                self.cache.update(zip(walk, vals))
        return out

    def close(self) -> None:
        from . import cluster as dask_cluster

        dask_cluster.close(self.client, self.cluster)
