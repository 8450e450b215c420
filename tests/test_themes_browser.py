"""Issue 17: the dark page. Dark when the reader's system prefers it
(`prefers-color-scheme`) or the link says `theme=dark`; light when the link says
`theme=light`, whatever the system prefers. The chart (the picture before plotly.js,
then Plotly's), the card, the list and the controls follow; axe-core finds nothing
in dark on any page, at a phone's width and a desktop's.

The curated timeline (tests/data/events.csv), as readers meet it.
"""
from __future__ import annotations

import re

import pytest
from browser import DRAWN_MARKS, accessibility_violations, marks_seen, plotly_chart
from editor_pages import log_in, serving_editor
from playwright.sync_api import expect
from support import BUNDLED_CSV, EVENTS_FIXTURE

from timeline.data.loading import load_events
from timeline.view.colours import CHART_DARK, DARK_PALETTE, PALETTE
from timeline.view.figure import CERTAINTY_SYMBOLS

pytestmark = pytest.mark.browser
expect.set_options(timeout=15_000)
WCAG22 = ("target-size",)
DARK_PAGE = "rgb(22, 24, 28)"  # CHART_DARK["background"], the page's --bg in dark
WHITE = "rgb(255, 255, 255)"
EVENTS = load_events(EVENTS_FIXTURE).events
TITLES = dict(zip(EVENTS["id"], EVENTS["title"]))


def rgb(colour: str) -> str:
    """'#16181c' as a browser computes it: 'rgb(22, 24, 28)'."""
    value = colour.lstrip("#")
    return "rgb({}, {}, {})".format(*(int(value[i:i + 2], 16) for i in (0, 2, 4)))


assert rgb(CHART_DARK["background"]) == DARK_PAGE


def background(page, selector: str = "body") -> str:
    return page.locator(selector).first.evaluate("(e) => getComputedStyle(e).backgroundColor")


def plotly_colours(page) -> dict:
    """What Plotly drew: its paper, a date's and a lane's text, and the marks' colours."""
    return page.evaluate("""() => ({
      paper: getComputedStyle(document.querySelector('#timeline-graph .main-svg')).backgroundColor,
      date: getComputedStyle(document.querySelector('#timeline-graph .xtick text')).fill,
      lane: getComputedStyle(document.querySelector('#timeline-graph .ytick text')).fill})""")


def ready(page) -> None:
    page.wait_for_selector("html[data-timeline=interactive]", state="attached")


# ------------------------------------------------------- which theme, and the chart

@pytest.mark.parametrize("scheme, link", [("dark", ""), ("light", "?theme=dark"),
                                          ("no-preference", "?theme=dark&event=aurus-delivered")])
def test_the_embed_is_dark_by_preference_or_by_link(new_page, curated_embed_url, scheme, link):
    page = new_page({"width": 1280, "height": 800}, color_scheme=scheme)
    page.goto(curated_embed_url + link, wait_until="commit")
    # The picture of the chart, dark from the first paint: the page and its marks.
    expect(page.locator(".chart-preview")).to_be_visible()
    assert background(page) == DARK_PAGE
    # Marks of two events at one place look as the one on top (as in test_embed_browser).
    pictured = list({(round(x, 1), round(y, 1)): (x, y, fill, ring) for x, y, fill, ring
                     in marks_seen(page, ".chart-preview .preview-mark")}.values())
    seen = {colour for _, _, fill, ring in pictured for colour in (fill, ring)}
    assert seen <= {rgb(c) for c in DARK_PALETTE} | {DARK_PAGE}, seen
    assert DARK_PAGE in seen and not seen & {rgb(c) for c in PALETTE}
    # Plotly's chart then draws it in the same colours, where the picture did.
    plotly_chart(page)
    drawn = marks_seen(page, DRAWN_MARKS)
    for x, y, fill, ring in pictured:
        assert any(abs(x - dx) + abs(y - dy) < 3 and (fill, ring) == (dfill, dring)
                   for dx, dy, dfill, dring in drawn), (x, y, fill, ring)
    assert plotly_colours(page) == {"paper": DARK_PAGE, "date": rgb("#c9ccd1"),
                                    "lane": rgb("#c9ccd1")}
    # The legend's key and the card follow.
    assert background(page, ".key-inexact .swatch") == DARK_PAGE
    if "event=" in link:
        expect(page.locator("#event-detail h2")).to_be_visible()
        assert background(page, ".detail") == "rgb(34, 37, 43)"
    assert page.problems == []


def test_a_light_link_wins_over_a_dark_system_and_links_carry_the_theme(
        new_page, curated_explorer_url):
    page = new_page({"width": 1280, "height": 800}, color_scheme="dark")
    page.goto(curated_explorer_url + "?theme=light")
    ready(page)
    assert background(page) == WHITE
    assert page.evaluate("document.documentElement.className").split().count("theme-light") == 1
    assert plotly_colours(page)["paper"] == WHITE
    # A reader's choices keep it, and so do the snippets of this view and Reset.
    page.locator("#filters summary").click() if not page.locator("#filters").evaluate(
        "(f) => f.open") else None
    page.locator("#category-filter input[value=gifts]").check()
    expect(page).to_have_url(re.compile(r"category=gifts.*theme=light"))
    page.locator("#reset").click()
    expect(page).to_have_url(re.compile(r"\?theme=light$"))
    assert "theme=light" in page.locator("#embed-snippet").input_value()
    # Without it, the system's dark.
    page.goto(curated_explorer_url)
    ready(page)
    assert background(page) == DARK_PAGE
    assert plotly_colours(page)["paper"] == DARK_PAGE
    assert page.problems == []


def test_the_explorer_turns_dark_when_the_system_does(new_page, curated_explorer_url):
    page = new_page({"width": 1280, "height": 800}, color_scheme="light")
    page.goto(curated_explorer_url)
    ready(page)
    assert plotly_colours(page)["paper"] == WHITE
    page.emulate_media(color_scheme="dark")
    page.wait_for_function("""() => getComputedStyle(
        document.querySelector('#timeline-graph .main-svg')).backgroundColor
        === 'rgb(22, 24, 28)'""")
    assert background(page) == DARK_PAGE
    assert page.problems == []


def test_the_server_sets_the_theme_before_any_script(new_page, curated_embed_url,
                                                     curated_explorer_url):
    """No flash of light colours: the class is in the page as served."""
    page = new_page(java_script_enabled=False)
    for url in (curated_embed_url, curated_explorer_url):
        if url.endswith("index.html"):
            continue  # a static host has only the style sheet's prefers-color-scheme
        page.goto(url + "?theme=dark")
        assert "theme-dark" in page.evaluate("document.documentElement.className")
        assert background(page) == DARK_PAGE


# ------------------------------------------------------------------------ axe

def filters_opened(page) -> None:
    if not page.locator("#filters").evaluate("(filters) => filters.open"):
        page.locator("#filters summary").click()
    expect(page.locator("#category-filter")).to_be_visible()


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("link", ["", "?event=vostochny-summit&lanes=actor"])
def test_axe_finds_no_violation_on_the_dark_explorer(new_page, curated_explorer_url, width,
                                                     link):
    page = new_page({"width": width, "height": 740 if width < 400 else 800},
                    color_scheme="dark")
    page.goto(curated_explorer_url + link)
    ready(page)
    page.wait_for_selector("#event-list li")
    filters_opened(page)
    assert background(page) == DARK_PAGE
    found = accessibility_violations(page, also=WCAG22)
    assert found == [], "\n".join(found)
    assert page.problems == []


@pytest.mark.parametrize("width", [375, 1280])
def test_axe_finds_no_violation_in_the_dark_embed_with_an_event_open(
        new_page, curated_embed_url, width):
    """The app's embed and the static export (curated_embed_url's two)."""
    page = new_page({"width": width, "height": 740 if width < 400 else 800},
                    color_scheme="dark")
    page.goto(curated_embed_url + "?event=vostochny-summit")
    ready(page)
    expect(page.locator("#event-detail h2")).to_be_visible()
    assert background(page) == DARK_PAGE
    found = accessibility_violations(page, also=WCAG22)  # the picture of the chart
    assert found == [], "\n".join(found)
    filters_opened(page)
    page.wait_for_selector("#timeline-graph.js-plotly-plot .modebar-btn", state="attached")
    found = accessibility_violations(page, also=WCAG22)  # Plotly's chart
    assert found == [], "\n".join(found)
    assert page.problems == []


@pytest.mark.parametrize("width", [375, 1280])
def test_axe_finds_no_violation_on_the_dark_login_page(new_page, curated_explorer_url, width):
    page = new_page({"width": width, "height": 740 if width < 400 else 800},
                    color_scheme="dark")
    page.goto(curated_explorer_url + "edit/login")
    assert background(page) == DARK_PAGE
    found = accessibility_violations(page, also=WCAG22)
    assert found == [], "\n".join(found)


@pytest.fixture(scope="module")
def editor_url(tmp_path_factory):
    data = tmp_path_factory.mktemp("editor") / "events.csv"
    data.write_bytes(BUNDLED_CSV)
    with serving_editor(data) as url:
        yield url


@pytest.mark.parametrize("width", [375, 1280])
def test_axe_finds_no_violation_in_the_dark_editor_with_its_grid(editor_url, new_page, width):
    url = editor_url
    page = new_page({"width": width, "height": 740 if width < 400 else 800},
                    color_scheme="dark")
    page.set_default_timeout(30_000)
    log_in(page, url)
    assert background(page) == DARK_PAGE
    assert background(page, "#edit-grid .ag-row") != WHITE
    found = accessibility_violations(page, also=WCAG22)
    assert found == [], "\n".join(found)


# ------------------------------------------------------- certainty, by shape too

# plotly.js's outlines of a mark of size 12 (view/chart_preview.py symbol_path).
SHAPES = {"square": "M6,6H-6V-6H6Z", "triangle-up": "M-6.93,3H6.93L0,-6Z",
          "diamond": "M7.8,0L0,7.8L-7.8,0L0,-7.8Z"}


def test_certainty_is_drawn_by_shape_in_the_picture_the_chart_and_the_legend(
        new_page, curated_embed_url):
    page = new_page({"width": 1280, "height": 800})
    page.goto(curated_embed_url + "?zoom=all&list=open", wait_until="commit")
    ready(page)
    page.wait_for_selector("#timeline-graph.js-plotly-plot .scatterlayer .point",
                           state="attached")
    drawn = set(page.locator("#timeline-graph .scatterlayer .point").evaluate_all(
        "(points) => points.map((p) => p.getAttribute('d'))"))
    for name, path in SHAPES.items():
        assert path in drawn, name
    # Each shape stands for the certainty its events have, in the list's badges.
    by_event = page.evaluate("""() => {
      const graph = document.getElementById('timeline-graph'), out = {};
      graph._fullData.forEach((trace) => (trace.customdata || []).forEach((item, i) => {
        if (Array.isArray(item) && trace.visible !== false && trace.mode !== 'none') {
          const symbols = trace.marker && trace.marker.symbol;
          if (symbols !== undefined) {
            out[item[0]] = Array.isArray(symbols) ? symbols[i] : symbols;
          }
        }
      }));
      return out; }""")
    certainty = dict(zip(EVENTS["id"], EVENTS["certainty"]))
    assert by_event and all(CERTAINTY_SYMBOLS[certainty[e]] == s for e, s in by_event.items())
    key = page.locator("#timeline-legend .key-certainty")
    expect(key).to_have_text(["confirmed", "reported", "alleged", "expected"])
    assert key.locator(".swatch").evaluate_all(
        "(swatches) => swatches.map((s) => s.className)") == [
        "swatch shape-circle", "swatch shape-square", "swatch shape-triangle-up",
        "swatch shape-diamond"]
    assert page.problems == []


def test_the_picture_draws_the_same_shapes_before_plotly(new_page, curated_embed_url):
    page = new_page({"width": 1280, "height": 800})
    page.goto(curated_embed_url, wait_until="commit")
    expect(page.locator(".chart-preview")).to_be_visible()
    used = page.locator(".chart-preview use.preview-mark").evaluate_all(
        "(marks) => marks.map((m) => document.querySelector(m.getAttribute('href'))"
        ".getAttribute('d'))")
    assert used and set(used) <= set(SHAPES.values())
    # A shaped mark answers hover as a circle does (picture.js finds it by cx, cy, r).
    mark = page.locator(".chart-preview use.preview-mark").first
    box = mark.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    title = TITLES[mark.get_attribute("data-event")]
    expect(page.locator(".chart-preview .preview-hover")).to_contain_text(title)
    assert page.problems == []
