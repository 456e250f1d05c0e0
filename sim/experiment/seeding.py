"""Seeds of replications: common random numbers across design points.

Replication ``r`` of a study with master seed ``m`` is always
``SeedSequence(m, spawn_key=(r,))`` — whatever the design point, the executor
or the order in which batches finish — so two configurations are compared on
the very same random draws (the engine spawns one named stream per source from
it, so changing one team's size does not shift anyone else's draws).
"""

from __future__ import annotations

import numpy as np

from ..engine.streams import replication_seed

__all__ = ["check_master", "replication_seed", "seed_columns"]


def check_master(master: int) -> int:
    master = int(master)
    if master < 0:
        raise ValueError("the master seed must be a non-negative integer")
    return master


def seed_columns(master: int, rep: int) -> dict[str, int]:
    """What every output row records about its randomness."""
    return {"master_seed": int(master), "rep": int(rep)}


def seed_of(master: int, rep: int) -> np.random.SeedSequence:
    return replication_seed(master, rep)
