"""The static export's compressed copies: each made once, the slow best for the page,
its scripts and the events' data, not for the data fetched later (at a million
events, the best for every file would take over an hour)."""
from __future__ import annotations

import hashlib
import re
import threading
from datetime import date

import brotli
import pytest

from support import BUNDLED_CSV, DATA
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
    # index.html's data (the timeline's language), not the other languages' pages'.
    events = re.search(r'data-events="([^"]+)"', (tmp_path / "index.html").read_text())[1]
    first_visit = ["index.html", events,
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
    assert len(later) == 3 * 3  # for each language
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


# ------------------------------------------------------------------ languages

def export_korean(folder, **options):
    """tests/data/languages.csv: a Korean timeline (`language=ko`) with Korean and Russian
    titles."""
    return static_export.export_static(snapshot_of((DATA / "languages.csv").read_bytes(),
                                                   "events.csv"), folder, Config(), TODAY,
                                       **options)


def test_the_timeline_s_language_at_index_html_and_the_others_beside_it(tmp_path):
    summary = export_korean(tmp_path)
    pages = {name: (tmp_path / name).read_text("utf-8")
             for name in ("index.html", "index.en.html", "index.ru.html")}
    assert sorted(p.name for p in tmp_path.glob("index*.html")) == sorted(pages)
    for name, language, title, words in [
            ("index.html", "ko", "러시아와 북한: 연표", "필터"),
            ("index.en.html", "en", "Russia and North Korea: a timeline", "Filters"),
            ("index.ru.html", "ru", "Россия и КНДР: хронология", "Фильтры")]:
        page = pages[name]
        assert f'<html lang="{language}"' in page and f"<title>{title}</title>" in page
        assert f'<summary class="filters-summary">{words}</summary>' in page
        # Each names the others in its head and links to them in its body, each link
        # named in its own language; its own marked as the page the reader is on.
        for other, other_name, endonym in [("ko", "index.html", "한국어"),
                                           ("en", "index.en.html", "English"),
                                           ("ru", "index.ru.html", "Русский")]:
            assert f'<link rel="alternate" hreflang="{other}" href="{other_name}">' in page
            current = ' aria-current="page"' if other == language else ""
            assert (f'<a href="{other_name}" hreflang="{other}" lang="{other}"{current}>'
                    f"{endonym}</a>") in page
        # Its own data, in its language.
        events = re.search(r'data-events="([^"]+)"', page)[1]
        assert (tmp_path / events).is_file() and (tmp_path / f"{events}.br").is_file()
    assert '<nav class="language-links" aria-label="언어">' in pages["index.html"]
    assert len({re.search(r'data-events="([^"]+)"', p)[1] for p in pages.values()}) == 3
    # A cold visit is index.html's: its page and data, not the other languages'.
    cold_data = re.search(r'data-events="([^"]+)"', pages["index.html"])[1]
    assert summary.page_bytes == sum(
        (tmp_path / name).stat().st_size for name in ["index.html", cold_data, *(
            p.name for p in tmp_path.glob("*.[jc]s*") if p.suffix in (".js", ".css")
            and "plotly" not in p.name)])


def test_lang_writes_that_language_only_as_index_html(tmp_path):
    export_korean(tmp_path, language="ru")
    assert [p.name for p in tmp_path.glob("index*.html")] == ["index.html"]
    page = (tmp_path / "index.html").read_text("utf-8")
    assert '<html lang="ru"' in page and "Фильтры" in page
    assert "hreflang" not in page and "language-links" not in page
    assert not list(tmp_path.glob("*-ko.json")) and list(tmp_path.glob("*-ru.json"))


def test_the_command_line_writes_every_language_or_the_one_asked(tmp_path):
    from timeline import cli
    source = tmp_path / "events.csv"
    source.write_bytes((DATA / "languages.csv").read_bytes())
    assert cli.main(["export", str(source), "--out", str(tmp_path / "all")]) == 0
    assert sorted(p.name for p in (tmp_path / "all").glob("index*.html")) == [
        "index.en.html", "index.html", "index.ru.html"]
    assert cli.main(["export", str(source), "--out", str(tmp_path / "one"), "--lang",
                     "en"]) == 0
    assert [p.name for p in (tmp_path / "one").glob("index*.html")] == ["index.html"]
    assert '<html lang="en"' in (tmp_path / "one" / "index.html").read_text("utf-8")
