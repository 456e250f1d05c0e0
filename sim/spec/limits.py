"""Ceilings on what one drill, one sweep and one seed may ask for.

Each is far above anything the seed plans describe, and low enough that a
typo (``1e12`` people, a step of ``1e-10``) is refused with a message naming
the ceiling instead of exhausting memory or running for days. They are part
of the schema: the plan and scenario models, ``--set``, ``--vary``, ``--reps``,
``--points`` and ``--seed`` all check against these numbers, and the messages
quote them.
"""

from __future__ import annotations

# People in one incident (a group visit's or copycat gathering's size, people
# joining through one inject). The largest group the seed plans name is a 50+
# group visit (73 on average in 2025, 002 §四); the model has been run at 8,000.
MAX_PEOPLE_PER_INCIDENT = 10_000

# Incidents in one scenario (compound peaks has three).
MAX_INCIDENTS = 20

# Posts an online topic may be expected to produce in one drill (each is an
# event of the model; the shipped online-amplification scenario has ~3,000).
MAX_EXPECTED_POSTS = 500_000

# Design points of one sweep, and replications of one design point or scenario.
MAX_DESIGN_POINTS = 100_000
MAX_REPLICATIONS = 1_000_000
# Replications of a whole sweep (design points × replications).
MAX_RUNS = 100_000_000

# Seeds are stored as signed 64-bit integers in tables (parquet int64), so the
# same bound holds for ``drill run``, ``drill play``, journals and sweeps.
MAX_SEED = 2**63 - 1

# A plan or scenario file (the richest shipped file is ~20 KB).
MAX_YAML_BYTES = 512 * 1024

# Journals (one decision per line): far above a day-long drill of a busy room.
MAX_JOURNAL_BYTES = 64 * 1024 * 1024
