"""The three-way merge of two editors' changes: rows by id, then fields by column."""
from __future__ import annotations

import itertools

import pytest

from support import BUNDLED_CSV as GOOD
from timeline.editor.merging import (
    KEPT,
    ROW,
    Clash,
    Version,
    merge,
    merge_versions,
    merged_bytes,
)

COLUMNS = ("id", "title", "start")


def version(*rows: tuple[str, str, str], columns=COLUMNS) -> Version:
    """Rows as tuples in `columns`' order, keyed by their id."""
    return Version(tuple(columns), {row[0]: dict(zip(columns, row)) for row in rows})


BASE = version(("a", "Alpha", "2020"), ("b", "Beta", "2021"), ("c", "Gamma", "2022"))


def table(result) -> list[tuple]:
    return [tuple(row[c] for c in result.columns) for _, row in result.rows]


def test_nothing_changed_on_either_side_is_the_base():
    result = merge(BASE, BASE, BASE)
    assert result.clean and table(result) == [("a", "Alpha", "2020"), ("b", "Beta", "2021"),
                                             ("c", "Gamma", "2022")]


def test_changes_to_different_fields_of_one_row_are_both_kept():
    theirs = version(("a", "Alpha (theirs)", "2020"), ("b", "Beta", "2021"), ("c", "Gamma", "2022"))
    mine = version(("a", "Alpha", "2019"), ("b", "Beta", "2021"), ("c", "Gamma", "2022"))
    result = merge(BASE, theirs, mine)
    assert result.clean and table(result)[0] == ("a", "Alpha (theirs)", "2019")


def test_changes_to_different_rows_are_both_kept():
    theirs = version(("a", "Alpha", "2020"), ("b", "Beta", "1999"), ("c", "Gamma", "2022"))
    mine = version(("a", "Alpha", "2020"), ("b", "Beta", "2021"), ("c", "Gamma!", "2022"))
    result = merge(BASE, theirs, mine)
    assert result.clean
    assert table(result) == [("a", "Alpha", "2020"), ("b", "Beta", "1999"), ("c", "Gamma!", "2022")]


def test_the_same_change_on_both_sides_is_no_clash():
    same = version(("a", "Same", "2020"), ("b", "Beta", "2021"), ("c", "Gamma", "2022"))
    result = merge(BASE, same, same)
    assert result.clean and table(result)[0] == ("a", "Same", "2020")


def test_one_field_changed_differently_on_both_sides_is_a_clash_until_chosen():
    theirs = version(("a", "Theirs", "2020"), ("b", "Beta", "1999"), ("c", "Gamma", "2022"))
    mine = version(("a", "Mine", "2020"), ("b", "Beta", "2021"), ("c", "Gamma", "2023"))
    result = merge(BASE, theirs, mine)
    assert result.clashes == (Clash("a", "Mine", "title", "Alpha", "Theirs", "Mine"),)
    # Everything else is merged meanwhile.
    assert table(result)[1:] == [("b", "Beta", "1999"), ("c", "Gamma", "2023")]
    [clash] = result.clashes
    for side, expected in (("theirs", "Theirs"), ("mine", "Mine")):
        chosen = merge(BASE, theirs, mine, {clash.ident: side})
        assert chosen.clean and table(chosen)[0] == ("a", expected, "2020")
        assert table(chosen)[1:] == [("b", "Beta", "1999"), ("c", "Gamma", "2023")]


def test_each_clash_is_chosen_on_its_own():
    theirs = version(("a", "T-title", "T-start"), ("b", "Beta", "2021"), ("c", "Gamma", "2022"))
    mine = version(("a", "M-title", "M-start"), ("b", "Beta", "2021"), ("c", "Gamma", "2022"))
    result = merge(BASE, theirs, mine)
    assert [c.column for c in result.clashes] == ["title", "start"]
    title, start = result.clashes
    chosen = merge(BASE, theirs, mine, {title.ident: "mine", start.ident: "theirs"})
    assert chosen.clean and table(chosen)[0] == ("a", "M-title", "T-start")
    half = merge(BASE, theirs, mine, {title.ident: "mine"})
    assert half.clashes == (start,)


def test_a_choice_for_a_clash_that_is_not_there_changes_nothing():
    stray = Clash("b", "", "title", "", "", "").ident
    assert merge(BASE, BASE, BASE, {stray: "mine"}) == merge(BASE, BASE, BASE)


def test_rows_added_on_either_side_are_kept_mine_in_place_theirs_after():
    theirs = version(("a", "Alpha", "2020"), ("t", "Theirs new", "2024"), ("b", "Beta", "2021"),
                     ("c", "Gamma", "2022"))
    mine = version(("m", "Mine new", "2025"), ("a", "Alpha", "2020"), ("b", "Beta", "2021"),
                   ("c", "Gamma", "2022"))
    result = merge(BASE, theirs, mine)
    assert result.clean
    assert [key for key, _ in result.rows] == ["m", "a", "b", "c", "t"]


def test_the_same_row_added_on_both_sides_merges_field_by_field():
    base_rows = [tuple(row.values()) for row in BASE.rows.values()]
    theirs = version(*base_rows, ("n", "New", "2024"))
    same = merge(BASE, theirs, theirs)
    assert same.clean and [k for k, _ in same.rows].count("n") == 1
    mine = version(*base_rows, ("n", "New too", "2024"))
    result = merge(BASE, theirs, mine)
    assert result.clashes == (Clash("n", "New too", "title", None, "New", "New too"),)


def test_deleted_on_both_sides_or_on_one_side_unchanged_on_the_other_is_gone():
    without_b = version(("a", "Alpha", "2020"), ("c", "Gamma", "2022"))
    for theirs, mine in ((without_b, without_b), (without_b, BASE), (BASE, without_b)):
        result = merge(BASE, theirs, mine)
        assert result.clean and [k for k, _ in result.rows] == ["a", "c"]


@pytest.mark.parametrize("deleter", ["theirs", "mine"])
def test_deleted_on_one_side_and_changed_on_the_other_is_a_clash_of_the_row(deleter):
    without_b = version(("a", "Alpha", "2020"), ("c", "Gamma", "2022"))
    changed_b = version(("a", "Alpha", "2020"), ("b", "Beta", "1999"), ("c", "Gamma", "2022"))
    theirs, mine = (without_b, changed_b) if deleter == "theirs" else (changed_b, without_b)
    result = merge(BASE, theirs, mine)
    [clash] = result.clashes
    assert (clash.key, clash.column, clash.changed) == ("b", ROW, ("start",))
    assert clash.value(deleter) is None
    assert clash.value("mine" if deleter == "theirs" else "theirs") == KEPT
    keeper = "mine" if deleter == "theirs" else "theirs"
    kept = merge(BASE, theirs, mine, {clash.ident: keeper})
    assert kept.clean and kept.by_key["b"]["start"] == "1999"
    deleted = merge(BASE, theirs, mine, {clash.ident: deleter})
    assert deleted.clean and "b" not in deleted.by_key


def test_a_column_added_on_one_side_is_kept_with_its_values():
    theirs = version(("a", "Alpha", "2020", "Seoul"), ("b", "Beta", "2021", ""),
                     ("c", "Gamma", "2022", "Moscow"), columns=COLUMNS + ("desk",))
    mine = version(("a", "Alpha", "2020"), ("b", "Beta", "2021"), ("c", "Gamma", "2022"),
                   ("m", "Mine new", "2025"))
    result = merge(BASE, theirs, mine)
    assert result.clean and result.columns == COLUMNS + ("desk",)
    assert [row["desk"] for _, row in result.rows] == ["Seoul", "", "Moscow", ""]


def test_a_column_removed_on_one_side_goes_unless_the_other_wrote_in_it():
    with_desk = version(("a", "Alpha", "2020", "Seoul"), ("b", "Beta", "2021", ""),
                        columns=COLUMNS + ("desk",))
    removed = version(("a", "Alpha", "2020"), ("b", "Beta", "2021"))
    result = merge(with_desk, removed, with_desk)
    assert result.clean and result.columns == COLUMNS
    # The other side changed a value in it: removing it would lose that.
    written = version(("a", "Alpha", "2020", "Busan"), ("b", "Beta", "2021", ""),
                      columns=COLUMNS + ("desk",))
    result = merge(with_desk, removed, written)
    [clash] = result.clashes
    assert (clash.column, clash.theirs, clash.mine) == ("desk", None, "Busan")
    kept = merge(with_desk, removed, written, {clash.ident: "mine"})
    assert kept.columns == COLUMNS + ("desk",) and kept.by_key["a"]["desk"] == "Busan"
    assert kept.by_key["b"]["desk"] == ""


def test_a_row_deleted_on_one_side_while_the_other_removed_a_column_is_no_clash():
    with_desk = version(("a", "Alpha", "2020", "Seoul"), ("b", "Beta", "2021", "x"),
                        columns=COLUMNS + ("desk",))
    no_desk = version(("a", "Alpha", "2020"), ("b", "Beta", "2021"))
    no_b = version(("a", "Alpha", "2020", "Seoul"), columns=COLUMNS + ("desk",))
    result = merge(with_desk, no_desk, no_b)
    assert result.clean and table(result) == [("a", "Alpha", "2020")]


def every_way_to_change(value: str) -> list[str]:
    return [value, value + "-t", value + "-m"]


@pytest.mark.parametrize("theirs_value, mine_value",
                         list(itertools.product(every_way_to_change("x"), repeat=2)))
def test_one_field_every_combination(theirs_value, mine_value):
    """A field's value merged from every pairing of unchanged, changed by one
    and changed by the other: a side that changed it wins, both is a clash."""
    base = version(("a", "x", "2020"))
    result = merge(base, version(("a", theirs_value, "2020")), version(("a", mine_value, "2020")))
    changed = {side for side, value in (("theirs", theirs_value), ("mine", mine_value))
               if value != "x"}
    if len(changed) == 2 and theirs_value != mine_value:
        assert [c.column for c in result.clashes] == ["title"]
    else:
        assert result.clean
        expected = mine_value if changed == {"mine"} else theirs_value
        assert result.by_key["a"]["title"] == expected


def test_merged_bytes_of_real_files_keep_both_editors_changes_and_the_format():
    crlf = GOOD.replace(b"\n", b"\r\n")
    theirs = crlf.replace(b"Kim and Putin meet", b"Their title", 1)
    mine = crlf.replace(b"First Russian tourists", b"My title", 1)
    result = merge_versions(crlf, theirs, mine)
    assert result.clean
    data = merged_bytes(result, mine)
    assert b"Their title" in data and b"My title" in data and b"\r\n" in data
    assert data == crlf.replace(b"Kim and Putin meet", b"Their title", 1).replace(
        b"First Russian tourists", b"My title", 1)


def test_the_tables_change_after_a_merge_sends_fields_not_rows():
    from timeline.editor.merging import table_change
    from timeline.editor.rows import ROW_KEY, table_from_bytes
    table = table_from_bytes(GOOD)
    mine = [dict(row) for row in table.rows]
    for row in mine:
        if row["id"] == "russian-tourists":
            row["title"] = row["title"].replace("First Russian tourists", "My title")
    lines = GOOD.decode("utf-8").splitlines(keepends=True)
    theirs = "".join(line for line in lines if not line.startswith("kim-il-sung-zis,"))
    theirs = theirs.replace("Kim and Putin meet", "Their title")
    theirs += "added-by-them,2025,,,Added,,Kim Jong-un,diplomacy,,,,,,,,\n"
    result = merge_versions(GOOD, theirs.encode(), GOOD.replace(b"First Russian tourists",
                                                                  b"My title", 1))
    change = table_change(mine, result, table.file_format)
    by_id = {row["id"]: row[ROW_KEY] for row in mine}
    assert change["fields"] == [[by_id["vostochny-summit"],
                                 {"title": "Their title at Vostochny Cosmodrome"}]]
    assert change["remove"] == [{ROW_KEY: by_id["kim-il-sung-zis"]}]
    assert [row["id"] for row in change["add"]] == ["added-by-them"]
    assert {mark[0] for mark in change["marks"]} == set(by_id.values()) - {
        by_id["kim-il-sung-zis"]}
    # Columns added by the other side: the page reloads instead.
    wider = merge_versions(GOOD, GOOD.replace(b"notes\n", b"notes,desk\n", 1), GOOD)
    assert table_change(mine, wider, table.file_format) is None
