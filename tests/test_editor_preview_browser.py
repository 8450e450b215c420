"""The editor's preview chart (issues 16 and 17): drawn by the app's own plotly.js of
scatter traces (Dash's whole plotly.min.js, 4.6 MB, is never fetched), with every
trace type its figures use, and in the dark palette on a dark page (axe-core finds
nothing there), light on a light one."""
from __future__ import annotations

import pytest
from browser import accessibility_violations, grid_cell, record_problems, serving, type_into
from playwright.sync_api import expect
from support import BUNDLED_CSV
from test_editor_accessibility_browser import ANSWER_TIMEOUT, SECRET, WCAG22, log_in
from test_themes_browser import rgb

from timeline.app_factory import create_app
from timeline.config import Config
from timeline.view.colours import CHART_DARK, CHART_LIGHT, DARK_PALETTE, PALETTE

pytestmark = pytest.mark.browser
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
def logged_in(browser, tmp_path):
    """A page of the editor, its requests' addresses recorded, in a colour scheme."""
    data = tmp_path / "events.csv"
    data.write_bytes(BUNDLED_CSV)
    contexts = []

    def opened(scheme: str):
        context = browser.new_context(viewport={"width": 1280, "height": 800},
                                      color_scheme=scheme)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = record_problems(context.new_page(), console_errors=False)
        page.requested = []
        page.on("request", lambda request: page.requested.append(request.url))
        log_in(page, url, "Ben")
        return page
    with serving(create_app(Config(data_path=data, edit_secret=SECRET)).server) as url:
        yield opened
        for context in contexts:
            context.close()


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
