"""The editor's history as people read it: versions grouped by day, each with its
time, who saved it and what changed, in the newsroom's time zone.

A button per version, pressed when chosen (`aria-pressed`), under a heading per
day: Dash 4's own Dropdown and RadioItems fail axe's rules, and Dash has no plain
<input>. editor.js marks the one pressed and copies its version into the hidden
`edit-history` input that the callbacks read.
"""
from __future__ import annotations

import os
from datetime import datetime, tzinfo
from itertools import groupby

from dash import html

from timeline.data.history import HistoryEntry, list_versions

VERSION_CLASS = "history-version"  # the buttons editor.js listens to


def day_label(moment: datetime) -> str:
    """'Tuesday 3 March 2026'."""
    return f"{moment:%A} {moment.day} {moment:%B %Y}"


def grouped_by_day(entries: list[HistoryEntry],
                   zone: tzinfo) -> list[tuple[str, list[tuple[str, HistoryEntry]]]]:
    """(day, [(time, entry)]) newest first, days and times in `zone`."""
    local = [(entry.when.astimezone(zone), entry) for entry in entries]
    return [(day, [(f"{moment:%H:%M}", entry) for moment, entry in group])
            for day, group in groupby(local, key=lambda item: day_label(item[0]))]


def history_list(data_path: str | os.PathLike, zone: tzinfo, current_version: str) -> html.Div:
    entries = list_versions(data_path)
    if not entries:
        return html.P("No saved versions yet: each save will be listed here.",
                      className="history-empty")
    days = []
    for day, versions in grouped_by_day(entries, zone):
        buttons = [html.Li(html.Button([
            html.Span(time, className="history-time"), " ",
            html.Span(entry.who, className="history-who"),
            f": {entry.summary}" if entry.by is not None and entry.summary else "",
            " (the current version)"
            if entry is entries[0] and entry.version == current_version else "",
        ], type="button", className=VERSION_CLASS, **{"data-version": entry.name,
                                                       "aria-pressed": "false"}))
            for time, entry in versions]
        days.append(html.Section([html.H3(day), html.Ul(buttons)], className="history-day"))
    return html.Div(days, className="history-days")
