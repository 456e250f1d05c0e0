"""Determinism and common random numbers.

Same seed and same decisions at the same times give a byte-identical event
log. Each source of randomness has its own stream, so changing one team's
size changes nothing about who arrives when.
"""

from __future__ import annotations

from engine_fixtures import model

from sim import load_plan, load_scenario
from sim.engine import decisions as D
from sim.engine import params as P
from sim.engine.batch import play_policy
from sim.engine.drill import Drill


def scripted(seed: int, plan=None, scenario=None) -> Drill:  # type: ignore[no-untyped-def]
    plan = plan or load_plan("city")
    scenario = scenario or load_scenario("group-visit-50")
    drill = Drill(plan, scenario, seed)
    for t, decision in [
        (12, D.DeclareLevel("IV")),
        (13, D.Summon("leader")),
        (13, D.CallIn("reception")),
        (14, D.MoveGroup("buyers", "joint_reception_room")),
        (20, D.IssueInitialReply("buyers")),
        (50, D.StartDialogue("buyers")),
    ]:
        drill.advance(t)
        drill.decide(decision)
    drill.advance(drill.horizon)
    return drill


def test_same_seed_same_decisions_give_a_byte_identical_log():
    assert scripted(3).log.jsonl() == scripted(3).log.jsonl()


def test_looking_at_the_drill_changes_nothing_in_the_log():
    """A view takes snapshots and reads the live facts every tick; the log of a
    drill looked at after every event is the same as one nobody looked at."""
    for seed in (3, 8):
        for scenario in ("group-visit-50", "extreme-individual", "online-amplification"):
            sc = load_scenario(scenario)
            watched = Drill(load_plan("city"), sc, seed)
            alone = Drill(load_plan("city"), sc, seed)
            for drill in (watched, alone):
                drill.advance(37.5)
                drill.decide(D.DeclareLevel("IV"))
            while not watched.finished:
                watched.advance_to_news(watched.horizon)
                watched.snapshot()
                view = watched.view()
                view.incidents()
                view.venues()
            alone.advance(alone.horizon)
            assert watched.log.jsonl() == alone.log.jsonl()


def test_a_different_seed_gives_a_different_log():
    assert scripted(3).log.jsonl() != scripted(4).log.jsonl()


def test_policy_runs_are_deterministic_too():
    plan, scenario = load_plan("city"), load_scenario("group-visit-50")
    a = play_policy(plan, scenario, 9, "plan").log.jsonl()
    b = play_policy(plan, scenario, 9, "plan").log.jsonl()
    assert a == b


def arrivals(drill: Drill) -> list[float]:
    return [round(p.arrival, 9) for c in model(drill).groups.crowds.values() for p in c.people]


def test_changing_one_teams_size_leaves_every_arrival_unchanged():
    plan, scenario = load_plan("city"), load_scenario("group-visit-50")
    bigger, _ = P.apply(plan, scenario, {"teams.reception.on_duty": 8, "teams.reception.size": 16})
    for seed in range(5):
        base = play_policy(plan, scenario, seed, "plan")
        more = play_policy(bigger, scenario, seed, "plan")
        assert arrivals(base) == arrivals(more)
        # and the official's arrival draw is its own: the leader comes at the same delay
        lead = [e.t for e in base.log if e.kind == "official_arrived" and e.subject == "leader"]
        lead2 = [e.t for e in more.log if e.kind == "official_arrived" and e.subject == "leader"]
        summon = [e.t for e in base.log if e.kind == "decision" and e.data.get("official") == "leader"]
        summon2 = [e.t for e in more.log if e.kind == "decision" and e.data.get("official") == "leader"]
        # one summons, one arrival, in both (the plan summons the leader once)
        assert len(lead) == len(summon) == 1 and len(lead2) == len(summon2) == 1
        assert [a - s for a, s in zip(lead, summon, strict=True)] == [
            a - s for a, s in zip(lead2, summon2, strict=True)
        ]


def test_a_sweep_seed_sequence_is_accepted_and_deterministic():
    from sim.engine.streams import replication_seed

    plan, scenario = load_plan("city"), load_scenario("group-visit-50")
    a = play_policy(plan, scenario, replication_seed(42, 7), "plan").log.jsonl()
    b = play_policy(plan, scenario, replication_seed(42, 7), "plan").log.jsonl()
    c = play_policy(plan, scenario, replication_seed(42, 8), "plan").log.jsonl()
    assert a == b != c


CHILD = """
import hashlib, sys
from sim import load_plan, load_scenario
from sim.engine.batch import play_policy
out = []
for sid in ("group-visit-50", "online-amplification", "compound-peaks"):
    scenario = load_scenario(sid)
    for policy in ("plan", "passive"):
        drill = play_policy(load_plan(scenario.default_plan), scenario, 5, policy)
        out.append(hashlib.sha256(drill.log.jsonl().encode()).hexdigest())
print(" ".join(out))
"""


def test_two_interpreters_with_different_hash_seeds_write_the_same_log():
    """Nothing depends on set or dict order of strings, or on anything else a
    process chooses at random: the same drills in two fresh interpreters with
    different PYTHONHASHSEED give the same log bytes."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    digests = []
    for hash_seed in ("1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(root)}
        done = subprocess.run(
            [sys.executable, "-c", CHILD],
            capture_output=True,
            text=True,
            env=env,
            cwd=root,
            timeout=600,
            check=True,
        )
        digests.append(done.stdout.split())
    assert len(digests[0]) == 6
    assert digests[0] == digests[1]
