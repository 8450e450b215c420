"""Issue 18, "Titles, credits and defaults per timeline": the title row's credit line
("Graphic: …, Source: …", from its `credit=` setting and its own `source`) and its
`status=draft|published`, read, checked and shown as text.
"""
from __future__ import annotations

import csv
import io
from html.parser import HTMLParser

import pytest

from support import BUNDLED_CSV
from test_validation import csv_bytes, event, title_row
from timeline.data import schema
from timeline.data.loading import load_events_from_bytes
from timeline.view.credit_line import credit_footer


def loaded(*rows: dict):
    return load_events_from_bytes(csv_bytes(*rows), "x.csv")


def problems(result) -> list[tuple[int, str, str]]:
    return [(p.line, p.column, p.severity) for p in result.report.problems]


# ---------------------------------------------------------------- status

def test_a_timeline_is_published_unless_its_title_row_says_draft():
    assert loaded(event()).status == "published"              # no title row
    assert loaded(title_row(), event()).status == "published"  # no setting
    assert loaded(title_row(settings="status=published"), event()).status == "published"
    draft = loaded(title_row(settings="story; status=draft"), event())
    assert draft.report.problems == ()
    assert draft.status == "draft"
    assert draft.settings == {"story", "status=draft"}
    # Read in any case, as `language=` is.
    assert loaded(title_row(settings=" Status = Draft "), event()).status == "draft"


def test_an_unknown_status_is_an_error_at_its_line_and_column_naming_the_accepted_ones():
    result = loaded(event(), title_row(settings="story; status=hidden"))
    assert problems(result) == [(3, "settings", "error")]
    message = result.report.problems[0].message
    assert "'hidden' is not a status the app knows" in message
    assert "published, draft" in message
    # The title row with an error is not read: no draft comes of it, nor a title.
    assert result.status == "published" and result.title is None


@pytest.mark.parametrize("settings, name", [
    ("status=draft; status=published", "status"),
    ("language=ko; story; language=ru", "language"),
    ("credit=Jane Smith; credit=The Daily", "credit"),
])
def test_a_keyed_setting_written_twice_is_an_error(settings, name):
    # Which of the two would count is chance (a set's order).
    result = loaded(event(), title_row(settings=settings))
    assert problems(result) == [(3, "settings", "error")]
    assert f"{name}= is written twice" in result.report.problems[0].message


# ---------------------------------------------------------------- credit

def test_the_credit_is_kept_as_written_and_the_source_is_the_title_row_s():
    result = loaded(
        title_row(settings="credit = Jane Smith, The Daily (graphics=desk); story",
                  source="KCNA; Yonhap, via the Daily", source_url="https://example.org/s"),
        event(source="an event's own source"))
    assert result.report.problems == ()
    assert result.credit == "Jane Smith, The Daily (graphics=desk)"
    assert result.source == "KCNA; Yonhap, via the Daily"
    assert result.source_url == "https://example.org/s"
    assert "story" in result.settings
    # Without them: nothing, and an event's source is never the timeline's.
    bare = loaded(title_row(), event(source="KCNA"))
    assert (bare.credit, bare.source, bare.source_url) == ("", "", "")


@pytest.mark.parametrize("settings, fragment", [
    ("credit=", "credit= says nothing: write it after the '='"),
    ("story; credit=  ", "credit= says nothing"),
    ("credit=Jane Smith; The Daily", ("'The Daily' is not a setting the app knows: if it "
                                      "belongs to credit=, write it without ';'")),
])
def test_a_credit_that_says_nothing_or_holds_the_separator_is_an_error(settings, fragment):
    result = loaded(event(), title_row(settings=settings))
    assert problems(result) == [(3, "settings", "error")]
    assert fragment in result.report.problems[0].message


def test_a_setting_after_a_credit_is_still_a_setting():
    result = loaded(title_row(settings="credit=Jane Smith; Story; downloads"), event())
    assert problems(result) == [(2, "settings", "warning")]  # 'Story' read as 'story'
    assert result.settings == {"credit=Jane Smith", "story", "downloads"}


def test_the_title_row_s_source_url_is_checked_as_every_source_url_is():
    result = loaded(event(), title_row(source="KCNA", source_url="javascript:alert(1)"))
    assert problems(result) == [(3, "source_url", "error")]


def test_the_credit_and_status_are_in_the_schema_the_guide_documents():
    assert {"status", "credit"} <= set(schema.TIMELINE_KEYED_SETTINGS)
    assert schema.TIMELINE_KEYED_SETTINGS["status"][1] == tuple(schema.STATUSES)
    settings = schema.COLUMNS_BY_NAME["settings"].meaning
    assert "`status=…`" in settings and "`credit=…`" in settings


# ---------------------------------------------------------------- the footer

class TextOf(HTMLParser):
    """What a browser shows of some markup: its text, and its elements' names."""

    def __init__(self, markup: str):
        super().__init__()
        self.text, self.tags, self.links = [], [], []
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "a":
            self.links.append(dict(attrs)["href"])

    def handle_data(self, data):
        self.text.append(data)


def footer_of(**title_values) -> TextOf:
    return TextOf(credit_footer(loaded(title_row(**title_values), event())))


def test_the_footer_says_who_made_the_graphic_and_where_its_facts_come_from():
    footer = footer_of(settings="credit=Jane Smith, The Daily", source="KCNA; Yonhap")
    assert "".join(footer.text) == "Graphic: Jane Smith, The Daily, Source: KCNA; Yonhap"
    assert footer.tags == ["p"]
    assert "".join(footer_of(source="KCNA").text) == "Source: KCNA"
    assert "".join(footer_of(settings="credit=Jane Smith").text) == "Graphic: Jane Smith"
    assert credit_footer(loaded(title_row(), event())) == ""
    assert credit_footer(loaded(event())) == ""


def test_the_source_is_a_link_where_the_title_row_has_its_address():
    footer = footer_of(source="KCNA", source_url="https://example.org/a?b=1&c=2")
    assert footer.links == ["https://example.org/a?b=1&c=2"]
    assert "".join(footer.text) == "Source: KCNA"


@pytest.mark.parametrize("language, words", [
    ("ko", "그래픽: Jane Smith, 출처: KCNA"),
    ("ru", "Графика: Jane Smith, Источник: KCNA"),
])
def test_graphic_and_source_are_in_the_page_s_language(language, words):
    result = loaded(title_row(settings="credit=Jane Smith", source="KCNA"), event())
    assert "".join(TextOf(credit_footer(result, language)).text) == words


@pytest.mark.parametrize("text", [
    "<script>window.__xss=1</script>", '"><img src=x onerror=window.__xss=1>',
    "{source} &amp; {credit}", "</footer><b>bold</b>",
])
def test_the_credit_line_is_text_never_markup(text):
    credit = text.replace(";", ",")  # the settings' separator cannot be in a credit
    footer = footer_of(settings=f"credit={credit}", source=text,
                       source_url='https://example.org/"><script>x</script>')
    assert footer.tags == ["p", "a"]
    assert "".join(footer.text) == f"Graphic: {credit}, Source: {text}"
    assert footer.links == ['https://example.org/"><script>x</script>']


def test_the_curated_fixture_has_no_credit_line_and_is_published():
    # The pages' other tests measure the curated timeline without a footer.
    result = load_events_from_bytes(BUNDLED_CSV, "events.csv")
    assert result.status == "published"
    assert credit_footer(result) == ""


def with_title_row(data: bytes, **values: str) -> bytes:
    """A file's bytes with its title row's cells replaced (kept for the browser tests)."""
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    for row in rows:
        if row["type"] == "title":
            row.update(values)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def test_with_title_row_changes_only_the_title_row():
    changed = with_title_row(BUNDLED_CSV, settings="status=draft", source="KCNA")
    before, after = load_events_from_bytes(BUNDLED_CSV), load_events_from_bytes(changed)
    assert after.status == "draft" and after.source == "KCNA"
    assert list(after.events["id"]) == list(before.events["id"])
    assert after.title == before.title
