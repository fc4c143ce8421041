"""Acquisitions and fielded stock.

    x_units[m, c, τ] ≥ 0                     units ordered in year τ, (m, c, τ) ∈ O
    x_units[m, c, τ] ≤ n̄_mc                  industrial capacity (max_new_per_year)
    new_units[m, c, t] = Σ_{τ ∈ O_mc : τ + L_mc ≤ t < τ + L_mc + life_mc} x_units[m, c, τ]
    stock[m, c, t]     = E[m, c, t] + new_units[m, c, t]

An order is paid over the years from order to delivery (models/sets.py, payment_schedule):

    pay[m, c, t] = Σ_{τ : (m, c, τ) ∈ O} π_c(t − τ) · a_mc · x_units[m, c, τ]     [M currency]
    π_c(k) = 1 / L_mc for k = 0 … L_mc − 1   (payment_profile even, the default; L_mc ≤ 1: π(0) = 1)
    π_c(0) = 1                               (order: all in the order year)
    π_c(L_mc) = 1                            (delivery: all in the delivery year)

Σ_k π_c(k) = 1: every order is paid in full, within the horizon (an order is delivered by
the last year); a payment due in a year its member has left is paid in its last year before.

x_units comes in parts for capabilities counted in parts (models/granularity.py).
"""

from __future__ import annotations

import math

import pyomo.environ as pyo

from .data import PlanData
from .sets import ModelIndex
from .terms import total


def add_acquisitions(model: pyo.ConcreteModel, data: PlanData, ix: ModelIndex) -> None:
    max_new = data.forces["max_new"].to_dict()

    def bounds(_, m, c, t):
        cap = max_new[m, c]
        return (0.0, None if math.isinf(cap) else float(cap))

    model.O = pyo.Set(initialize=ix.orders, dimen=3, ordered=True)
    model.x_units = pyo.Var(model.O, bounds=bounds, domain=pyo.NonNegativeReals, doc="units ordered [units]")

    x_units = dict(zip(ix.orders, model.x_units.values()))  # O is ordered as ix.orders

    def new_units(mdl, m, c, t):
        """new_units[m, c, t] = Σ_τ x_units[m, c, τ] over orders in service at t."""
        return total(x_units[m, c, tau] for tau in ix.deliveries.get((m, c, t), ()))

    model.new_units = new_units  # a plain function: used inside other expressions
