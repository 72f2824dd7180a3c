"""Every error a request can meet, translated once: JSON under /api, a page in Chinese elsewhere (Datasette's
habit). Views raise; they never catch to render."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request

from indexer import ClusterError, ConfigFileError, IndexBusy, IndexMissing, IndexOutdated, QueryError, SearchRequest

from .params import repaired
from .saved_store import SavedError

# error type → (HTTP status, heading of the HTML page)
_STATUS = {
    QueryError: (400, "查询有误"),
    SavedError: (400, "保存的检索有误"),
    IndexMissing: (503, "还没有索引"),
    IndexOutdated: (503, "索引需要重建"),
    IndexBusy: (503, "索引正在写入"),
    ConfigFileError: (503, "配置文件有误"),
    ClusterError: (503, "检索集群暂时不可用"),
}


def _status_of(error: Exception) -> tuple[int, str]:
    for kind, status in _STATUS.items():
        if isinstance(error, kind):
            return status
    return 500, "出错了"


def _respond(error: Exception):
    status, heading = _status_of(error)
    zh = getattr(error, "zh", str(error))  # a QueryError says it in Chinese too
    if request.blueprint == "api" or request.path.startswith("/api/"):
        response = jsonify({"ok": False, "status": status, "error": str(error), "message": zh})
        response.status_code = status
        return response
    if isinstance(error, QueryError) and request.endpoint == "pages.search":  # the form again, with the message
        search_request = SearchRequest(request.args.get("q", ""))
        fix = repaired(search_request.query)
        return render_template("search.html", error=zh, request_=search_request, fix=fix), status
    if isinstance(error, IndexMissing):
        return render_template("missing.html", message=str(error)), status
    return render_template("error.html", heading=heading, message=zh), status


def _not_found(error):
    if request.path.startswith("/api/"):
        response = jsonify({"ok": False, "status": 404, "error": f"no such resource: {request.path}"})
        response.status_code = 404
        return response
    return render_template("error.html", heading="找不到该页面", message=f"没有 {request.path} 这个页面。"), 404


def register(app: Flask) -> None:
    """Install the error handlers on an app."""
    for kind in _STATUS:
        app.register_error_handler(kind, _respond)
    app.register_error_handler(404, _not_found)
