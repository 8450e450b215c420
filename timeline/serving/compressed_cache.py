"""Compressed bodies kept: in memory per process, and on disk for every worker.

Quality-11 brotli takes seconds for a 1 MB bundle, so a static body is
compressed once and kept: in a bounded in-memory LRU per process, keyed by
`CacheKey` (path, size, version), and in the shared cache folder
(`cache_folder`) that every worker and the next start reuse. A lock file per
body lets one process across all of them do the compressing.
"""
from __future__ import annotations

import hashlib
import logging
import os
import stat
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from timeline.serving.cache_folder import DISK_BUDGET, CheckedFolder, prune, write_whole

log = logging.getLogger("timeline.serving.compressed_cache")

MEMORY_BUDGET = 64 * 1024 * 1024     # compressed bytes kept per process
STALE_LOCK_SECONDS = 600
CACHE_FORMAT = "1"                   # part of every disk name: bump to drop old files


@dataclass(frozen=True)
class CacheKey:
    """Which bytes: the URL path, the size and a version (modification time, ETag or hash)."""
    path: str
    size: int
    version: str

    def name(self, encoding: str, quality: int) -> str:
        text = "\0".join([CACHE_FORMAT, self.path, str(self.size), self.version, encoding,
                          str(quality)])
        return hashlib.sha256(text.encode("utf-8")).hexdigest() + "." + encoding


class CompressedCache:
    """Compressed bodies: a bounded in-memory LRU in front of an optional disk folder
    (a `CheckedFolder`: without a usable one, memory only). The disk holds at most
    `disk_budget` bytes: the least recently used files go first.
    """

    def __init__(self, folder: Path | None, memory_budget: int = MEMORY_BUDGET,
                 disk_budget: int = DISK_BUDGET):
        self._folder = CheckedFolder(folder, "the compression cache")
        self._memory: OrderedDict[str, bytes] = OrderedDict()
        self._memory_bytes = 0
        self._budget = memory_budget
        self.disk_budget = disk_budget
        self._disk_bytes = 0  # on disk at the last pruning, plus what this process wrote since
        self._lock = threading.Lock()
        descriptor = self._folder.open()
        if descriptor is not None:
            try:
                self._disk_bytes = prune(descriptor, disk_budget)
            finally:
                os.close(descriptor)

    @property
    def folder(self) -> Path | None:
        """The folder on disk in use, None when memory only."""
        return self._folder.path

    def peek(self, name: str) -> bytes | None:
        """The body kept in this process's memory, if any."""
        with self._lock:
            found = self._memory.get(name)
            if found is not None:
                self._memory.move_to_end(name)
            return found

    def get(self, name: str) -> bytes | None:
        """The body from memory, else from disk (then kept in memory)."""
        found = self.peek(name)
        if found is not None:
            return found
        folder = self._folder.open()
        if folder is None:
            return None
        try:
            file = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=folder)
            with os.fdopen(file, "rb") as handle:
                found = handle.read()
                try:
                    os.utime(handle.fileno())  # recently used: kept longest
                except OSError:
                    pass
        except OSError:
            return None
        finally:
            os.close(folder)
        self.remember(name, found)
        return found

    def remember(self, name: str, body: bytes) -> None:
        with self._lock:
            if name in self._memory:
                return
            self._memory[name] = body
            self._memory_bytes += len(body)
            while self._memory_bytes > self._budget and len(self._memory) > 1:
                _, dropped = self._memory.popitem(last=False)
                self._memory_bytes -= len(dropped)

    def forget(self, name: str) -> None:
        with self._lock:
            dropped = self._memory.pop(name, None)
            if dropped is not None:
                self._memory_bytes -= len(dropped)

    def on_disk(self, name: str) -> bool:
        folder = self._folder.open()
        if folder is None:
            return False
        try:
            return stat.S_ISREG(os.stat(name, dir_fd=folder, follow_symlinks=False).st_mode)
        except OSError:
            return False
        finally:
            os.close(folder)

    def store(self, name: str, body: bytes) -> None:
        """Keep `body` in memory and write it to disk whole."""
        self.remember(name, body)
        folder = self._folder.open()
        if folder is None:
            return
        try:
            write_whole(folder, name, [body])
            with self._lock:
                self._disk_bytes += len(body)
                over = self._disk_bytes > self.disk_budget
            if over:
                remaining = prune(folder, self.disk_budget)
                with self._lock:
                    self._disk_bytes = remaining
        except OSError as problem:
            log.warning("Could not write the compression cache %s: %s", self.folder, problem)
        finally:
            os.close(folder)

    def lock(self, name: str) -> bool:
        """Claim the work of compressing `name` across processes; False if another has it."""
        folder = self._folder.open()
        if folder is None:
            return True
        lock = f"{name}.lock"
        try:
            os.close(os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW, 0o600,
                             dir_fd=folder))
            return True
        except FileExistsError:
            try:
                if time.time() - os.stat(lock, dir_fd=folder,
                                         follow_symlinks=False).st_mtime > STALE_LOCK_SECONDS:
                    os.unlink(lock, dir_fd=folder)  # its process died: the next request retries
            except OSError:
                pass
            return False
        except OSError:
            return True  # no locking possible: compress in this process anyway
        finally:
            os.close(folder)

    def unlock(self, name: str) -> None:
        folder = self._folder.open()
        if folder is None:
            return
        try:
            os.unlink(f"{name}.lock", dir_fd=folder)
        except OSError:
            pass
        finally:
            os.close(folder)
