"""The preview's marks for what is not saved yet: each new or changed event ringed
and labelled with its title, so an editor finds what they did among the others.

"Saved" is what readers see (the store's snapshot); an event is compared with it by
id, column by column, as the loader reads both."""
from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd
import plotly.graph_objects as go

from timeline.data.loading import LoadResult
from timeline.data.markup import escape_for_plotly
from timeline.data.schema import COLUMN_NAMES
from timeline.data_store import DataStore
from timeline.editor.page import events_preview, preview_figure
from timeline.editor.preview_table import preview_events
from timeline.editor.quick_check import quick_checkable
from timeline.editor.rows import FileFormat, check_rows
from timeline.editor.table_delta import TableNow
from timeline.view.colours import CHART_LIGHT

UNSAVED_TRACE = "unsaved"
# 5.5:1 on the chart (7.9:1 its dark twin), apart from every category's colour
RING_COLOUR = CHART_LIGHT["unsaved"]
_saved_cache: dict[str, dict[str, tuple]] = {}  # one entry: the snapshot's version


def signatures(events: pd.DataFrame) -> dict[str, tuple]:
    """Each event's columns as the loader read them, by id."""
    # `colour` is a category row's: the store fills events' own from it.
    columns = [c for c in COLUMN_NAMES if c in events.columns and c != "colour"]
    if events.empty or "id" not in columns:
        return {}
    text = events[columns].astype(str)
    return {row[0]: row for row in text.itertuples(index=False, name=None)}


def saved_signatures(store: DataStore) -> dict[str, tuple]:
    snapshot = store.snapshot
    if snapshot.version not in _saved_cache:
        _saved_cache.clear()
        _saved_cache[snapshot.version] = signatures(snapshot.events)
    return _saved_cache[snapshot.version]


def unsaved_events(events: pd.DataFrame, saved: Mapping[str, tuple]) -> dict[str, str]:
    """id → its label ("New: …" or "Changed: …" and its title), for the events that
    differ from `saved`."""
    found = {}
    for event_id, signature in signatures(events).items():
        if event_id in saved and saved[event_id] == signature:
            continue
        word = "Changed" if event_id in saved else "New"
        found[event_id] = word
    titles = dict(zip(events["id"], events["title"])) if "title" in events.columns else {}
    return {event_id: f"{word}: {escape_for_plotly(str(titles.get(event_id, event_id)))}"
            for event_id, word in found.items()}


def mark_unsaved(figure: go.Figure, unsaved: Mapping[str, str]) -> go.Figure:
    """`figure` with a ring and its label on each mark of an event in `unsaved`; a
    mark standing for several events is labelled by the first, with how many more."""
    xs, ys, labels = [], [], []
    for trace in figure.data:
        if trace.mode == "lines" or trace.name == "selected" or trace.customdata is None:
            continue
        for x, y, point in zip(trace.x, trace.y, trace.customdata):
            ids = point[3] if len(point) > 3 else [point[0]]
            found = [unsaved[i] for i in ids if i in unsaved]
            if found:
                xs.append(x)
                ys.append(y)
                labels.append(found[0] + (f" (+{len(found) - 1})" if len(found) > 1 else ""))
    if xs:
        figure.add_trace(go.Scatter(
            x=xs, y=ys, mode="markers+text", name=UNSAVED_TRACE, showlegend=False,
            hoverinfo="skip", text=labels, textposition="bottom center",
            textfont={"size": 12, "color": RING_COLOUR},
            marker={"size": 24, "symbol": "circle-open", "color": RING_COLOUR,
                    "line": {"width": 3, "color": RING_COLOUR}}))
    return figure


def marked_preview(result: LoadResult, store: DataStore) -> go.Figure:
    """The preview of the table as checked, its unsaved events marked."""
    return mark_unsaved(preview_figure(result),
                        unsaved_events(result.events, saved_signatures(store)))


def table_preview(now: TableNow, base_version: str | None, file_format: FileFormat,
                  store: DataStore, between: Callable[[], None] = lambda: None) -> go.Figure:
    """The preview of the browser's table, its unsaved events marked: from the events
    readers are served where it is their version with a few events changed
    (`preview_table`), else from the table checked whole. `between()` is called
    between the steps (the editor's turns.give_way, which can stop it)."""
    snapshot = store.snapshot
    if now.base is not None:
        base = now.base.checked().index_all()  # once per version, not in the first check
        between()
        if base_version == snapshot.version and quick_checkable(file_format.columns,
                                                                 file_format.delimiter):
            found = preview_events(snapshot, base, now.sent, len(now.keys))
            if found is not None:
                events, changed = found
                between()
                figure = events_preview(events, snapshot.result, between)
                between()
                return mark_unsaved(figure, unsaved_events(changed, saved_signatures(store)))
    _, result = check_rows(now.rows, file_format, frames="events")
    between()
    figure = preview_figure(result, between)
    between()
    return mark_unsaved(figure, unsaved_events(result.events, saved_signatures(store)))
