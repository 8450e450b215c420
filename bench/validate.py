"""Checking a file: `python -m timeline validate` against pandas.read_csv of the same file.

    .venv/bin/python bench/validate.py [--sizes 1000,10000,100000,1000000] [--runs 3]

The files: the bundled fixture (tests/data/events.csv), synthetic timelines of
each size (`python -m timeline synth --seed 1`), and the ordinary-looking files
of about 1 MB that took longest per MB (`timeline.data.synth.AWKWARD`). Each measure
runs in a fresh process, one after the other:

- pandas: `pandas.read_csv(path, dtype=str, keep_default_na=False)`;
- validate: `python -m timeline validate PATH`, as an editor runs it.

For each: the process's wall time (start to exit, the interpreter and imports
included), the time of the work alone (after the imports), and the process's
peak memory (ru_maxrss). Medians of --runs, one run at 1,000,000 rows (415 MB:
over the app's 50 MB limit, under the command line's 1,000 MB; bench/million.py
also exports it and opens the page).

Writes bench/results/validate.json and a table in docs/performance.md.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from report import write_section  # noqa: E402
from timeline.data.synth import AWKWARD, awkward_csv  # noqa: E402

FIXTURE = ROOT / "tests" / "data" / "events.csv"

# Each measure prints one line of JSON: its work's seconds (after imports) and peak memory.
PANDAS = """
import json, resource, sys, time
import pandas
started = time.perf_counter()
frame = pandas.read_csv(sys.argv[1], dtype=str, keep_default_na=False)
work = time.perf_counter() - started
print(json.dumps({"work_s": work, "rows": len(frame),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""
VALIDATE = """
import contextlib, io, json, os, resource, sys, time
from timeline import cli  # noqa: F401 (imported before the clock starts)
from timeline.data import loading  # noqa: F401
said = io.StringIO()
started = time.perf_counter()
with contextlib.redirect_stdout(said):
    code = cli.main(["validate", sys.argv[1]])
work = time.perf_counter() - started
lines = said.getvalue().splitlines()
# The file's name without its temporary folder: results name nothing outside the repo.
first = lines[0].replace(os.path.dirname(sys.argv[1]) + os.sep, "")
print(json.dumps({"work_s": work, "exit": code, "said": lines[-1], "first": first,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def measure(script: str, *args: str) -> dict:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True,
                          text=True, cwd=ROOT, check=True)
    wall = time.perf_counter() - started
    return {**json.loads(done.stdout.strip().splitlines()[-1]), "process_s": wall}


def medians(runs: list[dict]) -> dict:
    """Each number the median of the runs; anything else as the first run has it."""
    return {key: statistics.median(run[key] for run in runs)
            if isinstance(value, (int, float)) and not isinstance(value, bool) else value
            for key, value in runs[0].items()}


def compare(name: str, path: Path, runs: int) -> dict:
    size = path.stat().st_size
    pandas = medians([measure(PANDAS, str(path)) for _ in range(runs)])
    checked = medians([measure(VALIDATE, str(path)) for _ in range(runs)])
    result = {"file": name, "rows": pandas["rows"], "mb": size / 1e6, "pandas": pandas,
              "validate": checked}
    print(json.dumps(result), flush=True)
    return result


def synthetic(folder: Path, rows: int) -> Path:
    path = folder / f"synth-{rows}.csv"
    subprocess.run([sys.executable, "-m", "timeline", "synth", "--n", str(rows), "--seed", "1",
                    "--out", str(path)], cwd=ROOT, check=True)
    return path


def table(results: list[dict]) -> str:
    lines = ["| file | rows | MB | pandas s (work / process) | validate s (work / process) "
             "| × pandas (work / process) | s per MB (work) | peak MB (pandas / validate) "
             "| validate says |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for result in results:
        pandas, checked = result["pandas"], result["validate"]
        said = checked["said"]
        if checked["exit"] and result["rows"] and said.endswith(" 0 rows"):  # refused
            said = checked["first"].split("error: ", 1)[-1]
        said = said if len(said) < 60 else said[:57] + "…"
        lines.append(
            f"| {result['file']} | {result['rows']:,} | {result['mb']:.1f} "
            f"| {pandas['work_s']:.2f} / {pandas['process_s']:.2f} "
            f"| {checked['work_s']:.2f} / {checked['process_s']:.2f} "
            f"| {checked['work_s'] / pandas['work_s']:.1f} / "
            f"{checked['process_s'] / pandas['process_s']:.1f} "
            f"| {checked['work_s'] / result['mb']:.2f} "
            f"| {pandas['peak_mb']:,.0f} / {checked['peak_mb']:,.0f} | {said} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000,1000000")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-validate-"))
    try:
        results = [compare("tests/data/events.csv", FIXTURE, args.runs)]
        for rows in (int(size) for size in args.sizes.split(",") if size):
            results.append(compare(f"synth {rows:,}", synthetic(folder, rows),
                                   args.runs if rows < 1_000_000 else 1))
        for kind in AWKWARD:
            path = folder / f"{kind}.csv"
            path.write_bytes(awkward_csv(kind))
            results.append(compare(kind, path, args.runs))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    text = table(results)
    print(text)
    out = ROOT / "bench" / "results" / "validate.json"
    out.write_text(json.dumps({"measured": time.strftime("%Y-%m-%d"), "cpu_count": os.cpu_count(),
                               "results": results}, indent=1) + "\n", "utf-8")
    write_section("bench/validate.py", (
        f"Measured {time.strftime('%Y-%m-%d')} by `bench/validate.py` (medians of {args.runs}, "
        f"one run at 1,000,000 rows; each in a fresh process on this 2-core machine). Work: "
        f"after the imports; process: from start to exit.\n\n{text}"))


if __name__ == "__main__":
    main()
