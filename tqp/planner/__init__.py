"""Planner: SQL text -> sqlglot AST -> logical plan (frozen dataclasses) -> rewrite passes
(planner/passes) -> the plan that runs."""
