"""Issue 18: a timeline's own categories, as its category rows declare them, in the
reader's page: the filter, the lanes and the legend in the declared order, with the
declared labels (in the page's language) and colours (their dark twins on a dark
page); the filter and the links still by the categories' names.

The harbour timeline (tests/data/timelines/harbour.csv): four categories, one
without a colour (the palette's first), Korean labels for two.
"""
from __future__ import annotations

import re

import pytest
from browser import accessibility_violations, serving
from playwright.sync_api import expect
from support import DATA
from test_themes_browser import filters_opened, ready, rgb

from timeline.app_factory import create_app
from timeline.config import Config
from timeline.view.colours import PALETTE, dark_twins

pytestmark = pytest.mark.browser
expect.set_options(timeout=15_000)
HARBOUR = DATA / "timelines" / "harbour.csv"
NAMES = ["ferries", "cargo", "storms", "works"]
LABELS = ["Ferry lines", "Cargo", "Storms", "Works"]
COLOURS = ["#00695c", "#8a5a00", "#c2185b", PALETTE[0]]


@pytest.fixture(scope="module")
def harbour_url(tmp_path_factory):
    path = tmp_path_factory.mktemp("harbour") / "events.csv"
    path.write_bytes(HARBOUR.read_bytes())
    with serving(create_app(Config(data_path=path)).server) as url:
        yield url + "/"


def lane_names(page) -> list[str]:
    return page.locator("#timeline-graph .ytick text").all_text_contents()


def legend_swatches(page) -> list[str]:
    return page.locator("#timeline-legend li:not([class]) .swatch").evaluate_all(
        "(swatches) => swatches.map((s) => s.style.backgroundColor)")


def test_the_filter_lanes_and_legend_follow_the_declaration(new_page, harbour_url):
    page = new_page({"width": 1280, "height": 800}, color_scheme="light")
    page.goto(harbour_url + "?zoom=all")
    ready(page)
    filters_opened(page)
    boxes = page.locator("#category-filter label")
    expect(boxes).to_have_text(LABELS)
    assert page.locator("#category-filter input").evaluate_all(
        "(inputs) => inputs.map((i) => i.value)") == NAMES
    expect(page.locator("#timeline-graph .ytick text")).to_have_count(4)
    assert lane_names(page) == LABELS
    # Filtering is by name: the link says `category=cargo`, the lane keeps its label.
    boxes.filter(has_text="Cargo").locator("input").check()
    expect(page).to_have_url(re.compile(r"[?&]category=cargo(&|$)"))
    expect(page.locator("#timeline-graph .ytick text")).to_have_count(1)
    assert lane_names(page) == ["Cargo"]
    # In actor lanes the legend names each category by its label, in its colour.
    page.goto(harbour_url + "?zoom=all&lanes=actor")
    ready(page)
    expect(page.locator("#timeline-legend li:not([class])")).to_have_text(LABELS)
    assert legend_swatches(page) == [rgb(colour) for colour in COLOURS]
    assert page.problems == []


def test_a_dark_page_draws_each_declared_colours_twin(new_page, harbour_url):
    page = new_page({"width": 1280, "height": 800}, color_scheme="dark")
    page.goto(harbour_url + "?zoom=all&lanes=actor")
    ready(page)
    expect(page.locator("#timeline-legend li:not([class])")).to_have_count(4)
    twins = dark_twins(COLOURS)
    assert legend_swatches(page) == [rgb(twins[colour]) for colour in COLOURS]
    assert all(twins[colour] != colour for colour in COLOURS)
    filters_opened(page)
    found = accessibility_violations(page, also=("target-size",))
    assert found == [], "\n".join(found)
    assert page.problems == []


def test_the_labels_are_the_page_languages(new_page, harbour_url):
    page = new_page({"width": 1280, "height": 800})
    page.goto(harbour_url + "?zoom=all&lang=ko")
    ready(page)
    filters_opened(page)
    expect(page.locator("#category-filter label")).to_have_text(
        ["여객선", "Cargo", "폭풍", "Works"])
    assert lane_names(page) == ["여객선", "Cargo", "폭풍", "Works"]
    assert page.problems == []
