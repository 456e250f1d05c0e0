"""Lay the report's blocks out as Markdown (images beside it), HTML (images
inline) or Word (python-docx, A4, CJK fonts set for East Asian text)."""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path
from typing import Any

from ..files import atomic_write, make_folders, remove_folders, text_safe
from .blocks import Block


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` atomically (``sim.files``: a temporary file beside ``path``,
    fsync, rename, folder fsync): a reader or a crash never sees half a report."""
    atomic_write(path, data)


def _md_text(s: str) -> str:
    """Markdown's emphasis marks in running text are literal characters here
    (the "*" of an assumed limit)."""
    return s.replace("*", "\\*").replace("_", "\\_")


def _safe(blocks: list[Block]) -> list[Block]:
    """Every text as valid UTF-8 (a journal named in bytes that are not UTF-8
    must not stop its report from being written)."""
    from dataclasses import replace

    return [
        replace(
            b,
            text=text_safe(b.text),
            header=[text_safe(h) for h in b.header],
            rows=[[text_safe(c) for c in row] for row in b.rows],
            name=text_safe(b.name),
        )
        for b in blocks
    ]


def _md_cell(s: str) -> str:
    return _md_text(s).replace("|", "\\|").replace("\n", " ")


def write_md(blocks: list[Block], out: Path) -> list[Path]:
    blocks = _safe(blocks)
    folder = out.parent / f"{out.stem}_files"
    lines: list[str] = []
    written = [out]
    images: list[Block] = []
    for b in blocks:
        if b.kind == "title":
            lines += [f"# {b.text}", ""]
        elif b.kind == "h1":
            lines += [f"## {b.text}", ""]
        elif b.kind == "h2":
            lines += [f"### {b.text}", ""]
        elif b.kind == "p":
            lines += [b.text, ""]
        elif b.kind == "note":
            lines += [f"*{_md_text(b.text)}*", ""]
        elif b.kind == "bullet":
            lines += [f"- {b.text}", ""]
        elif b.kind == "table":
            header = b.header or [""] * len(b.rows[0])
            lines.append("| " + " | ".join(_md_cell(h) for h in header) + " |")
            lines.append("|" + "---|" * len(header))
            lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in b.rows]
            lines.append("")
        elif b.kind == "image":
            images.append(b)
            written.append(folder / b.name)
            lines += [f"![{b.text}]({text_safe(folder.name)}/{b.name})", "", f"*{b.text}*", ""]
    if images:
        made = make_folders(folder)
        try:
            for b in images:
                atomic_write(folder / b.name, b.png)
        except BaseException:
            remove_folders(made)
            raise
    atomic_write(out, "\n".join(lines))
    return written


CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;max-width:60em;margin:2em auto;
line-height:1.5;color:#222;padding:0 1em}
table{border-collapse:collapse;width:100%;margin:.5em 0 1em;font-size:.9em}
th,td{border:1px solid #999;padding:.25em .4em;text-align:left;vertical-align:top}
th{background:#eee} img{max-width:100%} .note{color:#555;font-size:.9em} h1{font-size:1.5em;text-align:center}
"""


def write_html(blocks: list[Block], out: Path, lang: str) -> list[Path]:
    blocks = _safe(blocks)
    e = html.escape
    parts = [f'<!DOCTYPE html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">']
    title = next((b.text for b in blocks if b.kind == "title"), "")
    parts.append(f"<title>{e(title)}</title><style>{CSS}</style></head><body>")
    in_list = False
    for b in blocks:
        if b.kind != "bullet" and in_list:
            parts.append("</ul>")
            in_list = False
        if b.kind == "title":
            parts.append(f"<h1>{e(b.text)}</h1>")
        elif b.kind == "h1":
            parts.append(f"<h2>{e(b.text)}</h2>")
        elif b.kind == "h2":
            parts.append(f"<h3>{e(b.text)}</h3>")
        elif b.kind == "p":
            parts.append(f"<p>{e(b.text)}</p>")
        elif b.kind == "note":
            parts.append(f'<p class="note">{e(b.text)}</p>')
        elif b.kind == "bullet":
            if not in_list:
                parts.append("<ul>")
                in_list = True
            parts.append(f"<li>{e(b.text)}</li>")
        elif b.kind == "table":
            parts.append("<table>")
            if b.header:
                parts.append("<tr>" + "".join(f"<th>{e(h)}</th>" for h in b.header) + "</tr>")
            for row in b.rows:
                parts.append("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>")
            parts.append("</table>")
        elif b.kind == "image":
            data = base64.b64encode(b.png).decode("ascii")
            parts.append(
                f'<figure><img alt="{e(b.text)}" src="data:image/png;base64,{data}"><figcaption class="note">'
                f"{e(b.text)}</figcaption></figure>"
            )
    if in_list:
        parts.append("</ul>")
    parts.append("</body></html>")
    atomic_write(out, "\n".join(parts))
    return [out]


# East Asian fonts a unit's Word has (宋体 for text, 黑体 for headings); LibreOffice
# maps them to an installed Chinese font because the runs say they are zh-CN
BODY_CJK, HEAD_CJK = "SimSun", "SimHei"
HAN = re.compile("[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def _rfonts(rpr: Any) -> Any:
    from docx.oxml.ns import qn

    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    return fonts


def _lang(rpr: Any, val: str) -> None:
    """``<w:lang w:val=.. w:eastAsia="zh-CN">``: Chinese text is Chinese (not the
    en-US python-docx's template implies), so an office suite picks a Chinese
    font and Chinese line breaking (no comma starting a line)."""
    from docx.oxml.ns import qn

    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = rpr.makeelement(qn("w:lang"), {})
        rpr.append(lang)
    lang.set(qn("w:val"), val)
    lang.set(qn("w:eastAsia"), "zh-CN")


def _tag_runs(doc: Any, lang: str) -> None:
    """Every run with Chinese text: East Asian font and zh-CN; the rest: the report's language."""
    from docx.oxml.ns import qn

    latin = "zh-CN" if lang == "zh" else "en-GB"
    heading = {"Title", "Heading1", "Heading2"}
    for p in doc.element.body.iter(qn("w:p")):
        ppr = p.find(qn("w:pPr"))
        style = ppr.find(qn("w:pStyle")) if ppr is not None else None
        head = style is not None and style.get(qn("w:val")) in heading
        for r in p.iter(qn("w:r")):
            text = "".join(t.text or "" for t in r.iter(qn("w:t")))
            if not text:
                continue
            rpr = r.get_or_add_rPr()
            if HAN.search(text):
                fonts = _rfonts(rpr)
                fonts.set(qn("w:eastAsia"), HEAD_CJK if head else BODY_CJK)
                fonts.set(qn("w:hint"), "eastAsia")  # “”：— in the Chinese font too
                _lang(rpr, "zh-CN")
            else:
                _lang(rpr, latin)


def _style_fonts(doc: Any, lang: str) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    # the document's defaults: Chinese runs are zh-CN whatever style they have
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
    if rpr_default is not None:
        rpr = rpr_default.find(qn("w:rPr"))
        if rpr is not None:
            _lang(rpr, "zh-CN" if lang == "zh" else "en-GB")
            _rfonts(rpr).set(qn("w:eastAsia"), BODY_CJK)
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Caption", "List Bullet"):
        try:
            style = doc.styles[name]
        except KeyError:
            continue
        head = name.startswith(("Heading", "Title"))
        style.font.name = "Arial" if head else "Times New Roman"
        rpr = style.element.get_or_add_rPr()
        _rfonts(rpr).set(qn("w:eastAsia"), HEAD_CJK if head else BODY_CJK)
        _lang(rpr, "zh-CN" if lang == "zh" else "en-GB")
        if head:
            style.font.color.rgb = RGBColor(0, 0, 0)
    doc.styles["Normal"].font.size = Pt(10.5)
    doc.styles["Title"].font.size = Pt(18)
    doc.styles["Heading 1"].font.size = Pt(14)
    doc.styles["Heading 2"].font.size = Pt(12)


def write_docx(blocks: list[Block], out: Path, lang: str) -> list[Path]:
    import io

    from docx import Document

    blocks = _safe(blocks)
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin = section.bottom_margin = Cm(2.2)
    usable = 21.0 - 4.4
    _style_fonts(doc, lang)
    doc.core_properties.title = next((b.text for b in blocks if b.kind == "title"), "")
    doc.core_properties.language = "zh-CN" if lang == "zh" else "en-GB"
    for b in blocks:
        if b.kind == "title":
            p = doc.add_paragraph(b.text, style="Title")
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif b.kind == "h1":
            doc.add_heading(b.text, level=1)
        elif b.kind == "h2":
            doc.add_heading(b.text, level=2)
        elif b.kind == "p":
            doc.add_paragraph(b.text)
        elif b.kind == "note":
            p = doc.add_paragraph()
            run = p.add_run(b.text)
            run.italic = lang != "zh"
            run.font.size = Pt(9)
        elif b.kind == "bullet":
            doc.add_paragraph(b.text, style="List Bullet")
        elif b.kind == "table":
            ncols = len(b.header or b.rows[0])
            table = doc.add_table(rows=0, cols=ncols)
            table.style = "Table Grid"
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            table.autofit = False
            weights = b.widths or [1.0] * ncols
            widths = [Cm(usable * w / sum(weights)) for w in weights]
            rows = ([b.header] if b.header else []) + b.rows
            for r, row in enumerate(rows):
                cells = table.add_row().cells
                for c, value in enumerate(row):
                    cells[c].width = widths[c]
                    para = cells[c].paragraphs[0]
                    run = para.add_run(value)
                    run.font.size = Pt(9)
                    if r == 0 and b.header:
                        run.bold = True
            for c, col in enumerate(table.columns):
                col.width = widths[c]
            if b.header:
                _repeat_header(table.rows[0])
            doc.add_paragraph()
        elif b.kind == "image":
            doc.add_picture(io.BytesIO(b.png), width=Cm(usable))
            doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            cap = doc.add_paragraph(b.text, style="Caption")
            cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _tag_runs(doc, lang)
    buf = io.BytesIO()  # whole in memory first: a failing disk must not meet a half-written zip
    doc.save(buf)
    atomic_write(out, buf.getvalue())
    return [out]


def _repeat_header(row) -> None:  # type: ignore[no-untyped-def]
    from docx.oxml.ns import qn

    trpr = row._tr.get_or_add_trPr()
    el = trpr.makeelement(qn("w:tblHeader"), {})
    el.set(qn("w:val"), "true")
    trpr.append(el)
