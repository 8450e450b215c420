"""The event's card where the reader looks (issue 15).

Beside the chart where the page is wide enough for both, under it on a phone;
a reader's choice of event brings the card's first lines into sight without
the page leaving the chart, and the page never scrolls by itself as it opens;
on a touch screen a swipe across the card steps to the next or previous event,
as ← → and the buttons do. Run against the app's /embed, its explorer `/` and
a static export of the curated timeline.
"""
from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from browser import accessibility_violations, swipe

pytestmark = pytest.mark.browser
expect.set_options(timeout=10_000)

DESKTOP, PHONE = {"width": 1280, "height": 800}, {"width": 375, "height": 740}
FIRST, SECOND = "kim-il-sung-zis", "kim-jong-il-mercedes"  # the first two in date order






def open_event(page, url: str, event: str | None = FIRST) -> None:
    page.goto(url + (f"?event={event}" if event else ""))
    page.wait_for_selector("html[data-timeline=interactive]", state="attached")
    expect(page.locator("#event-detail > *").first).to_be_attached()
    expect(page.locator("#event-detail .detail-loading")).to_have_count(0)


def event_in_url(page) -> str | None:
    return parse_qs(urlparse(page.url).query).get("event", [None])[0]


def boxes(page) -> dict:
    return page.evaluate("""() => Object.fromEntries(
        ['timeline-graph', 'event-detail'].map(id => {
            const box = document.getElementById(id).getBoundingClientRect();
            return [id, {left: box.left, right: box.right, top: box.top, bottom: box.bottom}];
        }))""")


def test_on_a_wide_page_the_card_is_beside_the_chart(new_page, curated_embed_url):
    page = new_page(DESKTOP)
    open_event(page, curated_embed_url)
    seen = boxes(page)
    chart, card = seen["timeline-graph"], seen["event-detail"]
    assert card["left"] >= chart["right"], seen
    assert card["top"] < chart["bottom"] and card["top"] < DESKTOP["height"], seen
    assert page.problems == []


@pytest.mark.parametrize("where", ["embed", "explorer"])
def test_on_a_phone_the_card_is_under_the_chart(new_page, curated_embed_url,
                                                curated_explorer_url, where):
    page = new_page(PHONE)
    open_event(page, curated_embed_url if where == "embed" else curated_explorer_url)
    seen = boxes(page)
    chart, card = seen["timeline-graph"], seen["event-detail"]
    assert card["top"] >= chart["bottom"], seen
    assert card["left"] < chart["right"] and card["right"] > chart["left"], seen
    # Nothing scrolled as the page opened.
    assert page.evaluate("scrollY") == 0
    assert page.problems == []


def test_a_readers_choice_brings_the_card_into_sight(new_page, curated_explorer_url):
    """On a phone the card is under the chart, here one lane per actor, taller
    than the screen: the page scrolls just enough to show the card's first lines."""
    page = new_page(PHONE)
    open_event(page, curated_explorer_url + "?lanes=actor", event=None)
    assert boxes(page)["event-detail"]["top"] > PHONE["height"]  # out of sight at first
    page.keyboard.press("ArrowRight")  # the first event (the stepper is out of sight too)
    # The card follows the chart's frame (afterPaint), then the page moves to it.
    page.wait_for_function("""() => {
        const title = document.querySelector('#event-detail h2');
        if (!title) { return false; }
        const box = title.getBoundingClientRect();
        return box.top >= 0 && box.bottom <= innerHeight;
    }""")
    assert "event=" in page.url
    # Not past the chart: the chart's bottom part is still on the screen.
    assert boxes(page)["timeline-graph"]["bottom"] > 0
    assert page.problems == []


def test_a_swipe_across_the_card_steps(new_page, curated_embed_url):
    page = new_page(PHONE, touch=True)
    open_event(page, curated_embed_url)
    swipe(page, "#event-detail", dx=-160)  # to the left: the next event
    page.wait_for_function(f"() => location.search.includes('event={SECOND}')")
    swipe(page, "#event-detail", dx=160)  # to the right: back
    page.wait_for_function(f"() => location.search.includes('event={FIRST}')")
    # Mostly up or down is a scroll of the page, never a step; nor is a short slide.
    swipe(page, "#event-detail", dx=-60, dy=-200)
    swipe(page, "#event-detail", dx=-30)
    page.wait_for_timeout(300)
    assert event_in_url(page) == FIRST
    # The card is the one in the address.
    expect(page.locator("#event-detail h2")).not_to_have_text("")
    assert page.problems == []


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "375"])
def test_axe_finds_no_violation_with_the_card_open(new_page, curated_embed_url, viewport):
    """The embed and the export; the explorer's Dash controls are issue 17's."""
    page = new_page(viewport)
    open_event(page, curated_embed_url)
    assert accessibility_violations(page) == []


def plotly_window(page) -> list[str]:
    page.wait_for_function("() => document.getElementById('timeline-graph')._fullLayout")
    return page.evaluate("""() => document.getElementById('timeline-graph')._fullLayout
        .xaxis.range.map(value => String(value).slice(0, 10))""")


def test_an_event_outside_the_first_window_brings_the_window_to_it(new_page,
                                                                    curated_explorer_url):
    """The curated timeline opens on 2022-2024; a link to its 1948 event shows
    that year, at the same scale; hidden by a filter, the event moves nothing."""
    page = new_page()
    open_event(page, curated_explorer_url, event=None)
    first = plotly_window(page)
    assert first[0].startswith("2021") or first[0].startswith("2022"), first
    open_event(page, curated_explorer_url)  # FIRST: 1948
    page.wait_for_function("""() => String(document.getElementById('timeline-graph')
        ._fullLayout.xaxis.range[0]) < '1948-06'""")
    moved = plotly_window(page)
    assert moved[0] <= "1948-01-01" <= moved[1]
    span = (date.fromisoformat(moved[1]) - date.fromisoformat(moved[0])).days
    assert abs(span - (date.fromisoformat(first[1]) - date.fromisoformat(first[0])).days) <= 2
    assert "zoom=" not in page.url  # the link stays the reader's
    page.goto(curated_explorer_url + f"?event={FIRST}&category=military")
    page.wait_for_selector("html[data-timeline=interactive]", state="attached")
    page.wait_for_function("""() => String(document.getElementById('timeline-graph')
        ._fullLayout.xaxis.range[0]) > '2000'""")
    assert page.problems == []
