"""Zoom and pan at scale: from a reader's zoom to the frame that paints its redraw.

    .venv/bin/python bench/zoom.py [--sizes 10000,100000] [--pages embed,explorer] [--runs 3]

For each size, a synthetic timeline (`python -m timeline synth --seed 1`) served
by the app on loopback, in headless Chromium. Once the page is interactive, the
time axis is set as a reader's zoom or pan sets it (`Plotly.relayout`): the
middle half of the whole range, one year, one week, that week moved by three
days (a pan), a pan back, and the whole range again (a double click's reset).
The sequence runs once as a reader's first zooms of the visit (plotly.js's
zoom code, and ours, then run for the first time, which costs more), then
--rounds times more. Each step is timed, in the page's clock, from the
relayout to the frame after the last redraw it caused (Plotly's own, then the
engine's level of detail for the new window), that is until 300 ms pass
without another. Also counted: the marks drawn (density marks and single
events) after each step. --runs visits, each in a fresh browser context: the
median of the first round, and the median and the best of the later ones
(this shared machine's load comes and goes; the best is nearest the page's
own cost). Issue 13's budget: a zoom or pan redrawn within 100 ms at 10,000
events and 250 ms at 100,000. Writes bench/results/zoom.json and its table in
docs/performance.md (a run of other sizes or pages prints the table only).
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "bench")]

from browser import chromium, serving  # noqa: E402
from report import write_section  # noqa: E402
from timeline.app_factory import create_app  # noqa: E402
from timeline.config import Config  # noqa: E402
from timeline.data.synth import synthetic_csv  # noqa: E402

BUDGET_MS = {10_000: 100, 100_000: 250}
DEFAULT_SIZES, DEFAULT_PAGES = "10000,100000", "embed,explorer"
PAGE_TIMEOUT_MS = 180_000
# Ranges in the synthetic timelines' years (1990-2025): the middle of them.
STEPS = (
    ("half", None),
    ("year", ["2007-01-01", "2008-01-01"]),
    ("week", ["2007-06-01", "2007-06-08"]),
    ("pan", ["2007-06-04", "2007-06-11"]),
    ("pan back", ["2007-06-01", "2007-06-08"]),
    ("whole", "reset"),
)

# One step: the relayout, then the frame after the last plotly_afterplot, once
# 300 ms pass without another. Returns [ms, marks drawn, events they stand for].
STEP_SCRIPT = """(range) => new Promise((resolve, reject) => {
    const graph = document.getElementById('timeline-graph'), axis = graph._fullLayout.xaxis;
    let change;
    if (range === 'reset') { change = {'xaxis.autorange': true}; }
    else if (range) { change = {'xaxis.range': range}; }
    else {
        const [from, to] = axis.range.map(value => axis.r2l(value)), quarter = (to - from) / 4;
        change = {'xaxis.range': [axis.l2r(from + quarter), axis.l2r(to - quarter)]};
    }
    const count = () => {
        let marks = 0, events = 0;
        for (const trace of graph.data) {
            if (trace.mode === 'lines' || !trace.customdata || trace.name === 'selected') { continue; }
            for (const point of trace.customdata) {
                marks += 1;
                events += Array.isArray(point) && Array.isArray(point[3]) ? point[3].length : 1;
            }
        }
        return [marks, events];
    };
    setTimeout(() => {
        const start = performance.now();
        let last = null, quiet = null;
        const seen = () => requestAnimationFrame(() => {
            last = performance.now() - start;
            clearTimeout(quiet);
            quiet = setTimeout(() => {
                graph.removeListener('plotly_afterplot', seen);
                resolve([last].concat(count()));
            }, 300);
        });
        graph.on('plotly_afterplot', seen);
        window.Plotly.relayout(graph, change).then(seen, reject);
    }, 50);
})"""


def visit(browser, url: str, rounds: int) -> list[dict[str, list]]:
    """The steps' [ms, marks, events], once for each round (the first: a reader's
    first zooms of the visit)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector("html[data-timeline=interactive]", timeout=PAGE_TIMEOUT_MS)
    # The embed answers on its picture of the chart and loads plotly.js when a
    # reader needs it (picture.js): opening the Filters says one is coming.
    if page.evaluate("!document.getElementById('timeline-graph')._fullLayout"):
        page.click("#filters summary")
        page.wait_for_selector("#timeline-graph .main-svg", timeout=PAGE_TIMEOUT_MS)
    page.wait_for_timeout(1000)  # the list and the idle warm-up done
    results = []
    for _ in range(1 + rounds):
        results.append({})
        for name, change in STEPS:
            results[-1][name] = page.evaluate(STEP_SCRIPT, change)
            page.wait_for_timeout(300)
    context.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES)
    parser.add_argument("--pages", default=DEFAULT_PAGES)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    table: dict = {}
    with chromium() as browser:
        for size in (int(s) for s in args.sizes.split(",")):
            path = folder / f"synth-{size}.csv"
            path.write_bytes(synthetic_csv(size, seed=1))
            with serving(create_app(Config(data_path=path)).server) as base:
                for page in args.pages.split(","):
                    url = base + ("/embed" if page == "embed" else "/")
                    visits = [visit(browser, url, args.rounds) for _ in range(args.runs)]
                    first = [rounds[0] for rounds in visits]
                    later = [done for rounds in visits for done in rounds[1:]]
                    table[f"{page} {size}"] = {name: {
                        "first_ms": round(statistics.median(r[name][0] for r in first), 1),
                        "ms": round(statistics.median(r[name][0] for r in later), 1),
                        "best_ms": round(min(r[name][0] for r in later), 1),
                        "marks": later[-1][name][1], "events": later[-1][name][2]}
                        for name, _ in STEPS}
                    print(f"{page} {size}: {json.dumps(table[f'{page} {size}'])}",
                          file=sys.stderr)
    out = ROOT / "bench" / "results" / "zoom.json"
    out.write_text(json.dumps({"date": date.today().isoformat(), "runs": args.runs,
                               "rounds": args.rounds,
                               "budgets_ms": BUDGET_MS, "pages": table}, indent=1) + "\n",
                   "utf-8")
    text = report(table, args.runs, args.rounds)
    if (args.sizes, args.pages) == (DEFAULT_SIZES, DEFAULT_PAGES):
        write_section("bench/zoom.py", text)
        print(f"wrote {out} and docs/performance.md", file=sys.stderr)
    else:
        print(text)
        print(f"wrote {out}", file=sys.stderr)


def report(table: dict, runs: int, rounds: int) -> str:
    lines = [
        f"Measured {date.today().isoformat()}, {runs} visits, each running the steps "
        f"{1 + rounds} times: the first round (a reader's first zooms of the visit; median), "
        "then the later rounds (median / best). Each step runs from a reader's zoom or pan "
        "(`Plotly.relayout`) to the frame after its last redraw, and the marks then drawn "
        "(each standing for one event or, at density, for several). Budget (issue 13): "
        "100 ms at 10,000 events, 250 ms at 100,000.",
        "",
        "| page | " + " | ".join(f"{name}: first · later ms (marks)" for name, _ in STEPS)
        + " | budget |",
        "| --- " * (len(STEPS) + 2) + "|"]
    for key, steps in table.items():
        size = int(key.split()[1])
        lines.append(f"| {key} | " + " | ".join(
            f"{s['first_ms']:,.0f} · {s['ms']:,.0f} / {s['best_ms']:,.0f} ({s['marks']:,})"
            for s in steps.values())
                     + f" | {BUDGET_MS.get(size, '-')} ms |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
