"""The editor in real headless Chromium, used as a new editor would use it."""
from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from browser import accessibility_violations, type_into
import editor_pages
from editor_pages import log_in
from timeline.data.history import list_versions
from timeline.data_store import content_version
from timeline.editor.rows import rows_to_bytes, table_from_bytes

pytestmark = pytest.mark.browser
# The shared fixtures, bound by name (linters take an import of them for unused).
open_page, site = editor_pages.open_page, editor_pages.site
expect.set_options(timeout=10_000)
TARGET_ID = "russian-tourists"


@pytest.fixture
def page(open_page):
    return open_page(1400, 1000)


def cell(page, row_id_value: str, column: str):
    """The grid cell in `column` of the row whose id is `row_id_value`."""
    row_index = page.locator("#edit-grid .ag-row [col-id='id']",
                             has_text=re.compile(f"^{re.escape(row_id_value)}$"))
    row_index.first.scroll_into_view_if_needed()
    index = row_index.first.evaluate("e => e.closest('.ag-row').getAttribute('row-index')")
    # The grid draws only the columns in view (`id` and `title` pinned take room).
    page.evaluate("(c) => dash_ag_grid.getApi('edit-grid').ensureColumnVisible(c)", column)
    # `id` and `title` are pinned left, the others in the centre: one cell either way.
    return page.locator(f"#edit-grid .ag-row[row-index='{index}'] [col-id='{column}']")


def test_editor_needs_the_secret_and_a_wrong_one_is_refused(site, page):
    url, _ = site
    page.goto(url + "/edit/")
    page.fill("#name", "Test editor")
    page.fill("#secret", "not it at all")
    page.click("button[type=submit]")
    expect(page.get_by_role("alert")).to_contain_text("not the editors' secret")
    expect(page.locator("#edit-grid")).to_have_count(0)


def test_fix_a_date_add_an_event_save_and_see_it_on_the_timeline(site, page):
    url, data = site
    log_in(page, url)
    start = cell(page, TARGET_ID, "start")
    type_into(page, start, "13/12/2023")
    # The bad cell is marked and the reason is given in the validator's words.
    expect(page.locator("#edit-problems")).to_contain_text("did you mean 2023-12-13?")
    expect(cell(page, TARGET_ID, "start")).to_have_class(re.compile("cell-error"))
    expect(page.locator("#edit-save")).to_be_disabled()
    type_into(page, cell(page, TARGET_ID, "start"), "2023-12-13")
    expect(page.locator("#edit-problems")).to_contain_text("can be saved")
    expect(cell(page, TARGET_ID, "start")).not_to_have_class(re.compile("cell-error"))

    rows_before = page.evaluate("() => dash_ag_grid.getApi('edit-grid').getDisplayedRowCount()")
    page.click("#edit-add")
    new_row = page.locator(
        f"#edit-grid .ag-center-cols-container .ag-row[row-index='{rows_before}']")
    expect(new_row).to_be_visible()  # the grid scrolled to it
    new_cells = page.locator(f"#edit-grid .ag-row[row-index='{rows_before}']")
    type_into(page, new_cells.locator("[col-id='id']"), "editor-test-event")
    # A row with an id but no date or title is incomplete, and says so.
    expect(page.locator("#edit-problems")).to_contain_text("fix the errors before saving")
    expect(page.locator("#edit-save")).to_be_disabled()
    for column, value in [("start", "2025-10-01"),
                          ("title", "An event added in the editor"),
                          ("actors", "Kim Jong-un"), ("category", "diplomacy")]:
        page.evaluate("(c) => dash_ag_grid.getApi('edit-grid').ensureColumnVisible(c)", column)
        type_into(page, new_cells.locator(f"[col-id='{column}']"), value)
    expect(page.locator("#edit-problems")).to_contain_text("can be saved")
    expect(page.locator("#edit-preview")).to_be_visible()

    page.click("#edit-save")
    expect(page.locator("#edit-status")).to_contain_text("Saved version")
    saved_at = time.monotonic()
    text = data.read_text("utf-8")
    assert "editor-test-event" in text and f"{TARGET_ID},2023-12-13" in text

    reader = page.context.new_page()
    reader.goto(url + "/?q=added+in+the+editor")
    expect(reader.locator("#event-list")).to_contain_text("An event added in the editor")
    reader.goto(url + "/embed?event=editor-test-event")
    expect(reader.locator("#event-detail")).to_contain_text("An event added in the editor")
    assert time.monotonic() - saved_at < 10
    assert not page.problems


def test_a_late_check_changes_marks_but_never_what_was_typed(site, page):
    """A check answers for the table as it was when it was asked for; by then
    the editor may have typed more. Its answer marks cells, and keeps the text."""
    url, data = site
    log_in(page, url)
    type_into(page, cell(page, TARGET_ID, "start"), "13/12/2023")
    expect(cell(page, TARGET_ID, "start")).to_have_class(re.compile("cell-error"))

    def as_asked_earlier(route):
        """The title's check, sent with the table as it was before the title was
        typed and before the date was marked: what a check that left earlier,
        and answers last, carries."""
        body = json.loads(route.request.post_data)
        for state in body.get("state", []):
            if state["id"] == "edit-grid" and state["property"] == "rowData":
                for row in state["value"]:
                    if row["id"] == TARGET_ID:
                        row.update(title="First Russian tourists", __problems={})
        route.continue_(post_data=json.dumps(body))
    page.route(re.compile(r"/_dash-update-component"), as_asked_earlier)
    type_into(page, cell(page, TARGET_ID, "title"), "A title typed during the check")
    expect(page.locator("#edit-problems")).to_contain_text("did you mean 2023-12-13?")
    expect(page.locator("#edit-problems")).not_to_have_attribute("data-dash-is-loading", "true")
    page.unroute_all()
    expect(cell(page, TARGET_ID, "start")).to_have_class(re.compile("cell-error"))
    expect(cell(page, TARGET_ID, "title")).to_have_text("A title typed during the check")
    type_into(page, cell(page, TARGET_ID, "start"), "2023-12-13")
    expect(page.locator("#edit-problems")).to_contain_text("can be saved")
    page.click("#edit-save")
    expect(page.locator("#edit-status")).to_contain_text("Saved version")
    assert "A title typed during the check" in data.read_text("utf-8")


def restore_the_last_version(page, saved_text: str) -> None:
    """Choose the version before the newest (the current one) in History, see that
    `saved_text` is what it differs by, and restore it."""
    page.locator("#edit-history-list button.history-version").nth(1).click()
    expect(page.locator("#edit-history-diff")).to_contain_text(saved_text)
    page.click("#edit-restore")
    expect(page.locator("#edit-status")).to_contain_text("Restored the version you chose")


def test_history_lists_the_save_and_restores_the_earlier_version(site, page):
    url, data = site
    original = data.read_bytes()
    log_in(page, url)
    type_into(page, cell(page, TARGET_ID, "title"), "A changed title")
    page.click("#edit-save")
    expect(page.locator("#edit-status")).to_contain_text("Saved version")
    assert b"A changed title" in data.read_bytes()

    restore_the_last_version(page, "A changed title")
    assert data.read_bytes() == original
    expect(cell(page, TARGET_ID, "title")).not_to_have_text("A changed title")


def test_a_save_from_a_stale_version_is_refused_and_shows_both_sides(site, page):
    """Another program changed the file, and the history has no copy of the version
    the editor started from: nothing to merge from, so both sides are shown."""
    url, data = site
    log_in(page, url)
    # Another program changes the file after the editor opened it.
    data.write_text(data.read_text("utf-8").replace("First Russian tourists",
                                                    "Changed by someone else"), "utf-8")
    type_into(page, cell(page, TARGET_ID, "title"), "Changed by me")
    page.click("#edit-save")
    expect(page.locator("#edit-conflict")).to_contain_text("Not saved")
    expect(page.locator("#edit-conflict")).to_contain_text("Changed by someone else")
    expect(page.locator("#edit-conflict")).to_contain_text("Changed by me")
    assert "Changed by someone else" in data.read_text("utf-8")


def upload(page, path) -> None:
    page.set_input_files("#edit-upload input[type=file]", str(path))


def ids_in(data) -> list[str]:
    return [row["id"] for row in table_from_bytes(data.read_bytes()).rows]


def three_rows(data, path, start: str = "2025-01") -> Path:
    """A file of three rows, as an editor exports a few from a spreadsheet: one
    already in the table (its title changed) and two new ones."""
    table = table_from_bytes(data.read_bytes())
    [known] = [row for row in table.rows if row["id"] == TARGET_ID]
    new = [{"id": f"upload-{n}", "start": start, "title": f"Uploaded event {n}",
            "actors": "Kim Jong-un", "category": "diplomacy", "source": "KCNA"}
           for n in ("one", "two")]
    path.write_bytes(rows_to_bytes([dict(known, title="Uploaded title"), *new],
                                   table.file_format))
    return path


def test_an_upload_updates_and_adds_by_id_and_removes_nothing(site, page, tmp_path):
    url, data = site
    before = data.read_bytes()
    log_in(page, url)
    upload(page, three_rows(data, tmp_path / "three.csv"))
    expect(page.locator("#edit-upload-preview")).to_contain_text("three.csv: no problems in 3 rows")
    plan = page.locator("#edit-upload-plan")
    expect(plan).to_contain_text("Update and add by id: this updates 1 row (russian-tourists), "
                                 "adds 2 rows (upload-one, upload-two), removes nothing")
    expect(plan).to_contain_text("Uploaded title")
    expect(page.locator("#edit-upload-merge")).to_have_attribute("aria-pressed", "true")
    # The other way says what it would cost before anyone chooses it.
    expect(page.locator("#edit-upload-replace")).to_have_text(
        "Replace everything (removes 27 of 28 rows)")
    assert data.read_bytes() == before  # nothing before the editor saves

    page.click("#edit-upload-confirm")
    expect(page.locator("#edit-status")).to_contain_text(
        "Updated and added the uploaded file's rows by id")
    ids = ids_in(data)
    assert len(ids) == 30 and ids[-2:] == ["upload-one", "upload-two"]
    assert b"Uploaded title" in data.read_bytes()
    expect(cell(page, TARGET_ID, "title")).to_have_text("Uploaded title")
    # In the history: the version it replaced, and the upload's under the editor's name.
    newest, replaced = list_versions(data)
    assert replaced.version == content_version(before)
    assert newest.version == content_version(data.read_bytes())
    assert newest.by == "Test editor" and newest.summary.startswith("updated rows by id")


def test_replacing_everything_asks_again_and_a_cancel_changes_nothing(site, page, tmp_path):
    url, data = site
    before = data.read_bytes()
    log_in(page, url)
    upload(page, three_rows(data, tmp_path / "three.csv"))
    expect(page.locator("#edit-upload-plan")).to_contain_text("Update and add by id")
    # Chosen from the keyboard, as any of the page's buttons.
    page.focus("#edit-upload-replace")
    page.keyboard.press("Enter")
    expect(page.locator("#edit-upload-replace")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#edit-upload-merge")).to_have_attribute("aria-pressed", "false")
    expect(page.locator("#edit-upload-plan")).to_contain_text(
        "Replace everything: this updates 1 row (russian-tourists), adds 2 rows (upload-one, "
        "upload-two), removes 27 of 28 rows")
    expect(page.locator("#edit-upload-confirm")).to_have_text("Save: replace everything")

    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.click("#edit-upload-confirm")
    expect(page.locator("#edit-status")).to_contain_text("Not replaced: you cancelled")
    assert "removes 27 of the table's 28 rows" in asked[0]
    assert data.read_bytes() == before

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#edit-upload-confirm")
    expect(page.locator("#edit-status")).to_contain_text("Replaced the data with the uploaded file")
    assert ids_in(data) == [TARGET_ID, "upload-one", "upload-two"]
    expect(page.locator("#edit-grid .ag-center-cols-container .ag-row")).to_have_count(3)


def test_a_file_with_errors_opens_in_the_table_and_is_fixed_there(site, page, tmp_path):
    url, data = site
    before = data.read_bytes()
    log_in(page, url)
    upload(page, three_rows(data, tmp_path / "bad.csv", start="Feb 2025"))
    preview = page.locator("#edit-upload-preview")
    expect(preview).to_contain_text("bad.csv has errors (2 errors in 3 rows)")
    expect(preview).to_contain_text("bad.csv:3: start: error: 'Feb 2025'")
    expect(page.locator("#edit-upload-confirm")).to_be_disabled()
    expect(page.locator("#edit-upload-plan")).to_contain_text("The result would have errors")

    page.click("#edit-upload-draft")
    expect(page.locator("#edit-status")).to_contain_text(
        "Opened bad.csv in the table (update and add by id)")
    expect(cell(page, "upload-one", "start")).to_have_class(re.compile("cell-error"))
    expect(cell(page, TARGET_ID, "title")).to_have_text("Uploaded title")
    expect(page.locator("#edit-save")).to_be_disabled()
    assert page.evaluate("() => window.timelineEditorDirty") is True
    assert data.read_bytes() == before  # a draft, not a save

    for row_id in ("upload-one", "upload-two"):
        type_into(page, cell(page, row_id, "start"), "2025-02")
    expect(page.locator("#edit-problems")).to_contain_text("can be saved")
    page.click("#edit-save")
    expect(page.locator("#edit-status")).to_contain_text("Saved version")
    assert ids_in(data)[-2:] == ["upload-one", "upload-two"] and len(ids_in(data)) == 30


def test_a_downloaded_file_uploaded_again_keeps_its_formula_like_cells(site, page, tmp_path):
    """The download makes cells a spreadsheet would run inert with a leading ';
    the same file uploaded again (one title changed in a spreadsheet) has it removed."""
    url, data = site
    table = table_from_bytes(data.read_bytes())
    rows = [dict(row, description="+7% in trade", source="@kcna_watch")
            if row["id"] == "aurus-delivered" else row for row in table.rows]
    data.write_bytes(rows_to_bytes(rows, table.file_format))
    log_in(page, url)
    with page.expect_download() as download:
        page.click("#edit-download")
    downloaded = Path(download.value.path()).read_bytes()
    assert b"'+7% in trade" in downloaded and b"'@kcna_watch" in downloaded

    edited = tmp_path / "events-edited.csv"
    edited.write_bytes(downloaded.replace(b"First Russian tourists", b"Russian tourists"))
    upload(page, edited)
    expect(page.locator("#edit-upload-preview")).to_contain_text(
        "removed the leading ' from 2 cells")
    # Only the title differs: the restored cells are as the file holds them.
    expect(page.locator("#edit-upload-plan")).to_contain_text(
        "this updates 1 row (russian-tourists), removes nothing, leaves 27 rows as they are")
    page.click("#edit-upload-confirm")
    expect(page.locator("#edit-status")).to_contain_text("Updated and added")
    saved = {row["id"]: row for row in table_from_bytes(data.read_bytes()).rows}
    assert saved["aurus-delivered"]["description"] == "+7% in trade"
    assert saved["aurus-delivered"]["source"] == "@kcna_watch"
    assert saved[TARGET_ID]["title"].startswith("Russian tourists arrive")


PASTED = ("id\tstart\ttitle\tactors\tcategory\tsource\n"
          "pasted-one\t2025-03\tPasted event one\tKim Jong-un\tdiplomacy\tKCNA\n"
          "pasted-two\t2025-04\tPasted event two\tVladimir Putin\tmilitary\tTASS\n"
          f"{TARGET_ID}\t2024-02\tTourists, pasted\tRussia\ttourism\tInterfax\n")


def test_three_rows_pasted_from_a_spreadsheet_are_added_or_updated(site, page):
    url, data = site
    before = data.read_bytes()
    log_in(page, url)
    # All from the keyboard: open the panel, paste, press the button.
    page.focus("#edit-paste summary")
    page.keyboard.press("Enter")
    page.focus("#edit-paste-text")
    page.keyboard.insert_text(PASTED)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#edit-status")).to_contain_text(
        "Pasted 3 rows: this updates 1 row (russian-tourists), adds 2 rows (pasted-one, "
        "pasted-two)")
    expect(cell(page, "pasted-two", "title")).to_have_text("Pasted event two")
    expect(cell(page, TARGET_ID, "title")).to_have_text("Tourists, pasted")
    expect(page.locator("#edit-paste-text")).to_have_value("")
    expect(page.locator("#edit-problems")).to_contain_text("can be saved")
    assert data.read_bytes() == before

    # Cells copied without their header and pasted on the table: the table's columns.
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.evaluate("(text) => navigator.clipboard.writeText(text)",
                  "pasted-one\t2025-03\t\t\tPasted on the table\n")
    cell(page, "pasted-two", "title").click()
    page.keyboard.press("ControlOrMeta+V")
    expect(page.locator("#edit-status")).to_contain_text("Pasted 1 row: this updates 1 row "
                                                         "(pasted-one)")
    expect(cell(page, "pasted-one", "title")).to_have_text("Pasted on the table")
    # Only the columns pasted change: its source (off screen) is the one pasted before.
    assert page.evaluate("""() => {
        let source = null;
        dash_ag_grid.getApi('edit-grid').forEachNode((node) => {
            if (node.data.id === 'pasted-one') { source = node.data.source; }
        });
        return source;
    }""") == "KCNA"
    page.click("#edit-save")
    expect(page.locator("#edit-status")).to_contain_text("Saved version")
    saved = {row["id"]: row for row in table_from_bytes(data.read_bytes()).rows}
    assert saved["pasted-one"]["title"] == "Pasted on the table"
    assert saved["pasted-two"]["source"] == "TASS"
    assert saved[TARGET_ID]["title"] == "Tourists, pasted"


@pytest.mark.parametrize("width", [375, 1280])
def test_the_editor_with_an_upload_checked_has_no_accessibility_violations(site, new_page,
                                                                          tmp_path, width):
    url, data = site
    page = new_page(width)
    page.set_default_timeout(30_000)
    log_in(page, url)
    upload(page, three_rows(data, tmp_path / "three.csv"))
    expect(page.locator("#edit-upload-plan")).to_contain_text("Update and add by id")
    page.click("#edit-paste summary")
    expect(page.locator("#edit-paste-text")).to_be_visible()
    assert accessibility_violations(page) == []


def test_the_editor_shows_why_readers_see_an_older_version(site, page):
    url, data = site
    data.write_bytes(data.read_bytes().replace(b"russian-tourists,2024-02,",
                                               b"russian-tourists,Feb 2024,"))
    time.sleep(0.5)  # past the settle time, so the app reads it and refuses it
    log_in(page, url)
    expect(page.locator("#edit-serving-note")).to_contain_text("still serving version")
    expect(cell(page, TARGET_ID, "start")).to_have_class(re.compile("cell-error"))
    type_into(page, cell(page, TARGET_ID, "start"), "2024-02")
    page.click("#edit-save")
    expect(page.locator("#edit-status")).to_contain_text("Saved version")
    reader = page.context.new_page()
    reader.goto(url + "/healthz")
    assert '"status":"ok"' in reader.content().replace(" ", "")


def held_checks(page, *words: str) -> list:
    """Hold back the table's checks whose request holds every one of `words`
    (the test answers them later, as a slow connection would)."""
    held = []

    def hold(route):
        body = route.request.post_data or ""
        if all(word in body for word in ("edit-row-change.data", *words)):
            held.append(route)
        else:
            route.continue_()
    page.route(re.compile(r"/_dash-update-component"), hold)
    return held


def test_a_check_answering_after_the_save_leaves_the_table_saved(site, page):
    """An editor on a slow connection: the check of the last typed cell answers
    after the Save that followed it. The table was saved with that cell, so it
    is not unsaved, and restoring a version is not refused."""
    url, data = site
    original = data.read_bytes()
    log_in(page, url)
    held = held_checks(page)
    type_into(page, cell(page, TARGET_ID, "title"), "Typed just before Save")
    page.wait_for_function("() => window.timelineEditorDirty === true")
    page.click("#edit-save")
    expect(page.locator("#edit-status")).to_contain_text("Saved version")
    assert b"Typed just before Save" in data.read_bytes()
    assert len(held) == 1
    with page.expect_response(lambda r: r.request.post_data and
                              "edit-row-change.data" in r.request.post_data):
        held.pop().continue_()
    page.unroute_all()
    # The late answer is merged into the page (one frame), and leaves it saved.
    page.evaluate("() => new Promise(requestAnimationFrame)")
    assert page.evaluate("() => window.timelineEditorDirty") is False

    restore_the_last_version(page, "Typed just before Save")
    assert data.read_bytes() == original


def test_rows_added_after_a_save_was_sent_are_unsaved(site, page):
    """A row the server adds after the Save that was clicked before it arrived
    is not in the saved file, so the table is unsaved again."""
    url, data = site
    log_in(page, url)
    held = held_checks(page, "\"action\":\"edit-add\"")
    type_into(page, cell(page, TARGET_ID, "title"), "Saved before the row came")
    page.click("#edit-add")
    page.click("#edit-save")
    expect(page.locator("#edit-status")).to_contain_text("Saved version")
    page.wait_for_function("() => window.timelineEditorDirty === false")
    assert len(held) == 1
    held.pop().continue_()
    page.unroute_all()
    page.wait_for_function("() => window.timelineEditorDirty === true")
