"""The editors' list of a folder of timelines in Chromium (issue 18): logged in at
/edit/, an editor makes a timeline from the blank template with the keyboard alone
and lands in its editor; the list fits a 320 px phone, light or dark, with no axe
violation, its forms open and closed or refused."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

import editor_pages
from browser import accessibility_violations
from editor_pages import submit_the_login

pytestmark = pytest.mark.browser
open_page, folder_site = editor_pages.open_page, editor_pages.folder_site
WCAG22 = ("target-size",)


def log_in_to_the_list(page, url: str) -> None:
    page.goto(url + "/edit/")
    expect(page).to_have_url(re.compile(r"/edit/login$"))
    submit_the_login(page, "Anna")
    expect(page.get_by_role("heading", name="Timelines", exact=True)).to_be_visible()


def no_violations(page, view: str) -> None:
    found = accessibility_violations(page, also=WCAG22)
    assert found == [], f"{view}:\n" + "\n".join(found)


def fits(page, width: int) -> None:
    """Nothing wider than the screen: no sideways scrolling on a phone."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def press_until_focused(page, locator, most: int = 40) -> None:
    """Tab forward until `locator` has the focus (what a keyboard user does)."""
    for _ in range(most):
        if locator.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{locator} never took the focus")


def test_an_editor_makes_a_timeline_from_the_blank_template_by_keyboard(folder_site,
                                                                      open_page):
    url, folder = folder_site
    page = open_page(1280)
    log_in_to_the_list(page, url)
    summary = page.locator("details.new summary")
    press_until_focused(page, summary)
    page.keyboard.press("Enter")
    address = page.get_by_label("Address", exact=True)
    expect(address).to_be_visible()
    page.keyboard.press("Tab")
    expect(address).to_be_focused()
    page.keyboard.type("harbour-fire")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Title", exact=True)).to_be_focused()
    page.keyboard.type("The harbour fire")
    expect(page.get_by_label("A blank template", exact=False)).to_be_checked()
    press_until_focused(page, page.get_by_role("button", name="Create timeline"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/t/harbour-fire/edit/$"), timeout=30_000)
    # Its editor, with the template's example event in the table.
    expect(page.locator("#edit-grid .ag-row").first).to_be_visible(timeout=30_000)
    expect(page.locator("#edit-grid")).to_contain_text("Council votes to close the old bridge")
    assert (folder / "harbour-fire.csv").is_file()
    page.goto(url + "/edit/")
    item = page.get_by_role("listitem").filter(has=page.get_by_role(
        "heading", name="The harbour fire"))
    expect(item).to_contain_text("Draft")
    assert page.problems == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_list_fits_a_phone_with_no_axe_violation(folder_site, open_page, scheme):
    url, _ = folder_site
    page = open_page(320, scheme=scheme)
    log_in_to_the_list(page, url)
    fits(page, 320)
    no_violations(page, "the list")

    page.locator("details.new summary").click()
    page.locator("details.rename summary").first.click()
    expect(page.get_by_role("button", name="Create timeline")).to_be_visible()
    fits(page, 320)
    no_violations(page, "the list, its forms open")

    # A taken address, refused: the message is read out and the field marked.
    page.get_by_label("Address", exact=True).fill("harbour")
    page.get_by_label("Title", exact=True).fill("Another harbour")
    page.get_by_role("button", name="Create timeline").click()
    expect(page.get_by_role("alert")).to_contain_text("There is already a timeline")
    expect(page.get_by_role("alert")).to_be_focused()  # where a keyboard user starts again
    expect(page.get_by_label("Address", exact=True)).to_have_attribute("aria-invalid", "true")
    fits(page, 320)
    no_violations(page, "the list, a refusal")
    assert page.problems == []


def test_a_renamed_timelines_old_address_leads_to_its_new_one(folder_site, open_page):
    url, folder = folder_site
    page = open_page(1280)
    log_in_to_the_list(page, url)
    harbour = page.get_by_role("listitem").filter(has=page.get_by_role(
        "heading", name="A year at the harbour"))
    harbour.locator("summary").click()
    harbour.get_by_label("New address").fill("harbour-2024")
    harbour.get_by_role("button", name="Rename").click()
    expect(page.get_by_role("status")).to_contain_text("/t/harbour/ redirects there")
    assert (folder / "harbour-2024.csv").is_file() and not (folder / "harbour.csv").exists()
    page.goto(url + "/t/harbour/embed?category=ferries")
    expect(page).to_have_url(url + "/t/harbour-2024/embed?category=ferries")
    assert page.problems == []
