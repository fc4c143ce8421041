"""Analyses that re-solve the plan: what-if, cost games, frontier, alternatives."""
