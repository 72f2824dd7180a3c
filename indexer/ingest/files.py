"""Which files are reports: folders expanded into their report files, missing paths named."""

from __future__ import annotations

from pathlib import Path

REPORT_SUFFIXES = {".txt", ".text"}


def find_report_files(paths: list[Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Expand folders into their report files (sorted); name paths that do not exist."""
    files: list[Path] = []
    missing: list[tuple[str, str]] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.is_file() and p.suffix.lower() in REPORT_SUFFIXES and not p.name.startswith(".")
            )
        elif path.is_file():
            files.append(path)
        else:
            missing.append((str(path), "no such file or folder"))
    return files, missing
