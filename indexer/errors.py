"""The exceptions that cross the indexer's boundary, each with a message a person can act on."""

from __future__ import annotations

from pathlib import Path


class ReportError(Exception):
    """A report file that cannot be indexed; the rest of the corpus still is."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


class QueryError(ValueError):
    """A query that cannot be understood; the message says what is wrong and how to fix it, in English (str) and in
    Chinese (`zh`, what the web pages show)."""

    def __init__(self, message: str, zh: str = "") -> None:
        super().__init__(message)
        self.zh = zh or message


class IndexMissing(Exception):
    """No index has been built in the instance folder yet."""


class IndexBusy(Exception):
    """Another process is writing to the index."""


class IndexOutdated(Exception):
    """The index was built by an older govsearch whose schema lacks fields this one writes."""


class ClusterError(Exception):
    """A distributed engine that could not answer or take a write (every node down, no leader within the retry
    bound, or only nodes still loading): the message names the nodes and what they said; nothing is shown as
    complete that is not, and nothing written is dropped silently."""

    def __init__(self, message: str, zh: str = "") -> None:
        super().__init__(message)
        self.zh = zh or message


class SettingError(ValueError):
    """A setting whose value govsearch cannot use (e.g. GOVSEARCH_ENGINE naming no engine)."""


class ConfigFileError(ValueError):
    """A line of one of the user's editable files (synonyms.txt, topics.txt, dictionary.txt) that cannot be read;
    the message names the file and the line."""

    def __init__(self, path: Path | str, line: int, problem: str) -> None:
        super().__init__(f"{path}, line {line}: {problem}")
        self.path = str(path)
        self.line = line
