"""The instance folder (`--home`, GOVSEARCH_HOME): index, jieba cache, user dictionary, taxonomy; and its engine."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from analyzers import load_jieba

from .ingest.topics import DEFAULT_TAXONOMY, Taxonomy, load_taxonomy

BUNDLED_CORPUS = Path(__file__).resolve().parent.parent / "corpus"


@dataclass(frozen=True)
class Instance:
    """Where one govsearch installation keeps its files."""

    home: Path
    engine: str = "whoosh"  # the search engine behind the index (see indexer/engine/)

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
        load_jieba(self.cache_dir, (self.user_dictionary,))
        return self
