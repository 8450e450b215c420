"""The explorer's page (`/`): the timeline's engine in plain HTML, served by Dash.

The filters, the chart, the count, the legend, the stepper, the details, the
list and the embed snippets are plain HTML around Dash's entry point: the
engine (`engine/web/timeline-engine.js`, the embed's) draws the filters and
fills the boxes in the browser from the same data files as the embed, and the
explorer's shell (`explorer/web/timeline-explorer.js`) adds its own parts. The
ids are the embed's (README, "Page ids"), so tests, styles and newsroom scripts
address both alike. Dash's own components are not used: Dash 4's broke
accessibility rules (docs/architecture.md, "Accessibility").
"""
from __future__ import annotations

from html import escape
from pathlib import Path
from string import Template

from dash import html

from timeline.engine import BOXES
from timeline.engine import WEB as ENGINE_WEB
from timeline.engine.static_files import static_files

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
    "actor_picker_url": ENGINE_WEB / "actor-picker.js",
    "announcer_url": ENGINE_WEB / "announcer.js",
    "downloads_url": ENGINE_WEB / "downloads.js",
    "engine_url": ENGINE_WEB / "timeline-engine.js",
    "shell_url": WEB / "timeline-explorer.js",
}


def build_layout() -> html.Div:
    """What Dash draws: nothing (the page is plain HTML: explorer_page). Dash's
    entry point stays in the page, hidden, for its renderer."""
    return html.Div()


def explorer_page(dash_entry: str, *, title: str, subtitle: str, data_urls: dict[str, str]) -> str:
    """The page around Dash's entry point (`dash_entry`): the engine's boxes are
    plain HTML, so the engine draws as soon as its data is in, not after Dash has
    started (at 100,000 events, most of a second). `data_urls`
    name the data files of the current version (engine.data_files.data_urls)."""
    values = {f"{name.replace('-', '_')}_url": escape(url) for name, url in data_urls.items()}
    return PAGE.substitute(dash_entry=dash_entry, title=escape(title), subtitle=escape(subtitle),
                           boxes=BOXES.substitute(preview="", list_open=" open"), **values)


def explorer_scripts() -> list[str]:
    """The explorer's scripts of ours, by their fingerprinted addresses."""
    return [file.url for file in static_files(EXPLORER_FILES).values()]
