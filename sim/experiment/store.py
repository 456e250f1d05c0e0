"""Results on disk, chunk by chunk, so a sweep never has to fit in memory.

    DIR/chunks/study.json          what the chunks belong to (checked on --resume)
    DIR/chunks/chunk-000042.parquet  one finished task's rows (written to .tmp, then renamed)
    DIR/chunks/manifest.jsonl      one line per finished chunk, in finishing order
    DIR/runs.parquet               all chunks compacted in (point, replication) order

A chunk file exists only once complete (atomic rename), so resuming a killed
sweep re-runs exactly the chunks whose files are missing: no duplicate and no
missing rows. Without pyarrow the same layout is written as CSV.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

try:  # pyarrow is the research extra; CSV is the fallback
    import pyarrow as pa
    import pyarrow.parquet as pq
except ImportError:  # pragma: no cover - exercised only without pyarrow
    pa = None
    pq = None

HAVE_ARROW = pa is not None
ROW_GROUP = 5_000  # rows per row group of runs.parquet (bounds the compaction buffer)
EXT = "parquet" if HAVE_ARROW else "csv"


def column_types(template: dict[str, Any]) -> dict[str, str]:
    """A fixed type per column, from its name and a template value (never from chance Nones)."""
    out = {}
    for key, value in template.items():
        out[key] = _type_of(key, value)
    return out


def _type_of(key: str, value: Any) -> str:
    if key.startswith("met_"):
        return "bool"
    if key.startswith("t_"):
        return "float"
    if key.startswith("cause_") or key in ("level", "scenario", "plan") or isinstance(value, str):
        return "str"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    return "float"


def _arrow_schema(types: dict[str, str]):  # type: ignore[no-untyped-def]
    m = {"bool": pa.bool_(), "int": pa.int64(), "float": pa.float64(), "str": pa.string()}
    return pa.schema([(k, m[t]) for k, t in types.items()])


class ChunkStore:
    def __init__(self, root: Path, types: dict[str, str]):
        self.root = Path(root)
        self.dir = self.root / "chunks"
        self.types = dict(types)

    # --- study identity ----------------------------------------------------------

    def study_file(self) -> Path:
        return self.dir / "study.json"

    def start(self, study: dict[str, Any], resume: bool) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        for tmp in self.dir.glob("*.tmp"):
            tmp.unlink()
        path = self.study_file()
        if path.exists():
            old = json.loads(path.read_text(encoding="utf-8"))
            if not resume:
                raise FileExistsError(f"{self.root} already holds a sweep; use --resume or another --out")
            if old.get("identity") != study.get("identity"):
                raise FileExistsError(
                    f"{self.root} holds a different sweep (design, seed, reps, files or model version differ); "
                    "cannot resume it with these options"
                )
            self.types = old["types"]
            return
        study = {**study, "types": self.types}
        _atomic_write(path, json.dumps(study, indent=1, ensure_ascii=False, default=str))

    # --- chunks -----------------------------------------------------------------

    def chunk_path(self, n: int) -> Path:
        return self.dir / f"chunk-{n:06d}.{EXT}"

    def done(self) -> set[int]:
        out = set()
        for p in self.dir.glob(f"chunk-*.{EXT}"):
            try:
                out.add(int(p.stem.split("-")[1]))
            except (IndexError, ValueError):
                continue
        return out

    def _complete_types(self, rows: list[dict[str, Any]]) -> None:
        for row in rows:
            for key, value in row.items():
                if key not in self.types and value is not None:
                    self.types[key] = _type_of(key, value)

    def write(self, n: int, rows: list[dict[str, Any]]) -> None:
        self._complete_types(rows)
        path = self.chunk_path(n)
        tmp = path.with_name(path.name + ".tmp")
        cols = list(self.types)
        if HAVE_ARROW:
            data = {c: [row.get(c) for row in rows] for c in cols}
            table = pa.Table.from_pydict(data, schema=_arrow_schema(self.types))
            pq.write_table(table, tmp)
        else:
            with open(tmp, "w", newline="", encoding="utf-8") as fh:
                w = csv.DictWriter(fh, fieldnames=cols, extrasaction="ignore")
                w.writeheader()
                w.writerows(rows)
        os.replace(tmp, path)
        with open(self.dir / "manifest.jsonl", "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"chunk": n, "rows": len(rows), "file": path.name}) + "\n")

    def read_chunk(self, n: int) -> list[dict[str, Any]]:
        path = self.chunk_path(n)
        if HAVE_ARROW:
            return pq.read_table(path).to_pylist()
        return list(_read_csv(path, self.types))

    # --- compaction -----------------------------------------------------------------

    def compact(self, chunks: list[int], on_rows=None) -> Path:  # type: ignore[no-untyped-def]
        """Write every chunk, in order, into DIR/runs.<ext>; feed each chunk's rows to ``on_rows``."""
        out = self.root / f"runs.{EXT}"
        tmp = out.with_name(out.name + ".tmp")
        if HAVE_ARROW:
            schema = _arrow_schema(self.types)
            # row groups of ~ROW_GROUP rows: one per small chunk would grow the
            # file footer (kept in memory by the writer) with the replication count
            with pq.ParquetWriter(tmp, schema) as writer:
                buffer: list[Any] = []
                buffered = 0
                for n in chunks:
                    table = _conform(pq.read_table(self.chunk_path(n)), schema)
                    if on_rows is not None:
                        on_rows(table.to_pylist())
                    buffer.append(table)
                    buffered += table.num_rows
                    if buffered >= ROW_GROUP:
                        writer.write_table(pa.concat_tables(buffer), row_group_size=buffered)
                        buffer, buffered = [], 0
                if buffer:
                    writer.write_table(pa.concat_tables(buffer), row_group_size=buffered)
        else:
            with open(tmp, "w", newline="", encoding="utf-8") as fh:
                w = csv.DictWriter(fh, fieldnames=list(self.types), extrasaction="ignore")
                w.writeheader()
                for n in chunks:
                    rows = self.read_chunk(n)
                    w.writerows(rows)
                    if on_rows is not None:
                        on_rows(rows)
        os.replace(tmp, out)
        return out

    def remove_chunks(self) -> None:
        for p in self.dir.glob(f"chunk-*.{EXT}"):
            p.unlink()


def _conform(table, schema):  # type: ignore[no-untyped-def]
    """A chunk written before a new column was seen gets that column as nulls."""
    if table.schema.equals(schema):
        return table
    cols = []
    for field in schema:
        if field.name in table.column_names:
            cols.append(table.column(field.name).cast(field.type))
        else:
            cols.append(pa.nulls(len(table), field.type))
    return pa.Table.from_arrays(cols, schema=schema)


def _read_csv(path: Path, types: dict[str, str]) -> Iterator[dict[str, Any]]:
    conv = {"int": int, "float": float, "bool": lambda s: s == "True", "str": str}
    with open(path, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            yield {k: (None if v == "" else conv[types.get(k, "str")](v)) for k, v in row.items()}


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_json(path: Path, data: dict[str, Any]) -> None:
    _atomic_write(path, json.dumps(data, indent=1, ensure_ascii=False, default=str) + "\n")


def read_runs(root: Path, columns: list[str] | None = None):  # type: ignore[no-untyped-def]
    """runs.parquet (or .csv) as a pandas DataFrame."""
    import pandas as pd

    root = Path(root)
    if (root / "runs.parquet").exists():
        return pd.read_parquet(root / "runs.parquet", columns=columns)
    df = pd.read_csv(root / "runs.csv")
    return df[columns] if columns else df
