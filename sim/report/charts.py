"""The report's charts as PNG bytes: head count, agitation, online heat (from
the event log's samples) and team members on duty (from per-minute snapshots
of the replayed drill). In a zh report titles, axes and legends are Chinese
when a CJK font is installed, English otherwise (never boxes for glyphs)."""

from __future__ import annotations

import io
from typing import Any

from ..engine.log import Entry

_CJK = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Serif CJK SC",
    "WenQuanYi Zen Hei",
    "SimHei",
    "Microsoft YaHei",
)


def cjk_font() -> str | None:
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((n for n in _CJK if n in names), None)


# chart words: (zh, en)
_WORDS = {
    "minutes": ("分钟", "min"),
    "fig_head": ("现场人数", "Head count on site"),
    "fig_mood": ("群体情绪（激动程度）", "Agitation"),
    "fig_heat": ("网络热度", "Online heat"),
    "fig_teams": ("各工作组在岗人数", "Team members on duty"),
    "people": ("人", "people"),
    "unit_mood": ("0–1", "0–1"),
    "heat": ("热度", "heat"),
}


def _fig(xlabel: str):  # type: ignore[no-untyped-def]
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 2.5), dpi=150)
    ax.grid(True, alpha=0.3)
    ax.set_xlabel(xlabel)
    return fig, ax


def _png(fig) -> bytes:  # type: ignore[no-untyped-def]
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


def charts(
    entries: list[Entry],
    team_samples: list[tuple[float, dict[str, int]]],
    labels: dict[str, Any],
    lang: str,
) -> list[tuple[str, bytes]]:
    """(what, png) for each chart that has data; ``labels`` maps ids to Text (zh/en)."""
    import matplotlib

    matplotlib.use("Agg")
    font = cjk_font() if lang == "zh" else None
    if font:
        matplotlib.rcParams["font.sans-serif"] = [font, "DejaVu Sans"]
        matplotlib.rcParams["axes.unicode_minus"] = False
    else:
        matplotlib.rcParams["font.sans-serif"] = ["DejaVu Sans"]

    zh = lang == "zh" and font is not None

    def name(id_: str) -> str:
        text = labels.get(id_)
        if text is None:
            return id_
        return text.zh if zh else text.en

    def word(key: str) -> str:
        return _WORDS[key][0 if zh else 1]

    out: list[tuple[str, bytes]] = []
    for key, what, ylabel in (
        ("on_site", "fig_head", "people"),
        ("agitation", "fig_mood", "unit_mood"),
        ("heat", "fig_heat", "heat"),
    ):
        series = _series(entries, key)
        if not series:
            continue
        fig, ax = _fig(word("minutes"))
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
        out.append((what, _png(fig)))
    if team_samples:
        fig, ax = _fig(word("minutes"))
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
        out.append(("fig_teams", _png(fig)))
    return out
