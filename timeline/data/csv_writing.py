"""Writing the CSV back: the editor's rows as the file's own bytes, saved atomically.

A save keeps what the editor's spreadsheet expects: the header in its order,
every extra column, the delimiter and the line ends the file already had.
"""
from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path
from typing import Callable, Iterable, Mapping, Sequence

# A spreadsheet runs a cell starting with one of these as a formula
# (OWASP's "CSV injection"); a leading apostrophe makes it text again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def line_ending_of(data: bytes) -> str:
    if b"\r\n" in data:
        return "\r\n"
    if b"\r" in data:
        return "\r"
    return "\n"


def serialise_rows(columns: Sequence[str], rows: Iterable[Mapping[str, object]], *,
                   delimiter: str = ",", line_ending: str = "\n",
                   byte_order_mark: bool = False) -> bytes:
    records = _Records(line_ending)
    # The writer quotes a value holding a character of its line terminator, so it is
    # given "\r\n" whatever the file's: with "\n" alone, a value holding a lone "\r"
    # went out unquoted and came back as two rows. `_Records` puts the file's in.
    writer = csv.writer(records, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(columns)
    # One call for every row: the editor serialises 10,000 rows per check.
    writer.writerows([value if type(value) is str else _text(value)
                      for value in map(row.get, columns)] for row in rows)
    return (b"\xef\xbb\xbf" if byte_order_mark else b"") + "".join(records).encode("utf-8")


class _Records(list):
    """What a csv.writer writes (a record at a time, each ending "\r\n"), each
    record ending `line_ending` instead."""

    def __init__(self, line_ending: str) -> None:
        super().__init__()
        self.line_ending = line_ending

    def write(self, record: str) -> None:
        self.append(record[:-2])
        self.append(self.line_ending)


def row_lines(columns: Sequence[str], rows: Sequence[Mapping[str, object]],
              delimiter: str = ",") -> list[int]:
    """The line each row starts on once serialised (the header is line 1), as the
    validator counts them, so its problems can be pinned to the editor's cells:
    a row takes one line, and one more for each line break inside its cells (the
    writer keeps them, quoted), counted without writing the rows."""
    lines, line = [], 2 + sum(_line_breaks(str(column)) for column in columns)
    for row in rows:
        lines.append(line)
        line += row_span(row, columns)
    return lines


def row_span(row: Mapping[str, object], columns: Sequence[str]) -> int:
    """How many lines the row takes once serialised."""
    return 1 + _line_breaks("".join([value if type(value) is str else _text(value)
                                     for value in map(row.get, columns)]))


def _line_breaks(text: str) -> int:
    """Line breaks as the reader counts them: "\n", "\r\n" and a lone "\r" alike."""
    if "\r" not in text:
        return text.count("\n")
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def neutralise_formula(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def neutralise_row(row: Mapping[str, object]) -> dict[str, str]:
    """A row for download: every formula-like cell made inert."""
    return {column: neutralise_formula(_text(value)) for column, value in row.items()}


def atomic_write(path: str | os.PathLike, data: bytes) -> None:
    """Replace the file in one step: a reader (or a crash) sees the old or the new
    file whole, never a mix. The temporary file lives in the same folder, so the
    rename never crosses file systems."""
    path = Path(path)
    _put_in_place(path, data, ".saving", os.replace)


def write_new(path: str | os.PathLike, data: bytes) -> None:
    """Write a file that must not exist yet, whole, as atomic_write does; raises
    FileExistsError, and leaves the other file alone, when the name is taken (a link
    to a name that exists fails, where a rename would replace it)."""
    _put_in_place(Path(path), data, ".new", os.link)


def _put_in_place(path: Path, data: bytes, suffix: str,
                  place: Callable[[str, Path], None]) -> None:
    """`data` written and flushed beside `path`, then `place`d there (os.replace or
    os.link); the temporary file never outlives the call."""
    handle = tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.",
                                         suffix=suffix, delete=False)
    try:
        with handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.chmod(handle.name, path.stat().st_mode & 0o777)
        except FileNotFoundError:
            os.chmod(handle.name, 0o644)
        place(handle.name, path)
    finally:
        try:
            os.unlink(handle.name)  # after a link, the name left; after a rename, gone
        except FileNotFoundError:
            pass
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    # The rename itself is durable only once the folder is flushed.
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value != value:  # NaN from a grid
        return ""
    return str(value)
