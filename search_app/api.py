"""The JSON API: /api/search, /api/reports/<id> and /api/saved, the same data the pages show.

Errors come as JSON with `status` and `error` (see errors.py)."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from . import external_url
from .params import request_from_args
from .saved_searches import status

api = Blueprint("api", __name__, url_prefix="/api")


def _error(status: int, message: str):
    response = jsonify({"ok": False, "status": status, "error": message})
    response.status_code = status
    return response


@api.get("/search")
def search():
    """Search: the hits of one page, total, facets with counts and selection, and the parsed query; `tiers=1`
    adds the across-words tier's count and examples (`across=1` counts those paragraphs as hits)."""
    backend = current_app.extensions["govsearch"]
    search_request = request_from_args(request.args, current_app.config["PAGE_SIZE"])
    document = {"ok": True, **backend.search(search_request).to_dict()}
    if request.args.get("tiers") == "1":
        across = backend.across_words(search_request)
        document["across_words"] = {"count": across.count, "examples": [list(e) for e in across.examples]}
    return jsonify(document)


@api.get("/reports/<report_id>")
def report(report_id: str):
    """A report's metadata and all its paragraphs, in order."""
    paragraphs = current_app.extensions["govsearch"].report_paragraphs(report_id)
    if not paragraphs:
        return _error(404, f"no report {report_id!r}; /api/search hits carry report ids")
    return jsonify({"ok": True, **paragraphs[0].report.to_dict(), "paragraphs": [p.to_dict() for p in paragraphs]})


@api.get("/saved")
def saved():
    """Saved searches: id, name, query, filters, hit counts (total, new) and the feed URL."""
    backend = current_app.extensions["govsearch"]
    store = current_app.extensions["govsearch.saved"]
    return jsonify(
        {
            "ok": True,
            "saved": [
                status(store, backend, s).to_dict()
                | {
                    "url": external_url("saved.run", saved_id=s.id),
                    "feed_url": external_url("saved.feed", saved_id=s.id),
                }
                for s in store.all()
            ],
        }
    )
