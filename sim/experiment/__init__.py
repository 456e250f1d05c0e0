"""Many drills: experimental designs × independent replications on an Executor.

One concept per module:

- ``design``     --vary specs, full-factorial / Latin-hypercube / Sobol / SALib designs
- ``seeding``    one SeedSequence per replication, the same in every design point (CRN)
- ``executors``  ``serial``, ``local[:N]``, ``dask[:tcp://host:port]`` behind concurrent.futures
- ``tasks``      the picklable unit of work: a batch of replications of one design point
- ``store``      chunk files + manifest, compaction into runs.parquet, resume
- ``summary``    per point × milestone counts and Wilson intervals
- ``sweep``      the driver tying these together
- ``plots``      matplotlib figures (imported lazily)
- ``evaluate``   a unit's plan evaluation (P(met), times, verdicts, static check)
- ``bottleneck`` which team or official accounts for a milestone's misses
- ``staffing``   the smallest on-duty staffing that reaches a target

Designs, seeding and aggregation stay in the driver, so results never depend on
the executor.
"""
