"""What editors wait for: a change reaching every worker, and a save of a big file.

    .venv/bin/python bench/editing.py [--runs 5] [--rows 10000]

1. Reload delay: gunicorn with 4 workers serves a copy of the bundled data;
   the file is replaced (as a spreadsheet saves it, in place) and `/healthz`
   is polled on new connections (so every worker answers) until 20 answers in
   a row show the new version. Reported: first and last worker to serve it.
2. Save time: `save_version` on a synthetic file of `--rows` events (the
   editor's Save: validation, the lock, the version check, the diff for the
   history's summary, the history copy and the atomic write), and the editor's
   per-edit check of the same table (rows → CSV → validation → marks).

Writes medians to bench/results/editing.json.
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from report import write_section  # noqa: E402
from timeline.data.synth import synthetic_csv  # noqa: E402
from timeline.data_store import content_version  # noqa: E402
from timeline.editor.rows import check_rows, rows_to_bytes, table_from_bytes  # noqa: E402
from timeline.editor.saving import Saved, save_version  # noqa: E402

WORKERS = 4


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def health(port: int) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
        return json.loads(response.read())


def reload_delays(runs: int) -> list[tuple[float, float]]:
    folder = Path(tempfile.mkdtemp())
    data = folder / "events.csv"
    original = (ROOT / "data" / "events.csv").read_bytes()
    data.write_bytes(original)
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "--workers", str(WORKERS), "--bind",
         f"127.0.0.1:{port}", "app:server"], cwd=ROOT, env={**os.environ,
                                                            "TIMELINE_DATA": str(data)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                health(port)
                break
            except OSError:
                time.sleep(0.2)
        for _ in range(40):
            health(port)  # every worker has loaded the data
        delays = []
        for run in range(runs):
            new = original.replace(b"Kim and Putin meet", f"Kim and Putin meet ({run})".encode())
            version = content_version(new)
            written = time.monotonic()
            data.write_bytes(new)
            first = None
            in_a_row = 0
            while in_a_row < 20:
                if health(port)["version"] == version:
                    first = first or time.monotonic() - written
                    in_a_row += 1
                else:
                    in_a_row = 0
            delays.append((first, time.monotonic() - written))
            time.sleep(0.5)
        return delays
    finally:
        server.terminate()
        server.wait(timeout=10)


def save_times(rows: int, runs: int) -> dict:
    folder = Path(tempfile.mkdtemp())
    path = folder / "events.csv"
    data = synthetic_csv(rows, seed=1)
    path.write_bytes(data)
    table = table_from_bytes(data)
    saves, checks = [], []
    for run in range(runs):
        edited = [dict(r) for r in table.rows]
        edited[run]["title"] = f"Edited {run}"
        started = time.perf_counter()
        check_rows(edited, table.file_format)
        checks.append(time.perf_counter() - started)
        started = time.perf_counter()
        outcome = save_version(path, rows_to_bytes(edited, table.file_format),
                               content_version(path.read_bytes()))
        saves.append(time.perf_counter() - started)
        assert isinstance(outcome, Saved), outcome
    return {"rows": rows, "bytes": len(data), "save_s": statistics.median(saves),
            "check_per_edit_s": statistics.median(checks)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    delays = reload_delays(args.runs)
    result = {
        "workers": WORKERS,
        "reload_first_worker_s": statistics.median(d[0] for d in delays),
        "reload_all_workers_s": statistics.median(d[1] for d in delays),
        "reload_all_workers_max_s": max(d[1] for d in delays),
        **save_times(args.rows, args.runs),
    }
    print(json.dumps(result, indent=1))
    out = ROOT / "bench" / "results" / "editing.json"
    out.write_text(json.dumps(result, indent=1) + "\n", "utf-8")
    write_section("bench/editing.py", (
        f"| measure | seconds |\n| --- | --- |\n"
        f"| a change on disk served by the first of {WORKERS} gunicorn workers (median) | "
        f"{result['reload_first_worker_s']:.2f} |\n"
        f"| … by every worker, 20 answers in a row (median / worst) | "
        f"{result['reload_all_workers_s']:.2f} / {result['reload_all_workers_max_s']:.2f} |\n"
        f"| the editor's Save of a {result['rows']:,}-event file ({result['bytes'] // 1000:,} KB) "
        f"| {result['save_s']:.2f} |\n"
        f"| the editor's check of that table after one edit | "
        f"{result['check_per_edit_s']:.2f} |"))


if __name__ == "__main__":
    main()
