"""The model's version, recorded in every journal.

Bumped whenever the same plan, scenario, seed and decisions can give a
different event log, so that a journal replayed under another version says
so instead of silently showing other results than the trainees saw.

1: behaviour integrated on a one-minute tick.
2: behaviour without a time step (straight-line moods, hazard budgets, posts one by one).
3: engine v2: member movements in the log; facilitator actions logged as such; a package
   signed on the signatory's arrival; alert steps and the plan policy woken by events
   instead of polls.
"""

MODEL_VERSION = 3
