"""The embed's cost to readers, against a plain Dash app: `make bench`.

    .venv/bin/python bench/embed.py [--runs 5] [--sizes curated,1000,10000] [--load-seconds 10]

For each data size (the curated timeline and synthetic ones from
`python -m timeline synth`), in headless Chromium on loopback:
- `/embed` served by gunicorn as documented (4 workers);
- the static export served by a static file server that sends the export's
  pre-compressed `.br` copies and long cache lifetimes, as a CDN would;
- the baseline: a plain Dash app (`bench/baseline_app.py`) under gunicorn.
Measured, medians of `--runs`: bytes on the wire and requests of a cold visit
(fresh browser profile) and of a warm one (same profile, again); in the page's
own clock, the first frame with an event mark on screen (the page's SVG
picture of the chart counts) and with Plotly's chart drawn; and from a
category ticked to the frame that paints the redrawn chart, for a first and a
second filter, and for the filter cleared (the last box unticked). Then server
throughput and latency under concurrent clients.
Writes bench/results/embed.json and the table in docs/performance.md.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "bench")]

from playwright.sync_api import Error as PlaywrightError  # noqa: E402

from browser import QuietFileHandler, chromium, serving_files  # noqa: E402
from loadgen import run_clients  # noqa: E402
from report import write_section  # noqa: E402
from timeline.config import Config  # noqa: E402
from timeline.data_store import snapshot_of  # noqa: E402
from timeline.static_export import export_static  # noqa: E402
from timeline.synth import synthetic_csv  # noqa: E402

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
# The first event mark on screen: the page's SVG picture of the chart
# (chart_preview.py), a Plotly SVG point, the embed's dots (bare marks drawn as
# path shapes, timeline-core.js), or (the baseline's px.scatter switches to WebGL
# above 1,000 points) a WebGL canvas. "Interactive": a mark Plotly drew.
PLOTLY_MARK = ("#timeline-graph .scatterlayer .point, #timeline-graph .layer-between path, "
               "#timeline-graph canvas.gl-canvas-context")
MARK = "#timeline-graph .preview-mark, " + PLOTLY_MARK
# Runs in the page before anything else: notes, in the page's own clock (from the
# start of navigation), the first animation frame at which each selector matches,
# that is the first frame that can paint it (a frame waits for the style sheet).
TIMING_SCRIPT = """(() => {
  const seen = window.__benchTimes = {};
  const watch = (name, selector) => {
    const check = () => {
      if (!document.querySelector(selector)) { return false; }
      requestAnimationFrame(() => { if (!(name in seen)) { seen[name] = performance.now(); } });
      return true;
    };
    const observer = new MutationObserver(() => { if (check()) { observer.disconnect(); } });
    observer.observe(document, { childList: true, subtree: true });
  };
  watch("ready", %s);
  watch("interactive", %s);
})();""" % (json.dumps(MARK), json.dumps(PLOTLY_MARK))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(port: int, path: str = "/") -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
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
    for _ in range(4 * 8):  # new connections land on every one of the 4 workers
        connection = http.client.HTTPConnection(host, int(port), timeout=60)
        connection.request("GET", page)  # not compressed: its addresses are read below
        html = connection.getresponse().read()
        for url in re.findall(rb'data-(?:events|search)="([^"]+)"', html):
            fetch_until_strong_etag(connection, url.decode())
        connection.close()
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    connection.request("GET", page)
    html = connection.getresponse().read().decode("utf-8", "replace")
    assets = re.findall(r'(?:src|href)="(/(?:static|assets|_dash-component-suites)/[^"]+)"',
                        html)
    for asset in assets:
        fetch_until_strong_etag(connection, asset)


def fetch_until_strong_etag(connection: http.client.HTTPConnection, path: str) -> None:
    """Until the server sends its brotli-11 body (a strong ETag), not the quick one."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        connection.request("GET", path, headers={"Accept-Encoding": "br"})
        response = connection.getresponse()
        response.read()
        if not response.getheader("ETag", "").startswith("W/"):
            return
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
        process.wait(timeout=20)


class PrecompressedHandler(QuietFileHandler):
    """Serves `name.br` for `name` when the browser takes brotli, like a CDN."""

    def end_headers(self) -> None:
        if getattr(self, "_encoding", None):
            self.send_header("Content-Encoding", self._encoding)
            self.send_header("Vary", "Accept-Encoding")
        name = self.path.split("?")[0].rsplit("/", 1)[-1]
        fingerprinted = name.count(".") >= 2 or "-" in name and name.endswith(".json")
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

# A box ticked until the frame that paints the redrawn chart begins, and (for
# comparison with earlier runs) until Plotly reports the redraw done.
FILTER_SCRIPT = """(selector) => new Promise(resolve => {
    const graph = document.querySelector('#timeline-graph .js-plotly-plot') ||
                  document.getElementById('timeline-graph');
    const box = document.querySelector(selector);
    const start = performance.now();
    graph.once('plotly_afterplot', () => {
        const drawn = performance.now() - start;
        requestAnimationFrame(() => resolve([performance.now() - start, drawn]));
    });
    box.click();
})"""


def visit(context, url: str, filter_selector: str | None) -> dict:
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    sizes: dict[str, int] = {}
    cdp.on("Network.loadingFinished",
           lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
    page.add_init_script(TIMING_SCRIPT)
    started = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.wait_for_function("() => window.__benchTimes && 'ready' in window.__benchTimes",
                           timeout=60_000, polling=5)
    # Also from outside the page, harness delays included, as a cross-check.
    ready_wall_ms = (time.perf_counter() - started) * 1000
    page.wait_for_function("() => 'interactive' in window.__benchTimes", timeout=60_000)
    times = page.evaluate("window.__benchTimes")
    page.wait_for_load_state("networkidle")
    result = {"ready_ms": times["ready"], "interactive_ms": times["interactive"],
              "ready_wall_ms": ready_wall_ms,
              "bytes": sum(sizes.values()), "requests": len(sizes)}
    if filter_selector:
        # The first filter in a page, then a second one (another category ticked) once
        # the page is quiet again: plotly.js's first redraw runs code not yet compiled.
        result["filter_ms"], result["filter_afterplot_ms"] = page.evaluate(
            FILTER_SCRIPT, filter_selector)
        page.wait_for_timeout(500)
        second = filter_selector.replace("military", "diplomacy")
        result["filter_again_ms"], _ = page.evaluate(FILTER_SCRIPT, second)
        # Back to every event: both boxes unticked, the last one measured. At
        # 10,000 events this redraws the most marks of any filter change.
        page.wait_for_timeout(500)
        page.evaluate(FILTER_SCRIPT, second)
        page.wait_for_timeout(500)
        result["clear_ms"], _ = page.evaluate(FILTER_SCRIPT, filter_selector)
    page.close()
    return result


def measure_page(browser, url: str, runs: int, filter_selector: str) -> dict:
    cold, warm = [], []
    for _ in range(runs):
        context = browser.new_context()
        try:
            cold.append(visit(context, url, filter_selector))
            warm.append(visit(context, url, None))
        except PlaywrightError as problem:  # recorded, not fatal: the other pages still count
            print(f"{url}: a visit failed: {str(problem).splitlines()[0]}", file=sys.stderr)
        finally:
            context.close()
    keys = ("cold_bytes", "cold_requests", "ready_ms", "interactive_ms", "ready_wall_ms",
            "filter_ms", "filter_afterplot_ms", "filter_again_ms", "clear_ms", "warm_bytes",
            "warm_requests", "warm_ready_ms")
    if not cold or not warm:
        return {key: float("nan") for key in keys}

    def median(rows, key):
        return round(statistics.median(r[key] for r in rows), 1)
    return {"cold_bytes": median(cold, "bytes"), "cold_requests": median(cold, "requests"),
            "ready_ms": median(cold, "ready_ms"), "interactive_ms": median(cold, "interactive_ms"),
            "ready_wall_ms": median(cold, "ready_wall_ms"), "filter_ms": median(cold, "filter_ms"),
            "filter_afterplot_ms": median(cold, "filter_afterplot_ms"),
            "filter_again_ms": median(cold, "filter_again_ms"),
            "clear_ms": median(cold, "clear_ms"),
            "warm_bytes": median(warm, "bytes"), "warm_requests": median(warm, "requests"),
            "warm_ready_ms": median(warm, "ready_ms")}


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
        "inputs": [{"id": "category-filter", "property": "value", "value": ["military"]}],
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default="curated,1000,10000")
    parser.add_argument("--load-seconds", type=float, default=10)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    results: dict = {"date": date.today().isoformat(), "runs": args.runs, "pages": {},
                     "server": {}, "budgets": BUDGETS}
    with chromium() as browser:
        for size, path in datasets(args.sizes.split(","), folder).items():
            print(f"--- {size}", file=sys.stderr)
            with gunicorn("app:server", {"TIMELINE_DATA": str(path)}) as base:
                wait_until_up(int(base.rsplit(":", 1)[1]), "/embed")
                warm_up(base, "/embed")
                results["pages"][f"embed {size}"] = measure_page(
                    browser, base + "/embed", args.runs, "#category-filter input[value=military]")
                results["server"][f"embed {size}"] = run_clients(
                    base, lambda _: embed_paths(base), 20, args.load_seconds)
            export = folder / f"export-{size}"
            export_static(snapshot_of(path.read_bytes(), path.name), export, Config(),
                          date.today())
            with serving_files(export, PrecompressedHandler) as base:
                results["pages"][f"static {size}"] = measure_page(
                    browser, base + "/index.html", args.runs,
                    "#category-filter input[value=military]")
            with gunicorn("baseline_app:server", {"BASELINE_DATA": str(path)},
                          chdir=ROOT / "bench") as base:
                warm_up(base, "/")
                results["pages"][f"baseline {size}"] = measure_page(
                    browser, base + "/", args.runs,
                    "#category-filter input[value=military]")
                results["server"][f"baseline {size}"] = run_clients(
                    base, lambda _: baseline_paths(), 20, args.load_seconds)
            print(json.dumps({k: v for k, v in results["pages"].items() if size in k},
                             indent=1), file=sys.stderr)
    out = ROOT / "bench" / "results" / "embed.json"
    out.write_text(json.dumps(results, indent=1) + "\n", "utf-8")
    write_table(results)
    print(f"wrote {out} and docs/performance.md", file=sys.stderr)


def write_table(results: dict) -> None:
    rows = ["| page | data | cold KB | requests | ready ms | interactive ms | filter ms | "
            "next filter ms | filter cleared ms | warm KB | × baseline (KB / ready) |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for name, page in results["pages"].items():
        kind, size = name.split(" ", 1)
        baseline = results["pages"].get(f"baseline {size}")
        ratio = (f"{page['cold_bytes'] / baseline['cold_bytes']:.2f} / "
                 f"{page['ready_ms'] / baseline['ready_ms']:.2f}"
                 if baseline and kind != "baseline" else "")
        rows.append(f"| {kind} | {size} | {page['cold_bytes'] / 1000:.0f} | "
                    f"{page['cold_requests']:.0f} | {page['ready_ms']:.0f} | "
                    f"{page['interactive_ms']:.0f} | {page['filter_ms']:.0f} | "
                    f"{page['filter_again_ms']:.0f} | {page['clear_ms']:.0f} | "
                    f"{page['warm_bytes'] / 1000:.1f} | {ratio} |")
    server = ["| server | data | clients | requests/s | median ms | p95 ms | errors |",
              "| --- | --- | --- | --- | --- | --- | --- |"]
    for name, numbers in results["server"].items():
        kind, size = name.split(" ", 1)
        server.append(f"| {kind} | {size} | {numbers['clients']} | "
                      f"{numbers['requests_per_s']} | {numbers['median_ms']} | "
                      f"{numbers['p95_ms']} | {numbers['errors']} |")
    write_section("bench/embed.py", (
        f"Measured {results['date']} by `make bench` (medians of {results['runs']}, headless "
        f"Chromium, loopback, this 2-core machine). Times are the page's own clock from the "
        f"start of navigation to the first animation frame that can paint: ready, the first "
        f"event mark on screen (the page's SVG picture of the chart, or the baseline's "
        f"Plotly chart); interactive, Plotly's chart drawn. Filter: a category ticked until "
        f"the frame that paints the redrawn chart; next filter: a second one ticked after "
        f"that; filter cleared: both unticked again, the last one timed (every event "
        f"drawn again: at 10,000 events the most marks of any filter change). Warm: the "
        f"same visit again with the "
        f"browser's cache.\n\n" + "\n".join(rows) +
        "\n\nAgainst the budgets:\n\n" + "\n".join(budget_lines(results["pages"])) +
        "\n\nServer, under gunicorn with 4 workers and 20 concurrent clients (`/embed` and "
        "its data; the baseline's page and its filter callback):\n\n" + "\n".join(server)))


if __name__ == "__main__":
    main()
