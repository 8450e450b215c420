"""The explorer at 10,000 events in real headless Chromium, used as at 27 (test_browser.py).

What it shows is checked against the Python rules (transforms.filter_events) on
the same file: the count, the chart's events, the list's rows and their order,
stepping, selection, the URL and back and forward. The list holds only the rows
on screen, so it is read through its rows' positions (aria-posinset of
aria-setsize), not by counting them.
"""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from big_timeline import base_url, data_file, events  # noqa: F401 (fixtures)
from browser import accessibility_violations, record_problems
from timeline.view.transforms import filter_events
from timeline.view.view_state import ViewState

pytestmark = pytest.mark.browser
expect.set_options(timeout=20_000)
SIZE = 10_000
SEED = 7
MAX_NODES = 5_000  # issue 13: the page's DOM, whatever the timeline's size


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    page = record_problems(context.new_page())
    yield page
    context.close()


def expected(events, query: str):
    return filter_events(events, ViewState.from_query_string(query))


def open_view(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("html[data-timeline=interactive]")
    page.wait_for_selector("#event-list li")


def chart_ids(page) -> set[str]:
    return set(page.evaluate("""() => document.getElementById('timeline-graph').data
        .filter(t => t.customdata && t.mode !== 'lines')
        .flatMap(t => t.customdata.flatMap(c => Array.isArray(c) ? (c[3] || [c[0]]) : [c]))"""))


def expect_view(page, events, query: str) -> None:
    """The count, the chart and the list all show `query`'s events."""
    want = expected(events, query)
    view = ViewState.from_query_string(query)
    expect(page.locator("#event-count")).to_have_text(view.describe(
        len(want), len(events), category_labels=events.attrs["category_labels"]))
    page.wait_for_function("""(n) => {
        const first = document.querySelector('#event-list li[aria-posinset="1"]');
        return first && first.getAttribute('aria-setsize') === String(n);
    }""", arg=len(want))
    assert chart_ids(page) == set(want["id"])
    first = page.locator('#event-list li[aria-posinset="1"] .list-title')
    expect(first).to_have_text(want["title"].iloc[0])


def query(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def test_the_whole_timeline_opens_with_a_small_page(page, base_url, events):
    open_view(page, base_url + "/")
    expect_view(page, events, "")
    nodes = page.evaluate("() => document.getElementsByTagName('*').length")
    assert nodes < MAX_NODES, nodes
    assert page.locator("#event-list li").count() < 100
    assert page.problems == []


def test_a_category_then_a_search_then_reset(page, base_url, events):
    open_view(page, base_url + "/")
    page.locator("#category-filter label", has_text="courts").click()
    expect_view(page, events, "category=courts")
    assert query(page) == {"category": ["courts"]}
    page.fill("#search", "ruling")
    page.press("#search", "Enter")
    expect_view(page, events, "category=courts&q=ruling")
    page.click("#reset")
    expect_view(page, events, "")
    page.go_back()
    expect_view(page, events, "category=courts&q=ruling")


def test_an_actor_ticked_filters_the_view(page, base_url, events):
    # 20 actors: a checkbox each, as in the embed (more than 30 get its search box,
    # actor-picker.js: test_actor_picker_browser, test_xss_browser).
    open_view(page, base_url + "/")
    page.locator("#actor-filter").get_by_role("checkbox", name="Mayor Ada Lind").check()
    expect_view(page, events, "actor=Mayor+Ada+Lind")


def test_an_event_far_down_the_list_opens_and_steps_in_date_order(page, base_url, events):
    shown = expected(events, "category=housing")
    middle = len(shown) // 2
    target, following = shown["id"].iloc[middle], shown["id"].iloc[middle + 1]
    open_view(page, f"{base_url}/?category=housing&event={target}")
    expect(page.locator("#event-detail h2")).to_have_text(shown["title"].iloc[middle])
    current = page.locator("#event-list li[aria-current=true]")
    expect(current).to_have_attribute("aria-posinset", str(middle + 1))
    expect(current).to_be_visible()
    assert page.evaluate("""() => {  // scrolled into the list's own box
        const row = document.querySelector('#event-list li[aria-current=true]')
            .getBoundingClientRect();
        const box = document.querySelector('.list-scroll').getBoundingClientRect();
        return row.top >= box.top - 1 && row.bottom <= box.bottom + 1;
    }""")
    page.keyboard.press("ArrowRight")
    expect(page.locator("#event-detail h2")).to_have_text(shown["title"].iloc[middle + 1])
    assert query(page)["event"] == [following]
    expect(page.locator("#event-list li[aria-current=true]")).to_have_attribute(
        "aria-posinset", str(middle + 2))
    page.go_back()
    expect(page.locator("#event-detail h2")).to_have_text(shown["title"].iloc[middle])


def test_a_row_in_the_list_opens_its_event(page, base_url, events):
    open_view(page, base_url + "/?category=transport")
    shown = expected(events, "category=transport")
    page.locator('#event-list li[aria-posinset="3"] a').click()
    expect(page.locator("#event-detail h2")).to_have_text(shown["title"].iloc[2])
    assert query(page)["event"] == [shown["id"].iloc[2]]


def test_lanes_by_actor_and_a_zoom_from_the_url(page, base_url, events):
    open_view(page, base_url + "/?lanes=actor&zoom=2001-01-01..2001-12-31")
    page.wait_for_function("""() => {
        const layout = document.getElementById('timeline-graph').layout;
        return layout.yaxis.ticktext.includes('City Council') &&
               String(layout.xaxis.range[0]).startsWith('2001-01-01');
    }""")
    expect(page.locator("#lane-switch input[value=actor]")).to_be_checked()


def test_the_page_has_no_accessibility_violations_at_scale(page, base_url, events):
    """The whole page: its filters are plain HTML since issue 17 (Dash 4's broke axe rules)."""
    shown = expected(events, "category=council")
    open_view(page, f"{base_url}/?category=council&event={shown['id'].iloc[40]}")
    expect(page.locator("#event-detail h2")).to_have_text(shown["title"].iloc[40])
    violations = accessibility_violations(page)
    assert violations == [], "\n".join(violations)
