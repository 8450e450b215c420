"""The embed's SVG picture of the chart, drawn in Python before plotly.js runs."""
from __future__ import annotations

import base64
import hashlib
import html
import math
import re
from datetime import date

import pytest
from support import filter_cases
from test_embed_payload import HOSTILE, snapshot

from timeline.view.chart_preview import (
    PREVIEW_GUARD,
    PREVIEW_GUARD_HASH,
    chart_preview,
    guard_script,
    year_ticks,
)
from timeline.view.colours import CHART_DARK, CHART_LIGHT, DARK_PALETTE, PALETTE, dark_twins
from timeline.view.payload import figure_json
from timeline.view.view_state import ViewState

TODAY = date(2026, 11, 26)


def figure(x0="2000-01-01", x1="2020-01-01", traces=(), shapes=(), lanes=("a", "b")):
    return {"data": list(traces), "layout": {
        "height": 300, "margin": {"l": 70, "r": 10, "t": 50, "b": 8},
        "xaxis": {"range": [x0, x1], "gridcolor": "#eee"},
        "yaxis": {"range": [3.0, -1.0], "tickvals": [0.0, 2.0], "ticktext": list(lanes)},
        "shapes": list(shapes)}}


def marks(*points, **trace):
    return {"mode": "markers", "x": [p[0] for p in points], "y": [p[1] for p in points],
            "marker": {"color": "#0072B2", "size": 12,
                       "line": {"color": "#0072B2", "width": 2.5}}, **trace}


def circles(svg: str) -> list[tuple[str, str]]:
    """Every mark's centre: circles, and the shapes of other certainties (<use>)."""
    return re.findall(r'<(?:circle|use) class="preview-mark" (?:href="[^"]+" x="[^"]+" '
                      r'y="[^"]+" )?cx="([^"]+)" cy="([^"]+)"', svg)


def test_marks_sit_where_plotly_puts_them_as_shares_of_the_plot_area():
    svg = chart_preview(figure(traces=[marks(("2010-01-01T00:00:00", 1.0),
                                             ("2000-01-01T00:00:00", -1.0))]))
    # 2010 is half-way through 2000–2020 (by days); y 1.0 is half-way down a 3 … -1 axis.
    (x1, y1), (x2, y2) = circles(svg)
    assert abs(float(x1.rstrip("%")) - 50.01) < 0.01 and y1 == "50%"
    assert (x2, y2) == ("0%", "0%")
    assert 'style="left:70px;top:50px;width:calc(100% - 80px);height:calc(100% - 58px)"' in svg
    assert 'style="height:300px"' in svg


def test_marks_outside_the_window_are_left_out():
    svg = chart_preview(figure(traces=[marks(("1990-06-01", 0.0), ("2030-01-01", 0.0),
                                             ("2005-01-01", 0.0))]))
    assert len(circles(svg)) == 1


def test_lanes_labels_bars_and_separators_are_drawn():
    bars = {"mode": "lines", "x": ["2000-01-01", "2010-01-01", None], "y": [2.0, 2.0, None],
            "opacity": 0.55, "line": {"color": "#D55E00", "width": 9, "dash": "dot"}}
    labelled = marks(("2019-01-01", 0.0), ("2001-01-01", 0.0), mode="markers+text",
                     text=["Late one", "Early one"], textposition=["top left", "top right"])
    separator = {"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": 1.0, "y1": 1.0,
                 "line": {"color": "#ddd"}}
    svg = chart_preview(figure(traces=[bars, labelled], shapes=[separator]))
    # (A colour outside the palettes, as a timeline may declare, has its dark twin too.)
    assert ('<g opacity="0.55" stroke="#D55E00" style="stroke:var(--tl-cd55e00)" '
            'stroke-width="9" stroke-dasharray="9,9">') in svg
    assert '<line x1="0%" x2="50.01%" y1="75%" y2="75%"/>' in svg
    assert re.search(r'text-anchor="end">Late one</text>', svg)
    assert re.search(r'dx="5" dy="-8">Early one</text>', svg)
    assert re.search(r'<line x1="0" x2="100%" y1="50%" y2="50%" stroke="#ddd" '
                     r'style="stroke:var\(--tl-\d+\)"/>', svg)


def test_other_certainties_are_drawn_in_their_shapes_as_plotly_draws_them():
    svg = chart_preview(figure(traces=[marks(
        ("2010-01-01", 0.0), ("2011-01-01", 0.0), ("2012-01-01", 0.0), ("2013-01-01", 0.0),
        marker={"color": "#0072B2", "size": 12, "line": {"color": "#0072B2", "width": 2.5},
                "symbol": ["circle", "square", "triangle-up", "diamond"]},
        customdata=[["a", "A", "1"], ["b", "B", "2"], ["c", "C", "3"], ["d", "D", "4"]])]))
    assert len(circles(svg)) == 4
    assert re.search(r'<circle class="preview-mark" cx="[^"]+" cy="25%" r="6" data-event="a"/>',
                     svg)
    # plotly.js's own outlines (symbol_defs.js) for a marker of size 12, placed by <use>.
    for name, path, event in (("square", "M6,6H-6V-6H6Z", "b"),
                              ("triangle-up", "M-6.93,3H6.93L0,-6Z", "c"),
                              ("diamond", "M7.8,0L0,7.8L-7.8,0L0,-7.8Z", "d")):
        assert f'<path id="tl-{name}-6" d="{path}"/>' in svg
        assert re.search(rf'<use class="preview-mark" href="#tl-{name}-6" x="([^"]+)" '
                         rf'y="25%" cx="\1" cy="25%" r="6" data-event="{event}"/>', svg)
    assert svg.index("<defs>") < svg.index('<use class="preview-mark"')


def test_the_picture_takes_the_dark_twin_of_each_colour_on_a_dark_page():
    hollow = marks(("2010-01-01", 0.0), marker={"color": CHART_LIGHT["background"], "size": 12,
                                                "line": {"color": PALETTE[2], "width": 2.5}})
    svg = chart_preview(figure(traces=[hollow]))
    group = re.search(r'<g fill="white" stroke="#2d6101" '
                      r'style="fill:var\((--tl-\d+)\);stroke:var\((--tl-\d+)\)"', svg)
    fill, ring = group.groups()
    style = re.search(r"<style>(.*?)</style>", svg).group(1)
    light, dark, preferred = re.findall(r"\{([^{}]*)\}", style)
    assert f"{fill}:white;" in light and f"{ring}:{PALETTE[2]};" in light
    assert f"{fill}:{CHART_DARK['background']};" in dark and f"{ring}:{DARK_PALETTE[2]};" in dark
    assert preferred == dark
    assert ".theme-dark .chart-preview{" in style
    assert "@media (prefers-color-scheme: dark){:root:not(.theme-light) .chart-preview{" in style
    assert ">a</text>" in svg and ">b</text>" in svg


def test_a_declared_colour_has_its_dark_twin_in_the_picture_too():
    """A timeline's own colour (issue 18) is not in the palettes: its twin is made."""
    declared = marks(("2010-01-01", 0.0), marker={"color": "#C2185B", "size": 12,
                                                  "line": {"color": "#c2185b", "width": 2.5}})
    svg = chart_preview(figure(traces=[declared]))
    assert 'fill="#C2185B" stroke="#c2185b" style="fill:var(--tl-cc2185b);' \
           'stroke:var(--tl-cc2185b)"' in svg
    light, dark, _ = re.findall(r"\{([^{}]*)\}", re.search(r"<style>(.*?)</style>", svg)[1])
    twin = dark_twins(["#c2185b"])["#c2185b"]
    assert "--tl-cc2185b:#c2185b;" in light and f"--tl-cc2185b:{twin};" in dark
    assert twin != "#c2185b"


def test_text_from_the_data_is_escaped_once_and_never_markup():
    # The figure escapes text for Plotly (HTML entities): the picture shows the same
    # characters, so an entity the editor typed is not decoded twice.
    escaped = html.escape(HOSTILE + " &amp; AT&T", quote=False)
    svg = chart_preview(figure(traces=[marks(("2010-01-01", 0.0), mode="markers+text",
                                             text=[escaped], textposition=["top right"])],
                               lanes=(escaped, "b")))
    assert "<script" not in svg and "</script" not in svg
    assert svg.count(html.escape(HOSTILE + " &amp; AT&T", quote=False)) == 2


def test_a_mark_for_several_events_is_as_big_as_the_chart_draws_it():
    """Sized by its count as engine/web/density.js sizes it (14, 17, 20 px from 2, 10, 100
    events; with its ring, the width of the chart's dot), so nothing grows when
    Plotly's chart replaces the picture."""
    many = [f"e{i}" for i in range(12)]
    svg = chart_preview(figure(traces=[marks(
        ("2005-01-01", 0.0), ("2010-01-01", 0.0), ("2015-01-01", 0.0),
        customdata=[["a", "A", "2005"], ["b", "B", "2010", ["b", "c"]],
                    ["e0", "E", "2015", many]])]))
    assert re.findall(r'<circle class="preview-mark" [^>]* r="([^"]+)"', svg) == ["6", "7", "8.5"]


def test_each_mark_and_label_names_its_first_event_escaped():
    """picture.js finds a mark's event(s) by the id of its first one; an id is data."""
    hostile_id = 'x" onmouseover="alert(1)'
    svg = chart_preview(figure(traces=[marks(
        ("2005-01-01", 0.0), ("2010-01-01", 0.0), mode="markers+text", text=["A", ""],
        textposition=["top right", "top right"],
        customdata=[[hostile_id, "A", "2005"], ["b", "B", "2010", ["b", "c"]]])]))
    escaped = html.escape(hostile_id, quote=True)
    assert re.findall(r'<circle class="preview-mark" [^>]*data-event="([^"]*)"', svg) == [
        escaped, "b"]
    assert re.findall(r'<text [^>]*data-event="([^"]*)">A</text>', svg) == [escaped]
    assert "onmouseover=" not in svg.replace(escaped, "")


def test_the_real_figure_is_drawn_in_full():
    """The real figure: every mark Plotly would draw in its window (the first
    window, view/window.py) is in the picture, every lane named."""
    data = snapshot()
    built = figure_json(data.events, "category", TODAY, data.result.eras)
    svg = chart_preview(built)
    first, last = built["layout"]["xaxis"]["range"]
    inside = [(t, i) for t in built["data"] if t["mode"] != "lines"
              for i, x in enumerate(t["x"]) if first <= x[:10] <= last]
    assert 0 < len(circles(svg)) == len(inside) < sum(
        len(t["x"]) for t in built["data"] if t["mode"] != "lines")
    firsts = [t["customdata"][i][0] for t, i in inside]
    assert re.findall(r'<(?:circle|use) class="preview-mark" [^>]*data-event="([^"]*)"',
                      svg) == firsts
    for lane in built["layout"]["yaxis"]["ticktext"]:
        assert f">{lane}</text>" in svg
    assert "PRIVATE NOTE" not in svg


@pytest.mark.parametrize(("years", "count", "expected"), [
    (("1946-01-01", "2028-11-25"), 10, list(range(1950, 2021, 10))),
    (("1946-01-01", "2028-11-25"), 5, [1960, 1980, 2000, 2020]),
    (("2019-06-01", "2024-03-01"), 10, [2020, 2021, 2022, 2023, 2024]),
    (("2023-01-01", "2024-06-01"), 10, []),  # under two years: Plotly shows months
])
def test_year_ticks_follow_plotlys_steps(years, count, expected):
    def ms(day):
        return date.fromisoformat(day).toordinal() * 86_400_000.0 - 62_135_596_800_000
    assert year_ticks(ms(years[0]), ms(years[1]), count) == expected


def test_the_guard_is_allowed_by_its_hash():
    digest = base64.b64encode(hashlib.sha256(PREVIEW_GUARD.encode()).digest()).decode()
    assert PREVIEW_GUARD_HASH == f"'sha256-{digest}'"
    # The address of plotly.js it loads is an attribute of its element, outside
    # the hashed text, so one hash serves every address (the export's are relative).
    assert guard_script('/static/plotly.1a2b.js?a=1&b="2"') == (
        f'<script data-plotly="/static/plotly.1a2b.js?a=1&amp;b=&quot;2&quot;">'
        f"{PREVIEW_GUARD}</script>")


QUERIES = [case["query"] for case in filter_cases()["cases"]] + [
    "", "event=car", "lanes=actor", "zoom=2023-01..2023-06", "q=kim", "from=2023",
    "to=2023-09", "certainty=alleged", "event=car&category=gifts", "utm_source=x",
    "list=open", "event=car&list=open", "list=open&category=gifts"]


@pytest.mark.parametrize("query", QUERIES)
def test_the_guard_hides_the_picture_whenever_the_link_changes_the_chart(query):
    """The picture is of the default view: any link that draws another chart hides it
    (an event's ring and the list below the chart are not another chart)."""
    guard = re.compile(PREVIEW_GUARD.split("/")[1])  # the script's own regular expression
    view = ViewState.from_query_string(query).with_changes(event=None, list_open=False)
    if view != ViewState():
        assert guard.search("?" + query), query
    if all(part.split("=")[0] in ("event", "list", "utm_source")
           for part in query.split("&") if part):
        assert not guard.search("?" + query), query


@pytest.mark.parametrize("broken", [
    {"data": [], "layout": {}},
    figure(x0="not a date"),
    figure(x0="2020-01-01", x1="2020-01-01",  # a window of no time at all
           traces=[marks(("2020-01-01", 0.0))]),
    figure(traces=[marks((5, 0.0))]),  # not a date
])
def test_a_figure_it_cannot_read_gives_no_picture_not_an_error(broken):
    assert chart_preview(broken) == ""


def test_labels_are_hidden_where_the_chart_is_too_narrow_for_them():
    """Before picture.js measures them, each label shows only where the chart is wide
    enough for it to stay inside the plot and clear of the labels before it."""
    from timeline.view.chart_preview import LABEL_CHAR_PX, LABEL_GAP_PX, narrowest_plots
    near_right = narrowest_plots([(0.9, 0.0, "abcd", False)])[0]
    assert near_right == pytest.approx((LABEL_GAP_PX + 4 * LABEL_CHAR_PX + 1) / 0.1)
    # Two labels in a row part as the chart widens; in other rows they never meet.
    first, second, elsewhere = narrowest_plots([(0.1, 0.0, "abcd", False),
                                                (0.2, 0.0, "efgh", False),
                                                (0.2, 1.0, "ijkl", False)])
    assert second > first and elsewhere < second
    assert narrowest_plots([(1.0, 0.0, "edge", False)]) == [math.inf]
    labelled = marks(("2019-01-01", 0.0), ("2019-02-01", 0.0), mode="markers+text",
                     text=["Late one", "Later one"], textposition=["top right", "top right"])
    svg = chart_preview(figure(traces=[labelled]))
    widths = re.findall(r'class="fits-(\d+)"', svg)
    assert widths and all(f"@container (width < {w}px)" in svg for w in widths)
