"""The editor's table as the browser sends it (what changed since a version on
disk), put back together; and the check of rows without writing them as a CSV."""
from __future__ import annotations

import random

import pytest

from support import BUNDLED_CSV, DATA
from timeline.data.csv_writing import row_lines, serialise_rows
from timeline.data.history import record_version
from timeline.data.loading import load_events_from_bytes
from timeline.data.synth import synthetic_csv
from timeline.data_store import content_version
from timeline.editor.rows import (
    LINE_KEY,
    PROBLEMS_KEY,
    ROW_KEY,
    check_rows,
    mark_problems,
    rows_to_bytes,
    table_from_bytes,
)
from timeline.editor.table_delta import (
    BaseTables,
    NeedsRows,
    expand_keys,
    key_runs,
    line_runs,
    marks_answer,
    table_rows,
)


@pytest.mark.parametrize("keys", [
    [], ["r1"], ["r1", "r2", "r3"], ["r5", "r6", "r8", "r9", "r10"],
    ["r1", "r2", "dk3f-1", "r3", "dk3f-2", "dk3f-3"], ["x", "r01", "r02", "0", "7"],
    [f"r{n}" for n in range(1, 10_001)],
])
def test_keys_go_as_runs_and_come_back_the_same(keys):
    runs = key_runs(keys)
    assert expand_keys([list(run) if isinstance(run, tuple) else run for run in runs]) == keys
    if len(keys) == 10_000:
        assert runs == [("r", 1, 10_000)]


def test_lines_go_as_runs():
    assert line_runs([2, 3, 4, 6, 7, 9]) == [(2, 3), (6, 2), (9, 1)]
    assert line_runs([]) == []


def delta_between(base_rows: list[dict], now: list[dict], version: str | None) -> dict:
    """What grid-state.js tableDelta sends: rows new or changed, keys as runs."""
    base = {row[ROW_KEY]: row for row in base_rows}
    columns = [c for c in now[0] if c not in (ROW_KEY, PROBLEMS_KEY, LINE_KEY)] if now else []
    changed = {row[ROW_KEY]: {c: row[c] for c in columns} for row in now
               if row[ROW_KEY] not in base or any(row[c] != base[row[ROW_KEY]][c]
                                                  for c in columns)}
    return {"base": version, "baseKeys": key_runs([r[ROW_KEY] for r in base_rows]),
            "order": key_runs([r[ROW_KEY] for r in now]), "rows": changed, "action": "check",
            "selected": [], "at": 1.0}


@pytest.fixture
def on_disk(tmp_path):
    path = tmp_path / "events.csv"
    path.write_bytes(BUNDLED_CSV)
    return path, table_from_bytes(BUNDLED_CSV), content_version(BUNDLED_CSV)


def test_the_table_is_put_back_together_from_the_version_and_the_changes(on_disk):
    path, table, version = on_disk
    now = [dict(row) for row in table.rows]
    now[3]["title"] = "Changed in the browser"
    del now[5]
    now.append({**now[0], ROW_KEY: "dnew-1", "id": "a-new-row"})
    delta = delta_between(table.rows, now, version)
    assert len(delta["rows"]) == 2  # only what changed travels
    rebuilt = table_rows(delta, BaseTables(path), table.file_format.columns)
    columns = (ROW_KEY, *table.file_format.columns)
    assert rebuilt == [{c: row[c] for c in columns} for row in now]


def test_an_older_version_is_read_from_the_history(on_disk):
    path, table, version = on_disk
    record_version(path, BUNDLED_CSV, version, "Anna", "the bundled file")
    path.write_bytes(BUNDLED_CSV.replace(b"Kim and Putin meet", b"Someone else saved"))
    now = [dict(row) for row in table.rows]
    rebuilt = table_rows(delta_between(table.rows, now, version), BaseTables(path),
                         table.file_format.columns)
    assert rows_to_bytes(rebuilt, table.file_format) == rows_to_bytes(now, table.file_format)


@pytest.mark.parametrize("spoil", ["unknown version", "shorter baseline", "unknown key"])
def test_a_table_that_cannot_be_put_together_asks_for_every_row(on_disk, spoil):
    path, table, version = on_disk
    delta = delta_between(table.rows, [dict(row) for row in table.rows], version)
    columns = table.file_format.columns
    if spoil == "unknown version":
        delta["base"] = "0" * 16
    elif spoil == "shorter baseline":
        delta["baseKeys"] = key_runs([row[ROW_KEY] for row in table.rows[1:]])
    else:
        delta["order"] = [*delta["order"], "dnowhere-1"]
    with pytest.raises(NeedsRows):
        table_rows(delta, BaseTables(path), columns)


def test_every_row_sent_needs_no_version(on_disk):
    path, table, _ = on_disk
    now = [dict(row) for row in table.rows]
    delta = delta_between([], now, None)
    assert table_rows(delta, BaseTables(path), table.file_format.columns)[7]["id"] == \
        now[7]["id"]


def test_the_answer_gives_every_rows_marks_by_its_place():
    table = table_from_bytes(BUNDLED_CSV)
    rows = [dict(row) for row in table.rows]
    rows[2]["start"] = "2023-13-45"
    marked, _ = check_rows(rows, table.file_format, frames="report")
    answer = marks_answer([r[ROW_KEY] for r in marked], [r[LINE_KEY] for r in marked],
                          {place: r[PROBLEMS_KEY] for place, r in enumerate(marked)}, [], [])
    keys = expand_keys([list(r) if isinstance(r, tuple) else r for r in answer["order"]])
    assert keys == [row[ROW_KEY] for row in rows]
    assert list(answer["problems"]) == [str(i) for i, r in enumerate(marked) if r[PROBLEMS_KEY]]
    assert "start" in answer["problems"]["2"]
    lines = [first + n for first, count in answer["lines"] for n in range(count)]
    assert lines == [row[LINE_KEY] for row in marked]


PIECES = ["", " ", "x", "2023", "2023-13-45", "2024-02-30", "Kim", "kim ", "diplomacy",
          "Diplomacy", "era", "title", "a\nb", "  lead", "=1+2", "'=x", "https://x.org",
          "ftp://x", "é", "김정은", "reported", "Confirmed", "a;b", '"q"', "\r\n", "r\rr",
          "dup-id"]


@pytest.mark.parametrize("name", ["events.csv", "languages.csv", "synthetic"])
def test_rows_checked_as_records_say_what_their_csv_would(name):
    """check_rows hands the loader records, not a CSV: the same problems on the
    same lines as the file Save would write, after any edits."""
    data = synthetic_csv(300, seed=2) if name == "synthetic" else (DATA / name).read_bytes()
    table = table_from_bytes(data)
    chance = random.Random(name)
    for _ in range(25):
        rows = [dict(row) for row in table.rows]
        for _ in range(chance.randint(1, 5)):
            row, column = chance.choice(rows), chance.choice(table.file_format.columns)
            row[column] = chance.choice(PIECES) + chance.choice(["", *PIECES])
        if chance.random() < 0.3:
            rows.append(dict(rows[0]))
        marked, result = check_rows(rows, table.file_format)
        from_file = load_events_from_bytes(rows_to_bytes(rows, table.file_format))
        assert result.report.problems == from_file.report.problems
        assert [(r[PROBLEMS_KEY], r[LINE_KEY]) for r in marked] == [
            (r[PROBLEMS_KEY], r[LINE_KEY])
            for r in mark_problems(rows, table.file_format, from_file.report)]


@pytest.mark.parametrize("line_ending", ["\n", "\r\n", "\r"])
def test_a_line_break_of_any_kind_in_a_cell_stays_in_its_cell(line_ending):
    """A lone "\\r" in a cell used to be written unquoted in a file of "\\n" lines, and
    read back as two rows."""
    rows = [{"id": "a", "title": "one\rtwo"}, {"id": "b", "title": "three\nfour"},
            {"id": "c", "title": "five\r\nsix"}, {"id": "d", "title": "plain"}]
    data = serialise_rows(["id", "title"], rows, line_ending=line_ending)
    raw = load_events_from_bytes(data).raw
    assert raw["id"].tolist() == ["a", "b", "c", "d"]
    assert raw["line"].tolist() == row_lines(["id", "title"], rows) == [2, 4, 6, 8]


def test_a_column_brought_by_a_paste_is_empty_in_the_rows_not_sent(on_disk):
    path, table, version = on_disk
    now = [dict(row, desk="") for row in table.rows]
    now[2]["desk"] = "Seoul"
    columns = (*table.file_format.columns, "desk")
    delta = delta_between(table.rows, [dict(row) for row in table.rows], version)
    delta["rows"] = {now[2][ROW_KEY]: {c: now[2][c] for c in columns}}
    rebuilt = table_rows(delta, BaseTables(path), columns)
    assert [row["desk"] for row in rebuilt[:4]] == ["", "", "Seoul", ""]


def test_keys_numbered_in_order_after_other_keys_still_go_as_runs():
    keys = ["a05", "a06", "r9", "r10", "r11", "x", "r12", "d1-1", "d1-2", "a7"]
    runs = key_runs(keys)
    assert expand_keys([list(run) if isinstance(run, tuple) else run for run in runs]) == keys
    assert ("r", 9, 11) in runs and ("d1-", 1, 2) in runs


def test_a_read_table_gives_its_rows_marked_and_as_the_file_has_them():
    table = table_from_bytes(BUNDLED_CSV)
    columns = table.file_format.columns
    assert [row[LINE_KEY] for row in table.rows] == row_lines(columns, table.rows)
    assert table.file_rows == [{c: row[c] for c in columns} for row in table.rows]
    assert table.result.events.empty  # the chart's frames are not made for the table
    assert table.report == load_events_from_bytes(BUNDLED_CSV).report


def test_a_problem_after_a_blank_line_marks_the_row_it_is_on():
    lines = BUNDLED_CSV.split(b"\n")
    bad = lines[3].split(b",")
    bad[1] = b"2023-13-45"
    data = b"\n".join([*lines[:3], b"", b",".join(bad), *lines[4:]])
    table = table_from_bytes(data)
    [problem] = [p for p in table.report.problems if p.column == "start"]
    marked = [row for row in table.rows if row[PROBLEMS_KEY]]
    assert [row["id"] for row in marked] == [bad[0].decode()]
    assert marked[0][LINE_KEY] == problem.line == 5  # the file's line, the blank one counted


def test_a_version_read_is_kept_without_a_copy_of_its_rows(on_disk):
    path, _rows, version = on_disk
    table = table_from_bytes(path.read_bytes())
    bases = BaseTables(path)
    bases.remember_table(version, table)
    kept = bases.table(version)
    assert kept.rows is table.file_rows and kept.file_format == table.file_format
