"""Writing the files kept beside a segment (character pairs, paragraph store, ranked postings): each whole or not
at all, under a temporary name whoosh's clean-up leaves alone, then renamed."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import numpy as np


def write_atomically(folder: Path, path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Write `path` through `write(file)` under a temporary name in `folder`, then rename it into place."""
    temporary = folder / f".{path.name}.{os.getpid()}"  # a leading dot: whoosh's clean-up leaves it alone
    with temporary.open("wb") as fh:
        write(fh)
    os.replace(temporary, path)


def mapped(path: Path) -> np.ndarray:
    """A saved array, memory-mapped read-only, as a plain ndarray: np.memmap's Python-level indexing and view
    bookkeeping cost more than many of the look-ups themselves (the mapping stays open through the view's base)."""
    return np.load(path, mmap_mode="r").view(np.ndarray)
