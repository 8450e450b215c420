"""The data file, watched: every worker serves the last good version of it.

Each gunicorn worker is its own process with its own copy, so there is no one
to tell them the file changed; each checks the file's signature (a cheap
`stat`) before a request, at most every `CHECK_INTERVAL` seconds, and reloads
when it differs. A file still being written is left alone until it has been
quiet for `SETTLE_SECONDS`, and a version with errors is never swapped in:
readers keep the last good one while `/healthz` and the log say what is wrong.

A worker that starts (or is restarted by gunicorn) while the file is bad has no
good version in memory, so every accepted version is also copied to
`last_good_path`, and such a worker serves that copy instead of failing to boot
(which gunicorn answers by starting it again, and again).
"""
from __future__ import annotations

import fcntl
import hashlib
import io
import logging
import os
import pickle
import select
import signal
import threading
import time
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from stat import S_ISSOCK

import pandas as pd

from timeline.data.csv_writing import atomic_write
from timeline.data.history import history_folder
from timeline.data.loading import LoadResult, empty_events, load_events_from_bytes
from timeline.data.report import Report, error
from timeline.memory import release_free_memory
from timeline.view.transforms import prepare_events

CHECK_INTERVAL = 0.2
# A program that writes in place (not by rename) can leave a half file for a
# moment; one quiet third of a second means it has finished.
SETTLE_SECONDS = 0.3

log = logging.getLogger("timeline.data")


def content_version(data: bytes) -> str:
    """A short content hash: equal bytes, equal version, in every process."""
    return hashlib.sha256(data).hexdigest()[:16]


@dataclass(frozen=True, eq=False)
class Snapshot:
    """One good version of the data, as served."""
    events: pd.DataFrame   # prepared for the transforms
    result: LoadResult     # title, eras, report; its own `events` and `raw` left empty
    data: bytes
    version: str
    loaded_at: datetime


class DataFileError(Exception):
    """The data file cannot be served: the app must not start on it."""

    def __init__(self, path: str, report: Report):
        super().__init__(f"{path}: {report.summary()}")
        self.path = path
        self.report = report


def snapshot_of(data: bytes, source_name: str) -> Snapshot | Report:
    """The data as served, or the report that says why it cannot be.

    Only the prepared events are kept: not the file's rows as written nor the
    events before preparing (the editor reads the bytes itself), each of which
    cost as much memory as the events (100 MB and more at 100,000 events)."""
    result = load_events_from_bytes(data, source_name, as_written=False)
    if not result.report.ok:
        return result.report
    return snapshot_from(result, data)


def snapshot_from(result: LoadResult, data: bytes) -> Snapshot:
    """The data as served, from `data` loaded without errors (`result`, its `raw` left out)."""
    events = prepare_events(result.events, result.categories)
    return Snapshot(events, replace(result, events=empty_events()), data,
                    content_version(data), datetime.now(timezone.utc))


# Above this size, a file is loaded in a child process. Loading makes several times
# the kept data in short-lived objects, and the memory they leave behind stays with
# the process for good (at 100,000 events, 100 MB more in every worker); the child
# sends back only what is kept.
FORKED_LOAD_BYTES = 4 * 1024 * 1024
# A fork copies only the thread that forks, and a worker runs several: the child
# takes no lock another thread could hold, and one that has not answered in this
# many seconds is stopped, and the file loaded here instead.
FORKED_LOAD_TIMEOUT = 300


def loaded_snapshot(data: bytes, source_name: str) -> Snapshot | Report:
    """`snapshot_of`, worked out in a forked child for a big file, else here."""
    child = _ChildLoad.start(data, source_name)
    return child.outcome() if child is not None else _loaded_here(data, source_name)


@dataclass(eq=False)
class _ChildLoad:
    """A load running in a forked child, which sends its outcome through a pipe."""
    pid: int
    pipe: int
    data: bytes
    source_name: str

    @classmethod
    def start(cls, data: bytes, source_name: str) -> _ChildLoad | None:
        if len(data) < FORKED_LOAD_BYTES or not hasattr(os, "fork"):
            return None
        try:
            reading, writing = os.pipe()
            pid = os.fork()
        except OSError:
            return None
        if pid == 0:  # the child: load, send it, and end without running anything else
            status = 1
            try:
                close_inherited_sockets()
                os.close(reading)
                outcome = snapshot_of(data, source_name)
                if isinstance(outcome, Snapshot):
                    outcome = replace(outcome, data=b"")  # the parent has the bytes
                with os.fdopen(writing, "wb") as sent:
                    # Our own objects, to our own process: nothing from outside is unpickled.
                    pickle.dump(outcome, sent, pickle.HIGHEST_PROTOCOL)
                status = 0
            finally:
                os._exit(status)
        os.close(writing)
        return cls(pid, reading, data, source_name)

    def outcome(self) -> Snapshot | Report:
        pipe = _PipeWithDeadline(self.pipe, time.monotonic() + FORKED_LOAD_TIMEOUT)
        try:
            with io.BufferedReader(pipe) as received:
                outcome = pickle.load(received)
        except Exception as problem:  # noqa: BLE001 (the child failed: load it here)
            log.warning("Loading %s in a child process failed (%r): loading it here",
                        self.source_name, problem)
            outcome = None
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        finally:
            os.waitpid(self.pid, 0)
        if isinstance(outcome, Snapshot):
            return replace(outcome, data=self.data)
        if isinstance(outcome, Report):
            return outcome
        return _loaded_here(self.data, self.source_name)

    def cancel(self) -> None:
        os.close(self.pipe)  # the child's writing fails, and it ends
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(self.pid, 0)


def close_inherited_sockets() -> None:
    """In a forked child: close the sockets it was handed (a worker's readers, the
    port it listens on), which it never uses; a reader's connection that the worker
    closes would otherwise stay open until the child ends."""
    for name in os.listdir("/proc/self/fd") if os.path.isdir("/proc/self/fd") else ():
        try:
            descriptor = int(name)
            if S_ISSOCK(os.fstat(descriptor).st_mode):
                os.close(descriptor)
        except (OSError, ValueError):
            pass


class _PipeWithDeadline(io.RawIOBase):
    """The read end of a pipe that raises TimeoutError once `deadline` has passed."""

    def __init__(self, descriptor: int, deadline: float):
        self.descriptor, self.deadline = descriptor, deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if not select.select([self.descriptor], [], [],
                             max(self.deadline - time.monotonic(), 0))[0]:
            raise TimeoutError("the child process has not answered in time")
        return os.readv(self.descriptor, [buffer])

    def close(self) -> None:
        if not self.closed:
            os.close(self.descriptor)
        super().close()


# Loads begun before the app is built, by path: (the file's signature then, the load).
_started_loads: dict[str, tuple[tuple[int, int, int], _ChildLoad]] = {}


def start_loading(path: str | os.PathLike) -> None:
    """Begin loading a big data file in a child process now, for the DataStore that
    opens it later in this process. gunicorn's master (gunicorn.conf.py) does this
    before it imports the app, so the two take the time of the longer, not both."""
    try:
        stat = os.stat(path)
        data = Path(path).read_bytes()
    except OSError:
        return  # the store says what is wrong when it starts
    child = _ChildLoad.start(data, str(path))
    if child is not None:
        _started_loads[os.path.abspath(path)] = (_signature(stat), child)


def _started_load(path: Path, signature: tuple[int, int, int]) -> _ChildLoad | None:
    """The load begun for `path`, if the file is still the one it read. Loads begun
    for any other file are dropped: nothing will take them."""
    found = None
    for started_path, (started_signature, child) in list(_started_loads.items()):
        del _started_loads[started_path]
        if started_path == os.path.abspath(path) and started_signature == signature:
            found = child
        else:
            child.cancel()
    return found


def _loaded_here(data: bytes, source_name: str) -> Snapshot | Report:
    outcome = snapshot_of(data, source_name)
    if len(data) >= FORKED_LOAD_BYTES:
        release_free_memory()  # what the allocator can give back of the load's leftovers
    return outcome


def last_good_path(data_path: str | os.PathLike) -> Path:
    """Where the last accepted version is kept: in the editor's history folder,
    which is already private (it holds the notes) and already beside the data.
    Its version is its content's hash, so bytes and version cannot disagree."""
    data_path = Path(data_path)
    return history_folder(data_path) / f"{data_path.name}.last-good"


def _signature(stat: os.stat_result) -> tuple[int, int, int]:
    return (stat.st_mtime_ns, stat.st_size, stat.st_ino)


class DataStore:
    def __init__(self, path: str | os.PathLike, *, check_interval: float = CHECK_INTERVAL,
                 settle_seconds: float = SETTLE_SECONDS):
        self.path = Path(path)
        self.check_interval = check_interval
        self.settle_seconds = settle_seconds
        self.last_error: str | None = None
        self.last_error_lines: tuple[str, ...] = ()
        self.error_count = 0  # errors in the file on disk, when it cannot be served
        self._lock = threading.Lock()
        self._checked_at = 0.0
        self._from_last_good_copy = False
        started = None
        try:
            # Signature first: a file changed while it is read then differs from
            # it, so the first check reloads it instead of trusting what was read.
            stat = self.path.stat()
            started = _started_load(self.path, _signature(stat))
            data = started.data if started is not None else self.path.read_bytes()
        except OSError as problem:
            outcome: Snapshot | Report = Report((_file_problem(problem),))
        else:
            outcome = (started.outcome() if started is not None
                       else loaded_snapshot(data, str(self.path)))
        if isinstance(outcome, Report):
            self._start_from_last_good(outcome)
            return
        self._snapshot = outcome
        self._signature = _signature(stat)
        self._keep_last_good()

    def _start_from_last_good(self, report: Report) -> None:
        """Serve the last good copy of a file that is bad now, or refuse to start."""
        kept = last_good_path(self.path)
        try:
            outcome = loaded_snapshot(kept.read_bytes(), str(kept))
        except OSError:
            outcome = None  # never kept (or gone): nothing to serve
        if isinstance(outcome, Report):  # say so: the copy is not simply missing
            log.error("%s: the last good copy has errors too (%s): not serving it", kept,
                      outcome.summary())
        if not isinstance(outcome, Snapshot):
            raise DataFileError(str(self.path), report)
        self._snapshot, self._from_last_good_copy = outcome, True
        self._fail(f"{self.path}: {report.summary()}; {self._serving()}",
                   tuple(report.format_lines(str(self.path))), len(report.errors))

    def _keep_last_good(self) -> None:
        """Copy the version just accepted to `last_good_path`, if the file still holds it.

        Under a lock shared by every worker, so of two workers accepting two
        versions at once, the one whose version the file no longer holds (the
        older) cannot overwrite the other's. The copy is written atomically: a
        worker starting meanwhile reads the old copy or the new one, whole."""
        copy = last_good_path(self.path)
        try:
            copy.parent.mkdir(parents=True, exist_ok=True)
            with open(copy.parent / ".last-good.lock", "a+b") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)  # released when closed
                if _signature(self.path.stat()) != self._signature:
                    return  # changed since: its own acceptance will keep it
                try:
                    if copy.read_bytes() == self._snapshot.data:
                        return
                except FileNotFoundError:
                    pass
                atomic_write(copy, self._snapshot.data)
        except OSError as problem:
            log.warning("%s: cannot keep a last good copy in %s (%s): a worker that starts "
                        "while the file has errors will fail to start", self.path, copy.parent,
                        problem.strerror or problem)

    def current(self) -> Snapshot:
        """The last good version, after a check if one is due."""
        self.refresh()
        return self._snapshot

    @property
    def snapshot(self) -> Snapshot:
        """The last good version, without checking the file."""
        return self._snapshot

    def refresh(self, *, force: bool = False,
                saved: tuple[str, LoadResult | None] | None = None) -> None:
        """Check the file if a check is due; `force` checks now and takes a fresh
        file at once (for our own saves, which are whole by construction). `saved`:
        a version and its bytes as a save loaded them (load_events_from_bytes
        without `raw`), served without loading again if the file holds that version."""
        now = time.monotonic()
        if not force and now - self._checked_at < self.check_interval:
            return
        # One check at a time per process; the others serve what is loaded.
        if not self._lock.acquire(blocking=force):
            return
        try:
            self._checked_at = now
            self._check(settle=not force, saved=saved)
        finally:
            self._lock.release()

    def _check(self, settle: bool = True,
               saved: tuple[str, LoadResult | None] | None = None) -> None:
        try:
            stat = self.path.stat()
            if _signature(stat) == self._signature:
                return
            if settle and time.time() - stat.st_mtime < self.settle_seconds:
                return  # still being written, perhaps
            data = self.path.read_bytes()
            if _signature(self.path.stat()) != _signature(stat):
                return  # changed while we read it: next time
        except OSError as problem:
            self._fail(f"{self.path}: {_file_problem(problem).message}; {self._serving()}", ())
            return
        version = content_version(data)
        if version == self._snapshot.version:
            self._signature = _signature(stat)
            self._from_last_good_copy = False  # the file holds it again
            self._clear_error()
            return
        # A save's own load, where it loaded these bytes: a third of a second at 10,000.
        loaded = saved[1] if saved is not None and saved[0] == version else None
        outcome = (snapshot_from(loaded, data) if loaded is not None and loaded.report.ok
                   else loaded_snapshot(data, str(self.path)))
        if isinstance(outcome, Report):
            self._fail(f"{self.path}: {outcome.summary()}; {self._serving()}",
                       tuple(outcome.format_lines(str(self.path))), len(outcome.errors))
            return
        self._snapshot, self._signature = outcome, _signature(stat)
        self._from_last_good_copy = False
        self._clear_error()
        self._keep_last_good()
        log.info("Reloaded %s: %d events, version %s", self.path, len(outcome.events),
                 outcome.version)

    def _serving(self) -> str:
        kept = "the last good copy, version" if self._from_last_good_copy else "version"
        return f"still serving {kept} {self._snapshot.version}"

    def _fail(self, message: str, lines: tuple[str, ...], errors: int = 1) -> None:
        if message != self.last_error:
            log.error("%s", message)
            for line in lines:
                log.error("%s", line)
        self.last_error, self.last_error_lines, self.error_count = message, lines, errors
        # Try again once the file changes, not on every request.
        try:
            self._signature = _signature(self.path.stat())
        except OSError:
            self._signature = (0, 0, 0)

    def _clear_error(self) -> None:
        self.last_error, self.last_error_lines, self.error_count = None, (), 0

    def health(self) -> dict:
        snapshot = self.current()
        return {
            "status": "error" if self.last_error else "ok",
            "events": len(snapshot.events),
            "version": snapshot.version,
            "loaded_at": snapshot.loaded_at.isoformat(timespec="seconds"),
            "last_error": self.last_error,
            "last_error_details": list(self.last_error_lines),
            "errors": self.error_count,
            # Which process answered: each gunicorn worker keeps its own copy.
            "worker": os.getpid(),
        }


def _file_problem(problem: OSError):
    reason = problem.strerror or type(problem).__name__
    return error(None, None, f"cannot read the data file: {reason}")
