"""The plain Dash app newsrooms would write first: the benchmark's yardstick.

`px.scatter` in a `dcc.Graph`, a category checklist, and a server-side filter
callback: full plotly.js from Dash, no compression, every filter a round trip.

    gunicorn --chdir bench 'baseline_app:server' (with BASELINE_DATA=PATH)
"""
from __future__ import annotations

import os

import pandas as pd
import plotly.express as px
from dash import Dash, Input, Output, dcc, html

EVENTS = pd.read_csv(os.environ.get("BASELINE_DATA", "data/events.csv"), dtype=str,
                     keep_default_na=False)
EVENTS = EVENTS[EVENTS.get("type", "").isin(["", "event"])] if "type" in EVENTS else EVENTS
EVENTS["when"] = pd.to_datetime(EVENTS["start"].str.slice(0, 10).str.rstrip("~?"),
                                errors="coerce", format="mixed")

app = Dash(__name__)
app.layout = html.Div([
    dcc.Checklist(id="category-filter", options=sorted(EVENTS["category"].unique()), value=[]),
    dcc.Graph(id="timeline-graph"),
])


@app.callback(Output("timeline-graph", "figure"), Input("category-filter", "value"))
def draw(categories):
    shown = EVENTS[EVENTS["category"].isin(categories)] if categories else EVENTS
    return px.scatter(shown, x="when", y="category", hover_name="title", color="category")


server = app.server
