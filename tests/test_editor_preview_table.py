"""The preview drawn from the events readers are served, with a few events checked
again (editor/preview_table.py), is the preview of the table checked whole."""
from __future__ import annotations

import json

import pytest

from support import BUNDLED_CSV
from timeline.data.synth import synthetic_csv
from timeline.data_store import DataStore
from timeline.editor import preview_marks
from timeline.editor.preview_marks import UNSAVED_TRACE, table_preview
from timeline.editor.rows import ROW_KEY, new_row_key, table_from_bytes
from timeline.editor.table_delta import BaseTables, key_runs, table_now

DECLARED = synthetic_csv(300, seed=2)  # declares its categories


def event_places(rows):
    return [place for place, row in enumerate(rows) if not row.get("type")]


def edited(rows, name):
    """The table after one kind of edit, and whether the quick way applies to it."""
    rows = [dict(row) for row in rows]
    events = event_places(rows)
    first, second, last = rows[events[0]], rows[events[1]], rows[events[-1]]
    if name == "a title":
        first["title"] = "A new title <b>typed</b>"
    elif name == "a date moved":
        second["start"] = "1901-01-01"
    elif name == "a date made impossible":
        second["start"] = "2023-13-45"
    elif name == "an id taken from another event":
        second["id"] = first["id"]
    elif name == "another declared category":
        declared = [row["category"] for row in rows if row.get("type") == "category"]
        first["category"] = next(c for c in declared if c != first["category"]) \
            if len(declared) > 1 else first["category"]
    elif name == "a category nobody declared":
        first["category"] = "nobody-declared-this"
    elif name == "an actor spelled another way":
        last["actors"] = last["actors"].upper()
    elif name == "a row added":
        rows.append({**{c: "" for c in first if c != ROW_KEY}, ROW_KEY: new_row_key(),
                     "id": "added-here", "start": "2020-02-02", "title": "Added",
                     "category": first["category"]})
    elif name == "a row added without a date":
        rows.append({**{c: "" for c in first if c != ROW_KEY}, ROW_KEY: new_row_key(),
                     "id": "added-undated", "title": "Added", "category": first["category"]})
    elif name == "a category's label changed":
        declared = next(row for row in rows if row.get("type") == "category")
        declared["title"] = "Another label"
    elif name == "three events":
        for place in events[3:6]:
            rows[place]["title"] += " (checked)"
    return rows


EDITS = ["a title", "a date moved", "a date made impossible", "an id taken from another event",
         "another declared category", "a category nobody declared",
         "an actor spelled another way", "a row added", "a row added without a date",
         "a category's label changed", "three events"]


def delta_of(base_rows, rows, version):
    by_key = {row[ROW_KEY]: row for row in base_rows}
    changed = {row[ROW_KEY]: {c: v for c, v in row.items() if c != ROW_KEY} for row in rows
               if by_key.get(row[ROW_KEY]) != row}
    return {"base": version, "baseKeys": key_runs([r[ROW_KEY] for r in base_rows]),
            "order": key_runs([r[ROW_KEY] for r in rows]), "rows": changed, "action": "check",
            "selected": [], "at": 1}


CASES = [(DECLARED, edit) for edit in EDITS] + [
    (BUNDLED_CSV, edit) for edit in EDITS if edit != "a category's label changed"]


@pytest.mark.parametrize(("data", "edit"), CASES,
                         ids=[f"{'declared' if data is DECLARED else 'undeclared'}: {edit}"
                              for data, edit in CASES])
def test_the_quick_preview_is_the_whole_tables(tmp_path, monkeypatch, data, edit):
    path = tmp_path / "events.csv"
    path.write_bytes(data)
    store = DataStore(path)
    table = table_from_bytes(data)
    base_rows = [{c: v for c, v in row.items() if c in (ROW_KEY, *table.file_format.columns)}
                 for row in table.rows]
    bases = BaseTables(path)
    bases.remember_table(store.snapshot.version, table)
    rows = edited(base_rows, edit)
    delta = delta_of(base_rows, rows, store.snapshot.version)
    columns = table.file_format.columns

    quick_ways = []
    real = preview_marks.preview_events
    monkeypatch.setattr(preview_marks, "preview_events",
                        lambda *args: quick_ways.append(real(*args)) or quick_ways[-1])
    quick = table_preview(table_now(delta, bases, columns), delta["base"], table.file_format,
                          store).to_json()
    monkeypatch.setattr(preview_marks, "preview_events", lambda *args: None)
    whole = table_preview(table_now(delta, bases, columns), delta["base"], table.file_format,
                          store).to_json()
    assert quick == whole
    took_quick_way = bool(quick_ways) and quick_ways[0] is not None
    # An event of a category nobody declared is an error, not shown: no lane is added.
    expected = data is DECLARED and edit != "a category's label changed"
    assert took_quick_way == expected
    if edit == "a title":
        [unsaved] = [t for t in json.loads(quick)["data"] if t.get("name") == UNSAVED_TRACE]
        assert unsaved["text"] == ["Changed: A new title &lt;b&gt;typed&lt;/b&gt;"]
