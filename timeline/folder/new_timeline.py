"""A new timeline in the folder: from a blank template, a copy of another, or an upload.

What it starts from is made into our CSV here, as pure functions (`blank_timeline`,
`checked_source`, `with_title`); `create_timeline` writes it. Every new timeline
starts as a draft (its title row says `status=draft`): its editors see it, readers
see it once they take that out. An upload is checked as the editor's uploads are
(a TimelineJS sheet or JSON converted first): one with errors is refused with its
problems, each with its line, and nothing is written.
"""
from __future__ import annotations

import contextlib
import fcntl
from dataclasses import dataclass, replace
from pathlib import Path

from timeline.data import schema
from timeline.data.csv_writing import serialise_rows, write_new
from timeline.data.history import FOLDER_NAME, forget_version, record_version
from timeline.data.interchange import import_timelinejs
from timeline.data.loading import load_events_from_bytes, read_table
from timeline.data.timelinejs import is_timelinejs_header
from timeline.data_store import content_version
from timeline.editor.rows import rows_to_bytes, table_from_bytes
from timeline.editor.saving import save_lock
from timeline.folder.catalogue import slug_problem

DRAFT_SETTING = f"status{schema.KEYED_SETTINGS_MARK}draft"
STATUS_PREFIX = f"status{schema.KEYED_SETTINGS_MARK}"
# The example event's cells: the schema's examples, but for the columns of other
# kinds of rows (type, settings, colour) and those an example event is clearer
# without (a display date and a video that belong to no story).
NOT_IN_THE_EXAMPLE = ("type", "settings", "colour", "display_date", "media_url")
EXAMPLE_NOTE = "An example: write your first event over it, or delete the row."
# Problems listed for a refused upload (the editor's page lists them all).
PROBLEMS_SHOWN = 20
# A lock of the folder's own, beside the histories: creating and renaming take it,
# so two of them never choose the same address at once.
FOLDER_LOCK = ".timelines.lock"


class NotCreated(Exception):
    """Why a timeline was not created; nothing was written. `taken`: the address is
    another timeline's."""

    def __init__(self, message: str, taken: bool = False):
        super().__init__(message)
        self.taken = taken


@dataclass(frozen=True)
class Refused:
    """An upload that cannot start a timeline, and why: its problems, by line."""
    problems: tuple[str, ...]


def blank_timeline(title: str) -> bytes:
    """A timeline to start from: every column of the contract, a title row (a draft)
    and one example event made of the contract's own examples."""
    title_row = {"type": "title", "title": title, "settings": DRAFT_SETTING}
    example = {column.name: column.example for column in schema.COLUMNS
               if column.name not in NOT_IN_THE_EXAMPLE}
    example["notes"] = EXAMPLE_NOTE
    return serialise_rows(schema.COLUMN_NAMES, [title_row, example])


def checked_source(data: bytes, name: str) -> bytes | Refused:
    """The file in our CSV (a TimelineJS sheet or JSON converted), or why it cannot
    be: a file with errors is refused with them, each with its line."""
    if _is_timelinejs(data):
        imported = import_timelinejs(data)
        if isinstance(imported, str):
            return Refused((f"{name}: error: {imported}",))
        errors = [p for p in (*imported.problems, *imported.report.errors) if p.is_error]
        if errors:
            return Refused(_listed([p.format(name) for p in errors]))
        return imported.csv_text.encode("utf-8")
    report = load_events_from_bytes(data, name, as_written=False).report
    if not report.ok:
        return Refused(_listed([p.format(name) for p in report.errors]))
    return data


def _is_timelinejs(data: bytes) -> bool:
    """TimelineJS JSON, or a sheet whose header is TimelineJS's (read as the loader does)."""
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        return True
    table = read_table(data)
    return not isinstance(table, str) and is_timelinejs_header(table.header.fields)


def _listed(lines: list[str]) -> tuple[str, ...]:
    more = len(lines) - PROBLEMS_SHOWN
    return tuple(lines[:PROBLEMS_SHOWN]) + ((f"… and {more} more",) if more > 0 else ())


def with_title(data: bytes, title: str) -> bytes:
    """`data` (our CSV, checked) as a new timeline: a draft, titled `title` (its own
    title kept when `title` is empty). Its columns, delimiter and line ends stay."""
    table = table_from_bytes(data, "new.csv")
    columns = table.file_format.columns
    missing = tuple(c for c in ("type", "title", "settings") if c not in columns)
    file_format = table.file_format
    if missing:
        file_format = replace(file_format, columns=columns + missing)
    rows = [dict(row) for row in table.rows]
    title_row = next((row for row in rows if (row.get("type") or "").strip().lower()
                      == "title"), None)
    if title_row is None:
        title_row = {"type": "title", "title": title}
        rows.insert(0, title_row)
    elif title:
        title_row["title"] = title
        for column in columns:  # translations of the title it no longer has
            if column.startswith("title_"):
                title_row[column] = ""
    title_row["settings"] = _as_draft(title_row.get("settings") or "")
    return rows_to_bytes(rows, file_format)


def _as_draft(settings: str) -> str:
    """A title row's settings with its status made `draft`, the others kept."""
    words = [word.strip() for word in settings.split(schema.SETTINGS_SEPARATOR)]
    kept = [word for word in words if word and not word.lower().startswith(STATUS_PREFIX)]
    return f"{schema.SETTINGS_SEPARATOR} ".join([*kept, DRAFT_SETTING])


@contextlib.contextmanager
def folder_lock(folder: Path):
    """Held while a timeline is created or renamed (by any worker)."""
    histories = folder / FOLDER_NAME
    histories.mkdir(parents=True, exist_ok=True)
    with open(histories / FOLDER_LOCK, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def create_timeline(folder: Path, slug: str, data: bytes, by: str, summary: str) -> Path:
    """Write `data` as `<slug>.csv` in `folder`, never over an existing file, with its
    first version in its history (by `by`, saying `summary`). Raises NotCreated (the
    address is not free or not usable) or OSError (the disk refused; nothing stays)."""
    if problem := slug_problem(slug):
        raise NotCreated(problem)
    path = folder / f"{slug}.csv"
    with folder_lock(folder):
        if path.exists():
            raise NotCreated(f"There is already a timeline at /t/{slug}/: choose another "
                             f"address.", taken=True)
        with save_lock(path):
            entry = record_version(path, data, content_version(data), by, summary)
            try:
                _write_new(path, data)
            except BaseException:
                forget_version(path, entry)
                raise
    return path


def _write_new(path: Path, data: bytes) -> None:
    """Write the new timeline's file, refusing to replace one already there."""
    try:
        write_new(path, data)
    except FileExistsError:
        raise NotCreated(f"There is already a timeline at /t/{path.stem}/: choose "
                         f"another address.", taken=True) from None
