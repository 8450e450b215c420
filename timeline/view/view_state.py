"""What a reader sees, as one frozen value that reads and writes the URL's query string.

A copied link must reproduce the view, so every piece of view state lives here
and nowhere else. Parsing is forgiving: a parameter it cannot use is dropped,
never an error, because links get mangled by mail clients and chat apps.
`parseView` in `timeline/engine/web/timeline-core.js` reads links the same way;
`tests/data/view_cases.json` pins both.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal, Mapping
from urllib.parse import parse_qs, urlencode

from timeline.data.dates import PartialDate
from timeline.data.schema import DEFAULT_LANGUAGE, LANGUAGES
from timeline.data.text_folding import strip_white_space
from timeline.view.language import Messages, messages_for, short_day

LaneMode = Literal["category", "actor"]
LANE_MODES: tuple[LaneMode, ...] = ("category", "actor")
# `theme=dark|light`: for an article whose own page is dark (or light), winning over
# the reader's `prefers-color-scheme` both ways; none follows the reader's setting.
Theme = Literal["light", "dark"]
THEMES: tuple[Theme, ...] = ("light", "dark")
# Long enough for any honest search, short enough that a hostile link costs nothing.
MAX_QUERY_LENGTH = 200
MAX_VALUES_PER_PARAMETER = 50

# A date in a link: ASCII digits (a link is typed or copied, never localised), the
# month and day with one digit or two (`from=2023-9` is September 2023), and the
# data's `~` or `?` mark allowed and ignored.
_LINK_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{1,2})(?:-([0-9]{1,2}))?)?[~?]?")

# Parameter names, documented in the README's "URL parameters" section.
# `zoom=all`: the whole timeline, where a link without `zoom` shows the window
# that holds most events (view/window.py).
WHOLE_TIMELINE = "all"

PARAMETERS = ("actor", "category", "certainty", "from", "to", "q", "lanes", "event", "zoom",
              "list", "story", "theme", "lang")


def clean_value(text: str) -> str:
    """A value a reader typed or a link holds, as the view keeps it: trimmed of
    white space and cut to MAX_QUERY_LENGTH code points (cleanValue in
    timeline-core.js)."""
    return strip_white_space(text)[:MAX_QUERY_LENGTH]


@dataclass(frozen=True)
class ViewState:
    actors: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    certainties: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    query: str = ""
    lanes: LaneMode = "category"
    event: str | None = None
    # The visible time window (the chart's zoom), as first and last day shown, or
    # WHOLE_TIMELINE; None: the timeline's first window (view/window.py).
    window: tuple[date, date] | Literal["all"] | None = None
    # The event list open (`list=open`). The embed folds it by default, so that an
    # article shows the chart and the event's card, not pages of list; the explorer
    # shows it open whatever the link says.
    list_open: bool = False
    # Story mode (`story=1`): one event's card at a time, in date order, large,
    # with the chart above it to find one's way.
    story: bool = False
    # The page's colours (`theme=dark|light`); None: the reader's preference.
    theme: Theme | None = None
    # The interface's language (`lang=ko`), when the link names one the app has;
    # None: the timeline's own (its title row's `language`, view/language.py).
    language: str | None = None

    @classmethod
    def from_query_string(cls, query_string: str | None) -> ViewState:
        params = parse_qs((query_string or "").lstrip("?"), keep_blank_values=False)

        def values(name: str) -> tuple[str, ...]:
            cleaned = (clean_value(v) for v in params.get(name, ()))
            return tuple(dict.fromkeys(v for v in cleaned if v))[:MAX_VALUES_PER_PARAMETER]

        def first(name: str) -> str:
            found = values(name)
            return found[0] if found else ""

        lanes, theme = first("lanes"), first("theme")
        return cls(
            actors=values("actor"),
            categories=values("category"),
            certainties=values("certainty"),
            date_from=_day(first("from"), last=False),
            date_to=_day(first("to"), last=True),
            query=first("q"),
            lanes=lanes if lanes in LANE_MODES else "category",
            event=first("event") or None,
            window=_window(first("zoom")),
            list_open=first("list") == "open",
            story=first("story") == "1",
            theme=theme if theme in THEMES else None,
            language=first("lang") if first("lang") in LANGUAGES else None,
        )

    def to_query_string(self) -> str:
        """The canonical query string (without '?'); defaults are left out."""
        pairs: list[tuple[str, str]] = []
        pairs += [("actor", a) for a in self.actors]
        pairs += [("category", c) for c in self.categories]
        pairs += [("certainty", c) for c in self.certainties]
        if self.date_from:
            pairs.append(("from", self.date_from.isoformat()))
        if self.date_to:
            pairs.append(("to", self.date_to.isoformat()))
        if self.query:
            pairs.append(("q", self.query))
        if self.lanes != "category":
            pairs.append(("lanes", self.lanes))
        if self.event:
            pairs.append(("event", self.event))
        if self.window == WHOLE_TIMELINE:
            pairs.append(("zoom", WHOLE_TIMELINE))
        elif self.window:
            pairs.append(("zoom", f"{self.window[0].isoformat()}..{self.window[1].isoformat()}"))
        if self.list_open:
            pairs.append(("list", "open"))
        if self.story:
            pairs.append(("story", "1"))
        if self.theme:
            pairs.append(("theme", self.theme))
        if self.language:
            pairs.append(("lang", self.language))
        return urlencode(pairs)

    def with_changes(self, **changes) -> ViewState:
        return replace(self, **changes)

    @property
    def filtered(self) -> bool:
        return bool(self.actors or self.categories or self.certainties or self.date_from
                    or self.date_to or self.query)

    def cleared(self) -> ViewState:
        """The view with no filters, no selection and no zoom; the lane mode, the
        list's being open, story mode, the theme and the language stay (how the reader
        reads, not what)."""
        return ViewState(lanes=self.lanes, list_open=self.list_open, story=self.story,
                         theme=self.theme, language=self.language)

    def describe(self, shown: int, total: int, messages: Messages | None = None,
                 category_labels: Mapping[str, str] | None = None) -> str:
        """The count line, in words ('3 of 27 events · City Council · Courts'), in the
        language of `messages` (describe in timeline-core.js says it alike); a category
        by its declared label (`category_labels`), else its name."""
        say = messages or messages_for(DEFAULT_LANGUAGE)
        parts = [say.ngettext("{shown} of {count} event", "{shown} of {count} events", total,
                              shown=say.number(shown)) if self.filtered
                 else say.ngettext("{count} event", "{count} events", total)]
        either = say.gettext(" or ")
        if self.actors:
            parts.append(either.join(self.actors))
        if self.categories:
            labels = category_labels or {}
            parts.append(either.join(labels.get(c, c) for c in self.categories))
        if self.certainties:
            parts.append(either.join(say.gettext(c) for c in self.certainties))
        first, last = (short_day(day, say.language) if day else ""
                       for day in (self.date_from, self.date_to))
        if self.date_from and self.date_to:
            parts.append(say.gettext("{from} to {to}", **{"from": first, "to": last}))
        elif self.date_from:
            parts.append(say.gettext("from {day}", day=first))
        elif self.date_to:
            parts.append(say.gettext("until {day}", day=last))
        if self.query:
            parts.append(say.gettext("matching “{words}”", words=self.query))
        return " · ".join(parts)


def _day(text: str, *, last: bool) -> date | None:
    """A from/to date (or a side of a zoom): '2023' means its first or last day."""
    match = _LINK_DATE.fullmatch(strip_white_space(text))
    if not match:
        return None
    year, month, day = (int(part) if part else None for part in match.groups())
    if year < 1 or (month is not None and not 1 <= month <= 12):
        return None
    if day is not None and not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    period = PartialDate(year, month, day)
    return period.last_day if last else period.first_day


def _window(text: str) -> tuple[date, date] | Literal["all"] | None:
    if strip_white_space(text) == WHOLE_TIMELINE:
        return WHOLE_TIMELINE
    start, separator, end = text.partition("..")
    if not separator:
        return None
    first, last = _day(start, last=False), _day(end, last=True)
    if first is None or last is None or last < first:
        return None
    return first, last
