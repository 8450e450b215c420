"""TimelineJS timelines in our columns, and ours as TimelineJS JSON.

TimelineJS (Knight Lab) keeps a timeline in a spreadsheet with a fixed header
(`Year, Month, Day, …, Headline, Text, Media, …, Type, Group, Background`) or
as JSON (`title`, `events`, `eras`). Both come in as *slides*: one dict of
values under the sheet's column names, so one conversion serves both; a sheet
the loader reads is converted whole (`as_our_table`), then checked as our own
files are. What TimelineJS cannot say in our terms is decided here, once:

- `id`: the JSON's `unique_id`, else a slug of the headline and year, unique.
- `category`: the Group, as written (TimelineJS groups are free text, so the
  file's categories are its own); `actors`: the Group too. Without a Group,
  both are the timeline's title (or "—" when it has none): TimelineJS names
  no one, and the actor lanes and filter need a name to show.
- `Text` and the other HTML become our text (`timeline.data.html_text`).
- `Media`: a picture's, a sound or video file's, or a YouTube or Vimeo video's
  address is the media (`timeline.data.media`); any other web address (a tweet,
  a map) becomes a link at the end of the description; a quote or
  other HTML becomes text there; an address on TimelineJS's own site
  (`/static/…`) cannot be reached and is left out, with a warning.
- Times of day, thumbnails and backgrounds are not shown (one warning).
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Mapping, Sequence
from urllib.parse import urlsplit

import pandas as pd

from timeline.data import schema
from timeline.data.checks.dialect import Dialect
from timeline.data.checks.header import RESERVED_COLUMNS, unique_name
from timeline.data.checks.text import (
    clean_value,
    column_letter,
    quote,
    slugify,
    spelling_key,
    usual_spellings,
)
from timeline.data.dates import PartialDate, parse_partial_date
from timeline.data.html_text import html_to_line, html_to_text, markdown_link, text_to_html
from timeline.data.markup import is_web_address
from timeline.data.media import media_of
from timeline.data.report import Problem, error, warning
from timeline.data.table import Record, Table

CSV_COLUMNS = ("Year", "Month", "Day", "Time", "End Year", "End Month", "End Day", "End Time",
               "Display Date", "Headline", "Text", "Media", "Media Credit", "Media Caption",
               "Media Thumbnail", "Type", "Group", "Background", "Alt Text")
NOT_SHOWN = ("Time", "End Time", "Media Thumbnail", "Background", "Alt Text")
# Our column → the sheet's, so problems name the cell the editor wrote.
LABELS = {"start": "Year", "end": "End Year", "display_date": "Display Date",
          "title": "Headline", "description": "Text", "media_url": "Media",
          "media_caption": "Media Caption", "media_credit": "Media Credit", "type": "Type",
          "category": "Group"}
NO_NAME = "—"
_NUMBER = re.compile(r"^-?\d+$")
_KEYS = {" ".join(c.lower().split()): c for c in CSV_COLUMNS}


def column_name(name: str) -> str | None:
    """The TimelineJS column `name` means ('end year' → 'End Year'), or None."""
    return _KEYS.get(" ".join(clean_value(name).lower().split()))


def is_timelinejs_header(fields: Sequence[str]) -> bool:
    """A TimelineJS template's header: Year and Headline, and most of the rest."""
    known = {column_name(f) for f in fields} - {None}
    return {"Year", "Headline"} <= known and len(known) >= 5


@dataclass(frozen=True)
class Slide:
    """One TimelineJS slide: its values under the sheet's column names."""
    line: int | None  # in a CSV; JSON has none
    values: Mapping[str, str]
    where: str = ""   # how a message points at it when there is no line ("event 3")


@dataclass(frozen=True)
class Converted:
    line: int | None
    row: dict[str, str]          # our columns
    notes: tuple[str, ...] = ()  # what the conversion changed, for the editor


@dataclass
class Conversion:
    rows: list[Converted] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


# ---------------------------------------------------------------- slides → our rows

def convert(slides: Sequence[Slide]) -> Conversion:
    """Our rows for TimelineJS slides, with a problem for what could not be kept."""
    done = Conversion()
    titles = [s for s in slides if _kind(s) == "title"]
    timeline_title = html_to_line(titles[0].values.get("Headline", "")) if titles else ""
    # An actor is named one way however its Group is spelled, as the category is.
    groups = usual_spellings(html_to_line(s.values.get("Group", "")) for s in slides
                             if _kind(s) == "event")
    taken: set[str] = set()
    nameless = False
    for slide in slides:
        notes: list[str] = []
        row = _convert_slide(slide, timeline_title or NO_NAME, groups, taken, notes,
                             done.problems)
        nameless |= _kind(slide) == "event" and not slide.values.get("Group", "").strip()
        done.rows.append(Converted(slide.line, row, tuple(notes)))
    if nameless:
        done.problems.append(warning(None, None, (
            f"TimelineJS names no actors: an event without a Group takes the timeline's title "
            f"({quote(timeline_title or NO_NAME)}) as its actor and category. Give events a "
            f"Group, or write their actors once the file is in our CSV")))
    return done


def _kind(slide: Slide) -> str:
    kind = slide.values.get("Type", "").strip().lower()
    return kind if kind in ("title", "era") else schema.DEFAULT_ROW_TYPE


def _convert_slide(slide: Slide, fallback_name: str, groups: Mapping[str, str],
                   taken: set[str], notes: list[str], problems: list[Problem]) -> dict[str, str]:
    values, kind = slide.values, _kind(slide)

    def note(column: str, message: str, severity: str = "warning") -> None:
        text = f"{slide.where}: {message}" if slide.where else message
        problems.append(Problem(slide.line, column, text, severity))  # type: ignore[arg-type]
        notes.append(f"{column}: {message}")

    row = dict.fromkeys(schema.COLUMN_NAMES, "")
    if kind in ("title", "era"):
        row["type"] = kind
    elif written := clean_value(values.get("Type", "")):
        # As TimelineJS itself does: a slide of any other type is an event.
        note("Type", f"{quote(written)} is not a TimelineJS type (title or era), so the row is "
                     f"an event")
    row["start"] = _date(values, "", note)
    row["end"] = _date(values, "End ", note)
    row["display_date"] = html_to_line(values.get("Display Date", ""))
    row["description"] = text = html_to_text(values.get("Text", ""))
    row["media_caption"] = html_to_line(values.get("Media Caption", ""))
    row["media_credit"] = html_to_line(values.get("Media Credit", ""))
    _media(values.get("Media", ""), row, note)
    row["title"] = _headline(values, text, row, kind, note)
    if kind == "title":
        # TimelineJS shows no date on its title slide; ours would be the window
        # readers see first, which the sheet never meant.
        if row["start"] or row["end"]:
            note("Year", "the title slide's date is not used: TimelineJS shows none there")
            row["start"] = row["end"] = ""
        return row
    if kind == "event":
        group = html_to_line(values.get("Group", ""))
        row["category"] = group or fallback_name
        actor = groups.get(spelling_key(group), group) or fallback_name
        # One Group is one name, even with a ';' in it.
        row["actors"] = actor.replace(schema.ACTOR_SEPARATOR, ",")
    row["id"] = _unique_id(values.get("unique_id", ""), row["title"], row["start"], taken)
    return row


def _date(values: Mapping[str, str], prefix: str, note) -> str:
    """'1815-12-10' from Year, Month and Day (or End Year, …); '' if none or unreadable."""
    names = [f"{prefix}Year", f"{prefix}Month", f"{prefix}Day"]
    year, month, day = (clean_value(values.get(n, "")) for n in names)
    if not (year or month or day):
        return ""
    for name, value in zip(names, (year, month, day)):
        if value and not _NUMBER.match(value.removesuffix(".0")):
            part = name.split()[-1].lower()
            example = {"year": "1969", "month": "7", "day": "20"}[part]
            note(name, f"{quote(value)} is not a number; write the {part} in figures, "
                       f"e.g. {example}", "error")
            return ""
    parts = [int(v.removesuffix(".0")) if v else None for v in (year, month, day)]
    if parts[0] is None:
        note(names[0], f"{names[0]} is empty but {names[1]} or {names[2]} is not; write the "
                       f"year", "error")
        return ""
    if parts[2] is not None and parts[1] is None:
        note(names[1], f"{names[2]} is given without a month; write the month or empty "
                       f"{names[2]}", "error")
        return ""
    if not 1 <= parts[0] <= 9999:
        note(names[0], f"the year {parts[0]} cannot be shown: this timeline's dates run from "
                       f"the year 1 to 9999", "error")
        return ""
    text = f"{parts[0]:04d}" + "".join(f"-{p:02d}" for p in parts[1:] if p is not None)
    parsed = parse_partial_date(text)
    if isinstance(parsed, str):
        note(names[1] if "month" in parsed else names[2] if parts[2] else names[0], parsed,
             "error")
        return ""
    return text


def _headline(values: Mapping[str, str], text: str, row: Mapping[str, str], kind: str,
              note) -> str:
    headline = html_to_line(values.get("Headline", ""))
    if not headline and kind != "title":
        # TimelineJS allows a slide without a headline; our timeline labels every mark.
        for source, candidate in (("the Text's first words", text),
                                  ("the media's caption", row["media_caption"]),
                                  ("the media's credit", row["media_credit"])):
            if candidate:
                headline = _first_words(candidate, 80)
                note("Headline", f"no Headline, so the title is {source}: {quote(headline)}")
                break
    if len(headline) > schema.TITLE_MAX_LENGTH:
        note("Headline", f"the Headline is {len(headline)} characters long; the title keeps "
                         f"the first {schema.TITLE_MAX_LENGTH}. It read: {headline}")
        headline = _first_words(headline, schema.TITLE_MAX_LENGTH)
    return headline


def _first_words(text: str, limit: int) -> str:
    first = " ".join(text.split()).split(". ")[0]
    plain = re.sub(r"\[([^\[\]]+)\]\([^()\s]+\)", r"\1", first)  # link markup → its text
    if len(plain) <= limit:
        return plain
    return plain[:limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def _media(media: str, row: dict[str, str], note) -> None:
    media = media.strip()
    if not media:
        return
    address = "https:" + media if media.startswith("//") else media
    if is_web_address(address) and not any(c.isspace() for c in address):
        if (media := media_of(address)) and media.kind != "link":
            row["media_url"] = address  # a picture, a sound or video file, YouTube or Vimeo
            return
        # A tweet, a map, a page: our card shows it as a link, so it is one in the text.
        label = row["media_caption"] or row["media_credit"] or urlsplit(address).hostname
        _append(row, "Media: " + markdown_link(label or address, address))
    elif media.startswith("<") or not re.fullmatch(r"\S+", media):
        _append(row, html_to_text(media))  # a quote or other text shown as the media
    else:
        note("Media", f"{quote(media)} is not a full web address (it may be on TimelineJS's "
                      f"own site), so no image is shown; write its https:// address")


def _append(row: dict[str, str], paragraph: str) -> None:
    if paragraph:
        row["description"] = "\n\n".join(p for p in (row["description"], paragraph) if p)


def _unique_id(given: str, title: str, start: str, taken: set[str]) -> str:
    base = slugify(given) or "-".join(p for p in (slugify(title)[:60].strip("-"),
                                                  start[:4]) if p) or "event"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    taken.add(candidate)
    return candidate


# ---------------------------------------------------------------- a sheet → our table

@dataclass(frozen=True)
class SheetInOurColumns:
    """A TimelineJS sheet converted whole, to be checked as our files are."""
    # Our columns; its notes are the reading's, then what the sheet and its conversion said.
    table: Table
    dialect: Dialect                # how the checks read it, naming the sheet's columns
    columns: tuple[str, ...]        # the sheet's own, as written (made unique)
    extra_columns: tuple[str, ...]  # those TimelineJS does not know


# The checks name a whole date by its Year column: a Month's or a Day's problem is the Year's.
_DATE_OF = {"Month": "Year", "Day": "Year", "End Month": "End Year", "End Day": "End Year"}


def as_our_table(sheet: Table) -> SheetInOurColumns:
    """The sheet's rows in our columns, each converted once; rows that could not be
    read are left out, with an error."""
    readable = [(r.line, r.fields) for r in sheet.body if r.broken is None]
    slides, sheet_problems = sheet_slides(sheet.header.fields, readable)
    conversion = convert(slides)
    broken = [error(r.line, None, r.broken) for r in sheet.body if r.broken]
    body = [Record(c.line, tuple(c.row[name] for name in schema.COLUMN_NAMES))
            for c in conversion.rows]
    notes = (*sheet.notes, *sheet_problems, *broken, *conversion.problems)
    # A date the converter could not read is already an error, so the checks' "Year
    # is empty" after it is left out; and actors come from the Group (or the title),
    # so what is said of the Group covers them.
    said = frozenset((p.line, _DATE_OF.get(p.column, p.column))
                     for p in conversion.problems if p.is_error)
    dialect = Dialect(expects_source=False, labels=LABELS, said=said,
                      made_up=("actors",))
    columns = _sheet_columns(sheet.header.fields)
    return SheetInOurColumns(
        Table(Record(1, schema.COLUMN_NAMES), body, sheet.encoding, sheet.delimiter, notes),
        dialect, columns, tuple(c for c in columns if not column_name(c)))


def _sheet_columns(header: Sequence[str]) -> tuple[str, ...]:
    """The sheet's column names as written, unique, an empty one named by its letter."""
    taken = set(RESERVED_COLUMNS)
    return tuple(unique_name(clean_value(value) or f"column {column_letter(index)}", taken)
                 for index, value in enumerate(header))


# ---------------------------------------------------------------- a sheet's records

def sheet_slides(header: Sequence[str], records: Sequence[tuple[int, Sequence[str]]]
                 ) -> tuple[list[Slide], list[Problem]]:
    """Slides from a TimelineJS sheet's rows; blank rows skipped, unused values noted."""
    names = [column_name(h) for h in header]
    slides, unused = [], {}
    for line, fields in records:
        values = {n: clean_value(v) for n, v in zip(names, fields) if n}
        if not any(clean_value(v) for v in fields):
            continue
        for name, value in values.items():
            if value and name in NOT_SHOWN:
                unused.setdefault(name, line)
        slides.append(Slide(line, values))
    problems = []
    if unused:
        listed = ", ".join(f"{n} (first on line {line})" for n, line in unused.items())
        problems.append(warning(1, None, (
            f"this timeline does not show TimelineJS's {listed}; the values are kept in the "
            f"file")))
    strangers = [clean_value(h) for h, n in zip(header, names) if n is None and clean_value(h)]
    if strangers:
        problems.append(warning(1, None, (
            f"unknown column{'s' if len(strangers) > 1 else ''} "
            f"{', '.join(quote(s) for s in strangers)}: not a TimelineJS column, kept in the "
            f"file but not used")))
    return slides, problems


# ---------------------------------------------------------------- JSON → slides

def json_slides(document: Any) -> tuple[list[Slide], list[Problem]] | str:
    """Slides from TimelineJS JSON, or why it is not TimelineJS JSON."""
    if not isinstance(document, dict) or not isinstance(document.get("events"), list):
        return ("this is JSON but not a TimelineJS timeline: TimelineJS JSON is an object with "
                "an 'events' list")
    slides: list[Slide] = []
    problems: list[Problem] = []
    if isinstance(document.get("title"), dict):
        slides.append(_json_slide(document["title"], "title", "the title"))
    for kind, key in (("", "events"), ("era", "eras")):
        items = document.get(key) or []
        for number, item in enumerate(items if isinstance(items, list) else [], start=1):
            where = f"{key[:-1]} {number}"
            if isinstance(item, dict):
                slides.append(_json_slide(item, kind, where))
            else:
                problems.append(error(None, None, f"{where} is not an object, so it was left out"))
    return slides, problems


# The sheet's column → where TimelineJS JSON keeps it, so problems name the JSON's field.
JSON_FIELDS = {"Year": "start_date.year", "Month": "start_date.month", "Day": "start_date.day",
               "End Year": "end_date.year", "End Month": "end_date.month",
               "End Day": "end_date.day", "Display Date": "display_date",
               "Headline": "text.headline", "Text": "text.text", "Media": "media.url",
               "Media Caption": "media.caption", "Media Credit": "media.credit",
               "Group": "group"}


def _json_slide(item: Mapping[str, Any], kind: str, where: str) -> Slide:
    text, media = _object(item.get("text")), _object(item.get("media"))
    values = {"Type": kind, "Headline": _scalar(text.get("headline")),
              "Text": _scalar(text.get("text")), "Display Date": _scalar(item.get("display_date")),
              "Media": _scalar(media.get("url")), "Media Caption": _scalar(media.get("caption")),
              "Media Credit": _scalar(media.get("credit")), "Group": _scalar(item.get("group")),
              "unique_id": _scalar(item.get("unique_id"))}
    for prefix, key in (("", "start_date"), ("End ", "end_date")):
        when = _object(item.get(key))
        for part in ("Year", "Month", "Day"):
            values[prefix + part] = _scalar(when.get(part.lower()))
    headline = html_to_line(values["Headline"])
    return Slide(None, values, f"{where} ({quote(headline, 40)})" if headline else where)


def _object(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _scalar(value: Any) -> str:
    if isinstance(value, bool) or value is None or isinstance(value, (dict, list)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# ---------------------------------------------------------------- ours → JSON

def timeline_json(events: pd.DataFrame, eras: pd.DataFrame, title: str | None,
                  subtitle: str | None, today: date) -> dict[str, Any]:
    """The TimelineJS3 JSON for loaded events, eras and title.

    TimelineJS cannot say "approximate", "uncertain" or "still going on": such
    an event keeps its words in display_date (its own, or our label for it), so
    readers are not told a rough date is exact. Actors, certainty and sources
    have no place in TimelineJS and are left out.
    """
    document: dict[str, Any] = {}
    if title or subtitle:
        document["title"] = {"text": {"headline": html.escape(title or ""),
                                      "text": text_to_html(subtitle or "")}}
    document["events"] = [_json_event(e) for e in events.to_dict("records")]
    if not eras.empty:
        document["eras"] = [{
            "start_date": _json_date(era["start_date"]),
            "end_date": (_json_date(PartialDate(today.year, today.month, today.day))
                         if era["ongoing"] else _json_date(era["end_date"] or era["start_date"])),
            "text": {"headline": html.escape(era["title"]),
                     "text": text_to_html(era["description"])},
        } for era in eras.to_dict("records")]
    return document


def _json_event(event: Mapping[str, Any]) -> dict[str, Any]:
    slide: dict[str, Any] = {"start_date": _json_date(event["start_date"])}
    if event["end_date"] is not None and not event["ongoing"]:
        slide["end_date"] = _json_date(event["end_date"])
    inexact = event["approximate"] or event["uncertain"] or event["ongoing"]
    if event["display_date"] or inexact:
        slide["display_date"] = html.escape(event["display_date"] or event["date_label"])
    slide["text"] = {"headline": html.escape(event["title"]),
                     "text": text_to_html(event["description"])}
    if event["media_url"] or event["media_caption"] or event["media_credit"]:
        slide["media"] = {"url": event["media_url"],
                          "caption": html.escape(event["media_caption"]),
                          "credit": html.escape(event["media_credit"])}
    slide["group"] = event["category"]
    slide["unique_id"] = event["id"]
    return slide


def _json_date(when: PartialDate) -> dict[str, int]:
    parts = {"year": when.year, "month": when.month, "day": when.day}
    return {k: v for k, v in parts.items() if v is not None}
