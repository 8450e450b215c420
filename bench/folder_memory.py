"""A newsroom's folder of timelines: memory per worker with 100 of them (issue 18).

    .venv/bin/python bench/folder_memory.py [--timelines 100] [--events 500] [--workers 2]
                                            [--no-write]

Each run starts gunicorn with the committed settings (`gunicorn.conf.py`, its
worker count set by --workers) on a fresh folder of synthetic timelines
(`python -m timeline synth`, a seed each), then reads every timeline as a reader
would: its explorer page, its events JSON and its embed, each on a new connection
(so every worker meets many timelines), the index /t/ first and last. It then reads
each worker's memory from /proc: RSS (the budget's measure) and its peak (VmHWM).

The peer, measured in the same run: the same server on a folder of ONE such
timeline, read the same way. The ratio says what the other 99 cost; the budget
(issue 18) is 400 MB per worker. Times: the index's first answer (every file read
and summed up) and its next, and a timeline's first answer (its app built) against
its next.

Writes bench/results/folder_memory.json and a table in docs/performance.md.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from report import write_section  # noqa: E402
from server_scale import children, free_port, get, memory_mb, wait_until_idle  # noqa: E402
from timeline.data.synth import synthetic_csv  # noqa: E402

GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
BUDGET_MB = 400


def slug(number: int) -> str:
    return f"story-{number:03d}"


def make_folder(folder: Path, timelines: int, events: int) -> None:
    for number in range(timelines):
        (folder / f"{slug(number)}.csv").write_bytes(synthetic_csv(events, seed=number + 1))


def timed_get(port: int, path: str) -> float:
    started = time.perf_counter()
    status, _ = get(port, path)
    assert status == 200, (path, status)
    return time.perf_counter() - started


def events_address(port: int, name: str) -> str:
    status, page = get(port, f"/t/{name}/")
    assert status == 200, (name, status)
    text = page.decode("utf-8")
    start = text.index('rel="preload" href="') + len('rel="preload" href="')
    return text[start:text.index('"', start)]


def one_run(timelines: int, events: int, workers: int) -> dict:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "data"
        folder.mkdir()
        make_folder(folder, timelines, events)
        port = free_port()
        server = subprocess.Popen(
            [GUNICORN, "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", "app:server"],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env={**os.environ, "TIMELINE_DATA": str(folder), "WEB_CONCURRENCY": str(workers),
                 "TIMELINE_CACHE_DIR": str(Path(scratch) / "cache")})
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    if get(port, "/t/")[0] == 200:
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("the site did not start")
                time.sleep(0.1)
            index_next = timed_get(port, "/t/")
            first, again = [], []
            for number in range(timelines):
                name = slug(number)
                first.append(timed_get(port, f"/t/{name}/"))
                again.append(timed_get(port, f"/t/{name}/"))
                timed_get(port, events_address(port, name))
                timed_get(port, f"/t/{name}/embed")
            index_last = timed_get(port, "/t/")
            wait_until_idle(server.pid, limit_s=60)
            memory = [memory_mb(pid) for pid in children(server.pid)]
        finally:
            server.terminate()
            server.wait(timeout=30)
    return {"timelines": timelines, "events": events, "workers": len(memory),
            "worker_rss_mb": max(m["rss_mb"] for m in memory),
            "worker_peak_rss_mb": max(m["peak_rss_mb"] for m in memory),
            "index_s": round(index_next, 3), "index_last_s": round(index_last, 3),
            "timeline_first_s": round(statistics.median(first), 3),
            "timeline_again_s": round(statistics.median(again), 3)}


def write_table(results: dict) -> None:
    many, one = results["many"], results["one"]
    rows = ["| measure | 1 timeline (peer) | "
            f"{many['timelines']} timelines | ratio |", "| --- | --- | --- | --- |"]
    for name, unit in (("worker_rss_mb", "MB"), ("worker_peak_rss_mb", "MB"),
                       ("timeline_first_s", "s"), ("timeline_again_s", "s"),
                       ("index_last_s", "s")):
        ratio = many[name] / one[name] if one[name] else float("nan")
        rows.append(f"| {name} | {one[name]:,} {unit} | {many[name]:,} {unit} | "
                    f"{ratio:.2f} |")
    verdict = ("within" if many["worker_peak_rss_mb"] <= BUDGET_MB else "OVER")
    write_section("bench/folder_memory.py", (
        f"Measured {time.strftime('%Y-%m-%d')} by `bench/folder_memory.py`: gunicorn with "
        f"`gunicorn.conf.py` and {many['workers']} workers, a folder of {many['timelines']} "
        f"synthetic timelines of {many['events']:,} events each, every one read as a reader "
        f"reads it (its explorer, its events' JSON, its embed) on new connections; the peer "
        f"is the same server on a folder of one. Worker memory is the largest worker's.\n\n"
        + "\n".join(rows) + f"\n\nBudget (issue 18): {BUDGET_MB} MB per worker; the largest "
        f"worker's peak was {many['worker_peak_rss_mb']:,} MB: {verdict} the budget."))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timelines", type=int, default=100)
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    results = {"one": one_run(1, args.events, args.workers),
               "many": one_run(args.timelines, args.events, args.workers)}
    print(json.dumps(results, indent=1))
    if not args.no_write:
        (ROOT / "bench" / "results" / "folder_memory.json").write_text(
            json.dumps(results, indent=1) + "\n")
        write_table(results)


if __name__ == "__main__":
    main()
