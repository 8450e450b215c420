"""The check of the editor's table after a few rows changed (issue 16: a cell's
check within 200 ms at 10,000 rows), with the same problems as checking the whole
table (tests/test_quick_check.py holds the two equal).

Only some rows go through the validator: the rows changed or added since the
version the table started from, and every row whose problems they can change:
rows sharing an id with them, rows spelling an actor or a category they use in
another way, the first row to write each type, category and certainty (the
messages point to it), and every row that is not an event (titles, eras and
category declarations). Each row keeps its place and its line, so the messages
are the whole file's. Every other row keeps the problems the version had: the
version is checked once, with indexes of its ids, spellings and first uses (the
cross-row indexes), so a check costs the rows it reads, not the table. The one
count over every row (how many events have a translation) is counted again, on
the version's columns with the changed rows put in.

It applies when the rows kept their places (none deleted or moved, new ones at
the end, no cell gaining or losing a line break) and only events changed.
Otherwise `quick_problems` says None and the whole table is checked.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from timeline.data import schema
from timeline.data.checks.languages import partly_translated
from timeline.data.checks.text import spelling_key, split_actors
from timeline.data.csv_writing import row_lines, row_span
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


def _one(value: str) -> tuple[str, ...]:
    value = value.strip()
    return (value,) if value else ()


_SPLIT = {"actors": split_actors, "category": _one}


def _an_event(row: Mapping) -> bool:
    return (row.get("type") or "").strip().lower() in ("", schema.DEFAULT_ROW_TYPE)


def _is_translation_count(problem: Problem) -> bool:
    """A `partly_translated` warning: counted over every row, so counted again."""
    return (problem.column in schema.LANGUAGE_COLUMNS
            and problem.message.startswith(f"{problem.column} is filled for "))


@dataclass
class Checked:
    """A version's rows, validated once, and the indexes the quick check reads."""
    rows: Sequence[Mapping[str, str]]
    columns: tuple[str, ...]
    delimiter: str
    lines: list[int]
    validation: Validation
    _spelled: dict = field(default_factory=dict)

    @cached_property
    def end_line(self) -> int:
        """The line after the last row."""
        if not self.rows:
            return 2
        return self.lines[-1] + row_span(self.rows[-1], self.columns)

    @cached_property
    def problems_by_line(self) -> dict[int | None, list[Problem]]:
        found: dict[int | None, list[Problem]] = {}
        for problem in self.validation.problems:
            found.setdefault(problem.line, []).append(problem)
        return found

    @cached_property
    def id_rows(self) -> dict[str, list[int]]:
        found: dict[str, list[int]] = {}
        for place, row in enumerate(self.rows):
            found.setdefault(spelling_key(row.get("id") or ""), []).append(place)
        return found

    @cached_property
    def not_events(self) -> list[int]:
        return [place for place, row in enumerate(self.rows) if not _an_event(row)]

    def index_all(self) -> Checked:
        """Every index made now (they are made on first use otherwise)."""
        for name in ("end_line", "problems_by_line", "id_rows", "not_events", "first_uses",
                     "translations"):
            getattr(self, name)
        for column in _SPELLED_ALIKE:
            if column in self.columns:
                self.spelled(column)
        return self

    def spelled(self, column: str) -> dict[str, tuple[set[str], list[int]]]:
        """Spelling key → (its spellings, the rows using one), for `column`."""
        if column not in self._spelled:
            found: dict[str, tuple[set[str], list[int]]] = {}
            split, names_of = _SPLIT[column], {}
            for place, row in enumerate(self.rows):
                value = row.get(column) or ""
                names = names_of.get(value)
                if names is None:
                    names = names_of[value] = tuple((n, spelling_key(n)) for n in split(value))
                for name, key in names:
                    spellings, users = found.setdefault(key, (set(), []))
                    spellings.add(name)
                    users.append(place)
            self._spelled[column] = found
        return self._spelled[column]

    @cached_property
    def first_uses(self) -> dict[str, dict[str, list[int]]]:
        """Column → value → the rows writing it, in order."""
        return {column: _places_by_value(self.rows, column) for column in _FIRST_USE
                if column in self.columns}

    @cached_property
    def translations(self) -> tuple[list[str], np.ndarray, dict[str, np.ndarray],
                                    dict[int, int]]:
        """What partly_translated reads of the version: the columns, each row's type,
        their values, and each line's place among the rows that are not blank."""
        read = self.validation.rows
        names = [name for column in schema.TRANSLATABLE_COLUMNS
                 for name in (column, *(schema.language_column(column, language)
                                        for language in schema.LANGUAGES))
                 if name in read.raw]
        at = {line: place for place, line in enumerate(read.line.tolist())}
        return names, read.kind, {name: read.raw[name] for name in names}, at

    @cached_property
    def translated(self) -> bool:
        """Whether the file has a per-language column (else nothing is counted)."""
        names = self.translations[0]
        return any(name not in schema.TRANSLATABLE_COLUMNS for name in names)


def _places_by_value(rows: Sequence[Mapping], column: str) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for place, row in enumerate(rows):
        found.setdefault((row.get(column) or "").strip(), []).append(place)
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
    return Checked(rows, columns, delimiter, lines, validate(table))


def quick_checkable(columns: tuple[str, ...], delimiter: str) -> bool:
    """A header the quick check reads as the loader does (a TimelineJS sheet's is
    converted first, and the loader refuses some headers outright)."""
    return (bool(columns) and not is_timelinejs_header(columns)
            and header_problem(Record(1, columns), delimiter) is None)


@dataclass(frozen=True)
class QuickCheck:
    report: Report     # the table's problems, as checking it whole would find them
    lines: list[int]   # each row's line, by place
    chosen: list[int]  # the places of the rows checked again
    subset: Checked    # those rows, checked: each has the problems the whole table gives it


def quick_problems(base: Checked, sent: Mapping[int, Mapping], count: int
                   ) -> tuple[Report, list[int]] | None:
    """The problems of the table now, and each row's line: `base`'s rows in their
    places, those `sent` (by place) changed, and rows up to `count` added at the
    end (all of them sent). None when the quick check does not apply."""
    check = quick_check(base, sent, count)
    return None if check is None else (check.report, check.lines)


def quick_check(base: Checked, sent: Mapping[int, Mapping], count: int) -> QuickCheck | None:
    """`quick_problems`, with the rows it checked again."""
    size, columns, delimiter = len(base.rows), base.columns, base.delimiter
    if count < size or not size or any(p not in sent for p in range(size, count)):
        return None
    was = [base.rows[p] for p in sent if p < size]
    if not all(map(_an_event, [*was, *sent.values()])):
        return None  # a title, an era or a category declared: the whole table may change
    lines = list(base.lines)
    for place, row in sent.items():
        if place < size and row_span(row, columns) != row_span(base.rows[place], columns):
            return None  # a line break typed or removed: the lines after it move
    new = [sent[p] for p in range(size, count)]
    lines += row_lines(columns, new, delimiter) if new else []
    if new:  # the added rows' lines go on from the version's last
        lines[size:] = [line - 2 + base.end_line for line in lines[size:]]

    chosen = _rows_to_check(base, sent, was)
    now = [sent.get(p) or base.rows[p] for p in chosen]
    subset = validate_rows(now, columns, delimiter, [lines[p] for p in chosen])
    if subset.validation.columns != base.validation.columns:
        return None
    checked_lines = {lines[p] for p in chosen}
    counted = _translation_counts(base, subset, chosen, lines)
    if counted is None:
        return None
    kept = [p for line, found in base.problems_by_line.items()
            if line is not None and line not in checked_lines
            for p in found if not _is_translation_count(p)]
    fresh = [p for p in subset.validation.problems
             if p.line in checked_lines and not _is_translation_count(p)]
    whole_file = base.problems_by_line.get(None, [])
    at = base.translations[3]
    rows = (len(base.validation.rows) - sum(1 for p in chosen if p < size and lines[p] in at)
            + len(subset.validation.rows))
    return QuickCheck(Report((*whole_file, *kept, *fresh, *counted), rows=rows), lines,
                      chosen, subset)


def _rows_to_check(base: Checked, sent: Mapping[int, Mapping],
                   was: Sequence[Mapping]) -> list[int]:
    """The rows sent and every row whose problems they can change (by place)."""
    chosen = set(sent)
    both = (*was, *sent.values())
    for key in {spelling_key(row.get("id") or "") for row in both}:
        chosen.update(base.id_rows.get(key, ()))
    chosen.update(base.not_events)
    for column in (c for c in _SPELLED_ALIKE if c in base.columns):
        split, index = _SPLIT[column], base.spelled(column)
        written: dict[str, set[str]] = {}
        for row in both:
            for name in split(row.get(column) or ""):
                written.setdefault(spelling_key(name), set()).add(name)
        for key, names in written.items():
            spellings, users = index.get(key, (set(), []))
            if len(spellings | names) > 1:  # spelt two ways, now or before
                chosen.update(users)
    for column, places_of in base.first_uses.items():
        for places in places_of.values():
            # The first row still writing the value as the version had it.
            first = next((p for p in places if p not in sent), None)
            if first is not None:
                chosen.add(first)
    return sorted(chosen)


def _translation_counts(base: Checked, subset: Checked, chosen: Sequence[int],
                        lines: Sequence[int]) -> list[Problem] | None:
    """partly_translated over every row: the version's columns with the rows the
    subset read put in (None when a row became blank or stopped being blank)."""
    if not base.translated:
        return []
    names, kind, raw, at = base.translations
    kind, raw = kind.copy(), {name: values.copy() for name, values in raw.items()}
    read = subset.validation.rows
    read_at = {line: place for place, line in enumerate(read.line.tolist())}
    added_kind, added_raw, added_lines = [], {name: [] for name in names}, []
    for place in chosen:
        line = lines[place]
        if place < len(base.rows) and (line in at) != (line in read_at):
            return None
        if line not in read_at:
            continue
        source = read_at[line]
        if line in at:
            kind[at[line]] = read.kind[source]
            for name in names:
                raw[name][at[line]] = read.raw[name][source]
        else:  # a row added at the end
            added_kind.append(read.kind[source])
            added_lines.append(line)
            for name in names:
                added_raw[name].append(read.raw[name][source])
    all_lines = [*base.validation.rows.line.tolist(), *added_lines]
    if added_lines:
        kind = np.concatenate([kind, np.array(added_kind, dtype=object)])
        raw = {name: np.concatenate([raw[name], np.array(added_raw[name], dtype=object)])
               for name in names}
    return partly_translated(raw, kind, all_lines)

