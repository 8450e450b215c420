from datetime import date

import pandas as pd
import pytest
from support import csv_bytes, prepared_events

from timeline.data.loading import load_events_from_bytes
from timeline.data.markup import escape_for_plotly
from timeline.data.schema import CERTAINTIES
from timeline.view.colours import PALETTE
from timeline.view.figure import (
    CERTAINTY_SYMBOLS,
    build_figure,
    category_colours,
    visible_window,
)
from timeline.view.language import localised_events
from timeline.view.view_state import ViewState

TODAY = date(2026, 11, 26)
ROWS = [
    {"id": "point", "start": "2024-02-20", "title": "A point", "actors": "Kim Jong-un",
     "category": "gifts", "certainty": "confirmed"},
    {"id": "ranged", "start": "2023-07-26", "end": "2023-07-27", "title": "A range",
     "actors": "Sergei Shoigu", "category": "military", "certainty": "confirmed"},
    {"id": "ongoing", "start": "2024-10", "end": "..", "title": "Still going",
     "actors": "North Korea; Russia", "category": "military", "certainty": "reported"},
    {"id": "uncertain", "start": "2022?", "title": "<b>Shipments</b> & <script>x()</script>",
     "actors": "North Korea", "category": "military", "certainty": "alleged"},
    {"id": "approximate", "start": "2019-04~", "title": "Roughly then",
     "actors": "Kim Jong-un; Vladimir Putin", "category": "diplomacy",
     "certainty": "expected"},
    {"id": "rough-range", "start": "1994~", "end": "2011", "title": "Rule of Kim Jong-il",
     "actors": "Kim Jong-il", "category": "gifts"},
]


@pytest.fixture(scope="module")
def events():
    return prepared_events(ROWS)


def marker_traces(figure):
    return [t for t in figure.data if t.mode and "markers" in t.mode and t.customdata is not None]


def marks_by_id(figure):
    return {row[0]: (trace, i) for trace in marker_traces(figure)
            for i, row in enumerate(trace.customdata)}


def test_every_event_has_one_mark_with_its_id(events):
    figure = build_figure(events, ViewState(), today=TODAY)
    assert sorted(marks_by_id(figure)) == sorted(r["id"] for r in ROWS)


def test_points_have_no_bar_and_ranges_span_their_time(events):
    figure = build_figure(events, ViewState(), today=TODAY)
    bars = [t for t in figure.data if t.mode == "lines"]
    spans = {(pd.Timestamp(x0), pd.Timestamp(x1))
             for t in bars for x0, x1 in zip(t.x[0::3], t.x[1::3])}
    assert (pd.Timestamp("2023-07-26"), pd.Timestamp("2023-07-27")) in spans
    assert all(x0 != pd.Timestamp("2024-02-20") for x0, _ in spans)


def test_ongoing_events_are_drawn_to_today(events):
    figure = build_figure(events, ViewState(), today=TODAY)
    ends = [pd.Timestamp(x1) for t in figure.data if t.mode == "lines" for x1 in t.x[1::3]]
    assert pd.Timestamp(TODAY) in ends


def test_inexact_dates_are_hollow_and_dotted(events):
    figure = build_figure(events, ViewState(), today=TODAY)
    marks = marks_by_id(figure)
    for event_id in ("uncertain", "approximate"):  # a white fill inside a coloured ring
        marker = marks[event_id][0].marker
        assert marker.color == "white"
        assert marker.line.color != "white" and marker.line.width >= 2
    for event_id in ("point", "ranged"):
        marker = marks[event_id][0].marker
        assert marker.color == marker.line.color != "white"
    bars = {t.line.dash: [pd.Timestamp(x).year for x in t.x if x is not None]
            for t in figure.data if t.mode == "lines"}
    assert bars["dot"] == [1994, 2011]
    assert 2023 in bars["solid"] and 1994 not in bars["solid"]


def test_certainty_is_drawn_by_the_marks_shape(events):
    """Each certainty its own shape, whatever the fill (issue 17): readers who see
    no colour, and greyscale prints, still tell them apart."""
    assert set(CERTAINTY_SYMBOLS) == set(CERTAINTIES)
    assert len(set(CERTAINTY_SYMBOLS.values())) == len(CERTAINTY_SYMBOLS)
    figure = build_figure(events, ViewState(), today=TODAY)

    def symbol(event_id):
        trace, index = marks_by_id(figure)[event_id]
        symbols = trace.marker.symbol
        return symbols if isinstance(symbols, str) else symbols[index]
    assert [symbol(e) for e in ("point", "ongoing", "uncertain", "approximate")] == [
        "circle", "square", "triangle-up", "diamond"]
    # A trace of one certainty says it once; one of several, per mark.
    gifts = [t for t in marker_traces(figure) if t.name == "gifts"]
    assert all(isinstance(t.marker.symbol, str) for t in gifts if len(t.x) == 1)


def test_a_point_dated_to_a_month_or_year_has_no_bar(events):
    figure = build_figure(events, ViewState(), today=TODAY)
    starts = {pd.Timestamp(x) for t in figure.data if t.mode == "lines" for x in t.x[0::3]}
    assert pd.Timestamp("2022-01-01") not in starts and pd.Timestamp("2019-04-01") not in starts


def test_colour_by_category(events):
    figure = build_figure(events, ViewState(), today=TODAY)
    colours = category_colours(list(events["category"]))
    for trace in marker_traces(figure):
        assert trace.marker.line.color == colours[trace.name]


def test_lanes_by_category_and_by_actor(events):
    by_category = build_figure(events, ViewState(), today=TODAY)
    # No category rows: the categories as written, by name.
    assert list(by_category.layout.yaxis.ticktext) == ["diplomacy", "gifts", "military"]
    by_actor = build_figure(events, ViewState(lanes="actor"), today=TODAY)
    assert set(by_actor.layout.yaxis.ticktext) == {
        "Kim Jong-un", "North Korea", "Russia", "Sergei Shoigu", "Vladimir Putin", "Kim Jong-il"}
    assert len(marks_by_id(by_actor)) == len(ROWS)
    shared = [m for t in marker_traces(by_actor) for m in t.customdata if m[0] == "approximate"]
    assert len(shared) == 2, "an event with two actors appears in both lanes"


def test_text_is_escaped_for_plotly(events):
    figure = build_figure(events, ViewState(), today=TODAY)
    trace, i = marks_by_id(figure)["uncertain"]
    assert trace.customdata[i][1] == (
        "&lt;b&gt;Shipments&lt;/b&gt; &amp; &lt;script&gt;x()&lt;/script&gt;")
    assert "<" not in "".join(t for tr in marker_traces(figure) for t in (tr.text or [""] * len(tr.x)))


def test_selected_event_is_ringed(events):
    figure = build_figure(events, ViewState(event="ranged"), today=TODAY)
    ring = [t for t in figure.data if t.name == "selected"]
    assert len(ring) == 1 and pd.Timestamp(ring[0].x[0]) == pd.Timestamp("2023-07-26")
    assert not [t for t in build_figure(events, ViewState(), today=TODAY).data
                if t.name == "selected"]


def test_window_follows_the_view_or_the_data(events):
    zoomed = build_figure(events, ViewState(window=(date(2023, 1, 1), date(2023, 12, 31))),
                          today=TODAY)
    assert list(zoomed.layout.xaxis.range) == ["2023-01-01", "2023-12-31"]
    first, last = visible_window(events, ViewState(window="all"), TODAY)
    assert first < date(1994, 1, 1) and last > TODAY
    # No zoom: the whole years holding most events (view/window.py), and the whole
    # span in the figure's meta, for `zoom=all` and the overview strip.
    assert visible_window(events, ViewState(), TODAY) == (date(2019, 1, 1), date(2025, 1, 1))
    assert visible_window(events, ViewState(), TODAY, (date(2023, 1, 1), date(2024, 1, 1))) == (
        date(2023, 1, 1), date(2024, 1, 1))
    meta = build_figure(events, ViewState(), today=TODAY).layout.meta
    assert meta["whole"] == [first.isoformat(), last.isoformat()]


def test_labels_shown_where_they_fit_and_kept_on_the_chart(events):
    figure = build_figure(events, ViewState(), today=TODAY, width_px=1200)
    labels = [t for tr in marker_traces(figure) for t in (tr.text or [""] * len(tr.x)) if t]
    assert "A point" in labels
    late = prepared_events([*ROWS, {"id": "late", "start": "2026-11-01", "actors": "A",
                                    "title": "A long title for the very last event",
                                    "category": "gifts"}])
    figure = build_figure(late, ViewState(), today=TODAY, width_px=1200)
    positions = {m[0]: tr.textposition[i] for tr in marker_traces(figure) if tr.textposition
                 for i, m in enumerate(tr.customdata)}
    assert positions["late"] == "top left", "the last event's label turns inwards"
    assert positions["point"] == "top right"


def test_crowded_lanes_drop_labels_not_events():
    rows = [{"id": f"e{i}", "start": "2024-01-01", "title": f"Event number {i}",
             "actors": "A", "category": "diplomacy"} for i in range(12)]
    figure = build_figure(prepared_events(rows), ViewState(), today=TODAY)
    texts = [t for tr in marker_traces(figure) for t in (tr.text or [""] * len(tr.x))]
    assert 0 < sum(1 for t in texts if t) < 12
    # Marks that would sit on one another are one mark naming them all: no event is lost.
    named = [i for tr in marker_traces(figure) for point in tr.customdata
             for i in (point[3] if len(point) > 3 else [point[0]])]
    assert sorted(named) == sorted(f"e{i}" for i in range(12)) and len(texts) < 12
    merged = [point for tr in marker_traces(figure) for point in tr.customdata if len(point) > 3]
    assert merged and all(point[2].endswith(f"and {len(point[3]) - 1} more here")
                          for point in merged)


@pytest.mark.parametrize(("language", "words"), [("ko", "이곳에 {count}건 더"),
                                                 ("ru", "и ещё {count} здесь")])
def test_a_mark_for_several_events_says_so_in_the_page_s_language(language, words):
    rows = [{"id": f"e{i}", "start": "2024-01-01", "title": f"Event number {i}",
             "actors": "A", "category": "diplomacy"} for i in range(12)]
    figure = build_figure(prepared_events(rows), ViewState(language=language), today=TODAY)
    merged = [point for tr in marker_traces(figure) for point in tr.customdata if len(point) > 3]
    assert merged and all(point[2].endswith(words.format(count=len(point[3]) - 1))
                          for point in merged)


def test_crowded_marks_merge_only_with_marks_of_their_shape():
    """A mark for several events takes its first event's shape: one of another
    certainty is never hidden under it."""
    rows = [{"id": f"e{i}", "start": "2024-01-01", "title": f"Event number {i}",
             "actors": "A", "category": "diplomacy",
             "certainty": "expected" if i == 7 else "confirmed"} for i in range(12)]
    figure = build_figure(prepared_events(rows), ViewState(), today=TODAY)
    shape_of = {}
    for trace in marker_traces(figure):
        symbols = trace.marker.symbol
        for index, point in enumerate(trace.customdata):
            for event_id in (point[3] if len(point) > 3 else [point[0]]):
                shape_of[event_id] = symbols if isinstance(symbols, str) else symbols[index]
    assert shape_of.pop("e7") == "diamond"
    assert set(shape_of.values()) == {"circle"} and len(shape_of) == 11


def test_empty_selection_draws_an_empty_chart(events):
    figure = build_figure(events.iloc[0:0], ViewState(), today=TODAY)
    assert not marker_traces(figure)


def test_narrow_screens_do_not_capture_drags(events):
    assert build_figure(events, ViewState(), today=TODAY, width_px=360).layout.dragmode is False
    assert build_figure(events, ViewState(), today=TODAY, width_px=1000).layout.dragmode == "zoom"


def test_labels_that_fit_on_neither_side_are_left_out():
    rows = [{"id": "only", "start": "2024-01-01", "actors": "A", "category": "gifts",
             "title": "A title far too long to fit either side of its mark"}]
    window = ViewState(window=(date(2023, 12, 28), date(2024, 1, 4)))
    figure = build_figure(prepared_events(rows), window, today=TODAY, width_px=300)
    assert [t for tr in marker_traces(figure) for t in (tr.text or [""] * len(tr.x))] == [""]


# ------------------------------------------------------------------ eras

def eras_of(*rows: dict) -> pd.DataFrame:
    result = load_events_from_bytes(csv_bytes([{"type": "era", **row} for row in rows]),
                                    "eras.csv")
    assert result.report.ok, result.report.format_lines("eras.csv")
    return result.eras


ERAS = [{"start": "1994", "end": "2011", "title": "Rule of Kim Jong-il"},
        {"start": "2011-12", "end": "..", "title": "<i>Kim Jong-un</i> & co"}]


def era_shapes(figure):
    return [s for s in figure.layout.shapes if s.type == "rect"]


def test_eras_are_shaded_bands_below_the_marks(events):
    figure = build_figure(events, ViewState(), today=TODAY, eras=eras_of(*ERAS))
    first, second = era_shapes(figure)
    assert all((s.layer, s.xref, s.yref, s.y0, s.y1) == ("below", "x", "paper", 0, 1)
               for s in (first, second))
    assert (pd.Timestamp(first.x0), pd.Timestamp(first.x1)) == (
        pd.Timestamp("1994-01-01"), pd.Timestamp("2012-01-01"))
    assert first.fillcolor != second.fillcolor, "eras that touch stay apart"
    assert pd.Timestamp(second.x1) == pd.Timestamp(TODAY) + pd.Timedelta(days=1), \
        "an era still going on runs to today"


def test_eras_are_named_at_the_top_in_escaped_text(events):
    figure = build_figure(events, ViewState(window="all"), today=TODAY, eras=eras_of(*ERAS))
    labels = {a.text: a for a in figure.layout.annotations}
    assert set(labels) == {"Rule of Kim Jong-il", "&lt;i&gt;Kim Jong-un&lt;/i&gt; &amp; co"}
    assert all((a.yref, a.y, a.yanchor) == ("paper", 1, "top") for a in labels.values())


def test_an_era_label_follows_the_view_into_a_long_era(events):
    window = ViewState(window=(date(2000, 1, 1), date(2005, 1, 1)))
    figure = build_figure(events, window, today=TODAY, eras=eras_of(*ERAS))
    [label] = [a for a in figure.layout.annotations if a.text == "Rule of Kim Jong-il"]
    assert pd.Timestamp(label.x) == pd.Timestamp("2000-01-01")


def test_without_eras_the_figure_is_unchanged(events):
    plain = build_figure(events, ViewState(), today=TODAY)
    assert not era_shapes(plain) and not plain.layout.annotations
    empty = build_figure(events, ViewState(), today=TODAY, eras=eras_of(*ERAS).iloc[0:0])
    assert empty.layout.to_plotly_json() == plain.layout.to_plotly_json()


def test_eras_make_room_for_their_names_above_the_first_lane(events):
    plain = build_figure(events, ViewState(), today=TODAY)
    with_eras = build_figure(events, ViewState(), today=TODAY, eras=eras_of(*ERAS))
    assert with_eras.layout.yaxis.range[1] < plain.layout.yaxis.range[1]
    assert with_eras.layout.height > plain.layout.height


DECLARING = [
    {"type": "category", "category": "storms", "title": "Storms", "colour": "#c2185b",
     "title_ko": "폭풍"},
    {"type": "category", "category": "ferries", "title": "Ferry lines & <b>boats</b>"},
    {"type": "category", "category": "cargo", "title": "Cargo", "colour": "#8a5a00"},
    *[{"id": f"e{i}", "start": f"{2000 + i}", "title": f"E{i}", "actors": "A",
       "category": category} for i, category in enumerate(["cargo", "ferries", "storms"])],
]


def test_declared_categories_give_the_lanes_their_order_labels_and_colours():
    events = prepared_events(DECLARING)
    figure = build_figure(events, ViewState(), today=TODAY)
    assert [lane[0] for lane in figure.layout.meta["lanes"]] == ["storms", "ferries", "cargo"]
    assert list(figure.layout.yaxis.ticktext) == [
        "Storms", escape_for_plotly("Ferry lines & <b>boats</b>"), "Cargo"]
    colours = {trace.name: trace.marker.line.color for trace in marker_traces(figure)}
    assert colours == {"storms": "#c2185b", "ferries": PALETTE[0], "cargo": "#8a5a00"}
    # A filter keeps the order and the colours (the browser closes lanes by their names).
    without_storms = build_figure(events[events["category"] != "storms"], ViewState(),
                                  today=TODAY)
    assert list(without_storms.layout.yaxis.ticktext)[-1] == "Cargo"
    assert {t.name: t.marker.line.color for t in marker_traces(without_storms)}["cargo"] == \
        "#8a5a00"
    # In Korean, the label written for it, else the base label.
    korean = build_figure(localised_events(events, "ko"), ViewState(language="ko"),
                          today=TODAY)
    assert list(korean.layout.yaxis.ticktext)[::2] == ["폭풍", "Cargo"]


def test_a_timelines_own_categories_keep_their_colours_when_filtered():
    rows = [{"id": f"e{i}", "start": f"{2000 + i}", "title": f"E{i}", "actors": "A",
             "category": category} for i, category in enumerate(["Courts", "Elections", "Laws"])]
    events = prepared_events(rows)
    legend = category_colours(list(events["category"]))
    assert legend["Courts"] == PALETTE[0], "a timeline's own categories start the palette"
    only_laws = events[events["category"] == "Laws"]
    [trace] = marker_traces(build_figure(only_laws, ViewState(), today=TODAY))
    assert trace.marker.line.color == legend["Laws"]


def test_the_figure_is_lean_for_plotly_to_redraw(events):
    """No embedded template (7 KB applied to every trace on every redraw), fixed
    margins and tick labels Plotly need not measure: each redraw does less."""
    layout = build_figure(events, ViewState(), today=TODAY).to_plotly_json()["layout"]
    assert "template" not in layout
    assert layout["margin"]["autoexpand"] is False
    assert layout["xaxis"]["ticklabeloverflow"] == layout["yaxis"]["ticklabeloverflow"] == "allow"


def test_the_axis_shows_days_only_when_its_ticks_are_days_or_weeks_apart(events):
    """Plotly picks the ticks' spacing by the zoom; each spacing has its format: years
    for years, months for months, a day only for ticks under a month apart."""
    stops = build_figure(events, ViewState(), today=TODAY).layout.xaxis.tickformatstops
    formats = {tuple(stop.dtickrange): stop.value for stop in stops}
    assert formats == {(None, 14 * 86_400_000): "%-d %b %Y", ("M1", "M6"): "%b %Y",
                       ("M12", None): "%Y"}


@pytest.mark.parametrize("size", [0, 1000])
def test_marks_unchecked_by_plotly_make_the_same_figure_as_checked_ones(events, size,
                                                                        monkeypatch):
    """The marks' traces skip plotly.py's checks of each point (`_scatter`); what
    they send must be what the checked traces would."""
    import plotly.graph_objects as go

    from timeline.data.synth import synthetic_csv
    from timeline.view import figure as figure_module
    from timeline.view.transforms import prepare_events

    if size:
        loaded = load_events_from_bytes(synthetic_csv(size, seed=3))
        events = prepare_events(loaded.events, loaded.categories)
    for view in (ViewState(), ViewState(event=str(events["id"].iloc[1]))):
        unchecked = build_figure(events, view, today=TODAY, width_px=700).to_json()
        monkeypatch.setattr(figure_module, "_scatter", lambda **props: go.Scatter(**props))
        checked = build_figure(events, view, today=TODAY, width_px=700).to_json()
        monkeypatch.undo()
        assert unchecked == checked
        assert '"customdata"' in unchecked


def test_a_build_can_be_stopped_between_its_steps(events):
    """`between` is called after the marks are placed and after each category's
    traces: the editor's preview stops there once nobody waits for it."""
    calls = []
    whole = build_figure(events, ViewState(), today=TODAY, between=lambda: calls.append(1))
    assert len(calls) >= 1 + len({trace.name for trace in whole.data if trace.name})

    class Stopped(Exception):
        pass

    def stop_at_the_second():
        calls.append(2)
        if calls.count(2) == 2:
            raise Stopped
    with pytest.raises(Stopped):
        build_figure(events, ViewState(), today=TODAY, between=stop_at_the_second)
    assert calls.count(2) == 2
