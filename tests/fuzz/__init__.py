"""A query fuzzer: random SQL over small NULL-bearing tables, checked by three oracles."""
