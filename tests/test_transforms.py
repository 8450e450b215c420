import unicodedata

import pytest
from hypothesis import given, settings

from support import filter_cases, prepared_events, table_of_cases, tricky_text
from timeline.data.checks.text import slugify, spelling_key
from timeline.view.transforms import (
    actor_names,
    filter_events,
    find_event,
    neighbours,
    normalise_text,
)
from timeline.view.view_state import ViewState

CASES = filter_cases()
TEXT_CASES = table_of_cases("text_cases.json")
# Derandomized, no example database: every run checks the same cases.
DETERMINISTIC = settings(max_examples=300, deadline=None, derandomize=True, database=None)


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


@pytest.mark.parametrize("case", TEXT_CASES, ids=[c["name"] for c in TEXT_CASES])
def test_normalise_text(case):
    assert normalise_text(case["text"]) == case["folded"]


def test_one_folding_for_filters_spelling_checks_and_slugs():
    assert spelling_key("Ёлка  Straße") == spelling_key("елка strasse") == "елкаstrasse"
    assert spelling_key("क्षत्रिय") != spelling_key("कषतरिय")  # the virama is spelling
    assert slugify("Straße Ёлка Café") == "strasse-cafe"


@DETERMINISTIC
@given(tricky_text(max_size=40))
def test_folding_is_idempotent_and_ignores_the_form_of_unicode(text):
    folded = normalise_text(text)
    assert normalise_text(folded) == folded
    assert folded == unicodedata.normalize("NFC", folded)  # Korean as syllables
    assert folded == " ".join(folded.split(" ")) and "  " not in folded
    for form in ("NFC", "NFD", "NFKC", "NFKD"):
        assert normalise_text(unicodedata.normalize(form, text)) == folded


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
