"""Everything a person touches: the `govsearch` CLI, the web UI and JSON API, saved searches."""
