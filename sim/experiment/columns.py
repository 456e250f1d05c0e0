"""The columns of ``runs.parquet``: one row per replication, typed for analysis.

- ``met_<milestone>``: a nullable boolean — true (met), false (missed), or
  null when it did not apply or was still undecided when the drill ended;
- ``status_<milestone>``: which of those it was (``sim.stats.Status``) — ``met``,
  ``missed``, ``undecided`` (its deadline falls after the drill: censored, never
  to be dropped from a proportion nor counted as met), ``not_applicable``,
  ``beyond`` (a limit beyond the model) or ``untimed`` (no time stated);
- ``t_<milestone>_min``: minutes from the milestone's clock start to being done
  (late or not), null if it never was;
- ``censor_<milestone>_min``: for a milestone that applied and was not done by the
  drill's end (undecided, or missed and never done), minutes from its clock start
  to the drill's end — the time it was watched, for Kaplan–Meier; else null;
- a drill run on past its scenario's horizon (``horizon_min``: statistics extend
  it until its limits are decided) scores only the milestones whose clock started
  within the scenario's horizon; one that started only in the extension is
  ``not_applicable``;
- every other time carries its unit too (``first_level_at_min``, ``ended_at_min``);
- ``level``: the last response level declared, an ordered categorical IV < III < II < I;
- ``cause_<milestone>`` (evaluations): what accounts for a miss.

``sim.engine.batch.run`` keeps its own flat names (``t_<milestone>``); the
renaming happens here, where tables are made.
"""

from __future__ import annotations

import math
from typing import Any

from ..spec.plan import LEVELS
from ..stats.censoring import STATUSES, Status, count, outcome, status_of

# categorical columns and their categories (ordered ones say so)
CATEGORIES: dict[str, tuple[tuple[str, ...], bool]] = {"level": (LEVELS, True)}
STATUS_CATEGORIES = (STATUSES, False)


def column_name(key: str) -> str:
    """The table's name of one of ``run``'s outcome keys (times carry ``_min``)."""
    if key.startswith("t_") and not key.endswith("_min"):
        return key + "_min"
    if key.endswith("_at"):
        return key + "_min"
    return key


def outcome_columns(flat: dict[str, Any]) -> dict[str, Any]:
    return {column_name(k): v for k, v in flat.items()}


def status_columns(
    card: Any, end_min: float | None = None, window_min: float | None = None
) -> dict[str, Any]:
    """status_<milestone> and censor_<milestone>_min from a finished drill's
    scorecard; ``end_min`` is when the drill ended (its horizon), ``window_min`` the
    scenario's own horizon when the drill was run on past it (then a milestone
    whose clock started after it is not applicable, and its met/t columns are
    cleared). Pending at the end (an engine before model 4) is undecided."""
    out: dict[str, Any] = {}
    end = end_min if end_min is not None else card.outcomes.get("ended_at_min")
    for m in card.milestones:
        status = status_of(m.status)
        start = m.clock_start
        if window_min is not None and start is not None and start > window_min + 1e-9:
            status = Status.NOT_APPLICABLE
            out[f"met_{m.id}"] = None
            out[f"t_{m.id}_min"] = None
        out[f"status_{m.id}"] = status.value
        watched = None
        if (
            status in (Status.UNDECIDED, Status.MISSED)
            and m.after_min is None
            and start is not None
            and end is not None
        ):
            watched = max(0.0, float(end) - float(start))
        out[f"censor_{m.id}_min"] = watched
    return out


def categories_of(column: str) -> tuple[tuple[str, ...], bool] | None:
    if column.startswith("status_"):
        return STATUS_CATEGORIES
    return CATEGORIES.get(column)


def type_of(key: str, value: Any) -> str:
    """A fixed type per column, from its name first (never from a chance None)."""
    if key.startswith("met_"):
        return "bool"
    if key.startswith(("t_", "censor_")):
        return "float"
    if categories_of(key) is not None:
        return "cat"
    if key.startswith("cause_") or key in ("scenario", "plan") or isinstance(value, str):
        return "str"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    return "float"


def column_types(template: dict[str, Any]) -> dict[str, str]:
    return {key: type_of(key, value) for key, value in template.items()}


def milestone_columns(plan: Any, causes: bool = False) -> dict[str, Any]:
    """Template values of every milestone's columns, in plan order."""
    row: dict[str, Any] = {}
    for _level, m in plan.all_milestones():
        row[f"met_{m.id}"] = None
        row[f"t_{m.id}_min"] = None
        row[f"status_{m.id}"] = None
        row[f"censor_{m.id}_min"] = None
        if causes:
            row[f"cause_{m.id}"] = None
    return row


def outcomes(rows: list[dict[str, Any]], milestone: str) -> list[bool | None]:
    """One milestone's outcome per replication for a proportion: True met;
    False missed or undecided (censored: in the denominator, never counted as
    met); None not scored (left out). ``sim.stats.outcome``."""
    return [outcome(row_status(row, milestone)) for row in rows]


def row_status(row: dict[str, Any], milestone: str) -> str | None:
    """A row's status of ``milestone`` (from its met column in tables without one;
    a table's missing value, NaN or NA, is None)."""
    status = row.get(f"status_{milestone}")
    if isinstance(status, str):
        return status
    met = row.get(f"met_{milestone}")
    if met is None:
        return None
    try:
        if met != met:  # NaN
            return None
        return "met" if bool(met) else "missed"
    except TypeError:  # pandas NA
        return None


def counts(rows: list[dict[str, Any]], milestone: str) -> Any:
    """``sim.stats.Counts`` of one milestone over rows."""
    return count(row_status(row, milestone) for row in rows)


def times(rows: list[dict[str, Any]], milestone: str) -> tuple[list[float], list[float]]:
    """Kaplan–Meier input: minutes to done (observed) and minutes watched (censored)."""
    done: list[float] = []
    watched: list[float] = []
    for row in rows:
        status = row_status(row, milestone)
        if status not in ("met", "missed", "undecided"):
            continue
        t = row.get(f"t_{milestone}_min")
        if t is not None and not (isinstance(t, float) and math.isnan(t)):
            done.append(float(t))
            continue
        c = row.get(f"censor_{milestone}_min")
        if c is not None and not (isinstance(c, float) and math.isnan(c)):
            watched.append(float(c))
    return done, watched


def undecided(rows: list[dict[str, Any]], milestone: str) -> int:
    return sum(1 for row in rows if row.get(f"status_{milestone}") == "undecided")
