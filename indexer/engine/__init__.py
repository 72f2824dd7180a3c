"""Engines behind one seam: `base.py` holds the protocols (Engine, EngineView, SearchBackend); `whoosh/` is the
embedded default. Nothing above this package knows which engine answers."""

from .base import ENGINES, Engine, EngineView, Rebuild, SearchBackend

__all__ = ["ENGINES", "Engine", "EngineView", "Rebuild", "SearchBackend"]
