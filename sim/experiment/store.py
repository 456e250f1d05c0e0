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
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..files import OutputError, atomic_output, atomic_write, make_folders
from .columns import categories_of, column_types, type_of

__all__ = ["ChunkStore", "column_types", "read_runs", "write_json"]

try:  # pyarrow is the research extra; CSV is the fallback
    import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]
    import pyarrow.parquet as pq  # type: ignore[import-untyped, unused-ignore]
except ImportError:  # pragma: no cover - exercised only without pyarrow
    pa = None
    pq = None

HAVE_ARROW = pa is not None
ROW_GROUP = 5_000  # rows per row group of runs.parquet (bounds the compaction buffer)
EXT = "parquet" if HAVE_ARROW else "csv"


def _arrow_type(name: str, kind: str):  # type: ignore[no-untyped-def]
    if kind == "cat":
        cats = categories_of(name)
        ordered = bool(cats and cats[1])
        return pa.dictionary(pa.int8(), pa.string(), ordered=ordered)
    return {"bool": pa.bool_(), "int": pa.int64(), "float": pa.float64(), "str": pa.string()}[kind]


_SCHEMAS: dict[tuple[tuple[str, str], ...], Any] = {}


def _arrow_schema(types: dict[str, str]) -> Any:
    """The arrow schema, with the pandas metadata that makes ``pd.read_parquet``
    give met_* as nullable booleans and categorical columns with all their
    categories, in order (level IV < III < II < I). Built once per set of columns."""
    key = tuple(types.items())
    hit = _SCHEMAS.get(key)
    if hit is None:
        hit = _SCHEMAS[key] = _build_schema(types)
    return hit


# pandas' own description of each column kind, as it writes into a parquet
# file's metadata (written by hand so the sweep driver never imports pandas)
_PANDAS_TYPES = {
    "bool": ("bool", "boolean"),  # nullable: BooleanDtype, <NA> for a missing value
    "int": ("int64", "int64"),
    "float": ("float64", "float64"),
    "str": ("unicode", "object"),
}


def _pandas_metadata(types: dict[str, str]) -> bytes:
    from importlib.metadata import PackageNotFoundError, version

    columns = []
    for name, kind in types.items():
        entry: dict[str, Any]
        if kind == "cat":
            cats, ordered = categories_of(name) or ((), False)
            entry = {"pandas_type": "categorical", "numpy_type": "int8",
                     "metadata": {"num_categories": len(cats), "ordered": ordered}}  # fmt: skip
        else:
            pandas_type, numpy_type = _PANDAS_TYPES[kind]
            entry = {"pandas_type": pandas_type, "numpy_type": numpy_type, "metadata": None}
        columns.append({"name": name, "field_name": name, **entry})
    try:
        pandas_version = version("pandas")
    except PackageNotFoundError:
        pandas_version = "2.2.0"
    meta = {
        "index_columns": [],
        "column_indexes": [],
        "columns": columns,
        "creator": {"library": "pyarrow", "version": pa.__version__},
        "pandas_version": pandas_version,
    }
    return json.dumps(meta).encode("utf-8")


def _build_schema(types: dict[str, str]) -> Any:
    fields = [pa.field(k, _arrow_type(k, t)) for k, t in types.items()]
    return pa.schema(fields, metadata={b"pandas": _pandas_metadata(types)})


def _column(name: str, kind: str, values: list[Any]):  # type: ignore[no-untyped-def]
    if kind != "cat":
        return pa.array(values, type=_arrow_type(name, kind))
    cats, ordered = categories_of(name) or ((), False)
    index = {c: i for i, c in enumerate(cats)}
    codes = pa.array([None if v is None else index[v] for v in values], type=pa.int8())
    return pa.DictionaryArray.from_arrays(codes, pa.array(list(cats), type=pa.string()), ordered=ordered)


class ChunkStore:
    def __init__(self, root: Path, types: dict[str, str]):
        self.root = Path(root)
        self.dir = self.root / "chunks"
        self.types = dict(types)

    # --- study identity ----------------------------------------------------------

    def study_file(self) -> Path:
        return self.dir / "study.json"

    def load_study(self) -> dict[str, Any] | None:
        """What study.json says (None if there is none)."""
        path = self.study_file()
        if not path.exists():
            return None
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return data

    def begin(self, study: dict[str, Any]) -> None:
        """A new study: the chunk folder and study.json (with the column types)."""
        make_folders(self.dir)
        write_json(self.study_file(), {**study, "types": self.types})

    def clean(self) -> None:
        """Temporary files of a killed run (never a finished chunk)."""
        for tmp in self.dir.glob("*.tmp"):
            tmp.unlink()

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

    def write(self, n: int, rows: list[dict[str, Any]]) -> None:
        for row in rows:
            for key, value in row.items():
                if key not in self.types and value is not None:
                    self.types[key] = type_of(key, value)
        path = self.chunk_path(n)
        cols = list(self.types)
        with atomic_output(path, "wb") as fh:
            if HAVE_ARROW:
                arrays = [_column(c, self.types[c], [row.get(c) for row in rows]) for c in cols]
                pq.write_table(pa.Table.from_arrays(arrays, schema=_arrow_schema(self.types)), fh)
            else:
                text = _csv_text(cols, rows)
                fh.write(text.encode("utf-8"))
        line = json.dumps({"chunk": n, "rows": len(rows), "file": path.name}) + "\n"
        manifest = self.dir / "manifest.jsonl"
        try:
            with open(manifest, "a", encoding="utf-8") as mf:
                mf.write(line)
                mf.flush()
                os.fsync(mf.fileno())
        except OSError as exc:
            raise OutputError.of(manifest, exc) from None

    def read_chunk(self, n: int) -> list[dict[str, Any]]:
        path = self.chunk_path(n)
        if HAVE_ARROW:
            return list(pq.read_table(path).to_pylist())
        return list(_read_csv(path, self.types))

    # --- compaction -----------------------------------------------------------------

    def compact(self, chunks: list[int], on_rows=None) -> Path:  # type: ignore[no-untyped-def]
        """Write every chunk, in order, into DIR/runs.<ext>; feed each chunk's rows to ``on_rows``."""
        out = self.root / f"runs.{EXT}"
        with atomic_output(out, "wb") as fh:
            if HAVE_ARROW:
                schema = _arrow_schema(self.types)
                # row groups of ~ROW_GROUP rows: one per small chunk would grow the
                # file footer (kept in memory by the writer) with the replication count
                with pq.ParquetWriter(fh, schema) as writer:
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
                import io

                text = io.StringIO()
                w = csv.DictWriter(text, fieldnames=list(self.types), extrasaction="ignore")
                w.writeheader()
                for n in chunks:
                    rows = self.read_chunk(n)
                    w.writerows(rows)
                    if on_rows is not None:
                        on_rows(rows)
                fh.write(text.getvalue().encode("utf-8"))
        return out

    def remove_chunks(self) -> None:
        for p in self.dir.glob(f"chunk-*.{EXT}"):
            p.unlink()


def _csv_text(cols: list[str], rows: list[dict[str, Any]]) -> str:
    import io

    text = io.StringIO()
    w = csv.DictWriter(text, fieldnames=cols, extrasaction="ignore")
    w.writeheader()
    w.writerows(rows)
    return text.getvalue()


def _conform(table: Any, schema: Any) -> Any:
    """A chunk written before a new column was seen gets that column as nulls."""
    if table.schema.equals(schema, check_metadata=False):
        return table.replace_schema_metadata(schema.metadata)
    cols = []
    for field in schema:
        if field.name in table.column_names:
            cols.append(table.column(field.name).cast(field.type))
        else:
            cols.append(pa.nulls(len(table), field.type))
    return pa.Table.from_arrays(cols, schema=schema)


def _read_csv(path: Path, types: dict[str, str]) -> Iterator[dict[str, Any]]:
    conv: dict[str, Callable[[str], Any]] = {
        "int": int,
        "float": float,
        "bool": lambda s: s == "True",
        "str": str,
        "cat": str,
    }
    with open(path, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            yield {k: (None if v == "" else conv[types.get(k, "str")](v)) for k, v in row.items()}


def write_json(path: Path, data: dict[str, Any]) -> None:
    atomic_write(path, json.dumps(data, indent=1, ensure_ascii=False, default=str) + "\n")


def read_rows(root: Path) -> list[dict[str, Any]]:
    """runs.parquet (or .csv) as plain rows (None for a missing value)."""
    root = Path(root)
    if (root / "runs.parquet").exists():
        rows: list[dict[str, Any]] = list(pq.read_table(root / "runs.parquet").to_pylist())
        return rows
    with open(root / "chunks" / "study.json", encoding="utf-8") as fh:
        types = json.load(fh)["types"]
    return list(_read_csv(root / "runs.csv", types))


def read_runs(root: Path, columns: list[str] | None = None):  # type: ignore[no-untyped-def]
    """runs.parquet (or .csv) as a pandas DataFrame: met_* nullable booleans,
    level and status_* categoricals."""
    import pandas as pd  # type: ignore[import-untyped, unused-ignore]

    root = Path(root)
    if (root / "runs.parquet").exists():
        return pd.read_parquet(root / "runs.parquet", columns=columns)
    df = pd.read_csv(root / "runs.csv")
    return df[columns] if columns else df
