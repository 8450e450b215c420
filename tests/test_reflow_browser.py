"""Issue 17, reflow (WCAG 1.4.10): the reader pages usable at 320 px wide and at 400%
zoom of a 1,280 × 800 screen, which a browser lays out as 320 × 200 CSS pixels:
nothing scrolls the page sideways, and the controls a reader needs first are on
it and reachable. The curated timeline (tests/data/events.csv), as readers meet it.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
expect.set_options(timeout=15_000)

NARROW = {"width": 320, "height": 740}
ZOOMED = {"width": 320, "height": 200}  # 1,280 × 800 at 400%
LINKED_EVENT = "aurus-delivered"

SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def opened(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("html[data-timeline=interactive]", state="attached")
    expect(page.locator("#event-list li").first).to_be_attached()


def assert_no_sideways_scroll(page) -> None:
    assert page.evaluate(SIDEWAYS) <= 0, "the page scrolls sideways"


@pytest.mark.parametrize("viewport", [NARROW, ZOOMED], ids=["320", "400%"])
def test_the_embed_reflows(new_page, curated_embed_url, viewport):
    page = new_page(viewport)
    opened(page, curated_embed_url + f"?event={LINKED_EVENT}&list=open")
    expect(page.locator("#event-detail h2")).to_be_visible()
    assert_no_sideways_scroll(page)
    # The filters open within the width too, and a reader's step still works.
    page.locator("#filters summary").click()
    expect(page.locator("#search")).to_be_visible()
    assert_no_sideways_scroll(page)
    before = page.locator("#event-detail h2").inner_text()
    page.locator("#next-event").click()
    expect(page.locator("#event-detail h2")).not_to_have_text(before)
    assert_no_sideways_scroll(page)


@pytest.mark.parametrize("viewport", [NARROW, ZOOMED], ids=["320", "400%"])
def test_the_explorer_reflows(new_page, curated_explorer_url, viewport):
    page = new_page(viewport)
    opened(page, curated_explorer_url + f"?event={LINKED_EVENT}")
    expect(page.locator("#event-detail h2")).to_be_visible()
    assert_no_sideways_scroll(page)
    page.locator(".embed-box summary").click()
    expect(page.locator("#embed-snippet")).to_be_visible()
    assert_no_sideways_scroll(page)
