"""Which files are reports: folders expanded into their report files; whatever cannot be read is named with why."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .formats import detect

FORMATS = {"text", "html", "mhtml", "docx", "doc", "wps", "pdf", "ofd"}  # what formats/ reads
COMPANIONS = {"MANIFEST.tsv"}  # files beside reports that are read with them, not as reports (and *.txt.json sidecars)


def _problem(path: Path) -> str:
    """Why a report path cannot be indexed as a file, or "" when it can."""
    try:
        mode = path.stat().st_mode  # follows links
    except FileNotFoundError:
        return "a link to nothing (dangling symbolic link)" if path.is_symlink() else "no such file or folder"
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"  # a loop of links, no permission
    if not stat.S_ISREG(mode):
        return "not a regular file (a pipe, socket or device)"
    if not os.access(path, os.R_OK):
        return "cannot be read (permission denied)"
    return ""


def _walk(folder: Path, files: list[Path], skipped: list[tuple[str, str]]) -> None:
    """Report files under `folder` (links to folders are not followed: no loops)."""

    def unreadable(error: OSError) -> None:
        skipped.append((error.filename or str(folder), f"folder cannot be read ({error.strerror or error})"))

    for root, folders, names in os.walk(folder, onerror=unreadable):
        folders[:] = sorted(f for f in folders if not f.startswith("."))
        for name in sorted(names):
            path = Path(root) / name
            if name.startswith(".") or name in COMPANIONS or name.lower().endswith(".txt.json"):
                continue
            problem = _problem(path)
            if not problem and (kind := detect(path)) not in FORMATS:
                problem = f"unsupported format: {kind}"
            if problem:
                skipped.append((str(path), problem))
            else:
                files.append(path)


def find_report_files(paths: list[Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Expand folders into their report files (sorted); name every path that cannot be indexed, with why."""
    files: list[Path] = []
    skipped: list[tuple[str, str]] = []
    for path in paths:
        if path.is_dir():
            _walk(path, files, skipped)
        elif problem := _problem(path):
            skipped.append((str(path), problem))
        else:
            files.append(path)
    return files, skipped
