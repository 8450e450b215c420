"""Renaming a timeline (its address, the slug): its file, its history, and the old
address answering with a redirect to the new one, so links in published articles
keep working.

`.renamed.json` in the folder maps each old slug to its new one; the site
(folder/site.py) answers `/t/<old>/…` with a 301 to `/t/<new>/…` while no timeline
has the old address. The default timeline (`events.csv`, also served at /) keeps
its name. A desk's secret (TIMELINE_EDIT_SECRETS) names a slug: the operator must
write the new one there, and the editors' list says so (the operator's file is
never rewritten by the app).
"""
from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path

from timeline.data.csv_writing import atomic_write
from timeline.data.history import history_folder
from timeline.editor.saving import save_lock
from timeline.folder.catalogue import DEFAULT_SLUG, is_slug, slug_problem
from timeline.folder.new_timeline import folder_lock

log = logging.getLogger("timeline.folder")

REDIRECTS_FILE = ".renamed.json"
LAST_GOOD_SUFFIX = ".csv.last-good"  # data_store.last_good_path's copy, named by the file


class NotRenamed(Exception):
    """Why a timeline was not renamed; nothing changed. `taken`: the new address is
    another timeline's."""

    def __init__(self, message: str, taken: bool = False):
        super().__init__(message)
        self.taken = taken


def read_redirects(folder: Path) -> dict[str, str]:
    """Old slug → new slug; {} without the file (or with one that cannot be read:
    old addresses then answer 404, which the log explains)."""
    try:
        found = json.loads((Path(folder) / REDIRECTS_FILE).read_text("utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as problem:
        log.warning("%s cannot be read (%s): renamed timelines' old addresses answer 404",
                    Path(folder) / REDIRECTS_FILE, problem)
        return {}
    if not isinstance(found, dict):
        return {}
    return {old: new for old, new in found.items()
            if isinstance(old, str) and isinstance(new, str) and is_slug(old) and is_slug(new)}


def redirect_target(redirects: dict[str, str], slug: str) -> str | None:
    """Where the address `slug` went (after every rename since), or None."""
    target, seen = redirects.get(slug), {slug}
    while target is not None and target in redirects and target not in seen:
        seen.add(target)
        target = redirects[target]
    return None if target == slug else target


def with_rename(redirects: dict[str, str], old: str, new: str) -> dict[str, str]:
    """The redirects once `old` is renamed `new`: older addresses of `old` go straight
    to `new`, and `new`, a timeline's address again, redirects nowhere."""
    kept = {was: (new if now == old else now) for was, now in redirects.items() if was != new}
    return {**kept, old: new}


def rename_problem(old: str, new: str) -> str | None:
    """Why `old` cannot be renamed `new` whatever the folder holds, or None."""
    if old == DEFAULT_SLUG:
        return (f"The default timeline ({DEFAULT_SLUG}) keeps its address: it is also "
                f"served at the site's front page.")
    if problem := slug_problem(new):
        return problem
    if new == old:
        return f"/t/{old}/ is already its address."
    if new == DEFAULT_SLUG:
        return f"{DEFAULT_SLUG} is the default timeline's address: choose another."
    return None


def rename_timeline(folder: Path, old: str, new: str) -> None:
    """Move `<old>.csv` to `<new>.csv`, its history with it, and redirect the old
    address. Raises NotRenamed (nothing changed) or OSError (the disk refused: the
    file is where it was)."""
    if problem := rename_problem(old, new):
        raise NotRenamed(problem)
    folder = Path(folder)
    old_path, new_path = folder / f"{old}.csv", folder / f"{new}.csv"
    with folder_lock(folder):  # no other rename or creation takes `new` meanwhile
        if not old_path.is_file():
            raise NotRenamed(f"There is no timeline at /t/{old}/ any more.")
        if new_path.exists():
            raise NotRenamed(f"There is already a timeline at /t/{new}/: choose another "
                             f"address.", taken=True)
        with save_lock(old_path):
            # The file first: a save waiting for the lock then finds no file and changes
            # nothing, rather than writing a version into a history on its way out.
            os.rename(old_path, new_path)
            try:
                _move_history(old_path, new_path)
            except OSError:
                os.rename(new_path, old_path)
                raise
        try:
            atomic_write(folder / REDIRECTS_FILE, json.dumps(
                with_rename(read_redirects(folder), old, new), indent=1,
                sort_keys=True).encode("utf-8"))
        except OSError as problem:  # the rename stands; only old links break
            log.error("Renamed %s to %s, but could not write %s (%s): /t/%s/ answers 404",
                      old, new, folder / REDIRECTS_FILE, problem, old)
    log.info("Timeline %s renamed %s", old, new)


def _move_history(old_path: Path, new_path: Path) -> None:
    """The old file's history (its versions, records and last good copy) into the
    new one's folder: the whole folder when the new has none, else file by file
    (what remains of an earlier timeline at that address is kept beside it)."""
    source, target = history_folder(old_path), history_folder(new_path)
    if not source.is_dir():
        return
    if not target.exists():
        os.rename(source, target)
    else:
        for item in source.iterdir():
            if item.is_file() and not (target / item.name).exists():
                os.rename(item, target / item.name)
    last_good = target / f"{old_path.stem}{LAST_GOOD_SUFFIX}"
    if last_good.is_file():
        os.replace(last_good, target / f"{new_path.stem}{LAST_GOOD_SUFFIX}")


class RenamedAddresses:
    """The folder's redirects as the site asks for them: read again only when the
    file changed (one stat per request for an address with no timeline)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self._signature: tuple | None = None
        self._redirects: dict[str, str] = {}
        self._lock = threading.Lock()

    def target(self, slug: str) -> str | None:
        try:
            stat = (self.folder / REDIRECTS_FILE).stat()
        except OSError:
            return None
        signature = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        with self._lock:
            if signature != self._signature:
                self._redirects, self._signature = read_redirects(self.folder), signature
            return redirect_target(self._redirects, slug)
