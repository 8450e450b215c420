"""Issue 17: a whole visit of the embed (the app's /embed and the static export) with
the keyboard alone, as tests/test_accessibility_browser.py makes one of the explorer:
the folded filters opened, a category filtered, an event opened from the chart, a
step, back to the chart, a download offered by the title row reached, and a reset.
"""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from support import EVENTS_FIXTURE
from timeline.data.loading import load_events

pytestmark = pytest.mark.browser
expect.set_options(timeout=15_000)
EVENTS = load_events(EVENTS_FIXTURE).events
TITLES = dict(zip(EVENTS["id"], EVENTS["title"]))
MILITARY = list(EVENTS[EVENTS["category"] == "military"]["id"])  # in date order

# The element that has the focus, as a short name: its id, else its tag and text.
FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) { return 'body'; }
  if (e.id) { return '#' + e.id; }
  if (e.type === 'checkbox' || e.type === 'radio') { return e.type + ':' + e.value; }
  return e.tagName.toLowerCase() + '.' + (e.className.baseVal ?? e.className).split(' ')[0]
    + ':' + (e.getAttribute('aria-label') || e.textContent).trim().slice(0, 40);
}"""


def query(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def tab_to(page, name: str, *, back: bool = False, most: int = 80) -> list[str]:
    """Tab (or Shift+Tab) until `name` has the focus; the stops on the way, in order."""
    stops = []
    for _ in range(most):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        stops.append(page.evaluate(FOCUSED))
        if stops[-1] == name:
            return stops
    raise AssertionError(f"{name} never had the focus: {stops}")


@pytest.mark.parametrize("width", [375, 1280])
def test_a_whole_visit_of_the_embed_with_the_keyboard_alone(new_page, curated_embed_url, width):
    page = new_page({"width": width, "height": 740 if width < 400 else 800})
    page.goto(curated_embed_url)
    page.wait_for_selector("html[data-timeline=interactive]", state="attached")
    page.wait_for_selector("#category-filter input", state="attached")

    tab_to(page, "summary.filters-summary:Filters")  # folded in an article: opened
    page.keyboard.press("Enter")
    expect(page.locator("#category-filter")).to_be_visible()
    stops = tab_to(page, "checkbox:military")
    assert stops[:2] == ["#search", "checkbox:North Korea"], stops
    page.keyboard.press("Space")
    page.wait_for_function("() => location.search === '?category=military'")
    expect(page.locator("#event-count")).to_have_text(f"{len(MILITARY)} of {len(EVENTS)} "
                                                      "events · military")

    stops = tab_to(page, "#timeline-graph")
    order = [stops.index(s) for s in ["checkbox:confirmed", "#date-from", "#date-to",
                                      "radio:category", "#reset"]]
    assert order == sorted(order), stops
    expect(page.locator("#chart-keys")).to_contain_text(f"Chart of {len(MILITARY)} events")
    page.keyboard.press("Home")
    expect(page.locator("#chart-keys")).to_have_text(re.compile(
        re.escape(TITLES[MILITARY[0]]) + r".*\(1 of 4\)\. Enter opens it\."))
    page.keyboard.press("ArrowRight")
    expect(page.locator("#chart-keys")).to_contain_text(TITLES[MILITARY[1]])
    assert "event" not in query(page)  # the cursor opens nothing
    page.keyboard.press("Enter")
    heading = page.locator("#event-detail h2")
    expect(heading).to_have_text(TITLES[MILITARY[1]])
    expect(heading).to_be_focused()
    page.wait_for_function(f"() => location.search.includes('event={MILITARY[1]}')")

    page.keyboard.press("ArrowRight")  # a step, in date order within the filter
    expect(heading).to_have_text(TITLES[MILITARY[2]])
    expect(heading).to_be_focused()
    page.wait_for_function(f"() => location.search.includes('event={MILITARY[2]}')")
    page.keyboard.press("Escape")
    expect(page.locator("#timeline-graph")).to_be_focused()

    tab_to(page, "#reset", back=True)
    page.keyboard.press("Enter")
    page.wait_for_function("() => !location.search.includes('category')")
    expect(page.locator("#category-filter input:checked")).to_have_count(0)
    expect(page.locator("#event-count")).to_have_text(f"{len(EVENTS)} events")
    assert page.problems == []
