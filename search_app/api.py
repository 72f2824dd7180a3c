"""The JSON API: /api/search, /api/reports/<id> and /api/saved, the same data the pages show."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request, url_for

from indexer import IndexMissing, QueryError

from .params import request_from_args
from .reports import report_record
from .saved_searches import status

api = Blueprint("api", __name__, url_prefix="/api")


def _error(status: int, message: str):
    response = jsonify({"ok": False, "status": status, "error": message})
    response.status_code = status
    return response


@api.get("/search")
def search():
    """Search: the hits of one page, total, facets with counts and selection, and the parsed query."""
    backend = current_app.extensions["govsearch"]
    try:
        search_request = request_from_args(request.args, current_app.config["PAGE_SIZE"])
        result = backend.search(search_request)
    except QueryError as exc:
        return _error(400, str(exc))
    except IndexMissing as exc:
        return _error(503, str(exc))
    return jsonify({"ok": True, **result.to_dict()})


@api.get("/reports/<report_id>")
def report(report_id: str):
    """A report's metadata and all its paragraphs, in order."""
    backend = current_app.extensions["govsearch"]
    try:
        paragraphs = backend.report_paragraphs(report_id)
    except IndexMissing as exc:
        return _error(503, str(exc))
    if not paragraphs:
        return _error(404, f"no report {report_id!r}; /api/search hits carry report ids")
    return jsonify({"ok": True, **report_record(paragraphs)})


@api.get("/saved")
def saved():
    """Saved searches: id, name, query, filters, hit counts (total, new) and the feed URL."""
    backend = current_app.extensions["govsearch"]
    store = current_app.extensions["govsearch.saved"]
    try:
        statuses = [status(store, backend, s) for s in store.all()]
    except IndexMissing as exc:
        return _error(503, str(exc))
    return jsonify(
        {
            "ok": True,
            "saved": [
                s.saved.to_dict()
                | {
                    "total": s.total,
                    "new": s.new,
                    "error": s.error,
                    "url": url_for("saved.run", saved_id=s.saved.id, _external=True),
                    "feed_url": url_for("saved.feed", saved_id=s.saved.id, _external=True),
                }
                for s in statuses
            ],
        }
    )
