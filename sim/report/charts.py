"""The report's charts as PNG bytes: head count, agitation, online heat (from
the event log's samples) and team members on duty (from per-minute snapshots
of the replayed drill). Titles are ASCII; zh labels only with a CJK font."""

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


def _fig():  # type: ignore[no-untyped-def]
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 2.5), dpi=150)
    ax.grid(True, alpha=0.3)
    ax.set_xlabel("min")
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

    def name(id_: str) -> str:
        text = labels.get(id_)
        if text is None:
            return id_
        return text.zh if (lang == "zh" and font) else text.en

    out: list[tuple[str, bytes]] = []
    for key, what, title, ylabel in (
        ("on_site", "fig_head", "Head count on site", "people"),
        ("agitation", "fig_mood", "Agitation", "0-1"),
        ("heat", "fig_heat", "Online heat", "heat"),
    ):
        series = _series(entries, key)
        if not series:
            continue
        fig, ax = _fig()
        for sid, (xs, ys) in series.items():
            ax.plot(xs, ys, label=name(sid), drawstyle="steps-post" if key == "on_site" else "default")
        ax.set_title(title, fontsize=10)
        ax.set_ylabel(ylabel)
        if key == "agitation":
            ax.set_ylim(0, 1)
        ax.legend(fontsize=7, loc="upper right")
        out.append((what, _png(fig)))
    if team_samples:
        fig, ax = _fig()
        teams = list(team_samples[0][1])
        xs = [t for t, _ in team_samples]
        for team in teams:
            ys = [row.get(team, 0) for _, row in team_samples]
            if max(ys) == 0:
                continue
            ax.plot(xs, ys, label=name(team), drawstyle="steps-post")
        ax.set_title("Team members on duty", fontsize=10)
        ax.set_ylabel("people")
        ax.legend(fontsize=6, loc="center left", bbox_to_anchor=(1.0, 0.5))
        out.append(("fig_teams", _png(fig)))
    return out
