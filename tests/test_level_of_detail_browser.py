"""Level of detail (timeline/engine/web/density.js): what a mark stands for at the scale a
reader looks at, in headless Chromium.

First the pure functions, on small hand-made figures in a page holding
timeline-core.js, figure-packing.js and density.js alone; then the pages at
10,000 synthetic events: zoomed out, marks stand for many and say how many;
zoomed into a few days, every event has its own mark, which opens it; labels
never overlap.
Speed is measured in bench/zoom.py; here the work is counted instead.
"""
from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest
from playwright.sync_api import expect

from big_timeline import base_url, data_file, events  # noqa: F401 (fixtures)
from browser import (
    CHART_MARKS,
    plotly_chart,
    record_problems,
    scripts_on_a_blank_page,
    zoom_to,
)
from timeline.config import REPOSITORY

pytestmark = pytest.mark.browser
expect.set_options(timeout=20_000)
WEB = REPOSITORY / "timeline" / "engine" / "web"
SIZE = 10_000
SEED = 3
CHAR_WIDTH_PX, LABEL_ROOM_PX = 6.6, 16  # view/figure.py's label widths, as density.js uses them


# ----------------------------------------------------------------- pure functions

@pytest.fixture(scope="module")
def lod(browser):
    scripts = [WEB / name for name in ("timeline-core.js", "figure-packing.js", "density.js")]
    with scripts_on_a_blank_page(browser, "level of detail", scripts) as page:
        yield page


# Marks as view/figure.py makes them: one trace per category and exactness, each
# point's customdata [id, title, date] and, for a mark standing for several
# crowded events, their ids. Dates here are plain numbers: a frame 1,200 wide
# over 1,200 px makes one unit a pixel.
BLUE, ORANGE = "#0072B2", "#E69F00"


def marks(mode, points, colour=BLUE, hollow=False, labels=None, sides=None):
    trace = {"mode": mode, "x": [p[1] for p in points], "y": [p[2] for p in points],
             "customdata": [[p[0], p[0].upper(), f"day {p[1]}"] + ([p[3]] if len(p) > 3 else [])
                            for p in points],
             "hovertemplate": "<b>%{customdata[1]}</b><br>%{customdata[2]}<extra></extra>",
             "marker": {"color": "white" if hollow else colour, "size": 12,
                        "line": {"color": colour, "width": 2.5}}}
    if labels is not None:
        trace |= {"text": labels, "textposition": sides or ["top right"] * len(labels),
                  "textfont": {"size": 12, "color": "#222"}}
    return trace


FRAME = {"range": [0, 1200], "width": 1200, "columns": True}
DRAW = """({traces, starts, shown, frame, labels}) => {
    const data = TimelineFigurePacking.packMarks(traces);
    const placed = TimelineDensity.marks(data, (id) => starts[id]);
    const describe = {one: (id) => [id.toUpperCase(), 'on ' + starts[id]],
                      many: (first, last, count) => [count + ' events', first + ' to ' + last]};
    const ids = shown ? new Set(shown) : null;
    const drawn = TimelineDensity.draw(placed, ids,
        Object.assign({}, frame, {labelFor: labels ? (id) => 'About ' + id : null}), describe);
    const marks = [];
    drawn.data.forEach((trace) => trace.x.forEach((x, i) => marks.push({
        x, y: trace.y[i], ids: TimelineFigurePacking.markIds(trace.customdata[i]),
        hover: trace.customdata[i].slice(1, 3), label: trace.text ? trace.text[i] : '',
        side: trace.text ? trace.textposition[i] : '', size: trace.marker.size[i],
        fill: trace.marker.color[i], ring: trace.marker.line.color[i]})));
    return {marks, density: drawn.density, visited: drawn.visited,
            rows: TimelineDensity.rowsInUse(placed, ids)};
}"""


def draw(page, traces, frame=FRAME, shown=None, labels=False, starts=None):
    starts = starts or {cd[0]: x for t in traces for x, cd in zip(t["x"], t["customdata"])}
    return page.evaluate(DRAW, {"traces": traces, "starts": starts, "shown": shown,
                                "frame": frame, "labels": labels})


def by_ids(result) -> dict[tuple, dict]:
    return {tuple(mark["ids"]): mark for mark in result["marks"]}


# Row 0: a, b, c and hollow h and i within one 12 px column (96-108), d alone, and
# f drawn by the figure as one mark with g (crowded at its own scale); row 1: e.
CROWDED = [marks("markers", [("a", 100, 0), ("b", 102, 0), ("c", 105, 0), ("d", 300, 0),
                             ("f", 500, 0, ["f", "g"]), ("e", 100, 1)]),
           marks("markers", [("h", 104, 0), ("i", 106, 0)], hollow=True)]
STARTS = {"a": 100, "b": 102, "c": 105, "d": 300, "f": 500, "g": 520, "e": 100, "h": 104,
          "i": 106}


def test_events_in_one_pixel_column_of_a_row_are_one_mark_that_says_how_many(lod):
    drawn = by_ids(draw(lod, CROWDED, starts=STARTS))
    assert set(drawn) == {("a", "b", "h", "c", "i"), ("d",), ("f",), ("g",), ("e",)}
    many = drawn["a", "b", "h", "c", "i"]
    # In the middle of its events, counted on hover, bigger than one event's
    # mark, filled as most of its events are (exact dates), in their colour.
    assert (many["x"], many["y"]) == (103, 0)
    assert many["hover"] == ["5 events", "a to i"]
    assert many["size"] > drawn["d",]["size"] == 12
    assert (many["fill"], many["ring"]) == (BLUE, BLUE)
    # One event is its own mark, with the figure's hover lines; the figure's
    # crowded mark comes apart where its events are a column or more apart.
    assert drawn["d",]["hover"] == ["D", "day 300"] and drawn["d",]["x"] == 300
    assert (drawn["g",]["x"], drawn["g",]["hover"]) == (520, ["G", "on 520"])
    assert drawn["e",]["y"] == 1


def test_a_filter_counts_only_the_events_shown(lod):
    result = draw(lod, CROWDED, shown=["a", "c", "h", "e"], starts=STARTS)
    drawn = by_ids(result)
    assert set(drawn) == {("a", "h", "c"), ("e",)}
    assert drawn["a", "h", "c"]["hover"] == ["3 events", "a to c"]
    assert result["rows"] == [0, 1]
    assert draw(lod, CROWDED, shown=["e"], starts=STARTS)["rows"] == [1]
    # Mostly approximate: hollow.
    hollow = by_ids(draw(lod, CROWDED, shown=["a", "h", "i"], starts=STARTS))["a", "h", "i"]
    assert (hollow["fill"], hollow["ring"]) == ("white", BLUE)


def test_the_view_the_figure_was_built_for_keeps_its_own_marks(lod):
    """The whole timeline, as the page's picture shows it (view/chart_preview.py)."""
    drawn = by_ids(draw(lod, CROWDED, frame=FRAME | {"columns": False}, starts=STARTS))
    assert set(drawn) == {("a",), ("b",), ("c",), ("h",), ("i",), ("d",), ("f", "g"), ("e",)}
    assert drawn["f", "g"]["x"] == 500 and drawn["f", "g"]["hover"] == ["2 events", "f to g"]


def label_spans(result) -> dict[float, list[tuple[float, float]]]:
    spans: dict[float, list] = {}
    for mark in result["marks"]:
        if mark["label"]:
            width = len(mark["label"]) * CHAR_WIDTH_PX + LABEL_ROOM_PX
            left = mark["side"] == "top left"
            spans.setdefault(mark["y"], []).append(
                (mark["x"] - width, mark["x"]) if left else (mark["x"], mark["x"] + width))
    return spans


def assert_apart(spans: dict[float, list[tuple[float, float]]]) -> None:
    for row in spans.values():
        row.sort()
        assert all(one[1] <= other[0] for one, other in zip(row, row[1:])), row


LABELLED = [
    # Row 0: the label has no room right (z's mark), so it goes left.
    marks("markers+text", [("l1", 600, 0), ("l2", 600, 1), ("l3", 1180, 2)],
          labels=["Title", "Title", "Title"]),
    marks("markers", [("z", 630, 0), ("y1", 570, 1), ("y2", 630, 1),
                      ("s1", 100, 3), ("s2", 130, 3), ("t1", 400, 3), ("t2", 401, 3)]),
]


def test_labels_go_where_they_have_room_and_never_overlap(lod):
    figure_view = by_ids(draw(lod, LABELLED))
    # Right if there is room, else left; no room either side: no label. A label
    # running off the window's right edge goes left.
    assert (figure_view["l1",]["label"], figure_view["l1",]["side"]) == ("Title", "top left")
    assert figure_view["l2",]["label"] == ""
    assert figure_view["l3",]["side"] == "top left"
    # The figure's view adds no labels; a zoom does, where they fit.
    assert figure_view["s1",]["label"] == figure_view["s2",]["label"] == ""
    zoomed = draw(lod, LABELLED, labels=True)
    labelled = by_ids(zoomed)
    assert (labelled["s1",]["label"], labelled["s1",]["side"]) == ("About s1", "top left")
    assert (labelled["s2",]["label"], labelled["s2",]["side"]) == ("About s2", "top right")
    assert labelled["t1", "t2"]["label"] == ""  # never on a mark for several events
    assert_apart(label_spans(zoomed))
    # Narrower, the same labels collide: fewer are kept, none overlapping.
    narrow = draw(lod, LABELLED, frame=FRAME | {"width": 300}, labels=True)
    assert 0 < len([m for m in narrow["marks"] if m["label"]]) < len(
        [m for m in zoomed["marks"] if m["label"]])
    assert_apart(label_spans(narrow | {"marks": [m | {"x": m["x"] / 4} for m in narrow["marks"]]}))


def test_a_narrow_window_looks_only_at_the_events_near_it(lod):
    """10,000 events in a row; a window of 30 of them: the work is theirs and the
    margin's (a fraction of the window either side), not the whole row's."""
    row = marks("markers", [(f"e{i}", i * 20, 0) for i in range(10_000)])
    narrow = draw(lod, [row], frame={"range": [100_000, 100_600], "width": 600, "columns": True})
    margin = 600 * lod.evaluate("() => TimelineDensity.MARGIN")
    assert 0 < margin < 600
    near = {f"e{i}" for i in range(10_000) if 100_000 - margin <= i * 20 <= 100_600 + margin}
    assert sorted(m["ids"][0] for m in narrow["marks"]) == sorted(near)
    assert all(len(m["ids"]) == 1 for m in narrow["marks"])
    assert narrow["visited"] <= 2 * len(near)
    whole = draw(lod, [row], frame={"range": [0, 200_000], "width": 600, "columns": True})
    assert whole["visited"] >= 10_000 and len(whole["marks"]) <= 600 / 12 + 1
    assert sum(len(m["ids"]) for m in whole["marks"]) == 10_000


def test_bars_are_cut_to_the_window_and_density_marks_drawn_bigger(lod):
    shapes = lod.evaluate("""() => {
        const bars = {mode: 'lines', x: [0, 5000, null, 900, 1000, null, 3000, 4000, null],
                      y: [0, 0, null, 1, 1, null, 2, 2, null], customdata: ['a', 'a', null,
                      'b', 'b', null, 'c', 'c', null], line: {color: '#111', width: 9}};
        const clipped = TimelineDensity.clipBars([bars], [1000, 2000])[0];
        const data = TimelineFigurePacking.packMarks([{mode: 'markers', x: [10, 11, 500],
            y: [0, 0, 0],
            customdata: [['p', 'P', '1'], ['q', 'Q', '2'], ['r', 'R', '3']],
            marker: {color: '#f00', size: 12, line: {color: '#f00', width: 2.5}}}]);
        const drawn = TimelineDensity.draw(TimelineDensity.marks(data, () => 0), null,
            {range: [0, 1200], width: 1200, columns: true},
            {one: (id) => [id, id], many: (a, b, n) => [n + '', '']});
        return {clipped: [clipped.x, clipped.y],
                dots: TimelineFigurePacking.asShapes({data: drawn.data, layout: {}}).layout.shapes
                    .map((s) => [s.line.width, s.path])};
    }""")
    # The window, 1000-2000, and the margin either side (MARGIN: a tenth of it).
    assert shapes["clipped"] == [[900, 2100, None, 900, 1000, None], [0, 0, None, 1, 1, None]]
    big, small = sorted(shapes["dots"], reverse=True)
    assert big == [14 + 2.5, "M10.5,0Z"] and small == [12 + 2.5, "M500,0Z"]


def test_the_picture_of_the_chart_sizes_marks_for_many_as_the_chart_does(lod):
    from timeline.view.chart_preview import DENSITY_SIZES
    assert lod.evaluate("() => TimelineDensity.DENSITY_SIZES") == [list(s) for s in DENSITY_SIZES]


def test_lanes_stay_while_an_event_of_theirs_is_shown_outside_the_window(lod):
    """A zoomed view draws its window only; its lanes are those of every event shown."""
    compacted = lod.evaluate("""() => {
        const layout = {meta: {lanes: [['a', 0, 1], ['b', 1.6, 2], ['c', 4.2, 1]], lane_gap: 0.6,
                               row_height: 34, frame_height: 130, min_height: 260, top_room: 0},
                        yaxis: {ticktext: ['a', 'b', 'c']}, shapes: []};
        const data = [{x: [1], y: [4.2]}];
        return [TimelineFigurePacking.compactLanes(data, layout).layout.yaxis.ticktext,
                TimelineFigurePacking.compactLanes(data, layout, [2.6, 4.2]).layout.yaxis.ticktext];
    }""")
    assert compacted == [["c"], ["b", "c"]]


# --------------------------------------------------------- the pages at 10,000 events


def open_page(browser, url: str, width: int = 1280, plotly: bool = True):
    """The page at `url`, answering; with Plotly's chart drawn (`plotly`), brought as
    a reader brings it where the embed shows its picture of the chart (picture.js)."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.set_default_timeout(30_000)
    page = record_problems(context.new_page())
    page.goto(url)
    page.wait_for_selector("html[data-timeline=interactive]")
    if plotly and page.locator(".chart-preview").count():
        plotly_chart(page)
    return context, page




def chart_marks(page) -> list[dict]:
    return page.evaluate(CHART_MARKS)


PLOTLY_LABELS = "#timeline-graph .scatterlayer .textpoint text"
PICTURE_LABELS = "#timeline-graph .chart-preview text[data-event]"


def label_boxes_apart(page, labels: str = PLOTLY_LABELS) -> None:
    boxes = page.evaluate("""(labels) => Array.from(document.querySelectorAll(labels))
        .map((text) => {
            const box = text.getBoundingClientRect();
            return [box.left, box.top, box.right, box.bottom, text.textContent];
        }).filter((box) => box[2] > box[0])""", labels)
    overlapping = [(one[4], other[4]) for i, one in enumerate(boxes) for other in boxes[i + 1:]
                   if one[0] < other[2] - 0.5 and other[0] < one[2] - 0.5
                   and one[1] < other[3] - 0.5 and other[1] < one[3] - 0.5]
    assert overlapping == [], overlapping
    return boxes


def test_zoomed_out_a_mark_stands_for_many_and_says_how_many(browser, base_url):
    context, page = open_page(browser, base_url + "/embed", plotly=False)
    # The page's picture answers first (picture.js): its biggest mark with room
    # around it says how many events it stands for, as Plotly's chart then does.
    x, y = page.evaluate("""() => {
        const marks = Array.from(document.querySelectorAll('.chart-preview .preview-mark'))
            .map((mark) => [mark.getBoundingClientRect(), +mark.getAttribute('r')])
            .map(([box, r]) => [box.x + box.width / 2, box.y + box.height / 2, r]);
        return marks.filter(([x, y], i) => marks.every(([ox, oy], j) =>
                i === j || Math.abs(x - ox) + Math.abs(y - oy) > 12))
            .sort((a, b) => b[2] - a[2])[0].slice(0, 2);
    }""")
    page.mouse.move(x, y)
    pictured = page.locator(".chart-preview .preview-hover")
    expect(pictured).to_contain_text(" events")
    count_line = pictured.inner_text().splitlines()[0]
    plotly_chart(page)
    page.mouse.move(5, 5)
    page.mouse.move(x, y)
    expect(page.locator("#timeline-graph .hoverlayer")).to_contain_text(count_line)
    drawn = chart_marks(page)
    assert len(drawn) < SIZE / 4
    assert sum(len(mark["ids"]) for mark in drawn) == SIZE
    # The biggest mark with room around it (hover picks the nearest point).
    alone = [m for m in drawn if len(m["ids"]) > 1 and all(
        abs(m["x"] - o["x"]) + abs(m["y"] - o["y"]) > 12 for o in drawn if o is not m)]
    many = max(alone, key=lambda m: len(m["ids"]))
    page.mouse.move(many["x"], many["y"])
    expect(page.locator("#timeline-graph .hoverlayer")).to_contain_text(
        f"{len(many['ids']):,} events")
    assert many["hover"][0] == f"{len(many['ids']):,} events"
    label_boxes_apart(page)
    assert page.problems == []
    context.close()


def in_window(events: pd.DataFrame, first: str, last: str) -> pd.DataFrame:
    starts = events["start_at"]
    return events[(starts >= pd.Timestamp(first)) & (starts <= pd.Timestamp(last))]


@pytest.mark.parametrize("path", ["/embed", "/"])
def test_zoomed_into_a_few_days_every_event_is_its_own_mark_and_opens(browser, base_url,
                                                                       events, path):
    context, page = open_page(browser, base_url + path)
    first, last = "2008-03-01", "2008-03-31"
    zoom_to(page, first, last)
    drawn = chart_marks(page)
    inside = in_window(events, first, last)
    assert len(inside) >= 10
    day_of = dict(zip(events["id"], events["start_at"]))
    assert set(inside["id"]) <= {i for mark in drawn for i in mark["ids"]}
    # A mark stands for several events only where no zoom can part them: one day.
    assert all(len({day_of[i] for i in mark["ids"]}) == 1 for mark in drawn)
    alone = [mark for mark in drawn if len(mark["ids"]) == 1 and mark["ids"][0] in set(inside["id"])]
    assert len(alone) >= len(inside) / 2
    # Zoomed in, events are labelled where their titles fit, none overlapping.
    assert any(mark["labelled"] for mark in alone)
    label_boxes_apart(page)
    target = next(m for m in alone if all(
        abs(m["x"] - o["x"]) + abs(m["y"] - o["y"]) > 12 for o in drawn if o is not m))
    page.mouse.click(target["x"], target["y"])
    title = events.set_index("id").at[target["ids"][0], "title"]
    expect(page.locator("#event-detail h2")).to_have_text(title)
    assert page.problems == []
    context.close()


def test_a_click_on_a_mark_for_many_zooms_into_their_dates(browser, base_url, events):
    context, page = open_page(browser, base_url + "/embed?zoom=2005-01-01..2010-12-31")
    day_of = dict(zip(events["id"], events["start_at"]))
    drawn = chart_marks(page)
    alone = [m for m in drawn if len({day_of[i] for i in m["ids"]}) > 2 and all(
        abs(m["x"] - o["x"]) + abs(m["y"] - o["y"]) > 12 for o in drawn if o is not m)]
    many = max(alone, key=lambda m: len(m["ids"]))
    days = sorted(day_of[i] for i in many["ids"])
    page.mouse.click(many["x"], many["y"])
    page.wait_for_function("() => !location.search.includes('zoom=2005-01-01')")
    zoom = page.evaluate("() => new URLSearchParams(location.search).get('zoom')").split("..")
    assert pd.Timestamp(zoom[0]) <= days[0] and days[-1] <= pd.Timestamp(zoom[1])
    assert pd.Timestamp(zoom[1]) - pd.Timestamp(zoom[0]) < timedelta(days=2 * 365)
    # Where it was one mark, its events now stand apart.
    page.wait_for_function("(zoom) => String(document.getElementById('timeline-graph')"
                           ".layout.xaxis.range[0]).startsWith(zoom)", arg=zoom[0])
    parted = [m for m in chart_marks(page) if set(m["ids"]) & set(many["ids"])]
    assert len(parted) > 1
    assert page.problems == []
    context.close()


def test_zoomed_into_a_week_the_bars_drawn_stay_near_the_window(browser, base_url):
    """A lasting event's bar, drawn dotted across a thousand screens' widths, kept
    Chromium painting for seconds after a zoom into a week: bars are cut to the
    window and a margin either side."""
    context, page = open_page(browser, base_url + "/embed")
    zoom_to(page, "2008-03-01", "2008-03-08")
    # From the first bar's start to the last one's end, in windows' widths.
    widest = page.evaluate("""() => {
        const layout = document.getElementById('timeline-graph')._fullLayout, axis = layout.xaxis;
        const xs = layout.shapes.filter((s) => s.layer === 'below')
            .flatMap((s) => (s.path.match(/[ML][^,]+/g) || []).map((p) => +p.slice(1)));
        const [from, to] = axis.range.map((value) => axis.r2l(value));
        return xs.length ? (Math.max(...xs) - Math.min(...xs)) / (to - from) : null;
    }""")
    assert widest is not None and widest <= 1.5 + 1e-9  # the window and a quarter either side
    context.close()


def test_labels_never_overlap_on_a_phone(browser, base_url):
    """The figure places labels for a chart 900 px wide; on a phone they would
    run into each other: each keeps its label only where it still has room
    (over the whole timeline, none has), and zoomed in they come back."""
    context, page = open_page(browser, base_url + "/embed", width=400, plotly=False)
    label_boxes_apart(page, PICTURE_LABELS)  # the page's picture keeps the chart's labels
    plotly_chart(page)
    label_boxes_apart(page)
    zoom_to(page, "2008-03-01", "2008-03-20")
    assert label_boxes_apart(page)
    assert page.problems == []
    context.close()
