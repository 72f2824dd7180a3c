"""The HTML pages: search with facets and a year chart, exports, and the document view."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, send_file, url_for

from indexer import FACETS, FOUND_ZH, SearchRequest, region_line
from indexer.search.highlight import hit_spans, mark

from . import params
from .saved_pages import store
from .saved_searches import new_count
from .saved_store import SavedError, SavedSearch
from .year_chart import year_slots

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


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """A CSV cell a spreadsheet will not run as a formula (OWASP: a leading ' before = + - @ tab or CR)."""
    return f"'{value}" if isinstance(value, str) and value.startswith(_FORMULA_START) else value


def _backend():
    return current_app.extensions["govsearch"]


@pages.get("/")
def search():
    """The search page; with no query, a short introduction and the corpus at a glance."""
    search_request = params.request_from_args(request.args, current_app.config["PAGE_SIZE"])
    if not search_request.query and not search_request.filters:
        overview = _backend().facet_values()
        return render_template("search.html", request_=search_request, overview=overview, autofocus=True)
    saved = _saved_mode(search_request)
    seen = store().seen(saved.id) if saved else set()
    result = _backend().search(search_request, exclude=seen if saved and request.args.get("new") else ())
    new_ids: set[str] = set()
    new_total = 0
    if saved:  # a GET changes nothing: hits stay new until the 标为已读 form (a POST) marks them seen
        new_ids = {hit.id for hit in result.hits if not hit.missing and hit.key not in seen}
        new_total = new_count(_backend(), saved, seen)
    return render_template(
        "search.html",
        request_=search_request,
        result=result,
        params=params,
        facets=FACETS,
        year_slots=year_slots(result.years),
        suggestions=_backend().suggestions(search_request) if not result.total else [],
        across=_backend().across_words(search_request),
        found_zh=FOUND_ZH,
        drop_words=params.without_one_word(search_request.query) if not result.total else [],
        emptied_by=_emptied_by(search_request) if not result.total and search_request.query else [],
        saved=saved,
        new_total=new_total,
        export_limit=current_app.config["EXPORT_LIMIT"],
        new_ids=new_ids,
        keep=[("saved", str(saved.id))] + ([("new", "1")] if request.args.get("new") else []) if saved else [],
    )


def _emptied_by(search_request: SearchRequest) -> list[tuple[str, tuple[str, ...], int, dict]]:
    """For a search the filters left without hits: each filter that alone did it, as (facet, values, hits without
    it, the filters without it)."""
    found = []
    for facet, values in search_request.filters.items():
        rest = {f: v for f, v in search_request.filters.items() if f != facet}
        total = (
            _backend()
            .search(replace(search_request, filters=rest, page=1, page_size=1, relaxed=False, related=False))
            .total
        )
        if total:
            found.append((facet, values, total, rest))
    return found


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


def _export_result(limit: int):
    """The hits an export holds: those with every word (`partial=1` adds the ones missing one), up to `limit`."""
    relaxed = request.args.get("partial") == "1"
    search_request = replace(
        params.request_from_args(request.args, limit), page=1, relaxed=relaxed, collapse=False, related=False
    )
    return _backend().search(search_request)  # every paragraph, copies too: each is another report's


@pages.get("/export.<fmt>")
def export(fmt: str):
    """The hits of the current search (up to EXPORT_LIMIT) as CSV (Excel-ready UTF-8) or JSON. Only hits with every
    word unless `partial=1`; an export cut at the limit says so in its name and, in JSON, with `truncated`."""
    if fmt not in ("csv", "json"):
        abort(404)
    limit = current_app.config["EXPORT_LIMIT"]
    result = _export_result(limit)
    hits = [h.to_dict() for h in result.hits]
    counted = result.total + result.partial
    truncated = counted > len(hits)
    name = f"govsearch-export-first-{len(hits)}-of-{counted}" if truncated else "govsearch-export"
    if fmt == "json":
        document = {"query": result.request.query, "total": result.total, "partial": result.partial}
        document |= {"exported": len(hits), "truncated": truncated, "hits": hits}
        body = json.dumps(document, ensure_ascii=False)
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
                spreadsheet_safe(
                    region_line(hit[f])
                    if f == "region"
                    else "、".join(hit[f])
                    if f in ("topics", "missing")
                    else hit[f]
                )
                for f in EXPORT_FIELDS
            ]
        )
    return Response(
        out.getvalue(), mimetype="text/csv", headers={"Content-Disposition": f"attachment; filename={name}.csv"}
    )


@pages.get("/reports")
def report_list():
    """Every indexed report (by region, year and title) with its metadata; `region=` keeps one region's."""
    region = request.args.get("region", "").strip()
    wanted = tuple(p for p in region.split("/") if p)
    reports = [r for r in _backend().reports() if r.region[: len(wanted)] == wanted]
    paragraphs = sum(r.paragraphs for r in reports)
    return render_template("reports.html", reports=reports, region=region, paragraphs=paragraphs)


@pages.get("/reports/<report_id>")
def report(report_id: str):
    """A report: metadata, all paragraphs in order, headings as headings, the query's words highlighted as in
    its hits (the same words and expansions)."""
    stored = _backend().report_paragraphs(report_id)
    if not stored:
        abort(404)
    query = request.args.get("q", "")
    needles = _backend().highlight_words(query) if query else []
    paragraphs = [p.to_dict() | {"html": mark(p.text, hit_spans(p.text, needles))} for p in stored]
    back = params.local_path(request.args.get("back", ""))  # a path in this app, never javascript: or a site
    original = Path(stored[0].report.source).is_file()
    return render_template(
        "report.html", report=stored[0].report, paragraphs=paragraphs, query=query, back=back, original=original
    )


@pages.get("/reports/<report_id>/original")
def original(report_id: str):
    """The file a report was indexed from, exactly the indexed path (never a path from the request); web pages as
    a download, so nothing of theirs runs here."""
    stored = _backend().report_paragraphs(report_id)
    path = Path(stored[0].report.source) if stored else None
    if path is None or not path.is_file():
        abort(404)
    inline = path.suffix.lower() in (".pdf", ".txt", ".text")
    return send_file(path.resolve(), as_attachment=not inline, download_name=path.name)


@pages.get("/reports/<report_id>/<int:number>")
def paragraph(report_id: str, number: int):
    """Permanent link of a paragraph: its place in its report."""
    if _backend().paragraph(f"{report_id}#{number}") is None:
        abort(404)
    kept = {k: request.args[k] for k in ("q", "back") if request.args.get(k)}  # nothing else reaches url_for
    return redirect(url_for("pages.report", report_id=report_id, **kept) + f"#p{number}")
