"""Plan evaluation: which time limits can a unit keep, and with what probability?

For each scenario and milestone, over independent replications (a drill is a
terminating simulation: no warm-up, each replication one Bernoulli outcome):

- P(met) with a 95 % Wilson interval (``sim.stats.proportion``);
- median and 90th-percentile time from the milestone's clock start, against
  the limit. A replication that missed the limit counts as "later than the
  limit" (the engine records no time for a missed milestone), so a quantile
  past the limit is shown as ``> limit``;
- a verdict: ``kept`` (the Wilson lower bound reaches the target), ``at risk``,
  or ``infeasible`` (the static check: not even the fastest value the plan's
  distributions can produce meets the limit);
- the bottleneck of its misses (``bottleneck``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..engine.version import MODEL_VERSION
from ..spec.limits import MAX_REPLICATIONS
from ..stats import Proportion, proportion
from .bottleneck import describe, summarise
from .columns import column_types, milestone_columns, outcome_columns, outcomes, undecided
from .executors import Handle
from .inputs import Inputs
from .runner import Job, StudyError, open_study
from .sweep import SEEDING
from .tasks import make_tasks, run_task

KEPT, AT_RISK, INFEASIBLE, NA = "kept", "at_risk", "infeasible", "n/a"
VERDICT = {
    KEPT: ("可达成", "kept"),
    AT_RISK: ("有风险", "at risk"),
    INFEASIBLE: ("不可行", "infeasible"),
    NA: ("不适用", "n/a"),
}


# --- static check ------------------------------------------------------------------------


def fastest(plan: Any, scenario: Any, milestone: Any) -> tuple[float, str] | None:
    """A lower bound on the minutes from the clock's start to meeting ``milestone``,
    with what it comes from; None when the model gives no static bound."""
    if milestone.clock == "incident_start":
        return None  # the work may start before the clock (scheduled visits)
    m = milestone.measure
    kind = m.kind
    travel, site = 0.0, None
    for inc in scenario.incidents:
        loc = getattr(inc, "location", None)
        if loc is not None:
            if loc in plan.sites:
                site = loc
                travel = plan.sites[loc].travel_min.lowest()
            break
    if kind == "official_on_site":
        o = plan.officials[m.official]
        return (
            (0.0, "") if o.on_site_at_start else (o.arrival_min.lowest(), f"fastest arrival of {m.official}")
        )
    if kind == "team_on_site":
        t = plan.teams[m.team]
        need = m.people or t.size_people
        base = 0.0 if t.on_duty_people >= need else t.call_in_min.lowest()
        what = f"fastest call-in of {m.team}" if base else f"{m.team} on duty"
        if site:
            what += f" + fastest travel to {site}"
        return base + travel, what
    if kind == "teams_all_on_duty":
        best = (0.0, "")
        for team_id in m.teams:
            t = plan.teams[team_id]
            if t.on_duty_people < t.size_people and t.call_in_min.lowest() > best[0]:
                best = (t.call_in_min.lowest(), f"fastest call-in of {team_id}")
        return best
    if kind == "venue_open":
        v = plan.venues[m.venue]
        return (0.0, "") if v.open_at_start else (v.open_min.lowest(), f"fastest opening of {m.venue}")
    if kind == "alert_step":
        names = [s.step for s in plan.alert_chain]
        if m.step not in names:
            return None
        upto = names.index(m.step)
        steps = (
            plan.alert_chain[upto : upto + 1]
            if milestone.clock == "previous_step"
            else plan.alert_chain[: upto + 1]
        )
        if milestone.clock not in ("previous_step", "first_report"):
            return None
        return sum(s.duration_min.lowest() for s in steps), f"fastest {m.step} step"
    pw = plan.policy_work
    if pw is None:
        return None
    if kind == "reply_issued":
        return pw.initial_reply_min.lowest(), "fastest drafting of the initial reply"
    if kind == "statement_published":
        return pw.statement_min.lowest(), "fastest drafting of a statement"
    if kind == "package_signed":
        low = pw.package_solution_min.lowest()
        if pw.signatory and pw.signatory in plan.officials:
            o = plan.officials[pw.signatory]
            arrive = 0.0 if o.on_site_at_start else o.arrival_min.lowest()
            if arrive > low:
                return arrive, f"fastest arrival of the signatory {pw.signatory}"
        return low, "fastest drafting of the package solution"
    return None


def static_check(plan: Any, scenario: Any) -> dict[str, str]:
    """Milestone id -> why its limit cannot be met (only the infeasible ones)."""
    out = {}
    for _level, m in plan.all_milestones():
        if m.measure.kind == "beyond_model":
            continue
        bound = fastest(plan, scenario, m)
        if bound is not None and bound[0] > m.deadline_min + 1e-9:
            out[m.id] = f"{bound[1]} is {bound[0]:g} min > limit {m.deadline_min:g} min"
    return out


# --- evaluation ---------------------------------------------------------------------------------


@dataclass
class MilestoneEval:
    id: str
    label_zh: str
    label_en: str
    level: str | None
    limit: float
    prop: Proportion
    median: float | None  # math.inf: later than the limit
    p90: float | None
    verdict: str
    reason: str = ""  # static infeasibility
    bottleneck: tuple[str, int, int] | None = None
    bottleneck_text: dict[str, str] = field(default_factory=dict)
    undecided: int = 0  # replications in which the drill ended before its deadline (censored)

    def label(self, lang: str) -> str:
        return self.label_zh if lang == "zh" else self.label_en


@dataclass
class ScenarioEval:
    id: str
    title: dict[str, str]
    reps: int
    milestones: list[MilestoneEval]


@dataclass
class Report:
    plan_id: str
    unit: dict[str, str]
    target: float
    reps: int
    master: int
    policy: str
    scenarios: list[ScenarioEval]


def pick_scenarios(plan_file: Path, spec: str) -> list[Path]:
    from ..spec import catalog
    from ..spec.loader import load_plan_file, loadable_scenarios

    plan, _ = load_plan_file(Path(plan_file))
    if spec.strip() == "all":
        out = [path for _sid, path, scen in loadable_scenarios() if plan.id in scen.plans()]
        if not out:
            raise ValueError(f"no shipped scenario is written for plan {plan.id}; name some with --scenarios")
        return out
    ids = [s.strip() for s in spec.split(",") if s.strip()]
    if not ids:
        raise ValueError("--scenarios: give 'all' or scenario ids separated by commas")
    return [catalog.scenario_path(s) for s in ids]


def quantile(values: list[float], q: float) -> float | None:
    """Nearest-rank quantile (inf stays inf: a replication that missed the limit)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def judge(rows: list[dict[str, Any]], plan: Any, scenario: Any, target: float) -> list[MilestoneEval]:
    infeasible = static_check(plan, scenario)
    out = []
    for level, m in plan.all_milestones():
        if m.measure.kind == "beyond_model":
            continue
        prop = proportion(outcomes(rows, m.id))
        times = []
        for r in rows:
            if r.get(f"met_{m.id}") is None:
                continue
            t = r.get(f"t_{m.id}_min")
            times.append(math.inf if t is None else float(t))  # missed without a time: past the limit
        if m.id in infeasible:
            verdict = INFEASIBLE
        elif prop.n == 0:
            verdict = NA
        elif prop.low >= target:
            verdict = KEPT
        else:
            verdict = AT_RISK
        neck = summarise([r.get(f"cause_{m.id}") for r in rows])
        text = {lang: describe(neck[0], plan, lang) for lang in ("zh", "en")} if neck else {}
        out.append(
            MilestoneEval(
                m.id,
                m.label.zh,
                m.label.en,
                level,
                m.deadline_min,
                prop,
                quantile(times, 0.5),
                quantile(times, 0.9),
                verdict,
                infeasible.get(m.id, ""),
                neck,
                text,
                undecided(rows, m.id),
            )
        )
    return out


def _template(plan: Any) -> dict[str, Any]:
    from ..engine.scorecard import outcomes_from

    row: dict[str, Any] = {"point": 0, "master_seed": 0, "rep": 0, "scenario": ""}
    row.update(milestone_columns(plan, causes=True))
    row.update(outcome_columns({k: (None if k == "level" else v) for k, v in outcomes_from([]).items()}))
    return row


def evaluate(
    plan_file: Path,
    scenario_files: list[Path],
    reps: int,
    master: int,
    policy: str,
    target: float,
    handle: Handle,
    progress: Callable[[int, int], None] | None = None,
    batch: int = 20,
    out_dir: Path | None = None,
    resume: bool = False,
    stop_after: int | None = None,  # test hook: stop as if killed after this many chunks
) -> Report:
    """Evaluate the plan on each scenario. With ``out_dir`` the replications are
    kept there like a sweep's (``runs.parquet`` with a ``scenario`` column,
    ``meta.json``, the inputs' snapshot) and ``resume`` finishes a killed evaluation."""
    if not 1 <= reps <= MAX_REPLICATIONS:
        raise StudyError(f"the number of replications must be within 1..{MAX_REPLICATIONS:,}")
    inputs = {}
    for sfile in scenario_files:
        content = Inputs.read(Path(plan_file), Path(sfile))
        _plan, scen = content.load()
        inputs[scen.id] = content
    order = list(inputs)

    def tasks(given: dict[str, Inputs]) -> list[Any]:
        out: list[Any] = []
        for sid in order:
            out += make_tasks(
                [{}],
                reps,
                batch,
                given[sid],
                master,
                policy,
                causes=True,
                extra={"scenario": sid},
                chunk_offset=len(out),
            )
        return out

    plan, _ = inputs[order[0]].load()
    by_scenario: dict[str, list[dict[str, Any]]] = {sid: [] for sid in order}

    def keep(rows: list[dict[str, Any]]) -> None:
        for row in rows:
            by_scenario[row["scenario"]].append(row)

    if out_dir is None:
        from concurrent.futures import as_completed

        all_tasks = tasks(inputs)
        total = sum(t.rep_stop - t.rep_start for t in all_tasks)
        done = 0
        if progress:
            progress(0, total)
        by_chunk: dict[int, list[dict[str, Any]]] = {}
        futures = {handle.executor.submit(run_task, t): t for t in all_tasks}
        for fut in as_completed(futures):
            rows = fut.result()
            by_chunk[futures[fut].chunk] = rows
            done += len(rows)
            if progress:
                progress(done, total)
        for n in sorted(by_chunk):
            keep(by_chunk[n])
    else:
        job = Job(
            "evaluation",
            {
                "plan": plan.id,
                "scenarios": order,
                "reps": reps,
                "master_seed": master,
                "policy": policy,
                "batch": batch,
                "model": MODEL_VERSION,
            },
            inputs,
            tasks,
            column_types(_template(plan)),
        )
        with open_study(Path(out_dir), job, resume) as run:
            if run.complete:
                from .store import read_rows

                keep(read_rows(Path(out_dir)))
            else:
                run.run(handle, progress, stop_after)
                run.compact(on_rows=keep)
                from .store import write_json

                write_json(
                    Path(out_dir) / "meta.json",
                    run.meta(
                        handle,
                        plan=plan.id,
                        scenarios=order,
                        reps=reps,
                        master_seed=master,
                        seeding=SEEDING,
                        policy=policy,
                        batch=batch,
                        deadlines={m.id: m.deadline_min for _level, m in plan.all_milestones()},
                    ),
                )
                run.finish()
    results = []
    for sid in order:
        p, scenario = inputs[sid].load()
        results.append(
            ScenarioEval(
                scenario.id,
                {"zh": scenario.title.zh, "en": scenario.title.en},
                reps,
                judge(by_scenario[sid], p, scenario, target),
            )
        )
    return Report(plan.id, {"zh": plan.unit.zh, "en": plan.unit.en}, target, reps, master, policy, results)


# --- output ----------------------------------------------------------------------------------------


def _t(value: float | None, limit: float) -> str:
    if value is None:
        return "–"
    if math.isinf(value):
        return f"> {limit:g}"
    return f"{value:.0f}"


def _headers(lang: str) -> list[str]:
    if lang == "zh":
        return [
            "级别",
            "里程碑",
            "时限(分)",
            "达成概率 (95%区间)",
            "中位用时",
            "P90用时",
            "结论",
            "瓶颈 / 原因",
        ]
    return [
        "level",
        "milestone",
        "limit (min)",
        "P(met) (95% CI)",
        "median",
        "p90",
        "verdict",
        "bottleneck / reason",
    ]


def _cells(e: MilestoneEval, lang: str) -> list[str]:
    zh = lang == "zh"
    verdict = VERDICT[e.verdict][0 if zh else 1]
    if e.reason:
        note = ("静态检查：" if zh else "static check: ") + e.reason
    elif e.bottleneck:
        _cause, count, misses = e.bottleneck
        note = (
            f"{e.bottleneck_text[lang]}：{count}/{misses} 次未达成"
            if zh
            else f"{e.bottleneck_text[lang]}: {count} of {misses} misses"
        )
    else:
        note = ""
    if e.undecided:
        more = (
            f"{e.undecided} 次推演结束时尚未到时限（计为未达成）"
            if zh
            else f"{e.undecided} undecided when the drill ended (counted as not met)"
        )
        note = f"{note}; {more}" if note else more
    return [
        e.level or "–",
        e.label(lang),
        f"{e.limit:g}",
        e.prop.text(),
        _t(e.median, e.limit),
        _t(e.p90, e.limit),
        verdict,
        note,
    ]


def terminal_tables(report: Report, lang: str) -> list[Any]:
    from rich.table import Table

    style = {KEPT: "green", AT_RISK: "yellow", INFEASIBLE: "red", NA: "dim"}
    zh = lang == "zh"
    tables = []
    for s in report.scenarios:
        title = f"{s.title[lang]} · {report.unit[lang]} · " + (
            f"{s.reps} 次独立重复，目标 {report.target:g}"
            if zh
            else f"{s.reps} independent replications, target {report.target:g}"
        )
        table = Table(title=title, title_justify="left")
        headers = _headers(lang)
        table.add_column(headers[1])
        for h in headers[2:]:
            table.add_column(h, justify="right" if h != headers[-1] and h != headers[-2] else "left")
        for e in s.milestones:
            cells = _cells(e, lang)
            cells[6] = f"[{style[e.verdict]}]{cells[6]}[/]"
            table.add_row(f"{e.level or ''} {e.id}".strip(), *cells[2:])
        table.caption = (
            "达成：Wilson 95% 下限不低于目标；用时自该时限起算时刻计；“> 时限”表示超过时限（未达成的重复按超时计）"
            if zh
            else "kept: Wilson 95% lower bound >= target; times from the limit's clock start; '> limit': past the limit (missed replications count as late)"
        )
        tables.append(table)
    return tables


def _plot(s: ScenarioEval, target: float, lang: str) -> bytes:
    """P(met) per milestone with its Wilson interval, as PNG bytes."""
    from .plots import _plt, figure_style

    with figure_style(lang) as drawn:
        return _draw(s, target, drawn, _plt())


def _draw(s: ScenarioEval, target: float, lang: str, plt: Any) -> bytes:
    import io

    from .plots import word

    zh = lang == "zh"
    ms = [e for e in s.milestones if e.prop.n]
    fig, ax = plt.subplots(figsize=(7.5, 0.35 * len(ms) + 1.6))
    ys = list(range(len(ms)))[::-1]
    colours = {KEPT: "tab:green", AT_RISK: "tab:orange", INFEASIBLE: "tab:red", NA: "grey"}
    for y, e in zip(ys, ms, strict=True):
        ax.errorbar(
            e.prop.p,
            y,
            xerr=[[max(0.0, e.prop.p - e.prop.low)], [max(0.0, e.prop.high - e.prop.p)]],
            fmt="o",
            color=colours[e.verdict],
            capsize=3,
        )
    ax.axvline(target, color="red", linestyle="--", lw=1, label=word("target", lang, t=target))
    for verdict in (KEPT, AT_RISK, INFEASIBLE):
        if any(e.verdict == verdict for e in ms):
            ax.plot([], [], "o", color=colours[verdict], label=VERDICT[verdict][0 if zh else 1])
    ax.set_yticks(ys, [f"{e.id} (n={e.prop.n})" for e in ms])
    ax.set_xlim(-0.02, 1.02)
    ax.set_xlabel(word("pmet_axis", lang))
    ax.set_ylabel("里程碑" if zh else "milestone")
    ax.set_title(
        f"{s.title[lang] if zh else s.id}：各里程碑达成概率（{s.reps} 次重复）"
        if zh
        else f"{s.id}: P(met) per milestone ({s.reps} replications)"
    )
    ax.grid(alpha=0.3, axis="x")
    ax.legend(fontsize=8, loc="lower left")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, dpi=110, format="png")
    plt.close(fig)
    return buf.getvalue()


def write_report(report: Report, out_dir: Path, lang: str) -> list[Path]:
    """report.md (PNG figures beside it) and report.html (the same figures
    embedded, one self-contained file) in ``out_dir``, each written atomically."""
    import base64
    import html

    from ..files import atomic_write, make_folders

    out_dir = Path(out_dir)
    make_folders(out_dir)
    zh = lang == "zh"
    title = f"{'预案评估：' if zh else 'Plan evaluation: '}{report.unit[lang]}"
    md = [f"# {title} (`{report.plan_id}`)", ""]
    md.append(
        f"{report.reps} 次独立重复/情景，主种子 {report.master}，策略 {report.policy}，目标达成概率 {report.target:g}"
        f"（Wilson 95% 下限），模型版本 {MODEL_VERSION}。"
        if zh
        else f"{report.reps} independent replications per scenario, master seed {report.master}, policy {report.policy}, "
        f"target P(met) {report.target:g} (Wilson 95 % lower bound), model version {MODEL_VERSION}."
    )
    body = [f"<h1>{html.escape(title)} ({html.escape(report.plan_id)})</h1>", f"<p>{html.escape(md[2])}</p>"]
    paths = []
    for s in report.scenarios:
        png = out_dir / f"pmet_{s.id}.png"
        data = _plot(s, report.target, lang)
        atomic_write(png, data)
        paths.append(png)
        caption = "达成概率" if zh else "P(met)"
        md += ["", f"## {s.title[lang]} (`{s.id}`)", "", f"![{caption}]({png.name})", ""]
        md.append("| " + " | ".join(_headers(lang)) + " |")
        md.append("|" + "---|" * len(_headers(lang)))
        body.append(f"<h2>{html.escape(s.title[lang])} ({html.escape(s.id)})</h2>")
        body.append(
            f'<img src="data:image/png;base64,{base64.b64encode(data).decode("ascii")}" alt="{caption}">'
        )
        body.append("<table><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in _headers(lang)) + "</tr>")
        for e in s.milestones:
            cells = _cells(e, lang)
            md.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
            body.append(
                f'<tr class="{e.verdict}">' + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>"
            )
        body.append("</table>")
    mdp = out_dir / "report.md"
    atomic_write(mdp, "\n".join(md) + "\n")
    css = (
        "body{font-family:sans-serif;max-width:70em;margin:2em auto}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:.2em .5em}tr.kept td:nth-child(7){color:green}"
        "tr.at_risk td:nth-child(7){color:#b60}tr.infeasible td:nth-child(7){color:red}img{max-width:100%}"
    )
    htmlp = out_dir / "report.html"
    atomic_write(
        htmlp,
        f'<!doctype html><html lang="{"zh-CN" if zh else "en"}"><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"<style>{css}</style><body>{''.join(body)}</body></html>\n",
    )
    return [mdp, htmlp, *paths]
