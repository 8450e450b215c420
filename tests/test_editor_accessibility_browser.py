"""Issue 17's audit of the editor, logged in: axe-core finds no violation of any
impact in the grid, the form of one event, the conflict view (fields changed on both
sides, to choose from) and the history with a version's differences, on a phone and
on a laptop, on a light page and a dark one (the system prefers dark)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from browser import accessibility_violations, type_into
import editor_pages
from editor_pages import log_in
from support import BUNDLED_CSV
from timeline.data_store import content_version
from timeline.editor.saving import Saved, save_version

pytestmark = pytest.mark.browser
# The shared fixtures, bound by name (linters take an import of them for unused).
open_page, site = editor_pages.open_page, editor_pages.site
ORIGINAL_TITLE = "First Russian tourists"
WCAG22 = ("target-size",)
ANSWER_TIMEOUT = 30_000  # a check's or a save's answer on two shared, busy cores


def log_in_and_see_the_preview(page, url: str, name: str) -> None:
    """Logged in as `name`, the preview's marks drawn (axe reads the whole page)."""
    log_in(page, url, name)
    expect(page.locator("#edit-preview .scatterlayer .point").first).to_be_attached(
        timeout=30_000)


def title_cell(page, row_id: str):
    index = page.evaluate("""(id) => {
        const api = dash_ag_grid.getApi('edit-grid');
        let found = null;
        api.forEachNodeAfterFilterAndSort((node) => {
            if (node.data.id === id) { found = node.rowIndex; }
        });
        api.ensureIndexVisible(found, 'middle');
        return found;
    }""", row_id)
    return page.locator(f"#edit-grid .ag-row[row-index='{index}'] [col-id='title']")


def no_violations(page, view: str) -> None:
    found = accessibility_violations(page, also=WCAG22)
    assert found == [], f"{view}:\n" + "\n".join(found)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [375, 1280])
def test_axe_finds_nothing_in_the_editor_its_form_conflicts_and_history(site, open_page,
                                                                        width, scheme):
    url, data = site
    page = open_page(width, 740 if width < 400 else 800, scheme)
    log_in_and_see_the_preview(page, url, "Ben")
    no_violations(page, "the grid")

    page.click("#edit-open-form")
    expect(page.locator("#edit-form")).to_be_visible()
    start = page.locator("#edit-form").get_by_label("start (required)")
    before = start.input_value()
    start.fill("13/12/2023")  # a problem shown by its field
    start.press("Tab")
    expect(start).to_have_attribute("aria-invalid", "true", timeout=ANSWER_TIMEOUT)
    no_violations(page, "the form, a field in error")
    start.fill(before)
    page.keyboard.press("Escape")
    expect(page.locator("#edit-form")).to_be_hidden()

    # Ben changes a title; Anna saves the same field meanwhile: Ben chooses.
    type_into(page, title_cell(page, "russian-tourists"), "Ben's title")
    expect(page.locator("#edit-problems")).to_contain_text("can be saved", timeout=ANSWER_TIMEOUT)
    theirs = BUNDLED_CSV.replace(ORIGINAL_TITLE.encode(), b"Anna's title", 1)
    assert isinstance(save_version(data, theirs, content_version(BUNDLED_CSV), by="Anna"), Saved)
    page.click("#edit-save")
    expect(page.locator("#edit-conflict fieldset")).to_be_visible(timeout=ANSWER_TIMEOUT)
    no_violations(page, "the conflict view")

    page.locator("#edit-conflict input[type=radio]").nth(1).check()
    page.click("#edit-merge-save")
    expect(page.locator("#edit-status")).to_contain_text("merged with Anna's",
                                                         timeout=ANSWER_TIMEOUT)
    page.locator("#edit-history-list button.history-version").nth(1).click()
    expect(page.locator("#edit-history-diff")).to_contain_text("Ben's title",
                                                               timeout=ANSWER_TIMEOUT)
    no_violations(page, "the history, a version's differences shown")
    assert not page.problems
