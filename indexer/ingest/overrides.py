"""Metadata overrides: a JSON sidecar beside a report (report.txt.json) or a folder's MANIFEST.tsv."""

from __future__ import annotations

import csv
import datetime
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ReportError
from .metadata import FIRST_YEAR, last_year

FIELDS = ("title", "org", "date", "year", "region")
MANIFEST_NAME = "MANIFEST.tsv"
_REGION_SEPARATORS = re.compile(r"\s*(?:›|>|/|-|—|\s)\s*")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
MAX_REGION_LEVELS = 4  # province › city › county (› township)
MAX_NAME = 30  # characters of one place name
MAX_TEXT = 500  # characters of a title or an issuing body


@dataclass(frozen=True)
class Overrides:
    """Report fields given by the user, which win over what is read from the text."""

    fields: dict = field(default_factory=dict)


def _year(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).strip().isdigit():
        raise ValueError(f"year must be a number like 2021, not {value!r}")
    year = int(str(value).strip())
    if not FIRST_YEAR <= year <= last_year():
        raise ValueError(
            f"year {year} is not between {FIRST_YEAR} and {last_year()}: give the year the report is about"
        )
    return year


def _region(value: object) -> tuple[str, ...]:
    parts = value if isinstance(value, list) else [value]
    if not parts or not all(isinstance(p, str) for p in parts):
        raise ValueError(f"region must be text such as 广东省/清远市 or a list of names, not {value!r}")
    names = tuple(n for p in parts for n in _REGION_SEPARATORS.split(p.strip()) if n)
    if len(names) > MAX_REGION_LEVELS or any(len(n) > MAX_NAME or not n.isprintable() for n in names):
        raise ValueError(f"region {value!r} is not a place: give at most {MAX_REGION_LEVELS} names, province first")
    return names


def _date(value: object) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if _ISO_DATE.fullmatch(text):
        try:
            return datetime.date.fromisoformat(text).isoformat()
        except ValueError:
            pass  # 2021-02-30
    raise ValueError(f"date must be written like 2021-07-05, not {value!r}")


def _text(name: str):
    def check(value: object) -> str:
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise ValueError(f"{name} must be text, not {value!r}")
        text = str(value).strip()
        if len(text) > MAX_TEXT or not text.isprintable():
            raise ValueError(f"{name} must be one line of at most {MAX_TEXT} printable characters")
        return text

    return check


_CHECKS = {"title": _text("title"), "org": _text("org"), "date": _date, "year": _year, "region": _region}


def _parse(values: dict, source: Path) -> Overrides:
    """The fields of a sidecar or manifest row, each checked; ReportError naming every field that is wrong."""
    fields, problems = {}, []
    for name, value in values.items():
        if name not in FIELDS or value is None or (isinstance(value, str) and not value.strip()):
            continue
        try:
            fields[name] = _CHECKS[name](value)
        except ValueError as exc:
            problems.append(str(exc))
    if problems:
        raise ReportError(source, "; ".join(problems))
    return Overrides(fields)


def read_manifest(folder: Path) -> dict[str, dict]:
    """Read `folder/MANIFEST.tsv` (a `file` column plus any of title, org, date, year, region; other columns are
    left alone): file name → its row, checked when that file is indexed."""
    path = folder / MANIFEST_NAME
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return {row["file"]: row for row in rows if row.get("file")}


def read_overrides(path: Path, manifest: dict[str, dict]) -> Overrides | None:
    """Overrides for one report: its manifest row, then its JSON sidecar on top; ReportError (for this report
    only) naming every value that is wrong."""
    row = manifest.get(path.name)
    merged = dict(_parse(row, path.parent / MANIFEST_NAME).fields) if row else {}
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
