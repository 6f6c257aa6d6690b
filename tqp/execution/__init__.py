"""Running physical plans: the execution context (device, memory pool, batch size, spill folder,
profile, cancellation) and the local executor."""
