"""The physical plan: operators named by algorithm, each producing partitions of batches.

`lower.lower(query, ...)` turns a logical plan into these operators; `tqp.execution.local`
runs them. See docs/architecture.md.
"""
