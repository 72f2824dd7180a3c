"""open_backend(instance): the search service over the engine an instance is set to use."""

from __future__ import annotations

from .engine.base import ENGINES, Engine, SearchBackend
from .instance import Instance
from .search.service import SearchService


def open_engine(instance: Instance, accelerated: bool = True) -> Engine:
    """The engine an instance is set to use (`Instance.engine`); ValueError for an unknown one."""
    if instance.engine == "whoosh":
        from .engine.whoosh import WhooshEngine

        return WhooshEngine(instance.home, accelerated=accelerated)
    raise ValueError(f"unknown search engine “{instance.engine}”: choose one of {', '.join(ENGINES)}")


def open_backend(instance: Instance, accelerated: bool = True) -> SearchBackend:
    """The SearchBackend of an instance: govsearch's search service over its engine."""
    return SearchService(open_engine(instance, accelerated), instance.home)
