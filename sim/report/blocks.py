"""A report as a list of blocks (title, headings, paragraphs, tables, images); the
md, html and docx writers only lay these out."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Block:
    kind: str  # title | h1 | h2 | p | note | table | image
    text: str = ""
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    widths: list[float] = field(default_factory=list)  # relative column widths
    png: bytes = b""
    name: str = ""
