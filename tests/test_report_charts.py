"""The report's charts: Chinese titles in a CJK font even when matplotlib's font
cache was built before the CJK fonts were installed; a clear error without one."""

from __future__ import annotations

import re
import warnings

import pytest
from matplotlib import font_manager

from sim.engine.drill import Drill
from sim.engine.policies import make, play
from sim.report.charts import NO_CJK_FONT, chart_style, charts, figures
from sim.report.errors import ReportError
from sim.spec import catalog
from sim.spec.loader import load_plan_file, load_scenario_file

HAN = re.compile("[\u4e00-\u9fff]")


def _is_cjk(entry: font_manager.FontEntry) -> bool:
    return "CJK" in entry.name or "CJK" in entry.fname


@pytest.fixture(scope="module")
def drill() -> Drill:
    scen, _ = load_scenario_file(catalog.scenario_path("group-visit-50"))
    plan, _ = load_plan_file(catalog.plan_path("city"))
    d = Drill(plan, scen, 1)
    play(d, make("plan"), until=120)
    return d


@pytest.fixture
def stale_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """matplotlib's font list as a cache written before the CJK fonts were installed:
    a freshly built FontManager with every CJK face taken out, put in place of the
    global one's list (the backends hold the global manager itself)."""
    fresh = font_manager.FontManager()
    if not any(_is_cjk(f) for f in fresh.ttflist):
        pytest.skip("no CJK font on this machine (.ci/run installs fonts-noto-cjk)")
    live = font_manager.fontManager
    monkeypatch.setattr(live, "ttflist", [f for f in fresh.ttflist if not _is_cjk(f)])
    live._findfont_cached.cache_clear()
    yield
    live._findfont_cached.cache_clear()


def test_zh_chart_titles_use_a_cjk_font_with_a_stale_font_cache(drill: Drill, stale_cache: None) -> None:
    start = drill.scenario.wall_start
    with chart_style("zh") as family, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert family is not None and "CJK" in family
        figs = figures(drill.log.entries, [], {}, "zh", start)
        assert figs
        for _what, fig in figs:
            title = fig.axes[0].title
            assert HAN.search(title.get_text())
            used = font_manager.findfont(title.get_fontproperties(), fallback_to_default=False)
            assert "CJK" in used, used
            fig.canvas.draw()  # render: a missing glyph warns here
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert not missing, missing[:3]


def test_a_zh_report_without_any_cjk_font_says_what_to_install(
    drill: Drill, monkeypatch: pytest.MonkeyPatch
) -> None:
    live = font_manager.fontManager
    monkeypatch.setattr(live, "ttflist", [f for f in live.ttflist if not _is_cjk(f)])
    monkeypatch.setattr(font_manager, "findSystemFonts", lambda *a, **k: [])
    with pytest.raises(ReportError, match="fonts-noto-cjk"):
        charts(drill.log.entries, [], {}, "zh", drill.scenario.wall_start)
    assert "--lang en" in NO_CJK_FONT
    # an English report needs no CJK font
    assert charts(drill.log.entries, [], {}, "en", drill.scenario.wall_start)


def test_chart_time_axis_shows_the_time_of_day(drill: Drill) -> None:
    with chart_style("en"):
        _what, fig = figures(drill.log.entries, [], {}, "en", drill.scenario.wall_start)[0]
        fig.canvas.draw()
        ticks = [t.get_text() for t in fig.axes[0].get_xticklabels() if t.get_text()]
    assert ticks and all(re.fullmatch(r"\d\d:\d\d", t) for t in ticks), ticks
    assert "09:30" in ticks  # the scenario starts at 08:30; a tick per hour
