"""Inter-coder agreement per label, from review sheets or review databases.

For two coders: Cohen's κ (``sklearn.metrics.cohen_kappa_score``; Cohen 1960). For
three or more: Fleiss' κ (``statsmodels.stats.inter_rater.fleiss_kappa``; Fleiss
1971) over the articles every coder decided. Beside κ: percent agreement (the
share of those articles on which all coders gave the same 0/1) and the list of
disagreements to settle. κ is undefined (reported as ``None``) when every coder
gave one and the same value to every article, since chance agreement is then 1.

A coder is the ``coder`` cell of a sheet row, or the sheet's file name where that
cell is empty; a review database contributes each of its coders.
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from .model.labels import LABELS

__all__ = ["Codings", "LabelAgreement", "load_codings", "agreement", "format_report"]

Codings = dict  # coder -> {article id -> set of labels}


def load_codings(paths: list[str | Path]) -> Codings:
    """``{coder: {id: frozenset(labels)}}`` of review sheets (``.xlsx``/``.csv``/``.jsonl``) and databases (``.sqlite``).

    Raises :class:`dangjian.sheets.SheetError` for a bad sheet and ``ValueError`` when
    one coder gave one article different labels in two files.
    """
    from .sheets import read_sheet

    codings: Codings = {}
    where: dict[tuple[str, str], str] = {}

    def add(coder: str, rec_id: str, labels, place: str) -> None:
        mine = codings.setdefault(coder, {})
        labels = frozenset(labels)
        if rec_id in mine and mine[rec_id] != labels:
            raise ValueError(f"{place}: coder {coder!r} labelled {rec_id!r} differently at {where[coder, rec_id]}")
        mine[rec_id] = labels
        where[coder, rec_id] = place

    for path in map(Path, paths):
        if path.suffix.lower() in (".sqlite", ".sqlite3", ".db"):
            from .review.store import ReviewStore

            for d in ReviewStore(path, create=False).decisions():
                add(d["coder"], d["id"], d["labels"], f"{path}")
        else:
            for row in read_sheet(path):
                add(row.coder or path.name, row.id, row.labels, row.where)
    return codings


@dataclass
class LabelAgreement:
    """Agreement on one label over ``n`` articles decided by every coder."""

    label: str
    statistic: str  # "Cohen's kappa" or "Fleiss' kappa"
    kappa: float | None
    percent: float | None
    n: int
    disagreements: list[tuple[str, dict[str, int]]] = field(default_factory=list)  # (id, {coder: 0/1})


def agreement(codings: Codings) -> list[LabelAgreement]:
    """Per label, κ and percent agreement over the articles that every coder decided.

    Raises ``ValueError`` with fewer than two coders.
    """
    from sklearn.metrics import cohen_kappa_score
    from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa

    coders = sorted(codings)
    if len(coders) < 2:
        found = f"only {coders[0]!r}" if coders else "none"
        raise ValueError(f"agreement needs decisions of two or more coders; found {found} "
                         f"(a sheet's coder is its 'coder' column, else its file name)")
    common = sorted(set.intersection(*(set(codings[c]) for c in coders)))
    out = []
    for label in LABELS:
        table = [[int(label in codings[c][rec_id]) for c in coders] for rec_id in common]
        statistic = "Cohen's kappa" if len(coders) == 2 else "Fleiss' kappa"
        kappa = percent = None
        if table:
            percent = sum(len(set(row)) == 1 for row in table) / len(table)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # 0/0 when a label has one value throughout: reported as None
                if len(coders) == 2:
                    value = cohen_kappa_score([r[0] for r in table], [r[1] for r in table], labels=[0, 1])
                else:
                    value = fleiss_kappa(aggregate_raters(table, n_cat=2)[0], method="fleiss")
            kappa = None if value is None or math.isnan(value) else float(value)
        disagreements = [(rec_id, dict(zip(coders, row))) for rec_id, row in zip(common, table) if len(set(row)) > 1]
        out.append(LabelAgreement(label, statistic, kappa, percent, len(table), disagreements))
    return out


def _pad(text: str, width: int) -> str:
    """``text`` padded to ``width`` terminal columns, CJK characters counting two."""
    import unicodedata

    shown = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - shown)


def format_report(codings: Codings, results: list[LabelAgreement]) -> str:
    """The printed report: coders, the per-label table, then the disagreements to settle."""
    coders = sorted(codings)
    n = results[0].n if results else 0
    lines = ["coders: " + ", ".join(f"{c} ({len(codings[c])} article{'s' if len(codings[c]) != 1 else ''})" for c in coders),
             f"articles decided by all {len(coders)}: {n}" + ("" if n else " (nothing to compare)"), ""]
    statistic = results[0].statistic if results else "kappa"
    lines.append(f"{_pad('label', 8)}  {statistic:>14}  {'agreement':>9}  {'disagree':>8}")
    for r in results:
        kappa = "undefined" if r.kappa is None else f"{r.kappa:.3f}"
        percent = "-" if r.percent is None else f"{100 * r.percent:.1f} %"
        lines.append(f"{_pad(r.label, 8)}  {kappa:>14}  {percent:>9}  {len(r.disagreements):>8}")
    if any(r.kappa is None and r.n for r in results):
        lines.append("(undefined: every coder gave that label one and the same value throughout)")
    disagreements = [(rec_id, r.label, votes) for r in results for rec_id, votes in r.disagreements]
    lines.append("")
    if not disagreements:
        lines.append("no disagreements")
    else:
        lines.append(f"disagreements to settle ({len(disagreements)}):")
        lines.append("\t".join(["id", "label", *coders]))
        for rec_id, label, votes in sorted(disagreements, key=lambda d: (d[0], LABELS.index(d[1]))):
            lines.append("\t".join([rec_id, label, *(str(votes[c]) for c in coders)]))
    return "\n".join(lines)
