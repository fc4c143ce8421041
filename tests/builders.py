"""Small PlanData instances built in code, for tests whose optimum is known by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from models import PlanData
from models.data import TARGET_COLUMNS


def plan(
    members: dict[str, tuple[float, float]],  # code -> (gdp, baseline spending), M
    forces: dict[tuple[str, str], dict] | None = None,  # (member, capability) -> FORCE fields
    requirements: dict[tuple[str, str, int], float] | None = None,
    years: tuple[int, int] = (2025, 2025),
    base_year: int = 2024,
    targets: dict[str, float] | None = None,  # column -> fraction, for every member and year
    equipment_share: float = 0.0,
    integer: tuple[str, ...] = (),
    parts: dict[str, int] | None = None,  # capability -> parts per unit
    profiles: dict[str, str] | None = None,  # capability -> payment profile (even | order | delivery)
    **overrides,
) -> PlanData:
    forces = forces or {}
    requirements = requirements or {}
    codes = list(members)
    member_frame = pd.DataFrame(
        {
            "name": codes,
            "gdp": [members[m][0] for m in codes],
            "gdp_growth": 0.0,
            "spending": [members[m][1] for m in codes],
            "equipment_share": equipment_share,
            "population": 1.0,
            "obligation": "automatic",
            "year_joined": np.nan,
            "year_left": np.nan,
        },
        index=pd.Index(codes, name="member"),
    )
    caps = sorted({c for _, c in forces} | {c for c, _, _ in requirements})
    regions = sorted({r for _, r, _ in requirements}) or ["R"]
    defaults = dict(existing=0.0, retirements=0.0, max_new=math.inf, acquisition_cost=1.0,
                    operating_cost=0.0, lead_time=0.0, service_life=30.0)
    force_frame = pd.DataFrame(
        [{**defaults, **f} for f in forces.values()],
        index=pd.MultiIndex.from_tuples(list(forces), names=["member", "capability"]),
        columns=list(defaults),
    ).astype(float)
    req = pd.Series(requirements, dtype=float, name="units")
    req.index = pd.MultiIndex.from_tuples(list(requirements), names=["capability", "region", "year"])
    first, last = years
    target_frame = pd.DataFrame(
        {k: (targets or {}).get(k, np.nan) for k in TARGET_COLUMNS},
        index=pd.MultiIndex.from_product([codes, range(first, last + 1)], names=["member", "year"]),
    )
    data = dict(
        name="test", first_year=first, last_year=last, base_year=base_year,
        members=member_frame,
        capabilities=pd.DataFrame(
            {"name": caps, "domain": "land", "unit": "unit", "integer": [c in integer for c in caps],
             **({"parts": [float((parts or {}).get(c, np.nan)) for c in caps]} if parts else {}),
             **({"payment_profile": [(profiles or {}).get(c, "even") for c in caps]} if profiles else {})},
            index=pd.Index(caps, name="capability"),
        ),
        regions=pd.DataFrame({"name": regions}, index=pd.Index(regions, name="region")),
        forces=force_frame, requirements=req, targets=target_frame,
    )
    data.update(overrides)
    return PlanData(**data)
