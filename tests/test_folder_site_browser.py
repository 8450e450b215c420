"""A newsroom's timelines in a real browser (issue 18): the index searched and
followed, two timelines side by side each with its own lanes, an embed and an edit
under /t/<slug>/, a missing timeline's page; 0 axe violations at 320 and 1,280 px,
and the index by keyboard alone."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from browser import accessibility_violations, grid_cell, plotly_chart, type_into
from editor_pages import folder_site, open_page, submit_the_login  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser
expect.set_options(timeout=15_000)
TIMELINES = Path(__file__).parent / "data" / "timelines"
WCAG22 = ("target-size",)


@pytest.mark.parametrize("width", [320, 1280])
def test_the_index_is_searched_and_followed(folder_site, open_page, width):  # noqa: F811
    url, _ = folder_site
    page = open_page(width)
    page.goto(url + "/t/")
    items = page.locator("#timelines > li")
    expect(items).to_have_count(3)
    assert accessibility_violations(page, also=WCAG22) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.fill("#q", "Harbour")
    expect(page.locator("#timelines > li:visible")).to_have_count(1)
    expect(page.locator("#shown")).to_have_text("1 timeline matching “Harbour”")
    page.fill("#q", "")
    expect(page.locator("#timelines > li:visible")).to_have_count(3)
    page.get_by_role("link", name="The bridge case in court", exact=True).click()
    expect(page).to_have_url(re.compile(r"/t/courts/$"))
    expect(page.locator("h1")).to_contain_text("The bridge case in court")


def test_the_index_by_keyboard_alone(folder_site, open_page):  # noqa: F811
    url, _ = folder_site
    page = open_page(1280)
    page.goto(url + "/t/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type("court")
    expect(page.locator("#timelines > li:visible")).to_have_count(1)
    page.keyboard.press("Tab")   # the search button
    page.keyboard.press("Tab")   # the one timeline left: its title's link
    assert page.evaluate("document.activeElement.textContent") == "The bridge case in court"
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/t/courts/$"))


def lane_labels(page) -> list[str]:
    return page.locator("#category-filter label").all_inner_texts()


def test_two_timelines_side_by_side_each_draw_their_own(folder_site, open_page):  # noqa: F811
    url, _ = folder_site
    courts, harbour = open_page(1280), open_page(1280)
    courts.goto(url + "/t/courts/")
    harbour.goto(url + "/t/harbour/embed")
    plotly_chart(harbour)
    courts.wait_for_selector("#category-filter input", state="attached")
    assert [label.split("\n")[0].strip() for label in lane_labels(courts)] == [
        "Hearings", "Rulings", "Appeals"]
    expect(courts.locator("#event-list li")).to_have_count(5)
    harbour_lanes = harbour.locator("#category-filter input").evaluate_all(
        "(inputs) => inputs.map((input) => input.value)")
    assert harbour_lanes[:3] == ["ferries", "cargo", "storms"]
    for page in (courts, harbour):
        assert accessibility_violations(page, also=WCAG22) == []
    # A reader's filter on one does not touch the other.
    courts.locator("#category-filter input[value=rulings]").check()
    expect(courts.locator("#event-list li")).to_have_count(2)
    # The count line calls the category by its declared label, not its name.
    expect(courts.locator("#event-count")).to_have_text("2 of 5 events · Rulings")
    expect(harbour.locator("html")).to_have_attribute("data-timeline", "interactive")


def test_an_edit_under_a_timelines_address_reaches_its_readers(folder_site, open_page):  # noqa: F811
    url, folder = folder_site
    editor = open_page(1280)
    editor.goto(url + "/edit/")
    expect(editor).to_have_url(re.compile(r"/edit/login$"))
    submit_the_login(editor, "Anna")
    expect(editor.locator("h1")).to_have_text("Timelines")
    assert accessibility_violations(editor, also=WCAG22) == []
    editor.locator('a[href="/t/harbour/edit/"]').first.click()
    expect(editor.locator("#edit-grid .ag-row").first).to_be_visible(timeout=30_000)
    type_into(editor, grid_cell(editor, "new-ferry-line", "title"), "The ferry line edited")
    expect(editor.locator("#edit-problems")).to_contain_text("can be saved")
    editor.click("#edit-save")
    expect(editor.locator("#edit-status")).to_contain_text("Saved version")
    assert b"The ferry line edited" in (folder / "harbour.csv").read_bytes()
    reader = open_page(375)
    reader.goto(url + "/t/harbour/?q=edited")
    expect(reader.locator("#event-list")).to_contain_text("The ferry line edited")
    # The other timelines are untouched, and the history is the harbour's own.
    assert b"edited" not in (folder / "courts.csv").read_bytes()
    assert list((folder / ".history" / "harbour").glob("*.csv"))


@pytest.mark.parametrize("width", [320, 1280])
def test_a_missing_timeline_says_so_and_links_to_the_index(folder_site, open_page, width):  # noqa: F811
    url, _ = folder_site
    page = open_page(width)
    response = page.goto(url + "/t/no-such-story/")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("No timeline here")
    assert accessibility_violations(page, also=WCAG22) == []
    page.get_by_role("link", name="See all timelines").click()
    expect(page).to_have_url(re.compile(r"/t/$"))


def test_the_index_in_russian_counts_as_russian_does(folder_site, open_page):  # noqa: F811
    url, _ = folder_site
    page = open_page(375)
    page.goto(url + "/t/?lang=ru")
    expect(page.locator("h1")).to_have_text("Хронологии")
    expect(page.locator("#shown")).to_have_text("3 хронологии")
    page.fill("#q", "harbour")
    expect(page.locator("#shown")).to_have_text("1 хронология по запросу «harbour»")
    page.fill("#q", "zzz")
    expect(page.locator("#shown")).to_have_text("0 хронологий по запросу «zzz»")
    assert accessibility_violations(page, also=WCAG22) == []
