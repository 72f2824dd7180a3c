"""Metadata overrides: a JSON sidecar beside a report (report.txt.json) or a folder's MANIFEST.tsv."""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ReportError

FIELDS = ("title", "org", "date", "year", "region")
MANIFEST_NAME = "MANIFEST.tsv"
_REGION_SEPARATORS = re.compile(r"\s*(?:›|>|/|-|—|\s)\s*")


@dataclass(frozen=True)
class Overrides:
    """Report fields given by the user, which win over what is read from the text."""

    fields: dict = field(default_factory=dict)


def _coerce(name: str, value: object, source: Path) -> object:
    if name == "year":
        try:
            return int(str(value).strip())
        except ValueError as exc:
            raise ReportError(source, f"year must be a number like 2021, not {value!r}") from exc
    if name == "region":
        parts = value if isinstance(value, list) else _REGION_SEPARATORS.split(str(value).strip())
        return tuple(str(p).strip() for p in parts if str(p).strip())
    return str(value).strip()


def _parse(values: dict, source: Path) -> Overrides:
    fields = {k: _coerce(k, v, source) for k, v in values.items() if k in FIELDS and str(v).strip()}
    return Overrides(fields)


def read_manifest(folder: Path) -> dict[str, Overrides]:
    """Read `folder/MANIFEST.tsv` (a `file` column plus any of title, org, date, year, region)."""
    path = folder / MANIFEST_NAME
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return {row["file"]: _parse(row, path) for row in rows if row.get("file")}


def read_overrides(path: Path, manifest: dict[str, Overrides]) -> Overrides | None:
    """Overrides for one report: its manifest row, then its JSON sidecar on top."""
    merged = dict(manifest[path.name].fields) if path.name in manifest else {}
    sidecar = path.with_name(path.name + ".json")
    if sidecar.is_file():
        try:
            values = json.loads(sidecar.read_text(encoding="utf-8-sig"))
        except (ValueError, OSError) as exc:
            raise ReportError(sidecar, f"is not a readable JSON object ({exc})") from exc
        if not isinstance(values, dict):
            raise ReportError(sidecar, 'must hold a JSON object such as {"year": 2021}')
        merged.update(_parse(values, sidecar).fields)
    return Overrides(merged) if merged else None
