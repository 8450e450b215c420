"""The CSV contract: the one definition the loader, validator, editor and docs read.

Every column an editor may write is declared here once, with whether it is
required and what it means. Nothing else in the package spells out a column's
rules; it asks this module.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    meaning: str
    example: str = ""
    # Editors keep private columns for themselves; readers must never see them.
    public: bool = True
    # Paragraphs rather than a line: the editor gives them a multi-line box.
    long_text: bool = False


CERTAINTIES: dict[str, str] = {
    "confirmed": "stated on the record by a party to the event or shown by documents",
    "reported": "reported by media or intelligence services, not confirmed by the parties",
    "alleged": "claimed or suspected, and disputed or unproven",
    "expected": "announced or anticipated, not yet happened",
}

# What a row is. Most rows are events; an era shades a period behind them, one
# title row names the whole timeline (as TimelineJS sheets do), and category rows
# declare the timeline's own categories (a timeline without them uses its
# events' categories as written, in the default colours).
ROW_TYPES: dict[str, str] = {
    "event": "an event (what a row is when `type` is empty)",
    "era": "a period shown as a shaded band behind the events: needs `start`, `end` and "
           "`title`",
    "title": "the timeline's own title: `title` is its headline and `description` the line "
             "under it; `start` and `end`, both or neither, the window readers see first "
             "(else the app picks the span that holds most events). At most one row",
    "category": "declares one of the timeline's categories: `category` is its name (what "
                "events write), `title` its label (the name when empty), `colour` its colour "
                "and `description` a line on what it holds; `title_<language>` its label in "
                "a language. The category rows' order is the lanes', the legend's and the "
                "filter's. With category rows, every event's category must be one of them",
}
DEFAULT_ROW_TYPE = "event"

# What the title row's `settings` may say about the whole timeline (each a word,
# separated by SETTINGS_SEPARATOR).
TIMELINE_SETTINGS: dict[str, str] = {
    "story": "the embed offers \"Read as a story\": the events one card at a time, in date "
             "order (the explorer always does)",
    "downloads": "the embed offers \"Download data\": the events shown as a CSV file and "
                 "the chart as a PNG picture (the explorer always does)",
}
SETTINGS_SEPARATOR = ";"
# Settings with a value, written `name=value` in the same cell: each name with its
# meaning and the values it accepts.
KEYED_SETTINGS_MARK = "="
# The reader's interface languages (timeline/locale/ holds the catalogues); the
# first is the default and the language of the base columns' words.
LANGUAGES: dict[str, str] = {"en": "English", "ko": "Korean", "ru": "Russian"}
DEFAULT_LANGUAGE = "en"
# Whether readers may see a timeline: a draft is for its editors, and never exported.
STATUSES: dict[str, str] = {
    "published": "readers see it (what a timeline is when not set)",
    "draft": "for its editors: in a folder of timelines, readers neither see it on "
             "the index nor open it; `python -m timeline export` leaves it out (unless "
             "`--include-drafts`)",
}
DEFAULT_STATUS = "published"
# A keyed setting whose accepted values are FREE_TEXT takes any words but the
# separator (`;`).
FREE_TEXT: tuple[str, ...] = ()
TIMELINE_KEYED_SETTINGS: dict[str, tuple[str, tuple[str, ...]]] = {
    "language": ("the language of the reader's interface (controls, dates, the count line), "
                 "one of " + ", ".join(f"`{code}` ({name})" for code, name in LANGUAGES.items())
                 + f"; `{DEFAULT_LANGUAGE}` when not set. A link's `?lang=` overrides it",
                 tuple(LANGUAGES)),
    "status": ("whether readers may see the timeline: "
               + "; ".join(f"`{name}`, {meaning}" for name, meaning in STATUSES.items()),
               tuple(STATUSES)),
    "credit": (("who made the graphic, shown under it as \"Graphic: …\" (any words but "
                f"`{SETTINGS_SEPARATOR}`); the title row's `source`, and `source_url` its "
                "link, say where its facts come from, shown as \"Source: …\""),
               FREE_TEXT),
}
# Columns an editor may also write per language, named `<column>_<language>` (e.g.
# `title_ko`, `description_ru`; `title_en` for a timeline written in another
# language): readers of that language see them, the base column where they are empty.
TRANSLATABLE_COLUMNS: tuple[str, ...] = ("title", "description", "display_date", "media_caption")


def language_column(column: str, language: str) -> str:
    return f"{column}_{language}"


def setting_value(settings: frozenset[str], name: str, default: str) -> str:
    """A keyed setting's value among a title row's settings (loading.LoadResult's)."""
    prefix = name + KEYED_SETTINGS_MARK
    return next((s[len(prefix):] for s in settings if s.startswith(prefix)), default)


LANGUAGE_COLUMNS: tuple[str, ...] = tuple(
    language_column(column, language) for column in TRANSLATABLE_COLUMNS
    for language in LANGUAGES)

ACTOR_SEPARATOR = ";"
ONGOING = ".."
APPROXIMATE_MARK = "~"
UNCERTAIN_MARK = "?"
TITLE_MAX_LENGTH = 120

COLUMNS: tuple[Column, ...] = (
    Column("id", True, "Stable short name for the event, unique in the file: lower-case "
           "letters, digits and hyphens. Links to the event use it, so do not change it once "
           "published.",
           "bridge-vote-2023"),
    Column("start", True, "When the event happened or began: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, "
           "optionally followed by `~` (approximate) or `?` (uncertain).", "2023-09-13"),
    Column("end", False, "When an event that lasts ended, in the same form as `start`; `..` means "
           "it is still going on. Leave empty for a single moment.", "2023-09-17"),
    Column("display_date", False, "The date as readers should read it, shown instead of the "
           "computed one.", "mid-2022"),
    Column("title", True, f"The headline, at most {TITLE_MAX_LENGTH} characters.",
           "Council votes to close the old bridge"),
    Column("description", False, "Plain text. Links written `[text](https://…)` become links.",
           "The vote followed [a year of protests](https://example.org/bridge).", long_text=True),
    Column("actors", True, f"One or more people, countries or bodies, separated by "
           f"`{ACTOR_SEPARATOR}`.", "City Council; Jane Smith"),
    Column("category", True, "The event's category, exactly one: one the timeline's category "
           "rows declare (type `category`), or, in a timeline without them, any name (each "
           "category as written, in the default colours). On a category row, the name it "
           "declares.", "courts"),
    Column("certainty", False, "How firmly the fact stands: " +
           ", ".join(f"`{c}`" for c in CERTAINTIES) + ".", "reported"),
    Column("source", False, "Who confirmed or reported it. On the title row, where the "
           "timeline's facts come from, shown under it as \"Source: …\".",
           "City Council minutes"),
    Column("source_url", False, "A link to the source, starting `http://` or `https://`.",
           "https://example.org/minutes"),
    Column("media_url", False, "An image, a sound or a video for the event: an `http(s)` link "
           "to a picture, an audio or video file, or a YouTube or Vimeo video; any other "
           "address is shown as a link.", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
    Column("media_caption", False, "The media's caption.", "", long_text=True),
    Column("media_credit", False, "Who made or owns the media.", ""),
    Column("type", False, "What the row is: empty (or `event`) for an event, `era` for a period "
           "shaded behind the events, `title` for the timeline's own title, `category` for one of "
           "the timeline's categories.", "era"),
    Column("settings", False, "On the title row only: options for the whole timeline, "
           f"separated by `{SETTINGS_SEPARATOR}`. " + "; ".join(
               f"`{name}`: {meaning}" for name, meaning in TIMELINE_SETTINGS.items()) + "; "
           + "; ".join(f"`{name}=…`: {meaning}"
                       for name, (meaning, _) in TIMELINE_KEYED_SETTINGS.items()) + ".",
           "story"),
    Column("colour", False, "On a category row only: the category's colour, written "
           "`#rrggbb`; empty for the default palette's next colour. Checked for contrast "
           "against the chart, light and dark, and for its distance from the other "
           "categories' colours as people with colour blindness see them.", "#3b2ba9"),
    Column("notes", False, "For editors only: never shown to readers.",
           "Article dates this both mid-2022 and September 2023.", public=False,
           long_text=True),
)

COLUMNS_BY_NAME: dict[str, Column] = {c.name: c for c in COLUMNS}
COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
REQUIRED_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.required)
# `Column.required` is what an event needs; eras and the title row need less.
# (A title row needs a title or a description: the validator says so.)
REQUIRED_BY_ROW_TYPE: dict[str, tuple[str, ...]] = {
    "event": REQUIRED_COLUMNS,
    "era": ("start", "end", "title"),
    "title": (),
    "category": ("category",),
}
LONG_TEXT_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.long_text)
PUBLIC_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.public)
URL_COLUMNS: tuple[str, ...] = ("source_url", "media_url")
DATE_COLUMNS: tuple[str, ...] = ("start", "end")
