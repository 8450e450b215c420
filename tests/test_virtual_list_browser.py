"""The event list that holds only what is on screen (timeline/engine/web/virtual-list.js), in Chromium.

A page of its own: the repository's virtual-list.js and assets/style.css inlined, a
heading and a paragraph tall enough to put the list below the fold (so scrolling the
page by mistake shows), and rows drawn as the pages draw them (a link with a date, a
title and sometimes a badge). Item i's title is `title_of(i)` on both sides.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from browser import accessibility_violations, record_problems
from timeline.config import REPOSITORY

pytestmark = pytest.mark.browser
expect.set_options(timeout=10_000)

SCRIPT = (REPOSITORY / "timeline" / "engine" / "web" / "virtual-list.js").read_text(encoding="utf-8")
STYLE = (REPOSITORY / "assets" / "style.css").read_text(encoding="utf-8")
LONG_WORDS = " ".join(["a title long enough to need more than two lines even in the widest list,",
                       "so the row must clamp it rather than grow taller than the others"] * 3)

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>The event list</title><style>%(style)s</style></head>
<body><main class="page">
<h1>A timeline</h1>
<p style="min-height: 110vh">The chart would stand here, taller than the window.</p>
<section class="list-section" aria-label="Event list">
  <h2 class="list-heading">Events in date order</h2>
  <ol id="event-list" class="event-list"></ol>
</section>
<p>After the list.</p>
</main>
<script>%(script)s</script>
<script>
  var LONG_WORDS = %(long)s;
  function titleOf(i) { return "Event " + (i + 1) + (i %% 7 === 3 ? ": " + LONG_WORDS : ""); }
  window.renders = 0;
  window.renderRow = function (item, index) {
      window.renders++;
      var link = document.createElement("a");
      link.className = "list-link";
      link.href = "?event=" + item.id;
      var date = document.createElement("span");
      date.className = "list-date";
      date.textContent = item.date;
      var title = document.createElement("span");
      title.className = "list-title";
      title.textContent = item.title;
      link.append(date, title);
      if (index %% 5 === 0) {
        var badge = document.createElement("span");
        badge.className = "badge badge-alleged";
        badge.textContent = "alleged";
        link.append(badge);
      }
      return link;
  };
  window.list = TimelineList.create(document.getElementById("event-list"),
                                    { renderRow: renderRow });
  window.itemsOf = function (count) {
    var items = new Array(count);
    for (var i = 0; i < count; i++) {
      items[i] = { id: "e" + i, date: (i %% 28 + 1) + " March 2024", title: titleOf(i) };
    }
    return items;
  };
  window.show = function (count, selected) {
    window.items = itemsOf(count);
    list.update(window.items, selected);
  };
</script>
</body></html>
"""

# Where every drawn row is, in px from the top of the box's visible area, and the box.
WINDOW_STATE = """() => {
  const box = list.element, edge = box.getBoundingClientRect().top + box.clientTop;
  const rows = [...document.querySelectorAll('#event-list > li')].map(li => {
    const at = li.getBoundingClientRect();
    return { position: +li.getAttribute('aria-posinset'), size: +li.getAttribute('aria-setsize'),
             title: li.querySelector('.list-title').textContent,
             current: li.getAttribute('aria-current'),
             top: at.top - edge, bottom: at.bottom - edge };
  });
  return { rows, height: box.clientHeight, scrollTop: box.scrollTop,
           scrollHeight: box.scrollHeight, pageY: window.scrollY,
           elements: document.getElementsByTagName('*').length };
}"""


def title_of(index: int) -> str:
    return f"Event {index + 1}" + (f": {LONG_WORDS}" if index % 7 == 3 else "")


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = record_problems(context.new_page())
    page.set_content(PAGE % {"style": STYLE, "script": SCRIPT, "long": repr(LONG_WORDS)})
    yield page
    assert page.problems == []
    context.close()


def show(page, count: int, selected: int = -1) -> dict:
    page.evaluate("([count, selected]) => show(count, selected)", [count, selected])
    return window_state(page)


def window_state(page) -> dict:
    return page.evaluate(WINDOW_STATE)


def scroll_box(page, scroll_top: float) -> dict:
    """Scrolls the list's box and returns the rows once its scroll event has been
    handled (the list's own listener was added first, so it has drawn by then)."""
    page.evaluate("""(top) => new Promise(done => {
        const box = list.element;
        box.addEventListener('scroll', () => done(), { once: true });
        box.scrollTop = top;
    })""", scroll_top)
    return window_state(page)


def drawn_rows_are_the_items_and_fill_the_box(state: dict, count: int) -> list[dict]:
    """The rows drawn are consecutive items with their own titles and places, laid
    edge to edge, and cover the box's visible area (no gap where a row is missing)."""
    rows = state["rows"]
    assert rows, "no row drawn"
    positions = [row["position"] for row in rows]
    assert positions == list(range(positions[0], positions[0] + len(rows)))
    assert {row["size"] for row in rows} == {count}
    assert [row["title"] for row in rows] == [title_of(p - 1) for p in positions]
    for above, below in zip(rows, rows[1:]):
        assert below["top"] == pytest.approx(above["bottom"], abs=0.5)
    seen = [row for row in rows if row["bottom"] > 0 and row["top"] < state["height"]]
    assert seen[0]["top"] <= 0.5 and seen[-1]["bottom"] >= state["height"] - 0.5, seen
    return seen


def test_a_long_list_holds_only_the_rows_in_its_box(page):
    state = show(page, 100_000)
    assert state["elements"] < 5_000
    assert len(state["rows"]) < 40
    seen = drawn_rows_are_the_items_and_fill_the_box(state, 100_000)
    assert seen[0]["position"] == 1
    # The scroll bar is true: the box scrolls over every row's height.
    row_height = seen[0]["bottom"] - seen[0]["top"]
    assert state["scrollHeight"] == pytest.approx(100_000 * row_height, abs=2)
    box = page.locator(".list-scroll")
    expect(box).to_have_attribute("role", "region")
    expect(box).to_have_attribute("tabindex", "0")
    expect(box).to_have_attribute("aria-label", "Scrollable event list")
    assert page.evaluate("getComputedStyle(list.element).overflowY") == "auto"


def test_an_update_and_a_scroll_build_only_the_rows_in_the_window(page):
    page.evaluate("() => { window.big = itemsOf(100000); }")
    before = page.evaluate("renders")
    page.evaluate("list.update(big, -1)")
    drawn_by_update = page.evaluate("renders") - before
    state = scroll_box(page, 3_000_000)
    drawn_by_scroll = page.evaluate("renders") - before - drawn_by_update
    # Two passes at most on the first update (the estimate, then the measured height).
    assert 0 < drawn_by_update <= 2 * len(state["rows"]) < 80
    assert 0 < drawn_by_scroll <= len(state["rows"]) < 40


def test_scrolling_to_the_middle_draws_the_rows_there(page):
    first = show(page, 100_000)
    middle = scroll_box(page, (first["scrollHeight"] - first["height"]) / 2)
    seen = drawn_rows_are_the_items_and_fill_the_box(middle, 100_000)
    assert seen[0]["position"] <= 50_000 <= seen[-1]["position"]
    # A small step keeps the rows still in sight (and a link there keeps its focus).
    assert middle["pageY"] == first["pageY"] == 0
    # A small step keeps the rows still in sight (and a link there keeps its focus).
    page.locator(f"#event-list li[aria-posinset='{seen[1]['position']}'] a").focus()
    page_y = window_state(page)["pageY"]  # focusing brought the list on screen
    step = scroll_box(page, middle["scrollTop"] + 30)
    drawn_rows_are_the_items_and_fill_the_box(step, 100_000)
    assert page.evaluate("document.activeElement.closest('li').getAttribute('aria-posinset')") \
        == str(seen[1]["position"])
    assert step["pageY"] == page_y


def test_a_million_items_scroll_from_end_to_end(page):
    # Past browsers' element heights the scroll range stands for the list, scaled.
    first = show(page, 1_000_000)
    assert first["elements"] < 5_000
    assert first["height"] < first["scrollHeight"] <= 10_000_000 + 2
    end = first["scrollHeight"] - first["height"]
    for scroll_top in [40, 300, 1000, end / 4, end / 2, end - 1000, end - 300, end - 40, end]:
        state = scroll_box(page, scroll_top)
        seen = drawn_rows_are_the_items_and_fill_the_box(state, 1_000_000)
        if scroll_top in (end / 4, end / 2):
            # Where the scroll bar says, give or take the few dozen rows that the
            # unscaled edges (a few rows each) stand for at this scale.
            expected = 1_000_000 * scroll_top / end
            assert abs(seen[0]["position"] - expected) < 100, (scroll_top, seen[0]["position"])
    assert seen[-1]["position"] == 1_000_000
    assert seen[-1]["bottom"] == pytest.approx(state["height"], abs=0.5)
    state = scroll_box(page, 0)
    assert drawn_rows_are_the_items_and_fill_the_box(state, 1_000_000)[0]["top"] == 0


def test_a_selection_far_down_is_scrolled_into_view_in_the_box_only(page):
    first = show(page, 100_000)
    assert first["pageY"] == 0  # the list is below the fold
    page.evaluate("list.update(items, 87654)")
    state = window_state(page)
    seen = drawn_rows_are_the_items_and_fill_the_box(state, 100_000)
    selected = [row for row in state["rows"] if row["current"] == "true"]
    assert [row["position"] for row in selected] == [87_655]
    assert selected[0] in seen and selected[0]["top"] >= 0
    assert selected[0]["bottom"] <= state["height"] + 0.5
    assert state["pageY"] == 0
    # The same selection again (any redraw of the page) leaves the reader's scrolling be.
    scroll_box(page, 1000)
    page.evaluate("list.update(items, 87654)")
    assert window_state(page)["scrollTop"] == 1000
    # A selection above the window is brought in at the box's top.
    page.evaluate("list.update(items, 2)")
    state = window_state(page)
    selected = [row for row in state["rows"] if row["current"] == "true"]
    assert [row["position"] for row in selected] == [3]
    assert selected[0]["top"] == pytest.approx(0, abs=0.5)
    assert state["pageY"] == 0


def test_scroll_to_index_shows_that_row(page):
    show(page, 100_000)
    page.evaluate("list.scrollToIndex(64000)")
    state = window_state(page)
    seen = drawn_rows_are_the_items_and_fill_the_box(state, 100_000)
    assert seen[-1]["position"] == 64_001
    assert seen[-1]["bottom"] == pytest.approx(state["height"], abs=0.5)
    assert state["pageY"] == 0


def test_a_short_list_is_drawn_whole(page):
    state = show(page, 27, 4)
    assert [row["position"] for row in state["rows"]] == list(range(1, 28))
    assert {row["size"] for row in state["rows"]} == {27}
    assert [row["title"] for row in state["rows"]] == [title_of(i) for i in range(27)]
    assert [row["current"] for row in state["rows"]].count("true") == 1
    assert state["rows"][4]["current"] == "true"
    assert state["scrollHeight"] == state["height"]  # no scroll bar of its own
    # Not a region of its own, nor a tab stop: nothing in it scrolls.
    assert page.evaluate("""() => ['role', 'tabindex', 'aria-label']
        .map(name => list.element.getAttribute(name))""") == [None, None, None]
    # Full titles, not clamped to two lines.
    long_title = page.locator("#event-list li[aria-posinset='4'] .list-title")
    assert long_title.evaluate("t => t.scrollHeight <= t.clientHeight + 1")


def test_a_long_list_then_a_short_one(page):
    middle = show(page, 100_000)
    scroll_box(page, middle["scrollHeight"] / 2)
    page.evaluate("list.update(items.slice(0, 60), -1)")
    state = window_state(page)
    seen = drawn_rows_are_the_items_and_fill_the_box(state, 60)
    assert seen[-1]["position"] == 60
    page.evaluate("list.update(items.slice(0, 27), -1)")
    state = window_state(page)
    assert [row["position"] for row in state["rows"]] == list(range(1, 28))
    assert page.evaluate("list.element.previousElementSibling.textContent") == \
        "Events in date order"
    assert page.evaluate("document.getElementById('event-list').style.paddingTop") == ""
    page.evaluate("list.update([], -1)")
    assert window_state(page)["rows"] == []


@pytest.mark.parametrize("count", [27, 100_000])
def test_axe_finds_no_violation(page, count):
    show(page, count, min(count - 1, 12))
    assert accessibility_violations(page) == []


def test_the_box_is_reached_and_scrolled_by_keyboard(page):
    show(page, 100_000)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement === list.element")
    page_y = window_state(page)["pageY"]
    # Chromium animates a key's scroll: a key pressed before the animation has
    # ended adds to its target (past the end here) rather than to where it is.
    page.evaluate("""() => { window.scrollEnded = new Promise(done =>
        list.element.addEventListener('scrollend', done, { once: true })); }""")
    page.keyboard.press("End")
    page.wait_for_function("""() => {
        const last = document.querySelector('#event-list li[aria-posinset="100000"]');
        const box = list.element.getBoundingClientRect();
        return last && Math.abs(last.getBoundingClientRect().bottom - box.bottom
                                + list.element.clientTop) < 1;
    }""")
    state = window_state(page)
    drawn_rows_are_the_items_and_fill_the_box(state, 100_000)
    assert state["pageY"] == page_y
    page.evaluate("window.scrollEnded")
    page.keyboard.press("PageUp")
    page.wait_for_function(f"list.element.scrollTop < {state['scrollTop']}")
    assert window_state(page)["pageY"] == page_y


def test_focus_on_a_row_that_scrolls_away_stays_in_the_list(page):
    state = show(page, 100_000)
    page.locator("#event-list li[aria-posinset='3'] a").focus()
    scroll_box(page, state["scrollHeight"] / 2)
    assert page.evaluate("document.activeElement === list.element")
    # A redraw of the same rows (the page redraws on a click) gives the row its focus back.
    page.locator("#event-list li a").nth(6).focus()
    position = page.evaluate("document.activeElement.closest('li').getAttribute('aria-posinset')")
    page.evaluate("list.update(items, -1)")
    assert page.evaluate("document.activeElement.closest('li').getAttribute('aria-posinset')") \
        == position


@pytest.mark.parametrize("width", [320, 760, 1280])
def test_rows_are_one_height_at_every_width(page, width):
    page.set_viewport_size({"width": width, "height": 640})
    state = show(page, 100_000)
    heights = {round(row["bottom"] - row["top"], 1) for row in state["rows"]}
    assert len(heights) == 1, heights
    assert state["scrollHeight"] == pytest.approx(100_000 * heights.pop(), abs=2)
    clamped = page.locator("#event-list li[aria-posinset='4'] .list-title")
    assert clamped.evaluate("t => t.scrollHeight > t.clientHeight")  # two lines, not more
    assert page.evaluate("list.element.scrollWidth <= list.element.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_a_list_drawn_while_hidden_is_measured_and_shows_its_selection_once_shown(page):
    # A wrong estimate of the rows' height, and no layout to measure them in yet.
    page.evaluate("""() => {
        list.destroy();
        document.querySelector('.list-section').style.display = 'none';
        window.list = TimelineList.create(document.getElementById('event-list'),
                                          { renderRow: renderRow, rowHeight: 30 });
        window.items = itemsOf(100000);
        list.update(items, 4321);
    }""")
    page.evaluate("document.querySelector('.list-section').style.display = ''")
    page.wait_for_function("""() => {
        const row = document.querySelector('#event-list li[aria-current="true"]');
        const box = list.element.getBoundingClientRect();
        return row && row.getBoundingClientRect().top >= box.top
            && row.getBoundingClientRect().bottom <= box.bottom;
    }""")
    state = window_state(page)
    seen = drawn_rows_are_the_items_and_fill_the_box(state, 100_000)
    assert 4_322 in [row["position"] for row in seen]
    assert state["scrollHeight"] == pytest.approx(100_000 * (seen[0]["bottom"] - seen[0]["top"]),
                                                  abs=2)
