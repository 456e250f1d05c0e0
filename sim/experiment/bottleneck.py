"""What accounts for a milestone's misses, as ``evaluate`` shows it: the causal
attribution of ``sim.experiment.attribution`` (counterfactuals on common random
numbers), summarised per milestone.

The log-reading heuristic that stood here (the last team, official or wait
before the deadline) is gone: it blamed reception for every miss of
compound-peaks' 4-hour head-count limit while 12, 24 or 48 receptionists on duty
met none of them. A cause is now a change that, run on the same replications,
turns misses into meets — or "no single change helps".
"""

from __future__ import annotations

from .attribution import MilestoneAttribution

NO_SINGLE_CHANGE = "none"  # the key when no single change passes the test


def summarise(m: MilestoneAttribution | None) -> tuple[str, int, int] | None:
    """(the helping change's key or ``none``, misses it turns into meets, misses);
    None when nothing was missed or no attribution was run."""
    if m is None or m.misses == 0:
        return None
    best = m.best
    return (best.change.key, best.turned, m.misses) if best else (NO_SINGLE_CHANGE, 0, m.misses)


def describe(m: MilestoneAttribution, lang: str) -> str:
    """One sentence for the table: the change, misses turned with an exact interval, meets lost."""
    return m.text(lang)
