"""The after-action report a unit files: ``build_report(journal, fmt, lang, out)``.

Markdown (charts as PNG files beside it), HTML (charts inline) or Word
(.docx, built with python-docx). The zh report uses the section names Chinese
units expect (演练概况, 发现的问题, 经验教训, 改进建议); the findings are graded
不足项 / 整改项 / 改进项 and capabilities rated P/S/M/U, with the rules stated
in the report itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import ReportError

FORMATS = ("md", "html", "docx")


def build_report(
    journal_path: Path,
    fmt: str,
    lang: str,
    out: Path | None,
    reps: int = 100,
    force: bool = False,
    progress: Any = None,
) -> Path:
    """Write the report of the drill in ``journal_path``; returns the file written."""
    from ..counterfactual import compare
    from ..engine.trends import staff_on_duty
    from ..journal import read_journal
    from .charts import charts
    from .document import _labels, build_blocks
    from .writers import write_docx, write_html, write_md

    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    journal_path = Path(journal_path)
    journal = read_journal(journal_path)
    cmp = compare(journal, reps=reps, force=force, progress=progress)
    drill = cmp.actual_drill
    # the staff chart is read from the drill's log: the drill is not played again
    team_samples = staff_on_duty(drill.plan, drill.log.entries, drill.horizon)
    pngs = charts(drill.log.entries, team_samples, _labels(drill), lang, drill.scenario.wall_start)
    blocks = build_blocks(cmp, lang, pngs)
    if out is None:
        out = journal_path.with_name(f"{journal_path.stem}-report-{lang}.{fmt}")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "md":
        write_md(blocks, out)
    elif fmt == "html":
        write_html(blocks, out, lang)
    else:
        write_docx(blocks, out, lang)
    return out


__all__ = ["FORMATS", "ReportError", "build_report"]
