"""The report's charts as PNG bytes: head count, agitation, online heat (from
the event log's samples) and team members on duty (read from the member
movements the log records), against the scenario's time of day.

A zh report's titles, axes and legends are Chinese, in a CJK font. matplotlib
only knows the fonts in its cache, and a cache built before the CJK fonts were
installed does not list them (the charts then come out with boxes, or used to
fall back to English); so the font file is looked up on the system and
registered with ``fontManager.addfont`` when the cache lacks it. With no CJK
font on the machine a zh report fails with a message saying what to install.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..engine.log import Entry
from ..present import wall_clock
from .errors import ReportError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# families in order of preference: simplified Chinese first
_CJK = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Noto Serif CJK SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "SimHei",
    "Microsoft YaHei",
    "Noto Sans CJK JP",
)
# font files that carry one of those families (lower case, without separators)
_CJK_FILES = ("notosanscjk", "notoserifcjk", "sourcehansans", "wqyzenhei", "wqymicrohei", "simhei", "msyh")

NO_CJK_FONT = (
    "no Chinese (CJK) font is installed, so the charts of a Chinese report cannot be drawn; "
    "install Noto Sans CJK SC (Debian/Ubuntu: apt-get install fonts-noto-cjk) "
    "or write the report in English (--lang en)"
)


def _known(names: set[str]) -> str | None:
    return next((n for n in _CJK if n in names), None)


def cjk_font() -> str | None:
    """A CJK font family matplotlib can use, registering the font file from the
    system when matplotlib's font cache predates it; None if there is none."""
    from matplotlib import font_manager

    manager = font_manager.fontManager
    found = _known({f.name for f in manager.ttflist})
    if found:
        return found
    for path in font_manager.findSystemFonts():
        stem = Path(path).name.lower().replace("-", "").replace("_", "")
        if stem.startswith(_CJK_FILES):
            try:
                manager.addfont(path)
            except (OSError, RuntimeError, ValueError):  # an unreadable file: try the next
                continue
    return _known({f.name for f in manager.ttflist})


@contextmanager
def chart_style(lang: str) -> Iterator[str | None]:
    """matplotlib settings for the charts of a report in ``lang``: the font
    family (a CJK one for zh), the Agg backend; yields the CJK family or None."""
    import matplotlib

    matplotlib.use("Agg")
    font = None
    if lang == "zh":
        font = cjk_font()
        if font is None:
            raise ReportError(NO_CJK_FONT)
    with matplotlib.rc_context(
        {
            "font.family": "sans-serif",
            "font.sans-serif": [font, "DejaVu Sans"] if font else ["DejaVu Sans"],
            "axes.unicode_minus": False,
        }
    ):
        yield font


# chart words: (zh, en)
_WORDS = {
    "time": ("时间", "Time of day"),
    "fig_head": ("现场人数", "Head count on site"),
    "fig_mood": ("群体情绪（激动程度）", "Agitation"),
    "fig_heat": ("网络热度", "Online heat"),
    "fig_teams": ("各工作组在岗人数", "Team members on duty"),
    "people": ("人", "people"),
    "unit_mood": ("0–1", "0–1"),
    "heat": ("热度", "heat"),
}


def _fig(xlabel: str, start: str) -> tuple[Figure, Any]:
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, MultipleLocator

    fig, ax = plt.subplots(figsize=(6.4, 2.5), dpi=150)
    ax.grid(True, alpha=0.3)
    ax.set_xlabel(xlabel)
    # moments as the scenario's time of day, one tick per hour
    ax.xaxis.set_major_locator(MultipleLocator(60))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: wall_clock(start, max(v, 0.0))))
    return fig, ax


def _png(fig: Figure) -> bytes:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


def _series(entries: list[Entry], key: str) -> dict[str, tuple[list[float], list[float]]]:
    out: dict[str, tuple[list[float], list[float]]] = {}
    for e in entries:
        if e.kind == "sample" and key in e.data:
            xs, ys = out.setdefault(e.subject, ([], []))
            xs.append(e.t)
            ys.append(float(e.data[key]))
    return out


def figures(
    entries: list[Entry],
    team_samples: list[tuple[float, dict[str, int]]],
    labels: dict[str, Any],
    lang: str,
    start: str,
) -> list[tuple[str, Figure]]:
    """(what, figure) for each chart that has data; draw them inside ``chart_style(lang)``.
    ``labels`` maps ids to Text (zh/en); ``start`` is the scenario's wall-clock start."""
    zh = lang == "zh"

    def name(id_: str) -> str:
        text = labels.get(id_)
        if text is None:
            return id_
        return str(text.zh if zh else text.en)

    def word(key: str) -> str:
        return _WORDS[key][0 if zh else 1]

    out: list[tuple[str, Figure]] = []
    for key, what, ylabel in (
        ("on_site", "fig_head", "people"),
        ("agitation", "fig_mood", "unit_mood"),
        ("heat", "fig_heat", "heat"),
    ):
        series = _series(entries, key)
        if not series:
            continue
        fig, ax = _fig(word("time"), start)
        for sid, (xs, ys) in series.items():
            ax.plot(xs, ys, label=name(sid), drawstyle="steps-post" if key == "on_site" else "default")
        ax.set_title(word(what), fontsize=10)
        ax.set_ylabel(word(ylabel))
        if key == "agitation":
            ax.set_ylim(0, 1)
        if key == "heat":  # whole numbers with separators, not "1e7" above the axis
            from matplotlib.ticker import FuncFormatter

            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.0f}"))
        ax.legend(fontsize=7, loc="best")
        out.append((what, fig))
    if team_samples:
        fig, ax = _fig(word("time"), start)
        teams = list(team_samples[0][1])
        xs = [t for t, _ in team_samples]
        for team in teams:
            ys = [row.get(team, 0) for _, row in team_samples]
            if max(ys) == 0:
                continue
            ax.plot(xs, ys, label=name(team), drawstyle="steps-post")
        ax.set_title(word("fig_teams"), fontsize=10)
        ax.set_ylabel(word("people"))
        ax.legend(fontsize=6, loc="center left", bbox_to_anchor=(1.0, 0.5))
        out.append(("fig_teams", fig))
    return out


def charts(
    entries: list[Entry],
    team_samples: list[tuple[float, dict[str, int]]],
    labels: dict[str, Any],
    lang: str,
    start: str,
) -> list[tuple[str, bytes]]:
    """(what, png) for each chart that has data."""
    with chart_style(lang):
        return [(what, _png(fig)) for what, fig in figures(entries, team_samples, labels, lang, start)]
