"""Cold-load cost of the explorer and the embed in headless Chromium.

    .venv/bin/python bench/page_load.py [--runs 5] [--data PATH]

Serves the app on loopback (werkzeug, one process), opens each page in a fresh
browser context (cold cache) and records bytes on the wire (response bodies as
transferred), the number of requests and the time until the first event
marker is drawn. Prints medians and writes them to bench/results/page_load.json.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from browser import chromium, serving  # noqa: E402
from timeline.app_factory import create_app  # noqa: E402
from timeline.config import Config  # noqa: E402

PAGES = {"explorer": "/", "embed": "/embed"}


def measure(browser, url: str) -> dict:
    context = browser.new_context()
    page = context.new_page()
    client = context.new_cdp_session(page)
    client.send("Network.enable")
    transferred: dict[str, int] = {}
    client.on("Network.loadingFinished",
              lambda e: transferred.__setitem__(e["requestId"], e["encodedDataLength"]))
    started = time.perf_counter()
    page.goto(url)
    page.wait_for_selector("#timeline-graph .scatterlayer .point", timeout=30_000)
    ready_ms = (time.perf_counter() - started) * 1000
    page.wait_for_load_state("networkidle")
    context.close()
    return {"ready_ms": ready_ms, "bytes": sum(transferred.values()),
            "requests": len(transferred)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--data", type=Path, default=Config().data_path)
    args = parser.parse_args()
    app = create_app(Config(data_path=args.data))
    results = {}
    with serving(app.server) as base, chromium() as browser:
        measure(browser, base + "/")  # warm the server's own caches, not the browser's
        for name, path in PAGES.items():
            runs = [measure(browser, base + path) for _ in range(args.runs)]
            results[name] = {key: statistics.median(run[key] for run in runs)
                             for key in ("ready_ms", "bytes", "requests")}
            medians = results[name]
            print(f"{name:9} ready {medians['ready_ms']:7.0f} ms  "
                  f"{medians['bytes'] / 1024:8.0f} KB  {medians['requests']:3.0f} requests")
    out = ROOT / "bench" / "results" / "page_load.json"
    out.write_text(json.dumps({"data": str(args.data.name), "runs": args.runs,
                               "medians": results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
