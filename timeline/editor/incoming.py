"""Rows coming into the editor's table from outside, as pure functions: an uploaded
file, or rows pasted from a spreadsheet, read by the loader that reads the data file.

Both undo the app's own download: a cell it made inert with a leading `'` (so a
spreadsheet would not run it as a formula) gets its `'` back off, and the editor
is told how many cells, and where. A paste may come with the spreadsheet's header
row or without it; without one, its columns are the table's, in the table's order.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Sequence

from timeline.data import schema
from timeline.data.checks.text import clean_value
from timeline.data.csv_writing import FORMULA_STARTS
from timeline.data.loading import read_table
from timeline.data.report import Problem, Report, error, warning
from timeline.editor.rows import LINE_KEY, check_rows, table_from_bytes

PASTE_NAME = "the pasted rows"
MAX_PLACES_NAMED = 3  # cells named in the warning before "…"


@dataclass(frozen=True)
class Incoming:
    """Rows read from an upload or a paste, in their own columns, and what their
    check found (line numbers as the file or the paste counts them)."""
    rows: list[dict]
    columns: tuple[str, ...]
    report: Report
    restored: tuple[tuple[int, str], ...] = field(default=())  # (line, column) un-neutralised

    @property
    def readable(self) -> bool:
        """Whether there are rows to merge (a file with errors has them; one that is
        not a CSV at all has none)."""
        return bool(self.columns) and bool(self.rows)


def restore_formula(value: str) -> str:
    """The cell as it was before the download made it inert (`neutralise_formula`)."""
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_STARTS) else value


def restore_formulas(rows: Sequence[dict], columns: Sequence[str]
                     ) -> tuple[list[dict], tuple[tuple[int, str], ...]]:
    """The rows with every inert formula restored, and where each was: (line, column)."""
    restored, places = [], []
    for row in rows:
        fixed = dict(row)
        for column in columns:
            value = row.get(column)
            if isinstance(value, str) and restore_formula(value) != value:
                fixed[column] = restore_formula(value)
                places.append((row.get(LINE_KEY) or 0, column))
        restored.append(fixed)
    return restored, tuple(places)


def restored_warning(places: Sequence[tuple[int, str]]) -> Problem:
    """One warning for every cell whose leading `'` was removed."""
    named = ", ".join(f"line {line} ({column})" for line, column in places[:MAX_PLACES_NAMED])
    more = ", …" if len(places) > MAX_PLACES_NAMED else ""
    cells = "1 cell" if len(places) == 1 else f"{len(places)} cells"
    return warning(None, None, (
        f"removed the leading ' from {cells} starting '= '+ '- or '@ ({named}{more}): the "
        "app's download adds it so that spreadsheets do not run them as formulas"))


def read_upload(data: bytes, source_name: str = "upload") -> Incoming:
    """An uploaded file's rows as written, the download's apostrophes removed, checked."""
    table = table_from_bytes(data, source_name)
    columns = table.file_format.columns
    if not table.rows:
        return Incoming([], columns, table.report)
    rows, places = restore_formulas(table.rows, columns)
    if not places:
        return Incoming(table.rows, columns, table.report)
    # Checked again as restored: a formula may break a rule the inert text kept.
    rows, result = check_rows(rows, table.file_format)
    report = Report((restored_warning(places), *result.report.problems), result.report.rows)
    return Incoming(rows, columns, report, places)


def read_paste(text: str, table_columns: Sequence[str]) -> Incoming:
    """Rows copied from a spreadsheet (tab-separated, as Excel, LibreOffice and Google
    Sheets put them on the clipboard; comma- or semicolon-separated also read), with
    or without the header row."""
    if not text or not text.strip():
        return Incoming([], (), Report((error(None, None, "there is nothing to paste"),)))
    data = text.encode("utf-8")
    table = read_table(data)
    if isinstance(table, str):
        return Incoming([], (), Report((error(None, None, table),)))
    if not is_header(table.header.fields, table_columns):
        width = max(len(record.fields) for record in (table.header, *table.body))
        data = _header_line(table_columns[:width], table.delimiter) + data
    return read_upload(data, PASTE_NAME)


def is_header(fields: Sequence[str], table_columns: Sequence[str]) -> bool:
    """Whether a pasted first line names columns: most of its cells are column names
    (the table's or the contract's). A row of data may hold one by chance ('title'
    is also a `type`), not most."""
    names = {c.lower() for c in table_columns} | set(schema.COLUMN_NAMES)
    cells = [clean_value(f).lower() for f in fields if clean_value(f)]
    return bool(cells) and sum(cell in names for cell in cells) * 2 > len(cells)


def _header_line(columns: Sequence[str], delimiter: str) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerow(columns)
    return buffer.getvalue().encode("utf-8")
