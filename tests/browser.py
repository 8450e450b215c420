"""Fixtures for browser tests: the app or a folder served on loopback, and Debian's Chromium.

The browser must start: a test that cannot launch it fails rather than skips,
so CI can never pass without having run the browser tests.
"""
from __future__ import annotations

import functools
import http.server
import shutil
import threading
from contextlib import contextmanager
from importlib.resources import files

from playwright.sync_api import sync_playwright
from werkzeug.serving import WSGIRequestHandler, make_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Without the network flags Chromium floods this machine's closed network.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


class QuietHandler(WSGIRequestHandler):
    """Requests are not logged: test and benchmark output stays readable."""

    def log_request(self, *args, **kwargs) -> None:
        pass


class QuietFileHandler(http.server.SimpleHTTPRequestHandler):
    """Python's plain file server, unlogged: no app, no compression, just files."""

    def log_message(self, *args) -> None:
        pass


@contextmanager
def _in_a_thread(server):
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


def serving(wsgi_app):
    """Serve a WSGI app on a free loopback port; yields its base URL."""
    return _in_a_thread(make_server("127.0.0.1", 0, wsgi_app, threaded=True,
                                    request_handler=QuietHandler))


def serving_files(folder, handler=QuietFileHandler):
    """Serve a folder (a static export) on a free loopback port; yields its base URL."""
    return _in_a_thread(http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(folder))))


@contextmanager
def serving_embed(kind: str, config, folder, **export_options):
    """The embed of `config`'s data; yields its address: the app's /embed ("app"), or
    index.html of a static export written to `folder` and served as plain files
    ("static")."""
    # Imported here: the other helpers serve anything, not only this app.
    from datetime import date

    from timeline.app_factory import create_app
    from timeline.data_store import snapshot_of
    from timeline.embed.static_export import export_static
    if kind == "app":
        with serving(create_app(config).server) as url:
            yield url + "/embed"
    else:
        export_static(snapshot_of(config.data_path.read_bytes(), "events.csv"), folder, config,
                      date.today(), **export_options)
        with serving_files(folder) as url:
            yield url + "/index.html"


@contextmanager
def chromium():
    """A headless Chromium; Playwright gives each launch a fresh, temporary profile."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def record_problems(page, *, console_errors: bool = True, failed_responses: bool = False):
    """Collect what went wrong in `page` into `page.problems` (tests assert it stays
    empty): script errors always, console errors and 4xx/5xx answers if asked."""
    page.problems = []
    page.on("pageerror", lambda error: page.problems.append(f"page error: {error}"))
    if console_errors:
        page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
    if failed_responses:
        page.on("response", lambda r: r.status >= 400 and
                page.problems.append(f"{r.status} {r.url}"))
    return page


# Every event mark Plotly draws: its points (labelled marks) and the embed's dots
# (bare marks, drawn as path shapes in the "between" layer: figure-packing.js).
DRAWN_MARKS = "#timeline-graph .scatterlayer .point, #timeline-graph .layer-between path"


def marks_seen(page, selector: str) -> list[tuple[float, float, str, str]]:
    """Each mark in elements matching `selector` as (x, y, fill, ring): its
    centre in the viewport, its colours as the browser computes them, read in
    the next frame a reader sees (a frame waits for the style sheet, which a
    read before it would not). A path of dots (figure-packing.js dotShapes)
    holds several marks, one per "M x,y Z"; a dot drawn over another at the
    same place is its fill, the one under it its ring."""
    return [tuple(mark) for mark in page.evaluate("""(selector) => new Promise(resolve =>
      requestAnimationFrame(() => {
        const marks = [], dots = new Map();
        for (const element of document.querySelectorAll(selector)) {
          const style = getComputedStyle(element);
          const path = element.getAttribute('d') || '';
          if (element.closest('.layer-between')) {
            const toPage = element.getScreenCTM();
            for (const [, x, y] of path.matchAll(/M([-\\d.]+),([-\\d.]+)Z/g)) {
              const at = new DOMPoint(+x, +y).matrixTransform(toPage);
              const key = at.x.toFixed(1) + ',' + at.y.toFixed(1);
              const mark = dots.get(key) || [at.x, at.y, style.stroke, style.stroke];
              if (dots.has(key)) { mark[2] = style.stroke; }
              dots.set(key, mark);
            }
          } else {
            const box = element.getBoundingClientRect();
            marks.push([box.x + box.width / 2, box.y + box.height / 2, style.fill, style.stroke]);
          }
        }
        resolve(marks.concat(Array.from(dots.values())));
      }))""", selector)]


def accessibility_violations(page, within: list[str] | None = None,
                             also: tuple[str, ...] = ()) -> list[str]:
    """axe-core's violations on the page as it stands (or in the elements the CSS
    selectors `within` match), one line each (rule, impact, the elements), by
    axe's default rules (WCAG A and AA, and best practice) and the rules `also`
    names that axe leaves off by default (WCAG 2.2's `target-size`).
    axe.min.js comes from the pinned axe-playwright-python package: nothing is fetched."""
    page.evaluate(files("axe_playwright_python").joinpath("axe.min.js").read_text("utf-8"))
    return page.evaluate("""([within, also]) => axe.run(
        within ? { include: within.map(s => [s]) } : document,
        { resultTypes: ['violations'],
          rules: Object.fromEntries(also.map(rule => [rule, { enabled: true }])) })
      .then(results => results.violations.map(v =>
        v.id + ' (' + v.impact + '): ' + v.nodes.map(n => n.target.join(' ')).join(', ')))""",
                         [within, list(also)])


def plotly_chart(page) -> None:
    """Plotly's chart in place of the page's picture of it, brought as a reader
    brings it: the embed and the export load plotly.js when a reader needs it
    (timeline/engine/web/picture.js), and opening the Filters says a filter is coming.
    They are closed again once it is drawn, so the chart is where it was."""
    page.wait_for_selector("html[data-timeline=interactive]", state="attached")
    summary = page.locator("#filters summary")
    if not page.locator("#filters").evaluate("(filters) => filters.open"):
        summary.click()
        page.wait_for_selector(".chart-preview", state="detached")
        summary.click()
    page.wait_for_selector(DRAWN_MARKS, state="attached")
    page.wait_for_selector(".chart-preview", state="detached")


def swipe(page, selector: str, dx: float, dy: float = 0) -> None:
    """A one-finger swipe across `selector`, as a phone's touch screen sends it."""
    page.locator(selector).scroll_into_view_if_needed()
    box = page.locator(selector).bounding_box()
    x, y = box["x"] + box["width"] / 2 - dx / 2, box["y"] + min(box["height"] / 2, 60)
    cdp = page.context.new_cdp_session(page)
    steps = 6
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for n in range(1, steps + 1):
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [
            {"x": x + dx * n / steps, "y": y + dy * n / steps}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


@contextmanager
def scripts_on_a_blank_page(browser, title: str, scripts):
    """A blank page with `scripts` (paths) loaded, to call their pure functions
    from a test; no script error may happen on it."""
    context = browser.new_context()
    page = record_problems(context.new_page())
    page.set_content(f"<!doctype html><title>{title}</title>")
    for script in scripts:
        page.add_script_tag(path=str(script))
    try:
        yield page
        assert page.problems == []
    finally:
        context.close()


# Every mark on Plotly's chart: its events, where it is on the page, its hover
# lines and whether it is labelled.
CHART_MARKS = """() => {
    const graph = document.getElementById('timeline-graph'), layout = graph._fullLayout;
    const box = graph.querySelector('.nsewdrag').getBoundingClientRect();
    return graph.data.filter((t) => t.mode !== 'lines' && t.customdata && t.name !== 'selected')
        .flatMap((t) => t.customdata.map((c, i) => ({
            ids: TimelineFigurePacking.markIds(c), hover: [c[1], c[2]],
            labelled: t.mode === 'markers+text',
            x: box.x + layout.xaxis.d2p(t.x[i]), y: box.y + layout.yaxis.d2p(t.y[i])})));
}"""


def zoom_to(page, first: str, last: str, *, with_labels: bool = False) -> None:
    """A reader's zoom, as Plotly's zoom box and buttons make it, once the chart
    is redrawn at it (and has labels again, if asked)."""
    page.evaluate("([first, last]) => Plotly.relayout(document.getElementById('timeline-graph'),"
                  " {'xaxis.range': [first, last]})", [first, last])
    page.wait_for_function("(zoom) => location.search.includes(zoom)", arg=f"zoom={first}..{last}")
    page.wait_for_function("""([first, withLabels]) => {
        const graph = document.getElementById('timeline-graph');
        return String(graph.layout.xaxis.range[0]).startsWith(first)
            && (!withLabels || graph.data.some((t) => t.mode === 'markers+text'));
    }""", arg=[first, with_labels])


def type_into(page, target, text: str) -> None:
    """Type `text` into an editor's grid cell as an editor does: open it, fill it,
    end the edit (Enter; in a long text's box, where Enter is a new line, Ctrl+Enter)."""
    target.dblclick()
    editor = page.locator("#edit-grid .ag-cell-inline-editing input, "
                          "#edit-grid .ag-cell-inline-editing textarea, "
                          ".ag-popup-editor textarea").first
    editor.fill(text)
    long_text = editor.evaluate("(box) => !!box.closest('.ag-popup-editor')")
    editor.press("Control+Enter" if long_text else "Enter")


def grid_cell(page, row_id_value: str, column: str):
    """The editor's grid cell in `column` of the row whose id is `row_id_value`,
    scrolled into view (the grid draws only the rows and columns in view). `id`
    and `title` are pinned left, the others in the centre: one cell either way."""
    index = page.evaluate("""([id, column]) => {
        const api = dash_ag_grid.getApi('edit-grid');
        let found = null;
        api.forEachNodeAfterFilterAndSort((node) => {
            if (found === null && node.data.id === id) { found = node; }
        });
        if (found === null) { return null; }
        api.ensureNodeVisible(found);
        api.ensureColumnVisible(column);
        return found.rowIndex;
    }""", [row_id_value, column])
    assert index is not None, f"no row {row_id_value}"
    return page.locator(f"#edit-grid .ag-row[row-index='{index}'] [col-id='{column}']")
