"""Dates as a reader reads them, in headless Chromium: hover lines, the card, the list
and the axis show the precision the data has ("2019", "September 2019", "c. 2019"),
never a day the data does not hold; days where it does.

A timeline crowded with events dated to a year or a month, zoomed so that marks
stand for several events (timeline/engine/web/density.js): each such mark's hover
names its first and last events' starts (payload.start_labels, densityText).
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from browser import CHART_MARKS, plotly_chart, record_problems, serving
from support import csv_bytes
from timeline.app_factory import create_app
from timeline.config import Config

pytestmark = pytest.mark.browser
expect.set_options(timeout=20_000)

MONTH_NAMES = ("January|February|March|April|May|June|July|August|September|October|"
               "November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec")
A_DAY = re.compile(rf"\b\d{{1,2}} ({MONTH_NAMES})\b")


def event(number: int, start: str, end: str = "", **more) -> dict:
    return {"id": f"e{number:03d}", "start": start, "end": end, "title": f"Event {number}",
            "actors": "Someone", "category": "diplomacy", **more}


ROWS = ([event(n, "2019") for n in range(12)]
        + [event(100 + n, "2019-09") for n in range(8)]
        + [event(200 + n, "2019~") for n in range(4)]
        + [event(300 + n, "2019-03", "2020-06") for n in range(8)]
        + [event(400 + n, "2019-06?", display_date="mid-2019 (disputed)") for n in range(2)]
        + [event(500 + n, "2021-05-06") for n in range(3)])



@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    path = tmp_path_factory.mktemp("dates") / "events.csv"
    path.write_bytes(csv_bytes(ROWS))
    with serving(create_app(Config(data_path=path)).server) as url:
        yield url


@pytest.fixture(params=["/", "/embed"])
def page(request, browser, base_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    page = record_problems(context.new_page())
    page.goto(base_url + request.param)
    page.wait_for_selector("html[data-timeline=interactive]", state="attached")
    if page.locator(".chart-preview").count():
        plotly_chart(page)
    yield page
    assert page.problems == []
    context.close()


def zoom_to(page, first: str, last: str) -> None:
    """A reader's zoom, as Plotly's zoom box and buttons make it."""
    page.evaluate("([first, last]) => Plotly.relayout(document.getElementById('timeline-graph'),"
                  " {'xaxis.range': [first, last]})", [first, last])
    page.wait_for_function("(zoom) => location.search.includes(zoom)", arg=f"zoom={first}..{last}")
    page.wait_for_function("""(first) => String(document.getElementById('timeline-graph')
        .layout.xaxis.range[0]).startsWith(first)""", arg=first)


def tick_labels(page) -> list[str]:
    page.wait_for_function("() => document.querySelectorAll('#timeline-graph .xtick text')"
                           ".length > 1")
    return page.locator("#timeline-graph .xtick text").all_text_contents()


def test_marks_for_several_events_name_their_dates_as_precisely_as_the_data(page):
    zoom_to(page, "2018-07-01", "2021-12-31")
    marks = page.evaluate(CHART_MARKS)
    many = {tuple(m["hover"]) for m in marks if len(m["ids"]) > 1}
    assert many, marks
    hovers = [line for m in marks for line in m["hover"]]
    assert not [line for line in hovers if A_DAY.search(line) and "2021" not in line], hovers
    dates = {hover[1] for hover in many}
    # A year is a year, a month a month; an event that lasts is named by its start;
    # display_date wins; approximate dates say so.
    assert "September 2019" in dates, dates
    assert "March 2019" in dates, dates
    assert dates & {"2019", "2019 \u2013 c. 2019", "c. 2019 \u2013 2019", "c. 2019"}, dates
    assert any("mid-2019 (disputed)" in d for d in dates | set(hovers)), dates
    # Days where the data holds them.
    assert any("6 May 2021" in line for line in hovers), hovers


def test_the_list_and_the_card_say_the_year_alone(page):
    page.goto(page.url.split("?")[0] + "?event=e000&list=open")
    expect(page.locator("#event-detail h2")).to_have_text("Event 0")
    expect(page.locator("#event-detail .detail-date")).to_have_text("2019")
    row = page.locator("#event-list .list-link", has_text="Event 0")
    expect(row.locator(".list-date")).to_have_text("2019")
    expect(page.locator("#event-list .list-link", has_text="Event 100")
           .locator(".list-date")).to_have_text("September 2019")


def test_the_axis_shows_days_only_when_zoomed_to_days(page):
    zoom_to(page, "2018-07-01", "2021-12-31")
    labels = tick_labels(page)
    assert labels and not [t for t in labels if A_DAY.search(t)], labels
    assert all(re.fullmatch(rf"(({MONTH_NAMES}) )?\d{{4}}", t) for t in labels), labels
    # Ticks a month apart are months: no "1 Feb 2021" for February.
    zoom_to(page, "2021-01-01", "2021-06-30")
    labels = tick_labels(page)
    assert labels and all(re.fullmatch(rf"({MONTH_NAMES}) 2021", t) for t in labels), labels
    zoom_to(page, "2021-05-01", "2021-05-20")
    labels = tick_labels(page)
    assert all(re.fullmatch(rf"\d{{1,2}} ({MONTH_NAMES}) 2021", t) for t in labels), labels
