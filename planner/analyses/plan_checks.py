"""The analyses every plan report carries, run on the solved plan after the plan pipeline:
the plan against abstaining members (the Robustness sheet), against a penalty ten times
lower (the Summary's "Penalty ten times lower") and without the path rule (the Summary's
"Path rule costs"). A plan made robust with redeployment
(`planner.analyses.recourse`) carries its own answer to the first."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

from models import PlanData

from ..highs import HighsModel
from ..results import PlanChecks
from ..solve import SolveOptions, SolveResult

ROBUSTNESS_K = 2  # the report's cost-against-k chart goes at least this far
ROBUSTNESS_LIMIT = 300_000  # columns: above, the report re-solves for no other k than the plan's
ROBUSTNESS_MIP_INTEGERS = 10_000  # a whole-unit plan with more integer columns: no other k either
# (a count, not the solve's seconds: the report must not depend on how busy the machine was)
ROBUSTNESS_MIP_MEMBERS = 4  # … nor one with more members that may abstain (each k a MIP with many robust rows)


def robustness_k_max(hm: HighsModel, data: PlanData, solved: SolveResult, asked: int | None = None) -> int:
    """How far the Robustness sheet's cost against k goes: `asked` if given (`planner run
    --robustness K`), else at least ROBUSTNESS_K, but only the plan's own k where each other
    k is a new model too large or a MIP too slow."""
    if asked is not None:
        return min(len(data.may_abstain()), max(asked, data.abstentions))
    k_max = min(len(data.may_abstain()), max(ROBUSTNESS_K, data.abstentions))
    few = len(data.may_abstain()) <= ROBUSTNESS_MIP_MEMBERS
    large = hm.highs.getNumCol() > ROBUSTNESS_LIMIT
    if large or (hm.is_mip and (len(hm.integer_columns()) > ROBUSTNESS_MIP_INTEGERS or not few)):
        return data.abstentions  # each other k a new model or MIP: `planner sweep --vary abstentions=…`
    return k_max


def check_plan(hm: HighsModel, data: PlanData, solved: SolveResult, options: SolveOptions, *,
               robustness: bool = True, robustness_k: int | None = None,
               say: Callable[[str], None] = lambda _: None, resolves: Resolves | None = None) -> PlanChecks:
    """Re-solve the solved plan `hm` with members abstaining (if `robustness` and any may;
    `robustness_k`: every k up to it, with and without redeployment, however long it takes),
    and take the re-solves without the path rule and with a penalty ten times lower from
    `resolves` (started beside the tie rule), or run them here; `hm` is handed back as it
    was found."""
    checks = PlanChecks()
    if robustness and data.may_abstain():
        from .robustness import analyse_robustness

        say("Robustness: re-solving with members abstaining")
        clock = time.perf_counter()
        checks.robustness = analyse_robustness(hm, data, options, k_max=robustness_k_max(hm, data, solved, robustness_k),
                                               every_k=robustness_k is not None)
        checks.seconds["robustness"] = time.perf_counter() - clock
    done = resolves.result() if resolves is not None else resolve_checks(hm, data, solved, options, say)
    checks.path_check, checks.penalty_check = done.path_check, done.penalty_check
    checks.seconds.update(done.seconds)
    return checks


def resolve_checks(pm: HighsModel, data: PlanData, solved: SolveResult, options: SolveOptions,
                   say: Callable[[str], None] = lambda _: None, ready: Callable[[], object] = lambda: None) -> PlanChecks:
    """The plan re-solved without the path rule (where it holds) and with a penalty ten times
    lower (unless the model is too large), on `pm` (the plan's model or its twin); `ready`
    waits until the plan shown is in Pyomo, for the comparisons."""
    checks, compare = PlanChecks(), {}
    if hasattr(pm.model, "A_path") and len(pm.model.A_path):
        from .path_check import resolve_path

        say("Re-solving without the path rule (what it costs)")
        clock = time.perf_counter()
        compare["path_check"] = resolve_path(pm, data, options, plan_seconds=solved.seconds)
        checks.seconds["path check"] = time.perf_counter() - clock
    if len(data.requirements) and pm.highs.getNumCol() <= ROBUSTNESS_LIMIT:
        from .penalty_check import resolve_penalty

        say("Checking the plan against a penalty ten times lower")
        clock = time.perf_counter()
        compare["penalty_check"] = resolve_penalty(pm, data, options, plan_seconds=solved.seconds)
        checks.seconds["penalty check"] = time.perf_counter() - clock
    ready()
    for name, finish in compare.items():
        setattr(checks, name, finish() if finish is not None else None)
    return checks


class Resolves:
    """`resolve_checks` on a twin of the plan's model, in a thread of its own, started before
    the tie rule re-solves the plan's own copy (the two HiGHS copies solve side by side on
    two cores); the comparisons wait for `plan_ready()`."""

    def __init__(self, hm: HighsModel, data: PlanData, solved: SolveResult, options: SolveOptions):
        self._ready = threading.Event()
        self._twin = hm.twin()
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="plan-checks")
        self._future = self._pool.submit(resolve_checks, self._twin, data, solved, options, ready=self._ready.wait)

    def plan_ready(self) -> None:
        """The plan shown is in Pyomo: the re-solves may compare with it."""
        self._ready.set()

    def cancel(self) -> None:
        """Stop the re-solves (the run is interrupted or failed)."""
        self._twin.cancel()
        self._ready.set()
        self._pool.shutdown(wait=True)

    def result(self) -> PlanChecks:
        self._ready.set()
        try:
            return self._future.result()
        finally:
            self._pool.shutdown(wait=True)
