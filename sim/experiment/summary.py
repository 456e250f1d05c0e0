"""Per design point × milestone: n applicable replications, k met, P(met) and
its Wilson interval (``sim.stats``), accumulated chunk by chunk.

A milestone still undecided when the drill ended (its deadline falls after
the drill: censored) stays in ``n`` and is not counted as met — it is never
dropped from the proportion — and the ``undecided`` column says how many there
were; ``not_applicable`` counts the replications it did not apply to.

The pseudo-milestone ``ALL`` is met in a replication when every milestone that
applied in it was met: the figure a unit cares about ("did we keep all our
limits?").
"""

from __future__ import annotations

from typing import Any

from ..stats import wilson

ALL = "ALL"


class Summary:
    def __init__(self, param_names: list[str], confidence: float = 0.95):
        self.param_names = list(param_names)
        self.confidence = confidence
        self.params: dict[int, dict[str, Any]] = {}
        # (point, milestone) -> [n, k, not applicable, undecided]
        self.counts: dict[tuple[int, str], list[int]] = {}
        self.milestones: list[str] = []

    def add(self, rows: list[dict[str, Any]]) -> None:
        for row in rows:
            point = int(row["point"])
            if point not in self.params:
                self.params[point] = {p: row.get(p) for p in self.param_names}
            applicable = 0
            all_met = True
            for key, value in row.items():
                if not key.startswith("met_"):
                    continue
                m = key[4:]
                if m not in self.milestones:
                    self.milestones.append(m)
                c = self.counts.setdefault((point, m), [0, 0, 0, 0])
                status = row.get(f"status_{m}") or ("not_applicable" if value is None else "")
                if status == "not_applicable":
                    c[2] += 1
                    continue
                applicable += 1
                c[0] += 1
                if value:
                    c[1] += 1
                else:
                    all_met = False
                    if status == "undecided":
                        c[3] += 1
            c = self.counts.setdefault((point, ALL), [0, 0, 0, 0])
            if applicable:
                c[0] += 1
                c[1] += int(all_met)
            else:
                c[2] += 1

    def rows(self) -> list[dict[str, Any]]:
        out = []
        for point in sorted(self.params):
            for m in [*self.milestones, ALL]:
                n, k, na, undecided = self.counts.get((point, m), [0, 0, 0, 0])
                low, high = wilson(k, n, self.confidence)
                out.append(
                    {
                        "point": point,
                        **self.params[point],
                        "milestone": m,
                        "n": n,
                        "k": k,
                        "p": k / n if n else None,
                        "low": low if n else None,
                        "high": high if n else None,
                        "not_applicable": na,
                        "undecided": undecided,
                    }
                )
        return out

    def write(self, path_stem) -> Any:  # type: ignore[no-untyped-def]
        """summary.parquet (CSV without pyarrow); returns the path."""
        from ..files import atomic_output
        from .store import HAVE_ARROW

        rows = self.rows()
        if HAVE_ARROW:
            import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]
            import pyarrow.parquet as pq  # type: ignore[import-untyped, unused-ignore]

            path = path_stem.with_suffix(".parquet")
            with atomic_output(path, "wb") as fh:
                pq.write_table(pa.Table.from_pylist(rows), fh)
        else:
            import csv

            path = path_stem.with_suffix(".csv")
            with atomic_output(path, "w") as text:
                w = csv.DictWriter(text, fieldnames=list(rows[0]) if rows else ["point"])
                w.writeheader()
                w.writerows(rows)
        return path
