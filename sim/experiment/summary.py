"""Per design point × milestone: the replications by status, P(met) and its
Wilson interval (``sim.stats``), accumulated chunk by chunk.

A milestone still undecided when the drill ended (its deadline falls after
the drill: censored) stays in ``n`` and is not counted as met — it is never
dropped from the proportion — and the ``undecided`` column says how many there
were; ``high_if_met`` is the interval's upper bound were every undecided one
met, so a reader can tell whether the censored runs decide a verdict
(``sim.stats.verdicts``). ``not_applicable`` counts the replications it did not
apply to; ``beyond`` and ``untimed`` those where it is not a limit the drill scores.

The pseudo-milestone ``ALL`` is met in a replication when every milestone that
applied in it was met: the figure a unit cares about ("did we keep all our
limits?"); a replication with no miss but an undecided milestone is undecided.
With a ``target``, each row also carries its ``verdict``.
"""

from __future__ import annotations

from typing import Any

from ..stats import Counts, Status, verdict, wilson
from ..stats.censoring import status_of
from .columns import row_status

ALL = "ALL"
_FIELDS = tuple(s.value for s in Status)


class Summary:
    def __init__(self, param_names: list[str], confidence: float = 0.95, target: float | None = None):
        self.param_names = list(param_names)
        self.confidence = confidence
        self.target = target
        self.params: dict[int, dict[str, Any]] = {}
        # (point, milestone) -> count per status
        self.counts: dict[tuple[int, str], dict[str, int]] = {}
        self.milestones: list[str] = []

    def _tally(self, point: int, m: str, status: Status) -> None:
        c = self.counts.setdefault((point, m), dict.fromkeys(_FIELDS, 0))
        c[status.value] += 1

    def add(self, rows: list[dict[str, Any]]) -> None:
        for row in rows:
            point = int(row["point"])
            if point not in self.params:
                self.params[point] = {p: row.get(p) for p in self.param_names}
            scored = missed = open_ = 0
            for key in row:
                if not key.startswith("met_"):
                    continue
                m = key[4:]
                if m not in self.milestones:
                    self.milestones.append(m)
                raw = row_status(row, m)
                status = Status.NOT_APPLICABLE if raw is None else status_of(raw)
                self._tally(point, m, status)
                if status in (Status.MET, Status.MISSED, Status.UNDECIDED):
                    scored += 1
                    missed += status is Status.MISSED
                    open_ += status is Status.UNDECIDED
            if not scored:
                whole = Status.NOT_APPLICABLE
            elif missed:
                whole = Status.MISSED
            elif open_:
                whole = Status.UNDECIDED
            else:
                whole = Status.MET
            self._tally(point, ALL, whole)

    def rows(self) -> list[dict[str, Any]]:
        out = []
        for point in sorted(self.params):
            for m in [*self.milestones, ALL]:
                c = Counts(**self.counts.get((point, m), dict.fromkeys(_FIELDS, 0)))
                n, k = c.n, c.met
                low, high = wilson(k, n, self.confidence)
                row = {
                    "point": point,
                    **self.params[point],
                    "milestone": m,
                    "n": n,
                    "k": k,
                    "p": k / n if n else None,
                    "low": low if n else None,
                    "high": high if n else None,
                    "missed": c.missed,
                    "undecided": c.undecided,
                    "high_if_met": c.if_undecided_met(self.confidence)[1] if n else None,
                    "not_applicable": c.not_applicable,
                    "beyond": c.beyond,
                    "untimed": c.untimed,
                }
                if self.target is not None:
                    row["verdict"] = verdict(c, self.target, confidence=self.confidence).value
                out.append(row)
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
