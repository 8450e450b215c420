from datetime import date

import pytest

from timeline.view_state import ViewState

FULL = ViewState(actors=("Kim Jong-un", "Vladimir Putin"), categories=("gifts",),
                 certainties=("confirmed", "reported"), date_from=date(2023, 1, 1),
                 date_to=date(2024, 6, 30), query="aurus senat", lanes="actor",
                 event="aurus-delivered", window=(date(2023, 6, 1), date(2024, 3, 31)))


@pytest.mark.parametrize("view", [ViewState(), FULL, ViewState(query="Путин & 김정은 #1?"),
                                  ViewState(actors=("Kim, Jong-un", "A&B=C"))])
def test_round_trip(view):
    assert ViewState.from_query_string(view.to_query_string()) == view


def test_defaults_are_left_out():
    assert ViewState().to_query_string() == ""
    assert ViewState(lanes="category").to_query_string() == ""


def test_query_string_is_readable():
    text = ViewState(actors=("Kim Jong-un",), categories=("gifts",)).to_query_string()
    assert text == "actor=Kim+Jong-un&category=gifts"


def test_leading_question_mark_is_accepted():
    assert ViewState.from_query_string("?category=gifts").categories == ("gifts",)


@pytest.mark.parametrize("query, expected", [
    ("from=2023&to=2023", ViewState(date_from=date(2023, 1, 1), date_to=date(2023, 12, 31))),
    ("from=2024-02&to=2024-02", ViewState(date_from=date(2024, 2, 1), date_to=date(2024, 2, 29))),
    ("from=13/09/2023&to=2023-02-30", ViewState()),
    ("lanes=sideways", ViewState()),
    ("zoom=2024-01-01..2023-01-01", ViewState()),
    ("zoom=2023", ViewState()),
    ("zoom=2023..2024", ViewState(window=(date(2023, 1, 1), date(2024, 12, 31)))),
    ("actor=&category=&q=&event=", ViewState()),
    ("actor=A&actor=A&actor=B", ViewState(actors=("A", "B"))),
    ("q=one&q=two", ViewState(query="one")),
    ("unknown=1&%ZZ=%%", ViewState()),
    ("q=" + "x" * 5000, ViewState(query="x" * 200)),
])
def test_forgiving_parse(query, expected):
    assert ViewState.from_query_string(query) == expected


def test_describe_counts_and_filters():
    assert ViewState().describe(27, 27) == "27 events"
    view = ViewState(actors=("Kim Jong-un",), categories=("gifts", "tourism"), query="car",
                     date_from=date(2023, 9, 1))
    assert view.describe(3, 27) == ("3 of 27 events · Kim Jong-un · gifts or tourism · "
                                    "from 1 Sep 2023 · matching “car”")


def test_cleared_keeps_lane_mode():
    assert FULL.cleared() == ViewState(lanes="actor")
