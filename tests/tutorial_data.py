"""The tutorial instance (docs/tutorial.md) built in code, without a workbook."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from models import PlanData


def tutorial_data(**overrides) -> PlanData:
    members = pd.DataFrame(
        {
            "name": ["Arland", "Borduria", "Carpania"],
            "gdp": [1000.0, 500.0, 250.0],
            "gdp_growth": [0.0, 0.0, 0.0],
            "spending": [20.0, 5.0, 5.0],
            "equipment_share": [0.25, 0.20, 0.20],
            "population": [10.0, 8.0, 3.0],
            "obligation": ["automatic"] * 3,
            "year_joined": [np.nan] * 3,
            "year_left": [np.nan] * 3,
        },
        index=pd.Index(["ARL", "BOR", "CAR"], name="member"),
    )
    capabilities = pd.DataFrame(
        {"name": ["Armoured brigade", "Fighter squadron"], "domain": ["land", "air"],
         "unit": ["brigade", "squadron"], "integer": [False, False]},
        index=pd.Index(["BDE", "SQN"], name="capability"),
    )
    regions = pd.DataFrame({"name": ["Eastern flank"]}, index=pd.Index(["EAST"], name="region"))
    forces = pd.DataFrame(
        [
            ("ARL", "BDE", 2, 0, 5, 3.0, 1.0, 0, 30),
            ("BOR", "BDE", 0, 0, 5, 2.5, 1.0, 0, 30),
            ("ARL", "SQN", 0, 0, math.inf, 10.0, 2.0, 0, 30),
            ("CAR", "SQN", 1, 0, 0, 12.0, 2.0, 0, 30),
        ],
        columns=["member", "capability", "existing", "retirements", "max_new",
                 "acquisition_cost", "operating_cost", "lead_time", "service_life"],
    ).set_index(["member", "capability"]).astype(float)
    requirements = pd.Series(
        {("BDE", "EAST", 2025): 3.0, ("BDE", "EAST", 2026): 3.0,
         ("SQN", "EAST", 2025): 2.0, ("SQN", "EAST", 2026): 2.0},
        name="units",
    )
    requirements.index.names = ["capability", "region", "year"]
    targets = pd.DataFrame(
        {"min_gdp": 0.015, "max_gdp": np.nan, "min_equipment": 0.20, "max_growth": np.nan},
        index=pd.MultiIndex.from_product([members.index, [2025, 2026]], names=["member", "year"]),
    )
    data = dict(
        name="Tutorial", first_year=2025, last_year=2026, base_year=2024,
        members=members, capabilities=capabilities, regions=regions, forces=forces,
        requirements=requirements, targets=targets,
    )
    data.update(overrides)
    return PlanData(**data)
