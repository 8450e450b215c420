"""Issue 16 in Chromium: a readable history (who, when, what) and two editors'
saves merged field by field, with a choice where both changed the same field."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from browser import accessibility_violations, type_into
import editor_pages
from editor_pages import log_in, serving_editor, submit_the_login
from support import BUNDLED_CSV
from timeline.data_store import content_version
from timeline.editor.saving import Saved, save_version

pytestmark = pytest.mark.browser
# The shared fixture, bound by name (linters take an import of it for unused).
open_page = editor_pages.open_page
expect.set_options(timeout=10_000)
ZONE = "Asia/Seoul"  # never UTC: the times shown must be the newsroom's
ORIGINAL_TITLE = "First Russian tourists"
# A save's answer on two cores shared with other test runs (load 12 was seen) can
# take longer than a click's.
SAVE_TIMEOUT = 30_000


@pytest.fixture
def site(data):
    """(URL, data file): the editor of a copy of the data, in the newsroom's time zone."""
    with serving_editor(data, timezone=ZONE) as url:
        yield url, data


def cell(page, row_id_value: str, column: str):
    """The grid cell in `column` of the row whose id is `row_id_value`, scrolled into
    view (on a phone the grid draws only the rows and columns in view)."""
    index = page.evaluate("""([id, column]) => {
        const api = dash_ag_grid.getApi('edit-grid');
        let found = null;
        api.forEachNodeAfterFilterAndSort((node) => {
            if (node.data.id === id) { found = node.rowIndex; }
        });
        api.ensureIndexVisible(found);
        api.ensureColumnVisible(column);
        return found;
    }""", [row_id_value, column])
    # `id` and `title` are pinned left, the others in the centre: one cell either way.
    return page.locator(f"#edit-grid .ag-row[row-index='{index}'] [col-id='{column}']")


def edit_and_save(page, row_id: str, column: str, text: str, done: str = "Saved version"):
    type_into(page, cell(page, row_id, column), text)
    expect(page.locator("#edit-problems")).to_contain_text("can be saved")
    page.click("#edit-save")
    expect(page.locator("#edit-status")).to_contain_text(done, timeout=SAVE_TIMEOUT)


def test_the_login_asks_a_name_and_the_history_says_who_changed_what_when(site, open_page):
    url, data = site
    page = open_page()
    page.goto(url + "/edit/")
    # No name, right secret: asked again for the name, nothing else lost.
    submit_the_login(page, "   ")
    expect(page.get_by_role("alert")).to_contain_text("Type your name")
    name = "Anna <b>K</b>"  # shown as text, never as markup
    log_in(page, url, f"  {name}\t")
    expect(page.locator("#edit-name")).to_have_text(name)
    expect(page.locator("#edit-history-list")).to_contain_text("No saved versions yet")

    edit_and_save(page, "russian-tourists", "title", "Tourists from Russia")
    now = datetime.now(ZoneInfo(ZONE))
    newest = page.locator("#edit-history-list button.history-version").first
    expect(newest).to_contain_text(f"{name}: changed the title of russian-tourists")
    time_shown = newest.locator(".history-time").inner_text()
    shown = now.replace(hour=int(time_shown[:2]), minute=int(time_shown[3:5]))
    assert abs((now - shown).total_seconds()) < 120  # Seoul's time, not UTC's
    day = page.locator("#edit-history-list .history-day h3").first
    expect(day).to_have_text(f"{now:%A} {now.day} {now:%B %Y}")
    expect(newest).to_contain_text("(the current version)")
    assert page.locator("#edit-history-list b").count() == 0
    # The file as it was before the first save, by nobody named.
    expect(page.locator("#edit-history-list button.history-version").nth(1)).to_contain_text(
        "unknown")
    # Chosen from the keyboard: its diff, and a restore.
    versions = page.locator("#edit-history-list button.history-version")
    versions.nth(1).focus()
    page.keyboard.press("Enter")
    expect(versions.nth(1)).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#edit-history-diff")).to_contain_text("Tourists from Russia")
    assert not page.problems


def test_two_editors_changing_different_fields_both_keep_their_changes(site, open_page):
    url, data = site
    anna, ben = open_page(), open_page()
    log_in(anna, url, "Anna")
    log_in(ben, url, "Ben")
    edit_and_save(anna, "russian-tourists", "title", "Anna's title")
    # Ben started from the version before Anna's save, and changes another event.
    edit_and_save(ben, "vostochny-summit", "title", "Ben's title", done="merged with Anna's")
    text = data.read_text("utf-8")
    assert "Anna's title" in text and "Ben's title" in text
    expect(ben.locator("#edit-conflict")).to_contain_text("Saved together with Anna's changes")
    expect(ben.locator("#edit-conflict")).to_contain_text(
        "changed the title of russian-tourists")
    # Ben's table now shows Anna's change too, and is saved (his next save is plain).
    expect(cell(ben, "russian-tourists", "title")).to_have_text("Anna's title")
    assert ben.evaluate("() => window.timelineEditorDirty") is False
    expect(ben.locator("#edit-history-list button.history-version").first).to_contain_text(
        "Ben: changed the title of vostochny-summit")
    edit_and_save(ben, "vostochny-summit", "title", "Ben's second title")
    expect(ben.locator("#edit-status")).not_to_contain_text("merged")
    assert "Anna's title" in data.read_text("utf-8")
    assert not anna.problems and not ben.problems


def test_the_same_field_changed_by_both_is_chosen_field_by_field(site, open_page):
    url, data = site
    anna, ben = open_page(), open_page()
    log_in(anna, url, "Anna")
    log_in(ben, url, "Ben")
    edit_and_save(anna, "russian-tourists", "title", "Anna's title")
    type_into(ben, cell(ben, "russian-tourists", "title"), "Ben's title")
    type_into(ben, cell(ben, "vostochny-summit", "title"), "Ben's other title")
    expect(ben.locator("#edit-problems")).to_contain_text("can be saved")
    ben.click("#edit-save")
    panel = ben.locator("#edit-conflict")
    expect(panel).to_contain_text("Not saved yet: Anna changed the same field",
                                  timeout=SAVE_TIMEOUT)
    expect(panel.locator("fieldset legend")).to_have_text(
        "russian-tourists (Ben's title): title")
    expect(panel.locator("label").nth(0)).to_contain_text("Anna's title")
    expect(panel.locator("label").nth(1)).to_contain_text("Ben's title")
    expect(panel).to_contain_text(f"Before either change: {ORIGINAL_TITLE}")
    assert "Ben's" not in data.read_text("utf-8")  # nothing saved before the choice

    # Saving without a choice says so; then the choice made from the keyboard.
    ben.click("#edit-merge-save")
    expect(ben.locator("#edit-merge-note")).to_contain_text("Choose a value for every field")
    first = panel.locator("input[type=radio]").first
    first.focus()
    ben.keyboard.press("Space")          # Anna's
    ben.keyboard.press("ArrowDown")      # Ben's: the arrow moves the choice
    expect(panel.locator("input[type=radio]").nth(1)).to_be_checked()
    ben.locator("#edit-merge-save").focus()
    ben.keyboard.press("Enter")
    expect(ben.locator("#edit-status")).to_contain_text("merged with Anna's",
                                                        timeout=SAVE_TIMEOUT)
    text = data.read_text("utf-8")
    assert "Ben's title" in text and "Ben's other title" in text and "Anna's title" not in text
    expect(cell(ben, "russian-tourists", "title")).to_have_text("Ben's title")
    expect(ben.locator("#edit-history-list button.history-version").first).to_contain_text(
        "Ben: changed the title of vostochny-summit and russian-tourists")
    assert not ben.problems


@pytest.mark.parametrize("width", [375, 1280])
def test_axe_finds_no_violation_in_the_login_history_and_choices(site, open_page, width):
    url, data = site
    page = open_page(width, 900)
    page.goto(url + "/edit/login")
    assert accessibility_violations(page) == []
    log_in(page, url, "Ben")
    type_into(page, cell(page, "russian-tourists", "title"), "Ben's title")
    expect(page.locator("#edit-problems")).to_contain_text("can be saved")
    # Anna saves the same field meanwhile (another worker, say).
    theirs = BUNDLED_CSV.replace(ORIGINAL_TITLE.encode(), b"Anna's title", 1)
    assert isinstance(save_version(data, theirs, content_version(BUNDLED_CSV), by="Anna"),
                      Saved)
    page.click("#edit-save")
    expect(page.locator("#edit-conflict fieldset")).to_be_visible(timeout=SAVE_TIMEOUT)
    assert accessibility_violations(page) == []
    page.locator("#edit-conflict input[type=radio]").nth(1).check()
    page.click("#edit-merge-save")
    expect(page.locator("#edit-status")).to_contain_text("merged with Anna's",
                                                         timeout=SAVE_TIMEOUT)
    page.locator("#edit-history-list button.history-version").nth(1).click()
    expect(page.locator("#edit-history-diff")).to_contain_text("Ben's title")
    assert accessibility_violations(page) == []
    assert not page.problems
