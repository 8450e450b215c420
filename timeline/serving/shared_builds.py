"""Files built once per data version and shared by every worker: the embed's JSON.

Each gunicorn worker is a process of its own, and at 100,000 events the embed's
figures and payloads take seconds of CPU and hundreds of MB to build: built in
every worker, they were built five times over and held five times. So the first
process that needs one builds it, holding a lock (`fcntl.flock`) that the others
wait on, and writes it into the cache folder (`cache_folder.default_cache_dir`,
TIMELINE_CACHE_DIR), named by a hash of what it depends on (the data's version,
the day, the code); every other process reads it from there. A process keeps an
open file, not the bytes: the parts asked for are read when they are sent. A big
build is made in a forked child, so that what building leaves in memory goes
with the child instead of staying with a worker.

The folder is the compression cache's (`cache_folder`), with its checks (a
private folder of this user's, no links followed) and its size budget: files least recently used
are removed first, and a file removed while a process still reads it stays
readable to that process (it holds it open). Without a usable folder, each
process builds for itself and keeps the bytes in memory, as before.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import signal
import time
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Callable

from timeline.data_store import close_inherited_sockets
from timeline.memory import release_free_memory
from timeline.serving import cache_folder
from timeline.serving.cache_folder import DISK_BUDGET, CheckedFolder, prune, write_whole

log = logging.getLogger("timeline.builds")

# Part of every file's name: bump to drop the files of an older layout.
BUILD_FORMAT = "1"
APART_TIMEOUT = 600  # seconds a build in a child process may take
PACKAGE = Path(__file__).resolve().parent.parent  # timeline/


@lru_cache(maxsize=1)
def code_version() -> str:
    """A hash of the package's source: files built by other code are never read."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix == ".py" and path.is_file():
            digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def build_key(*values: str) -> str:
    """The name of what `values` (strings) say a build depends on, with the code."""
    text = "\0".join((BUILD_FORMAT, code_version(), *values))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Built(Sequence[bytes]):
    """The parts of one build, each read from its open file when asked for."""

    def __init__(self, file, offsets: list[int]):
        self._file = file  # kept open: the parts stay readable if the file is removed
        self._offsets = offsets

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        start, end = self._offsets[index], self._offsets[index + 1]
        return os.pread(self._file.fileno(), end - start, start)  # no shared position


class SharedBuilds:
    """Builds kept in a folder every process reads, each made by one of them only."""

    def __init__(self, folder: Path | None, disk_budget: int = DISK_BUDGET):
        self._folder = CheckedFolder(folder, "shared builds")
        self.disk_budget = disk_budget
        # Builds this process made, and of them in a child process (tests; no lock,
        # which a forked child could find held).
        self.builds = 0
        self.builds_apart = 0

    @property
    def folder(self) -> Path | None:
        """The folder builds are shared in, None when each process builds for itself."""
        return self._folder.path

    def get(self, key: str, build: Callable[[], list[bytes]],
            apart: bool = False) -> Sequence[bytes]:
        """The parts `build()` makes, built by this process only if no other has.
        `apart`: build it in a child process (a big build; see `_built_apart`)."""
        folder = self._folder.open()
        if folder is None:
            return self._built_here(build)
        try:
            name = f"build-{key}"
            found = self._read(folder, name)
            if found is not None:
                return found
            try:
                lock = os.open(f"{name}.lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW
                               | os.O_CLOEXEC, 0o600, dir_fd=folder)
            except OSError as problem:
                log.warning("Cannot lock a build in %s (%s): building it here", self.folder,
                            problem)
                return self._built_here(build)
            try:
                fcntl.flock(lock, fcntl.LOCK_EX)  # another process may be building it
                found = self._read(folder, name)
                if found is not None:
                    return found
                if apart and (found := self._built_apart(folder, name, build)) is not None:
                    return found
                parts = self._built_here(build)
                self._write(folder, name, parts)
                return self._read(folder, name) or parts
            finally:
                os.close(lock)  # releases the lock
        finally:
            os.close(folder)

    def _built_apart(self, folder: int, name: str, build: Callable[[], list[bytes]],
                     ) -> Built | None:
        """Built and written by a forked child, so that what building leaves in memory
        (at 100,000 events, 100 MB and more that the allocator keeps) goes with it,
        not with this worker. None if the child did not finish: then build it here.

        A fork copies only the thread that forks; the child uses no lock another
        thread may hold (not this object's, not the store's), and a child still
        running after `APART_TIMEOUT` is stopped."""
        try:
            child = os.fork()
        except OSError:
            return None
        if child == 0:
            status = 1
            try:
                close_inherited_sockets()
                parts = list(build())
                self._write(folder, name, parts)
                status = 0
            finally:
                os._exit(status)
        deadline = time.monotonic() + APART_TIMEOUT
        while True:
            done, status = os.waitpid(child, os.WNOHANG)
            if done:
                break
            if time.monotonic() > deadline:
                os.kill(child, signal.SIGKILL)
                os.waitpid(child, 0)
                status = -1
                break
            time.sleep(0.02)
        found = self._read(folder, name) if status == 0 else None
        if found is None:
            log.warning("Building %s in a child process failed (status %s): building it here",
                        name, status)
            return None
        self.builds += 1
        self.builds_apart += 1
        return found

    def _built_here(self, build: Callable[[], list[bytes]]) -> list[bytes]:
        parts = list(build())
        self.builds += 1
        if sum(map(len, parts)) > 1024 * 1024:
            release_free_memory()  # a big build's leftovers: not kept by this worker
        return parts

    @staticmethod
    def _read(folder: int, name: str) -> Built | None:
        """The build, if it is in the folder and whole: a line of its parts' sizes
        (JSON), then the parts."""
        try:
            descriptor = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=folder)
        except OSError:
            return None
        file = os.fdopen(descriptor, "rb")
        try:
            header = file.readline(1_000_000)
            sizes = json.loads(header)
            offsets = [len(header)]
            for size in sizes:
                offsets.append(offsets[-1] + size)
            if os.fstat(descriptor).st_size != offsets[-1]:
                raise ValueError("not whole")
            os.utime(descriptor)  # recently used: kept longest
        except (OSError, ValueError, TypeError):
            file.close()
            return None
        return Built(file, offsets)

    def _write(self, folder: int, name: str, parts: list[bytes]) -> None:
        """Written whole or not at all: a line of the parts' sizes (JSON), then the parts."""
        sizes = json.dumps([len(part) for part in parts]).encode() + b"\n"
        try:
            write_whole(folder, name, [sizes, *parts])
            prune(folder, self.disk_budget)
        except OSError as problem:
            log.warning("Could not keep a build in %s: %s", self.folder, problem)


def shared_builds_for(config) -> SharedBuilds:
    """The builds of the app `config` sets up, in its compression cache's folder."""
    folder = (Path(config.cache_dir) if config.cache_dir
              else cache_folder.default_cache_dir(config.data_path))
    return SharedBuilds(folder, disk_budget=config.cache_max_mb * 1024 * 1024)
