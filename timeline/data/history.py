"""Every version of the data a save wrote, kept beside it so nothing is ever lost.

`data/.history/` holds one copy per version (`STAMP-VERSION.csv`) and beside it a
small JSON record: when it was saved, by whom (the name the editor gave at
login), and a one-line summary of what that save changed. A save also keeps the
version it replaces when the history has no copy of it yet (the file as it was
before the first save, or as another program left it), by "unknown". Restoring
is a save of an old version, so it too is kept and can be undone.

Records written before names were asked (before issue 16) describe the version
a save *replaced*, with the summary of that save: they are listed with their
time and "unknown", their summary left out since it is another version's.

Every change to the folder is made under the save lock (`editor/saving.py`),
so gunicorn's workers never write it at once; each file is written atomically
(the copy before its record, and a record removed before its copy), so a
reader without the lock never finds a record whose copy is missing.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from timeline.config import DEFAULT_FILE_NAME
from timeline.data.csv_writing import atomic_write

FOLDER_NAME = ".history"
UNKNOWN = "unknown"  # who saved a version nobody named


@dataclass(frozen=True)
class Retention:
    """How much history a save keeps: every version younger than `days`, and the
    newest `versions` whatever their age."""
    days: int = 90
    versions: int = 200


@dataclass(frozen=True)
class HistoryEntry:
    name: str           # the stem shared by the .csv and the .json
    saved_at: str       # ISO time (UTC) the version was saved (old records: replaced)
    version: str        # this version's content hash
    replaced_by: str = ""   # old records: the version the save that replaced it wrote
    summary: str = ""       # what the save that wrote this version changed
    by: str | None = None   # who saved it; "" nobody named it; None an old record

    @property
    def who(self) -> str:
        return self.by or UNKNOWN

    @property
    def line(self) -> str:
        """'Anna: changed the title of bridge-vote', or 'unknown'."""
        if self.by is None or not self.summary:
            return self.who
        return f"{self.who}: {self.summary}"

    @property
    def when(self) -> datetime:
        """The time it was saved, in UTC (a record without a readable time: the epoch)."""
        try:
            moment = datetime.fromisoformat(self.saved_at)
        except ValueError:
            return datetime.fromtimestamp(0, timezone.utc)
        return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)

    @property
    def label(self) -> str:
        return f"{self.saved_at.replace('T', ' ')[:19]} UTC · {self.line}"


def history_folder(data_path: str | os.PathLike) -> Path:
    """`.history/` beside the data for `events.csv` (where it always was), and a folder
    of its own inside it for every other file, so the timelines of a folder
    (timeline/folder/) each keep their own history."""
    data_path = Path(data_path)
    folder = data_path.parent / FOLDER_NAME
    return folder if data_path.name == DEFAULT_FILE_NAME else folder / data_path.stem


def record_version(data_path: str | os.PathLike, data: bytes, version: str, by: str,
                   summary: str, saved_at: datetime | None = None) -> HistoryEntry:
    """Keep `data` (version `version`) with who saved it, when, and what changed.
    Call under the save lock."""
    folder = history_folder(data_path)
    folder.mkdir(parents=True, exist_ok=True)
    now = datetime.now(timezone.utc)
    stamp = now
    while True:  # the name orders the history: later saves, later names
        name = f"{stamp.strftime('%Y%m%dT%H%M%S%fZ')}-{version}"
        if not (folder / f"{name}.json").exists() and not (folder / f"{name}.csv").exists():
            break
        stamp += timedelta(microseconds=1)
    at = (saved_at or now).astimezone(timezone.utc)
    entry = HistoryEntry(name, at.isoformat(timespec="seconds"), version, "", summary, by)
    _write(folder, entry, data)
    return entry


def keep_version(data_path: str | os.PathLike, data: bytes, version: str, replaced_by: str,
                 summary: str) -> HistoryEntry:
    """A record as saves wrote them before issue 16 (the version a save replaced);
    kept for tools and tests that make such a history."""
    folder = history_folder(data_path)
    folder.mkdir(parents=True, exist_ok=True)
    now = datetime.now(timezone.utc)
    name = f"{now.strftime('%Y%m%dT%H%M%S%fZ')}-{version}"
    entry = HistoryEntry(name, now.isoformat(timespec="seconds"), version, replaced_by, summary)
    _write(folder, entry, data)
    return entry


def _write(folder: Path, entry: HistoryEntry, data: bytes) -> None:
    # The copy first, then its record: a record never points at a missing copy.
    atomic_write(folder / f"{entry.name}.csv", data)
    values = {k: v for k, v in entry.__dict__.items() if not (k == "by" and v is None)}
    atomic_write(folder / f"{entry.name}.json",
                 json.dumps(values, ensure_ascii=False, indent=1).encode("utf-8"))


def forget_version(data_path: str | os.PathLike, entry: HistoryEntry) -> None:
    """Undo `record_version` when the save it was for failed (or prune it): the
    record first, then its copy."""
    for suffix in (".json", ".csv"):
        try:
            (history_folder(data_path) / f"{entry.name}{suffix}").unlink()
        except FileNotFoundError:
            pass


def list_versions(data_path: str | os.PathLike) -> list[HistoryEntry]:
    """Newest first. A damaged record is skipped, never fatal."""
    folder = history_folder(data_path)
    entries = []
    for record in sorted(folder.glob("*.json"), reverse=True):
        try:
            values = json.loads(record.read_text("utf-8"))
            by = values.get("by")
            entry = HistoryEntry(
                **{k: str(values.get(k, "")) for k in ("name", "saved_at", "version",
                                                        "replaced_by", "summary")},
                by=by if isinstance(by, str) else None)
        except (OSError, ValueError, TypeError, AttributeError):
            continue
        if not (entry.name and entry.version and entry.saved_at):
            continue
        if (folder / f"{entry.name}.csv").is_file() and entry.name == record.stem:
            entries.append(entry)
    return entries


def read_version(data_path: str | os.PathLike, name: str) -> bytes | None:
    """An old version's bytes; None for a name that is not in the history."""
    if name not in {entry.name for entry in list_versions(data_path)}:
        return None  # also keeps a hostile name from walking out of the folder
    try:
        return (history_folder(data_path) / f"{name}.csv").read_bytes()
    except OSError:  # pruned by another worker since it was listed
        return None


def find_version(data_path: str | os.PathLike, version: str,
                 entries: list[HistoryEntry] | None = None) -> bytes | None:
    """The bytes of the version with this content hash, if the history has a copy."""
    for entry in entries if entries is not None else list_versions(data_path):
        if entry.version == version:
            data = read_version(data_path, entry.name)
            if data is not None:
                return data
    return None


def saved_since(entries: list[HistoryEntry], version: str) -> list[HistoryEntry]:
    """The versions saved after the newest copy of `version` (newest first; all of
    them when there is no such copy)."""
    for index, entry in enumerate(entries):
        if entry.version == version:
            return entries[:index]
    return list(entries)


def prune(data_path: str | os.PathLike, retention: Retention,
          now: datetime | None = None) -> list[HistoryEntry]:
    """Forget the versions older than `retention.days` beyond the newest
    `retention.versions`; returns those forgotten. Call under the save lock."""
    now = now or datetime.now(timezone.utc)
    cutoff = now - timedelta(days=retention.days)
    gone = [entry for entry in list_versions(data_path)[retention.versions:]
            if entry.when < cutoff]
    for entry in gone:
        forget_version(data_path, entry)
    return gone
