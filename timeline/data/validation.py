"""The rules a timeline CSV must follow, as Problems an editor can act on.

`validate` takes what the CSV reader produced (the header and the records with
their line numbers) and returns every row, what is wrong with the file, and
which rows are clean enough to show. Column rules come from `timeline.data.schema`.

It works column by column, so that a file of 100,000 rows is checked in about
the time it takes to read: a quick pass over whole columns finds the rows that
may have a problem, and only those rows go through `_check_row`, the one
definition of every row's messages. Anything worked out from a value (a date,
a list of actors, a spelling key) is worked out once per distinct value.
"""
from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from itertools import zip_longest
from typing import Callable, Iterable, Mapping, NamedTuple, Sequence
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

from timeline.data import schema
from timeline.data.dates import PartialDate, parse_partial_date, parse_plain_dates
from timeline.data.report import Problem
from timeline.data.text_folding import normalise_text

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
RESERVED_COLUMNS = ("line",)  # added by the loader to every raw row


class Record(NamedTuple):  # a tuple: a file may have 100,000 of them, made in one go
    """One record as the CSV reader split it, on the line where it starts."""
    line: int
    fields: Sequence[str]
    # Why the reader could not split this record properly (e.g. a quote never closed).
    broken: str | None = None


@dataclass(frozen=True, eq=False)  # arrays have no single truth value to compare
class CheckedRows:
    """Every row that is not blank, in file order, column by column (row i is
    item i of each array)."""
    line: np.ndarray               # int64: the line the row starts on
    raw: dict[str, np.ndarray]     # every column the file had, values stripped, as written
    clean: dict[str, np.ndarray]   # the contract's columns, type/category/certainty normalised
    start: np.ndarray              # PartialDate or None
    end: np.ndarray                # PartialDate or None
    ongoing: np.ndarray            # bool
    ok: np.ndarray                 # bool: no errors, so the row can be shown
    kind: np.ndarray               # its `type`: event, era or title ('' if unknown)
    first_day: np.ndarray          # int64: start's first day as an ordinal, -1 without one
    last_day: np.ndarray           # int64: the last day of end (else start), -1 without one
    approximate: np.ndarray        # bool: start or end is approximate
    uncertain: np.ndarray          # bool: start or end is uncertain
    actor_names: Mapping[str, tuple[str, ...]]  # each actors value → split_actors of it

    def __len__(self) -> int:
        return len(self.line)


@dataclass(frozen=True)
class Dialect:
    """How a file format other than ours bends the contract (see `timeline.data.timelinejs`)."""
    # TimelineJS groups are free text: every category is then the file's own.
    own_categories: bool = False
    # A format with nowhere to write a source should not be warned about each row.
    expects_source: bool = True
    # Our column → the column the editor actually wrote, for the problems' column
    # and the messages that name one.
    labels: Mapping[str, str] = field(default_factory=dict)

    def label(self, column: str) -> str:
        return self.labels.get(column, column)


OUR_FORMAT = Dialect()


@dataclass(frozen=True)
class Validation:
    columns: tuple[str, ...]        # header order, names made unique
    extra_columns: tuple[str, ...]  # columns the contract does not know
    raw_columns: tuple[str, ...]    # columns + any overflow columns from ragged rows
    rows: CheckedRows
    problems: tuple[Problem, ...]


def error(line: int | None, column: str | None, message: str) -> Problem:
    return Problem(line, column, message, "error")


def warning(line: int | None, column: str | None, message: str) -> Problem:
    return Problem(line, column, message, "warning")


def quote(value: str, limit: int = 60) -> str:
    """An editor's value quoted inside a message, on one line and not too long."""
    value = " ".join(value.split())
    return f"'{value}'" if len(value) <= limit else f"'{value[:limit - 1]}…'"


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: how a spreadsheet names a column."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


_INVISIBLE_SPACES = "\u200b\u200c\u200d\u2060\ufeff"  # zero-width spaces, joiners, BOM


def clean_value(value: str) -> str:
    # Spreadsheets leave non-breaking and zero-width spaces around values, and
    # Windows line breaks inside them; a value's line breaks become plain '\n'.
    value = value.strip().strip(_INVISIBLE_SPACES).strip()
    return value.replace("\r\n", "\n").replace("\r", "\n") if "\r" in value else value


_ASCII_WHITE_SPACE = str.maketrans("", "", "\t\n\v\f\r ")  # White_Space's ASCII part


def spelling_key(text: str) -> str:
    """What stays of a name once case, spacing and accents are ignored, as the
    app's filters ignore them: 'Sergeï  Shoigu' ~ 'sergei shoigu'."""
    if text.isascii():  # what normalise_text does to ASCII, at a fraction of the cost
        return text.lower().translate(_ASCII_WHITE_SPACE)
    return normalise_text(text).replace(" ", "")


def usual_spellings(values: Iterable[str],
                    key: Callable[[str], str] = spelling_key) -> dict[str, str]:
    """Spelling key → the spelling used most often (the earliest on a tie)."""
    uses = Counter(values)  # each spelling's key worked out once, in first-seen order
    spellings: dict[str, list[str]] = defaultdict(list)
    for value in uses:
        spellings[key(value)].append(value)
    # max() keeps the first of equals.
    return {k: names[0] if len(names) == 1 else max(names, key=uses.__getitem__)
            for k, names in spellings.items()}


def split_actors(value: str) -> tuple[str, ...]:
    """'Kim; Putin;; Kim' → ('Kim', 'Putin'): stripped, empties and repeats dropped."""
    names = value.split(schema.ACTOR_SEPARATOR)
    # ASCII holds no invisible space: without a '\r' too, str.strip does all clean_value does.
    plain = value.isascii() and "\r" not in value
    return tuple(dict.fromkeys(filter(None, map(str.strip if plain else clean_value, names))))


def slugify(text: str) -> str:
    """'Kim–Putin Café' → 'kim-putin-cafe': accents dropped, anything else a hyphen."""
    return re.sub(r"[^a-z0-9]+", "-", normalise_text(text)).strip("-")


# ---------------------------------------------------------------- the header

@dataclass
class _Header:
    names: list[str | None] = field(default_factory=list)  # per position; None = dropped
    positions: dict[str, int] = field(default_factory=dict)  # contract column → position
    problems: list[Problem] = field(default_factory=list)


def _unique(name: str, taken: set[str]) -> str:
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


def _read_header(fields: Sequence[str], records: Sequence[Record],
                 dialect: Dialect = OUR_FORMAT) -> _Header:
    header = _Header()
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
            header.names.append(_unique(f"column {letter}", taken))
            header.problems.append(warning(1, None, (
                f"column {letter} has no name in the header but holds values (first on line "
                f"{line}); they are kept but not used. Give the column a name or delete it")))
            continue
        if key in first_seen:
            header.names.append(_unique(name, taken))
            header.problems.append(warning(1, key if key in schema.COLUMNS_BY_NAME else name, (
                f"the header names '{name}' twice (columns {column_letter(first_seen[key])} and "
                f"{letter}); only column {column_letter(first_seen[key])} is used, column "
                f"{letter} is kept but ignored. Delete or rename one of them")))
            continue
        first_seen[key] = index
        if key in schema.COLUMNS_BY_NAME:
            header.positions[key] = index
            header.names.append(_unique(key, taken))
        else:
            header.names.append(_unique(name, taken))
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


# ---------------------------------------------------------------- one row

class _Vocabulary:
    """The values a column may hold, and their spelling keys, worked out on first
    need and then kept: a file's own categories may number thousands."""

    def __init__(self, known: Mapping[str, str]):
        self.known = known
        self._by_key: dict[str, str] | None = None

    def __contains__(self, value: str) -> bool:
        return value in self.known

    @property
    def by_key(self) -> dict[str, str]:
        if self._by_key is None:
            self._by_key = {spelling_key(k): k for k in self.known}
        return self._by_key


_ROW_TYPES = _Vocabulary(schema.ROW_TYPES)
_CERTAINTIES = _Vocabulary(schema.CERTAINTIES)


def _known_value(line: int, column: str, value: str, vocabulary: _Vocabulary,
                 first_use: dict[str, int], problems: list[Problem]) -> str:
    """The value, normalised to a known spelling; a problem if it is not known at all."""
    known = vocabulary.known
    if value in known:
        return value
    if (match := vocabulary.by_key.get(spelling_key(value))) is not None:
        elsewhere = f" as on line {first_use[match]}" if match in first_use else ""
        problems.append(warning(line, column, (
            f"{quote(value)} was read as '{match}'; write it exactly '{match}'{elsewhere}, "
            f"so every {column} is spelled the same")))
        return match
    close = difflib.get_close_matches(value.lower(), list(known), n=1, cutoff=0.6)
    problems.append(error(line, column, (
        f"{quote(value)} is not a known {column}"
        + (f"; did you mean '{close[0]}'?" if close else ".")
        + f" Use one of: {', '.join(known)}")))
    return value


def _url_problem(value: str) -> str | None:
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:
        return f"{quote(value)} is not a working web link"
    if parts.scheme.lower() not in ("http", "https"):
        if not parts.scheme and "." in value.split("/")[0] and not any(c.isspace() for c in value):
            return (f"{quote(value)} is missing the start of the link; "
                    f"write it as 'https://{value}'")
        return f"{quote(value)} is not a web link: it must start with https:// or http://"
    if not host:
        return f"{quote(value)} has no website after '{parts.scheme}://'"
    if any(c.isspace() for c in value):
        return f"{quote(value)} contains a space; copy the link again from the browser"
    return None


def _check_dates(line: int, row: dict[str, str], problems: list[Problem],
                 read: Callable[[str], PartialDate | str] = parse_partial_date
                 ) -> tuple[PartialDate | None, PartialDate | None, bool]:
    """(start, end, ongoing) as far as they can be read; problems for the rest.
    `read`: parse_partial_date, or the same with what it has said before."""
    start = end = None
    ongoing = False
    text = row["start"]
    if text == schema.ONGOING:
        problems.append(error(line, "start", (
            f"start cannot be '{schema.ONGOING}': that means 'still going on' and belongs in "
            f"end; write when the event began")))
    elif text:
        parsed = read(text)
        if isinstance(parsed, str):
            problems.append(error(line, "start", parsed))
        else:
            start = parsed
    text = row["end"]
    if text == schema.ONGOING:
        ongoing = True
    elif text:
        parsed = read(text)
        if isinstance(parsed, str):
            problems.append(error(line, "end", parsed))
        else:
            end = parsed
    if start and end and end.last_day < start.first_day:
        problems.append(error(line, "end", (
            f"the event ends ({end}) before it starts ({start}); "
            f"check both dates, or swap them")))
    return start, end, ongoing


_NO_SOURCE = "no source: say who reported or confirmed this event"


def _empty_message(column: str, kind: str, dialect: Dialect) -> str:
    name = dialect.label(column)
    if kind == "era":
        hint = " ('..' if it is still going on)" if name == "end" else ""
        return f"{name} is empty; an era needs a start, an end and a title{hint}"
    return f"{name} is empty; every event needs one"


def _row_type(line: int, value: str, first_use: dict[str, int],
              problems: list[Problem]) -> str:
    """The row's type in its canonical spelling, or '' when it is not one."""
    if not value:
        return schema.DEFAULT_ROW_TYPE
    known = _known_value(line, "type", value, _ROW_TYPES, first_use, problems)
    return known if known in schema.ROW_TYPES else ""


def _check_row(line: int, row: dict[str, str], present: dict[str, int],
               first_use: dict[str, dict[str, int]], categories: _Vocabulary,
               dialect: Dialect = OUR_FORMAT,
               read_date: Callable[[str], PartialDate | str] = parse_partial_date) -> tuple[
        list[Problem], dict[str, str], tuple[PartialDate | None, PartialDate | None, bool], str]:
    problems: list[Problem] = []
    clean = dict(row)
    kind = _row_type(line, row["type"], first_use["type"], problems)
    clean["type"] = kind or row["type"]
    for column in schema.REQUIRED_BY_ROW_TYPE.get(kind, ()):
        if column in present and not row[column]:
            problems.append(error(line, column, _empty_message(column, kind, dialect)))
    if row["id"] and not _SLUG.match(row["id"]):
        suggestion = slugify(row["id"])
        problems.append(error(line, "id", (
            f"{quote(row['id'])} is not a usable id: use only lowercase letters a-z, digits and "
            f"single hyphens between them, e.g. '{suggestion or 'kim-putin-summit-2023'}'")))
    if kind == "title":
        dates = _check_title_row(line, row, problems)
    else:
        dates = _check_dates(line, row, problems, read_date)
    if len(row["title"]) > schema.TITLE_MAX_LENGTH:
        over = len(row["title"]) - schema.TITLE_MAX_LENGTH
        problems.append(error(line, "title", (
            f"the title is {len(row['title'])} characters long; the limit is "
            f"{schema.TITLE_MAX_LENGTH}, so cut {over} character{'s' if over > 1 else ''}")))
    if kind == "event":
        _check_event_facts(line, row, clean, present, first_use, categories, dialect, problems)
    for column in schema.URL_COLUMNS:
        if row[column] and (message := _url_problem(row[column])):
            problems.append(error(line, column, message))
    for column in schema.COLUMN_NAMES:
        if not row[column].isascii():  # (ASCII is one alphabet)
            problems.extend(warning(line, column, m) for m in mixed_script_messages(row[column]))
    return problems, clean, dates, kind


def _check_title_row(line: int, row: dict[str, str], problems: list[Problem]
                     ) -> tuple[None, None, bool]:
    if not (row["title"] or row["description"]):
        problems.append(error(line, "title", (
            "the title row is empty: write the timeline's title in title, and the line under "
            "it in description")))
    for column in schema.DATE_COLUMNS:
        if row[column]:
            problems.append(warning(line, column, (
                f"a title row has no date, so {quote(row[column])} is not used; if this row is "
                f"an event, empty its type")))
    return None, None, False


def _check_event_facts(line: int, row: dict[str, str], clean: dict[str, str],
                       present: dict[str, int], first_use: dict[str, dict[str, int]],
                       categories: _Vocabulary, dialect: Dialect,
                       problems: list[Problem]) -> None:
    """What only an event has: who, which category, how certain, and a source."""
    if row["actors"] and not split_actors(row["actors"]):
        problems.append(error(line, "actors", (
            f"actors lists no one, only '{schema.ACTOR_SEPARATOR}'; name at least one")))
    if row["category"]:
        clean["category"] = _known_value(line, "category", row["category"],
                                         categories, first_use["category"], problems)
    if row["certainty"]:
        clean["certainty"] = _known_value(line, "certainty", row["certainty"],
                                          _CERTAINTIES, first_use["certainty"], problems)
    if dialect.expects_source and "source" in present and not row["source"]:
        problems.append(warning(line, "source", _NO_SOURCE))


def _shape_problems(record: Record, values: list[str], width: int, delimiter: str,
                    checks: list[Problem]) -> list[Problem]:
    """Problems with how the row was split; when it was split wrongly, the column
    checks would only describe the damage, so they give way to one clear message."""
    if record.broken:
        return [error(record.line, None, record.broken)]
    quoting = (f"A value containing '{delimiter}' must be wrapped in double quotes, "
               f"e.g. \"Kim{delimiter} Putin\"")
    if lost := [v for v in values[width:] if v]:
        return [error(record.line, None, (
            f"this row has {len(values)} values but the header names only {width} columns, "
            f"so {quote(lost[0], 40)} has no column and would be lost. {quoting}"))]
    if len(values) > width and any(p.is_error for p in checks):
        # Extra empty values are harmless on their own (a trailing separator), but with
        # errors they usually mean an unquoted separator shifted the columns.
        return [error(record.line, None, (
            f"this row has {len(values)} values but the header names only {width} columns, "
            f"so a value probably holds a stray '{delimiter}' that split it in two and moved "
            f"the values after it one column along; that explains the problems below. "
            f"{quoting}")), *checks]
    return checks


# ---------------------------------------------------------------- mixed scripts

_SCRIPTS = {"LATIN", "CYRILLIC", "GREEK", "ARMENIAN", "GEORGIAN", "HEBREW", "ARABIC", "THAI",
            "DEVANAGARI", "HANGUL", "CJK", "HIRAGANA", "KATAKANA", "KATAKANA-HIRAGANA"}
# Japanese and Korean words legitimately mix these; treat them as one writing system.
_SAME_SYSTEM = {"HANGUL": "CJK", "HIRAGANA": "CJK", "KATAKANA": "CJK", "KATAKANA-HIRAGANA": "CJK"}
_WORD = re.compile(r"[^\W\d_]+")


@functools.lru_cache(maxsize=4096)
def _script(char: str) -> str | None:
    words = unicodedata.name(char, "").split()
    if words[:1] in (["FULLWIDTH"], ["HALFWIDTH"]):
        words = words[1:]
    if not words or words[0] not in _SCRIPTS:
        return None  # marks, symbols and letters shared by all scripts
    return _SAME_SYSTEM.get(words[0], words[0])


def mixed_script_messages(text: str) -> list[str]:
    """One message per word that mixes alphabets, e.g. a Cyrillic 'С' in 'Сosmodrome'."""
    if text.isascii():  # the common case, and by far the cheapest to settle
        return []
    messages = []
    for word in dict.fromkeys(_WORD.findall(text)):
        scripts = [(c, s) for c in word if (s := _script(c))]
        counts = Counter(s for _, s in scripts)
        if len(counts) < 2:
            continue
        main = max(counts, key=lambda s: (counts[s], -[x for _, x in scripts].index(s)))
        odd = list(dict.fromkeys(c for c, s in scripts if s != main))
        described = ", ".join(f"'{c}' is {unicodedata.name(c)} (U+{ord(c):04X})" for c in odd[:3])
        messages.append(
            f"the word {quote(word)} mixes alphabets: {described}, among {main.title()} letters. "
            f"It looks right but search and sorting will miss it; retype the word")
    return messages


# ---------------------------------------------------------------- whole columns
# The quick pass: each function here takes whole columns (arrays of text, one
# item per row) and answers for every row at once. What depends on a value
# alone (a date, a type, a list of actors) is worked out once per distinct value.

# Spreadsheets' invisible spaces, and a line break's '\r': a column holding one
# is cleaned value by value, any other with one str.strip over the column.
_NEEDS_FULL_CLEAN = ("\r", *_INVISIBLE_SPACES)
# A link `_url_problem` has nothing to say about: http(s)://, a plain host name
# (and port), then printable ASCII and no spaces. Any other link is asked of it.
_PLAIN_WEB_LINK = re.compile(r"(?i:https?)://[A-Za-z0-9.\-]+(?::[0-9]*)?(?:[/?#][!-~]*)?")
_KINDS = {"": schema.DEFAULT_ROW_TYPE, **{kind: kind for kind in schema.ROW_TYPES}}
_NO_DATE, _NOT_A_DATE = -1, -2  # day numbers of an empty (or '..') date and of a wrong one


def _objects(values: Iterable[object], count: int) -> np.ndarray:
    """A one-dimensional array of Python objects (np.array would unpack tuples)."""
    return np.fromiter(values, dtype=object, count=count)


def _mask(test: Callable[[str], object], values: np.ndarray) -> np.ndarray:
    """Whether test(value) is true, for every value."""
    return np.fromiter(map(test, values), dtype=bool, count=len(values))


class _Column(NamedTuple):
    values: np.ndarray  # clean_value of each value
    ascii: bool         # whether every value is plain ASCII (most columns of most files)


def _clean_column(values: Sequence[str], plain: bool) -> _Column:
    if plain:  # ASCII, no '\r': str.strip does all that clean_value would
        return _Column(_objects(map(str.strip, values), len(values)), True)
    stripped = list(map(str.strip, values))
    text = "".join(stripped)
    if any(char in text for char in _NEEDS_FULL_CLEAN):  # a search per character is quickest
        stripped = list(map(clean_value, values))
    return _Column(_objects(stripped, len(stripped)), text.isascii())


def _by_position(fields: Sequence[Sequence[str]], width: int, plain: bool) -> list[_Column]:
    """Each column position's cleaned values, one per record ('' where a record
    is short): the header's positions, then any that longer records add."""
    values = list(zip(*fields) if len(set(map(len, fields))) == 1
                  else zip_longest(*fields, fillvalue=""))
    values += [("",) * len(fields)] * (width - len(values))
    return [_clean_column(column, plain) for column in values]


def _blank_rows(columns: Sequence[np.ndarray], count: int) -> np.ndarray:
    """The rows with no value in any column; most rows are ruled out by their first."""
    blank = np.arange(count)
    for values in columns:
        if not len(blank):
            break
        blank = blank[values[blank] == ""]
    return blank


class _Distinct:
    """A column as its distinct values, in the order first seen, and each row's
    index into them: what depends on the value alone is worked out once."""

    def __init__(self, column: np.ndarray):
        codes, distinct = pd.factorize(column)
        self.codes: np.ndarray = codes
        self.values: list[str] = distinct.tolist()
        # A value's index is one more than any before it: so its first row is where
        # the running highest index goes up.
        rising = np.diff(np.maximum.accumulate(codes), prepend=-1) > 0
        self.first_row: np.ndarray = np.flatnonzero(rising)

    def each(self, results: Iterable[object], dtype: type = object) -> np.ndarray:
        """Each row's result, from the results for the distinct values."""
        return np.fromiter(results, dtype=dtype, count=len(self.values))[self.codes]

    def where(self, test: Callable[[str], object]) -> np.ndarray:
        """Whether test(value) is true, for every row."""
        return self.each(map(test, self.values), bool)

    def first_lines(self, lines: list[int]) -> dict[str, int]:
        """Each value (but the empty one) → the first line it is on."""
        found = dict(zip(self.values, (lines[i] for i in self.first_row.tolist())))
        found.pop("", None)
        return found


class _Empty(dict):
    """Column → whether each row's value is empty, worked out on first need."""

    def __init__(self, row: Mapping[str, np.ndarray]):
        super().__init__()
        self.row = row

    def __missing__(self, column: str) -> np.ndarray:
        empty = self[column] = self.row[column] == ""
        return empty


class _SpellingKeys(dict):
    """spelling_key of each value asked for, worked out once."""

    def __missing__(self, value: str) -> str:
        key = self[value] = spelling_key(value)
        return key


class _Dates(NamedTuple):
    """A date column read: for every row, what parse_partial_date made of it."""
    parsed: np.ndarray       # a PartialDate, a message saying why not, or None ('' or '..')
    first: np.ndarray        # its first day as an ordinal, or _NO_DATE or _NOT_A_DATE
    last: np.ndarray         # its last day, likewise
    ongoing: np.ndarray      # whether it is '..'
    approximate: np.ndarray
    uncertain: np.ndarray


def _read_dates(column: np.ndarray, parsed: dict[str, PartialDate | str]) -> _Dates:
    """Every date text read once, and kept in `parsed` (for the rows read one by one)."""
    distinct = _Distinct(column)
    dates, first, last, approximate, uncertain = parse_plain_dates(distinct.values)
    for i, (text, date) in enumerate(zip(distinct.values, dates)):
        if text in ("", schema.ONGOING):
            first[i] = last[i] = _NO_DATE
        elif date is None:  # a wrong date, or written in an unusual way
            dates[i] = date = parse_partial_date(text)
            if isinstance(date, PartialDate):
                first[i], last[i] = date.first_day.toordinal(), date.last_day.toordinal()
                approximate[i], uncertain[i] = date.approximate, date.uncertain
            else:
                first[i] = last[i] = _NOT_A_DATE
        if date is not None:
            parsed[text] = date
    codes = distinct.codes
    return _Dates(distinct.each(dates), first[codes], last[codes],
                  distinct.where(schema.ONGOING.__eq__), approximate[codes], uncertain[codes])


def _mixes_scripts(values: np.ndarray) -> np.ndarray:
    """Whether mixed_script_messages has anything to say, for every value."""
    plain = _mask(str.isascii, values)
    mixed = {value for value in set(values[~plain].tolist()) if mixed_script_messages(value)}
    return _mask(mixed.__contains__, values)


@dataclass
class _Columns:
    """The file's rows in the contract's columns, and what is worked out from them."""
    row: dict[str, np.ndarray]          # contract column → values ('' if it is absent)
    ascii: set[str]                     # the columns known to hold only ASCII
    distinct: dict[str, _Distinct]      # for the columns whose values repeat
    start: _Dates
    end: _Dates
    kind: np.ndarray                    # the row's type, or None if it is not one
    actor_names: list[tuple[str, ...]]  # split_actors of each distinct actors value


def _may_have_problems(columns: _Columns, categories: _Vocabulary, present: dict[str, int],
                       dialect: Dialect) -> np.ndarray:
    """True for every row `_check_row` might say anything about: a little more
    than that, never less, so a row left out has no problem of its own; but for
    one, said without it (many files have many): `_unsourced`."""
    row, distinct, start, end = columns.row, columns.distinct, columns.start, columns.end
    empty = _Empty(row)
    is_kind = {name: columns.kind == name for name in schema.ROW_TYPES}
    flagged = distinct["type"].where(lambda value: value not in _KINDS)
    for name, required in schema.REQUIRED_BY_ROW_TYPE.items():
        for column in required:
            if column in present:
                flagged |= is_kind[name] & empty[column]
    ids = np.flatnonzero(~empty["id"])
    flagged[ids] |= ~_mask(_SLUG.match, row["id"][ids])
    wrong_dates = (start.ongoing | (start.first == _NOT_A_DATE) | (end.last == _NOT_A_DATE)
                   | ((end.last >= 0) & (end.last < start.first)))
    title = is_kind["title"]
    flagged |= ~title & wrong_dates
    flagged |= title & ((empty["title"] & empty["description"]) | ~empty["start"] | ~empty["end"])
    flagged |= np.fromiter(map(len, row["title"]), np.int64, len(title)) > schema.TITLE_MAX_LENGTH
    facts = distinct["actors"].each(
        (bool(value) and not names
         for value, names in zip(distinct["actors"].values, columns.actor_names)), bool)
    facts |= distinct["category"].where(lambda value: value and value not in categories)
    facts |= distinct["certainty"].where(lambda value: value and value not in _CERTAINTIES)
    flagged |= is_kind["event"] & facts
    for column in schema.URL_COLUMNS:
        links = np.flatnonzero(~empty[column])
        flagged[links] |= ~_mask(_PLAIN_WEB_LINK.fullmatch, row[column][links])
    for column, values in row.items():
        if column not in columns.ascii:
            flagged |= _mixes_scripts(values)
    return flagged


def _unsourced(columns: _Columns, present: dict[str, int], dialect: Dialect) -> np.ndarray:
    """The events with no source (a warning, `_NO_SOURCE`)."""
    if not (dialect.expects_source and "source" in present):
        return np.zeros(len(columns.kind), dtype=bool)
    return (columns.kind == schema.DEFAULT_ROW_TYPE) & (columns.row["source"] == "")


# ---------------------------------------------------------------- whole file

def _spelling_warnings(actors: _Distinct, actor_names: list[tuple[str, ...]],
                       lines: list[int], keys: _SpellingKeys) -> list[Problem]:
    """Actors written differently only by case or spacing, e.g. 'Kim Jong-un' / 'kim jong-un'."""
    rows_with = np.bincount(actors.codes, minlength=len(actors.values)).tolist()
    uses: dict[str, Counter] = defaultdict(Counter)
    first_line: dict[str, int] = {}
    # Values in the order first seen, so a name's first value is its earliest line.
    for names, rows, first_row in zip(actor_names, rows_with, actors.first_row.tolist()):
        for name in names:
            uses[keys[name]][name] += rows
            first_line.setdefault(name, lines[first_row])
    # The most used spelling (the earliest on a tie) is the one to keep.
    usual = {key: max(spellings, key=lambda n: (spellings[n], -first_line[n]))
             for key, spellings in uses.items() if len(spellings) > 1}
    if not usual:
        return []
    said = [[f"{quote(name)} is also written {quote(keep)} (first on line "
             f"{first_line[keep]}); use one spelling so the timeline counts them as the same "
             f"actor" for name in names if (keep := usual.get(keys[name], name)) != name]
            for names in actor_names]
    codes = actors.codes
    return [warning(lines[i], "actors", message)
            for i in np.flatnonzero(actors.each(map(bool, said), bool)).tolist()
            for message in said[codes[i]]]


_CATEGORY_LETTERS = tuple((len(name), dict(Counter(name))) for name in schema.CATEGORIES)
_NOT_A_CATEGORY_LETTER = re.compile(f"[^{''.join(sorted(set(''.join(schema.CATEGORIES))))}]+")
_SHORTEST_CATEGORY = min(map(len, schema.CATEGORIES))


def _close_to_a_category(value: str, cutoff: float = 0.75) -> bool:
    """Whether difflib finds a category close to the value: its own two quick
    upper bounds are tried first (length, then letters in common), so the many
    values that cannot match cost a few steps rather than a difflib search."""
    word = value.lower()
    # However many of its letters a category shares, the word must have that many.
    in_any = len(_NOT_A_CATEGORY_LETTER.sub("", word))
    if 2.0 * in_any / (len(word) + _SHORTEST_CATEGORY) < cutoff:
        return False
    letters: set[str] | None = None
    for length, category_letters in _CATEGORY_LETTERS:
        total = len(word) + length
        if 2.0 * min(len(word), length) / total < cutoff:  # difflib's real_quick_ratio
            continue
        letters = letters if letters is not None else set(word)
        common = letters.intersection(category_letters)
        if 2.0 * sum(map(category_letters.__getitem__, common)) / total < cutoff:
            continue  # too few letters in common, even each as often as the category has it
        shared = sum(min(category_letters[letter], word.count(letter)) for letter in common)
        if 2.0 * shared / total >= cutoff:  # difflib's quick_ratio
            return bool(difflib.get_close_matches(word, list(schema.CATEGORIES), n=1,
                                                  cutoff=cutoff))
    return False


def _category_vocabulary(columns: _Columns, present: dict[str, int], dialect: Dialect,
                         keys: _SpellingKeys) -> Mapping[str, str]:
    """The categories this file may use: the guide's, or the file's own.

    A timeline on another subject (one from TimelineJS, say) has categories of
    its own. When no event uses one of the guide's categories, nor misspells
    one, the file's own are accepted, each as it is most often written; a file
    that uses any of the guide's must use only those, so a stray is still caught.
    """
    if "category" not in present:
        return schema.CATEGORIES
    category = columns.distinct["category"]
    of_events = category.where(bool)
    if "type" in present:
        of_events &= columns.distinct["type"].where(
            lambda value: value.lower() in ("", schema.DEFAULT_ROW_TYPE))
    values = columns.row["category"][of_events].tolist()
    listed = {spelling_key(c) for c in schema.CATEGORIES}
    if not dialect.own_categories and any(
            keys[v] in listed or _close_to_a_category(v) for v in dict.fromkeys(values)):
        return schema.CATEGORIES
    return dict.fromkeys(usual_spellings(values, keys.__getitem__).values(), "")


def _extra_title_rows(kind: np.ndarray, lines: list[int]) -> dict[int, Problem]:
    titles = np.flatnonzero(kind == "title").tolist()
    return {i: error(lines[i], "type", (
        f"the timeline has one title, already on line {lines[titles[0]]}; make this row an "
        f"event or an era, or delete it")) for i in titles[1:]}


def _duplicate_ids(column: np.ndarray, lines: list[int]) -> dict[int, Problem]:
    if len(set(column.tolist())) == len(column):  # the usual case, and quick to settle
        return {}
    ids = _Distinct(column)
    again = (ids.first_row[ids.codes] != np.arange(len(ids.codes))) & ids.where(bool)
    return {i: error(lines[i], "id", (
        f"id {quote(ids.values[code])} is already used on line "
        f"{lines[ids.first_row[code]]}; give each event its own id"))
        for i in np.flatnonzero(again).tolist() for code in [ids.codes[i]]}


def validate(header: Sequence[str], records: Sequence[Record], delimiter: str = ",",
             dialect: Dialect = OUR_FORMAT, plain: bool = False) -> Validation:
    """Check a parsed CSV against the contract. Blank records are skipped quietly.
    `plain`: the records' text is ASCII with no line break in any value (only saves time)."""
    head = _read_header(header, records, dialect)
    problems = list(head.problems)
    names = head.names
    columns = tuple(n for n in names if n is not None)
    extras = tuple(n for n in columns if n not in head.positions)
    required_missing = any(c not in head.positions for c in schema.REQUIRED_COLUMNS)
    width = len(names)

    record_lines, fields, why_broken = (zip(*records) if records else ((), (), ()))
    columns_read = _by_position(fields, width, plain)
    by_position = [column.values for column in columns_read]
    broken = np.not_equal(_objects(why_broken, len(records)), None)
    blank = _blank_rows(by_position, len(records))
    broken_blank = blank[broken[blank]]  # unreadable, not blank: said so below
    line = np.array(record_lines, dtype=np.int64)
    if len(blank) > len(broken_blank):  # blank rows: nothing to show, nothing lost
        kept = np.setdiff1d(np.arange(len(records)), np.setdiff1d(blank, broken_blank))
        by_position = [values[kept] for values in by_position]
        broken, line = broken[kept], line[kept]
        kept_records = [records[i] for i in kept.tolist()]
    else:
        kept_records = list(records)
    count = len(kept_records)
    lines = line.tolist()

    present = head.positions
    nothing = np.full(count, "", dtype=object)
    row = {c: by_position[present[c]] if c in present else nothing for c in schema.COLUMN_NAMES}
    raw = {name: by_position[i] for i, name in enumerate(names) if name is not None}
    taken = {c.lower() for c in columns} | set(RESERVED_COLUMNS)
    overflow: dict[int, str] = {}  # position beyond the header → its name in `raw`
    filled = {i: by_position[i] != "" for i in range(width, len(by_position))}
    # Named in the order the editor wrote them: by first row, then position.
    for _, i in sorted((int(filled[i].argmax()), i) for i in filled if filled[i].any()):
        overflow[i] = _unique(f"column {column_letter(i)}", taken)
        raw[overflow[i]] = by_position[i]
    lost = np.logical_or.reduce([np.zeros(count, bool), *filled.values()])

    distinct = {c: _Distinct(row[c]) for c in ("type", "actors", "category", "certainty")}
    parsed: dict[str, PartialDate | str] = {}  # each date text → what it reads as
    actor_names = [split_actors(value) for value in distinct["actors"].values]
    ascii = {c for c in schema.COLUMN_NAMES if c not in present or columns_read[present[c]].ascii}
    table = _Columns(
        row, ascii, distinct, _read_dates(row["start"], parsed), _read_dates(row["end"], parsed),
        distinct["type"].each(map(_KINDS.get, distinct["type"].values)), actor_names)
    keys = _SpellingKeys()
    categories = _Vocabulary(_category_vocabulary(table, present, dialect, keys))
    flagged = broken | lost | _may_have_problems(table, categories, present, dialect)

    # What the rows without problems are, read from the columns.
    start, end, kind = table.start, table.end, table.kind
    title = kind == "title"
    start_date, end_date = start.parsed.copy(), end.parsed.copy()
    ongoing = ~title & end.ongoing
    first_day = start.first.copy()
    last_day = np.where(end.last >= 0, end.last, start.last)
    approximate = start.approximate | end.approximate
    uncertain = start.uncertain | end.uncertain
    clean = dict(row)
    clean["type"] = kind.copy()
    clean["category"] = row["category"].copy()
    clean["certainty"] = row["certainty"].copy()

    # The rows with no problem but a missing source: only that to say.
    found: dict[int, list[Problem]] = {
        i: [warning(lines[i], "source", _NO_SOURCE)]
        for i in np.flatnonzero(_unsourced(table, present, dialect) & ~flagged).tolist()}
    # The rows that may have other problems, one by one, as `_check_row` says.
    read_date = parsed.__getitem__  # every date text of the file has been read
    first_use = ({c: distinct[c].first_lines(lines) for c in ("category", "certainty", "type")}
                 if flagged.any() else {})
    for i in np.flatnonzero(flagged).tolist():
        record = kept_records[i]
        checks, clean_row, (start_i, end_i, ongoing[i]), kind[i] = _check_row(
            record.line, {c: row[c][i] for c in schema.COLUMN_NAMES}, present, first_use,
            categories, dialect, read_date)
        values = [by_position[position][i] for position in range(len(record.fields))]
        if said := _shape_problems(record, values, width, delimiter, checks):
            found[i] = said
        for column in ("type", "category", "certainty"):
            clean[column][i] = clean_row[column]
        start_date[i], end_date[i] = start_i, end_i
        first_day[i] = start_i.first_day.toordinal() if start_i else _NO_DATE
        last_day[i] = (end_i or start_i).last_day.toordinal() if start_i else _NO_DATE
        approximate[i] = bool(start_i and start_i.approximate or end_i and end_i.approximate)
        uncertain[i] = bool(start_i and start_i.uncertain or end_i and end_i.uncertain)

    for i, problem in (_duplicate_ids(row["id"], lines)
                       | _extra_title_rows(kind, lines)).items():
        found.setdefault(i, []).append(problem)
    problems.extend(p for i in sorted(found) for p in found[i])
    problems.extend(_spelling_warnings(distinct["actors"], actor_names, lines, keys))
    if not count and not required_missing:
        problems.append(warning(None, None, "the file has a header but no events"))

    bad_lines = np.fromiter({p.line for p in problems if p.is_error and p.line is not None},
                            np.int64)
    ok = ~np.isin(line, bad_lines) & ((first_day != _NO_DATE) | (kind == "title"))
    checked = CheckedRows(line, raw, clean, start_date, end_date, ongoing,
                          ok & (not required_missing), kind, first_day, last_day,
                          approximate, uncertain,
                          dict(zip(distinct["actors"].values, actor_names)))
    extra_raw = tuple(overflow[i] for i in sorted(overflow))
    return Validation(columns, extras, columns + extra_raw, checked,
                      _as_written(problems, dialect))


def _as_written(problems: list[Problem], dialect: Dialect) -> tuple[Problem, ...]:
    """Problems naming the columns the editor wrote; one where two columns came from one."""
    if not dialect.labels:
        return tuple(problems)
    named = (replace(p, column=dialect.label(p.column)) if p.column else p for p in problems)
    return tuple(dict.fromkeys(named))
