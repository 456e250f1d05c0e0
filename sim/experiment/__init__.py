"""Many drills: experimental designs × independent replications on an Executor.

One concept per module:

- ``api``        ``run_sweep``, ``run_evaluation``, ``read_runs``: the Python API
- ``design``     --vary specs, full-factorial / Latin-hypercube / Sobol / SALib designs
- ``seeding``    one SeedSequence per replication, the same in every design point (CRN)
- ``executors``  ``serial``, ``local[:N]``, ``dask[:tcp://host:port]`` behind concurrent.futures
- ``inputs``     the plan and scenario as content + SHA-256, sent to workers, snapshotted
- ``tasks``      the picklable unit of work: a batch of replications of one design point
- ``runner``     one study into one output folder: lock, snapshot, chunks, resume
- ``lock``       one study per output folder at a time
- ``store``      chunk files + manifest, compaction into runs.parquet
- ``columns``    the typed columns of runs.parquet
- ``provenance`` versions, git commit, machine for meta.json
- ``summary``    per point × milestone counts and Wilson intervals
- ``sweep``      the driver tying these together
- ``plots``      matplotlib figures (imported lazily)
- ``evaluate``   a unit's plan evaluation (P(met), times, verdicts, static check)
- ``attribution`` which single change turns a milestone's misses into meets (counterfactual, CRN)
- ``levers``     the single changes to a plan that attribution tries
- ``bottleneck`` an attribution summarised for evaluate's table
- ``assumptions`` the numbers marked ``assumed: true``, as factors with ranges
- ``sensitivity`` Morris screening over them (SALib); what a verdict rests on
- ``sensitivity_files`` its table, CSV, heat map and Markdown
- ``staffing``   the smallest on-duty staffing that reaches a target
- ``ema``        EMA Workbench adapter (names, replications, NaN for undecided; PRIM data)

Designs, seeding and aggregation stay in the driver, so results never depend on
the executor.
"""

from __future__ import annotations

from typing import Any

__all__ = ["read_runs", "run_evaluation", "run_sweep"]


def __getattr__(name: str) -> Any:
    # lazily, so that importing one submodule does not load them all
    if name in __all__:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'sim.experiment' has no attribute {name!r}")
