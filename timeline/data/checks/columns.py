"""Whole columns: the machinery of the quick pass (`quick_pass`, `whole_file`).

Each function here takes whole columns (arrays of text, one item per row) and
answers for every row at once, so that a file of 100,000 rows is checked in
about the time it takes to read. What depends on a value alone (a date, a type,
a list of actors) is worked out once per distinct value (`Distinct`).
"""
from __future__ import annotations

import operator
from dataclasses import dataclass
from itertools import chain, zip_longest
from typing import Callable, Iterable, Mapping, NamedTuple, Sequence

import numpy as np
import pandas as pd

from timeline.data import schema
from timeline.data.checks.text import INVISIBLE_SPACES, clean_value, spelling_key
from timeline.data.dates import PartialDate, parse_partial_date, parse_plain_dates

# Spreadsheets' invisible spaces, and a line break's '\r': a column holding one
# is cleaned value by value, any other with one str.strip over the column.
_NEEDS_FULL_CLEAN = ("\r", *INVISIBLE_SPACES)
NO_DATE, NOT_A_DATE = -1, -2  # day numbers of an empty (or '..') date and of a wrong one


def object_array(values: Iterable[object], count: int) -> np.ndarray:
    """A one-dimensional array of Python objects (np.array would unpack tuples)."""
    return np.fromiter(values, dtype=object, count=count)


def mask(test: Callable[[str], object], values: np.ndarray) -> np.ndarray:
    """Whether test(value) is true, for every value."""
    return np.fromiter(map(test, values), dtype=bool, count=len(values))


class CleanColumn(NamedTuple):
    values: np.ndarray  # clean_value of each value
    ascii: bool         # whether every value is plain ASCII (most columns of most files)


def _clean_column(values: np.ndarray, plain: bool) -> CleanColumn:
    written = values.tolist()
    if written and not written[0] and written.count("") == len(written):
        return CleanColumn(values, True)  # an empty column: many files have several
    # In plain text (ASCII, no '\r'), str.strip does all that clean_value would.
    cleaned = list(map(str.strip, written))
    ascii = plain
    if not plain:
        text = "".join(cleaned)
        if any(char in text for char in _NEEDS_FULL_CLEAN):  # a search per character is quickest
            cleaned = list(map(clean_value, written))
        ascii = text.isascii()
    # Most columns have nothing to clean: kept as they are, not copied.
    return CleanColumn(values if cleaned == written else object_array(cleaned, len(cleaned)),
                       ascii)


def columns_by_position(fields: Sequence[Sequence[str]], width: int, plain: bool
                        ) -> list[CleanColumn]:
    """Each column position's cleaned values, one per record ('' where a record
    is short): the header's positions, then any that longer records add."""
    count = len(fields)
    if count and len(set(map(len, fields))) == 1:
        # The columns of one array of all the values, row after row: quicker to make
        # than any other way.
        width_read = len(fields[0])
        grid = object_array(chain.from_iterable(fields), count * width_read)
        columns = list(grid.reshape(count, width_read).T)
    else:
        columns = [object_array(values, count) for values in zip_longest(*fields, fillvalue="")]
    columns += [np.full(count, "", dtype=object) for _ in range(width - len(columns))]
    return [_clean_column(values, plain) for values in columns]


def blank_rows(columns: Sequence[np.ndarray], count: int) -> np.ndarray:
    """The rows with no value in any column; most rows are ruled out by their first."""
    blank = np.arange(count)
    for values in columns:
        if not len(blank):
            break
        blank = blank[values[blank] == ""]
    return blank


class Distinct:
    """A column as its distinct values, in the order first seen, and each row's
    index into them: what depends on the value alone is worked out once."""

    def __init__(self, column: np.ndarray):
        codes, distinct = pd.factorize(column)
        self.codes: np.ndarray = codes
        self.values: list[str] = distinct.tolist()
        # A value's index is one more than any before it: so its first row is where
        # the running highest index goes up.
        rising = np.diff(np.maximum.accumulate(codes), prepend=-1) > 0
        self.first_row: np.ndarray = np.flatnonzero(rising)

    def each(self, results: Iterable[object], dtype: type = object) -> np.ndarray:
        """Each row's result, from the results for the distinct values."""
        return np.fromiter(results, dtype=dtype, count=len(self.values))[self.codes]

    def where(self, test: Callable[[str], object]) -> np.ndarray:
        """Whether test(value) is true, for every row."""
        return self.each(map(test, self.values), bool)

    def first_lines(self, lines: list[int]) -> dict[str, int]:
        """Each value (but the empty one) → the first line it is on."""
        found = dict(zip(self.values, (lines[i] for i in self.first_row.tolist())))
        found.pop("", None)
        return found


class EmptyCells(dict):
    """Column → whether each row's value is empty, worked out on first need (from
    the distinct values, for a column that has them)."""

    def __init__(self, row: Mapping[str, np.ndarray], distinct: Mapping[str, Distinct]):
        super().__init__()
        self.row = row
        self.distinct = distinct

    def __missing__(self, column: str) -> np.ndarray:
        distinct = self.distinct.get(column)
        empty = self[column] = (self.row[column] == "" if distinct is None
                                else distinct.where(operator.not_))
        return empty


class SpellingKeys(dict):
    """spelling_key of each value asked for, worked out once."""

    def __missing__(self, value: str) -> str:
        key = self[value] = spelling_key(value)
        return key


class DateColumn(NamedTuple):
    """A date column read: for every row, what parse_partial_date made of it."""
    parsed: np.ndarray       # a PartialDate, a message saying why not, or None ('' or '..')
    first: np.ndarray        # its first day as an ordinal, or NO_DATE or NOT_A_DATE
    last: np.ndarray         # its last day, likewise
    ongoing: np.ndarray      # whether it is '..'
    approximate: np.ndarray
    uncertain: np.ndarray


def read_dates(start: np.ndarray, end: np.ndarray, parsed: dict[str, PartialDate | str]
               ) -> tuple[DateColumn, DateColumn]:
    """The start and end columns read, each distinct text of the two once; every
    date text is kept in `parsed` (for the rows read one by one)."""
    distinct = Distinct(np.concatenate([start, end]))
    texts = distinct.values
    dates, first, last, approximate, uncertain = parse_plain_dates(texts)
    position = dict(zip(texts, range(len(texts))))
    empty = [position[text] for text in ("", schema.ONGOING) if text in position]
    first[empty] = last[empty] = NO_DATE
    unusual = [i for i, date in enumerate(dates) if date is None and i not in empty]
    for i in unusual:  # a wrong date, or one written in an unusual way
        dates[i] = date = parse_partial_date(texts[i])
        if isinstance(date, PartialDate):
            first[i], last[i] = date.first_day.toordinal(), date.last_day.toordinal()
            approximate[i], uncertain[i] = date.approximate, date.uncertain
        else:
            first[i] = last[i] = NOT_A_DATE
    parsed.update(zip(texts, dates))
    for text in ("", schema.ONGOING):  # no date to read
        parsed.pop(text, None)
    each_date, ongoing = distinct.each(dates), distinct.where(schema.ONGOING.__eq__)

    def column(rows: slice) -> DateColumn:
        codes = distinct.codes[rows]
        return DateColumn(each_date[rows], first[codes], last[codes], ongoing[rows],
                          approximate[codes], uncertain[codes])

    return column(slice(0, len(start))), column(slice(len(start), None))


@dataclass
class ContractColumns:
    """The file's rows in the contract's columns, and what is worked out from them."""
    row: dict[str, np.ndarray]          # contract column → values ('' if it is absent)
    ascii: set[str]                     # the columns known to hold only ASCII
    distinct: dict[str, Distinct]       # for the columns whose values repeat
    start: DateColumn
    end: DateColumn
    kind: np.ndarray                    # the row's type, or None if it is not one
    actor_names: list[tuple[str, ...]]  # split_actors of each distinct actors value


