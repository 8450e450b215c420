"""The first window and the overview strip (issue 15), on `/` and `/embed` with the
curated timeline: the chart opens on the years holding most events
(timeline/view/window.py), the strip under it (timeline/engine/web/overview.js) shows
the whole timeline, the window (a box to drag with a mouse, a finger or the
keys) and the events outside it; "Whole timeline" (`zoom=all`) shows them all,
and a reset returns to the first window."""
from __future__ import annotations

import re
from datetime import date
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from browser import (
    DRAWN_MARKS,
    accessibility_violations,
    marks_seen,
    serving_embed,
)
from timeline.config import Config

pytestmark = pytest.mark.browser
expect.set_options(timeout=10_000)

WIDTHS = (320, 375, 768, 1280)
# The curated timeline's first window, and its events outside it: Kim Il-sung
# (1948), Kim Jong-il (1994), Putin in Pyongyang (2000), Kim Jong-un (2011), the
# UN's ban (2017), the smuggling report (2019), the first summit (2019) and the
# troops confirmed (2025).
FIRST_WINDOW = "2022 – 2024"
OUTSIDE = 8
EVENTS = 27
MARKS = DRAWN_MARKS + ", #timeline-graph .chart-preview .preview-mark"
PLOT = "#timeline-graph .nsewdrag, #timeline-graph .preview-plot"
ENGINE_REGIONS = ["#event-count", "#timeline-graph", "#timeline-overview", "#timeline-legend",
                  "#event-stepper", "#event-detail", ".list-section"]






@pytest.fixture(scope="module")
def base_url(curated_explorer_url):
    return curated_explorer_url.rstrip("/")


def open_drawn(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("html[data-timeline=interactive]", state="attached")
    expect(page.locator("#timeline-overview .overview-window")).to_be_visible()


def zoom_in_url(page) -> str | None:
    found = parse_qs(urlparse(page.url).query).get("zoom")
    return found[0] if found else None


def plot_box(page) -> dict:
    return page.locator(PLOT).first.bounding_box()


def marks_in_plot(page) -> list[float]:
    """The x of every mark drawn inside the plot area, in order."""
    box = plot_box(page)
    return sorted(x for x, *_ in marks_seen(page, MARKS)
                  if box["x"] - 1 <= x <= box["x"] + box["width"] + 1)


def middle_share(xs: list[float], width: float) -> float:
    """How much of `width` the middle 80% of the marks (by x) cover."""
    count = len(xs)
    return (xs[count - 1 - count // 10] - xs[count // 10]) / width


def plotly_range(page) -> list[str]:
    return page.evaluate("() => document.getElementById('timeline-graph').layout.xaxis.range"
                         ".map(String)")


def plotly_drawn(page) -> None:
    page.wait_for_selector("#timeline-graph.js-plotly-plot", state="attached")
    page.wait_for_selector(".chart-preview", state="detached")
    page.wait_for_selector(DRAWN_MARKS, state="attached")


@pytest.mark.parametrize("path", ["/", "/embed"])
@pytest.mark.parametrize("width", WIDTHS)
def test_the_first_view_spreads_its_marks_over_the_chart(new_page, base_url, path, width):
    """Before the first window the curated timeline opened on 1946–2028, the
    middle 80% of its marks in 29% of the chart's width."""
    page = new_page(width)
    page.goto(base_url + path)
    page.wait_for_selector("html[data-timeline=interactive]", state="attached")
    xs = marks_in_plot(page)
    assert len(xs) >= 15
    assert middle_share(xs, plot_box(page)["width"]) >= 0.6
    assert page.problems == []


@pytest.mark.parametrize("path, width", [("/embed", 320), ("/embed", 375), ("/", 1280)])
def test_the_strip_shows_the_window_and_the_events_outside_it(new_page, base_url, path, width):
    page = new_page(width)
    open_drawn(page, base_url + path)
    strip = page.locator("#timeline-overview")
    box = strip.locator(".overview-window")
    expect(box).to_have_attribute("aria-valuetext", FIRST_WINDOW)
    expect(box).to_have_attribute("role", "slider")
    assert strip.get_attribute("data-outside") == str(OUTSIDE)
    path_data = strip.locator(".overview-outside").get_attribute("d")
    assert path_data.count("M") == OUTSIDE
    # Under the plot, from where it starts, its button beside it on the same line and
    # within the chart's width; the window's box inside it, and the page no wider.
    track = strip.locator(".overview-track").bounding_box()
    plot = plot_box(page)
    button = strip.locator(".overview-whole").bounding_box()
    chart = page.locator("#timeline-graph").bounding_box()
    # (On a phone, from the chart's edge: beside its button, the plot's width is too little.)
    beside = chart["x"] + chart["width"] - plot["x"] - button["width"]
    left = plot["x"] if beside >= 240 else chart["x"]
    assert abs(track["x"] - left) <= 2 and track["width"] >= plot["width"] - 150
    assert track["x"] + track["width"] <= button["x"]
    assert button["x"] + button["width"] <= chart["x"] + chart["width"] + 1
    assert abs((button["y"] + button["height"] / 2) - (track["y"] + track["height"] / 2)) <= 2
    window = box.bounding_box()
    assert track["x"] < window["x"] and window["x"] + window["width"] <= track["x"] + track[
        "width"] + 3
    # Three years of about eighty, or at least a target of 24 px.
    assert window["width"] < max(track["width"] / 10, 25)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    assert page.problems == []


def drag_by(page, dx: float) -> None:
    page.locator(".overview-window").scroll_into_view_if_needed()
    box = page.locator(".overview-window").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 6):
        page.mouse.move(x + dx * step / 5, y)
    page.mouse.up()


@pytest.mark.parametrize("path", ["/", "/embed"])
def test_dragging_the_window_with_a_mouse_pans_the_chart_and_the_link(new_page, base_url,
                                                                       path):
    page = new_page(1280)
    open_drawn(page, base_url + path)
    # Left by a twentieth of the strip: about four years of the eighty it spans.
    drag_by(page, -page.locator(".overview-track").bounding_box()["width"] / 20)
    page.wait_for_function("() => /zoom=/.test(location.search)")
    first, last = zoom_in_url(page).split("..")
    # Years earlier, and still three years wide.
    assert first < "2019" and last < "2022"
    assert abs((date.fromisoformat(last) - date.fromisoformat(first)).days - 1096) <= 2
    plotly_drawn(page)
    shown = plotly_range(page)
    assert (shown[0][:10], shown[1][:10]) == (first, last)
    expect(page.locator(".overview-window")).to_have_attribute(
        "aria-valuetext", f"{first[:4]} – {int(last[:4]) - (last[5:] == '01-01')}")
    # The events the window has left are ticks now, and those it holds are not.
    assert page.locator("#timeline-overview").get_attribute("data-outside") != str(OUTSIDE)
    assert page.problems == []


def test_dragging_the_window_with_a_finger_pans_the_chart(new_page, base_url):
    page = new_page(375, touch=True, is_mobile=True)
    open_drawn(page, base_url + "/embed")
    page.locator(".overview-window").scroll_into_view_if_needed()
    box = page.locator(".overview-window").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    touch = page.context.new_cdp_session(page)

    def finger(kind: str, at: float) -> None:
        points = [] if kind == "touchEnd" else [{"x": at, "y": y, "id": 1}]
        touch.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})
    finger("touchStart", x)
    for step in range(1, 6):
        finger("touchMove", x - 4 * step)  # some six years at this width
    finger("touchEnd", x - 20)
    page.wait_for_function("() => /zoom=/.test(location.search)")
    first, last = zoom_in_url(page).split("..")
    assert first < "2022-01-01" and last < "2025-01-01"
    plotly_drawn(page)
    assert plotly_range(page)[0][:10] == first
    assert page.problems == []


@pytest.mark.parametrize("path", ["/", "/embed"])
def test_the_keys_move_the_window(new_page, base_url, path):
    page = new_page(768)
    open_drawn(page, base_url + path)
    box = page.locator(".overview-window")
    box.focus()
    page.keyboard.press("ArrowLeft")
    page.wait_for_function("() => /zoom=/.test(location.search)")
    first = zoom_in_url(page).split("..")[0]
    assert "2021-09-01" < first < "2021-10-01"  # a tenth of three years earlier
    page.keyboard.press("Home")
    page.wait_for_function("() => /zoom=194/.test(location.search)")
    expect(box).to_be_focused()
    # The whole timeline's start (Kim Il-sung's 1948, less a little room), three years wide.
    expect(box).to_have_attribute("aria-valuetext", re.compile(r"^1946 – 194[89]$"))
    page.keyboard.press("End")
    page.wait_for_function("() => /zoom=202/.test(location.search)")
    assert page.problems == []


def test_a_click_on_the_strip_brings_the_window_there(new_page, base_url):
    page = new_page(768)
    open_drawn(page, base_url + "/embed")
    track = page.locator(".overview-track")
    track.scroll_into_view_if_needed()
    box = track.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.3, box["y"] + 4)  # about 1970
    page.wait_for_function("() => /zoom=/.test(location.search)")
    first, last = zoom_in_url(page).split("..")
    assert "1965" < first < last < "1980"
    expect(page.locator(".overview-window")).to_have_attribute(
        "aria-valuetext", re.compile(r"^19[67]\d – 19[67]\d$"))
    assert page.problems == []


@pytest.mark.parametrize("path", ["/", "/embed"])
def test_whole_timeline_shows_every_event_and_a_reset_returns_to_the_first_window(
        new_page, base_url, path):
    page = new_page(1280)
    open_drawn(page, base_url + path)
    before = len(marks_in_plot(page))
    assert before < EVENTS
    whole = page.get_by_role("button", name="Whole timeline")
    whole.click()
    page.wait_for_function("() => /zoom=all/.test(location.search)")
    plotly_drawn(page)
    expect(whole).to_have_attribute("aria-pressed", "true")
    strip = page.locator("#timeline-overview")
    expect(strip).to_have_attribute("data-outside", "0")
    # Every event on the chart: from Kim Il-sung's rule (1948) on, none off either side.
    shown = plotly_range(page)
    assert shown[0] < "1948" and shown[1] > "2025-04-28"
    assert len(marks_in_plot(page)) > before
    page.go_back()
    page.wait_for_function("() => !/zoom=/.test(location.search)")
    expect(strip.locator(".overview-window")).to_have_attribute("aria-valuetext", FIRST_WINDOW)
    # Plotly's reset (a double click on the plot, or its mode bar's autoscale) is the first
    # window too, not the whole timeline.
    whole.click()
    page.wait_for_function("() => /zoom=all/.test(location.search)")
    page.wait_for_function("() => String(document.getElementById('timeline-graph')"
                           ".layout.xaxis.range[0]) < '1950'")
    page.locator("#timeline-graph .nsewdrag").scroll_into_view_if_needed()
    page.locator("#timeline-graph .nsewdrag").dblclick()
    page.wait_for_function("() => !/zoom=/.test(location.search)")
    page.wait_for_function("() => String(document.getElementById('timeline-graph')"
                           ".layout.xaxis.range[0]).startsWith('2022-01-01')")
    expect(whole).to_have_attribute("aria-pressed", "false")
    assert page.problems == []


@pytest.mark.parametrize("path", ["/", "/embed"])
@pytest.mark.parametrize("width", [375, 1280])
def test_no_accessibility_violations(new_page, base_url, path, width):
    """The whole embed; in the explorer, what the engine draws (Dash's own filters
    have violations of their own at desktop widths, which are not this issue's)."""
    page = new_page(width)
    open_drawn(page, base_url + path)
    within = ENGINE_REGIONS if path == "/" else None
    assert accessibility_violations(page, within) == []
    page.get_by_role("button", name="Whole timeline").click()
    page.wait_for_function("() => /zoom=all/.test(location.search)")
    plotly_drawn(page)  # the picture, faded meanwhile, gone
    expect(page.locator("#timeline-overview")).to_have_attribute("data-outside", "0")
    assert accessibility_violations(page, within) == []


def test_the_static_export_has_the_strip(new_page, curated_data_file, tmp_path):
    with serving_embed("static", Config(data_path=curated_data_file), tmp_path / "export") as url:
        page = new_page(375)
        open_drawn(page, url)
        expect(page.locator(".overview-window")).to_have_attribute("aria-valuetext",
                                                                   FIRST_WINDOW)
        xs = marks_in_plot(page)
        assert middle_share(xs, plot_box(page)["width"]) >= 0.6
        # Left by a twentieth of the strip: about four years, to the 2019 summit's.
        drag_by(page, -page.locator(".overview-track").bounding_box()["width"] / 20)
        page.wait_for_function("() => /zoom=/.test(location.search)")
        plotly_drawn(page)
        assert page.problems == []
