"""Choosing the executor of `tqp.connect(cluster=...)`, with Ray an optional extra."""

from __future__ import annotations

from tqp.errors import NotSupportedError, ProgrammingError


def cluster_executor(cluster: str):
    """The executor for `cluster`: "ray" (the running `ray.init()` connection, else a local
    Ray instance) or "ray://host:port" (a Ray cluster's client address)."""
    if not isinstance(cluster, str) or not (cluster == "ray" or cluster.startswith("ray://")):
        raise ProgrammingError(f"unknown cluster {cluster!r}: use 'ray' or 'ray://host:port'")
    try:
        import ray  # noqa: F401 - only to find out whether the extra is installed
    except ImportError:
        raise NotSupportedError("cluster='ray' needs Ray: pip install 'tqp[ray]'") from None
    from tqp.distributed.executor import RayExecutor

    return RayExecutor(None if cluster == "ray" else cluster)
