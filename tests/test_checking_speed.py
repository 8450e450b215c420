"""Checking a file costs in proportion to its size (issues 12 and 13), and its
quick pass over whole columns says exactly what checking each row would.

Work is counted, not timed, so these tests say the same on a busy machine: the
steps of Python a load takes, each line run and each function called (Python's
or built-in). A loop inside one built-in call (numpy's, the csv reader's) is one
step: the quick pass is built of those, and per-row Python is what made ordinary
files take seconds per MB.
"""
from __future__ import annotations

import csv
import gc
import re
import subprocess
import sys
from collections import Counter, defaultdict
from typing import Callable

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support import DATA, EVENTS_FIXTURE, tricky_text
from timeline.data import loading, schema
from timeline.data.checks import quick_pass
from timeline.data.checks.text import clean_value, spelling_key, split_actors, usual_spellings
from timeline.data.dates import parse_partial_date, parse_plain_dates
from timeline.data.loading import check_file, load_events, load_events_from_bytes
from timeline.data.synth import AWKWARD, awkward_csv, synthetic_csv
from timeline.data.text_folding import normalise_text

ROOT = DATA.parent.parent

# Steps of Python per KB of file, as a file grows. One step costs about 0.1-0.5 µs
# here, so this keeps a check within a second per MB. Files of these kinds took
# 2,600 (the synthetic file) to 43,000 (own categories) steps per KB before the
# quick pass; they now take 200 to 1,100.
STEPS_PER_KB = 2_000


def steps_of(call: Callable[[], object]) -> int:
    """How many steps of Python `call()` takes: lines run, functions called."""
    steps = 0

    def trace(frame, event, arg):
        nonlocal steps
        steps += 1  # a Python function called, each of its lines, its return
        return trace

    def profile(frame, event, arg):
        nonlocal steps
        steps += event == "c_call"  # a built-in function called

    sys.settrace(trace)
    sys.setprofile(profile)
    try:
        call()
    finally:
        sys.settrace(None)
        sys.setprofile(None)
    return steps


FILES: dict[str, Callable[[int], bytes]] = {
    **{kind: (lambda rows, kind=kind: awkward_csv(kind, rows)) for kind in AWKWARD},
    "synthetic": lambda rows: synthetic_csv(rows, seed=1),
}


@pytest.mark.parametrize("name", FILES)
def test_checking_a_file_takes_work_in_proportion_to_its_size(name):
    small, large = FILES[name](1000), FILES[name](2000)
    load_events_from_bytes(small)  # what runs once per process (pandas' first calls) runs now
    work_small = steps_of(lambda: load_events_from_bytes(small))
    work_large = steps_of(lambda: load_events_from_bytes(large))
    assert work_large <= 2.5 * work_small, (work_small, work_large)
    per_kb = (work_large - work_small) / ((len(large) - len(small)) / 1000)
    assert per_kb <= STEPS_PER_KB, f"{name}: {per_kb:,.0f} steps of Python per KB"


def test_the_awkward_files_are_about_a_megabyte_and_check_cleanly_or_with_warnings():
    """They stand for ordinary files: no errors, about 1 MB each."""
    for kind in AWKWARD:
        data = awkward_csv(kind)
        assert 0.9e6 < len(data) < 1.3e6, (kind, len(data))
        assert load_events_from_bytes(data).report.ok, kind


# ------------------------------------------------ the quick pass against each row

ROW_VALUES = {  # what editors write, right and wrong, often the same value again
    "id": ["a", "b", "a", "kim-putin", "Bad Id", "x--y", "", "é", "a-1"],
    "start": ["2020", "2020-01", "2020-01-02", "2020-13-01", "2020-02-30", "..", "", "2020~",
              "2021?", "13/09/2023", "0000", "0001", "9999-12-31", "٢٠٢٠", "x" * 120],
    "end": ["", "", "2020-06", "2019", "..", "2020-01-02", "2022?", "2020-02-30"],
    "display_date": ["", "", "mid-2022"],
    "title": ["Summit", "", "t" * 121, "Сosmodrome visit", "Café", "a\r\nb", "\u200bx"],
    "actors": ["Kim Jong-un", "kim jong-un", "Kim  Jong-un", "Putin; Kim Jong-un", ";", "",
               "Sergeï Shoigu; Sergei Shoigu", "Путин", "A;B;A", "\u200b;x"],
    "category": ["diplomacy", "Diplomacy", "military", "dipomacy", "", "Arts", "arts",
                 "economy\u200b", "ECONOMY"],
    "certainty": ["confirmed", "Reported", "", "maybe", "alleged"],
    "source": ["KCNA", "", "Тасс"],
    "source_url": ["https://example.org/a", "", "example.org/x", "ftp://x", "http://",
                   "https://a b.org", "HTTPS://Example.org/?q=1#f", "https://[::1/",
                   "https://exa\u00e9.org/", "https://a.org:80/p", "javascript:x"],
    "media_url": ["", "https://example.org/a.jpg", "http://."],
    "type": ["", "", "", "event", "era", "title", "Era", "EVENT", "Évent", "banana", "category",
             "Category"],
    "colour": ["", "", "#3b2ba9", "#3B2BA9", "#fff", "red", "#ffee58", "#7a6300", "#ff0000"],
}


@st.composite
def messy_files(draw) -> bytes:
    header = draw(st.permutations([c for c in schema.COLUMN_NAMES if not draw(st.booleans())
                                   or c in ("id", "start", "title")]))
    rows = [header]
    for _ in range(draw(st.integers(0, 12))):
        row = [draw(st.one_of(st.sampled_from(ROW_VALUES.get(c, ["", "x"])),
                              tricky_text(max_size=6))) for c in header]
        rows.append(row + draw(st.lists(st.sampled_from(["", "extra"]), max_size=2)))
    return "".join(",".join('"' + v.replace('"', '""') + '"' for v in row) + "\n"
                   for row in rows).encode("utf-8")


def everything(data: bytes) -> tuple:
    result = load_events_from_bytes(data)
    return (result.report, result.title, result.subtitle, result.columns,
            *({column: list(map(repr, frame[column])) for column in frame}
              for frame in (result.events, result.eras, result.raw)))


@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(messy_files())
def test_the_quick_pass_says_what_checking_every_row_says(data):
    quick = everything(data)
    with pytest.MonkeyPatch.context() as patch:  # every row through check_row
        patch.setattr(quick_pass, "may_have_problems",
                      lambda columns, *args: np.ones(len(columns.kind), dtype=bool))
        assert everything(data) == quick


def test_the_quick_pass_on_the_messy_fixtures():
    for path in sorted((DATA / "messy").glob("*.csv")):
        quick = everything(path.read_bytes())
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(quick_pass, "may_have_problems",
                          lambda columns, *args: np.ones(len(columns.kind), dtype=bool))
            assert everything(path.read_bytes()) == quick, path.name


# ------------------------------------------------ shortcuts that must not change a word

@given(tricky_text(max_size=30))
def test_spelling_key_is_the_folding_without_spaces(text):
    assert spelling_key(text) == normalise_text(text).replace(" ", "")


@given(st.lists(st.one_of(tricky_text(max_size=8), st.sampled_from(["Kim", " kim ", ";", ""])),
                max_size=6).map(";".join))
def test_split_actors_cleans_each_name_as_clean_value_does(value):
    names = (clean_value(name) for name in value.split(schema.ACTOR_SEPARATOR))
    assert split_actors(value) == tuple(dict.fromkeys(name for name in names if name))


PLAIN_DATE = re.compile(r"[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?[~?]?")


@given(st.lists(st.one_of(
    st.from_regex(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?[~?]?", fullmatch=True),
    st.dates().map(lambda day: f"{day.year:04d}-{day.month:02d}-{day.day:02d}"),
    st.sampled_from(["0000", "2021-02-29", "2024-02-29~", "1900-02-29", "2020-00", "٢٠٢٠",
                     " 2020", "2020\x00", "12345678901", "2020-12-31~?", ""]),
    tricky_text(max_size=12)), max_size=12))
def test_plain_dates_read_as_parse_partial_date_reads_them(texts):
    dates, first, last, approximate, uncertain = parse_plain_dates(texts)
    for i, text in enumerate(texts):
        parsed = parse_partial_date(text)
        if dates[i] is None:  # left to parse_partial_date: never a plain, right date
            assert isinstance(parsed, str) or not PLAIN_DATE.fullmatch(text), text
            continue
        assert dates[i] == parsed
        assert (first[i], last[i], approximate[i], uncertain[i]) == (
            parsed.first_day.toordinal(), parsed.last_day.toordinal(), parsed.approximate,
            parsed.uncertain)


@given(st.lists(st.sampled_from(["Arts", "arts", "ARTS", "Music", "music", " x", "x"]),
                max_size=12))
def test_usual_spellings_keeps_the_most_used_then_the_first(values):
    expected: dict[str, Counter] = defaultdict(Counter)
    for value in values:
        expected[spelling_key(value)][value] += 1
    assert usual_spellings(values) == {key: max(counts, key=counts.__getitem__)
                                       for key, counts in expected.items()}


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from(list(",;\t x\n\r\x00é\v\x85\u2028")), max_size=40),
       st.sampled_from([",", ";", "\t"]))
def test_lines_without_quotes_split_as_the_csv_reader_splits_them(text, delimiter):
    if loading._unquoted(text, delimiter):
        assert (loading._records(text.splitlines(), delimiter, unquoted=True)
                == loading._records(loading._lines(text), delimiter, unquoted=False))


def test_a_value_longer_than_the_csv_reader_takes_is_left_to_it():
    text = "a,b\n" + "x" * 11 + ",c\n"
    limit = csv.field_size_limit(10)
    try:
        records = loading._records(text.splitlines(), ",", unquoted=True)
        assert records == loading._records(loading._lines(text), ",", unquoted=False)
        assert "longer than 10 characters" in records[1].broken
    finally:
        csv.field_size_limit(limit)


# ------------------------------------------------ what `validate` needs, and no more

@pytest.mark.parametrize("path", [EVENTS_FIXTURE, *sorted((DATA / "messy").glob("*.csv")),
                                  DATA / "timelinejs" / "women_in_computing.csv"],
                         ids=lambda path: path.name)
def test_check_file_reports_what_load_events_reports(path):
    assert check_file(path) == load_events(path).report


def test_the_cycle_collector_runs_again_after_a_load(monkeypatch):
    assert gc.isenabled()
    load_events_from_bytes(EVENTS_FIXTURE.read_bytes())
    assert gc.isenabled()

    def broken(*args):
        raise RuntimeError("boom")
    monkeypatch.setattr(loading, "validate", broken)
    load_events_from_bytes(EVENTS_FIXTURE.read_bytes())
    assert gc.isenabled()
    gc.disable()  # and one paused by someone else stays paused
    try:
        load_events_from_bytes(EVENTS_FIXTURE.read_bytes())
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_validate_imports_no_conversion_code():
    """`python -m timeline validate` waited for the TimelineJS export code it never runs."""
    script = ("import sys; from timeline import cli; cli.main(['validate', sys.argv[1]]); "
              "print(' '.join(m for m in sys.modules if m.startswith('timeline.')))")
    done = subprocess.run([sys.executable, "-c", script, str(EVENTS_FIXTURE)],
                          capture_output=True, text=True, check=True, cwd=ROOT)
    imported = done.stdout.splitlines()[-1].split()
    assert "timeline.data.loading" in imported
    assert "timeline.data.interchange" not in imported
