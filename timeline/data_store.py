"""The data file, watched: every worker serves the last good version of it.

Each gunicorn worker is its own process with its own copy, so there is no one
to tell them the file changed; each checks the file's signature (a cheap
`stat`) before a request, at most every `CHECK_INTERVAL` seconds, and reloads
when it differs. A file still being written is left alone until it has been
quiet for `SETTLE_SECONDS`, and a version with errors is never swapped in:
readers keep the last good one while `/healthz` and the log say what is wrong.
"""
from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from timeline.loading import LoadResult, load_events_from_bytes
from timeline.report import Report
from timeline.transforms import prepare_events
from timeline.validation import error

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
    result: LoadResult
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
    """The data as served, or the report that says why it cannot be."""
    result = load_events_from_bytes(data, source_name)
    if not result.report.ok:
        return result.report
    return Snapshot(prepare_events(result.events), result, data, content_version(data),
                    datetime.now(timezone.utc))


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
        self._lock = threading.Lock()
        self._checked_at = 0.0
        try:
            # Signature first: a file changed while it is read then differs from
            # it, so the first check reloads it instead of trusting what was read.
            stat = self.path.stat()
            data = self.path.read_bytes()
        except OSError as problem:
            raise DataFileError(str(self.path), Report((_file_problem(problem),))) from None
        outcome = snapshot_of(data, str(self.path))
        if isinstance(outcome, Report):
            raise DataFileError(str(self.path), outcome)
        self._snapshot = outcome
        self._signature = _signature(stat)

    def current(self) -> Snapshot:
        """The last good version, after a check if one is due."""
        self.refresh()
        return self._snapshot

    @property
    def snapshot(self) -> Snapshot:
        """The last good version, without checking the file."""
        return self._snapshot

    def refresh(self, *, force: bool = False) -> None:
        """Check the file if a check is due; `force` checks now and takes a fresh
        file at once (for our own saves, which are whole by construction)."""
        now = time.monotonic()
        if not force and now - self._checked_at < self.check_interval:
            return
        # One check at a time per process; the others serve what is loaded.
        if not self._lock.acquire(blocking=force):
            return
        try:
            self._checked_at = now
            self._check(settle=not force)
        finally:
            self._lock.release()

    def _check(self, settle: bool = True) -> None:
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
            self._fail(_file_problem(problem).message, ())
            return
        if content_version(data) == self._snapshot.version:
            self._signature = _signature(stat)
            self._clear_error()
            return
        outcome = snapshot_of(data, str(self.path))
        if isinstance(outcome, Report):
            self._fail(f"{self.path}: {outcome.summary()}; still serving version "
                       f"{self._snapshot.version}", tuple(outcome.format_lines(str(self.path))))
            return
        self._snapshot, self._signature = outcome, _signature(stat)
        self._clear_error()
        log.info("Reloaded %s: %d events, version %s", self.path, len(outcome.events),
                 outcome.version)

    def _fail(self, message: str, lines: tuple[str, ...]) -> None:
        if message != self.last_error:
            log.error("%s", message)
            for line in lines:
                log.error("%s", line)
        self.last_error, self.last_error_lines = message, lines
        # Try again once the file changes, not on every request.
        try:
            self._signature = _signature(self.path.stat())
        except OSError:
            self._signature = (0, 0, 0)

    def _clear_error(self) -> None:
        self.last_error, self.last_error_lines = None, ()

    def health(self) -> dict:
        snapshot = self.current()
        return {
            "status": "error" if self.last_error else "ok",
            "events": len(snapshot.events),
            "version": snapshot.version,
            "loaded_at": snapshot.loaded_at.isoformat(timespec="seconds"),
            "last_error": self.last_error,
            "last_error_details": list(self.last_error_lines),
            # Which process answered: each gunicorn worker keeps its own copy.
            "worker": os.getpid(),
        }


def _file_problem(problem: OSError):
    reason = problem.strerror or type(problem).__name__
    return error(None, None, f"cannot read the data file: {reason}")
