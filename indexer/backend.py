"""open_backend(instance): the search service over the engine an instance is set to use."""

from __future__ import annotations

from .engine import open_engine
from .engine.base import SearchBackend
from .instance import Instance
from .search.service import SearchService


def open_backend(instance: Instance, accelerated: bool = True) -> SearchBackend:
    """The SearchBackend of an instance: govsearch's search service over its engine (`Instance.engine`)."""
    return SearchService(open_engine(instance.engine, instance.home, accelerated), instance.home)
