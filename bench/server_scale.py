"""The server at 100,000 events: start time and memory of every gunicorn worker (issue 13).

    .venv/bin/python bench/server_scale.py [--events 100000] [--runs 3] [--no-write]

Each run starts gunicorn with the committed settings (`gunicorn.conf.py`, so
as many workers as it gives this machine) on a synthetic timeline
(`python -m timeline synth --seed 1`) in a fresh temporary folder, so nothing
is cached from an earlier run. It times the first `/healthz` answer from the
moment gunicorn was started, then asks once for each of the pages below (the
first answer: built by whichever worker got it), then asks for each again
until every worker has served it (the access log names the worker). Once the
workers are idle (their background compression done), it reads each worker's
memory from /proc: RSS (what the budget counts), its peak (VmHWM: the most it
held at any time), and PSS (shared pages divided among the processes sharing
them). CPU seconds are counted beside the wall clock: on a machine shared with
other work, the wall clock also counts the time the others took.

Pages: the explorer `/` and its layout, `/embed`, the embed's data JSON, a
details chunk, the search JSON and the actor figure.

Writes bench/results/server_scale.json and a table in docs/performance.md.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import brotli  # noqa: E402

from report import write_section  # noqa: E402
from timeline.data.synth import synthetic_csv  # noqa: E402

GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
# Issue 13: at 100,000 events.
BUDGETS = {"healthz_s": 5.0, "worker_rss_mb": 350}
# Only the access log's format is ours: which worker (%(p)s) served which path.
ACCESS_FORMAT = "%(p)s %(s)s %(U)s"  # "<pid> 200 /embed"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port: int, path: str, timeout: float = 120) -> tuple[int, bytes]:
    """(status, body) of a GET as browsers send it (brotli accepted); the body decoded."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Accept-Encoding": "br"})
        response = connection.getresponse()
        body = response.read()
        if response.getheader("Content-Encoding") == "br":
            body = brotli.decompress(body)
        return response.status, body
    finally:
        connection.close()


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def memory_mb(pid: int) -> dict[str, float]:
    """RSS, its peak and PSS of one process, in MB."""
    status = Path(f"/proc/{pid}/status").read_text()

    def field(text: str, name: str) -> float:
        return int(re.search(rf"^{name}:\s+(\d+) kB", text, re.M)[1]) / 1024
    pss = Path(f"/proc/{pid}/smaps_rollup").read_text()
    return {"rss_mb": round(field(status, "VmRSS"), 1),
            "peak_rss_mb": round(field(status, "VmHWM"), 1), "pss_mb": round(field(pss, "Pss"), 1)}


def wait_until_idle(pid: int, limit_s: float = 300) -> float:
    """Seconds until gunicorn's processes use under 5 % of a core for 3 s in a row."""
    started = time.monotonic()
    while time.monotonic() - started < limit_s:
        before = cpu_seconds(pid)
        time.sleep(3)
        if cpu_seconds(pid) - before < 0.15:
            break
    return round(time.monotonic() - started, 1)


def cpu_seconds(pid: int) -> float:
    """CPU time a process and its workers have used: on a busy machine, the work
    itself, where the wall clock also counts the time others took."""
    def own(process: int) -> float:
        try:
            fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        # utime, stime, and the same of children that have ended (fields 14-17)
        return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    return own(pid) + sum(own(child) for child in children(pid))


def wait_for_health(port: int, started: float, server: subprocess.Popen) -> float:
    while True:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped (exit {server.returncode})")
        try:
            status, _ = get(port, "/healthz", timeout=60)
            if status == 200:
                return time.monotonic() - started
        except OSError:
            pass
        if time.monotonic() - started > 300:
            raise RuntimeError("no /healthz after 300 s")
        time.sleep(0.05)


def page_paths(port: int) -> dict[str, str]:
    """The pages, by name: the embed's data files by the addresses its page gives."""
    status, page = get(port, "/embed")
    assert status == 200, status
    text = page.decode("utf-8")

    def address(attribute: str) -> str:
        return re.search(rf'{attribute}="([^"]+)"', text)[1].replace("&amp;", "&")
    return {"/": "/", "/_dash-layout": "/_dash-layout", "/embed": "/embed",
            "data JSON": address("data-events"),
            "details chunk": address("data-details").replace("{chunk}", "0"),
            "search JSON": address("data-search"),
            "actor figure": address("data-actor-figure")}


def served_by(log: Path) -> dict[str, set[int]]:
    """path → the workers that answered it with a 200, from the access log."""
    served: dict[str, set[int]] = {}
    for line in log.read_text().splitlines():
        parts = line.split(" ", 2)
        if len(parts) == 3 and parts[1] == "200":
            served.setdefault(parts[2], set()).add(int(parts[0].strip("<>")))  # "<pid>"
    return served


def one_run(csv: bytes, events: int) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="timeline-scale-"))
    # data/ in the folder: the cache (.timeline-cache) goes beside it, in the folder too.
    (folder / "data").mkdir()
    data = folder / "data" / "events.csv"
    data.write_bytes(csv)
    log, errors = folder / "access.log", folder / "gunicorn.log"
    port = free_port()
    started = time.monotonic()
    server = subprocess.Popen(
        [GUNICORN, "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
         "--access-logformat", ACCESS_FORMAT, "app:server"],
        cwd=ROOT, env={**os.environ, "TIMELINE_DATA": str(data),
                       "TIMELINE_ACCESS_LOG": str(log)},
        stdout=subprocess.DEVNULL, stderr=errors.open("wb"))
    try:
        result: dict = {"events": events, "healthz_s": round(
            wait_for_health(port, started, server), 2),
            "healthz_cpu_s": round(cpu_seconds(server.pid), 1),
            "load_average": os.getloadavg()[0]}
        asked = time.monotonic()
        paths = page_paths(port)  # the first /embed: its data files' addresses
        first = {"/embed": round(time.monotonic() - asked, 2)}
        for name, path in paths.items():
            if name in first:
                continue
            asked = time.monotonic()
            status, _ = get(port, path)
            assert status == 200, (path, status)
            first[name] = round(time.monotonic() - asked, 2)
            print(f"first {name}: {first[name]} s", file=sys.stderr)
        result["first_answer_s"] = first
        # Every worker serves every page: ask, several at a time, until the log
        # shows each worker has answered each one (the kernel picks the worker).
        # A worker gunicorn restarts (its 30 s timeout) is a new one, asked again.
        every_started, failures = time.monotonic(), []

        def ask(path: str) -> None:
            try:
                status, _ = get(port, path)
                if status != 200:
                    failures.append(f"{path}: {status}")
            except OSError as problem:
                failures.append(f"{path}: {problem!r}")
        complete = True
        for name, path in paths.items():
            for _ in range(40):
                time.sleep(0.2)  # the log is written after the answer
                workers = children(server.pid)
                missing = set(workers) - served_by(log).get(path.split("?")[0], set())
                if not missing:
                    break
                print(f"{name}: {len(missing)} workers to go", file=sys.stderr)
                with ThreadPoolExecutor(2 * len(workers)) as pool:
                    list(pool.map(ask, [path] * (2 * len(workers))))
            else:
                complete = False
        workers = children(server.pid)
        result["workers"] = len(workers)
        result["every_worker_served_s"] = round(time.monotonic() - every_started, 1)
        result["every_worker_served_all"] = complete
        result["failed_requests"] = len(failures)
        result["failures"] = failures[:10]
        result["worker_timeouts"] = errors.read_text().count("WORKER TIMEOUT")
        result["workers_started"] = len({int(p) for p in re.findall(
            r"Booting worker with pid: (\d+)", errors.read_text())})
        result["served_cpu_s"] = round(cpu_seconds(server.pid), 1)
        result["idle_after_s"] = wait_until_idle(server.pid)
        result["cpu_s"] = round(cpu_seconds(server.pid), 1)
        result["master"] = memory_mb(server.pid)
        result["per_worker"] = [memory_mb(pid) for pid in workers]
        cache = folder / ".timeline-cache"
        result["cache_mb"] = round(sum(f.stat().st_size for f in cache.rglob("*") if f.is_file())
                                   / 1e6, 1) if cache.exists() else 0
        return result
    finally:
        server.terminate()
        server.wait(timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


# Each measure of a run, by its name in the table: (how it reads a run, unit).
MEASURES = {
    "`/healthz` answers, from gunicorn's start": (lambda r: r["healthz_s"], "s"),
    "… CPU time used by then (master, loader, workers)": (lambda r: r["healthz_cpu_s"], "s"),
    "load average of the machine at that moment": (lambda r: r["load_average"], ""),
    "largest worker's RSS, every page served, idle": (
        lambda r: max(w["rss_mb"] for w in r["per_worker"]), "MB"),
    "smallest worker's RSS": (lambda r: min(w["rss_mb"] for w in r["per_worker"]), "MB"),
    "largest peak RSS of a worker (VmHWM)": (
        lambda r: max(w["peak_rss_mb"] for w in r["per_worker"]), "MB"),
    "largest PSS of a worker (shared pages divided)": (
        lambda r: max(w["pss_mb"] for w in r["per_worker"]), "MB"),
    "gunicorn's master RSS": (lambda r: r["master"]["rss_mb"], "MB"),
    "every worker has served every page": (lambda r: r["every_worker_served_s"], "s"),
    "CPU time, start to idle": (lambda r: r["cpu_s"], "s"),
    "requests failed": (lambda r: r["failed_requests"], ""),
    "cache folder": (lambda r: r["cache_mb"], "MB"),
}
BUDGET_OF = {"`/healthz` answers, from gunicorn's start": BUDGETS["healthz_s"],
             "largest worker's RSS, every page served, idle": BUDGETS["worker_rss_mb"]}


def summary(runs: list[dict]) -> dict:
    """Each measure of each run, and its median."""
    table = {name: [read(run) for run in runs] for name, (read, _) in MEASURES.items()}
    for page in runs[0]["first_answer_s"]:
        table[f"first answer: {page}"] = [run["first_answer_s"][page] for run in runs]
    return {name: {"runs": values, "median": round(statistics.median(values), 2)}
            for name, values in table.items()}


def write_table(results: dict) -> None:
    runs, s = results["runs"], results["summary"]
    header = ["measure", *[f"run {n}" for n in range(1, len(runs) + 1)], "median", "budget"]
    rows = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    verdicts = []
    for name, values in s.items():
        unit = MEASURES.get(name, (None, "s"))[1]
        limit = BUDGET_OF.get(name)
        cells = [f"{v:,.1f}" if isinstance(v, float) else f"{v:,}" for v in values["runs"]]
        rows.append(f"| {name} | " + " | ".join(cells) + f" | {values['median']:,.1f} {unit} | "
                    + (f"≤ {limit:,} {unit}" if limit else "") + " |")
        if limit:
            within = sum(v <= limit for v in values["runs"])
            verdicts.append(f"{name}: {within} of {len(runs)} runs within")
    write_section("bench/server_scale.py", (
        f"Measured {time.strftime('%Y-%m-%d')} by `bench/server_scale.py`: gunicorn with "
        f"`gunicorn.conf.py` ({runs[0]['workers']} workers on this 2-core machine), "
        f"{results['events']:,} synthetic events, each run in a fresh folder (nothing "
        f"cached). Pages: `/` and its layout, `/embed`, the embed's data JSON, a details "
        f"chunk, the search JSON and the actor figure; first answers as one reader asks "
        f"for them in turn, then each asked until every worker had served it.\n\n"
        + "\n".join(rows) + "\n\nAgainst the budgets: " + "; ".join(verdicts) + "."))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-write", action="store_true",
                        help="print the results; leave docs/ and bench/results/ alone")
    args = parser.parse_args()
    csv = synthetic_csv(args.events, seed=1)
    runs = []
    for number in range(args.runs):
        runs.append(one_run(csv, args.events))
        print(json.dumps(runs[-1], indent=1), file=sys.stderr)
    results = {"settings": "gunicorn.conf.py", "events": args.events, "runs": runs,
               "summary": summary(runs)}
    print(json.dumps(results["summary"], indent=1))
    if not args.no_write:
        (ROOT / "bench" / "results" / "server_scale.json").write_text(
            json.dumps(results, indent=1) + "\n")
        write_table(results)


if __name__ == "__main__":
    main()
