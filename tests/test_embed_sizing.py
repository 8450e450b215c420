"""An embedded timeline is as tall as its content, in real headless Chromium.

The articles (tests/pages/) are served from another origin than the app, as a
newsroom's pages are: the app on http://127.0.0.1:A, the articles on
http://localhost:S. The embed reports its height (timeline/embed/web/resize.js) and
three kinds of parent act on it: the real pym.js 1.3.2 parent
(tests/vendor/pym.v1.min.js), Datawrapper's listener, and our /embed.js.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from werkzeug.wrappers import Request, Response

from browser import serving
from support import csv_bytes, filter_cases
from timeline.app_factory import create_app
from timeline.config import REPOSITORY, Config
from timeline.embed.snippets import EMBED_HEIGHT_PX, embed_loader_snippet

pytestmark = pytest.mark.browser
HERE = Path(__file__).parent
PAGES = HERE / "pages"
SCRIPTS = {"/pym.v1.min.js": HERE / "vendor" / "pym.v1.min.js",
           "/resize.js": REPOSITORY / "timeline" / "embed" / "web" / "resize.js"}
VIEW = "category=military"
TITLE = 'A "test" <timeline>'

# The embed's content height as the reader's browser lays it out (the bottom of
# the body's margin box), and whether the frame shows exactly that: no content
# cut off or scrolled, no empty band below.
FITS = """() => {
    const body = document.body;
    const content = Math.ceil(body.getBoundingClientRect().bottom + scrollY
                              + (parseFloat(getComputedStyle(body).marginBottom) || 0));
    return content > 200 && Math.abs(innerHeight - content) <= 1
        && document.documentElement.scrollHeight <= innerHeight + 1;
}"""


def article_site(replacements: dict[str, str]):
    """A newsroom's site: the test pages with their {{placeholders}} filled, pym.js and resize.js."""
    @Request.application
    def site(request: Request) -> Response:
        if request.path in SCRIPTS:
            return Response(SCRIPTS[request.path].read_bytes(), mimetype="text/javascript")
        page = PAGES / request.path.lstrip("/")
        if request.path.count("/") != 1 or page.suffix != ".html" or not page.is_file():
            return Response("not found", status=404)
        text = page.read_text(encoding="utf-8")
        for name, value in replacements.items():
            text = text.replace("{{" + name + "}}", value)
        return Response(text, mimetype="text/html")
    return site


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    data = tmp_path_factory.mktemp("data") / "events.csv"
    data.write_bytes(csv_bytes(filter_cases()["events"]))
    with serving(create_app(Config(data_path=data, title="Test timeline")).server) as url:
        yield url


@pytest.fixture(scope="module")
def site(app_url):
    """The articles' address, on another origin (localhost) than the app (127.0.0.1)."""
    snippet = embed_loader_snippet(app_url + "/", VIEW, TITLE)
    with serving(article_site({"app": app_url, "snippet": snippet,
                               "iframe": snippet.split("\n")[0]})) as url:
        yield url.replace("127.0.0.1", "localhost")


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1000, "height": 700})
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()


def embed_frame(page, selector: str):
    page.wait_for_selector(selector)
    frame = page.locator(selector).element_handle().content_frame()
    frame.wait_for_selector("#event-list li", state="attached")  # the list is folded
    return frame


def height_when_fitting(frame) -> int:
    frame.wait_for_function(FITS)
    return frame.evaluate("innerHeight")


def check_follows_the_filters(frame) -> None:
    """The frame fits; opening the filters makes it taller, folding them shorter again."""
    assert frame.locator("#filters").evaluate("details => details.open") is False
    folded = height_when_fitting(frame)
    frame.locator("#filters summary").click()
    frame.wait_for_function(f"() => ({FITS})() && innerHeight > {folded} + 50")
    frame.locator("#filters summary").click()
    frame.wait_for_function(f"() => ({FITS})() && innerHeight < {folded} + 50")


def test_pym_parent_sizes_the_embed(page, site):
    page.goto(site + "/pym-parent.html")
    frame = embed_frame(page, "#container iframe")
    assert "childId=container" in page.locator("#container iframe").get_attribute("src")
    check_follows_the_filters(frame)
    # pym.Parent sets the attribute; nothing else on this page sizes the frame.
    height = frame.evaluate("innerHeight")
    assert page.locator("#container iframe").get_attribute("height") == f"{height}px"
    assert page.errors == []


def test_datawrapper_listener_sizes_the_embed(page, site):
    page.goto(site + "/datawrapper-parent.html")
    frame = embed_frame(page, "#datawrapper-chart-timeline-test")
    check_follows_the_filters(frame)
    messages = page.evaluate("dwMessages")
    assert messages and all(list(m) == ["timeline-test"] for m in messages)
    assert messages[-1]["timeline-test"] == frame.evaluate("innerHeight")
    assert page.errors == []


def test_loader_sizes_the_snippets_iframe_and_ignores_other_origins(page, site):
    page.goto(site + "/loader-parent.html")
    embed = page.locator("iframe[data-timeline-embed][src*='/embed']")
    assert embed.get_attribute("title") == TITLE
    assert embed.get_attribute("height") == str(EMBED_HEIGHT_PX)
    frame = embed_frame(page, "iframe[data-timeline-embed][src*='/embed']")
    check_follows_the_filters(frame)
    # Unfolding the list makes it taller, and opening an event's details changes
    # the height too.
    folded = height_when_fitting(frame)
    frame.locator(".list-summary").click()
    frame.wait_for_function(f"() => ({FITS})() && innerHeight > {folded} + 50")
    before = height_when_fitting(frame)
    frame.locator("#event-list li a").first.click()
    frame.wait_for_selector("#event-detail h2")
    frame.wait_for_function(f"() => ({FITS})() && innerHeight !== {before}")
    # The article's own frame posted embed-size messages all along: ignored.
    page.wait_for_function("() => window.forgeries >= 5")
    assert page.locator("#forger").evaluate("frame => frame.style.height") == ""
    assert page.locator("#forger").evaluate("frame => frame.clientHeight") == 150
    assert page.errors == []


def test_loader_added_after_the_embed_loaded_asks_for_the_height(page, site, app_url):
    page.goto(site + "/late-loader-parent.html")
    frame = embed_frame(page, "iframe[data-timeline-embed]")
    page.wait_for_load_state("load")
    assert frame.evaluate("innerHeight") == EMBED_HEIGHT_PX  # nobody listened
    page.add_script_tag(url=app_url + "/embed.js")
    height_when_fitting(frame)
    assert page.errors == []


def recorded(page, count: int) -> list:
    page.wait_for_function(f"() => received.length >= {count}")
    page.wait_for_timeout(100)  # a few frames: nothing more may arrive
    return [message["data"] for message in page.evaluate("received")]


def test_resize_js_sends_the_three_formats_once_per_frame(page, site):
    child = site.replace("localhost", "127.0.0.1") + "/resize-child.html?childId=chart-1&dw-id=dw-7"
    page.goto(site + "/messages-parent.html?child=" + child.replace("&", "%26"))
    frame = embed_frame_of(page)

    def triple(height):
        return ["pymxPYMxchart-1xPYMxheightxPYMx" + str(height),
                {"datawrapper-height": {"dw-7": height}},
                {"type": "embed-size", "height": height, "src": child}]

    assert recorded(page, 3) == triple(316)  # 300 px box and 8 px margins
    assert {m["origin"] for m in page.evaluate("received")} == {
        child.split("/resize-child")[0]}
    # Five changes in one task: one report, of the last height.
    frame.evaluate("""() => { const box = document.getElementById('box');
        for (const px of [310, 320, 330, 340, 350]) { box.style.height = px + 'px';
                                                       box.offsetHeight; } }""")
    assert recorded(page, 6) == triple(316) + triple(366)
    # No change, no message; asked again (pym's width message, /embed.js's request), it answers.
    frame.evaluate("() => { document.getElementById('box').style.height = '350px'; }")
    page.evaluate("""() => document.getElementById('child').contentWindow
        .postMessage('pymxPYMxchart-1xPYMxwidthxPYMx640', '*')""")
    assert recorded(page, 9) == triple(316) + triple(366) * 2
    page.evaluate("""() => document.getElementById('child').contentWindow
        .postMessage({type: 'embed-size-request'}, '*')""")
    assert recorded(page, 12) == triple(316) + triple(366) * 3
    assert page.errors == []


def test_resize_js_without_parameters_keys_datawrapper_by_path(page, site):
    child = site.replace("localhost", "127.0.0.1") + "/resize-child.html"
    page.goto(site + "/messages-parent.html?child=" + child)
    embed_frame_of(page)
    assert recorded(page, 2) == [{"datawrapper-height": {"/resize-child.html": 316}},
                                 {"type": "embed-size", "height": 316, "src": child}]
    # Opened on its own, the page has no parent to tell and no errors.
    page.goto(child)
    page.wait_for_load_state("load")
    assert page.errors == []


def embed_frame_of(page):
    page.wait_for_selector("#child")
    frame = page.locator("#child").element_handle().content_frame()
    frame.wait_for_selector("#box")
    return frame
