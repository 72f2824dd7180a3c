"""`govsearch serve`: the app on every core. gunicorn forks one worker process per core from a master that has
loaded jieba once (shared copy-on-write); each worker opens its own searcher on the read-only index, so searches
in different processes never wait for each other, and a worker that dies is replaced."""

from __future__ import annotations

import errno
import os
import socket

import click
from flask import Flask
from gunicorn.app.base import BaseApplication


class _Server(BaseApplication):
    """gunicorn serving one already-made Flask app, configured here rather than from a command line."""

    def __init__(self, app: Flask, options: dict) -> None:
        self.app, self.options = app, options
        super().__init__()

    def load_config(self) -> None:
        """Apply our options to gunicorn's settings."""
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        """The WSGI app each worker serves."""
        return self.app


def check_free(host: str, port: int) -> None:
    """A ClickException saying what to do when host:port cannot be listened on (in use, or no such address)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            reason = "is in use" if exc.errno == errno.EADDRINUSE else f"cannot be listened on ({exc.strerror})"
            raise click.ClickException(f"{host}:{port} {reason}: choose another with --port or --host") from exc


def worker_count(setting: int) -> int:
    """Worker processes for a WORKERS setting: 0 means one per core."""
    return setting if setting > 0 else max(1, os.cpu_count() or 1)


def serve(app: Flask, host: str, port: int, workers: int, threads: int = 2) -> None:
    """Serve `app` on host:port with `workers` processes of `threads` threads each, until interrupted."""
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "preload_app": True,  # the app (and jieba) made once, before the workers are forked
        "timeout": 60,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "proc_name": "govsearch",
        "post_worker_init": _warm,
    }
    _Server(app, options).run()


def _warm(worker) -> None:
    """A worker, once forked: its own searcher opened and its long-lived state frozen before its first request
    (an index that cannot be opened is left to the first request, which says what is wrong)."""
    try:
        worker.wsgi.extensions["govsearch"].warm()
    except Exception as exc:  # noqa: BLE001 - a worker that died here would be forked again and again
        worker.log.warning("could not open the index before the first request: %s", exc)
