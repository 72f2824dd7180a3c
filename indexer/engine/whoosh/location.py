"""Where an instance's whoosh index lives, and how a rebuild is swapped in.

The index directory `<home>/index` is a symbolic link to a folder under `<home>/indexes/`, so a full rebuild is
written aside and swapped in with one atomic rename: readers never see a half-built index.
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage

from ...errors import IndexMissing, IndexOutdated
from ..processes import alive
from .schema import make_schema

BUILDING = ".govsearch-building"  # in an index folder being rebuilt aside: the id of the process building it
FORMAT_FILE = ".govsearch-format"  # the version of what govsearch writes into the index's fields
FORMAT = 3  # 3: word edges among the characters, the title matched apart; 2: punctuation leaves a break (1: none)


class IndexLocation:
    """The current index of an instance folder, and the folders rebuilt indexes are written in."""

    def __init__(self, home: Path) -> None:
        self.home = Path(home)
        self.link = self.home / "index"

    def exists(self) -> bool:
        """Whether an index has been built in this home."""
        return self.link.exists() and whoosh_index.exists_in(self.link)

    def target(self) -> str | None:
        """What the link points to now (changes when a rebuild is swapped in)."""
        return os.readlink(self.link) if self.link.is_symlink() else None

    def current(self) -> Path:
        """The folder of the current index."""
        return self.link.resolve()

    def create_aside(self) -> Path:
        """Create an empty index in a new folder beside the current one, marked with this process's id while it
        is being built; return that folder."""
        folder = self.home / "indexes" / f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}"
        folder.mkdir(parents=True)
        (folder / BUILDING).write_text(str(os.getpid()), encoding="ascii")
        (folder / FORMAT_FILE).write_text(str(FORMAT), encoding="ascii")
        whoosh_index.create_in(folder, make_schema())
        return folder

    def clean_abandoned(self) -> list[str]:
        """Delete the folders under `<home>/indexes/` that are not the current index and that no live process is
        building (left by a rebuild that was killed, or by a swap interrupted before it removed the old index);
        return their names."""
        current = self.link.resolve() if self.link.is_symlink() else None
        removed = []
        for folder in sorted((self.home / "indexes").glob("*")) if (self.home / "indexes").is_dir() else []:
            if not folder.is_dir() or folder.resolve() == current:
                continue
            try:
                builder = int((folder / BUILDING).read_text(encoding="ascii").strip())
            except (OSError, ValueError):
                builder = None
            if builder is not None and alive(builder):
                continue
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder.name)
        return removed

    def swap_in(self, folder: Path) -> None:
        """Make `folder` the current index atomically, then remove the previous one."""
        (folder / BUILDING).unlink(missing_ok=True)
        previous = self.link.resolve() if self.link.is_symlink() else None
        temporary = self.home / f".index-{os.getpid()}"
        if temporary.is_symlink():
            temporary.unlink()
        temporary.symlink_to(folder.relative_to(self.home))
        os.replace(temporary, self.link)
        if previous and previous != folder.resolve() and previous.is_dir():
            shutil.rmtree(previous, ignore_errors=True)

    def ensure(self) -> None:
        """Create an empty index when there is none."""
        self.home.mkdir(parents=True, exist_ok=True)
        if not self.exists():
            self.swap_in(self.create_aside())

    def check_schema(self) -> None:
        """IndexOutdated when the current index lacks fields this version writes, or was written in an older
        format (built by an older govsearch): new reports cannot be mixed into it."""
        missing = set(make_schema().names()) - set(self.open().schema.names())
        if missing:
            why = f"it lacks {', '.join(sorted(missing))}"
        elif self.format() < 2:
            why = "its character positions run across punctuation, so 复议、行政 would match 复议行政"
        elif self.format() < FORMAT:
            why = "it has no word edges, so 调解 would match 协调|解决, and a report's title would make hits alone"
        else:
            return
        raise IndexOutdated(
            f"the index in {self.home} was built by an older govsearch ({why}); "
            "rebuild it with `govsearch index --rebuild` and every folder of reports you index"
        )

    def format(self) -> int:
        """The format the current index was written in (1 for indexes from before formats were marked)."""
        try:
            return int((self.current() / FORMAT_FILE).read_text(encoding="ascii").strip())
        except (OSError, ValueError):
            return 1

    def open(self, folder: Path | None = None, read_only: bool = False):
        """The whoosh index; read-only opens read segment files on demand instead of memory-mapping them
        (whoosh's mapped compound files otherwise become resident as a searcher opens: ~3× the memory)."""
        if folder is None and not self.exists():
            raise IndexMissing(f"no index in {self.home}. Run `govsearch index` first.")
        target = folder if folder is not None else self.link
        if read_only:
            return FileStorage(str(target), supports_mmap=False).open_index()
        return whoosh_index.open_dir(target)
