"""Issue 17: what a screen reader hears, on the explorer and the embed.

Each live region's text changes are recorded in the page (a MutationObserver), and
the page's clock is Playwright's (page.clock), so a test says exactly what was
heard after a change settled, and that nothing came after: a filter is said once,
a search once the typing stops (though the chart and the count follow each key),
an opened event as "Opened: <title>", a redraw that changes nothing not at all.
The chart says what it shows in words (its accessible description).
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from support import EVENTS_FIXTURE
from timeline.data.loading import load_events
from timeline.view.view_state import ViewState

pytestmark = pytest.mark.browser
expect.set_options(timeout=15_000)

EVENTS = load_events(EVENTS_FIXTURE).events
TITLES = dict(zip(EVENTS["id"], EVENTS["title"]))
MILITARY = EVENTS[EVENTS["category"] == "military"]
TOTAL = len(EVENTS)

# Every live region's text, each time it changes to something a reader would hear.
RECORD = """() => {
  window.heard = [];
  const selector = '[aria-live]:not([aria-live=off]), [role=status], [role=alert], [role=log]';
  const last = new Map();
  document.querySelectorAll(selector).forEach((r) => last.set(r, r.textContent.trim()));
  new MutationObserver((records) => {
    const regions = new Set();
    records.forEach((record) => {
      const node = record.target.nodeType === 1 ? record.target : record.target.parentElement;
      const region = node && node.closest(selector);
      if (region) { regions.add(region); }
    });
    regions.forEach((region) => {
      const text = region.textContent.trim();
      if (last.get(region) === text) { return; }
      last.set(region, text);
      if (text && !region.hidden) { window.heard.push([region.id, text]); }
    });
  }).observe(document.body, { subtree: true, childList: true, characterData: true });
}"""


@pytest.fixture(params=["explorer", "embed"])
def reader_page(request, new_page, curated_explorer_url, curated_embed_url):
    """A reader page, drawn, its live regions recorded and its clock Playwright's."""
    page = new_page({"width": 1280, "height": 800})
    # The embed's list folded unless the link opens it.
    page.goto(curated_explorer_url if request.param == "explorer"
              else curated_embed_url + "?list=open")
    page.wait_for_selector("html[data-timeline=interactive]", state="attached")
    page.wait_for_selector("#category-filter input", state="attached")
    expect(page.locator("#event-list li").first).to_be_attached()
    if not page.locator("#filters").evaluate("(filters) => filters.open"):
        page.locator("#filters summary").click()
    page.evaluate(RECORD)
    # The page's time stands still but when a test moves it on (run_for): the
    # machine's own pace never decides what was heard.
    page.clock.install()
    page.clock.pause_at(page.evaluate("() => Date.now()") + 1000)
    assert page.evaluate("() => window.heard") == []
    return page


def settle(page, ms: int = 3000) -> list[list[str]]:
    """What was heard once every waiting timer of the page has run."""
    page.clock.run_for(ms)
    return page.evaluate("() => window.heard.splice(0)")


def count_line(view: ViewState, shown: int) -> str:
    return view.describe(shown, TOTAL)


def test_a_filter_is_said_once(reader_page):
    page = reader_page
    page.locator("#category-filter input[value=military]").check()
    heard = settle(page)
    want = count_line(ViewState(categories=("military",)), len(MILITARY))
    assert heard == [["timeline-announcer", want]]
    expect(page.locator("#event-count")).to_have_text(want)
    page.locator("#reset").click()
    assert settle(page) == [["timeline-announcer", f"{TOTAL} events"]]
    assert page.problems == []


def test_a_search_is_said_once_the_typing_stops(reader_page):
    page = reader_page
    page.locator("#search").focus()
    counts = []
    for key in "summit":
        page.keyboard.type(key)
        page.clock.run_for(500)  # the filter runs after each key: the count follows it
        counts.append(page.locator("#event-count").text_content())
        assert page.evaluate("() => window.heard") == [], counts
    assert len(set(counts)) >= 2 and counts[-1].endswith("matching “summit”")
    assert settle(page) == [["timeline-announcer", counts[-1]]]
    assert page.problems == []


def test_an_opened_event_is_said_once_by_its_title(reader_page):
    page = reader_page
    first = MILITARY["id"].iloc[0]
    page.locator("#event-list a", has_text=TITLES[first]).click()
    heard = []
    for _ in range(60):  # its details arrive over the network, and the card is drawn again
        heard += settle(page, 250)
        if page.locator("#event-detail .detail-more, #event-detail dl").count():
            break
    heard += settle(page)
    assert heard == [["timeline-announcer", f"Opened: {TITLES[first]}"]]
    # The card is no live region: its redraws are not read out again.
    assert page.locator("#event-detail").get_attribute("aria-live") is None
    page.locator("#next-event").click()  # the next in date order
    after = EVENTS["id"].tolist()[EVENTS["id"].tolist().index(first) + 1]
    assert settle(page) == [["timeline-announcer", f"Opened: {TITLES[after]}"]]
    # Closed and opened again: said again, though the words are the same.
    page.locator("#event-list a", has_text=TITLES[first]).click()
    assert settle(page) == [["timeline-announcer", f"Opened: {TITLES[first]}"]]
    assert page.problems == []


def chart_words(events) -> str:
    first = int(events["start_at"].dt.year.min())
    last = int(max(events["start_at"].dt.year.max(), events["end_at"].dt.year.max()))
    categories = events["category"].nunique()
    return (f"Chart of {len(events)} event{'s' if len(events) != 1 else ''}, {first}–{last}, "
            f"in {categories} categor{'ies' if categories != 1 else 'y'}.")


def test_the_chart_says_what_it_shows(reader_page):
    page = reader_page
    graph = page.locator("#timeline-graph")
    expect(graph).to_have_accessible_description(chart_words(EVENTS))
    page.locator("#category-filter input[value=military]").check()
    settle(page)
    expect(graph).to_have_accessible_description(
        chart_words(MILITARY) + " Filtered: military.")
    page.locator("#search").fill("nothing-matches-this")
    settle(page)
    expect(graph).to_have_accessible_description(
        re.compile(r"^The chart shows no events"))
    assert page.problems == []
