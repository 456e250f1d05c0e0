"""The model's version, recorded in every journal.

Bumped whenever the same plan, scenario, seed and decisions can give a
different event log, so that a journal replayed under another version says
so instead of silently showing other results than the trainees saw.

1: behaviour integrated on a one-minute tick.
2: behaviour without a time step (straight-line moods, hazard budgets, posts one by one).
"""

MODEL_VERSION = 2
