"""Common funding: shares of common-funded costs by a key, with a cap on any one share.

The capped proportional split (NATO's rule for its common-funded budgets, where the
United States' share is capped at Germany's) of weights w_m ≥ 0 with cap κ:

    σ_m = min(κ, λ · w_m)    with λ chosen so that Σ_m σ_m = 1.

σ is unique and is found exactly by water-filling: share in proportion to the key; if
some shares exceed κ, fix them at κ and share what remains among the others in
proportion to their key; repeat until no share exceeds κ. Each round fixes at least one
member, so at most |M| rounds. It requires κ · |{m : w_m > 0}| ≥ 1.
"""

from __future__ import annotations

import math
from collections.abc import Mapping


def capped_shares(weights: Mapping[str, float], cap: float = math.nan) -> dict[str, float]:
    """σ_m for every member: proportional to `weights`, none above `cap` (NaN: no cap)."""
    if any(w < 0 for w in weights.values()):
        raise ValueError("cost-share weights must be non-negative")
    total = sum(weights.values())
    if total <= 0:
        raise ValueError("cost-share weights sum to zero")
    if math.isnan(cap):
        return {m: w / total for m, w in weights.items()}
    positive = [m for m, w in weights.items() if w > 0]
    if cap * len(positive) < 1 - 1e-12:
        raise ValueError(f"a cap of {cap:.4g} cannot share all costs among {len(positive)} members")
    shares = dict.fromkeys(weights, 0.0)
    free = positive  # a list, in the weights' order: the sums below add in one fixed order
    remaining = 1.0
    while free:
        scale = remaining / sum(weights[m] for m in free)
        over = [m for m in free if scale * weights[m] > cap]
        if not over:
            for m in free:
                shares[m] = scale * weights[m]
            break
        for m in over:
            shares[m] = cap
        remaining -= cap * len(over)
        free = [m for m in free if m not in over]
    return shares
