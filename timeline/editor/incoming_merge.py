"""Rows from an upload or a paste merged into the editor's table, as pure functions.

Two ways, and the editor chooses:
- **update and add by id** (the default): a row whose id is in the table updates
  that row (the columns the incoming rows have, and only those), a new id is
  added at the end, and nothing is removed;
- **replace everything**: the table becomes the incoming rows, and every row of
  the table they do not hold is removed (the page says how many first).

Rows without an id match too when they can only be one row: the title row
matches the title row, an era the era of the same title. Any other row without
an id is added, and a second row with an id already given is added as it is
(the check then says the id is used twice): nothing the editor brought is lost.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Mapping, Sequence

from timeline.editor.rows import GRID_KEYS, ROW_KEY, new_row_key

MergeMode = Literal["merge", "replace"]
MAX_NAMED = 3  # rows named in a summary before "…"


@dataclass(frozen=True)
class Merge:
    """The table after a merge, and what the merge did to it."""
    rows: list[dict]             # grid rows: kept rows keep their ROW_KEY, new rows get one
    columns: tuple[str, ...]
    added: tuple[str, ...]       # each added row's name (its id, or how it reads)
    updated: tuple[str, ...]     # rows whose values changed
    removed: tuple[str, ...]
    unchanged: int               # rows matched whose values were already these
    before: int                  # rows in the table before

    @property
    def removes_much(self) -> bool:
        """Whether it removes more than a quarter of the table: worth a second 'yes'."""
        return len(self.removed) * 4 > self.before

    def summary(self) -> str:
        """'updates 1 row (bridge-vote), adds 2 (a, b), removes 27 of 28'."""
        parts = []
        if self.updated:
            parts.append(f"updates {_rows(len(self.updated))} ({_named(self.updated)})")
        if self.added:
            parts.append(f"adds {_rows(len(self.added))} ({_named(self.added)})")
        parts.append(f"removes {len(self.removed)} of {_rows(self.before)}" if self.removed
                     else "removes nothing")
        if self.unchanged:
            parts.append(f"leaves {_rows(self.unchanged)} as "
                         f"{'it is' if self.unchanged == 1 else 'they are'}")
        return ", ".join(parts)


def row_identity(row: Mapping) -> str | None:
    """What matches an incoming row to a row of the table: its id, or, for the
    title row and an era without one, what it is. None: this row matches none."""
    row_id = str(row.get("id") or "").strip()
    if row_id:
        return row_id
    kind = str(row.get("type") or "").strip().lower()
    if kind == "title":
        return "the title row"
    title = str(row.get("title") or "").strip()
    if kind == "era" and title:
        return f"era '{title}'"
    return None


def update_and_add(table: Sequence[Mapping], table_columns: Sequence[str],
                   incoming: Sequence[Mapping], incoming_columns: Sequence[str]) -> Merge:
    columns = _joined(table_columns, incoming_columns)
    rows = [_grid_row(row, columns, row[ROW_KEY]) for row in table]
    position = {}
    for index, row in enumerate(rows):
        position.setdefault(row_identity(row), index)
    position.pop(None, None)
    added, updated, unchanged, matched = [], [], 0, set()
    for new in incoming:
        identity = row_identity(new)
        if identity in position and identity not in matched:
            matched.add(identity)
            old = rows[position[identity]]
            merged = {**old, **{c: _text(new.get(c)) for c in incoming_columns}}
            if merged == old:
                unchanged += 1
            else:
                rows[position[identity]] = merged
                updated.append(identity)
        else:
            rows.append(_grid_row(new, columns, new_row_key()))
            added.append(_name(new, len(rows)))
    return Merge(rows, columns, tuple(added), tuple(updated), (), unchanged, len(table))


def replace_all(table: Sequence[Mapping], table_columns: Sequence[str],
                incoming: Sequence[Mapping], incoming_columns: Sequence[str]) -> Merge:
    columns = tuple(incoming_columns)
    both = _joined(table_columns, columns)  # a column dropped changes the rows that had one
    first = {}  # identity → the index of the first table row that has it
    for index, row in enumerate(table):
        first.setdefault(row_identity(row), index)
    first.pop(None, None)
    rows, added, updated, unchanged, kept = [], [], [], 0, set()
    for new in incoming:
        row = _grid_row(new, columns, new_row_key())
        rows.append(row)
        identity = row_identity(new)
        if identity in first and first[identity] not in kept:
            kept.add(first[identity])
            if _values(table[first[identity]], both) == _values(row, both):
                unchanged += 1
            else:
                updated.append(identity)
        else:
            added.append(_name(new, len(rows)))
    removed = tuple(_name(row, index + 1) for index, row in enumerate(table) if index not in kept)
    return Merge(rows, columns, tuple(added), tuple(updated), removed, unchanged, len(table))


def merge_rows(mode: MergeMode, table: Sequence[Mapping], table_columns: Sequence[str],
               incoming: Sequence[Mapping], incoming_columns: Sequence[str]) -> Merge:
    merge = replace_all if mode == "replace" else update_and_add
    return merge(table, table_columns, incoming, incoming_columns)


def _joined(first: Sequence[str], second: Sequence[str]) -> tuple[str, ...]:
    """The table's columns, then any new ones the incoming rows bring (nothing dropped)."""
    return tuple(dict.fromkeys([*first, *second]))


def _grid_row(row: Mapping, columns: Sequence[str], key: str) -> dict:
    """A row of the table's grid: its key and every column (blank where it has none)."""
    return {ROW_KEY: key, **{c: _text(row.get(c)) for c in columns}}


def _values(row: Mapping, columns: Sequence[str]) -> tuple[str, ...]:
    return tuple(_text(row.get(c)) for c in columns if c not in GRID_KEYS)


def _name(row: Mapping, number: int) -> str:
    return row_identity(row) or str(row.get("title") or "").strip() or f"row {number}"


def _text(value: object) -> str:
    return "" if value is None or value != value else str(value)  # NaN from a grid


def _rows(count: int) -> str:
    return "1 row" if count == 1 else f"{count} rows"


def _named(names: Sequence[str]) -> str:
    return ", ".join(names[:MAX_NAMED]) + (", …" if len(names) > MAX_NAMED else "")
