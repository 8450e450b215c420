"""The header line: column names as editors write them (any case, spaces around,
twice, misspelt, missing), matched to the contract's columns in `schema`.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from timeline.data import schema
from timeline.data.checks.dialect import OUR_FORMAT, Dialect
from timeline.data.checks.text import clean_value, column_letter
from timeline.data.report import Problem, error, warning
from timeline.data.table import Record

RESERVED_COLUMNS = ("line",)  # added by the loader to every raw row


@dataclass
class Header:
    """What the header line says: every position's name, and where the contract's columns are."""
    names: list[str | None] = field(default_factory=list)  # per position; None = dropped
    positions: dict[str, int] = field(default_factory=dict)  # contract column → position
    problems: list[Problem] = field(default_factory=list)


def unique_name(name: str, taken: set[str]) -> str:
    """`name`, or `name.1`, `name.2` …: the first not `taken` (ignoring case), now taken."""
    candidate, n = name, 0
    while candidate.lower() in taken:
        n += 1
        candidate = f"{name}.{n}"
    taken.add(candidate.lower())
    return candidate


def _has_values(records: Sequence[Record], index: int) -> int | None:
    """The first line with a value in column `index`, or None."""
    for record in records:
        if index < len(record.fields) and clean_value(record.fields[index]):
            return record.line
    return None


def read_header(fields: Sequence[str], records: Sequence[Record],
                dialect: Dialect = OUR_FORMAT) -> Header:
    """Each header position's name (made unique) and the contract column it is, if any."""
    header = Header()
    taken: set[str] = set(RESERVED_COLUMNS)
    first_seen: dict[str, int] = {}
    unknown: list[str] = []
    for index, raw_name in enumerate(fields):
        name = clean_value(raw_name)
        key = name.lower()
        letter = column_letter(index)
        if not name:
            line = _has_values(records, index)
            if line is None:  # an empty column Excel left behind: nothing to keep
                header.names.append(None)
                continue
            header.names.append(unique_name(f"column {letter}", taken))
            header.problems.append(warning(1, None, (
                f"column {letter} has no name in the header but holds values (first on line "
                f"{line}); they are kept but not used. Give the column a name or delete it")))
            continue
        if key in first_seen:
            header.names.append(unique_name(name, taken))
            header.problems.append(warning(1, key if key in schema.COLUMNS_BY_NAME else name, (
                f"the header names '{name}' twice (columns {column_letter(first_seen[key])} and "
                f"{letter}); only column {column_letter(first_seen[key])} is used, column "
                f"{letter} is kept but ignored. Delete or rename one of them")))
            continue
        first_seen[key] = index
        if key in schema.COLUMNS_BY_NAME:
            header.positions[key] = index
            header.names.append(unique_name(key, taken))
        elif key in schema.LANGUAGE_COLUMNS:  # known, optional, read by name (loading)
            header.names.append(unique_name(key, taken))
        else:
            header.names.append(unique_name(name, taken))
            unknown.append(name)
    missing = [c for c in schema.REQUIRED_COLUMNS if c not in header.positions]
    for column in missing:
        hint = _similar_column(column, unknown)
        header.problems.append(error(1, column, (
            f"the header has no '{column}' column, which every timeline needs"
            + (f"; is '{hint}' meant to be it? Rename it to '{column}'" if hint else
               f"; add a column named '{column}'"))))
    if unknown:
        listed = ", ".join(f"'{name}'" for name in unknown)
        hints = [f"'{n}' → '{h}'" for n in unknown
                 if (h := _similar_column(n, schema.COLUMN_NAMES)) and h not in header.positions]
        header.problems.append(warning(1, None, (
            f"unknown column{'s' if len(unknown) > 1 else ''} {listed}: kept in the file but not "
            f"used by the timeline"
            + (f" (if you meant a known column, rename it: {', '.join(hints)})" if hints else ""))))
    if dialect.expects_source and "source" not in header.positions:
        header.problems.append(warning(1, "source", (
            "the header has no 'source' column, so no event says who reported it; "
            "add a 'source' column")))
    return header


def _similar_column(name: str, candidates: Iterable[str]) -> str | None:
    """The candidate that is `name` with a typo or spaces ('Source URL' ~ 'source_url')."""
    by_key = {re.sub(r"[\s\-]+", "_", c.strip().lower()): c for c in candidates}
    key = re.sub(r"[\s\-]+", "_", name.strip().lower())
    close = difflib.get_close_matches(key, list(by_key), n=1, cutoff=0.75)
    return by_key[close[0]] if close else None

