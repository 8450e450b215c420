"""The explorer in real headless Chromium, clicked as a reader clicks (the embed: test_embed_browser)."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from browser import DRAWN_MARKS, record_problems, serving
from support import csv_bytes, filter_cases, prepared_events
from timeline.app_factory import create_app
from timeline.config import Config
from timeline.data.loading import load_events
from timeline.embed.snippets import embed_snippet
from timeline.view.transforms import filter_events
from timeline.view.view_state import ViewState

pytestmark = pytest.mark.browser
# Two cores run the server, Chromium and plotly.js at once: allow for a slow moment.
expect.set_options(timeout=10_000)
CASES = filter_cases()
EVENTS = prepared_events(CASES["events"])
DATE_ORDER = list(EVENTS["id"])
TITLES = dict(zip(EVENTS["id"], EVENTS["title"]))


@pytest.fixture(scope="module")
def browser_context(browser):
    context = browser.new_context()
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    data = tmp_path_factory.mktemp("data") / "events.csv"
    data.write_bytes(csv_bytes(CASES["events"]))
    with serving(create_app(Config(data_path=data, title="Test timeline")).server) as url:
        yield url


@pytest.fixture
def page(browser_context):
    page = record_problems(browser_context.new_page(), failed_responses=True)
    yield page
    page.close()


def open_view(page, url):
    """Open a page and wait until its chart answers clicks and its list is drawn."""
    page.goto(url)
    page.wait_for_selector("html[data-timeline=interactive]")
    page.wait_for_selector("#event-list li")


def chart_ids(page) -> list[str]:
    """The events drawn on the chart, read from the plotted data."""
    return page.evaluate("""() => {
        const plot = document.getElementById('timeline-graph');
        return plot.data.filter(t => t.customdata && t.mode !== 'lines' && t.name !== 'selected')
                        .flatMap(t => t.customdata.flatMap(row => row[3] || [row[0]]));
    }""")


def expect_shown(page, ids: list[str]):
    """The list and the chart both show exactly `ids` (in actor lanes, an event
    with several actors has a mark in each of their lanes)."""
    expect(page.locator("#event-list .list-title")).to_have_text([TITLES[i] for i in ids])
    page.wait_for_function("""(want) => {
        const plot = document.getElementById('timeline-graph');
        const ids = plot && plot.data ? [...new Set(plot.data
            .filter(t => t.customdata && t.mode !== 'lines' && t.name !== 'selected')
            .flatMap(t => t.customdata.flatMap(row => row[3] || [row[0]])))].sort() : [];
        return JSON.stringify(ids) === JSON.stringify(want);
    }""", arg=sorted(ids))
    assert page.locator(DRAWN_MARKS).count() >= 1


def query(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def choose_actor(page, name):
    page.locator("#actor-filter").get_by_role("checkbox", name=name, exact=True).check()


def test_bundled_timeline_loads_without_errors(browser_context, data):
    result = load_events(data)
    with serving(create_app(Config(data_path=data)).server) as url:
        page = browser_context.new_page()
        problems = []
        page.on("console", lambda m: m.type == "error" and problems.append(m.text))
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("response", lambda r: r.status >= 400 and problems.append(f"{r.status} {r.url}"))
        page.on("requestfailed", lambda r: problems.append(f"failed {r.url}"))
        requested = []
        page.on("request", lambda r: requested.append(r.url))
        open_view(page, url + "/")
        expect(page.locator("#event-list li")).to_have_count(len(result.events))
        expect(page.locator("#event-count")).to_have_text(f"{len(result.events)} events")
        assert len(chart_ids(page)) == len(result.events)
        expect(page.locator("h1")).to_have_text("Russia and North Korea: a timeline")
        page.wait_for_load_state("networkidle")
        page.close()
    assert problems == []
    # Everything the page needs is served by the app itself: no other host is asked.
    assert requested and all(u.startswith(url + "/") for u in requested), requested


def test_actor_filter_reduces_chart_and_list(page, base_url):
    open_view(page, base_url + "/")
    expect_shown(page, DATE_ORDER)
    choose_actor(page, "Sergei Shoigu")
    expect_shown(page, ["shoigu"])
    expect(page.locator("#event-count")).to_have_text(
        f"1 of {len(DATE_ORDER)} events · Sergei Shoigu")
    assert query(page)["actor"] == ["Sergei Shoigu"]
    choose_actor(page, "Kim Il-sung")
    expect_shown(page, ["zis", "shoigu"])
    assert page.problems == []


def test_category_and_search_combine(page, base_url):
    open_view(page, base_url + "/")
    page.locator("#category-filter label", has_text="gifts").click()
    expect_shown(page, ["zis", "car"])
    page.fill("#search", "aurus")
    page.press("#search", "Enter")
    expect_shown(page, ["car"])
    assert query(page) == {"category": ["gifts"], "q": ["aurus"]}
    page.click("#reset")
    expect_shown(page, DATE_ORDER)
    expect(page.locator("#search")).to_have_value("")
    expect(page.locator("#category-filter input:checked")).to_have_count(0)
    assert page.problems == []


def test_choosing_in_the_list_opens_details_and_marks_the_chart(page, base_url):
    open_view(page, base_url + "/")
    page.locator("#event-list a", has_text=TITLES["shoigu"]).click()
    expect(page.locator("#event-detail h2")).to_have_text(TITLES["shoigu"])
    expect(page.locator("#event-detail")).to_contain_text("26 July 2023 – 27 July 2023")
    expect(page.locator("#event-detail")).to_contain_text("Sergei Shoigu; Kim Jong-un")
    assert query(page)["event"] == ["shoigu"]
    page.wait_for_function("""() => document.getElementById('timeline-graph')
        .data.some(t => t.name === 'selected')""")
    expect(page.locator("#event-list [aria-current=true]")).to_contain_text(TITLES["shoigu"])


def test_clicking_a_marker_opens_its_details(page, base_url):
    open_view(page, base_url + "/?actor=Kim+Il-sung")
    expect_shown(page, ["zis"])
    # Plotly's drag layer takes the pointer; a reader clicks where the mark is drawn.
    box = page.locator("#timeline-graph .scatterlayer .point").first.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.locator("#event-detail h2")).to_have_text(TITLES["zis"])
    assert query(page)["event"] == ["zis"]


def test_detail_links_work_and_text_stays_text(page, base_url):
    open_view(page, base_url + "/?event=car")
    link = page.locator("#event-detail a", has_text="KCNA")
    expect(link).to_have_attribute("href", "https://kcna.kp")
    expect(link).to_have_attribute("rel", "noopener noreferrer")


def test_arrow_keys_and_buttons_step_in_date_order(page, base_url):
    position = DATE_ORDER.index("summit")
    open_view(page, base_url + "/?event=summit")
    expect(page.locator("#event-detail h2")).to_have_text(TITLES["summit"])
    page.keyboard.press("ArrowRight")
    expect(page.locator("#event-detail h2")).to_have_text(TITLES[DATE_ORDER[position + 1]])
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")  # pressed at once: neither may act on a stale view
    expect(page.locator("#event-detail h2")).to_have_text(TITLES[DATE_ORDER[position - 1]])
    page.click("#next-event")
    expect(page.locator("#event-detail h2")).to_have_text(TITLES["summit"])
    assert query(page)["event"] == ["summit"]


def test_stepping_stays_within_the_filter(page, base_url):
    open_view(page, base_url + "/?category=gifts&event=zis")
    page.keyboard.press("ArrowRight")
    expect(page.locator("#event-detail h2")).to_have_text(TITLES["car"])
    expect(page.locator("#next-event")).to_be_disabled()


def test_a_url_reproduces_its_view(page, base_url):
    open_view(page, base_url + "/?category=gifts&category=diplomacy&q=putin&lanes=actor&event=car")
    view = ViewState.from_query_string("category=gifts&category=diplomacy&q=putin")
    expect_shown(page, list(filter_events(EVENTS, view)["id"]))
    expect(page.locator("#search")).to_have_value("putin")
    expect(page.locator("#category-filter input:checked")).to_have_count(2)
    expect(page.locator("#lane-switch input[value=actor]")).to_be_checked()
    expect(page.locator("#event-detail h2")).to_have_text(TITLES["car"])
    ticks = page.locator("#timeline-graph .ytick text").all_text_contents()
    assert "Vladimir Putin" in ticks and "gifts" not in ticks


def test_back_and_forward_replay_the_view(page, base_url):
    open_view(page, base_url + "/")
    # An event in the first window (2022-2024): one outside it moves the window.
    page.locator("#event-list a", has_text=TITLES["summit"]).click()
    expect(page.locator("#event-detail h2")).to_have_text(TITLES["summit"])
    page.locator("#category-filter label", has_text="military").click()
    expect_shown(page, ["shipments", "shoigu", "seoul"])
    page.go_back()
    expect_shown(page, DATE_ORDER)
    expect(page.locator("#category-filter input:checked")).to_have_count(0)
    expect(page.locator("#event-detail h2")).to_have_text(TITLES["summit"])
    page.go_back()
    expect(page.locator("#event-detail h2")).to_have_count(0)
    page.go_forward()
    expect(page.locator("#event-detail h2")).to_have_text(TITLES["summit"])


def test_zooming_goes_into_the_url(page, base_url):
    open_view(page, base_url + "/")
    page.locator("#timeline-graph .modebar-btn[data-title='Zoom in']").click()
    page.wait_for_function("() => location.search.includes('zoom=')")
    first, last = query(page)["zoom"][0].split("..")
    assert first < last
    page.reload()
    page.wait_for_selector("#event-list li")
    page.wait_for_function(f"""() => document.getElementById('timeline-graph')
        .layout.xaxis.range[0].startsWith('{first}')""")


def test_embed_this_view_gives_a_snippet_for_the_current_view(page, base_url):
    open_view(page, base_url + "/?category=tourism")
    page.locator(".embed-box summary").click()
    snippet = page.locator("#embed-snippet").input_value()
    assert re.search(r'<iframe src="http://127\.0\.0\.1:\d+/embed\?category=tourism"', snippet)
    assert 'height="' in snippet and 'title="Test timeline"' in snippet
    # The same iframe as snippets.iframe_tag writes (fixed height).
    assert snippet == embed_snippet(re.search(r'src="(http://[^/]+/)', snippet).group(1),
                                    "category=tourism", "Test timeline")


def test_usable_on_a_phone(browser, base_url):
    phone = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True,
                                has_touch=True)
    phone.set_default_timeout(15_000)
    page = phone.new_page()
    open_view(page, base_url + "/")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    expect(page.locator("#filters")).not_to_have_attribute("open", "")
    page.locator("#event-list a", has_text=TITLES["tourists"]).tap()
    expect(page.locator("#event-detail h2")).to_have_text(TITLES["tourists"])
    page.locator("#filters summary").tap()
    page.locator("#category-filter label", has_text="military").tap()
    expect_shown(page, ["shipments", "shoigu", "seoul"])
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    phone.close()


def test_the_chart_follows_a_change_of_width(browser, base_url):
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    page = context.new_page()
    open_view(page, base_url + "/")
    page.wait_for_function("""() => document.getElementById('timeline-graph')
        .layout.dragmode === 'zoom'""")
    page.set_viewport_size({"width": 420, "height": 800})
    page.wait_for_function("""() => document.getElementById('timeline-graph')
        .layout.dragmode === false""")
    context.close()


def test_date_range_filter(page, base_url):
    open_view(page, base_url + "/")
    page.fill("#date-from", "2023-07-27")
    page.press("#date-from", "Enter")
    page.fill("#date-to", "2023-09-01")
    page.press("#date-to", "Enter")
    view = ViewState.from_query_string("from=2023-07-27&to=2023-09-01")
    expect_shown(page, list(filter_events(EVENTS, view)["id"]))
    page.wait_for_function("() => location.search === '?from=2023-07-27&to=2023-09-01'")
    expect(page.locator("#event-count")).to_contain_text("27 Jul 2023 to 1 Sep 2023")


def test_the_page_says_when_its_chart_answers_clicks(page, base_url):
    """`data-timeline="interactive"` on <html> (README, "Page ids") is all a
    script needs to wait for: a click on a mark right after it opens the event."""
    page.goto(base_url + "/?actor=Kim+Il-sung")
    page.wait_for_selector("html[data-timeline=interactive]")
    box = page.locator("#timeline-graph .scatterlayer .point").first.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.locator("#event-detail h2")).to_have_text(TITLES["zis"])
