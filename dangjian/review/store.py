"""The review database: articles in review order and every coder's decisions, in SQLite.

Each decision is committed in its own transaction the moment it is made
(``synchronous=FULL``), so a closed tab or a killed server loses nothing. The
table ``decisions`` holds each coder's latest decision per article; ``decision_log``
keeps every change. Several coders (and several server threads) share one file.

Schema (label columns by the labels' slugs, :data:`dangjian.model.labels.SLUGS`)::

    articles(id PK, position, text, predicted JSON, scores JSON, priority, evidence JSON)
    decisions(article_id, coder, alliance, incubator, model_post, rotating_chair, note, decided_at)
    decision_log(seq PK, same columns as decisions)
"""
from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

from ..model.labels import LABELS, SLUGS

__all__ = ["ReviewStore", "StoreError"]

_LABEL_COLUMNS = [SLUGS[lab] for lab in LABELS]
_DECISION_COLUMNS = ", ".join(f"{c} INTEGER NOT NULL CHECK ({c} IN (0, 1))" for c in _LABEL_COLUMNS)
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY, position INTEGER NOT NULL, text TEXT NOT NULL,
    predicted TEXT NOT NULL, scores TEXT NOT NULL, priority REAL, evidence TEXT);
CREATE INDEX IF NOT EXISTS articles_position ON articles (position);
CREATE TABLE IF NOT EXISTS decisions (
    article_id TEXT NOT NULL REFERENCES articles (id), coder TEXT NOT NULL,
    {_DECISION_COLUMNS}, note TEXT NOT NULL DEFAULT '', decided_at TEXT NOT NULL,
    PRIMARY KEY (article_id, coder));
CREATE TABLE IF NOT EXISTS decision_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, article_id TEXT NOT NULL, coder TEXT NOT NULL,
    {_DECISION_COLUMNS}, note TEXT NOT NULL DEFAULT '', decided_at TEXT NOT NULL);
"""


class StoreError(ValueError):
    """The review database cannot be used as asked; one line."""


class ReviewStore:
    """A review database file. Opens one SQLite connection per call, so it is safe across threads."""

    def __init__(self, path: str | Path, create: bool = True):
        self.path = Path(path)
        if not create and not self.path.is_file():
            raise StoreError(f"{self.path}: no review database")
        try:
            with self._connect() as conn:
                conn.executescript(SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a review database ({exc})") from None

    def __enter__(self) -> "ReviewStore":
        return self

    def __exit__(self, *exc) -> None:
        return None

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")  # a committed decision survives a killed process or power cut
        return conn

    def _run(self, sql: str, params=(), many: bool = False) -> list[sqlite3.Row]:
        conn = self._connect()
        try:
            with conn:  # one transaction, committed on leaving
                cursor = conn.executemany(sql, params) if many else conn.execute(sql, params)
                return cursor.fetchall()
        finally:
            conn.close()

    # ---- articles -----------------------------------------------------------------------------

    def add_articles(self, articles: Iterable[dict]) -> int:
        """Put ``{"id", "text", "predicted", "scores", "priority"}`` dicts first, in the given order.

        Articles already in the database keep their decisions (and cached evidence
        while their text is unchanged) and follow the new ones in their old order.
        """
        articles = list(articles)
        conn = self._connect()
        try:
            with conn:
                conn.execute("UPDATE articles SET position = position + ?", (len(articles) + 1_000_000_000,))
                for position, a in enumerate(articles):
                    conn.execute(
                        "INSERT INTO articles (id, position, text, predicted, scores, priority) "
                        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET position = excluded.position, "
                        "evidence = CASE WHEN articles.text = excluded.text THEN articles.evidence END, "
                        "text = excluded.text, predicted = excluded.predicted, scores = excluded.scores, "
                        "priority = excluded.priority",
                        (a["id"], position, a["text"], json.dumps(a["predicted"], ensure_ascii=False),
                         json.dumps(a["scores"], ensure_ascii=False), a.get("priority")))
                rest = conn.execute("SELECT id FROM articles WHERE position >= ? ORDER BY position",
                                    (len(articles),)).fetchall()
                conn.executemany("UPDATE articles SET position = ? WHERE id = ?",
                                 [(len(articles) + i, row["id"]) for i, row in enumerate(rest)])
        finally:
            conn.close()
        return len(articles)

    def count(self) -> int:
        return self._run("SELECT COUNT(*) FROM articles")[0][0]

    def article_at(self, position: int) -> dict | None:
        rows = self._run("SELECT * FROM articles WHERE position = ?", (position,))
        return self._article(rows[0]) if rows else None

    def article(self, article_id: str) -> dict | None:
        rows = self._run("SELECT * FROM articles WHERE id = ?", (article_id,))
        return self._article(rows[0]) if rows else None

    @staticmethod
    def _article(row: sqlite3.Row) -> dict:
        return {"id": row["id"], "position": row["position"], "text": row["text"],
                "predicted": json.loads(row["predicted"]), "scores": json.loads(row["scores"]),
                "priority": row["priority"], "evidence": json.loads(row["evidence"]) if row["evidence"] else None}

    def set_evidence(self, article_id: str, evidence: dict) -> None:
        """Cache an article's evidence: ``{label: [[start, end, weight], ...]}`` (offsets into its text)."""
        self._run("UPDATE articles SET evidence = ? WHERE id = ?",
                  (json.dumps(evidence, ensure_ascii=False), article_id))

    # ---- decisions ----------------------------------------------------------------------------

    def decide(self, article_id: str, coder: str, labels: Iterable[str], note: str = "") -> str:
        """Record (and commit at once) ``coder``'s labels for an article; return the time stamp (UTC, ISO 8601).

        Raises :class:`StoreError` for an unknown article, an empty coder name or a label
        that is not one of :data:`LABELS`.
        """
        labels = set(labels)
        coder = (coder or "").strip()
        if not coder:
            raise StoreError("a decision needs a coder name")
        if not labels <= set(LABELS):
            raise StoreError(f"unknown label(s) {', '.join(sorted(labels - set(LABELS)))}; "
                             f"labels are {', '.join(LABELS)}")
        values = [int(lab in labels) for lab in LABELS]
        stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
        columns = ", ".join(_LABEL_COLUMNS)
        marks = ", ".join("?" * len(_LABEL_COLUMNS))
        conn = self._connect()
        try:
            with conn:
                if conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is None:
                    raise StoreError(f"no article {article_id!r} in {self.path}")
                params = (article_id, coder, *values, note or "", stamp)
                conn.execute(f"INSERT OR REPLACE INTO decisions (article_id, coder, {columns}, note, decided_at) "
                             f"VALUES (?, ?, {marks}, ?, ?)", params)
                conn.execute(f"INSERT INTO decision_log (article_id, coder, {columns}, note, decided_at) "
                             f"VALUES (?, ?, {marks}, ?, ?)", params)
        finally:
            conn.close()
        return stamp

    @staticmethod
    def _decision(row: sqlite3.Row) -> dict:
        return {"id": row["article_id"], "coder": row["coder"],
                "labels": [lab for lab, col in zip(LABELS, _LABEL_COLUMNS) if row[col]],
                "note": row["note"], "decided_at": row["decided_at"]}

    def decision(self, article_id: str, coder: str) -> dict | None:
        rows = self._run("SELECT * FROM decisions WHERE article_id = ? AND coder = ?", (article_id, coder))
        return self._decision(rows[0]) if rows else None

    def decisions(self, coder: str | None = None) -> list[dict]:
        """Latest decisions ``{"id", "coder", "labels", "note", "decided_at"}`` in review order, coders by name."""
        sql = ("SELECT d.* FROM decisions d JOIN articles a ON a.id = d.article_id "
               + ("WHERE d.coder = ? " if coder else "") + "ORDER BY a.position, d.coder")
        return [self._decision(r) for r in self._run(sql, (coder,) if coder else ())]

    def coders(self) -> list[str]:
        return [r[0] for r in self._run("SELECT DISTINCT coder FROM decisions ORDER BY coder")]

    def progress(self, coder: str) -> tuple[int, int]:
        """``(decided by coder, articles)``."""
        decided = self._run("SELECT COUNT(*) FROM decisions WHERE coder = ?", (coder,))[0][0]
        return decided, self.count()

    def next_undecided(self, coder: str, after: int = -1) -> int | None:
        """Position of the first article after ``after`` that ``coder`` has not decided (wrapping round)."""
        sql = ("SELECT position FROM articles a WHERE NOT EXISTS (SELECT 1 FROM decisions d "
               "WHERE d.article_id = a.id AND d.coder = ?) AND position > ? ORDER BY position LIMIT 1")
        for start in (after, -1):
            rows = self._run(sql, (coder, start))
            if rows:
                return rows[0][0]
        return None

    def export_rows(self, coder: str | None = None) -> list[dict]:
        """Review-sheet rows (:data:`dangjian.sheets.COLUMNS`), one per decision, in review order."""
        rows = []
        for d in self.decisions(coder):
            article = self.article(d["id"])
            row = {"id": d["id"], "text": article["text"], "predicted": ";".join(article["predicted"]),
                   "coder": d["coder"], "note": d["note"], "rank": article["position"] + 1,
                   "priority": article["priority"], "strategy": f"reviewed in {self.path.name} at {d['decided_at']}"}
            for lab in LABELS:
                row[f"score_{lab}"] = article["scores"].get(lab, "")
                row[lab] = int(lab in d["labels"])
                spans = (article["evidence"] or {}).get(lab) or []
                row[f"evidence_{lab}"] = article["text"][spans[0][0]:spans[0][1]] if spans else ""
            rows.append(row)
        return rows
