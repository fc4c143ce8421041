"""docs/model.md and the code name the same variables and constraints."""

from __future__ import annotations

import re
from pathlib import Path

import pyomo.environ as pyo

from models import build_model
from tutorial_data import tutorial_data

DOC = (Path(__file__).parents[1] / "docs" / "model.md").read_text(encoding="utf-8")


def documented(kind: str) -> set[str]:
    """Names in backticks in the doc's variable table, or bold constraint headings."""
    if kind == "var":
        section = DOC.split("## Variables")[1].split("## Objective")[0]
        return set(re.findall(r"^\| `(\w+)` \|", section, flags=re.M))
    section = DOC.split("## Constraints")[1].split("## Modelling choices")[0]
    return set(re.findall(r"\*\*`(\w+)(?:\[[^\]]*\])?`\*\*", section))


def built(kind) -> set[str]:
    """Components of the model in both scenario objectives."""
    names: set[str] = set()
    for objective in ("expected", "worst-case"):
        model = build_model(tutorial_data(scenario_objective=objective))
        names |= {c.local_name for c in model.component_objects(kind, descend_into=True)}
    return names


def test_every_variable_is_documented():
    assert built(pyo.Var) == documented("var")


def test_every_constraint_is_documented():
    assert built(pyo.Constraint) == documented("con")


def test_constraint_docstrings_carry_their_equations():
    """Each module that builds a constraint states it in its docstring."""
    import models.build, models.coverage, models.fairness, models.prepositioning, models.robust, models.sovereignty, models.spending  # noqa: E401
    import models.granularity

    modules = (models.build, models.coverage, models.fairness, models.prepositioning, models.robust,
               models.sovereignty, models.spending, models.granularity)
    text = "".join(m.__doc__ for m in modules)
    for name in documented("con"):
        assert name in text, f"{name} has no equation in its module docstring"
