"""Saving a new version of the data: checked, never silently over someone else's.

Every save names the version it started from. Under a lock shared by all
processes, the file on disk must still be that version, the new bytes must
validate, and the new version goes to the history (with who saved it, when and
what changed; the version it replaces too, if the history has no copy of it)
before it is renamed into place. The history is then pruned to its retention.

`save_merging` is the table's save: when the file changed since the editor's
version, it merges the two field by field (`merging`) from that version's copy
in the history, and saves the merge when no field was changed on both sides.
"""
from __future__ import annotations

import fcntl
import logging
import os
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Mapping

from timeline.data.csv_writing import atomic_write
from timeline.data.history import (
    HistoryEntry,
    Retention,
    find_version,
    forget_version,
    history_folder,
    list_versions,
    prune,
    record_version,
    saved_since,
)
from timeline.data.loading import LoadResult, load_events_from_bytes
from timeline.data.report import Report
from timeline.data_store import content_version
from timeline.editor.diffing import Diff, diff_versions
from timeline.editor.merging import Clash, Merge, Side, merge_versions, merged_bytes

log = logging.getLogger("timeline.editor")


@dataclass(frozen=True)
class Saved:
    version: str
    diff: Diff
    # The saved bytes as the check before writing loaded them (no `raw`), for the
    # store to serve without loading them again; None when it did not load them.
    loaded: LoadResult | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class Unchanged:
    version: str


@dataclass(frozen=True)
class Conflict:
    """The file changed since the editor's version: theirs is on disk, yours is refused."""
    current_version: str
    theirs_vs_yours: Diff   # from the version on disk to the one being saved


@dataclass(frozen=True)
class Merged:
    """Saved after merging in what others saved since the editor's version."""
    version: str
    diff: Diff              # what this save changed in the file: the editor's changes
    merged_in: Diff         # from the editor's table to what was saved: the others' changes
    others: tuple[str, ...]  # who saved since the editor's version, earliest first
    result: Merge


@dataclass(frozen=True)
class Clashes:
    """Not saved: fields both sides changed differently wait for the editor's choice."""
    current_version: str
    clashes: tuple[Clash, ...]
    others: tuple[str, ...]


@dataclass(frozen=True)
class Invalid:
    report: Report


@dataclass(frozen=True)
class Failed:
    """The disk refused the write; nothing changed."""
    reason: str


SaveOutcome = Saved | Unchanged | Conflict | Invalid | Failed
MergeOutcome = SaveOutcome | Merged | Clashes


@contextmanager
def save_lock(data_path: Path):
    folder = history_folder(data_path)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def save_version(data_path: str | os.PathLike, new: bytes, base_version: str,
                 by: str | None = None, retention: Retention | None = None,
                 action: str = "") -> SaveOutcome:
    """Save `new` over the file, which must still be `base_version`; `by` names the
    editor in the history, `action` ('restored an earlier version') leads its line."""
    return _save(Path(data_path), new, base_version, by, retention, action,
                 lambda current, current_version: Conflict(current_version,
                                                           diff_versions(current, new)))


def save_merging(data_path: str | os.PathLike, new: bytes, base_version: str,
                 by: str | None = None, retention: Retention | None = None,
                 choices: Mapping[str, Side] | None = None) -> MergeOutcome:
    """Save the editor's table, merged with what others saved since `base_version`
    when the file changed; `choices` decide the fields both changed (Clash.ident →
    side). Without a copy of `base_version` in the history, a Conflict as before."""
    data_path = Path(data_path)

    def merged_with_theirs(current: bytes, current_version: str) -> MergeOutcome:
        entries = list_versions(data_path)
        base = find_version(data_path, base_version, entries)
        if base is None:  # nothing to merge from: both sides shown, nothing saved
            return Conflict(current_version, diff_versions(current, new))
        others = tuple(dict.fromkeys(entry.who for entry in
                                     reversed(saved_since(entries, base_version))))
        result = merge_versions(base, current, new, choices)
        if not result.clean:
            return Clashes(current_version, result.clashes, others)
        merged = merged_bytes(result, new)
        report = load_events_from_bytes(merged).report
        if not report.ok:
            return Invalid(report)
        merged_in = diff_versions(new, merged)
        if content_version(merged) == current_version:  # theirs already holds mine
            return Merged(current_version, Diff(), merged_in, others, result)
        saved = _write(data_path, current, merged, by, retention)
        assert isinstance(saved, Saved)
        return Merged(saved.version, saved.diff, merged_in, others, result)

    return _save(data_path, new, base_version, by, retention, "", merged_with_theirs)


def _save(data_path: Path, new: bytes, base_version: str, by: str | None,
          retention: Retention | None, action: str,
          when_moved: Callable[[bytes, str], MergeOutcome]) -> MergeOutcome:
    """`new` checked, then, under the save lock, written over the file while it is
    still `base_version`; else `when_moved(the file, its version)` answers."""
    # The frames readers are served, not the file as written: the store takes them.
    loaded = load_events_from_bytes(new, as_written=False)
    if not loaded.report.ok:
        return Invalid(loaded.report)
    try:
        with save_lock(data_path):
            current = data_path.read_bytes()
            current_version = content_version(current)
            if current_version == base_version:
                saved = _write(data_path, current, new, by, retention, action)
                return replace(saved, loaded=loaded) if isinstance(saved, Saved) else saved
            return when_moved(current, current_version)
    except OSError as problem:
        return _failed(problem)


def _write(data_path: Path, current: bytes, new: bytes, by: str | None,
           retention: Retention | None, action: str = "") -> Saved | Unchanged:
    """Under the save lock: `new` in the history and in place of `current`. Raises
    OSError, leaving the file and its history as they were."""
    current_version, new_version = content_version(current), content_version(new)
    if new_version == current_version:
        return Unchanged(current_version)
    diff = diff_versions(current, new)
    summary = f"{action}: {diff.headline()}" if action else diff.headline()
    kept: list[HistoryEntry] = []
    try:
        kept += _keep_the_version_on_disk(data_path, current, current_version)
        kept.append(record_version(data_path, new, new_version, by or "", summary))
        atomic_write(data_path, new)
    except OSError:
        for entry in kept:
            forget_version(data_path, entry)  # the history stays as it was
        raise
    try:
        prune(data_path, retention or Retention())
    except OSError as problem:  # the save stands; the next one prunes again
        log.warning("Could not prune the history of %s: %s", data_path, problem)
    return Saved(new_version, diff)


def _keep_the_version_on_disk(data_path: Path, current: bytes,
                              current_version: str) -> list[HistoryEntry]:
    """The file as it is, into the history when its newest copy is another version
    (no save has been made yet, or another program wrote it): by nobody named, at
    the time it was written."""
    entries = list_versions(data_path)
    if entries and entries[0].version == current_version:
        return []
    previous = find_version(data_path, entries[0].version, entries[:1]) if entries else None
    summary = diff_versions(previous, current).headline() if previous is not None else ""
    written = datetime.fromtimestamp(data_path.stat().st_mtime, timezone.utc)
    return [record_version(data_path, current, current_version, "", summary, written)]


def _failed(problem: OSError) -> Failed:
    return Failed(f"{problem.strerror or problem}: the file and its history are as they were")

