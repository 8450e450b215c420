from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from support import DEFAULT_VIEW_FIELDS, link_queries, table_of_cases, tricky_text, view_fields
from timeline.data.text_folding import strip_white_space
from timeline.view.view_state import LANE_MODES, MAX_QUERY_LENGTH, THEMES, ViewState

VIEW_CASES = table_of_cases("view_cases.json")
# Derandomized, no example database: every run checks the same cases.
DETERMINISTIC = settings(max_examples=200, deadline=None, derandomize=True, database=None)

FULL = ViewState(actors=("Kim Jong-un", "Vladimir Putin"), categories=("gifts",),
                 certainties=("confirmed", "reported"), date_from=date(2023, 1, 1),
                 date_to=date(2024, 6, 30), query="aurus senat", lanes="actor",
                 event="aurus-delivered", window=(date(2023, 6, 1), date(2024, 3, 31)),
                 list_open=True, story=True, theme="dark")


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
    ("zoom=all", ViewState(window="all")),
    ("zoom=everything", ViewState()),
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


def test_the_whole_timeline_has_a_link_of_its_own():
    assert ViewState(window="all").to_query_string() == "zoom=all"
    assert ViewState(window="all").cleared() == ViewState()


def test_cleared_keeps_lane_mode_the_open_list_and_story_mode():
    assert FULL.cleared() == ViewState(lanes="actor", list_open=True, story=True, theme="dark")


@pytest.mark.parametrize("case", VIEW_CASES, ids=[c["name"] for c in VIEW_CASES])
def test_view_cases(case):
    """The table the browser's parseView runs too (test_embed_browser.py)."""
    view = ViewState.from_query_string(case["query"])
    assert view_fields(view) == {**DEFAULT_VIEW_FIELDS, **case["view"]}


# A value as the parser leaves it: trimmed, not empty, not too long.
VALUES = tricky_text(min_size=1, max_size=MAX_QUERY_LENGTH).map(strip_white_space).filter(bool)
DAYS = st.dates(min_value=date(1, 1, 1))
VIEWS = st.builds(
    ViewState,
    actors=st.lists(VALUES, unique=True, max_size=4).map(tuple),
    categories=st.lists(VALUES, unique=True, max_size=4).map(tuple),
    certainties=st.lists(VALUES, unique=True, max_size=4).map(tuple),
    date_from=st.none() | DAYS, date_to=st.none() | DAYS, query=st.just("") | VALUES,
    lanes=st.sampled_from(LANE_MODES), event=st.none() | VALUES,
    window=st.none() | st.just("all")
    | st.lists(DAYS, min_size=2, max_size=2).map(sorted).map(tuple),
    list_open=st.booleans(), story=st.booleans(), theme=st.sampled_from((None, *THEMES)))


@DETERMINISTIC
@given(VIEWS)
def test_every_view_survives_its_link(view):
    assert ViewState.from_query_string(view.to_query_string()) == view


@DETERMINISTIC
@given(link_queries())
def test_a_link_read_once_is_read_the_same_from_its_canonical_form(query):
    view = ViewState.from_query_string(query)
    assert ViewState.from_query_string(view.to_query_string()) == view
