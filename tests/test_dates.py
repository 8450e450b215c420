"""Partial dates: the forms the contract accepts, and helpful messages for the rest."""
from datetime import date

import pytest

from timeline.data import dates
from timeline.data.dates import PartialDate, parse_partial_date, span_label


@pytest.mark.parametrize("text, expected, first, last", [
    ("2023", PartialDate(2023), date(2023, 1, 1), date(2023, 12, 31)),
    ("2023-09", PartialDate(2023, 9), date(2023, 9, 1), date(2023, 9, 30)),
    ("2024-02", PartialDate(2024, 2), date(2024, 2, 1), date(2024, 2, 29)),
    ("2023-09-13", PartialDate(2023, 9, 13), date(2023, 9, 13), date(2023, 9, 13)),
    ("2024-02-29", PartialDate(2024, 2, 29), date(2024, 2, 29), date(2024, 2, 29)),
    ("2022~", PartialDate(2022, approximate=True), date(2022, 1, 1), date(2022, 12, 31)),
    ("2024-10?", PartialDate(2024, 10, uncertain=True), date(2024, 10, 1), date(2024, 10, 31)),
    ("  2023-09-13  ", PartialDate(2023, 9, 13), date(2023, 9, 13), date(2023, 9, 13)),
])
def test_valid_dates(text, expected, first, last):
    parsed = parse_partial_date(text)
    assert parsed == expected
    assert (parsed.first_day, parsed.last_day) == (first, last)


@pytest.mark.parametrize("text, fragments", [
    ("2023-02-30", ["does not exist", "February 2023 has 28 days"]),
    ("2023-13", ["no month 13"]),
    ("2023-13-09", ["no month 13", "did you mean 2023-09-13?"]),
    ("0000", ["no year 0000"]),
    ("13/09/2023", ["not a date in the form YYYY", "did you mean 2023-09-13?"]),
    ("09/13/2023", ["did you mean 2023-09-13?"]),
    ("05/06/2023", ["did you mean 2023-05-06 or 2023-06-05?"]),
    ("13.09.2023", ["did you mean 2023-09-13?"]),
    ("Sept 2023", ["did you mean 2023-09?"]),
    ("September 2023", ["did you mean 2023-09?"]),
    ("13 September 2023", ["did you mean 2023-09-13?"]),
    ("September 13, 2023", ["did you mean 2023-09-13?"]),
    ("2023/9/13", ["did you mean 2023-09-13?"]),
    ("2023-9", ["did you mean 2023-09?"]),
    ("2023-09-13 00:00:00", ["did you mean 2023-09-13?", "time"]),
    ("2023-09-13 ~", ["did you mean 2023-09-13~?"]),
    ("c. 2022", ["2022~"]),
    ("~2022-05", ["2022-05~"]),
    ("mid-2022", ["2022~", "display_date"]),
    ("45182", ["spreadsheet", "2023-09-13"]),
    ("yesterday", ["'yesterday' is not a date"]),
])
def test_invalid_dates_explain_themselves(text, fragments):
    message = parse_partial_date(text)
    assert isinstance(message, str)
    for fragment in fragments:
        assert fragment in message


@pytest.mark.parametrize("text", ["31/02/2023", "Smarch 2023", "Ma 2023", "2023-02-30~"])
def test_no_hint_when_nothing_sensible_to_suggest(text):
    message = parse_partial_date(text)
    assert isinstance(message, str) and "did you mean" not in message


def test_long_garbage_is_cut_short_in_the_message():
    message = parse_partial_date("x" * 5000 + "\n" + "y")
    assert isinstance(message, str)
    assert len(message) < 200 and "\n" not in message


@pytest.mark.parametrize("start, end, ongoing, label", [
    ("2023-09-13", None, False, "13 September 2023"),
    ("2024-10~", None, True, "since c. October 2024"),
    ("2024-06-19", "2024-06-20", False, "19 June 2024 – 20 June 2024"),
    ("2022?", None, False, "2022 (date uncertain)"),
])
def test_span_label(start, end, ongoing, label):
    end_date = parse_partial_date(end) if end else None
    assert span_label(parse_partial_date(start), end_date, ongoing) == label


@pytest.mark.parametrize("text", ["Sept" + " " * 16_000 + "x", " 2023-09-13" + " " * 100 + "x",
                                  "1" * 101])
def test_an_over_long_date_is_refused_before_any_pattern_runs(monkeypatch, text):
    """The hints' patterns backtrack over long runs of spaces ('Sept', 16,000
    spaces, 'x' took 2.4 s): a cell too long to be a date never reaches them."""
    def no_hint(_text):
        raise AssertionError("the hints ran on an over-long cell")

    monkeypatch.setattr(dates, "_hint", no_hint)
    monkeypatch.setattr(dates, "_FORM", None)  # nor the contract's own pattern
    message = parse_partial_date(text)
    assert isinstance(message, str)
    assert f"{len(text.strip()):,} characters long" in message
    assert f"at most {dates.MAX_DATE_LENGTH}" in message and len(message) < 200


def test_a_wordy_date_with_runs_of_spaces_under_the_limit_still_gets_its_hint():
    text = "13" + " " * 70 + "Sept." + " " * 10 + "2023"
    assert len(text) <= dates.MAX_DATE_LENGTH
    assert "did you mean 2023-09-13?" in parse_partial_date(text)
