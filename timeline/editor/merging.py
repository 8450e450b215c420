"""Two editors' changes to the same version, merged field by field.

A three-way merge: `base` is the version an editor started from, `theirs` the
file as it is now (someone saved since), `mine` what the editor is saving.
Rows are matched by their key (the `id`, as `diffing` keys them), then each
field by its column. A field changed on one side only takes that side's
value; changed on both sides to the same value, that value; changed on both
sides differently, it is a `Clash`, and nothing is decided for it unless a
choice names the side to take. A row deleted on one side and changed on the
other is a clash of the whole row. Rows added on one side are kept; the same
key added on both sides merges field by field as if its base were empty.

Columns merge like rows: one removed on either side is gone, one added on
either side is kept, and a column removed on one side comes back only when
the merge keeps a value written in it (nothing is dropped silently).

The merged rows come in `mine`'s order (what the editor sees), then those only
`theirs` has, in its order. Pure: no file, no clock.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Literal, Mapping, Sequence

from timeline.data.csv_writing import line_ending_of, serialise_rows
from timeline.data.loading import read_table
from timeline.editor.diffing import file_records, records_by_key

Side = Literal["theirs", "mine"]
SIDES: tuple[Side, ...] = ("theirs", "mine")
ROW = ""  # a clash's column when the whole row clashes
KEPT = "kept"  # a side's "value" in a row clash when it kept (and changed) the row

Row = Mapping[str, str]


@dataclass(frozen=True)
class Version:
    """One side of a merge: its columns, and its rows by key, in the file's order."""
    columns: tuple[str, ...]
    rows: Mapping[str, Row]

    @classmethod
    def from_bytes(cls, data: bytes) -> Version:
        columns, records = file_records(data)
        return cls(tuple(columns), records_by_key(records, "id" in columns) if columns else {})


@dataclass(frozen=True)
class Clash:
    """A field both sides changed differently, or (column ROW) a row one side
    deleted and the other changed. A value of None: not there on that side (the
    row deleted, or the column removed); in a row clash, KEPT for the side that
    kept the row, whose changed columns are `changed`."""
    key: str
    title: str
    column: str
    base: str | None
    theirs: str | None
    mine: str | None
    changed: tuple[str, ...] = ()

    @property
    def ident(self) -> str:
        """Names the clash in a choice (the page's radio buttons carry it)."""
        return json.dumps([self.key, self.column], ensure_ascii=False)

    def value(self, side: Side) -> str | None:
        return self.theirs if side == "theirs" else self.mine


@dataclass(frozen=True)
class Merge:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, dict[str, str]], ...]   # (key, row), every column filled
    clashes: tuple[Clash, ...] = field(default=())  # those no choice decided

    @property
    def clean(self) -> bool:
        return not self.clashes

    @property
    def by_key(self) -> dict[str, dict[str, str]]:
        return dict(self.rows)


def merge(base: Version, theirs: Version, mine: Version,
          choices: Mapping[str, Side] | None = None) -> Merge:
    """`theirs` and `mine`, both changed from `base`, merged; a clash a choice
    (Clash.ident → side) decides takes that side, the others stay in `clashes`
    (where their fields hold theirs' value meanwhile, nothing having been chosen)."""
    choices = dict(choices or {})
    everything = _ordered(theirs.columns, mine.columns, base.columns)
    merged: dict[str, dict[str, str | None] | None] = {}
    clashes: list[Clash] = []
    for key in _ordered(mine.rows, theirs.rows, base.rows):
        b, t, m = base.rows.get(key), theirs.rows.get(key), mine.rows.get(key)
        title = _title(m or t or b)
        if b is None or (t is not None and m is not None):
            if t is None or m is None:  # added on one side only
                merged[key] = (_cells(t, theirs, everything) if m is None
                               else _cells(m, mine, everything))
                continue
            row = {}
            for column in everything:
                values = tuple(_cell(row_, version, column) for row_, version in
                               ((b, base), (t, theirs), (m, mine)))
                value, clash = _merge_field(values, key, title, column, choices)
                row[column] = value
                if clash:
                    clashes.append(clash)
            merged[key] = row
        elif t is None and m is None:  # deleted on both sides
            continue
        else:  # deleted on one side: a clash if the other changed it
            deleted_by: Side = "theirs" if t is None else "mine"
            kept, kept_version = (m, mine) if t is None else (t, theirs)
            changed = _changed_columns(b, base, kept, kept_version)
            if not changed:
                continue
            clash = Clash(key, title, ROW, KEPT, None if deleted_by == "theirs" else KEPT,
                          None if deleted_by == "mine" else KEPT, changed)
            side = choices.get(clash.ident)
            if side is None:
                clashes.append(clash)
                side = "theirs"  # undecided: theirs, as the file is now, meanwhile
            if side != deleted_by:
                merged[key] = _cells(kept, kept_version, everything)
    columns = _merged_columns(base.columns, theirs.columns, mine.columns, everything,
                              [row for row in merged.values() if row is not None])
    rows = tuple((key, {column: row.get(column) or "" for column in columns})
                 for key, row in merged.items() if row is not None)
    return Merge(columns, rows, tuple(clashes))


def merge_versions(base: bytes, theirs: bytes, mine: bytes,
                   choices: Mapping[str, Side] | None = None) -> Merge:
    return merge(Version.from_bytes(base), Version.from_bytes(theirs), Version.from_bytes(mine),
                 choices)


def merged_bytes(result: Merge, like: bytes) -> bytes:
    """The merged rows as a CSV written like `like` (delimiter, line ends, BOM)."""
    table = read_table(like)
    delimiter = table.delimiter if not isinstance(table, str) else ","
    return serialise_rows(result.columns, (row for _, row in result.rows), delimiter=delimiter,
                          line_ending=line_ending_of(like),
                          byte_order_mark=like.startswith(b"\xef\xbb\xbf"))


# ------------------------------------------------------------------ the parts

def _merge_field(values: tuple[str | None, str | None, str | None], key: str, title: str,
                 column: str, choices: Mapping[str, Side]) -> tuple[str | None, Clash | None]:
    base, theirs, mine = values
    if theirs == mine or mine == base:
        return theirs, None
    if theirs == base:
        return mine, None
    clash = Clash(key, title, column, base, theirs, mine)
    side = choices.get(clash.ident)
    if side is None:
        return theirs, clash
    return clash.value(side), None


def _cell(row: Row | None, version: Version, column: str) -> str | None:
    """A field's value; None where the row or the column is not in that version."""
    if row is None or column not in version.columns:
        return None
    value = row.get(column)
    return "" if value is None else str(value)


def _cells(row: Row, version: Version, columns: Sequence[str]) -> dict[str, str | None]:
    return {column: _cell(row, version, column) for column in columns}


def _changed_columns(base_row: Row, base: Version, row: Row, version: Version) -> tuple[str, ...]:
    """The columns a side changed in a row: in both versions and different, or
    added by that side with something in them."""
    changed = []
    for column in _ordered(version.columns, base.columns):
        if column in version.columns and column in base.columns:
            if _cell(row, version, column) != _cell(base_row, base, column):
                changed.append(column)
        elif column in version.columns and _cell(row, version, column):
            changed.append(column)
    return tuple(changed)


def _merged_columns(base: Sequence[str], theirs: Sequence[str], mine: Sequence[str],
                    everything: Sequence[str], rows: list[dict]) -> tuple[str, ...]:
    def kept(column: str) -> bool:
        in_base, in_theirs, in_mine = column in base, column in theirs, column in mine
        if (in_theirs and in_mine) or ((in_theirs or in_mine) and not in_base):
            return True
        return any(row.get(column) for row in rows)  # removed, but a value kept needs it
    return tuple(column for column in everything if kept(column))


def _ordered(*groups) -> list:
    return list(dict.fromkeys(item for group in groups for item in group))


def _title(row: Row | None) -> str:
    return str((row or {}).get("title") or "")


def table_change(grid_rows: Sequence[Mapping], result: Merge, file_format) -> dict | None:
    """What the editor's table changes to show `result` (editor.js applyMerge): the
    fields the merge brought in, per row (never whole rows: a cell typed since the
    save was sent stays), rows added and removed, and every row's marks. None when
    the columns changed: the page must reload to show them."""
    # Imported here: the merge itself needs nothing of the grid.
    from timeline.editor.diffing import records_by_key
    from timeline.editor.rows import LINE_KEY, PROBLEMS_KEY, ROW_KEY, check_rows, new_row_key
    columns = tuple(file_format.columns)
    if tuple(result.columns) != columns:
        return None
    merged = result.by_key
    table = records_by_key(list(grid_rows), "id" in columns)
    fields, removed, kept = [], [], []
    for key, row in table.items():
        if key not in merged:
            removed.append(row[ROW_KEY])
            continue
        values = {c: merged[key][c] for c in columns if str(row.get(c) or "") != merged[key][c]}
        if values:
            fields.append([row[ROW_KEY], values])
        kept.append({**row, **values})
    added = [{ROW_KEY: new_row_key(), **merged[key]} for key in merged if key not in table]
    marked, _ = check_rows(kept + added, file_format)
    fresh = {row[ROW_KEY] for row in added}
    return {"add": [row for row in marked if row[ROW_KEY] in fresh],
            "remove": [{ROW_KEY: key} for key in removed],
            "fields": fields,
            "marks": [[row[ROW_KEY], row[PROBLEMS_KEY], row[LINE_KEY]] for row in marked
                      if row[ROW_KEY] not in fresh]}
