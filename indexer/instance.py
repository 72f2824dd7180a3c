"""The instance folder (`--home`, GOVSEARCH_HOME): index, jieba cache, user dictionary, taxonomy; and its engine."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from analyzers import load_jieba

from .engine import DEFAULT_ENGINE
from .errors import ConfigFileError
from .ingest.topics import DEFAULT_TAXONOMY, Taxonomy, load_taxonomy

BUNDLED_CORPUS = Path(__file__).resolve().parent.parent / "corpus"
_DICTIONARY_LINE = re.compile(r"^\S+( [0-9]+)?( [a-z]+)?$")  # jieba's `word [frequency] [tag]`, the word unbroken


class DictionaryError(ConfigFileError):
    """A line of `<home>/dictionary.txt` that is not `word [frequency] [tag]`."""


def check_dictionary(path: Path) -> None:
    """DictionaryError naming the first line of a user dictionary that jieba would misread (or its encoding)."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise DictionaryError(path, line, "is not UTF-8: save the file as UTF-8") from exc
    for number, raw in enumerate(lines, start=1):
        line = " ".join(raw.split())
        if line and not _DICTIONARY_LINE.match(line):
            raise DictionaryError(
                path, number, f"expected 'word [frequency] [tag]' (e.g. 枫桥经验 100 n), got {raw.strip()!r}"
            )


@dataclass(frozen=True)
class Instance:
    """Where one govsearch installation keeps its files."""

    home: Path
    engine: str = DEFAULT_ENGINE  # the search engine behind the index (see indexer/engine/)

    @property
    def cache_dir(self) -> Path:
        """jieba's dictionary cache."""
        return self.home / "cache"

    @property
    def user_dictionary(self) -> Path:
        """Extra jieba words, one per line (`word [frequency] [tag]`), optional."""
        return self.home / "dictionary.txt"

    @property
    def taxonomy_path(self) -> Path:
        """The topic taxonomy: `<home>/topics.txt` when the user made one, else the bundled file."""
        own = self.home / "topics.txt"
        return own if own.is_file() else DEFAULT_TAXONOMY

    @property
    def saved_db(self) -> Path:
        """SQLite file of saved searches."""
        return self.home / "saved.sqlite"

    def taxonomy(self) -> Taxonomy:
        """Load the topic taxonomy in force."""
        return load_taxonomy(self.taxonomy_path)

    def start(self) -> Instance:
        """Create the folder and load jieba (once per process) with the user dictionary."""
        self.home.mkdir(parents=True, exist_ok=True)
        if self.user_dictionary.is_file():
            check_dictionary(self.user_dictionary)
        load_jieba(self.cache_dir, (self.user_dictionary,))
        return self
