"""The report reads as people write: every id by its label, times as the
scenario's time of day, p-values as "p < 0.001", decisions as sentences in the
plan's own words, grouped by the role that took them, with the evaluator's
notes beside what they are about; the facilitator's injects are injects, not
team decisions."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from sim.cli import main_group
from sim.cli.base import run_cli
from sim.counterfactual import compare, play_policy_logged
from sim.engine.drill import Drill
from sim.engine.facilitator import AdHocInject
from sim.journal import JournalWriter, read_journal
from sim.present import decision_sentence, id_labels, p_text, unit_and_plan_title
from sim.report.catalog import do_text
from sim.report.document import Block, build_blocks
from sim.report.records import Records, read_records
from sim.report.writers import write_md
from sim.spec import catalog
from sim.spec.loader import load_plan_file, load_scenario_file

SEAT_OF = {  # the seats a drill room records: the city plan's role ids (scenarios/plans/city.yaml roles:)
    "declare_level": "command",
    "summon": "command",
    "request_support": "command",
    "initial_reply": "policy_group",
    "package_solution": "policy_group",
    "public_statement": "info_group",
}
NOTE_DECISION = 1  # the evaluator's note on the second decision record
INJECT = AdHocInject.make("一名记者到达现场", "A reporter arrives on site")
# how a facilitator's inject was journaled before it had a record of its own
LEGACY_INJECT = {"kind": "facilitator_inject", "zh": INJECT.zh, "en": INJECT.en}


def _load(scenario: str, plan: str):  # type: ignore[no-untyped-def]
    sf, pf = catalog.scenario_path(scenario), catalog.plan_path(plan)
    return sf, pf, load_scenario_file(sf)[0], load_plan_file(pf)[0]


@pytest.fixture(scope="module")
def seated_journal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Compound peaks on the city plan: the plan-following decisions 20 min late,
    the first 14 of them, each with its seat; a facilitator inject journaled the
    way the TUI does today (a decision of kind facilitator_inject); evaluator notes
    on a decision, a milestone and the drill as a whole."""
    sf, pf, scen, plan = _load("compound-peaks", "city")
    _, taken = play_policy_logged(plan, scen, 5, "plan")
    path = tmp_path_factory.mktemp("seats") / "room.jsonl"
    drill = Drill(plan, scen, 5)
    writer = JournalWriter(path, pf, sf, 5)
    records = 0
    for td in taken[:14]:
        t = td.t + 20
        if records == 3:
            drill.advance(max(t, drill.now))
            assert drill.facilitate(INJECT).accepted
            writer.record(drill.now, LEGACY_INJECT)
            records += 1
        drill.advance(max(t, drill.now))
        if not drill.decide(td.decision).accepted:
            continue
        seat = SEAT_OF.get(td.decision.kind, "reception")
        writer._write({"type": "decision", "t": drill.now, "decision": td.decision.to_dict(), "seat": seat})
        records += 1
    first = plan.all_milestones()[0][1].id
    writer.note(
        drill.now, "evaluation", seat="evaluator", text="级别宣布偏晚", about={"decision": NOTE_DECISION}
    )
    writer.note(drill.now, "evaluation", seat="evaluator", text="初筛及时", about={"milestone": first})
    writer.note(drill.now, "evaluation", seat="evaluator", text="各组配合顺畅", about={})
    writer.close()
    return path


@pytest.fixture(scope="module")
def comparison(seated_journal: Path):  # type: ignore[no-untyped-def]
    return compare(read_journal(seated_journal), reps=3, costly_reps=1)


@pytest.fixture(scope="module")
def reports(comparison, tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[list[Block], str]]:  # type: ignore[no-untyped-def]
    out = {}
    folder = tmp_path_factory.mktemp("md")
    for lang in ("zh", "en"):
        blocks = build_blocks(comparison, lang, [])
        write_md(blocks, folder / f"{lang}.md")
        out[lang] = (blocks, (folder / f"{lang}.md").read_text(encoding="utf-8"))
    return out


def _ids(plan, scen) -> set[str]:  # type: ignore[no-untyped-def]
    return set(id_labels(plan, scen)) - {"base"}


def _raw_ids(text: str, ids: set[str]) -> set[str]:
    return {w for w in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text) if w in ids}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_raw_ids_in_a_compound_peaks_report(reports, comparison, lang: str) -> None:  # type: ignore[no-untyped-def]
    """`召集备勤人员（reception）`, `Issue the initial reply (buyers)`: every team,
    official, venue, site, channel and incident is shown by its label."""
    _blocks, md = reports[lang]
    drill = comparison.actual_drill
    ids = _ids(drill.plan, drill.scenario)
    if (
        lang == "en"
    ):  # English labels may use plain words that are also ids ("legal aid" is fine, "legal_aid" is not)
        ids = {i for i in ids if "_" in i}
    assert not _raw_ids(md, ids)
    assert "派" in md or lang == "en"


def test_compare_output_shows_labels_and_times_of_day(seated_journal: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert run_cli(main_group, ["compare", str(seated_journal), "--reps", "2", "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    _sf, _pf, scen, plan = _load("compound-peaks", "city")
    assert not _raw_ids(out, _ids(plan, scen))
    assert not re.search(r"第 ?\d+ ?分钟", out)
    assert not re.search(r"\de-\d", out)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_times_are_times_of_day_and_p_values_never_exponents(reports, lang: str) -> None:  # type: ignore[no-untyped-def]
    _blocks, md = reports[lang]
    assert not re.search(r"\d(\.\d+)?e-\d", md)  # "p = 3.5e-18"
    if lang == "zh":
        assert not re.search(r"第 ?\d+ ?分钟", md)
        assert "首报后" in md  # a result names its clock's start
    else:
        assert not re.search(r"\bat \d+ min\b|\bmin \d+\b", md)
        assert "after the first report" in md
    assert re.search(r"\| \d\d:\d\d \|", md)  # the timeline's moments


def test_p_values_are_written_as_people_read_them() -> None:
    assert p_text(3.5e-18) == "p < 0.001"
    assert p_text(0.00049) == "p < 0.001"
    assert p_text(0.0039) == "p = 0.004"
    assert p_text(0.25) == "p = 0.25"
    assert p_text(1.0) == "p = 1.00"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_text_starts_with_a_comma(reports, lang: str) -> None:  # type: ignore[no-untyped-def]
    blocks, md = reports[lang]
    starts = re.compile(r"^\s*[,，、;；]")
    texts = [b.text for b in blocks] + [c for b in blocks for row in [b.header, *b.rows] for c in row]
    assert not [t for t in texts if starts.match(t)]
    assert not [line for line in md.splitlines() if starts.match(line)]


def test_unit_name_is_the_unit_not_the_plan_title(reports) -> None:  # type: ignore[no-untyped-def]
    blocks, _md = reports["zh"]
    overview = next(b for b in blocks if b.kind == "table")
    rows = dict((r[0], r[1]) for r in overview.rows)
    assert rows["演练单位"] == "某市"
    assert rows["依据预案"] == "2026年信访工作应急预案"
    mine = load_plan_file(catalog.plan_path("coal-mine"))[0]
    assert unit_and_plan_title(mine, "zh") == ("某煤矿", "信访工作应急预案")
    assert unit_and_plan_title(mine, "en") == ("A coal-mine enterprise", "petition emergency plan")
    station = load_plan_file(catalog.plan_path("transport-station"))[0]
    assert (
        unit_and_plan_title(station, "zh")[0] == "某县交通运输局道路运输管理站（运管站）"
    )  # an abbreviation stays


def test_decisions_are_sentences_not_dumps() -> None:
    _sf, _pf, scen, plan = _load("mine-group-visit", "coal-mine")
    labels = id_labels(plan, scen)
    dispatch = {"team": "security", "people": 4, "to": "parent_company"}
    assert (
        decision_sentence("dispatch", dispatch, labels, "zh", plan)
        == "派保卫科（保卫干警）4人前往集团公司机关"
    )
    assert decision_sentence("dispatch", dispatch, labels, "en", plan) == (
        "Send 4 of security department (guards) to parent company headquarters"
    )
    assert (
        decision_sentence("call_in", {"team": "security"}, labels, "zh", plan)
        == "召集保卫科（保卫干警）的全部备勤人员"
    )
    incident = scen.incidents[0]
    said = decision_sentence("summon", {"official": "deputy", "to": incident.id}, labels, "zh", plan)
    assert said == f"通知分管信访的矿领导到{incident.label.zh}处"


@pytest.mark.parametrize("plan_id", ["city", "unit", "town", "transport-station", "coal-mine"])
def test_corrective_actions_use_the_plans_own_names(plan_id: str) -> None:
    """The mine has no commander and no policy task force: its actions name its
    own petition office and leaders, never the city's wording."""
    plan = load_plan_file(catalog.plan_path(plan_id))[0]
    scen = load_scenario_file(catalog.scenario_path("group-visit-50"))[0]
    labels = id_labels(plan, scen)
    own = " ".join(str(v.zh) for v in labels.values())
    for _level, m in plan.all_milestones():
        said = do_text(m, plan, labels, "zh")
        for city_word in ("总指挥", "政策攻坚组", "政策组", "前方工作组"):
            assert city_word not in said or city_word in own, (m.id, said)
    if plan_id == "coal-mine":
        reply = next(m for _l, m in plan.all_milestones() if m.measure.kind == "reply_issued")
        assert "矿信访工作办公室" in do_text(reply, plan, labels, "zh")


def test_decisions_and_findings_are_grouped_by_role_with_the_evaluators_notes(reports, comparison) -> None:  # type: ignore[no-untyped-def]
    blocks, md = reports["zh"]
    roles_at = next(i for i, b in enumerate(blocks) if b.kind == "h1" and "各角色" in b.text)
    end = next(i for i, b in enumerate(blocks) if i > roles_at and b.kind == "h1")
    section = blocks[roles_at:end]
    heads = [b.text for b in section if b.kind == "h2"]
    commander = "市级指挥部（总指挥、副指挥长）"
    assert {commander, "政策攻坚组", "舆情管控组"} <= set(heads), heads
    # each role's table holds exactly the decisions its seat took
    records = read_records(comparison.journal.path.read_text(encoding="utf-8").splitlines())
    for head in (commander, "政策攻坚组"):
        table = section[[b.text for b in section].index(head) + 1]
        seat = "command" if head == commander else "policy_group"
        assert len(table.rows) == sum(1 for d in records.decisions if d.seat == seat)
    # the note on decision record 1 sits in that decision's row
    noted = [row for b in section if b.kind == "table" for row in b.rows if "级别宣布偏晚" in row[-1]]
    assert len(noted) == 1
    d1 = next(d for d in records.decisions if d.index == NOTE_DECISION)
    labels = id_labels(comparison.actual_drill.plan, comparison.actual_drill.scenario)
    assert noted[0][1] == decision_sentence(d1.kind, d1.data, labels, "zh", comparison.actual_drill.plan)
    # the milestone note beside its milestone, the general one among the lessons
    first = comparison.actual_drill.plan.all_milestones()[0][1]
    mtable = next(b for b in blocks if b.kind == "table" and b.header and "里程碑" in b.header)
    row = next(r for r in mtable.rows if r[1].startswith(first.label.zh))
    assert "初筛及时" in row[-1]
    assert "各组配合顺畅" in md.split("七、经验教训")[1]
    # findings name the roles they concern
    ftable = next(
        b for b in blocks if b.kind == "table" and b.header and "依据（事件日志与反事实）" in b.header
    )
    assert all(r[2] for r in ftable.rows)


def test_a_journal_without_seats_lists_everything_under_all_roles(comparison) -> None:  # type: ignore[no-untyped-def]
    records = read_records(comparison.journal.path.read_text(encoding="utf-8").splitlines())
    unseated = Records([replace(d, seat=None) for d in records.decisions], records.facilitator, [])
    blocks = build_blocks(comparison, "en", [], records=unseated)
    start = next(i for i, b in enumerate(blocks) if b.kind == "h1" and "by role" in b.text)
    heads = [b.text for b in blocks[start + 1 :] if b.kind in ("h1", "h2")][:2]
    assert heads[0] == "All roles"
    assert len(blocks[start + 3].rows) == len(records.decisions)


def test_facilitator_injects_are_injects_not_team_decisions(reports, comparison) -> None:  # type: ignore[no-untyped-def]
    blocks, md = reports["zh"]
    records = read_records(comparison.journal.path.read_text(encoding="utf-8").splitlines())
    assert len(records.facilitator) == 1
    team = len(records.decisions)
    assert team == len(comparison.decisions)  # the comparison's are the team's alone
    assert len(comparison.facilitation) == 1  # the inject, replayed in every arm
    overview = dict((r[0], r[1]) for r in next(b for b in blocks if b.kind == "table").rows)
    assert overview["决策数量"] == str(team)
    assert overview["导调注入"] == "1"
    assert f"共作出 {team} 项决策" in md
    timeline = next(b for b in blocks if b.kind == "table" and b.header and b.header[1] == "类别")
    shown = [r for r in timeline.rows if "一名记者到达现场" in r[2]]
    assert [r[1] for r in shown] == ["导调注入"]


def test_facilitator_records_of_either_form_are_read_as_injects() -> None:
    header = json.dumps({"type": "header"})
    lines = [
        header,
        json.dumps(
            {"type": "decision", "t": 5, "decision": {"kind": "facilitator_inject", "zh": "甲", "en": "a"}}
        ),
        json.dumps(
            {"type": "facilitator", "t": 6, "action": {"kind": "inject", "zh": "乙"}, "seat": "facilitator"}
        ),
        json.dumps(
            {"type": "decision", "t": 7, "decision": {"kind": "public_statement"}, "seat": "public_info"}
        ),
        json.dumps({"type": "note", "t": 8, "what": "evaluation", "text": "好", "about": {"decision": 2}}),
        json.dumps({"type": "note", "t": 9, "what": "ended"}),
    ]
    records = read_records(lines)
    assert [a.t for a in records.facilitator] == [5, 6]
    assert [(d.index, d.kind, d.seat) for d in records.decisions] == [(1, "public_statement", "public_info")]
    assert records.notes_on_decision(1) == [] and len(records.notes) == 1
    assert records.notes[0].decision == 2


def test_scorecard_tables_round_minutes_taken_up() -> None:
    """`limit 30 | took 30 | missed` for 30.4 min: a shown duration never looks within a limit it missed."""
    from rich.console import Console

    from sim.engine.scorecard import MilestoneResult, Scorecard
    from sim.present import scorecard_table

    late = MilestoneResult("m", "甲", "a", None, "missed", 0.0, 30.0, 30.4, 30.4, 30.0, None, False)
    console = Console(width=120, record=True)
    console.print(scorecard_table(Scorecard((late,), {}), "en"))
    row = next(line for line in console.export_text().splitlines() if " a " in line)
    assert "31" in row and "missed" in row


def test_the_systems_steps_are_marked_and_never_advice(reports, comparison) -> None:  # type: ignore[no-untyped-def]
    """Steps the team's decisions cannot change (``controllable: false``; until the
    plan schema carries it, the alert steps the model does by itself: screening and
    verification) are marked as the system's in the milestone table, never graded
    as a finding, never given a corrective action, never credited to the team."""
    from sim.fairness import is_system
    from sim.report.document import make_findings

    plan = comparison.actual_drill.plan
    system = {m.id for _level, m in plan.all_milestones() if is_system(m, plan)}
    assert system  # the city plan's screening and verification steps
    kinds = {m.id: m.measure.kind for _level, m in plan.all_milestones()}
    for lang, mark in (("zh", "（系统环节）"), ("en", " (the system's)")):
        blocks, _md = reports[lang]
        findings = make_findings(comparison, lang, kinds)
        assert not {f.milestone for f in findings} & system
        labels = {m.id: m.label(lang) for m in comparison.milestones}
        table = next(
            b
            for b in blocks
            if b.kind == "table"
            and b.rows
            and len(b.rows[0]) >= 3
            and b.rows[0][1].startswith(tuple(labels.values()))
        )
        marked = {row[1] for row in table.rows if mark in row[1]}
        assert {labels[s] + mark for s in system if s in labels} <= {n.replace(" *", "") for n in marked}


def test_pending_at_the_end_reads_undecided_within_the_drill() -> None:
    from sim.present import milestone_result_text
    from sim.report.document import final_status

    assert final_status("pending") == "undecided" and final_status("met") == "met"
    text = milestone_result_text("undecided", None, None, 720, "level_declared", "2026-03-02T08:30", "en")
    assert text.startswith("undecided in the drill")


def test_compare_gives_the_verdict_on_your_decisions(seated_journal: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COLUMNS", "300")  # one line per row: the words are not wrapped apart
    assert run_cli(main_group, ["compare", str(seated_journal), "--reps", "2", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "verdict (yours)" in out and "(the system's)" in out
    assert "count as not met" in " ".join(out.split())  # the caption wraps at the table's width
