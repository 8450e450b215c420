"""Saving a new version of the data: checked, never silently over someone else's.

Every save names the version it started from. Under a lock shared by all
processes, the file on disk must still be that version, the new bytes must
validate, and the version being replaced goes to the history before the new
one is renamed into place.
"""
from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from timeline.data.csv_writing import atomic_write
from timeline.data.history import forget_version, history_folder, keep_version
from timeline.data.loading import load_events_from_bytes
from timeline.data.report import Report
from timeline.data_store import content_version
from timeline.editor.diffing import Diff, diff_versions


@dataclass(frozen=True)
class Saved:
    version: str
    diff: Diff


@dataclass(frozen=True)
class Unchanged:
    version: str


@dataclass(frozen=True)
class Conflict:
    """The file changed since the editor's version: theirs is on disk, yours is refused."""
    current_version: str
    theirs_vs_yours: Diff   # from the version on disk to the one being saved


@dataclass(frozen=True)
class Invalid:
    report: Report


@dataclass(frozen=True)
class Failed:
    """The disk refused the write; nothing changed."""
    reason: str


SaveOutcome = Saved | Unchanged | Conflict | Invalid | Failed


@contextmanager
def save_lock(data_path: Path):
    folder = history_folder(data_path)
    folder.mkdir(exist_ok=True)
    with open(folder / ".lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def save_version(data_path: str | os.PathLike, new: bytes, base_version: str) -> SaveOutcome:
    data_path = Path(data_path)
    report = load_events_from_bytes(new).report
    if not report.ok:
        return Invalid(report)
    try:
        with save_lock(data_path):
            current = data_path.read_bytes()
            current_version = content_version(current)
            if current_version != base_version:
                return Conflict(current_version, diff_versions(current, new))
            new_version = content_version(new)
            if new_version == current_version:
                return Unchanged(current_version)
            diff = diff_versions(current, new)
            kept = keep_version(data_path, current, current_version, new_version,
                                diff.summary())
            try:
                atomic_write(data_path, new)
            except OSError:
                forget_version(data_path, kept)  # the history stays as it was
                raise
            return Saved(new_version, diff)
    except OSError as problem:
        return Failed(f"{problem.strerror or problem}: the file and its history are as they were")
