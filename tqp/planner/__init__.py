"""Planner: SQL text -> sqlglot AST -> logical plan (frozen dataclasses) -> physical plan."""
