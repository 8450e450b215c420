"""The embed's actor filter at 2,000 actors (timeline/engine/web/actor-picker.js), in Chromium.

Above a few dozen actors the embed's "Who" is a search box (WAI-ARIA's combobox
with a listbox popup) that lists at most 20 matching names, not a checkbox per
actor. Every test runs against the app's /embed and the static export, as
tests/test_embed_browser.py does; a small timeline keeps its checkboxes.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from browser import accessibility_violations, record_problems, serving, serving_embed
from support import BUNDLED_CSV, csv_bytes, prepared_events
from timeline.app_factory import create_app
from timeline.config import Config
from timeline.data_store import snapshot_of
from timeline.view.transforms import actor_names, filter_events, normalise_text
from timeline.view.view_state import ViewState

pytestmark = pytest.mark.browser
expect.set_options(timeout=10_000)

FIRST_NAMES = ("Kim", "Anna", "Boris", "Chen", "Dmitry", "Elena", "Farid", "Galina", "Hana",
               "Igor", "Jae", "Katya", "Lev", "Maria", "Nikolai", "Olga", "Pavel", "Raisa",
               "Sun", "Tomas")
SPECIAL = ("Kim Jong-un", "Kim Yo-jong", "Élodie Šojgu")
# 2,000 names: "Kim 0000", "Anna 0001", ... each on one event of its own, so the
# most frequent are the special names on many events (Kim Jong-un first).
CROWD = [f"{FIRST_NAMES[n % len(FIRST_NAMES)]} {n:04d}" for n in range(2000 - len(SPECIAL))]
# Categories taken as written (the file declares none).
CATEGORY_NAMES = ["diplomacy", "military", "sanctions", "gifts", "tourism", "economy", "conflict"]


def rows() -> list[dict[str, str]]:
    made = []
    for n, name in enumerate(CROWD):
        actors = [name]
        if n % 5 == 0:
            actors.append("Kim Jong-un")
        if n % 7 == 0:
            actors.append("Kim Yo-jong")
        if n == 1234:
            actors.append("Élodie Šojgu")
        made.append({"id": f"event-{n:04d}", "start": f"{1990 + n % 30}-{1 + n % 12:02d}-01",
                     "title": f"Event number {n}", "actors": "; ".join(actors),
                     "category": CATEGORY_NAMES[n % len(CATEGORY_NAMES)]})
    return made


ROWS = rows()
EVENTS = prepared_events(ROWS)
ACTORS = actor_names(EVENTS)  # the data's order, most frequent first
assert len(ACTORS) == 2000


def expected_options(typed: str) -> list[str]:
    """The names the picker lists for `typed`: every typed word in the folded name,
    a name typed in full first, then the most frequent; 20 at most."""
    words = normalise_text(typed).split()
    found = [a for a in ACTORS if all(w in normalise_text(a) for w in words)]
    exact = [a for a in found if normalise_text(a) == normalise_text(typed)]
    return (exact + [a for a in found if a not in exact])[:20]


def expected_ids(query: str) -> list[str]:
    return list(filter_events(EVENTS, ViewState.from_query_string(query))["id"])


@pytest.fixture(scope="module")
def data_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("data") / "events.csv"
    path.write_bytes(csv_bytes(ROWS))
    return path


@pytest.fixture(scope="module", params=["app", "static"])
def embed_url(request, data_file, tmp_path_factory):
    """The embed's address: the app's /embed, or index.html of a static export."""
    with serving_embed(request.param, Config(data_path=data_file, title="Many actors"),
                       tmp_path_factory.mktemp("export")) as url:
        yield url


@pytest.fixture
def page(browser):
    context = browser.new_context()
    context.set_default_timeout(15_000)
    page = record_problems(context.new_page())
    yield page
    assert page.problems == []
    context.close()


def open_filters(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("html[data-timeline=interactive]", state="attached")
    page.locator("#filters summary").click()
    expect(picker_input(page)).to_be_visible()


def picker_input(page):
    return page.get_by_role("combobox", name="Who")


def option_texts(page) -> list[str]:
    return page.locator("#actor-filter [role=option]").all_text_contents()


# Plotly's chart comes once the Filters are open (picture.js): until it is drawn, no ids.
CHART_IDS = """() => {
    const graph = document.getElementById('timeline-graph');
    return (graph.data || []).filter(t => t.mode !== 'lines' && t.customdata)
        .flatMap(t => t.customdata.flatMap(c => c[3] || [c[0]])).sort();
}"""


def shown_ids(page) -> list[str]:
    """The events the chart draws, by their marks (crowded marks name all theirs)."""
    return page.evaluate(CHART_IDS)


def expect_shown(page, query: str) -> None:
    """The chart draws the events `query` shows, and the list holds as many."""
    ids = sorted(expected_ids(query))
    page.wait_for_function(f"(expected) => ({CHART_IDS})().join() === expected",
                           arg=",".join(ids))
    expect(page.locator("#event-list li").first).to_have_attribute("aria-setsize", str(len(ids)))
    if len(ids) == 1:
        expect(page.locator("#event-list .list-title")).to_have_text(
            [EVENTS.set_index("id").loc[ids[0], "title"]])


def test_typing_lists_at_most_twenty_matching_names_and_never_every_actor(page, embed_url):
    open_filters(page, embed_url)
    assert page.locator("#actor-filter input[type=checkbox]").count() == 0
    # Not a node per actor anywhere in the page (the list and chart hold 2,000 events).
    assert page.evaluate("document.getElementsByTagName('*').length") < len(ACTORS) // 2
    assert option_texts(page) == []

    picker_input(page).click()  # opens on the most frequent names
    expect(page.locator("#actor-filter [role=option]")).to_have_count(20)
    assert option_texts(page) == ACTORS[:20]
    for typed in ("kim", "KIM 01", "anna 000", "elodie sojgu", "  Šojgu  "):
        picker_input(page).fill(typed)
        expect(page.locator("#actor-filter [role=option]")).to_have_text(expected_options(typed))
    assert expected_options("kim")[:2] == ["Kim Jong-un", "Kim Yo-jong"]  # the most frequent
    picker_input(page).fill("Kim 0020")  # typed in full: first, above Kim 00200 and the like
    assert option_texts(page)[0] == "Kim 0020"
    picker_input(page).fill("nobody at all")
    expect(page.locator("#actor-filter [role=option]")).to_have_count(0)
    expect(page.locator("#actor-filter")).to_contain_text("No name matches.")
    expect(picker_input(page)).to_have_attribute("aria-expanded", "false")


def test_choosing_a_name_filters_the_chart_and_list_and_puts_it_in_the_url(page, embed_url):
    open_filters(page, embed_url)
    picker_input(page).fill("sojgu")
    page.get_by_role("option", name="Élodie Šojgu").click()
    expect_shown(page, "actor=Élodie Šojgu")
    expect(page.get_by_role("button", name="Remove Élodie Šojgu")).to_be_visible()
    assert "actor=%C3%89lodie+%C5%A0ojgu" in page.url
    expect(picker_input(page)).to_have_value("")
    expect(picker_input(page)).to_be_focused()
    # A second name is added to the first; neither is offered again.
    picker_input(page).fill("kim jong")
    page.get_by_role("option", name="Kim Jong-un").click()
    expect_shown(page, "actor=Élodie Šojgu&actor=Kim Jong-un")
    assert page.url.endswith("actor=%C3%89lodie+%C5%A0ojgu&actor=Kim+Jong-un")
    picker_input(page).fill("o")
    assert not {"Élodie Šojgu", "Kim Jong-un"} & set(option_texts(page))


def test_a_preset_actor_is_shown_chosen_and_removing_it_clears_the_filter(page, embed_url):
    # Written as a link might write it: the data's spelling is shown.
    open_filters(page, embed_url + "?actor=kim+0040&actor=No+such+person")
    remove = page.get_by_role("button", name="Remove Kim 0040")
    expect(remove).to_be_visible()
    # A name the data lacks still filters (nothing matches it), and can be removed.
    expect(page.get_by_role("button", name="Remove No such person")).to_be_visible()
    expect_shown(page, "actor=Kim 0040")
    remove.click()
    expect(page.get_by_role("button", name="Remove Kim 0040")).to_have_count(0)
    assert "actor=No+such+person" in page.url and "0040" not in page.url
    expect(page.get_by_role("button", name="Remove No such person")).to_be_focused()
    page.keyboard.press("Enter")  # the focus moved to the next button: Enter removes it too
    expect(page.locator("#actor-filter button")).to_have_count(0)
    expect(picker_input(page)).to_be_focused()
    assert "actor=" not in page.url
    assert len(shown_ids(page)) == len(EVENTS)
    page.go_back()
    expect(page.get_by_role("button", name="Remove No such person")).to_be_visible()


def test_the_keyboard_alone_finds_chooses_and_removes_a_name(page, embed_url):
    open_filters(page, embed_url)
    picker_input(page).focus()
    page.keyboard.type("kim")
    combobox = picker_input(page)
    expect(combobox).to_have_attribute("aria-expanded", "true")
    options = page.locator("#actor-filter [role=option]")
    expect(options).to_have_text(expected_options("kim"))
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    second = options.nth(1)
    expect(second).to_have_attribute("aria-selected", "true")
    expect(combobox).to_have_attribute("aria-activedescendant", second.get_attribute("id"))
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")  # from the first, round to the last
    expect(options.last).to_have_attribute("aria-selected", "true")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect_shown(page, "actor=Kim Yo-jong")
    expect(combobox).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("button", name="Remove Kim Yo-jong")).to_be_visible()

    page.keyboard.type("anna 0001")
    expect(combobox).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Escape")  # closes the list, keeps the text
    expect(combobox).to_have_attribute("aria-expanded", "false")
    expect(options).to_have_count(0)
    expect(combobox).to_have_value("anna 0001")
    page.keyboard.press("Escape")  # then clears it
    expect(combobox).to_have_value("")
    assert page.url.endswith("actor=Kim+Yo-jong")

    page.keyboard.type("anna 0001")
    page.keyboard.press("Enter")  # no option on: the first match of what was typed
    expect_shown(page, "actor=Kim Yo-jong&actor=Anna 0001")
    page.keyboard.press("Shift+Tab")  # back to the last chosen name's button
    expect(page.get_by_role("button", name="Remove Anna 0001")).to_be_focused()
    page.keyboard.press("Enter")
    expect_shown(page, "actor=Kim Yo-jong")


def test_axe_finds_no_violation_with_names_chosen_and_the_list_open(page, embed_url):
    open_filters(page, embed_url + "?actor=Kim+Jong-un")
    picker_input(page).fill("anna")
    page.keyboard.press("ArrowDown")
    expect(page.locator("#actor-filter [role=option]").first).to_have_attribute(
        "aria-selected", "true")
    assert accessibility_violations(page) == []


def test_the_picker_fits_a_phone(page, embed_url):
    page.set_viewport_size({"width": 320, "height": 640})
    open_filters(page, embed_url + "?actor=Kim+Jong-un")
    picker_input(page).fill("kim")
    listbox = page.get_by_role("listbox")
    expect(listbox).to_be_visible()
    for box in (listbox.bounding_box(), picker_input(page).bounding_box(),
                page.get_by_role("button", name="Remove Kim Jong-un").bounding_box()):
        assert box["x"] >= 0 and box["x"] + box["width"] <= 320
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


@pytest.fixture(scope="module")
def small_embed_url(tmp_path_factory):
    path = tmp_path_factory.mktemp("small") / "events.csv"
    path.write_bytes(BUNDLED_CSV)
    with serving(create_app(Config(data_path=path, title="Small")).server) as url:
        yield url + "/embed"


def test_a_timeline_of_few_actors_keeps_a_checkbox_each(page, small_embed_url):
    actors = actor_names(snapshot_of(BUNDLED_CSV, "events.csv").events)
    page.goto(small_embed_url)
    page.wait_for_selector("html[data-timeline=interactive]", state="attached")
    page.locator("#filters summary").click()
    expect(page.locator("#actor-filter input[type=checkbox]")).to_have_count(len(actors))
    assert page.get_by_role("combobox").count() == 0
