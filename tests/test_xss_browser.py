"""Script injection (issue 5): editors' text is shown as text everywhere, and never runs.

A corpus of payloads (tests/data/xss_payloads.json) fills every text column an
editor writes: events, eras and the title row, through the real loader. Real
headless Chromium then reads them where readers and editors see text: the
explorer, the light embed, the static export (on a plain file server, so no
Content-Security-Policy helps), and the editor with a file whose dates hold
payloads. Each payload would set `window.__xss` if it ever ran; a setter trap
installed before any page script catches even a transient set. Blocked
attempts count too: a Content-Security-Policy violation means the page held
live markup that only the policy stopped.
"""
from __future__ import annotations

import html
import json
import re
import time
from datetime import date
from types import SimpleNamespace
from unittest import mock
from urllib.parse import quote_plus, urlsplit

import pytest
from playwright.sync_api import expect

from browser import marks_seen, plotly_chart, serving, serving_files
from support import DATA, csv_bytes
from timeline.app_factory import create_app
from timeline.config import Config
from timeline.data.loading import load_events_from_bytes
from timeline.data.markup import Link, plain_text, split_links
from timeline.data.media import media_of
from timeline.data_store import snapshot_of
from timeline.editor.diffing import diff_versions
from timeline.editor.page import MAX_DIFF_ROWS
from timeline.editor.rows import PROBLEMS_KEY, table_from_bytes
from timeline.embed import static_export
from timeline.embed.static_export import export_static
from timeline.view.figure import ERA_LABEL_MAX_CHARS, short_label
from timeline.view.transforms import actor_names, normalise_text, prepare_events

pytestmark = pytest.mark.browser
expect.set_options(timeout=10_000)

CORPUS = json.loads((DATA / "xss_payloads.json").read_text("utf-8"))
PAYLOADS = [entry["text"] for entry in CORPUS["payloads"]]
WEB_LINKS = CORPUS["web_links"]  # valid http(s) addresses that carry payloads
CERTAINTIES = ["confirmed", "reported", "alleged", "expected", ""]
SECRET = "an editors' passphrase for the injection tests"

# Installed before any script of every page and frame (Playwright runs init
# scripts in child frames too, so `parent.__xss=1` from an iframe is caught).
TRAP = """(() => {
  window.__xssHit = 0;
  Object.defineProperty(window, '__xss', {configurable: false,
    set() { window.__xssHit += 1; }, get() { return undefined; }});
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(
    e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sample));
})();"""

# Markup that can only be there if an editor's text became HTML.
INJECTED = """() => {
  const found = [];
  const SCHEME = /^(javascript|vbscript|data):/i;
  for (const node of document.querySelectorAll('*')) {
    for (const attribute of node.attributes) {
      const name = attribute.name.toLowerCase();
      const value = attribute.value.replace(/[\\s\\x00-\\x1f]/g, '');
      if (name.startsWith('on')) { found.push(node.tagName + ' ' + name); }
      if (['href', 'src', 'xlink:href', 'action', 'formaction', 'data', 'srcdoc'].includes(name)
          && SCHEME.test(value)
          && !(node.tagName === 'LINK' && value === 'data:,')) {  // the embed's empty icon
        found.push(node.tagName + ' ' + name + '=' + value);
      }
    }
  }
  for (const node of document.querySelectorAll(
      'iframe, object, embed, math, video, audio, source, base, body body, img[src="x"]')) {
    found.push(node.outerHTML.slice(0, 120));
  }
  for (const node of document.querySelectorAll(
      'script:not([type="application/json"]), style, noscript')) {
    if (node.textContent.includes('__xss')) { found.push(node.outerHTML.slice(0, 120)); }
  }
  // Plotly turns <a href> in labels into SVG links; escaped labels make none.
  for (const node of document.querySelectorAll('svg a')) { found.push(node.outerHTML); }
  // Links are only ever web addresses or the page's own views (the static export's
  // pages in its languages too: index.html, index.ru.html).
  for (const link of document.querySelectorAll('a[href]')) {
    const href = link.getAttribute('href');
    if (!/^(https?:|\\?|\\/|#|index(\\.(en|ko|ru))?\\.html$)/i.test(href)) {
      found.push('a href=' + href);
    }
  }
  return found;
}"""


def squash(text: str) -> str:
    """Text as a browser lays it out: runs of spaces, tabs and line breaks are one space."""
    return re.sub(r"[ \t\n\r\f]+", " ", text).strip()


def payload_rows(shift: int = 0) -> list[dict[str, str]]:
    """One event per payload, each with payloads in all its text columns (a different
    payload in each, so every payload is in every column somewhere), three eras and
    the title row. `shift` gives another valid file with every text changed."""
    count = len(PAYLOADS)
    rows = []
    for i in range(count):
        def at(offset: int) -> str:
            return PAYLOADS[(i + offset + shift) % count]
        rows.append({
            "id": f"xss-{i + 1:02d}", "start": f"{1950 + i}-03-{1 + i % 28:02d}",
            "end": f"{1950 + i}-09-01" if i % 3 == 0 else "",
            "title": at(0),
            "description": f"{at(1)}\n\nRead [the report {i}](https://example.org/report/{i}) "
                           f"or {at(2)}",
            "actors": f"{at(3)}; Actor {i}",
            # Categories outside the fixed list: the file's own categories.
            "category": at(4),
            "display_date": at(5), "source": at(6), "media_caption": at(7),
            "media_credit": at(8), "notes": at(9), "certainty": CERTAINTIES[i % 5],
            "source_url": WEB_LINKS[i % len(WEB_LINKS)],
            # Each address as it is (a link), and once more as a picture's (its ending).
            "media_url": WEB_LINKS[(i + 1) % len(WEB_LINKS)] + (
                ".jpg" if (i // len(WEB_LINKS)) % 2 else ""),
        })
    for number in range(3):
        rows.append({"type": "era", "id": f"era-{number + 1}", "start": f"{1950 + 15 * number}",
                     "end": f"{1960 + 15 * number}",
                     "title": PAYLOADS[(7 * number + shift) % count],
                     "description": PAYLOADS[(7 * number + 1 + shift) % count]})
    rows.append({"type": "title", "title": PAYLOADS[(20 + shift) % count],
                 "description": PAYLOADS[(16 + shift) % count]})
    return rows


def invalid_rows() -> list[dict[str, str]]:
    """Rows the validator refuses, with payloads in the refused cells themselves."""
    rows = [{"id": f"bad-date-{n + 1}", "start": PAYLOADS[2 * n], "end": PAYLOADS[2 * n + 1],
             "title": f"Bad dates {n + 1}", "actors": "Editor", "category": PAYLOADS[4],
             "source": "test"} for n in range(6)]
    rows.append({"id": PAYLOADS[16], "start": "2001", "end": PAYLOADS[22],
                 "title": "Bad everything", "actors": "Editor", "category": PAYLOADS[4],
                 "certainty": PAYLOADS[1], "type": PAYLOADS[0], "source": "test",
                 "source_url": "javascript:window.__xss=1",
                 "media_url": "data:text/html,<script>window.__xss=1</script>"})
    return rows


VALID = csv_bytes(payload_rows())
RESULT = load_events_from_bytes(VALID, "events.csv")
assert RESULT.report.ok, RESULT.report.format_lines("events.csv")
EVENTS = prepare_events(RESULT.events)
BY_TITLE = {squash(title): event for title, event in zip(EVENTS["title"], EVENTS.itertuples())}
assert len(BY_TITLE) == len(EVENTS) == len(PAYLOADS)


# ------------------------------------------------------------------ fixtures

@pytest.fixture(scope="module")
def data_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("data") / "events.csv"
    path.write_bytes(VALID)
    return path


@pytest.fixture(scope="module")
def app_url(data_file):
    # No title setting: the data's title row, a payload, names the timeline.
    with serving(create_app(Config(data_path=data_file)).server) as url:
        yield url


@pytest.fixture(scope="module", params=["app", "static"])
def embed_url(request, data_file, tmp_path_factory):
    if request.param == "app":
        yield request.getfixturevalue("app_url") + "/embed"
    else:
        folder = tmp_path_factory.mktemp("export")
        # The .br copies (quality 11: seconds of CPU) are never served by a plain file
        # server; the files it serves are written as they always are.
        stand_in = SimpleNamespace(compress=lambda body, **_: body)
        with mock.patch.object(static_export, "brotli", stand_in):
            export_static(snapshot_of(data_file.read_bytes(), "events.csv"), folder,
                          Config(), date.today(), explorer_url="https://news.example/timeline/")
        with serving_files(folder) as url:
            yield url + "/index.html"


def open_page(browser, width: int = 1400, height: int = 3200):
    """A fresh page with the trap installed, other hosts unreachable, and every
    dialog and page error recorded. Tall, so the whole chart is on screen."""
    context = browser.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(15_000)
    context.add_init_script(TRAP)
    # Images and links point at example.org: answered at once, never fetched.
    context.route(lambda url: not url.startswith("http://127.0.0.1"), lambda route: route.abort())
    page = context.new_page()
    page.on("popup", lambda popup: popup.close())  # a clicked link's new tab
    page.dialogs, page.problems = [], []

    def on_dialog(dialog):
        page.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()
    page.on("dialog", on_dialog)
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    return page


@pytest.fixture
def new_page(browser):
    pages = []

    def make(**size):
        pages.append(open_page(browser, **size))
        return pages[-1]
    yield make
    for page in pages:
        page.context.close()


def assert_nothing_ran(page) -> None:
    """Checked before every navigation away, and at the end: the trap is per document."""
    state = page.evaluate("() => [window.__xss, window.__xssHit, window.__cspViolations]")
    assert state[0] is None, "window.__xss has a value"
    assert state[1] == 0, f"a payload set window.__xss {state[1]} time(s)"
    # Only a blocked image (img-src) may be reported: never markup, never script.
    blocked = [v for v in state[2] if not v.startswith("img-src")]
    assert blocked == [], f"the page held markup only the CSP stopped: {blocked}"
    assert page.evaluate(INJECTED) == []
    assert page.dialogs == []
    assert page.problems == []


# ------------------------------------------------------------- expectations

def paragraphs(text: str) -> list[str]:
    return [squash(plain_text(p)) for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]


def description_links(text: str) -> list[tuple[str, str]]:
    return [(piece.text, piece.url) for piece in split_links(text) if isinstance(piece, Link)]


def check_detail(page, event) -> None:
    """The open event's panel shows each of its texts literally, and links only to the web."""
    detail = page.locator("#event-detail")
    expect(detail.locator("h2")).to_have_text(squash(event.title))
    expect(detail.locator(".detail-loading")).to_have_count(0)
    teaser = detail.locator(".detail-more[aria-expanded=false]")
    if teaser.count():  # the embed's card opens as its first lines: plain text, no markup
        assert detail.locator(".detail-lead").evaluate_all(
            "leads => leads.every(p => p.children.length === 0)")
        teaser.click()
        expect(detail.locator(".detail-facts")).to_be_visible()
    shown = squash(detail.inner_text())
    expected = [event.title, event.date_label, "; ".join(event.actors), event.category,
                event.source, event.media_caption, event.media_credit,
                *paragraphs(event.description)]
    for text in expected:
        assert squash(text) in shown, (event.id, text)
    hrefs = detail.locator("a[href^=http]").evaluate_all(
        "links => links.map(a => [a.innerText, a.getAttribute('href')])")
    wanted = [[squash(label), url] for label, url in description_links(event.description)]
    wanted.append([squash(event.source), event.source_url])
    # The media: a picture, or any other address as a link named by its host.
    media = media_of(event.media_url)
    if media.kind == "link":
        wanted.append([urlsplit(event.media_url).hostname, event.media_url])
    assert sorted([squash(label), href] for label, href in hrefs) == sorted(wanted)
    assert detail.locator("iframe, audio, video").count() == 0
    image = detail.locator("figure img")
    if media.kind == "image":
        expect(image).to_have_attribute("src", event.media_url)
        expect(image).to_have_attribute("alt", event.media_caption)
    else:
        assert media.kind == "link" and image.count() == 0


def hover_marks(page, graph: str, step: int = 1, picture: bool = False) -> set[str]:
    """Hover each (`step`th) mark; every hover label is an event's title and date, as
    typed. Plotly's chart's, or (`picture`) the embed's picture's (picture.js)."""
    marks = marks_seen(page, f"{graph} .chart-preview .preview-mark" if picture else
                       f"{graph} .scatterlayer .point, {graph} .layer-between path")
    left, top = page.evaluate("() => [scrollX, scrollY]")
    seen = set()
    for x, y, _, _ in marks[::step]:  # each scrolled into view, then hovered
        x, y = x + left, y + top
        scrolled = page.evaluate("(y) => { scrollTo(0, Math.max(0, y - innerHeight / 2));"
                                 " return [scrollX, scrollY]; }", y)
        page.mouse.move(x - scrolled[0], y - scrolled[1])
        label = page.locator(f"{graph} .preview-hover:not([hidden])" if picture else
                             f"{graph} .hoverlayer .hovertext")
        expect(label).to_have_count(1)
        text = squash(label.text_content())
        matches = [t for t in BY_TITLE if text.startswith(t) and
                   text[len(t):].strip() == squash(BY_TITLE[t].date_label)]
        assert len(matches) == 1, text
        seen.add(BY_TITLE[matches[0]].id)
        page.mouse.move(5, 5)
        expect(label).to_have_count(0)
    return seen


def check_chart_text(page, graph: str) -> None:
    """Labels, lane names and era names on the chart are the editors' text."""
    labels = {squash(t) for t in page.locator(f"{graph} .scatterlayer .textpoint text")
              .all_text_contents()}
    # Whole, or shortened at a word to the room there is (label-fit.js): a
    # title's beginning and an ellipsis.
    titles = [squash(t) for t in EVENTS["title"]]
    assert labels and all(
        any(t == label or (label.endswith("…") and t.startswith(label[:-1].rstrip()))
            for t in titles) for label in labels), labels
    lanes = [squash(t) for t in page.locator(f"{graph} .ytick text").all_text_contents()]
    assert sorted(lanes) == sorted(squash(short_label(c)) for c in set(EVENTS["category"]))
    eras = {squash(t) for t in page.locator(f"{graph} .annotation-text").all_text_contents()}
    assert eras == {squash(short_label(t, ERA_LABEL_MAX_CHARS)) for t in RESULT.eras["title"]}


def click_links(page) -> None:
    """Follow the open event's links (its description's and its source's): new tabs."""
    links = page.locator("#event-detail a[href^=http]")
    for index in range(links.count()):
        with page.expect_popup():
            links.nth(index).click()


# Above 50 events the event list draws only the rows in its scroll box (virtual-list.js):
# scroll the box half a box at a time, read each row by its position in the whole.
# Back at the top afterwards, where a reader finds it.
LIST_ROWS = """async () => {
  const box = document.getElementById('event-list').closest('.list-scroll');
  const seen = {};
  for (let top = 0; top <= box.scrollHeight; top += Math.max(1, box.clientHeight / 2)) {
    box.scrollTop = top;
    await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
    for (const row of box.querySelectorAll('#event-list > li[aria-posinset]')) {
      seen[row.getAttribute('aria-posinset')] = {
        size: row.getAttribute('aria-setsize'),
        date: row.querySelector('.list-date').innerText,
        title: row.querySelector('.list-title').innerText};
    }
  }
  box.scrollTop = 0;
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  return seen;
}"""

# If the row at `position` is not drawn, scrolls the list's box down from the top
# until it is.
SHOW_ROW = """async (position) => {
  const box = document.getElementById('event-list').closest('.list-scroll');
  const row = () => box.querySelector(`#event-list > li[aria-posinset="${position}"]`);
  for (let top = 0; !row() && top <= box.scrollHeight;
       top += Math.max(1, box.clientHeight / 2)) {
    box.scrollTop = top;
    await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  }
  return row() !== null;
}"""


def list_rows(page) -> list[dict[str, str]]:
    """Every row of the list, in order, each read while it was drawn; every row
    says it is one of the whole list (aria-setsize), and no position is missing."""
    rows = page.evaluate(LIST_ROWS)
    assert sorted(map(int, rows)) == list(range(1, len(rows) + 1)), sorted(rows)
    assert {row["size"] for row in rows.values()} == {str(len(rows))}
    return [rows[str(position)] for position in range(1, len(rows) + 1)]


def list_titles(page) -> list[str]:
    return [squash(row["title"]) for row in list_rows(page)]


def open_from_list(page, event) -> None:
    """Scroll the event's row into the list's box and click its link, as a reader does."""
    position = event.Index + 1  # the list is in EVENTS' order (check_list)
    assert page.evaluate(SHOW_ROW, position), event.id
    page.locator(f"#event-list > li[aria-posinset='{position}'] a").click()


def check_list(page) -> None:
    rows = list_rows(page)
    assert [squash(row["title"]) for row in rows] == [squash(t) for t in EVENTS["title"]]
    assert [squash(row["date"]) for row in rows] == [squash(t) for t in EVENTS["date_label"]]


# Every ninth event: their panels show every payload (event i shows payloads i to
# i + 8 in its columns; i + 9, in notes, is for editors only).
OPENED = list(EVENTS.itertuples())[::9]
assert {PAYLOADS.index(e.title) for e in OPENED} == set(range(0, len(PAYLOADS), 9))
SEARCH = PAYLOADS[1]  # <img src=x onerror="window.__xss=1">

# The explorer's actor filter, as the embed's for a timeline of more than 30 actors: a
# search box (actor-picker.js) listing the PICKER_OPTIONS most frequent names, and the
# ones typing matches. Every payload is in an actors cell, so the names are payloads and
# their pieces (split at ";"); each one past the first PICKER_OPTIONS (all but the
# "Actor N" ones) is typed, and must then be listed as text.
PICKER_OPTIONS = 20  # actor-picker.js MAX_OPTIONS
ACTORS = actor_names(EVENTS)
TYPED_ACTORS = [name for name in ACTORS[PICKER_OPTIONS:]
                if not re.fullmatch(r"Actor \d+", name)]
assert TYPED_ACTORS, "every hostile name is in the first options: nothing would be typed"
assert len({squash(name) for name in ACTORS}) == len(ACTORS)  # told apart by their text
PICKER_LISTS = """(text) => Array.from(
  document.querySelectorAll('#actor-filter [role=option]'),
  option => option.innerText.replace(/[ \\t\\n\\r\\f]+/g, ' ').trim()).includes(text)"""
CHOSEN_NAMES = """() => Array.from(document.querySelectorAll('#actor-filter .picker-chip'),
                                   button => button.childNodes[1].nodeValue)"""


def check_actor_options(page) -> None:
    search = page.get_by_role("combobox", name="Who")
    search.click()
    options = page.locator("#actor-filter [role=option]")
    expect(options).to_have_count(PICKER_OPTIONS)
    assert [squash(t) for t in options.all_inner_texts()] == [
        squash(a) for a in ACTORS[:PICKER_OPTIONS]]
    by_text = {squash(name): name for name in ACTORS}
    for name in TYPED_ACTORS:
        typed = " ".join(name.split())  # its words, as a reader types them
        search.fill(typed)
        page.wait_for_function(PICKER_LISTS, arg=squash(name))
        texts = [squash(t) for t in options.all_inner_texts()]
        words = normalise_text(typed).split(" ")
        for text in texts:  # only names the typed words match, as text
            assert all(word in normalise_text(by_text[text]) for word in words), text
        assert len(texts) <= PICKER_OPTIONS
    page.keyboard.press("Escape")


# ---------------------------------------------------------------- explorer

def test_the_explorer_shows_every_payload_as_text(new_page, app_url):
    page = new_page()
    page.goto(app_url + "/")
    page.wait_for_selector("html[data-timeline=interactive]", state="attached")
    page.wait_for_selector("#event-list li")
    assert_nothing_ran(page)
    # The literal payload is on screen as text (a title in the list).
    expect(page.locator("#event-list").get_by_text(SEARCH, exact=True).first).to_be_visible()
    assert page.title() == RESULT.title
    expect(page.locator("h1")).to_have_text(squash(RESULT.title))
    expect(page.locator(".subtitle")).to_have_text(squash(RESULT.subtitle))
    check_list(page)
    check_chart_text(page, "#timeline-graph")
    assert hover_marks(page, "#timeline-graph") == set(EVENTS["id"])
    # Both snippets are written in the browser now (timeline-explorer.js), escaped there.
    for snippet_id in ("#embed-snippet", "#embed-loader-snippet"):
        snippet = page.locator(snippet_id).input_value()
        assert f'title="{html.escape(RESULT.title)}"' in snippet, snippet_id

    for event in OPENED:
        open_from_list(page, event)
        check_detail(page, event)
    click_links(page)
    assert_nothing_ran(page)

    check_actor_options(page)
    assert_nothing_ran(page)

    # A link's chosen names are buttons (set in the browser: actor-picker.js sync), whose
    # text is the name: as the data spells it, in the link's order.
    chosen = TYPED_ACTORS[:50]  # a link names 50 actors at most
    page.goto(app_url + "/?" + "&".join("actor=" + quote_plus(n) for n in chosen))
    page.wait_for_selector("html[data-timeline=interactive]", state="attached")
    spelling: dict[str, str] = {}
    for name in ACTORS:
        spelling.setdefault(normalise_text(name), name)
    assert page.evaluate(CHOSEN_NAMES) == list(dict.fromkeys(
        spelling[normalise_text(n)] for n in chosen))
    assert_nothing_ran(page)

    page.goto(app_url + "/?q=" + quote_plus(SEARCH))
    expect(page.locator("#event-count")).to_contain_text(f"matching “{SEARCH}”")
    expect(page.locator("#search")).to_have_value(SEARCH)
    assert SEARCH in list_titles(page)
    assert_nothing_ran(page)

    # In lanes of actors the legend names each colour's category, as text (in lanes
    # of categories the lane names do: check_chart_text).
    page.goto(app_url + "/?lanes=actor")
    page.wait_for_selector("html[data-timeline=interactive]", state="attached")
    # Each category's colour, exact and approximate, and each certainty's shape.
    shapes = [c for c in CERTAINTIES if c and c in set(EVENTS["certainty"])]
    expect(page.locator("#timeline-legend li")).to_have_count(
        len(set(EVENTS["category"])) + 2 + len(shapes))
    legend = squash(page.locator("#timeline-legend").inner_text())
    assert all(squash(c) in legend for c in EVENTS["category"])
    assert_nothing_ran(page)


# ------------------------------------------------------------ embed, export

def test_the_picture_of_the_chart_shows_every_payload_as_text(new_page, embed_url):
    """The SVG picture in the page's HTML, and its hover labels (picture.js), until
    Plotly's chart replaces it."""
    page = new_page()
    page.goto(embed_url, wait_until="commit")
    preview = page.locator(".chart-preview")
    expect(preview).to_be_visible()
    texts = {squash(t) for t in preview.locator("text").all_text_contents()}
    assert {squash(short_label(c)) for c in set(EVENTS["category"])} <= texts
    assert texts & {squash(short_label(t)) for t in EVENTS["title"]}  # the labels
    assert_nothing_ran(page)
    page.wait_for_selector("html[data-timeline=interactive]", state="attached")
    assert hover_marks(page, "#timeline-graph", picture=True) == set(EVENTS["id"])
    assert_nothing_ran(page)
    plotly_chart(page)
    assert_nothing_ran(page)


def test_the_embed_and_the_export_show_every_payload_as_text(new_page, embed_url):
    page = new_page()
    page.goto(embed_url)
    plotly_chart(page)  # Plotly's chart, as a reader brings it
    page.locator(".list-summary").click()  # the list, folded in the embed
    expect(page.locator("#event-list li").first).to_be_visible()
    assert_nothing_ran(page)
    expect(page.locator("#event-list").get_by_text(SEARCH, exact=True).first).to_be_visible()
    assert page.title() == RESULT.title
    expect(page.locator("h1")).to_have_text(squash(RESULT.title))
    check_list(page)
    check_chart_text(page, "#timeline-graph")
    assert hover_marks(page, "#timeline-graph") == set(EVENTS["id"])

    page.locator("#filters summary").click()
    labels = [squash(t) for t in page.locator("#category-filter label").all_inner_texts()]
    assert sorted(labels) == sorted(squash(c) for c in set(EVENTS["category"]))

    for event in OPENED:
        open_from_list(page, event)
        check_detail(page, event)
    click_links(page)
    assert_nothing_ran(page)

    page.locator("#lane-switch input[value=actor]").check()
    page.wait_for_function("() => document.getElementById('timeline-graph')"
                           ".layout.yaxis.ticktext.includes('Actor 0')")
    lanes = {squash(t) for t in page.locator("#timeline-graph .ytick text").all_text_contents()}
    assert lanes == {squash(short_label(a)) for a in actor_names(EVENTS)}
    assert_nothing_ran(page)

    page.goto(embed_url + "?list=open&q=" + quote_plus(SEARCH))
    expect(page.locator("#event-count")).to_contain_text(f"matching “{SEARCH}”")
    expect(page.locator("#search")).to_have_value(SEARCH)
    assert SEARCH in list_titles(page)
    assert_nothing_ran(page)


def test_the_embed_s_actor_search_shows_every_payload_as_text(new_page, embed_url):
    """Too many actors for a checkbox each: the search box (actor-picker.js) lists
    names as text, and a link's chosen names are buttons whose text is the name
    (one per name as the filter folds them, spelt as the data first spells it)."""
    names = actor_names(EVENTS)
    spelling: dict[str, str] = {}
    for name in names:
        spelling.setdefault(normalise_text(name), name)
    page = new_page()
    page.goto(embed_url)
    page.wait_for_selector("html[data-timeline=interactive]", state="attached")
    page.locator("#filters summary").click()
    page.get_by_role("combobox", name="Who").click()  # lists the first 20 names
    options = page.locator("#actor-filter [role=option]")
    expect(options).to_have_count(20)
    assert [squash(t) for t in options.all_inner_texts()] == [squash(n) for n in names[:20]]
    assert_nothing_ran(page)
    for first in range(0, len(names), 50):  # a link names 50 actors at most
        chosen = names[first:first + 50]
        page.goto(embed_url + "?" + "&".join("actor=" + quote_plus(n) for n in chosen))
        page.wait_for_selector("html[data-timeline=interactive]", state="attached")
        shown = page.evaluate("""() => Array.from(
            document.querySelectorAll('#actor-filter .picker-chip'),
            button => button.childNodes[1].nodeValue)""")
        assert shown == list(dict.fromkeys(spelling[normalise_text(n)] for n in chosen))
        assert_nothing_ran(page)


# ------------------------------------------------------------------- editor

INVALID = csv_bytes(payload_rows() + invalid_rows())
SHIFTED = csv_bytes(payload_rows(shift=7))  # every text changed: a diff full of payloads
assert load_events_from_bytes(SHIFTED).report.ok
assert not load_events_from_bytes(INVALID).report.ok


@pytest.fixture(scope="module")
def editor_site(tmp_path_factory):
    path = tmp_path_factory.mktemp("editor") / "events.csv"
    path.write_bytes(VALID)
    with serving(create_app(Config(data_path=path, edit_secret=SECRET)).server) as url:
        # The app never starts on a file with errors; it breaks afterwards, and the
        # editor shows the file as it is (readers keep the last good version).
        path.write_bytes(INVALID)
        time.sleep(0.5)  # past the data store's settle time
        yield url, path


# The grid draws only the rows in view: scroll it, read each row by its index.
READ_ROWS = """() => {
  // `id` and `title` are pinned left: a row's cells are in two containers.
  const rows = {};
  for (const row of document.querySelectorAll('#edit-grid .ag-row')) {
    const cells = rows[row.getAttribute('row-index')] ||= {};
    for (const cell of row.querySelectorAll('[col-id]')) {
      cells[cell.getAttribute('col-id')] = cell.textContent;
    }
  }
  return rows;
}"""


def show_row(page, index: int) -> None:
    page.wait_for_function("""(i) => {
        let grid;
        try { grid = dash_ag_grid.getApi('edit-grid'); } catch (notYet) { return false; }
        grid.ensureIndexVisible(i, 'top');
        grid.flushAllAnimationFrames();
        return true;
    }""", arg=index)
    page.locator(f"#edit-grid .ag-center-cols-container .ag-row[row-index='{index}']") \
        .wait_for()


def grid_cells(page, count: int) -> dict[int, dict[str, str]]:
    rows: dict[int, dict[str, str]] = {}
    for index in range(0, count, 20):
        show_row(page, index)
        rows.update({int(i): cells for i, cells in page.evaluate(READ_ROWS).items()})
    return rows


def grid_cell(page, index: int, column: str):
    show_row(page, index)
    return page.locator(f"#edit-grid .ag-row[row-index='{index}'] [col-id='{column}']")


def diff_cells(old: bytes, new: bytes) -> tuple[list[str], list[str]]:
    """What the page's diff shows: the table's cells, and the added and removed rows."""
    diff = diff_versions(old, new)
    fields = [(change.key, field) for change in diff.changed for field in change.fields]
    cells = [squash(text) for key, field in fields[:MAX_DIFF_ROWS]  # the page shows these
             for text in (key, field.column, field.old, field.new)]
    rows = [squash(f"{key}: {title}") for key, title in (*diff.added, *diff.removed)]
    return cells, rows


def check_diff(page, selector: str, old: bytes, new: bytes) -> None:
    cells, rows = diff_cells(old, new)
    assert cells
    expect(page.locator(f"{selector} td").first).to_be_visible()
    assert [squash(t) for t in page.locator(f"{selector} td").all_inner_texts()] == cells
    assert sorted(squash(t) for t in page.locator(f"{selector} li").all_inner_texts()) == \
        sorted(rows)


def test_the_editor_shows_every_payload_and_every_refused_cell_as_text(new_page, editor_site,
                                                                      tmp_path):
    url, path = editor_site
    page = new_page(width=3800, height=1600)  # every column drawn at once
    page.goto(url + "/edit/")
    page.fill("#name", "Test editor")
    page.fill("#secret", SECRET)
    page.click("button[type=submit]")
    # The editor's page is the heaviest (ag-grid, the full plotly.js): on two busy
    # cores its first rows took over 10 s once (CI, 4 December).
    expect(page.locator("#edit-grid .ag-row").first).to_be_visible(timeout=30_000)
    table = table_from_bytes(INVALID, path.name)
    assert_nothing_ran(page)
    # Readers still see the last good version, whose title row names the timeline.
    expect(page.locator("h1")).to_have_text(squash(f"Edit: {RESULT.title}"))

    cells = grid_cells(page, len(table.rows))
    assert sorted(cells) == list(range(len(table.rows)))
    for index, row in enumerate(table.rows):
        for column in table.file_format.columns:
            assert squash(cells[index][column]) == squash(row[column]), (index, column)
    problems = [squash(t) for t in page.locator("#edit-problems li").all_inner_texts()]
    assert problems == [squash(line) for line in table.report.format_lines(path.name)]

    # Every refused cell's tooltip: the validator's words, quoting the payload as text.
    refused = 0
    for index, row in enumerate(table.rows):
        for column, message in row[PROBLEMS_KEY].items():
            target = grid_cell(page, index, column if column in row else "__line")
            if not message.startswith("error"):
                continue  # warnings mark valid cells, whose text is checked above
            refused += 1
            expect(target).to_have_class(re.compile("cell-error"))
            target.hover()
            # The tooltip that is showing (the one it replaces may still be fading out).
            expect(page.locator(".ag-tooltip:not(.ag-tooltip-hiding)").last).to_have_text(
                squash(message))
    assert refused == sum(problem.is_error for problem in table.report.problems)
    check_chart_text(page, "#edit-preview")
    assert len(hover_marks(page, "#edit-preview", step=9)) == len(OPENED)
    assert_nothing_ran(page)

    upload = tmp_path / "shifted.csv"
    upload.write_bytes(SHIFTED)
    page.set_input_files("#edit-upload input[type=file]", str(upload))
    # A diff full of payloads takes Dash's renderer many seconds to draw on busy cores.
    expect(page.locator("#edit-upload-plan")).to_contain_text("Update and add by id",
                                                              timeout=60_000)
    page.click("#edit-upload-replace")
    expect(page.locator("#edit-upload-plan")).to_contain_text("Replace everything",
                                                              timeout=60_000)
    check_diff(page, "#edit-upload-plan", INVALID, SHIFTED)
    assert_nothing_ran(page)
    page.once("dialog", lambda dialog: dialog.accept())  # it removes most rows: asked twice
    page.click("#edit-upload-confirm")  # the page reloads with the new file
    expect(page.locator("#edit-status")).to_contain_text("Replaced the data", timeout=30_000)

    # A payload typed into a cell, then saved: the history diff shows the old and new text.
    # (The history could show the upload's diff too, but Dash's renderer takes 10-30 s to
    # draw that one in the history panel on two busy cores; the upload preview drew it.)
    target = grid_cell(page, 0, "title")
    target.dblclick()
    editor = page.locator("#edit-grid .ag-cell-inline-editing input").first
    editor.fill(PAYLOADS[20])
    editor.press("Enter")
    expect(grid_cell(page, 0, "title")).to_have_text(PAYLOADS[20])
    # The preview redrawn with the new title (escaped for Plotly) after the check.
    page.wait_for_function("""(title) => document.querySelector('#edit-preview .js-plotly-plot')
        .data.some(trace => (trace.customdata || []).some(
            row => row[0] === 'xss-01' && row[1] === title))""",
                           arg=html.escape(PAYLOADS[20], quote=False))
    expect(page.locator("#edit-problems")).to_contain_text("can be saved")
    page.click("#edit-save")
    expect(page.locator("#edit-status")).to_contain_text("Saved version")
    saved = path.read_bytes()
    assert table_from_bytes(saved).rows[0]["title"] == PAYLOADS[20]
    versions = page.locator("#edit-history-list button.history-version")
    # The save, the upload, and the file before it (by nobody named).
    expect(versions).to_have_count(3)
    # The upload's entry names the title rows it added and removed by their payloads.
    assert squash(f"(title row '{RESULT.title}'") in squash(versions.nth(1).inner_text())
    versions.nth(1).click()
    check_diff(page, "#edit-history-diff", SHIFTED, saved)
    assert_nothing_ran(page)
