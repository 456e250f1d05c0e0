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
    from sim.engine import decisions as D
    from sim.engine.drill import Drill
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
        d = D.FacilitatorInject.make(f"注入{i}", f"inject {i}")
        if drill.decide(d).accepted:
            writer.record(drill.now, d.to_dict())
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
    assert len(journal.decisions) >= k
    assert [d["en"] for _, d in journal.decisions[:k]] == [f"inject {i}" for i in range(k)]
    assert rebuild(journal).drill.decisions  # and it replays


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
    assert rebuild(read_journal(path)).drill.decisions  # unchanged: replays

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
