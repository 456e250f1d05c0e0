"""The columns of ``runs.parquet``: one row per replication, typed for analysis.

- ``met_<milestone>``: a nullable boolean — true (met), false (missed), or
  null when it did not apply or was still undecided when the drill ended;
- ``status_<milestone>``: which of those it was — ``met``, ``missed``,
  ``undecided`` (its deadline falls after the drill: censored, never to be
  dropped from a proportion nor counted as met) or ``not_applicable``;
- ``t_<milestone>_min``: minutes from the milestone's clock start to being done
  (late or not), null if it never was;
- every other time carries its unit too (``first_level_at_min``, ``ended_at_min``);
- ``level``: the last response level declared, an ordered categorical IV < III < II < I;
- ``cause_<milestone>`` (evaluations): what accounts for a miss.

``sim.engine.batch.run`` keeps its own flat names (``t_<milestone>``); the
renaming happens here, where tables are made.
"""

from __future__ import annotations

from typing import Any

from ..spec.plan import LEVELS

STATUSES = ("met", "missed", "undecided", "not_applicable")
# categorical columns and their categories (ordered ones say so)
CATEGORIES: dict[str, tuple[tuple[str, ...], bool]] = {"level": (LEVELS, True)}
STATUS_CATEGORIES = (STATUSES, False)

_ENGINE_STATUS = {
    "met": "met",
    "missed": "missed",
    "pending": "undecided",
    "undecided": "undecided",  # model version 4: the engine says so itself at the end
    "not_applicable": "not_applicable",
}


def column_name(key: str) -> str:
    """The table's name of one of ``run``'s outcome keys (times carry ``_min``)."""
    if key.startswith("t_") and not key.endswith("_min"):
        return key + "_min"
    if key.endswith("_at"):
        return key + "_min"
    return key


def outcome_columns(flat: dict[str, Any]) -> dict[str, Any]:
    return {column_name(k): v for k, v in flat.items()}


def status_columns(card: Any) -> dict[str, str]:
    """status_<milestone> from a drill's scorecard."""
    out = {}
    for m in card.milestones:
        status = _ENGINE_STATUS.get(m.status)
        if status is not None:
            out[f"status_{m.id}"] = status
    return out


def categories_of(column: str) -> tuple[tuple[str, ...], bool] | None:
    if column.startswith("status_"):
        return STATUS_CATEGORIES
    return CATEGORIES.get(column)


def type_of(key: str, value: Any) -> str:
    """A fixed type per column, from its name first (never from a chance None)."""
    if key.startswith("met_"):
        return "bool"
    if key.startswith("t_"):
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
        if causes:
            row[f"cause_{m.id}"] = None
    return row


def outcomes(rows: list[dict[str, Any]], milestone: str) -> list[bool | None]:
    """One milestone's outcome per replication for a proportion: True met;
    False missed or undecided (censored: in the denominator, never counted as
    met); None did not apply (left out)."""
    out: list[bool | None] = []
    for row in rows:
        status = row.get(f"status_{milestone}")
        met = row.get(f"met_{milestone}")
        if status == "undecided":
            out.append(False)
        elif status == "not_applicable" or (status is None and met is None):
            out.append(None)
        else:
            out.append(bool(met))
    return out


def undecided(rows: list[dict[str, Any]], milestone: str) -> int:
    return sum(1 for row in rows if row.get(f"status_{milestone}") == "undecided")
