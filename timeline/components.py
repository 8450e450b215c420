"""Dash components made from events: the detail panel, the list, the stepper.

Every editor's string goes in as a component child or attribute, which React
escapes, so text from the CSV is shown as text and never runs as script.
"""
from __future__ import annotations

import pandas as pd
from dash import dcc, html

from timeline.markup import Link, is_web_address, split_links
from timeline.view_state import ViewState


def view_href(view: ViewState) -> str:
    """A link to `view` relative to the current page, so /embed stays /embed."""
    query = view.to_query_string()
    return f"?{query}" if query else "?"


def external_link(text: str, url: str) -> html.A:
    return html.A(text, href=url, target="_blank", rel="noopener noreferrer")


def rich_text(text: str) -> list:
    """Paragraphs of plain text with their `[text](url)` links made real."""
    paragraphs = [p for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return [html.P([external_link(piece.text, piece.url) if isinstance(piece, Link) else piece
                    for piece in split_links(paragraph)]) for paragraph in paragraphs]


def detail_panel(event: pd.Series | None, view: ViewState) -> list:
    if event is None:
        return [html.P("Choose an event on the chart or in the list to read about it.",
                       className="detail-empty")]
    facts = [("Date", event["date_label"]), ("Who", "; ".join(event["actors"])),
             ("Category", event["category"])]
    if event["certainty"]:
        facts.append(("Certainty", event["certainty"]))
    if event["source"] or event["source_url"]:
        source = event["source"] or event["source_url"]
        facts.append(("Source", external_link(source, event["source_url"])
                      if is_web_address(event["source_url"]) else source))
    children = [
        html.H2(event["title"], id="event-detail-title", tabIndex="-1"),
        html.P(event["date_label"], className="detail-date"),
        *rich_text(event["description"]),
        html.Dl([part for label, value in facts for part in (html.Dt(label), html.Dd(value))],
                className="detail-facts"),
    ]
    if is_web_address(event["media_url"]):
        caption = [event["media_caption"]]
        if event["media_credit"]:
            caption.append(html.Span(f" {event['media_credit']}", className="credit"))
        children.append(html.Figure([
            html.Img(src=event["media_url"], alt=event["media_caption"] or event["title"],
                     referrerPolicy="no-referrer"),
            html.Figcaption(caption)]))
    children.append(dcc.Link("Close", href=view_href(view.with_changes(event=None)),
                             className="detail-close"))
    return children


def certainty_badge(certainty: str) -> html.Span | str:
    return html.Span(certainty, className=f"badge badge-{certainty}") if certainty else ""


def event_list(events: pd.DataFrame, view: ViewState) -> list:
    if events.empty:
        return [html.Li("No events match these filters.", className="list-empty")]
    items = []
    for event in events.itertuples():
        selected = event.id == view.event
        items.append(html.Li(dcc.Link(
            [html.Span(event.date_label, className="list-date"),
             html.Span(event.title, className="list-title"),
             certainty_badge(event.certainty)],
            href=view_href(view.with_changes(event=event.id)),
            className="list-link selected" if selected else "list-link"),
            **({"aria-current": "true"} if selected else {})))
    return items


def stepper(previous_id: str | None, next_id: str | None) -> list:
    """Previous/next buttons; assets/stepping.js moves the selection along the list."""
    return [html.Button("← Previous", id="prev-event", className="step", type="button",
                        disabled=previous_id is None),
            html.Button("Next →", id="next-event", className="step", type="button",
                        disabled=next_id is None)]


def legend(categories: list[str], colours: dict[str, str]) -> list:
    """The chart's key as HTML: it wraps on a phone and screen readers read it."""
    swatches = [html.Li([html.Span(className="swatch", style={"background": colours[c]}), c])
                for c in categories]
    swatches += [html.Li([html.Span(className="swatch"), "exact date"], className="key-exact"),
                 html.Li([html.Span(className="swatch"), "approximate or uncertain"],
                         className="key-inexact")]
    return [html.Ul(swatches, className="legend-items")]
