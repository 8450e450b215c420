"""The light embed and the static export in real headless Chromium, as readers use them.

The same page is served two ways: by the app at `/embed`, and as exported files
from a plain static file server with no Python behind the page. Every test runs
against both, so the static export is held to the embed's behaviour.
"""
from __future__ import annotations

import json
import re
import unicodedata
from datetime import date

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from playwright.sync_api import expect

from browser import (
    DRAWN_MARKS,
    accessibility_violations,
    marks_seen,
    plotly_chart,
    record_problems,
    serving,
    serving_embed,
    serving_files,
)
from support import (
    BUNDLED_CSV,
    DEFAULT_VIEW_FIELDS,
    csv_bytes,
    filter_cases,
    link_queries,
    prepared_events,
    table_of_cases,
    tricky_text,
    view_fields,
)
from timeline.app_factory import create_app
from timeline.config import REPOSITORY, Config
from timeline.data_store import snapshot_of
from timeline.embed.static_export import export_static
from timeline.view.figure import visible_window
from timeline.view.transforms import filter_events, normalise_text
from timeline.view.view_state import ViewState

pytestmark = pytest.mark.browser
expect.set_options(timeout=10_000)
CASES = filter_cases()
EVENTS = prepared_events(CASES["events"])
TITLES = dict(zip(EVENTS["id"], EVENTS["title"]))


@pytest.fixture(scope="module")
def data_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("data") / "events.csv"
    # Notes are for editors: the tests look for them in everything a reader receives.
    path.write_bytes(csv_bytes([{**event, "notes": f"PRIVATE NOTE about {event['id']}"}
                                for event in CASES["events"]]))
    return path


@pytest.fixture(scope="module", params=["app", "static"])
def embed_url(request, data_file, tmp_path_factory):
    """The embed's address: the app's /embed, or index.html of a static export."""
    with serving_embed(request.param, Config(data_path=data_file, title="Test timeline"),
                       tmp_path_factory.mktemp("export"),
                       explorer_url="https://news.example/timeline/") as url:
        yield url


@pytest.fixture
def page(browser):
    context = browser.new_context()
    context.set_default_timeout(15_000)
    page = record_problems(context.new_page())
    yield page
    context.close()


def open_embed(page, url: str) -> None:
    """The page open and answering: its picture of the chart, or Plotly's chart
    for a link to another view (picture.js), and its list drawn (folded but for
    `list=open`)."""
    page.goto(url)
    page.wait_for_selector("html[data-timeline=interactive]", state="attached")
    expect(page.locator("#event-list li").first).to_be_attached()


def open_list(page) -> None:
    """Unfold the event list, as a reader does."""
    page.locator("#timeline .list-summary").click()
    expect(page.locator("#event-list li").first).to_be_visible()


def expected_ids(query: str) -> list[str]:
    return list(filter_events(EVENTS, ViewState.from_query_string(query))["id"])


def in_first_window(ids: list[str]) -> list[str]:
    """Those of `ids` that start in the chart's first window (view/window.py)."""
    first, last = (pd.Timestamp(day) for day in visible_window(EVENTS, ViewState(), date.today()))
    starts = dict(zip(EVENTS["id"], EVENTS["start_at"]))
    return [i for i in ids if first <= starts[i] <= last]


def expect_shown(page, ids: list[str]) -> None:
    """The list and the chart show the events `ids`: Plotly's chart (every mark,
    those outside its range too), or the page's picture of it while it shows the
    first window (its marks in that window, each of one event in these small
    timelines)."""
    expect(page.locator("#event-list .list-title")).to_have_text([TITLES[i] for i in ids])
    page.wait_for_function("""([ids, pictured]) => {
        const graph = document.getElementById('timeline-graph');
        const picture = graph.querySelector('.chart-preview.is-interactive:not(.is-stale)');
        const points = picture
            ? Array.from(picture.querySelectorAll('.preview-mark'))
                .filter(mark => mark.style.display !== 'none').map(mark => mark.dataset.event)
            : !graph.querySelector('.chart-preview') && graph.data
            ? graph.data.filter(t => t.mode !== 'lines' && t.customdata)
                .flatMap(t => t.customdata.flatMap(c => c[3] || [c[0]]))
            : null;  // Plotly's chart not drawn yet
        return points && JSON.stringify(points.sort()) === JSON.stringify(picture ? pictured : ids);
    }""", arg=[sorted(ids), sorted(in_first_window(ids))])


def test_the_preset_view_in_the_url_is_shown(page, embed_url):
    preset = "actor=Kim+Jong-un&category=gifts"
    open_embed(page, f"{embed_url}?{preset}")
    expect_shown(page, expected_ids(preset))
    expect(page.locator("#event-count")).to_contain_text("Kim Jong-un · gifts")
    expect(page.locator("#filters")).not_to_have_attribute("open", "")
    assert page.problems == []


def test_filters_search_and_reset_change_chart_and_list_together(page, embed_url):
    open_embed(page, embed_url)
    expect_shown(page, expected_ids(""))
    page.locator("#filters summary").click()
    page.locator("#category-filter input[value=military]").check()
    expect_shown(page, expected_ids("category=military"))
    assert "category=military" in page.url
    page.fill("#search", "shoigu")
    expect_shown(page, expected_ids("category=military&q=shoigu"))
    page.click("#reset")
    expect_shown(page, expected_ids(""))
    page.go_back()
    expect_shown(page, expected_ids("category=military&q=shoigu"))


def test_an_event_opens_its_details_and_stepping_follows_the_list(page, embed_url):
    open_embed(page, embed_url + "?category=military")
    ids = expected_ids("category=military")
    open_list(page)
    page.locator("#event-list a", has_text=TITLES[ids[0]]).click()
    expect(page.locator("#event-detail h2")).to_have_text(TITLES[ids[0]])
    page.keyboard.press("ArrowRight")
    expect(page.locator("#event-detail h2")).to_have_text(TITLES[ids[1]])
    page.click("#prev-event")
    expect(page.locator("#event-detail h2")).to_have_text(TITLES[ids[0]])
    assert f"event={ids[0]}" in page.url


def test_a_description_link_is_a_real_link_and_text_stays_text(page, embed_url):
    open_embed(page, embed_url + "?event=car")
    # The card opens as a teaser, its first lines as plain text; read on for the rest.
    expect(page.locator("#event-detail .detail-lead")).to_contain_text("reported by KCNA")
    expect(page.locator("#event-detail .detail-lead a")).to_have_count(0)
    page.locator("#event-detail .detail-more").click()
    link = page.locator("#event-detail a", has_text="KCNA")
    expect(link).to_have_attribute("href", "https://kcna.kp")
    expect(page.locator("#event-detail")).to_contain_text("A gift from Putin, reported by")


def test_clicking_a_mark_selects_its_event(page, embed_url):
    open_embed(page, embed_url + "?category=tourism")
    point = page.locator("#timeline-graph .scatterlayer .point").first
    box = point.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.locator("#event-detail h2")).to_have_text(TITLES["tourists"])


def test_lanes_by_actor_and_zoom_live_in_the_url(page, embed_url):
    open_embed(page, embed_url + "?lanes=actor&zoom=2023-01-01..2024-12-31")
    page.wait_for_function("""() => {
        const layout = document.getElementById('timeline-graph').layout;
        return layout.yaxis.ticktext.includes('Kim Jong-un') &&
               layout.xaxis.range[0].startsWith('2023-01-01');
    }""")
    expect(page.locator("#lane-switch input[value=actor]")).to_be_checked()


def test_a_double_click_resets_the_zoom_to_the_whole_timeline(page, embed_url):
    from timeline.view.figure import build_figure
    whole = build_figure(EVENTS, ViewState(), today=date.today()).layout.xaxis.range
    open_embed(page, embed_url + "?zoom=2023-01-01..2024-12-31")
    page.locator("#timeline-graph .nsewdrag").dblclick()
    page.wait_for_function("() => !location.search.includes('zoom')")
    # The figure's own range, bars' ends included (Plotly's reset alone would fit
    # only its traces: our build skips shapes' extents for fixed axes).
    shown_range = page.evaluate("() => document.getElementById('timeline-graph')"
                                 "._fullLayout.xaxis.range")
    assert [day[:10] for day in shown_range] == [str(day)[:10] for day in whole]
    assert page.problems == []


def test_the_full_explorer_link_carries_the_view(page, embed_url):
    open_embed(page, embed_url + "?category=gifts")
    link = page.locator("#full-explorer-link")
    expect(link).to_have_attribute("href", re.compile(r"/\?category=gifts$"))


def test_the_browser_filter_agrees_with_python_on_every_case(page, embed_url):
    """One table of cases for both filters: timeline-core.js must give Python's answers."""
    open_embed(page, embed_url)
    for case in CASES["cases"]:
        shown = page.evaluate("""async (query) => {
            const url = document.getElementById('timeline').dataset.events;
            const data = await (await fetch(url)).json();
            const view = TimelineCore.parseView(query);
            return TimelineCore.filterEvents(
                TimelineCore.prepareEvents(TimelineCore.eventsFrom(data.events)), view)
                .map(e => e.id);
        }""", case["query"])
        assert shown == case["expected"], case


@pytest.mark.parametrize("query", [
    "", "actor=Kim+Jong-un&actor=Kim+Jong-un&category=gifts", "from=2023&to=2023-09",
    "from=2023-02-30&to=bad", "zoom=2024..2023", "zoom=2023-01..2023-06", "lanes=sideways",
    "q=%20%20Aurus%20%20", "event=&event=car", "certainty=alleged&lanes=actor",
    "q=" + "x" * 300, "from=1999~&to=2001?", "actor=" + "%D0%9A%D0%B8%D0%BC",
])
def test_the_browser_reads_links_as_python_does(page, embed_url, query):
    open_embed(page, embed_url)
    browser_query = page.evaluate(
        "(q) => TimelineCore.toQueryString(TimelineCore.parseView(q))", query)
    assert browser_query == ViewState.from_query_string(query).to_query_string()


# --------------------------- the two readers of a view, on shared and generated cases

TEXT_CASES = table_of_cases("text_cases.json")
VIEW_CASES = table_of_cases("view_cases.json")
# Derandomized, no example database: every run checks the same cases.
GENERATED = settings(max_examples=40, deadline=None, derandomize=True, database=None)


@pytest.fixture(scope="module")
def core(browser):
    """A page holding timeline-core.js alone, the script the embed and the export run."""
    context = browser.new_context()
    page = record_problems(context.new_page())
    page.add_script_tag(path=str(REPOSITORY / "timeline" / "engine" / "web" / "timeline-core.js"))
    yield page
    assert page.problems == []
    context.close()


def in_the_browser(core, function: str, inputs: list[str]) -> list:
    """`TimelineCore[function]` of each input, in one call (as JSON text: Playwright's
    own encoding of a list of 100,000 strings takes ten times as long)."""
    return json.loads(core.evaluate(
        "([name, inputs]) => JSON.stringify(JSON.parse(inputs).map((x) => TimelineCore[name](x)))",
        [function, json.dumps(inputs)]))


def browser_folds(core, texts: list[str]) -> list[str]:
    return in_the_browser(core, "normaliseText", texts)


def browser_reads(core, queries: list[str]) -> list[dict]:
    return in_the_browser(core, "parseView", queries)


def test_the_browser_folds_text_as_the_table_says(core):
    folded = browser_folds(core, [case["text"] for case in TEXT_CASES])
    assert dict(zip((case["name"] for case in TEXT_CASES), folded)) == {
        case["name"]: case["folded"] for case in TEXT_CASES}


def test_the_browser_reads_links_as_the_table_says(core):
    views = browser_reads(core, [case["query"] for case in VIEW_CASES])
    assert dict(zip((case["name"] for case in VIEW_CASES), views)) == {
        case["name"]: {**DEFAULT_VIEW_FIELDS, **case["view"]} for case in VIEW_CASES}


def test_the_browser_folds_every_character_as_python_does(core):
    """Every character Python's Unicode version assigns (private use aside), alone."""
    characters = [chr(code) for code in range(0x110000)
                  if unicodedata.category(chr(code)) not in ("Cn", "Cs", "Co")]
    ours = [normalise_text(c) for c in characters]
    differ = [(f"U+{ord(c):04X}", theirs, mine) for c, theirs, mine
              in zip(characters, browser_folds(core, characters), ours) if theirs != mine]
    assert differ == []


@GENERATED
@given(st.lists(tricky_text(max_size=30), min_size=1, max_size=100))
def test_the_browser_folds_generated_text_as_python_does(core, texts):
    assert browser_folds(core, texts) == [normalise_text(text) for text in texts]


@GENERATED
@given(st.lists(link_queries(), min_size=1, max_size=50))
def test_the_browser_reads_generated_links_as_python_does(core, queries):
    assert browser_reads(core, queries) == [view_fields(ViewState.from_query_string(query))
                                            for query in queries]


def test_notes_never_reach_the_reader(page, embed_url):
    responses = []
    page.on("response", lambda r: responses.append(r))
    open_embed(page, embed_url + "?event=car")
    expect(page.locator("#event-detail h2")).to_have_text(TITLES["car"])
    page.click("#filters summary")
    page.locator("#lane-switch input[value=actor]").check()  # fetches the other figure
    page.wait_for_function("() => { const graph = document.getElementById('timeline-graph');"
                           " return graph.layout &&"  # Plotly's chart, once plotly.js is here
                           " graph.layout.yaxis.ticktext.includes('Kim Jong-un'); }")
    fetched = [r for r in responses if r.ok and r.request.method == "GET"]
    # The page and its script, the events (inline in the app's page), a card's
    # details, the other lanes' figure: every kind of file a reader gets.
    kinds = {"script": re.compile(r"/embed\.\w+\.js$"), "details": re.compile(r"details[-/]"),
             "other lanes": re.compile(r"(figure-actor-|/figure/.*/actor)")}
    assert {kind for r in fetched for kind, pattern in kinds.items()
            if pattern.search(r.url)} == set(kinds)
    bodies = [r.body() for r in fetched]
    assert not any(b"PRIVATE NOTE" in body for body in bodies)
    assert not any(b'"notes"' in body for body in bodies)


def holding_plotly(page) -> list:
    """Holds back plotly.js's script until the test lets it go (`route.continue_()`)."""
    held = []
    page.route(re.compile(r"plotly-scatter[^/]*\.js$"), lambda route: held.append(route))
    return held


@pytest.fixture(scope="module", params=["app", "static"])
def bundled_embed_url(request, tmp_path_factory):
    """The embed of the bundled timeline, whose chart has labelled and bare marks."""
    path = tmp_path_factory.mktemp("bundled") / "events.csv"
    path.write_bytes(BUNDLED_CSV)
    config = Config(data_path=path)
    if request.param == "app":
        with serving(create_app(config).server) as url:
            yield url + "/embed"
    else:
        folder = tmp_path_factory.mktemp("bundled-export")
        export_static(snapshot_of(BUNDLED_CSV, "events.csv"), folder, config, date.today())
        with serving_files(folder) as url:
            yield url + "/index.html"


def test_the_chart_is_on_screen_before_plotly_and_where_plotly_then_draws_it(
        page, bundled_embed_url):
    page.goto(bundled_embed_url, wait_until="commit")
    expect(page.locator(".chart-preview")).to_be_visible()
    # Marks of two events at one place (an exact and a hollow one, a month's start)
    # look as the one on top, as marks_seen reads Plotly's dots.
    pictured = list({(round(x, 1), round(y, 1)): (x, y, fill, ring) for x, y, fill, ring
                     in marks_seen(page, ".chart-preview .preview-mark")}.values())
    height = page.locator("#timeline-graph").evaluate("(graph) => graph.offsetHeight")
    plotly_chart(page)  # replaced, not left under
    # As tall: nothing below it moves (and a frame's page is not resized).
    assert page.evaluate("() => document.getElementById('timeline-graph')"
                         ".getBoundingClientRect().height") == height
    # Every mark in the plot (the first window: Plotly draws those outside it too,
    # hidden), labelled (Plotly's points) or bare (dots), where the picture put it,
    # in its colours: filled, or hollow (a white fill in a ring).
    plot = page.locator("#timeline-graph .nsewdrag").bounding_box()
    drawn = [mark for mark in marks_seen(page, DRAWN_MARKS)
             if plot["x"] - 1 <= mark[0] <= plot["x"] + plot["width"] + 1]
    # As many places (a mark of another certainty's shape, Plotly's point, may sit
    # on a dot: the picture draws it on top too).
    assert len({(round(x, 1), round(y, 1)) for x, y, _, _ in drawn}) == len(pictured)
    # Bare circles are dots (figure-packing.js dotShapes); other shapes, Plotly's points.
    assert marks_seen(page, "#timeline-graph .layer-between path")
    assert any(fill == "rgb(255, 255, 255)" for _, _, fill, _ in drawn)
    for x, y, fill, ring in pictured:
        assert any(abs(x - dx) + abs(y - dy) < 3 and (fill, ring) == (dfill, dring)
                   for dx, dy, dfill, dring in drawn), (x, y, fill, ring)
    assert page.problems == []


def test_a_bare_mark_answers_hover_and_click(page, bundled_embed_url):
    open_embed(page, bundled_embed_url)
    plotly_chart(page)
    # The first bare mark (drawn as a dot) of one event alone at its place (not
    # under a mark of another shape), where it is on the page, and a point on it
    # 3 px away from its nearest neighbour (bare marks are the crowded ones; hover
    # takes the nearest, and a neighbour half a pixel nearer is not what this is about).
    title, x, y, px, py = page.evaluate("""() => {
        const graph = document.getElementById('timeline-graph'), layout = graph._fullLayout;
        const box = graph.querySelector('.nsewdrag').getBoundingClientRect();
        const marks = graph._fullData.filter(t => t.customdata && t.mode !== 'lines')
            .flatMap(t => t.customdata.map((c, i) => [t.mode, c[1],
                box.x + layout.xaxis.d2p(t.x[i]), box.y + layout.yaxis.d2p(t.y[i]), !c[3]]))
            .filter(([, , x]) => x >= box.x && x <= box.right);  // in the window shown
        const alone = ([, , x, y]) => marks.filter(([, , ox, oy]) => ox === x && oy === y)
            .length === 1;
        const [, title, x, y] = marks.find((m) => m[0] === 'none' && m[4] && alone(m));
        const [, , nx, ny] = marks.filter(([, , ox, oy]) => ox !== x || oy !== y)
            .sort((a, b) => Math.hypot(a[2] - x, a[3] - y) - Math.hypot(b[2] - x, b[3] - y))[0];
        const away = Math.hypot(x - nx, y - ny);
        return [title, x, y, x + 3 * (x - nx) / away, y + 3 * (y - ny) / away];
    }""")
    dots = marks_seen(page, "#timeline-graph .layer-between path")
    assert min(abs(x - dx) + abs(y - dy) for dx, dy, _, _ in dots) < 1
    page.mouse.move(px, py)
    expect(page.locator("#timeline-graph .hoverlayer")).to_contain_text(title)
    page.mouse.click(px, py)
    expect(page.locator("#event-detail h2")).to_have_text(title)
    assert page.problems == []


def test_a_link_to_another_view_hides_the_picture_of_the_default_one(page, embed_url):
    held = holding_plotly(page)
    page.goto(embed_url + "?category=gifts&event=car", wait_until="commit")
    page.wait_for_selector(".chart-preview .preview-mark", state="attached")
    expect(page.locator(".chart-preview")).to_be_hidden()
    page.goto(embed_url + "?event=car", wait_until="commit")
    expect(page.locator(".chart-preview")).to_be_visible()
    for route in held:
        route.continue_()


# ---------------------------- the picture answers for the chart until plotly.js is needed

PLOTLY_JS = re.compile(r"plotly-scatter[^/]*\.js$")


def plotly_requests(page) -> list[str]:
    """Every request the page makes for plotly.js, as it makes them."""
    asked: list[str] = []
    page.on("request", lambda request: PLOTLY_JS.search(request.url) and asked.append(request.url))
    return asked


@pytest.fixture(scope="module")
def bundled_events():
    """The bundled timeline's events in the list's order (the whole timeline)."""
    from timeline.data.loading import load_events_from_bytes
    from timeline.view.transforms import prepare_events
    events = prepare_events(load_events_from_bytes(BUNDLED_CSV, "events.csv").events)
    return filter_events(events, ViewState()).set_index("id", drop=False)


# The time range Plotly's chart shows, as numbers (ms).
SHOWN_RANGE = ("(({xaxis}) => xaxis.range.map((end) => xaxis.r2l(end)))"
               "(document.getElementById('timeline-graph')._fullLayout)")


def centre(box: dict) -> tuple[float, float]:
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def test_the_picture_answers_hover_clicks_stepping_and_the_list_without_plotly(
        page, bundled_embed_url, bundled_events):
    asked = plotly_requests(page)
    page.goto(bundled_embed_url)
    page.wait_for_selector("html[data-timeline=interactive]", state="attached")
    expect(page.locator("#event-list li").first).to_be_attached()
    # A labelled mark is an event's own (crowded ones are bare).
    event_id = page.locator(".chart-preview text[data-event]").first.get_attribute("data-event")
    event = bundled_events.loc[event_id]
    x, y = centre(page.locator(f'.preview-mark[data-event="{event_id}"]').bounding_box())
    page.mouse.move(x, y)
    expect(page.locator(".chart-preview .preview-hover")).to_have_text(
        event["title"] + event["date_label"])
    page.mouse.click(x, y)
    expect(page.locator("#event-detail h2")).to_have_text(event["title"])
    assert f"event={event_id}" in page.url
    ring = page.locator(".chart-preview .preview-selected")
    expect(ring).to_be_visible()
    ring_x, ring_y = centre(ring.bounding_box())
    assert abs(ring_x - x) < 1 and abs(ring_y - y) < 1  # where Plotly puts its ring
    # Stepping and the list, in date order, still on the picture.
    order = list(bundled_events["id"])
    after = order[order.index(event_id) + 1]
    page.keyboard.press("ArrowRight")
    expect(page.locator("#event-detail h2")).to_have_text(bundled_events.loc[after, "title"])
    assert f"event={after}" in page.url
    page.click("#prev-event")
    expect(page.locator("#event-detail h2")).to_have_text(event["title"])
    # The list's first event in the picture's window (the first window).
    first, last = page.evaluate("() => TimelinePage.data().figures.category.layout.xaxis.range")
    listed = bundled_events[bundled_events["start_at"].between(first, last)]["id"].iloc[0]
    open_list(page)
    page.locator("#event-list a", has_text=bundled_events.loc[listed, "title"]).click()
    expect(page.locator("#event-detail h2")).to_have_text(bundled_events.loc[listed, "title"])
    assert f"event={listed}" in page.url
    expect(ring).to_be_visible()
    page.go_back()
    expect(page.locator("#event-detail h2")).to_have_text(event["title"])
    assert asked == [] and page.locator(".chart-preview").count() == 1
    assert page.problems == []


def test_a_filter_loads_plotly_and_draws_the_filtered_view(page, embed_url):
    asked = plotly_requests(page)
    open_embed(page, embed_url)
    expect_shown(page, expected_ids(""))
    assert asked == []
    # The box itself, without the Filters opened first (which would load it too).
    page.locator("#category-filter input[value=military]").evaluate("(box) => box.click()")
    expect_shown(page, expected_ids("category=military"))
    expect(page.locator(".chart-preview")).to_have_count(0)  # Plotly's chart replaced it
    assert "category=military" in page.url and len(asked) == 1
    assert page.problems == []


def test_plotly_that_fails_to_load_says_so_and_is_tried_again(page, embed_url):
    page.route(PLOTLY_JS, lambda route: route.abort())
    open_embed(page, embed_url)
    page.locator("#category-filter input[value=military]").evaluate("(box) => box.click()")
    expect(page.locator("#event-count")).to_contain_text("The chart could not be loaded")
    expect(page.locator(".chart-preview.is-stale")).to_be_visible()  # faded: not this view
    page.unroute(PLOTLY_JS)
    page.locator("#category-filter input[value=gifts]").evaluate("(box) => box.click()")
    expect_shown(page, expected_ids("category=military&category=gifts"))
    expect(page.locator("#event-count")).not_to_contain_text("could not be loaded")
    # The console's note of the request that failed, and nothing else.
    assert page.problems == ["Failed to load resource: net::ERR_FAILED"]


def test_a_drag_across_the_picture_zooms_as_plotlys_zoom_box_does(page, bundled_embed_url):
    open_embed(page, bundled_embed_url)
    plot = page.locator(".chart-preview .preview-plot").bounding_box()
    y = plot["y"] + plot["height"] * 0.5
    page.mouse.move(plot["x"] + plot["width"] * 0.5, y)
    page.mouse.down()
    page.mouse.move(plot["x"] + plot["width"] * 0.7, y, steps=5)
    page.mouse.move(plot["x"] + plot["width"] * 0.9, y, steps=5)
    page.mouse.up()
    page.wait_for_selector(".chart-preview", state="detached")
    # The dates under the drag's ends, as the figure's axis maps them, within a pixel.
    whole = page.evaluate("() => TimelinePage.data().figures.category.layout.xaxis.range"
                          ".map((day) => TimelineFigurePacking.dateMs(day))")
    shown = page.evaluate(f"() => {SHOWN_RANGE}")
    pixel = (whole[1] - whole[0]) / plot["width"]
    day = 86_400_000
    for share, moment in zip((0.5, 0.9), shown):
        assert abs(whole[0] + share * (whole[1] - whole[0]) - moment) < pixel + day
    assert re.search(r"zoom=\d{4}-\d\d-\d\d\.\.\d{4}-\d\d-\d\d", page.url)
    assert page.problems == []


def test_the_pictures_mode_bar_is_plotlys_and_keeps_the_focus(page, bundled_embed_url):
    asked = plotly_requests(page)
    open_embed(page, bundled_embed_url)
    whole = page.evaluate("() => TimelinePage.data().figures.category.layout.xaxis.range"
                          ".map((day) => TimelineFigurePacking.dateMs(day))")
    zoom_in = page.locator(".chart-preview").get_by_role("button", name="Zoom in")
    zoom_in.focus()
    page.keyboard.press("Enter")
    # Plotly's own button pressed once its chart is there: the middle half of the axis.
    expect(page.locator('#timeline-graph .modebar-btn[data-title="Zoom in"]')).to_be_focused()
    page.wait_for_function("() => location.search.includes('zoom=')")
    shown = page.evaluate(f"() => {SHOWN_RANGE}")
    quarter = (whole[1] - whole[0]) / 4
    assert abs(shown[0] - (whole[0] + quarter)) < 86_400_000
    assert abs(shown[1] - (whole[1] - quarter)) < 86_400_000
    # Autoscale goes back to the figure's own range, the first window (the zoom
    # once moved the figure's own range with it, and this came back to a part of it).
    page.locator('#timeline-graph .modebar-btn[data-title="Autoscale"]').click()
    page.wait_for_function("() => !location.search.includes('zoom=')")
    page.wait_for_function(f"(whole) => JSON.stringify({SHOWN_RANGE}) === JSON.stringify(whole)",
                           arg=whole)
    assert len(asked) == 1 and page.problems == []


def test_the_picture_has_no_accessibility_violations(page, bundled_embed_url, bundled_events):
    # An event in the picture's window (the first window: 2022 to 2024).
    shown = bundled_events[bundled_events["start_at"] >= pd.Timestamp("2022-01-01")]
    open_embed(page, bundled_embed_url + "?event=" + shown["id"].iloc[0])
    expect(page.locator(".chart-preview .preview-selected")).to_be_visible()
    mark = page.locator(".chart-preview .preview-mark").first.bounding_box()
    page.mouse.move(*centre(mark))
    expect(page.locator(".chart-preview .preview-hover")).to_be_visible()
    assert accessibility_violations(page) == []


def test_the_pictures_labels_are_the_charts_at_a_phones_width(browser, bundled_embed_url):
    """At a width the figure was not built for, the chart keeps the labels that
    have room (density.js); so does the picture, until Plotly's chart replaces it."""
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = record_problems(context.new_page())
    open_embed(page, bundled_embed_url)
    pictured = page.evaluate("""() => Array.from(
        document.querySelectorAll('.chart-preview text[data-event]'))
        .filter((text) => text.style.display !== 'none')
        .map((text) => [text.textContent, text.getAttribute('text-anchor') === 'end'])""")
    # Since the first window and shortened labels (label-fit.js), all may have room.
    assert 0 < len(pictured) <= page.locator(".chart-preview text[data-event]").count()
    plotly_chart(page)
    drawn = page.evaluate("""() => {
        const trace = document.getElementById('timeline-graph').data
            .find((t) => t.mode === 'markers+text');
        return trace.text.map((text, i) => [text, trace.textposition[i]]).filter(([text]) => text)
            .map(([text, side]) => [text.replace(/&lt;/g, '<').replace(/&gt;/g, '>')
                                        .replace(/&amp;/g, '&'), side === 'top left']);
    }""")
    assert sorted(pictured) == sorted(drawn)
    assert page.problems == []
    context.close()


def milliseconds(day) -> int:
    """A date as the embed gives it to Plotly: milliseconds since 1970, UTC."""
    return round(pd.Timestamp(day).timestamp() * 1000)


def test_bars_are_drawn_where_the_figure_puts_them(page, embed_url):
    """Each lasting event's bar, drawn as a path shape, spans its start to its end."""
    from timeline.view.figure import build_figure
    figure = build_figure(EVENTS, ViewState(), today=date.today())
    bars = {trace.customdata[i]: (trace.x[i], trace.x[i + 1], trace.y[i])
            for trace in figure.data if trace.mode == "lines"
            for i in range(0, len(trace.x), 3)}
    assert set(bars) == {"shipments", "shoigu", "zis"}
    open_embed(page, embed_url)
    plotly_chart(page)
    drawn, expected = page.evaluate("""(bars) => {
        const graph = document.getElementById('timeline-graph'), layout = graph._fullLayout;
        const drawn = Array.from(graph.querySelectorAll('.shapelayer path'))
            .filter(p => layout.shapes[+p.getAttribute('data-index')].layer === 'below')
            .flatMap(p => (p.getAttribute('d').match(/M[^M]+/g) || []).map(s => s.slice(1)
                .split('L').map(xy => xy.split(',').map(Number))))
            .map(([start, end]) => [start[0], end[0], start[1]].map(Math.round));
        const expected = Object.values(bars).map(([start, end, row]) => [
            layout.xaxis._offset + layout.xaxis.d2p(start), layout.xaxis._offset + layout.xaxis.d2p(end),
            layout.yaxis._offset + layout.yaxis.d2p(row)].map(Math.round));
        return [drawn, expected];
    }""", {key: [str(a), str(b), y] for key, (a, b, y) in bars.items()})
    assert sorted(drawn) == sorted(expected)
    # Filtered out, a bar goes with its event's mark; a kept one moves with its
    # lane (here to the top, the only lane left).
    page.locator("#filters summary").click()
    page.locator("#category-filter input[value=gifts]").check()
    expect_shown(page, expected_ids("category=gifts"))
    assert page.evaluate("""() => {
        const graph = document.getElementById('timeline-graph');
        return graph._fullLayout.shapes.filter(s => s.layer === 'below').map(s => s.path);
    }""") == [f"M{milliseconds(bars['zis'][0])},0L{milliseconds(bars['zis'][1])},0"]
    assert page.problems == []


def test_packing_keeps_every_mark_and_bar_as_drawn(page):
    """packMarks and asShapes: the same picture in fewer SVG elements (figure-packing.js)."""
    from timeline.engine import WEB
    page.set_content("<!doctype html><title>core</title>")
    page.add_script_tag(path=str(WEB / "timeline-core.js"))
    page.add_script_tag(path=str(WEB / "figure-packing.js"))
    separator = {"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": 0.5, "y1": 0.5}
    drawn = page.evaluate("""(separator) => {
        const data = TimelineFigurePacking.packMarks([
            {mode: 'lines', x: ['2001-01-01T00:00:00', '2005-01-01T00:00:00', null,
                                '2003-01-01T00:00:00', '2009-06-30T12:00:00', null,
                                '2010-01-01', '2011-01-01', null, '2002-01-01', '2004-01-01', null],
             y: [0, 0, null, 0, 0, null, 0, 0, null, 1, 1, null],
             customdata: ['a', 'a', null, 'b', 'b', null, 'c', 'c', null, 'd', 'd', null],
             opacity: 0.55, line: {color: '#111', width: 9, dash: 'dot'}},
            {mode: 'lines', x: ['2001', '2002', null], y: [3, 3, null], customdata: ['a', 'a', null],
             line: {color: '#222'}},
            {mode: 'markers', x: [], y: [], customdata: [], hovertemplate: '%{customdata[1]}',
             marker: {color: '#f00', size: 12, line: {width: 2}}},
            {mode: 'markers', x: ['2001'], y: [0], customdata: [['a', 'A', '2001']],
             marker: {color: '#f00', line: {color: '#f00'}}},
            {mode: 'markers+text', x: ['0044-03-15T12:30:00'], y: [0], customdata: [['b', 'B', '2003']],
             text: ['B'], textposition: ['top left'], marker: {color: 'white', line: {color: '#00f'}}},
            {mode: 'markers', x: ['2010', '2002'], y: [0, 1],
             customdata: [['c', 'C', '2010', ['c', 'e']], ['d', 'D', '2002']],
             marker: {color: 'white', line: {color: '#0f0'}}},
            {mode: 'markers', x: ['2004'], y: [2], hoverinfo: 'skip', marker: {size: 22}},
        ]);
        const hoverText = (id, others) => [id.toUpperCase(), others + ' more'];
        const view = (shown) => TimelineFigurePacking.asShapes(TimelineFigurePacking.compactLanes(
            TimelineFigurePacking.filterFigureData(data, new Set(shown), hoverText),
            {height: 300, shapes: [separator]}));
        return {all: view('abcde'), some: view('ce'), one: view('e')};
    }""", separator)
    ms = milliseconds
    hover, labelled, ring = drawn["all"]["data"]
    shapes = drawn["all"]["layout"]["shapes"]
    assert drawn["all"]["layout"]["height"] == 300 and shapes[0] == separator
    # Bars are one path shape per trace, under the marks, the trace's style kept.
    # Overlapping bars in a row become one; a gap, or another row, keeps them
    # apart. Dates are numbers (milliseconds) for Plotly to read at once.
    assert shapes[1] == {
        "type": "path", "xref": "x", "yref": "y", "layer": "below", "opacity": 0.55,
        "line": {"color": "#111", "width": 9, "dash": "dot"},
        "path": f"M{ms('2001-01-01')},0L{ms('2009-06-30 12:00')},0"
                f"M{ms('2010-01-01')},0L{ms('2011-01-01')},0M{ms('2002-01-01')},1L{ms('2004-01-01')},1"}
    assert shapes[2]["path"] == f"M{ms('2001')},3L{ms('2002')},3"
    # Bare marks of every trace are dots: a path per ring colour (the mark's
    # size and its line across), then one per fill unlike its ring (the size
    # less the line), over the grid and under the traces.
    dot = "M{},{}Z".format
    assert [(s["line"], s["path"], s["layer"]) for s in shapes[3:]] == [
        ({"color": "#f00", "width": 14}, dot(ms("2001"), 0), "between"),
        ({"color": "#0f0", "width": 14}, dot(ms("2010"), 0) + dot(ms("2002"), 1), "between"),
        ({"color": "white", "width": 10}, dot(ms("2010"), 0) + dot(ms("2002"), 1), "between")]
    # Their points stay as a trace that draws nothing but answers hover and clicks.
    assert hover["mode"] == "none" and "marker" not in hover
    assert hover["x"] == [ms("2001"), ms("2010"), ms("2002")] and hover["y"] == [0, 0, 1]
    assert [c[0] for c in hover["customdata"]] == ["a", "c", "d"]
    assert hover["customdata"][1][3] == ["c", "e"]  # a crowded mark still names all its events
    assert hover["hoverlabel"] == {"bgcolor": ["#f00", "white", "white"]}
    assert hover["hovertemplate"] == "%{customdata[1]}"
    # Labelled marks stay Plotly's points, packed, their colours per point.
    assert labelled["x"] == [ms("0044-03-15 12:30")]  # years before 100 stay themselves
    assert labelled["text"] == ["B"] and labelled["textposition"] == ["top left"]
    assert labelled["marker"]["color"] == ["white"] and labelled["marker"]["line"]["color"] == [
        "#00f"]
    assert ring["marker"] == {"size": 22}  # not an event's mark: kept as it is
    # Filtered, marks keep their colours; a trace the filter emptied is dropped,
    # and a bar trace it emptied draws no shape.
    hover, ring = drawn["some"]["data"]
    assert hover["x"] == [ms("2010")] and hover["hoverlabel"] == {"bgcolor": ["white"]}
    assert [(s["line"]["color"], s["path"]) for s in drawn["some"]["layout"]["shapes"][1:]] == [
        ("#111", f"M{ms('2010-01-01')},0L{ms('2011-01-01')},0"),
        ("#0f0", dot(ms("2010"), 0)), ("white", dot(ms("2010"), 0))]
    # A crowded mark some of whose events are filtered out answers for the
    # first one shown, its hover saying how many more it stands for.
    hover, ring = drawn["one"]["data"]
    assert hover["x"] == [ms("2010")] and hover["customdata"] == [["e", "E", "0 more", ["e"]]]


def test_the_embed_says_when_its_chart_answers_clicks(page, embed_url):
    """`data-timeline="interactive"` on <html> (README, "Page ids"): for a link
    to another view than the page's picture shows, once the attribute is set,
    Plotly's chart is there and a click on a mark opens its event."""
    page.goto(embed_url + "?category=tourism")
    page.wait_for_selector("html[data-timeline=interactive]")
    assert page.locator(".chart-preview").count() == 0
    box = page.locator("#timeline-graph .scatterlayer .point").first.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.locator("#event-detail h2")).to_have_text(TITLES["tourists"])
