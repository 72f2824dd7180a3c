"""Engines behind one seam: `base.py` holds the protocols (Engine, EngineView, SearchBackend); each engine is a
sub-package, the embedded one the default. Nothing above this package knows which engine answers."""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

from ..errors import SettingError
from .base import Engine, EngineView, Rebuild, SearchBackend

# engine name → (sub-package, class): imported only when chosen
_ENGINES = {"whoosh": (".whoosh", "WhooshEngine"), "typesense": (".typesense.engine", "TypesenseEngine")}
ENGINES = tuple(_ENGINES)
DEFAULT_ENGINE = ENGINES[0]


def open_engine(name: str, home: Path, accelerated: bool = True) -> Engine:
    """The engine called `name` over an instance folder; SettingError for a name no engine has."""
    if name not in _ENGINES:
        raise SettingError(f"unknown search engine “{name}” (GOVSEARCH_ENGINE): choose one of {', '.join(ENGINES)}")
    package, cls = _ENGINES[name]
    return getattr(import_module(package, __name__), cls)(home, accelerated=accelerated)


__all__ = ["DEFAULT_ENGINE", "ENGINES", "Engine", "EngineView", "Rebuild", "SearchBackend", "open_engine"]
