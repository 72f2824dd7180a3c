"""Whether a process still exists: a lock holder (whoosh) or a cluster node (typesense) that may have died."""

from __future__ import annotations

import os


def alive(pid: int) -> bool:
    """Whether a process with this id exists."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
