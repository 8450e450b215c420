"""The event's card where the reader looks (issue 15).

Beside the chart where the page is wide enough for both, under it on a phone;
a reader's choice of event brings the card's first lines into sight without
the page leaving the chart, and the page never scrolls by itself as it opens;
on a touch screen a swipe across the card steps to the next or previous event,
as ← → and the buttons do. Run against the app's /embed, its explorer `/` and
a static export of the curated timeline.
"""
from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from browser import accessibility_violations, record_problems, serving, serving_embed
from support import BUNDLED_CSV
from timeline.app_factory import create_app
from timeline.config import Config

pytestmark = pytest.mark.browser
expect.set_options(timeout=10_000)

DESKTOP, PHONE = {"width": 1280, "height": 800}, {"width": 375, "height": 740}
FIRST, SECOND = "kim-il-sung-zis", "kim-jong-il-mercedes"  # the first two in date order


@pytest.fixture(scope="module")
def data_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("curated") / "events.csv"
    path.write_bytes(BUNDLED_CSV)
    return path


@pytest.fixture(scope="module", params=["app", "static"])
def embed_url(request, data_file, tmp_path_factory):
    with serving_embed(request.param, Config(data_path=data_file),
                       tmp_path_factory.mktemp("export")) as url:
        yield url


@pytest.fixture(scope="module")
def explorer_url(data_file):
    with serving(create_app(Config(data_path=data_file)).server) as url:
        yield url + "/"


@pytest.fixture
def new_page(browser):
    contexts = []

    def open_page(viewport=DESKTOP, touch=False):
        context = browser.new_context(viewport=viewport, has_touch=touch)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return record_problems(context.new_page())
    yield open_page
    for context in contexts:
        context.close()


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


def test_on_a_wide_page_the_card_is_beside_the_chart(new_page, embed_url):
    page = new_page(DESKTOP)
    open_event(page, embed_url)
    seen = boxes(page)
    chart, card = seen["timeline-graph"], seen["event-detail"]
    assert card["left"] >= chart["right"], seen
    assert card["top"] < chart["bottom"] and card["top"] < DESKTOP["height"], seen
    assert page.problems == []


@pytest.mark.parametrize("where", ["embed", "explorer"])
def test_on_a_phone_the_card_is_under_the_chart(new_page, embed_url, explorer_url, where):
    page = new_page(PHONE)
    open_event(page, embed_url if where == "embed" else explorer_url)
    seen = boxes(page)
    chart, card = seen["timeline-graph"], seen["event-detail"]
    assert card["top"] >= chart["bottom"], seen
    assert card["left"] < chart["right"] and card["right"] > chart["left"], seen
    # Nothing scrolled as the page opened.
    assert page.evaluate("scrollY") == 0
    assert page.problems == []


def test_a_readers_choice_brings_the_card_into_sight(new_page, explorer_url):
    """On a phone the card is under the chart, here one lane per actor, taller
    than the screen: the page scrolls just enough to show the card's first lines."""
    page = new_page(PHONE)
    open_event(page, explorer_url + "?lanes=actor", event=None)
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


def swipe(page, selector: str, dx: float, dy: float = 0) -> None:
    """A one-finger swipe across `selector`, as a phone's touch screen sends it."""
    page.locator(selector).scroll_into_view_if_needed()
    box = page.locator(selector).bounding_box()
    x, y = box["x"] + box["width"] / 2 - dx / 2, box["y"] + min(box["height"] / 2, 60)
    cdp = page.context.new_cdp_session(page)
    steps = 6
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for n in range(1, steps + 1):
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [
            {"x": x + dx * n / steps, "y": y + dy * n / steps}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


def test_a_swipe_across_the_card_steps(new_page, embed_url):
    page = new_page(PHONE, touch=True)
    open_event(page, embed_url)
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
def test_axe_finds_no_violation_with_the_card_open(new_page, embed_url, viewport):
    """The embed and the export; the explorer's Dash controls are issue 17's."""
    page = new_page(viewport)
    open_event(page, embed_url)
    assert accessibility_violations(page) == []
