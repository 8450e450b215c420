"""The preview's events when a few events changed in the version readers are served.

Drawing the preview of a 10,000-row table meant checking every row and preparing
every event again (half a second). When the quick check applies (`quick_check`:
only events changed, every row in its place), the rows it checks again are
exactly those whose events can differ from the version's; their events replace
the version's on the same lines (a quick check moves no line), and the rest are
the events readers are served, prepared already. It answers None where it could
differ from checking the table whole, which `tests/test_editor_preview_table.py`
holds equal: the categories' colours and lanes must be declared by the file (else
they follow the order events appear in), and no changed event may bring a
category readers' events lack.
"""
from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from timeline.data.loading import checked_events
from timeline.data_store import Snapshot
from timeline.editor.quick_check import Checked, quick_check
from timeline.view.transforms import order_events, prepare_events

_lines_agree: dict[tuple[str, int], bool] = {}  # one entry: the last version asked about


def preview_events(snapshot: Snapshot, base: Checked, sent: Mapping[int, Mapping],
                   count: int) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """The table's events, prepared for the chart, and the events of the rows checked
    again (as the loader gives them, for the unsaved marks); `base`: the snapshot's
    version checked, `sent` and `count` as `quick_check` takes them."""
    declared = snapshot.result.categories
    served = snapshot.events
    if declared is None or declared.empty or not _same_lines(snapshot, base):
        return None
    lanes = served["category"].cat.categories
    if set(lanes) != set(declared["name"]):  # a category used but not declared
        return None
    check = quick_check(base, sent, count)
    if check is None:
        return None
    fresh = checked_events(check.subset.validation.rows)
    if not set(fresh["category"]) <= set(lanes):
        return None
    prepared = prepare_events(fresh, declared)
    checked_lines = [check.lines[place] for place in check.chosen]
    kept = served[~served["line"].isin(checked_lines)]
    events = order_events(pd.concat([kept, prepared], ignore_index=True))
    # Columns of repeated values stay categories, as in the served events (concat
    # makes objects of categories that differ).
    for column, dtype in served.dtypes.items():
        if isinstance(dtype, pd.CategoricalDtype) and events[column].dtype != dtype:
            values = events[column]
            more = [v for v in pd.unique(values.dropna()) if v not in dtype.categories]
            events[column] = pd.Categorical(values, categories=[*dtype.categories, *more])
    return events, fresh


def _same_lines(snapshot: Snapshot, base: Checked) -> bool:
    """Whether the served events' lines are those `base` gives the same rows (a file
    with blank lines, or written unlike the editor writes it, counts them otherwise):
    then an event is replaced by the one checked on its line."""
    key = (snapshot.version, id(base))
    if key not in _lines_agree:
        read = base.validation.rows
        shown = read.line[read.ok & (read.kind == "event")]
        _lines_agree.clear()
        _lines_agree[key] = (len(shown) == len(snapshot.events)
                             and set(shown.tolist()) == set(snapshot.events["line"].tolist()))
    return _lines_agree[key]
