"""The ways the app starts: the factory, `python app.py` and `gunicorn app:server`."""
from __future__ import annotations

import json
import re
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from support import BUNDLED_CSV as GOOD
from support import csv_bytes
from timeline.app_factory import DataFileError, create_app
from timeline.config import Config

REPOSITORY = Path(__file__).parent.parent
BROKEN = (b"id,start,title,actors,category\n"
          b"ok,2024-02-20,Fine,Kim Jong-un,gifts\n"
          b"bad,2023-02-30,Bad,Kim Jong-un,gifts\n")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, seconds: float = 30) -> bytes:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(process.communicate()[1])
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read()
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer")


def test_factory_builds_independent_apps(tmp_path):
    data = tmp_path / "events.csv"
    data.write_bytes(csv_bytes([{"id": "a", "start": "2024", "title": "A", "actors": "X",
                                 "category": "gifts"}]))
    first = create_app(Config(data_path=data, title="First"))
    second = create_app(Config(data_path=data, title="Second"))
    assert first.server is not second.server
    assert first.title == "First" and second.title == "Second"
    response = first.server.test_client().get("/embed?actor=X")
    assert response.status_code == 200 and b"<title>First</title>" in response.data


def test_factory_refuses_a_file_with_errors(tmp_path):
    data = tmp_path / "events.csv"
    data.write_bytes(BROKEN)
    with pytest.raises(DataFileError) as raised:
        create_app(Config(data_path=data))
    assert [p.line for p in raised.value.report.errors] == [3]


def test_app_py_prints_the_report_and_exits_non_zero(tmp_path):
    data = tmp_path / "events.csv"
    data.write_bytes(BROKEN)
    result = subprocess.run([sys.executable, "app.py", "--data", str(data), "--port",
                             str(free_port())], cwd=REPOSITORY, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 1
    assert f"{data}:3: start: error:" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_app_py_serves_the_timeline(data):
    port = free_port()
    process = subprocess.Popen([sys.executable, "app.py", "--data", str(data),
                                "--port", str(port)], cwd=REPOSITORY,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        page = wait_for(f"http://127.0.0.1:{port}/", process)
        assert b"Russia and North Korea" in page
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_gunicorn_serves_app_server(data):
    port = free_port()
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "--workers", "2", "--bind",
         f"127.0.0.1:{port}", "app:server"], cwd=REPOSITORY, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
        env={**os.environ, "TIMELINE_DATA": str(data)})
    try:
        explorer = wait_for(f"http://127.0.0.1:{port}/", process)
        assert b"react-entry-point" in explorer and b'id="timeline-graph"' in explorer
        assert b'id="filters"' in explorer  # the engine draws the controls in it
        assert b'id="timeline-graph"' in wait_for(f"http://127.0.0.1:{port}/embed", process)
        assert wait_for(f"http://127.0.0.1:{port}/_dash-layout", process)
    finally:
        process.terminate()
        process.wait(timeout=10)


def _health_of_each_worker(port: int, workers: int, seconds: float = 20) -> list[dict]:
    """The first answer of each of `workers` workers: asking until every one has
    answered (which one takes a connection is up to the kernel)."""
    first: dict[int, dict] = {}
    deadline = time.monotonic() + seconds
    while len(first) < workers and time.monotonic() < deadline:
        health = _health(port)
        first.setdefault(health["worker"], health)
    assert len(first) == workers, f"only {len(first)} of {workers} workers answered"
    return list(first.values())


def _health(port: int) -> dict:
    # A new connection each time, so gunicorn hands requests to different workers.
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
        return json.loads(response.read())


def test_every_gunicorn_worker_serves_a_change_within_two_seconds(tmp_path):
    data = tmp_path / "events.csv"
    data.write_bytes(GOOD)
    port = free_port()
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "--workers", "3", "--bind",
         f"127.0.0.1:{port}", "app:server"], cwd=REPOSITORY, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, env={**os.environ, "TIMELINE_DATA": str(data)})
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz", process)
        # Every worker has started and loaded the first version.
        assert {h["events"] for h in _health_of_each_worker(port, 3)} == {27}
        # Another program saves a valid change (written in place, not renamed).
        lines = GOOD.decode("utf-8").splitlines(keepends=True)
        without_last_event = "".join(lines[:-2] + lines[-1:])  # the title row stays
        data.write_text(without_last_event, "utf-8")
        changed_at = time.monotonic()
        time.sleep(2)
        seen = _health_of_each_worker(port, 3)
        assert {(h["events"], h["status"]) for h in seen} == {(26, "ok")}, seen
        # An invalid change: every worker keeps serving the last good version and says why.
        data.write_text(without_last_event.replace("vostochny-summit,2023-09,",
                                                   "vostochny-summit,13/09/2023,"), "utf-8")
        time.sleep(2)
        seen = _health_of_each_worker(port, 3)
        assert {(h["events"], h["status"], h["errors"]) for h in seen} == {(26, "error", 1)}, seen
        page = urllib.request.urlopen(f"http://127.0.0.1:{port}/_dash-layout", timeout=5)
        assert page.status == 200
        assert time.monotonic() - changed_at < 30
    finally:
        process.terminate()
        log = process.communicate(timeout=10)[1]
    # What is wrong goes to the log (the public /healthz only counts it).
    assert "did you mean 2023-09-13" in log


WEAK_SECRET_LINE = ("error: TIMELINE_EDIT_SECRET: the secret has fewer than 8 different "
                    "characters; choose a passphrase of at least 12 characters, 8 or more of "
                    "them different, or unset it to run with editing off. Not started.")


def test_app_py_refuses_a_weak_secret_with_one_line(data):
    result = subprocess.run([sys.executable, "app.py", "--data", str(data), "--port",
                             str(free_port())], cwd=REPOSITORY, capture_output=True, text=True,
                            timeout=60, env={**os.environ, "TIMELINE_EDIT_SECRET": "a" * 12})
    assert result.returncode == 1
    assert result.stderr.splitlines() == [WEAK_SECRET_LINE] and not result.stdout


def test_gunicorn_stops_on_a_weak_secret_instead_of_starting_workers_forever(data):
    # One worker: when several stop at once, gunicorn 27 prints a traceback of its own
    # while halting (it still halts).
    result = subprocess.run(
        [str(Path(sys.executable).with_name("gunicorn")), "-c", "gunicorn.conf.py",
         "--workers", "1", "--bind", f"127.0.0.1:{free_port()}", "app:server"],
        cwd=REPOSITORY, capture_output=True, text=True, timeout=60,
        env={**os.environ, "TIMELINE_DATA": str(data), "TIMELINE_EDIT_SECRET": " " * 12})
    assert result.returncode != 0
    assert "TIMELINE_EDIT_SECRET: the secret is only whitespace" in result.stderr
    # The app loads in gunicorn's master before any worker starts (preload_app): it
    # stops there, never starting one.
    assert "Traceback" not in result.stderr and "Booting worker" not in result.stderr


# ------------------------------------------------------------------ /healthz

def test_healthz_counts_the_files_errors_and_quotes_nothing_from_it(data, caplog):
    """/healthz is public; the data file is not (its notes, its path, its cells
    until published). What is wrong goes to the log and to the editor's page."""
    secret = "a newsroom passphrase"
    app = create_app(Config(data_path=data, edit_secret=secret))
    private_note = "Private note on the \u0421osmodrome plans"  # a Cyrillic С: a warning
    bad = data.read_text("utf-8").replace("vostochny-summit,2023-09,",
                                          "vostochny-summit,Unpublished cell 4711,")
    data.write_text(bad + f"extra,2024-01,,,A title,,Kim Jong-un,gifts,reported,src,,,,,,,"
                          f"{private_note}\n", "utf-8")
    settled = time.time() - 60
    os.utime(data, (settled, settled))  # long written: the first request's check reads it
    client = app.server.test_client()
    with caplog.at_level("ERROR", logger="timeline.data"):
        response = client.get("/healthz")
    health = response.json
    assert set(health) == {"status", "events", "version", "loaded_at", "errors", "worker"}
    assert health["status"] == "error" and health["errors"] == 1 and health["events"] == 27
    for private in ("Unpublished cell", "4711", "osmodrome", "Private note", str(data),
                    data.parent.name):
        assert private not in response.get_data(as_text=True), private
    logged = caplog.text
    assert "Unpublished cell 4711" in logged and str(data) in logged and "osmodrome" in logged
    # The editor still says what is wrong, and marks the cell.
    page = client.get("/edit/login")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    assert client.post("/edit/login", data={"secret": secret, "name": "Test editor", "csrf_token": token}
                       ).status_code == 302
    layout = client.get("/edit/_dash-layout").get_data(as_text=True)
    assert "edit-serving-note" in layout and "still serving version" in layout
    assert "Unpublished cell 4711" in layout and "is not a date" in layout


def test_a_readers_page_names_no_component_library_it_does_not_use(data):
    """The explorer draws with the engine: the editor's grid, dcc and dash_table are
    not in a reader's page, even with the editor (which imports them) in the process."""
    app = create_app(Config(data_path=data, edit_secret="a newsroom passphrase"))
    client = app.server.test_client()
    page = client.get("/").get_data(as_text=True)
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', page)
    assert any("dash_html_components" in src for src in scripts)
    assert any("dash_renderer" in src for src in scripts)
    assert not [src for src in scripts if any(
        name in src for name in ("dash_ag_grid", "/dcc/", "dash_table"))]
    # The editor's own page still has its grid.
    form = client.get("/edit/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    client.post("/edit/login", data={"csrf_token": token, "name": "Anna",
                                     "secret": "a newsroom passphrase"})
    assert "dash_ag_grid" in client.get("/edit/").get_data(as_text=True)
