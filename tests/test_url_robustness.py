"""Hostile links: the explorer (`/`) and the embed (`/embed`) ignore what they cannot use.

Links get mangled by mail clients, chat apps and people: unknown, repeated and
empty parameters, 10 KB values, impossible dates, ids that do not exist, other
scripts, broken percent-encoding, markup. With Flask's test client, every page
and data answer for such a link is below 500; in headless Chromium (one browser
for the module) the page still draws the chart and the list of what the link
does select, with no page errors. Both pages read the link in the browser
(`TimelineCore.parseView`), whose reading `tests/data/view_cases.json` pins
against Python's (test_view_state.py, test_embed_browser.py).
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from browser import record_problems, serving
from support import csv_bytes, filter_cases, prepared_events
from timeline.app_factory import create_app
from timeline.config import Config
from timeline.view.transforms import filter_events
from timeline.view.view_state import ViewState

expect.set_options(timeout=10_000)
CASES = filter_cases()
EVENTS = prepared_events(CASES["events"])
TITLES = dict(zip(EVENTS["id"], EVENTS["title"]))
MARKUP = "<script>alert(1)</script>"

HOSTILE = {
    "unknown": "utm_source=newsletter&fbclid=IwAR0xyz&page=2&unknown=",
    "repeated and empty": "category=gifts&category=gifts&category=&actor=&actor=Kim+Jong-un"
                          "&actor=Kim+Jong-un&q=&q=&lanes=&event=",
    "10 KB search": "q=" + "a" * 10_000,
    "10 KB everywhere": "&".join(f"{name}={'x' * 1_200}" for name in
                                 ("actor", "category", "certainty", "from", "to", "q", "lanes",
                                  "event", "zoom")),
    "malformed dates": "from=2023-13-45&to=yesterday&zoom=2023-02-30..2024-99",
    "impossible ranges": "from=2024&to=2023&zoom=2024-01-01..2023-01-01&from=0000",
    "unknown ids": "event=no-such-event&actor=Nobody+At+All&category=nothing&certainty=maybe",
    "Cyrillic and Hangul": "actor=Владимир+Путин&q=김정은&category=дипломатия",
    "Arabic and emoji": "q=مرحبا&actor=😀&category=🎁&event=🦄",
    "percent garbage": "q=%ZZ&actor=%&category=%E0%A4%A&event=%&from=%20%",
    "zoom ..": "zoom=..&zoom=~&zoom=2023..",
    "markup": f"lanes={MARKUP}&event=<img+src=x+onerror=alert(1)>&q=\"'><svg+onload=alert(1)>",
    "control characters": "q=%00%01%1b%7f&actor=%0d%0aSet-Cookie:+x=1&category=gifts%00",
    "odd structure": "&&&==&=&a=b=c&%3D%3D=%26&category==gifts&;category=gifts",
    "conflicting": "lanes=actor&lanes=category&event=car&event=zis&certainty=CONFIRMED",
    # Once read differently by the explorer (Python) and the embed (JavaScript).
    "short dates, other digits, other spaces": "from=2023-9&to=%D9%A2%D9%A0%D9%A2%D9%A0"
                                                "&actor=Kim+Jong-un%C2%85&q=%E3%80%80",
}


def expected_ids(query: str) -> list[str]:
    """What the view in the link selects: the app's own reading of it."""
    return list(filter_events(EVENTS, ViewState.from_query_string(query))["id"])


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    path = tmp_path_factory.mktemp("data") / "events.csv"
    path.write_bytes(csv_bytes(CASES["events"]))
    return create_app(Config(data_path=path, title="Test timeline"))


# ------------------------------------------------------------------ test client

@pytest.fixture(scope="module")
def client(app):
    return app.server.test_client()


DATA_ATTRIBUTES = ("data-events", "data-search", "data-actor-figure", "data-details")


def data_urls(client) -> list[str]:
    """The data files both pages name on their #timeline, in their HTML."""
    urls = []
    for page in ("/embed", "/"):
        html = client.get(page).get_data(as_text=True)
        for attribute in DATA_ATTRIBUTES:
            [url] = re.findall(re.escape(attribute) + '="([^"]+)"', html)
            urls.append(url)
    return [url.replace("{chunk}", "0") for url in urls]


@pytest.mark.parametrize("name", HOSTILE)
def test_every_page_and_data_answer_is_below_500(client, name):
    query = HOSTILE[name]
    for path in ["/", "/embed"]:
        page = client.get(f"{path}?{query}")
        assert page.status_code == 200, (path, page.status_code)
        assert MARKUP not in page.get_data(as_text=True)  # whatever is echoed is escaped
        link = f"http://localhost{path}?{query}"
        assert client.get("/oembed", query_string={"url": link}).status_code < 500
    # What the explorer's page asks for as it starts, asked with the hostile query too.
    for path in ["/_dash-layout", "/_dash-dependencies"]:
        answer = client.get(f"{path}?{query}")
        assert answer.status_code == 200, path
        assert MARKUP not in answer.get_data(as_text=True)
    # The data files the pages fetch, named by either page.
    urls = data_urls(client)
    assert len(set(urls)) == len(DATA_ATTRIBUTES)  # both pages name the same files
    for url in urls:
        assert client.get(f"{url}?{query}").status_code == 200, url


# ------------------------------------------------------------------ Chromium

@pytest.fixture(scope="module")
def base_url(app):
    with serving(app.server) as url:
        yield url


@pytest.fixture
def page(browser):
    context = browser.new_context()
    context.set_default_timeout(20_000)
    page = record_problems(context.new_page(), failed_responses=True)
    page.on("dialog", lambda d: (page.problems.append(f"dialog: {d.message}"), d.dismiss()))
    yield page
    context.close()


def rendered(page, ids: list[str]) -> None:
    """The list and the chart show exactly what the link selects (the list first:
    the engine draws the chart and the list from the same data)."""
    expect(page.locator("#event-list .list-title")).to_have_text([TITLES[i] for i in ids])
    if not page.locator("#timeline .list-disclosure").evaluate("(list) => list.open"):
        page.locator("#timeline .list-summary").click()  # the embed's, folded: unfolded
    if not ids:  # a link that selects nothing says so
        expect(page.locator("#event-list .list-empty")).to_be_visible()
    expect(page.locator("#event-count")).not_to_be_empty()
    # Plotly's chart, or (the embed, for the whole timeline) the page's picture of
    # it answering for it until a reader needs plotly.js (picture.js).
    page.wait_for_function("""() => {
        const graph = document.getElementById('timeline-graph');
        const plot = graph && (graph.classList.contains('js-plotly-plot') ? graph
                               : graph.querySelector('.js-plotly-plot'));
        return plot && Array.isArray(plot.data) ||
               !!graph.querySelector('.chart-preview.is-interactive:not(.is-stale)');
    }""")
    if ids:
        page.wait_for_selector("#timeline-graph .scatterlayer .point, "
                               "#timeline-graph .chart-preview.is-interactive .preview-mark")
        expect(page.locator("#event-list li").first).to_be_visible()


@pytest.mark.browser
@pytest.mark.parametrize("path", ["/", "/embed"])
@pytest.mark.parametrize("name", HOSTILE)
def test_the_page_renders_what_it_can_use(page, base_url, path, name):
    query = HOSTILE[name]
    page.goto(f"{base_url}{path}?{query}")
    rendered(page, expected_ids(query))
    page.wait_for_load_state("networkidle")
    assert page.problems == []
