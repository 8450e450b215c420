"""The explorer's page (`/`): Dash's filters around the timeline's engine.

The chart, the count, the legend, the stepper, the details, the list and the
embed snippets are empty boxes in plain HTML around Dash's entry point: the engine (`engine/web/timeline-engine.js`, the embed's) fills
them in the browser from the same data files as the embed, and the explorer's
shell (`explorer/web/timeline-explorer.js`) ties the Dash controls to it. The ids are
the embed's (README, "Page ids"), so tests, styles and newsroom scripts
address both alike.
"""
from __future__ import annotations

from html import escape
from pathlib import Path
from string import Template

import pandas as pd
from dash import dcc, html

from timeline.data.schema import CATEGORIES, CERTAINTIES
from timeline.engine import BOXES
from timeline.engine import WEB as ENGINE_WEB
from timeline.engine.static_files import static_files
from timeline.view.transforms import actor_names
from timeline.view.view_state import MAX_QUERY_LENGTH

# The actor filter lists this many names at once: the most frequent first, and
# the ones a reader's typing matches (timeline-explorer.js): a timeline may
# name thousands.
ACTOR_OPTIONS = 50
WEB = Path(__file__).resolve().parent / "web"
PAGE = Template((WEB / "explorer.html").read_text("utf-8"))
# Dash serves the style sheet, stepping.js and plotly.js from assets/; the page
# adds the engine and its own shell, in this order (engine.static_files serves them).
EXPLORER_FILES = {
    "core_url": ENGINE_WEB / "timeline-core.js",
    "packing_url": ENGINE_WEB / "figure-packing.js",
    "list_url": ENGINE_WEB / "virtual-list.js",
    "density_url": ENGINE_WEB / "density.js",
    "media_script_url": ENGINE_WEB / "media.js",
    "label_fit_url": ENGINE_WEB / "label-fit.js",
    "overview_url": ENGINE_WEB / "overview.js",
    "engine_url": ENGINE_WEB / "timeline-engine.js",
    "shell_url": WEB / "timeline-explorer.js",
}


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
                                     autoComplete="off", maxLength=MAX_QUERY_LENGTH),
                 for_id="search"),
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


def build_layout(events: pd.DataFrame) -> html.Div:
    """What Dash draws: the filters, and the store their callback writes (which
    only starts the engine and hands it what a reader chose: nothing reads it)."""
    return html.Div([dcc.Store(id="control-change"), filters(events)])


def explorer_page(controls: str, *, title: str, subtitle: str, data_urls: dict[str, str]) -> str:
    """The page around Dash's `controls` (its entry point): the engine's boxes are
    plain HTML, so the engine draws as soon as its data is in, not after Dash has
    started and drawn its layout (at 100,000 events, most of a second). `data_urls`
    name the data files of the current version (engine.data_files.data_urls)."""
    values = {f"{name.replace('-', '_')}_url": escape(url) for name, url in data_urls.items()}
    return PAGE.substitute(controls=controls, title=escape(title), subtitle=escape(subtitle),
                           boxes=BOXES.substitute(preview="", list_open=" open"), **values)


def explorer_scripts() -> list[str]:
    """The explorer's scripts of ours, by their fingerprinted addresses."""
    return [file.url for file in static_files(EXPLORER_FILES).values()]
