"""The row rules: everything a timeline's row must be, said as Problems an editor
can act on. `check_row` is the one definition of every row's messages (the quick
pass over whole columns, `quick_pass`, only decides which rows it must read);
`shape_problems` says when a row was split wrongly. Column rules come from `schema`.
"""
from __future__ import annotations

import difflib
import re
from typing import Callable, Mapping
from urllib.parse import urlsplit

from timeline.data import schema
from timeline.data.checks.dialect import OUR_FORMAT, Dialect
from timeline.data.checks.mixed_scripts import mixed_script_messages
from timeline.data.checks.text import quote, slugify, spelling_key, split_actors
from timeline.data.colour_vision import HEX_COLOUR
from timeline.data.dates import PartialDate, parse_partial_date
from timeline.data.report import Problem, error, warning
from timeline.data.table import Record

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")  # an id: a-z, digits, single hyphens between
# A type written exactly → the row's kind (none: an event); any other is `_row_type`'s to judge.
KINDS = {"": schema.DEFAULT_ROW_TYPE, **{kind: kind for kind in schema.ROW_TYPES}}


class Vocabulary:
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


_ROW_TYPES = Vocabulary(schema.ROW_TYPES)
KNOWN_CERTAINTIES = Vocabulary(schema.CERTAINTIES)
_SETTINGS = Vocabulary(schema.TIMELINE_SETTINGS)


def _known_value(line: int, column: str, value: str, vocabulary: Vocabulary,
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
                 read: Callable[[str], PartialDate | str] = parse_partial_date,
                 what: str = "the event"
                 ) -> tuple[PartialDate | None, PartialDate | None, bool]:
    """(start, end, ongoing) as far as they can be read; problems for the rest.
    `read`: parse_partial_date, or the same with what it has said before."""
    def date_in(column: str):
        if not row[column] or row[column] == schema.ONGOING:
            return None
        parsed = read(row[column])
        if isinstance(parsed, str):  # what is wrong with it
            problems.append(error(line, column, parsed))
            return None
        return parsed

    if row["start"] == schema.ONGOING:
        problems.append(error(line, "start", (
            f"start cannot be '{schema.ONGOING}': that means 'still going on' and belongs in "
            f"end; write when the event began")))
    start, end = date_in("start"), date_in("end")
    ongoing = row["end"] == schema.ONGOING
    if start and end and end.last_day < start.first_day:
        problems.append(error(line, "end", (
            f"{what} ends ({end}) before it starts ({start}); "
            f"check both dates, or swap them")))
    return start, end, ongoing


NO_SOURCE = "no source: say who reported or confirmed this event"


def _empty_message(column: str, kind: str, dialect: Dialect) -> str:
    name = dialect.label(column)
    if kind == "era":
        hint = f" ('{schema.ONGOING}' if it is still going on)" if name == "end" else ""
        return f"{name} is empty; an era needs a start, an end and a title{hint}"
    if kind == "category":
        return (f"{name} is empty; a category row declares a category: write its name "
                f"(what events write in {name})")
    return f"{name} is empty; every event needs one"


def _row_type(line: int, value: str, first_use: dict[str, int],
              problems: list[Problem]) -> str:
    """The row's type in its canonical spelling, or '' when it is not one."""
    if not value:
        return schema.DEFAULT_ROW_TYPE
    known = _known_value(line, "type", value, _ROW_TYPES, first_use, problems)
    return known if known in schema.ROW_TYPES else ""


def check_row(line: int, row: dict[str, str], present: dict[str, int],
              first_use: dict[str, dict[str, int]], categories: Vocabulary,
              dialect: Dialect = OUR_FORMAT,
              read_date: Callable[[str], PartialDate | str] = parse_partial_date) -> tuple[
        list[Problem], dict[str, str], tuple[PartialDate | None, PartialDate | None, bool], str]:
    """All that is wrong with one row; the row with its type, category and certainty
    in their known spelling; its (start, end, ongoing); and its type ('' if unknown)."""
    problems: list[Problem] = []
    clean = dict(row)
    kind = _row_type(line, row["type"], first_use["type"], problems)
    clean["type"] = kind or row["type"]
    for column in schema.REQUIRED_BY_ROW_TYPE.get(kind, ()):
        if column in present and not row[column]:
            problems.append(error(line, column, _empty_message(column, kind, dialect)))
    if row["id"] and not SLUG.match(row["id"]):
        suggestion = slugify(row["id"])
        problems.append(error(line, "id", (
            f"{quote(row['id'])} is not a usable id: use only lowercase letters a-z, digits and "
            f"single hyphens between them, e.g. '{suggestion or 'council-vote-2023'}'")))
    if kind == "title":
        dates = _check_title_row(line, row, problems, read_date)
    else:
        dates = _check_dates(line, row, problems, read_date)
    if len(row["title"]) > schema.TITLE_MAX_LENGTH:
        over = len(row["title"]) - schema.TITLE_MAX_LENGTH
        problems.append(error(line, "title", (
            f"the title is {len(row['title'])} characters long; the limit is "
            f"{schema.TITLE_MAX_LENGTH}, so cut {over} character{'s' if over > 1 else ''}")))
    if kind == "event":
        _check_event_facts(line, row, clean, present, first_use, categories, dialect, problems)
    if row["settings"]:
        _check_settings(line, row["settings"], kind, problems)
    if row["colour"]:
        _check_colour(line, row["colour"], kind, problems)
    for column in schema.URL_COLUMNS:
        if row[column] and (message := _url_problem(row[column])):
            problems.append(error(line, column, message))
    for column in schema.COLUMN_NAMES:
        if not row[column].isascii():  # (ASCII is one alphabet)
            problems.extend(warning(line, column, m) for m in mixed_script_messages(row[column]))
    return problems, clean, dates, kind


def _check_title_row(line: int, row: dict[str, str], problems: list[Problem],
                     read: Callable[[str], PartialDate | str] = parse_partial_date
                     ) -> tuple[PartialDate | None, PartialDate | None, bool]:
    """A title row names the timeline; its `start` and `end`, both or neither, are
    the window readers see first (view/window.py)."""
    if not (row["title"] or row["description"]):
        problems.append(error(line, "title", (
            "the title row is empty: write the timeline's title in title, and the line under "
            "it in description")))
    if not (row["start"] or row["end"]):
        return None, None, False
    if row["end"] == schema.ONGOING:
        problems.append(error(line, "end", (
            f"the window readers see first needs a last date, not '{schema.ONGOING}': write "
            f"the year (or month, or day) it should end with")))
        return None, None, False
    for given, missing in (("start", "end"), ("end", "start")):
        if row[given] and not row[missing]:
            problems.append(error(line, missing, (
                f"{missing} is empty: a title row's start and end are the window readers see "
                f"first, so write both (or neither, to let the app choose)")))
            return None, None, False
    start, end, _ = _check_dates(line, row, problems, read, "the window")
    return start, end, False


def timeline_settings(value: str) -> frozenset[str]:
    """The settings a title row's `settings` cell names, in their known spelling
    (those it does not know, `_check_settings` reports); a keyed one as
    `name=value` (schema.TIMELINE_KEYED_SETTINGS), read by `schema.setting_value`."""
    words = (word.strip() for word in value.split(schema.SETTINGS_SEPARATOR))
    found = set()
    for word in words:
        if schema.KEYED_SETTINGS_MARK in word:
            if (keyed := _keyed_setting(word)) is not None and not isinstance(keyed, str):
                found.add(schema.KEYED_SETTINGS_MARK.join(keyed))
        elif (known := _SETTINGS.by_key.get(spelling_key(word))) is not None:
            found.add(known)
    return frozenset(found)


def _keyed_setting(word: str) -> tuple[str, str] | str | None:
    """`name=value` as (name, value) in their known spelling; a message when the
    name is known but not the value; None when the name is not known."""
    name, _, value = (part.strip() for part in word.partition(schema.KEYED_SETTINGS_MARK))
    if name.lower() not in schema.TIMELINE_KEYED_SETTINGS:
        return None
    name = name.lower()
    accepted = schema.TIMELINE_KEYED_SETTINGS[name][1]
    if accepted == schema.FREE_TEXT:  # words as written (a credit)
        return (name, value) if value else (
            f"{name}= says nothing: write it after the '=' (e.g. '{name}=Jane Smith'), "
            f"or leave it out")
    if value.lower() in accepted:
        return name, value.lower()
    return (f"{quote(value)} is not a {name} the app knows: write one of "
            f"{', '.join(accepted)} (e.g. '{name}={accepted[-1]}')")


def _check_settings(line: int, value: str, kind: str, problems: list[Problem]) -> None:
    if kind != "title":
        problems.append(error(line, "settings", (
            f"settings belong on the title row (type 'title'): they are the whole timeline's; "
            f"move {quote(value)} there, or clear this cell")))
        return
    keyed_names: set[str] = set()
    free_text = ""  # the free-text setting just before (its words cannot hold the separator)
    for word in filter(None, (w.strip() for w in value.split(schema.SETTINGS_SEPARATOR))):
        after, free_text = free_text, ""
        if word in schema.TIMELINE_SETTINGS:
            continue
        if schema.KEYED_SETTINGS_MARK in word and (keyed := _keyed_setting(word)) is not None:
            if isinstance(keyed, str):
                problems.append(error(line, "settings", keyed))
            elif keyed[0] in keyed_names:  # which one counts would be chance
                problems.append(error(line, "settings", (
                    f"{keyed[0]}= is written twice: keep one")))
            else:
                keyed_names.add(keyed[0])
                if schema.TIMELINE_KEYED_SETTINGS[keyed[0]][1] == schema.FREE_TEXT:
                    free_text = keyed[0]
            continue
        if (match := _SETTINGS.by_key.get(spelling_key(word))) is not None:
            problems.append(warning(line, "settings", (
                f"{quote(word)} was read as '{match}'; write it exactly '{match}'")))
            continue
        if after:
            problems.append(error(line, "settings", (
                f"{quote(word)} is not a setting the app knows: if it belongs to {after}=, "
                f"write it without '{schema.SETTINGS_SEPARATOR}' (which separates settings), "
                f"e.g. with a comma")))
            continue
        close = difflib.get_close_matches(word.lower(), list(schema.TIMELINE_SETTINGS), n=1,
                                          cutoff=0.6)
        problems.append(error(line, "settings", (
            f"{quote(word)} is not a setting the app knows"
            + (f"; did you mean '{close[0]}'?" if close else ".")
            + f" Settings: {', '.join(schema.TIMELINE_SETTINGS)}, separated by "
              f"'{schema.SETTINGS_SEPARATOR}'; and "
            + ", ".join(f"'{name}=…'" for name in schema.TIMELINE_KEYED_SETTINGS))))


def _check_colour(line: int, value: str, kind: str, problems: list[Problem]) -> None:
    if kind != "category":
        problems.append(warning(line, "colour", (
            f"colour is read only on a category row (type 'category'), which gives a "
            f"category its colour; {quote(value)} is ignored here: clear this cell")))
    elif not HEX_COLOUR.fullmatch(value):
        problems.append(error(line, "colour", (
            f"{quote(value)} is not a colour the app reads: write '#' and six hexadecimal "
            f"digits (red, green, blue), e.g. '#3b2ba9'; or leave it empty for the "
            f"default palette's next colour")))


def _check_event_facts(line: int, row: dict[str, str], clean: dict[str, str],
                       present: dict[str, int], first_use: dict[str, dict[str, int]],
                       categories: Vocabulary, dialect: Dialect,
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
                                          KNOWN_CERTAINTIES, first_use["certainty"], problems)
    if dialect.expects_source and "source" in present and not row["source"]:
        problems.append(warning(line, "source", NO_SOURCE))


def shape_problems(record: Record, values: list[str], width: int, delimiter: str,
                    checks: list[Problem]) -> list[Problem]:
    """Problems with how the row was split; when it was split wrongly, the column
    checks would only describe the damage, so they give way to one clear message."""
    if record.broken:
        return [error(record.line, None, record.broken)]
    quoting = (f"A value containing '{delimiter}' must be wrapped in double quotes, "
               f"e.g. \"Smith{delimiter} Jones\"")
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


