"""A CSV file's records, before anyone judges them: what `loading.read_table`
makes of the bytes, what the TimelineJS adapter converts, and what
`validation.validate` checks.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple, Sequence

from timeline.data.report import Problem


class Record(NamedTuple):  # a tuple: a file may have 100,000 of them, made in one go
    """One record as the CSV reader split it, on the line where it starts."""
    line: int
    fields: Sequence[str]
    # Why the reader could not split this record properly (e.g. a quote never closed).
    broken: str | None = None


@dataclass(frozen=True)
class Table:
    """A CSV file's records, before anyone judges them."""
    header: Record
    body: list[Record]
    encoding: str
    delimiter: str
    # How it was read (e.g. not UTF-8); for a converted sheet, also what converting said.
    notes: tuple[Problem, ...]
    # ASCII text, each record on one line: no value holds an invisible space or a '\r'.
    plain: bool = False
