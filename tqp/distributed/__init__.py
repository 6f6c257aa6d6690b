"""Running the physical plan on a Ray cluster: `tqp.connect(cluster="ray")`.

The plan is cut at its Exchanges into stages (stages.py); each stage partition runs as a Ray
task (tasks.py), whose output reaches the stages that read it through Ray's object store, and
the last stage's partitions are gathered to the driver (executor.py). Scans ship their
partitions' columns to the object store once per connection (scan.py).
"""
