"""Figures of a sweep (matplotlib, Agg backend, imported lazily). Every figure
has a title and labelled axes with their units; with ``lang="zh"`` the words
are Chinese (when a CJK font is installed; English otherwise, never boxes).

- ``pmet_<factor>.png``  P(met) against each varied parameter, Wilson 95 % bars,
  the target as a dashed line (grid designs pool the other factors' levels);
- ``heatmap.png``        P(all applicable milestones met) over the first two factors (grid);
- ``ecdf_<milestone>.png`` time to the milestone, one curve per design point
  (some points if there are many), the deadline as a vertical line: the
  Kaplan–Meier estimate (``sim.stats.survival``), replications never done by the
  drill's end right-censored at the time they were watched (undecided ones are
  never dropped); a curve ends below 1 by the share never done.

In the heatmap a cell is starred when the limits' verdict (``sim.stats.verdicts``)
is *kept*, and marked ``?`` when undecided within the drill.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..stats import Counts, Verdict, verdict, wilson
from .summary import ALL

MAX_LINES = 8

# figure words: (zh, en)
WORDS = {
    "pmet_axis": ("达成概率（Wilson 95% 区间）", "P(met), Wilson 95% interval"),
    "pmet_vs": ("达成概率与 {f}", "P(met) vs {f}"),
    "pooled": ("（其他因素合并）", " (pooled over other factors)"),
    "per_point": ("（每个设计点一个标记）", " (one mark per design point)"),
    "all": ("全部里程碑", "all milestones"),
    "target": ("目标 {t:g}", "target {t:g}"),
    "p_all": ("全部里程碑达成概率", "P(all milestones met)"),
    "starred": (
        "；* = 可达成（Wilson 下限 ≥ {t:g}），? = 推演内未定",
        "; * = kept (Wilson low >= {t:g}), ? = undecided",
    ),
    "pmet": ("达成概率", "P(met)"),
    "ecdf_x": ("自时限起算时刻起（分钟）", "minutes from the milestone's clock start"),
    "ecdf_y": ("已完成的概率（Kaplan–Meier）", "P(done by then), Kaplan–Meier"),
    "ecdf_title": (
        "{m} 用时分布（Kaplan–Meier，删失计入）",
        "Time to {m} (Kaplan–Meier, censored runs kept)",
    ),
    "limit": ("时限 {d:g} 分钟", "limit {d:g} min"),
    "point": ("设计点 {p}", "point {p}"),
    "min": ("分钟", "min"),
    "people": ("人", "people"),
    "per hour": ("每小时", "per hour"),
}


def word(key: str, lang: str, **fmt: Any) -> str:
    zh, en = WORDS[key]
    return (zh if lang == "zh" else en).format(**fmt)


@contextmanager
def figure_style(lang: str) -> Iterator[str]:
    """matplotlib settings for figures in ``lang`` (Agg, a CJK font for zh),
    inside this block only; yields the language the words can be drawn in:
    zh when a CJK font is installed, else en (never boxes for glyphs)."""
    import matplotlib

    from ..report.charts import cjk_font

    matplotlib.use("Agg")
    font = cjk_font() if lang == "zh" else None
    families = [font, "DejaVu Sans"] if font else ["DejaVu Sans"]
    with matplotlib.rc_context({"font.sans-serif": families, "axes.unicode_minus": False}):
        yield "zh" if font else "en"


def axis_label(factor: str, units: dict[str, str | None], lang: str) -> str:
    unit = units.get(factor)
    return f"{factor} ({word(unit, lang)})" if unit else factor


def _plt() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name)


def _varying(summary: Any, milestones: list[str]) -> list[str]:
    """Milestones worth a line: applicable somewhere and not met in every replication."""
    out = []
    for m in milestones:
        s = summary[summary.milestone == m]
        if s.n.sum() == 0:
            continue
        if (s.k == s.n).all():
            continue
        out.append(m)
    return out


def pmet_plots(
    summary: Any,
    factors: list[str],
    out_dir: Path,
    target: float | None,
    grid: bool,
    lang: str = "en",
    units: dict[str, str | None] | None = None,
) -> list[Path]:
    plt = _plt()
    milestones = [m for m in summary.milestone.unique() if m != ALL]
    varying = _varying(summary, milestones)
    if not grid:  # one mark per design point: keep the most-missed few readable
        misses = {
            m: int((summary[summary.milestone == m].n - summary[summary.milestone == m].k).sum())
            for m in varying
        }
        varying = sorted(varying, key=lambda m: -misses[m])[:3]
    shown = [*varying[: MAX_LINES - 1], ALL]
    paths = []
    for factor in factors:
        fig, ax = plt.subplots(figsize=(8, 4.8))
        numeric = summary[factor].map(lambda v: isinstance(v, int | float) and not isinstance(v, bool)).all()
        for i, m in enumerate(shown):
            s = summary[summary.milestone == m]
            if grid:
                g = s.groupby(factor, sort=True)[["n", "k"]].sum().reset_index()
            else:
                g = s[[factor, "n", "k"]].sort_values(factor)
            g = g[g.n > 0]
            if g.empty:
                continue
            p = g.k / g.n
            lows, highs = zip(*(wilson(int(k), int(n)) for k, n in zip(g.k, g.n, strict=True)), strict=True)
            x = g[factor] if numeric else list(range(len(g)))
            yerr = [p - list(lows), list(highs) - p]
            style: dict[str, Any] = {"lw": 2.2, "color": "black"} if m == ALL else {"lw": 1.2}
            off = (i - len(shown) / 2) * 0.01 * (max(x) - min(x) if numeric and len(g) > 1 else 1)
            xs = [v + off for v in x]
            ax.errorbar(
                xs,
                p,
                yerr=yerr,
                marker="o",
                ms=4,
                capsize=3,
                label=word("all", lang) if m == ALL else m,
                linestyle="-" if grid else "none",
                **style,
            )
            if not numeric:
                ax.set_xticks(range(len(g)), [str(v) for v in g[factor]])
        if target is not None:
            ax.axhline(target, color="red", linestyle="--", lw=1, label=word("target", lang, t=target))
        ax.set_ylim(-0.03, 1.03)
        ax.set_xlabel(axis_label(factor, units or {}, lang))
        if numeric and summary[factor].map(lambda v: isinstance(v, int)).all():
            from matplotlib.ticker import MaxNLocator

            ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # people come whole
        ax.set_ylabel(word("pmet_axis", lang))
        note = (
            word("pooled", lang)
            if grid and len(factors) > 1
            else (word("per_point", lang) if not grid else "")
        )
        ax.set_title(word("pmet_vs", lang, f=factor) + note)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5))
        paths.append(_save(plt, fig, out_dir / f"pmet_{_safe(factor)}.png"))
    return paths


def heatmap(
    summary: Any,
    factors: list[str],
    out_dir: Path,
    target: float | None,
    lang: str = "en",
    units: dict[str, str | None] | None = None,
) -> Path | None:
    if len(factors) < 2:
        return None
    plt = _plt()
    fx, fy = factors[0], factors[1]
    s = summary[summary.milestone == ALL]
    cols = [c for c in ("n", "k", "missed", "undecided") if c in s.columns]
    g = s.groupby([fy, fx])[cols].sum()
    xs = sorted(s[fx].unique())
    ys = sorted(s[fy].unique())
    grid = [[float("nan")] * len(xs) for _ in ys]
    for (y, x), row in g.iterrows():
        if row.n:
            grid[ys.index(y)][xs.index(x)] = row.k / row.n
    fig, ax = plt.subplots(figsize=(max(6.0, 2.5 + 0.9 * len(xs)), max(4.0, 1.8 + 0.6 * len(ys))))
    im = ax.imshow(grid, origin="lower", vmin=0, vmax=1, cmap="RdYlGn", aspect="auto")
    for i, y in enumerate(ys):
        for j, x in enumerate(xs):
            v = grid[i][j]
            if v == v:
                mark = _mark(g.loc[(y, x)], target)
                ax.text(j, i, f"{v:.2f}{mark}", ha="center", va="center", fontsize=8)
    ax.set_xticks(range(len(xs)), [f"{v:g}" if isinstance(v, float) else str(v) for v in xs])
    ax.set_yticks(range(len(ys)), [f"{v:g}" if isinstance(v, float) else str(v) for v in ys])
    ax.set_xlabel(axis_label(fx, units or {}, lang))
    ax.set_ylabel(axis_label(fy, units or {}, lang))
    title = word("p_all", lang)
    if target is not None:
        title += word("starred", lang, t=target)
    ax.set_title(title, fontsize=9)
    fig.colorbar(im, ax=ax, label=word("pmet", lang))
    return _save(plt, fig, out_dir / "heatmap.png")


def _mark(row: Any, target: float | None) -> str:
    """'*' kept, '?' undecided within the drill, '' otherwise (a summary row's counts)."""
    if target is None or not row.n:
        return ""
    n, k = int(row.n), int(row.k)
    undecided = int(row.undecided) if "undecided" in row else 0
    missed = int(row.missed) if "missed" in row else n - k - undecided
    v = verdict(Counts(met=k, missed=missed, undecided=undecided), target)
    return {Verdict.KEPT: "*", Verdict.UNDECIDED: "?"}.get(v, "")


def km_curve(rows: list[dict[str, Any]], milestone: str) -> tuple[list[float], list[float]] | None:
    """The Kaplan–Meier P(done by t) of one milestone over rows, as step points."""
    from ..stats.survival import km_curve as curve
    from .columns import times

    done, watched = times(rows, milestone)
    return curve(done, watched)


def ecdf_plots(
    runs: Any,
    summary: Any,
    factors: list[str],
    deadlines: dict[str, float],
    out_dir: Path,
    limit: int = 4,
    lang: str = "en",
) -> list[Path]:
    import numpy as np

    plt = _plt()
    milestones = [m for m in summary.milestone.unique() if m != ALL]
    # the milestones with the most misses first
    misses = {
        m: int((summary[summary.milestone == m].n - summary[summary.milestone == m].k).sum())
        for m in milestones
    }
    chosen = [m for m in sorted(milestones, key=lambda m: -misses[m]) if misses[m] > 0][:limit]
    points = sorted(runs.point.unique())
    if len(points) > MAX_LINES:
        idx = np.linspace(0, len(points) - 1, MAX_LINES).round().astype(int)
        points = [points[i] for i in sorted(set(idx))]
    paths = []
    for m in chosen:
        fig, ax = plt.subplots(figsize=(8, 4.5))
        for pt in points:
            r = runs[runs.point == pt]
            curve = km_curve(r.to_dict("records"), m)
            if curve is None:
                continue
            t, y = curve
            label = ", ".join(
                f"{f.split('.')[-2] if f.endswith('.mean') else f.split('.')[-1]}={_fmt(r[f].iloc[0])}"
                for f in factors
            ) or word("point", lang, p=pt)
            end = max(deadlines.get(m, 0.0), float(t[-1]) if len(t) else 0.0)
            last = y[-1] if len(y) else 0.0
            # the plateau to the limit shows the share done at all
            ax.step(
                np.concatenate([[0.0], t, [end]]),
                np.concatenate([[0.0], y, [last]]),
                where="post",
                label=label,
            )
        if m in deadlines:
            ax.axvline(
                deadlines[m], color="red", linestyle="--", lw=1, label=word("limit", lang, d=deadlines[m])
            )
        ax.set_ylim(0, 1.02)
        ax.set_xlabel(word("ecdf_x", lang))
        ax.set_ylabel(word("ecdf_y", lang))
        ax.set_title(word("ecdf_title", lang, m=m))
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5))
        paths.append(_save(plt, fig, out_dir / f"ecdf_{_safe(m)}.png"))
    return paths


def _save(plt: Any, fig: Any, path: Path) -> Path:
    from ..files import atomic_output

    fig.tight_layout()
    try:
        with atomic_output(path, "wb") as fh:
            fig.savefig(fh, dpi=110, format="png")
    finally:
        plt.close(fig)
    return path


def _fmt(v: Any) -> str:
    return f"{v:.3g}" if isinstance(v, float) else str(v)


def sweep_plots(out_dir: Path, target: float | None = None, lang: str = "en") -> list[Path]:
    """All figures of a finished sweep in ``out_dir`` (read from its files)."""
    out_dir = Path(out_dir)
    with figure_style(lang) as drawn:
        return _sweep_plots(out_dir, target, drawn)


def _sweep_plots(out_dir: Path, target: float | None, lang: str) -> list[Path]:
    import json

    import pandas as pd  # type: ignore[import-untyped, unused-ignore]

    from .store import read_runs

    meta = json.loads((out_dir / "meta.json").read_text(encoding="utf-8"))
    factors = [f["path"] for f in meta["design"]["factors"]]
    grid = meta["design"]["kind"] == "grid"
    units = factor_units(out_dir, meta, factors)
    summary = (
        pd.read_parquet(out_dir / "summary.parquet")
        if (out_dir / "summary.parquet").exists()
        else pd.read_csv(out_dir / "summary.csv")
    )
    paths: list[Path] = []
    if factors:
        paths += pmet_plots(summary, factors, out_dir, target, grid, lang, units)
        if grid:
            h = heatmap(summary, factors, out_dir, target, lang, units)
            if h:
                paths.append(h)
    milestones = [m for m in summary.milestone.unique() if m != ALL]
    cols = ["point", *factors]
    for m in milestones:
        cols += [f"met_{m}", f"t_{m}_min", f"status_{m}", f"censor_{m}_min"]
    runs = read_runs(out_dir)
    runs = runs[[c for c in cols if c in runs.columns]]  # older sweeps: no status or censor columns
    deadlines = meta.get("deadlines", {})
    paths += ecdf_plots(runs, summary, factors, deadlines, out_dir, lang=lang)
    return paths


def factor_units(out_dir: Path, meta: dict[str, Any], factors: list[str]) -> dict[str, str | None]:
    """Each varied path's unit, from the plan and scenario the sweep ran."""
    from ..engine.params import unit_of
    from .inputs import Inputs

    try:
        plan, scenario = Inputs.from_snapshot(out_dir, meta["inputs"][""]).load()
    except Exception:  # an old folder without a snapshot: no units rather than no figures
        return {}
    return {f: unit_of(plan, scenario, f) for f in factors}
