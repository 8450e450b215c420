"""The embed as static files, for any static host or CDN: no Python at read time.

`python -m timeline export --out DIR` writes `index.html`, the scripts under
their content hashes, and the data under its version, each beside `.br` and
`.gz` copies a host can serve as they are (nginx `gzip_static`, most CDNs).
The page and its scripts are the app's `/embed`, byte for byte; only the
addresses differ (relative, so the folder works under any path), and the page
carries its Content-Security-Policy in a meta element, as a static host sends
none of ours (all of it but `frame-ancestors`, which only a header can say).
"""
from __future__ import annotations

import gzip
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import brotli

from timeline.config import Config
from timeline.data_store import Snapshot
from timeline.embed.page import EMBED_FILES, PLOTLY_KEY, page_urls, render_page
from timeline.engine.data_files import DataFiles, data_urls
from timeline.engine.static_files import static_files
from timeline.serving.http_policy import meta_content_security_policy
from timeline.view.chart_preview import PREVIEW_GUARD_HASH
from timeline.view.language import language_of, timeline_title

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


def export_static(snapshot: Snapshot, out: Path, config: Config, today: date,
                  explorer_url: str = "", language: str | None = None) -> ExportSummary:
    """`language`: the page's (view/language.py), by default the timeline's own. A
    static page has one: no server reads a link's `lang` (`export --lang` picks it)."""
    out.mkdir(parents=True, exist_ok=True)
    language = language_of(language, snapshot.result.settings)
    data = DataFiles(snapshot, config, today, language=language)
    written: dict[str, bytes] = {}
    files = static_files(EMBED_FILES)
    for file in files.values():
        written[file.fingerprinted_name] = file.content
    names = data_urls(data.version, exported=True, language=language)
    written[names["events"]] = data.events_json(explorer_url)
    # Data fetched after the first paint, when a reader asks for it.
    later = {names["details"].format(chunk=number): chunk
             for number, chunk in enumerate(data.details())}
    later[names["actor-figure"]] = data.actor_figure_json()
    later[names["search"]] = data.search_json()
    written |= later
    urls = page_urls(files, data.version, explorer_url or "./", exported=True,
                     language=language)
    title, _ = timeline_title(config.title_for(snapshot.result), "", snapshot.result, language)
    written["index.html"] = render_page(title, urls,
                                        inline_events=data.inline_events(explorer_url),
                                        preview=data.preview(), language=language,
                                        policy=meta_content_security_policy(
                                            [PREVIEW_GUARD_HASH])).encode("utf-8")
    # plotly.js is not among them: it comes when a reader filters or zooms (picture.js).
    cold = ["index.html", names["events"],
            *(f.fingerprinted_name for key, f in files.items() if key != PLOTLY_KEY)]
    brotli_sizes = {name: write_with_compressed_copies(out / name, body,
                                                       best=name not in later)
                    for name, body in written.items()}
    return ExportSummary(out, len(written), len(snapshot.events),
                         sum(len(written[n]) for n in cold),
                         sum(brotli_sizes[n] for n in cold))


def write_with_compressed_copies(path: Path, body: bytes, best: bool = True) -> int:
    """Write `body` and its .br and .gz copies; the .br copy's size (the body's, if none).
    `best`: compressed as small as can be (slow), up to BEST_UP_TO bytes."""
    path.write_bytes(body)
    if path.suffix not in COMPRESSED_SUFFIXES:
        return len(body)
    best = best and len(body) <= BEST_UP_TO
    compressed = brotli.compress(body, quality=BROTLI_BEST if best else BROTLI_FAST)
    path.with_name(path.name + ".br").write_bytes(compressed)
    path.with_name(path.name + ".gz").write_bytes(
        gzip.compress(body, GZIP_BEST if best else GZIP_FAST, mtime=0))
    return len(compressed)
