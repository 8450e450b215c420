"""The contract's rules: one fixture per error and warning, with its exact line and column."""
import csv
import io
from datetime import date
from pathlib import Path

import pytest

from timeline.data import schema
from timeline.data.checks.mixed_scripts import mixed_script_messages
from timeline.data.checks.text import slugify, split_actors
from timeline.data.loading import load_events, load_events_from_bytes

MESSY = Path(__file__).parent / "data" / "messy"
DATA = Path(__file__).parent / "data"

# file, line, column, severity, a fragment of the message, whether it is the file's only problem
CASES = [
    ("error_missing_column.csv", 1, "title", "error", "no 'title' column", True),
    ("error_missing_value.csv", 3, "title", "error", "title is empty", True),
    ("error_date_not_exist.csv", 3, "start", "error", "February 2023 has 28 days", True),
    ("error_date_dmy.csv", 3, "start", "error", "did you mean 2023-09-13?", True),
    ("error_date_words.csv", 3, "start", "error", "did you mean 2023-09?", True),
    ("error_end_before_start.csv", 3, "end", "error",
     "ends (2023-09-12) before it starts (2023-09-13)", True),
    ("error_ongoing_start.csv", 3, "start", "error", "start cannot be '..'", True),
    ("error_duplicate_id.csv", 4, "id", "error", "'vostochny-summit' is already used on line 2",
     True),
    ("error_id_not_slug.csv", 3, "id", "error", "e.g. 'kim-putin-summit'", True),
    ("error_source_url.csv", 3, "source_url", "error", "write it as 'https://www.example.org/news'",
     True),
    ("error_media_url.csv", 3, "media_url", "error", "has no website after 'https://'", True),
    ("error_title_too_long.csv", 3, "title", "error", "123 characters long; the limit is 120",
     True),
    ("error_unknown_category.csv", 3, "category", "error", "'politics' is not a known category",
     True),
    ("error_unknown_certainty.csv", 3, "certainty", "error",
     "'rumoured' is not a known certainty", True),
    ("error_too_many_fields.csv", 3, None, "error",
     "'internal note' has no column and would be lost", True),
    ("error_shifted_columns.csv", 3, None, "error", "moved the values after it one column", False),
    ("error_unclosed_quote.csv", 3, None, "error", "never closed, so lines 3–4", True),
    ("quoted_multiline.csv", 5, "start", "error", "'2023-02-30' does not exist", True),
    ("warning_unknown_column.csv", 1, None, "warning", "unknown column 'internal_ref'", True),
    ("warning_category_case.csv", 3, "category", "warning",
     "'Diplomacy' was read as 'diplomacy'; write it exactly 'diplomacy' as on line 2", True),
    ("warning_certainty_case.csv", 3, "certainty", "warning", "'CONFIRMED' was read as 'confirmed'",
     True),
    ("warning_actor_spelling.csv", 3, "actors", "warning",
     "'kim jong-un' is also written 'Kim Jong-un' (first on line 2)", True),
    ("warning_mixed_script.csv", 3, "title", "warning",
     "'Сosmodrome' mixes alphabets: 'С' is CYRILLIC CAPITAL LETTER ES (U+0421)", True),
    ("warning_no_source.csv", 3, "source", "warning", "no source", True),
    ("warning_duplicate_header.csv", 1, "title", "warning", "'Title' twice (columns E and P)",
     True),
]


@pytest.mark.parametrize("name, line, column, severity, fragment, only", CASES,
                         ids=[case[0] for case in CASES])
def test_each_problem_is_reported_where_the_editor_can_find_it(
        name, line, column, severity, fragment, only):
    report = load_events(MESSY / name).report
    matching = [p for p in report.problems
                if (p.line, p.column, p.severity) == (line, column, severity)
                and fragment in p.message]
    assert matching, report.format_lines(name)
    if only:
        assert len(report.problems) == 1, report.format_lines(name)
    assert report.ok == (severity == "warning")


ROW_ERRORS = [(c[0], c[1]) for c in CASES if c[3] == "error" and c[1] > 1]


@pytest.mark.parametrize("name, line", ROW_ERRORS)
def test_rows_with_errors_are_left_out_and_the_others_kept(name, line):
    result = load_events(MESSY / name)
    assert line not in set(result.events["line"])
    assert 2 in set(result.events["line"])
    assert line in set(result.raw["line"])  # still there for the editor to fix


def test_a_missing_required_column_leaves_no_event_to_show():
    result = load_events(MESSY / "error_missing_column.csv")
    assert result.events.empty
    assert list(result.raw["line"]) == [2, 3]


@pytest.mark.parametrize("name, column, expected", [
    ("warning_category_case.csv", "category", "diplomacy"),
    ("warning_certainty_case.csv", "certainty", "confirmed"),
])
def test_known_values_in_another_case_are_normalised(name, column, expected):
    result = load_events(MESSY / name)
    assert list(result.events[column]) == [expected, expected]
    assert result.raw[column].iloc[1] != expected  # what the editor wrote is kept


def test_blank_rows_are_ignored_quietly():
    result = load_events(MESSY / "blank_rows.csv")
    assert result.report.problems == ()
    assert list(result.events["line"]) == [2, 6]
    assert list(result.raw["line"]) == [2, 6]


# ------------------------------------------------------------------ inline files

def csv_bytes(*rows: dict, header=schema.COLUMN_NAMES, delimiter=",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(h, "") for h in header])
    return out.getvalue().encode()


def event(**values) -> dict:
    base = dict(id="vostochny-summit", start="2023-09-13", title="Kim and Putin meet",
                actors="Kim Jong-un; Vladimir Putin", category="diplomacy", source="KCNA")
    return {**base, **values}


def problems_of(*rows: dict, **kw):
    return load_events_from_bytes(csv_bytes(*rows, **kw), "test.csv").report.problems


@pytest.mark.parametrize("values", [
    dict(end="2023-09-13"),                     # ends the day it starts
    dict(start="2023-09-13", end="2023-09"),    # ends in the month it starts
    dict(start="2023~", end="2023-06?"),
    dict(end=".."),
    dict(title="x" * schema.TITLE_MAX_LENGTH),
    dict(source_url="HTTPS://www.Example.org/a?b=c#d", media_url="http://localhost/x.jpg"),
    dict(certainty=""),
    dict(id="a1-b2-2023"),
    dict(actors="Kim Jong-un;;Vladimir Putin;"),
    dict(title="김정은 meets Владимир Путин in Восточный"),
])
def test_valid_rows_have_no_problems(values):
    assert problems_of(event(**values)) == ()


@pytest.mark.parametrize("column, value, fragment", [
    ("source_url", "ftp://example.org/file", "must start with https://"),
    ("source_url", "https//example.org", "must start with https://"),
    ("source_url", "https://exa mple.org", "contains a space"),
    ("source_url", "http://[::1", "not a working web link"),
    ("media_url", "javascript:alert(1)", "must start with https://"),
    ("id", "Vostochny-Summit", "e.g. 'vostochny-summit'"),
    ("id", "-summit-", "e.g. 'summit'"),
    ("id", "김정은", "e.g. 'council-vote-2023'"),
    ("actors", ";", "lists no one"),
    ("start", "", "start is empty"),
    ("end", "yesterday", "'yesterday' is not a date"),
])
def test_bad_values_are_errors_on_their_column(column, value, fragment):
    problems = problems_of(event(**{column: value}))
    assert [(p.line, p.column, p.severity) for p in problems] == [(2, column, "error")]
    assert fragment in problems[0].message


@pytest.mark.parametrize("column", [c for c in schema.COLUMN_NAMES
                                    if c not in ("start", "end", "category", "certainty")])
def test_mixed_scripts_are_found_in_every_text_column(column):
    value = "сosmo" if column == "id" else "Vostochny Сosmodrome"  # a Cyrillic 'с'
    problems = problems_of(event(**{column: value}))
    mixed = [p for p in problems if "mixes alphabets" in p.message]
    assert [(p.line, p.column, p.severity) for p in mixed] == [(2, column, "warning")]


@pytest.mark.parametrize("text, flagged", [
    ("Vostochny Сosmodrome", ["Сosmodrome"]),
    ("Пyтин", ["Пyтин"]),                  # a Latin 'y' in a Russian word
    ("Владимир Путин", []),
    ("김정은 and 北朝鮮", []),
    ("東京タワーへ行く", []),                # Japanese mixes kanji and kana
    ("Nº 5, café, naïve, Kim’s", []),
    ("cafe\u0301", []),                      # an accent written as a separate mark
    ("COVID-19 K-pop", []),
])
def test_mixed_script_words(text, flagged):
    messages = mixed_script_messages(text)
    assert len(messages) == len(flagged)
    for word, message in zip(flagged, messages):
        assert f"'{word}'" in message


@pytest.mark.parametrize("text, slug", [
    ("Kim–Putin Summit", "kim-putin-summit"),
    ("Café Dîner 2023", "cafe-diner-2023"),
    ("  --Already-a-slug--  ", "already-a-slug"),
    ("김정은", ""),
])
def test_slugify(text, slug):
    assert slugify(text) == slug


def test_split_actors_strips_and_drops_empties_and_repeats():
    assert split_actors(" Kim Jong-un ;; Vladimir Putin; Kim Jong-un ; ") == (
        "Kim Jong-un", "Vladimir Putin")


def test_actor_spelling_points_at_the_usual_spelling():
    problems = problems_of(
        event(id="a", actors="Vladimir Putin"), event(id="b", actors="vladimir  putin"),
        event(id="c", actors="Vladimir Putin"))
    assert [(p.line, p.column, p.severity) for p in problems] == [(3, "actors", "warning")]
    assert "'vladimir putin' is also written 'Vladimir Putin' (first on line 2)" in \
        problems[0].message


def test_actor_spelling_also_ignores_accents_as_the_filters_do():
    problems = problems_of(event(id="a", actors="Sergei Shoigu"),
                           event(id="b", actors="Sergeï Shoigu"))
    assert [(p.line, p.column, p.severity) for p in problems] == [(3, "actors", "warning")]


def test_duplicate_ids_name_the_first_line_each_time():
    problems = problems_of(event(id="a"), event(id="b"), event(id="a"), event(id="a"))
    assert [(p.line, p.column) for p in problems] == [(4, "id"), (5, "id")]
    assert all("already used on line 2" in p.message for p in problems)


def test_a_missing_required_column_is_reported_once_not_per_row():
    header = tuple(c for c in schema.COLUMN_NAMES if c != "actors")
    problems = problems_of(event(), event(id="b"), header=header)
    assert [(p.line, p.column, p.severity) for p in problems] == [(1, "actors", "error")]


def test_a_misspelt_column_is_named_as_the_likely_one():
    header = tuple("Source URL" if c == "source_url" else c for c in schema.COLUMN_NAMES)
    problems = problems_of(event(**{"Source URL": "x"}), header=header)
    assert [(p.line, p.column, p.severity) for p in problems] == [(1, None, "warning")]
    assert "'Source URL' → 'source_url'" in problems[0].message


def test_no_source_column_is_one_warning_not_one_per_row():
    header = tuple(c for c in schema.COLUMN_NAMES if c != "source")
    problems = problems_of(event(id="a"), event(id="b"), header=header)
    assert [(p.line, p.column, p.severity) for p in problems] == [(1, "source", "warning")]


def test_unnamed_columns_are_dropped_when_empty_and_kept_when_not():
    data = (b"id,start,title,actors,category,source,,\n"
            b"a,2023,T,Kim,military,KCNA,,kept\n"
            b"b,2023,T,Kim,military,KCNA,,\n")
    result = load_events_from_bytes(data, "x.csv")
    assert result.columns[-1] == "column H" and result.extra_columns == ("column H",)
    assert list(result.raw["column H"]) == ["kept", ""]
    [problem] = result.report.problems
    assert (problem.line, problem.severity) == (1, "warning")
    assert "column H has no name" in problem.message


def test_a_trailing_separator_alone_is_harmless():
    data = csv_bytes(event()).replace(b"\n", b",\n").replace(b",\n", b"\n", 1)
    assert load_events_from_bytes(data, "x.csv").report.problems == ()


def test_short_rows_are_padded_with_empty_values():
    data = b"id,start,title,actors,category,source,notes\na,2023,T,Kim,military,KCNA\n"
    result = load_events_from_bytes(data, "x.csv")
    assert result.report.problems == ()
    assert result.events["notes"].iloc[0] == ""


# ------------------------------------------------------------------ eras and the title row

def era(**values) -> dict:
    return {"type": "era", "start": "1994", "end": "2011", "title": "Rule of Kim Jong-il",
            **values}


def title_row(**values) -> dict:
    return {"type": "title", "title": "Russia and North Korea", "description": "A timeline",
            **values}


def test_eras_and_a_title_row_need_no_id_actors_category_or_source():
    assert problems_of(title_row(), era(), era(start="2011-12", end="..", title="Kim Jong-un"),
                       event()) == ()


@pytest.mark.parametrize("row, line_column, fragment", [
    (era(end=""), (3, "end"), "an era needs a start, an end and a title ('..' if it is still"),
    (era(start=""), (3, "start"), "an era needs"),
    (era(title=""), (3, "title"), "an era needs"),
    (era(end="1990"), (3, "end"), "before it starts"),
    (era(start="1994/01"), (3, "start"), "did you mean 1994-01?"),
    (era(id="Rule 1"), (3, "id"), "not a usable id"),
    (title_row(title="", description=""), (3, "title"), "the title row is empty"),
    ({**event(), "type": "eras"}, (3, "type"), "'eras' is not a known type; did you mean 'era'?"),
    ({**event(), "type": "headline"}, (3, "type"), "Use one of: event, era, title"),
])
def test_type_rows_have_their_own_rules(row, line_column, fragment):
    problems = problems_of(event(id="first"), row)
    errors = [p for p in problems if p.is_error]
    assert [(p.line, p.column) for p in errors] == [line_column], problems
    assert fragment in errors[0].message


def test_a_second_title_row_is_an_error_naming_the_first():
    problems = problems_of(title_row(), event(), title_row(title="Another"))
    assert [(p.line, p.column, p.severity) for p in problems] == [(4, "type", "error")]
    assert "already on line 2" in problems[0].message


def test_a_title_row_s_start_and_end_are_the_first_window():
    """Both dates, in the events' forms: the window runs from the first day of the
    start to the end of the end (the day after its last, as the chart's axis says)."""
    result = load_events_from_bytes(csv_bytes(title_row(start="2017", end="2024-06"), event()),
                                    "x.csv")
    assert result.report.problems == ()
    assert result.window == (date(2017, 1, 1), date(2024, 7, 1))
    assert load_events_from_bytes(csv_bytes(title_row(), event()), "x.csv").window is None


@pytest.mark.parametrize("dates, column, fragment", [
    (dict(start="2024"), "end", "end is empty: a title row's start and end are the window"),
    (dict(end="2024"), "start", "start is empty: a title row's start and end are the window"),
    (dict(start="2025", end="2017"), "end", "the window ends (2017) before it starts (2025)"),
    (dict(start="2017", end=".."), "end", "needs a last date, not '..'"),
    (dict(start="2017-13", end="2024"), "start", "no month 13"),
    (dict(start="13/09/2023", end="2024"), "start", "13/09/2023"),
])
def test_a_title_row_s_window_needs_both_dates_in_order(dates, column, fragment):
    problems = problems_of(event(), title_row(**dates))
    assert [(p.line, p.column, p.severity) for p in problems] == [(3, column, "error")], problems
    assert fragment in problems[0].message


def test_a_title_row_s_settings_are_the_whole_timeline_s():
    result = load_events_from_bytes(csv_bytes(title_row(settings=" story ;"), event()), "x.csv")
    assert result.report.problems == ()
    assert result.settings == {"story"}
    assert load_events_from_bytes(csv_bytes(title_row(), event()), "x.csv").settings == set()
    # Read in another case, with a warning that says how to write it.
    result = load_events_from_bytes(csv_bytes(title_row(settings="Story"), event()), "x.csv")
    assert result.settings == {"story"}
    assert [(p.line, p.column, p.severity) for p in result.report.problems] == [
        (2, "settings", "warning")]
    assert "write it exactly 'story'" in result.report.problems[0].message


@pytest.mark.parametrize("row, fragment", [
    (title_row(settings="stroy"), "'stroy' is not a setting the app knows; did you mean 'story'? "
                                  "Settings: story, downloads, separated by ';'"),
    (title_row(settings="story; autoplay"), "'autoplay' is not a setting the app knows."),
    (event(id="second", settings="story"), "settings belong on the title row (type 'title')"),
    (era(settings="story"), "move 'story' there, or clear this cell"),
])
def test_settings_are_known_words_on_the_title_row(row, fragment):
    problems = problems_of(event(id="first"), row)
    assert [(p.line, p.column, p.severity) for p in problems] == [(3, "settings", "error")]
    assert fragment in problems[0].message


def test_a_title_row_may_have_only_a_subtitle():
    result = load_events_from_bytes(csv_bytes(title_row(title=""), event()), "x.csv")
    assert result.report.problems == ()
    assert (result.title, result.subtitle) == (None, "A timeline")


def test_type_in_another_case_is_normalised_with_a_warning():
    result = load_events_from_bytes(csv_bytes(era(type="Era"), event()), "x.csv")
    [problem] = result.report.problems
    assert (problem.line, problem.column, problem.severity) == (2, "type", "warning")
    assert list(result.eras["title"]) == ["Rule of Kim Jong-il"]


def test_event_rules_stay_for_rows_typed_event():
    problems = problems_of(event(type="event", actors="", category="politics"))
    assert {(p.column, p.severity) for p in problems} == {("actors", "error")}


# ------------------------------------------------------------------ a timeline's own categories

def test_a_file_using_none_of_the_guides_categories_has_its_own():
    result = load_events_from_bytes(csv_bytes(
        event(id="a", category="Elections"), event(id="b", category="Courts"),
        event(id="c", category="elections")), "x.csv")
    assert result.report.ok
    assert list(result.events["category"]) == ["Elections", "Courts", "Elections"]
    [problem] = result.report.problems
    assert (problem.line, problem.column, problem.severity) == (4, "category", "warning")
    assert "'elections' was read as 'Elections'" in problem.message


@pytest.mark.parametrize("categories", [("diplomacy", "Elections"), ("diplomatic",),
                                        ("Military", "Elections")])
def test_without_category_rows_no_category_is_special(categories):
    """The Russia–North Korea story's seven once were, in the code (issue 18)."""
    rows = [event(id=f"e{i}", category=c) for i, c in enumerate(categories)]
    result = load_events_from_bytes(csv_bytes(*rows), "x.csv")
    assert result.report.problems == ()
    assert list(result.events["category"]) == list(categories)
    assert result.categories.empty


# ------------------------------------------------------------------ declared categories

def category_row(name: str, label: str = "", colour: str = "", **values) -> dict:
    return {"type": "category", "category": name, "title": label, "colour": colour, **values}


DECLARED = (category_row("diplomacy", "Diplomacy", "#3b2ba9", description="talks"),
            category_row("courts", "Courts", "#2d6101"))


def test_with_category_rows_an_event_uses_one_of_them():
    problems = problems_of(*DECLARED, event(category="diplomatic"))
    assert [(p.line, p.column, p.severity) for p in problems] == [(4, "category", "error")]
    assert problems[0].message == ("'diplomatic' is not a known category; did you mean "
                                   "'diplomacy'? Use one of: diplomacy, courts")


def test_with_category_rows_another_spelling_is_read_as_the_declared_one():
    result = load_events_from_bytes(csv_bytes(*DECLARED, event(category="Courts ")), "x.csv")
    [problem] = result.report.problems
    assert (problem.line, problem.column, problem.severity) == (4, "category", "warning")
    assert "'Courts' was read as 'courts'" in problem.message
    assert list(result.events["category"]) == ["courts"]


def test_category_rows_are_declarations_not_events():
    result = load_events_from_bytes(csv_bytes(
        event(id="a", category="courts"), *DECLARED, category_row("appeals")), "x.csv")
    assert result.report.problems == ()
    assert list(result.events["id"]) == ["a"]
    assert result.eras.empty
    declared = result.categories
    assert list(declared["name"]) == ["diplomacy", "courts", "appeals"]  # the file's order
    assert list(declared["label"]) == ["Diplomacy", "Courts", "appeals"]  # the name if none
    assert list(declared["colour"]) == ["#3b2ba9", "#2d6101", ""]
    assert list(declared["description"]) == ["talks", "", ""]
    assert list(declared["line"]) == [3, 4, 5]


def test_a_category_declared_twice_is_an_error_on_the_second():
    problems = problems_of(*DECLARED, event(), category_row("Diplomacy", "Again"))
    assert [(p.line, p.column, p.severity) for p in problems] == [(5, "category", "error")]
    assert problems[0].message == ("category 'Diplomacy' is already declared on line 2; "
                                   "declare each category once (keep one of the two rows)")


def test_a_category_row_names_its_category():
    problems = problems_of(*DECLARED, category_row("", "Nameless"), event())
    assert [(p.line, p.column, p.severity) for p in problems] == [(4, "category", "error")]
    assert "a category row declares a category: write its name" in problems[0].message


@pytest.mark.parametrize("colour", ["red", "#fff", "#12345g", "3b2ba9", "#3b2ba9ff"])
def test_a_declared_colour_is_hash_and_six_hexadecimal_digits(colour):
    problems = problems_of(category_row("courts", "Courts", colour), event(category="courts"))
    assert [(p.line, p.column, p.severity) for p in problems] == [(2, "colour", "error")]
    assert "write '#' and six hexadecimal digits" in problems[0].message


def test_a_colour_in_capitals_is_read_in_lower_case():
    result = load_events_from_bytes(csv_bytes(category_row("courts", "", "#2D6101"),
                                              event(category="courts")), "x.csv")
    assert result.report.problems == ()
    assert list(result.categories["colour"]) == ["#2d6101"]


def test_a_colour_on_an_event_is_ignored_with_a_warning():
    problems = problems_of(event(colour="#3b2ba9"))
    assert [(p.line, p.column, p.severity) for p in problems] == [(2, "colour", "warning")]
    assert "colour is read only on a category row" in problems[0].message


def test_a_colour_faint_on_the_light_chart_is_a_warning():
    problems = problems_of(category_row("courts", "Courts", "#ffee58"), event(category="courts"))
    assert [(p.line, p.column, p.severity) for p in problems] == [(2, "colour", "warning")]
    assert problems[0].message.startswith(
        "'#ffee58' stands out too little from the chart's light background (contrast 1.2:1, "
        "under 3:1): readers may miss the 'courts' marks; choose a darker colour")


def test_colours_that_read_as_one_are_a_warning_naming_both_categories():
    # Red and this dark yellow-brown differ in normal vision, not to a protanope.
    problems = problems_of(category_row("red", "", "#ff0000"), category_row("brown", "", "#7a6300"),
                           category_row("blue", "", "#3b2ba9"), event(category="blue"))
    assert [(p.line, p.column, p.severity) for p in problems] == [(3, "colour", "warning")]
    assert problems[0].message.startswith(
        "the colours of categories 'red' (line 2) and 'brown' read as one to readers with ")
    assert "CIEDE2000 distance" in problems[0].message
    same = problems_of(category_row("a", "", "#3b2ba9"), category_row("b", "", "#3B2BA9"),
                       event(category="a"))
    assert [(p.line, p.severity) for p in same] == [(3, "warning")]
    assert "read as one to every reader" in same[0].message


def test_the_two_declared_timelines_load_cleanly_with_their_own_categories():
    courts = load_events(DATA / "timelines" / "courts.csv")
    harbour = load_events(DATA / "timelines" / "harbour.csv")
    assert courts.report.problems == harbour.report.problems == ()
    assert list(courts.categories["name"]) == ["hearings", "rulings", "appeals"]
    assert list(harbour.categories["name"]) == ["ferries", "cargo", "storms", "works"]
    assert list(harbour.categories["label_ko"]) == ["여객선", "", "폭풍", ""]
    assert set(courts.events["category"]) == set(courts.categories["name"])
