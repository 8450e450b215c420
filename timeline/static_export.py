"""The embed as static files, for any static host or CDN: no Python at read time.

`python -m timeline export --out DIR` writes `index.html`, the scripts under
their content hashes, and the data under its version, each beside `.br` and
`.gz` copies a host can serve as they are (nginx `gzip_static`, most CDNs).
The page and its scripts are the app's `/embed`, byte for byte; only the
addresses differ (relative, so the folder works under any path).
"""
from __future__ import annotations

import gzip
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import brotli

from timeline.config import Config
from timeline.data_store import Snapshot
from timeline.embed_page import EmbedData, render_page, static_files, timeline_title

COMPRESSED_SUFFIXES = {".html", ".js", ".css", ".json"}


@dataclass(frozen=True)
class ExportSummary:
    folder: Path
    files: int
    events: int
    page_bytes: int        # everything a cold visit loads, uncompressed
    page_bytes_brotli: int


def export_static(snapshot: Snapshot, out: Path, config: Config, today: date,
                  explorer_url: str = "") -> ExportSummary:
    out.mkdir(parents=True, exist_ok=True)
    data = EmbedData(snapshot, config, today)
    version = data.version
    written: dict[str, bytes] = {}
    urls = {}
    files = static_files()
    for key, file in files.items():
        written[file.fingerprinted_name] = file.path.read_bytes()
        urls[key] = file.fingerprinted_name
    written[f"events-{version}.json"] = data.events_json(explorer_url)
    for number, chunk in enumerate(data.details()):
        written[f"details-{version}-{number}.json"] = chunk
    written[f"figure-actor-{version}.json"] = data.actor_figure_json()
    written[f"search-{version}.json"] = data.search_json()
    urls |= {"events_url": f"events-{version}.json",
             "details_url": f"details-{version}-{{chunk}}.json",
             "actor_figure_url": f"figure-actor-{version}.json",
             "search_url": f"search-{version}.json",
             "explorer_url": explorer_url or "./"}
    written["index.html"] = render_page(timeline_title(snapshot, config), urls,
                                        inline_events=data.inline_events(explorer_url),
                                        preview=data.preview()).encode("utf-8")
    for name, body in written.items():
        write_with_compressed_copies(out / name, body)
    cold = ["index.html", f"events-{version}.json", *(f.fingerprinted_name for f in files.values())]
    return ExportSummary(out, len(written), len(snapshot.events),
                         sum(len(written[n]) for n in cold),
                         sum(len(brotli.compress(written[n], quality=11)) for n in cold))


def write_with_compressed_copies(path: Path, body: bytes) -> None:
    path.write_bytes(body)
    if path.suffix in COMPRESSED_SUFFIXES:
        path.with_name(path.name + ".br").write_bytes(brotli.compress(body, quality=11))
        path.with_name(path.name + ".gz").write_bytes(gzip.compress(body, 9, mtime=0))
