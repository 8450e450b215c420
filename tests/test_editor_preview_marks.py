"""The editor preview's marks for unsaved events: which events are new or changed,
and the ring and label each gets on the chart."""
from __future__ import annotations

from datetime import date

from support import csv_bytes
from timeline.data.loading import load_events_from_bytes
from timeline.editor.preview_marks import UNSAVED_TRACE, mark_unsaved, signatures, unsaved_events
from timeline.view.figure import build_figure
from timeline.view.transforms import prepare_events
from timeline.view.view_state import ViewState

ROWS = [
    {"id": "kept", "start": "2024-02-20", "title": "Kept as it was", "actors": "Kim Jong-un",
     "category": "gifts"},
    {"id": "changed", "start": "2023-07-26", "title": "Changed later", "actors": "Sergei Shoigu",
     "category": "military"},
]


def events_of(rows):
    return load_events_from_bytes(csv_bytes(rows)).events


def test_new_and_changed_events_are_found_by_id_and_every_column():
    saved = signatures(events_of(ROWS))
    now = [ROWS[0], {**ROWS[1], "description": "A line added"},
           {"id": "added", "start": "2024-05", "title": "<b>Added</b> & new",
            "actors": "Kim Jong-un", "category": "diplomacy"}]
    assert unsaved_events(events_of(now), saved) == {
        "changed": "Changed: Changed later",
        "added": "New: &lt;b&gt;Added&lt;/b&gt; &amp; new"}  # shown as typed, never as HTML
    assert unsaved_events(events_of(ROWS), saved) == {}


def test_each_unsaved_event_is_ringed_and_labelled_where_its_mark_is():
    events = prepare_events(events_of(ROWS))
    figure = build_figure(events, ViewState(), today=date(2026, 12, 5), width_px=1000)
    marked = mark_unsaved(figure, {"changed": "Changed: Changed later"})
    ring = [trace for trace in marked.data if trace.name == UNSAVED_TRACE]
    assert len(ring) == 1 and list(ring[0].text) == ["Changed: Changed later"]
    mark = next((x, y) for trace in marked.data if trace.customdata is not None
                and trace.mode != "lines" and trace.name != UNSAVED_TRACE
                for x, y, point in zip(trace.x, trace.y, trace.customdata)
                if point[0] == "changed")
    assert (ring[0].x[0], ring[0].y[0]) == mark
    unchanged = build_figure(events, ViewState(), today=date(2026, 12, 5), width_px=1000)
    assert UNSAVED_TRACE not in [trace.name for trace in mark_unsaved(unchanged, {}).data]
