import pytest

from support import filter_cases, prepared_events
from timeline.transforms import (actor_names, filter_events, find_event, neighbours,
                                 normalise_text)
from timeline.view_state import ViewState

CASES = filter_cases()


@pytest.fixture(scope="module")
def events():
    return prepared_events(CASES["events"])


@pytest.mark.parametrize("case", CASES["cases"], ids=[c["name"] for c in CASES["cases"]])
def test_filter_cases(events, case):
    view = ViewState.from_query_string(case["query"])
    assert list(filter_events(events, view)["id"]) == case["expected"]


def test_every_filter_dimension_has_a_case():
    queries = " ".join(c["query"] for c in CASES["cases"])
    for parameter in ("actor=", "category=", "certainty=", "from=", "to=", "q="):
        assert parameter in queries


@pytest.mark.parametrize("text, expected", [
    ("Kim  Jong-Un", "kim jong-un"), ("Café", "cafe"), ("ÉLYSÉE\tPalace", "elysee palace"),
    ("김정은", "김정은"), ("", ""),
])
def test_normalise_text(text, expected):
    assert normalise_text(text) == expected


def test_neighbours_step_in_date_order(events):
    ids = list(events["id"])
    assert neighbours(events, ids[1]) == (ids[0], ids[2])
    assert neighbours(events, ids[0]) == (None, ids[1])
    assert neighbours(events, ids[-1]) == (ids[-2], None)


def test_neighbours_without_selection_start_at_the_ends(events):
    ids = list(events["id"])
    assert neighbours(events, None) == (ids[-1], ids[0])
    assert neighbours(events, "not-an-id") == (ids[-1], ids[0])
    assert neighbours(events.iloc[0:0], None) == (None, None)


def test_find_event(events):
    assert find_event(events, "car")["title"] == "Aurus Senat arrives in Pyongyang"
    assert find_event(events, "nope") is None
    assert find_event(events, None) is None


def test_actor_names_most_frequent_first(events):
    names = actor_names(events)
    assert names[:2] == ["Kim Jong-un", "Vladimir Putin"]
    assert set(names) >= {"Kim Il-sung", "Sergei Shoigu", "South Korea"}
