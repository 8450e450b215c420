"""A million events (issue 13's last budget row): `validate` and `export --out` of a
1,000,000-row file finish, and the exported page opens.

    .venv/bin/python bench/million.py [--rows 1000000]

The file (`python -m timeline synth --n ROWS --seed 1`, about 415 MB at a million)
and its export are written under .bench-data/ (ignored by git); the file is kept,
so a second run does not make it again. Each command runs in a fresh process, as
an editor runs it: its time (from start to exit, and its work after the imports)
and its peak memory (ru_maxrss). The exported folder is then served as a CDN would
(its `.br` copies: bench/embed.py's PrecompressedHandler) and opened in headless
Chromium with a fresh profile: in the page's own clock, its first event mark
(ready) and the first frame at which it answers hover and clicks
(`html[data-timeline=interactive]`); the bytes on the wire until then and once the
network is quiet; the JS heap it keeps. A page not interactive within
PAGE_TIMEOUT_S is recorded as not finished. One run: each step takes minutes.

Writes bench/results/million.json and its table in docs/performance.md.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "bench")]

from browser import chromium, serving_files  # noqa: E402
from embed import (  # noqa: E402
    BACKSTOP_MS,
    PAGE_TIMEOUT_S,
    DidNotFinish,
    PrecompressedHandler,
    counted_page,
    heap_mb,
    page_deadline,
)
from report import write_section  # noqa: E402

DATA = ROOT / ".bench-data"  # ignored by git: generated files are never committed

# Runs one command of the command line in this fresh process; prints its work's
# seconds (after the imports) and the process's peak memory as the last line.
COMMAND = """
import contextlib, io, json, resource, sys, time
from timeline import cli  # noqa: F401 (before the clock starts)
from timeline.data import loading  # noqa: F401
from timeline.embed import static_export  # noqa: F401
said = io.StringIO()
started = time.perf_counter()
with contextlib.redirect_stdout(said):
    code = cli.main(sys.argv[1:])
work = time.perf_counter() - started
peak = max(resource.getrusage(who).ru_maxrss
           for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
lines = said.getvalue().splitlines()
print(json.dumps({"work_s": work, "exit": code, "said": lines[-1] if lines else "",
                  "peak_mb": peak / 1024}))
"""


def run_command(*argv: str) -> dict:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", COMMAND, *argv], capture_output=True,
                          text=True, cwd=ROOT)
    wall = time.perf_counter() - started
    if done.returncode or not done.stdout.strip():
        raise SystemExit(f"{' '.join(argv)} failed:\n{done.stderr}")
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    # The export's summary is its last line on stderr.
    said = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ""
    return {**measured, "process_s": wall, "said": measured["said"] or said}


def synthetic(rows: int) -> Path:
    path = DATA / f"synth-{rows}.csv"
    if not path.exists():
        DATA.mkdir(exist_ok=True)
        partial = path.with_suffix(".partial")
        subprocess.run([sys.executable, "-m", "timeline", "synth", "--n", str(rows),
                        "--seed", "1", "--out", str(partial)], cwd=ROOT, check=True)
        partial.rename(path)
    return path


def open_page(folder: Path) -> dict:
    """One cold visit of the export's index.html, in a fresh browser profile."""
    with serving_files(folder, PrecompressedHandler) as base, chromium() as browser:
        context = browser.new_context()
        page, cdp, sizes = counted_page(context, "static")
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        result: dict = {}
        try:
            with page_deadline(f"not interactive in {PAGE_TIMEOUT_S} s"):
                page.goto(base + "/index.html", wait_until="commit", timeout=BACKSTOP_MS)
                page.wait_for_function(
                    "() => window.__benchTimes && 'interactive' in window.__benchTimes",
                    timeout=BACKSTOP_MS, polling=50)
                times = page.evaluate("window.__benchTimes")
                result |= {"ready_ms": times.get("ready"), "interactive_ms": times["interactive"],
                           "interactive_bytes": sum(sizes.values()),
                           "interactive_requests": len(sizes)}
            with page_deadline(f"still loading {PAGE_TIMEOUT_S} s after it was interactive"):
                page.wait_for_load_state("networkidle", timeout=BACKSTOP_MS)
                result |= {"bytes": sum(sizes.values()), "requests": len(sizes),
                           "heap_mb": heap_mb(cdp),
                           "count": page.inner_text("#event-count", timeout=BACKSTOP_MS)}
        except DidNotFinish as problem:
            result["did_not_finish"] = str(problem)
        result["page_errors"] = errors
        context.close()
        return result


def folder_bytes(folder: Path) -> dict:
    files = [p for p in folder.iterdir() if p.is_file()]
    return {"files": len(files), "mb": sum(p.stat().st_size for p in files) / 1e6}


def table(result: dict) -> str:
    validate, export, page = result["validate"], result["export"], result["page"]
    lines = ["| step | time s (work / process) | peak MB | result |", "| --- | --- | --- | --- |"]
    for name, step in (("`validate`", validate), ("`export --out`", export)):
        said = step["said"]
        if " as a static page to " in said:  # "…: exported N events … (what it wrote)"
            said = said.rsplit("(", 1)[-1].rstrip(")")
        lines.append(f"| {name} | {step['work_s']:,.1f} / {step['process_s']:,.1f} "
                     f"| {step['peak_mb']:,.0f} | {said} |")
    written = result["export_folder"]
    lines.append(f"| the export's folder | | | {written['files']:,} files, "
                 f"{written['mb']:,.0f} MB with their .br and .gz copies |")
    if "interactive_ms" in page:
        lines.append(
            f"| the page, cold | ready {page['ready_ms'] / 1000:,.1f} · interactive "
            f"{page['interactive_ms'] / 1000:,.1f} | heap {page.get('heap_mb', 0):,.0f} "
            f"| {page['interactive_bytes'] / 1e6:,.1f} MB in {page['interactive_requests']} "
            f"requests until interactive; {page.get('bytes', 0) / 1e6:,.1f} MB in "
            f"{page.get('requests', 0)} once quiet; says \"{page.get('count', '')}\" |")
    if "did_not_finish" in page:
        lines.append(f"| the page, cold | did not finish | | {page['did_not_finish']} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    path = synthetic(args.rows)
    out = DATA / f"export-{args.rows}"
    shutil.rmtree(out, ignore_errors=True)  # no file of an earlier run is served
    relative = str(path.relative_to(ROOT))
    result = {"rows": args.rows, "mb": path.stat().st_size / 1e6,
              "validate": run_command("validate", relative)}
    print(json.dumps(result["validate"]), flush=True)
    result["export"] = run_command("export", relative, "--out", str(out.relative_to(ROOT)))
    print(json.dumps(result["export"]), flush=True)
    result["export_folder"] = folder_bytes(out)
    result["page"] = open_page(out)
    print(json.dumps(result["page"]), flush=True)
    text = table(result)
    print(text)
    (ROOT / "bench" / "results" / "million.json").write_text(json.dumps(
        {"measured": time.strftime("%Y-%m-%d"), "cpu_count": os.cpu_count(), **result},
        indent=1) + "\n", "utf-8")
    write_section("bench/million.py", (
        f"Measured {time.strftime('%Y-%m-%d')} by `bench/million.py`: {args.rows:,} synthetic "
        f"rows ({result['mb']:,.0f} MB), one run of each step, each command in a fresh "
        f"process on this {os.cpu_count()}-core machine (work: after the imports; process: "
        f"from start to exit). The page: the export served with its `.br` copies, a fresh "
        f"headless Chromium profile, times in the page's own clock.\n\n{text}"))


if __name__ == "__main__":
    main()
