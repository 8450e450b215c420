"""A folder of timelines as static files: `python -m timeline export --out DIR [FOLDER]`.

Every timeline readers may see (published, without errors: `TimelineEntry.for_readers`)
is exported as one file is (embed/static_export.py) into `DIR/t/<slug>/`, and the
index of them (index_page.py) is written to `DIR/t/index.html`, its links relative
so that the folder works from any host, under any path, and from file://.
`DIR/index.html` is the same index, so `DIR` can be put on a static host as it is.

An export run again keeps `DIR/t/` as the folder is now: a timeline no longer
published (a draft again, or its file gone) has its earlier export removed, but
only a folder this export wrote (it holds `MARKER`): nothing else in `DIR` is ours
to delete. A timeline with errors is left out and its earlier export kept, as the
app keeps serving its last good version.
"""
from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable

from timeline.config import Config
from timeline.data.loading import SizeLimit, load_events_from_bytes, read_file
from timeline.data_store import snapshot_from
from timeline.embed.static_export import (
    CompressedCopies,
    ExportSummary,
    export_static,
    write_with_compressed_copies,
)
from timeline.folder.catalogue import Catalogue, TimelineEntry, entry_of, is_slug
from timeline.folder.index_page import EntryLinks, index_html, search_script_file

TIMELINES = "t"     # DIR/t/<slug>/, as the app serves them at /t/<slug>/
# In each timeline's folder: says this export wrote it (and so may replace or remove it).
MARKER = ".timeline-export.json"
# In the index pages: says this export wrote them (and so may write them again).
INDEX_MARK = "<!-- written by `python -m timeline export`: the index of a folder of timelines -->"


@dataclass
class FolderExport:
    """What an export of a folder did; `ok` is False when a timeline could not be
    exported (its errors said), so that the command exits 1."""
    exported: list[tuple[TimelineEntry, ExportSummary]] = field(default_factory=list)
    drafts: list[TimelineEntry] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)      # the slugs not exported for errors
    removed: list[Path] = field(default_factory=list)    # earlier exports, no longer published
    index: Path | None = None                            # None: the folder has no timelines

    @property
    def ok(self) -> bool:
        return self.index is not None and not self.failed


def export_folder(folder: Path, out: Path, config: Config, today: date, *,
                  limit: SizeLimit | None = None, include_drafts: bool = False,
                  explorer_url: str = "", language: str | None = None,
                  say: Callable[[str], None] = lambda line: None) -> FolderExport:
    """Export every timeline of `folder` readers may see into `out` (see the module's
    docstring), saying what it does line by line. `explorer_url`: each timeline's full
    explorer, `{slug}` standing for its slug ('' for none). OSError: `out/t` cannot
    be made (a timeline that cannot be written is said and counted as failed)."""
    done = FolderExport()
    catalogue = Catalogue(folder, check_interval=0)
    slugs = catalogue.slugs()
    for name in _other_csv_files(folder):
        say(f"{folder / name}: left out: a timeline's file name is its address, lower-case "
            f"letters, digits and hyphens (such as harbour-fire.csv)")
    if not slugs:
        say(f"{folder}: error: no timelines here (no <slug>.csv files); nothing exported")
        return done
    timelines = out / TIMELINES
    timelines.mkdir(parents=True, exist_ok=True)
    # Each timeline its own title, from its file: one TIMELINE_TITLE cannot name them all.
    config = replace(config, title="", subtitle="")
    scripts_compressed: CompressedCopies = {}
    for slug in slugs:
        path = catalogue.path_of(slug)
        if path is None:  # removed while we worked
            continue
        _export_one(slug, path, timelines, config, today, done, scripts_compressed,
                    limit=limit, include_drafts=include_drafts,
                    explorer_url=explorer_url.replace("{slug}", slug), language=language,
                    say=say)
    done.removed = _remove_unpublished(timelines, keep={*done.failed,
                                                        *(e.slug for e, _ in done.exported)})
    for removed in done.removed:
        say(f"{removed}/: removed: an earlier export of a timeline no longer published")
    entries = sorted((entry for entry, _ in done.exported),
                     key=lambda entry: entry.changed, reverse=True)
    done.index = _write_indexes(entries, out, config, say)
    return done


def _other_csv_files(folder: Path) -> list[str]:
    """CSV files in `folder` whose names are no slug: the app does not serve them either."""
    try:
        with os.scandir(folder) as found:
            return sorted(item.name for item in found if item.name.endswith(".csv")
                          and not is_slug(item.name[:-len(".csv")]) and item.is_file())
    except OSError:
        return []


def _export_one(slug: str, path: Path, timelines: Path, config: Config, today: date,
                done: FolderExport, scripts_compressed: CompressedCopies, *,
                limit: SizeLimit | None, include_drafts: bool, explorer_url: str,
                language: str | None, say: Callable[[str], None]) -> None:
    target = timelines / slug
    data = read_file(path, limit)
    if isinstance(data, str):
        say(f"{path}: error: {data}")
        done.failed.append(slug)
        return
    result = load_events_from_bytes(data, str(path), as_written=False, limit=limit)
    if not result.report.ok:
        errors = result.report.errors
        for problem in errors:
            say(problem.format(str(path)))
        kept = " (its earlier export stays, off the index)" if _ours(target) else ""
        one = len(errors) == 1
        say(f"{path}: {len(errors)} error{'' if one else 's'}: not exported{kept}; fix "
            f"{'it' if one else 'them'} and export again")
        done.failed.append(slug)
        return
    entry = entry_of(slug, path, result, _changed(path))
    if entry.status == "draft" and not include_drafts:  # drafts are the editors' own
        say(f"{path}: left out: a draft (its title row's settings say status=draft); "
            f"--include-drafts exports drafts too")
        done.drafts.append(entry)
        return
    if (target.exists() or target.is_symlink()) and not _ours(target):
        say(f"{target}: error: this is there already and was not written by a folder "
            f"export; move it away to export {path.name} here")
        done.failed.append(slug)
        return
    # Only the prepared events go on: the loaded ones and the file's bytes are copies.
    snapshot = replace(snapshot_from(result, data), data=b"")
    del result, data
    staging = timelines / f".{slug}.partial"
    try:
        _remove(staging)
        summary = export_static(snapshot, staging, config, today, explorer_url=explorer_url,
                                language=language, scripts_compressed=scripts_compressed)
        (staging / MARKER).write_text(json.dumps(
            {"slug": slug, "file": path.name, "exported": today.isoformat()}) + "\n",
            encoding="utf-8")
        _replace(target, staging)
    except OSError as problem:
        say(f"{target}: error: cannot write the export: {problem.strerror or problem}")
        _remove(staging, quiet=True)
        done.failed.append(slug)
        return
    done.exported.append((entry, replace(summary, folder=target)))
    say(f"{path}: exported {summary.events} event{'s' if summary.events != 1 else ''} to "
        f"{target}/ ({summary.files} files)")


def _changed(path: Path) -> datetime:
    try:
        return datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)
    except OSError:
        return datetime.now(timezone.utc)


def _ours(folder: Path) -> bool:
    return folder.is_dir() and not folder.is_symlink() and (folder / MARKER).is_file()


def _replace(target: Path, staging: Path) -> None:
    """`staging` in `target`'s place: a reader of the old export never sees half of one."""
    if target.exists():
        old = target.with_name(f".{target.name}.old")
        _remove(old)
        target.rename(old)
        staging.rename(target)
        _remove(old)
    else:
        staging.rename(target)


def _remove(folder: Path, quiet: bool = False) -> None:
    if folder.is_dir() and not folder.is_symlink():
        shutil.rmtree(folder, ignore_errors=quiet)


def _remove_unpublished(timelines: Path, keep: set[str]) -> list[Path]:
    """Remove the folders an earlier export wrote for timelines not in `keep`; which."""
    removed = []
    for folder in sorted(timelines.iterdir()):
        if _left_over(folder.name):  # by an export that stopped half-way
            _remove(folder, quiet=True)
            continue
        if folder.name in keep or not is_slug(folder.name) or not _ours(folder):
            continue
        _remove(folder)
        removed.append(folder)
    return removed


def _left_over(name: str) -> bool:
    """Whether `name` is one of the copies `_export_one` and `_replace` make on the way."""
    for suffix in (".partial", ".old"):
        if name.startswith(".") and name.endswith(suffix) and is_slug(name[1:-len(suffix)]):
            return True
    return False


def _write_indexes(entries: list[TimelineEntry], out: Path, config: Config,
                   say: Callable[[str], None]) -> Path:
    """`out/t/index.html` (and its search script, under its content's hash as the
    timelines' scripts are, so a host may cache it for good), and `out/index.html` the
    same but for its links' folder, unless that one is someone else's page; the first's
    path."""
    timelines = out / TIMELINES
    script = search_script_file()
    write_with_compressed_copies(timelines / script.fingerprinted_name, script.content)
    index = timelines / "index.html"
    write_with_compressed_copies(index, _index_page(entries, "", config).encode("utf-8"))
    root = out / "index.html"
    if root.exists() and INDEX_MARK not in root.read_text("utf-8", errors="replace")[:500]:
        say(f"{root}: left as it is (not written by this export); the index is {index}")
    else:
        write_with_compressed_copies(root, _index_page(entries, f"{TIMELINES}/",
                                                       config).encode("utf-8"))
    shown = len(entries)
    say(f"{index}: the index of {shown} timeline{'s' if shown != 1 else ''}")
    return index


def _index_page(entries: list[TimelineEntry], base: str, config: Config) -> str:
    """The index with links relative to a page in `base` ('' for out/t/, 't/' for out/):
    to each page itself, `index.html`, as file:// has no folder's default page."""
    page = index_html(entries, query="", zone=config.zone,
                      links=lambda entry: EntryLinks(explore=f"{base}{entry.slug}/index.html"),
                      search_script=f"{base}{search_script_file().fingerprinted_name}")
    doctype, newline, rest = page.partition("\n")
    # No favicon: a static host answers the browser's /favicon.ico with a 404.
    head = '<meta charset="utf-8">'
    return f"{doctype}{newline}{INDEX_MARK}\n" + rest.replace(
        head, f'{head}\n<link rel="icon" href="data:,">', 1)
