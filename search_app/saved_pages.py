"""Saved-search pages: list, save, edit, delete, mark seen, feed, export and import.

Every form that changes something is POST-only and carries a CSRF token (CSRFProtect checks it).
"""

from __future__ import annotations

import json
import re

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)

from indexer import FACETS

from . import external_url, params
from .saved_feed import FEED_SIZE, atom_feed
from .saved_import import MAX_BYTES
from .saved_searches import (
    edit,
    import_saved,
    mark_all_seen,
    request_of,
    save,
    status,
)
from .saved_store import SavedError, SavedSearch, SavedStore

SKIP_REASONS_ZH = {
    "already saved (same question)": "已经保存过（检索相同）",
    "a different saved search has this name": "已有另一个同名的检索",
}
saved_pages = Blueprint("saved", __name__, url_prefix="/saved")
_VALUE_SPLIT = re.compile(r"[\s,，、;；]+")


def store() -> SavedStore:
    """The instance's saved-search store."""
    return current_app.extensions["govsearch.saved"]


def _backend():
    return current_app.extensions["govsearch"]


def _lookup(saved_id: int) -> SavedSearch:
    try:
        return store().get(saved_id)
    except SavedError:
        abort(404)


def results_url(saved: SavedSearch, **extra) -> str:
    """The normal results page for a saved search, in saved-search mode (new hits marked)."""
    return params.url_of(url_for("pages.search"), request_of(saved), extra=[("saved", str(saved.id)), *extra.items()])


def _form_filters() -> dict[str, list[str]]:
    """Filter values from a form: repeated fields, or several values in one field separated by spaces or 、."""
    return {f: [v for field in request.form.getlist(f) for v in _VALUE_SPLIT.split(field) if v] for f in FACETS}


def _form_page(template_args: dict, error: str, status_code: int = 400):
    return render_template("saved_form.html", error=error, facets=FACETS, **template_args), status_code


@saved_pages.get("")
def index():
    """Every saved search with its hit count, new hits and links to run, edit, subscribe and delete."""
    statuses = [status(store(), _backend(), s) for s in store().all()]
    return render_template("saved.html", statuses=statuses, facets=FACETS, results_url=results_url)


@saved_pages.post("")
def create():
    """Save the question of a results page (name, q and filters come from its form)."""
    name, query, filters = request.form.get("name", ""), request.form.get("q", ""), _form_filters()
    try:
        saved = save(store(), _backend(), name, query, filters)
    except SavedError as exc:
        return _form_page({"action": url_for("saved.create"), "name": name, "query": query, "filters": filters}, exc.zh)
    flash(f"已保存检索「{saved.name}」。以后有新的报告入库时，这里会标出新结果。")
    return redirect(results_url(saved))


@saved_pages.get("/<int:saved_id>")
def run(saved_id: int):
    """Run a saved search: the normal results page with its query and filters."""
    return redirect(results_url(_lookup(saved_id)))


@saved_pages.get("/<int:saved_id>/edit")
def edit_form(saved_id: int):
    """A form to rename a saved search or change its query and filters."""
    saved = _lookup(saved_id)
    return render_template(
        "saved_form.html",
        action=url_for("saved.update", saved_id=saved.id),
        name=saved.name,
        query=saved.query,
        filters={f: list(v) for f, v in saved.filters.items()},
        facets=FACETS,
        saved=saved,
    )


@saved_pages.post("/<int:saved_id>/edit")
def update(saved_id: int):
    """Apply the edit form; its current hits count as seen when the question changed."""
    saved = _lookup(saved_id)
    name, query, filters = request.form.get("name", ""), request.form.get("q", ""), _form_filters()
    changed = query.strip() != saved.query or {f: tuple(v) for f, v in filters.items() if v} != saved.filters
    try:
        updated = edit(
            store(), _backend(), saved.id, name=name, **({"query": query, "filters": filters} if changed else {})
        )
    except SavedError as exc:
        template_args = {"action": url_for("saved.update", saved_id=saved.id), "saved": saved}
        return _form_page(template_args | {"name": name, "query": query, "filters": filters}, exc.zh)
    flash(f"已更新检索「{updated.name}」。")
    return redirect(url_for("saved.index"))


@saved_pages.post("/<int:saved_id>/delete")
def delete(saved_id: int):
    """Delete a saved search."""
    removed = store().remove(_lookup(saved_id).id)
    flash(f"已删除检索「{removed.name}」。")
    return redirect(url_for("saved.index"))


@saved_pages.post("/<int:saved_id>/seen")
def seen(saved_id: int):
    """Mark every current hit of a saved search as seen."""
    saved = _lookup(saved_id)
    count = mark_all_seen(store(), _backend(), saved)
    flash(f"「{saved.name}」的 {count} 条新结果已标为已读。")
    return redirect(params.local_path(request.form.get("next", "")) or url_for("saved.index"))


@saved_pages.get("/<int:saved_id>/feed.atom")
def feed(saved_id: int):
    """The Atom feed of a saved search: its most recently indexed hits."""
    saved = _lookup(saved_id)
    result = _backend().search(request_of(saved, page_size=FEED_SIZE, sort="added"))
    body = atom_feed(
        saved,
        result,
        feed_url=external_url("saved.feed", saved_id=saved.id),
        results_url=external_url("saved.run", saved_id=saved.id),
        link_of=lambda hit: external_url("pages.paragraph", report_id=hit.report_id, number=hit.paragraph),
    )
    return Response(body, mimetype="application/atom+xml")


@saved_pages.get("/export.json")
def export():
    """Every saved search with what it has seen, as a JSON file to import elsewhere."""
    body = json.dumps(store().export(), ensure_ascii=False, indent=1)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": "attachment; filename=govsearch-saved-searches.json"},
    )


@saved_pages.post("/import")
def import_():
    """Import an exported file; names already present are skipped and listed."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash("请选择要导入的 JSON 文件。", "error")
        return redirect(url_for("saved.index"))
    try:
        summary = import_saved(store(), _backend(), upload.read(MAX_BYTES + 1))
    except SavedError as exc:
        flash(f"无法导入：{exc.zh}", "error")
        return redirect(url_for("saved.index"))
    flash(f"已导入 {len(summary.added)} 个检索：{'、'.join(summary.added) or '无'}。")
    for name, reason in summary.skipped:
        flash(f"跳过「{name}」：{SKIP_REASONS_ZH.get(reason, reason)}", "error")
    return redirect(url_for("saved.index"))
