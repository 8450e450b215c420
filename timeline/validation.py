"""The rules a timeline CSV must follow, as Problems an editor can act on.

`validate` takes what the CSV reader produced (the header and the records with
their line numbers) and returns every row, what is wrong with the file, and
which rows are clean enough to show. Column rules come from `timeline.schema`.
"""
from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from typing import Iterable, Mapping, Sequence
from urllib.parse import urlsplit

from timeline import schema
from timeline.dates import PartialDate, parse_partial_date
from timeline.report import Problem
from timeline.text_folding import normalise_text

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
RESERVED_COLUMNS = ("line",)  # added by the loader to every raw row


@dataclass(frozen=True)
class Record:
    """One record as the CSV reader split it, on the line where it starts."""
    line: int
    fields: tuple[str, ...]
    # Why the reader could not split this record properly (e.g. a quote never closed).
    broken: str | None = None


@dataclass(frozen=True)
class CheckedRow:
    line: int
    raw: dict[str, str]     # every column the file had, values stripped, as written
    clean: dict[str, str]   # the contract's columns, with category/certainty normalised
    start: PartialDate | None
    end: PartialDate | None
    ongoing: bool
    ok: bool                # no errors: the row can be shown
    kind: str = schema.DEFAULT_ROW_TYPE  # its `type`: event, era or title ('' if unknown)


@dataclass(frozen=True)
class Dialect:
    """How a file format other than ours bends the contract (see `timeline.timelinejs`)."""
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
    rows: tuple[CheckedRow, ...]
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


def clean_value(value: str) -> str:
    # Spreadsheets leave non-breaking and zero-width spaces around values, and
    # Windows line breaks inside them; a value's line breaks become plain '\n'.
    value = value.strip().strip("\u200b\u200c\u200d\u2060\ufeff").strip()
    return value.replace("\r\n", "\n").replace("\r", "\n") if "\r" in value else value


def spelling_key(text: str) -> str:
    """What stays of a name once case, spacing and accents are ignored, as the
    app's filters ignore them: 'Sergeï  Shoigu' ~ 'sergei shoigu'."""
    return normalise_text(text).replace(" ", "")


def usual_spellings(values: Iterable[str]) -> dict[str, str]:
    """Spelling key → the spelling used most often (the earliest on a tie)."""
    spellings: dict[str, Counter] = defaultdict(Counter)
    for value in values:
        spellings[spelling_key(value)][value] += 1
    # max() keeps the first of equals, and a Counter keeps first-seen order.
    return {key: max(counts, key=counts.__getitem__) for key, counts in spellings.items()}


def split_actors(value: str) -> tuple[str, ...]:
    """'Kim; Putin;; Kim' → ('Kim', 'Putin'): stripped, empties and repeats dropped."""
    names = (clean_value(name) for name in value.split(schema.ACTOR_SEPARATOR))
    return tuple(dict.fromkeys(name for name in names if name))


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

def _known_value(line: int, column: str, value: str, known: dict[str, str],
                 first_use: dict[str, int], problems: list[Problem]) -> str:
    """The value, normalised to a known spelling; a problem if it is not known at all."""
    if value in known:
        return value
    by_key = {spelling_key(k): k for k in known}
    if (match := by_key.get(spelling_key(value))) is not None:
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


def _check_dates(line: int, row: dict[str, str], problems: list[Problem]
                 ) -> tuple[PartialDate | None, PartialDate | None, bool]:
    """(start, end, ongoing) as far as they can be read; problems for the rest."""
    start = end = None
    ongoing = False
    text = row["start"]
    if text == schema.ONGOING:
        problems.append(error(line, "start", (
            f"start cannot be '{schema.ONGOING}': that means 'still going on' and belongs in "
            f"end; write when the event began")))
    elif text:
        parsed = parse_partial_date(text)
        if isinstance(parsed, str):
            problems.append(error(line, "start", parsed))
        else:
            start = parsed
    text = row["end"]
    if text == schema.ONGOING:
        ongoing = True
    elif text:
        parsed = parse_partial_date(text)
        if isinstance(parsed, str):
            problems.append(error(line, "end", parsed))
        else:
            end = parsed
    if start and end and end.last_day < start.first_day:
        problems.append(error(line, "end", (
            f"the event ends ({end}) before it starts ({start}); "
            f"check both dates, or swap them")))
    return start, end, ongoing


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
    known = _known_value(line, "type", value, schema.ROW_TYPES, first_use, problems)
    return known if known in schema.ROW_TYPES else ""


def _check_row(line: int, row: dict[str, str], present: dict[str, int],
               first_use: dict[str, dict[str, int]], categories: Mapping[str, str],
               dialect: Dialect = OUR_FORMAT) -> tuple[
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
        dates = _check_dates(line, row, problems)
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
                       categories: Mapping[str, str], dialect: Dialect,
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
                                          schema.CERTAINTIES, first_use["certainty"], problems)
    if dialect.expects_source and "source" in present and not row["source"]:
        problems.append(warning(line, "source", (
            "no source: say who reported or confirmed this event")))


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


# ---------------------------------------------------------------- whole file

def _spelling_warnings(rows: Sequence[CheckedRow]) -> list[Problem]:
    """Actors written differently only by case or spacing, e.g. 'Kim Jong-un' / 'kim jong-un'."""
    uses: dict[str, Counter] = defaultdict(Counter)
    first_line: dict[str, int] = {}
    for row in rows:
        for name in split_actors(row.raw.get("actors", "")):
            uses[spelling_key(name)][name] += 1
            first_line.setdefault(name, row.line)
    # The most used spelling (the earliest on a tie) is the one to keep.
    usual = {key: max(spellings, key=lambda n: (spellings[n], -first_line[n]))
             for key, spellings in uses.items() if len(spellings) > 1}
    problems = []
    for row in rows:
        for name in split_actors(row.raw.get("actors", "")):
            if (keep := usual.get(spelling_key(name), name)) != name:
                problems.append(warning(row.line, "actors", (
                    f"{quote(name)} is also written {quote(keep)} (first on line "
                    f"{first_line[keep]}); use one spelling so the timeline counts them "
                    f"as the same actor")))
    return problems


def _category_vocabulary(cleaned: list[tuple[Record, list[str]]], positions: dict[str, int],
                         dialect: Dialect) -> Mapping[str, str]:
    """The categories this file may use: the guide's, or the file's own.

    A timeline on another subject (one from TimelineJS, say) has categories of
    its own. When no event uses one of the guide's categories, nor misspells
    one, the file's own are accepted, each as it is most often written; a file
    that uses any of the guide's must use only those, so a stray is still caught.
    """
    index, type_index = positions.get("category"), positions.get("type")
    if index is None:
        return schema.CATEGORIES
    values = [values[index] for _, values in cleaned
              if index < len(values) and values[index]
              and (type_index is None or type_index >= len(values)
                   or values[type_index].lower() in ("", schema.DEFAULT_ROW_TYPE))]
    listed = {spelling_key(c) for c in schema.CATEGORIES}
    if not dialect.own_categories and any(
            spelling_key(v) in listed
            or difflib.get_close_matches(v.lower(), list(schema.CATEGORIES), n=1, cutoff=0.75)
            for v in values):
        return schema.CATEGORIES
    return dict.fromkeys(usual_spellings(values).values(), "")


def _extra_title_rows(rows: Sequence[CheckedRow]) -> dict[int, Problem]:
    titles = [row.line for row in rows if row.kind == "title"]
    return {line: error(line, "type", (
        f"the timeline has one title, already on line {titles[0]}; make this row an event "
        f"or an era, or delete it")) for line in titles[1:]}


def _duplicate_ids(rows: Sequence[CheckedRow]) -> dict[int, Problem]:
    seen: dict[str, int] = {}
    found = {}
    for row in rows:
        value = row.raw.get("id", "")
        if not value:
            continue
        if value in seen:
            found[row.line] = error(row.line, "id", (
                f"id {quote(value)} is already used on line {seen[value]}; "
                f"give each event its own id"))
        else:
            seen[value] = row.line
    return found


def _first_uses(cleaned: list[tuple[Record, list[str]]], positions: dict[str, int],
                columns: Sequence[str]) -> dict[str, dict[str, int]]:
    """column → {exact value → first line}, so a message can point at the usual spelling."""
    found: dict[str, dict[str, int]] = {column: {} for column in columns}
    for column, uses in found.items():
        if (index := positions.get(column)) is not None:
            for record, values in cleaned:
                if index < len(values) and values[index]:
                    uses.setdefault(values[index], record.line)
    return found


def validate(header: Sequence[str], records: Sequence[Record],
             delimiter: str = ",", dialect: Dialect = OUR_FORMAT) -> Validation:
    """Check a parsed CSV against the contract. Blank records are skipped quietly."""
    head = _read_header(header, records, dialect)
    problems = list(head.problems)
    names = head.names
    columns = tuple(n for n in names if n is not None)
    extras = tuple(n for n in columns if n not in head.positions)
    required_missing = any(c not in head.positions for c in schema.REQUIRED_COLUMNS)
    overflow: dict[int, str] = {}  # position beyond the header → name in `raw`
    taken = {c.lower() for c in columns} | set(RESERVED_COLUMNS)
    rows: list[CheckedRow] = []
    row_problems: dict[int, list[Problem]] = {}
    cleaned = [(r, [clean_value(v) for v in r.fields]) for r in records]
    first_use = _first_uses(cleaned, head.positions, ("category", "certainty", "type"))
    categories = _category_vocabulary(cleaned, head.positions, dialect)

    for record, values in cleaned:
        if record.broken is None and not any(values):
            continue  # a blank row: nothing to show, nothing lost
        raw = {name: (values[i] if i < len(values) else "")
               for i, name in enumerate(names) if name is not None}
        for i in range(len(names), len(values)):
            if values[i]:  # kept in `raw` so nothing the editor wrote is lost
                if i not in overflow:
                    overflow[i] = _unique(f"column {column_letter(i)}", taken)
                raw[overflow[i]] = values[i]
        row = {c: raw.get(c, "") if c in head.positions else "" for c in schema.COLUMN_NAMES}
        checks, clean, (start, end, ongoing), kind = _check_row(
            record.line, row, head.positions, first_use, categories, dialect)
        found = _shape_problems(record, values, len(names), delimiter, checks)
        row_problems[record.line] = found
        rows.append(CheckedRow(record.line, raw, clean, start, end, ongoing, ok=True, kind=kind))

    for line, problem in (_duplicate_ids(rows) | _extra_title_rows(rows)).items():
        row_problems[line].append(problem)
    problems.extend(p for found in row_problems.values() for p in found)
    problems.extend(_spelling_warnings(rows))
    if not rows and not required_missing:
        problems.append(warning(None, None, "the file has a header but no events"))

    bad_lines = {p.line for p in problems if p.is_error and p.line is not None}
    checked = tuple(
        replace(r, ok=not required_missing and r.line not in bad_lines
                and (r.start is not None or r.kind == "title"))
        for r in rows)
    extra_raw = tuple(overflow[i] for i in sorted(overflow))
    return Validation(columns, extras, columns + extra_raw, checked,
                      _as_written(problems, dialect))


def _as_written(problems: list[Problem], dialect: Dialect) -> tuple[Problem, ...]:
    """Problems naming the columns the editor wrote; one where two columns came from one."""
    if not dialect.labels:
        return tuple(problems)
    named = (replace(p, column=dialect.label(p.column)) if p.column else p for p in problems)
    return tuple(dict.fromkeys(named))
