"""The quick check (a few rows changed) says what checking the whole table says."""
from __future__ import annotations

import random

import pytest

from support import DATA
from timeline.data.csv_writing import row_lines
from timeline.data.synth import synthetic_csv
from timeline.editor.quick_check import quick_checkable, quick_problems, validate_rows
from timeline.editor.rows import check_rows, table_from_bytes

# Values that make problems of every kind: dates, types, categories and certainties
# in other spellings, ids used twice, actors spelt two ways, links, scripts.
PIECES = ["", " ", "x", "2023", "2023-13-45", "2024-02-30", "2019-05", "Kim", "kim ",
          "Kim  Jong-un", "kim jong-un", "Putin; Kim", "diplomacy", "Diplomacy", "military",
          "era", "Era", "title", "category", "event", "EVENT", "reported", "Confirmed",
          "rumoured", "=1+2", "https://x.org", "ftp://x", "é", "김정은", "Ким", "a;b",
          '"q"', "dup-id", "putin-visit", "#123456", "#zzz"]
FILES = ["events.csv", "languages.csv", "timelines/courts.csv", "synthetic"]


def file_bytes(name: str) -> bytes:
    return synthetic_csv(400, seed=3) if name == "synthetic" else (DATA / name).read_bytes()


@pytest.mark.parametrize("name", FILES)
def test_the_quick_check_says_what_the_whole_check_says(name):
    table = table_from_bytes(file_bytes(name))
    columns, delimiter = table.file_format.columns, table.file_format.delimiter
    assert quick_checkable(columns, delimiter)
    base_rows = [dict(row) for row in table.rows]
    base = validate_rows(base_rows, columns, delimiter)
    chance = random.Random(name)
    used = {column: [row[column] for row in base_rows] for column in columns}
    quick = 0
    for _ in range(60):
        rows = [dict(row) for row in base_rows]
        sent = set()
        for _ in range(chance.randint(1, 4)):
            index, column = chance.randrange(len(rows)), chance.choice(columns)
            # Another row's value (an id twice, an actor's other spelling) or a piece.
            source = used[column] if chance.random() < 0.5 else PIECES
            value = chance.choice(source)
            rows[index][column] = value
            sent.add(index)
        for _ in range(chance.choice([0, 0, 1, 2])):
            rows.append({**chance.choice(base_rows)})
        sent |= set(range(len(base_rows), len(rows)))
        answer = quick_problems(base, {place: rows[place] for place in sent}, len(rows))
        _, whole = check_rows(rows, table.file_format, frames="report")
        if answer is None:
            continue
        quick += 1
        report, lines = answer
        assert report.problems == whole.report.problems
        assert report.rows == whole.report.rows
        assert lines == row_lines(columns, rows, delimiter)
    assert quick >= 10  # the quick check did apply, often


def test_rows_deleted_or_a_line_break_typed_leave_it_to_the_whole_check():
    table = table_from_bytes(file_bytes("events.csv"))
    columns, delimiter = table.file_format.columns, table.file_format.delimiter
    base_rows = [dict(row) for row in table.rows]
    base = validate_rows(base_rows, columns, delimiter)
    assert quick_problems(base, {}, len(base_rows) - 1) is None  # a row deleted
    broken = dict(base_rows[3], description="two\nlines")
    assert quick_problems(base, {3: broken}, len(base_rows)) is None
    era = dict(base_rows[3], type="era")
    assert quick_problems(base, {3: era}, len(base_rows)) is None
