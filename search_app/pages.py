"""The HTML pages: search with facets and a year chart, exports, and the document view."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for

from indexer import FACETS, IndexMissing, QueryError, SearchRequest
from indexer.highlight import mark, match_spans
from indexer.query import parse_query, positive_texts

from . import params
from .reports import report_record
from .saved_pages import store
from .saved_searches import mark_hits_seen, new_count
from .saved_store import SavedError, SavedSearch

pages = Blueprint("pages", __name__)
EXPORT_FIELDS = (
    "id",
    "score",
    "title",
    "region",
    "year",
    "section",
    "paragraph",
    "topics",
    "org",
    "date",
    "source",
    "missing",
    "text",
)


def _backend():
    return current_app.extensions["govsearch"]


@pages.get("/")
def search():
    """The search page; with no query, a short introduction and the corpus at a glance."""
    page_size = current_app.config["PAGE_SIZE"]
    try:
        search_request = params.request_from_args(request.args, page_size)
    except QueryError as exc:
        return render_template("search.html", error=str(exc), request_=SearchRequest(request.args.get("q", ""))), 400
    if not search_request.query:
        try:
            overview = _backend().facet_values()
        except IndexMissing as exc:
            return render_template("missing.html", message=str(exc)), 503
        return render_template("search.html", request_=search_request, overview=overview)
    saved = _saved_mode(search_request)
    seen = store().seen(saved.id) if saved else set()
    try:
        result = _backend().search(search_request, exclude=seen if saved and request.args.get("new") else ())
    except QueryError as exc:
        return render_template("search.html", error=str(exc), request_=search_request), 400
    except IndexMissing as exc:
        return render_template("missing.html", message=str(exc)), 503
    new_ids: set[str] = set()
    new_left = 0
    if saved:
        new_ids = {hit.id for hit in result.hits if hit.key not in seen}
        mark_hits_seen(store(), saved, result.hits)  # viewed now: not new next time
        new_left = new_count(_backend(), saved, seen | {hit.key for hit in result.hits})
    return render_template(
        "search.html",
        request_=search_request,
        result=result,
        params=params,
        facets=FACETS,
        max_year_count=max((c for _, c in result.years), default=0),
        drop_words=params.without_one_word(search_request.query) if not result.total else [],
        saved=saved,
        new_left=new_left,
        new_ids=new_ids,
        keep=[("saved", str(saved.id))] + ([("new", "1")] if request.args.get("new") else []) if saved else [],
    )


def _saved_mode(search_request: SearchRequest) -> SavedSearch | None:
    """The saved search a results page was opened from (`saved=ID`), if the page still shows its question."""
    ref = request.args.get("saved", "")
    if not ref.isdigit():
        return None
    try:
        saved = store().get(int(ref))
    except SavedError:
        return None
    same = saved.query == search_request.query and saved.filters == search_request.filters
    return saved if same else None


def _export_result(page_size: int):
    return _backend().search(replace(params.request_from_args(request.args, page_size), page=1))


@pages.get("/export.<fmt>")
def export(fmt: str):
    """All hits of the current search (up to EXPORT_LIMIT) as CSV (Excel-ready UTF-8) or JSON lines."""
    if fmt not in ("csv", "json"):
        abort(404)
    try:
        result = _export_result(current_app.config["EXPORT_LIMIT"])
    except QueryError as exc:
        return Response(str(exc), status=400, mimetype="text/plain")
    hits = [h.to_dict() for h in result.hits]
    name = "govsearch-export"
    if fmt == "json":
        body = json.dumps({"query": result.request.query, "total": result.total, "hits": hits}, ensure_ascii=False)
        return Response(
            body, mimetype="application/json", headers={"Content-Disposition": f"attachment; filename={name}.json"}
        )
    out = io.StringIO()
    out.write("\ufeff")  # BOM: Excel then reads the file as UTF-8
    writer = csv.writer(out)
    writer.writerow(EXPORT_FIELDS)
    for hit in hits:
        writer.writerow(
            [
                " › ".join(hit[f]) if f == "region" else "、".join(hit[f]) if f in ("topics", "missing") else hit[f]
                for f in EXPORT_FIELDS
            ]
        )
    return Response(
        out.getvalue(), mimetype="text/csv", headers={"Content-Disposition": f"attachment; filename={name}.csv"}
    )


@pages.get("/reports/<report_id>")
def report(report_id: str):
    """A report: metadata, all paragraphs in order, headings as headings, query words highlighted."""
    try:
        paragraphs = _backend().report_paragraphs(report_id)
    except IndexMissing as exc:
        return render_template("missing.html", message=str(exc)), 503
    if not paragraphs:
        abort(404)
    record = report_record(paragraphs)
    query = request.args.get("q", "")
    needles = []
    if query:
        try:
            needles = [t.text for t in positive_texts(parse_query(query))]
        except QueryError:
            needles = []
    for para in record["paragraphs"]:
        para["html"] = mark(para["text"], match_spans(para["text"], needles))
    return render_template("report.html", report=record, query=query, back=request.args.get("back", ""))


@pages.get("/reports/<report_id>/<int:number>")
def paragraph(report_id: str, number: int):
    """Permanent link of a paragraph: its place in its report."""
    if _backend().paragraph(f"{report_id}#{number}") is None:
        abort(404)
    return redirect(url_for("pages.report", report_id=report_id, **request.args) + f"#p{number}")
