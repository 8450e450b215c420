"""The static export's compressed copies: each made once, the slow best for the page,
its scripts and the events' data, not for the data fetched later (at a million
events, the best for every file would take over an hour)."""
from __future__ import annotations

import hashlib
import threading
from datetime import date

import brotli
import pytest

from support import BUNDLED_CSV
from timeline.config import Config
from timeline.data_store import snapshot_of
from timeline.embed import static_export

TODAY = date(2026, 11, 26)


@pytest.fixture
def compressions(monkeypatch):
    """Each brotli compression the export makes: (the body's hash, its quality).
    The export compresses in the calling thread; an earlier test's app may still be
    compressing in its background thread, and that one is not the export's."""
    made: list[tuple[str, int]] = []
    real = brotli.compress
    exporting = threading.get_ident()

    def recorded(body, *args, quality=11, **kwargs):
        if threading.get_ident() == exporting:
            made.append((hashlib.sha256(body).hexdigest(), quality))
        return real(body, *args, quality=quality, **kwargs)
    monkeypatch.setattr(static_export.brotli, "compress", recorded)
    return made


def export(folder):
    return static_export.export_static(snapshot_of(BUNDLED_CSV, "events.csv"), folder,
                                       Config(), TODAY)


def quality_of_each_file(folder, made) -> dict[str, int]:
    quality = dict(made)
    return {path.name: quality[hashlib.sha256(path.read_bytes()).hexdigest()]
            for path in folder.iterdir() if path.suffix in static_export.COMPRESSED_SUFFIXES}


def test_each_file_is_compressed_once_and_the_summary_counts_its_copy(tmp_path, compressions):
    summary = export(tmp_path)
    compressible = [p for p in tmp_path.iterdir()
                    if p.suffix in static_export.COMPRESSED_SUFFIXES]
    assert len(compressions) == len(compressible)
    first_visit = ["index.html", *(p.name for p in tmp_path.glob("events-*.json")),
                   *(p.name for p in tmp_path.glob("*.js") if "plotly" not in p.name),
                   *(p.name for p in tmp_path.glob("*.css"))]
    assert summary.page_bytes_brotli == sum((tmp_path / f"{name}.br").stat().st_size
                                            for name in first_visit)


def test_the_page_and_its_first_data_get_the_best_compression_and_the_rest_the_fast(
        tmp_path, compressions):
    export(tmp_path)
    quality = quality_of_each_file(tmp_path, compressions)
    later = [name for name in quality
             if name.startswith(("details-", "search-", "figure-actor-"))]
    assert len(later) == 3
    assert {name: quality[name] for name in later} == dict.fromkeys(later, 9)
    assert {name: q for name, q in quality.items() if name not in later} == dict.fromkeys(
        set(quality) - set(later), 11)


def test_a_file_over_the_best_compressions_size_gets_the_fast(tmp_path, compressions,
                                                              monkeypatch):
    monkeypatch.setattr(static_export, "BEST_UP_TO", 30_000)
    export(tmp_path)
    quality = quality_of_each_file(tmp_path, compressions)
    sizes = {name: (tmp_path / name).stat().st_size for name in quality}
    large = {name for name, size in sizes.items() if size > 30_000}
    assert large and "index.html" in large  # the page carries the chart's picture
    assert {name: quality[name] for name in large} == dict.fromkeys(large, 9)
    assert 11 in {quality[name] for name in set(sizes) - large}
