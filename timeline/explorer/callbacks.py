"""The explorer's callbacks: all in the browser, wiring Dash's controls to the engine.

The view lives in the URL, and the engine (engine/web/timeline-engine.js) draws it,
as in the embed: a filter, a search, a lane switch, a selection or a zoom
never waits on the server. The shell's functions (explorer/web/timeline-explorer.js,
namespace `explorer`) hand the engine what a reader chose and keep the
controls showing the view the engine draws.
"""
from __future__ import annotations

from dash import ClientsideFunction, Dash, Input, Output, State

# (component id, property): the controls, in the order the shell's function takes them.
CONTROLS: tuple[tuple[str, str], ...] = (
    ("search", "value"),
    ("actor-filter", "value"),
    ("category-filter", "value"),
    ("certainty-filter", "value"),
    ("date-filter", "start_date"),
    ("date-filter", "end_date"),
    ("lane-switch", "value"),
    ("reset", "n_clicks"),
)


def register_callbacks(app: Dash) -> None:
    # The first call, as the page starts, starts the engine.
    app.clientside_callback(
        ClientsideFunction("explorer", "controlsChanged"),
        Output("control-change", "data"),
        *[Input(component, prop) for component, prop in CONTROLS])

    app.clientside_callback(
        ClientsideFunction("explorer", "actorOptions"),
        Output("actor-filter", "options"),
        Input("actor-filter", "search_value"), State("actor-filter", "value"),
        prevent_initial_call=True)

