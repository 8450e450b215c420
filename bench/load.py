"""Readers in their hundreds while an editor saves: `make bench` (about three minutes).

    .venv/bin/python bench/load.py [--seconds 60] [--readers 50,200] [--saves 10]

gunicorn runs with the production settings (`gunicorn.conf.py`) on a copy of
the bundled data. Each reader cycles through what a visit to an article's
embed asks for (the page, its scripts, its data and an event's details) and,
one reader in five, what the explorer asks the server for (its page, Dash's
layout and callback list, and its events' file: it draws in the browser, and
has no callback that runs on the server). Meanwhile an editor
logs in and saves `--saves` changes through the editor's own endpoint, and a
watcher times how long each takes to reach readers (every worker, 20 answers
in a row). Writes bench/results/load.json and a table in docs/performance.md.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from embed import free_port, wait_until_up  # noqa: E402
from loadgen import run_clients  # noqa: E402
from report import write_section  # noqa: E402
from timeline.data.history import list_versions  # noqa: E402
from timeline.data_store import content_version  # noqa: E402
from timeline.editor.rows import rows_to_bytes, table_from_bytes  # noqa: E402

SECRET = "load test editors' secret"
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


class Session:
    """One HTTP client with cookies: enough to log in and save like the editor page."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict | None = None) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection.request(method, path, body=body,
                           headers={**(headers or {}), **({"Cookie": cookie} if cookie else {})})
        response = connection.getresponse()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, response.read()


def log_in(port: int) -> Session:
    session = Session(port)
    _, page = session.request("GET", "/edit/login")
    token = re.search(rb'name="csrf_token" value="([^"]+)"', page)[1].decode()
    status, _ = session.request("POST", "/edit/login", urlencode(
        {"secret": SECRET, "name": "Load test", "csrf_token": token}).encode(),
        {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 302, status
    return session


def save(session: Session, data_path: Path, number: int) -> tuple[str, float]:
    """One change saved through the editor's Save callback; (new version, the moment
    the editor was told it was saved)."""
    _, dependencies = session.request("GET", "/edit/_dash-dependencies")
    [callback] = [d for d in json.loads(dependencies)
                  if d["inputs"] == [{"id": "edit-save", "property": "n_clicks"}]]
    current = data_path.read_bytes()
    table = table_from_bytes(current)
    rows = [dict(r) for r in table.rows]
    rows[number % 20]["title"] = f"Load test change {number}"
    outputs = [dict(zip(("id", "property"), part.split("@")[0].split(".")))
               for part in callback["output"].strip(".").split("...")]
    body = json.dumps({
        "output": callback["output"], "outputs": outputs,
        "inputs": [{"id": "edit-save", "property": "n_clicks", "value": number + 1}],
        "state": [{"id": "edit-grid", "property": "rowData", "value": rows},
                  {"id": "edit-format", "property": "data", "value": table.file_format.to_dict()},
                  {"id": "edit-base-version", "property": "data",
                   "value": content_version(current)},
                  # The changes the page counts in the table (editor.js): one, the title.
                  {"id": "edit-edits", "property": "data", "value": number + 1}],
        "changedPropIds": ["edit-save.n_clicks"]}).encode()
    status, answer = session.request("POST", "/edit/_dash-update-component", body, {
        "Content-Type": "application/json", "X-CSRFToken": session.cookies["_csrf_token"]})
    assert status == 200 and b"Saved version" in answer, (status, answer[:300])
    return content_version(rows_to_bytes(rows, table.file_format)), time.monotonic()


def seen_by_readers(port: int, version: str, since: float) -> float:
    """Seconds from the save until readers get `version`: from then on, 20 requests in
    a row (on new connections, so any worker) all did. Counted to when the first of
    them was sent, since under load each answer itself takes a while to come."""
    in_a_row, first = 0, None
    while in_a_row < 20:
        sent = time.monotonic()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", "/embed")
        page = connection.getresponse().read()
        if f"/embed/data/{version}.json".encode() in page:
            first = first or sent
            in_a_row += 1
        else:
            in_a_row, first = 0, None
        if time.monotonic() - since > 30:
            raise AssertionError(f"version {version} not served after 30 s")
    return max(first - since, 0.0)


def events_url(layout) -> str:
    """The events' file the explorer's engine fetches: the data-events of its #timeline."""
    stack = [layout]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict) and isinstance(node.get("props"), dict):
            if node["props"].get("id") == "timeline":
                return node["props"]["data-events"]
            stack.append(node["props"].get("children"))
    raise AssertionError("the explorer's layout has no #timeline")


def reader_mix(port: int) -> Callable[[int], list]:
    session = Session(port)
    _, page = session.request("GET", "/embed")
    text = page.decode()
    scripts = re.findall(r'(?:src|href)="(/static/[^"]+)"', text)
    data = re.search(r'data-events="([^"]+)"', text)[1]
    details = re.search(r'data-details="([^"]+)"', text)[1].replace("{chunk}", "0")
    _, layout = session.request("GET", "/_dash-layout")
    explorer_data = events_url(json.loads(layout))
    embed_visit = [("GET", "/embed", None), *[("GET", s, None) for s in scripts],
                   ("GET", data, None), ("GET", details, None)]
    explorer_visit = [("GET", "/", None), ("GET", "/_dash-layout", None),
                      ("GET", "/_dash-dependencies", None), ("GET", explorer_data, None)]

    def mix(number: int) -> list:
        return embed_visit + (explorer_visit if number % 5 == 0 else [])
    return mix


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--readers", default="50,200")
    parser.add_argument("--saves", type=int, default=10)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    data = folder / "events.csv"
    shutil.copy(ROOT / "data" / "events.csv", data)
    port = free_port()
    server = subprocess.Popen(
        [GUNICORN, "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", "app:server"],
        cwd=ROOT, env={**os.environ, "TIMELINE_DATA": str(data),
                       "TIMELINE_EDIT_SECRET": SECRET},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    results: dict = {"settings": "gunicorn.conf.py", "runs": []}
    try:
        wait_until_up(port, "/embed")
        mix = reader_mix(port)
        editor = log_in(port)
        saves_done = 0
        for readers in [int(n) for n in args.readers.split(",")]:
            delays: list[float] = []

            def edit() -> None:
                nonlocal saves_done
                pause = args.seconds / (args.saves + 1)
                for _ in range(args.saves):
                    time.sleep(pause)
                    version, started = save(editor, data, saves_done)
                    saves_done += 1
                    delays.append(seen_by_readers(port, version, started))

            editing = threading.Thread(target=edit)
            editing.start()
            load = run_clients(f"http://127.0.0.1:{port}", mix, readers, args.seconds)
            editing.join()
            load["saves"] = len(delays)
            load["seen_by_readers_s"] = {"median": round(statistics.median(delays), 2),
                                         "max": round(max(delays), 2)}
            results["runs"].append(load)
            print(json.dumps(load, indent=1), file=sys.stderr)
        kept = list_versions(data)
        results["saves_total"] = saves_done
        results["history_entries"] = len(kept)
        results["last_change_on_disk"] = f"Load test change {saves_done - 1}" in data.read_text()
        assert results["history_entries"] == saves_done and results["last_change_on_disk"]
    finally:
        server.terminate()
        server.wait(timeout=30)
    (ROOT / "bench" / "results" / "load.json").write_text(json.dumps(results, indent=1) + "\n")
    write_table(results)


def write_table(results: dict) -> None:
    rows = ["| readers | seconds | requests/s | median ms | p95 ms | p99 ms | errors | "
            "saves | seen by readers (median / max s) |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for run in results["runs"]:
        rows.append(f"| {run['clients']} | {run['seconds']:.0f} | {run['requests_per_s']} | "
                    f"{run['median_ms']} | {run['p95_ms']} | {run['p99_ms']} | {run['errors']} | "
                    f"{run['saves']} | {run['seen_by_readers_s']['median']} / "
                    f"{run['seen_by_readers_s']['max']} |")
    write_section("bench/load.py", (
        f"Readers (the embed's page, scripts, data and details; one in five also the "
        f"explorer's page, Dash's layout and callback list and its events' file) against "
        f"gunicorn with `gunicorn.conf.py`, while an editor saves through `/edit/`: "
        f"{results['saves_total']} saves, {results['history_entries']} kept in the history, "
        f"none lost. Seen by readers: from "
        f"the editor's \"Saved\" answer until the first of 20 answers in a row, on new "
        f"connections (any worker), that serve it.\n\n" + "\n".join(rows)))


if __name__ == "__main__":
    main()
