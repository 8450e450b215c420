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

from dash import Dash, html

from timeline.data.schema import DEFAULT_LANGUAGE
from timeline.engine import ENGINE_MAIN, ENGINE_PARTS, boxes, inline_messages, page_template
from timeline.engine.static_files import Bundle, static_files

WEB = Path(__file__).resolve().parent / "web"
# Dash serves the style sheet, stepping.js and plotly.js from assets/; the page
# adds the engine and its own shell, one bundle (engine.static_files serves it).
EXPLORER_FILES = {
    "scripts_url": Bundle("explorer.js", (*ENGINE_PARTS, ENGINE_MAIN, WEB / "timeline-explorer.js")),
}


class ReaderDash(Dash):
    """Dash for a reader's page, which draws nothing with Dash's components (the
    engine does): its page names only the renderer, React and the html components,
    not every component library the process imported. The editor's grid
    (dash_ag_grid), dcc and dash_table were 430 KB of compressed script in every
    reader's first load, for a grid a reader never sees."""

    def _collect_and_register_resources(self, resources, *args, **kwargs):
        needed = [resource for resource in resources if _reader_needs(resource)]
        return super()._collect_and_register_resources(needed, *args, **kwargs)


def _reader_needs(resource: dict) -> bool:
    if "namespace" not in resource:  # the page's own (assets, external scripts)
        return True
    path = resource.get("relative_package_path") or ""
    path = path[0] if isinstance(path, list) and path else path
    return resource["namespace"] == "dash" and not str(path).startswith(("dcc/", "dash_table/"))


def build_layout() -> html.Div:
    """What Dash draws: nothing (the page is plain HTML: explorer_page). Dash's
    entry point stays in the page, hidden, for its renderer."""
    return html.Div()


def explorer_page(dash_entry: str, *, title: str, subtitle: str, data_urls: dict[str, str],
                  language: str = DEFAULT_LANGUAGE, credit: str = "") -> str:
    """The page around Dash's entry point (`dash_entry`): the engine's boxes are
    plain HTML, so the engine draws as soon as its data is in, not after Dash has
    started (at 100,000 events, most of a second). `data_urls`
    name the data files of the current version (engine.data_files.data_urls), in
    `language`, the page's (view/language.py). `credit`: the footer with the
    timeline's credit line (view/credit_line.py), "" for none."""
    values = {f"{name.replace('-', '_')}_url": escape(url) for name, url in data_urls.items()}
    return page_template(WEB / "explorer.html", language).substitute(
        dash_entry=dash_entry, title=escape(title), subtitle=escape(subtitle),
        boxes=boxes(language).substitute(preview="", list_open=" open"),
        inline_messages=inline_messages(language), credit=credit, **values)


def explorer_scripts() -> list[str]:
    """The explorer's scripts of ours, by their fingerprinted addresses."""
    return [file.url for file in static_files(EXPLORER_FILES).values()]
