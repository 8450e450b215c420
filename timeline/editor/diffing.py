"""What changed between two versions of the data, event by event and field by field.

Rows are matched by their `id` (the column links use, so it stays put); a file
without ids is matched by position. Used for the history's summaries, the
upload preview and the conflict message.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from timeline.data import schema
from timeline.data.checks.text import clean_value
from timeline.data.loading import read_table

MAX_NAMED = 3  # events named in a one-line summary before "…"
MAX_HEADLINE = 300  # characters of a history line's summary


@dataclass(frozen=True)
class FieldChange:
    column: str
    old: str
    new: str


@dataclass(frozen=True)
class RowChange:
    key: str
    title: str
    fields: tuple[FieldChange, ...]


@dataclass(frozen=True)
class Diff:
    added: tuple[tuple[str, str], ...] = ()     # (key, title)
    removed: tuple[tuple[str, str], ...] = ()
    changed: tuple[RowChange, ...] = ()
    columns_added: tuple[str, ...] = ()
    columns_removed: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.columns_added
                    or self.columns_removed)

    def summary(self) -> str:
        """'1 added (new-id), 2 changed (a: start; b: title, actors)'."""
        if self.empty:
            return "no changes"
        parts = []
        if self.added:
            parts.append(f"{len(self.added)} added ({_named(k for k, _ in self.added)})")
        if self.removed:
            parts.append(f"{len(self.removed)} removed ({_named(k for k, _ in self.removed)})")
        if self.changed:
            described = [f"{c.key}: {', '.join(f.column for f in c.fields)}"
                         for c in self.changed]
            parts.append(f"{len(self.changed)} changed ({_named(described, '; ')})")
        if self.columns_added:
            parts.append("columns added: " + ", ".join(self.columns_added))
        if self.columns_removed:
            parts.append("columns removed: " + ", ".join(self.columns_removed))
        return ", ".join(parts)

    def headline(self) -> str:
        """What changed, in words, for the history: 'changed the title of
        bridge-vote; added mayor-visit-2024'."""
        if self.empty:
            return "no changes"
        parts = []
        if len(self.changed) > MAX_NAMED:
            columns = list(dict.fromkeys(f.column for c in self.changed for f in c.fields))
            parts.append(f"changed {len(self.changed)} events "
                         f"({_named((c.key for c in self.changed))}: {_listed(columns)})")
        else:  # rows whose same fields changed, together
            together: dict[tuple[str, ...], list[str]] = {}
            for c in self.changed:
                together.setdefault(tuple(f.column for f in c.fields), []).append(c.key)
            parts += [f"changed the {_listed(list(columns))} of {_listed(keys)}"
                      for columns, keys in together.items()]
        for verb, rows in (("added", self.added), ("deleted", self.removed)):
            if len(rows) > MAX_NAMED:
                parts.append(f"{verb} {len(rows)} events ({_named(k for k, _ in rows)})")
            elif rows:
                parts.append(f"{verb} {_listed([k for k, _ in rows])}")
        for verb, columns in (("added", self.columns_added), ("removed", self.columns_removed)):
            if columns:
                noun = "column" if len(columns) == 1 else "columns"
                parts.append(f"{verb} the {noun} {_listed(list(columns))}")
        line = "; ".join(parts)
        return line if len(line) <= MAX_HEADLINE else line[:MAX_HEADLINE - 1].rstrip() + "…"


def _listed(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c', 'a, b, c and 2 more'."""
    if len(items) > MAX_NAMED:
        return f"{', '.join(items[:MAX_NAMED])} and {len(items) - MAX_NAMED} more"
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _named(items, separator: str = ", ") -> str:
    items = list(items)
    shown = separator.join(items[:MAX_NAMED])
    return shown + (f"{separator}…" if len(items) > MAX_NAMED else "")


def records_by_key(records: list[dict], has_ids: bool = True) -> dict[str, dict]:
    """Rows keyed as diffs and merges match them: by id; a row without one by its
    kind and title, else its position; a repeated id with a ′ for each repeat."""
    if has_ids:
        keyed: dict[str, dict[str, str]] = {}
        for number, record in enumerate(records, start=1):
            key = str(record.get("id") or "").strip() or _unnamed_key(record, number)
            while key in keyed:  # duplicate ids still show, each once
                key += "′"
            keyed[key] = record
        return keyed
    return {f"row {number}": record for number, record in enumerate(records, start=1)}


def _unnamed_key(record: dict[str, str], number: int) -> str:
    # Title and era rows need no id; their kind and title name them well enough.
    kind, title = str(record.get("type") or "").strip(), str(record.get("title") or "").strip()
    return f"{kind} row '{title}'" if kind and title else f"row {number}"


def diff_rows(old: dict[str, dict[str, str]], new: dict[str, dict[str, str]],
              old_columns: tuple[str, ...] = (), new_columns: tuple[str, ...] = ()) -> Diff:
    def title(record: dict[str, str]) -> str:
        return str(record.get("title") or record.get("Headline") or "")

    added = tuple((key, title(new[key])) for key in new if key not in old)
    removed = tuple((key, title(old[key])) for key in old if key not in new)
    changed = []
    for key in new:
        if key not in old or old[key] == new[key]:  # most rows, at once
            continue
        columns = list(dict.fromkeys(list(old[key]) + list(new[key])))
        fields = tuple(FieldChange(c, str(old[key].get(c, "") or ""), str(new[key].get(c, "") or ""))
                       for c in columns
                       if str(old[key].get(c, "") or "") != str(new[key].get(c, "") or ""))
        if fields:
            changed.append(RowChange(key, title(new[key]), fields))
    return Diff(added, removed, tuple(changed),
                tuple(c for c in new_columns if c not in old_columns),
                tuple(c for c in old_columns if c not in new_columns))


def file_records(data: bytes) -> tuple[tuple[str, ...], list[dict[str, str]]]:
    """The file's columns and rows as written, read without judging them: a diff
    needs no validation, and skipping it makes a 10,000-row diff quick."""
    read = _read_records(data)
    if read is None:
        return (), []
    return read.columns, [read.record(fields) for fields in read.rows]


@dataclass(frozen=True)
class _Records:
    """A file's columns and its rows that are not blank, as the reader split them."""
    columns: tuple[str, ...]
    header: tuple[str, ...]                # the header's fields as written
    kept: dict[str, int]                   # column → its position in a row
    clean: Callable[[str], str]
    rows: list[Sequence[str]]

    def record(self, fields: Sequence[str]) -> dict[str, str]:
        clean = self.clean
        return {name: clean(fields[i]) if i < len(fields) else ""
                for name, i in self.kept.items()}


def _read_records(data: bytes) -> _Records | None:
    table = read_table(data)
    if isinstance(table, str):
        return None
    positions: dict[str, int] = {}  # a repeated name keeps its first column
    for index, written in enumerate(table.header.fields):
        name = clean_value(written)
        positions.setdefault(name.lower() if name.lower() in schema.COLUMNS_BY_NAME else name,
                             index)
    # A plain file (ASCII, no '\r') holds nothing clean_value does more to than strip.
    clean = str.strip if table.plain else clean_value
    # The loader's own column `line` is never a row's value.
    kept = {name: i for name, i in positions.items() if name != "line"}
    rows = [r.fields for r in table.body if any(map(clean, r.fields))]
    return _Records(tuple(positions), tuple(table.header.fields), kept, clean, rows)


def diff_versions(old: bytes, new: bytes) -> Diff:
    before, after = _read_records(old), _read_records(new)
    if before is None or after is None:
        (old_columns, old_rows), (new_columns, new_rows) = file_records(old), file_records(new)
        return diff_rows(records_by_key(old_rows, "id" in old_columns),
                         records_by_key(new_rows, "id" in new_columns), old_columns, new_columns)
    old_keys, new_keys = _keys(before), _keys(after)
    same: set[str] = set()
    if before.header == after.header:
        # Under the same header a row split into the same fields reads the same: only
        # the others are made into records and compared (a save changes a few rows
        # of 10,000; making all of them took a third of a second).
        old_fields = dict(zip(old_keys, before.rows))
        same = {key for key, fields in zip(new_keys, after.rows)
                if old_fields.get(key) == fields}
    return diff_rows(
        {key: before.record(fields) for key, fields in zip(old_keys, before.rows)
         if key not in same},
        {key: after.record(fields) for key, fields in zip(new_keys, after.rows)
         if key not in same},
        before.columns, after.columns)


def _keys(read: _Records) -> list[str]:
    """Each row's key, as records_by_key gives it, from the columns that name it."""
    naming = {name: read.kept[name] for name in ("id", "type", "title") if name in read.kept}
    clean = read.clean
    named = [{name: clean(fields[i]) if i < len(fields) else "" for name, i in naming.items()}
             for fields in read.rows]
    return list(records_by_key(named, "id" in read.columns))
