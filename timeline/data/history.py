"""Every version a save replaced, kept beside the data so nothing is ever lost.

`data/.history/` holds, per save, the file as it was before (`STAMP-VERSION.csv`)
and a small JSON record: when, which version replaced it, and a one-line
summary of what that save changed. Restoring is a save of an old version, so
it too is kept and can be undone.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from timeline.data.csv_writing import atomic_write

FOLDER_NAME = ".history"


@dataclass(frozen=True)
class HistoryEntry:
    name: str           # the stem shared by the .csv and the .json
    saved_at: str       # ISO time of the save that replaced this version
    version: str        # this version's content hash
    replaced_by: str    # the version the save wrote
    summary: str        # what that save changed

    @property
    def label(self) -> str:
        return f"{self.saved_at.replace('T', ' ')[:19]} UTC · version {self.version} · {self.summary}"


def history_folder(data_path: str | os.PathLike) -> Path:
    return Path(data_path).parent / FOLDER_NAME


def keep_version(data_path: str | os.PathLike, data: bytes, version: str, replaced_by: str,
                 summary: str) -> HistoryEntry:
    folder = history_folder(data_path)
    folder.mkdir(exist_ok=True)
    now = datetime.now(timezone.utc)
    name = f"{now.strftime('%Y%m%dT%H%M%S%fZ')}-{version}"
    entry = HistoryEntry(name, now.isoformat(timespec="seconds"), version, replaced_by, summary)
    # The copy first, then its record: a record never points at a missing copy.
    atomic_write(folder / f"{name}.csv", data)
    atomic_write(folder / f"{name}.json", json.dumps(entry.__dict__, ensure_ascii=False,
                                                     indent=1).encode("utf-8"))
    return entry


def forget_version(data_path: str | os.PathLike, entry: HistoryEntry) -> None:
    """Undo `keep_version` when the save it was for failed."""
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
            entry = HistoryEntry(**{k: str(values[k]) for k in HistoryEntry.__dataclass_fields__})
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if (folder / f"{entry.name}.csv").is_file() and entry.name == record.stem:
            entries.append(entry)
    return entries


def read_version(data_path: str | os.PathLike, name: str) -> bytes | None:
    """An old version's bytes; None for a name that is not in the history."""
    if name not in {entry.name for entry in list_versions(data_path)}:
        return None  # also keeps a hostile name from walking out of the folder
    return (history_folder(data_path) / f"{name}.csv").read_bytes()
