"""Counterfactual comparison and the after-action report (md, html, docx; zh, en)."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from sim.cli import main_group
from sim.cli.base import run_cli
from sim.counterfactual import compare
from sim.engine import decisions as D
from sim.engine.drill import Drill
from sim.journal import JournalWriter, read_journal
from sim.report import build_report
from sim.spec import catalog
from sim.spec.loader import load_plan_file, load_scenario_file
from sim.stats import wilson

REPS = 12

# a team that decides late and skips things: there is something to learn
SCRIPT = [
    (25, D.DeclareLevel("IV")),
    (30, D.CallIn("reception")),
    (30, D.CallIn("policy")),
    (45, D.Summon("leader", "buyers")),
    (50, D.IssueInitialReply("buyers")),
    (95, D.DeclareLevel("III")),
    (100, D.CallIn("order")),
    (130, D.SetCordon("buyers")),
    (140, D.PublishStatement()),
]


@pytest.fixture(scope="module")
def journal_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("aar") / "team.jsonl"
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


@pytest.fixture(scope="module")
def comparison(journal_path: Path):
    return compare(read_journal(journal_path), reps=REPS, costly_reps=6)


def test_compare_is_statistically_sane(comparison) -> None:
    c = comparison
    assert c.mean_met["plan"] >= c.mean_met["passive"]
    assert c.mean_met["plan"] >= c.mean_met["team"] - 1e-9
    for m in c.milestones:
        for p in m.arms.values():
            if p.n:
                assert p.low <= p.p <= p.high
                assert (p.low, p.high) == pytest.approx(wilson(p.k, p.n))
        assert m.vs_plan.n <= REPS and 0 <= m.vs_plan.p_value <= 1
    assert any(m.verdict == "decision" for m in c.milestones)


def test_compare_reproduces_the_drill_and_is_deterministic(journal_path: Path, comparison) -> None:
    again = compare(read_journal(journal_path), reps=4, costly_reps=2)
    assert [m.actual for m in again.milestones] == [m.actual for m in comparison.milestones]
    first4 = compare(read_journal(journal_path), reps=4, costly_reps=2)
    assert [(m.arms["team"].k, m.arms["plan"].k) for m in first4.milestones] == [
        (m.arms["team"].k, m.arms["plan"].k) for m in again.milestones
    ]
    c = comparison.costly
    assert c is not None and c.gain > 0  # the late statement costs milestones


def _docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read("word/document.xml").decode("utf-8")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_reports_in_every_format(journal_path: Path, tmp_path: Path, lang: str) -> None:
    outs = {
        fmt: build_report(journal_path, fmt, lang, tmp_path / f"r.{fmt}", reps=4)
        for fmt in ("md", "html", "docx")
    }
    md = outs["md"].read_text(encoding="utf-8")
    assert "](r_files/figure1.png)" in md and (tmp_path / "r_files" / "figure1.png").stat().st_size > 1000
    html = outs["html"].read_text(encoding="utf-8")
    assert "data:image/png;base64," in html
    text = _docx_text(outs["docx"])
    with zipfile.ZipFile(outs["docx"]) as z:
        assert any(n.startswith("word/media/") for n in z.namelist())
    if lang == "zh":
        for name in ("演练概况", "发现的问题", "经验教训", "改进建议"):
            assert name in text and name in md and name in html
        assert "按预案处置在同样情景中的达成率为" in text  # a counterfactual sentence
        assert "不足项" in text and "整改措施" in text
    else:
        assert "the plan-following response meets it in" in text
        assert "Deficiency" in text and "Corrective action" in text


def _office() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(_office() is None, reason="LibreOffice is not installed")
def test_zh_docx_opens_in_an_office_suite(journal_path: Path, tmp_path: Path) -> None:
    docx = build_report(journal_path, "docx", "zh", tmp_path / "report.docx", reps=3)
    subprocess.run(
        [
            _office(),
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(docx),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / "report.pdf"
    assert pdf.exists() and pdf.stat().st_size > 10_000
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    if shutil.which("pdftotext"):  # Chinese line breaking: no line of the laid-out text starts with a comma
        laid = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        )
        starts = [line for line in laid.stdout.splitlines() if re.match(r"^\s*[,，、;；。]", line)]
        assert not starts, starts[:5]
    pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", data))
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    assert pages >= 1


def test_cli_compare_and_report(journal_path: Path, tmp_path: Path, capsys) -> None:
    assert run_cli(main_group, ["compare", str(journal_path), "--reps", "3", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "plan-following response meets it in" in out and "Most costly decision" in out
    target = tmp_path / "cli.docx"
    code = run_cli(
        main_group,
        [
            "report",
            str(journal_path),
            "--format",
            "docx",
            "--lang",
            "zh",
            "--out",
            str(target),
            "--reps",
            "3",
        ],
    )
    assert code == 0 and target.stat().st_size > 10_000
    assert run_cli(main_group, ["report", str(tmp_path / "missing.jsonl")]) == 2


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _runs(path: Path, part: str = "word/document.xml") -> list:  # type: ignore[type-arg]
    from lxml import etree

    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read(part))
    return list(root.iter(f"{W}r"))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_docx_tags_chinese_text_as_zh_cn_with_an_east_asian_font(
    journal_path: Path, tmp_path: Path, lang: str
) -> None:
    """LibreOffice picked a Japanese font (and let commas start lines) for Chinese
    runs that python-docx's template left tagged en-US."""
    docx = build_report(journal_path, "docx", lang, tmp_path / "r.docx", reps=2)
    han = re.compile("[\u4e00-\u9fff]")
    chinese = 0
    for run in _runs(docx):
        text = "".join(t.text or "" for t in run.iter(f"{W}t"))
        if not han.search(text):
            continue
        chinese += 1
        rpr = run.find(f"{W}rPr")
        assert rpr is not None, text
        tag = rpr.find(f"{W}lang")
        fonts = rpr.find(f"{W}rFonts")
        assert tag is not None and tag.get(f"{W}eastAsia") == "zh-CN", text
        assert tag.get(f"{W}val") == "zh-CN", text
        assert fonts is not None and fonts.get(f"{W}eastAsia") in ("SimSun", "SimHei"), text
    assert chinese > 50 if lang == "zh" else chinese == 0
    with zipfile.ZipFile(docx) as z:
        styles = z.read("word/styles.xml").decode("utf-8")
    defaults = re.search(r"<w:docDefaults>.*?</w:docDefaults>", styles, re.S)
    assert defaults and 'w:eastAsia="zh-CN"' in defaults.group(0)
    assert 'w:eastAsia="en-US"' not in styles
