"""Issue 17's audit of the editor, logged in: axe-core finds no violation of any
impact in the grid, the form of one event, the conflict view (fields changed on both
sides, to choose from) and the history with a version's differences, on a phone and
on a laptop, on a light page and a dark one (the system prefers dark)."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from browser import accessibility_violations, record_problems, serving, type_into
from support import BUNDLED_CSV
from timeline.app_factory import create_app
from timeline.config import Config
from timeline.data_store import content_version
from timeline.editor.saving import Saved, save_version

pytestmark = pytest.mark.browser
SECRET = "a newsroom passphrase"
ORIGINAL_TITLE = "First Russian tourists"
WCAG22 = ("target-size",)
ANSWER_TIMEOUT = 30_000  # a check's or a save's answer on two shared, busy cores


@pytest.fixture
def site(tmp_path):
    data = tmp_path / "events.csv"
    data.write_bytes(BUNDLED_CSV)
    app = create_app(Config(data_path=data, edit_secret=SECRET))
    with serving(app.server) as url:
        yield url, data


@pytest.fixture
def open_page(browser):
    contexts = []

    def opened(width: int, scheme: str = "light"):
        context = browser.new_context(viewport={"width": width,
                                                "height": 740 if width < 400 else 800},
                                      color_scheme=scheme)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return record_problems(context.new_page(), console_errors=False)
    yield opened
    for context in contexts:
        context.close()


def log_in(page, url: str, name: str) -> None:
    page.goto(url + "/edit/")
    expect(page).to_have_url(re.compile(r"/edit/login$"))
    page.fill("#name", name)
    page.fill("#secret", SECRET)
    page.click("button[type=submit]")
    expect(page.locator("#edit-grid .ag-row").first).to_be_visible(timeout=30_000)
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
    page = open_page(width, scheme)
    log_in(page, url, "Ben")
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
