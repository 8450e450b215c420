"""The credit line (issue 18) as readers see it: "Graphic: …, Source: …" at the foot
of the embed, its static export and the explorer, in the page's language, as text,
within the compact embed's height at rest, and with no accessibility violation.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from browser import accessibility_violations, serving, serving_embed
from support import BUNDLED_CSV
from test_compact_embed_browser import (
    DESKTOP,
    DESKTOP_MOST,
    EMBED_HEIGHT,
    LINKED_EVENT,
    PHONE,
    PHONE_MOST,
    open_at_rest,
)
from test_credit_and_status import with_title_row
from timeline.app_factory import create_app
from timeline.config import Config

pytestmark = pytest.mark.browser
expect.set_options(timeout=10_000)

# Long enough to wrap on a phone: a newsroom's credit often names a desk and a person.
CREDIT = "Jane Smith and Kim Min-ji, The Daily's graphics desk"
SOURCE = "KCNA; Yonhap; the Kremlin's readouts, via the source article"
SOURCE_URL = "https://example.org/sources"
LINE = f"Graphic: {CREDIT}, Source: {SOURCE}"


@pytest.fixture(scope="module")
def credited_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("credited") / "events.csv"
    path.write_bytes(with_title_row(BUNDLED_CSV, settings=f"credit={CREDIT}", source=SOURCE,
                                    source_url=SOURCE_URL))
    return path


@pytest.fixture(scope="module", params=["app", "static"])
def credited_embed_url(request, credited_file, tmp_path_factory):
    with serving_embed(request.param, Config(data_path=credited_file),
                       tmp_path_factory.mktemp("export")) as url:
        yield url


@pytest.mark.parametrize("viewport, most", [(DESKTOP, DESKTOP_MOST), (PHONE, PHONE_MOST)],
                         ids=["1280", "375"])
def test_the_embed_s_foot_credits_the_graphic_within_its_height_at_rest(
        new_page, credited_embed_url, viewport, most):
    page = new_page(viewport)
    open_at_rest(page, credited_embed_url)
    footer = page.locator("#timeline .credit-line")
    expect(footer).to_have_text(LINE)
    expect(footer).to_be_visible()
    link = footer.get_by_role("link", name=SOURCE)
    expect(link).to_have_attribute("href", SOURCE_URL)
    # Under everything else the embed shows, inside the page's width.
    box, above = footer.bounding_box(), page.locator("#timeline .list-section").bounding_box()
    assert box["y"] >= above["y"] + above["height"] - 1
    assert page.evaluate("document.querySelector('#timeline .main').lastElementChild"
                         ".classList.contains('credit-line')")
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
    height = page.evaluate(EMBED_HEIGHT)
    assert height <= most, f"{height} px tall at {viewport['width']} px wide"
    assert accessibility_violations(page) == []
    assert page.problems == []


def test_a_one_line_credit_keeps_a_phone_s_embed_with_an_event_s_card_one_screen_tall(
        new_page, tmp_path):
    """The tallest compact embed at rest (test_compact_embed_browser: an event's card on
    a phone) has room for a line of credit: the folded list's spacing gives way."""
    path = tmp_path / "events.csv"
    path.write_bytes(with_title_row(BUNDLED_CSV, settings="credit=Jane Smith, The Daily",
                                    source="KCNA, Yonhap"))
    with serving(create_app(Config(data_path=path)).server) as url:
        page = new_page(PHONE)
        open_at_rest(page, f"{url}/embed?event={LINKED_EVENT}")
        line = page.locator("#timeline .credit-line")
        expect(line).to_have_text("Graphic: Jane Smith, The Daily, Source: KCNA, Yonhap")
        expect(line).to_be_visible()
        height = page.evaluate(EMBED_HEIGHT)
        assert height <= PHONE_MOST, f"{height} px tall at 375 px wide"
        assert page.problems == []


def test_the_credit_line_fits_a_320_px_phone_and_its_link_is_reached_by_keyboard(
        new_page, credited_embed_url):
    page = new_page({"width": 320, "height": 700})
    open_at_rest(page, credited_embed_url)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    link = page.locator("#timeline .credit-line a")
    for _ in range(60):  # Tab through the page to the footer's link, the page's last
        page.keyboard.press("Tab")
        if link.evaluate("(a) => a === document.activeElement"):
            break
    expect(link).to_be_focused()
    assert page.problems == []


def test_the_explorer_shows_the_credit_line_in_the_link_s_language(new_page, credited_file):
    with serving(create_app(Config(data_path=credited_file)).server) as url:
        page = new_page()
        page.goto(url + "/")
        page.wait_for_selector("html[data-timeline=interactive]", state="attached")
        footer = page.locator("#timeline .credit-line")
        expect(footer).to_have_text(LINE)
        assert accessibility_violations(page) == []
        page.goto(url + "/embed?lang=ko")
        expect(page.locator(".credit-line")).to_have_text(
            f"그래픽: {CREDIT}, 출처: {SOURCE}")
        page.goto(url + "/?lang=ru")
        expect(page.locator(".credit-line")).to_have_text(
            f"Графика: {CREDIT}, Источник: {SOURCE}")
        assert page.problems == []


def test_the_credit_line_is_text_that_never_runs(new_page, tmp_path):
    credit = '"><img src=x onerror="window.__xss=1">'
    source = "<script>window.__xss=1</script></footer><b>bold</b>"
    path = tmp_path / "events.csv"
    path.write_bytes(with_title_row(BUNDLED_CSV, settings=f"credit={credit}", source=source,
                                    source_url='https://example.org/"><img/src=x/onerror=window.__xss=1>'))
    with serving(create_app(Config(data_path=path)).server) as url:
        for address in (url + "/embed", url + "/"):
            page = new_page()
            page.goto(address)
            page.wait_for_selector("html[data-timeline=interactive]", state="attached")
            footer = page.locator(".credit-line")
            expect(footer).to_have_text(f"Graphic: {credit}, Source: {source}")
            assert footer.locator("img, script, b").count() == 0
            assert page.evaluate("window.__xss") is None
            assert page.problems == []
