"""The check of the editor's table after a few rows changed (issue 16: a cell's
check within 200 ms at 10,000 rows), with the same problems as checking the whole
table (tests/test_quick_check.py holds the two equal).

Only some rows go through the validator: the rows changed or added since the
version the table started from, and every row whose problems they can change:
rows sharing an id with them, rows spelling an actor or a category they use in
another way, the first row to write each type, category and certainty (the
messages point to it), and every row that is not an event (titles, eras and
category declarations). Each row keeps its place and its line, so the messages
are the whole file's. Every other row keeps the problems the version had, worked
out once per version; the one count over every row (how many events have a
translation) is counted again, cheaply.

It applies when the rows kept their places: none deleted or moved, new ones at the
end, no cell gaining or losing a line break. Otherwise the whole table is checked.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from timeline.data import schema
from timeline.data.checks.languages import partly_translated
from timeline.data.checks.text import spelling_key, split_actors
from timeline.data.csv_writing import row_lines
from timeline.data.loading import header_problem
from timeline.data.report import Problem, Report
from timeline.data.table import Record, Table
from timeline.data.timelinejs import is_timelinejs_header
from timeline.data.validation import Validation, validate

# The columns whose values decide another row's problems, besides `id`: a spelling
# used by fewer rows than another is warned about.
_SPELLED_ALIKE = ("actors", "category")
# The columns whose first use a message names ("write it exactly 'era' as on line 4").
_FIRST_USE = ("type", "category", "certainty")


@dataclass(frozen=True)
class Checked:
    """A table's validation, as the quick check reads it."""
    lines: list[int]
    validation: Validation

    def problems_by_line(self) -> dict[int | None, list[Problem]]:
        found: dict[int | None, list[Problem]] = {}
        for problem in self.validation.problems:
            found.setdefault(problem.line, []).append(problem)
        return found


def records_of(rows: Sequence[Mapping], columns: Sequence[str],
               lines: Sequence[int]) -> list[Record]:
    return [Record(line, [value if type(value) is str else ("" if value is None else str(value))
                          for value in map(row.get, columns)])
            for line, row in zip(lines, rows)]


def validate_rows(rows: Sequence[Mapping], columns: tuple[str, ...], delimiter: str,
                  lines: Sequence[int] | None = None) -> Checked:
    lines = list(lines if lines is not None else row_lines(columns, rows, delimiter))
    table = Table(Record(1, columns), records_of(rows, columns, lines), "utf-8", delimiter, ())
    return Checked(lines, validate(table))


def quick_checkable(columns: tuple[str, ...], delimiter: str) -> bool:
    """A header the quick check reads as the loader does (a TimelineJS sheet's is
    converted first, and the loader refuses some headers outright)."""
    return (bool(columns) and not is_timelinejs_header(columns)
            and header_problem(Record(1, columns), delimiter) is None)


def quick_problems(rows: Sequence[Mapping], base_rows: Sequence[Mapping], base: Checked,
                   sent: Iterable[int], columns: tuple[str, ...],
                   delimiter: str) -> tuple[Report, list[int]] | None:
    """The problems of `rows` (the table now: `base_rows` kept in place, changed where
    `sent`, maybe rows added at the end), and each row's line; None when the quick
    check does not apply (see the module's note)."""
    if len(rows) < len(base_rows) or not len(base_rows):
        return None
    changed = sorted(set(sent) | set(range(len(base_rows), len(rows))))
    if any(not _an_event(row) for row in (*(base_rows[i] for i in changed if i < len(base_rows)),
                                          *(rows[i] for i in changed))):
        return None  # a title, an era or a category declared: the whole table may change
    lines = row_lines(columns, rows, delimiter)
    if lines[:len(base_rows)] != base.lines:
        return None  # a cell gained or lost a line break: the lines after it moved
    chosen = _rows_to_check(rows, base_rows, changed, columns)
    subset = validate_rows([rows[i] for i in chosen], columns, delimiter,
                           [lines[i] for i in chosen])
    if subset.validation.columns != base.validation.columns:
        return None
    checked_lines = {lines[i] for i in chosen}
    translation = _is_translation_count
    kept = [p for line, found in base.problems_by_line().items()
            if line is not None and line not in checked_lines
            for p in found if not translation(p)]
    fresh = [p for p in subset.validation.problems
             if p.line in checked_lines and not translation(p)]
    whole_file = [p for p in base.validation.problems if p.line is None]
    counted = partly_translated(*_translation_columns(rows, base, subset, chosen, lines))
    report = Report((*whole_file, *kept, *fresh, *counted),
                    rows=len(base.validation.rows) + len(subset.validation.rows)
                    - _base_rows_in(chosen, base_rows, base))
    return report, lines


def _rows_to_check(rows: Sequence[Mapping], base_rows: Sequence[Mapping],
                   changed: list[int], columns: tuple[str, ...]) -> list[int]:
    """The changed rows and every row whose problems they can change (indexes)."""
    chosen = set(changed)
    was = [base_rows[i] for i in changed if i < len(base_rows)]
    now = [rows[i] for i in changed]

    def values(column: str) -> Iterable[str]:
        return (row.get(column) or "" for row in rows)

    if "id" in columns:  # every row with an id a changed row has, or had
        ids = {spelling_key(row.get("id") or "") for row in (*was, *now)}
        chosen.update(i for i, value in enumerate(values("id")) if spelling_key(value) in ids)
    if "type" in columns:  # titles, eras and category declarations
        chosen.update(i for i, value in enumerate(values("type"))
                      if not _an_event({"type": value}))
    for column in (c for c in _SPELLED_ALIKE if c in columns):
        split = split_actors if column == "actors" else _one
        touched = {spelling_key(name) for row in (*was, *now)
                   for name in split(row.get(column) or "")}
        spellings: dict[str, set[str]] = {}
        users: dict[str, list[int]] = {}
        names_of: dict[str, tuple[str, ...]] = {}
        for i, value in enumerate(values(column)):
            names = names_of.get(value)
            if names is None:
                names = names_of[value] = split(value)
            for name in names:
                key = spelling_key(name)
                if key in touched:
                    spellings.setdefault(key, set()).add(name)
                    users.setdefault(key, []).append(i)
        for row in was:  # a spelling the table no longer has still moves the counts
            for name in split(row.get(column) or ""):
                spellings.setdefault(spelling_key(name), set()).add(name)
        for key, written in spellings.items():
            if len(written) > 1:
                chosen.update(users.get(key, ()))
    for column in (c for c in _FIRST_USE if c in columns):
        first: dict[str, int] = {}
        for i, value in enumerate(values(column)):
            first.setdefault(value.strip(), i)
        chosen.update(first.values())
    return sorted(chosen)


def _an_event(row: Mapping) -> bool:
    return (row.get("type") or "").strip().lower() in ("", schema.DEFAULT_ROW_TYPE)


def _one(value: str) -> tuple[str, ...]:
    value = value.strip()
    return (value,) if value else ()


def _is_translation_count(problem: Problem) -> bool:
    """A `partly_translated` warning: counted over every row, so counted again."""
    return (problem.column in schema.LANGUAGE_COLUMNS
            and problem.message.startswith(f"{problem.column} is filled for "))


def _base_rows_in(chosen: list[int], base_rows: Sequence[Mapping], base: Checked) -> int:
    """How many rows the base's count holds that the subset counted again."""
    kept_lines = set(base.validation.rows.line.tolist())
    return sum(1 for i in chosen if i < len(base_rows) and base.lines[i] in kept_lines)


def _translation_columns(rows: Sequence[Mapping], base: Checked, subset: Checked,
                         chosen: list[int], lines: list[int]
                         ) -> tuple[dict[str, np.ndarray], np.ndarray, list[int]]:
    """What partly_translated reads, for every row that is not blank: each row's type
    and the translatable columns, from the subset's validation where it checked the
    row and from the base's elsewhere."""
    names = [name for column in schema.TRANSLATABLE_COLUMNS
             for name in (column, *(schema.language_column(column, language)
                                    for language in schema.LANGUAGES))
             if name in base.validation.rows.raw]
    checked_lines = {lines[i] for i in chosen}
    by_line: dict[int, tuple] = {}
    for checked, keep in ((base, lambda line: line not in checked_lines),
                          (subset, lambda line: True)):
        read = checked.validation.rows
        kinds = read.kind.tolist()
        values = [read.raw[name].tolist() for name in names]
        for index, line in enumerate(read.line.tolist()):
            if keep(line):
                by_line[line] = (kinds[index], [column[index] for column in values])
    ordered = sorted(by_line)
    kind = np.array([by_line[line][0] for line in ordered], dtype=object)
    raw = {name: np.array([by_line[line][1][n] for line in ordered], dtype=object)
           for n, name in enumerate(names)}
    return raw, kind, ordered

