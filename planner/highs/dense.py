"""Small dense LPs solved by HiGHS directly (no Pyomo model behind them): the cost game's
excess LPs (planner.analyses.games: the core and the nucleolus)."""

from __future__ import annotations

import highspy
import numpy as np


def max_min_excess(
    A_free: np.ndarray, c_free: np.ndarray, A_eq: np.ndarray, b_eq: np.ndarray, upper: np.ndarray
) -> tuple[np.ndarray, float, np.ndarray]:
    """max t s.t. A_free x + t ≤ c_free, A_eq x = b_eq, x ≤ upper, by HiGHS.

    Returns x, t and the duals of the A_free rows."""
    (m, n), inf = A_free.shape, highspy.kHighsInf
    A = np.vstack([np.hstack([A_free, np.ones((m, 1))]), np.hstack([A_eq, np.zeros((len(A_eq), 1))])])
    rows, cols = np.nonzero(A)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n + 1, A.shape[0]
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.col_cost_ = np.r_[np.zeros(n), 1.0]
    lp.col_lower_ = np.full(n + 1, -inf)
    lp.col_upper_ = np.r_[np.minimum(upper, inf), inf]
    lp.row_lower_ = np.r_[np.full(m, -inf), b_eq]
    lp.row_upper_ = np.r_[c_free, b_eq]
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = np.r_[0, np.cumsum(np.bincount(rows, minlength=A.shape[0]))].astype(np.int32)
    lp.a_matrix_.index_ = cols.astype(np.int32)
    lp.a_matrix_.value_ = A[rows, cols]
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.passModel(lp)
    highs.run()
    if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        raise RuntimeError(f"excess LP not solved: {highs.modelStatusToString(highs.getModelStatus())}")
    sol = highs.getSolution()
    col = np.array(sol.col_value)
    return col[:n], float(col[n]), np.array(sol.row_dual)[:m]
