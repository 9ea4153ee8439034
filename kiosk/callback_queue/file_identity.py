"""Whether the SQLite file the queue has open is still the file at its configured path.

A clean-up script, a restored backup or a re-imaged profile can remove or replace the data
folder under a running kiosk. SQLite keeps writing to the file it opened, unlinked or not,
and those requests vanish at the next restart. The store compares the file's device and
inode before and after each write, and reopens the path when they differ.
"""

from __future__ import annotations

import os
from pathlib import Path


def identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of the file at ``path``, or None when there is none."""
    try:
        found = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    return found.st_dev, found.st_ino


class OpenedFile:
    """The file at ``path`` as it was when the store opened it."""

    __slots__ = ("path", "_identity")

    def __init__(self, path: Path) -> None:
        self.path = path
        self._identity = identity(path)

    def is_current(self) -> bool:
        """True while the file at the path is still the one that was opened."""
        return self._identity is not None and identity(self.path) == self._identity


class QueueFileReplaced(RuntimeError):
    """The queue's file was removed or replaced while a change was being written to it."""
