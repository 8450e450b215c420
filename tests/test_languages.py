"""Issue 17, "Languages": the catalogues, dates and numbers by locale, the title row's
`language`, a link's `lang`, per-language columns and their warning.

The catalogues must hold every string the code shows readers: the strings are
found where the code asks for them (`t("…")`, `tn("…", "…", n)` in the
engine's scripts, `gettext("…")`/`ngettext(…)` in Python and the errors readers
see, marked `translatable("…")`, `[[…]]` in the pages' templates), so a string
added without its Korean and Russian fails here.
"""
from __future__ import annotations

import csv
import html
import io
import json
import re
from datetime import date
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from timeline.data.dates import PartialDate
from timeline.data.loading import load_events_from_bytes
from timeline.data.schema import CERTAINTIES, COLUMN_NAMES, LANGUAGES, setting_value
from timeline.engine import inline_messages
from timeline.serving.request_guard import READER_MAX_BODY
from timeline.view.figure import build_figure
from timeline.view.language import (
    TEXT_LANGUAGE,
    catalogue_path,
    date_label,
    language_of,
    localised_eras,
    localised_events,
    messages_for,
    plural_categories,
    span_label,
    timeline_title,
    translated_markup,
)
from timeline.view.transforms import prepare_events
from timeline.view.view_state import ViewState

PACKAGE = Path(__file__).resolve().parent.parent / "timeline"
STRING = r'"((?:[^"\\]|\\.)*)"'
TRANSLATED = [language for language in LANGUAGES if language != "en"]


def js_text(literal: str) -> str:
    return json.loads(f'"{literal}"')


def strings_in_the_code() -> tuple[set[str], dict[str, str]]:
    """(single messages, plural messages: singular → plural) the code asks for."""
    singles, plurals = set(CERTAINTIES), {}  # certainties: t(event.certainty)
    for path in PACKAGE.rglob("*.js"):
        source = path.read_text("utf-8")
        plurals |= {js_text(m[1]): js_text(m[2]) for m in re.finditer(
            r"\btn\(\s*" + STRING + r"\s*,\s*" + STRING, source)}
        singles |= {js_text(m[1]) for m in re.finditer(r"(?<![\w.])(?:core\.)?t\(\s*" + STRING,
                                                        source)}
    for path in PACKAGE.rglob("*.py"):
        source = path.read_text("utf-8")
        plurals |= {m[1]: m[2] for m in re.finditer(
            r"\bngettext\(\s*" + STRING + r"\s*,\s*" + STRING, source)}
        singles |= {m[1] for m in re.finditer(r"\b(?:gettext|translatable)\(\s*" + STRING,
                                               source)}
    for path in PACKAGE.rglob("*.html"):
        singles |= {html.unescape(m[1]) for m in re.finditer(r"\[\[(.+?)\]\]",
                                                             path.read_text("utf-8"))}
    return singles, plurals


SINGLES, PLURALS = strings_in_the_code()


def catalogue(language: str):
    with catalogue_path(language).open("rb") as file:
        return read_po(file, locale=language)


def test_the_code_s_strings_are_found():
    # The finder itself: a few strings from each kind of place.
    assert {"Filters", "Reset", "Zoom in", "c. {date}", " or ", "Copied",
            "There is nothing at this address."} <= SINGLES
    assert PLURALS["{count} event"] == "{count} events"
    assert "{shown} of {count} event" in PLURALS


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_string_the_code_shows_is_translated(language):
    found = catalogue(language)
    missing = [s for s in SINGLES if not (found.get(s) and found.get(s).string)]
    missing += [s for s in PLURALS if not (found.get(s) and all(found.get(s).string))]
    assert missing == [], f"not in {catalogue_path(language)}: {missing}"
    unused = [m.id for m in found if m.id and (m.id[0] if isinstance(m.id, tuple) else m.id)
              not in SINGLES | set(PLURALS)]
    assert unused == [], f"in {catalogue_path(language)} but not used: {unused}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_their_placeholders(language):
    for message in catalogue(language):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = set(re.findall(r"\{\w+\}", ids[-1]))
        for text in (message.string if isinstance(message.string, tuple)
                     else (message.string,)):
            assert set(re.findall(r"\{\w+\}", text)) == wanted, (message.id, text)


def test_russian_plurals_and_numbers():
    russian = messages_for("ru")
    said = [russian.ngettext("{count} event", "{count} events", n)
            for n in (1, 3, 5, 11, 21, 22, 12345)]
    assert said == ["1 событие", "3 события", "5 событий", "11 событий", "21 событие",
                    "22 события", "12\u00a0345 событий"]
    assert plural_categories(russian) == ["one", "few", "many"]
    assert messages_for("ko").ngettext("{count} event", "{count} events", 1234) == "사건 1,234건"
    assert plural_categories(messages_for("ko")) == ["other"]
    english = messages_for("en")
    assert [english.ngettext("{count} event", "{count} events", n) for n in (1, 2, 1234)] == [
        "1 event", "2 events", "1,234 events"]


# Babel writes CLDR's spaces: a narrow no-break one before "г.", a no-break one in numbers.
@pytest.mark.parametrize("when, ko, ru", [
    (PartialDate(2024, 2, 20), "2024년 2월 20일", "20 февраля 2024\u202fг."),
    (PartialDate(2023, 9), "2023년 9월", "сентябрь 2023\u202fг."),
    (PartialDate(2019), "2019년", "2019"),
    (PartialDate(2022, approximate=True), "2022년경", "2022 (прибл.)"),
    (PartialDate(2011, 12, uncertain=True), "2011년 12월 (날짜 불확실)",
     "декабрь 2011\u202fг. (дата не точна)"),
])
def test_dates_keep_the_data_s_precision_in_each_language(when, ko, ru):
    assert date_label(when, "en") == when.label()
    assert (date_label(when, "ko"), date_label(when, "ru")) == (ko, ru)


def test_spans_in_each_language():
    start, end = PartialDate(2024, 2, 20), PartialDate(2024, 6, 19)
    assert span_label(start, end, False, "ko") == "2024년 2월 20일 – 2024년 6월 19일"
    assert span_label(start, None, True, "ru") == "20 февраля 2024\u202fг. — по сей день"
    assert span_label(start, start, False, "ko") == "2024년 2월 20일"


def test_the_count_line_in_russian():
    view = ViewState.from_query_string("category=gifts&certainty=reported&from=2020&q=Ким")
    assert view.describe(3, 27, messages_for("ru")) == (
        "3 из 27 событий · gifts · сообщается · с 1 янв. 2020\u00a0г. · по запросу «Ким»")
    assert view.describe(3, 27) == (
        "3 of 27 events · gifts · reported · from 1 Jan 2020 · matching “Ким”")
    assert ViewState().describe(1, 1, messages_for("ko")) == "사건 1건"
    labelled = ViewState.from_query_string("category=courts&category=rail")
    assert labelled.describe(2, 9, category_labels={"courts": "Courts"}) == (
        "2 of 9 events · Courts or rail")


def test_a_link_s_lang_is_part_of_the_view():
    view = ViewState.from_query_string("event=x&lang=ko")
    assert view.language == "ko"
    assert view.to_query_string() == "event=x&lang=ko"
    assert view.cleared() == ViewState(language="ko")  # how the reader reads stays
    assert ViewState.from_query_string("lang=fr").language is None


def test_the_page_s_language_link_first_then_the_timeline_s():
    korean = frozenset({"story", "language=ko"})
    assert language_of(None, korean) == "ko"
    assert language_of("ru", korean) == "ru"
    assert language_of("en", korean) == "en"
    assert language_of("fr", korean) == "ko"
    assert language_of(None, frozenset()) == "en"


def test_the_page_s_words_and_catalogue():
    assert translated_markup('<a title="[[Close]]">[[Next]] →</a>', "ru") == (
        '<a title="Закрыть">Следующее →</a>')
    assert translated_markup("[[The timeline's chart]]", "en") == "The timeline&#x27;s chart"
    assert inline_messages("en") == ""
    inline = inline_messages("ko")
    assert inline.startswith('<script type="application/json" id="timeline-messages">')
    carried = json.loads(inline.split(">", 1)[1].rsplit("<", 1)[0])
    assert carried["lang"] == "ko" and carried["messages"]["Filters"] == "필터"


# ------------------------------------------------------------ the CSV

HEADER = list(COLUMN_NAMES)


def csv_with(rows: list[dict], extra: tuple[str, ...] = ()) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, HEADER + list(extra), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({name: row.get(name, "") for name in HEADER + list(extra)})
    return out.getvalue().encode("utf-8")


def event(number: int, **values) -> dict:
    return {"id": f"event-{number}", "start": f"20{10 + number}-02-20",
            "title": f"Event {number}", "actors": "Kim Jong-un", "category": "gifts",
            "source": "KCNA", **values}


TITLE_ROW = {"type": "title", "title": "A timeline"}


def test_the_title_row_s_language():
    result = load_events_from_bytes(csv_with([{**TITLE_ROW, "settings": "story; language=ko"},
                                              event(1)]), "x.csv")
    assert result.report.problems == ()
    assert setting_value(result.settings, "language", "en") == "ko"
    assert "story" in result.settings


def test_an_unknown_language_is_an_error_that_names_the_accepted_ones():
    result = load_events_from_bytes(csv_with([event(1), {**TITLE_ROW, "settings":
                                                         "language=fr"}]), "x.csv")
    problems = [p for p in result.report.problems if p.column == "settings"]
    assert [(p.line, p.severity) for p in problems] == [(3, "error")]
    assert "'fr' is not a language the app knows: write one of en, ko, ru" in problems[0].message


def test_per_language_columns_are_known_and_used_with_fallback():
    rows = [event(1, title_ko="사건 하나"), event(2, title_ko="사건 둘")]
    result = load_events_from_bytes(csv_with(rows, ("title_ko",)), "x.csv")
    assert result.report.problems == ()  # not an "unknown column"
    events = prepare_events(result.events)
    korean = localised_events(events, "ko")
    assert list(korean["title"]) == ["사건 하나", "사건 둘"]
    assert list(korean[TEXT_LANGUAGE]) == ["ko", "ko"]
    assert list(korean["date_label"]) == ["2011년 2월 20일", "2012년 2월 20일"]
    russian = localised_events(events, "ru")  # no title_ru: the base column
    assert list(russian["title"]) == ["Event 1", "Event 2"]
    assert list(russian[TEXT_LANGUAGE]) == ["", ""]
    # Found by its Korean title too.
    assert events["search_text"].str.contains("사건 둘").tolist() == [False, True]


def test_a_partly_filled_language_column_is_warned_about():
    rows = [event(1, title_ko="사건 하나", description="Text", description_ru="Текст"),
            event(2), event(3, title_ko="사건 셋")]
    result = load_events_from_bytes(csv_with(rows, ("title_ko", "description_ru")), "x.csv")
    assert [(p.line, p.column, p.severity) for p in result.report.problems] == [
        (3, "title_ko", "warning")]
    assert "title_ko is filled for 2 of 3 events" in result.report.problems[0].message
    assert "readers in Korean" in result.report.problems[0].message
    assert date(2012, 2, 20) == result.events["start_date"][1].first_day


def test_the_title_row_s_own_words_per_language():
    rows = [{**TITLE_ROW, "description": "Standfirst", "title_ko": "연표"}, event(1)]
    result = load_events_from_bytes(csv_with(rows, ("title_ko",)), "x.csv")
    assert result.report.problems == ()  # the title row is no event: no warning
    assert result.translated_titles == {"ko": ("연표", "")}
    assert timeline_title("A timeline", "Standfirst", result, "ko") == ("연표", "Standfirst")
    assert timeline_title("A timeline", "Standfirst", result, "ru") == ("A timeline",
                                                                         "Standfirst")


# ------------------------------------------------------------ eras

ERA = {"type": "era", "start": "2023-09-13", "end": "2024-06-19",
       "title": "Between the two summits", "title_ko": "두 정상회담 사이",
       "description": "From Vostochny to Pyongyang", "description_ru": "От Восточного до Пхеньяна"}


def test_eras_take_their_per_language_columns_as_events_do():
    rows = [event(1), ERA]
    result = load_events_from_bytes(csv_with(rows, ("title_ko", "description_ru")), "x.csv")
    assert result.report.problems == ()
    assert list(result.eras["title_ko"]) == ["두 정상회담 사이"]  # kept by the loader
    korean = localised_eras(result.eras, "ko")
    assert (korean.at[0, "title"], korean.at[0, TEXT_LANGUAGE]) == ("두 정상회담 사이", "ko")
    assert korean.at[0, "date_label"] == "2023년 9월 13일 – 2024년 6월 19일"
    russian = localised_eras(result.eras, "ru")  # no title_ru: the base title, unmarked
    assert (russian.at[0, "title"], russian.at[0, TEXT_LANGUAGE]) == (
        "Between the two summits", "")
    assert russian.at[0, "description"] == "От Восточного до Пхеньяна"
    assert localised_eras(result.eras, "en").at[0, "title"] == "Between the two summits"


def test_an_era_s_own_display_date_is_kept_in_every_language():
    era = {**ERA, "display_date": "between the summits", "display_date_ko": "두 정상회담 사이에"}
    result = load_events_from_bytes(csv_with([event(1), era], ("title_ko", "display_date_ko")),
                                    "x.csv")
    assert localised_eras(result.eras, "ko").at[0, "date_label"] == "두 정상회담 사이에"
    assert localised_eras(result.eras, "ru").at[0, "date_label"] == "between the summits"


def test_the_chart_marks_a_translated_era_name_with_its_language():
    result = load_events_from_bytes(csv_with([event(12), event(13), ERA], ("title_ko",)),
                                    "x.csv")
    events = prepare_events(result.events)
    for language, name, marked in [("ko", "두 정상회담 사이", {"0": "ko"}),
                                   ("ru", "Between the two summits", None)]:
        figure = build_figure(localised_events(events, language),
                              ViewState(language=language), today=date(2026, 1, 1),
                              eras=localised_eras(result.eras, language))
        assert [a.text for a in figure.layout.annotations] == [name]
        assert figure.layout.meta.get("annotation_lang") == marked


# ------------------------------------------------------------ errors readers see

@pytest.fixture(scope="module")
def korean_timeline(tmp_path_factory):
    """The app serving tests/data/languages.csv (its title row says `language=ko`), with a
    route that fails, as a bug would."""
    from timeline.app_factory import create_app
    from timeline.config import Config
    path = tmp_path_factory.mktemp("korean") / "events.csv"
    path.write_bytes((Path(__file__).parent / "data" / "languages.csv").read_bytes())
    server = create_app(Config(data_path=path)).server

    def broken():
        raise RuntimeError("a bug")
    server.add_url_rule("/broken", "broken", broken)
    return server.test_client()


@pytest.mark.parametrize("path, status, language, said", [
    ("/nothing-here", 404, "ko", "이 주소에는 아무것도 없습니다."),  # the timeline's
    ("/nothing-here?lang=ru", 404, "ru", "По этому адресу ничего нет."),  # the link's
    ("/nothing-here?lang=en", 404, "en", "There is nothing at this address."),
    ("/static/no-such-file.js?lang=ru", 404, "ru", "По этому адресу ничего нет."),
    ("/embed/details/x/99.json", 404, "ko", "이 주소에는 아무것도 없습니다."),
    ("/broken", 500, "ko", "서버 쪽에 문제가 생겼습니다. 기록해 두었습니다."),
])
def test_an_error_is_in_the_page_s_language(korean_timeline, path, status, language, said):
    response = korean_timeline.get(path)
    assert (response.status_code, response.mimetype, response.get_data(as_text=True)) == (
        status, "text/plain", said + "\n")
    assert response.headers["Content-Language"] == language


def test_a_wrong_method_and_a_body_too_large_in_the_page_s_language(korean_timeline):
    response = korean_timeline.post("/embed?lang=ru")
    assert (response.status_code, response.get_data(as_text=True)) == (
        405, "Этот адрес не принимает запросы таким методом.\n")
    response = korean_timeline.post("/oembed", data="x" * (READER_MAX_BODY + 1))
    assert (response.status_code, response.get_data(as_text=True)) == (
        413, f"요청이 너무 큽니다(이곳의 한도는 {READER_MAX_BODY:,}바이트입니다).\n")


def test_a_browser_gets_the_error_as_a_tiny_page_with_its_language(korean_timeline):
    browser = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    response = korean_timeline.get("/nothing-<script>alert(1)</script>?lang=ru&x=<b>",
                                   headers=browser)
    page = response.get_data(as_text=True)
    assert (response.status_code, response.mimetype) == (404, "text/html")
    assert '<html lang="ru">' in page and "<h1>По этому адресу ничего нет.</h1>" in page
    assert "<script" not in page and "<b>" not in page and len(page) < 400
    assert response.headers["Cache-Control"] == "no-store"
    # Words the catalogue lacks (a host or a callback's refusal) are English, and say so.
    with korean_timeline.application.test_request_context("/?lang=ko", headers=browser):
        from timeline.serving.plain_answers import plain
        untranslated = plain(400, "Words of the operator's.")
    assert '<html lang="en">' in untranslated.get_data(as_text=True)
    assert untranslated.headers["Content-Language"] == "en"
