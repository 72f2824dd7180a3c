"""Everything a person touches: the `govsearch` CLI, the web UI and JSON API."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask_wtf import CSRFProtect

from indexer import Instance, open_backend, region_line

from . import errors, settings
from .saved_store import SavedStore

csrf = CSRFProtect()


def create_app(config: dict | None = None) -> Flask:
    """The application factory: settings from defaults, GOVSEARCH_* variables, then `config`."""
    app = Flask(__name__)
    app.config.update(settings.load(config))
    app.json.ensure_ascii = False  # the API speaks Chinese; keep it readable
    app.config.setdefault("SECRET_KEY", None)
    if not app.config["BASE_URL"]:
        app.config["BASE_URL"] = f"http://{app.config['HOST']}:{app.config['PORT']}"
    instance = Instance(Path(app.config["HOME"]), engine=app.config["ENGINE"]).start()  # jieba loads now
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _secret_key(instance.home)
    app.extensions["govsearch"] = open_backend(instance)
    app.extensions["govsearch.saved"] = SavedStore(instance.saved_db)
    csrf.init_app(app)
    errors.register(app)
    app.after_request(_security_headers)
    app.add_template_filter(region_line)

    from .api import api
    from .pages import pages
    from .saved_pages import saved_pages

    app.register_blueprint(pages)
    app.register_blueprint(saved_pages)
    app.register_blueprint(api)
    return app


# no script runs on our pages, nothing is framed, nothing loads from elsewhere; the one inline style is the year chart's
# bar heights (style attributes), so styles allow inline, scripts do not
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def _security_headers(response):
    """Every response carries the security headers."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def _secret_key(home: Path) -> str:
    """A per-instance secret (for CSRF tokens), created once and kept in the instance folder."""
    import secrets

    path = home / "secret_key"
    if not path.is_file():
        path.write_text(secrets.token_hex(32), encoding="ascii")
        path.chmod(0o600)
    return path.read_text(encoding="ascii").strip()


def external_url(endpoint: str, **values) -> str:
    """An absolute URL of a page, from the BASE_URL setting (never from the request's Host header)."""
    from flask import current_app, url_for

    return current_app.config["BASE_URL"].rstrip("/") + url_for(endpoint, **values)
