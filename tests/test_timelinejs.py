"""TimelineJS in and out: HTML to safe text, sheets and JSON to our rows, ours to JSON."""
import csv
import io
import json
import time
from datetime import date
from pathlib import Path

import pytest

from support import EVENTS_FIXTURE
from timeline.data import schema
from timeline.data.html_text import html_to_line, html_to_text, text_to_html
from timeline.data.interchange import Imported, export_timelinejs, import_timelinejs
from timeline.data.loading import load_events, load_events_from_bytes
from timeline.data.markup import Link, split_links
from timeline.data.timelinejs import CSV_COLUMNS, is_timelinejs_header

CORPUS = Path(__file__).parent / "data" / "timelinejs"
CORPUS_FILES = sorted(p for p in CORPUS.iterdir() if p.suffix in (".json", ".csv"))
TODAY = date(2026, 11, 26)
HEADER = CSV_COLUMNS[:-1]  # the template before 'Alt Text' was added


# ------------------------------------------------------------------ HTML → our text

@pytest.mark.parametrize("markup, text", [
    ("<p>One</p><p>Two<br/>lines</p>", "One\n\nTwo\nlines"),
    ('<p class="lead">Ada &amp; Charles&nbsp;&mdash; &#8220;notes&#8221;</p>',
     "Ada & Charles — “notes”"),
    ('Take <a href="https://en.wikipedia.org/wiki/Ada_Lovelace">Ada Lovelace</a>: yes',
     "Take [Ada Lovelace](https://en.wikipedia.org/wiki/Ada_Lovelace): yes"),
    ("spaces\n  and   line\nbreaks in the source", "spaces and line breaks in the source"),
    ("<ul><li>one</li><li>two</li></ul>after", "one\ntwo\n\nafter"),
    ('<blockquote>Quote <cite>Someone</cite></blockquote>', "Quote Someone"),
    ("a &lt; b and c &gt; d", "a < b and c > d"),
    ("", ""),
])
def test_html_becomes_our_text(markup, text):
    assert html_to_text(markup) == text


@pytest.mark.parametrize("payload", [
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href=" JaVaScRiPt:alert(1)">x</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    "<script>alert(1)</script>",
    "<script src=//evil.example/x.js></script>",
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<svg onload=alert(1)><script>alert(1)</script></svg>",
    '<iframe src="javascript:alert(1)"></iframe>',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&lt;img src=x onerror=alert(1)&gt;",
    "<scr<script>ipt>alert(1)</script>",
    '<div onclick="alert(1)" style="x">text</div>',
    '<a href="https://example.org" onclick="alert(1)">fine</a>',
    "<body onload=alert(1)>",
    "<!-- <script>alert(1)</script> -->",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
])
def test_no_markup_and_no_unsafe_link_survives(payload):
    text = html_to_text(payload)
    assert "<script" not in text.lower() and "<img" not in text.lower()
    assert "onerror=" not in text and "onload=" not in text and "onclick=" not in text
    assert all(piece.url.lower().startswith(("http://", "https://"))
               for piece in split_links(text) if isinstance(piece, Link))


@pytest.mark.parametrize("payload, text", [
    ("<img src=x onerror=alert(1)>", ""),
    ('<a href="javascript:alert(1)">x</a>', "x"),
    ("<script>alert(1)</script>kept", "kept"),
    ("&lt;script&gt;alert(1)&lt;/script&gt;", "alert(1)"),
    ('<a href="https://example.org" onclick="alert(1)">fine</a>', "[fine](https://example.org)"),
])
def test_what_is_left_of_a_payload_is_text(payload, text):
    assert html_to_text(payload) == text


def test_a_link_keeps_its_address_even_with_brackets_in_it():
    text = html_to_text('<a href="https://en.wikipedia.org/wiki/Reduction_(recursion)">'
                        'the [1] article</a>')
    [link] = [p for p in split_links(text) if isinstance(p, Link)]
    assert link.url == "https://en.wikipedia.org/wiki/Reduction_%28recursion%29"
    assert link.text == "the (1) article"


def test_one_line_values_keep_link_text_only():
    assert html_to_line('Whitney Houston<br/> 1963 - 2012') == "Whitney Houston 1963 - 2012"
    assert html_to_line('flickr/<a href="http://www.flickr.com/x">tm_10001</a>') == \
        "flickr/tm_10001"


@pytest.mark.parametrize("text", [
    "Plain.",
    "Kim arrived by [armoured train](https://example.org/train?a=1&b=2).",
    "First paragraph.\n\nSecond, with a line\nbreak.",
    "Ampersands & comparisons (a < b, c > d) stay text",
    "A [bad link](javascript:alert(1)) stays as typed",
])
def test_our_text_goes_to_html_and_back_unchanged(text):
    assert html_to_text(text_to_html(text)) == text


def test_what_looks_like_a_tag_does_not_come_back():
    # The price of never handing a tag on: an editor's literal '<b>' is dropped.
    assert html_to_text(text_to_html("Literal <b>tags</b>")) == "Literal tags"


def test_our_text_is_escaped_in_html():
    html = text_to_html('<script>alert(1)</script> [x](https://e.org/?a="b")')
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<a href="https://e.org/?a=&quot;b&quot;">x</a>' in html


# ------------------------------------------------------------------ recognising a sheet

def test_a_timelinejs_header_is_recognised():
    assert is_timelinejs_header(HEADER)
    assert is_timelinejs_header(CSV_COLUMNS)
    assert is_timelinejs_header([c.upper() for c in HEADER])
    assert not is_timelinejs_header(schema.COLUMN_NAMES)
    assert not is_timelinejs_header(["Year", "Headline"])


def sheet(*rows: dict, header=HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(h, "") for h in header])
    return out.getvalue().encode()


TITLE = {"Headline": "Women <i>in</i> Computing", "Text": "<p>A sample &amp; more</p>",
         "Type": "title"}


def load_sheet(*rows: dict):
    return load_events_from_bytes(sheet(*rows), "sheet.csv")


def test_a_sheet_loads_as_our_events():
    result = load_sheet(TITLE, {
        "Year": "1815", "Month": "12", "Day": "10", "End Year": "1852", "End Month": "11",
        "End Day": "27", "Display Date": "1815&ndash;1852", "Headline": "Ada Lovelace",
        "Text": '<p>See <a href="https://en.wikipedia.org/wiki/Ada_Lovelace">Ada</a>.</p>',
        "Media": "https://upload.wikimedia.org/a/Ada.jpg", "Media Credit": "<b>Wikimedia</b>",
        "Media Caption": "Portrait", "Group": "Pioneers"})
    assert result.report.ok, result.report.format_lines("sheet.csv")
    assert result.file_format == "timelinejs"
    assert (result.title, result.subtitle) == ("Women in Computing", "A sample & more")
    [event] = result.events.to_dict("records")
    assert event["id"] == "ada-lovelace-1815"
    assert (event["start"], event["end"]) == ("1815-12-10", "1852-11-27")
    assert event["date_label"] == "1815–1852"
    assert event["description"] == "See [Ada](https://en.wikipedia.org/wiki/Ada_Lovelace)."
    assert (event["media_url"], event["media_caption"], event["media_credit"]) == (
        "https://upload.wikimedia.org/a/Ada.jpg", "Portrait", "Wikimedia")
    assert (event["category"], event["actors"]) == ("Pioneers", ("Pioneers",))


def test_the_sheet_stays_the_sheet_in_raw_and_columns():
    result = load_sheet(TITLE, {"Year": "1952", "Headline": "Compiler", "Group": "G"})
    assert result.columns == HEADER
    assert list(result.raw.columns) == [*HEADER, "line"]
    assert list(result.raw["Headline"]) == ["Women <i>in</i> Computing", "Compiler"]
    assert list(result.raw["line"]) == [2, 3]
    assert result.extra_columns == ()


def test_without_a_group_the_title_names_actor_and_category_with_one_warning():
    result = load_sheet(TITLE, {"Year": "1952", "Headline": "Compiler"},
                        {"Year": "1953", "Headline": "Other"})
    assert set(result.events["category"]) == {"Women in Computing"}
    assert set(result.events["actors"]) == {("Women in Computing",)}
    [problem] = result.report.problems
    assert problem.severity == "warning" and "names no actors" in problem.message


def test_groups_are_the_files_own_categories_spelled_one_way():
    result = load_sheet({"Year": "2012", "Headline": "A", "Group": "Republicans"},
                        {"Year": "2012", "Headline": "B", "Group": "republicans"},
                        {"Year": "2012", "Headline": "C", "Group": "Republicans"},
                        {"Year": "2012", "Headline": "D", "Group": "Military"})
    assert result.report.ok
    assert list(result.events["category"]) == ["Republicans"] * 3 + ["Military"]
    assert list(result.events["actors"]) == [("Republicans",)] * 3 + [("Military",)]
    [problem] = result.report.problems
    assert (problem.line, problem.column, problem.severity) == (3, "Group", "warning")


def test_ids_are_slugs_of_headline_and_year_and_unique():
    result = load_sheet(*[{"Year": "2012", "Headline": "Débat à Paris", "Group": "G"}] * 2,
                        {"Year": "2013", "Headline": "김정은", "Group": "G"})
    assert list(result.events["id"]) == ["debat-a-paris-2012", "debat-a-paris-2012-2", "2013"]


def test_eras_and_title_rows_become_eras_and_title_not_events():
    result = load_sheet(TITLE, {"Year": "1939", "End Year": "1945", "Headline": "War years",
                                "Type": "era"},
                        {"Year": "1943", "Headline": "ENIAC", "Group": "G"})
    assert list(result.events["title"]) == ["ENIAC"]
    assert list(result.eras["title"]) == ["War years"]
    assert result.eras["end_at"].iloc[0].year == 1945


@pytest.mark.parametrize("row, line_column, fragment", [
    ({"Year": "1943", "Month": "13", "Headline": "X"}, (2, "Month"), "no month 13"),
    ({"Year": "2023", "Month": "2", "Day": "30", "Headline": "X"}, (2, "Day"), "28 days"),
    ({"Year": "19x3", "Headline": "X"}, (2, "Year"), "not a number"),
    ({"Year": "1943", "Day": "3", "Headline": "X"}, (2, "Month"), "without a month"),
    ({"Year": "-500", "Headline": "X"}, (2, "Year"), "cannot be shown"),
    ({"Headline": "X"}, (2, "Year"), "Year is empty"),
    ({"Year": "1939", "Headline": "War", "Type": "era"}, (2, "End Year"), "an era needs"),
    ({"Year": "1943", "End Year": "1940", "Headline": "X"}, (2, "End Year"), "before it starts"),
    ({"Year": "1943", "Headline": "X", "Media": "javascript:alert(1)//x.jpg"}, None, None),
])
def test_problems_name_the_sheets_own_columns(row, line_column, fragment):
    result = load_sheet({**row, "Group": "G"})
    errors = result.report.errors
    if line_column is None:
        assert result.report.ok and result.events["media_url"].iloc[0] == ""
        return
    assert [(p.line, p.column) for p in errors] == [line_column], \
        result.report.format_lines("sheet.csv")
    assert fragment in errors[0].message


@pytest.mark.parametrize("media, url, added", [
    ("https://upload.wikimedia.org/x/Photo.JPG", "https://upload.wikimedia.org/x/Photo.JPG", ""),
    ("//upload.wikimedia.org/x/photo.png", "https://upload.wikimedia.org/x/photo.png", ""),
    # Videos and sounds the card plays are its media; anything else is a link.
    ("https://www.youtube.com/watch?v=aPweFhhXFvY", "https://www.youtube.com/watch?v=aPweFhhXFvY",
     ""),
    ("https://youtu.be/fSrO91XO1Ck", "https://youtu.be/fSrO91XO1Ck", ""),
    ("https://vimeo.com/304869290", "https://vimeo.com/304869290", ""),
    ("https://example.org/speech.mp3", "https://example.org/speech.mp3", ""),
    ("https://example.org/launch.webm", "https://example.org/launch.webm", ""),
    ("https://www.youtube.com/watch?v=abc", "",
     "Media: [Talk](https://www.youtube.com/watch?v=abc)"),
    ("https://www.youtube.com/channel/UCHDr4RtxwA1KqKGwxgdK4Vg", "",
     "Media: [Talk](https://www.youtube.com/channel/UCHDr4RtxwA1KqKGwxgdK4Vg)"),
    ("https://twitter.com/nasa/status/1", "", "Media: [Talk](https://twitter.com/nasa/status/1)"),
    ("<blockquote>Words <cite>Her</cite></blockquote>", "", "Words Her"),
    ("<iframe src='https://evil.example'></iframe>", "", ""),
])
def test_media_is_kept_only_when_the_card_can_show_it(media, url, added):
    result = load_sheet({"Year": "1950", "Headline": "X", "Text": "Body.", "Media": media,
                         "Media Caption": "Talk", "Group": "G"})
    assert result.report.ok
    event = result.events.iloc[0]
    assert event["media_url"] == url
    assert event["description"] == "Body." + (f"\n\n{added}" if added else "")


def test_a_relative_media_address_is_left_out_with_a_warning():
    result = load_sheet({"Year": "1950", "Headline": "X", "Media": "/static/img/x.jpg",
                         "Group": "G"})
    assert result.report.ok and result.events["media_url"].iloc[0] == ""
    [problem] = result.report.problems
    assert (problem.line, problem.column, problem.severity) == (2, "Media", "warning")


def test_a_slide_without_headline_takes_the_first_words_of_its_text():
    result = load_sheet({"Year": "1950", "Text": "<p>Grace Hopper writes A-0. Then more.</p>",
                         "Group": "G"})
    assert result.report.ok
    assert result.events["title"].iloc[0] == "Grace Hopper writes A-0"
    assert [p.column for p in result.report.problems] == ["Headline"]


def test_unused_columns_are_one_warning():
    result = load_sheet({"Year": "1950", "Time": "10:00", "Headline": "X", "Background": "#000",
                         "Group": "G"})
    [problem] = result.report.problems
    assert problem.line == 1 and "Time" in problem.message and "Background" in problem.message


# ------------------------------------------------------------------ the corpus

def test_the_corpus_is_there():
    # A missing folder must fail, not quietly leave the test below with no cases.
    assert len(CORPUS_FILES) == 5, CORPUS_FILES


@pytest.mark.parametrize("path", CORPUS_FILES, ids=[p.name for p in CORPUS_FILES])
def test_every_corpus_file_imports_into_a_csv_that_loads(path):
    imported = import_timelinejs(path.read_bytes())
    assert isinstance(imported, Imported), imported
    assert not [p for p in imported.problems if p.is_error]
    assert imported.report.ok, imported.report.format_lines(path.name)
    result = load_events_from_bytes(imported.csv_text.encode(), "imported.csv")
    assert result.report.ok and result.file_format == "timeline"
    reader = csv.reader(io.StringIO(imported.csv_text))
    assert tuple(next(reader)) == schema.COLUMN_NAMES
    expected = _event_count(path)
    assert len(result.events) == expected
    assert result.title or result.subtitle
    assert result.events["id"].is_unique


def _event_count(path: Path) -> int:
    if path.suffix == ".json":
        return len(json.loads(path.read_text(encoding="utf-8"))["events"])
    with path.open(encoding="utf-8-sig", newline="") as file:
        return sum(1 for row in csv.DictReader(file) if row["Type"] not in ("title", "era"))


def test_the_corpus_sheet_loads_as_it_is():
    result = load_events(CORPUS / "women_in_computing.csv")
    assert result.report.ok, result.report.format_lines("women_in_computing.csv")
    assert result.title == "Women in Computing"
    assert len(result.events) == 10 and "ada-lovelace-1815" in set(result.events["id"])
    ada = result.events.set_index("id").loc["ada-lovelace-1815"]
    assert "[Ada Lovelace](https://en.wikipedia.org/wiki/Ada_Lovelace)" in ada["description"]
    assert ada["media_caption"] == "Portrait by Alfred Edward Chalon"
    assert all("<" not in text for text in result.events["description"])
    # The sheet's YouTube and Vimeo videos are the events' media, not links in the text.
    videos = [url for url in result.events["media_url"] if "youtube.com" in url or "vimeo" in url]
    assert "https://www.youtube.com/watch?v=aPweFhhXFvY" in videos
    assert "https://vimeo.com/304869290" in videos
    assert not any("youtube.com/watch" in text or "vimeo.com" in text
                   for text in result.events["description"])


def test_the_json_corpus_keeps_its_youtube_videos_as_media():
    imported = import_timelinejs((CORPUS / "houston_timeline3.json").read_bytes())
    result = load_events_from_bytes(imported.csv_text.encode(), "h.csv")
    assert result.report.ok, result.report.format_lines("h.csv")
    videos = {url for url in result.events["media_url"] if "youtu.be/" in url}
    assert {"https://youtu.be/fSrO91XO1Ck", "https://youtu.be/h9rCobRl-ng"} <= videos
    assert not any("youtu.be/" in text for text in result.events["description"])


def test_json_titles_media_and_dates():
    imported = import_timelinejs((CORPUS / "republican_timeline3.json").read_bytes())
    result = load_events_from_bytes(imported.csv_text.encode(), "r.csv")
    assert result.title == "The Republican Run-Up"
    iowa = result.events.set_index("title").loc["Iowa"]
    assert iowa["start"] == "2012-01-03"
    assert iowa["media_url"] == "https://farm7.staticflickr.com/6200/6057989217_3bd755477b.jpg"
    assert iowa["media_credit"] == "Gage Skidmore/Flickr"


# ------------------------------------------------------------------ JSON that is not right

@pytest.mark.parametrize("data, fragment", [
    (b'{"events": [', "not valid JSON"),
    (b"[1, 2]", "not a TimelineJS timeline"),
    (b'{"title": {}}', "not a TimelineJS timeline"),
    (b'{"events": {}}', "not a TimelineJS timeline"),
    (b'{"events": ["\xff"]}', "not UTF-8"),
    (b"id,start,title\na,2023,T\n", "not a TimelineJS file"),
    (b"", "empty"),
])
def test_what_cannot_be_imported_says_why(data, fragment):
    message = import_timelinejs(data)
    assert isinstance(message, str) and fragment in message


def test_a_bad_event_in_json_is_named_and_the_rest_kept():
    document = {"events": [
        {"start_date": {"year": 2012}, "text": {"headline": "Good"}},
        "not an object",
        {"start_date": {"year": "twenty"}, "text": {"headline": "Bad year"}},
    ]}
    imported = import_timelinejs(json.dumps(document).encode())
    messages = [p.message for p in imported.problems if p.is_error]
    assert any(m.startswith("event 2 is not an object") for m in messages)
    assert any(m.startswith("event 3 ('Bad year'): 'twenty' is not a number") for m in messages)
    assert not imported.report.ok  # the CSV is written, with the row to fix
    assert "Bad year" in imported.csv_text and "Good" in imported.csv_text


# ------------------------------------------------------------------ ours → TimelineJS

@pytest.fixture(scope="module")
def ours():
    return load_events(EVENTS_FIXTURE)


def test_export_is_timelinejs3_json(ours):
    document = json.loads(export_timelinejs(ours, TODAY))
    assert set(document) <= {"title", "events", "eras"}
    assert len(document["events"]) == len(ours.events)
    first = document["events"][0]
    assert set(first) >= {"start_date", "text", "group", "unique_id"}
    assert set(first["text"]) == {"headline", "text"}
    assert all(isinstance(v, int) for e in document["events"] for v in e["start_date"].values())


def test_export_round_trip_gives_back_the_events(ours):
    back = import_timelinejs(export_timelinejs(ours, TODAY).encode())
    assert back.report.ok
    again = load_events_from_bytes(back.csv_text.encode(), "back.csv").events.set_index("id")
    before = ours.events.set_index("id")
    assert list(again.index) == list(before.index)
    for column in ("title", "description", "category", "media_url", "media_caption",
                   "media_credit"):
        assert list(again[column]) == list(before[column]), column
    # TimelineJS cannot say 'approximate', 'uncertain' or 'still going on': the dates
    # keep their precision and the words move to display_date.
    assert list(again["start"]) == [s.rstrip("~?") for s in before["start"]]
    assert list(again["end"]) == [e.rstrip("~?") if e != ".." else "" for e in before["end"]]
    assert list(again["date_label"]) == list(before["date_label"])


def test_export_carries_title_eras_and_escapes_html():
    data = sheet_of_ours(
        {"type": "title", "title": "Our <timeline>", "description": "Sub [x](https://e.org)"},
        {"type": "era", "start": "2011-12", "end": "..", "title": "Kim Jong-un's rule"},
        {"id": "a", "start": "2023~", "title": "<b>Bold</b> & co", "actors": "Kim",
         "category": "gifts", "source": "KCNA"})
    result = load_events_from_bytes(data, "x.csv")
    document = json.loads(export_timelinejs(result, TODAY))
    assert document["title"]["text"] == {"headline": "Our &lt;timeline&gt;",
                                         "text": '<p>Sub <a href="https://e.org">x</a></p>'}
    [era] = document["eras"]
    assert era["start_date"] == {"year": 2011, "month": 12}
    assert era["end_date"] == {"year": 2026, "month": 11, "day": 26}  # still going on: today
    [event] = document["events"]
    assert event["text"]["headline"] == "&lt;b&gt;Bold&lt;/b&gt; &amp; co"
    assert event["display_date"] == "c. 2023"


def sheet_of_ours(*rows: dict) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(schema.COLUMN_NAMES), restval="",
                            lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def test_tags_nested_to_appear_only_once_decoded_go_in_one_pass():
    # Removing them round by round would take quadratic time on a crafted cell.
    started = time.perf_counter()
    assert html_to_text("&lt;a" * 14_000 + "&gt;" * 14_000 + "left") == "left"
    assert time.perf_counter() - started < 2
