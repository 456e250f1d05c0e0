"""A Morris screening (``sensitivity.Screening``) as a ranked table, a CSV, a
heat map and Markdown; files are written atomically (``sim.files``)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from ..files import atomic_write, make_folders
from .sensitivity import Screening

CSV_COLUMNS = (
    "scenario",
    "plan",
    "milestone",
    "output",
    "rank",
    "factor",
    "label_zh",
    "label_en",
    "value",
    "low",
    "high",
    "range_rule",
    "clipped",
    "mu",
    "mu_star",
    "mu_star_conf95",
    "sigma",
)


def active(s: Screening) -> list[str]:
    """Milestones whose P(met) moved at some design point (any μ* above 0)."""
    return [mid for mid in s.milestones if any(e.mu_star > 0 for e in s.ranked(mid))]


def csv_text(s: Screening) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for mid in s.milestones:
        for output in ("p_met", "time"):
            for rank, e in enumerate(s.ranked(mid, output), start=1):
                f = s.factor(e.factor)
                w.writerow(
                    [
                        s.scenario,
                        s.plan,
                        mid,
                        output,
                        rank,
                        f.path,
                        f.label_zh,
                        f.label_en,
                        f"{f.value:g}",
                        f"{f.low:g}",
                        f"{f.high:g}",
                        f.rule,
                        f.clipped,
                        f"{e.mu:.6g}",
                        f"{e.mu_star:.6g}",
                        f"{e.mu_star_conf:.6g}",
                        f"{e.sigma:.6g}",
                    ]
                )
    return buf.getvalue()


def top_factors(s: Screening, n: int) -> list[str]:
    """The n factors with the largest μ* on any milestone's P(met)."""
    best: dict[str, float] = {}
    for e in s.effects:
        if e.output == "p_met":
            best[e.factor] = max(best.get(e.factor, 0.0), e.mu_star)
    ranked = sorted((p for p in best if best[p] > 0), key=lambda p: (-best[p], p))
    return ranked[:n]


def heatmap_png(s: Screening, lang: str, n: int = 15) -> bytes:
    """μ* of P(met): the top ``n`` factors × the milestones that moved."""
    from .plots import _plt, figure_style

    with figure_style(lang) as drawn:
        plt = _plt()
        factors = top_factors(s, n)
        mids = active(s)
        size = (1.0 + 0.55 * max(1, len(mids)) + 4.5, 1.2 + 0.34 * max(1, len(factors)))
        fig, ax = plt.subplots(figsize=size)
        grid = [[0.0] * len(mids) for _ in factors]
        lookup = {(e.factor, e.milestone): e.mu_star for e in s.effects if e.output == "p_met"}
        for i, path in enumerate(factors):
            for j, mid in enumerate(mids):
                grid[i][j] = lookup.get((path, mid), 0.0)
        image = ax.imshow(grid or [[0.0]], aspect="auto", cmap="viridis", vmin=0)
        ax.set_xticks(range(len(mids)), mids, rotation=60, ha="right", fontsize=7)
        names = [s.factor(p).label(drawn) for p in factors]
        names = [n if len(n) <= 60 else n[:59] + "…" for n in names]
        ax.set_yticks(range(len(factors)), names, fontsize=7)
        zh = drawn == "zh"
        fig.colorbar(image, ax=ax, label="μ*（达成概率）" if zh else "μ* of P(met)")
        ax.set_title(
            f"{s.scenario}：假设值的影响（Morris，{s.trajectories} 条轨迹 × {s.reps} 次重复）"
            if zh
            else f"{s.scenario}: which assumptions matter (Morris, {s.trajectories} trajectories × {s.reps} reps)",
            fontsize=9,
        )
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, dpi=110, format="png", bbox_inches="tight")
        plt.close(fig)
        return buf.getvalue()


def _headers(lang: str) -> list[str]:
    if lang == "zh":
        return ["里程碑", "排名", "假设值", "取值（范围）", "μ*", "±95%", "σ", "μ*（用时，分）"]
    return ["milestone", "rank", "assumption", "value (range)", "μ*", "±95%", "σ", "μ* (time, min)"]


def rows(s: Screening, lang: str, top: int) -> list[list[str]]:
    """The ranked table: per milestone that moved, its ``top`` factors by μ* of P(met)."""
    out = []
    for mid in active(s):
        times = {e.factor: e.mu_star for e in s.ranked(mid, "time")}
        for rank, e in enumerate(s.ranked(mid)[:top], start=1):
            if e.mu_star <= 0:
                break
            f = s.factor(e.factor)
            label = s.milestones[mid][0 if lang == "zh" else 1]
            out.append(
                [
                    f"{mid} ({label})" if rank == 1 else "",
                    str(rank),
                    f.label(lang),
                    f"{f.value:.4g} ({f.low:.4g}–{f.high:.4g})",
                    f"{e.mu_star:.2f}",
                    f"{e.mu_star_conf:.2f}",
                    f"{e.sigma:.2f}",
                    f"{times.get(e.factor, 0.0):.0f}",
                ]
            )
    return out


def settings(s: Screening, lang: str) -> str:
    if lang == "zh":
        return (
            f"{s.plan} 预案 · {s.scenario} 情景：{len(s.factors)} 个假设值，Morris {s.trajectories} 条轨迹"
            f"（{s.points} 个设计点）× {s.reps} 次重复（主种子 {s.master}，设计种子 {s.seed}，共同随机数），"
            f"用时 {s.seconds:.0f} 秒（{s.executor}）"
        )
    return (
        f"plan {s.plan} · scenario {s.scenario}: {len(s.factors)} assumed numbers, Morris {s.trajectories} "
        f"trajectories ({s.points} design points) × {s.reps} replications (master seed {s.master}, design "
        f"seed {s.seed}, common random numbers), {s.seconds:.0f} s ({s.executor})"
    )


def terminal_table(s: Screening, lang: str, top: int) -> Any:
    from rich.table import Table

    table = Table(title=settings(s, lang), title_justify="left")
    for i, h in enumerate(_headers(lang)):
        table.add_column(h, justify="right" if i in (1, 4, 5, 6, 7) else "left")
    for row in rows(s, lang, top):
        table.add_row(*row)
    table.caption = (
        "μ*：该假设值在其范围内变化对达成概率的平均绝对影响（整段范围计）；σ 大表示与其他假设有交互或非线性"
        if lang == "zh"
        else "μ*: mean absolute effect on P(met) of moving the assumption across its whole range; "
        "a large σ means interaction with other assumptions or non-linearity"
    )
    return table


def markdown(s: Screening, lang: str, top: int, image: str | None) -> str:
    md = [settings(s, lang) + ".", ""]
    if image:
        md += [f"![μ*]({image})", ""]
    md.append("| " + " | ".join(_headers(lang)) + " |")
    md.append("|" + "---|" * len(_headers(lang)))
    for row in rows(s, lang, top):
        md.append("| " + " | ".join(c.replace("|", "\\|") for c in row) + " |")
    if s.skipped:
        md += [
            "",
            ("未筛查：" if lang == "zh" else "Not screened: ")
            + "; ".join(f"`{p}` ({why})" for p, why in s.skipped),
        ]
    return "\n".join(md) + "\n"


def write(s: Screening, out_dir: Path, lang: str) -> list[Path]:
    """``sensitivity.csv`` and ``sensitivity.png`` in ``out_dir``, each atomically."""
    out_dir = Path(out_dir)
    make_folders(out_dir)
    csv_path = atomic_write(out_dir / "sensitivity.csv", csv_text(s))
    png_path = atomic_write(out_dir / "sensitivity.png", heatmap_png(s, lang))
    return [csv_path, png_path]
