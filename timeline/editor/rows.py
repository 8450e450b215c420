"""The editor's table, as pure functions: file bytes ↔ grid rows, and problems per cell.

The grid holds the file as written (every column, extras included); its rows
go back through the very loader `python -m timeline validate` uses, so the
editor marks the same problems in the same words.
"""
from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from timeline.data.csv_writing import line_ending_of, neutralise_row, row_lines, serialise_rows
from timeline.data.loading import (
    Frames,
    LoadResult,
    load_events_from_table,
    load_written_from_bytes,
)
from timeline.data.report import Report
from timeline.data.table import Record
from timeline.data.table import Table as CsvTable
from timeline.memory import cycle_collector_paused

ROW_KEY = "__row"            # the grid's own id for a row; never written to the file
PROBLEMS_KEY = "__problems"  # column (or ROW_KEY for the whole row) → message
LINE_KEY = "__line"          # the line the row starts on, as the messages count them
GRID_KEYS = (ROW_KEY, PROBLEMS_KEY, LINE_KEY)
BYTE_ORDER_MARK = b"\xef\xbb\xbf"

_row_numbers = itertools.count(1)


@dataclass(frozen=True)
class FileFormat:
    """How the file was written, so a save writes it the same way (but in UTF-8)."""
    columns: tuple[str, ...]
    delimiter: str = ","
    line_ending: str = "\n"
    byte_order_mark: bool = False

    def to_dict(self) -> dict:
        return {"columns": list(self.columns), "delimiter": self.delimiter,
                "line_ending": self.line_ending, "byte_order_mark": self.byte_order_mark}

    @classmethod
    def from_dict(cls, values: Mapping) -> FileFormat:
        return cls(tuple(values["columns"]), values["delimiter"], values["line_ending"],
                   bool(values["byte_order_mark"]))


@dataclass(frozen=True)
class Table:
    file_format: FileFormat
    rows: list[dict]
    result: LoadResult  # the loader's reading of the same bytes: its report and `raw`
    # The same rows as the file has them, column → text (no grid keys): what
    # table_delta.BaseTables keeps of a version, so it needs no copy of its own.
    file_rows: list[dict] = field(default_factory=list, repr=False)

    @property
    def report(self) -> Report:
        return self.result.report


def new_row_key() -> str:
    return f"r{next(_row_numbers)}"


def table_from_bytes(data: bytes, source_name: str = "events.csv") -> Table:
    result = load_written_from_bytes(data, source_name)  # no chart's frames: 15% sooner
    columns = tuple(c for c in result.raw.columns if c != "line") or tuple(result.columns)
    file_format = FileFormat(columns, result.delimiter or ",", line_ending_of(data),
                             data.startswith(BYTE_ORDER_MARK))
    with cycle_collector_paused():  # 20,000 dicts at 10,000 rows, and no cycles
        # Column by column (DataFrame.to_dict took half a second at 10,000 rows).
        values = [[v if type(v) is str else str(v) for v in result.raw[c].tolist()]
                  for c in columns]
        file_rows = [dict(zip(columns, row)) for row in zip(*values)]
        lines = _loaded_lines(result, len(file_rows))
        if lines is None:
            lines = row_lines(columns, file_rows, file_format.delimiter)
        problems = problems_by_place(result.report, lines, columns)
        # Each row made once, with its marks (not marked in a copy, as mark_problems does).
        rows = [{ROW_KEY: new_row_key(), **row, PROBLEMS_KEY: problems.get(place, {}),
                 LINE_KEY: lines[place]} for place, row in enumerate(file_rows)]
    return Table(file_format, rows, result, file_rows)


def _loaded_lines(result: LoadResult, count: int) -> list[int] | None:
    """The line each row starts on, as the loader counted it reading the file (the
    lines its messages name); None when it has none for every row."""
    if "line" not in result.raw.columns or len(result.raw) != count:
        return None
    return [int(line) for line in result.raw["line"].tolist()]


def rows_to_bytes(rows: Sequence[Mapping], file_format: FileFormat) -> bytes:
    return serialise_rows(file_format.columns, rows, delimiter=file_format.delimiter,
                          line_ending=file_format.line_ending,
                          byte_order_mark=file_format.byte_order_mark)


def download_bytes(rows: Sequence[Mapping], file_format: FileFormat) -> bytes:
    """The rows as a CSV to open in a spreadsheet, every cell it would run as a formula
    made inert: what every download from the editor sends."""
    inert = [neutralise_row({c: row.get(c) for c in file_format.columns}) for row in rows]
    return serialise_rows(file_format.columns, inert, delimiter=file_format.delimiter,
                          line_ending=file_format.line_ending)


def check_rows(rows: Sequence[Mapping], file_format: FileFormat,
               frames: Frames = "raw") -> tuple[list[dict], LoadResult]:
    """The rows with their problems attached, and the loader's result for them
    (`frames="report"`: the problems alone, a third quicker)."""
    lines = row_lines(file_format.columns, rows, file_format.delimiter)
    # The rows go to the loader as the records it would read from their CSV, on
    # the lines it would count: what the file would say, without writing it.
    columns = file_format.columns
    records = [Record(line, [value if type(value) is str else _cell_text(value)
                             for value in map(row.get, columns)])
               for line, row in zip(lines, rows)]
    table = CsvTable(Record(1, columns), records, "utf-8", file_format.delimiter, ())
    result = load_events_from_table(table, frames)
    return mark_problems(rows, file_format, result.report, lines), result


def _cell_text(value: object) -> str:
    return "" if value is None else str(value)  # JSON brings no NaN


def mark_problems(rows: Sequence[Mapping], file_format: FileFormat,
                  report: Report, lines: list[int] | None = None) -> list[dict]:
    if lines is None:
        lines = row_lines(file_format.columns, rows, file_format.delimiter)
    problems = problems_by_place(report, lines, file_format.columns)
    return [{**row, PROBLEMS_KEY: problems.get(index, {}), LINE_KEY: lines[index]}
            for index, row in enumerate(rows)]


def problems_by_place(report: Report, lines: Sequence[int],
                      columns: Sequence[str]) -> dict[int, dict[str, str]]:
    """The rows' problems (rows by place, where the row starting on `lines[place]`
    has any): column, or ROW_KEY for the whole row, → what is wrong."""
    by_line = {line: index for index, line in enumerate(lines)}
    known = set(columns)
    problems: dict[int, dict[str, str]] = {}
    for problem in report.problems:
        index = by_line.get(problem.line) if problem.line else None
        if index is None:
            continue
        column = problem.column if problem.column in known else ROW_KEY
        cell = problems.setdefault(index, {})
        message = f"{problem.severity}: {problem.message}"
        cell[column] = f"{cell[column]}; {message}" if column in cell else message
    return problems


def blank_row(file_format: FileFormat) -> dict:
    return {ROW_KEY: new_row_key(), **{c: "" for c in file_format.columns}}


def duplicate_row(row: Mapping, existing_ids: set[str]) -> dict:
    """A copy with a fresh id ('x-copy', 'x-copy-2', …), since ids must stay unique."""
    copy = {k: v for k, v in row.items() if k not in GRID_KEYS}
    copy[ROW_KEY] = new_row_key()
    if "id" in copy and copy["id"]:
        base, number = f"{copy['id']}-copy", 2
        candidate = base
        while candidate in existing_ids:
            candidate, number = f"{base}-{number}", number + 1
        copy["id"] = candidate
    return copy


def duplicate_rows(rows: Sequence[Mapping], selected: Sequence[Mapping]) -> list[dict]:
    """Copies of the `selected` rows, each id unique among `rows` and the copies."""
    ids = {str(r.get("id", "")) for r in rows}
    copies = []
    for row in selected:
        copies.append(duplicate_row(row, ids))
        ids.add(str(copies[-1].get("id", "")))
    return copies


def row_change(rows: Sequence[Mapping], marked: Sequence[Mapping], added: Sequence[Mapping],
               removed: Sequence[str], updated: Sequence[str] = ()) -> dict:
    """What the browser's table changes (editor.js applyChange) once `rows` became
    `marked` (checked, `added` at the end, the keys `removed` gone): the rows added,
    those removed, and the marks that changed. Rows themselves are never sent back,
    only their marks: the editor may have typed more since the check was asked for,
    and a row from it would overwrite that (the browser merges the marks). The
    exception is the keys `updated`: rows an upload or a paste rewrote, sent whole."""
    fresh, rewritten = {r[ROW_KEY] for r in added}, set(updated)
    before = {r[ROW_KEY]: (r.get(PROBLEMS_KEY), r.get(LINE_KEY)) for r in rows}
    return {"add": [r for r in marked if r[ROW_KEY] in fresh],
            "remove": [{ROW_KEY: key} for key in removed],
            "update": [r for r in marked if r[ROW_KEY] in rewritten],
            "marks": [[r[ROW_KEY], r[PROBLEMS_KEY], r[LINE_KEY]] for r in marked
                      if r[ROW_KEY] in before and r[ROW_KEY] not in rewritten
                      and before[r[ROW_KEY]] != (r[PROBLEMS_KEY], r[LINE_KEY])]}
