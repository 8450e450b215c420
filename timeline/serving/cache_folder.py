"""The cache folder on disk that every worker and the next start share.

The compressed bodies (`compressed_cache`) and the embed's files built once
(`shared_builds`) live in one folder, beside the data's by default. It must be
a real folder (not a link) owned by this user and writable by no one else, else
it is not used: a link planted in its place had the pruning delete another
folder's old files and new files written there. Every file is then reached
through the folder opened without following links and checked to be the same
folder (`CheckedFolder`), so it cannot be swapped for a link later either;
files are written whole or not at all (`write_whole`), and the least recently
used go first once the folder holds more than its budget (`prune`).
"""
from __future__ import annotations

import errno
import logging
import os
import stat
import tempfile
import threading
import time
from collections.abc import Iterable
from pathlib import Path

log = logging.getLogger("timeline.serving.cache_folder")

CACHE_FOLDER_NAME = ".timeline-cache"
DISK_BUDGET = 256 * 1024 * 1024      # bytes kept on disk (TIMELINE_CACHE_MAX_MB)
DISK_MAX_AGE = 30 * 24 * 3600        # files unused this long are removed at start


def default_cache_dir(data_path: str | os.PathLike | None = None) -> Path:
    """A hidden folder beside the data's folder (`data/events.csv`: `.timeline-cache`
    next to `data/`), the app's own rather than a name in the shared temporary
    directory, which anyone can take first. Without a data path, that name
    (`TMPDIR` moves it), used only if it is a private folder of this user's."""
    if data_path is None:
        return Path(tempfile.gettempdir()) / f"timeline-compressed-{os.getuid()}"
    return Path(os.path.abspath(data_path)).parent.parent / CACHE_FOLDER_NAME


class CheckedFolder:
    """A private folder, checked once at start and reopened for each use only while it
    is still that folder; `path` is None when there is none to use (memory only)."""

    def __init__(self, path: Path | None, use: str):
        self.path: Path | None = None
        self._use = use  # what the folder is for, in the warning when it is given up
        self._identity: tuple[int, int] | None = None  # the folder's (device, inode)
        if path is not None:
            descriptor = open_private_folder(path, create=True)
            if descriptor is not None:
                info = os.fstat(descriptor)
                self.path, self._identity = path, (info.st_dev, info.st_ino)
                os.close(descriptor)

    def open(self) -> int | None:
        """The folder, opened (close it after use), if it is still the one checked at
        start; if not (removed, or replaced), None from then on."""
        if self.path is None:
            return None
        descriptor = open_private_folder(self.path, create=False)
        if descriptor is not None:
            info = os.fstat(descriptor)
            if (info.st_dev, info.st_ino) == self._identity:
                return descriptor
            os.close(descriptor)
        log.warning("Not using %s in %s any more: it is not the folder checked at start",
                    self._use, self.path)
        self.path = None
        return None


def open_private_folder(folder: Path, create: bool) -> int | None:
    """`folder` opened (a descriptor to close), created private to this user if asked;
    None, with a warning, when it is a link, someone else's, or writable by others.

    A folder under /tmp that someone else made (or can write to) could hold
    bodies they planted; a link there could send the pruning to another folder.
    """
    try:
        if create:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW
                             | os.O_CLOEXEC)
    except OSError as problem:
        link = problem.errno == errno.ELOOP or folder.is_symlink()
        log.warning("No cache folder on disk (%s): %s", folder,
                    "it is a link, which is not followed" if link else problem)
        return None
    info = os.fstat(descriptor)
    if info.st_uid != os.getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        os.close(descriptor)
        log.warning("Not using the cache folder %s: it is not private to this user", folder)
        return None
    return descriptor


def write_whole(folder: int, name: str, chunks: Iterable[bytes]) -> None:
    """Write `chunks` as the file `name` of the open `folder`, whole or not at all: to a
    new private name, then renamed over it. Raises OSError, leaving nothing behind.

    Not fsynced (unlike the data file's `csv_writing.atomic_write`): a cache file
    lost in a crash is only made again."""
    temporary = f".{name}.{os.getpid()}.{threading.get_ident()}.tmp"
    try:
        file = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW
                       | os.O_CLOEXEC, 0o600, dir_fd=folder)
        with os.fdopen(file, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
        os.replace(temporary, name, src_dir_fd=folder, dst_dir_fd=folder)
    except OSError:
        try:
            os.unlink(temporary, dir_fd=folder)
        except OSError:
            pass
        raise


def prune(folder: int, budget: int = DISK_BUDGET) -> int:
    """Remove the files of the open `folder` unused for `DISK_MAX_AGE`, then the least
    recently used until the rest fit in `budget` bytes; returns the bytes left.
    Links and folders inside are neither followed nor removed."""
    cutoff = time.time() - DISK_MAX_AGE
    files = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                try:
                    info = entry.stat(follow_symlinks=False)
                except OSError:
                    continue
                if stat.S_ISREG(info.st_mode):
                    files.append((info.st_mtime, entry.name, info.st_size))
    except OSError:
        return 0
    files.sort()  # least recently used first
    total = sum(size for _, _, size in files)
    for modified, name, size in files:
        if modified >= cutoff and total <= budget:
            break
        try:
            os.unlink(name, dir_fd=folder)
        except OSError:
            continue
        total -= size
    return total
