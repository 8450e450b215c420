"""The explorer's page (`/`): Dash's filters around the timeline's engine.

The chart, the count, the legend, the stepper, the details and the list are
empty boxes here: the engine (`web/timeline-engine.js`, the embed's) fills
them in the browser from the same data files as the embed, and the explorer's
shell (`web/timeline-explorer.js`) ties the Dash controls to it. The ids are
the embed's (README, "Page ids"), so tests, styles and newsroom scripts
address both alike.
"""
from __future__ import annotations

import pandas as pd
from dash import dcc, html

from timeline.config import Config
from timeline.schema import CATEGORIES, CERTAINTIES
from timeline.transforms import actor_names

# The actor filter lists this many names at once: the most frequent first, and
# the ones a reader's typing matches (timeline-explorer.js): a timeline may
# name thousands.
ACTOR_OPTIONS = 50

def labelled(label: str, control, *, for_id: str | None = None) -> html.Div:
    return html.Div([html.Label(label, htmlFor=for_id) if for_id else html.Span(
        label, className="label"), control], className="field")


def filters(events: pd.DataFrame) -> html.Details:
    categories = [c for c in CATEGORIES if c in set(events["category"])]
    categories += sorted(set(events["category"]) - set(categories))
    certainties = [c for c in CERTAINTIES if c in set(events["certainty"])]
    first_day = events["start_at"].min().date().isoformat() if not events.empty else None
    return html.Details([
        html.Summary("Filters", className="filters-summary"),
        labelled("Search", dcc.Input(id="search", type="search", debounce=0.4,
                                     placeholder="Words in titles, text, names",
                                     autoComplete="off", maxLength=200), for_id="search"),
        labelled("Who", dcc.Dropdown(id="actor-filter", multi=True,
                                     options=actor_names(events)[:ACTOR_OPTIONS],
                                     placeholder="Any actor", searchable=True)),
        labelled("Category", dcc.Checklist(id="category-filter", options=categories,
                                           value=[], className="choices")),
        labelled("Certainty", dcc.Checklist(id="certainty-filter", options=certainties,
                                            value=[], className="choices")),
        labelled("Dates", dcc.DatePickerRange(
            id="date-filter", start_date_id="date-from", end_date_id="date-to",
            display_format="YYYY-MM-DD", clearable=True,
            min_date_allowed=first_day, initial_visible_month=first_day,
            start_date_placeholder_text="From", end_date_placeholder_text="To",
            number_of_months_shown=1)),
        labelled("Lanes", dcc.RadioItems(
            id="lane-switch", value="category", className="choices",
            options=[{"label": "by category", "value": "category"},
                     {"label": "by actor", "value": "actor"}])),
        html.Button("Reset", id="reset", n_clicks=0, className="reset", type="button"),
    ], id="filters", className="filters", open=True)


def snippet_row(label: str, snippet_id: str, rows: int) -> html.Div:
    return html.Div([
        html.Label(label, htmlFor=snippet_id, className="snippet-label"),
        html.Div([dcc.Textarea(id=snippet_id, readOnly=True, rows=rows, className="snippet"),
                  dcc.Clipboard(target_id=snippet_id, title="Copy the snippet",
                                className="copy")], className="snippet-row"),
    ])


def embed_snippet_box() -> html.Details:
    return html.Details([
        html.Summary("Embed this view"),
        html.P("Paste one of these into your article's HTML to show readers this view."),
        snippet_row("Fixed height (works anywhere):", "embed-snippet", 4),
        snippet_row("Fits its content (adds a small script from this site):",
                    "embed-loader-snippet", 5),
    ], className="embed-box explorer-only")


def build_layout(events: pd.DataFrame, config: Config, data=None,
                 data_urls: dict[str, str] | None = None) -> html.Div:
    """`data` (a LoadResult) may name the timeline in its title row; `data_urls`
    name the data files of the current version (embed_page.data_urls)."""
    urls = data_urls or {}
    return html.Div([
        # Written by the shell's callback, which only starts the engine and hands
        # it what a reader chose: nothing reads it.
        dcc.Store(id="control-change"),
        html.Header([html.H1(config.title_for(data)),
                     html.P(config.subtitle_for(data), className="subtitle")],
                    className="site-header explorer-only"),
        html.Div([
            html.Aside(filters(events), className="controls"),
            html.Main([
                html.Div([
                    html.P("Loading the timeline…", id="event-count", role="status",
                           **{"aria-live": "polite"}),
                ], className="count-row"),
                html.Div(id="timeline-graph", className="timeline-graph"),
                html.Div(id="timeline-legend", className="legend",
                         **{"aria-label": "Key to the chart"}),
                html.Nav([html.Button("← Previous", id="prev-event", className="step",
                                      type="button", disabled=True),
                          html.Button("Next →", id="next-event", className="step",
                                      type="button", disabled=True)],
                         id="event-stepper", className="stepper",
                         **{"aria-label": "Step through events"}),
                html.Section(id="event-detail", className="detail",
                             **{"aria-live": "polite", "aria-label": "Event details"}),
                html.Section([html.H2("Events in date order", className="list-heading"),
                              html.Div(html.Ol(id="event-list", className="event-list"),
                                       className="list-scroll")],
                             className="list-section", **{"aria-label": "Event list"}),
                embed_snippet_box(),
            ], className="main"),
        ], className="body"),
    ], id="timeline", className="page",
        **{"data-shell": "explorer", **{f"data-{name}": url for name, url in urls.items()}})
