"""An event's media as a reader meets it (timeline/engine/web/media.js), in headless
Chromium: on the explorer (`/`), the embed (`/embed`) and the static export.

YouTube and Vimeo addresses become their privacy-enhanced players only once the
event is opened, sound and video files their own elements, anything else a link.
Nothing leaves the machine: every request to another site is answered here (the
players with an empty page) and recorded, so the tests check what was asked for
and the frames' attributes, never playback.
"""
from __future__ import annotations

import json
import re
from contextlib import contextmanager

import pytest
from playwright.sync_api import expect

from browser import accessibility_violations, record_problems, serving, serving_embed
from support import csv_bytes
from timeline.app_factory import create_app
from timeline.config import REPOSITORY, Config

pytestmark = pytest.mark.browser
expect.set_options(timeout=15_000)
CASES = json.loads((REPOSITORY / "tests" / "data" / "media_cases.json").read_text("utf-8"))
MEDIA_JS = REPOSITORY / "timeline" / "engine" / "web" / "media.js"

YOUTUBE = "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
VIMEO = "https://player.vimeo.com/video/76979871?dnt=1"
CAPTION = "The talk <b>in full</b> & \"more\""
CREDIT = "<img src=x onerror=window.__xss=1>Channel"


def row(event_id: str, start: str, title: str, media_url: str = "", **more) -> dict:
    return {"id": event_id, "start": start, "title": title, "actors": "Speaker",
            "category": "diplomacy", "media_url": media_url, **more}


ROWS = [
    row("talk", "2019", "A talk on YouTube", "https://youtu.be/dQw4w9WgXcQ",
        media_caption=CAPTION, media_credit=CREDIT),
    row("film", "2019-09", "A film on Vimeo", "https://vimeo.com/76979871",
        media_caption="The film", media_credit="Studio"),
    row("speech", "2020-03-04", "A speech to hear", "https://media.example/speech.mp3",
        media_caption="The speech", media_credit="Radio"),
    row("clip", "2020-05", "A clip to watch", "https://media.example/clip.webm",
        media_caption="The clip"),
    row("photo", "2021", "A photograph", "https://media.example/photo.jpg",
        media_caption="Delegates on the steps", media_credit="Agency"),
    row("channel", "2021-06", "A channel", "https://www.youtube.com/channel/UCdQw4w9WgXcQ",
        media_caption="Their channel"),
    row("not-an-id", "2022", "A bad video id",
        "https://www.youtube.com/watch?v=dQw4w9WgXc%22onload%3D"),
    row("plain", "2023", "No media at all"),
]
TITLES = {r["id"]: r["title"] for r in ROWS}
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082")
WATCH = """(() => {
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(
    e.violatedDirective + ' ' + (e.blockedURI || '(inline)')));
})();"""
SANDBOX = {"allow-scripts", "allow-same-origin", "allow-presentation", "allow-popups",
           "allow-popups-to-escape-sandbox"}


@pytest.fixture(scope="module")
def data_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("media") / "events.csv"
    path.write_bytes(csv_bytes(ROWS))
    return path


@contextmanager
def serving_page(kind: str, data_file, folder):
    config = Config(data_path=data_file, title="Media")
    if kind == "explorer":
        with serving(create_app(config).server) as url:
            yield url + "/"
    else:
        with serving_embed("app" if kind == "embed" else "static", config, folder) as url:
            yield url


@pytest.fixture(scope="module", params=["explorer", "embed", "static"])
def site(request, data_file, tmp_path_factory):
    with serving_page(request.param, data_file, tmp_path_factory.mktemp("export")) as url:
        yield request.param, url


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    context.add_init_script(WATCH)
    outside: list[str] = []

    def answer(route):  # every request to another site: recorded, answered here
        url = route.request.url
        outside.append(url)
        if url.endswith(".jpg"):
            route.fulfill(status=200, content_type="image/png", body=PNG)
        else:
            route.fulfill(status=200, content_type="text/html",
                          body="<!doctype html><title>player</title>")
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), answer)
    page = record_problems(context.new_page())
    page.outside = outside
    yield page
    context.close()


def open_page(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("html[data-timeline=interactive]", state="attached")
    expect(page.locator("#event-list li").first).to_be_attached()


def open_event(page, event_id: str, whole: bool = True) -> None:
    """Open the event as a reader does: its row in the list (unfolded first); in
    the embed, whose card opens as a teaser, then "Read more" (unless not `whole`)."""
    if not page.locator("#event-list").evaluate("(list) => list.closest('details').open"):
        page.locator("#timeline .list-summary").click()
    page.locator("#event-list .list-link", has_text=TITLES[event_id]).click()
    expect(page.locator("#event-detail h2")).to_have_text(TITLES[event_id])
    expect(page.locator("#event-detail .detail-loading")).to_have_count(0)
    more = page.locator("#event-detail .detail-more[aria-expanded=false]")
    if whole and more.count():
        more.click()
        expect(page.locator("#event-detail .detail-facts")).to_be_visible()


def wait_until(page, condition, seconds: float = 10) -> None:
    for _ in range(int(seconds * 10)):
        if condition():
            return
        page.wait_for_timeout(100)
    assert condition()


def violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations") + page.problems


@pytest.mark.parametrize("event_id, player, name", [
    ("talk", YOUTUBE, f"YouTube video: {CAPTION}"),
    ("film", VIMEO, "Vimeo video: The film"),
])
def test_a_video_site_is_framed_only_once_its_event_is_opened(site, page, event_id, player,
                                                              name):
    kind, url = site
    open_page(page, url)
    page.wait_for_load_state("networkidle")
    assert page.locator("iframe").count() == 0
    assert page.outside == []  # nothing asked of any other site before the card opens
    if kind != "explorer":
        # The embed's card opens as a teaser: still nothing framed, nothing asked.
        open_event(page, event_id, whole=False)
        expect(page.locator("#event-detail .detail-more")).to_have_text("Read more")
        page.wait_for_timeout(300)
        assert page.locator("iframe").count() == 0 and page.outside == []
    open_event(page, event_id)
    frame = page.locator("#event-detail figure .media-frame iframe")
    expect(frame).to_have_count(1)
    expect(frame).to_have_attribute("src", player)
    expect(frame).to_have_attribute("title", name)
    expect(frame).to_have_attribute("loading", "lazy")
    expect(frame).to_have_attribute("allow", "fullscreen; picture-in-picture")
    assert set(frame.get_attribute("sandbox").split()) == SANDBOX
    # 16:9 at the card's width.
    box = frame.bounding_box()
    assert box["width"] > 200 and abs(box["width"] / box["height"] - 16 / 9) < 0.02
    # Allowed by the policy (it was asked for, nothing was blocked), and only it.
    wait_until(page, lambda: player in page.outside)
    assert page.outside == [player]
    assert violations(page) == []


def test_the_frame_stays_while_the_view_changes_around_it(site, page):
    """Each view change redraws the card; the player is not made again (a frame
    taken out of the page reloads, and a video playing in it stops)."""
    _, url = site
    open_page(page, url)
    open_event(page, "talk")
    frame = page.locator("#event-detail iframe")
    expect(frame).to_have_count(1)
    frame.evaluate("(frame) => { frame.dataset.first = 'yes'; }")
    if not page.locator("#filters").evaluate("(filters) => filters.open"):
        page.locator("#filters summary").click()
    page.locator("#lane-switch input[value=actor]").check()
    page.wait_for_function("() => location.search.includes('lanes=actor')")
    expect(page.locator("#event-detail h2")).to_have_text(TITLES["talk"])
    expect(page.locator("#event-detail iframe[data-first=yes]")).to_have_count(1)
    assert page.outside.count(YOUTUBE) <= 1
    assert violations(page) == []


@pytest.mark.parametrize("event_id, tag, address", [
    ("speech", "audio", "https://media.example/speech.mp3"),
    ("clip", "video", "https://media.example/clip.webm"),
])
def test_sound_and_video_files_get_their_own_player_and_load_nothing_before_play(
        site, page, event_id, tag, address):
    _, url = site
    open_page(page, url)
    open_event(page, event_id)
    player = page.locator(f"#event-detail figure {tag}")
    expect(player).to_have_count(1)
    expect(player).to_have_attribute("src", address)
    expect(player).to_have_attribute("preload", "none")
    expect(player).to_have_attribute("controls", "")
    expect(page.locator("#event-detail figcaption")).to_contain_text(
        next(r["media_caption"] for r in ROWS if r["id"] == event_id))
    assert page.locator("#event-detail iframe").count() == 0
    page.wait_for_timeout(300)
    assert address not in page.outside
    assert violations(page) == []


def test_a_picture_is_an_image_with_its_caption_and_credit(site, page):
    _, url = site
    open_page(page, url)
    open_event(page, "photo")
    image = page.locator("#event-detail figure img")
    expect(image).to_have_attribute("src", "https://media.example/photo.jpg")
    expect(image).to_have_attribute("alt", "Delegates on the steps")
    expect(page.locator("#event-detail figcaption")).to_have_text("Delegates on the steps Agency")
    assert violations(page) == []


@pytest.mark.parametrize("event_id, address", [
    ("channel", "https://www.youtube.com/channel/UCdQw4w9WgXcQ"),
    ("not-an-id", "https://www.youtube.com/watch?v=dQw4w9WgXc%22onload%3D"),
])
def test_any_other_address_is_a_link_never_a_frame(site, page, event_id, address):
    _, url = site
    open_page(page, url)
    open_event(page, event_id)
    link = page.locator("#event-detail .media-address a")
    expect(link).to_have_attribute("href", address)
    expect(link).to_have_text("www.youtube.com")
    expect(page.locator("#event-detail .media-address")).to_have_text("Media: www.youtube.com")
    assert page.locator("#event-detail iframe, #event-detail img").count() == 0
    assert page.outside == [] and violations(page) == []


def test_the_caption_and_credit_are_text(site, page):
    _, url = site
    open_page(page, url)
    open_event(page, "talk")
    expect(page.locator("#event-detail figcaption")).to_have_text(f"{CAPTION} {CREDIT}")
    assert page.locator("#event-detail figcaption *:not(.credit)").count() == 0
    assert page.evaluate("window.__xss") is None


@pytest.mark.parametrize("address", [
    "javascript:window.__xss=1//x.mp3",
    "data:text/html,<script>parent.__xss=1</script>",
    "JaVaScRiPt:window.__xss=1",
    "https:\\\\youtu.be\\dQw4w9WgXcQ",
])
def test_an_address_that_is_no_web_address_shows_nothing(site, page, address):
    """The server sends only web addresses; should a details file say otherwise (a
    hand-edited export), the card shows no media, and nothing runs."""
    _, url = site

    def altered(route):
        details = route.fetch().json()
        if "plain" in details:
            details["plain"] |= {"media_url": address, "media_caption": "Caption"}
        route.fulfill(status=200, content_type="application/json", body=json.dumps(details))
    page.route(re.compile(r"details"), altered)
    open_page(page, url)
    open_event(page, "plain")
    detail = page.locator("#event-detail")
    expect(detail.locator(".detail-facts")).to_be_visible()
    assert detail.locator("figure, iframe, audio, video, img").count() == 0
    hrefs = detail.locator("a").evaluate_all("(links) => links.map((a) => a.href)")
    assert not [h for h in hrefs if not h.startswith(("http://127.0.0.1", "https://"))], hrefs
    assert page.evaluate("window.__xss") is None
    assert page.outside == [] and violations(page) == []


def test_the_page_may_frame_no_other_site(site, page):
    """frame-src names the two players and nothing else (the header on `/` and
    `/embed`, the meta element in the static export)."""
    _, url = site
    open_page(page, url)
    page.evaluate("""() => document.body.appendChild(Object.assign(
        document.createElement('iframe'), {src: 'https://www.youtube.com/embed/dQw4w9WgXcQ',
                                           title: 'not ours'}))""")
    page.wait_for_function("() => window.__cspViolations.length > 0")
    # (A browser names only the origin of another site's address it blocked.)
    assert page.evaluate("window.__cspViolations") == ["frame-src https://www.youtube.com"]
    assert page.outside == []


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("event_id", ["talk", "speech", "clip", "channel"])
def test_an_opened_card_with_media_has_no_accessibility_violations(site, page, width,
                                                                   event_id):
    kind, url = site
    page.set_viewport_size({"width": width, "height": 900})
    open_page(page, url)
    open_event(page, event_id)
    found = accessibility_violations(page)
    assert found == [], "\n".join(found)


# ------------------------------------------------------- media.js on its own


@pytest.fixture(scope="module")
def media_page(browser):
    context = browser.new_context()
    page = record_problems(context.new_page())
    page.set_content("<!doctype html><title>media</title>")
    page.add_script_tag(path=str(MEDIA_JS))
    yield page
    assert page.problems == []
    context.close()


def test_the_browser_reads_every_address_as_python_does(media_page):
    """tests/data/media_cases.json, which tests/test_media.py runs against media.py."""
    read = media_page.evaluate("""(cases) => cases.map(([url]) => {
        const media = TimelineMedia.mediaOf(url);
        return [url, media ? media.kind : null, media && media.player ? media.player : null];
    })""", CASES["cases"])
    assert read == [list(case) for case in CASES["cases"]]


def test_a_figure_is_made_once_for_the_same_media(media_page):
    same, other = media_page.evaluate("""() => {
        const more = {media_url: 'https://youtu.be/dQw4w9WgXcQ', media_caption: 'C'};
        const first = TimelineMedia.figure(more, 'T');
        return [first === TimelineMedia.figure({...more}, 'T'),
                first === TimelineMedia.figure({...more, media_caption: 'D'}, 'T')];
    }""")
    assert (same, other) == (True, False)
