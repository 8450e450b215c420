"""The timelines in a folder: every `<slug>.csv`, summed up for the index and the editors.

A newsroom drops a CSV into the folder and it is a timeline; removes it and it is
gone. Each worker looks at the folder at most every `CHECK_INTERVAL` seconds (one
`scandir`) and reads again only the files whose signature (time, size, inode)
changed, so the index stays cheap with a hundred timelines. A summary keeps what the
index shows, never the events themselves: the app of a timeline (folder/site.py)
loads those when a reader first asks for it.
"""
from __future__ import annotations

import os
import re
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from timeline.config import DEFAULT_FILE_NAME
from timeline.data.loading import load_events_from_bytes
from timeline.data.report import Report
from timeline.data.schema import DEFAULT_LANGUAGE, setting_value

CHECK_INTERVAL = 0.5
# A timeline's address: lower-case letters, digits and single hyphens between them.
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_SLUG_LENGTH = 60
DEFAULT_SLUG = Path(DEFAULT_FILE_NAME).stem
# Problems an editor sees for a broken timeline in the list; the editor shows them all.
PROBLEMS_LISTED = 5


def is_slug(text: str) -> bool:
    return len(text) <= MAX_SLUG_LENGTH and SLUG.fullmatch(text) is not None


def slug_problem(text: str) -> str | None:
    """Why `text` cannot name a timeline, or None."""
    if not text:
        return "Type an address for the timeline, such as harbour-fire."
    if len(text) > MAX_SLUG_LENGTH:
        return f"The address is too long: {MAX_SLUG_LENGTH} characters at most."
    if not SLUG.fullmatch(text):
        return ("The address may hold only lower-case letters (a–z), digits and single "
                "hyphens between them, such as harbour-fire-2026.")
    return None


@dataclass(frozen=True)
class TimelineEntry:
    """One timeline as the index and the editors' list show it."""
    slug: str
    path: Path
    title: str
    standfirst: str
    events: int
    first: date | None           # the span of its events
    last: date | None
    changed: datetime            # the file's last change (UTC)
    status: str                  # "published" or "draft" (the title row's `status=`)
    problems: tuple[str, ...]    # its first errors, each with its line; () when it loads
    error_count: int = 0
    language: str = DEFAULT_LANGUAGE  # its readers' (the title row's `language=`)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def for_readers(self) -> bool:
        """Shown on the index and exported: published and without errors."""
        return self.ok and self.status != "draft"

    @property
    def span(self) -> str:
        """'2019–2024', '2024', or '' for a timeline without events."""
        if self.first is None or self.last is None:
            return ""
        if self.first.year == self.last.year:
            return str(self.first.year)
        return f"{self.first.year}–{self.last.year}"


def summarise(path: Path) -> TimelineEntry:
    """The entry of the timeline in `path` (read now; never raises for a bad file)."""
    slug = path.stem
    try:
        data = path.read_bytes()
        changed = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)
    except OSError as problem:
        return TimelineEntry(slug, path, slug, "", 0, None, None,
                             datetime.now(timezone.utc), "published",
                             (f"{path.name}: cannot be read ({problem.strerror})",), 1)
    result = load_events_from_bytes(data, path.name, as_written=False)
    return entry_of(slug, path, result, changed)


def entry_of(slug: str, path: Path, result, changed: datetime) -> TimelineEntry:
    """The entry of a loaded timeline (`result`, a LoadResult)."""
    report: Report = result.report
    errors = report.errors
    problems = tuple(problem.format(path.name) for problem in errors[:PROBLEMS_LISTED])
    events = result.events
    first = last = None
    if len(events) and "start_at" in events:
        first = _day(events["start_at"].min())
        last = _day(events["end_at"].fillna(events["start_at"]).max())
    return TimelineEntry(slug, path, result.title or slug, result.subtitle or "",
                         len(events), first, last, changed, result.status, problems,
                         len(errors), setting_value(result.settings, "language",
                                                    DEFAULT_LANGUAGE))


def _day(value) -> date | None:
    try:
        return value.date()
    except (AttributeError, ValueError):
        return None


def _signature(entry: os.DirEntry) -> tuple[int, int, int]:
    stat = entry.stat()
    return (stat.st_mtime_ns, stat.st_size, stat.st_ino)


class Catalogue:
    """The folder's timelines, by slug, kept current (see the module's docstring).
    Shared by a worker's threads."""

    def __init__(self, folder: Path, check_interval: float = CHECK_INTERVAL):
        self.folder = Path(folder)
        self.check_interval = check_interval
        self._lock = threading.Lock()
        self._checked_at = float("-inf")
        self._files: dict[str, tuple[tuple[int, int, int], Path]] = {}
        self._entries: dict[str, tuple[tuple[int, int, int], TimelineEntry]] = {}

    def slugs(self) -> list[str]:
        """The slugs of the files in the folder now, sorted; none summarised."""
        self._look()
        return sorted(self._files)

    def path_of(self, slug: str) -> Path | None:
        """Where the timeline `slug` is, if the folder has it now."""
        self._look()
        found = self._files.get(slug)
        return found[1] if found else None

    def signature_of(self, slug: str) -> tuple | None:
        """The file's (time, size, inode) when last looked at; None when it is gone."""
        self._look()
        found = self._files.get(slug)
        return found[0] if found else None

    def entry(self, slug: str) -> TimelineEntry | None:
        self._look()
        found = self._files.get(slug)
        if found is None:
            return None
        signature, path = found
        kept = self._entries.get(slug)
        if kept is not None and kept[0] == signature:
            return kept[1]
        entry = summarise(path)
        with self._lock:
            self._entries[slug] = (signature, entry)
        return entry

    def entries(self) -> list[TimelineEntry]:
        """Every timeline, the newest change first."""
        found = [self.entry(slug) for slug in self.slugs()]
        return sorted((entry for entry in found if entry is not None),
                      key=lambda entry: entry.changed, reverse=True)

    def _look(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._checked_at < self.check_interval:
            return
        files: dict[str, tuple[tuple[int, int, int], Path]] = {}
        try:
            with os.scandir(self.folder) as found:
                for item in found:
                    stem, dot, suffix = item.name.rpartition(".")
                    if dot and suffix == "csv" and is_slug(stem) and item.is_file():
                        try:
                            files[stem] = (_signature(item), Path(item.path))
                        except OSError:
                            continue  # removed while we looked
        except OSError:
            files = {}
        with self._lock:
            self._files = files
            self._entries = {slug: kept for slug, kept in self._entries.items() if slug in files}
            self._checked_at = now

    def refresh(self) -> None:
        """Look at the folder now (after this process wrote to it)."""
        self._look(force=True)
