"""Callbacks: thin wiring from components to the view state and the pure functions.

The URL is the single source of truth. `sync_view` turns whatever the reader
did into a new query string (and keeps the controls showing it); `render_view`
draws everything from the query string. The list's links (which the stepper
and the arrow keys follow, in assets/stepping.js) change the URL directly, so
back and forward replay the reader's steps.
"""
from __future__ import annotations

import math
from datetime import date
from typing import Callable

import flask
from dash import Dash, Input, Output, ctx, no_update

from timeline.components import detail_panel, event_list, legend, stepper
from timeline.config import Config
from timeline.data_store import Snapshot
from timeline.figure import build_figure, category_colours, lane_categories
from timeline.interactions import CONTROLS, control_value, next_view
from timeline.snippets import embed_loader_snippet, embed_snippet
from timeline.transforms import filter_events, find_event, neighbours
from timeline.view_state import ViewState

DEFAULT_WIDTH_PX = 900
MAX_WIDTH_PX = 20_000  # wider than any screen: a larger width is no browser's report


def register_callbacks(app: Dash, current_data: Callable[[], Snapshot], config: Config) -> None:
    """`current_data` gives the version to draw: one per callback, so a reload
    between reads can never mix two versions in one answer."""
    control_inputs = [Input(component, prop) for component, prop, _ in CONTROLS]
    control_outputs = [Output(component, prop) for component, prop, _ in CONTROLS]

    @app.callback(
        Output("url", "search"), *control_outputs,
        Input("url", "search"), *control_inputs,
        Input("timeline-graph", "clickData"), Input("zoom-change", "data"),
        Input("reset", "n_clicks"),
    )
    def sync_view(search, *values):
        control_values, (click, zoom, _reset) = values[:len(CONTROLS)], values[len(CONTROLS):]
        trigger = ctx.triggered[0]["prop_id"] if ctx.triggered_id else "url.search"
        view = next_view(search, trigger, list(control_values), click, zoom)
        new_search = "?" + view.to_query_string() if view.to_query_string() else ""
        url_output = no_update if new_search == (search or "") else new_search
        shown = [control_value(view, field) for _, _, field in CONTROLS]
        return [url_output] + [no_update if new == old or (not new and not old) else new
                               for new, old in zip(shown, control_values)]

    @app.callback(
        Output("timeline-graph", "figure"), Output("event-list", "children"),
        Output("event-detail", "children"), Output("event-stepper", "children"),
        Output("event-count", "children"), Output("timeline-legend", "children"),
        Output("embed-snippet", "value"), Output("embed-loader-snippet", "value"),
        Input("url", "search"), Input("viewport-width", "data"),
    )
    def render_view(search, width):
        view = ViewState.from_query_string(search)
        data = current_data()
        events = data.events
        shown = filter_events(events, view)
        selected = find_event(shown, view.event)
        previous_id, next_id = neighbours(shown, view.event)
        figure = build_figure(shown, view, today=date.today(), width_px=chart_width(width),
                              eras=data.result.eras)
        query, base = view.to_query_string(), public_base(config)
        return (figure, event_list(shown, view), detail_panel(selected, view),
                stepper(previous_id, next_id), view.describe(len(shown), len(events)),
                legend(lane_categories(shown), category_colours(list(events["category"]))),
                embed_snippet(base, query, config.title_for(data.result)),
                embed_loader_snippet(base, query, config.title_for(data.result)))

    # Only zooms and pans reach `sync_view`: Plotly also reports resizes through
    # relayoutData, and a resize arriving while a zoom is on its way to the
    # server would replace that request and lose the zoom.
    app.clientside_callback(
        "function(relayout) {"
        " if (relayout && (relayout['xaxis.autorange'] || relayout['xaxis.range'] ||"
        "     relayout['xaxis.range[0]'] !== undefined)) { return relayout; }"
        " return window.dash_clientside.no_update; }",
        Output("zoom-change", "data"), Input("timeline-graph", "relayoutData"))

    app.clientside_callback(
        "function(pathname) {"
        " var graph = document.getElementById('timeline-graph');"
        " return (graph && graph.clientWidth) || window.innerWidth; }",
        Output("viewport-width", "data"), Input("url", "pathname"))

    # Filters start open on a desktop, folded on a phone and in an article.
    app.clientside_callback(
        "function(width) { return window.innerWidth >= 760 &&"
        " !document.documentElement.classList.contains('is-embed'); }",
        Output("filters", "open"), Input("viewport-width", "data"))


def chart_width(width: object) -> int:
    """The chart's width in pixels as the browser measured it, or the default for
    anything a browser does not send (JSON bodies may carry Infinity and NaN)."""
    if isinstance(width, float) and not math.isfinite(width):
        return DEFAULT_WIDTH_PX
    if isinstance(width, bool) or not isinstance(width, (int, float)) or width <= 0:
        return DEFAULT_WIDTH_PX
    return min(int(width), MAX_WIDTH_PX)


def public_base(config: Config) -> str:
    """The address readers use to reach the app, ending in '/'."""
    if config.public_url:
        return config.public_url.rstrip("/") + "/"
    return flask.request.host_url if flask.has_request_context() else "/"
