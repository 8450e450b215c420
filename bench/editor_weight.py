"""What the editor's page costs before its preview chart is drawn (issue 16).

    .venv/bin/python bench/editor_weight.py [--runs 5]

Serves a copy of the curated timeline (tests/data/events.csv) with the app's
compression, logs in once per run in a fresh browser context (an empty cache),
then loads /edit/ and reports, per run: the bytes transferred for that page (every
response's encoded body and headers, as Chromium counts them), the plotly.js file
the page fetched, and the time from the navigation's start until the preview's
first mark is in the page. Prints the medians as JSON.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from browser import chromium, serving  # noqa: E402

from timeline.app_factory import create_app  # noqa: E402
from timeline.config import Config  # noqa: E402

SECRET = "a bench passphrase"
# When the preview's first mark appears, in the page's own clock (ms from its start).
DRAWN_AT = """(() => {
  const seen = () => document.querySelector('#edit-preview .scatterlayer .point');
  new MutationObserver((_changes, observer) => {
    if (seen()) { window.previewDrawnAt = performance.now(); observer.disconnect(); }
  }).observe(document, {childList: true, subtree: true});
})();"""


def one_run(browser, url: str) -> dict:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(url + "/edit/login")
    page.fill("#name", "Bench")
    page.fill("#secret", SECRET)
    page.click("button[type=submit]")
    page.wait_for_selector("#edit-preview .scatterlayer .point", state="attached",
                           timeout=60_000)
    # The measured load: the page again, the browser's cache emptied first.
    context.add_init_script(DRAWN_AT)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.clearBrowserCache")
    responses = []
    page.on("requestfinished", lambda request: responses.append(request))
    page.goto(url + "/edit/")
    page.wait_for_function("() => window.previewDrawnAt", timeout=60_000)
    drawn = page.evaluate("() => window.previewDrawnAt")
    page.wait_for_load_state("networkidle")
    total, plotly = 0, {}
    for request in responses:
        sizes = request.sizes()
        size = sizes["responseBodySize"] + sizes["responseHeadersSize"]
        total += size
        if "plotly" in request.url:
            plotly[request.url.removeprefix(url)] = size
    context.close()
    return {"bytes": total, "requests": len(responses), "plotly": plotly, "drawn_ms": drawn}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    data = Path(tempfile.mkdtemp()) / "events.csv"
    data.write_bytes((ROOT / "tests" / "data" / "events.csv").read_bytes())
    app = create_app(Config(data_path=data, edit_secret=SECRET))
    with serving(app.server) as url, chromium() as browser:
        results = [one_run(browser, url) for _ in range(runs)]
    print(json.dumps({
        "runs": runs,
        "bytes_median": statistics.median(r["bytes"] for r in results),
        "requests_median": statistics.median(r["requests"] for r in results),
        "drawn_ms_median": round(statistics.median(r["drawn_ms"] for r in results)),
        "drawn_ms_each": [round(r["drawn_ms"]) for r in results],
        "plotly": results[0]["plotly"],
    }, indent=2))


if __name__ == "__main__":
    main()
