"""Where the CPU time of TPC-H on Ray goes: the driver against Ray's worker processes.

`python -m bench.harness.ray_cpu --sf 1 --workers 2` starts a local Ray instance of N CPUs,
registers the suite's Parquet files with one tqp connection on it, runs the 22 queries once
(the worker actors start and fill their caches), then once more, and prints the CPU seconds
(user + system, from /proc through psutil) that the driver, tqp's worker actors and Ray's
other processes (raylet, GCS, agents) used during that second pass, with the load average.
"""

from __future__ import annotations

import argparse
import os
import time

import psutil

CPU = ("driver", "tqp workers", "other Ray processes")


def cpu_seconds(driver: psutil.Process) -> dict[str, float]:
    """CPU seconds so far of the driver, of the tqp worker actors and of Ray's other
    processes (the local instance's processes descend from the driver)."""
    totals = dict.fromkeys(CPU, 0.0)
    times = driver.cpu_times()
    totals["driver"] = times.user + times.system
    for child in driver.children(recursive=True):
        try:
            title = " ".join(child.cmdline())
            times = child.cpu_times()
        except psutil.Error:
            continue
        kind = "tqp workers" if title.startswith(("ray::StageWorker", "ray::tqp:")) else \
            "other Ray processes"
        totals[kind] += times.user + times.system
    return totals


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sf", type=float, default=1.0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)

    import ray

    import tqp
    from bench.tpch.runner import TPCH

    ray.init(address="local", num_cpus=args.workers, include_dashboard=False,
             log_to_driver=False)
    con = tqp.connect(cluster="ray")
    for name, path in TPCH.table_files(TPCH.ensure_data(args.sf)).items():
        con.register(name, str(path))
    sqls = [TPCH.query_sql(n) for n in TPCH.queries]
    for sql in sqls:  # warm-up: actors started, their caches filled
        con.execute(sql).fetchall()
    driver = psutil.Process()
    load = os.getloadavg()[0]
    before, start = cpu_seconds(driver), time.perf_counter()
    for sql in sqls:
        con.execute(sql).fetchall()
    after, wall = cpu_seconds(driver), time.perf_counter() - start
    print(f"TPC-H SF {args.sf:g}, {len(sqls)} queries warm through Ray with {args.workers} "
          f"workers: {wall:.1f} s wall; load average {load:.1f} at start, "
          f"{os.getloadavg()[0]:.1f} at end")
    for kind in CPU:
        print(f"  {kind}: {after[kind] - before[kind]:.1f} s CPU")
    con.close()
    ray.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
