"""Journal, resume and replay: a SIGKILL loses no confirmed decision, a rebuilt
drill is byte-identical, and changed plan or scenario files are refused."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from sim.cli import main_group
from sim.cli.base import run_cli
from sim.engine.drill import Drill
from sim.engine.policies import make, play
from sim.engine.version import MODEL_VERSION
from sim.journal import JournalError, JournalWriter, read_journal
from sim.replay import rebuild
from sim.spec import catalog
from sim.spec.loader import load_plan_file, load_scenario_file

CHILD = textwrap.dedent(
    """
    import sys
    from sim.engine.drill import Drill
    from sim.engine.facilitator import FacilitatorInject
    from sim.journal import JournalWriter
    from sim.spec import catalog
    from sim.spec.loader import load_plan_file, load_scenario_file

    sf, pf = catalog.scenario_path("group-visit-50"), catalog.plan_path("city")
    scen, _ = load_scenario_file(sf)
    plan, _ = load_plan_file(pf)
    drill = Drill(plan, scen, 3)
    writer = JournalWriter(sys.argv[1], pf, sf, 3)
    i = 0
    while True:
        t = min(i * 0.25, drill.horizon - 1)
        drill.advance(t)
        d = FacilitatorInject.make(f"注入{i}", f"inject {i}")
        if drill.facilitate(d).accepted:
            writer.facilitator(drill.now, d.to_dict())
            print(i, flush=True)
        i += 1
    """
)


def test_sigkill_loses_no_confirmed_decision(tmp_path: Path) -> None:
    path = tmp_path / "killed.jsonl"
    script = tmp_path / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(script), str(path)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    k = 25
    seen = [proc.stdout.readline() for _ in range(k)]
    assert all(line.strip() for line in seen)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    journal = read_journal(path)
    assert len(journal.actions) >= k
    assert [d["en"] for _, d in journal.actions[:k]] == [f"inject {i}" for i in range(k)]
    assert any(e.kind == "facilitator" for e in rebuild(journal).drill.log)  # and it replays


def test_torn_last_line_mid_character_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "torn.jsonl"
    sf, pf = catalog.scenario_path("group-visit-50"), catalog.plan_path("city")
    writer = JournalWriter(path, pf, sf, 1)
    writer.record(0.0, {"kind": "facilitator_inject", "zh": "甲", "en": "a"})
    writer.close()
    whole = '{"decision": {"kind": "facilitator_inject", "zh": "乙乙", "en": "b"}, "t": 1.0, "type": "decision"}\n'
    with open(path, "ab") as fh:
        fh.write(whole.encode("utf-8")[:62])  # cut inside a multi-byte character
    assert len(read_journal(path).decisions) == 1
    reopened = JournalWriter.reopen(read_journal(path))
    reopened.record(2.0, {"kind": "facilitator_inject", "zh": "丙", "en": "c"})
    reopened.close()
    assert [d["en"] for _, d in read_journal(path).decisions] == ["a", "c"]


@pytest.mark.parametrize("text", ["", "not json\n", "[1, 2]\n", '{"type": "header"}\n'])
def test_bad_journals_are_user_errors(tmp_path: Path, text: str, capsys) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(JournalError):
        read_journal(path)
    assert run_cli(main_group, ["replay", str(path)]) == 2
    err = capsys.readouterr().err
    assert "bad.jsonl" in err and "Traceback" not in err


def test_resume_is_byte_identical(tmp_path: Path) -> None:
    sf, pf = catalog.scenario_path("group-visit-50"), catalog.plan_path("city")
    scen, _ = load_scenario_file(sf)
    plan, _ = load_plan_file(pf)
    path = tmp_path / "j.jsonl"
    writer = JournalWriter(path, pf, sf, 11)
    original = Drill(plan, scen, 11)
    play(original, make("plan"), until=120, on_decision=lambda t, d: writer.record(t, d.to_dict()))
    writer.close()
    journal = read_journal(path)
    last = journal.last_time
    assert journal.decisions and last > 0

    def upto(drill: Drill) -> str:
        return "".join(e.to_json() + "\n" for e in drill.log.entries if e.t <= last + 1e-9)

    resumed = rebuild(journal).drill
    assert resumed.now == pytest.approx(last)
    resumed.advance(resumed.now)  # events due at that very minute
    assert upto(resumed) == upto(original)
    original.advance(original.horizon)
    resumed.advance(resumed.horizon)
    assert resumed.log.jsonl() == original.log.jsonl()


def _copies(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "plans").mkdir()
    plan = tmp_path / "plans" / "city.yaml"
    scen = tmp_path / "group-visit-50.yaml"
    shutil.copy(catalog.plan_path("city"), plan)
    shutil.copy(catalog.scenario_path("group-visit-50"), scen)
    return plan, scen


def test_changed_files_are_refused_then_forced(tmp_path: Path, capsys) -> None:
    plan_file, scen_file = _copies(tmp_path)
    scen, _ = load_scenario_file(scen_file)
    plan, _ = load_plan_file(plan_file)
    path = tmp_path / "j.jsonl"
    writer = JournalWriter(path, plan_file, scen_file, 5)
    drill = Drill(plan, scen, 5)
    play(drill, make("plan"), until=60, on_decision=lambda t, d: writer.record(t, d.to_dict()))
    writer.close()
    assert any(e.kind == "decision" for e in rebuild(read_journal(path)).drill.log)  # unchanged: replays

    with open(plan_file, "a", encoding="utf-8") as fh:
        fh.write("\n# edited after the drill\n")
    with pytest.raises(JournalError) as exc:
        rebuild(read_journal(path))
    assert str(plan_file) in str(exc.value) and "plan file" in str(exc.value)
    assert "scenario" not in str(exc.value).split("--force")[0].replace(str(scen_file), "")

    assert run_cli(main_group, ["replay", str(path), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "city.yaml" in err and "changed" in err and "Traceback" not in err

    log = tmp_path / "log.jsonl"
    assert run_cli(main_group, ["replay", str(path), "--force", "--lang", "en", "--log", str(log)]) == 0
    out = capsys.readouterr().out
    assert "FORCED" in out and "city.yaml" in out
    assert log.read_text(encoding="utf-8").count("\n") > 10

    scen_file.write_text(scen_file.read_text(encoding="utf-8") + "\n# edited too\n", encoding="utf-8")
    with pytest.raises(JournalError) as exc:
        rebuild(read_journal(path))
    assert "group-visit-50.yaml" in str(exc.value)


def test_a_journal_from_another_model_version_is_refused_then_forced(tmp_path: Path, capsys) -> None:
    """A drill played under an earlier model replays to other results: say so."""
    path = tmp_path / "j.jsonl"
    assert run_cli(main_group, ["run", "group-visit-50", "--seed", "2", "--journal", str(path)]) == 0
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header = json.loads(lines[0])
    assert header["model"] == MODEL_VERSION
    del header["model"]  # as journals written before the field was added
    path.write_text(json.dumps(header) + "\n" + "".join(lines[1:]), encoding="utf-8")
    with pytest.raises(JournalError) as exc:
        rebuild(read_journal(path))
    assert f"model version 1; this is version {MODEL_VERSION}" in str(exc.value) and "--force" in str(
        exc.value
    )
    capsys.readouterr()
    assert run_cli(main_group, ["replay", str(path), "--force", "--lang", "en"]) == 0
    assert "FORCED" in capsys.readouterr().out


def test_resume_headless_and_missing_journal(tmp_path: Path, capsys) -> None:
    path = tmp_path / "j.jsonl"
    assert run_cli(main_group, ["run", "group-visit-50", "--seed", "2", "--journal", str(path)]) == 0
    capsys.readouterr()
    before = path.read_bytes()
    assert run_cli(main_group, ["resume", str(path), "--headless", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Resumed at" in out and "running to the end" in out
    assert path.read_bytes() == before  # appends nothing
    assert run_cli(main_group, ["replay", str(tmp_path / "nope.jsonl")]) == 2
    assert "no such journal" in capsys.readouterr().err


# --- one schema, the same for every reader ------------------------------------------------------

READERS = [
    ["replay"],
    ["resume", "--headless"],
    ["compare", "--reps", "1"],
    ["report", "--reps", "1", "--format", "md"],
]


def _journal_lines(tmp_path: Path) -> tuple[dict, list[dict]]:
    path = tmp_path / "good.jsonl"
    # a larger first wave takes group-visit-50 to level III, so the journal holds every
    # decision kind edited below (opening hall B among them)
    args = ["run", "group-visit-50", "--seed", "3", "--set", "incidents.buyers.size_people.mean=95"]
    assert run_cli(main_group, [*args, "--journal", str(path)]) == 0
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return lines[0], lines[1:]


def _first(records: list[dict], kind: str) -> int:
    return next(i for i, r in enumerate(records) if r["decision"]["kind"] == kind)


def _bad_journals(header: dict, records: list[dict]) -> dict[str, tuple[str, str]]:
    """name -> (journal text, what the error must say)."""

    def text(h: dict, rs: list[dict]) -> str:
        return "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in [h, *rs])

    def edit_decision(which: str, **fields: object) -> list[dict]:
        rs = json.loads(json.dumps(records))
        rs[_first(rs, which)]["decision"].update(fields)
        return rs

    def edit_record(n: int, **fields: object) -> list[dict]:
        rs = json.loads(json.dumps(records))
        rs[n].update(fields)
        return rs

    without_seed = {k: v for k, v in header.items() if k != "seed"}
    out = {
        "t negative": (
            text(header, edit_record(0, t=-5)),
            ":2: t: input should be greater than or equal to 0",
        ),
        "t goes back": (text(header, edit_record(3, t=1.0)), ":5: t: goes back in time"),
        "t after the end": (
            text(header, edit_record(len(records) - 1, t=10_000.0)),
            "after the scenario's end",
        ),
        "t a string": (text(header, edit_record(0, t="5")), ":2: t: input should be a valid number"),
        "level ZZZ": (
            text(header, edit_decision("declare_level", level="ZZZ")),
            "decision.level: input should be 'IV', 'III', 'II' or 'I', got 'ZZZ'",
        ),
        "a list for a name": (
            text(header, edit_decision("summon", official=["leader"])),
            "decision.official",
        ),
        "a dict for a name": (text(header, edit_decision("open_venue", venue={"id": "x"})), "decision.venue"),
        "a count of 1.5": (text(header, edit_decision("call_in", people=1.5)), "decision.people"),
        "an unknown field": (
            text(header, edit_decision("summon", hurry=True)),
            "decision.hurry: unknown field",
        ),
        "an unknown kind": (
            text(header, edit_decision("summon", kind="teleport")),
            "decision.kind: must be one of",
        ),
        "seed 1.5": (text({**header, "seed": 1.5}, records), ":1: seed: input should be a valid integer"),
        "seed negative": (text({**header, "seed": -1}, records), ":1: seed: input should be greater than"),
        "seed missing": (text(without_seed, records), ":1: seed: missing"),
        "seed beyond 64 bits": (text({**header, "seed": 2**63}, records), ":1: seed:"),
        "seed as text": (text({**header, "seed": "7"}, records), ":1: seed: input should be a valid integer"),
        "plan a list": (text({**header, "plan": ["city"]}, records), ":1: plan:"),
        "params not numbers": (
            text({**header, "params": {"teams.reception.on_duty": [1]}}, records),
            ":1: params.teams.reception.on_duty",
        ),
        "params the schema refuses": (
            text({**header, "params": {"incidents.buyers.size_people": 1e12}}, records),
            ":1: params: incidents.buyers.size_people",
        ),
        "a second header": (text(header, [*records[:2], header, *records[2:]]), ":4: a second header"),
    }
    nan = text(header, records).replace('"t": ' + json.dumps(records[0]["t"]), '"t": NaN', 1)
    out["t NaN"] = (nan, ":2: not valid JSON: NaN is not a number")
    dupe = text(header, records).replace('"type": "decision"', '"type": "decision", "type": "decision"', 1)
    out["a field twice"] = (dupe, "appears twice")
    inject = {
        "type": "decision",
        "t": records[0]["t"],
        "decision": {"kind": "facilitator_inject", "zh": "甲", "en": "a", "effect": "join"},
    }
    out["a string inject effect"] = (
        text(header, [inject, *records]),
        "decision.effect: input should be a valid dictionary",
    )
    return out


def test_every_reader_refuses_the_same_bad_journals_with_the_same_message(tmp_path: Path, capsys) -> None:
    """replay, resume, compare and report read journals through one schema:
    each bad journal below is refused by all four, exit 2, with one message
    naming the line and the field — none is replayed quietly (seed 1.5 as 1),
    filed as a report (t: -5, level ZZZ) or crashes (a missing seed)."""
    header, records = _journal_lines(tmp_path)
    capsys.readouterr()
    for name, (text, expected) in _bad_journals(header, records).items():
        path = tmp_path / f"{name.replace(' ', '_')}.jsonl"
        path.write_text(text, encoding="utf-8")
        messages = set()
        for reader in READERS:
            code = run_cli(main_group, [reader[0], str(path), *reader[1:]])
            err = capsys.readouterr().err
            assert code == 2, (name, reader, err)
            assert "Traceback" not in err and "internal error" not in err, (name, err)
            messages.add(err.strip().splitlines()[-1])
        assert len(messages) == 1, (name, messages)
        assert expected in messages.pop(), name
        assert not list(tmp_path.glob(f"{path.stem}-report-*")), "no report is filed from a bad journal"


def test_every_decision_kind_round_trips_through_the_journal_codec() -> None:
    from sim.engine import decisions as D
    from sim.journal import decision_of, decision_record

    samples = [
        D.DeclareLevel("III"),
        D.CallIn("reception", 3),
        D.CallIn("reception"),
        D.Dispatch("reception", 2, "buyers"),
        D.Summon("leader", "buyers"),
        D.OpenVenue("hall_b"),
        D.MoveGroup("buyers", "hall_b"),
        D.AskRepresentatives("buyers"),
        D.StartDialogue("buyers", "leader"),
        D.IssueInitialReply("buyers"),
        D.AskPackageSolution("buyers"),
        D.PublishStatement(),
        D.SetCordon("buyers"),
        D.MedicalStandby("buyers"),
        D.StartLegalAid("buyers"),
        D.ContactFamily("buyers"),
        D.RequestSupport(),
        D.EndResponse(),
    ]
    assert {type(d) for d in samples} == set(D.ALL)
    for decision in samples:
        record = decision_record(decision)
        assert record == decision.to_dict()
        assert decision_of(record) == decision
        assert D.from_dict(record) == decision  # the engine's own reader agrees


def test_every_facilitator_action_round_trips_through_the_journal_codec() -> None:
    """The facilitator's actions are not decisions: their own records, and an
    inject journaled as a decision (before they were) still reads as one."""
    from sim.engine import facilitator as F
    from sim.journal import action_record, decision_record

    samples = [
        F.AdHocInject.make("有人加入", "people join", {"kind": "join", "incident": "buyers", "people": 20}),
        F.AdHocInject.make("记者到场", "press arrive"),
        *(F.MselAction(2, do) for do in ("play", "hold", "release", "skip")),
    ]
    assert {type(a) for a in samples} == set(F.ALL)
    for action in samples:
        record = action_record(action.to_dict())
        assert record == action.to_dict()
        assert F.from_dict(record) == action
    legacy = {"kind": "facilitator_inject", "zh": "甲", "en": "a"}
    assert F.from_dict(decision_record(legacy)) == F.AdHocInject("甲", "a")


def test_the_writer_refuses_what_readers_would_refuse(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    writer = JournalWriter(path, catalog.plan_path("city"), catalog.scenario_path("group-visit-50"), 1)
    writer.record(5.0, {"kind": "declare_level", "level": "IV"}, seat="commander")
    with pytest.raises(JournalError, match=r"decision\.level"):
        writer.record(6.0, {"kind": "declare_level", "level": "ZZZ"})
    with pytest.raises(JournalError, match="after one at 5"):
        writer.record(4.0, {"kind": "public_statement"})
    with pytest.raises(JournalError, match="seed"):
        JournalWriter(
            tmp_path / "k.jsonl", catalog.plan_path("city"), catalog.scenario_path("group-visit-50"), -1
        )
    assert not (tmp_path / "k.jsonl").exists()
    writer.close()
    assert len(read_journal(path).decisions) == 1


def test_seats_facilitator_actions_clock_and_notes_are_records(tmp_path: Path) -> None:
    """The record types the room branch writes (CONTRACTS.md): a decision with its
    seat, a facilitator action, where the clock stood, an evaluator's note."""
    path = tmp_path / "room.jsonl"
    writer = JournalWriter(
        path,
        catalog.plan_path("city"),
        catalog.scenario_path("group-visit-50"),
        4,
        extra={"room": {"seats": ["commander"]}},
    )
    writer.record(12.0, {"kind": "declare_level", "level": "IV"}, seat="commander")
    writer.facilitator(14.0, {"kind": "inject", "zh": "记者到场", "en": "press arrive", "effect": None})
    writer.facilitator(15.0, {"kind": "msel", "inject": 2, "do": "hold"})
    writer.clock(16.0)
    writer.note(16.5, "evaluation", seat="evaluator", text="快", about={"milestone": "leader_30"})
    writer.close()
    journal = read_journal(path)
    assert journal.header["room"] == {"seats": ["commander"]}
    assert journal.decisions == [(12.0, {"kind": "declare_level", "level": "IV"})]
    assert [t for t, _ in journal.actions] == [14.0, 15.0]
    assert journal.actions[1][1] == {"kind": "msel", "inject": 2, "do": "hold"}
    assert journal.stood_at == 16.0 and journal.last_time == 12.0  # the clock record; a note does not move it
    ((t, decision, seat),) = journal.timed_decisions()
    assert (t, decision.kind, seat) == (12.0, "declare_level", "commander")
    bad = (
        path.read_text(encoding="utf-8")
        + json.dumps(
            {"type": "facilitator", "t": 17, "action": {"kind": "msel", "inject": 2, "do": "explode"}}
        )
        + "\n"
    )
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(JournalError, match=r":7: action\.do"):
        read_journal(path)


def test_a_drill_resumed_after_its_end_note_appends_decisions(tmp_path: Path) -> None:
    """The terminal app notes 'ended_early' when the team stops; resuming goes
    on from the last decision, which is earlier: notes do not set the clock, so
    the next decision is not 'back in time' and the journal stays readable."""
    path = tmp_path / "j.jsonl"
    writer = JournalWriter(path, catalog.plan_path("city"), catalog.scenario_path("group-visit-50"), 2)
    writer.record(10.0, {"kind": "declare_level", "level": "IV"})
    writer.note(80.0, "ended_early", at=80.0)
    writer.close()
    journal = read_journal(path)
    assert journal.stood_at == 10.0
    reopened = JournalWriter.reopen(journal)
    reopened.record(15.0, {"kind": "public_statement"})
    reopened.close()
    assert [t for t, _ in read_journal(path).decisions] == [10.0, 15.0]
