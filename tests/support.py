"""Helpers shared by the tests: events built through the real loader."""
from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from urllib.parse import quote, quote_plus

import pandas as pd
from hypothesis import strategies as st

from timeline.data.loading import load_events_from_bytes
from timeline.data.schema import COLUMN_NAMES
from timeline.view.transforms import prepare_events
from timeline.view.view_state import PARAMETERS

DATA = Path(__file__).parent / "data"
# A frozen copy of the newsroom's data/events.csv: editors change that file through
# /edit/, and no save of theirs may break a test. Only test_cli checks the live file.
EVENTS_FIXTURE = DATA / "events.csv"
BUNDLED_CSV = EVENTS_FIXTURE.read_bytes()
LIVE_DATA = os.path.realpath(Path(__file__).parent.parent / "data" / "events.csv")


class LiveDataRead(AssertionError):
    """A test opened the live data file in this process."""


live_data_reads: list[str] = []


def refuse_the_live_data(event: str, args: tuple) -> None:
    """An audit hook: opening data/events.csv fails the test (and is recorded, in
    case the code under test catches the error)."""
    if event != "open" or not args or not isinstance(args[0], (str, bytes, os.PathLike)):
        return
    path = os.fsdecode(args[0])
    if path.endswith("events.csv") and os.path.realpath(path) == LIVE_DATA:
        live_data_reads.append(path)
        raise LiveDataRead(f"a test opened the live {path}; use support.EVENTS_FIXTURE")


def csv_bytes(rows: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    # The contract's columns, then any other the rows have (`title_ko`, say).
    extra = [name for name in dict.fromkeys(k for row in rows for k in row)
             if name not in COLUMN_NAMES]
    writer = csv.DictWriter(buffer, fieldnames=[*COLUMN_NAMES, *extra], restval="")
    writer.writeheader()
    for row in rows:
        writer.writerow({"source": "test", **row})
    return buffer.getvalue().encode("utf-8")


def prepared_events(rows: list[dict[str, str]]) -> pd.DataFrame:
    result = load_events_from_bytes(csv_bytes(rows), "test.csv")
    assert result.report.ok, result.report.format_lines("test.csv")
    return prepare_events(result.events, result.categories)


def filter_cases() -> dict:
    return json.loads((DATA / "filter_cases.json").read_text(encoding="utf-8"))


def table_of_cases(name: str) -> list[dict]:
    """The cases of a table under tests/data/ that both Python and the browser run."""
    return json.loads((DATA / name).read_text(encoding="utf-8"))["cases"]


# A view as `TimelineCore.parseView` returns it; view_cases.json names only the
# fields that differ from these.
DEFAULT_VIEW_FIELDS = {"actors": [], "categories": [], "certainties": [], "from": None,
                       "to": None, "q": "", "lanes": "category", "event": None, "zoom": None,
                       "listOpen": False, "story": False, "theme": None, "lang": None}


def view_fields(view) -> dict:
    """A ViewState in parseView's shape, to compare the two readers."""
    return {"actors": list(view.actors), "categories": list(view.categories),
            "certainties": list(view.certainties),
            "from": view.date_from and view.date_from.isoformat(),
            "to": view.date_to and view.date_to.isoformat(), "q": view.query,
            "lanes": view.lanes, "event": view.event,
            "zoom": view.window if isinstance(view.window, str)
            else view.window and [day.isoformat() for day in view.window],
            "listOpen": view.list_open, "story": view.story, "theme": view.theme,
            "lang": view.language}


# ------------------------------------------- generated text and links (Hypothesis)

# Where the Python and JavaScript foldings and link readers could part: marks that
# are dropped and the ones either side of those sets, marks that stay, white space
# and its look-alikes, letters whose case or compatibility form is special, Hangul
# jamo, kana, other scripts' digits, and pieces of dates.
TRICKY_CHARACTERS = (
    "\u0300\u0301\u0308\u036f\u0370\u0482\u0483\u0487\u0488\u0590\u0591\u05bd\u05be\u05bf"
    "\u05c0\u05c3\u05c7\u064a\u064b\u065f\u0660\u0670\u0902\u093c\u094d\u0e48\u3099\u309a"
    "\u1ab0\u1aff\u1dc0\u20d0\u20dd\ufe20\ufe2f"
    "\t\n\x0b\x0c\r \x1c\x1f\x85\xa0\u1680\u180e\u2000\u200a\u200b\u2028\u2029\u202f\u205f"
    "\u3000\ufeff"
    "ßẞςΣσİıﬁＡ²ⅫёЁйе\u1100\u1161\u11a8가かカｶﾞहि٢१２0129-~?.&=+%"
)


def tricky_text(**sizes):
    """Text of any assigned character (in Python's Unicode version: the browser's may
    know characters Python does not), the tricky ones often."""
    return st.text(st.one_of(st.characters(exclude_categories=("Cs", "Cn")),
                             st.sampled_from(TRICKY_CHARACTERS)), **sizes)


def link_queries():
    """Query strings as a browser's location.search holds them (ASCII, percent-encoded):
    the view's parameters with text, dates in many forms and junk between them."""
    digit = "[0-9\u0660-\u0669\uff10-\uff19]"
    date = st.one_of(
        st.from_regex(r"[0-9]{4}(-[0-9]{1,2}(-[0-9]{1,2})?)?[~?]?", fullmatch=True),
        st.from_regex(rf"{digit}{{1,5}}(-{digit}{{1,3}}(-{digit}{{1,3}})?)?[~?]?",
                      fullmatch=True))
    value = st.one_of(tricky_text(max_size=12), date,
                      st.builds(lambda a, s, b: a + s + b, date, st.sampled_from(
                          ["..", "...", " .. ", "-"]), date))
    pair = st.builds(lambda name, text, encode: f"{quote(name)}={encode(text)}",
                     st.sampled_from(PARAMETERS + ("", "x")), value,
                     st.sampled_from([quote_plus, lambda t: quote(t, safe="~.+")]))
    junk = st.sampled_from(["", "=", "==", "%ZZ", "%", "%E0%A4", "%FF", "+", "q", "q=%C2",
                            "from=2023-9", "zoom=..", "lanes=actor", "list=open"])
    return st.lists(st.one_of(pair, junk), max_size=8).map("&".join)
