"""Files that hold personal data are the owner's alone (mode 0600), from their first byte."""

import os
from pathlib import Path
from typing import IO

PRIVATE_MODE = 0o600


def open_private(path: str | os.PathLike, mode: str = "wb", **options) -> IO:
    """Open ``path`` for writing (created or emptied) readable by its owner only.

    The mode is set when the file is created, not after, so that no other user can open
    it in between; a file that existed keeps its content's owner but loses any wider mode.
    """
    if not mode.startswith("w"):
        raise ValueError("open_private writes; open other files as usual")
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_MODE)
    os.fchmod(descriptor, PRIVATE_MODE)
    return os.fdopen(descriptor, mode, **options)


def create_private(path: str | os.PathLike) -> None:
    """Create an empty file readable by its owner only, unless it exists (then narrow it).

    A missing folder stays missing: whoever opens the file next says so.
    """
    target = Path(path)
    if not target.parent.is_dir():
        return
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT, PRIVATE_MODE)
    os.fchmod(descriptor, PRIVATE_MODE)
    os.close(descriptor)
