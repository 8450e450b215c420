"""The compact embed (issue 15): the list folded, the chart and the card on the first screen.

At rest an article's embed shows the chart, the chosen event's card and the
controls, not four screens of list: the list is a disclosure ("27 events in
date order") closed in the embed and the static export, opened by a reader's
click or by `list=open` in the link, and the URL follows it as it follows any
view change. The explorer's list is open. Each test runs against the app's
/embed and a static export of the curated timeline.
"""
from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from browser import accessibility_violations, serving
from support import csv_bytes
from timeline.app_factory import create_app
from timeline.config import Config

pytestmark = pytest.mark.browser
expect.set_options(timeout=10_000)

LINKED_EVENT = "aurus-delivered"
LINKED_TITLE = "North Korea confirms Putin's gift car has arrived for Kim"
# (width, height) of the window, and the most the embed may be tall at rest there.
DESKTOP, DESKTOP_MOST = {"width": 1280, "height": 800}, 760
PHONE, PHONE_MOST = {"width": 375, "height": 740}, 900
# The height the embed tells the article around it (embed/web/resize.js): its
# body's bottom, margin included. Not the root's scrollHeight, which is never
# less than the window's own height.
EMBED_HEIGHT = """() => {
    const body = document.body;
    return Math.ceil(body.getBoundingClientRect().bottom + scrollY
                     + parseFloat(getComputedStyle(body).marginBottom));
}"""


def open_at_rest(page, url: str) -> None:
    """The page drawn: its chart answering, its count, list and card in place."""
    page.goto(url)
    page.wait_for_selector("html[data-timeline=interactive]", state="attached")
    expect(page.locator("#event-list li").first).to_be_attached()
    expect(page.locator("#event-detail > *").first).to_be_attached()
    expect(page.locator("#event-detail .detail-loading")).to_have_count(0)


def list_in_url(page) -> list[str]:
    return parse_qs(urlparse(page.url).query).get("list", [])


def test_the_list_is_folded_at_rest_and_says_how_many_events_it_holds(new_page, curated_embed_url):
    page = new_page()
    open_at_rest(page, curated_embed_url)
    disclosure = page.locator("#timeline .list-disclosure")
    expect(disclosure).not_to_have_attribute("open", "")
    expect(page.locator("#timeline .list-summary")).to_have_text("27 events in date order")
    # Folded, not gone: every row is in the page, unseen.
    expect(page.locator("#event-list li")).to_have_count(27)
    expect(page.locator("#event-list li").first).to_be_hidden()
    # The count is of the events shown.
    open_at_rest(page, curated_embed_url + "?category=gifts")
    expect(page.locator("#timeline .list-summary")).to_have_text("9 events in date order")
    assert page.problems == []


@pytest.mark.parametrize("query", ["", f"?event={LINKED_EVENT}"], ids=["no-event", "event"])
@pytest.mark.parametrize("viewport, most", [(DESKTOP, DESKTOP_MOST), (PHONE, PHONE_MOST)],
                         ids=["1280", "375"])
def test_at_rest_the_embed_is_one_screen_tall(new_page, curated_embed_url, viewport, most,
                                              query):
    page = new_page(viewport)
    open_at_rest(page, curated_embed_url + query)
    height = page.evaluate(EMBED_HEIGHT)
    assert height <= most, f"{height} px tall at {viewport['width']} px wide"
    assert page.problems == []


def test_a_link_to_one_event_shows_its_card_on_a_phones_first_screen(new_page, curated_embed_url):
    page = new_page(PHONE)
    open_at_rest(page, f"{curated_embed_url}?event={LINKED_EVENT}")
    title = page.locator("#event-detail h2")
    expect(title).to_have_text(LINKED_TITLE)
    assert page.evaluate("scrollY") == 0
    box = title.bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= PHONE["height"], box
    assert page.evaluate(EMBED_HEIGHT) <= PHONE_MOST
    assert page.problems == []


def test_the_card_opens_as_a_teaser_and_reads_on_in_place(new_page, curated_embed_url):
    """Its first lines and "Read more": the whole card once asked for, and every
    card after it; a story's cards are always whole."""
    page = new_page(PHONE)
    open_at_rest(page, f"{curated_embed_url}?event={LINKED_EVENT}")
    card = page.locator("#event-detail")
    more = card.locator(".detail-more")
    expect(more).to_have_text("Read more")
    expect(more).to_have_attribute("aria-expanded", "false")
    expect(card.locator(".detail-lead")).to_contain_text("North Korea's state news agency")
    expect(card.locator(".detail-facts")).to_have_count(0)
    short = card.bounding_box()["height"]
    more.focus()
    page.keyboard.press("Enter")
    expect(card.locator(".detail-facts")).to_contain_text("KCNA, via source article")
    expect(more).to_have_text("Show less")
    expect(more).to_be_focused()
    assert card.bounding_box()["height"] > short + 100
    page.locator("#next-event").click()
    expect(card.locator("h2")).not_to_have_text(LINKED_TITLE)
    expect(card.locator(".detail-facts")).to_be_visible()
    more.click()
    expect(card.locator(".detail-facts")).to_have_count(0)
    # A story's card is whole.
    open_at_rest(page, f"{curated_embed_url}?story=1&event={LINKED_EVENT}")
    expect(card.locator(".detail-facts")).to_be_visible()
    expect(card.locator(".detail-more")).to_have_count(0)
    assert page.problems == []


def test_a_click_opens_the_list_and_the_url_keeps_it(new_page, curated_embed_url):
    page = new_page()
    open_at_rest(page, curated_embed_url + "?category=gifts")
    summary = page.locator("#timeline .list-summary")
    summary.click()
    expect(page.locator("#event-list a").first).to_be_visible()
    page.wait_for_function("() => location.search.includes('list=open')")
    assert list_in_url(page) == ["open"]
    assert "category=gifts" in page.url  # the rest of the view stays
    # Folded again, the parameter goes; back and forward replay both.
    summary.click()
    page.wait_for_function("() => !location.search.includes('list=')")
    expect(page.locator("#event-list li").first).to_be_hidden()
    page.go_back()
    expect(page.locator("#event-list a").first).to_be_visible()
    page.go_back()
    expect(page.locator("#event-list li").first).to_be_hidden()
    assert page.problems == []


def test_a_link_with_list_open_opens_it_and_keeps_the_chart_s_picture(new_page, curated_embed_url):
    page = new_page()
    open_at_rest(page, curated_embed_url + "?list=open")
    expect(page.locator("#timeline .list-disclosure")).to_have_attribute("open", "")
    expect(page.locator("#event-list li")).to_have_count(27)
    expect(page.locator("#event-list a").nth(26)).to_be_visible()
    # The chart is the one of the whole timeline: its picture, no plotly.js needed.
    expect(page.locator(".chart-preview")).to_be_visible()
    # Reset clears the filters, not the reader's open list.
    page.locator("#filters summary").click()
    page.locator("#reset").click()
    expect(page.locator("#event-list a").first).to_be_visible()
    assert list_in_url(page) == ["open"]
    assert page.problems == []


def test_the_lists_links_are_reached_by_keyboard_once_open(new_page, curated_embed_url):
    page = new_page()
    open_at_rest(page, curated_embed_url)
    summary = page.locator("#timeline .list-summary")
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#event-list a").first).to_be_visible()
    page.keyboard.press("Tab")
    first = page.locator("#event-list a").first
    expect(first).to_be_focused()
    title = first.locator(".list-title").inner_text()
    page.keyboard.press("Enter")
    expect(page.locator("#event-detail h2")).to_have_text(title)
    assert list_in_url(page) == ["open"]
    # Folded by keyboard too.
    summary.focus()
    page.keyboard.press("Space")
    page.wait_for_function("() => !location.search.includes('list=')")
    expect(page.locator("#event-list li").first).to_be_hidden()
    assert page.problems == []


def test_a_link_chosen_before_the_lists_toggle_event_keeps_the_list_open(new_page,
                                                                         curated_embed_url):
    """The toggle event comes a task after the list opens: a reader quick
    enough (or a loaded machine) chooses an event first. The list stays open."""
    page = new_page()
    open_at_rest(page, curated_embed_url)
    title = page.evaluate("""() => {
        document.querySelector("#timeline .list-disclosure").open = true;
        const link = document.querySelector("#event-list a");
        link.click();  // same task: no toggle event has fired yet
        return link.querySelector(".list-title").textContent;
    }""")
    expect(page.locator("#event-detail h2")).to_have_text(title)
    expect(page.locator("#timeline .list-disclosure")).to_have_attribute("open", "")
    page.wait_for_timeout(200)  # the late toggle event, which must change nothing
    expect(page.locator("#timeline .list-disclosure")).to_have_attribute("open", "")
    assert list_in_url(page) == ["open"]
    assert page.problems == []


@pytest.mark.parametrize("query", ["", "?list=open&event=" + LINKED_EVENT], ids=["folded", "open"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "375"])
def test_axe_finds_no_violation_with_the_list_folded_or_open(new_page, curated_embed_url, query,
                                                             viewport):
    page = new_page(viewport)
    open_at_rest(page, curated_embed_url + query)
    assert accessibility_violations(page) == []


# ----------------------------------------------------- a list long enough to scroll

LONG = 120  # events: above virtual-list.js's SHORT_LIST, so the list scrolls in a box


@pytest.fixture(scope="module")
def long_embed_url(tmp_path_factory):
    rows = [{"id": f"event-{n:03d}", "start": f"{2000 + n // 12}-{n % 12 + 1:02d}-01",
             "title": f"Event number {n}", "actors": "Someone", "category": "diplomacy"}
            for n in range(LONG)]
    path = tmp_path_factory.mktemp("long") / "events.csv"
    path.write_bytes(csv_bytes(rows))
    with serving(create_app(Config(data_path=path)).server) as url:
        yield url + "/embed"


def test_a_long_list_opened_shows_its_rows_and_the_chosen_one(new_page, long_embed_url):
    """The list was drawn while folded (no box to measure): opened, it fills its
    box with rows and shows the event the link chose."""
    page = new_page()
    open_at_rest(page, long_embed_url + "?event=event-100")
    page.locator("#timeline .list-summary").click()
    page.wait_for_function("""() => {
        const box = document.querySelector('#timeline .list-scroll');
        const row = document.querySelector('#event-list li[aria-current="true"]');
        if (!box.clientHeight || !row) { return false; }
        const inside = box.getBoundingClientRect(), at = row.getBoundingClientRect();
        return at.top >= inside.top - 1 && at.bottom <= inside.bottom + 1;
    }""")
    box = page.locator("#timeline .list-scroll")
    expect(box).to_have_attribute("role", "region")
    rows = page.evaluate("""() => {
        const inside = document.querySelector('#timeline .list-scroll').getBoundingClientRect();
        return Array.from(document.querySelectorAll('#event-list li')).filter(row => {
            const at = row.getBoundingClientRect();
            return at.bottom > inside.top && at.top < inside.bottom;
        }).map(row => row.getAttribute('aria-posinset'));
    }""")
    assert "101" in rows and len(rows) >= 4
    expect(page.locator("#timeline .list-summary")).to_have_text("120 events in date order")
    assert page.problems == []


# ------------------------------------------------------------------------ explorer

def test_the_explorers_list_is_open(new_page, curated_data_file):
    with serving(create_app(Config(data_path=curated_data_file)).server) as url:
        page = new_page()
        page.goto(url + "/")
        page.wait_for_selector("html[data-timeline=interactive]", state="attached")
        expect(page.locator("#event-list a").first).to_be_visible()
        expect(page.locator("#timeline .list-summary")).to_have_text("27 events in date order")
        assert list_in_url(page) == []
        # Its cards are whole: the explorer is a page of its own, with room to read.
        page.goto(f"{url}/?event={LINKED_EVENT}")
        expect(page.locator("#event-detail .detail-facts")).to_be_visible()
        expect(page.locator("#event-detail .detail-more")).to_have_count(0)
