"""Operators: each physical plan node as a whole-column torch program over Batches."""
