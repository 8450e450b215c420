"""Issue 17, "Languages": the reader's interface in Korean and Russian, chosen by the
timeline (its title row's `language=ko`) and overridden by a link's `lang`.

The timeline is tests/data/languages.csv: the curated events with Korean and
Russian titles (`title_ko`, `title_ru`) and a title row that says `language=ko`.
"""
from __future__ import annotations

import re

import pytest
from browser import accessibility_violations, serving, serving_embed
from playwright.sync_api import expect
from support import DATA

from timeline.data.loading import load_events

pytestmark = pytest.mark.browser
expect.set_options(timeout=15_000)
LANGUAGES_FIXTURE = DATA / "languages.csv"
EVENTS = load_events(LANGUAGES_FIXTURE).events
ROW = EVENTS.set_index("id")
GIFT_CAR = "aurus-delivered"  # 2024-02-20: a date to the day


@pytest.fixture(scope="module")
def korean_data_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("korean") / "events.csv"
    path.write_bytes(LANGUAGES_FIXTURE.read_bytes())
    return path


@pytest.fixture(scope="module", params=["app", "static"])
def korean_embed_url(request, korean_data_file, tmp_path_factory):
    """The Korean timeline's /embed, then its static export."""
    from timeline.config import Config
    with serving_embed(request.param, Config(data_path=korean_data_file),
                       tmp_path_factory.mktemp("export")) as url:
        yield url


@pytest.fixture(scope="module")
def korean_app(korean_data_file):
    from timeline.app_factory import create_app
    from timeline.config import Config
    with serving(create_app(Config(data_path=korean_data_file)).server) as url:
        yield url


def opened(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("html[data-timeline=interactive]", state="attached")


def test_a_korean_timeline_s_embed_speaks_korean(new_page, korean_embed_url):
    page = new_page()
    opened(page, korean_embed_url + f"?event={GIFT_CAR}")
    assert page.evaluate("document.documentElement.lang") == "ko"
    expect(page.locator("#filters summary")).to_have_text("필터")
    expect(page.locator("#event-count")).to_have_text("사건 27건")
    title = page.locator("#event-detail-title")
    expect(title).to_have_text(ROW.at[GIFT_CAR, "title_ko"])
    expect(title).to_have_attribute("lang", "ko")  # a per-language column's words
    expect(page.locator("#event-detail .detail-date")).to_have_text("2024년 2월 20일")
    page.locator("#event-detail .detail-more").click()  # the teaser card's "Read more"
    expect(page.locator("#event-detail .detail-more")).to_have_text("접기")
    expect(page.locator("#event-detail dt").first).to_have_text("날짜")
    expect(page.locator("#next-event")).to_contain_text("다음")
    page.locator("#filters summary").click()
    expect(page.locator("#category-filter legend")).to_have_text("분류")
    expect(page.locator("#reset")).to_have_text("초기화")
    expect(page.locator("#search")).to_have_attribute("placeholder", "제목, 본문, 이름의 단어")
    assert page.problems == []


def test_a_link_s_lang_overrides_the_timeline_s(new_page, korean_app):
    """An English article's embed of the same timeline stays English (a static
    export has one language: the next test)."""
    page = new_page(locale="ko-KR")  # the reader's browser says Korean: not asked
    opened(page, korean_app + f"/embed?event={GIFT_CAR}&lang=en")
    assert page.evaluate("document.documentElement.lang") == "en"
    expect(page.locator("#filters summary")).to_have_text("Filters")
    expect(page.locator("#event-count")).to_have_text("27 events")
    title = page.locator("#event-detail-title")
    expect(title).to_have_text(ROW.at[GIFT_CAR, "title"])
    assert title.get_attribute("lang") is None
    expect(page.locator("#event-detail .detail-date")).to_have_text("20 February 2024")
    assert page.locator("#timeline-messages").count() == 0  # English needs no catalogue
    # The view's links keep the language: a step keeps it in the address.
    page.locator("#next-event").click()
    expect(page).to_have_url(re.compile(r"[?&]lang=en(&|$)"))
    assert page.problems == []


@pytest.fixture(scope="module")
def russian_export_url(korean_data_file, tmp_path_factory):
    """The Korean timeline exported as a Russian static page (`export --lang ru`)."""
    from timeline.config import Config
    with serving_embed("static", Config(data_path=korean_data_file),
                       tmp_path_factory.mktemp("export-ru"), language="ru") as url:
        yield url


def test_a_static_export_in_another_language(new_page, russian_export_url):
    page = new_page()
    opened(page, russian_export_url + f"?event={GIFT_CAR}")
    assert page.evaluate("document.documentElement.lang") == "ru"
    expect(page.locator("#filters summary")).to_have_text("Фильтры")
    expect(page.locator("#event-count")).to_have_text("27 событий")
    expect(page.locator("#event-detail-title")).to_have_text(ROW.at[GIFT_CAR, "title_ru"])
    assert page.problems == []


def test_russian_counts_take_the_plural_each_number_needs(new_page, korean_app):
    page = new_page()
    for query, count, line in (("category=economy", "1 событие", "1 из 27 событий"),
                               ("category=sanctions", "3 события", "3 из 27 событий"),
                               ("category=military&category=tourism", "5 событий",
                                "5 из 27 событий")):
        opened(page, korean_app + f"/embed?{query}&lang=ru&list=open")
        assert page.evaluate("document.documentElement.lang") == "ru"
        expect(page.locator(".list-count")).to_have_text(count)
        expect(page.locator("#event-count")).to_have_text(re.compile("^" + line + " · "))
    opened(page, korean_app + f"/embed?event={GIFT_CAR}&lang=ru")
    expect(page.locator("#event-count")).to_have_text("27 событий")
    expect(page.locator("#event-detail .detail-date")).to_have_text("20 февраля 2024 г.")
    expect(page.locator("#event-detail-title")).to_have_text(ROW.at[GIFT_CAR, "title_ru"])
    expect(page.locator("#event-detail-title")).to_have_attribute("lang", "ru")
    assert page.problems == []


def test_search_folds_case_and_accents_in_russian_and_korean(new_page, korean_embed_url):
    page = new_page()
    # ё as е, any case: "четырёх" is found as "ЧЕТЫРЕХ"; "Ким Ё Чжон" as "ким е чжон".
    for words, found in (("ЧЕТЫРЕХ", "kim-four-foreign-cars"),
                         ("ким е чжон", "kim-yo-jong-statement"),
                         ("김여정", "kim-yo-jong-statement"),
                         ("쿠르스크", "kursk-troops-confirmed")):
        opened(page, korean_embed_url + f"?q={words}&list=open")
        expect(page.locator(".list-count")).to_have_text("사건 1건")
        expect(page.locator("#event-list .list-title")).to_have_text(ROW.at[found, "title_ko"])
    # Korean by whole syllables, also when typed as separate jamo (a decomposed NFD form).
    opened(page, korean_embed_url + "?q=%E1%84%80%E1%85%B5%E1%86%B7%E1%84%8B%E1%85%A7"
                                    "%E1%84%8C%E1%85%A5%E1%86%BC&list=open")
    expect(page.locator(".list-count")).to_have_text("사건 1건")
    assert page.problems == []


def test_the_korean_explorer_and_its_snippets(new_page, korean_app):
    page = new_page()
    opened(page, korean_app + "/")
    assert page.evaluate("document.documentElement.lang") == "ko"
    expect(page.locator("#event-count")).to_have_text("사건 27건")
    expect(page.locator(".skip-link").first).to_have_text("차트로 건너뛰기")
    expect(page.locator(".embed-box summary")).to_have_text("이 화면 삽입하기")
    expect(page.locator("#filters #lane-switch legend")).to_have_text("구분")
    # A Russian link: the snippets embed the Russian view.
    opened(page, korean_app + "/?lang=ru&category=gifts")
    assert page.evaluate("document.documentElement.lang") == "ru"
    expect(page.locator(".embed-box summary")).to_have_text("Встроить этот вид")
    expect(page.locator("#embed-snippet")).to_have_value(re.compile(r"embed\?category=gifts&amp;lang=ru"))
    expect(page.locator("#event-count")).to_have_text(re.compile("^9 из 27 событий · gifts$"))
    assert page.problems == []


def test_oembed_carries_the_language(korean_app):
    import json
    from urllib.parse import quote
    from urllib.request import urlopen
    url = korean_app + "/embed?category=gifts&lang=ru"
    with urlopen(f"{korean_app}/oembed?url={quote(url, safe='')}&format=json") as answer:
        found = json.loads(answer.read())
    assert "embed?category=gifts&amp;lang=ru" in found["html"]


def test_a_korean_page_has_no_accessibility_violations(new_page, korean_app):
    for width in (375, 1280):
        page = new_page(width)
        opened(page, korean_app + f"/embed?event={GIFT_CAR}")
        page.locator("#filters summary").click()
        expect(page.locator("#category-filter")).to_be_visible()
        assert accessibility_violations(page) == []
        opened(page, korean_app + f"/?event={GIFT_CAR}")
        assert accessibility_violations(page) == []


def test_the_browser_s_count_line_is_python_s(new_page, korean_app):
    """describe in timeline-core.js and ViewState.describe say the same in Russian
    (Intl's dates and Babel's are both CLDR's)."""
    from timeline.view.language import messages_for
    from timeline.view.view_state import ViewState
    page = new_page()
    opened(page, korean_app + "/embed?lang=ru")
    for query in ("category=gifts&certainty=reported&from=2020&q=Ким",
                  "from=2019-04&to=2024-02-20", "to=2023", "actor=Kim+Jong-un&actor=Putin"):
        said = page.evaluate("(q) => TimelineCore.describe(TimelineCore.parseView(q), 3, 27)",
                             query)
        assert said == ViewState.from_query_string(query).describe(3, 27, messages_for("ru"))


def test_plotly_s_chart_in_korean(new_page, korean_app):
    """Once plotly.js draws the chart (a filter brings it), its mode bar and its
    axis's months are Korean too."""
    from browser import plotly_chart
    page = new_page()
    opened(page, korean_app + "/embed?zoom=2023-08-01..2024-03-31")
    plotly_chart(page)
    expect(page.locator(".modebar-btn[data-title='확대']")).to_have_count(1)
    ticks = page.locator("#timeline-graph .xtick text").evaluate_all(
        "(texts) => texts.map((text) => text.textContent)")
    assert any(re.search("[0-9]+월", tick) for tick in ticks), ticks
    assert page.problems == []


def test_the_timeline_s_own_title_in_its_language(new_page, korean_app):
    page = new_page()
    opened(page, korean_app + "/")
    expect(page).to_have_title("러시아와 북한: 연표")
    expect(page.locator(".site-header h1")).to_have_text("러시아와 북한: 연표")
    opened(page, korean_app + "/embed?lang=ru")
    expect(page).to_have_title("Россия и КНДР: хронология")
    opened(page, korean_app + "/embed?lang=en")
    expect(page).to_have_title("Russia and North Korea: a timeline")


# An era over the summits (2023-09-13 to 2024-06-19), named in Korean only.
ERA_ROW = (",2023-09-13,2024-06-19,,Between the two summits,,,,,,,,,,era,,,"
           "두 정상회담 사이,\n")


@pytest.fixture(scope="module")
def korean_app_with_an_era(tmp_path_factory):
    from timeline.app_factory import create_app
    from timeline.config import Config
    path = tmp_path_factory.mktemp("era") / "events.csv"
    path.write_bytes(LANGUAGES_FIXTURE.read_bytes() + ERA_ROW.encode("utf-8"))
    with serving(create_app(Config(data_path=path)).server) as url:
        yield url


def test_a_korean_page_names_an_era_in_korean(new_page, korean_app_with_an_era):
    from browser import plotly_chart
    page = new_page()
    opened(page, korean_app_with_an_era + "/embed")
    plotly_chart(page)
    era = page.locator("#timeline-graph g.annotation")
    expect(era).to_have_text("두 정상회담 사이")
    expect(era).to_have_attribute("lang", "ko")  # the title_ko column's words
    # Redrawn (Plotly makes its labels anew), still marked; in Russian, the base title.
    page.locator("#filters summary").click()
    page.locator("#category-filter input").first.check()
    expect(page).to_have_url(re.compile(r"category="))
    expect(era).to_have_text("두 정상회담 사이")
    expect(era).to_have_attribute("lang", "ko")
    page.set_viewport_size({"width": 700, "height": 800})  # Plotly's own redraw
    expect(page.locator("#timeline-graph .main-svg").first).to_have_attribute(
        "width", str(page.locator("#timeline-graph").evaluate("(graph) => graph.clientWidth")))
    expect(era).to_have_attribute("lang", "ko")
    opened(page, korean_app_with_an_era + "/embed?lang=ru")
    plotly_chart(page)
    expect(era).to_have_text("Between the two summits")
    expect(era).not_to_have_attribute("lang", re.compile("."))
    assert page.problems == []


@pytest.fixture(scope="module")
def korean_export_url(korean_data_file, tmp_path_factory):
    """The Korean timeline's static export, every language (index.html in Korean)."""
    from timeline.config import Config
    with serving_embed("static", Config(data_path=korean_data_file),
                       tmp_path_factory.mktemp("export-all")) as url:
        yield url


def test_the_export_s_korean_page_links_to_its_other_languages(new_page, korean_export_url):
    for width in (375, 1280):
        page = new_page(width)
        opened(page, korean_export_url)
        assert page.evaluate("document.documentElement.lang") == "ko"
        expect(page.locator("#filters summary")).to_have_text("필터")
        expect(page.locator("#event-count")).to_have_text("사건 27건")
        links = page.locator("nav.language-links a")
        expect(links).to_have_text(["한국어", "English", "Русский"])
        expect(links.first).to_have_attribute("aria-current", "page")
        assert accessibility_violations(page, also=("target-size",)) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    # A plain link to the Russian page, reached by keyboard as any link is.
    page.locator("nav.language-links a[hreflang=ru]").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/index\.ru\.html$"))
    page.wait_for_selector("html[data-timeline=interactive]", state="attached")
    assert page.evaluate("document.documentElement.lang") == "ru"
    expect(page.locator("#filters summary")).to_have_text("Фильтры")
    expect(page.locator("nav.language-links a[aria-current=page]")).to_have_text("Русский")
    assert page.problems == []


def test_an_error_page_is_in_the_page_s_language(new_page, korean_app):
    page = new_page(320)
    response = page.goto(korean_app + "/no-such-page?lang=ru")
    assert response.status == 404
    assert page.evaluate("document.documentElement.lang") == "ru"
    expect(page.locator("h1")).to_have_text("По этому адресу ничего нет.")
    assert accessibility_violations(page) == []
    page.goto(korean_app + "/no-such-page")  # the timeline's language
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    expect(page.locator("h1")).to_have_text("이 주소에는 아무것도 없습니다.")
