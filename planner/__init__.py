"""Alliance Burden-Sharing Planner: workbook in, plan and Excel report out."""

__version__ = "0.1.0"

from .run import PlanRun, run_plan  # noqa: E402

__all__ = ["PlanRun", "__version__", "run_plan"]
