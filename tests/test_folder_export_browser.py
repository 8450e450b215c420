"""A folder of timelines exported as static files (issue 18), in real headless Chromium:
the index opened from the disk (file://) and from a plain file server, searched as a
reader types, followed into a timeline; axe-core at a phone's width and a desktop's,
and the keyboard alone."""
from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from browser import accessibility_violations, serving_files
from test_folder_export import COURTS_TITLE, HARBOUR_TITLE, newsroom_folder
from timeline.config import Config
from timeline.folder.export import export_folder

pytestmark = pytest.mark.browser
expect.set_options(timeout=15_000)
WCAG22 = ("target-size",)  # off in axe by default


@pytest.fixture(scope="module")
def public(tmp_path_factory):
    base = tmp_path_factory.mktemp("newsroom")
    out = base / "public"
    done = export_folder(newsroom_folder(base / "data"), out, Config(), date.today(),
                         language="en")
    assert sorted(entry.slug for entry, _ in done.exported) == ["courts", "harbour"]
    return out


@pytest.fixture(scope="module", params=["file", "http"])
def index_url(request, public):
    """The index's address: from the disk, or from Python's plain file server."""
    if request.param == "file":
        yield (public / "t" / "index.html").as_uri()
    else:
        with serving_files(public) as url:
            yield url + "/t/index.html"


def open_index(new_page, url: str, width: int = 1280):
    page = new_page({"width": width, "height": 740 if width < 400 else 800})
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(url)
    expect(page.locator("#timelines > li")).to_have_count(2)
    return page


def shown_titles(page) -> list[str]:
    return page.locator("#timelines > li:not([hidden]) h2 a").all_text_contents()


def test_the_search_filters_the_list_as_the_reader_types(new_page, index_url):
    page = open_index(new_page, index_url)
    assert sorted(shown_titles(page)) == sorted([HARBOUR_TITLE, COURTS_TITLE])
    page.locator("#q").press_sequentially("HARB")
    expect(page.locator("#timelines > li:not([hidden]) h2 a")).to_have_text([HARBOUR_TITLE])
    expect(page.locator("#shown")).to_have_text("1 timeline matching “HARB”")
    page.locator("#q").fill("")
    page.locator("#q").press_sequentially("bridge appeals")
    expect(page.locator("#timelines > li:not([hidden]) h2 a")).to_have_text([COURTS_TITLE])
    page.locator("#q").press_sequentially(" nothing")
    expect(page.locator("#timelines > li:not([hidden])")).to_have_count(0)
    expect(page.locator("#shown")).to_have_text("0 timelines matching “bridge appeals nothing”")
    page.locator("#q").press("Enter")  # the form stays on this page: no server to ask
    expect(page.locator("#shown")).to_contain_text("0 timelines")
    assert page.url == index_url
    # The title typed with <script> in the CSV is its text on the page; nothing ran.
    page.locator("#q").fill("")
    page.locator("#q").dispatch_event("input")
    expect(page.locator("#timelines h2 a", has_text="bridge")).to_have_text(COURTS_TITLE)
    assert page.dialogs == [] and page.problems == []


def test_a_link_opens_the_exported_timeline_with_its_chart(new_page, index_url):
    page = open_index(new_page, index_url)
    page.locator("#timelines h2 a", has_text=HARBOUR_TITLE).click()
    page.wait_for_selector("html[data-timeline=interactive]", state="attached")
    assert page.url == index_url.replace("index.html", "harbour/index.html")
    expect(page).to_have_title(HARBOUR_TITLE)
    expect(page.locator("h1")).to_have_text(HARBOUR_TITLE)
    expect(page.locator("#timeline-graph .chart-preview .preview-mark").first).to_be_attached()
    expect(page.locator("#event-list li")).to_have_count(5)
    page.go_back()
    expect(page.locator("#timelines > li")).to_have_count(2)
    assert page.problems == []


def test_the_top_index_links_into_t(new_page, public):
    page = open_index(new_page, (public / "index.html").as_uri())
    page.locator("#q").press_sequentially("harbour")
    expect(page.locator("#timelines > li:not([hidden])")).to_have_count(1)
    page.locator("#timelines li:not([hidden]) .links a").click()
    expect(page).to_have_title(HARBOUR_TITLE)
    assert page.url == (public / "t" / "harbour" / "index.html").as_uri()
    assert page.problems == []


@pytest.mark.parametrize("width", [320, 1280])
def test_axe_finds_no_violation_on_the_index(new_page, public, width):
    page = open_index(new_page, (public / "t" / "index.html").as_uri(), width)
    found = accessibility_violations(page, also=WCAG22)
    assert found == [], "\n".join(found)
    # Nothing wider than a phone's screen: no sideways scrolling at 320 px.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    page.locator("#q").press_sequentially("court")
    expect(page.locator("#timelines > li:not([hidden])")).to_have_count(1)
    found = accessibility_violations(page, also=WCAG22)
    assert found == [], "\n".join(found)
    assert page.problems == []


# The element with the focus: its id, else its tag and text.
FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) { return 'body'; }
  return e.id ? '#' + e.id : e.tagName.toLowerCase() + ':' + e.textContent.trim();
}"""


def test_the_search_and_every_link_are_reached_with_the_keyboard(new_page, public):
    page = open_index(new_page, (public / "t" / "index.html").as_uri())
    stops = []
    for _ in range(6):
        page.keyboard.press("Tab")
        stops.append(page.evaluate(FOCUSED))
    # In the page's order: the search, then each timeline's heading and its link.
    first, second = page.locator("#timelines > li h2 a").all_text_contents()
    assert stops == ["#q", "button:Search", f"a:{first}", f"a:Explore {first}",
                     f"a:{second}", f"a:Explore {second}"]
    # Typed into from the keyboard, the list filters; Enter on a link follows it.
    page.locator("#q").focus()
    page.keyboard.type("harbour")
    expect(page.locator("#timelines > li:not([hidden])")).to_have_count(1)
    page.keyboard.press("Tab")  # the Search button
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED) == f"a:{HARBOUR_TITLE}"  # the hidden one is skipped
    page.keyboard.press("Enter")
    expect(page).to_have_title(HARBOUR_TITLE)
    assert page.problems == []
