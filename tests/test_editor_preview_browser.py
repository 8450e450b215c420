"""The editor's preview chart (issues 16 and 17): drawn by the app's own plotly.js of
scatter traces (Dash's whole plotly.min.js, 4.6 MB, is never fetched), with every
trace type its figures use, and in the dark palette on a dark page (axe-core finds
nothing there), light on a light one."""
from __future__ import annotations

import pytest
from browser import accessibility_violations, grid_cell, type_into
import editor_pages
from playwright.sync_api import expect
from test_editor_accessibility_browser import ANSWER_TIMEOUT, WCAG22, log_in_and_see_the_preview
from test_themes_browser import rgb

from timeline.view.colours import CHART_DARK, CHART_LIGHT, DARK_PALETTE, PALETTE

pytestmark = pytest.mark.browser
# The shared fixtures, bound by name (linters take an import of them for unused).
open_page, site = editor_pages.open_page, editor_pages.site
DASH_PLOTLY = "_dash-component-suites/plotly"
# What Plotly drew in the preview: its paper, a date's text, the marks' fills, the
# ring of an unsaved event, and the trace types of the figure against those the
# page's plotly.js knows.
DRAWN = """() => {
  const graph = document.querySelector('#edit-preview .js-plotly-plot');
  const fill = (e) => getComputedStyle(e).fill;
  return {
    paper: getComputedStyle(graph.querySelector('.main-svg')).backgroundColor,
    date: fill(graph.querySelector('.xtick text')),
    marks: [...graph.querySelectorAll('.scatterlayer .point')].map(fill),
    ring: [...graph.querySelectorAll('.scatterlayer .textpoint text')]
      .filter((text) => /^(New|Changed): /.test(text.textContent)).map(fill),
    types: graph.data.map((trace) => trace.type || 'scatter'),
    known: Object.keys(Plotly.PlotSchema.get().traces),
  };
}"""


@pytest.fixture
def logged_in(site, open_page):
    """A page of the editor, its requests' addresses recorded, in a colour scheme."""
    url, _ = site

    def opened(scheme: str):
        page = open_page(1280, 800, scheme)
        page.requested = []
        page.on("request", lambda request: page.requested.append(request.url))
        log_in_and_see_the_preview(page, url, "Ben")
        return page
    return opened


def drawn_after_an_edit(page) -> dict:
    """The preview once a title is changed (its ring trace added)."""
    type_into(page, grid_cell(page, "russian-tourists", "title"), "A new title")
    expect(page.locator("#edit-preview .textpoint", has_text="Changed: A new title")) \
        .to_have_count(1, timeout=ANSWER_TIMEOUT)
    return page.evaluate(DRAWN)


def test_the_preview_draws_with_the_scatter_bundle_not_dashs_plotly(logged_in):
    page = logged_in("light")
    seen = drawn_after_an_edit(page)
    assert set(seen["types"]) <= set(seen["known"]), seen["types"]
    assert len(seen["types"]) > 2  # the marks, the bars, the ring at least
    assert page.evaluate("() => document.querySelector('script[src*=\"plotly-scatter\"]')")
    plotly = [address for address in page.requested if "plotly" in address]
    assert plotly and all("/static/plotly-scatter.min." in address for address in plotly)
    assert not [address for address in page.requested if DASH_PLOTLY in address]
    assert seen["paper"] == rgb("#ffffff")
    assert seen["date"] == "rgb(68, 68, 68)"  # CHART_LIGHT["ink"], #444
    assert set(seen["ring"]) == {rgb(CHART_LIGHT["unsaved"])}
    assert page.problems == []


def test_the_preview_is_dark_on_a_dark_page_and_axe_finds_nothing(logged_in):
    page = logged_in("dark")
    seen = page.evaluate(DRAWN)
    assert seen["paper"] == rgb(CHART_DARK["background"])
    assert seen["date"] == rgb(CHART_DARK["ink"])
    marks = set(seen["marks"])
    assert marks & {rgb(colour) for colour in DARK_PALETTE}
    assert not marks & {rgb(colour) for colour in PALETTE}
    found = accessibility_violations(page, also=WCAG22)
    assert found == [], "\n".join(found)

    # Redrawn after a check's answer: still dark, the unsaved event's title in the
    # ring colour's dark twin.
    seen = drawn_after_an_edit(page)
    assert seen["paper"] == rgb(CHART_DARK["background"])
    assert set(seen["ring"]) == {rgb(CHART_DARK["unsaved"])}
    found = accessibility_violations(page, also=WCAG22)
    assert found == [], "\n".join(found)
    assert not [address for address in page.requested if DASH_PLOTLY in address]
    assert page.problems == []


def test_the_preview_follows_the_system_turning_dark(logged_in):
    page = logged_in("light")
    assert page.evaluate(DRAWN)["paper"] == rgb("#ffffff")
    page.emulate_media(color_scheme="dark")
    page.wait_for_function(
        "(dark) => getComputedStyle(document.querySelector('#edit-preview .main-svg'))"
        ".backgroundColor === dark", arg=rgb(CHART_DARK["background"]))
    assert page.evaluate(DRAWN)["date"] == rgb(CHART_DARK["ink"])


def test_the_preview_waits_for_a_pause_and_follows_a_save_clicked_before_it(site, open_page):
    """The preview is drawn once the editor pauses after a check (editor.js); a Save
    clicked before the pause goes first, and the preview follows its answer, even
    when the save writes nothing (here: both editors changed the same field, and Ben
    must choose)."""
    url, data = site
    anna, ben = open_page(), open_page()
    log_in_and_see_the_preview(anna, url, "Anna")
    log_in_and_see_the_preview(ben, url, "Ben")
    previews = []
    ben.on("request", lambda request: previews.append(request) if "edit-preview.figure" in (
        request.post_data or "") else None)
    type_into(anna, grid_cell(anna, "russian-tourists", "title"), "Anna's title")
    anna.click("#edit-save")
    expect(anna.locator("#edit-status")).to_contain_text("Saved version",
                                                         timeout=ANSWER_TIMEOUT)

    # Ben's Save is clicked a tenth of a second after his check answers: in the pause.
    ben.evaluate("""() => new MutationObserver((changes, watching) => {
        if (document.getElementById('edit-problems').textContent.includes('can be saved')) {
            watching.disconnect();
            setTimeout(() => document.getElementById('edit-save').click(), 100);
        }
    }).observe(document.getElementById('edit-problems'), {childList: true, subtree: true})""")
    type_into(ben, grid_cell(ben, "russian-tourists", "title"), "Ben's title")
    expect(ben.locator("#edit-conflict")).to_contain_text("Not saved yet",
                                                          timeout=ANSWER_TIMEOUT)
    assert "Ben's" not in data.read_text("utf-8")
    expect(ben.locator("#edit-preview .textpoint", has_text="Changed: Ben's title")) \
        .to_have_count(1, timeout=ANSWER_TIMEOUT)
    assert len(previews) == 1  # one preview, asked for after the save's answer

    assert not anna.problems and not ben.problems
