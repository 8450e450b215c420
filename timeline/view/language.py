"""The reader's language: the interface's words from gettext catalogues, dates and
numbers by locale, and the events with their per-language words.

The catalogues are `timeline/locale/<language>/LC_MESSAGES/messages.po`, read
with Babel when first needed (no compiled files to keep in step). English is
the source language: its words are the message ids, so it needs no catalogue.
The same catalogue goes to the browser's engine as JSON (`Messages.for_browser`):
`t` and `tn` in `engine/web/timeline-core.js` read it, with the plural forms
named by CLDR's categories, which the browser's Intl.PluralRules gives.
A timeline's language is its title row's `language` setting; a link's `lang`
overrides it (`language_of`), never the reader's browser.
"""
from __future__ import annotations

import gettext
import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

import pandas as pd
from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

from timeline.data.dates import PartialDate
from timeline.data.schema import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    TRANSLATABLE_COLUMNS,
    language_column,
    setting_value,
)

LOCALE = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "messages"


def catalogue_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def language_of(link_language: str | None, settings: frozenset[str]) -> str:
    """The page's language: the link's `lang` when it names one we have, else the
    title row's `language` setting, else English."""
    if link_language in LANGUAGES:
        return link_language
    return setting_value(settings, "language", DEFAULT_LANGUAGE)


def no_break(text: str) -> str:
    """CLDR's no-break spaces (narrow or not, as Babel's and the browser's ICU
    versions differ) as one kind, U+00A0: Python's and the browser's words agree."""
    return text.replace("\u202f", "\u00a0")


def fill(text: str, values: dict[str, object]) -> str:
    """`{name}` placeholders replaced (no str.format: a value's braces stay text)."""
    for name, value in values.items():
        text = text.replace("{" + name + "}", str(value))
    return text


@dataclass(frozen=True)
class Messages:
    """One language's catalogue: msgid → translation (a tuple of forms for a plural)."""
    language: str
    translations: dict[str, str | tuple[str, ...]] = field(default_factory=dict)
    plural_form: Callable[[int], int] = lambda n: 0 if n == 1 else 1

    def number(self, value: int) -> str:
        """12,345, 12 345: as formatNumber in timeline-core.js writes it."""
        return f"{value:,}" if self.language == DEFAULT_LANGUAGE else no_break(format_decimal(
            value, locale=self.language))

    def gettext(self, msgid: str, **values) -> str:
        found = self.translations.get(msgid)
        return fill(found if isinstance(found, str) and found else msgid, values)

    def ngettext(self, singular: str, plural: str, count: int, **values) -> str:
        """The form for `count`; `{count}` in it is the number as the locale writes it."""
        forms = self.translations.get(singular)
        if isinstance(forms, tuple) and all(forms):
            text = forms[min(self.plural_form(count), len(forms) - 1)]
        else:
            text = singular if count == 1 else plural
        return fill(text, {"count": self.number(count), **values})

    def for_browser(self) -> dict:
        """The catalogue as timeline-core.js reads it: plural forms in the order of
        `plural` (CLDR's category of each form)."""
        return {"lang": self.language, "plural": plural_categories(self),
                "messages": {msgid: list(text) if isinstance(text, tuple) else text
                             for msgid, text in self.translations.items()}}


def plural_categories(messages: Messages) -> list[str]:
    """CLDR's name for each of the catalogue's plural forms (Russian: one, few,
    many): the category of the first count the catalogue's rule gives that form."""
    locale, names = Locale.parse(messages.language), {}
    for count in range(200):
        names.setdefault(messages.plural_form(count), locale.plural_form(count))
    return [names[form] for form in sorted(names)]


@cache
def messages_for(language: str) -> Messages:
    """The catalogue of `language` (English: none, the ids are its words)."""
    if language == DEFAULT_LANGUAGE or language not in LANGUAGES:
        return Messages(DEFAULT_LANGUAGE)
    with catalogue_path(language).open("rb") as file:
        catalogue = read_po(file, locale=language, domain=DOMAIN)
    translations: dict[str, str | tuple[str, ...]] = {}
    for message in catalogue:
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, tuple):
            translations[message.id[0]] = tuple(message.string)
        else:
            translations[message.id] = message.string
    return Messages(language, translations, gettext.c2py(catalogue.plural_expr))


@cache
def browser_catalogue(language: str) -> bytes:
    """The JSON the page carries for the engine (`<` escaped: it sits in a script)."""
    return json.dumps(messages_for(language).for_browser(), ensure_ascii=False,
                      separators=(",", ":")).replace("<", "\\u003c").encode("utf-8")


# ------------------------------------------------------------------- dates

def date_label(when: PartialDate, language: str) -> str:
    """PartialDate.label in `language`, at the precision the data has: '2024년 2월
    20일', 'февраль 2024 г.', '2019년'."""
    if language == DEFAULT_LANGUAGE:
        return when.label()
    messages, day = messages_for(language), when.first_day
    if when.day is not None:
        text = format_date(day, "long", locale=language)
    elif when.month is not None:
        text = format_skeleton("yMMMM", day, locale=language)
    else:
        text = format_skeleton("y", day, locale=language)
    if when.approximate:
        text = messages.gettext("c. {date}", date=text)
    if when.uncertain:
        text = messages.gettext("{date} (date uncertain)", date=text)
    return text


def span_label(start: PartialDate, end: PartialDate | None, ongoing: bool,
               language: str) -> str:
    """dates.span_label in `language`."""
    first = date_label(start, language)
    if ongoing:
        return messages_for(language).gettext("since {date}", date=first)
    last = date_label(end, language) if end is not None else first
    return first if last == first else f"{first} – {last}"


def short_day(day: date, language: str) -> str:
    """A day in the count line: '20 Feb 2024', '2024년 2월 20일'."""
    if language == DEFAULT_LANGUAGE:
        return f"{day.day} {day:%b %Y}"
    return no_break(format_skeleton("yMMMd", day, locale=language)).replace(" г.", "\u00a0г.")


# ------------------------------------------------------------------ events

def timeline_title(title: str, subtitle: str, result, language: str) -> tuple[str, str]:
    """The timeline's title and subtitle (config.title_for's and subtitle_for's) in
    `language`: the title row's `title_<language>` and `description_<language>`
    where written, else those given."""
    own_title, own_subtitle = getattr(result, "translated_titles", {}).get(language, ("", ""))
    return own_title or title, own_subtitle or subtitle


# The column saying which language an event's title is in where it comes from a
# per-language column ("" where it is the base column's, in the page's language
# or the timeline's): the pages mark those titles with `lang`.
TEXT_LANGUAGE = "text_language"


def localised_events(events: pd.DataFrame, language: str) -> pd.DataFrame:
    """`events` as readers of `language` see them: each translatable column from its
    `<column>_<language>` where filled, the dates in their words; TEXT_LANGUAGE
    says which titles are translated."""
    shown = events.copy()
    translated_title = pd.Series(False, index=shown.index)
    if language != DEFAULT_LANGUAGE:
        labels = {}
        shown["date_label"] = [
            labels.setdefault((start, end, ongoing), span_label(start, end, ongoing, language))
            for start, end, ongoing in zip(shown["start_date"], shown["end_date"],
                                           shown["ongoing"])]
        shown["date_label"] = shown["date_label"].where(shown["display_date"] == "",
                                                        shown["display_date"])
    for column in TRANSLATABLE_COLUMNS:
        own = language_column(column, language)
        if own in shown.columns:
            filled = shown[own] != ""
            shown[column] = shown[own].where(filled, shown[column])
            if column == "display_date":
                shown["date_label"] = shown[own].where(filled, shown["date_label"])
            if column == "title":
                translated_title = filled
    shown[TEXT_LANGUAGE] = [language if own else "" for own in translated_title]
    # The categories' labels in this language (transforms.prepare_events made them).
    if (labels := language_column("category_label", language)) in shown.columns:
        shown["category_label"] = shown[labels]
    return shown


def localised_eras(eras: pd.DataFrame | None, language: str) -> pd.DataFrame | None:
    """Eras as readers of `language` see them, as events are (`localised_events`):
    their words from the per-language columns where filled, their dates in
    `language`'s words, TEXT_LANGUAGE saying which titles are translated."""
    if eras is None or not len(eras):
        return eras
    return localised_events(eras, language)


# ------------------------------------------------------------- page markup

MARKED = re.compile(r"\[\[(.+?)\]\]")  # the pages' own words in their templates: [[Filters]]


def translated_markup(markup: str, language: str) -> str:
    """A page template with each [[words]] in `language`, escaped for HTML (before
    any data goes in: a title with [[ in it stays as written)."""
    messages = messages_for(language)
    return MARKED.sub(lambda match: html.escape(messages.gettext(html.unescape(match[1]))),
                      markup)
