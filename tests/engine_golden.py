"""The golden event logs: SHA-256 of the log of every shipped scenario on every
plan it names, under both policies, over 20 seeds, plus scripted drills that
take the decisions and facilitator injects no policy takes.

A behaviour-preserving change keeps every hash. A change that is meant to alter
the log (a fidelity fix, a new kind of entry) regenerates the file in the same
commit and says so in its message:

    python tests/engine_golden.py        # rewrites tests/golden/engine_logs.json
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

GOLDEN = Path(__file__).resolve().parent / "golden" / "engine_logs.json"
SEEDS = range(20)
SCRIPT_SEEDS = range(5)


def cases() -> list[tuple[str, str]]:
    from sim import load_scenario
    from sim.spec import catalog

    return [(sid, pid) for sid in catalog.shipped_scenario_ids() for pid in load_scenario(sid).plans()]


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def policy_log(scenario_id: str, plan_id: str, policy: str, seed: int) -> str:
    from sim import load_plan, load_scenario
    from sim.engine.batch import play_policy

    drill = play_policy(load_plan(plan_id), load_scenario(scenario_id), seed, policy)
    return drill.log.jsonl()


def _script(scenario: Any, plan: Any) -> list[tuple[float, Any]]:
    """Decisions at fixed times, refused or not: every decision kind and every
    inject effect the scenario allows, in an order no policy would take."""
    from sim.engine import decisions as D
    from sim.engine import facilitator as F

    incidents = [i for i in scenario.incidents]
    sites = [i.id for i in incidents if i.kind in ("group_visit", "extreme_individual")]
    groups = [i.id for i in incidents if i.kind == "group_visit"]
    topics = [i.id for i in incidents if i.kind == "online_topic"]
    first = sites[0] if sites else (topics[0] if topics else "")
    levels = list(plan.levels)
    teams = list(plan.teams)
    officials = list(plan.officials)
    venues = list(plan.venues)
    rooms = [v for v, spec in plan.venues.items() if spec.kind.value == "reception_room"]
    out: list[tuple[float, Any]] = [
        (3, F.AdHocInject.make("开始", "start")),
        (6, D.CallIn(teams[0], 1)),
        (8, D.Summon(officials[-1], first or None)),
        (12, D.DeclareLevel(levels[0])),
        (14, D.OpenVenue(venues[-1])),
        (16, D.CallIn(teams[-1])),
    ]
    if groups:
        out += [
            (
                18,
                F.AdHocInject.make("加入", "join", {"kind": "join", "incident": groups[0], "people": 7}),
            ),
            (20, D.MoveGroup(groups[0], rooms[0] if rooms else venues[0])),
            (
                24,
                F.AdHocInject.make(
                    "激动", "agitated", {"kind": "agitation", "incident": groups[0], "change": 0.25}
                ),
            ),
            (30, D.AskRepresentatives(groups[0])),
        ]
    for n, site in enumerate(sites):
        out += [
            (32 + n, D.StartDialogue(site)),
            (34 + n, D.SetCordon(site)),
            (36 + n, D.MedicalStandby(site)),
            (38 + n, D.IssueInitialReply(site)),
            (40 + n, D.ContactFamily(site)),
            (42 + n, D.StartLegalAid(site)),
            (44 + n, D.AskPackageSolution(site)),
        ]
    for topic in topics:
        out += [
            (
                46,
                F.AdHocInject.make("热点", "spike", {"kind": "heat_spike", "incident": topic, "events": 40}),
            ),
            (47, D.IssueInitialReply(topic)),
        ]
    if sites:
        out.append((48, F.AdHocInject.make("直播", "live", {"kind": "livestream", "incident": sites[-1]})))
    if scenario.injects:
        # the facilitator's hand on the scenario's list: play the last now, hold and
        # release the first, skip one if there is a third
        last = len(scenario.injects)
        out += [
            (2, F.MselAction(last, "play")),
            (2, F.MselAction(1, "hold")),
            (70, F.MselAction(1, "release")),
        ]
        if last >= 3:
            out.append((4, F.MselAction(2, "skip")))
    out += [
        (50, D.PublishStatement()),
        (55, D.RequestSupport()),
        (60, D.Dispatch(teams[0], 1, sites[0] if sites else venues[0])),
        (90, D.DeclareLevel(levels[-1])),
        (200, D.EndResponse()),
    ]
    return sorted(out, key=lambda td: td[0])  # stable: same-time decisions keep their order


def script_log(scenario_id: str, plan_id: str, seed: int) -> str:
    from sim import load_plan, load_scenario
    from sim.engine import facilitator as F
    from sim.engine.drill import Drill

    plan, scenario = load_plan(plan_id), load_scenario(scenario_id)
    drill = Drill(plan, scenario, seed)
    for t, decision in _script(scenario, plan):
        if t > drill.horizon:
            break
        drill.advance(t)
        if isinstance(decision, F.FacilitatorAction):
            drill.facilitate(decision)
        else:
            drill.decide(decision)
    drill.advance(drill.horizon)
    return drill.log.jsonl()


def runs() -> Iterator[tuple[str, Callable[[], str]]]:
    for sid, pid in cases():
        for policy in ("plan", "passive"):
            for seed in SEEDS:
                yield (
                    f"{sid}@{pid}/{policy}/{seed}",
                    lambda s=sid, p=pid, q=policy, k=seed: policy_log(s, p, q, k),
                )
        for seed in SCRIPT_SEEDS:
            yield f"{sid}@{pid}/script/{seed}", lambda s=sid, p=pid, k=seed: script_log(s, p, k)


def compute() -> dict[str, str]:
    return {key: _digest(make()) for key, make in runs()}


def main() -> int:
    hashes = compute()
    GOLDEN.parent.mkdir(parents=True, exist_ok=True)
    tmp = GOLDEN.with_suffix(".tmp")
    tmp.write_text(json.dumps(hashes, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(GOLDEN)
    print(f"{len(hashes)} logs hashed into {GOLDEN}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    sys.exit(main())
