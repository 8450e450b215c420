"""The window a reader sees first (timeline/view/window.py): the title row's, else
the whole years holding most events, else the whole span."""
from __future__ import annotations

import time
from datetime import date

import numpy as np
import pandas as pd
import pytest

from support import BUNDLED_CSV, csv_bytes
from timeline.data.loading import load_events_from_bytes
from timeline.view.figure import event_ends, visible_window
from timeline.view.view_state import ViewState
from timeline.view.window import (
    FEW_EVENTS,
    STORY_SHARE,
    first_window,
    story_window,
    whole_span,
)

TODAY = date(2026, 11, 26)
WIDE = (date(1900, 1, 1), date(2030, 1, 1))


def days(*texts: str) -> np.ndarray:
    return np.array(texts, dtype="datetime64[D]")


def test_the_shortest_span_holding_most_events_widened_to_whole_years():
    # Ten events: seven (STORY_SHARE) between March 2021 and May 2022, three long before.
    starts = days("1950-06-01", "1970-01-01", "1990-01-01", "2021-03-04", "2021-05-01",
                  "2021-09-09", "2021-12-31", "2022-01-01", "2022-02-02", "2022-05-06")
    assert STORY_SHARE == 0.7
    assert story_window(starts, WIDE) == (date(2021, 1, 1), date(2023, 1, 1))
    # The order they come in does not matter.
    assert story_window(starts[::-1].copy(), WIDE) == (date(2021, 1, 1), date(2023, 1, 1))


def test_never_narrower_than_a_year_and_all_on_one_day():
    starts = days(*["2023-09-13"] * 20, "1948-01-01")
    assert story_window(starts, WIDE) == (date(2023, 1, 1), date(2024, 1, 1))


def test_every_event_on_one_day_shows_the_whole_span_around_it():
    """The story's year would be wider than the whole span (the day and some room):
    the whole span, as before the first window."""
    starts = pd.Series(pd.to_datetime(["2023-09-13"] * 8))
    assert first_window(starts, starts, TODAY) == (date(2023, 9, 3), date(2023, 9, 23))


def test_of_spans_equally_short_the_latest():
    starts = days("2001-01-01", "2001-01-02", "2001-01-03", "2010-06-01", "2010-06-02",
                  "2010-06-03")
    # Six events, five to hold: 2001-01-02 … 2010-06-03 and 2001-01-01 … 2010-06-02 are
    # equally short; the later one is taken.
    assert story_window(starts, WIDE) == (date(2001, 1, 1), date(2011, 1, 1))


def test_few_events_or_a_span_that_is_most_of_the_whole_show_the_whole():
    assert story_window(days("2020-01-01", "2021-01-01", "2022-01-01", "2023-01-01"),
                        WIDE) is None
    assert FEW_EVENTS == 5
    # Evenly spread: the span holding 70% of them is 70% of the whole.
    spread = days(*[f"{year}-06-01" for year in range(2000, 2020)])
    assert story_window(spread, (date(1999, 6, 1), date(2020, 6, 1))) is None


def test_the_title_row_s_window_comes_first():
    starts = pd.Series(pd.to_datetime(["1948-01-01"] + ["2024-02-20"] * 9))
    assert first_window(starts, starts, TODAY, (date(2017, 1, 1), date(2026, 1, 1))) == (
        date(2017, 1, 1), date(2026, 1, 1))
    assert first_window(starts, starts, TODAY) == (date(2024, 1, 1), date(2025, 1, 1))
    # Without a story: the whole span, with room either side.
    few = starts[:3]
    assert first_window(few, few, TODAY) == whole_span(few, few, TODAY)


def test_the_curated_timeline_opens_on_its_busy_years():
    result = load_events_from_bytes(BUNDLED_CSV, "events.csv")
    events = result.events
    assert result.window is None  # its title row sets none: the app picks
    window = visible_window(events, ViewState(), TODAY)
    assert window == (date(2022, 1, 1), date(2025, 1, 1))
    inside = events["start_at"].between(pd.Timestamp(window[0]), pd.Timestamp(window[1]))
    assert inside.sum() >= STORY_SHARE * len(events)
    # zoom=all: everything, from Kim Il-sung's rule to today.
    first, last = visible_window(events, ViewState(window="all"), TODAY)
    assert first < date(1948, 1, 1) and last > TODAY
    assert (first, last) == whole_span(events["start_at"], event_ends(events, TODAY), TODAY)


def test_a_title_row_window_reaches_the_figure():
    rows = [{"type": "title", "title": "T", "start": "2017", "end": "2025"}] + [
        {"id": f"e{i}", "start": f"20{10 + i}-01-01", "title": "E", "actors": "A",
         "category": "gifts", "source": "S"} for i in range(12)]
    result = load_events_from_bytes(csv_bytes(rows), "x.csv")
    assert result.report.ok
    assert visible_window(result.events, ViewState(), TODAY, result.window) == (
        date(2017, 1, 1), date(2026, 1, 1))


@pytest.mark.parametrize("count", [100_000])
def test_fast_at_a_hundred_thousand_events(count):
    generator = np.random.default_rng(1)
    starts = (np.datetime64("1950-01-01") + generator.integers(0, 70 * 365, count)
              ).astype("datetime64[D]")
    starts.sort()
    story_window(starts, WIDE)  # warm
    began = time.perf_counter()
    story_window(starts, WIDE)
    assert time.perf_counter() - began < 0.05


def test_the_editor_s_preview_opens_on_the_title_row_s_window():
    from timeline.editor.page import preview_figure
    rows = [{"type": "title", "title": "T", "start": "2015-06", "end": "2018"}] + [
        {"id": f"e{i}", "start": f"20{10 + i}-01-01", "title": "E", "actors": "A",
         "category": "gifts", "source": "S"} for i in range(12)]
    result = load_events_from_bytes(csv_bytes(rows), "x.csv")
    assert list(preview_figure(result).layout.xaxis.range) == ["2015-06-01", "2019-01-01"]
