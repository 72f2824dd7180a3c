"""One table of settings, read by the web app and the CLI: defaults, then GOVSEARCH_* variables, then overrides."""

from __future__ import annotations

import os
from collections import namedtuple

from platformdirs import user_data_dir

from indexer import DEFAULT_ENGINE, ENGINES, SettingError

Setting = namedtuple("Setting", "name default help")
# one home per user wherever a command runs from (~/.local/share/govsearch on Linux), not ./instance
DEFAULT_HOME = user_data_dir("govsearch", appauthor=False)

SETTINGS = (
    Setting(
        "HOME",
        DEFAULT_HOME,
        "Instance folder: the index, jieba's cache, saved searches, topics.txt, dictionary.txt (default: the "
        "user's data folder)",
    ),
    Setting("ENGINE", DEFAULT_ENGINE, f"Search engine behind the index: {', '.join(ENGINES)} (the first is embedded)"),
    Setting("HOST", "127.0.0.1", "Address `govsearch serve` listens on"),
    Setting("PORT", 5000, "Port `govsearch serve` listens on"),
    Setting(
        "BASE_URL",
        "",
        "Absolute address of the site in feeds and API links (default: http://HOST:PORT), never the Host header",
    ),
    Setting("WORKERS", 0, "Server processes of `govsearch serve` (0: one per core)"),
    Setting("PAGE_SIZE", 10, "Hits per page in the web UI and the API"),
    Setting("EXPORT_LIMIT", 5000, "Most hits one CSV/JSON export holds"),
)
_TYPES = {s.name: type(s.default) for s in SETTINGS}


def load(overrides: dict | None = None) -> dict:
    """Return every setting: defaults, then GOVSEARCH_<NAME> environment variables, then `overrides`."""
    values = {s.name: s.default for s in SETTINGS}
    for name, kind in _TYPES.items():
        raw = os.environ.get(f"GOVSEARCH_{name}")
        if raw is not None:
            try:
                values[name] = kind(raw)
            except ValueError as exc:
                raise SettingError(f"GOVSEARCH_{name} must be a whole number, not {raw!r}") from exc
    if os.environ.get("GOVSEARCH_BACKEND") and not os.environ.get("GOVSEARCH_ENGINE"):
        values["ENGINE"] = os.environ["GOVSEARCH_BACKEND"]  # the name the scale-out docs use
    values.update(overrides or {})
    return values
