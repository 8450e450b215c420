"""Issue 17: readers download the events shown (CSV) and the chart (PNG).

The explorer always offers them; an embed (the app's /embed and the static export)
when its title row's settings say `downloads`. The CSV holds the events the view
shows, the reader columns only, formula cells made inert as the app's own download
does (the shared cases: tests/data/csv_download_cases.json); the PNG is Plotly's
picture of the chart, plotly.js loaded first where the page showed its SVG.
The curated timeline, one military event's description made to look like a formula.
"""
from __future__ import annotations

import csv
import io
import json

import pytest
from playwright.sync_api import expect

from browser import accessibility_violations, serving, serving_embed
from support import BUNDLED_CSV, DATA, EVENTS_FIXTURE
from timeline.config import Config
from timeline.data.csv_writing import neutralise_formula
from timeline.data.loading import load_events
from timeline.data.schema import PUBLIC_COLUMNS

pytestmark = pytest.mark.browser
expect.set_options(timeout=15_000)

CASES = json.loads((DATA / "csv_download_cases.json").read_text("utf-8"))
# What readers may see of an event: the public columns but the title row's own.
# The title row's `type` and `settings` and a category row's `colour` describe no event.
READER_COLUMNS = [c for c in PUBLIC_COLUMNS if c not in ("type", "settings", "colour")]
SOURCE = list(csv.DictReader(io.StringIO(BUNDLED_CSV.decode("utf-8"))))
LOADED = load_events(EVENTS_FIXTURE).events  # in date order, as the pages show them
EVENTS = list(LOADED["id"])
MILITARY = list(LOADED[LOADED["category"] == "military"]["id"])
FORMULA = "=HYPERLINK(\"http://evil.example\",\"more\") was how the dossier began."
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def timeline_csv(settings: str) -> str:
    rows = [dict(row) for row in SOURCE]
    for row in rows:
        row["settings"] = settings if row["type"] == "title" else ""
        if row["id"] == MILITARY[0]:
            row["description"] = FORMULA
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[*rows[0]])
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


SERVED = {row["id"]: row for row in csv.DictReader(io.StringIO(timeline_csv("downloads")))}


@pytest.fixture(scope="module")
def downloads_data_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("downloads") / "events.csv"
    path.write_text(timeline_csv("downloads"), encoding="utf-8")
    return path


@pytest.fixture(scope="module", params=["app", "static"])
def downloads_embed_url(request, downloads_data_file, tmp_path_factory):
    with serving_embed(request.param, Config(data_path=downloads_data_file),
                       tmp_path_factory.mktemp("export")) as url:
        yield url


@pytest.fixture(scope="module")
def downloads_explorer_url(downloads_data_file):
    from timeline.app_factory import create_app
    with serving(create_app(Config(data_path=downloads_data_file)).server) as url:
        yield url + "/"


def open_at(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("html[data-timeline=interactive]", state="attached")
    expect(page.locator("#event-list li").first).to_be_attached()


def downloaded(page, button: str):
    with page.expect_download() as info:
        page.locator(button).click()
    download = info.value
    return download.suggested_filename, download.path().read_bytes()


def check_the_csv(name: str, data: bytes, ids: list[str]) -> None:
    assert name == "russia-and-north-korea-a-timeline-events.csv"
    assert data.startswith(b"\xef\xbb\xbf")  # spreadsheets read it as UTF-8
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == READER_COLUMNS
    got = [dict(zip(rows[0], row)) for row in rows[1:]]
    assert [row["id"] for row in got] == ids
    for row in got:
        want = {c: neutralise_formula(SERVED[row["id"]][c]) for c in READER_COLUMNS}
        assert row == want
    formula = [row for row in got if row["id"] == MILITARY[0]]
    assert formula and formula[0]["description"] == "'" + FORMULA
    notes = [SERVED[i]["notes"] for i in ids if SERVED[i]["notes"]]
    assert notes and not any(note in data.decode("utf-8") for note in notes)


@pytest.mark.parametrize("where", ["explorer", "embed"])
def test_the_csv_holds_the_events_shown_and_only_reader_columns(
        new_page, downloads_explorer_url, downloads_embed_url, where):
    page = new_page()
    url = downloads_explorer_url if where == "explorer" else downloads_embed_url
    open_at(page, url + "?category=military")
    expect(page.locator("#event-list .list-title")).to_have_count(len(MILITARY))
    name, data = downloaded(page, "#download-csv")
    check_the_csv(name, data, MILITARY)
    # The whole timeline, once the filter is gone (its text fetched, chunk by chunk).
    if where == "explorer":
        page.locator("#reset").click()
    else:  # the embed's filters are folded: its plain link instead
        page.goto(url)
    page.wait_for_function("() => !location.search.includes('category')")
    expect(page.locator("#event-list li")).to_have_count(len(EVENTS))
    name, data = downloaded(page, "#download-csv")
    check_the_csv(name, data, EVENTS)
    assert page.problems == []


@pytest.mark.parametrize("where", ["explorer", "embed"])
def test_the_png_is_a_picture_of_the_chart(new_page, downloads_explorer_url,
                                           downloads_embed_url, where):
    page = new_page()
    # The embed's first view is its SVG picture: plotly.js comes for the download.
    open_at(page, downloads_explorer_url if where == "explorer" else downloads_embed_url)
    name, data = downloaded(page, "#download-png")
    assert name == "russia-and-north-korea-a-timeline-chart.png"
    assert data.startswith(PNG_SIGNATURE) and len(data) > 5000
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    graph = page.evaluate("""() => { const graph = document.getElementById('timeline-graph');
                                     return [graph.clientWidth, graph.clientHeight]; }""")
    assert (width, height) == (graph[0] * 2, graph[1] * 2)  # the chart as it is, sharp
    assert page.problems == []  # no Content-Security-Policy complaint on the way


def test_an_embed_offers_downloads_only_when_its_title_row_says_so(
        new_page, curated_embed_url, downloads_embed_url, curated_explorer_url):
    page = new_page()
    open_at(page, curated_embed_url)
    expect(page.locator("#story-toggle")).to_be_attached()
    expect(page.locator("#timeline-downloads")).to_be_hidden()
    expect(page.locator("#download-csv")).to_have_count(0)
    open_at(page, downloads_embed_url)
    expect(page.get_by_role("button", name="Download data (CSV)")).to_be_visible()
    expect(page.get_by_role("button", name="Download chart (PNG)")).to_be_visible()
    open_at(page, curated_explorer_url)  # the explorer: always
    expect(page.get_by_role("button", name="Download data (CSV)")).to_be_visible()


def test_the_browser_writes_the_shared_cases_as_the_app_does(new_page, downloads_embed_url):
    page = new_page()
    open_at(page, downloads_embed_url)
    written = page.evaluate("(cases) => TimelineDownloads.csvText(cases.columns, cases.rows)",
                            CASES)
    assert written == CASES["csv"]
    assert page.evaluate("() => TimelineDownloads.COLUMNS") == READER_COLUMNS
    assert page.evaluate("""() => ['Ким Чен Ын: «лето»', '김정은 2024', '!!!', 'A  b']
                              .map(TimelineDownloads.fileStem)""") == [
        "ким-чен-ын-лето", "김정은-2024", "timeline", "a-b"]


@pytest.mark.parametrize("width", [375, 1280])
def test_axe_finds_no_violation_in_an_embed_with_downloads(new_page, downloads_embed_url, width):
    page = new_page({"width": width, "height": 740 if width < 400 else 800})
    open_at(page, downloads_embed_url + "?event=vostochny-summit")
    expect(page.locator("#download-csv")).to_be_visible()
    found = accessibility_violations(page, also=("target-size",))
    assert found == [], "\n".join(found)
