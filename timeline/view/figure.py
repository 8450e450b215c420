"""The Plotly figure for a view: lanes of events along a time axis.

Pure: the same events, view, day and width give the same figure. Points are
markers, events that last are bars from start to end (ongoing ones to
`today`). Exact dates are filled marks and solid bars; approximate or
uncertain ones are hollow marks and dotted bars, so the difference survives
printing and colour blindness. Eras, when given, are shaded bands behind it all.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from timeline.data.markup import escape_for_plotly
from timeline.data.schema import DEFAULT_LANGUAGE
from timeline.view.colours import CHART_LIGHT, ERA_FILLS, category_colours
from timeline.view.language import TEXT_LANGUAGE, Messages, messages_for
from timeline.view.transforms import (
    CATEGORY_LABEL,
    actor_names,
    category_values,
    lane_label,
)
from timeline.view.view_state import WHOLE_TIMELINE, ViewState
from timeline.view.window import first_window, whole_span

# Rows of 24 px hold a 12 px mark and a 12 px label with air between rows; at
# most two rows a lane keep a phone's chart within its first screen (issue 15).
ROW_HEIGHT_PX = 24
MAX_ROWS_PER_LANE = 2
LANE_GAP = 0.5  # rows between lanes
# Unlabelled marks nearer than this in one row are drawn as one: a mark is 12 px
# and its 2.5 px ring, so nearer marks overlap anyway.
CROWDED_PX = 14
MIN_HEIGHT_PX = 260
LABEL_MAX_CHARS = 34
LABEL_MAX_CHARS_NARROW = 22
CHAR_WIDTH_PX = 6.6  # 12 px system sans, measured average
LANE_CHAR_WIDTH_PX = 7.2  # lane names: a little wider, so names in any script fit
RIGHT_MARGIN_PX = 28  # half the widest date label ("Sept 2024"), at the right edge
TOP_MARGIN_PX = 50  # the mode bar, then the date labels
BOTTOM_MARGIN_PX = 8
# The chart's height beyond its rows: the y range spans the rows exactly (layout_figure).
FRAME_HEIGHT_PX = TOP_MARGIN_PX + BOTTOM_MARGIN_PX
# How firmly an event stands, drawn by the mark's shape as well (the fill says whether
# its date is exact): survives colour blindness and greyscale printing (issue 17).
CERTAINTY_SYMBOLS = {"confirmed": "circle", "reported": "square", "alleged": "triangle-up",
                     "expected": "diamond"}
NARROW_SCREEN_PX = 600
ERA_LABEL_MAX_CHARS = 28
ERA_LABEL_ROOM = 0.6  # rows
# The axis's dates as precise as its ticks are apart: years, then months, and
# days only once zoomed to ticks days or weeks apart. Never a time of day (the
# data has none), and no day where the ticks stand for months or years. Plotly
# takes the first stop whose range holds the ticks' distance, ends included:
# so days end at two weeks (Plotly's widest day ticks) and months at six.
TWO_WEEKS_MS = 14 * 86_400_000
DATE_TICK_FORMATS = [
    {"dtickrange": [None, TWO_WEEKS_MS], "value": "%-d %b %Y"},
    {"dtickrange": ["M1", "M6"], "value": "%b %Y"},
    {"dtickrange": ["M12", None], "value": "%Y"},
]


@dataclass(frozen=True)
class Placed:
    """One mark on the chart: an event on a row of a lane, maybe with its label."""
    event_index: int
    y: float
    label: str
    # Labels near the right edge go left of their mark so they stay on the chart.
    label_left: bool = False
    # Events whose marks would sit under this one (see merge_crowded).
    hidden: tuple[int, ...] = ()


def build_figure(events: pd.DataFrame, view: ViewState, *, today: date,
                 width_px: int = 900, eras: pd.DataFrame | None = None,
                 title_window: tuple[date, date] | None = None,
                 between: Callable[[], None] | None = None) -> go.Figure:
    """The timeline figure for `events` (already filtered) as `view` asks,
    with `eras` (`LoadResult.eras`) as shaded periods behind them; with no zoom
    in `view`, at the title row's window (`LoadResult.window`), else the one
    view/window.py finds. `between()`, if given, is called between the steps of
    the build (each a few tens of milliseconds at 10,000 events): the editor's
    preview stops there when nobody waits for it any more."""
    between = between or _carry_on
    window = visible_window(events, view, today, title_window)
    names = lane_names(events, view)
    labels = lane_label(events) if view.lanes != "actor" else {}
    days_per_px = max((window[1] - window[0]).days, 1) / plot_width(
        width_px, [labels.get(name, name) for name in names])
    ends = event_ends(events, today)
    label_chars = LABEL_MAX_CHARS_NARROW if width_px < NARROW_SCREEN_PX else LABEL_MAX_CHARS
    placed, lanes = place_events(events, ends, view, names, days_per_px,
                                 (pd.Timestamp(window[0]), pd.Timestamp(window[1])), label_chars)
    between()
    # One trace per category and exactness: few traces draw fastest. Plain values
    # keyed by the frame's labels: per-cell pandas access is slow at 100,000 events.
    exact = ~(events["approximate"] | events["uncertain"])
    key_of = dict(zip(events.index, zip(events["category"], exact.tolist())))
    groups: dict[tuple[str, bool], list[Placed]] = {}
    for mark in placed:
        groups.setdefault(key_of[mark.event_index], []).append(mark)
    # Prepared events carry the colour chosen over the whole timeline, which the
    # legend shows too; a filtered view must not recolour what is left.
    colours = (category_values(events, "colour") if CATEGORY_LABEL in events
               else category_colours(list(events["category"])))
    figure = go.Figure()
    # No template: plotly.py would embed its default one (7 KB of styles for
    # every kind of chart), which plotly.js then applies to each trace on every
    # redraw. The few styles the timeline needs are set below.
    figure.layout.template = None
    messages = messages_for(view.language or DEFAULT_LANGUAGE)
    for category in lane_categories(events):
        for is_exact in (True, False):
            if (category, is_exact) in groups:
                add_category_traces(figure, events, ends, groups[category, is_exact], category,
                                    colours[category], is_exact, days_per_px, messages)
                between()
    add_selection(figure, events, placed, view.event)
    layout_figure(figure, lanes, window, width_px, labels)
    # The whole span, for `zoom=all` and the overview strip (engine/web/overview.js).
    whole = whole_span(events["start_at"], ends, today)
    figure.update_layout(meta={**figure.layout.meta,
                               "whole": [whole[0].isoformat(), whole[1].isoformat()]})
    if eras is not None:
        add_eras(figure, eras, window, today)
    return figure


def _carry_on() -> None:
    """`between` when nothing may stop the build."""


def add_eras(figure: go.Figure, eras: pd.DataFrame, window: tuple[date, date],
             today: date) -> None:
    """Each era a shaded band the chart's full height, named small at its top.

    Bands sit below the grid and the marks, so they never hide an event; an
    era still going on runs to today, as ongoing events do.
    """
    if eras.empty:
        return
    # A strip above the first lane for the names, so they never sit on a label.
    bottom, top = figure.layout.yaxis.range
    figure.update_yaxes(range=[bottom, top - ERA_LABEL_ROOM])
    figure.update_layout(height=figure.layout.height + int(ERA_LABEL_ROOM * ROW_HEIGHT_PX),
                         meta={**figure.layout.meta, "top_room": ERA_LABEL_ROOM})
    # The era names written in a per-language column (language.TEXT_LANGUAGE), by their
    # annotation's index: the engine gives those labels their `lang` once drawn.
    languages: dict[str, str] = {}
    translated = eras[TEXT_LANGUAGE] if TEXT_LANGUAGE in eras else pd.Series("", eras.index)
    for number, (era, language) in enumerate(zip(eras.itertuples(), translated)):
        start = pd.Timestamp(era.start_at)
        end = pd.Timestamp(today) if era.ongoing or pd.isna(era.end_at) else pd.Timestamp(
            era.end_at)
        # The last day counts whole: an era 'to 1946' reaches the end of 1946.
        end += pd.Timedelta(days=1)
        figure.add_shape(type="rect", xref="x", yref="paper", x0=start, x1=end, y0=0, y1=1,
                         fillcolor=ERA_FILLS[number % len(ERA_FILLS)], line={"width": 0},
                         layer="below")
        # The label goes where the era enters the view, so a long era stays named.
        label_at = max(start, pd.Timestamp(window[0]))
        if label_at < end:
            figure.add_annotation(
                x=label_at, y=1, xref="x", yref="paper", xanchor="left", yanchor="top",
                text=escape_for_plotly(short_label(era.title, ERA_LABEL_MAX_CHARS)),
                showarrow=False, font={"size": 11, "color": CHART_LIGHT["era_label"]}, xshift=3)
            if language:
                languages[str(len(figure.layout.annotations) - 1)] = language
    if languages:
        figure.update_layout(meta={**figure.layout.meta, "annotation_lang": languages})


def event_ends(events: pd.DataFrame, today: date) -> pd.Series:
    """Where each event's mark ends on the axis: its end, today if ongoing, else its start.

    A point event dated only to a month or year is still a point: a bar would
    read as something that lasted.
    """
    lasting = events["end_date"].notna()
    ends = events["end_at"].where(lasting, events["start_at"])
    return ends.where(~events["ongoing"], pd.Timestamp(today)).astype(events["start_at"].dtype)


def visible_window(events: pd.DataFrame, view: ViewState, today: date,
                   title_window: tuple[date, date] | None = None) -> tuple[date, date]:
    """The zoom in the view; every event with a little room either side for
    `zoom=all`; else the first window (view/window.py: the title row's, or the
    span holding most events)."""
    ends = event_ends(events, today)
    if view.window == WHOLE_TIMELINE:
        return whole_span(events["start_at"], ends, today)
    if view.window:
        return view.window
    return first_window(events["start_at"], ends, today, title_window)


def left_margin(lanes: list[str]) -> int:
    """Room for the lane names, worked out here rather than by Plotly's automargin,
    which measures the text and lays the chart out twice on every redraw."""
    longest = max((len(short_label(name)) for name in lanes), default=0)
    return int(14 + longest * LANE_CHAR_WIDTH_PX)


def plot_width(width_px: int, lanes: list[str]) -> float:
    """The plotting area's width: the figure less its margins."""
    return max(width_px - left_margin(lanes) - RIGHT_MARGIN_PX, 120)


def lane_categories(events: pd.DataFrame) -> list[str]:
    """The categories present, in the lanes' order: prepared events carry it (the
    declared categories', `transforms.prepare_events`); else by name."""
    present = set(events["category"])
    category = events["category"]
    order = (list(category.cat.categories) if isinstance(category.dtype, pd.CategoricalDtype)
             else category_colours(list(present)))
    return [c for c in order if c in present]


def lane_names(events: pd.DataFrame, view: ViewState) -> list[str]:
    return actor_names(events) if view.lanes == "actor" else lane_categories(events)


def place_events(events: pd.DataFrame, ends: pd.Series, view: ViewState, names: list[str],
                 days_per_px: float, window: tuple[pd.Timestamp, pd.Timestamp],
                 label_chars: int = LABEL_MAX_CHARS,
                 ) -> tuple[list[Placed], list[tuple[str, float, int]]]:
    """Give each event a row in its lane(s), labelled where the label has room.

    Greedy interval packing, as vis-timeline does: an event takes the first row
    whose last mark (and label) ends before it starts. Lanes are capped at a
    few rows; events that find no room, or whose label fits on neither side
    of the mark within the window, are drawn without their label.
    Returns the marks and, per lane, (name, first y, row count).
    """
    members: dict[str, list[int]] = {name: [] for name in names}
    lane_keys = events["actors"] if view.lanes == "actor" else events["category"].map(
        lambda category: (category,))
    for index, keys in zip(events.index, lane_keys):
        for key in keys:
            members[key].append(index)
    # Plain values keyed by the frame's labels, times as whole microseconds:
    # per-cell pandas access and Timestamp arithmetic are slow for the 100,000
    # events a big timeline has, and integers compare exactly the same.
    start_of = dict(zip(events.index, microseconds(events["start_at"])))
    end_of = dict(zip(ends.index, microseconds(ends)))
    title_of = dict(zip(events.index, events["title"]))
    window_from, window_until = (microseconds(pd.Series([at]))[0] for at in window)
    day = pd.Timedelta(days=1)
    span_of_length: dict[int, int] = {}  # a label's length → its span, as pandas works it out
    placed: list[Placed] = []
    lanes: list[tuple[str, float, int]] = []
    next_y = 0.0
    for name, indices in members.items():
        row_ends: list[float] = []
        for index in indices:
            start, end = start_of[index], end_of[index]
            label = short_label(title_of[index], label_chars)
            label_span = span_of_length.get(len(label))
            if label_span is None:
                label_span = span_of_length[len(label)] = timedelta_microseconds(
                    day * ((len(label) * CHAR_WIDTH_PX + 16) * days_per_px))
            label_left = start + label_span > window_until
            if label_left and start - label_span < window_from:
                label, label_span, label_left = "", 0, False
            taken_from = start - label_span if label_left else start
            taken_until = end if label_left else max(end, start + label_span)
            row = next((r for r, e in enumerate(row_ends) if e < taken_from), None)
            if row is None and len(row_ends) < MAX_ROWS_PER_LANE:
                row_ends.append(-math.inf)  # free from the beginning of time
                row = len(row_ends) - 1
            if row is None:
                row = min(range(len(row_ends)), key=row_ends.__getitem__)
                label, taken_until = "", end
            row_ends[row] = max(row_ends[row], taken_until)
            placed.append(Placed(index, next_y + row, label, label_left))
        rows = max(len(row_ends), 1)
        lanes.append((name, next_y, rows))
        next_y += rows + LANE_GAP
    return placed, lanes


def microseconds(times: pd.Series) -> list[int]:
    """Each time as whole microseconds since 1970 (exact for every date a file may hold)."""
    return np.asarray(times.to_numpy(), dtype="datetime64[us]").astype(np.int64).tolist()


def timedelta_microseconds(span: pd.Timedelta) -> int:
    return int(np.timedelta64(span.to_timedelta64(), "us").astype(np.int64))


def short_label(title: str, max_chars: int = LABEL_MAX_CHARS) -> str:
    return title if len(title) <= max_chars else title[:max_chars - 1].rstrip() + "…"


def merge_crowded(marks: list[Placed], start_of: dict[int, int], days_per_px: float,
                  shape_of: dict[int, str] | None = None) -> list[Placed]:
    """Unlabelled marks in one row nearer than CROWDED_PX to the first of a run
    become that one mark, which names the others.

    A big timeline has thousands of marks where the chart has room for a few
    hundred per row; drawn one on another they look the same as one, but each
    costs the browser time on every redraw. The list below the chart still
    shows every event, and hovering says how many a mark stands for.
    `start_of`: each event's start in microseconds (`microseconds`); `shape_of`:
    each event's mark shape (its certainty's), when given: only marks of one shape
    merge, so a shape is never hidden under another.
    """
    # In nanoseconds, as pandas works it out, compared exactly with whole microseconds.
    reach = pd.Timedelta(days=CROWDED_PX * days_per_px).value
    kept: list[Placed] = []
    merged: dict[int, list[int]] = {}  # index in `kept` → the events merged into it
    # (row, shape) → index in `kept` of the mark its run merges into
    run_of_row: dict[tuple[float, str], int] = {}
    for mark in sorted(marks, key=lambda m: (m.y, start_of[m.event_index])):
        row = (mark.y, shape_of[mark.event_index] if shape_of else "")
        run = run_of_row.get(row)
        if (not mark.label and run is not None and not kept[run].label
                and (start_of[mark.event_index] - start_of[kept[run].event_index]) * 1000
                < reach):
            merged.setdefault(run, list(kept[run].hidden)).append(mark.event_index)
            continue
        run_of_row[row] = len(kept)
        kept.append(mark)
    for run, hidden in merged.items():
        kept[run] = replace(kept[run], hidden=tuple(hidden))
    return kept


def add_category_traces(figure: go.Figure, events: pd.DataFrame, ends: pd.Series,
                        members: list[Placed], category: str, colour: str, exact: bool,
                        days_per_px: float = 0.0, messages: Messages | None = None) -> None:
    bars_x: list = []
    bars_y: list = []
    bars_ids: list = []  # which event each point belongs to, for filtering in a browser
    indices = [m.event_index for m in members]
    for mark, start, end, event_id in zip(members, events.loc[indices, "start_at"],
                                          ends.loc[indices], events.loc[indices, "id"]):
        if end > start:
            bars_x += [start, end, None]
            bars_y += [mark.y, mark.y, None]
            bars_ids += [event_id] * 3
    if bars_x:
        # Every bar is drawn. Plotly draws each as an SVG path of its own; the
        # embed draws a trace's bars as one path shape (figure-packing.js asShapes).
        figure.add_trace(_scatter(
            x=bars_x, y=bars_y, mode="lines", showlegend=False, customdata=bars_ids,
            hoverinfo="skip", opacity=0.55,
            line={"color": colour, "width": 9, "dash": "solid" if exact else "dot"}))
    starts = dict(zip(indices, microseconds(events.loc[indices, "start_at"])))
    shapes = {index: CERTAINTY_SYMBOLS.get(certainty, "circle")
              for index, certainty in zip(indices, events.loc[indices, "certainty"])}
    shown = merge_crowded(members, starts, days_per_px, shapes) if days_per_px else members
    # Labelled marks and bare ones in separate traces: a big timeline has
    # thousands of marks but few labels, and each text node costs the browser.
    # A trace per shape too: plotly.py checks a list of symbols point by point,
    # which more than doubled the figure's build at 100,000 events.
    for labelled in (True, False):
        by_shape: dict[str, list[Placed]] = {}
        for mark in shown:
            if bool(mark.label) == labelled:
                by_shape.setdefault(shapes[mark.event_index], []).append(mark)
        for symbol, marks in by_shape.items():
            figure.add_trace(mark_trace(events, marks, category, colour, exact, labelled,
                                        messages, symbol))


def mark_trace(events: pd.DataFrame, marks: list[Placed], category: str, colour: str,
               exact: bool, labelled: bool, messages: Messages | None = None,
               symbol: str = "circle") -> go.Scatter:
    """Each point's customdata: [id, title, date line] and, for a mark standing
    for several events, the ids of all of them (a browser filter needs them).
    `messages`: the page's language, for the words of such a mark's hover."""
    messages = messages or messages_for("en")
    indices = [m.event_index for m in marks]
    rows = events.loc[indices]  # event_index is the frame's label, kept through filtering
    ids, titles, dates = (rows[c].to_numpy() for c in ("id", "title", "date_label"))
    hidden = [i for mark in marks for i in mark.hidden]
    id_of = dict(zip(hidden, events.loc[hidden, "id"]))
    customdata = []
    for mark, event_id, title, day in zip(marks, ids, titles, dates):
        point = [event_id, escape_for_plotly(title), escape_for_plotly(day)]
        if mark.hidden:
            point[2] += messages.gettext(" · and {count} more here",
                                         count=messages.number(len(mark.hidden)))
            point.append([event_id, *(id_of[i] for i in mark.hidden)])
        customdata.append(point)
    labels = {"text": [escape_for_plotly(m.label) for m in marks],
              "textposition": ["top left" if m.label_left else "top right" for m in marks],
              "textfont": {"size": 12, "color": CHART_LIGHT["label"]}} if labelled else {}
    return _scatter(
        x=rows["start_at"].to_numpy(), y=[m.y for m in marks],
        mode="markers+text" if labelled else "markers", name=category, showlegend=False,
        # Hollow is a white fill in a ring of the colour: Plotly draws an "-open"
        # symbol's ring in the marker's colour, so white would be invisible.
        marker={"color": colour if exact else CHART_LIGHT["background"], "size": 12,
                "symbol": symbol, "line": {"color": colour, "width": 2.5}},
        customdata=customdata,
        hovertemplate="<b>%{customdata[1]}</b><br>%{customdata[2]}<extra></extra>",
        **labels)


def _scatter(**properties) -> go.Scatter:
    """A trace of the chart's marks, its properties not checked one point at a time:
    plotly.py's checks took a third of a 10,000-event figure's build, and these
    properties are the same for every timeline (the figure's JSON is the same either
    way: tests/test_figure.py)."""
    return go.Scatter(_validate=False, **properties)


def add_selection(figure: go.Figure, events: pd.DataFrame, placed: list[Placed],
                  event_id: str | None) -> None:
    if not event_id:
        return
    chosen = set(events.index[events["id"] == event_id])
    marks = [p for p in placed if p.event_index in chosen]
    if not marks:
        return
    figure.add_trace(go.Scatter(
        x=[events.at[m.event_index, "start_at"] for m in marks], y=[m.y for m in marks],
        mode="markers", name="selected", showlegend=False, hoverinfo="skip",
        marker={"size": 22, "symbol": "circle-open", "color": CHART_LIGHT["selected"],
                "line": {"width": 3, "color": CHART_LIGHT["selected"]}}))


def layout_figure(figure: go.Figure, lanes: list[tuple[str, float, int]],
                  window: tuple[date, date], width_px: int,
                  labels: dict[str, str] | None = None) -> None:
    """The axes, lanes and margins; `labels`: a lane's name as readers read it (a
    category's label), where it differs (the lanes keep their names in `meta`, by
    which the browser's filter closes them)."""
    shown = [(labels or {}).get(name, name) for name, _, _ in lanes]
    total_rows = sum(rows + LANE_GAP for _, _, rows in lanes) or 1
    narrow = width_px < NARROW_SCREEN_PX
    between = (1 + LANE_GAP) / 2  # a separator halfway between a lane's last row and the next
    separators = [{"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": y - between,
                   "y1": y - between, "line": {"color": CHART_LIGHT["separator"], "width": 1}}
                  for _, y, _ in lanes[1:]]
    figure.update_layout(
        height=int(max(MIN_HEIGHT_PX, total_rows * ROW_HEIGHT_PX + FRAME_HEIGHT_PX)),
        # What a browser needs to drop lanes its filter empties (engine/web/figure-packing.js).
        meta={"lanes": [[name, y, rows] for name, y, rows in lanes], "lane_gap": LANE_GAP,
              "row_height": ROW_HEIGHT_PX, "frame_height": FRAME_HEIGHT_PX,
              "min_height": MIN_HEIGHT_PX, "top_room": 0},
        # The top margin holds the mode bar and, under it, the date labels. Fixed
        # (autoexpand off): nothing needs to push it, and Plotly skips working
        # that out on every redraw.
        margin={"l": left_margin(shown), "r": RIGHT_MARGIN_PX,
                "t": TOP_MARGIN_PX, "b": BOTTOM_MARGIN_PX, "autoexpand": False},
        # In the light theme's colours: a dark page swaps them (colours.dark_twins).
        plot_bgcolor=CHART_LIGHT["background"], paper_bgcolor=CHART_LIGHT["background"],
        font={"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
              "color": CHART_LIGHT["ink"]},
        hovermode="closest", showlegend=False,
        dragmode=False if narrow else "zoom",
        shapes=separators,
        uirevision="timeline",
        # Tick labels always fit (the margins are sized for them), so Plotly need not
        # measure each one on every redraw to hide those that overflow ("allow").
        xaxis={"type": "date", "range": [window[0].isoformat(), window[1].isoformat()],
               "showgrid": True, "gridcolor": CHART_LIGHT["grid"], "side": "top", "automargin": False,
               "ticklabeloverflow": "allow", "tickformatstops": DATE_TICK_FORMATS},
        yaxis={"tickvals": [y + (rows - 1) / 2 for _, y, rows in lanes],
               "ticktext": [escape_for_plotly(short_label(name)) for name in shown],
               # 0.9 row above the first row's centre and, below the last row's, its
               # lane's gap and 0.4: the range is total_rows long, a row ROW_HEIGHT_PX.
               "range": [total_rows - 0.9, -0.9], "fixedrange": True, "showgrid": False,
               "zeroline": False, "automargin": False, "ticks": "", "ticklabeloverflow": "allow"},
    )
