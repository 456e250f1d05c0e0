"""Reading a YAML data file safely, keeping the line of every key.

Only PyYAML's SafeLoader is used: no tag in a data file can build a Python
object or run code. The node tree is composed once; the data is constructed
from it, and each key path is mapped to its 1-based line so that validation
errors can point at the line a person has to edit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped, unused-ignore]

from ..files import InputError, read_regular
from .limits import MAX_YAML_BYTES
from .problems import Problem, SpecError, format_path

MAX_FILE_BYTES = MAX_YAML_BYTES  # the richest shipped file is ~20 KB; refuse anything absurd
MAX_NODES = 50_000  # guards against alias bombs ("billion laughs")

PathKey = tuple[object, ...]


@dataclass
class YamlDocument:
    file: str
    data: Any
    lines: dict[PathKey, int] = field(default_factory=dict)
    duplicate_keys: list[Problem] = field(default_factory=list)

    def line_of(self, path: PathKey) -> int | None:
        """Line of the deepest known node on ``path``."""
        for cut in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:cut]))
            if line is not None:
                return line
        return None


def read_bytes(path: Path, shown: str) -> bytes:
    """The file's bytes; a missing, unreadable, oversized or non-regular file
    (a named pipe would block forever) is a SpecError."""
    try:
        return read_regular(path, MAX_FILE_BYTES, "file")
    except InputError as exc:
        raise SpecError([Problem(shown, None, "", exc.message)]) from None


def read_yaml(path: Path, display: str | None = None) -> YamlDocument:
    shown = display or str(path)
    return decode_yaml(read_bytes(path, shown), shown)


def decode_yaml(raw: bytes, shown: str) -> YamlDocument:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad_line = raw[: exc.start].count(b"\n") + 1
        raise SpecError([Problem(shown, bad_line, "", "file is not valid UTF-8")]) from None
    return parse_yaml(text, shown)


def parse_yaml(text: str, shown: str) -> YamlDocument:
    loader = None
    try:
        # the reader checks for unprintable characters as soon as it is built
        loader = yaml.SafeLoader(text)
        node = loader.get_single_node()
        if node is None:
            raise SpecError([Problem(shown, None, "", "file is empty")])
        doc = YamlDocument(shown, None)
        _count_nodes(node, shown)
        _index(node, (), doc)
        doc.data = loader.construct_document(node)
    except yaml.reader.ReaderError as exc:
        at: int | None = text[: exc.position].count("\n") + 1
        raise SpecError(
            [Problem(shown, at, "", f"character {exc.character!r} is not allowed in a YAML file")]
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = mark.line + 1 if mark is not None else None
        what = exc.problem or "invalid YAML"
        if exc.context:
            what = f"{exc.context}: {what}"
            ctx = exc.context_mark
            if ctx is not None and exc.problem_mark is not None and ctx.line != exc.problem_mark.line:
                what += f" (it began on line {ctx.line + 1})"
        raise SpecError([Problem(shown, where, "", f"YAML syntax: {what}")]) from None
    except yaml.YAMLError as exc:
        raise SpecError([Problem(shown, None, "", f"YAML: {exc}")]) from None
    except RecursionError:
        raise SpecError([Problem(shown, None, "", "YAML nests too deeply")]) from None
    finally:
        if loader is not None:
            loader.dispose()
    if doc.duplicate_keys:
        raise SpecError(doc.duplicate_keys)
    if not isinstance(doc.data, dict):
        kind = type(doc.data).__name__
        raise SpecError([Problem(shown, 1, "", f"the top level must be a mapping, got {kind}")])
    return doc


def _count_nodes(root: yaml.Node, shown: str) -> None:
    seen = 0
    stack = [root]
    while stack:
        node = stack.pop()
        seen += 1
        if seen > MAX_NODES:
            raise SpecError([Problem(shown, None, "", f"more than {MAX_NODES} YAML nodes")])
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.extend((key, value))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def _index(node: yaml.Node, path: PathKey, doc: YamlDocument) -> None:
    doc.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[object] = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key in seen:
                doc.duplicate_keys.append(
                    Problem(
                        doc.file,
                        key_node.start_mark.line + 1,
                        format_path((*path, str(key))),
                        "key appears twice in the same mapping",
                    )
                )
            seen.add(key)
            child = (*path, key)
            doc.lines[child] = key_node.start_mark.line + 1
            _index(value_node, child, doc)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _index(item, (*path, i), doc)
