"""The editor's table as the browser sends it: what changed since a version on
disk, not every row (issue 16: 10,000 rows are 7 MB of JSON, sent with every
keystroke's check).

The browser (grid-state.js `tableDelta`) keeps a baseline, the rows of a saved
version in file order, and sends:
- `base`: that version's content hash (None when it has no baseline on disk);
- `baseKeys`: the baseline's row keys, in file order, as runs (see `expand_keys`);
- `order`: the table's row keys now, in the table's order, as runs;
- `rows`: the values of every row that is new or differs from its baseline row.

The server reads the base version from the file or its history (kept in a small
cache per worker, keyed by content hash) and puts the table back together. When it
cannot (that version is gone, or the baseline does not match it), `NeedsRows` asks
the browser for every row once.
"""
from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import flask
from typing_extensions import NotRequired, TypedDict  # pydantic reads these on Python < 3.12

from timeline.data.history import find_version
from timeline.data_store import content_version
from timeline.editor.quick_check import Checked, validate_rows
from timeline.editor.rows import (
    LINE_KEY,
    PROBLEMS_KEY,
    ROW_KEY,
    FileFormat,
    Table,
    table_from_bytes,
)

# A run of keys: a key as it is, or [prefix, first, last] for prefix+first … prefix+last.
KeyRun = str | tuple[str, int, int]
TableDelta = TypedDict("TableDelta", {
    "base": str | None, "baseKeys": list[KeyRun], "order": list[KeyRun],
    "rows": dict[str, dict[str, str]], "action": str, "selected": list[str], "at": float,
    # The page's tab, named at random when it loads (turns.TabTurns).
    "tab": NotRequired[str]})

BASE_TABLES_KEY = "timeline-editor-base-tables"  # in the Flask server's extensions
CACHED_VERSIONS = 4  # a page's version, the one saved after it, and a colleague's


class NeedsRows(Exception):
    """The table cannot be put back together from this delta: send every row."""


def expand_keys(runs: list[KeyRun]) -> list[str]:
    keys: list[str] = []
    for run in runs:
        if isinstance(run, str):
            keys.append(run)
        else:
            prefix, first, last = run
            if last - first > 10_000_000:
                raise NeedsRows("a run of keys longer than any table")
            keys.extend(f"{prefix}{number}" for number in range(int(first), int(last) + 1))
    return keys


@dataclass
class BaseTable:
    file_format: FileFormat
    rows: list[Mapping[str, str]]  # column → text, in file order
    _checked: Checked | None = None

    def checked(self) -> Checked:
        """Its validation, once (what the quick check keeps for the rows not changed)."""
        if self._checked is None:
            self._checked = validate_rows(self.rows, self.file_format.columns,
                                          self.file_format.delimiter)
        return self._checked


@dataclass(frozen=True)
class TableNow:
    """The browser's table put back together."""
    keys: list[str]                           # its rows' keys, in the table's order
    sent: dict[int, dict]                     # place → row ({ROW_KEY: key, column: text})
                                              # for the rows that came whole: new or changed
    base_rows: Mapping[str, Mapping[str, str]]  # the others, by key, as the version has them
    base: BaseTable | None                    # that version, when its rows kept their places

    @cached_property
    def rows(self) -> list[dict]:
        """Every row, {ROW_KEY: key, column: text}, in the table's order."""
        return [self.sent.get(place) or {ROW_KEY: key, **self.base_rows[key]}
                for place, key in enumerate(self.keys)]


@dataclass
class BaseTables:
    """The tables of recent versions, read once per worker: version → BaseTable."""
    data_path: Path
    size: int = CACHED_VERSIONS

    def __post_init__(self) -> None:
        self._tables: OrderedDict[str, BaseTable] = OrderedDict()
        self._lock = threading.Lock()

    def remember(self, version: str, file_format: FileFormat,
                 rows: Sequence[Mapping[str, str]]) -> None:
        """Keep `rows` (the grid's, or any with the format's columns) as `version`."""
        self.keep(version, BaseTable(file_format, [{c: row.get(c, "") for c in
                                                    file_format.columns} for row in rows]))

    def remember_table(self, version: str, table: Table) -> None:
        """Keep a table read from `version`'s bytes: its rows as the file has them,
        not copied (a tenth of a second at 100,000 rows)."""
        if len(table.file_rows) != len(table.rows):  # made without them
            self.remember(version, table.file_format, table.rows)
        else:
            self.keep(version, BaseTable(table.file_format, table.file_rows))

    def keep(self, version: str, table: BaseTable) -> None:
        with self._lock:
            self._tables[version] = table
            self._tables.move_to_end(version)
            while len(self._tables) > self.size:
                self._tables.popitem(last=False)

    def table(self, version: str) -> BaseTable | None:
        with self._lock:
            if version in self._tables:
                self._tables.move_to_end(version)
                return self._tables[version]
        data = self._bytes_of(version)
        if data is None:
            return None
        self.remember_table(version, table_from_bytes(data, self.data_path.name))
        return self.table(version)

    def _bytes_of(self, version: str) -> bytes | None:
        try:
            data = self.data_path.read_bytes()
        except OSError:
            data = None
        if data is not None and content_version(data) == version:
            return data
        return find_version(self.data_path, version)


def base_tables(server: flask.Flask) -> BaseTables:
    """The editor's cache of base tables, one per server (so per worker)."""
    return server.extensions[BASE_TABLES_KEY]


def table_rows(delta: TableDelta, bases: BaseTables, columns: tuple[str, ...]) -> list[dict]:
    """The browser's table, row by row ({ROW_KEY: key, column: text}), in its order."""
    return table_now(delta, bases, columns).rows


def unchanged(delta: TableDelta) -> bool:
    """Whether the table is its base version as it is: no row sent, none moved."""
    return (delta["base"] is not None and not delta["rows"]
            and delta["order"] == delta["baseKeys"])


def table_now(delta: TableDelta, bases: BaseTables, columns: tuple[str, ...]) -> TableNow:
    """The browser's table, and what it started from."""
    sent = delta["rows"]
    base_rows: dict[str, Mapping[str, str]] = {}
    base, base_keys = None, []
    if delta["base"] is not None:
        base = bases.table(delta["base"])
        base_keys = expand_keys(delta["baseKeys"])
        if base is None or len(base.rows) != len(base_keys):
            raise NeedsRows("the baseline is not the version on disk")
        if base.file_format.columns == columns:
            base_rows = dict(zip(base_keys, base.rows))
        else:  # a paste or an upload brought columns or took some away
            base_rows = {key: {c: row.get(c, "") for c in columns}
                         for key, row in zip(base_keys, base.rows)}
    keys = expand_keys(delta["order"])
    whole = {}
    for place, key in enumerate(keys):
        values = sent.get(key)
        if values is not None:
            whole[place] = {ROW_KEY: key, **{c: str(values.get(c) or "") for c in columns}}
        elif key not in base_rows:
            raise NeedsRows(f"row {key} is neither sent nor in the baseline")
    # The quick check reads rows in their places: only when the version's are kept.
    kept = (base is not None and keys[:len(base_keys)] == base_keys
            and base.file_format.columns == columns)
    return TableNow(keys, whole, base_rows, base if kept else None)


_NUMBERED = re.compile(r"(.*?)(\d+)")


def key_runs(keys: Sequence[str]) -> list[KeyRun]:
    """`keys` as runs (`expand_keys` reads them back): a table's keys are mostly
    numbered in order (r1, r2, …), so 10,000 of them are a run or a few."""
    runs: list = []
    for key in keys:
        last = runs[-1] if runs else None
        # The next of the run, as most keys are: no pattern to match.
        if isinstance(last, list) and key == f"{last[0]}{last[2] + 1}":
            last[2] += 1
            continue
        match = _NUMBERED.fullmatch(key)
        if match and (key[0] != "0") and not match[2].startswith("0"):
            prefix, number = match[1], int(match[2])
            last = runs[-1] if runs else None
            if isinstance(last, list) and last[0] == prefix and last[2] == number - 1:
                last[2] = number
                continue
            runs.append([prefix, number, number])
        else:
            runs.append(key)
    return [run if isinstance(run, str) else tuple(run) for run in runs]


def line_runs(lines: Sequence[int]) -> list[tuple[int, int]]:
    """Lines as [first, count] runs of consecutive lines (a row with a line break
    in a cell starts a new run)."""
    runs: list[list[int]] = []
    for line in lines:
        if runs and runs[-1][0] + runs[-1][1] == line:
            runs[-1][1] += 1
        else:
            runs.append([line, 1])
    return [(first, count) for first, count in runs]


def marks_answer(keys: Sequence[str], lines: Sequence[int],
                 problems: Mapping[int, Mapping[str, str]], added: Sequence[Mapping],
                 removed: Sequence[str]) -> dict:
    """What the browser's table changes once checked (editor.js applyChange): the
    rows added (with their marks) and removed, and every row's marks (its problems,
    where it has any, and its line), by its place in `order`. Rows themselves are
    never sent back, only their marks: the editor may have typed more since the
    check was asked for."""
    at = {key: place for place, key in enumerate(keys[len(keys) - len(added):],
                                                 len(keys) - len(added))}
    return {"add": [{**row, PROBLEMS_KEY: dict(problems.get(at[row[ROW_KEY]], {})),
                     LINE_KEY: lines[at[row[ROW_KEY]]]} for row in added],
            "remove": [{ROW_KEY: key} for key in removed], "update": [],
            "order": key_runs(keys), "lines": line_runs(lines),
            "problems": {str(place): found for place, found in problems.items() if found}}

