"""Reading a timeline CSV the way editors really save it, without ever raising.

A file goes one way, each step a function given the one before's result (`_load`):
bytes (`read_file`, or an upload) → text (`_decode`: UTF-8 with or without a BOM,
Windows-1252, as Excel, Numbers, LibreOffice and Google Sheets write) → a `Table` of
records with their line numbers (`read_table`, Python's `csv`; commas, semicolons or
tabs, any line ending) → for a TimelineJS sheet, our table (`timelinejs.as_our_table`,
converted whole) → checked rows and problems (`validation.validate`) → the frames the
app draws, or the report alone (`_result`). Every failure becomes a Problem.
"""
from __future__ import annotations

import codecs
import csv
import io
import os
import re
import stat
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import repeat
from operator import attrgetter
from typing import Callable, Literal

import numpy as np
import pandas as pd

from timeline.data import schema, timelinejs
from timeline.data.checks.row_rules import timeline_settings
from timeline.data.checks.text import clean_value, slugify
from timeline.data.report import Problem, Report, error, warning
from timeline.data.table import Record, Table
from timeline.data.validation import CheckedRows, Validation, validate
from timeline.memory import cycle_collector_paused

MAX_FILE_BYTES = 50 * 1024 * 1024  # far beyond any timeline; guards the app's memory
# A timeline has 16 columns and perhaps a few of its editors' own; checking each column
# costs time per row (200,000 of them in a 1.5 MB file took 30 s), so wider
# files are refused at once.
MAX_COLUMNS = 200
_FIELDS = attrgetter("fields")

DERIVED_COLUMNS = ("line", "start_date", "end_date", "ongoing", "start_at", "end_at",
                   "approximate", "uncertain", "date_label")
EVENT_COLUMNS: tuple[str, ...] = schema.COLUMN_NAMES + DERIVED_COLUMNS
ERA_COLUMNS = ("id", "title", "description", "display_date", "start_date", "end_date", "ongoing",
               "start_at", "end_at", "date_label", "line")
# A category row's declaration (LoadResult.categories), and `label_<language>` where written.
CATEGORY_COLUMNS = ("name", "label", "colour", "description", "line")
_OBJECT_COLUMNS = {"actors", "start_date", "end_date"}
_BOOL_COLUMNS = {"ongoing", "approximate", "uncertain"}
_TIME_COLUMNS = {"start_at", "end_at"}
_TIME_DTYPE = "datetime64[s]"  # seconds reach back past 1677, unlike nanoseconds
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def _dtype(column: str) -> str:
    if column in _OBJECT_COLUMNS:
        return "object"
    if column in _BOOL_COLUMNS:
        return "bool"
    if column in _TIME_COLUMNS:
        return _TIME_DTYPE
    return "int64" if column == "line" else "str"


def _frame(columns: tuple[str, ...], data: dict[str, list]) -> pd.DataFrame:
    """A frame with exactly these columns and dtypes, even with no rows."""
    return pd.DataFrame({c: pd.Series(data.get(c, []), dtype=_dtype(c)) for c in columns},
                        columns=list(columns))


def empty_events() -> pd.DataFrame:
    return _frame(EVENT_COLUMNS, {})


def empty_eras() -> pd.DataFrame:
    return _frame(ERA_COLUMNS, {})


def empty_categories() -> pd.DataFrame:
    return _frame(CATEGORY_COLUMNS, {})


@dataclass(frozen=True, eq=False)  # frames have no single truth value to compare
class LoadResult:
    events: pd.DataFrame     # rows without errors, sorted by (start, line)
    report: Report
    columns: tuple[str, ...] = ()        # the file's header order, extras included
    extra_columns: tuple[str, ...] = ()  # header columns the contract does not know
    raw: pd.DataFrame = field(default_factory=lambda: _frame(("line",), {}))
    encoding: str | None = None          # how the bytes were read, for writing back
    delimiter: str | None = None
    # Periods shaded behind the events (rows of type `era` without errors), by start.
    eras: pd.DataFrame = field(default_factory=empty_eras)
    title: str | None = None             # from the row of type `title`, if any
    subtitle: str | None = None
    # The window readers see first, from the title row's `start` and `end`: its
    # first day and the day after its last (view/window.py).
    window: tuple[date, date] | None = None
    # The title row's `settings` (schema.TIMELINE_SETTINGS), in their known spelling.
    settings: frozenset[str] = frozenset()
    # Its `status=` (schema.STATUSES): a draft is for its editors, never exported.
    status: str = schema.DEFAULT_STATUS
    # The credit line under the timeline: who made the graphic (its `credit=`), and
    # where its facts come from (the title row's `source`, linked by `source_url`).
    credit: str = ""
    source: str = ""
    source_url: str = ""
    # The title row's `title_<language>` and `description_<language>`, where written:
    # language → (title, subtitle), either "" (view/language.py falls back).
    translated_titles: dict[str, tuple[str, str]] = field(default_factory=dict)
    # The categories the category rows declare (rows of type `category` without
    # errors), in the file's order, which is the lanes', the legend's and the filter's:
    # CATEGORY_COLUMNS (`label` is the name where none is written, `colour` lower-case
    # or '' for the palette's next), then `label_<language>` for each language the
    # file writes titles in. None declared: the events' categories are taken as
    # written, in the default palette.
    categories: pd.DataFrame = field(default_factory=empty_categories)
    # "timelinejs" when the header is a TimelineJS sheet's: `columns` and `raw` are
    # then the sheet's own, and `events` its rows in our columns.
    file_format: Literal["timeline", "timelinejs"] = "timeline"


def _failed(message: str) -> LoadResult:
    return LoadResult(empty_events(), Report((error(None, None, message),)))


# ---------------------------------------------------------------- how large

def megabytes(size: int) -> str:
    """A file's size for a message: '415 MB', '1.5 MB', '180 bytes'."""
    if size >= 10_000_000:
        return f"{size / 1_000_000:,.0f} MB"
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    return f"{size:,} bytes"


@dataclass(frozen=True)
class SizeLimit:
    """The largest file a load reads, and what to tell someone whose file is larger.
    The app and the editor's upload keep `MAX_FILE_BYTES` (`app_limit`); the command
    line, an editor's own tool on their own file, has its own (cli.py)."""
    max_bytes: int
    advice: str = "is it the right file?"

    def refusal(self, size: int, *, at_least: bool = False) -> str | None:
        """Why a file of `size` bytes is not read, or None when it may be.
        `at_least`: only that much was read, the rest never looked at."""
        if size <= self.max_bytes:
            return None
        said = ("over the limit here, " if at_least
                else f"{megabytes(size)}; the limit here is ") + megabytes(self.max_bytes)
        return f"the file is too large ({said}) to be a timeline; {self.advice}"


def app_limit() -> SizeLimit:
    """The limit for the app's data and uploads (read when asked: tests lower it)."""
    return SizeLimit(MAX_FILE_BYTES)


# ---------------------------------------------------------------- bytes → text

_SIGNATURES = (
    (b"PK\x03\x04", "an Excel workbook (.xlsx) or another zipped file"),
    (b"\xd0\xcf\x11\xe0", "an old Excel workbook (.xls)"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
)
_SAVE_AS_CSV = ("Save the spreadsheet as CSV instead (Excel: File › Save As › 'CSV UTF-8'; "
                "Google Sheets: File › Download › 'Comma-separated values')")


_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\f\v")


def _binary_kind(data: bytes) -> str | None:
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            return kind
    head = data[:8192]
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    # Text may hold a stray control character; binary data is full of them.
    return "a binary file" if b"\x00" in head or controls > max(2, len(head) // 20) else None


def _decode(data: bytes) -> tuple[str, str, list[Problem]] | str:
    """(text, encoding, warnings), or why the bytes are not readable text."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's 'Unicode Text' export; cheap to accept rather than reject.
        try:
            return data.decode("utf-16"), "utf-16", []
        except UnicodeDecodeError:
            return "the file says it is UTF-16 text but is damaged"
    if kind := _binary_kind(data):
        return f"this is not a CSV file: it looks like {kind}. {_SAVE_AS_CSV}"
    try:
        return data.decode("utf-8-sig"), "utf-8", []
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return ("the file's letters could not be read: it is neither UTF-8 nor Windows-1252 "
                f"text. {_SAVE_AS_CSV}")
    note = warning(None, None, (
        "the file is not UTF-8, so it was read as Windows-1252 (older Excel CSV). If any "
        "letters look wrong, save it again as 'CSV UTF-8'"))
    return text, "cp1252", [note]


_VISIBLE = re.compile(r"\S")  # \s is what str.strip strips; searching copies nothing
_FIRST_LINE = re.compile(r"[^\r\n]*")
_BLANK = re.compile("[ \t\r\n\ufeff]*")


def _not_tabular(text: str) -> str | None:
    start = visible.group() if (visible := _VISIBLE.search(text)) else ""
    if start == "<":
        return ("this is not a CSV file: it looks like a web page (HTML). If you downloaded "
                "a shared spreadsheet, download it as CSV rather than saving the page")
    if start in ("{", "["):
        return ("this is not a CSV file: it looks like JSON data. Export the events as CSV, "
                "or, if it is a TimelineJS timeline, convert it with "
                "'python -m timeline import FILE --out events.csv'")
    return None


# ---------------------------------------------------------------- text → records

def _sniff_delimiter(text: str) -> str:
    """The separator the header line uses most, outside quotes: ',', ';' or tab."""
    first = _FIRST_LINE.match(text).group()
    counts = {",": 0, ";": 0, "\t": 0}
    quoted = False
    for char in first:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(counts, key=lambda d: counts[d])  # ties keep ',' (dicts keep order)
    return best if counts[best] else ","


# What str.splitlines also takes for a line break, and a CSV file does not.
_OTHER_LINE_BREAKS = "\v\f\x1c\x1d\x1e\x85\u2028\u2029"


def _unquoted(text: str, delimiter: str) -> bool:
    """Whether each line of the text is a record the reader takes as it is: no double
    quote, no space at the start of a value (the reader skips those), and no line break
    but \\n, \\r\\n and \\r. (A regular expression finds two characters that start with
    a rare one quicker than `in`.)"""
    return not ('"' in text or text.startswith(" ") or re.search(re.escape(delimiter + " "), text)
                or re.search("\n ", text) or "\r" in text and re.search("\r ", text)
                or any(char in text for char in _OTHER_LINE_BREAKS))


def _lines(text: str) -> list[str]:
    if not any(char in text for char in _OTHER_LINE_BREAKS):
        return text.splitlines(keepends=True)  # the same lines, three times faster
    # newline="" splits on \n, \r\n and \r alike, and keeps breaks inside quoted values.
    return io.StringIO(text, newline="").readlines()


def _records(lines: list[str], delimiter: str, unquoted: bool) -> list[Record]:
    """The records of these lines; `unquoted`: lines without their line breaks, each
    a record the reader takes as it is (`_unquoted`)."""
    if unquoted and max(map(len, lines), default=0) <= csv.field_size_limit():
        # Split on the delimiter, as the reader splits them, in half its time.
        rows: list[list[str]] | None = [line.split(delimiter) if line else [] for line in lines]
    else:
        try:
            rows = list(csv.reader(lines, delimiter=delimiter, skipinitialspace=True))
        except csv.Error:
            rows = None
    if rows is not None and len(rows) == len(lines):
        # Each record on a line of its own (the reader gives a blank line one too), so
        # record n starts on line n: the common case. tuple.__new__ makes each Record
        # of zip's tuple, so not one step of Python is taken per record.
        numbered = zip(range(1, len(rows) + 1), rows, repeat(None))
        return list(map(tuple.__new__, repeat(Record), numbered))
    return _records_counted(lines, delimiter)


def _records_counted(lines: list[str], delimiter: str) -> list[Record]:
    """Records read one by one, counting the lines each takes and naming why one failed."""
    reader = csv.reader(lines, delimiter=delimiter, skipinitialspace=True)
    records: list[Record] = []
    while True:
        start = reader.line_num + 1
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            what = (f"a value is longer than {csv.field_size_limit()} characters"
                    if "field limit" in str(exc) else f"the CSV reader failed ({exc})")
            records.append(Record(start, (), (
                f"this row could not be read: {what}. A double quote that is never closed "
                f"usually causes this; check the quotes from this line on")))
            if reader.line_num < start:  # the reader could not move on; stop rather than loop
                break
            continue
        records.append(Record(start, fields))
    if records and reader.line_num > records[-1].line:
        # A record running over several lines to the end of the file with an odd
        # number of quotes opened a quoted value that was never closed.
        last = records[-1]
        if "".join(lines[last.line - 1:reader.line_num]).count('"') % 2:
            records[-1] = Record(last.line, last.fields, (
                f"a double quote (\") on this line is never closed, so lines {last.line}–"
                f"{reader.line_num} were read as one value. Add the closing quote; a quote "
                f"inside a value is written twice (\"\")"))
    return records


# ---------------------------------------------------------------- rows → frames

def _in_date_order(rows: CheckedRows, kind: str) -> np.ndarray:
    """The indexes of the rows of this kind that can be shown, by (start, line)."""
    shown = np.flatnonzero(rows.ok & (rows.kind == kind))
    return shown[np.lexsort((rows.line[shown], rows.first_day[shown]))]


def _as_times(days: np.ndarray) -> np.ndarray:
    """Day ordinals (date.toordinal) as the frames' times."""
    return (days - _EPOCH_ORDINAL).astype("datetime64[D]").astype(_TIME_DTYPE)


def _worded(texts: np.ndarray, dates: np.ndarray) -> np.ndarray:
    """Each date's label (PartialDate.label), worked out once per distinct date."""
    codes, _ = pd.factorize(texts)
    _, first = np.unique(codes, return_index=True)
    return np.array([date.label() for date in dates[first].tolist()], dtype=object)[codes]


def _date_labels(rows: CheckedRows, shown: np.ndarray) -> np.ndarray:
    """display_date, else span_label's words for the dates."""
    labels = _worded(rows.clean["start"][shown], rows.start[shown])
    end = rows.end[shown]
    ends = np.flatnonzero(end != None)  # noqa: E711 (each item compared, not the array)
    end_labels = _worded(rows.clean["end"][shown][ends], end[ends])
    # Two dates are the same when their labels are (a label says all that a date does).
    differ = labels[ends] != end_labels
    spans = ends[differ]
    labels[spans] = labels[spans] + " – " + end_labels[differ]
    since = np.flatnonzero(rows.ongoing[shown])
    labels[since] = "since " + labels[since]
    display = rows.clean["display_date"][shown]
    return np.where(display != "", display, labels)


def _spans(rows: CheckedRows, shown: np.ndarray) -> dict[str, object]:
    """When each row happened, as events and eras both carry it."""
    ongoing = rows.ongoing[shown]
    end_at = _as_times(rows.last_day[shown])
    end_at[ongoing] = np.datetime64("NaT")
    return {
        "line": rows.line[shown],
        "start_date": rows.start[shown].tolist(),
        "end_date": rows.end[shown].tolist(),
        "ongoing": ongoing,
        "start_at": _as_times(rows.first_day[shown]),
        "end_at": end_at,
        "date_label": _date_labels(rows, shown),
    }


def checked_events(rows: CheckedRows) -> pd.DataFrame:
    """The events of checked rows that can be shown, as LoadResult.events has them
    (the editor's preview checks some rows again and takes their events)."""
    return _events(rows)


def _events(rows: CheckedRows) -> pd.DataFrame:
    shown = _in_date_order(rows, "event")
    data: dict[str, object] = {c: rows.clean[c][shown] for c in schema.COLUMN_NAMES}
    data["actors"] = list(map(rows.actor_names.__getitem__, rows.clean["actors"][shown]))
    data |= _spans(rows, shown)
    data["approximate"] = rows.approximate[shown]
    data["uncertain"] = rows.uncertain[shown]
    return _with_language_columns(_frame(EVENT_COLUMNS, data), rows, shown)


def _with_language_columns(frame: pd.DataFrame, rows: CheckedRows,
                           shown: np.ndarray) -> pd.DataFrame:
    """Per-language words (schema.LANGUAGE_COLUMNS), only those the file has."""
    for column in schema.LANGUAGE_COLUMNS:
        if column in rows.raw:
            frame[column] = pd.Series(rows.raw[column][shown], dtype="str")
    return frame


def _eras(rows: CheckedRows) -> pd.DataFrame:
    shown = _in_date_order(rows, "era")
    data: dict[str, object] = {c: rows.clean[c][shown]
                               for c in ("title", "description", "display_date")}
    # Nothing links to an era, so it needs no id of its own; the chart still names it.
    data["id"] = [given or slugify(title) or f"era-{line}" for given, title, line in zip(
        rows.clean["id"][shown].tolist(), data["title"].tolist(), rows.line[shown].tolist())]
    data |= _spans(rows, shown)
    return _with_language_columns(_frame(ERA_COLUMNS, data), rows, shown)


def _categories(rows: CheckedRows) -> pd.DataFrame:
    declared = np.flatnonzero(rows.ok & (rows.kind == "category"))  # in the file's order
    names, labels = rows.clean["category"][declared], rows.clean["title"][declared]
    categories = _frame(CATEGORY_COLUMNS, {
        "name": names, "label": np.where(labels != "", labels, names),
        "colour": [colour.lower() for colour in rows.clean["colour"][declared].tolist()],
        "description": rows.clean["description"][declared], "line": rows.line[declared]})
    for language in schema.LANGUAGES:
        if (column := schema.language_column("title", language)) in rows.raw:
            categories[category_label_column(language)] = pd.Series(
                rows.raw[column][declared], dtype="str")
    return categories


def category_label_column(language: str) -> str:
    """LoadResult.categories' column of the labels in `language` ('' where not written)."""
    return schema.language_column("label", language)


def _title(rows: CheckedRows) -> dict:
    """What the title row says of the whole timeline (LoadResult's title, subtitle,
    window, settings, status and credit line); nothing without one."""
    titles = np.flatnonzero(rows.ok & (rows.kind == "title"))
    if not len(titles):
        return {}
    first = titles[0]
    start, end = rows.start[first], rows.end[first]
    after = end.last_day + timedelta(days=1) if end and end.last_day < date.max else None
    window = (start.first_day, after or end.last_day) if start and end else None
    settings = timeline_settings(rows.clean["settings"][first])
    return {"title": rows.clean["title"][first] or None,
            "subtitle": rows.clean["description"][first] or None,
            "window": window,
            "settings": settings,
            "status": schema.setting_value(settings, "status", schema.DEFAULT_STATUS),
            "credit": schema.setting_value(settings, "credit", ""),
            "source": rows.clean["source"][first],
            "source_url": rows.clean["source_url"][first],
            "translated_titles": _translated_titles(rows, first)}


def _translated_titles(rows: CheckedRows, row: int) -> dict[str, tuple[str, str]]:
    """The title row's own words per language (schema.LANGUAGE_COLUMNS)."""
    def cell(column: str, language: str) -> str:
        name = schema.language_column(column, language)
        return str(rows.raw[name][row]) if name in rows.raw else ""
    found = {language: (cell("title", language), cell("description", language))
             for language in schema.LANGUAGES}
    return {language: words for language, words in found.items() if any(words)}


def _raw(columns: tuple[str, ...], rows: CheckedRows) -> pd.DataFrame:
    """The file as written: every column text (even one named like a derived
    column, e.g. `start_at`), and the line each row starts on."""
    frame = pd.DataFrame({c: pd.Series(rows.raw[c], dtype="str") for c in columns},
                         columns=list(columns))
    frame["line"] = pd.Series(rows.line, dtype="int64")
    return frame


# ---------------------------------------------------------------- entry points

_EMPTY = "the file is empty: it needs a header line naming the columns, then one line per event"


def header_problem(header: Record, delimiter: str) -> str | None:
    """Why line 1 is not a timeline header at all (then nothing else is worth saying)."""
    names = {clean_value(value).lower() for value in header.fields}
    if header.broken:
        return f"line 1 (the header): {header.broken}"
    if not any(names):
        return ("line 1 is empty, but it must be the header naming the columns; "
                "delete the empty lines at the top")
    if not names & set(schema.COLUMN_NAMES):
        shown = " ".join(delimiter.join(header.fields).split())[:60]
        return (f"this does not look like a timeline CSV: the first line should name the "
                f"columns ({', '.join(schema.REQUIRED_COLUMNS)}, …) but reads '{shown}'. If the "
                f"first line is already an event, add the header line above it")
    return None


def read_table(data: bytes, limit: SizeLimit | None = None) -> Table | str:
    """The file's header and records, or why it is not a CSV at all.
    `limit`: how large it may be (default: the app's, `app_limit`)."""
    if refusal := (limit or app_limit()).refusal(len(data)):
        return refusal
    if not data or data.isspace():  # what bytes.strip strips, without copying the file
        return _EMPTY
    decoded = _decode(data)
    if isinstance(decoded, str):
        return decoded
    text, encoding, notes = decoded
    if _BLANK.fullmatch(text):
        return _EMPTY
    if message := _not_tabular(text):
        return message
    delimiter = _sniff_delimiter(text)
    unquoted = _unquoted(text, delimiter)
    lines = text.splitlines() if unquoted else _lines(text)
    ascii = text.isascii()
    finished = text.endswith(("\n", "\r"))  # the last line has its line break
    del text, decoded  # the lines hold it all: a large file is not held twice
    header, *body = _records(lines, delimiter, unquoted) or [Record(1, ())]
    if message := _too_wide(header, body):
        return message
    if cut := _cut_off(lines, finished, header, body):
        notes = [*notes, cut]
    one_line_each = len(body) + 1 == len(lines)  # every record takes at least one
    return Table(header, body, encoding, delimiter, tuple(notes),
                 plain=ascii and one_line_each)


def _too_wide(header: Record, body: list[Record]) -> str | None:
    """Why the file has too many columns to be a timeline, naming the widest line."""
    count = max(map(len, map(_FIELDS, [header, *body])))
    if count <= MAX_COLUMNS:
        return None
    widest = header if len(header.fields) > MAX_COLUMNS else next(
        record for record in [header, *body] if len(record.fields) == count)
    count = len(widest.fields)
    if widest is header:
        return (f"line 1 (the header) has {count:,} columns, more than the {MAX_COLUMNS} a "
                f"timeline file may have; delete the empty columns at the right (a "
                f"spreadsheet may have saved them) and any you do not need")
    return (f"line {widest.line} has {count:,} values, more than the {MAX_COLUMNS} columns a "
            f"timeline file may have; check the quotes and separators on that line, or "
            f"whether this is the right file")


def _cut_off(lines: list[str], finished: bool, header: Record, body: list[Record]
             ) -> Problem | None:
    """A last line short of values with no line break after it (`finished`): the file
    was cut (a save that never finished, a copy interrupted), so it must not be
    published. Spreadsheets that leave out the final line break still write every value."""
    if not body or finished:
        return None
    last = body[-1]
    last_text = "".join(lines[last.line - 1:])
    # A cut inside a quoted value leaves its quote open; one between values, too few values.
    if len(last.fields) >= len(header.fields) and last_text.count('"') % 2 == 0:
        return None
    return error(last.line, None, (
        "the file seems cut off: its last line stops short (a value or a quote unfinished) "
        "with no line break after it. Was it saved completely? Save it again, or restore it "
        "from the history"))


# How much a load builds: the report alone (`python -m timeline validate`), also the
# frames the app draws (`events`), or those and the file as written (`raw`, the editor's);
# `written`: the report and the file as written only (the editor's table, no chart).
Frames = Literal["report", "events", "raw", "written"]


def _result(checked: Validation, table: Table, frames: Frames, raw: Callable[[], pd.DataFrame],
            **details) -> LoadResult:
    """What the load gives for the checked `table`: its notes, then the checks' problems."""
    report = Report((*table.notes, *checked.problems), rows=len(checked.rows))
    if frames == "report":  # what `python -m timeline validate` prints
        return LoadResult(empty_events(), report, encoding=table.encoding,
                          delimiter=table.delimiter, **details)
    if frames == "written":
        return LoadResult(empty_events(), report, raw=raw(), encoding=table.encoding,
                          delimiter=table.delimiter, **details)
    return LoadResult(_events(checked.rows), report,
                      raw=raw() if frames == "raw" else _frame(("line",), {}),
                      encoding=table.encoding, delimiter=table.delimiter,
                      eras=_eras(checked.rows), categories=_categories(checked.rows),
                      **_title(checked.rows), **details)


def _load(data: bytes, frames: Frames, limit: SizeLimit | None) -> LoadResult:
    table = read_table(data, limit)
    if isinstance(table, str):
        return _failed(table)
    return _load_table(table, frames)


def load_events_from_table(table: Table, frames: Frames = "raw") -> LoadResult:
    """Load a file's records already split (the editor's table, row by row: no CSV
    to write and read again). Never raises."""
    try:
        with cycle_collector_paused():
            return _load_table(table, frames)
    except Exception as exc:  # as _loaded: a bug here must not take the app down
        return _failed(f"could not read the table: unexpected {type(exc).__name__} "
                       f"({exc}). This is a bug in the timeline tool; please report it")


def _load_table(table: Table, frames: Frames) -> LoadResult:
    if timelinejs.is_timelinejs_header(table.header.fields):
        return _sheet_result(table, timelinejs.as_our_table(table), frames)
    if message := header_problem(table.header, table.delimiter):
        return _failed(message)
    checked = validate(table)
    return _result(checked, table, frames, lambda: _raw(checked.raw_columns, checked.rows),
                   columns=checked.columns, extra_columns=checked.extra_columns)


def _sheet_result(sheet: Table, ours: timelinejs.SheetInOurColumns, frames: Frames
                  ) -> LoadResult:
    """A TimelineJS sheet checked in our columns, its problems naming the sheet's own;
    `raw` and `columns` are the sheet as written."""
    checked = validate(ours.table, ours.dialect)
    return _result(checked, ours.table, frames, lambda: _sheet_as_written(sheet, ours.columns),
                   columns=ours.columns, extra_columns=ours.extra_columns,
                   file_format="timelinejs")


def _sheet_as_written(sheet: Table, columns: tuple[str, ...]) -> pd.DataFrame:
    """The sheet's rows that are not blank (or could not be read), in its own columns."""
    rows = [r for r in sheet.body if r.broken or any(clean_value(v) for v in r.fields)]
    return _frame(columns + ("line",), {
        **{name: [clean_value(r.fields[i]) if i < len(r.fields) else "" for r in rows]
           for i, name in enumerate(columns)},
        "line": [r.line for r in rows]})


def load_events_from_bytes(data: bytes, source_name: str = "upload", *,
                           as_written: bool = True,
                           limit: SizeLimit | None = None) -> LoadResult:
    """Load events from a CSV's bytes (e.g. an upload). Never raises.
    `as_written=False` leaves out `raw` (the file's rows as written: the editor's),
    which costs as much memory as the events themselves. `limit`: how large the
    file may be (default: the app's, `app_limit`)."""
    return _loaded(data, source_name, "raw" if as_written else "events", limit)


def load_written_from_bytes(data: bytes, source_name: str = "upload") -> LoadResult:
    """The report and the file's rows as written (`raw`), without the frames the app
    draws (`events` stays empty): the editor's table. Never raises."""
    return _loaded(data, source_name, "written")


def _loaded(data: bytes, source_name: str, frames: Frames,
            limit: SizeLimit | None = None) -> LoadResult:
    try:
        with cycle_collector_paused():
            return _load(bytes(data), frames, limit)
    except Exception as exc:  # a bug here must not take the newsroom's app down
        return _failed(f"could not read {source_name}: unexpected {type(exc).__name__} "
                       f"({exc}). This is a bug in the timeline tool; please report it")


def read_file(path: str | os.PathLike, limit: SizeLimit | None = None) -> bytes | str:
    """The file's bytes, or why it cannot be read: a file over `limit` (default: the
    app's, `app_limit`) is refused by its size on disk, without reading it."""
    limit = limit or app_limit()
    try:
        with open(path, "rb") as handle:
            status = os.fstat(handle.fileno())
            if not stat.S_ISREG(status.st_mode):
                # A pipe or a device has no size on disk: one byte past the limit says it.
                data = handle.read(limit.max_bytes + 1)
                return limit.refusal(len(data), at_least=True) or data
            if refusal := limit.refusal(status.st_size):
                return refusal
            data = handle.read()  # the whole file, in a buffer of its size on disk
            return limit.refusal(len(data)) or data  # it may have grown since
    except FileNotFoundError:
        return "there is no file here; check the name and the folder"
    except IsADirectoryError:
        return "this is a folder, not a file; give the path of the CSV file inside it"
    except PermissionError:
        return "the file cannot be opened: permission denied. Check who may read it"
    except (OSError, ValueError, TypeError) as exc:
        return f"the file cannot be opened: {exc}"


def load_events(path: str | os.PathLike, limit: SizeLimit | None = None) -> LoadResult:
    """Load events from a CSV file. Never raises: a missing file is an error in the report."""
    return _loaded_file(path, "raw", limit)


def check_file(path: str | os.PathLike, limit: SizeLimit | None = None) -> Report:
    """The report load_events(path) gives, without making the frames the app draws
    from: all `python -m timeline validate` needs, in three quarters of the time."""
    return _loaded_file(path, "report", limit).report


def _loaded_file(path: str | os.PathLike, frames: Frames, limit: SizeLimit | None) -> LoadResult:
    data = read_file(path, limit)
    if isinstance(data, str):
        return _failed(data)
    return _loaded(data, os.fspath(path) if isinstance(path, (str, os.PathLike)) else str(path),
                   frames, limit)
