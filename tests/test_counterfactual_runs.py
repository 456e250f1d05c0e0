"""The comparison's replications played in workers, and the variant replications
it does not play, give exactly what playing everything here gives."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pytest

from sim.counterfactual import (
    _variants,
    compare,
    decisions_of,
    met_vector,
    most_costly,
    play_decisions,
)
from sim.engine import decisions as D
from sim.engine.drill import Drill
from sim.engine.streams import replication_seed
from sim.journal import Journal, JournalWriter, read_journal, resolve_sources
from sim.script import Script, Timed
from sim.spec import catalog
from sim.spec.loader import load_plan_file, load_scenario_file

# late decisions, some of which a replication refuses (the group has gone, the
# package is not drafted yet, the level is already declared)
SCRIPT = [
    (20, D.DeclareLevel("IV")),
    (30, D.CallIn("reception")),
    (45, D.Summon("leader", "buyers")),
    (50, D.IssueInitialReply("buyers")),
    (95, D.DeclareLevel("III")),
    (130, D.SetCordon("buyers")),
    (140, D.PublishStatement()),
    (200, D.AskRepresentatives("buyers")),
    (260, D.AskPackageSolution("buyers")),
]


@pytest.fixture(scope="module")
def journal_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cf") / "team.jsonl"
    sf, pf = catalog.scenario_path("group-visit-50"), catalog.plan_path("city")
    scen, _ = load_scenario_file(sf)
    plan, _ = load_plan_file(pf)
    drill = Drill(plan, scen, 7)
    writer = JournalWriter(path, pf, sf, 7)
    for t, d in SCRIPT:
        drill.advance(t)
        if drill.decide(d).accepted:
            writer.record(drill.now, d.to_dict())
    writer.close()
    return path


def test_without_a_refused_decision_the_drill_is_the_same_event_for_event(journal_path: Path) -> None:
    """What lets the search take the team's own replication for that variant."""
    journal = read_journal(journal_path)
    plan, scenario, _ = resolve_sources(journal, False)
    script = Script(Timed(t, d) for t, d in SCRIPT)
    checked = 0
    for r in range(12):
        seed = replication_seed(7, r)
        drill, refused = play_decisions(plan, scenario, seed, script)
        for n in refused:
            without, _ = play_decisions(plan, scenario, seed, script.without(n))
            assert without.log.jsonl() == drill.log.jsonl(), (r, n)
            checked += 1
    assert checked >= 5  # the script is refused often enough to test something


def test_the_search_finds_what_playing_every_variant_finds(journal_path: Path) -> None:
    journal = read_journal(journal_path)
    k = 4
    got = compare(journal, reps=k, costly_reps=k, workers=1)
    plan, scenario, _ = resolve_sources(journal, False)
    script = decisions_of(journal)
    decision_at = [n for n, item in enumerate(script.items) if not item.facilitator]
    baseline = [
        met_vector(play_decisions(plan, scenario, replication_seed(journal.seed, r), script)[0])
        for r in range(k)
    ]
    variants = _variants(plan, scenario, journal.seed, script, decision_at)
    want = most_costly(
        plan, scenario, journal.seed, [script.items[n] for n in decision_at], baseline, variants
    )
    assert got.costly is not None and want is not None
    assert asdict(got.costly) == asdict(want)


def test_workers_give_the_same_comparison(journal_path: Path) -> None:
    journal = read_journal(journal_path)
    heard: list[tuple[int, int]] = []
    here = compare(journal, reps=6, costly_reps=3, workers=1)
    there = compare(
        journal, reps=6, costly_reps=3, workers=2, progress=lambda done, total: heard.append((done, total))
    )
    assert [asdict(m) for m in here.milestones] == [asdict(m) for m in there.milestones]
    assert here.mean_met == there.mean_met and here.refused == there.refused
    assert here.costly is not None and there.costly is not None
    assert asdict(here.costly) == asdict(there.costly)
    total = heard[-1][1]
    done = [d for d, _ in heard]
    assert done == sorted(set(done)) and done[-1] == total  # heard of as it goes, to the end
    assert total == 6 + 3 * _variant_count(journal)


def _variant_count(journal: Journal) -> int:
    plan, scenario, _ = resolve_sources(journal, False)
    script = decisions_of(journal)
    decision_at = [n for n, item in enumerate(script.items) if not item.facilitator]
    return len(_variants(plan, scenario, journal.seed, script, decision_at))


def test_a_kept_comparison_is_read_back_the_same_and_nothing_is_played(
    journal_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sim.counterfactual as CF

    monkeypatch.setenv("DRILL_CACHE_DIR", str(tmp_path))
    journal = read_journal(journal_path)
    compare(journal, reps=4, costly_reps=2, workers=1)
    assert not list(tmp_path.iterdir())  # a small comparison is not kept unless asked
    first = compare(journal, reps=4, costly_reps=2, workers=1, cache=True)
    assert len(list(tmp_path.glob("*.pickle"))) == 1

    def no_runs(*args: object) -> None:
        raise AssertionError("played again")

    monkeypatch.setattr(CF, "Runs", no_runs)
    again = compare(journal, reps=4, costly_reps=2, cache=True)
    assert [asdict(m) for m in again.milestones] == [asdict(m) for m in first.milestones]
    assert (again.mean_met, again.refused) == (first.mean_met, first.refused)
    assert first.costly is not None and again.costly is not None
    assert asdict(again.costly) == asdict(first.costly)
    assert again.actual_drill.log.jsonl() == first.actual_drill.log.jsonl()  # the drill is played again
    with pytest.raises(AssertionError, match="played again"):  # other replications: another comparison
        compare(journal, reps=5, costly_reps=2, cache=True)
    for path in tmp_path.glob("*.pickle"):
        path.write_bytes(b"not a pickle")
    with pytest.raises(AssertionError, match="played again"):  # an unreadable file is no comparison
        compare(journal, reps=4, costly_reps=2, cache=True)
