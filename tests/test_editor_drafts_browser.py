"""Issue 16 in Chromium: unsaved changes survive a closed tab. They are kept in the
browser (localStorage, per timeline and version), offered back on return, and
cleared only by a save or an explicit discard; a draft of an older version is
offered too, says so, and its save is merged with what was saved since."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from browser import accessibility_violations, grid_cell, record_problems, type_into
import editor_pages
from editor_pages import submit_the_login
from support import BUNDLED_CSV
from timeline.data_store import content_version
from timeline.editor.saving import Saved, save_version

pytestmark = pytest.mark.browser
# The shared fixture, bound by name (linters take an import of it for unused).
site = editor_pages.site
expect.set_options(timeout=10_000)
TARGET_ID = "russian-tourists"
OTHER_ID = "putin-pyongyang-2000"
SAVE_TIMEOUT = 30_000


@pytest.fixture
def context(browser):
    """One browser profile: its tabs share the session cookie and localStorage."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    yield context
    context.close()


def new_tab(context):
    return record_problems(context.new_page(), console_errors=False)


def open_editor(page, url: str) -> None:
    page.goto(url + "/edit/")
    if re.search(r"/edit/login$", page.url):
        submit_the_login(page)
    expect(page.locator("#edit-grid .ag-row").first).to_be_visible(timeout=30_000)
    expect(page.locator("#edit-unsaved")).to_have_text(re.compile("unsaved change"))


cell = grid_cell


def draft_key(data, version: str) -> str:
    return f"timeline-draft:{data}:{version}"


def wait_for_draft(page, key: str, changes: int) -> None:
    page.wait_for_function("([key, changes]) => { const d = localStorage.getItem(key);"
                           " return d !== null && JSON.parse(d).changes === changes; }",
                           arg=[key, changes])


def stored(page, key: str) -> bool:
    return page.evaluate("(key) => localStorage.getItem(key) !== null", key)


def test_a_draft_is_restored_after_the_tab_is_closed_and_cleared_by_the_save(site, context):
    url, data = site
    version = content_version(BUNDLED_CSV)
    page = new_tab(context)
    open_editor(page, url)
    type_into(page, cell(page, TARGET_ID, "title"), "Typed before the tab was closed")
    page.evaluate("(id) => { const api = dash_ag_grid.getApi('edit-grid');"
                  " api.forEachNode((node) => node.setSelected(node.data.id === id)); }", OTHER_ID)
    page.click("#edit-delete")
    expect(page.locator("#edit-unsaved")).to_have_text("2 unsaved changes")
    wait_for_draft(page, draft_key(data, version), 2)
    page.close()  # unsaved, without a word: the tab is gone
    assert data.read_bytes() == BUNDLED_CSV

    page = new_tab(context)
    open_editor(page, url)
    banner = page.locator("#edit-draft")
    expect(banner).to_contain_text("You have 2 unsaved changes from")
    expect(banner).not_to_contain_text("older version")
    assert accessibility_violations(page) == []
    page.click("#edit-draft-restore")
    expect(banner).to_be_hidden()
    expect(page.locator("#edit-unsaved")).to_have_text("2 unsaved changes")
    expect(cell(page, TARGET_ID, "title")).to_have_text("Typed before the tab was closed")
    expect(cell(page, TARGET_ID, "title")).to_have_class(re.compile("cell-changed"))
    assert page.evaluate("() => { let n = 0; dash_ag_grid.getApi('edit-grid')"
                         ".forEachNode((node) => { n += node.data.id === 'putin-pyongyang-2000'; });"
                         " return n; }") == 0
    # The restored table is checked like any change, then saved as usual.
    expect(page.locator("#edit-problems")).to_contain_text("can be saved")
    expect(page.locator("#edit-problems")).not_to_have_attribute("data-dash-is-loading", "true")
    page.click("#edit-save")
    expect(page.locator("#edit-status")).to_contain_text("Saved version", timeout=SAVE_TIMEOUT)
    expect(page.locator("#edit-unsaved")).to_have_text("No unsaved changes")
    saved = data.read_text("utf-8")
    assert "Typed before the tab was closed" in saved and f"\n{OTHER_ID}," not in saved
    page.wait_for_function("(key) => localStorage.getItem(key) === null",
                           arg=draft_key(data, version))
    assert not page.problems


def test_a_discarded_draft_is_gone_and_an_unanswered_one_is_kept(site, context):
    url, data = site
    version = content_version(BUNDLED_CSV)
    page = new_tab(context)
    open_editor(page, url)
    type_into(page, cell(page, TARGET_ID, "notes"), "A note to be discarded")
    wait_for_draft(page, draft_key(data, version), 1)
    page.close()

    page = new_tab(context)
    open_editor(page, url)
    expect(page.locator("#edit-draft")).to_contain_text("You have 1 unsaved change from")
    page.close()  # neither restored nor discarded: still kept
    page = new_tab(context)
    open_editor(page, url)
    expect(page.locator("#edit-draft")).to_contain_text("You have 1 unsaved change from")
    assert stored(page, draft_key(data, version))
    page.click("#edit-draft-discard")
    expect(page.locator("#edit-draft")).to_be_hidden()
    assert not stored(page, draft_key(data, version))
    page.reload()
    expect(page.locator("#edit-grid .ag-row").first).to_be_visible(timeout=30_000)
    expect(page.locator("#edit-unsaved")).to_have_text("No unsaved changes")
    expect(page.locator("#edit-draft")).to_be_hidden()
    assert not page.problems


def test_a_draft_of_an_older_version_is_offered_as_such_and_merged_on_save(site, context):
    url, data = site
    old_version = content_version(BUNDLED_CSV)
    page = new_tab(context)
    open_editor(page, url)
    type_into(page, cell(page, TARGET_ID, "title"), "Mine, from the draft")
    wait_for_draft(page, draft_key(data, old_version), 1)
    page.close()
    # Someone else saves another field meanwhile.
    theirs = BUNDLED_CSV.decode("utf-8").replace("Context event from the public record",
                                                 "Anna's note on the public record", 1)
    assert isinstance(save_version(data, theirs.encode("utf-8"), old_version, by="Anna"), Saved)

    page = new_tab(context)
    open_editor(page, url)
    banner = page.locator("#edit-draft")
    expect(banner).to_contain_text("older version of the file")
    page.click("#edit-draft-restore")
    expect(cell(page, TARGET_ID, "title")).to_have_text("Mine, from the draft")
    expect(page.locator("#edit-unsaved")).to_have_text("1 unsaved change")
    expect(page.locator("#edit-problems")).to_contain_text("can be saved")
    expect(page.locator("#edit-problems")).not_to_have_attribute("data-dash-is-loading", "true")
    page.click("#edit-save")
    expect(page.locator("#edit-status")).to_contain_text("Anna", timeout=SAVE_TIMEOUT)
    saved = data.read_text("utf-8")
    assert "Mine, from the draft" in saved and "Anna's note on the public record" in saved
    expect(page.locator("#edit-unsaved")).to_have_text("No unsaved changes")
    page.wait_for_function("(key) => localStorage.getItem(key) === null",
                           arg=draft_key(data, old_version))
    assert not page.problems
