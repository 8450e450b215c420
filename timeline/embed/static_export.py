"""The embed as static files, for any static host or CDN: no Python at read time.

`python -m timeline export --out DIR` writes `index.html` (the timeline's language)
and `index.<language>.html` for the app's other languages, the scripts under
their content hashes, and the data under its version, each beside `.br` and
`.gz` copies a host can serve as they are (nginx `gzip_static`, most CDNs).
The page and its scripts are the app's `/embed`, byte for byte; only the
addresses differ (relative, so the folder works under any path), each page
links to the others' languages (a static page cannot read a link's `lang`),
and the page carries its Content-Security-Policy in a meta element, as a
static host sends none of ours (all of it but `frame-ancestors`, which only a
header can say).
"""
from __future__ import annotations

import gzip
import html
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import brotli
from babel import Locale

from timeline.config import Config
from timeline.data.schema import LANGUAGES
from timeline.data_store import Snapshot
from timeline.embed.page import EMBED_FILES, PLOTLY_KEY, page_urls, render_page
from timeline.engine.data_files import DataFiles, data_urls
from timeline.engine.static_files import static_files
from timeline.serving.http_policy import meta_content_security_policy
from timeline.view.chart_preview import PREVIEW_GUARD_HASH
from timeline.view.credit_line import credit_footer
from timeline.view.language import language_of, messages_for, timeline_title

COMPRESSED_SUFFIXES = {".html", ".js", ".css", ".json"}
# Brotli's best quality (11) makes the smallest files but runs at about 0.4 MB/s here;
# quality 9 runs at about 10 MB/s, for a fifth more bytes (gzip: level 9, 3 MB/s,
# against 6, 20 MB/s, for 3% more). The best goes to the page, its scripts and the
# events' data, up to BEST_UP_TO bytes a file (the data of 100,000 events is 12 MB):
# the data fetched later (an event's details, the search text, the lanes by actor)
# and larger files get the fast levels. The best for all of a 1,000,000-event
# export would take over an hour (its details alone are 2,000 files).
BEST_UP_TO = 16 * 1024 * 1024
BROTLI_BEST, BROTLI_FAST = 11, 9
GZIP_BEST, GZIP_FAST = 9, 6


@dataclass(frozen=True)
class ExportSummary:
    folder: Path
    files: int
    events: int
    page_bytes: int        # everything a cold visit loads before a reader acts, uncompressed
    page_bytes_brotli: int


# A file's compressed copies (brotli, gzip), by the file's name.
CompressedCopies = dict[str, tuple[bytes, bytes]]


def export_static(snapshot: Snapshot, out: Path, config: Config, today: date,
                  explorer_url: str = "", language: str | None = None,
                  scripts_compressed: CompressedCopies | None = None) -> ExportSummary:
    """The timeline's own language (view/language.py) as `index.html`, and each other
    language the app has beside it as `index.<language>.html` (`page_name`), linked to
    one another; they share the scripts, each has its own data. `language`: only that
    one, as `index.html` (`export --lang`). A static page has one language: no server
    reads a link's `lang`. `scripts_compressed`: the scripts' copies, kept there and
    taken from there, so that exporting many timelines (folder/export.py) compresses
    them once (plotly.js at brotli's best takes seconds); the files are the same."""
    out.mkdir(parents=True, exist_ok=True)
    own = language_of(language, snapshot.result.settings)
    languages = [own] if language else [own, *(other for other in LANGUAGES if other != own)]
    pages = {each: page_name(each, own) for each in languages} if len(languages) > 1 else {}
    files = static_files(EMBED_FILES)
    # The scripts, shared by every language's page; plotly.js is not among what a cold
    # visit loads: it comes when a reader filters or zooms (picture.js).
    sizes = {file.fingerprinted_name: write_with_compressed_copies(
        out / file.fingerprinted_name, file.content, made=scripts_compressed)
        for file in files.values()}
    cold = [files[key].fingerprinted_name for key in files if key != PLOTLY_KEY]
    count = len(files)
    for each in languages:  # one at a time: a big timeline's data is large in each
        first, written = write_language(snapshot, out, config, today, explorer_url, files,
                                        each, own, pages)
        sizes |= first
        count += written
        if each == own:
            cold += [*first]
    return ExportSummary(out, count, len(snapshot.events),
                         sum((out / name).stat().st_size for name in cold),
                         sum(sizes[name] for name in cold))


def write_language(snapshot: Snapshot, out: Path, config: Config, today: date,
                   explorer_url: str, files: dict, language: str, own: str,
                   pages: dict[str, str]) -> tuple[dict[str, int], int]:
    """One language's page and data: ({the page's and its first data's name: its .br
    size}, how many files were written)."""
    data = DataFiles(snapshot, config, today, language=language)
    names = data_urls(data.version, exported=True, language=language)
    urls = page_urls(files, data.version, explorer_url or "./", exported=True,
                     language=language)
    title, _ = timeline_title(config.title_for(snapshot.result), "", snapshot.result, language)
    first = {page_name(language, own): render_page(
                 title, urls, head_extra=alternate_links(pages),
                 inline_events=data.inline_events(explorer_url), preview=data.preview(),
                 language=language, language_links=language_links(pages, language),
                 credit=credit_footer(snapshot.result, language),
                 policy=meta_content_security_policy([PREVIEW_GUARD_HASH])).encode("utf-8"),
             names["events"]: data.events_json(explorer_url)}
    # Data fetched after the first paint, when a reader asks for it.
    later = {names["details"].format(chunk=number): chunk
             for number, chunk in enumerate(data.details())}
    later[names["actor-figure"]] = data.actor_figure_json()
    later[names["search"]] = data.search_json()
    for name, body in later.items():
        write_with_compressed_copies(out / name, body, best=False)
    return ({name: write_with_compressed_copies(out / name, body)
             for name, body in first.items()}, len(first) + len(later))


def page_name(language: str, own: str) -> str:
    """The timeline's own language at `index.html`, the others beside it, in the same
    folder so that every page names the scripts and data by the same relative paths."""
    return "index.html" if language == own else f"index.{language}.html"


def endonym(language: str) -> str:
    """The language's name in itself, as a reader looking for it reads it: 'Русский'."""
    name = Locale.parse(language).get_display_name(language) or language
    return name[:1].upper() + name[1:]


def alternate_links(pages: dict[str, str]) -> str:
    """The pages in other languages, for the head: search engines and readers' tools."""
    return "\n".join(f'<link rel="alternate" hreflang="{language}" href="{html.escape(name)}">'
                      for language, name in pages.items())


def language_links(pages: dict[str, str], current: str) -> str:
    """Plain links from the page in `current` to each language's page, each named in its
    own language (and marked so); none for an export of one language."""
    if not pages:
        return ""
    items = "".join(
        f'<li><a href="{html.escape(name)}" hreflang="{language}" lang="{language}"'
        + (' aria-current="page"' if language == current else "")
        + f">{html.escape(endonym(language))}</a></li>" for language, name in pages.items())
    label = html.escape(messages_for(current).gettext("Languages"))
    return f'<nav class="language-links" aria-label="{label}"><ul>{items}</ul></nav>'


def write_with_compressed_copies(path: Path, body: bytes, best: bool = True,
                                 made: CompressedCopies | None = None) -> int:
    """Write `body` and its .br and .gz copies; the .br copy's size (the body's, if none).
    `best`: compressed as small as can be (slow), up to BEST_UP_TO bytes. `made`: copies
    already made, by name (a name holds its content's hash), taken from and added to."""
    path.write_bytes(body)
    if path.suffix not in COMPRESSED_SUFFIXES:
        return len(body)
    copies = made.get(path.name) if made is not None else None
    if copies is None:
        best = best and len(body) <= BEST_UP_TO
        copies = (brotli.compress(body, quality=BROTLI_BEST if best else BROTLI_FAST),
                  gzip.compress(body, GZIP_BEST if best else GZIP_FAST, mtime=0))
        if made is not None:
            made[path.name] = copies
    compressed, zipped = copies
    path.with_name(path.name + ".br").write_bytes(compressed)
    path.with_name(path.name + ".gz").write_bytes(zipped)
    return len(compressed)
