"""The review page: a Flask application over a :class:`ReviewStore`, served on 127.0.0.1 only.

Routes::

    GET  /                      the coder's first undecided article (asks for a name without one)
    GET  /article/<position>    one article: text with evidence marked, four label toggles, note
    POST /api/decision          {"id", "coder", "labels": [...], "note"} -> saved at once
    GET  /export.xlsx           the decisions as a review sheet (?coder=NAME for one coder)

Requests whose Host is not this machine's loopback address are refused (a web
page elsewhere cannot reach the page through DNS rebinding), and decisions are
accepted only as JSON (a cross-site form cannot post one).
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from flask import Flask, abort, after_this_request, jsonify, redirect, render_template, request, send_file, url_for

from ..model.labels import LABELS
from .codebook import DEFINITIONS
from .store import ReviewStore, StoreError

__all__ = ["create_app", "marked_segments", "evidence_spans"]

_LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]")


def evidence_spans(tagging) -> dict[str, list[list[float]]]:
    """``{label: [[start, end, weight], ...]}`` of a :class:`dangjian.Tagging` with evidence."""
    return {lab: [[s.start, s.end, round(s.weight, 4)] for s in ev.sentences]
            for lab, ev in (tagging.evidence or {}).items()}


def marked_segments(text: str, evidence: dict[str, list]) -> list[tuple[str, list[str]]]:
    """``text`` cut into ``(piece, labels)`` pieces, ``labels`` those whose evidence sentences cover it.

    >>> marked_segments("甲乙丙丁", {"联盟": [[1, 3, 0.5]]})
    [('甲', []), ('乙丙', ['联盟']), ('丁', [])]
    """
    cuts = {0, len(text)}
    spans = []
    for lab, items in evidence.items():
        for start, end, *_ in items:
            start, end = max(0, int(start)), min(len(text), int(end))
            if start < end:
                spans.append((start, end, lab))
                cuts.update((start, end))
    points = sorted(cuts)
    out = []
    for a, b in zip(points, points[1:]):
        labels = [lab for lab in LABELS if any(s <= a and b <= e and l == lab for s, e, l in spans)]
        if out and out[-1][1] == labels:
            out[-1] = (out[-1][0] + text[a:b], labels)
        else:
            out.append((text[a:b], labels))
    return out


def create_app(store: ReviewStore, tagger=None, coder: str | None = None) -> Flask:
    """The Flask app for ``store``; ``tagger`` computes evidence not yet cached; ``coder`` the default name."""
    app = Flask(__name__, template_folder=str(Path(__file__).parent / "templates"))
    app.config["JSON_AS_ASCII"] = False
    app.json.ensure_ascii = False

    @app.before_request
    def local_only():
        host = request.host or ""
        host = host.split("]")[0] + "]" if host.startswith("[") else host.split(":")[0]
        if host not in _LOCAL_HOSTS:
            abort(403)

    def current_coder() -> str:
        return (request.values.get("coder") or coder or "").strip()

    @app.get("/")
    def index():
        name = current_coder()
        if not name:
            return render_template("coder.html", total=store.count())
        position = store.next_undecided(name)
        if position is None:
            return render_template("done.html", coder=name, total=store.count(), coders=store.coders())
        return redirect(url_for("article", position=position, coder=name))

    @app.get("/article/<int:position>")
    def article(position: int):
        name = current_coder()
        if not name:
            return redirect(url_for("index"))
        item = store.article_at(position)
        if item is None:
            abort(404)
        if item["evidence"] is None and tagger is not None:
            item["evidence"] = evidence_spans(tagger.tag(item["text"], evidence=True, k=3))
            store.set_evidence(item["id"], item["evidence"])
        decision = store.decision(item["id"], name)
        decided, total = store.progress(name)
        return render_template(
            "article.html", item=item, coder=name, labels=LABELS, definitions=DEFINITIONS,
            segments=marked_segments(item["text"], item["evidence"] or {}),
            chosen=decision["labels"] if decision else item["predicted"],
            note=decision["note"] if decision else "", decision=decision,
            decided=decided, total=total, previous=position - 1 if position > 0 else None,
            following=position + 1 if position + 1 < total else None,
        )

    @app.post("/api/decision")
    def decide():
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return jsonify(error="send the decision as JSON: {id, coder, labels, note}"), 400
        labels, note = body.get("labels"), body.get("note", "")
        if not isinstance(labels, list) or not isinstance(note, str):
            return jsonify(error="'labels' must be a list of label keys and 'note' a string"), 400
        name = str(body.get("coder") or "").strip()
        try:
            stamp = store.decide(str(body.get("id")), name, labels, note)
        except StoreError as exc:
            return jsonify(error=str(exc)), 400
        decided, total = store.progress(name)
        return jsonify(saved=True, decided_at=stamp, decided=decided, total=total)

    @app.get("/export.xlsx")
    def export():
        from ..sheets import write_sheet

        name = request.args.get("coder") or None
        fd, tmp = tempfile.mkstemp(suffix=".xlsx")
        os.close(fd)
        write_sheet(store.export_rows(name), tmp, "xlsx")

        @after_this_request
        def remove(response):
            try:
                os.unlink(tmp)
            except OSError:
                pass
            return response

        stem = Path(store.path).stem + (f"-{name}" if name else "")
        return send_file(tmp, as_attachment=True, download_name=f"{stem}.xlsx")

    return app
