"""The light embed and the static export in real headless Chromium, as readers use them.

The same page is served two ways: by the app at `/embed`, and as exported files
from a plain static file server with no Python behind the page. Every test runs
against both, so the static export is held to the embed's behaviour.
"""
from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from browser import record_problems, serving, serving_files
from support import csv_bytes, filter_cases, prepared_events
from timeline.app_factory import create_app
from timeline.config import Config
from timeline.data_store import snapshot_of
from timeline.static_export import export_static
from timeline.transforms import filter_events
from timeline.view_state import ViewState

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
    config = Config(data_path=data_file, title="Test timeline")
    if request.param == "app":
        with serving(create_app(config).server) as url:
            yield url + "/embed"
    else:
        folder = tmp_path_factory.mktemp("export")
        export_static(snapshot_of(data_file.read_bytes(), "events.csv"), folder, config,
                      date.today(), explorer_url="https://news.example/timeline/")
        with serving_files(folder) as url:
            yield url + "/index.html"


@pytest.fixture
def page(browser):
    context = browser.new_context()
    context.set_default_timeout(15_000)
    page = record_problems(context.new_page())
    yield page
    context.close()


def open_embed(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("#timeline-graph .scatterlayer .point")
    expect(page.locator("#event-list li").first).to_be_visible()


def expected_ids(query: str) -> list[str]:
    return list(filter_events(EVENTS, ViewState.from_query_string(query))["id"])


def expect_shown(page, ids: list[str]) -> None:
    expect(page.locator("#event-list .list-title")).to_have_text([TITLES[i] for i in ids])
    points = page.evaluate("""() => {
        const graph = document.getElementById('timeline-graph');
        return graph.data.filter(t => t.mode !== 'lines' && t.customdata)
            .flatMap(t => t.customdata.flatMap(c => c[3] || [c[0]]));
    }""")
    assert sorted(points) == sorted(ids)


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
    page.locator("#event-list a", has_text=TITLES[ids[0]]).click()
    expect(page.locator("#event-detail h2")).to_have_text(TITLES[ids[0]])
    page.keyboard.press("ArrowRight")
    expect(page.locator("#event-detail h2")).to_have_text(TITLES[ids[1]])
    page.click("#prev-event")
    expect(page.locator("#event-detail h2")).to_have_text(TITLES[ids[0]])
    assert f"event={ids[0]}" in page.url


def test_a_description_link_is_a_real_link_and_text_stays_text(page, embed_url):
    open_embed(page, embed_url + "?event=car")
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
                TimelineCore.prepareEvents(data.events), view).map(e => e.id);
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


def test_notes_never_reach_the_reader(page, embed_url):
    responses = []
    page.on("response", lambda r: responses.append(r))
    open_embed(page, embed_url + "?event=car")
    expect(page.locator("#event-detail h2")).to_have_text(TITLES["car"])
    page.click("#filters summary")
    page.locator("#lane-switch input[value=actor]").check()  # fetches the other figure
    page.wait_for_function("() => document.getElementById('timeline-graph')"
                           ".layout.yaxis.ticktext.includes('Kim Jong-un')")
    bodies = [r.body() for r in responses if r.ok and r.request.method == "GET"]
    assert len(bodies) >= 8
    assert not any(b"PRIVATE NOTE" in body for body in bodies)
    assert not any(b'"notes"' in body for body in bodies)


def mark_centres(page, selector: str) -> list[tuple[float, float]]:
    """Where the marks are in the next frame a reader sees: a frame waits for
    the style sheet, which a read before it would not."""
    return page.evaluate("""(selector) => new Promise(resolve => requestAnimationFrame(() => {
        resolve(Array.from(document.querySelectorAll(selector), e => {
            const box = e.getBoundingClientRect();
            return [box.x + box.width / 2, box.y + box.height / 2];
        }));
    }))""", selector)


def holding_plotly(page) -> list:
    """Holds back plotly.js's script until the test lets it go (`route.continue_()`)."""
    held = []
    page.route(re.compile(r"plotly-scatter[^/]*\.js$"), lambda route: held.append(route))
    return held


def test_the_chart_is_on_screen_before_plotly_and_where_plotly_then_draws_it(page, embed_url):
    held = holding_plotly(page)
    page.goto(embed_url, wait_until="commit")
    expect(page.locator(".chart-preview")).to_be_visible()
    pictured = mark_centres(page, ".chart-preview .preview-mark")
    assert len(pictured) == len(EVENTS)  # one mark per event: none is crowded here
    for route in held:  # plotly.js runs first of the page's scripts, so none has run yet
        route.continue_()
    page.wait_for_selector("#timeline-graph .scatterlayer .point")
    expect(page.locator(".chart-preview")).to_have_count(0)  # replaced, not left under
    drawn = mark_centres(page, "#timeline-graph .scatterlayer .point")
    for x, y in pictured:
        assert min(abs(x - px) + abs(y - py) for px, py in drawn) < 3, (x, y)
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


def test_bars_are_drawn_where_the_figure_puts_them(page, embed_url):
    """Each lasting event's bar, drawn as a path shape, spans its start to its end."""
    from timeline.figure import build_figure
    figure = build_figure(EVENTS, ViewState(), today=date.today())
    bars = {trace.customdata[i]: (trace.x[i], trace.x[i + 1], trace.y[i])
            for trace in figure.data if trace.mode == "lines"
            for i in range(0, len(trace.x), 3)}
    assert set(bars) == {"shipments", "shoigu", "zis"}
    open_embed(page, embed_url)
    drawn, expected = page.evaluate("""(bars) => {
        const graph = document.getElementById('timeline-graph'), layout = graph._fullLayout;
        const drawn = Array.from(graph.querySelectorAll('.shapelayer path'))
            .filter(p => layout.shapes[+p.getAttribute('data-index')].type === 'path')
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
        return graph._fullLayout.shapes.filter(s => s.type === 'path').map(s => s.path);
    }""") == [f"M{bars['zis'][0]:%Y-%m-%d_%H:%M:%S},0L{bars['zis'][1]:%Y-%m-%d_%H:%M:%S},0"]
    assert page.problems == []


def test_packing_keeps_every_mark_and_bar_as_drawn(page):
    """packMarks and barShapes: the same picture in fewer SVG elements (timeline-core.js)."""
    from timeline.embed_page import WEB
    page.set_content("<!doctype html><title>core</title>")
    page.add_script_tag(path=str(WEB / "timeline-core.js"))
    separator = {"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": 0.5, "y1": 0.5}
    drawn = page.evaluate("""(separator) => {
        const data = TimelineCore.packMarks([
            {mode: 'lines', x: ['2001-01-01T00:00:00', '2005-01-01T00:00:00', null,
                                '2003-01-01T00:00:00', '2009-06-30T12:00:00', null,
                                '2010-01-01', '2011-01-01', null, '2002-01-01', '2004-01-01', null],
             y: [0, 0, null, 0, 0, null, 0, 0, null, 1, 1, null],
             customdata: ['a', 'a', null, 'b', 'b', null, 'c', 'c', null, 'd', 'd', null],
             opacity: 0.55, line: {color: '#111', width: 9, dash: 'dot'}},
            {mode: 'lines', x: ['2001', '2002', null], y: [3, 3, null], customdata: ['a', 'a', null],
             line: {color: '#222'}},
            {mode: 'markers', x: [], y: [], customdata: [], marker: {color: '#f00'}},
            {mode: 'markers', x: ['2001'], y: [0], customdata: [['a', 'A', '2001']],
             marker: {color: '#f00', line: {color: '#f00'}}},
            {mode: 'markers+text', x: ['2003'], y: [0], customdata: [['b', 'B', '2003']],
             text: ['B'], textposition: ['top left'], marker: {color: 'white', line: {color: '#00f'}}},
            {mode: 'markers', x: ['2010', '2002'], y: [0, 1],
             customdata: [['c', 'C', '2010', ['c', 'e']], ['d', 'D', '2002']],
             marker: {color: 'white', line: {color: '#0f0'}}},
            {mode: 'markers', x: ['2004'], y: [2], hoverinfo: 'skip', marker: {size: 22}},
        ]);
        const view = (shown) => TimelineCore.barShapes(
            TimelineCore.filterFigureData(data, new Set(shown), null),
            {height: 300, shapes: [separator]});
        return {all: view('abcde'), some: view('ce')};
    }""", separator)
    bare, labelled, ring = drawn["all"]["data"]
    # Bars are one path shape per trace, under the marks, the trace's style kept.
    # Overlapping bars in a row become one; a gap, or another row, keeps them
    # apart; dates read as path coordinates ("_" between day and time).
    layout = drawn["all"]["layout"]
    assert layout["height"] == 300 and layout["shapes"][:2] == [separator, {
        "type": "path", "xref": "x", "yref": "y", "layer": "below", "opacity": 0.55,
        "line": {"color": "#111", "width": 9, "dash": "dot"},
        "path": "M2001-01-01_00:00:00,0L2009-06-30_12:00:00,0M2010-01-01,0L2011-01-01,0"
                "M2002-01-01,1L2004-01-01,1"}]
    assert len(layout["shapes"]) == 3
    # All marks of a mode in one trace, each point with its own colours.
    assert bare["x"] == ["2001", "2010", "2002"] and bare["y"] == [0, 0, 1]
    assert [c[0] for c in bare["customdata"]] == ["a", "c", "d"]
    assert bare["customdata"][1][3] == ["c", "e"]  # a crowded mark still names all its events
    assert bare["marker"]["color"] == ["#f00", "white", "white"]
    assert bare["marker"]["line"]["color"] == ["#f00", "#0f0", "#0f0"]
    assert labelled["text"] == ["B"] and labelled["textposition"] == ["top left"]
    assert ring["marker"] == {"size": 22}  # not an event's mark: kept as it is
    # Filtered, a packed trace's colours stay with their points; a trace the
    # filter emptied is dropped, and a bar trace it emptied draws no shape.
    bare, ring = drawn["some"]["data"]
    assert bare["x"] == ["2010"] and bare["marker"]["color"] == ["white"]
    assert bare["marker"]["line"]["color"] == ["#0f0"]
    assert [shape["path"] for shape in drawn["some"]["layout"]["shapes"][1:]] == [
        "M2010-01-01,0L2011-01-01,0"]
