"""The rules a timeline CSV must follow, as Problems an editor can act on.

`validate` takes what the CSV reader produced (the header and the records with
their line numbers) and returns every row, what is wrong with the file, and
which rows are clean enough to show. Column rules come from `timeline.data.schema`;
the checks themselves are in `timeline.data.checks`.

It works column by column, so that a file of 100,000 rows is checked in about
the time it takes to read: a quick pass over whole columns (`checks.quick_pass`)
finds the rows that may have a problem, and only those rows go through
`check_row` (`checks.row_rules`), the one definition of every row's messages.
Anything worked out from a value (a date, a list of actors, a spelling key) is
worked out once per distinct value.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Mapping

import numpy as np

from timeline.data import schema
from timeline.data.checks import quick_pass
from timeline.data.checks.columns import (
    NO_DATE,
    ContractColumns,
    Distinct,
    SpellingKeys,
    blank_rows,
    columns_by_position,
    object_array,
    read_dates,
)
from timeline.data.checks.dialect import OUR_FORMAT, Dialect
from timeline.data.checks.header import RESERVED_COLUMNS, read_header, unique_name
from timeline.data.checks.languages import partly_translated
from timeline.data.checks.row_rules import (
    KINDS,
    NO_SOURCE,
    Vocabulary,
    check_row,
    shape_problems,
)
from timeline.data.checks.text import column_letter, split_actors
from timeline.data.checks.whole_file import (
    category_vocabulary,
    colour_warnings,
    duplicate_categories,
    duplicate_ids,
    extra_title_rows,
    spelling_warnings,
)
from timeline.data.dates import PartialDate
from timeline.data.report import Problem, warning
from timeline.data.table import Table


@dataclass(frozen=True, eq=False)  # arrays have no single truth value to compare
class CheckedRows:
    """Every row that is not blank, in file order, column by column (row i is
    item i of each array)."""
    line: np.ndarray               # int64: the line the row starts on
    raw: dict[str, np.ndarray]     # every column the file had, values stripped, as written
    clean: dict[str, np.ndarray]   # the contract's columns, type/category/certainty normalised
    start: np.ndarray              # PartialDate or None
    end: np.ndarray                # PartialDate or None
    ongoing: np.ndarray            # bool
    ok: np.ndarray                 # bool: no errors, so the row can be shown
    kind: np.ndarray               # its `type`: event, era, title or category ('' if unknown)
    first_day: np.ndarray          # int64: start's first day as an ordinal, -1 without one
    last_day: np.ndarray           # int64: the last day of end (else start), -1 without one
    approximate: np.ndarray        # bool: start or end is approximate
    uncertain: np.ndarray          # bool: start or end is uncertain
    actor_names: Mapping[str, tuple[str, ...]]  # each actors value → split_actors of it

    def __len__(self) -> int:
        return len(self.line)


@dataclass(frozen=True)
class Validation:
    columns: tuple[str, ...]        # header order, names made unique
    extra_columns: tuple[str, ...]  # columns the contract does not know
    raw_columns: tuple[str, ...]    # columns + any overflow columns from ragged rows
    rows: CheckedRows
    problems: tuple[Problem, ...]


# The columns whose values `check_row` gives in their known spelling ('Era' → 'era').
_NORMALISED = ("type", "category", "certainty")


def validate(table: Table, dialect: Dialect = OUR_FORMAT) -> Validation:
    """Check a CSV's records against the contract. Blank records are skipped quietly."""
    records, delimiter = table.body, table.delimiter
    head = read_header(table.header.fields, records, dialect)
    problems = list(head.problems)
    names = head.names
    columns = tuple(n for n in names if n is not None)
    extras = tuple(n for n in columns if n not in head.positions)
    required_missing = any(c not in head.positions for c in schema.REQUIRED_COLUMNS)
    width = len(names)

    record_lines, fields, why_broken = (zip(*records) if records else ((), (), ()))
    columns_read = columns_by_position(fields, width, table.plain)
    by_position = [column.values for column in columns_read]
    broken = np.not_equal(object_array(why_broken, len(records)), None)
    blank = blank_rows(by_position, len(records))
    broken_blank = blank[broken[blank]]  # unreadable, not blank: said so below
    line = np.array(record_lines, dtype=np.int64)
    if len(blank) > len(broken_blank):  # blank rows: nothing to show, nothing lost
        kept = np.setdiff1d(np.arange(len(records)), np.setdiff1d(blank, broken_blank))
        by_position = [values[kept] for values in by_position]
        broken, line = broken[kept], line[kept]
        kept_records = [records[i] for i in kept.tolist()]
    else:
        kept_records = list(records)
    count = len(kept_records)
    lines = line.tolist()

    present = head.positions
    nothing = np.full(count, "", dtype=object)
    row = {c: by_position[present[c]] if c in present else nothing for c in schema.COLUMN_NAMES}
    raw = {name: by_position[i] for i, name in enumerate(names) if name is not None}
    taken = {c.lower() for c in columns} | set(RESERVED_COLUMNS)
    overflow: dict[int, str] = {}  # position beyond the header → its name in `raw`
    filled = {i: by_position[i] != "" for i in range(width, len(by_position))}
    # Named in the order the editor wrote them: by first row, then position.
    for _, i in sorted((int(filled[i].argmax()), i) for i in filled if filled[i].any()):
        overflow[i] = unique_name(f"column {column_letter(i)}", taken)
        raw[overflow[i]] = by_position[i]
    lost = np.logical_or.reduce([np.zeros(count, bool), *filled.values()])

    distinct = {c: Distinct(row[c]) for c in ("type", "actors", "category", "certainty")}
    parsed: dict[str, PartialDate | str] = {}  # each date text → what it reads as
    actor_names = [split_actors(value) for value in distinct["actors"].values]
    ascii = {c for c in schema.COLUMN_NAMES if c not in present or columns_read[present[c]].ascii}
    contract = ContractColumns(
        row, ascii, distinct, *read_dates(row["start"], row["end"], parsed),
        distinct["type"].each(map(KINDS.get, distinct["type"].values)), actor_names)
    keys = SpellingKeys()
    categories = Vocabulary(category_vocabulary(contract, present, keys))
    flagged = broken | lost | quick_pass.may_have_problems(contract, categories, present, dialect)

    # What the rows without problems are, read from the columns.
    start, end, kind = contract.start, contract.end, contract.kind
    title = kind == "title"
    start_date, end_date = start.parsed.copy(), end.parsed.copy()
    ongoing = ~title & end.ongoing
    first_day = start.first.copy()
    last_day = np.where(end.last >= 0, end.last, start.last)
    approximate = start.approximate | end.approximate
    uncertain = start.uncertain | end.uncertain
    clean = dict(row)
    clean["type"] = kind.copy()
    clean["category"] = row["category"].copy()
    clean["certainty"] = row["certainty"].copy()

    # The rows with no problem but a missing source: only that to say.
    unsourced = quick_pass.unsourced(contract, present, dialect) & ~flagged
    found: dict[int, list[Problem]] = {
        i: [warning(lines[i], "source", NO_SOURCE)] for i in np.flatnonzero(unsourced).tolist()}
    # The rows that may have other problems, one by one, as `check_row` says.
    read_date = parsed.__getitem__  # every date text of the file has been read
    first_use = ({c: distinct[c].first_lines(lines) for c in _NORMALISED}
                 if flagged.any() else {})
    for i in np.flatnonzero(flagged).tolist():
        record = kept_records[i]
        checks, clean_row, (start_i, end_i, ongoing[i]), kind[i] = check_row(
            record.line, {c: row[c][i] for c in schema.COLUMN_NAMES}, present, first_use,
            categories, dialect, read_date)
        values = [by_position[position][i] for position in range(len(record.fields))]
        if said := shape_problems(record, values, width, delimiter, checks):
            found[i] = said
        for column in _NORMALISED:
            clean[column][i] = clean_row[column]
        start_date[i], end_date[i] = start_i, end_i
        first_day[i] = start_i.first_day.toordinal() if start_i else NO_DATE
        last_day[i] = (end_i or start_i).last_day.toordinal() if start_i else NO_DATE
        approximate[i] = bool(start_i and start_i.approximate or end_i and end_i.approximate)
        uncertain[i] = bool(start_i and start_i.uncertain or end_i and end_i.uncertain)

    for i, problem in (duplicate_ids(row["id"], lines) | extra_title_rows(kind, lines)
                       | duplicate_categories(contract, lines)).items():
        found.setdefault(i, []).append(problem)
    problems.extend(p for i in sorted(found) for p in found[i])
    problems.extend(spelling_warnings(distinct["actors"], actor_names, lines, keys))
    problems.extend(colour_warnings(contract, lines))
    problems.extend(partly_translated(raw, kind, lines))
    if not count and not required_missing:
        problems.append(warning(None, None, "the file has a header but no events"))

    bad_lines = np.fromiter({p.line for p in problems if p.is_error and p.line is not None},
                            np.int64)
    # Title and category rows need no date: they are not on the chart.
    ok = ~np.isin(line, bad_lines) & ((first_day != NO_DATE) | (kind == "title") | (kind == "category"))
    checked = CheckedRows(line, raw, clean, start_date, end_date, ongoing,
                          ok & (not required_missing), kind, first_day, last_day,
                          approximate, uncertain,
                          dict(zip(distinct["actors"].values, actor_names)))
    extra_raw = tuple(overflow[i] for i in sorted(overflow))
    return Validation(columns, extras, columns + extra_raw, checked,
                      _as_written(problems, dialect))


def _as_written(problems: list[Problem], dialect: Dialect) -> tuple[Problem, ...]:
    """Problems naming the columns the editor wrote; one where two columns came from
    one; none that converting the file has said already."""
    if not dialect.labels:
        return tuple(problems)
    named = (replace(p, column=dialect.label(p.column)) if p.column else p for p in problems)
    return tuple(p for p in dict.fromkeys(named)
                 if p.column not in dialect.made_up and (p.line, p.column) not in dialect.said)
