"""A petition surge (sim/engine/surge.py): many small groups at one reception over
a day. Trace tests read the rule off the log; a statistical test checks the
arrival process against its law (the rate and window are assumptions, not seed
figures: seed 001's disaster clause and 002 §二.4 give no rate)."""

from __future__ import annotations

import itertools
import math

import numpy as np

from sim import load_plan, load_scenario
from sim.engine.batch import play_policy
from sim.engine.streams import Streams
from sim.engine.surge import start_times
from sim.spec.surge import PetitionSurge

SURGE = "disaster-surge"


def _spec() -> PetitionSurge:
    spec = load_scenario(SURGE).incidents[0]
    assert isinstance(spec, PetitionSurge)
    return spec


def test_each_group_starts_when_the_surge_drew_it_and_gathers_at_the_reception() -> None:
    """The groups are '<id>-<n>' in arrival order; each first arrives at or after its
    drawn start (people come over the group's spread), at the joint reception room."""
    seed = 7
    drill = play_policy(load_plan("city"), load_scenario(SURGE), seed, "passive")
    starts = start_times(_spec(), Streams(seed))
    started = {e.subject: e for e in drill.log if e.kind == "group_started"}
    assert sorted(started, key=lambda s: int(s.rsplit("-", 1)[1])) == [
        f"flood_households-{n}" for n in range(1, len(starts) + 1)
    ]
    for n, t in enumerate(starts, start=1):
        e = started[f"flood_households-{n}"]
        assert t <= e.t <= t + _spec().arrival_spread_min
        assert e.data["venue"] == "joint_reception_room"


def test_who_comes_and_when_does_not_depend_on_the_response() -> None:
    """The surge's draws come from its own stream and each group's people from theirs:
    the plan-following and the passive drills see the same groups start at the same times."""
    plan, scenario = load_plan("city"), load_scenario(SURGE)

    def starts(policy: str) -> list[tuple[str, float]]:
        drill = play_policy(plan, scenario, 3, policy)
        return [(e.subject, e.t) for e in drill.log if e.kind == "group_started"]

    assert starts("plan") == starts("passive")


def test_arrivals_stay_within_the_window_and_the_cap() -> None:
    spec = _spec()
    for seed in range(50):
        times = start_times(spec, Streams(seed))
        assert times == sorted(times)
        assert all(spec.start_min < t <= spec.start_min + spec.rate.window_min for t in times)
        assert len(times) <= spec.rate.max_groups
    capped = spec.model_copy(update={"rate": spec.rate.model_copy(update={"max_groups": 3})})
    assert len(start_times(capped, Streams(0))) == 3


def _at_8_an_hour() -> PetitionSurge:
    """The shipped surge's arrival process at 8 groups an hour (the shipped rate is 16, where
    the cap of 100 groups binds): these tests are about the Poisson process, not the file."""
    spec = _spec()
    return spec.model_copy(update={"rate": spec.rate.model_copy(update={"groups_per_hour": 8})})


def test_the_number_of_groups_is_poisson_with_the_stated_mean() -> None:
    """8 groups an hour over 480 min: N ~ Poisson(64) (the cap of 100 lies 4.5 SD above,
    P(N >= 100) < 1e-4). Over 400 seeds the mean count has SE sqrt(64/400) = 0.4; a band
    of +-1.6 (4 SE) fails by chance with p ~ 6e-5, while a rate 10 % off (mean 57.6 or
    70.4) lies 16 SE away. The variance-to-mean ratio of a Poisson count is 1; its
    sampling SE over 400 seeds is about sqrt(2/399) = 0.071, and the band 0.7-1.3 (4.2 SE)
    would catch evenly spaced arrivals (ratio 0) or clumping (ratio 2)."""
    spec = _at_8_an_hour()
    expected = spec.rate.groups_per_hour * spec.rate.window_min / 60
    assert expected == 64
    counts = np.array([len(start_times(spec, Streams(seed))) for seed in range(400)], dtype=float)
    assert abs(counts.mean() - expected) <= 1.6
    ratio = counts.var(ddof=1) / counts.mean()
    assert 0.7 <= ratio <= 1.3


def test_gaps_between_groups_are_exponential() -> None:
    """Gaps between successive groups have mean 60/8 = 7.5 min. Over 200 seeds (~12,600
    gaps) the SE of the mean is 7.5/sqrt(12600) = 0.067; band +-0.3 (4.5 SE). The share of
    gaps under the median 7.5 ln 2 is 0.5 with SE 0.0045; band +-0.02 (4.5 SE) rules out
    evenly spaced arrivals (share 0 or 1)."""
    spec = _at_8_an_hour()
    gaps: list[float] = []
    for seed in range(200):
        times = [spec.start_min, *start_times(spec, Streams(seed))]
        gaps += [b - a for a, b in itertools.pairwise(times)]
    g = np.array(gaps)
    assert len(g) > 12000
    assert abs(g.mean() - 7.5) <= 0.3
    assert abs(float(np.mean(g < 7.5 * math.log(2))) - 0.5) <= 0.02


def test_one_reply_answers_every_group_of_the_surge() -> None:
    """Once the policy team's reply is out for one group, every other group on site hears
    it at that moment (even one whose own draft is under way: that draft then issues
    nothing) and each later group on arrival; those of a group already received leave
    answered then, as with a reply of the group's own."""
    drill = play_policy(load_plan("city"), load_scenario(SURGE), 2, "plan")
    replies = [e for e in drill.log if e.kind == "reply_issued"]
    drafted = [e for e in replies if "shared_from" not in e.data]
    shared = [e for e in replies if "shared_from" in e.data]
    first = drafted[0]
    assert shared and all(e.data["shared_from"] == first.subject and e.t >= first.t for e in shared)
    started = {e.subject: e.t for e in drill.log if e.kind == "group_started"}
    for e in shared:
        assert e.t == first.t or e.t == started[e.subject]
    assert len({e.subject for e in replies}) == len(replies)  # one reply per group, never two
    # a group that was there when the first reply came out hears it then
    gone = {e.subject: e.t for e in drill.log if e.kind == "group_dispersed"}
    present = [g for g, t in started.items() if t < first.t and gone.get(g, math.inf) > first.t]
    by_group = {e.subject: e for e in replies}
    assert present and all(g in by_group for g in present)
    assert all(by_group[g].t == first.t for g in present)
    # people of other groups received before it go home answered (before the fix they
    # were never answered and stayed until they gave up)
    received = {e.subject for e in drill.log if e.kind == "registered" and e.t < first.t} - {first.subject}
    answered = {e.subject for e in drill.log if e.kind == "left" and e.data.get("reason") == "answered"}
    assert received and received <= answered, received - answered


def test_one_package_covers_every_group_of_the_surge() -> None:
    """The surge's matter gets one package solution: once signed for one group, every
    group of the surge on site has it at that moment and each later group on arrival;
    no group gets a second one (before, each of some 60 groups waited for a package of
    its own and the 6-hour limit was kept in 30 % of runs)."""
    drill = play_policy(load_plan("city"), load_scenario(SURGE), 2, "plan")
    signed = [e for e in drill.log if e.kind == "package_signed"]
    own = [e for e in signed if "shared_from" not in e.data]
    shared = [e for e in signed if "shared_from" in e.data]
    first = own[0]
    assert shared and all(e.data["shared_from"] == first.subject and e.t >= first.t for e in shared)
    assert len({e.subject for e in signed}) == len(signed)  # one package per group, never two
    started = {e.subject: e.t for e in drill.log if e.kind == "group_started"}
    gone = {e.subject: e.t for e in drill.log if e.kind == "group_dispersed"}
    present = {g for g, t in started.items() if t < first.t and gone.get(g, math.inf) > first.t}
    at_first = {e.subject for e in signed if e.t == first.t}
    assert present and present <= at_first
    assert drill.scorecard().by_id()["package_360"].status == "met"


def test_the_shipped_surge_reaches_its_expected_level_under_the_plan_so_the_24_hour_solution_is_drilled() -> (
    None
):
    """disaster-surge exists to drill the policy task force's 24-hour solution, a level III
    limit: a plan-following response must still see the surge reach level III (at 8 groups an
    hour the reception kept up, the drill stayed at IV and the limit never applied). Fixed
    seeds 0-4, so the check is deterministic; each is about 6 s."""
    from sim.engine.batch import _load_scenario, run

    expected = _load_scenario("disaster-surge").expected_level
    rows = [run("city", "disaster-surge", None, seed, "plan") for seed in range(5)]
    assert [r["level"] for r in rows] == [expected] * 5
    assert all(r["met_solution_1440"] is not None for r in rows), "the 24-hour limit is decided in each"
