"""Labels that never collide and are never cut (issue 15), in headless Chromium.

First the rule itself (timeline/engine/web/label-fit.js) in a blank page, with a
measure of our own; then both reader pages, `/` and `/embed`, at phone to wide
desktop widths, on the curated timeline and on 1,000 synthetic events: every
label drawn (Plotly's, and the page's SVG picture's) is measured where the
browser put it, and no two may meet, nor may one cross the plot's left or right
edge: at rest, zoomed in, and with the lanes by actor.
"""
from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import expect

from browser import plotly_chart, record_problems, scripts_on_a_blank_page, serving, zoom_to
from support import BUNDLED_CSV, csv_bytes
from timeline.app_factory import create_app
from timeline.config import REPOSITORY, Config
from timeline.data.synth import synthetic_csv

pytestmark = pytest.mark.browser
expect.set_options(timeout=20_000)
WEB = REPOSITORY / "timeline" / "engine" / "web"
WIDTHS = [320, 375, 768, 1280, 1920]
ELLIPSIS = "\u2026"


# ------------------------------------------------------------------ the rule alone

@pytest.fixture(scope="module")
def rule(browser):
    with scripts_on_a_blank_page(browser, "label fit", [WEB / "label-fit.js"]) as page:
        yield page


# Every character 6 px wide (but the ellipsis, 6 too): room is easy to count.
FIT = """({marks, width, per}) => TimelineLabelFit.fit(marks,
    {width, measure: (text) => Array.from(text).length * (per || 6)})"""


def fit(page, marks, width=600, per=6):
    marks = [{"radius": 7, "offset": 8, "side": "right", "row": 0} | mark for mark in marks]
    return page.evaluate(FIT, {"marks": marks, "width": width, "per": per})


def spans(marks, fitted, per=6):
    """Each label kept as (row, from, to) in px, as fit's measure counts it."""
    out = []
    for mark, label in zip(marks, fitted):
        if label:
            width = len(label["text"]) * per
            start = mark["x"] + 8 if label["side"] == "right" else mark["x"] - 8 - width
            out.append((mark.get("row", 0), start, start + width))
    return out


def assert_apart_and_inside(marks, fitted, width, per=6):
    placed = spans(marks, fitted, per)
    for row, start, end in placed:
        assert 0 <= start and end <= width, (start, end)
    for i, one in enumerate(placed):
        for other in placed[i + 1:]:
            assert one[0] != other[0] or one[2] <= other[1] or other[2] <= one[1], (one, other)
    # Nor over another mark of its row.
    for row, start, end in placed:
        for mark in marks:
            if mark.get("row", 0) == row:
                assert not (mark["x"] - 7 < end and start < mark["x"] + 7) or \
                    start == mark["x"] + 8 or end == mark["x"] - 8, (start, end, mark)


def test_a_label_with_room_stays_as_it_is_on_its_side(rule):
    marks = [{"x": 100, "text": "Summit"}, {"x": 400, "text": "Treaty", "side": "left"}]
    assert fit(rule, marks) == [{"text": "Summit", "side": "right"},
                                {"text": "Treaty", "side": "left"}]


def test_overlapping_labels_move_shorten_or_go(rule):
    # b's mark sits where a's label would run: a goes left of its mark; b and c,
    # with no room for all of theirs, are shortened at a word; d, near the edge
    # and right behind c, has room for nothing and keeps its mark only.
    marks = [{"x": 300, "text": "Putin and Kim ride in Putin's Aurus"},
             {"x": 360, "text": "Kim Il-sung is said to have loved"},
             {"x": 460, "text": "A much longer label than there is room for"},
             {"x": 530, "text": "The very last one"}]
    fitted = fit(rule, marks, width=560)
    assert fitted[0] == {"text": "Putin and Kim ride in Putin's Aurus", "side": "left"}
    assert fitted[1]["side"] == "right" and fitted[1]["text"].endswith(ELLIPSIS)
    assert fitted[2] and fitted[2]["text"].endswith(ELLIPSIS)
    assert fitted[3] is None
    for label in filter(None, fitted):
        kept = label["text"].removesuffix(ELLIPSIS)
        source = next(m["text"] for m in marks if m["text"].startswith(kept))
        # Cut at a word: what is kept is whole words of the title.
        assert kept == source or source[len(kept)] == " ", (kept, source)
    assert_apart_and_inside(marks, fitted, 560)


def test_labels_at_the_edges_go_inside_the_plot(rule):
    marks = [{"x": 5, "text": "At the left edge", "side": "left"},
             {"x": 590, "text": "At the right edge"},
             {"x": 300, "row": 1, "text": "x" * 120}]
    fitted = fit(rule, marks)
    assert fitted[0] == {"text": "At the left edge", "side": "right"}
    assert fitted[1] == {"text": "At the right edge", "side": "left"}
    # One long word is cut at a character, as nothing else fits.
    assert fitted[2]["text"].endswith(ELLIPSIS) and len(fitted[2]["text"]) < 60
    assert_apart_and_inside(marks, fitted, 600)


def test_a_label_is_dropped_when_there_is_no_room_for_a_few_characters(rule):
    marks = [{"x": 20, "text": "Kim Jong-un seen in a Rolls-Royce"}, {"x": 40, "text": "B"},
             {"x": 45, "text": "Room"}]
    fitted = fit(rule, marks, width=60)
    assert fitted[0] is None  # 1 px of room, or a little more: too little for a word
    assert_apart_and_inside(marks, fitted, 60)
    assert fit(rule, [{"x": 10, "text": "Anything"}], width=19) == [None]


def test_scripts_without_spaces_and_cyrillic_are_cut_at_words(rule):
    korean = "김정은 위원장이 푸틴 대통령에게 선물을 받았다"
    russian = "Путин и Ким проехали на автомобиле Аурус по Пхеньяну"
    japanese = "金正恩氏がロシアの高級車を受け取った"
    marks = [{"x": 10, "text": korean}, {"x": 10, "row": 1, "text": russian},
             {"x": 10, "row": 2, "text": japanese}]
    fitted = fit(rule, marks, width=160, per=12)
    assert all(label and label["text"].endswith(ELLIPSIS) for label in fitted), fitted
    assert fitted[0]["text"].removesuffix(ELLIPSIS) in ("김정은", "김정은 위원장이")
    assert russian.startswith(fitted[1]["text"].removesuffix(ELLIPSIS) + " ")
    # Japanese has no spaces; the browser's word breaker still finds words in it.
    assert japanese.startswith(fitted[2]["text"].removesuffix(ELLIPSIS))
    assert_apart_and_inside(marks, fitted, 160, per=12)


def test_many_labels_in_a_row_are_kept_apart(rule):
    marks = [{"x": 7 + i * 61, "text": f"Event number {i} of the row",
              "side": "left" if i % 3 else "right"} for i in range(15)]
    marks.append({"x": 300, "text": "A crowded one"})
    fitted = fit(rule, marks, width=950)
    assert 0 < sum(1 for label in fitted if label) < len(marks)
    assert_apart_and_inside(marks, fitted, 950)


def test_traces_are_fitted_in_place_cut_at_words_and_kept_escaped(rule):
    """fitTraces on density.js's traces: a label the figure cut at a character count
    is cut at a word of its title; Plotly's escapes stay escaped."""
    fitted = rule.evaluate("""() => {
        const labelled = {mode: 'markers+text', x: [0, 500], y: [0, 0],
            text: ['Kim and Putin meet at Vostochny C\u2026', '&lt;b&gt; &amp; more'],
            textposition: ['top right', 'top right'],
            customdata: [['a', 'Kim and Putin meet at Vostochny Cosmodrome', 'Sep 2023'],
                         ['b', '&lt;b&gt; &amp; more', '2024']],
            marker: {size: [12, 12], line: {width: 2.5}}, textfont: {size: 12}};
        const bare = {mode: 'markers', x: [50], y: [1], customdata: [['c', 'C', '2024']],
                      marker: {size: [12]}};
        TimelineLabelFit.fitTraces([labelled, bare], {range: [0, 1000], width: 1000},
                                   'sans-serif', (text) => Array.from(text).length * 6);
        return [labelled.text, labelled.textposition];
    }""")
    assert fitted == [["Kim and Putin meet at Vostochny\u2026", "&lt;b&gt; &amp; more"],
                      ["top right", "top right"]]


def test_measuring_uses_the_browsers_fonts_and_is_quick(rule):
    widths = rule.evaluate("""() => {
        const font = '12px system-ui, sans-serif';
        const narrow = TimelineLabelFit.measureText('iiiiiiiiii', font);
        const wide = TimelineLabelFit.measureText('WWWWWWWWWW', font);
        // 300 labelled marks and 1,000 bare ones (10,000 events are about 1,050
        // marks at rest), measured and fitted.
        const marks = [];
        for (let i = 0; i < 1300; i++) {
            marks.push({x: (i * 7919) % 1900, row: i % 12, radius: 7.25, offset: 8.5,
                        text: i < 300 ? 'Label number ' + i + ' of many' : '', side: 'right'});
        }
        const measure = (text) => TimelineLabelFit.measureText(text, font);
        TimelineLabelFit.fit(marks, {width: 1900, measure});
        const started = performance.now();
        for (let k = 0; k < 10; k++) { TimelineLabelFit.fit(marks, {width: 1900, measure}); }
        return [narrow, wide, (performance.now() - started) / 10];
    }""")
    narrow, wide, per_pass = widths
    assert 0 < narrow < wide
    assert per_pass < 5, f"{per_pass:.1f} ms a pass"


# ------------------------------------------------------------------- the pages

def in_korean(csv_text: bytes) -> bytes:
    """The curated timeline with titles in Korean: a character is nearly twice as
    wide as a Latin one, which no estimate of characters' widths foresees."""
    rows = [row for row in csv.DictReader(io.StringIO(csv_text.decode("utf-8"))) if row["id"]]
    for number, row in enumerate(rows):
        row["title"] = f"{KOREAN[number % len(KOREAN)]} {number}"
    return csv_bytes(rows)


KOREAN = ("김정은 위원장이 푸틴 대통령과 아우루스를 함께 탔다",
          "러시아가 북한에 고급 승용차를 선물했다",
          "유엔 안보리 제재 위반 의혹이 제기됐다",
          "북한군이 러시아 쿠르스크에 파병됐다")


@pytest.fixture(scope="module", params=["curated", "korean", "synthetic"])
def timeline(request, tmp_path_factory):
    """(base URL, a window to zoom into) of the curated timeline, of it with titles
    in Korean, or of 1,000 synthetic events."""
    path = tmp_path_factory.mktemp(request.param) / "events.csv"
    path.write_bytes({"curated": lambda: BUNDLED_CSV, "korean": lambda: in_korean(BUNDLED_CSV),
                      "synthetic": lambda: synthetic_csv(1000, seed=5)}[request.param]())
    zoom = (("2008-01-01", "2009-06-30") if request.param == "synthetic"
            else ("2023-06-01", "2024-12-31"))
    with serving(create_app(Config(data_path=path, title="Labels")).server) as url:
        yield url, zoom


# Every label drawn and the plot area's left and right edges, in the viewport:
# Plotly's chart, or the page's picture of it while it stands for the chart.
LABELS = """() => new Promise((resolve) => requestAnimationFrame(() => {
    const graph = document.getElementById('timeline-graph');
    const picture = graph.querySelector('.chart-preview:not(.is-replaced)');
    let plot, texts;
    if (picture) {
        plot = picture.querySelector('.preview-plot').getBoundingClientRect();
        texts = picture.querySelectorAll('text[data-event]');
    } else {
        const frame = graph.getBoundingClientRect(), size = graph._fullLayout._size;
        plot = {left: frame.left + size.l, right: frame.left + size.l + size.w};
        texts = graph.querySelectorAll('.scatterlayer .textpoint text');
    }
    const labels = Array.from(texts).map((text) => {
        const box = text.getBoundingClientRect();
        return [box.left, box.top, box.right, box.bottom, text.textContent];
    }).filter((box) => box[2] > box[0] && box[4].trim());
    resolve({picture: !!picture, plot: [plot.left, plot.right], labels});
}))"""


def label_problems(page) -> tuple[dict, list, list]:
    """What is drawn, the pairs of labels that meet, and the labels cut by the
    plot's edges (half a pixel allowed for rounding)."""
    drawn = page.evaluate(LABELS)
    boxes, (left, right) = drawn["labels"], drawn["plot"]
    meeting = [(one[4], other[4]) for i, one in enumerate(boxes) for other in boxes[i + 1:]
               if one[0] < other[2] - 0.5 and other[0] < one[2] - 0.5
               and one[1] < other[3] - 0.5 and other[1] < one[3] - 0.5]
    cut = [box[4] for box in boxes if box[0] < left - 0.5 or box[2] > right + 0.5]
    return drawn, meeting, cut


def assert_labels_fit(page, where: str, expect_picture: bool | None = None) -> int:
    drawn, meeting, cut = label_problems(page)
    if expect_picture is not None:
        assert drawn["picture"] == expect_picture, where
    assert meeting == [] and cut == [], f"{where}: meeting {meeting}, cut {cut}"
    return len(drawn["labels"])


def open_page(browser, url: str, width: int):
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.set_default_timeout(30_000)
    page = record_problems(context.new_page())
    page.goto(url)
    page.wait_for_selector("html[data-timeline=interactive]", state="attached")
    return context, page


def plotly_drawn(page) -> None:
    """Plotly's chart drawn (the embed brings it as a reader does) and settled."""
    if page.locator(".chart-preview").count():
        plotly_chart(page)
    page.wait_for_selector("#timeline-graph .scatterlayer", state="attached")
    page.wait_for_function("() => document.getElementById('timeline-graph')._fullLayout")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_first_picture_of_the_chart_has_no_label_cut_or_meeting(browser, timeline, width):
    """The embed's picture as the page first paints it, before its scripts run (and
    as readers without JavaScript keep it): labels the chart's width has no room
    for are hidden by the page's own style (chart_preview.py)."""
    url, _ = timeline
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.route("**/*.js", lambda route: route.abort())
    page.goto(url + "/embed")
    shown = assert_labels_fit(page, f"the first picture at {width} px", expect_picture=True)
    if width >= 768 and first_of(timeline).startswith("2023"):
        assert shown > 0
    context.close()


def first_of(timeline) -> str:
    return timeline[1][0]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", ["/embed", "/"])
def test_labels_never_meet_nor_cross_the_plots_edges(browser, timeline, path, width):
    url, (first, last) = timeline
    curated = first.startswith("2023")
    context, page = open_page(browser, url + path, width)
    where = f"{path} at {width} px"
    if path == "/embed":  # the picture answers for the chart at rest
        assert_labels_fit(page, where + ", the picture", expect_picture=True)
    plotly_drawn(page)
    labels = assert_labels_fit(page, where, expect_picture=False)
    if width >= 768 and curated:  # 1,000 events leave no room for labels until zoomed in
        assert labels > 0, f"{where}: no label at all"
    zoom_to(page, first, last, with_labels=True)
    zoomed = assert_labels_fit(page, where + ", zoomed in")
    if width >= 768:
        assert zoomed > 0, f"{where}: no label zoomed in"
    page.goto(url + path + "?lanes=actor")
    page.wait_for_selector("html[data-timeline=interactive]", state="attached")
    plotly_drawn(page)
    # The actor lanes' figure is fetched: the category lanes are drawn until it is in.
    page.wait_for_function("""() => {
        const categories = TimelinePage.data().categories;
        return document.getElementById('timeline-graph').layout.yaxis.ticktext
            .some((name) => !categories.includes(name));
    }""")
    assert_labels_fit(page, where + ", lanes by actor")
    assert page.problems == []
    context.close()
