"""Issue 16's cells made for text, in Chromium: long text edited by keyboard in the
large text editor without losing a word (even when a check answers meanwhile), one
event as a form, the phone's list and form, and the preview's marks for what is not
saved yet."""
from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from browser import type_into
import editor_pages
from editor_pages import log_in
from support import BUNDLED_CSV
from timeline.data.schema import COLUMNS_BY_NAME

pytestmark = pytest.mark.browser
# The shared fixtures, bound by name (linters take an import of them for unused).
open_page, site = editor_pages.open_page, editor_pages.site
expect.set_options(timeout=10_000)
LONG_ID = "kim-il-sung-zis"  # its description is longer than AG Grid's default limit (200)
TARGET_ID = "russian-tourists"
SAVE_TIMEOUT = 30_000
CHECK_TIMEOUT = 30_000  # a check's answer on two cores other test runs share


def row_index(page, row_id: str) -> int:
    """The grid's index of the row `row_id`, scrolled into view."""
    return page.evaluate("""(id) => {
        const api = dash_ag_grid.getApi('edit-grid');
        let found = null;
        api.forEachNodeAfterFilterAndSort((node) => {
            if (node.data.id === id) { found = node.rowIndex; }
        });
        api.ensureIndexVisible(found, 'middle');
        return found;
    }""", row_id)


def cell(page, row_id: str, column: str):
    index = row_index(page, row_id)
    page.evaluate("(column) => dash_ag_grid.getApi('edit-grid').ensureColumnVisible(column)",
                  column)
    return page.locator(f"#edit-grid .ag-row[row-index='{index}'] [col-id='{column}']")


def saved_rows(data) -> dict[str, dict[str, str]]:
    return {row["id"]: row for row in csv.DictReader(io.StringIO(data.read_text("utf-8")))}


def original(column: str, row_id: str) -> str:
    rows = csv.DictReader(io.StringIO(BUNDLED_CSV.decode("utf-8")))
    return next(row[column] for row in rows if row["id"] == row_id)


def save(page) -> None:
    expect(page.locator("#edit-problems")).to_contain_text("can be saved",
                                                           timeout=CHECK_TIMEOUT)
    page.click("#edit-save")
    expect(page.locator("#edit-status")).to_contain_text("Saved version", timeout=SAVE_TIMEOUT)


def unsaved_labels(page) -> list[str]:
    """The preview's labels of unsaved events, as Plotly draws them."""
    return page.locator("#edit-preview .scatterlayer .trace .textpoint text") \
        .filter(has_text=re.compile(r"^(New|Changed): ")).all_text_contents()


def test_a_long_description_is_edited_by_keyboard_without_losing_a_word(site, open_page):
    url, data = site
    page = open_page()
    log_in(page, url)
    before = original("description", LONG_ID)
    assert len(before) > 200
    expect(page.locator("#edit-text-hint")).to_contain_text("Enter makes a new line")

    # A title typed first: its check is held until the description is being typed.
    held = []
    page.route(re.compile(r"/_dash-update-component"), lambda route: (
        held.append(route) if "edit-row-change.data" in (route.request.post_data or "")
        and not held else route.continue_()))
    type_into(page, cell(page, LONG_ID, "title"), "")  # an error: the title is required
    for _ in range(600):  # until the check's request is held (the route sees it)
        if held:
            break
        page.wait_for_timeout(50)
    assert len(held) == 1

    # By keyboard: the title cell is focused; arrows to the description, Enter opens it.
    target = cell(page, LONG_ID, "description")
    cell(page, LONG_ID, "id").click()
    for _ in range(40):
        if page.evaluate("() => document.activeElement.getAttribute('col-id')") == "description":
            break
        page.keyboard.press("ArrowRight")
    expect(target).to_be_focused()
    page.keyboard.press("Enter")
    box = page.locator(".ag-popup-editor textarea")
    expect(box).to_be_focused()
    # The caret after the text, nothing selected: a keystroke adds, it never replaces.
    assert box.evaluate("(b) => [b.selectionStart, b.selectionEnd, b.value.length]") == \
        [len(before)] * 3
    page.keyboard.press("Enter")
    page.keyboard.type("A first line added")
    held[0].continue_()  # the title's check answers while the description is open
    expect(page.locator("#edit-problems")).to_contain_text("fix the errors",
                                                           timeout=CHECK_TIMEOUT)
    expect(box).to_be_visible()
    page.keyboard.press("Enter")
    page.keyboard.type("and a second.")
    page.keyboard.press("Control+Enter")
    expect(box).to_have_count(0)
    expected = before + "\nA first line added\nand a second."
    assert page.evaluate("""(id) => { let text = null;
        dash_ag_grid.getApi('edit-grid').forEachNode((n) => {
            if (n.data.id === id) { text = n.data.description; } });
        return text; }""", LONG_ID) == expected

    page.unroute(re.compile(r"/_dash-update-component"))
    type_into(page, cell(page, LONG_ID, "title"), "A title again")
    save(page)
    assert saved_rows(data)[LONG_ID]["description"] == expected
    assert saved_rows(data)[LONG_ID]["title"] == "A title again"
    assert not page.problems


def test_one_event_as_a_form_with_help_problems_and_the_keyboard(site, open_page):
    url, data = site
    page = open_page()
    log_in(page, url)
    form = page.locator("#edit-form")
    expect(form).to_be_hidden()

    # The row's "Form" cell, reached by keyboard: Enter opens the form, focus goes in.
    cell(page, TARGET_ID, "id").click()
    page.keyboard.press("ArrowLeft")
    expect(cell(page, TARGET_ID, "__form")).to_be_focused()
    page.keyboard.press("Enter")
    expect(form).to_be_visible()
    expect(page.locator("#edit-form-title")).to_have_text(
        "Event: " + original("title", TARGET_ID))
    first = form.locator(".form-input").first
    expect(first).to_be_focused()
    expect(first).to_have_value(TARGET_ID)

    # Every column a labelled field, the data guide's help under it.
    start = form.get_by_label("start (required)")
    expect(start).to_have_value(original("start", TARGET_ID))
    expect(start).to_have_accessible_description(re.compile(
        re.escape(COLUMNS_BY_NAME["start"].meaning.replace("`", "")[:40])))
    description = form.get_by_label("description")
    assert description.evaluate("(box) => box.tagName") == "TEXTAREA"
    expect(description).to_have_value(original("description", TARGET_ID))

    # A change goes to the grid's row and is checked there; its problem shows by its field.
    start.fill("13/12/2023")
    page.keyboard.press("Tab")
    expect(start).to_have_attribute("aria-invalid", "true", timeout=CHECK_TIMEOUT)
    expect(start).to_have_accessible_description(re.compile("did you mean 2023-12-13"))
    expect(cell(page, TARGET_ID, "start")).to_have_text("13/12/2023")
    start.fill("2023-12-13")
    title = form.get_by_label("title (required)")
    title.fill("Tourists, retitled in the form")
    title.press("Tab")
    expect(start).not_to_have_attribute("aria-invalid", "true", timeout=CHECK_TIMEOUT)
    expect(page.locator("#edit-form-title")).to_have_text("Event: Tourists, retitled in the form")

    # Next and previous event, in the table's order.
    index = row_index(page, TARGET_ID)
    page.click("#edit-form-next")
    expect(first).to_have_value(page.evaluate(
        "(i) => dash_ag_grid.getApi('edit-grid').getDisplayedRowAtIndex(i).data.id", index + 1))
    page.click("#edit-form-previous")
    expect(first).to_have_value(TARGET_ID)

    # Escape closes it, and focus is back on the row.
    page.keyboard.press("Escape")
    expect(form).to_be_hidden()
    expect(cell(page, TARGET_ID, "__form")).to_be_focused()
    expect(cell(page, TARGET_ID, "title")).to_have_text("Tourists, retitled in the form")
    # The preview marks the changed event, labelled with its title.
    page.wait_for_function("""() => [...document.querySelectorAll(
        '#edit-preview .textpoint text')].some(t => t.textContent.startsWith('Changed: '))""", timeout=CHECK_TIMEOUT)
    assert unsaved_labels(page) == ["Changed: Tourists, retitled in the form"]

    save(page)
    # Saved, it is no longer marked.
    page.wait_for_function("""() => ![...document.querySelectorAll(
        '#edit-preview .textpoint text')].some(t => t.textContent.startsWith('Changed: '))""",
                           timeout=CHECK_TIMEOUT)
    saved = saved_rows(data)[TARGET_ID]
    assert (saved["start"], saved["title"]) == ("2023-12-13", "Tourists, retitled in the form")
    assert not page.problems


def test_a_new_event_is_written_in_the_form_and_marked_on_the_preview(site, open_page):
    url, data = site
    page = open_page()
    log_in(page, url)
    count = page.evaluate("() => dash_ag_grid.getApi('edit-grid').getDisplayedRowCount()")
    page.click("#edit-add")
    page.wait_for_function("(count) => { const api = dash_ag_grid.getApi('edit-grid');"
                           " if (api.getDisplayedRowCount() <= count) { return false; }"
                           " api.ensureIndexVisible(count); return true; }", arg=count,
                           timeout=CHECK_TIMEOUT)
    new_row = page.locator(f"#edit-grid .ag-row[row-index='{count}']")
    expect(new_row.locator("[col-id='__form'] button")).to_be_visible()
    new_row.locator("[col-id='__form'] button").click()
    form = page.locator("#edit-form")
    expect(form).to_be_visible()
    for column, value in [("id (required)", "form-made-event"), ("start (required)", "2024-03-01"),
                          ("title (required)", "An event made in the form"),
                          ("actors (required)", "Kim Jong-un"),
                          ("category (required)", "diplomacy")]:
        form.get_by_label(column).fill(value)
    page.click("#edit-form-close")
    expect(form).to_be_hidden()
    page.wait_for_function("""() => [...document.querySelectorAll(
        '#edit-preview .textpoint text')].some(t => t.textContent.startsWith('New: '))""", timeout=CHECK_TIMEOUT)
    assert unsaved_labels(page) == ["New: An event made in the form"]
    save(page)
    assert saved_rows(data)["form-made-event"]["title"] == "An event made in the form"
    assert not page.problems


def test_the_form_follows_columns_a_paste_brings(site, open_page):
    """Rows pasted with a column the file lacks add it to the table: the form of
    one event then has its field too, and a change there goes to the row."""
    url, data = site
    page = open_page()
    log_in(page, url)
    open_and_close_the_form(page)  # its fields made for the file's columns
    page.click("#edit-paste summary")
    page.fill("#edit-paste-text", f"id\ttitle\tpodcast\n{TARGET_ID}\tTourists, with a podcast"
                                  "\tEpisode 12")
    page.click("#edit-paste-apply")
    page.wait_for_function("() => dash_ag_grid.getApi('edit-grid').getColumn('podcast')",
                           timeout=CHECK_TIMEOUT)
    cell(page, TARGET_ID, "__form").locator("button").click()
    form = page.locator("#edit-form")
    expect(form).to_be_visible()
    expect(form.get_by_label("title (required)")).to_have_value("Tourists, with a podcast")
    podcast = form.get_by_label("podcast")
    expect(podcast).to_have_value("Episode 12")
    expect(podcast).to_have_accessible_description(re.compile("the timeline does not read it"))
    podcast.fill("Episode 13")
    page.click("#edit-form-close")
    expect(form).to_be_hidden()
    expect(cell(page, TARGET_ID, "podcast")).to_have_text("Episode 13")
    # Every column once, each field's box where its label points.
    labels = form.locator("label").evaluate_all("(all) => all.map((l) => l.htmlFor)")
    assert len(labels) == len(set(labels)) == form.locator(".form-input").count()
    save(page)
    assert saved_rows(data)[TARGET_ID]["podcast"] == "Episode 13"
    assert not page.problems


def open_and_close_the_form(page) -> None:
    cell(page, TARGET_ID, "__form").locator("button").click()
    expect(page.locator("#edit-form")).to_be_visible()
    page.click("#edit-form-close")
    expect(page.locator("#edit-form")).to_be_hidden()


def test_the_form_follows_columns_an_upload_opened_in_the_table_brings(site, open_page,
                                                                      tmp_path):
    """An upload that replaces everything with a file of fewer columns, opened in the
    table: the form's fields are the file's, each where another column's was."""
    url, _ = site
    columns = ["id", "start", "title", "description", "actors", "category", "source"]
    every = list(csv.DictReader(io.StringIO(BUNDLED_CSV.decode("utf-8"))))
    rows = [row for row in every if row["id"] == TARGET_ID] + [
        row for row in every if row["id"] not in ("", TARGET_ID) and row["type"] != "title"][:2]
    upload = tmp_path / "fewer-columns.csv"
    with upload.open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    page = open_page()
    log_in(page, url)
    open_and_close_the_form(page)
    page.set_input_files("#edit-upload input[type=file]", str(upload))
    page.click("#edit-upload-replace")
    expect(page.locator("#edit-upload-replace")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#edit-upload-draft")).to_be_enabled()
    page.click("#edit-upload-draft")
    page.wait_for_function("() => !dash_ag_grid.getApi('edit-grid').getColumn('notes')",
                           timeout=CHECK_TIMEOUT)
    cell(page, TARGET_ID, "__form").locator("button").click()
    form = page.locator("#edit-form")
    expect(form).to_be_visible()
    assert form.locator(".form-input").evaluate_all(
        "(all) => all.map((box) => box.dataset.column)") == columns
    expect(form.get_by_label("title (required)")).to_have_value(original("title", TARGET_ID))
    description = form.get_by_label("description")
    assert description.evaluate("(box) => box.tagName") == "TEXTAREA"
    expect(description).to_have_value(original("description", TARGET_ID))
    expect(form.get_by_label("notes")).to_have_count(0)
    assert not page.problems


@pytest.mark.parametrize("width", [320, 375])
def test_the_phone_form(site, open_page, width):
    url, data = site
    page = open_page(width, 740)
    log_in(page, url)
    # The first screen shows the events by title and id, whole.
    items = page.locator("#edit-event-items button")
    expect(items.first).to_be_visible()
    first = items.first.bounding_box()
    assert first["y"] + first["height"] <= 740
    first_title = page.evaluate(
        "() => dash_ag_grid.getApi('edit-grid').getDisplayedRowAtIndex(0).data.title")
    expect(items.first.locator(".event-item-title")).to_have_text(first_title)
    assert items.first.evaluate("(b) => b.scrollWidth <= b.clientWidth")
    # No sideways scrolling of the page.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width

    # Found by its title, opened by keyboard: the form fills the screen.
    page.fill("#edit-event-find", "tourists")
    item = items.filter(has_text=TARGET_ID)
    expect(items).to_have_count(1)
    item.focus()
    page.keyboard.press("Enter")
    form = page.locator("#edit-form")
    expect(form).to_be_visible()
    box = form.bounding_box()
    assert box["x"] == 0 and box["width"] >= width - 20  # all of it, but a scroll bar
    expect(form.locator(".form-input").first).to_be_focused()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    title = form.get_by_label("title (required)")
    title.fill("Retitled on a phone")
    page.keyboard.press("Escape")
    expect(form).to_be_hidden()
    expect(item).to_be_focused()
    expect(item.locator(".event-item-title")).to_have_text("Retitled on a phone",
                                                           timeout=CHECK_TIMEOUT)
    save(page)
    assert saved_rows(data)[TARGET_ID]["title"] == "Retitled on a phone"
    assert not page.problems
