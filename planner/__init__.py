"""Alliance Burden-Sharing Planner: workbook in, plan and Excel report out."""

__version__ = "0.1.0"

__all__ = ["PlanRun", "__version__", "run_plan"]


def __getattr__(name: str):
    """`planner.run_plan` and `planner.PlanRun`, imported on first use (so that the command
    line can handle Ctrl-C before Pyomo and pandas load)."""
    if name in ("PlanRun", "run_plan"):
        from . import run

        return getattr(run, name)
    raise AttributeError(f"module 'planner' has no attribute {name!r}")
