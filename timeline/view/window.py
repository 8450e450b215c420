"""The time window a reader sees first, when the link names none.

A timeline whose first events are decades before the rest (rulers' reigns
before a year of news) would otherwise open on its whole span, with most
marks crowded into a sliver of it. So the first view is the title row's
window when the editor set one (`start`, `end`), else the span where most
events are: the shortest span holding STORY_SHARE of them (by start),
widened to whole years; the whole span when the events are few or that
span is most of it anyway. The overview strip under the chart shows the
rest, and `zoom=all` shows everything.
"""
from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pandas as pd

# Of the events, the share the first view holds. At 80% the curated timeline's
# span is 2019–2025, and 17 of its 22 events are in its last two years (the
# middle 80% of its marks cover 39% of the chart); at 70% it is 2022–2024
# and they cover 77%.
STORY_SHARE = 0.7
# Fewer events than this: the whole span (there is no crowd to find).
FEW_EVENTS = 5
# A story span this much of the whole span or more: the whole span instead (an
# evenly spread timeline's is about STORY_SHARE of it).
MOST_OF_THE_SPAN = 1 / 2


def story_window(starts, whole: tuple[date, date]) -> tuple[date, date] | None:
    """The whole years (1 January to 1 January) around the shortest span that
    holds STORY_SHARE of `starts` (dates or times, any order); None when the
    whole span `whole` should be shown instead. O(n) on sorted dates; of spans
    equally short, the latest."""
    days = np.sort(np.asarray(starts, dtype="datetime64[D]").astype(np.int64), kind="stable")
    count = len(days)
    if count < FEW_EVENTS:
        return None
    held = math.ceil(STORY_SHARE * count)
    widths = days[held - 1:] - days[:count - held + 1]
    first = len(widths) - 1 - int(np.argmin(widths[::-1]))  # the latest of the shortest
    earliest = _day(days[first])
    latest = _day(days[first + held - 1])
    window = (date(earliest.year, 1, 1),
              date(latest.year + 1, 1, 1) if latest.year < 9999 else date(9999, 12, 31))
    if (window[1] - window[0]) >= MOST_OF_THE_SPAN * (whole[1] - whole[0]):
        return None
    return window


def _day(days_since_1970: int) -> date:
    return date(1970, 1, 1) + timedelta(days=int(days_since_1970))


def whole_span(starts: pd.Series, ends: pd.Series, today: date) -> tuple[date, date]:
    """Every event (`ends`: where each mark ends, figure.event_ends) with a
    little room either side; the year to today when there are none."""
    if starts.empty:
        return today - timedelta(days=365), today
    first = starts.min().date()
    last = max(ends.max().date(), first)
    padding = timedelta(days=max((last - first).days, 30) // 40 + 10)
    return first - padding, last + padding


def first_window(starts: pd.Series, ends: pd.Series, today: date,
                 title_window: tuple[date, date] | None = None) -> tuple[date, date]:
    """The window a view with no zoom shows: the title row's, else the story's,
    else the whole span."""
    if title_window:
        return title_window
    whole = whole_span(starts, ends, today)
    return story_window(starts.to_numpy(), whole) or whole
