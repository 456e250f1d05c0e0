"""The event log of every shipped scenario, plan, policy and 20 seeds (plus
scripted drills with every decision kind and inject effect) hashes to the
recorded SHA-256 in ``tests/golden/engine_logs.json``.

A failure means the engine now writes a different log for the same seed and
decisions. If that was meant (a fidelity fix, a new entry kind), regenerate the
file in the same commit with ``python tests/engine_golden.py`` and say so.
"""

from __future__ import annotations

import json

import pytest
from engine_golden import GOLDEN, SCRIPT_SEEDS, SEEDS, _digest, cases, policy_log, script_log

RECORDED: dict[str, str] = json.loads(GOLDEN.read_text(encoding="utf-8"))


@pytest.mark.parametrize(("scenario_id", "plan_id"), cases(), ids=[f"{s}@{p}" for s, p in cases()])
@pytest.mark.parametrize("policy", ["plan", "passive"])
def test_policy_logs_match_the_golden_hashes(scenario_id: str, plan_id: str, policy: str) -> None:
    wrong = [
        seed
        for seed in SEEDS
        if _digest(policy_log(scenario_id, plan_id, policy, seed))
        != RECORDED[f"{scenario_id}@{plan_id}/{policy}/{seed}"]
    ]
    assert wrong == [], f"seeds whose log changed: {wrong}"


@pytest.mark.parametrize(("scenario_id", "plan_id"), cases(), ids=[f"{s}@{p}" for s, p in cases()])
def test_scripted_logs_match_the_golden_hashes(scenario_id: str, plan_id: str) -> None:
    wrong = [
        seed
        for seed in SCRIPT_SEEDS
        if _digest(script_log(scenario_id, plan_id, seed))
        != RECORDED[f"{scenario_id}@{plan_id}/script/{seed}"]
    ]
    assert wrong == [], f"seeds whose log changed: {wrong}"


def test_the_golden_file_covers_every_case() -> None:
    expected = {f"{s}@{p}/{q}/{k}" for s, p in cases() for q in ("plan", "passive") for k in SEEDS}
    expected |= {f"{s}@{p}/script/{k}" for s, p in cases() for k in SCRIPT_SEEDS}
    assert set(RECORDED) == expected
