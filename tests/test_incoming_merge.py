"""Rows from an upload or a paste merged into the table: by id, or in place of everything."""
from __future__ import annotations

import pytest

from support import BUNDLED_CSV
from timeline.data.loading import load_events_from_bytes
from timeline.editor.incoming_merge import merge_rows, replace_all, row_identity, update_and_add
from timeline.editor.rows import ROW_KEY, rows_to_bytes, table_from_bytes

COLUMNS = ("id", "start", "title", "actors", "category")


def rows(*records: tuple) -> list[dict]:
    return [{ROW_KEY: f"k{n}", **dict(zip(COLUMNS, record))} for n, record in enumerate(records)]


TABLE = rows(("a", "2020", "A", "X", "gifts"), ("b", "2021", "B", "X", "gifts"),
             ("c", "2022", "C", "X", "gifts"), ("d", "2023", "D", "X", "gifts"))


def test_update_and_add_updates_by_id_adds_new_ids_and_removes_nothing():
    incoming = rows(("b", "2021", "B changed", "X", "gifts"), ("e", "2024", "E", "Y", "gifts"),
                    ("a", "2020", "A", "X", "gifts"))
    merge = update_and_add(TABLE, COLUMNS, incoming, COLUMNS)
    assert [r["id"] for r in merge.rows] == ["a", "b", "c", "d", "e"]
    assert merge.rows[1] == {**TABLE[1], "title": "B changed"}  # in place, its grid key kept
    assert merge.rows[4][ROW_KEY] not in {r[ROW_KEY] for r in TABLE}
    assert (merge.updated, merge.added, merge.removed, merge.unchanged) == (("b",), ("e",), (), 1)
    assert not merge.removes_much
    assert merge.summary() == "updates 1 row (b), adds 1 row (e), removes nothing, " \
                              "leaves 1 row as it is"


def test_update_and_add_changes_only_the_columns_the_incoming_rows_have():
    merge = update_and_add(TABLE, COLUMNS, [{"id": "c", "title": "C only"}], ("id", "title"))
    assert merge.rows[2] == {**TABLE[2], "title": "C only"}
    assert merge.columns == COLUMNS


def test_new_columns_are_added_at_the_right_and_kept():
    merge = update_and_add(TABLE, COLUMNS, [{"id": "a", "desk": "Seoul"}], ("id", "desk"))
    assert merge.columns == (*COLUMNS, "desk")
    assert merge.rows[0]["desk"] == "Seoul" and merge.rows[1]["desk"] == ""


def test_rows_without_an_id_and_a_second_use_of_an_id_are_added_as_they_are():
    incoming = rows(("", "2020", "No id", "X", "gifts"), ("a", "1999", "A1", "X", "gifts"),
                    ("a", "1998", "A2", "X", "gifts"))
    merge = update_and_add(TABLE, COLUMNS, incoming, COLUMNS)
    assert merge.updated == ("a",) and merge.rows[0]["start"] == "1999"
    assert merge.added == ("No id", "a")
    assert [r["title"] for r in merge.rows[-2:]] == ["No id", "A2"]  # the check flags the id


@pytest.mark.parametrize("row, identity", [
    ({"id": " x ", "type": "title"}, "x"),
    ({"id": "", "type": "title", "title": "T"}, "the title row"),
    ({"type": "Era", "title": "Cold war"}, "era 'Cold war'"),
    ({"type": "era", "title": ""}, None),
    ({"title": "An event with no id"}, None),
])
def test_a_row_is_matched_by_its_id_or_by_what_only_it_can_be(row, identity):
    assert row_identity(row) == identity


def test_the_title_row_and_eras_update_rather_than_double():
    columns = ("id", "start", "end", "title", "type")
    table = [{ROW_KEY: "k1", "id": "", "start": "", "end": "", "title": "Old", "type": "title"},
             {ROW_KEY: "k2", "id": "", "start": "1950", "end": "1953", "title": "War",
              "type": "era"}]
    incoming = [{"id": "", "start": "", "end": "", "title": "New", "type": "title"},
                {"id": "", "start": "1950", "end": "1954", "title": "War", "type": "era"}]
    merge = update_and_add(table, columns, incoming, columns)
    assert len(merge.rows) == 2 and merge.added == ()
    assert merge.updated == ("the title row", "era 'War'")


def test_replace_everything_counts_what_it_removes():
    incoming = rows(("b", "2021", "B", "X", "gifts"), ("e", "2024", "E", "Y", "gifts"),
                    ("f", "2025", "F", "Y", "gifts"))
    merge = replace_all(TABLE, COLUMNS, incoming, COLUMNS)
    assert [r["id"] for r in merge.rows] == ["b", "e", "f"]
    assert merge.removed == ("a", "c", "d") and merge.before == 4
    assert (merge.updated, merge.added, merge.unchanged) == ((), ("e", "f"), 1)
    assert merge.removes_much
    assert "removes 3 of 4 rows" in merge.summary()


@pytest.mark.parametrize("kept, much", [(4, False), (3, False), (2, True), (0, True)])
def test_a_second_confirmation_past_a_quarter_removed(kept, much):
    merge = replace_all(TABLE, COLUMNS, TABLE[:kept], COLUMNS)
    assert len(merge.removed) == 4 - kept and merge.removes_much is much


def test_replace_takes_the_incoming_columns_and_a_dropped_value_is_a_change():
    incoming = [{"id": "a", "start": "2020", "title": "A", "actors": "X"},
                {"id": "b", "start": "2021", "title": "B", "actors": "X"}]
    table = [{**row, "category": ""} if row["id"] == "b" else row for row in TABLE]
    merge = replace_all(table, COLUMNS, incoming, ("id", "start", "title", "actors"))
    assert merge.columns == ("id", "start", "title", "actors")
    assert merge.updated == ("a",) and merge.unchanged == 1  # b had no category to lose


def test_the_curated_file_uploaded_as_three_rows():
    """The case behind this: a 3-row file, one of them already in the table."""
    table = table_from_bytes(BUNDLED_CSV)
    three = [dict(table.rows[3], title="Changed"),
             {"id": "new-one", "start": "2025", "title": "New", "actors": "X",
              "category": "gifts"},
             {"id": "new-two", "start": "2025-02", "title": "New 2", "actors": "X",
              "category": "gifts"}]
    columns = table.file_format.columns
    merged = merge_rows("merge", table.rows, columns, three, columns)
    assert len(merged.rows) == 30 and not merged.removed
    replaced = merge_rows("replace", table.rows, columns, three, columns)
    assert len(replaced.rows) == 3 and len(replaced.removed) == 27 and replaced.before == 28
    assert "removes 27 of 28 rows" in replaced.summary()
    # What is saved is checked like any save: the merge is a good file.
    saved = rows_to_bytes(merged.rows, table.file_format)
    assert load_events_from_bytes(saved).report.ok
