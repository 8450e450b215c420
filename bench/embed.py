"""The pages' cost to readers, against a plain Dash app and the peers: `make bench`.

    .venv/bin/python bench/embed.py [--runs 5] [--sizes curated,1000,10000,100000]
        [--pages embed,static,explorer,baseline,timelinejs,vis-timeline] [--load-seconds 10]

For each data size (the curated timeline and synthetic ones from
`python -m timeline synth`), in headless Chromium on loopback:
- `/embed` and the explorer `/`, served by gunicorn as documented (4 workers);
- the static export served by a static file server that sends the export's
  pre-compressed `.br` copies and long cache lifetimes, as a CDN would;
- the baseline: a plain Dash app (`bench/baseline_app.py`) under gunicorn;
- the peers, TimelineJS and vis-timeline (`bench/peers.py`: npm packages
  installed into an ignored folder; without npm they are left out, and the
  table says so): a static page each, the same events in their own format,
  served like the export.
Measured, medians of `--runs`: bytes on the wire and requests of a cold visit
(fresh browser profile) and of a warm one (same profile, again); in the page's
own clock, the first frame with an event mark on screen (the page's SVG
picture of the chart counts) and the first frame at which the page answers
hover and clicks (the embed and the export: on that picture; they load
plotly.js when a reader needs it, and the time from the Filters opened to
Plotly's chart is "Plotly on demand"); the JS heap it keeps; from a category
ticked to the frame that paints the redrawn chart, for a first and a second
filter, and for the filter cleared (the last box unticked); a zoom to the
frame after its last redraw. A page that does not finish within PAGE_TIMEOUT_S is recorded so.
Then server throughput and latency under concurrent clients, and issue 13's
budgets judged against the peers of the same run.
Writes bench/results/embed.json and the table in docs/performance.md; a run of
some sizes or pages only (`--sizes`, `--pages`) writes
bench/results/embed-partial.json (not committed) and prints its table instead.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "bench")]

from playwright.sync_api import Error as PlaywrightError  # noqa: E402
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError  # noqa: E402

import peers  # noqa: E402
from browser import QuietFileHandler, chromium, serving_files  # noqa: E402
from loadgen import run_clients  # noqa: E402
from report import write_section  # noqa: E402
from timeline.config import Config  # noqa: E402
from timeline.data.loading import load_events_from_bytes  # noqa: E402
from timeline.data.synth import synthetic_csv  # noqa: E402
from timeline.data_store import snapshot_of  # noqa: E402
from timeline.embed.static_export import export_static  # noqa: E402

# Issue 4's budgets: page → measure → at most.
BUDGETS = {"embed curated": {"cold_bytes": 650_000, "ready_ms": 800, "warm_bytes": 30_000},
           # "a filter change reflected on the chart within 50 ms": every one measured
           "embed 10000": {"ready_ms": 1500, "filter_ms": 50, "filter_again_ms": 50,
                           "clear_ms": 50},
           "static curated": {"cold_bytes": 450_000, "ready_ms": 500}}


def budget_lines(pages: dict) -> list[str]:
    lines = []
    for page, limits in BUDGETS.items():
        for measure, limit in limits.items():
            value = pages.get(page, {}).get(measure)
            if value is None:
                continue
            unit = "KB" if "bytes" in measure else "ms"
            scale = 1000 if unit == "KB" else 1
            verdict = "within" if value <= limit else "**over**"
            name = {"cold_bytes": "cold", "warm_bytes": "warm", "filter_again_ms": "next filter",
                    "clear_ms": "filter cleared"}.get(measure, measure[:-3])
            lines.append(f"- {page}, {name}: {value / scale:,.1f} {unit} "
                         f"({verdict} {limit / scale:,.0f})")
    return lines


GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
# Every page, in the order of the table; `--pages` picks some.
PAGE_KINDS = ("embed", "static", "explorer", "baseline", "timelinejs", "vis-timeline")
PEER_KINDS = ("timelinejs", "vis-timeline")
DEFAULT_SIZES = "curated,1000,10000,100000"
# A page not interactive in this long, or a filter or zoom not drawn, is
# recorded as "did not finish" (and not visited again at that size).
PAGE_TIMEOUT_S = 120
# A worker's first answer at 100,000 events (it builds the page and its data) can
# take over a minute on this machine while the other workers do the same.
SERVER_TIMEOUT_S = 300
# The first event mark on screen: the page's SVG picture of the chart
# (view/chart_preview.py), a Plotly SVG point, the embed's dots (bare marks drawn as
# path shapes, figure-packing.js), or (the baseline's px.scatter switches to WebGL
# above 1,000 points) a WebGL canvas. Plotly's chart drawn: a mark Plotly drew.
PLOTLY_MARK = ("#timeline-graph .scatterlayer .point, #timeline-graph .layer-between path, "
               "#timeline-graph canvas.gl-canvas-context")
MARK = "#timeline-graph .preview-mark, " + PLOTLY_MARK
# Interactive: where the page says so (README, "Page ids"); the baseline, a plain
# Dash app, cannot, so there it is Plotly's chart drawn. The peers' pages note
# it themselves (bench/peers.py).
SAYS_INTERACTIVE = "html[data-timeline=interactive]"
READY = {"embed": MARK, "static": MARK, "explorer": MARK, "baseline": MARK,
         **peers.READY_SELECTORS}
INTERACTIVE = {"embed": SAYS_INTERACTIVE, "static": SAYS_INTERACTIVE,
               "explorer": SAYS_INTERACTIVE, "baseline": PLOTLY_MARK}
CATEGORY_BOX = "#category-filter input[value=%s]"
# The two categories the filter steps tick: the timeline's two most used
# (measure_size sets them for each size's data: the synthetic one has its own).
FILTER_CATEGORIES = ["military", "diplomacy"]


def timing_script(kind: str) -> str:
    """Runs in the page before anything else: notes, in the page's own clock (from
    the start of navigation), the first animation frame at which each selector
    matches, that is the first frame that can paint it (a frame waits for the
    style sheet). "drawn": Plotly's chart, kept for comparison with earlier runs."""
    # The embed and the export draw Plotly's chart when a reader asks for it
    # (picture.js): no page-load time, it is timed as "on demand" below.
    watched = {"ready": READY.get(kind), "interactive": INTERACTIVE.get(kind),
               "drawn": PLOTLY_MARK if kind in ("explorer", "baseline") else None}
    return """(() => {
  const seen = window.__benchTimes = window.__benchTimes || {};
  const watch = (name, selector) => {
    const check = () => {
      if (!document.querySelector(selector)) { return false; }
      requestAnimationFrame(() => { if (!(name in seen)) { seen[name] = performance.now(); } });
      return true;
    };
    const observer = new MutationObserver(() => { if (check()) { observer.disconnect(); } });
    observer.observe(document, { childList: true, subtree: true, attributes: true,
                                 attributeFilter: ["data-timeline"] });
  };
  for (const [name, selector] of Object.entries(%s)) { if (selector) { watch(name, selector); } }
})();""" % json.dumps(watched)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(port: int, path: str = "/") -> None:
    deadline = time.monotonic() + SERVER_TIMEOUT_S  # each worker loads the data first
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=SERVER_TIMEOUT_S)
            connection.request("GET", path)
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"nothing answers on port {port}")


def warm_up(base: str, page: str) -> None:
    """Visit so that every worker has built this data version's page and JSON (once
    per version, as after any change) and compressed its files at brotli 11 (done in
    the background, with a quicker brotli 5 under a weak ETag meanwhile): a reader
    of a running site meets a warm server, and it is the browser's cold cache we
    measure."""
    host, port = base.replace("http://", "").split(":")
    never_strong: set[str] = set()  # over the server's size for brotli 11: not waited for again
    for _ in range(4 * 8):  # new connections land on every one of the 4 workers
        connection = http.client.HTTPConnection(host, int(port), timeout=SERVER_TIMEOUT_S)
        connection.request("GET", page)  # not compressed: its addresses are read below
        html = connection.getresponse().read()
        for url in re.findall(rb'data-(?:events|search)="([^"]+)"', html):
            if not fetch_until_strong_etag(connection, url.decode(),
                                           wait=url.decode() not in never_strong):
                never_strong.add(url.decode())
        connection.close()
    connection = http.client.HTTPConnection(host, int(port), timeout=SERVER_TIMEOUT_S)
    connection.request("GET", page)
    html = connection.getresponse().read().decode("utf-8", "replace")
    assets = re.findall(r'(?:src|href)="(/(?:static|assets|_dash-component-suites)/[^"]+)"',
                        html)
    for asset in assets:
        fetch_until_strong_etag(connection, asset)


def fetch_until_strong_etag(connection: http.client.HTTPConnection, path: str,
                            wait: bool = True) -> bool:
    """Until the server sends its brotli-11 body (a strong ETag), not the quick one;
    whether it did. A body over the server's size for brotli 11 (the search text
    at 100,000 events) never gets one."""
    deadline = time.monotonic() + (120 if wait else 0)
    while True:
        connection.request("GET", path, headers={"Accept-Encoding": "br"})
        response = connection.getresponse()
        response.read()
        if not response.getheader("ETag", "").startswith("W/"):
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.5)


@contextmanager
def gunicorn(app: str, env: dict, workers: int = 4, chdir: Path = ROOT):
    port = free_port()
    process = subprocess.Popen(
        [GUNICORN, "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--chdir",
         str(chdir), app], env={**os.environ, **env}, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    try:
        wait_until_up(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:  # a worker still building a page at 100,000 events
            process.kill()
            process.wait()


class PrecompressedHandler(QuietFileHandler):
    """Serves `name.br` for `name` when the browser takes brotli, like a CDN."""

    def end_headers(self) -> None:
        if getattr(self, "_encoding", None):
            self.send_header("Content-Encoding", self._encoding)
            self.send_header("Vary", "Accept-Encoding")
        name = self.path.split("?")[0].rsplit("/", 1)[-1]
        # A peer's files sit in a versioned folder (`name@1.2.3/`), as on a CDN.
        fingerprinted = (name.count(".") >= 2 or "-" in name and name.endswith(".json")
                         or "@" in self.path)
        self.send_header("Cache-Control", "public, max-age=31536000, immutable"
                         if fingerprinted and name != "index.html" else "no-cache")
        super().end_headers()

    def send_head(self):
        self._encoding = None
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            path = os.path.join(path, "index.html")
        if "br" in self.headers.get("Accept-Encoding", "") and os.path.isfile(path + ".br"):
            self._encoding = "br"
            self.path = self.path.split("?")[0]
            if self.path.endswith("/"):
                self.path += "index.html"
            self.path += ".br"
        return super().send_head()

    def guess_type(self, path):
        return super().guess_type(path[:-3] if str(path).endswith(".br") else path)


# ------------------------------------------------------------------ browser

# Each step below starts in the page and returns at once; the page sets
# `window.__benchStep` when it is done, so a page that never finishes is noticed
# (PAGE_TIMEOUT_S) instead of holding the bench.
#
# A box ticked until the frame that paints the redrawn chart begins, and (for
# comparison with earlier runs) until Plotly reports the redraw done.
FILTER_SCRIPT = """(selector) => {
    window.__benchStep = null;
    const graph = document.querySelector('#timeline-graph .js-plotly-plot') ||
                  document.getElementById('timeline-graph');
    const box = document.querySelector(selector);
    if (!graph || !graph.once || !box) { window.__benchStep = [null, null]; return; }  // not here
    setTimeout(() => {
        const start = performance.now();
        graph.once('plotly_afterplot', () => {
            const drawn = performance.now() - start;
            requestAnimationFrame(() => { window.__benchStep = [performance.now() - start, drawn]; });
        });
        box.click();
    });
}"""
# The x axis narrowed to the middle half of its range (Plotly.relayout, as a reader's
# zoom does), until the frame after the last redraw it caused (the page may redraw
# again in answer: the explorer, on the server): relayout's own, then any other
# until a second passes without one.
ZOOM_SCRIPT = """() => {
    window.__benchStep = null;
    const graph = document.querySelector('#timeline-graph .js-plotly-plot') ||
                  document.getElementById('timeline-graph');
    const axis = graph && graph._fullLayout && graph._fullLayout.xaxis;
    if (!axis || !window.Plotly) { window.__benchStep = [null]; return; }  // no Plotly chart
    const [from, to] = axis.range.map(value => axis.r2l(value));
    const quarter = (to - from) / 4;
    setTimeout(() => {
        const start = performance.now();
        let last = null, quiet;
        const settle = () => {
            clearTimeout(quiet);
            quiet = setTimeout(() => {
                graph.removeListener('plotly_afterplot', seen);
                window.__benchStep = [last];
            }, 1000);
        };
        const seen = () => requestAnimationFrame(() => { last = performance.now() - start; settle(); });
        graph.on('plotly_afterplot', seen);
        window.Plotly.relayout(graph, {'xaxis.range': [axis.l2r(from + quarter),
                                                        axis.l2r(to - quarter)]})
            .then(seen, () => { window.__benchStep = [null]; });
    });
}"""
# The embed and the export load plotly.js when a reader needs it (picture.js):
# before the filters, a reader opens the Filters (folded in an article), which
# says a filter is coming. From that click until the frame that paints Plotly's
# chart ([null] where Plotly's chart is already there, or no Filters to open).
OPEN_FILTERS_SCRIPT = """() => {
    window.__benchStep = null;
    const filters = document.getElementById('filters');
    const graph = document.getElementById('timeline-graph');
    const drawn = () => !!(graph && graph._fullLayout && graph.once &&
                           !graph.querySelector('.chart-preview'));
    if (!filters || !filters.querySelector('summary') || filters.open || drawn()) {
        window.__benchStep = [null]; return;
    }
    setTimeout(() => {
        const start = performance.now();
        filters.querySelector('summary').click();
        const wait = () => {
            if (!drawn()) { requestAnimationFrame(wait); return; }
            requestAnimationFrame(() => { window.__benchStep = [performance.now() - start]; });
        };
        wait();
    });
}"""
# The peers' pages do both themselves (bench/peers.py).
PEER_FILTER_SCRIPT = """(categories) => {
    window.__benchStep = null;
    setTimeout(() => window.__bench.filter(categories).then(ms => { window.__benchStep = [ms, null]; }));
}"""
PEER_ZOOM_SCRIPT = """() => {
    window.__benchStep = null;
    setTimeout(() => window.__bench.zoom().then(ms => { window.__benchStep = [ms]; }));
}"""
FILTERS = {"embed", "static", "explorer", "baseline", "vis-timeline"}  # TimelineJS has none
ZOOMS = {"embed", "static", "explorer", "baseline", "vis-timeline"}  # TimelineJS's is animated


class DidNotFinish(Exception):
    """The page was not interactive, or a step not drawn, within PAGE_TIMEOUT_S."""


def renderer_pids() -> list[int]:
    """Chromium's renderer processes started by this bench (Linux: /proc)."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    ours = []
    for pid in parents:
        ancestor = parents.get(pid)
        while ancestor and ancestor != os.getpid():
            ancestor = parents.get(ancestor)
        if ancestor:
            try:
                if b"--type=renderer" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    ours.append(pid)
            except OSError:
                continue
    return ours


@contextmanager
def page_deadline(what: str):
    """Within PAGE_TIMEOUT_S, or the page is ended and DidNotFinish(what) raised.
    Playwright's own timeouts wait for the page's main thread, which a page busy
    for minutes (TimelineJS at 100,000 events) never gives back: so at the deadline
    the renderer processes (one page is open at a time) are ended, and the call
    waiting on them fails."""
    overrun = threading.Event()

    def end_renderers() -> None:
        overrun.set()
        for pid in renderer_pids():
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
    timer = threading.Timer(PAGE_TIMEOUT_S, end_renderers)
    timer.daemon = True
    timer.start()
    try:
        yield
    except PlaywrightTimeoutError:
        raise DidNotFinish(what) from None
    except PlaywrightError:
        if overrun.is_set():
            raise DidNotFinish(what) from None
        raise
    finally:
        timer.cancel()


# Playwright's own timeouts, later than the deadline: a backstop.
BACKSTOP_MS = (PAGE_TIMEOUT_S + 30) * 1000


def step(page, script: str, arg=None) -> list:
    with page_deadline(f"a filter or zoom not drawn in {PAGE_TIMEOUT_S} s"):
        page.evaluate(script, arg)
        return page.wait_for_function("() => window.__benchStep", timeout=BACKSTOP_MS,
                                      polling=20).json_value()


def filter_steps(page, kind: str) -> dict:
    """The first filter in a page, then a second one (another category ticked) once
    the page is quiet again: plotly.js's first redraw runs code not yet compiled.
    Then back to every event: both unticked, the last one measured. At 10,000
    events this redraws the most marks of any filter change."""
    if kind in PEER_KINDS:
        def tick(shown: list[str]) -> list:
            return step(page, PEER_FILTER_SCRIPT, shown)
        first, second = FILTER_CATEGORIES
        plan = ([first], [first, second], [first], [])
    else:
        def tick(box: str) -> list:
            return step(page, FILTER_SCRIPT, CATEGORY_BOX % box)
        first, second = FILTER_CATEGORIES
        plan = (first, second, second, first)
    result = {}
    result["filter_ms"], result["filter_afterplot_ms"] = tick(plan[0])
    page.wait_for_timeout(500)
    result["filter_again_ms"], _ = tick(plan[1])
    page.wait_for_timeout(500)
    tick(plan[2])
    page.wait_for_timeout(500)
    result["clear_ms"], _ = tick(plan[3])
    return result


def heap_mb(cdp) -> float:
    """The JS heap in use after a garbage collection: what the page keeps."""
    cdp.send("HeapProfiler.collectGarbage")
    return cdp.send("Runtime.getHeapUsage")["usedSize"] / 1e6


def counted_page(context, kind: str):
    """A new page that notes its timings (timing_script) and the bytes of each of
    its requests on the wire: (page, its CDP session, request id → bytes)."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    sizes: dict[str, int] = {}
    cdp.on("Network.loadingFinished",
           lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
    page.add_init_script(timing_script(kind))
    return page, cdp, sizes


def visit(context, url: str, kind: str, actions: bool) -> dict:
    page, cdp, sizes = counted_page(context, kind)
    started = time.perf_counter()
    with page_deadline(f"not interactive in {PAGE_TIMEOUT_S} s"):
        page.goto(url, wait_until="commit", timeout=BACKSTOP_MS)
        page.wait_for_function("() => window.__benchTimes && 'ready' in window.__benchTimes",
                               timeout=BACKSTOP_MS, polling=5)
        # Also from outside the page, harness delays included, as a cross-check.
        ready_wall_ms = (time.perf_counter() - started) * 1000
        page.wait_for_function("() => 'interactive' in window.__benchTimes",
                               timeout=BACKSTOP_MS)
        times = page.evaluate("window.__benchTimes")
    with page_deadline(f"still loading {PAGE_TIMEOUT_S} s after it was interactive"):
        page.wait_for_load_state("networkidle", timeout=BACKSTOP_MS)
    result = {"ready_ms": times["ready"], "interactive_ms": times["interactive"],
              "drawn_ms": times.get("drawn"), "ready_wall_ms": ready_wall_ms,
              "bytes": sum(sizes.values()), "requests": len(sizes)}
    if actions:
        try:
            with page_deadline(f"its heap not measured in {PAGE_TIMEOUT_S} s"):
                result["heap_mb"] = heap_mb(cdp)
            if kind in ("embed", "static"):
                result["plotly_ms"], = step(page, OPEN_FILTERS_SCRIPT)
                page.wait_for_timeout(500)
            if kind in FILTERS:
                result.update(filter_steps(page, kind))
            if kind in ZOOMS:
                page.wait_for_timeout(500)
                result["zoom_ms"], = step(page, PEER_ZOOM_SCRIPT if kind in PEER_KINDS
                                          else ZOOM_SCRIPT)
        except DidNotFinish as problem:
            result["did_not_finish"] = str(problem)
    page.close()
    return result


MEASURES = ("cold_bytes", "cold_requests", "ready_ms", "interactive_ms", "drawn_ms",
            "ready_wall_ms", "heap_mb", "plotly_ms", "filter_ms", "filter_afterplot_ms", "filter_again_ms",
            "clear_ms", "zoom_ms", "warm_bytes", "warm_requests", "warm_ready_ms")


def measure_page(browser, url: str, runs: int, kind: str) -> dict:
    """Medians over `runs` cold visits (fresh profile) and warm ones (again, same
    profile). A page that does not finish is not visited again: it is recorded so."""
    cold, warm, notes = [], [], []
    for _ in range(runs):
        context = browser.new_context()
        try:
            cold.append(visit(context, url, kind, actions=True))
            if "did_not_finish" in cold[-1]:
                break  # finally: the context is closed
            warm.append(visit(context, url, kind, actions=False))
        except DidNotFinish as problem:
            notes.append(str(problem))
            break
        except PlaywrightError as problem:  # recorded, not fatal: the other pages still count
            print(f"{url}: a visit failed: {str(problem).splitlines()[0]}", file=sys.stderr)
        finally:
            context.close()
    notes += [row["did_not_finish"] for row in cold if "did_not_finish" in row]

    def median(rows, key):
        values = [row[key] for row in rows if row.get(key) is not None]
        return round(statistics.median(values), 1) if values else None
    renamed = {"cold_bytes": "bytes", "cold_requests": "requests", "warm_bytes": "bytes",
               "warm_requests": "requests", "warm_ready_ms": "ready_ms"}
    result = {key: median(warm if key.startswith("warm") else cold, renamed.get(key, key))
              for key in MEASURES}
    if notes:
        result["did_not_finish"] = notes[0]
    return result


# ------------------------------------------------------------------- server

def embed_paths(base: str) -> list[tuple[str, str, bytes | None]]:
    connection = http.client.HTTPConnection(base.replace("http://", "").split(":")[0],
                                            int(base.rsplit(":", 1)[1]))
    connection.request("GET", "/embed")
    page = connection.getresponse().read().decode()
    events = page.split('data-events="', 1)[1].split('"', 1)[0]
    return [("GET", "/embed", None), ("GET", events, None)]


def baseline_paths() -> list[tuple[str, str, bytes | None]]:
    body = json.dumps({
        "output": "timeline-graph.figure", "outputs": {"id": "timeline-graph",
                                                       "property": "figure"},
        "inputs": [{"id": "category-filter", "property": "value",
                    "value": FILTER_CATEGORIES[:1]}],
        "changedPropIds": ["category-filter.value"]}).encode()
    return [("GET", "/", None), ("POST", "/_dash-update-component", body)]


# -------------------------------------------------------------------- main

def datasets(sizes: list[str], folder: Path) -> dict[str, Path]:
    found = {}
    for size in sizes:
        if size == "curated":
            found[size] = ROOT / "data" / "events.csv"
        else:
            path = folder / f"synth-{size}.csv"
            path.write_bytes(synthetic_csv(int(size), seed=1))
            found[size] = path
    return found


def measure_size(browser, size: str, path: Path, kinds: list[str], args, folder: Path,
                 peer_problem: str | None, results: dict) -> None:
    pages, server = results["pages"], results["server"]
    events = load_events_from_bytes(path.read_bytes()).events
    FILTER_CATEGORIES[:] = events["category"].value_counts().index[:2].tolist()

    @contextmanager
    def recorded(*names: str):
        """A server or page that fails is recorded so, and the other pages still run."""
        try:
            yield
        except (OSError, RuntimeError, http.client.HTTPException, PlaywrightError) as problem:
            print(f"{', '.join(names)} {size}: {problem!r}", file=sys.stderr)
            for name in names:
                pages.setdefault(f"{name} {size}", {
                    "did_not_finish": f"failed: {str(problem).splitlines()[0][:80]}"})

    def given_up(kind: str) -> str | None:
        """A page not interactive at a smaller size in this run is not tried again."""
        for name, page in pages.items():
            other_kind, other = name.split(" ", 1)
            if (other_kind == kind and other.isdigit() and size.isdigit()
                    and int(other) < int(size) and page.get("interactive_ms") is None):
                return (f"not tried: at {int(other):,} events, "
                        f"{page.get('did_not_finish', 'failed')}")
        return None

    for kind in kinds:
        if given_up(kind):
            pages[f"{kind} {size}"] = {"did_not_finish": given_up(kind)}
    kinds = [kind for kind in kinds if f"{kind} {size}" not in pages]
    if {"embed", "explorer"} & set(kinds):
        with recorded(*(k for k in ("embed", "explorer") if k in kinds)), \
                gunicorn("app:server", {"TIMELINE_DATA": str(path)}) as base:
            if "embed" in kinds:
                wait_until_up(int(base.rsplit(":", 1)[1]), "/embed")
                warm_up(base, "/embed")
                pages[f"embed {size}"] = measure_page(browser, base + "/embed", args.runs, "embed")
                server[f"embed {size}"] = run_clients(
                    base, lambda _: embed_paths(base), 20, args.load_seconds)
            if "explorer" in kinds:
                warm_up(base, "/")
                pages[f"explorer {size}"] = measure_page(browser, base + "/", args.runs,
                                                         "explorer")
    if "static" in kinds:
        with recorded("static"):
            export = folder / f"export-{size}"
            export_static(snapshot_of(path.read_bytes(), path.name), export, Config(),
                          date.today())
            with serving_files(export, PrecompressedHandler) as base:
                pages[f"static {size}"] = measure_page(browser, base + "/index.html", args.runs,
                                                       "static")
    if "baseline" in kinds:
        with recorded("baseline"), gunicorn("baseline_app:server", {"BASELINE_DATA": str(path)},
                                            chdir=ROOT / "bench") as base:
            warm_up(base, "/")
            pages[f"baseline {size}"] = measure_page(browser, base + "/", args.runs, "baseline")
            server[f"baseline {size}"] = run_clients(
                base, lambda _: baseline_paths(), 20, args.load_seconds)
    wanted = [kind for kind in PEER_KINDS if kind in kinds]
    if wanted and not peer_problem:
        written = peers.write_pages(load_events_from_bytes(path.read_bytes(), path.name),
                                    folder / f"peers-{size}")
        for kind in wanted:
            with recorded(kind), serving_files(written[kind], PrecompressedHandler) as base:
                pages[f"{kind} {size}"] = measure_page(browser, base + "/index.html",
                                                       args.runs, kind)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default=DEFAULT_SIZES,
                        help=f"comma-separated, of {DEFAULT_SIZES} or any number of events")
    parser.add_argument("--pages", default=",".join(PAGE_KINDS),
                        help=f"comma-separated, of {','.join(PAGE_KINDS)}")
    parser.add_argument("--load-seconds", type=float, default=10)
    args = parser.parse_args()
    sizes, kinds = args.sizes.split(","), args.pages.split(",")
    unknown = sorted(set(kinds) - set(PAGE_KINDS))
    if unknown:
        parser.error(f"--pages: unknown {', '.join(unknown)}; "
                     f"choose from {', '.join(PAGE_KINDS)}")
    bad_sizes = [size for size in sizes if size != "curated" and not size.isdigit()]
    if bad_sizes:
        parser.error(f"--sizes: {', '.join(bad_sizes)} is neither 'curated' nor a number")
    # Only a run of every page at every default size replaces the committed numbers.
    full = set(sizes) == set(DEFAULT_SIZES.split(",")) and set(kinds) == set(PAGE_KINDS)
    peer_problem = peers.install() if set(PEER_KINDS) & set(kinds) else None
    if peer_problem:
        print(f"TimelineJS and vis-timeline not measured: {peer_problem}", file=sys.stderr)
    results: dict = {"date": date.today().isoformat(), "runs": args.runs, "sizes": sizes,
                     "page_kinds": kinds, "pages": {}, "server": {}, "budgets": BUDGETS,
                     "peers": {"versions": peers.PACKAGES, "not_measured": peer_problem},
                     "page_timeout_s": PAGE_TIMEOUT_S}
    # The data, exports and peers' pages (hundreds of MB at 100,000 events) go when done.
    with tempfile.TemporaryDirectory() as temporary, chromium() as browser:
        folder = Path(temporary)
        for size, path in datasets(sizes, folder).items():
            print(f"--- {size}", file=sys.stderr)
            measure_size(browser, size, path, kinds, args, folder, peer_problem, results)
            print(json.dumps({k: v for k, v in results["pages"].items()
                              if k.endswith(f" {size}")}, indent=1), file=sys.stderr)
    results["issue_13"] = issue_13_lines(results["pages"])
    name = "embed.json" if full else "embed-partial.json"  # the partial one is not committed
    out = ROOT / "bench" / "results" / name
    out.write_text(json.dumps(results, indent=1) + "\n", "utf-8")
    if full:
        write_section("bench/embed.py", table(results))
        print(f"wrote {out} and docs/performance.md", file=sys.stderr)
    else:
        print(table(results))
        print(f"wrote {out} (a partial run: docs/performance.md left alone)", file=sys.stderr)


# Issue 13's budgets: (what, page, measure, limit), the limit a number or (the
# peer's page in the same run, the share of its number).
ISSUE_13_BUDGETS = (
    ("explorer interactive, 10,000 events", "explorer 10000", "interactive_ms",
     ("timelinejs 10000", 0.15)),
    ("explorer category filter, 10,000 events", "explorer 10000", "filter_ms", 100),
    ("explorer interactive, 100,000 events", "explorer 100000", "interactive_ms", 3000),
    ("embed interactive, 100,000 events", "embed 100000", "interactive_ms", 2000),
    ("embed on the wire before the reader types, 100,000 events", "embed 100000",
     "cold_bytes", 3_000_000),
    ("curated embed interactive", "embed curated", "interactive_ms", ("timelinejs curated", 1)),
    ("curated embed on the wire", "embed curated", "cold_bytes", ("timelinejs curated", 1)),
)


def amount(value: float, measure: str) -> str:
    return f"{value / 1000:,.0f} KB" if "bytes" in measure else f"{value:,.0f} ms"


def page_label(page: str) -> str:
    kind, size = page.split(" ", 1)
    return f"{peers.NAMES.get(kind, kind)} at {size if size == 'curated' else f'{int(size):,}'}"


def issue_13_lines(pages: dict) -> list[str]:
    """Each budget met or NOT met, with the numbers it was judged on."""
    lines = []
    for what, name, measure, limit in ISSUE_13_BUDGETS:
        page = pages.get(name)
        if page is None:
            lines.append(f"{what}: not measured ({page_label(name)} not in this run)")
            continue
        value = page.get(measure)
        if isinstance(limit, tuple):
            peer_name, share = limit
            peer = pages.get(peer_name)
            if peer is None:
                lines.append(f"{what}: not judged ({page_label(peer_name)} not in this run)")
                continue
            peer_value = peer.get(measure)
            if peer_value is None:  # the peer did not finish: the budget is at least this
                bound = share * PAGE_TIMEOUT_S * 1000
                against = (f"{page_label(peer_name)} did not finish in {PAGE_TIMEOUT_S} s, so "
                           f"the budget is over {amount(bound, measure)}")
                limit_value = bound if measure.endswith("_ms") else None
            else:
                limit_value = share * peer_value
                against = (f"{page_label(peer_name)}: {amount(peer_value, measure)}; budget "
                           f"≤ {share:g} × that = {amount(limit_value, measure)}")
        else:
            limit_value, against = limit, f"budget ≤ {amount(limit, measure)}"
        if value is None:
            why = page.get("did_not_finish", "no number")
            lines.append(f"{what}: **NOT met**: {page_label(name)} {why} ({against})")
        elif limit_value is None:
            lines.append(f"{what}: {amount(value, measure)}, not judged ({against})")
        else:
            verdict = "met" if value <= limit_value else "**NOT met**"
            lines.append(f"{what}: {amount(value, measure)} ({against}): {verdict}")
    return lines


def cell(value, form: str = "{:,.0f}", scale: float = 1) -> str:
    return "—" if value is None else form.format(value / scale)


def table(results: dict) -> str:
    rows = ["| page | data | cold KB | requests | ready ms | interactive ms | Plotly on demand ms "
            "| filter ms | next filter ms | filter cleared ms | zoom ms | JS heap MB | warm KB | "
            "× baseline (KB / ready) |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for name, page in results["pages"].items():
        kind, size = name.split(" ", 1)
        label = peers.NAMES.get(kind, kind)
        if page.get("interactive_ms") is None:
            rows.append(f"| {label} | {size} | {page.get('did_not_finish', 'failed')} |"
                        + " |" * 11)
            continue
        baseline = results["pages"].get(f"baseline {size}")
        ratio = (f"{page['cold_bytes'] / baseline['cold_bytes']:.2f} / "
                 f"{page['ready_ms'] / baseline['ready_ms']:.2f}"
                 if kind != "baseline" and baseline and baseline.get("ready_ms") else "")
        rows.append(
            f"| {label} | {size} | {cell(page['cold_bytes'], scale=1000)} | "
            f"{cell(page['cold_requests'])} | {cell(page['ready_ms'])} | "
            f"{cell(page['interactive_ms'])} | {cell(page.get('plotly_ms'))} | "
            f"{cell(page['filter_ms'])} | "
            f"{cell(page['filter_again_ms'])} | {cell(page['clear_ms'])} | "
            f"{cell(page['zoom_ms'])} | {cell(page['heap_mb'], '{:,.1f}')} | "
            f"{cell(page['warm_bytes'], '{:,.1f}', 1000)} | {ratio} |")
    unfinished = [f"{page_label(name)}: {page['did_not_finish']}"
                  for name, page in results["pages"].items()
                  if page.get("did_not_finish") and page.get("interactive_ms") is not None]
    peer_note = results["peers"]["not_measured"]
    notes = ([f"TimelineJS and vis-timeline were not measured: {peer_note}."] if peer_note
             else [])
    notes += [f"Did not finish: {'; '.join(unfinished)}."] if unfinished else []
    server = ["| server | data | clients | requests/s | median ms | p95 ms | errors |",
              "| --- | --- | --- | --- | --- | --- | --- |"]
    for name, numbers in results["server"].items():
        kind, size = name.split(" ", 1)
        server.append(f"| {kind} | {size} | {numbers['clients']} | "
                      f"{numbers['requests_per_s']} | {numbers['median_ms']} | "
                      f"{numbers['p95_ms']} | {numbers['errors']} |")
    versions = ", ".join(f"{peers.NAMES[k]} {peers.PACKAGES[p]}"
                         for k, p in zip(PEER_KINDS, peers.PACKAGES))
    return (
        f"Measured {results['date']} by `make bench` (medians of {results['runs']}, headless "
        f"Chromium, loopback, this 2-core machine; peers: {versions}). Times are the page's "
        f"own clock from the start of navigation to the first animation frame that can "
        f"paint: ready, the first event mark on screen (the page's SVG picture of the chart, "
        f"the baseline's Plotly chart, TimelineJS's first marker); interactive, the page "
        f"says it answers hover and clicks (`data-timeline=\"interactive\"`; the baseline: "
        f"its Plotly chart drawn; TimelineJS: its `ready` and `loaded` events; vis-timeline: "
        f"its first draw complete, which is also when it shows its items); the embed and "
        f"the export answer on their SVG picture of the chart and load plotly.js when a "
        f"reader needs it. Plotly on demand: from the Filters opened (folded in an "
        f"article; opening them loads plotly.js) to the frame that paints Plotly's chart, "
        f"before the filters are timed. Filter: a "
        f"category ticked until the frame that paints the redrawn chart; next filter: a "
        f"second one ticked after that; filter cleared: both unticked again, the last one "
        f"timed (every event drawn again: at 10,000 events the most marks of any filter "
        f"change); vis-timeline hides the other categories' lanes, TimelineJS has no filter. "
        f"Zoom: the time axis narrowed to the middle half of its range (`Plotly.relayout`, "
        f"vis-timeline's `setWindow`) until the frame after the last redraw it caused "
        f"(TimelineJS's zoom is an animation: not timed). JS heap: in use after a garbage "
        f"collection, once the page is quiet. A page not interactive within "
        f"{results['page_timeout_s']} s, or a filter or zoom not drawn in that time, is "
        f"recorded as not finishing, not visited again and not tried at a larger size. "
        f"Warm: the same visit again with the browser's cache.\n\n" + "\n".join(rows) +
        ("\n\n" + "\n\n".join(notes) if notes else "") +
        "\n\nAgainst issue 4's budgets:\n\n" + "\n".join(budget_lines(results["pages"])) +
        "\n\nAgainst issue 13's budgets (peers measured in the same run):\n\n" +
        "\n".join(f"- {line}" for line in results["issue_13"]) +
        "\n\nServer, under gunicorn with 4 workers and 20 concurrent clients (`/embed` and "
        "its data; the baseline's page and its filter callback):\n\n" + "\n".join(server))


if __name__ == "__main__":
    main()
