"""Story mode (issue 15): the events one card at a time, in date order.

"Read as a story" (or `story=1` in a link) opens the first event shown, large,
under the chart, which stays above to find one's way; ← →, the buttons and a
swipe step, and the address follows each step, so back goes back a step and a
copied link opens the same card. The explorer always offers it; an embed when
its timeline's title row says `story` (its `settings`) or its link opened one.
Run against the explorer, the app's /embed and a static
export of the curated timeline.
"""
from __future__ import annotations

import csv
import io
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from browser import accessibility_violations, serving_embed, swipe
from support import BUNDLED_CSV
from timeline.config import Config

pytestmark = pytest.mark.browser
expect.set_options(timeout=10_000)

DESKTOP, PHONE = {"width": 1280, "height": 800}, {"width": 375, "height": 740}
# The curated timeline's first three events in date order, and the first gift.
FIRST, SECOND, THIRD = "kim-il-sung-zis", "kim-jong-il-mercedes", "putin-pyongyang-2000"
FIRST_GIFT = FIRST
TOTAL = 27


def open_page_at(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("html[data-timeline=interactive]", state="attached")
    expect(page.locator("#event-list li").first).to_be_attached()


def query(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def in_story_at(page, event: str, position: int, total: int = TOTAL,
                address: bool = True) -> None:
    """The card and the progress line at `event`, and the address (but for a
    page just opened by a link, whose address stays as the link was)."""
    if address:
        page.wait_for_function(f"() => location.search.includes('event={event}')")
    assert query(page)["story"] == ["1"]
    expect(page.locator("#story-progress")).to_have_text(f"Event {position} of {total}")
    expect(page.locator("#event-detail h2")).to_be_visible()
    expect(page.locator("#timeline")).to_have_class("page is-story")


def chart_shows(page, day: str) -> bool:
    """Whether Plotly's chart, once drawn, holds `day` in its time window."""
    page.wait_for_function("""(day) => {
        const graph = document.getElementById('timeline-graph');
        if (!graph._fullLayout) { return false; }
        const [from, to] = graph._fullLayout.xaxis.range.map(String);
        return from.slice(0, 10) <= day && day <= to.slice(0, 10);
    }""", arg=day)
    return True


def test_the_explorer_starts_a_story_and_steps_through_it(new_page, curated_explorer_url):
    page = new_page()
    open_page_at(page, curated_explorer_url)
    toggle = page.locator("#story-toggle")
    expect(toggle).to_have_text("Read as a story")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    expect(page.locator("#story-progress")).to_be_hidden()
    toggle.click()
    in_story_at(page, FIRST, 1)
    expect(toggle).to_have_attribute("aria-pressed", "true")
    # The list steps aside; the chart stays above the card, the card as wide as it.
    expect(page.locator("#event-list")).to_be_hidden()
    chart = page.locator("#timeline-graph").bounding_box()
    card = page.locator("#event-detail").bounding_box()
    assert card["y"] >= chart["y"] + chart["height"] and card["width"] >= chart["width"] - 1
    # The chart's window moves to each event, the first (1948) far before the
    # window the timeline opens at (2022-2024), at the same scale.
    assert chart_shows(page, "1948-06-01")
    page.keyboard.press("ArrowRight")
    in_story_at(page, SECOND, 2)
    assert chart_shows(page, "1994-06-01")
    page.locator("#next-event").click()
    in_story_at(page, THIRD, 3)
    # Each step is a page of history.
    page.go_back()
    in_story_at(page, SECOND, 2)
    page.keyboard.press("ArrowLeft")
    in_story_at(page, FIRST, 1)
    # Leaving keeps the event open and brings the list back.
    toggle.click()
    page.wait_for_function("() => !location.search.includes('story=')")
    assert query(page)["event"] == [FIRST]
    expect(page.locator("#event-list")).to_be_visible()
    expect(page.locator("#story-progress")).to_be_hidden()
    assert page.problems == []


def test_a_story_link_opens_the_story_within_the_filters(new_page, curated_explorer_url):
    page = new_page()
    open_page_at(page, curated_explorer_url + "?story=1&category=gifts")
    in_story_at(page, FIRST_GIFT, 1, total=9, address=False)
    expect(page.locator("#event-detail h2")).to_have_text(
        "Kim Il-sung is said to have loved his ZIS Soviet limousine")
    page.keyboard.press("ArrowRight")
    in_story_at(page, SECOND, 2, total=9)
    # Reset clears the filters and stays in the story.
    page.locator("#reset").click()
    page.wait_for_function("() => !location.search.includes('category=')")
    assert query(page)["story"] == ["1"]
    expect(page.locator("#story-progress")).to_contain_text(f"of {TOTAL}")
    assert page.problems == []


def test_an_embed_offers_a_story_only_when_its_link_asks(new_page, curated_embed_url):
    page = new_page()
    open_page_at(page, curated_embed_url)
    expect(page.locator("#story-toggle")).to_be_hidden()
    open_page_at(page, curated_embed_url + "?story=1")
    in_story_at(page, FIRST, 1, address=False)
    expect(page.locator("#story-toggle")).to_have_text("Leave the story")
    assert page.problems == []


def test_an_embed_still_offers_the_story_its_reader_left(new_page, curated_embed_url):
    page = new_page()
    open_page_at(page, curated_embed_url + "?story=1")
    page.locator("#story-toggle").click()
    page.wait_for_function("() => !location.search.includes('story=')")
    expect(page.locator("#story-toggle")).to_have_text("Read as a story")
    expect(page.locator("#timeline")).not_to_have_class("page is-story")
    assert page.problems == []


@pytest.fixture(scope="module", params=["app", "static"])
def story_embed_url(request, tmp_path_factory):
    """The curated timeline whose title row's settings say `story`."""
    rows = list(csv.DictReader(io.StringIO(BUNDLED_CSV.decode("utf-8"))))
    for row in rows:
        row["settings"] = "story" if row["type"] == "title" else ""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[*rows[0]])
    writer.writeheader()
    writer.writerows(rows)
    path = tmp_path_factory.mktemp("story") / "events.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    with serving_embed(request.param, Config(data_path=path),
                       tmp_path_factory.mktemp("export")) as url:
        yield url


def test_an_embed_offers_the_story_its_title_row_asks_for(new_page, story_embed_url):
    page = new_page()
    open_page_at(page, story_embed_url)
    toggle = page.locator("#story-toggle")
    expect(toggle).to_have_text("Read as a story")
    toggle.click()
    in_story_at(page, FIRST, 1)
    page.keyboard.press("ArrowRight")
    in_story_at(page, SECOND, 2)
    assert page.problems == []


def test_on_a_phone_a_swipe_steps_the_story(new_page, curated_embed_url):
    page = new_page(PHONE, touch=True)
    open_page_at(page, curated_embed_url + f"?story=1&event={SECOND}")
    in_story_at(page, SECOND, 2)
    swipe(page, "#event-detail", dx=-160)
    in_story_at(page, THIRD, 3)
    swipe(page, "#event-detail", dx=160)
    in_story_at(page, SECOND, 2)
    assert page.problems == []


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "375"])
def test_axe_finds_no_violation_in_a_story(new_page, curated_embed_url, viewport):
    page = new_page(viewport)
    open_page_at(page, curated_embed_url + "?story=1")
    in_story_at(page, FIRST, 1, address=False)
    assert accessibility_violations(page) == []
