"""drill evaluate's terminal table: a drill room reads each limit by its label in
its own language, a researcher still finds the id (the runs.parquet columns);
at 120 columns nothing is cut, and the reasons move under the table as notes."""

from __future__ import annotations

import io
import math
from typing import Any

import pytest
from rich.console import Console

from sim.experiment.evaluation import MilestoneEval, Report, ScenarioEval
from sim.experiment.evaluation_output import WIDE_MIN_COLUMNS, terminal_tables
from sim.stats import Counts, Verdict
from sim.stats.survival import time_to_milestone

# id, zh, en, level, limit, met, missed, undecided, verdict, extra fields
ROWS: list[tuple[str, str, str, str | None, float, int, int, int, Verdict, dict[str, Any]]] = [
    ("screen_5", "5分钟内完成初筛", "Report screened within 5 min", None, 5, 30, 10, 0, Verdict.SYSTEM,
     {"controllable": False}),
    ("leader_30", "30分钟内责任单位分管负责人到达联合接访室",
     "Responsible leader in the joint reception room within 30 min", "IV", 30, 35, 5, 0, Verdict.AT_RISK,
     {"bottleneck": ("officials.leader.arrival_min", 4, 5),
      "bottleneck_text": {"zh": "负责人到达太慢", "en": "the leader arrives too late"}}),
    ("crowd_below_10_240", "4小时内现场聚集降至10人以下", "Fewer than 10 people on site within 4 h", "IV", 240,
     0, 38, 2, Verdict.UNDECIDED, {}),
    ("supplies_120", "后勤保障组2小时内可向前方投送物资", "Logistics ready to deliver supplies to the front within 2 h",
     "III", 120, 40, 0, 0, Verdict.KEPT, {"assumed": True}),
    ("hall_b_open", "启用应急接待大厅B区", "Emergency hall B opened", "III", math.inf, 0, 0, 0, Verdict.UNTIMED, {}),
]  # fmt: skip


def _report() -> Report:
    milestones = []
    for mid, zh, en, level, limit, met, missed, undecided, verdict, extra in ROWS:
        times = [10.0 + i for i in range(met)]
        watched = [500.0] * (missed + undecided)
        counts = Counts(met=met, missed=missed, undecided=undecided)
        ttm = time_to_milestone(times, watched)
        milestones.append(MilestoneEval(mid, zh, en, level, limit, counts, ttm, verdict, **extra))
    scenario = ScenarioEval(
        "group-visit-50",
        {"zh": "50人以上集体访", "en": "Group visit of 50+ people"},
        40,
        milestones,
        window_min=360,
        horizon_min=1800,
        wall_start="2026-03-02T08:30",
    )
    return Report("city", {"zh": "某市", "en": "A city"}, 0.9, 40, 1, "plan", [scenario])


def _render(lang: str, width: int) -> str:
    buf = io.StringIO()
    console = Console(file=buf, width=width, color_system=None, force_terminal=False)
    for table in terminal_tables(_report(), lang):
        console.print(table)
    return buf.getvalue()


def _column(out: str, index: int) -> str:
    """The text of one table column, its wrapped lines joined, no whitespace."""
    parts = [line.split("│")[index + 1] for line in out.splitlines() if line.startswith("│")]
    return "".join("".join(parts).split())


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("width", [120, WIDE_MIN_COLUMNS + 20])
def test_label_in_the_users_language_and_the_id_beside_it(lang: str, width: int) -> None:
    out = _render(lang, width)
    report = _report()
    names = _column(out, 1)
    ids = _column(out, 2) if width >= WIDE_MIN_COLUMNS else names
    for e in report.scenarios[0].milestones:
        assert "".join(e.label(lang).split()) + ("" if width >= WIDE_MIN_COLUMNS else e.id) in names
        assert e.id in ids
    other = "zh" if lang == "en" else "en"
    assert report.scenarios[0].milestones[1].label(other) not in out
    # no 'IV leader_30' row name: the level has a column of its own
    assert "IV leader_30" not in out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_fits_120_columns(lang: str) -> None:
    out = _render(lang, 120)
    from rich.cells import cell_len

    assert max(cell_len(line) for line in out.splitlines()) <= 120
    assert "…" not in out  # nothing ellipsised: headers and ids fold, labels wrap


def test_narrow_layout_moves_reasons_under_the_table() -> None:
    out = _render("en", 120)
    assert "bottleneck / reason" not in out
    lines = out.splitlines()
    table_end = max(i for i, line in enumerate(lines) if line.startswith("└"))
    notes = lines[table_end + 1 :]
    text = "\n".join(notes)
    assert "[1] leader_30: the leader arrives too late" in text
    assert "[2] crowd_below_10_240: 2 of 40 undecided when the drill ended (counted as not met)" in text
    # the system's step and an assumed limit are said by the row and the caption, not as notes
    assert "screen_5:" not in text and "supplies_120:" not in text
    assert "120*" in out and "* no limit in the plan: an assumed value" in out
    assert "5*" not in out  # a seed's limit carries no mark
    row = next(line for line in lines if "at risk" in line)
    assert "[1]" in row


def test_wide_layout_keeps_the_reports_columns() -> None:
    out = _render("en", WIDE_MIN_COLUMNS + 20)
    assert "bottleneck / reason" in out and " id " in out
    reasons = _column(out, 9)
    assert "theleaderarrivestoolate" in reasons and "thelimitisanassumedfigure" in reasons
    assert "[1]" not in out


def test_zh_narrow_notes_and_headers() -> None:
    out = _render("zh", 120)
    assert "时限(分)" in "".join(out.split()) and "中位用时" in "".join(out.split())
    assert "[1] leader_30: 负责人到达太慢" in out
    assert "* 预案未写时限：假定值" in out
