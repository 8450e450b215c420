"""Partial dates as editors write them: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, plus `~` or `?`.

A partial date stands for a span of time (a whole year, a whole month or one
day); `first_day` and `last_day` are its bounds. Parsing never raises on bad
text: it returns an error message an editor can act on instead.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal, NamedTuple, Sequence

import numpy as np

from timeline.data.schema import APPROXIMATE_MARK, UNCERTAIN_MARK

Precision = Literal["year", "month", "day"]
_FORM = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?([~?])?$")
_MONTH_NAMES = tuple(calendar.month_name)
_DAYS_IN_MONTH = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])  # 0: no month
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_APPROXIMATE, _UNCERTAIN = ord(APPROXIMATE_MARK), ord(UNCERTAIN_MARK)
# The longest date text worth reading ('13 September 2023 ~' is 19): longer cells
# are refused before any pattern runs (one of thousands of spaces took seconds).
MAX_DATE_LENGTH = 100


@dataclass(frozen=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None
    approximate: bool = False
    uncertain: bool = False

    @property
    def precision(self) -> Precision:
        if self.day is not None:
            return "day"
        return "month" if self.month is not None else "year"

    @property
    def first_day(self) -> date:
        return date(self.year, self.month or 1, self.day or 1)

    @property
    def last_day(self) -> date:
        if self.day is not None:
            return self.first_day
        month = self.month or 12
        return date(self.year, month, calendar.monthrange(self.year, month)[1])

    @property
    def exact(self) -> bool:
        return not (self.approximate or self.uncertain)

    def label(self) -> str:
        """The date in words, as a reader reads it: '13 September 2023', 'c. 2022'."""
        if self.day is not None:
            text = f"{self.day} {_MONTH_NAMES[self.month]} {self.year}"
        elif self.month is not None:
            text = f"{_MONTH_NAMES[self.month]} {self.year}"
        else:
            text = str(self.year)
        if self.approximate:
            text = f"c. {text}"
        if self.uncertain:
            text = f"{text} (date uncertain)"
        return text

    def __str__(self) -> str:
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        if self.approximate:
            text += APPROXIMATE_MARK
        if self.uncertain:
            text += UNCERTAIN_MARK
        return text


def parse_partial_date(text: str) -> PartialDate | str:
    """Return the date `text` names, or a message saying what is wrong with it."""
    cleaned = text.strip()
    if len(cleaned) > MAX_DATE_LENGTH:
        return (f"{_shown(cleaned)} is {len(cleaned):,} characters long, too long for a date "
                f"(at most {MAX_DATE_LENGTH}); write it as YYYY, YYYY-MM or YYYY-MM-DD")
    match = _FORM.match(cleaned)
    if not match:
        message = (f"{_shown(cleaned)} is not a date in the form YYYY, YYYY-MM or YYYY-MM-DD "
                   f"(optionally followed by ~ or ?)")
        hint = _hint(cleaned)
        return f"{message}; {hint}" if hint else message
    year, month, day, mark = match.groups()
    month_number = int(month) if month else None
    day_number = int(day) if day else None
    if month_number is not None and not 1 <= month_number <= 12:
        message = f"'{cleaned}' has no month {month_number}: months run from 01 to 12"
        if day_number is not None and 1 <= day_number <= 12:
            # 2023-13-09: day and month written the other way round.
            swapped = f"{year}-{day}-{month}{mark or ''}"
            if isinstance(parse_partial_date(swapped), PartialDate):
                message += f"; did you mean {swapped}?"
        return message
    if day_number is not None:
        last = calendar.monthrange(int(year), month_number)[1]
        if not 1 <= day_number <= last:
            return (f"'{cleaned}' does not exist: {_MONTH_NAMES[month_number]} {year} "
                    f"has {last} days")
    if int(year) < 1:
        return f"'{cleaned}' has no year 0000"
    return PartialDate(int(year), month_number, day_number,
                       approximate=mark == APPROXIMATE_MARK, uncertain=mark == UNCERTAIN_MARK)


def _shown(text: str, limit: int = 40) -> str:
    """The editor's text quoted for a message, cut short if it is long."""
    text = " ".join(text.split())
    return f"'{text}'" if len(text) <= limit else f"'{text[:limit - 1]}…'"


# Forms editors often type instead of the contract's: each is recognised only to
# suggest the right spelling, never accepted silently.
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_YMD_LOOSE = re.compile(r"^(\d{4})[/.\-_ ](\d{1,2})(?:[/.\-_ ](\d{1,2}))?$")
_WITH_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ]\d{1,2}:\d{2}")
_CIRCA = re.compile(r"^(?:~|c\.|ca\.|circa|around|about)\s*(.+)$", re.IGNORECASE)
_PERIOD = re.compile(r"^(early|mid|late)[\s-]*(\d{4})$", re.IGNORECASE)
_EXCEL_SERIAL = re.compile(r"^\d{5}$")
_ORDINAL = r"(\d{1,2})(?:st|nd|rd|th)?"
# '13 Sept 2023', 'September 13, 2023', 'Sept. 2023'
_WORDY = re.compile(rf"^(?:{_ORDINAL}\s+)?([A-Za-z]+)\.?\s*(?:{_ORDINAL},?\s+)?,?\s*(\d{{4}})$")


def _month_from_word(word: str) -> int | None:
    word = word.lower()
    if len(word) < 3:
        return None
    for number, name in enumerate(_MONTH_NAMES[1:], start=1):
        if name.lower().startswith(word) or (number == 9 and word == "sept"):
            return number
    return None


def _valid(candidate: str) -> bool:
    return isinstance(parse_partial_date(candidate), PartialDate)


def _hint(text: str) -> str | None:
    """A plain suggestion for a date written in another common form."""
    if (squeezed := "".join(text.split())) != text and _valid(squeezed):
        return f"did you mean {squeezed}? Leave out the spaces"
    if match := _DMY.match(text):
        first, second, year = (int(g) for g in match.groups())
        readings = {f"{year:04d}-{m:02d}-{d:02d}" for d, m in ((first, second), (second, first))}
        readings = sorted(r for r in readings if _valid(r))
        if len(readings) == 1:
            return f"did you mean {readings[0]}?"
        if readings:
            return f"did you mean {readings[0]} or {readings[1]}? Write it as YYYY-MM-DD"
        return None
    if match := _YMD_LOOSE.match(text):
        year, month, day = match.groups()
        candidate = f"{year}-{int(month):02d}" + (f"-{int(day):02d}" if day else "")
        return f"did you mean {candidate}?" if _valid(candidate) else None
    if match := _WITH_TIME.match(text):
        day = match.group(1)
        return f"did you mean {day}? Leave out the time" if _valid(day) else None
    if match := _PERIOD.match(text):
        return (f"write {match.group(2)}~ here and put '{text}' in display_date "
                f"to show it that way")
    if match := _CIRCA.match(text):
        inner = match.group(1).strip()
        if _valid(inner) and not inner.endswith((APPROXIMATE_MARK, UNCERTAIN_MARK)):
            return f"for an approximate date write {inner}{APPROXIMATE_MARK}"
        return None
    if _EXCEL_SERIAL.match(text):
        serial = date(1899, 12, 30) + timedelta(days=int(text))
        return (f"this looks like a spreadsheet's date number for {serial.isoformat()}; "
                f"format the column as text and write the date as YYYY-MM-DD")
    # One space for each run: over a long run of spaces the pattern backtracks.
    if match := _WORDY.match(" ".join(text.split())):
        day_before, word, day_after, year = match.groups()
        month = _month_from_word(word)
        day = day_before or day_after
        if month is None or (day_before and day_after):
            return None
        candidate = f"{year}-{month:02d}" + (f"-{int(day):02d}" if day else "")
        return f"did you mean {candidate}?" if _valid(candidate) else None
    return None


def span_label(start: PartialDate, end: PartialDate | None, ongoing: bool) -> str:
    """The computed display date of an event: '26–27 July 2023', 'since October 2024'."""
    if ongoing:
        return f"since {start.label()}"
    if end is None or end == start:
        return start.label()
    return f"{start.label()} – {end.label()}"


class PlainDates(NamedTuple):
    dates: list[PartialDate | None]  # None for a text not in the contract's own form
    first: np.ndarray                # each date's first_day as an ordinal (0 for None)
    last: np.ndarray                 # its last_day
    approximate: np.ndarray
    uncertain: np.ndarray


def parse_plain_dates(texts: Sequence[str]) -> PlainDates:
    """What parse_partial_date makes of each text in the contract's own form (ASCII
    `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, perhaps then `~` or `?`), read together (a
    file has thousands); None for any other text, for parse_partial_date to read or
    explain."""
    count = len(texts)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=count)
    # Each text as 11 code points (0 after its end; a longer one is never plain).
    short = np.fromiter(map(str.isascii, texts), dtype=bool, count=count) & (lengths <= 11)
    chars = np.zeros((count, 11), dtype=np.int64)
    if short.any():
        chars[short] = np.array([t for t, s in zip(texts, short.tolist()) if s],
                                dtype="U11").view(np.uint32).reshape(-1, 11)
    last_char = chars[np.arange(count), np.clip(lengths - 1, 0, 10)]
    marked = short & (lengths > 0) & ((last_char == _APPROXIMATE) | (last_char == _UNCERTAIN))
    size = lengths - marked  # 4, 7 or 10 characters before the mark
    digit = (chars >= ord("0")) & (chars <= ord("9"))
    number = chars - ord("0")
    year = number[:, 0] * 1000 + number[:, 1] * 100 + number[:, 2] * 10 + number[:, 3]
    month = number[:, 5] * 10 + number[:, 6]
    day = number[:, 8] * 10 + number[:, 9]
    has_month = (chars[:, 4] == ord("-")) & digit[:, 5] & digit[:, 6] & (1 <= month) & (
        month <= 12)
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    days_in_month = _DAYS_IN_MONTH[np.where(has_month, month, 0)] + (leap & (month == 2))
    has_day = (chars[:, 7] == ord("-")) & digit[:, 8] & digit[:, 9] & (1 <= day) & (
        day <= days_in_month)
    plain = short & digit[:, :4].all(axis=1) & (year >= 1) & (
        (size == 4) | ((size == 7) & has_month) | ((size == 10) & has_month & has_day))
    month = np.where(plain & (size >= 7), month, 0)  # 0: none
    day = np.where(plain & (size == 10), day, 0)
    # Day ordinals (date.toordinal) through numpy's months since 1970.
    months = (np.where(plain, year, 1970) - 1970) * 12 + np.maximum(month, 1) - 1
    month_start = months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    first = month_start + np.maximum(day, 1) - 1 + _EPOCH_ORDINAL
    following = np.where(month > 0, months + 1, months + 12)  # after the month or the year
    last = np.where(day > 0, first, following.astype("datetime64[M]").astype(
        "datetime64[D]").astype(np.int64) - 1 + _EPOCH_ORDINAL)
    dates: list[PartialDate | None] = [None] * count
    for i, year_, month_, day_, mark_ in zip(
            np.flatnonzero(plain).tolist(), year[plain].tolist(), month[plain].tolist(),
            day[plain].tolist(), np.where(marked, last_char, 0)[plain].tolist()):
        dates[i] = PartialDate(year_, month_ or None, day_ or None, mark_ == _APPROXIMATE,
                               mark_ == _UNCERTAIN)
    mark = np.where(plain & marked, last_char, 0)
    return PlainDates(dates, np.where(plain, first, 0), np.where(plain, last, 0),
                      mark == _APPROXIMATE, mark == _UNCERTAIN)
