from datetime import date
from urllib.parse import quote

import pytest

from timeline.interactions import (CONTROLS, apply_click, apply_control, apply_relayout,
                                   control_value, next_view)
from timeline.view_state import ViewState


def test_every_control_round_trips_through_the_view():
    view = ViewState(actors=("Kim Jong-un",), categories=("gifts",), certainties=("reported",),
                     date_from=date(2023, 1, 1), date_to=date(2024, 1, 31), query="car",
                     lanes="actor")
    rebuilt = ViewState()
    for _, _, field in CONTROLS:
        rebuilt = apply_control(rebuilt, field, control_value(view, field))
    assert rebuilt == view


@pytest.mark.parametrize("field, value, expected", [
    ("actors", ["B", "A", "B", None], ("B", "A")),
    ("actors", None, ()),
    ("actors", "Kim Jong-un", ("Kim Jong-un",)),
    ("date_from", "2023-09-13T00:00:00", date(2023, 9, 13)),
    ("date_from", None, None),
    ("date_to", "not a date", None),
    ("lanes", "sideways", "category"),
    ("query", "  aurus  ", "aurus"),
])
def test_apply_control_normalises(field, value, expected):
    assert getattr(apply_control(ViewState(), field, value), field) == expected


def test_click_selects_the_event():
    click = {"points": [{"customdata": ["car", "Car", "20 February 2024"]}]}
    assert apply_click(ViewState(), click).event == "car"


@pytest.mark.parametrize("click", [None, {}, {"points": []}, {"points": [{"x": 1}]},
                                   {"points": [{"customdata": [5]}]}])
def test_clicks_without_an_event_change_nothing(click):
    assert apply_click(ViewState(event="x"), click) == ViewState(event="x")


@pytest.mark.parametrize("relayout, window", [
    ({"xaxis.range[0]": "2023-01-01 12:00:00.5", "xaxis.range[1]": "2023-12-31"},
     (date(2023, 1, 1), date(2023, 12, 31))),
    ({"xaxis.range": ["2022-05-01", "2022-06-01"]}, (date(2022, 5, 1), date(2022, 6, 1))),
    ({"xaxis.autorange": True}, None),
])
def test_relayout_sets_the_window(relayout, window):
    start = ViewState(window=(date(2000, 1, 1), date(2001, 1, 1)))
    assert apply_relayout(start, relayout).window == window


@pytest.mark.parametrize("relayout", [None, {"autosize": True}, {"xaxis.range[0]": "x"},
                                      {"xaxis.range": ["2023-02-01", "2023-01-01"]}])
def test_other_relayouts_keep_the_window(relayout):
    view = ViewState(window=(date(2000, 1, 1), date(2001, 1, 1)))
    assert apply_relayout(view, relayout) == view


def controls_of(view: ViewState) -> list:
    return [control_value(view, field) for _, _, field in CONTROLS]


def test_a_changed_url_is_taken_as_it_is():
    assert next_view("?category=gifts&event=car", "url.search", controls_of(ViewState()),
                     None, None) == ViewState(categories=("gifts",), event="car")


def test_filters_come_from_the_controls_not_a_stale_url():
    # The reader set `from`, then `to` before the URL showed `from`.
    controls = controls_of(ViewState(date_from=date(2023, 7, 27), date_to=date(2023, 9, 1)))
    view = next_view("?event=car", "date-filter.end_date", controls, None, None)
    assert view == ViewState(date_from=date(2023, 7, 27), date_to=date(2023, 9, 1), event="car")


def test_click_zoom_and_reset_triggers():
    controls = controls_of(ViewState(categories=("gifts",)))
    click = {"points": [{"customdata": ["car"]}]}
    assert next_view("?category=gifts", "timeline-graph.clickData", controls, click,
                     None).event == "car"
    zoom = {"xaxis.range": ["2023-01-01", "2023-06-30"]}
    assert next_view("?category=gifts", "zoom-change.data", controls, None, zoom).window == (
        date(2023, 1, 1), date(2023, 6, 30))
    reset = next_view("?category=gifts&lanes=actor&event=car", "reset.n_clicks",
                      controls_of(ViewState(categories=("gifts",), lanes="actor")), None, None)
    assert reset == ViewState(lanes="actor")


@pytest.mark.parametrize("typed", ["\u3000Kim\u00a0", "\x1ckim\x1f", "a" * 199 + "\U0001f600tail",
                                   "  Ким Чен Ын  "])
def test_a_typed_search_is_kept_as_a_link_to_it_would_be(typed):
    """Typing in the search box and following a link with that search agree
    (the same trimming and the same cut, in code points; timeline-embed.js's box
    uses cleanValue, which tests/data/view_cases.json pins to the same rule)."""
    typed_view = apply_control(ViewState(), "query", typed)
    assert typed_view.query == ViewState.from_query_string("q=" + quote(typed)).query
